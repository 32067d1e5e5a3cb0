#include "provider/parameters.h"

#include <fmt/format.h>

#include <type_traits>

#include "ca/choice.h"
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
  if constexpr (std::is_same_v<T, std::string>) {  // the rule
    if (value.empty()) return "is required";
    try {
      ca::parse_rule(value);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  } else if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
    if (!(value >= min && value <= max))
      return fmt::format("{} is outside [{}, {}]", value, min, max);
    return "";  // NaN fails the comparison above
  } else {
    return "";  // a switch; a closed choice is checked where its word is read
  }
}

template struct Parameter<std::string>;
template struct Parameter<int>;
template struct Parameter<double>;
template struct Parameter<std::uint64_t>;
template struct Parameter<bool>;
template struct Parameter<ca::Boundary>;

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
      if constexpr (std::is_enum_v<T>)
        argv.push_back(choice_name(value));
      else
        argv.push_back(fmt::format("{}", value));  // shortest form that reads back exactly
    }
  });
  return argv;
}

}  // namespace carl::provider
