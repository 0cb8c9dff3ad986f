#include "tools/rdc-dot/dot.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "ir/model/yaml_input.h"
#include "ir/tool/tool_io.h"

namespace rdc::dot {

namespace {

// Graphviz reads its input as UTF-8 and misreads (or refuses) anything else,
// so each ill-formed sequence (a name from a foreign IR) becomes U+FFFD.
std::string validUtf8(std::string_view text) {
  std::string out;
  while (auto bad = firstInvalidUtf8(text)) {
    out.append(text.substr(0, bad->offset)).append("\xEF\xBF\xBD");
    text.remove_prefix(bad->offset + 1);
  }
  return out.append(text);
}

// A control character other than a newline shows as its Unicode control
// picture (U+2400 + c, U+2421 for DEL): Graphviz's HTML labels are XML, which
// refuses control characters, and a plain label would lose them unseen.
bool controlPicture(char c, std::string& out) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u != 0x7f) return false;
  unsigned picture = u == 0x7f ? 0x2421 : 0x2400 + u;
  out += static_cast<char>(0xE0 | (picture >> 12));
  out += static_cast<char>(0x80 | ((picture >> 6) & 0x3f));
  out += static_cast<char>(0x80 | (picture & 0x3f));
  return true;
}

// Text for an HTML-like label (`<...>`): markup characters as entities, a
// newline as a line break, and a backslash doubled: Graphviz expands `\N`,
// `\G`, ... and unescapes `\\` in HTML-like labels too.
std::string html(std::string_view text) {
  std::string out;
  for (char c : validUtf8(text)) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\n':
        out += "<br/>";
        break;
      default:
        if (!controlPicture(c, out)) out += c;
    }
  }
  return out;
}

// A double-quoted DOT string that a label (or an ID) reads back as `text`:
// Graphviz unescapes `\\` and `\"`, turns `\n` (and `\N`, `\G`, `\l`, ...)
// into line breaks or names, and decodes entities such as `&amp;` even in
// plain labels, so a backslash, a quote and an ampersand are escaped. The
// nodes with plain labels are never records, where `{ | } < >` would be
// fields and ports.
std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : validUtf8(text)) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (!controlPicture(c, out)) out += c;
    }
  }
  return out + "\"";
}

const char* kDomainColours[] = {"#e3f2fd", "#fce4ec", "#e8f5e9", "#fff8e1", "#f3e5f5",
                                "#e0f7fa", "#fbe9e7", "#f1f8e9", "#ede7f6", "#fffde7"};

// The sketch's glyph for a source or sink in a port cell.
std::string glyph(const Graph& g, const Endpoint& e) {
  switch (e.kind) {
    case Endpoint::Kind::Choose:
      return "?";
    case Endpoint::Kind::Never:
      return "!";
    case Endpoint::Kind::Const:
      return html(g.constants[e.ref].str());
    case Endpoint::Kind::Drop:
      return "|";
    default:
      return "";
  }
}

// One row per line: an input port cell, `name: Type`, an output port cell.
struct Row {
  std::string label, left, right;
  std::string leftColour, rightColour;
};

std::string box(const std::string& title, const std::vector<Row>& rows, const std::string& headerColour = "#eeeeee") {
  std::string t = "<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">";
  t += "<tr><td colspan=\"3\" bgcolor=\"" + headerColour + "\">" + title + "</td></tr>";
  for (size_t k = 0; k < rows.size(); ++k) {
    const Row& r = rows[k];
    auto cell = [&](const char* port, const std::string& text, const std::string& colour) {
      return "<td port=\"" + std::string(port) + std::to_string(k) + "\" width=\"14\"" +
             (colour.empty() ? "" : " bgcolor=\"" + colour + "\"") + ">" + text + "</td>";
    };
    t += "<tr>" + cell("i", r.left, r.leftColour) + "<td align=\"left\">" + r.label + "</td>" +
         cell("o", r.right, r.rightColour) + "</tr>";
  }
  return t + "</table>>";
}

// Colours of availability times: early blue to late red; never grey.
std::string timeColour(int64_t time, int64_t end) {
  double x = end > 0 ? static_cast<double>(time) / static_cast<double>(end) : 0.0;
  int r = static_cast<int>(80 + 175 * x), b = static_cast<int>(255 - 175 * x);
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, 150, b);
  return buf;
}

}  // namespace

std::string flatDot(const LoadedModel& model, const Catalog& catalog, const std::string& domain, const Trace* trace) {
  const Graph& g = model.graph;
  std::optional<uint32_t> only;
  for (uint32_t d = 0; d < g.domains.size(); ++d) {
    if (g.domains[d] == domain) only = d;
  }
  // Availability times from the trace, by line and end.
  std::vector<std::optional<std::pair<int64_t, Value>>> inAt(g.lines.size()), outAt(g.lines.size());
  int64_t end = 0;
  if (trace) {
    for (const TraceEvent& e : trace->events) {
      (e.output ? outAt : inAt)[e.line] = std::make_pair(e.time, e.value);
      end = std::max(end, e.time);
    }
  }
  auto shown = [&](uint32_t line) { return !only || g.lines[line].domain == *only; };
  auto instanceShown = [&](const FlatInstance& inst) {
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
      if (shown(l)) return true;
    }
    return false;
  };
  std::ostringstream out;
  out << "digraph " << quote(model.model.name.empty() ? "model" : model.model.name) << " {\n"
      << "  rankdir=LR; node [shape=plain, fontname=\"Helvetica\", fontsize=10]; edge [fontname=\"Helvetica\", "
         "fontsize=9];\n"
      << "  newrank=true; nodesep=0.2; ranksep=0.6;\n";
  // Instances, clustered by the domain they live in (a Link by its sender,
  // or, when one domain is shown, by the side of it in that domain).
  std::map<uint32_t, std::vector<uint32_t>> byDomain;
  for (uint32_t i = 0; i < g.instances.size(); ++i) {
    const FlatInstance& inst = g.instances[i];
    if (!instanceShown(inst)) continue;
    uint32_t l = inst.firstLine;
    while (!shown(l)) ++l;
    byDomain[g.lines[l].domain].push_back(i);
  }
  for (const auto& [d, instances] : byDomain) {
    out << "  subgraph " << quote("cluster_" + g.domains[d]) << " {\n    label=" << quote(g.domains[d])
        << "; style=filled; color=" << quote(kDomainColours[d % 10]) << ";\n";
    for (uint32_t i : instances) {
      const FlatInstance& inst = g.instances[i];
      std::vector<Row> rows;
      for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
        Row r;
        r.label = html(g.lineName(catalog, l) + ": " + g.types.name(g.lines[l].type));
        r.left = glyph(g, g.lines[l].source);
        r.right = glyph(g, g.lines[l].sink);
        if (trace) {
          r.leftColour = inAt[l] ? timeColour(inAt[l]->first, end) : "#cccccc";
          r.rightColour = outAt[l] ? timeColour(outAt[l]->first, end) : "#cccccc";
        }
        rows.push_back(r);
      }
      std::string title = "<b>" + html(catalog.at(inst.base).name) + "</b> " + html(g.instancePath(i));
      out << "    " << quote("n" + std::to_string(i)) << " [label=" << box(title, rows) << "];\n";
    }
    out << "  }\n";
  }
  auto port = [&](uint32_t line, char side) {
    const FlatInstance& inst = g.instances[g.lines[line].instance];
    return quote("n" + std::to_string(g.lines[line].instance)) + ":" + side + std::to_string(line - inst.firstLine);
  };
  // Extrinsic inputs at the left edge, outputs at the right.
  out << "  { rank=source;";
  for (uint32_t k = 0; k < g.inputs.size(); ++k) {
    if (shown(g.inputs[k].line)) out << " " << quote("in" + std::to_string(k));
  }
  out << " }\n  { rank=sink;";
  for (uint32_t k = 0; k < g.outputs.size(); ++k) {
    if (shown(g.outputs[k].line)) out << " " << quote("out" + std::to_string(k));
  }
  out << " }\n";
  for (uint32_t k = 0; k < g.inputs.size(); ++k) {
    if (!shown(g.inputs[k].line)) continue;
    out << "  " << quote("in" + std::to_string(k))
        << " [shape=cds, style=filled, fillcolor=\"#ffffff\", label=" << quote(g.inputs[k].name) << "];\n  "
        << quote("in" + std::to_string(k)) << " -> " << port(g.inputs[k].line, 'i') << ";\n";
  }
  for (uint32_t k = 0; k < g.outputs.size(); ++k) {
    if (!shown(g.outputs[k].line)) continue;
    out << "  " << quote("out" + std::to_string(k))
        << " [shape=cds, style=filled, fillcolor=\"#ffffff\", label=" << quote(g.outputs[k].name) << "];\n  "
        << port(g.outputs[k].line, 'o') << " -> " << quote("out" + std::to_string(k)) << ";\n";
  }
  for (uint32_t l = 0; l < g.lines.size(); ++l) {
    const Endpoint& sink = g.lines[l].sink;
    if (sink.kind != Endpoint::Kind::Wire || !shown(l) || !shown(sink.ref)) continue;
    out << "  " << port(l, 'o') << " -> " << port(sink.ref, 'i');
    if (trace) {
      if (outAt[l]) {
        out << " [label=" << quote(outAt[l]->second.str()) << ", color=" << quote(timeColour(outAt[l]->first, end))
            << "]";
      } else {
        out << " [color=\"#cccccc\", style=dashed]";
      }
    }
    out << ";\n";
  }
  out << "}\n";
  return out.str();
}

namespace {

// Draws one component's body symbolically: items as boxes, `for` boxes as
// clusters with their range, wires by name.
class BodyDrawer {
 public:
  BodyDrawer(const Model& model, const Catalog& catalog, DiagnosticSink& diags)
      : model_(model), catalog_(catalog), diags_(diags) {}

  std::string draw(const ComponentDef& def, int depth) {
    out_ << "digraph " << quote(def.name) << " {\n"
         << "  rankdir=LR; node [shape=plain, fontname=\"Helvetica\", fontsize=10]; edge [fontname=\"Helvetica\", "
            "fontsize=9];\n"
         << "  compound=true; nodesep=0.25; ranksep=0.7;\n";
    component(def, "", depth, "  ");
    out_ << "}\n";
    return out_.str();
  }

 private:
  struct End {
    std::string node, port;
    std::string text;  // the term as written, for the edge label
  };
  struct Scope {
    std::multimap<std::string, End> producers, consumers;  // by wire name (x' for own output ends)
  };

  std::string ref(const End& e) const { return quote(e.node) + (e.port.empty() ? "" : ":" + e.port); }

  std::string termText(const Term& t) const {
    std::string s = t.name + (t.primed ? "'" : "");
    for (const IndexTerm& i : t.indices) s += "[" + (i.star ? std::string("*") : i.expr.text) + "]";
    return s;
  }

  // A component's body with its own ends as nodes at the sides.
  void component(const ComponentDef& def, const std::string& prefix, int depth, const std::string& indent) {
    Scope scope;
    for (const LineDecl& l : def.lines) {
      std::string dims;
      for (const SourceExpr& d : l.dims) dims += "[" + d.text + "]";
      std::string in = prefix + "end:" + l.name, out = prefix + "end:" + l.name + "'";
      out_ << indent << quote(in)
           << " [shape=cds, style=filled, fillcolor=\"#ffffff\", label=" << quote(l.name + ": " + l.typeText + dims)
           << "];\n";
      out_ << indent << quote(out) << " [shape=cds, style=filled, fillcolor=\"#ffffff\", label=" << quote(l.name + "'")
           << "];\n";
      scope.producers.emplace(l.name, End{in, "", l.name});
      scope.consumers.emplace(l.name + "'", End{out, "", l.name + "'"});
    }
    items(def.body, scope, prefix, depth, indent);
    edges(scope, indent);
  }

  // `for i in 0..n`, or for an unbounded box `for k in 0..∞` (drawn once).
  // `for HEADER`, with an unbounded range drawn as `..∞`; a conditional box
  // (its variable unnamed) as its own header, `if COND` or `else COND`.
  static std::string forLabel(const Item& item) {
    if (item.loops.size() == 1 && item.loops[0].name.empty()) return item.header;
    if (item.loops.size() != 1 || !item.loops[0].unbounded()) return "for " + item.header;
    return "for " + item.loops[0].name + " in " + item.loops[0].lo.text + "..\u221e";
  }

  void items(const std::vector<Item>& body, Scope& scope, const std::string& prefix, int depth,
             const std::string& indent) {
    for (const Item& item : body) {
      std::string id = prefix + std::to_string(counter_++);
      switch (item.kind) {
        case Item::Kind::For:
          out_ << indent << "subgraph " << quote("cluster_" + id) << " {\n"
               << indent << "  label=" << quote(forLabel(item)) << "; style=\"rounded,dashed\"; color=\"#888888\";\n";
          items(item.body, scope, prefix, depth, indent + "  ");
          out_ << indent << "}\n";
          break;
        case Item::Kind::Wire: {
          out_ << indent << quote(id) << " [shape=point, width=0.06];\n";
          use(scope, item.from, End{id, "", ""}, false, indent, id + "f");
          use(scope, item.to, End{id, "", ""}, true, indent, id + "t");
          break;
        }
        case Item::Kind::Instance:
          instance(item, scope, id, depth, indent);
          break;
      }
    }
  }

  // The rows of an instance: the component's lines as declared.
  std::vector<std::pair<std::string, std::string>> lines(const Item& item) {
    std::vector<std::pair<std::string, std::string>> rows;  // name, "name: Type"
    if (auto base = catalog_.find(item.component)) {
      const BaseComponent& b = catalog_.at(*base);
      if (b.variadicArgs) {
        for (const Binding& bind : item.bindings) {
          if (bind.line != "r") rows.push_back({bind.line, bind.line});
        }
        std::string expr = item.fnExpr ? item.fnExpr->text : item.bindings.size() == 2 ? "" : std::string("?");
        for (const Binding& bind : item.bindings) {
          if (expr.empty() && bind.line != "r") expr = bind.line;  // a Filter's one argument
        }
        rows.push_back({"r", "r = " + expr + (item.fnWhen ? " when " + item.fnWhen->text : "")});
        return rows;
      }
      for (const LineSig& s : b.lines) {
        std::string type = s.type.mapOfT ? "Map<Int, T>" : s.type.generic ? "T" : TypeTable().name(s.type.fixed);
        std::string dims = s.sizeParam >= 0 ? "[" + b.valueParams[s.sizeParam] + "]" : "";
        rows.push_back({s.name, s.name + ": " + type + dims});
      }
    } else if (const ComponentDef* def = model_.findComponent(item.component)) {
      for (const LineDecl& l : def->lines) {
        std::string dims;
        for (const SourceExpr& d : l.dims) dims += "[" + d.text + "]";
        rows.push_back({l.name, l.name + ": " + l.typeText + dims});
      }
    }
    return rows;
  }

  void instance(const Item& item, Scope& scope, const std::string& id, int depth, const std::string& indent) {
    const ComponentDef* def = model_.findComponent(item.component);
    std::string title = "<b>" + html(item.component);
    if (!item.args.empty()) {
      title += "&lt;";
      for (size_t a = 0; a < item.args.size(); ++a) title += (a ? ", " : "") + html(item.args[a].text);
      title += "&gt;";
    }
    title += "</b> " + html(item.name);
    for (const SourceExpr& e : item.indices) title += "[" + html(e.text) + "]";
    if (item.domain)
      title += " @ " + html(item.domain->family) +
               (item.domain->indices.empty() ? "" : "[" + html(item.domain->indices[0].text) + "]");
    if (def && depth > 1) {
      // Expanded: a cluster holding the definition; bindings meet its own ends.
      std::string inner = id + "/";
      out_ << indent << "subgraph " << quote("cluster_" + id) << " {\n"
           << indent << "  label=<" << title << ">; style=rounded; color=\"#555555\";\n";
      component(*def, inner, depth - 1, indent + "  ");
      out_ << indent << "}\n";
      for (const Binding& b : item.bindings) {
        use(scope, b.in, End{inner + "end:" + b.line, "", ""}, false, indent, id + b.line + "i");
        use(scope, b.out, End{inner + "end:" + b.line + "'", "", ""}, true, indent, id + b.line + "o");
      }
      return;
    }
    auto rows = lines(item);
    std::vector<Row> table;
    for (const auto& [name, label] : rows) table.push_back({html(label), "", "", "", ""});
    for (const Binding& b : item.bindings) {
      auto row = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.first == b.line; });
      if (row == rows.end()) continue;
      size_t k = row - rows.begin();
      std::string key = b.keyIndices.empty() ? "" : "[" + b.keyIndices[0].text + "]";
      table[k].left = cellGlyph(b.in);
      table[k].right = cellGlyph(b.out);
      use(scope, b.in, End{id, "i" + std::to_string(k), ""}, false, indent, id + "i" + std::to_string(k) + key);
      use(scope, b.out, End{id, "o" + std::to_string(k), ""}, true, indent, id + "o" + std::to_string(k) + key);
    }
    out_ << indent << quote(id) << " [label=" << box(title, table, def ? "#dde6f5" : "#eeeeee") << "];\n";
  }

  std::string cellGlyph(const Term& t) const {
    switch (t.kind) {
      case Term::Kind::Choose:
        return "?";
      case Term::Kind::Never:
        return "!";
      case Term::Kind::Const:
        return html(t.value.text);
      case Term::Kind::Drop:
        return "|";
      default:
        return "";
    }
  }

  // Records where a term's wire is produced or consumed; extrinsic inputs
  // and outputs become nodes at the diagram's edges.
  void use(Scope& scope, const Term& t, End end, bool producing, const std::string& indent, const std::string& id) {
    end.text = termText(t);
    switch (t.kind) {
      case Term::Kind::Wire:
        (producing ? scope.producers : scope.consumers).emplace(t.name + (t.primed ? "'" : ""), end);
        break;
      case Term::Kind::Input:
      case Term::Kind::Output: {
        std::string node = "x:" + id;
        bool input = t.kind == Term::Kind::Input;
        std::string label = (input ? "input " : "output ") + termText(t);
        if (t.domain)
          label += " @ " + t.domain->family + (t.domain->indices.empty() ? "" : "[" + t.domain->indices[0].text + "]");
        out_ << indent << quote(node) << " [shape=cds, style=filled, fillcolor=\"#fffde7\", label=" << quote(label)
             << "];\n";
        extrinsic_.push_back(input ? quote(node) + " -> " + ref(end) : ref(end) + " -> " + quote(node));
        break;
      }
      default:
        break;  // glyphs are drawn in the port cells
    }
  }

  void edges(const Scope& scope, const std::string& indent) {
    for (const auto& [name, from] : scope.producers) {
      auto [lo, hi] = scope.consumers.equal_range(name);
      for (auto it = lo; it != hi; ++it) {
        const End& to = it->second;
        std::string label = from.text == to.text || to.text.empty() ? from.text
                            : from.text.empty()                     ? to.text
                                                                    : from.text + " → " + to.text;
        out_ << indent << ref(from) << " -> " << ref(to) << " [label=" << quote(label) << "];\n";
      }
    }
    for (const std::string& e : extrinsic_) out_ << indent << e << ";\n";
    extrinsic_.clear();
  }

  const Model& model_;
  const Catalog& catalog_;
  DiagnosticSink& diags_;
  std::ostringstream out_;
  std::vector<std::string> extrinsic_;
  size_t counter_ = 0;
};

}  // namespace

std::optional<std::string> componentDot(const LoadedModel& model, const Catalog& catalog, const std::string& component,
                                        int depth, DiagnosticSink& diags) {
  const ComponentDef* def =
      component.empty() || component == "system" ? &model.model.system : model.model.findComponent(component);
  if (!def) {
    std::string known;
    for (const ComponentDef& c : model.model.components) known += (known.empty() ? "" : ", ") + c.name;
    diags.error("usage", {}, "--component: no component '" + component + "' (the model's: system, " + known + ")");
    return std::nullopt;
  }
  return BodyDrawer(model.model, catalog, diags).draw(*def, std::max(depth, 1));
}

}  // namespace rdc::dot
