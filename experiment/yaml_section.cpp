#include "experiment/yaml_section.h"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

#include "provider/error.h"

namespace carl::experiment {

namespace {
// The line (1-based) where a second YAML document starts, or 0. A line that starts with `---` or
// `...` (then a space or its end) is a document marker wherever it stands (YAML's c-forbidden:
// not even a block scalar holds one), so the markers are found in the text: content after `...`,
// or after a `---` that follows content, is a second document. An empty one (a trailing `---`,
// directives, comments) holds nothing to miss. (yaml-cpp 0.7's LoadAll loops for ever on some
// malformed input, which a fuzzer found.)
int second_document_line(const std::string& text) {
  bool content = false, ended = false;
  int line_no = 0;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    at = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto marker = [&](std::string_view m) {
      return line.substr(0, 3) == m && (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
    };
    auto holds_content = [](std::string_view rest) {
      const std::size_t first = rest.find_first_not_of(" \t");
      return first != std::string_view::npos && rest[first] != '#';
    };
    if (marker("...")) {
      ended = content || ended;
      continue;
    }
    if (marker("---")) {
      if (content) ended = true;
      if (holds_content(line.substr(3))) {
        if (ended) return line_no;
        content = true;
      }
      continue;
    }
    if (!holds_content(line) || (!content && line[0] == '%')) continue;
    if (ended && line[0] != '%') return line_no;
    content = true;
  }
  return 0;
}
}  // namespace

YAML::Node load_yaml(const std::string& text, const std::string& source) {
  // One document: a second one (after `---`) would be read by no one, its keys unchecked.
  if (const int line = second_document_line(text))
    throw InputError(fmt::format("{}:{}: a second YAML document; a config is one document",
                                 printable(source), line));
  try {
    return YAML::Load(text);
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
  YAML::Mark mark = at.Mark();
  // An empty value (`height:`) is marked where the next token starts, a line or more on: its
  // key's line is the one to name.
  if (at.IsNull() && node_.IsMap())
    for (const auto& entry : node_)
      if (entry.second.is(at)) mark = entry.first.Mark();
  // A node with no place in the text (an empty file's) has no line to name: not "file:0:".
  if (mark.is_null()) return InputError(fmt::format("{}: {}", printable(source_), what));
  return InputError(fmt::format("{}:{}: {}", printable(source_), mark.line + 1, what));
}

void YamlSection::refuse_type(const YAML::Node& v, const std::string& name,
                              const char* type) const {
  throw error(v, fmt::format("{}: expected {}, got {}", name, type,
                             v.IsScalar()     ? "'" + printable(v.Scalar().substr(0, 80)) + "'"
                             : v.IsNull()     ? std::string("nothing (null)")
                             : v.IsSequence() ? std::string("a list")
                                              : std::string("a mapping")));
}

// A check's message quotes the value escaped itself (carl::printable), as every InputError does:
// escaped again here, a rulestring's `\xc3` would read `\\xc3`.
void YamlSection::refuse_if(const YAML::Node& v, const char* k, const std::string& problem) const {
  if (!problem.empty()) throw error(v, key(k) + ": " + problem);
}

void YamlSection::require_small_list(const YAML::Node& v, const std::string& name) const {
  if (!v.IsSequence()) return;  // refused by its type
  if (v.size() > kMaxListItems)
    throw error(v, fmt::format("{}: {} elements, more than {}", name, v.size(), kMaxListItems));
  std::size_t bytes = 0;
  for (const YAML::Node& item : v) {
    if (!item.IsScalar()) continue;  // refused by its type
    const std::size_t n = item.Scalar().size();
    // execve's limit on one argument counts its terminating NUL.
    if (n >= kMaxListItemBytes)
      throw error(item, fmt::format("{}: an element of {} bytes, {} at most", name, n,
                                    kMaxListItemBytes - 1));
    if ((bytes += n) > kMaxListBytes)
      throw error(v, fmt::format("{}: more than {} bytes in all", name, kMaxListBytes));
  }
}

Check<std::string> one_of(std::vector<std::string> options) {
  return [options = std::move(options)](const std::string& v) -> std::string {
    if (std::find(options.begin(), options.end(), v) != options.end()) return "";
    return fmt::format("'{}' is not one of: {}", printable(v), fmt::join(options, ", "));
  };
}

}  // namespace carl::experiment
