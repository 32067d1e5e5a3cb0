#include "provider/parameters.h"

#include <fmt/format.h>

#include <type_traits>

#include "ca/error.h"
#include "ca/rulestring.h"

namespace carl::provider {

template <class T>
std::string Parameter<T>::flag() const {
  std::string f = std::string("--") + name;
  for (char& c : f)
    if (c == '_') c = '-';
  return f;
}

template <class T>
std::string Parameter<T>::problem(const T& value) const {
  if constexpr (std::is_same_v<T, std::string>) {
    if (is_rule) {
      if (value.empty()) return "is required";
      try {
        ca::parse_rule(value);
      } catch (const InputError& e) {
        return e.what();
      }
      return "";
    }
    for (const auto& c : choices)
      if (value == c) return "";
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    return fmt::format("'{}' is not one of: {}", value, list);
  } else if constexpr (std::is_same_v<T, bool>) {
    return "";
  } else {
    if (!(value >= min && value <= max))
      return fmt::format("{} is outside [{}, {}]", value, min, max);
    return "";  // NaN fails the comparison above
  }
}

template struct Parameter<std::string>;
template struct Parameter<int>;
template struct Parameter<double>;
template struct Parameter<std::uint64_t>;
template struct Parameter<bool>;

Parameter<std::string> one_of(const char* name, const char* help,
                              std::vector<std::string> choices) {
  Parameter<std::string> p;
  p.name = name;
  p.help = help;
  p.choices = std::move(choices);
  return p;
}

Parameter<std::string> rulestring(const char* name, const char* help) {
  Parameter<std::string> p;
  p.name = name;
  p.help = help;
  p.is_rule = true;
  return p;
}

Parameter<bool> switch_(const char* name, const char* help) {
  Parameter<bool> p;
  p.name = name;
  p.help = help;
  return p;
}

std::string first_problem(const WorldParameters& p) {
  std::string first;
  visit_parameters(p, [&](const auto& parameter, const auto& value) {
    if (!first.empty()) return;
    const std::string problem = parameter.problem(value);
    if (!problem.empty()) first = parameter.flag() + " " + problem;
  });
  return first;
}

std::vector<std::string> parameter_arguments(const WorldParameters& p) {
  std::vector<std::string> argv;
  visit_parameters(p, [&](const auto& parameter, const auto& value) {
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_same_v<T, bool>) {
      if (value) argv.push_back(parameter.flag());
    } else {
      argv.push_back(parameter.flag());
      argv.push_back(fmt::format("{}", value));  // shortest form that reads back exactly
    }
  });
  return argv;
}

}  // namespace carl::provider
