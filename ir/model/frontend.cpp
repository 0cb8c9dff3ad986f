#include "ir/model/frontend.h"

#include <yaml-cpp/yaml.h>

#include "ir/model/syntax.h"
#include "ir/model/yaml_input.h"

namespace rdc {

namespace {

class YamlReader {
 public:
  YamlReader(uint32_t file, DiagnosticSink& diags) : file_(file), diags_(diags) {}

  std::optional<Model> model(const YAML::Node& root) {
    if (!root.IsMap()) {
      diags_.error("schema", pos(root), "a model must be a YAML mapping with `rdc: 1` and a `system:`");
      return std::nullopt;
    }
    Model m;
    m.pos = pos(root);
    bool sawVersion = false, sawSystem = false;
    for (const auto& kv : root) {
      std::string key = scalarOr(kv.first, "");
      const YAML::Node& value = kv.second;
      if (key == "rdc") {
        sawVersion = true;
        if (!value.IsScalar() || value.Scalar() != "1") {
          diags_.error("schema", pos(value), "unsupported format version; this tool reads `rdc: 1`");
        }
      } else if (key == "model") {
        m.name = scalarOr(value, "");
      } else if (key == "doc") {
        m.doc = scalarOr(value, "");
      } else if (key == "params") {
        params(value, m.params);
      } else if (key == "domains") {
        domains(value, m);
      } else if (key == "use") {
        uses(value, m);
      } else if (key == "components") {
        components(value, m);
      } else if (key == "system") {
        sawSystem = true;
        m.system.name = "system";
        component(value, m.system, true);
      } else if (key == "checks") {
        checks(value, m);
      } else {
        diags_.error("schema", pos(kv.first),
                     "unknown top-level key '" + key +
                         "' (expected rdc, model, doc, params, domains, use, components, system, checks)");
      }
    }
    if (!sawVersion) diags_.error("schema", m.pos, "missing `rdc: 1` (the format version)");
    if (!sawSystem) diags_.error("schema", m.pos, "missing `system:` (the whole system's body)");
    return m;
  }

 private:
  // The position of a node's text. A quoted scalar (tagged "!" by yaml-cpp)
  // starts one column after its mark, at the first character inside the quote.
  Pos pos(const YAML::Node& node) const {
    YAML::Mark mark = node.Mark();
    if (mark.line < 0) return {file_, 0, 0};
    uint32_t quote = node.IsScalar() && node.Tag() == "!" ? 1 : 0;
    return {file_, static_cast<uint32_t>(mark.line + 1), static_cast<uint32_t>(mark.column + 1) + quote};
  }

  std::string scalarOr(const YAML::Node& node, std::string fallback) { return scalar(node).value_or(fallback); }

  // A plain value's text; nullopt, reported, when it is none, so that what
  // would parse it (an expression, a binding) does not report it again.
  std::optional<std::string> scalar(const YAML::Node& node) {
    // YAML reads a plain value starting with `!` as a tag (`when: !v`): never what a model means.
    if (node.Tag().size() > 1 && node.Tag()[0] == '!') {
      diags_.error("schema", pos(node),
                   "YAML reads '" + node.Tag() + "' as a tag, not as text: quote a value that starts with '!'");
      return std::nullopt;
    }
    if (node.IsScalar()) {
      // A quoted scalar may spell a control character as an escape (`"\0"`,
      // `"\e"`): no name, expression or doc of a model holds one (a NUL
      // would cut a name short where it is written out).
      const std::string& text = node.Scalar();
      // (yaml-cpp spells the escape `\N`, U+0085, as the lone byte 85.)
      if (firstInvalidUtf8(text)) {
        diags_.error("schema", pos(node), "a value that is not UTF-8 (an escape such as `\\N`)");
        return std::nullopt;
      }
      auto control = firstControlCharacter(text);
      if (!control) return text;
      diags_.error("schema", pos(node), "a control character (" + control->name + ") in a value");
      return std::nullopt;
    }
    diags_.error("schema", pos(node), "expected a plain value here");
    return std::nullopt;
  }

  bool expectMap(const YAML::Node& node, const char* what) {
    if (node.IsMap()) return true;
    if (node.IsNull()) return false;  // an empty section is simply empty
    diags_.error("schema", pos(node), std::string(what) + " must be a mapping");
    return false;
  }

  void params(const YAML::Node& node, std::vector<ParamDecl>& out) {
    if (node.IsSequence()) {  // component parameters without defaults: [n, f]
      for (const YAML::Node& item : node) {
        std::string name = scalarOr(item, "");
        if (!syntax::isIdentifier(name)) {
          diags_.error("schema", pos(item), "a parameter name must be an identifier");
          continue;
        }
        if (!syntax::notReserved(name, pos(item), "a parameter", diags_)) continue;
        out.push_back({name, std::nullopt, pos(item)});
      }
      return;
    }
    if (!expectMap(node, "params")) return;
    for (const auto& kv : node) {
      std::string name = scalarOr(kv.first, "");
      if (!syntax::isIdentifier(name)) {
        diags_.error("schema", pos(kv.first), "a parameter name must be an identifier, got '" + name + "'");
        continue;
      }
      if (!syntax::notReserved(name, pos(kv.first), "a parameter", diags_)) continue;
      ParamDecl p{name, std::nullopt, pos(kv.first)};
      if (!kv.second.IsNull()) {
        std::string text = scalarOr(kv.second, "0");
        p.value = syntax::expression(text, pos(kv.second), diags_);
        if (!p.value) continue;
      }
      out.push_back(std::move(p));
    }
  }

  void domains(const YAML::Node& node, Model& m) {
    if (!expectMap(node, "domains")) return;
    for (const auto& kv : node) {
      std::string name = scalarOr(kv.first, "");
      if (!syntax::isIdentifier(name)) {
        diags_.error("schema", pos(kv.first), "a domain name must be an identifier");
        continue;
      }
      DomainDecl d{name, std::nullopt, pos(kv.first)};
      if (!kv.second.IsNull()) {
        d.size = syntax::expression(scalarOr(kv.second, "0"), pos(kv.second), diags_);
        if (!d.size) continue;
      }
      m.domains.push_back(std::move(d));
    }
  }

  void uses(const YAML::Node& node, Model& m) {
    if (!node.IsSequence()) {
      diags_.error("schema", pos(node), "use must be a list, e.g. `use: [std]`");
      return;
    }
    for (const YAML::Node& item : node) {
      std::string lib = scalarOr(item, "");
      if (lib != "std") {
        diags_.error("unknown-component", pos(item), "unknown library '" + lib + "' (only `std` exists)");
        continue;
      }
      m.uses.push_back(lib);
    }
  }

  void components(const YAML::Node& node, Model& m) {
    if (!expectMap(node, "components")) return;
    for (const auto& kv : node) {
      ComponentDef c;
      c.name = scalarOr(kv.first, "");
      c.pos = pos(kv.first);
      if (!syntax::isIdentifier(c.name)) {
        diags_.error("schema", c.pos, "a component name must be an identifier");
        continue;
      }
      for (const ComponentDef& other : m.components) {
        if (other.name == c.name) diags_.error("duplicate-name", c.pos, "component '" + c.name + "' defined twice");
      }
      component(kv.second, c, false);
      m.components.push_back(std::move(c));
    }
  }

  void component(const YAML::Node& node, ComponentDef& c, bool isSystem) {
    if (!expectMap(node, "a component")) return;
    if (isSystem) c.pos = pos(node);
    for (const auto& kv : node) {
      std::string key = scalarOr(kv.first, "");
      if (key == "doc") {
        c.doc = scalarOr(kv.second, "");
      } else if (key == "params" && !isSystem) {
        params(kv.second, c.params);
      } else if (key == "types" && !isSystem) {
        typeParams(kv.second, c);
      } else if (key == "lines" && !isSystem) {
        lines(kv.second, c);
      } else if (key == "body") {
        body(kv.second, c.body);
      } else {
        diags_.error(
            "schema", pos(kv.first),
            "unknown key '" + key + "' in " +
                (isSystem ? "system (expected doc, body)" : "a component (expected doc, params, types, lines, body)"));
      }
    }
  }

  void typeParams(const YAML::Node& node, ComponentDef& c) {
    if (!node.IsSequence()) {
      diags_.error("schema", pos(node), "types must be a list of type variable names, e.g. `types: [T]`");
      return;
    }
    for (const YAML::Node& item : node) {
      std::string name = scalarOr(item, "");
      if (!syntax::isIdentifier(name)) {
        diags_.error("schema", pos(item), "a type variable must be an identifier");
        continue;
      }
      c.typeParams.push_back(name);
    }
  }

  void lines(const YAML::Node& node, ComponentDef& c) {
    if (!expectMap(node, "lines")) return;
    for (const auto& kv : node) {
      LineDecl line;
      line.name = scalarOr(kv.first, "");
      line.pos = pos(kv.first);
      if (!syntax::isIdentifier(line.name)) {
        diags_.error("schema", line.pos, "a line name must be an identifier, got '" + line.name + "'");
        continue;
      }
      std::optional<std::string> type = scalar(kv.second);
      if (type && syntax::lineType(*type, pos(kv.second), line, diags_)) c.lines.push_back(std::move(line));
    }
  }

  void body(const YAML::Node& node, std::vector<Item>& out, int depth = 0) {
    if (node.IsNull()) return;
    if (!node.IsSequence()) {
      diags_.error("schema", pos(node), "a body must be a list of items");
      return;
    }
    for (const YAML::Node& entry : node) {
      if (!entry.IsMap() || entry.size() == 0) {
        diags_.error("schema", pos(entry), "a body item must be `Component name: {...}`, `wire: A -> B` or `for: ...`");
        continue;
      }
      if (entry["for"]) {
        forItem(entry, out, depth);
        continue;
      }
      if (entry["if"]) {
        ifItem(entry, out, depth);
        continue;
      }
      if (entry.size() != 1) {
        diags_.error("schema", pos(entry), "a body item has exactly one key (did you mis-indent a binding?)");
        continue;
      }
      // Held by value: yaml-cpp's iterators hand out temporaries.
      const auto kv = *entry.begin();
      std::string key = scalarOr(kv.first, "");
      Item item;
      item.pos = pos(kv.first);
      item.header = key;
      if (key == "wire") {
        item.kind = Item::Kind::Wire;
        std::optional<std::string> text = scalar(kv.second);
        if (!text) continue;
        item.header = *text;
        item.pos = pos(kv.second);
        if (syntax::arrow(*text, pos(kv.second), item.from, item.to, diags_)) out.push_back(std::move(item));
        continue;
      }
      if (!syntax::instanceKey(key, item.pos, item, diags_)) continue;
      instanceBody(kv.second, item);
      out.push_back(std::move(item));
    }
  }

  void forItem(const YAML::Node& entry, std::vector<Item>& out, int depth) {
    Item item;
    item.kind = Item::Kind::For;
    item.pos = pos(entry["for"]);
    for (const auto& kv : entry) {
      std::string key = scalarOr(kv.first, "");
      if (key != "for" && key != "body") {
        diags_.error("schema", pos(kv.first), "unknown key '" + key + "' in a for box (expected for, body)");
      }
    }
    std::optional<std::string> header = scalar(entry["for"]);
    if (!header) return;
    item.header = *header;
    if (!syntax::forHeader(item.header, item.pos, item.loops, diags_)) return;
    size_t nesting = static_cast<size_t>(depth) + item.loops.size();
    if (nesting > syntax::kMaxLoopNesting) {
      diags_.error("size-limit", item.pos,
                   "`for` loops nested more than " + std::to_string(syntax::kMaxLoopNesting) +
                       " deep (each variable of a `for` header is a level)");
      return;
    }
    body(entry["body"], item.body, static_cast<int>(nesting));
    out.push_back(std::move(item));
  }

  // `if: COND` with `body:` and an optional `else:`: one conditional box
  // per branch (syntax::forHeader's `if COND` and `else COND`).
  void ifItem(const YAML::Node& entry, std::vector<Item>& out, int depth) {
    for (const auto& kv : entry) {
      std::string key = scalarOr(kv.first, "");
      if (key != "if" && key != "body" && key != "else") {
        diags_.error("schema", pos(kv.first), "unknown key '" + key + "' in an if box (expected if, body, else)");
      }
    }
    if (depth + 1 > static_cast<int>(syntax::kMaxLoopNesting)) {
      diags_.error("size-limit", pos(entry["if"]),
                   "boxes nested more than " + std::to_string(syntax::kMaxLoopNesting) + " deep (an `if` is a level)");
      return;
    }
    std::optional<std::string> condition = scalar(entry["if"]);
    if (!condition) return;
    const std::string& cond = *condition;
    for (bool otherBranch : {false, true}) {
      if (otherBranch && !entry["else"]) break;
      Item item;
      item.kind = Item::Kind::For;
      item.pos = pos(entry["if"]);
      item.header = (otherBranch ? "else " : "if ") + cond;  // what syntax::forHeader reads back from the IR
      if (!syntax::conditionalHeader(cond, item.pos, otherBranch, item.loops, diags_)) return;
      body(entry[otherBranch ? "else" : "body"], item.body, depth + 1);
      out.push_back(std::move(item));
    }
  }

  void instanceBody(const YAML::Node& node, Item& item) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      diags_.error("schema", pos(node), "an instance's bindings must be a mapping `line: SOURCE -> DESTINATION`");
      return;
    }
    for (const auto& kv : node) {
      std::string key = scalarOr(kv.first, "");
      std::optional<std::string> value = scalar(kv.second);
      if (!value) continue;
      const std::string& text = *value;
      if (key == "expr") {
        item.fnExpr = syntax::expression(text, pos(kv.second), diags_);
        continue;
      }
      if (key == "when") {
        item.fnWhen = syntax::expression(text, pos(kv.second), diags_);
        continue;
      }
      Binding b;
      b.key = key;
      b.pos = pos(kv.first);
      b.text = text;
      if (syntax::bindingKey(key, b.pos, b, diags_) && syntax::arrow(text, pos(kv.second), b.in, b.out, diags_)) {
        item.bindings.push_back(std::move(b));
      }
    }
  }

  void checks(const YAML::Node& node, Model& m) {
    if (!expectMap(node, "checks")) return;
    for (const auto& kv : node) {
      std::string name = scalarOr(kv.first, "");
      if (!syntax::isIdentifier(name)) {
        diags_.error("schema", pos(kv.first), "a check name must be an identifier");
        continue;
      }
      auto e = syntax::expression(scalarOr(kv.second, "true"), pos(kv.second), diags_);
      if (e) m.checks.push_back({name, std::move(*e)});
    }
  }

  uint32_t file_;
  DiagnosticSink& diags_;
};

std::optional<Model> parseYamlText(std::string_view text, const std::string& fileName, DiagnosticSink& diags) {
  uint32_t file = diags.addFile(fileName);
  YamlProblem problem;
  std::optional<YAML::Node> root = loadYamlDocument(text, &problem);
  if (!root) {
    std::string hint = problem.message == "illegal map value"
                           ? " (a value containing ': ', such as a conditional or a quantifier, must be quoted)"
                           : "";
    diags.error(problem.code, {file, problem.line, problem.col}, "YAML: " + problem.message + hint);
    return std::nullopt;
  }
  try {
    return YamlReader(file, diags).model(*root);
  } catch (const YAML::Exception& e) {
    diags.error("parse-error", {file, 0, 0}, std::string("YAML: ") + e.what());
    return std::nullopt;
  }
}

}  // namespace

std::optional<Model> parseModelYaml(std::string_view text, const std::string& fileName, DiagnosticSink& diags) {
  auto model = parseYamlText(text, fileName, diags);
  if (!model) return model;
  bool usesStd = false;
  for (const std::string& lib : model->uses) usesStd |= lib == "std";
  if (usesStd) {
    // Parsed into the same sink so that positions inside std read `<std>:line:col`.
    auto lib = parseYamlText(standardLibraryText(), "<std>", diags);
    if (!lib) return std::nullopt;
    for (ComponentDef& c : lib->components) {
      if (model->findComponent(c.name)) continue;  // the user's definition shadows std's
      c.fromStd = true;
      model->components.push_back(std::move(c));
    }
  }
  return model;
}

bool overrideParam(Model& model, std::string_view name, std::string_view value, DiagnosticSink& diags) {
  for (ParamDecl& p : model.params) {
    if (p.name != name) continue;
    uint32_t file = diags.addFile("-D " + std::string(name));
    auto e = syntax::expression(value, {file, 1, 1}, diags);
    if (!e) return false;
    p.value = std::move(*e);
    return true;
  }
  std::vector<std::string> known;
  for (const ParamDecl& p : model.params) known.push_back(p.name);
  diags.error(
      "bad-param", {},
      "-D " + std::string(name) + ": the model has no parameter '" + std::string(name) + "'" + didYouMean(name, known));
  return false;
}

}  // namespace rdc
