#pragma once
// One YAML mapping of a hand-written input file (an experiment config, a sweep file) read against
// the keys its reader declares. What it promises:
// - every refusal is an InputError of one line, "file:line: key: problem", with the line of the
//   offending key or value and the key's dotted name ("provider.height", "rules[0].count");
// - a key that is not declared, is given twice (yaml-cpp would silently keep one of the values)
//   or is not a plain name is refused by reject_unknown, called after every key is declared;
// - a value of the wrong type is refused naming the type wanted and the value as given; a scalar
//   field takes only a scalar (a YAML null is not the word "null"); a value its check refuses
//   (in_range, one_of, a choice) is refused in the check's words;
// - whatever came from the file (keys, values, a check's words quoting them) is echoed escaped
//   (provider::printable), so that it can neither break the line nor drive the terminal.
// LibTorch-free (yaml-cpp, fmt, ca/choice.h): the config fuzz targets compile it in directly.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "ca/choice.h"
#include "ca/error.h"

namespace carl::experiment {

// A file's text read as YAML; a syntax error is "source:line: not valid YAML: what".
YAML::Node load_yaml(const std::string& text, const std::string& source);

// A value's check: "" when the value is good, else the problem ("3 is outside [4, 9]"), which
// quotes what came from outside through carl::printable (it is printed as it is).
template <class T>
using Check = std::function<std::string(const T&)>;

class YamlSection {
 public:
  // `path` is the mapping's dotted name, the prefix of its keys in messages ("" at a file's top
  // level, which messages call `top`); `source` names the file and must outlive the section. An
  // absent or null node reads as an empty mapping (every field keeps its default); any other
  // node that is not a mapping is refused.
  YamlSection(const YAML::Node& node, std::string path, const std::string& source,
              std::string top = "the top level");

  // Declares `key`; when it is given, reads it into `into` and checks it. True when given.
  template <class T>
  bool field(const char* key, T& into, Check<T> check = nullptr) {
    const YAML::Node v = child(key);
    if (!v) return false;
    into = as<T>(v, this->key(key));
    if (check) refuse_if(v, key, check(into));
    return true;
  }

  // A closed choice (ca/choice.h): its word read and checked against the choice's one table.
  template <class E>
  void choice(const char* key, E& into);

  // Declares `key` and gives its node, a nested mapping or a list: undefined (false) when not
  // given.
  YAML::Node child(const char* key);

  // `v` (a value in this mapping, or an element of a list in it) read as a T; `name` is what
  // messages call it. An integer that T cannot hold is refused with T's range (integer below).
  template <class T>
  T as(const YAML::Node& v, const std::string& name) const {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>)
      return integer<T>(v, name, std::numeric_limits<T>::lowest(), std::numeric_limits<T>::max());
    constexpr bool list = std::is_same_v<T, std::vector<std::string>>;
    if constexpr (list) require_small_list(v, name);
    try {
      if (list || v.IsScalar()) return v.as<T>();
    } catch (const YAML::Exception&) {
    }
    refuse_type(v, name, type_name<T>());
  }

  // `v` read as an integer in [lo, hi]. A decimal integer outside the range, whatever its size
  // or sign, is refused as "NAME: -1 is outside [0, …]", not as "expected an integer" (yaml-cpp's
  // reading of -1 as an unsigned, or of 5000000000 as an int, fails).
  template <class T>
  T integer(const YAML::Node& v, const std::string& name, T lo, T hi) const {
    // A value as a sign and a magnitude: a <= b.
    struct Signed {
      bool negative;
      std::uint64_t magnitude;
    };
    const auto of = [](T x) -> Signed {
      if constexpr (std::is_signed_v<T>)
        if (x < 0) return {true, std::uint64_t(-(x + 1)) + 1};
      return {false, std::uint64_t(x)};
    };
    const auto at_most = [](Signed a, Signed b) {
      if (a.negative != b.negative) return a.negative;
      return a.negative ? a.magnitude >= b.magnitude : a.magnitude <= b.magnitude;
    };
    const auto outside = [&](const std::string& value) {
      return error(v, fmt::format("{}: {} is outside [{}, {}]", name, value, lo, hi));
    };
    if (v.IsScalar()) {
      const std::string& s = v.Scalar();
      const std::size_t from = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
      if (from < s.size() && s.find_first_not_of("0123456789", from) == std::string::npos) {
        Signed x{s[0] == '-', 0};
        const auto [end, ec] = std::from_chars(s.data() + from, s.data() + s.size(), x.magnitude);
        x.negative = x.negative && x.magnitude != 0;  // -0 is 0
        if (ec != std::errc() || end != s.data() + s.size() || !at_most(of(lo), x) ||
            !at_most(x, of(hi)))
          throw outside(s);
        if constexpr (std::is_signed_v<T>)
          if (x.negative) return T(-static_cast<long long>(x.magnitude - 1) - 1);
        return T(x.magnitude);
      }
    }
    T x{};  // hexadecimal (0x10), or refused as not an integer
    try {
      if (!v.IsScalar()) refuse_type(v, name, type_name<T>());
      x = v.as<T>();
    } catch (const YAML::Exception&) {
      refuse_type(v, name, type_name<T>());
    }
    if (x < lo || x > hi) throw outside(fmt::format("{}", x));
    return x;
  }

  // Call after every key is declared.
  void reject_unknown() const;

  // A list of strings is a program's argv (provider.command): at most kMaxListItems elements of
  // fewer than kMaxListItemBytes, kMaxListBytes in all (within what execve takes). Checked before
  // the list is copied: YAML aliases let a file of 100 KB name gigabytes.
  static constexpr std::size_t kMaxListItems = 4096, kMaxListItemBytes = 128 << 10,
                               kMaxListBytes = 1 << 20;
  void require_small_list(const YAML::Node& v, const std::string& name) const;

  std::string key(const std::string& k) const;  // "path.k", escaped
  InputError error(const YAML::Node& at, const std::string& what) const;

 private:
  template <class T>
  static const char* type_name() {
    if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::uint64_t>) return "an integer";
    if constexpr (std::is_same_v<T, double>) return "a number";
    if constexpr (std::is_same_v<T, bool>) return "true or false";
    if constexpr (std::is_same_v<T, std::vector<std::string>>) return "a list of strings";
    return "a string";
  }
  [[noreturn]] void refuse_type(const YAML::Node& v, const std::string& name,
                                const char* type) const;
  void refuse_if(const YAML::Node& v, const char* key, const std::string& problem) const;

  YAML::Node node_;
  std::string path_, top_;
  const std::string& source_;
  std::vector<std::string> declared_;
};

template <class T>
Check<T> in_range(T lo, T hi) {
  return [lo, hi](const T& v) -> std::string {
    if (!(v >= lo && v <= hi)) return fmt::format("{} is outside [{}, {}]", v, lo, hi);  // NaN too
    return "";
  };
}

// One of the given words.
Check<std::string> one_of(std::vector<std::string> options);

// A word that `parse` (which throws InputError on a bad word) accepts, refused in its words.
template <class Parse>
Check<std::string> parsed_by(Parse parse) {
  return [parse](const std::string& v) -> std::string {
    try {
      parse(v);
      return "";
    } catch (const InputError& e) {
      return e.what();
    }
  };
}

// One of the words of the closed choice E (ca/choice.h).
template <class E>
Check<std::string> one_of() {
  return [](const std::string& v) -> std::string {
    return parse_choice<E>(v) ? "" : not_one_of<E>(printable(v));
  };
}

template <class E>
void YamlSection::choice(const char* key, E& into) {
  std::string word = choice_name(into);
  field<std::string>(key, word, one_of<E>());
  into = *parse_choice<E>(word);
}

}  // namespace carl::experiment
