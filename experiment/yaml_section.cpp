#include "experiment/yaml_section.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "provider/error.h"

namespace carl::experiment {

YAML::Node load_yaml(const std::string& text, const std::string& source) {
  try {
    // One document: a second one (after `---`) would be read by no one, its keys unchecked.
    // An empty one after it (a trailing `---`) holds nothing to miss.
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    while (documents.size() > 1 && documents.back().IsNull()) documents.pop_back();
    if (documents.size() > 1) {
      const int line = documents[1].Mark().line;
      throw InputError(fmt::format("{}{}: a second YAML document; a config is one document",
                                   printable(source),
                                   line >= 0 ? fmt::format(":{}", line + 1) : ""));
    }
    return documents.empty() ? YAML::Node() : documents.front();
  } catch (const YAML::ParserException& e) {
    throw InputError(fmt::format("{}:{}: not valid YAML: {}", printable(source), e.mark.line + 1,
                                 printable(e.msg)));
  }
}

YamlSection::YamlSection(const YAML::Node& node, std::string path, const std::string& source,
                         std::string top)
    : node_(node), path_(std::move(path)), top_(std::move(top)), source_(source) {
  if (node_ && !node_.IsMap() && !node_.IsNull())
    throw error(node_, fmt::format("{}: expected a mapping of keys to values",
                                   path_.empty() ? top_ : path_));
}

YAML::Node YamlSection::child(const char* key) {
  declared_.push_back(key);
  return node_ && node_.IsMap() ? node_[key] : YAML::Node(YAML::NodeType::Undefined);
}

// Also refuses keys that are not plain strings and keys given twice.
void YamlSection::reject_unknown() const {
  if (!node_ || !node_.IsMap()) return;
  std::vector<std::string> seen;
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar())
      throw error(kv.first, fmt::format("{}: a key must be a name, not a collection",
                                        path_.empty() ? top_ : path_));
    const std::string k = kv.first.Scalar();
    if (std::find(seen.begin(), seen.end(), k) != seen.end())
      throw error(kv.first, key(k) + ": given twice");
    seen.push_back(k);
    if (std::find(declared_.begin(), declared_.end(), k) == declared_.end())
      throw error(kv.first,
                  fmt::format("{}: unknown key (known: {})", key(k), fmt::join(declared_, ", ")));
  }
}

std::string YamlSection::key(const std::string& k) const {
  return printable(path_.empty() ? k : path_ + "." + k);
}

InputError YamlSection::error(const YAML::Node& at, const std::string& what) const {
  // A node with no place in the text (an empty file's) has no line to name: not "file:0:".
  if (at.Mark().is_null()) return InputError(fmt::format("{}: {}", printable(source_), what));
  return InputError(fmt::format("{}:{}: {}", printable(source_), at.Mark().line + 1, what));
}

void YamlSection::refuse_type(const YAML::Node& v, const std::string& name,
                              const char* type) const {
  throw error(v, fmt::format("{}: expected {}, got '{}'", name, type,
                             v.IsScalar() ? printable(v.Scalar().substr(0, 80))
                                          : std::string("a collection")));
}

// A check's message quotes the value escaped itself (carl::printable), as every InputError does:
// escaped again here, a rulestring's `\xc3` would read `\\xc3`.
void YamlSection::refuse_if(const YAML::Node& v, const char* k, const std::string& problem) const {
  if (!problem.empty()) throw error(v, key(k) + ": " + problem);
}

Check<std::string> one_of(std::vector<std::string> options) {
  return [options = std::move(options)](const std::string& v) -> std::string {
    if (std::find(options.begin(), options.end(), v) != options.end()) return "";
    return fmt::format("'{}' is not one of: {}", printable(v), fmt::join(options, ", "));
  };
}

}  // namespace carl::experiment
