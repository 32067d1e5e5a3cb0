// learner::SymmetryMethod's words, apart from the detectors, which the config reader parses and
// prints.
#include <fmt/format.h>

#include "ca/error.h"
#include "learner/symmetry.h"

namespace carl::learner {

SymmetryMethod SymmetryMethod::fixed_to(groups::Subgroup g) {
  SymmetryMethod m(fixed);
  m.group = g;
  return m;
}

SymmetryMethod SymmetryMethod::parse(const std::string& word) {
  if (word == "data") return data;
  if (word == "function") return function;
  if (word == "kernels") return kernels;
  if (word.rfind("fixed:", 0) == 0) return fixed_to(groups::Subgroup::parse(word.substr(6)));
  throw InputError(
      fmt::format("'{}' is not one of: data, function, kernels, fixed:<group>", printable(word)));
}

std::string SymmetryMethod::name() const {
  switch (kind) {
    case data:
      return "data";
    case function:
      return "function";
    case kernels:
      return "kernels";
    case fixed:
      break;
  }
  return "fixed:" + group.name();
}

}  // namespace carl::learner
