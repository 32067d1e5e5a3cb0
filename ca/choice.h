#pragma once
// Closed choices (a config's `policy: risk`, `protocol: rle` …) as enums with one table of words
// each, which both reads a word (parse_choice, at the edge: the config) and writes it back
// (choice_name: rule.json, rounds and messages), so that what is printed is what is read.
//
// A choice is an enum E declared with, in its own namespace (found by argument-dependent lookup),
//   constexpr const auto& choice_words(E) { return kEWords; }
// returning an array of {E, "word"} pairs.
#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>

namespace carl {

template <class E>
const char* choice_name(E value) {
  for (const auto& [v, word] : choice_words(value))
    if (v == value) return word;
  return "?";
}

template <class E>
std::optional<E> parse_choice(std::string_view word) {
  for (const auto& [v, w] : choice_words(E{}))
    if (word == w) return v;
  return std::nullopt;
}

// "'x' is not one of: a, b, c" (the caller quotes the word safely if it came from outside).
template <class E>
std::string not_one_of(std::string_view word) {
  std::string list;
  for (const auto& [v, w] : choice_words(E{})) list += (list.empty() ? "" : ", ") + std::string(w);
  return fmt::format("'{}' is not one of: {}", word, list);
}

}  // namespace carl
