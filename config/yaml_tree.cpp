#include "loa/yaml_tree.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <fstream>
#include <sstream>
#include <unordered_map>

namespace loa {

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.is_scalar() && k.value == key) return &v;
  }
  return nullptr;
}

Message YamlNode::kind_message() const {
  switch (kind) {
    case Kind::null:
      return {"kind.nothing"};
    case Kind::scalar:
      return {"kind.value"};
    case Kind::sequence:
      return {"kind.list"};
    case Kind::mapping:
      break;
  }
  return {"kind.mapping"};
}

std::string_view YamlNode::kind_name() const {
  switch (kind) {
    case Kind::null:
      return "nothing";
    case Kind::scalar:
      return "a single value";
    case Kind::sequence:
      return "a list";
    case Kind::mapping:
      return "a mapping (key: value)";
  }
  return "?";
}

namespace {

struct LimitExceeded {
  SourcePos where;
  Message message;
};

std::size_t count_nodes(const YamlNode& n) {
  std::size_t c = 1;
  for (const auto& i : n.items) c += count_nodes(i);
  for (const auto& [k, v] : n.entries) c += count_nodes(k) + count_nodes(v);
  return c;
}

// Builds YamlNode trees from yaml-cpp's parser events.
class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(std::shared_ptr<const std::string> file, const YamlLimits& limits, Diagnostics& diags)
      : file_(std::move(file)), limits_(limits), diags_(diags) {}

  std::optional<YamlNode> result;

  void OnDocumentStart(const YAML::Mark& /*mark*/) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode n;
    n.pos = at(mark);
    complete(std::move(n), anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      throw LimitExceeded{at(mark), {"yaml.alias_loop"}};
    }
    alias_nodes_ += it->second.second;
    if (alias_nodes_ > limits_.max_alias_nodes) {
      throw LimitExceeded{at(mark), {"yaml.alias_too_many", {{"max", limits_.max_alias_nodes}}}};
    }
    YamlNode copy = it->second.first;
    copy.pos = at(mark);
    complete(std::move(copy), YAML::NullAnchor);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode n;
    n.kind = YamlNode::Kind::scalar;
    n.pos = at(mark);
    n.value = value;
    n.plain = tag != "!";
    // A plain "~" or "null" is YAML's null, as is an empty plain value.
    if (n.plain && (value == "~" || value == "null" || value == "Null" || value == "NULL")) {
      n.kind = YamlNode::Kind::null;
      n.value.clear();
    }
    complete(std::move(n), anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    open(mark, YamlNode::Kind::sequence, anchor);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    open(mark, YamlNode::Kind::mapping, anchor);
  }
  void OnMapEnd() override {
    apply_merge_keys(stack_.back().node);
    check_keys(stack_.back().node);
    close();
  }

 private:
  struct Frame {
    YamlNode node;
    YAML::anchor_t anchor = YAML::NullAnchor;
    std::optional<YamlNode> pending_key;
  };

  SourcePos at(const YAML::Mark& mark) const {
    return SourcePos{file_, mark.line + 1, mark.column + 1};
  }

  void open(const YAML::Mark& mark, YamlNode::Kind kind, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      throw LimitExceeded{at(mark), {"yaml.too_deep", {{"max", limits_.max_depth}}}};
    }
    Frame f;
    f.node.kind = kind;
    f.node.pos = at(mark);
    f.anchor = anchor;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    complete(std::move(f.node), f.anchor);
  }

  void complete(YamlNode n, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = {n, count_nodes(n)};
    if (stack_.empty()) {
      result = std::move(n);
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node.kind == YamlNode::Kind::sequence) {
      parent.node.items.push_back(std::move(n));
    } else if (!parent.pending_key) {
      parent.pending_key = std::move(n);
    } else {
      parent.node.entries.push_back({std::move(*parent.pending_key), std::move(n)});
      parent.pending_key.reset();
    }
  }

  // YAML 1.1 merge keys: `<<: *base` or `<<: [*a, *b]` copy keys the mapping does not set itself.
  static void apply_merge_keys(YamlNode& map) {
    std::vector<YamlEntry> merged;
    bool any = false;
    for (auto& [k, v] : map.entries) {
      if (!(k.is_scalar() && k.plain && k.value == "<<")) continue;
      any = true;
      std::vector<const YamlNode*> sources;
      if (v.is_mapping()) sources.push_back(&v);
      if (v.is_sequence()) {
        for (const auto& i : v.items) {
          if (i.is_mapping()) sources.push_back(&i);
        }
      }
      for (const YamlNode* s : sources) {
        for (const auto& e : s->entries) merged.push_back(e);
      }
    }
    if (!any) return;
    std::vector<YamlEntry> out;
    for (auto& e : map.entries) {
      if (!(e.key.is_scalar() && e.key.plain && e.key.value == "<<")) out.push_back(std::move(e));
    }
    for (auto& e : merged) {
      if (!e.key.is_scalar() || map.find(e.key.value) == nullptr) {
        bool already = false;
        for (const auto& o : out)
          already = already || (o.key.is_scalar() && o.key.value == e.key.value);
        if (!already) out.push_back(std::move(e));
      }
    }
    map.entries = std::move(out);
  }

  void check_keys(const YamlNode& map) {
    std::unordered_map<std::string_view, const YamlNode*> seen;
    for (const auto& [k, v] : map.entries) {
      if (!k.is_scalar()) {
        diags_.error(k.pos, {"yaml.key_not_text", {{"found", k.kind_message()}}});
        continue;
      }
      auto [it, fresh] = seen.emplace(k.value, &k);
      if (!fresh) {
        diags_.error(k.pos,
                     {"yaml.duplicate_key", {{"key", k.value}, {"line", it->second->pos.line}}});
      }
    }
  }

  std::shared_ptr<const std::string> file_;
  const YamlLimits& limits_;
  Diagnostics& diags_;
  std::vector<Frame> stack_;
  std::unordered_map<YAML::anchor_t, std::pair<YamlNode, std::size_t>> anchors_;
  std::size_t alias_nodes_ = 0;
};

// Length of the UTF-8 sequence starting at s[i], or 0 if it is not valid UTF-8.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned min = 0;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  unsigned cp = c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Problems yaml-cpp reports badly or not at all: bytes that are not UTF-8 text, and tabs used to
// indent (YAML forbids them, and they are the commonest mistake of people new to it).
bool check_text(std::string_view text, const std::shared_ptr<const std::string>& file,
                Diagnostics& diags) {
  int line = 1;
  int column = 1;
  bool at_indent = true;
  bool ok = true;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\0') {
      diags.error({file, line, column}, "yaml.nul_bytes");
      return false;
    }
    const std::size_t len = utf8_length(text, i);
    if (len == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(c));
      diags.error({file, line, column}, {"yaml.invalid_utf8", {{"byte", std::string(hex)}}});
      return false;
    }
    if (c == '\n') {
      ++line;
      column = 1;
      at_indent = true;
    } else {
      if (c == '\t' && at_indent) {
        diags.error({file, line, column}, "yaml.tab_indent");
        ok = false;
        at_indent = false;
      } else if (c != ' ') {
        at_indent = false;
      }
      ++column;
    }
    i += len;
  }
  return ok;
}

Message friendly(const std::string& m) {
  if (m == "illegal map value") return {"yaml.syntax.map_value"};
  if (m == "end of map not found" || m == "end of map flow not found")
    return {"yaml.syntax.map_end", {{"detail", m}}};
  if (m == "end of sequence not found" || m == "end of sequence flow not found")
    return {"yaml.syntax.sequence_end", {{"detail", m}}};
  return {"yaml.syntax", {{"detail", m}}};
}

Message too_large(std::size_t max_bytes) {
  return {"yaml.too_large", {{"mib", max_bytes >> 20}}};
}

}  // namespace

std::optional<YamlNode> load_yaml_text(std::string_view text, const std::string& shown_as,
                                       Diagnostics& diags, const YamlLimits& limits) {
  auto file = std::make_shared<const std::string>(shown_as);
  if (text.size() > limits.max_bytes) {
    diags.error({file, 0, 0}, too_large(limits.max_bytes));
    return std::nullopt;
  }
  if (!check_text(text, file, diags)) return std::nullopt;
  std::string copy(text);
  if (copy.starts_with("\xEF\xBB\xBF")) copy.replace(0, 3, "   ");  // keep columns of line 1
  std::istringstream in(copy);
  TreeBuilder builder(file, limits, diags);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder))
      return YamlNode{YamlNode::Kind::null, {file, 1, 1}, {}, true, {}, {}};
    TreeBuilder rest(file, limits, diags);
    if (parser.HandleNextDocument(rest)) {
      diags.error(rest.result ? rest.result->pos : SourcePos{file, 0, 0}, "yaml.second_document");
      return std::nullopt;
    }
  } catch (const LimitExceeded& e) {
    diags.error(e.where, e.message);
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    diags.error({file, e.mark.line + 1, e.mark.column + 1}, friendly(e.msg));
    return std::nullopt;
  }
  if (!builder.result) return YamlNode{YamlNode::Kind::null, {file, 1, 1}, {}, true, {}, {}};
  return std::move(builder.result);
}

std::optional<YamlNode> load_yaml_file(const std::filesystem::path& path,
                                       const std::string& shown_as, Diagnostics& diags,
                                       const YamlLimits& limits) {
  auto file = std::make_shared<const std::string>(shown_as);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    diags.error({file, 0, 0}, "file.is_folder");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.error({file, 0, 0},
                {"file.cannot_open",
                 {{"reason", std::error_code(errno, std::generic_category()).message()}}});
    return std::nullopt;
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > limits.max_bytes) {
    diags.error({file, 0, 0}, too_large(limits.max_bytes));
    return std::nullopt;
  }
  std::string text;
  text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return load_yaml_text(text, shown_as, diags, limits);
}

}  // namespace loa
