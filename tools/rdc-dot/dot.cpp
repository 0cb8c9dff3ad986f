#include "tools/rdc-dot/dot.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>

#include "ir/model/yaml_input.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-dot/layout.h"

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

// The fill of a projection's gateways (net: inputs and outputs).
constexpr const char* kGateway = "#e0f2f1";

const char* kDomainColours[] = {"#e3f2fd", "#fce4ec", "#e8f5e9", "#fff8e1", "#f3e5f5",
                                "#e0f7fa", "#fbe9e7", "#f1f8e9", "#ede7f6", "#fffde7"};

// The sketch's glyph for a source or sink token (`constant`: a Const's
// value as text); "" for a wire or an extrinsic.
std::string glyphOf(EndKind kind, const std::string& constant) {
  switch (kind) {
    case EndKind::Choose:
      return "?";
    case EndKind::Never:
      return "!";
    case EndKind::Const:
      return constant;
    case EndKind::Drop:
      return "|";
    default:
      return "";
  }
}

// The glyph of a line's source or sink in a port cell.
std::string glyph(const Graph& g, const Endpoint& e) {
  return html(glyphOf(e.kind, e.kind == Endpoint::Kind::Const ? g.constants[e.ref].str() : ""));
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

namespace {

// A box's title: the component in bold, then the instance; top to bottom, on
// two lines, since the paths make the boxes wide and width is what is short.
std::string title(const std::string& component, const std::string& rest, Direction direction) {
  return "<b>" + component + "</b>" + (direction == Direction::TopToBottom ? "<br/>" : " ") + rest;
}

// An instance path as HTML lines of at most `width` characters where it can
// be cut after a dot (`rb.readyCast[0].` / `def[3]`): top to bottom, a
// path is what would make a box wider than its rows.
std::string wrappedPath(const std::string& path, size_t width) {
  std::vector<std::string> lines{""};
  size_t start = 0;
  while (start < path.size()) {
    size_t dot = path.find('.', start);
    size_t end = dot == std::string::npos ? path.size() : dot + 1;
    std::string segment = path.substr(start, end - start);
    if (!lines.back().empty() && lines.back().size() + segment.size() > width) lines.emplace_back();
    lines.back() += segment;
    start = end;
  }
  std::string out;
  for (const std::string& line : lines) out += (out.empty() ? "" : "<br/>") + html(line);
  return out;
}

// A projection's title (the graph's label): what it is drawn from, and
// that only the named domains' part is.
std::string projectionTitle(const LoadedModel& model) {
  std::string domains;
  for (const std::string& d : model.projection) domains += (domains.empty() ? "" : ", ") + d;
  return "projection of " + (model.model.name.empty() ? std::string("model") : model.model.name) + " onto " + domains +
         ": what " + domains + (model.projection.size() == 1 ? " runs" : " run") +
         "; dashed arrows are its gateways, net: to and from its peers";
}

// The graph label statement, written last so that no cluster inherits it.
std::string graphLabel(const std::string& text) {
  return "  label=" + quote(text) + "; labelloc=t; fontname=\"Helvetica\"; fontsize=12;\n";
}

// Where a gateway leads: "from node[0]" or "to node[2], node[3]" (at most
// six peers named, then how many more).
std::string peerList(const char* direction, const std::set<std::string>& peers) {
  std::string out = direction;
  size_t k = 0;
  for (const std::string& p : peers) {
    if (k == 6) {
      out += " and " + std::to_string(peers.size() - 6) + " more";
      break;
    }
    out += (k++ ? ", " : " ") + p;
  }
  return out;
}

// Points a table box adds to its widest text: port cells, padding, borders.
constexpr double kBoxPadding = 50;
constexpr double kArrowPadding = 30;  // the same for a cds arrow

// A time on the legend, to three significant digits in the largest unit in
// which it is at least 1 once rounded (999.9us is 1ms, not 1e+03us).
std::string legendTime(int64_t ns) {
  struct Unit {
    double scale;
    const char* suffix;
  };
  for (Unit u : {Unit{1e9, "s"}, Unit{1e6, "ms"}, Unit{1e3, "us"}}) {
    if (static_cast<double>(ns) >= u.scale * 0.9995) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.3g%s", static_cast<double>(ns) / u.scale, u.suffix);
      return buf;
    }
  }
  return std::to_string(ns) + "ns";
}

// Draws the elaborated graph: a box per base instance in its domain's
// cluster, wires port to port, extrinsics at the edges (top to bottom: in
// their domain's column). With a trace, ports and wires are coloured by when
// they became available, wires and extrinsics carry their values, and a
// legend maps colours to times.
class FlatDrawer {
 public:
  FlatDrawer(const LoadedModel& model, const Catalog& catalog, const std::string& domain, const Trace* trace)
      : g_(model.graph),
        catalog_(catalog),
        name_(model.model.name.empty() ? "model" : model.model.name),
        trace_(trace),
        title_(model.projection.empty() ? "" : projectionTitle(model)),
        inAt_(g_.lines.size()),
        outAt_(g_.lines.size()) {
    for (uint32_t d = 0; d < g_.domains.size(); ++d) {
      if (g_.domains[d] == domain) only_ = d;
    }
    if (trace) {
      for (const TraceEvent& e : trace->events) {
        (e.output ? outAt_ : inAt_)[e.line] = std::make_pair(e.time, e.value);
        end_ = std::max(end_, e.time);
      }
    }
  }

  // With `extent`, records what a left-to-right layout would measure.
  std::string draw(Direction direction, Extent* extent) {
    direction_ = direction;
    extent_ = extent;
    std::ostringstream out;
    out << "digraph " << quote(name_) << " {\n"
        << "  rankdir=" << rankdir(direction)
        << "; node [shape=plain, fontname=\"Helvetica\", fontsize=10]; edge [fontname=\"Helvetica\", "
           "fontsize=9];\n"
        << "  newrank=true; nodesep=" << (direction == Direction::TopToBottom ? "0.05" : "0.2") << "; ranksep=0.6;\n";
    // Instances, clustered by the domain they live in (a Link by its sender,
    // or, when one domain is shown, by the side of it in that domain);
    // top to bottom, each domain a column holding its extrinsics too.
    bool columns = direction == Direction::TopToBottom;
    std::map<uint32_t, std::vector<Placed>> byDomain;
    for (uint32_t i = 0; i < g_.instances.size(); ++i) {
      if (auto d = domainOf(g_.instances[i])) byDomain[*d].push_back({Placed::Instance, i});
    }
    std::vector<std::string> sources, sinks;
    std::vector<Placed> outside;
    for (uint32_t k = 0; k < g_.inputs.size(); ++k) {
      if (!shown(g_.inputs[k].line)) continue;
      (columns ? byDomain[g_.lines[g_.inputs[k].line].domain] : outside).push_back({Placed::Input, k});
      sources.push_back("in" + std::to_string(k));
    }
    for (uint32_t k = 0; k < g_.outputs.size(); ++k) {
      if (!shown(g_.outputs[k].line)) continue;
      (columns ? byDomain[g_.lines[g_.outputs[k].line].domain] : outside).push_back({Placed::Output, k});
      sinks.push_back("out" + std::to_string(k));
    }
    for (const auto& [d, nodes] : byDomain) {
      out << "  subgraph " << quote("cluster_" + g_.domains[d]) << " {\n    label=" << quote(g_.domains[d])
          << "; style=filled; color=" << quote(kDomainColours[d % 10]) << ";\n";
      for (Placed node : nodes) out << "    " << nodeText(node);
      out << "  }\n";
    }
    for (Placed node : outside) out << "  " << nodeText(node);
    if (trace_) {
      out << "  \"legend\" [label=" << legend() << "];\n";
      sources.push_back("legend");
    }
    // Left to right, extrinsic inputs (and the legend) at the left edge,
    // outputs at the right.
    if (!columns) {
      out << "  { rank=source;";
      for (const std::string& id : sources) out << " " << quote(id);
      out << " }\n  { rank=sink;";
      for (const std::string& id : sinks) out << " " << quote(id);
      out << " }\n";
    }
    extrinsicEdges(out);
    wires(out);
    if (!title_.empty()) out << graphLabel(title_);
    out << "}\n";
    return out.str();
  }

 private:
  // A node placed in a cluster (or outside), written when its cluster is.
  struct Placed {
    enum Kind { Instance, Input, Output } kind;
    uint32_t index;
  };

  std::string nodeText(Placed node) {
    switch (node.kind) {
      case Placed::Input:
        return extrinsicNode("in" + std::to_string(node.index), g_.inputs[node.index],
                             inAt_[g_.inputs[node.index].line]);
      case Placed::Output:
        return extrinsicNode("out" + std::to_string(node.index), g_.outputs[node.index],
                             outAt_[g_.outputs[node.index].line]);
      case Placed::Instance:
        break;
    }
    return instanceNode(node.index);
  }

  bool shown(uint32_t line) const { return !only_ || g_.lines[line].domain == *only_; }

  // The domain whose cluster holds an instance: its first shown line's.
  std::optional<uint32_t> domainOf(const FlatInstance& inst) const {
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
      if (shown(l)) return g_.lines[l].domain;
    }
    return std::nullopt;
  }

  // In a one-domain view, where a cut instance (a Link) leads: "to node[2]"
  // from its sending side, "from node[0]" on its receiving side.
  std::string peers(const FlatInstance& inst) const {
    std::set<std::string> hidden;
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
      if (!shown(l)) hidden.insert(g_.domains[g_.lines[l].domain]);
    }
    if (hidden.empty()) return "";
    std::string names;
    for (const std::string& d : hidden) names += (names.empty() ? "" : ", ") + d;
    return (shown(inst.firstLine) ? "to " : "from ") + names;
  }

  std::string instanceNode(uint32_t i) {
    const FlatInstance& inst = g_.instances[i];
    std::vector<Row> rows;
    size_t widest = 0;
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
      Row r;
      std::string label = g_.lineName(catalog_, l) + ": " + g_.types.name(g_.lines[l].type);
      widest = std::max(widest, label.size());
      r.label = html(label);
      r.left = glyph(g_, g_.lines[l].source);
      r.right = glyph(g_, g_.lines[l].sink);
      if (trace_) {
        r.leftColour = inAt_[l] ? timeColour(inAt_[l]->first, end_) : kNever;
        r.rightColour = outAt_[l] ? timeColour(outAt_[l]->first, end_) : kNever;
      }
      rows.push_back(r);
    }
    std::string component = catalog_.at(inst.base).name, path = g_.instancePath(i), peer = peers(inst);
    std::string rest = html(path) + (peer.empty() ? "" : " <i>" + html(peer) + "</i>");
    if (direction_ == Direction::TopToBottom) {
      constexpr size_t kNarrowest = 12;  // characters: no box is cut narrower than this
      rest = wrappedPath(path, std::max(widest, kNarrowest)) + (peer.empty() ? "" : "<br/><i>" + html(peer) + "</i>");
    }
    std::string id = "n" + std::to_string(i);
    if (extent_) extent_->node(id, std::max(widest, component.size() + path.size() + peer.size() + 2), kBoxPadding);
    return quote(id) + " [label=" + box(title(html(component), rest, direction_), rows) + "];\n";
  }

  // An extrinsic input or output as an arrow; with a trace, its value (or
  // that it never became available).
  std::string extrinsicNode(const std::string& id, const Extrinsic& x,
                            const std::optional<std::pair<int64_t, Value>>& at) {
    std::string label = x.name;
    if (trace_) label += at ? " = " + at->second.str() : " (never)";
    // A projection's gateway: what the network carries to or from a peer.
    bool input = id[0] == 'i';
    if (x.isGateway()) label += std::string(input ? " (from " : " (to ") + x.peer + ")";
    if (extent_) extent_->node(id, label.size(), kArrowPadding);
    return quote(id) + " [shape=cds, " +
           (x.isGateway() ? "style=\"filled,dashed\", fillcolor=\"" + std::string(kGateway) + "\""
                          : "style=filled, fillcolor=\"#ffffff\"") +
           ", label=" + quote(label) + "];\n";
  }

  std::string port(uint32_t line, char side) const {
    const FlatInstance& inst = g_.instances[g_.lines[line].instance];
    return quote("n" + std::to_string(g_.lines[line].instance)) + ":" + side + std::to_string(line - inst.firstLine);
  }

  // An edge's colour by when its line became available (grey and dashed: never).
  std::string timeStyle(const std::optional<std::pair<int64_t, Value>>& at) const {
    if (!trace_) return "";
    return at ? " [color=" + quote(timeColour(at->first, end_)) + "]"
              : " [color=\"" + std::string(kNever) + "\", style=dashed]";
  }

  void extrinsicEdges(std::ostream& out) {
    for (uint32_t k = 0; k < g_.inputs.size(); ++k) {
      uint32_t line = g_.inputs[k].line;
      if (!shown(line)) continue;
      std::string id = "in" + std::to_string(k);
      out << "  " << quote(id) << " -> " << port(line, 'i') << timeStyle(inAt_[line]) << ";\n";
      if (extent_) extent_->edge(id, "n" + std::to_string(g_.lines[line].instance), 0);
    }
    for (uint32_t k = 0; k < g_.outputs.size(); ++k) {
      uint32_t line = g_.outputs[k].line;
      if (!shown(line)) continue;
      std::string id = "out" + std::to_string(k);
      out << "  " << port(line, 'o') << " -> " << quote(id) << timeStyle(outAt_[line]) << ";\n";
      if (extent_) extent_->edge("n" + std::to_string(g_.lines[line].instance), id, 0);
    }
  }

  void wires(std::ostream& out) {
    for (uint32_t l = 0; l < g_.lines.size(); ++l) {
      const Endpoint& sink = g_.lines[l].sink;
      if (sink.kind != Endpoint::Kind::Wire || !shown(l) || !shown(sink.ref)) continue;
      out << "  " << port(l, 'o') << " -> " << port(sink.ref, 'i');
      std::string value;
      if (trace_) {
        if (outAt_[l]) {
          value = outAt_[l]->second.str();
          out << " [label=" << quote(value) << ", color=" << quote(timeColour(outAt_[l]->first, end_)) << "]";
        } else {
          out << " [color=\"" << kNever << "\", style=dashed]";
        }
      }
      out << ";\n";
      if (extent_) {
        extent_->edge("n" + std::to_string(g_.lines[l].instance), "n" + std::to_string(g_.lines[sink.ref].instance),
                      value.size());
      }
    }
  }

  // The colour scale: five steps from the run's start to its last event, and
  // the grey of lines that never became available.
  std::string legend() const {
    std::string t = "<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">";
    t += "<tr><td colspan=\"2\" bgcolor=\"#eeeeee\"><b>available at</b></td></tr>";
    for (int64_t k = 0; k <= 4; ++k) {
      int64_t time = end_ / 4 * k + end_ % 4 * k / 4;  // end * k / 4 without overflow
      t += "<tr><td width=\"14\" bgcolor=\"" + timeColour(time, end_) + "\"></td><td align=\"left\">" +
           html(legendTime(time)) + "</td></tr>";
    }
    return t + "<tr><td width=\"14\" bgcolor=\"" + kNever + "\"></td><td align=\"left\">never</td></tr></table>>";
  }

  static constexpr const char* kNever = "#cccccc";

  const Graph& g_;
  const Catalog& catalog_;
  std::string name_;
  const Trace* trace_;
  std::string title_;  // a projection's; empty for a whole model
  std::optional<uint32_t> only_;
  // Availability times and values from the trace, by line and end.
  std::vector<std::optional<std::pair<int64_t, Value>>> inAt_, outAt_;
  int64_t end_ = 0;
  Direction direction_ = Direction::LeftToRight;
  Extent* extent_ = nullptr;
};

}  // namespace

std::string flatDot(const LoadedModel& model, const Catalog& catalog, const std::string& domain, const Trace* trace,
                    Layout layout) {
  FlatDrawer drawer(model, catalog, domain, trace);
  if (layout == Layout::Auto) {
    // Drawn left to right while measuring; redrawn only if that is too wide.
    Extent extent;
    std::string leftToRight = drawer.draw(Direction::LeftToRight, &extent);
    if (choose(layout, extent) == Direction::LeftToRight) return leftToRight;
  }
  return drawer.draw(layout == Layout::LeftToRight ? Direction::LeftToRight : Direction::TopToBottom, nullptr);
}

namespace {

// Draws one component's body symbolically: items as boxes, `for` boxes as
// clusters with their range, wires by name. Two ends of one name are joined
// unless an index that depends only on the model's parameters tells them
// apart (`state[j][0]` and `state[j][rounds]` with rounds = 3).
class BodyDrawer {
 public:
  // With `extent`, records what a left-to-right layout would measure.
  BodyDrawer(const LoadedModel& model, const Catalog& catalog, DiagnosticSink& diags, Direction direction,
             Extent* extent)
      : model_(model.model),
        g_(model.graph),
        params_(model.graph.params),
        catalog_(catalog),
        diags_(diags),
        direction_(direction),
        extent_(extent),
        projection_(!model.projection.empty()) {
    indexTree();
  }

  // `def` as the instances in `context` (tree nodes; kNone: the top) make
  // it: with `concrete`, rows typed and sized as those instances are. In a
  // projection, only the items with an instance in it, and their gateways.
  std::string draw(const ComponentDef& def, int depth, const std::vector<uint32_t>& context, bool concrete,
                   const std::string& label) {
    component(def, "", depth, "  ", context, concrete, nullptr);
    return "digraph " + quote(def.name) + " {\n  rankdir=" + rankdir(direction_) +
           "; node [shape=plain, fontname=\"Helvetica\", fontsize=10]; edge [fontname=\"Helvetica\", "
           "fontsize=9];\n  compound=true; nodesep=0.25; ranksep=0.7;\n" +
           out_.str() + (label.empty() ? "" : graphLabel(label)) + "}\n";
  }

  // The instances of each composite component (tree nodes), found by
  // walking the definitions from the system down.
  void instancesOf(const ComponentDef& def, const std::vector<uint32_t>& context,
                   std::map<std::string, std::vector<uint32_t>>& out, int guard) const {
    if (guard == 0) return;
    walkInstances(def.body, context, out, guard);
  }

 private:
  struct End {
    std::string node, port;
    std::string text;                        // the term as written, for the edge label
    std::vector<std::optional<int64_t>> at;  // each index's value, if the parameters alone give it
  };
  struct Scope {
    std::multimap<std::string, End> producers, consumers;  // by wire name (x' for own output ends)
    // The edges to this scope's extrinsic and gateway arrows, drawn with its
    // wires: an edge drawn in an inner cluster would pull both its nodes in.
    std::vector<std::string> extrinsic;
  };

  std::string ref(const End& e) const { return quote(e.node) + (e.port.empty() ? "" : ":" + e.port); }

  void walkInstances(const std::vector<Item>& body, const std::vector<uint32_t>& context,
                     std::map<std::string, std::vector<uint32_t>>& out, int guard) const {
    for (const Item& item : body) {
      if (item.kind == Item::Kind::For) walkInstances(item.body, context, out, guard);
      if (item.kind != Item::Kind::Instance) continue;
      const ComponentDef* def = model_.findComponent(item.component);
      if (!def) continue;
      auto nodes = itemNodes(item, context);
      if (nodes.empty()) continue;
      auto& all = out[def->name];
      all.insert(all.end(), nodes.begin(), nodes.end());
      instancesOf(*def, nodes, out, guard - 1);
    }
  }

  // The instance tree as the drawing walks it: an item's instances are the
  // children of its context's nodes whose segment is the item's name (with
  // its indices); a node is kept when a base instance of the graph is at or
  // below it (in a projection, the instances it kept).
  void indexTree() {
    std::map<std::string, uint32_t> names;
    segmentName_.resize(g_.segments.size());
    for (uint32_t s = 0; s < g_.segments.size(); ++s) {
      const std::string& seg = g_.segments[s];
      segmentName_[s] = names.emplace(seg.substr(0, seg.find('[')), static_cast<uint32_t>(names.size())).first->second;
    }
    names_ = std::move(names);
    childStart_.assign(g_.tree.size() + 2, 0);                      // CSR by parent + 1 (0: the top)
    for (const PathNode& n : g_.tree) ++childStart_[n.parent + 2];  // kNone + 2 wraps to 1
    for (size_t k = 1; k < childStart_.size(); ++k) childStart_[k] += childStart_[k - 1];
    children_.resize(g_.tree.size());
    std::vector<uint32_t> fill(childStart_.begin(), childStart_.end() - 1);
    for (uint32_t n = 0; n < g_.tree.size(); ++n) children_[fill[g_.tree[n].parent + 1]++] = n;
    kept_.assign(g_.tree.size(), false);
    leaf_.assign(g_.tree.size(), kNone);
    for (uint32_t i = 0; i < g_.instances.size(); ++i) {
      leaf_[g_.instances[i].node] = i;
      for (uint32_t n = g_.instances[i].node; n != kNone && !kept_[n]; n = g_.tree[n].parent) kept_[n] = true;
    }
    auto gateways = [&](const std::vector<Extrinsic>& xs, bool input) {
      for (uint32_t k = 0; k < xs.size(); ++k) {
        if (!xs[k].isGateway()) continue;
        for (uint32_t n = g_.instances[g_.lines[xs[k].line].instance].node; n != kNone; n = g_.tree[n].parent)
          gateways_[n].push_back({input, k});
      }
    };
    gateways(g_.inputs, true);
    gateways(g_.outputs, false);
    if (projection_) {  // how many base instances are at or below a node, and how many of them are gateway halves
      below_.assign(g_.tree.size(), {0, 0});
      for (uint32_t i = 0; i < g_.instances.size(); ++i) {
        const FlatInstance& inst = g_.instances[i];
        bool half = false;
        for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l)
          half |= g_.gatewayIn(l) || g_.gatewayOut(l);
        for (uint32_t n = inst.node; n != kNone; n = g_.tree[n].parent) {
          ++below_[n].first;
          below_[n].second += half;
        }
      }
    }
    for (int side = 0; side < 2; ++side) {
      for (const Extrinsic& x : side ? g_.outputs : g_.inputs) {
        if (!x.isGateway()) extrinsicNames_[side].insert(x.name.substr(0, x.name.find('[')));
      }
    }
  }

  // The instances of an instance item made in these contexts (kept ones).
  // A base instance also records its item's position, which tells apart
  // items of one name in the two branches of an `if` box.
  std::vector<uint32_t> itemNodes(const Item& item, const std::vector<uint32_t>& context) const {
    std::vector<uint32_t> nodes;
    auto name = names_.find(item.name);
    if (name == names_.end()) return nodes;
    bool base = catalog_.find(item.component).has_value();
    for (uint32_t c : context) {
      for (uint32_t k = childStart_[c + 1]; k < childStart_[c + 2]; ++k) {
        uint32_t n = children_[k];
        if (segmentName_[g_.tree[n].segment] != name->second || !kept_[n]) continue;
        if (base) {
          if (leaf_[n] == kNone) continue;
          const Pos& at = g_.instancePos(g_.instances[leaf_[n]]);
          if (at.line != item.pos.line || at.col != item.pos.col) continue;
        }
        nodes.push_back(n);
      }
    }
    return nodes;
  }

  // Whether a `for` box holds an item with instances in these contexts.
  bool anyInstance(const std::vector<Item>& body, const std::vector<uint32_t>& context) const {
    for (const Item& item : body) {
      if (item.kind == Item::Kind::For ? anyInstance(item.body, context)
                                       : item.kind == Item::Kind::Instance && !itemNodes(item, context).empty())
        return true;
    }
    return false;
  }

  // The types of a base line `line` (every element of a bundle, or only
  // `element`) in these instances; for a composite's, the types its type
  // variable takes.
  std::set<TypeId> boundTypes(const Item& item, const std::string& line, const std::vector<uint32_t>& nodes, int guard,
                              std::optional<int64_t> element = std::nullopt) const {
    std::set<TypeId> types;
    if (catalog_.find(item.component)) {
      for (uint32_t n : nodes) {
        if (leaf_[n] == kNone) continue;
        const FlatInstance& inst = g_.instances[leaf_[n]];
        for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
          std::string name = g_.lineName(catalog_, l);
          bool named =
              element ? name == line + "[" + std::to_string(*element) + "]" : name.substr(0, name.find('[')) == line;
          if (named) types.insert(g_.lines[l].type);
        }
      }
    } else if (const ComponentDef* def = model_.findComponent(item.component); def && guard > 0) {
      auto decl = std::find_if(def->lines.begin(), def->lines.end(), [&](const LineDecl& l) { return l.name == line; });
      if (decl != def->lines.end() && isTypeParam(*def, decl->typeText)) {
        std::map<std::string, std::set<TypeId>> inner;
        typeArgs(*def, def->body, nodes, inner, guard - 1);
        types = inner[decl->typeText];
      }
    }
    return types;
  }

  // The sizes of an Fn's bundle argument `name` (its lines `name[k]`) over
  // the instances `nodes`.
  std::set<size_t> argCounts(const std::string& name, const std::vector<uint32_t>& nodes) const {
    std::set<size_t> counts;
    for (uint32_t n : nodes) {
      if (leaf_[n] == kNone) continue;
      const std::vector<std::string>& args = g_.fnArgs(g_.instances[leaf_[n]]);
      counts.insert(static_cast<size_t>(std::count_if(args.begin(), args.end(), [&](const std::string& a) {
        return a.size() > name.size() && a.compare(0, name.size(), name) == 0 && a[name.size()] == '[';
      })));
    }
    return counts;
  }

  // The element a binding of one index names, when its index is a constant
  // (`l[0]`); nullopt for a whole line, a name, or several indices.
  static std::optional<int64_t> constantIndex(const Binding& b) {
    if (b.keyIndices.size() != 1 || !b.keyIndices[0].expr) return std::nullopt;
    ExprError error;
    return evalInt(
        *b.keyIndices[0].expr, [](std::string_view) { return std::optional<Value>(); }, &error);
  }

  static bool isTypeParam(const ComponentDef& def, const std::string& name) {
    return std::find(def.typeParams.begin(), def.typeParams.end(), name) != def.typeParams.end();
  }

  // The types a composite's type variables take in these instances of it,
  // read off the lines its own ends (declared `T`) are bound to.
  void typeArgs(const ComponentDef& def, const std::vector<Item>& body, const std::vector<uint32_t>& nodes,
                std::map<std::string, std::set<TypeId>>& out, int guard) const {
    for (const Item& item : body) {
      if (item.kind == Item::Kind::For) typeArgs(def, item.body, nodes, out, guard);
      if (item.kind != Item::Kind::Instance) continue;
      std::vector<uint32_t> inner;
      bool found = false;
      for (const Binding& b : item.bindings) {
        for (const Term* t : {&b.in, &b.out}) {
          if (t->kind != Term::Kind::Wire || t->primed != (t == &b.out)) continue;
          auto decl =
              std::find_if(def.lines.begin(), def.lines.end(), [&](const LineDecl& l) { return l.name == t->name; });
          if (decl == def.lines.end() || !isTypeParam(def, decl->typeText)) continue;
          if (!found) inner = itemNodes(item, nodes), found = true;
          // `l[0]: trigger -> ...` binds one element (Sync's each have their own type).
          auto types = boundTypes(item, b.line, inner, guard, constantIndex(b));
          out[decl->typeText].insert(types.begin(), types.end());
        }
      }
    }
  }

  // The value of `def`'s parameter `name` in an instance item, when its
  // argument reads only the model's parameters.
  std::optional<int64_t> argValue(const ComponentDef& def, const Item& item, std::string_view name) const {
    for (size_t p = 0; p < def.params.size() && p < item.args.size(); ++p) {
      if (def.params[p].name == name) return parameterValue(item.args[p]);
    }
    return std::nullopt;
  }

  // A declared type with each type variable of `def` that these instances
  // give one type replaced by it (`Opt<T>` as `Opt<Int>`), and each of its
  // parameters that the item's argument fixes by its value (`Set<Int[0..3]>`).
  std::string concreteType(const ComponentDef& def, const std::string& text, const std::vector<uint32_t>& nodes,
                           const Item& item) const {
    std::map<std::string, std::set<TypeId>> bound;
    if (!def.typeParams.empty() && !nodes.empty()) typeArgs(def, def.body, nodes, bound, kNesting);
    std::string out;
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    for (size_t k = 0; k < text.size();) {
      size_t end = k;
      while (end < text.size() && word(text[end])) ++end;
      if (end == k) {
        out += text[k++];
        continue;
      }
      std::string name = text.substr(k, end - k);
      auto b = bound.find(name);
      if (b != bound.end() && b->second.size() == 1 && isTypeParam(def, name)) {
        out += g_.types.name(*b->second.begin());
      } else if (auto value = argValue(def, item, name)) {
        out += std::to_string(*value);
      } else {
        out += name;
      }
      k = end;
    }
    return out;
  }

  // A composite line's dimensions for an instance item: each evaluated
  // with the component's parameters bound to the item's arguments (concrete
  // views), or else a parameter written as the argument that binds it.
  std::string compositeDims(const ComponentDef& def, const LineDecl& l, const Item* item, bool concrete) const {
    std::string dims;
    for (const SourceExpr& d : l.dims) {
      std::string text = d.text;
      if (item) {
        for (size_t p = 0; p < def.params.size() && p < item->args.size(); ++p) {
          if (def.params[p].name == d.text) text = item->args[p].text;
        }
        if (concrete && d.expr) {
          auto lookup = [&](std::string_view name) -> std::optional<Value> {
            for (const ParamDecl& p : def.params) {
              if (p.name != name) continue;
              auto v = argValue(def, *item, name);
              return v ? std::optional<Value>(Value::integer(*v)) : std::nullopt;
            }
            for (const auto& [param, value] : params_) {
              if (param == name) return Value::integer(value);
            }
            return std::nullopt;
          };
          ExprError error;
          if (auto v = evalInt(*d.expr, lookup, &error)) text = std::to_string(*v);
        }
      }
      dims += "[" + text + "]";
    }
    return dims;
  }

  // In a projection, an index that every kept instance of an item shares
  // shows as its value (`accept[s][1]`: node[1] runs only j = 1).
  std::string indexText(const Item& item, size_t k, const std::vector<uint32_t>& nodes) const {
    const std::string& text = item.indices[k].text;
    if (!projection_ || nodes.empty()) return text;
    std::optional<std::string> common;
    for (uint32_t n : nodes) {
      const std::string& seg = g_.segments[g_.tree[n].segment];
      size_t at = seg.find('[');
      for (size_t skip = 0; skip < k && at != std::string::npos; ++skip) at = seg.find('[', at + 1);
      if (at == std::string::npos) return text;
      std::string value = seg.substr(at + 1, seg.find(']', at) - at - 1);
      if (common && *common != value) return text;
      common = value;
    }
    return *common;
  }

  // A projection's gateways inside a box: one arrow for what comes in from
  // peers, one for what leaves for them, named after the peers.
  void gatewayArrows(Scope& scope, const std::string& id, const std::vector<uint32_t>& nodes,
                     const std::string& indent) {
    std::set<std::string> peers[2];  // in, out
    std::vector<std::string> names[2];
    for (uint32_t n : nodes) {
      auto at = gateways_.find(n);
      if (at == gateways_.end()) continue;
      for (auto [input, k] : at->second) {
        const Extrinsic& x = input ? g_.inputs[k] : g_.outputs[k];
        peers[input ? 0 : 1].insert(x.peer);
        names[input ? 0 : 1].push_back(x.name);
      }
    }
    for (int side = 0; side < 2; ++side) {
      if (names[side].empty()) continue;
      std::string node = "gw:" + id + (side ? ":out" : ":in");
      std::string label = peerList(side ? "net to" : "net from", peers[side]) + "\n" +
                          (names[side].size() == 1 ? names[side][0] : std::to_string(names[side].size()) + " gateways");
      out_ << indent << quote(node) << " [shape=cds, style=\"filled,dashed\", fillcolor=\"" << kGateway
           << "\", label=" << quote(label) << "];\n";
      scope.extrinsic.push_back(side ? quote(id) + " -> " + quote(node) + " [style=dashed]"
                                     : quote(node) + " -> " + quote(id) + " [style=dashed]");
      if (extent_) {
        extent_->node(node, label.size() / 2 + 8, kArrowPadding);
        side ? extent_->edge(id, node, 0) : extent_->edge(node, id, 0);
      }
    }
  }

  // An index as the item binding it shows it (in a projection, the value
  // all its kept instances share).
  std::string shownIndex(const std::string& text) const {
    if (!shown_) return text;
    auto at = shown_->find(text);
    return at == shown_->end() ? text : at->second;
  }

  // A term with its indices as shown (an extrinsic's label).
  std::string shownText(const Term& t) const {
    std::string s = t.name + (t.primed ? "'" : "");
    for (const IndexTerm& i : t.indices) s += "[" + (i.star ? std::string("*") : shownIndex(i.expr.text)) + "]";
    return s;
  }

  std::string termText(const Term& t) const {
    std::string s = t.name + (t.primed ? "'" : "");
    for (const IndexTerm& i : t.indices) s += "[" + (i.star ? std::string("*") : i.expr.text) + "]";
    return s;
  }

  // A component's body with its own ends as nodes at the sides: `as` the
  // expanded instance item (null for the drawing's own component), made by
  // the tree nodes `context`.
  void component(const ComponentDef& def, const std::string& prefix, int depth, const std::string& indent,
                 const std::vector<uint32_t>& context, bool concrete, const Item* as) {
    Scope scope;
    size_t mark = local_.size();           // a component's parameters hide the model's of the same name
    for (const LineDecl& l : def.lines) {  // the item's arguments are read outside the component
      std::string dims = compositeDims(def, l, as, concrete);
      std::string type = as && concrete ? concreteType(def, l.typeText, context, *as) : l.typeText;
      std::string in = prefix + "end:" + l.name, out = prefix + "end:" + l.name + "'";
      out_ << indent << quote(in)
           << " [shape=cds, style=filled, fillcolor=\"#ffffff\", label=" << quote(l.name + ": " + type + dims)
           << "];\n";
      out_ << indent << quote(out) << " [shape=cds, style=filled, fillcolor=\"#ffffff\", label=" << quote(l.name + "'")
           << "];\n";
      if (extent_) {
        extent_->node(in, l.name.size() + 2 + type.size() + dims.size(), kArrowPadding);
        extent_->node(out, l.name.size() + 1, kArrowPadding);
      }
      scope.producers.emplace(l.name, End{in, "", l.name});
      scope.consumers.emplace(l.name + "'", End{out, "", l.name + "'"});
    }
    for (const ParamDecl& p : def.params) local_.push_back(p.name);
    items(def.body, scope, prefix, depth, indent, context, concrete);
    edges(scope, indent);
    local_.resize(mark);
  }

  // `for i in 0..n`, or for an unbounded box `for k in 0..∞` (drawn once).
  // `for HEADER`, with an unbounded range drawn as `..∞`; a conditional box
  // (its variable unnamed) as `if COND` or `else: not (COND)`.
  static std::string forLabel(const Item& item) {
    if (item.loops.size() == 1 && item.loops[0].name.empty()) {  // `else COND` reads as "else of if COND"
      return item.header.rfind("else ", 0) == 0 ? "else: not (" + item.header.substr(5) + ")" : item.header;
    }
    if (item.loops.size() != 1 || !item.loops[0].unbounded()) return "for " + item.header;
    return "for " + item.loops[0].name + " in " + item.loops[0].lo.text + "..\u221e";
  }

  void items(const std::vector<Item>& body, Scope& scope, const std::string& prefix, int depth,
             const std::string& indent, const std::vector<uint32_t>& context, bool concrete) {
    for (const Item& item : body) {
      std::string id = prefix + std::to_string(counter_++);
      switch (item.kind) {
        case Item::Kind::For:
          if (projection_ && !anyInstance(item.body, context)) break;  // nothing of it runs here
          out_ << indent << "subgraph " << quote("cluster_" + id) << " {\n"
               << indent << "  label=" << quote(forLabel(item)) << "; style=\"rounded,dashed\"; color=\"#888888\";\n";
          for (const LoopVar& v : item.loops) local_.push_back(v.name);
          items(item.body, scope, prefix, depth, indent + "  ", context, concrete);
          local_.resize(local_.size() - item.loops.size());
          out_ << indent << "}\n";
          break;
        case Item::Kind::Wire: {
          // A wire between names is a point; one from a token or into
          // `drop` shows the token, as a port cell does (`(0, 0) ->`, `-> |`).
          std::string token = glyphOf(item.from.kind, item.from.value.text) + glyphOf(item.to.kind, "");
          if (token.empty()) {
            out_ << indent << quote(id) << " [shape=point, width=0.06];\n";
          } else {
            out_ << indent << quote(id) << " [shape=plaintext, fontsize=10, label=" << quote(token) << "];\n";
          }
          if (extent_) extent_->node(id, token.size(), 4);
          use(scope, item.from, End{id, "", ""}, false, indent, id + "f");
          use(scope, item.to, End{id, "", ""}, true, indent, id + "t");
          break;
        }
        case Item::Kind::Instance:
          instance(item, scope, id, depth, indent, context, concrete);
          break;
      }
    }
  }

  // In a projection, whether all an item's kept instances hold of a
  // composite is halves of cut Links (the node only sends or receives there).
  bool onlyHalves(const std::vector<uint32_t>& nodes) const {
    if (!projection_ || nodes.empty()) return false;
    for (uint32_t n : nodes) {
      if (below_[n].first != below_[n].second) return false;
    }
    return true;
  }

  // In a projection, the half a cut cross-domain instance item is in every
  // instance kept (a Link's Send or Recv), drawn instead of the whole.
  std::optional<uint16_t> halfOf(uint16_t base, const std::vector<uint32_t>& nodes) const {
    if (!projection_) return std::nullopt;
    std::set<uint16_t> bases;
    for (uint32_t n : nodes) {
      if (leaf_[n] != kNone) bases.insert(g_.instances[leaf_[n]].base);
    }
    if (bases.size() != 1 || *bases.begin() == base) return std::nullopt;
    return *bases.begin();
  }

  // The rows of an instance: the component's lines, a bundle sized by the
  // instance's argument; with `concrete`, typed (and sized) as the item's
  // instances `nodes` are where they all agree, else as declared.
  std::vector<std::pair<std::string, std::string>> lines(const Item& item, const std::vector<uint32_t>& nodes,
                                                         bool concrete) {
    std::vector<std::pair<std::string, std::string>> rows;  // name, "name: Type"
    if (auto base = catalog_.find(item.component)) {
      auto half = halfOf(*base, nodes);
      if (half) base = half;
      const BaseComponent& b = catalog_.at(*base);
      if (b.variadicArgs) {  // (an Fn's lines are its own: typed and sized where its instances agree)
        auto typed = [&](const std::string& name, std::string size = "") {
          std::set<TypeId> types = concrete ? boundTypes(item, name, nodes, 0) : std::set<TypeId>{};
          return (types.size() == 1 ? name + ": " + g_.types.name(*types.begin()) : name) + size;
        };
        for (const Binding& bind : item.bindings) {
          if (bind.line == "r") continue;
          std::string size;  // a bundle argument's (`v[0..n]`): its line count, else its range's end as written
          if (bind.argRange) {
            std::set<size_t> counts = concrete ? argCounts(bind.line, nodes) : std::set<size_t>{};
            size = "[" + (counts.size() == 1 ? std::to_string(*counts.begin()) : bind.argRange->second.text) + "]";
          }
          rows.push_back({bind.line, typed(bind.line, size)});
        }
        std::string expr = item.fnExpr ? item.fnExpr->text : item.bindings.size() == 2 ? "" : std::string("?");
        for (const Binding& bind : item.bindings) {
          if (expr.empty() && bind.line != "r") expr = bind.line;  // a Filter's one argument
        }
        rows.push_back({"r", typed("r") + " = " + expr + (item.fnWhen ? " when " + item.fnWhen->text : "")});
        return rows;
      }
      for (const LineSig& s : b.lines) {
        std::string type = s.type.mapOfT ? "Map<Int, T>" : s.type.generic ? "T" : TypeTable().name(s.type.fixed);
        std::string size;
        if (s.sizeParam >= 0) {
          auto p = static_cast<size_t>(s.sizeParam);
          size = p < item.args.size() && !half ? item.args[p].text : b.valueParams[p];
        }
        if (concrete) {
          std::set<TypeId> types = boundTypes(item, s.name, nodes, 0);
          std::set<int64_t> sizes;
          for (uint32_t n : nodes) {
            if (leaf_[n] != kNone && s.sizeParam >= 0 && g_.instances[leaf_[n]].base == *base)
              sizes.insert(g_.args(g_.instances[leaf_[n]])[s.sizeParam]);
          }
          if (types.size() == 1) type = g_.types.name(*types.begin());
          if (sizes.size() == 1) size = std::to_string(*sizes.begin());
        }
        rows.push_back({s.name, s.name + ": " + type + (size.empty() ? "" : "[" + size + "]")});
      }
    } else if (const ComponentDef* def = model_.findComponent(item.component)) {
      for (const LineDecl& l : def->lines) {
        std::string type = concrete ? concreteType(*def, l.typeText, nodes, item) : l.typeText;
        rows.push_back({l.name, l.name + ": " + type + compositeDims(*def, l, &item, concrete)});
      }
    }
    return rows;
  }

  // A bundle line whose elements are bound one by one (`options[0]: ...`,
  // `options[1]: ...`) gets a row per binding, named by its key and typed
  // as what it names: a dimension fewer per index, but for a fresh name,
  // which ranges over its dimension (`x[0][k]` is a row of `x`). A row's
  // name is then the key. With `concrete`, an element of a generic line
  // whose elements differ in type (Sync's `l`) is typed as the instances
  // `nodes` have that element, where they agree.
  std::vector<std::pair<std::string, std::string>> elementRows(
      const Item& item, const std::vector<std::pair<std::string, std::string>>& rows,
      const std::vector<uint32_t>& nodes, bool concrete) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [line, label] : rows) {
      std::vector<const Binding*> elements;
      bool whole = false;  // a binding of the whole bundle
      for (const Binding& b : item.bindings) {
        if (b.line != line) continue;
        if (b.keyIndices.empty()) whole = true;
        elements.push_back(&b);
      }
      if (whole || elements.size() < 2) {
        out.emplace_back(line, label);
        continue;
      }
      for (const Binding* b : elements) {
        size_t fixed = 0;
        for (const SourceExpr& index : b->keyIndices) fixed += !freshName(index.text);
        std::string type = withoutDimensions(label.substr(line.size()), fixed);
        if (auto element = concrete && type == ": T" ? constantIndex(*b) : std::nullopt) {
          std::set<TypeId> types = boundTypes(item, line, nodes, 0, element);
          if (types.size() == 1) type = ": " + g_.types.name(*types.begin());
        }
        out.emplace_back(b->key, b->key + type);
      }
    }
    return out;
  }

  // `type` (`: Set<Int[0..2]>[2][3]`) without its first `count` trailing
  // dimensions (`[2]`), those an element's indices fix.
  static std::string withoutDimensions(const std::string& type, size_t count) {
    std::vector<std::pair<size_t, size_t>> dims;  // [begin, end) of each trailing `[...]`, last first
    for (size_t end = type.size(); end > 0 && type[end - 1] == ']';) {
      int depth = 0;
      size_t at = end;
      while (at > 0) {
        char c = type[--at];
        depth += c == ']' ? 1 : c == '[' ? -1 : 0;
        if (depth == 0) break;
      }
      if (depth != 0) break;
      dims.emplace_back(at, end);
      end = at;
    }
    count = std::min(count, dims.size());
    if (count == 0) return type;
    size_t from = dims.back().first, to = dims[dims.size() - count].second;  // the outermost `count`
    return type.substr(0, from) + type.substr(to);
  }

  // Whether an index as written is a fresh name: a bare name that is no
  // parameter or loop variable in scope (it ranges over its dimension).
  bool freshName(const std::string& text) const {
    if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) return false;
    for (char c : text) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    if (std::find(local_.begin(), local_.end(), text) != local_.end()) return false;
    return std::none_of(model_.params.begin(), model_.params.end(), [&](const ParamDecl& p) { return p.name == text; });
  }

  void instance(const Item& item, Scope& scope, const std::string& id, int depth, const std::string& indent,
                const std::vector<uint32_t>& context, bool concrete) {
    auto nodes = itemNodes(item, context);
    if (projection_ && nodes.empty()) return;  // none of its instances runs in the projection
    const ComponentDef* def = model_.findComponent(item.component);
    auto base = catalog_.find(item.component);
    auto half = base ? halfOf(*base, nodes) : std::nullopt;
    std::string kind = half ? catalog_.at(*half).name : item.component;
    if (!item.args.empty() && !half) {
      kind += "<";
      for (size_t a = 0; a < item.args.size(); ++a) kind += (a ? ", " : "") + item.args[a].text;
      kind += ">";
    }
    std::string name = item.name;
    std::map<std::string, std::string> shown;  // an index as written -> as shown (its value in a projection)
    for (size_t k = 0; k < item.indices.size(); ++k) {
      std::string text = indexText(item, k, nodes);
      shown.emplace(item.indices[k].text, text);
      name += "[" + text + "]";
    }
    if (item.domain) {
      std::string at = item.domain->indices.empty() ? "" : item.domain->indices[0].text;
      if (auto value = shown.find(at); value != shown.end()) at = value->second;  // `accept[s][1] @ node[1]`
      name += " @ " + item.domain->family + (item.domain->indices.empty() ? "" : "[" + at + "]");
    }
    std::string title = dot::title(html(kind), html(name), direction_);
    if (def && onlyHalves(nodes)) title += "<br/><i>only halves of its cut Links run here</i>";
    if (def && depth > 1) {
      // Expanded: a cluster holding the definition; bindings meet its own ends.
      std::string inner = id + "/";
      out_ << indent << "subgraph " << quote("cluster_" + id) << " {\n"
           << indent << "  label=<" << title << ">; style=rounded; color=\"#555555\";\n";
      component(*def, inner, depth - 1, indent + "  ", nodes, concrete, &item);
      out_ << indent << "}\n";
      shown_ = &shown;
      for (const Binding& b : item.bindings) {  // (an extrinsic's node named by the key: one per element bound)
        use(scope, b.in, End{inner + "end:" + b.line, "", ""}, false, indent, id + b.key + "i");
        use(scope, b.out, End{inner + "end:" + b.line + "'", "", ""}, true, indent, id + b.key + "o");
      }
      shown_ = nullptr;
      return;
    }
    auto rows = elementRows(item, lines(item, nodes, concrete), nodes, concrete);
    std::vector<Row> table;
    size_t widest = kind.size() + 1 + name.size();
    for (const auto& [line, label] : rows) {
      table.push_back({html(label), "", "", "", ""});
      widest = std::max(widest, label.size());
    }
    if (extent_) extent_->node(id, widest, kBoxPadding);
    shown_ = &shown;
    for (const Binding& b : item.bindings) {
      auto row = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.first == b.key; });
      if (row == rows.end())
        row = std::find_if(rows.begin(), rows.end(), [&](const auto& r) { return r.first == b.line; });
      if (row == rows.end()) continue;
      size_t k = row - rows.begin();
      std::string key = b.keyIndices.empty() ? "" : "[" + b.keyIndices[0].text + "]";
      table[k].left = cellGlyph(b.in);
      table[k].right = cellGlyph(b.out);
      use(scope, b.in, End{id, "i" + std::to_string(k), ""}, false, indent, id + "i" + std::to_string(k) + key);
      use(scope, b.out, End{id, "o" + std::to_string(k), ""}, true, indent, id + "o" + std::to_string(k) + key);
    }
    shown_ = nullptr;
    out_ << indent << quote(id) << " [label=" << box(title, table, def ? "#dde6f5" : "#eeeeee") << "];\n";
    if (projection_) gatewayArrows(scope, id, nodes, indent);
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
        for (const IndexTerm& i : t.indices) end.at.push_back(i.star ? std::nullopt : parameterValue(i.expr));
        (producing ? scope.producers : scope.consumers).emplace(t.name + (t.primed ? "'" : ""), end);
        break;
      case Term::Kind::Input:
      case Term::Kind::Output: {
        std::string node = "x:" + id;
        bool input = t.kind == Term::Kind::Input;
        // A projection has only its domains' extrinsics: `input req[s] @ node[p]` is not node[1]'s.
        if (projection_ && !extrinsicNames_[input ? 0 : 1].count(t.name)) break;
        std::string label = (input ? "input " : "output ") + shownText(t);
        if (t.domain) {
          std::string at = t.domain->indices.empty() ? "" : t.domain->indices[0].text;
          label += " @ " + t.domain->family + (t.domain->indices.empty() ? "" : "[" + shownIndex(at) + "]");
        }
        out_ << indent << quote(node) << " [shape=cds, style=filled, fillcolor=\"#fffde7\", label=" << quote(label)
             << "];\n";
        scope.extrinsic.push_back(input ? quote(node) + " -> " + ref(end) : ref(end) + " -> " + quote(node));
        if (extent_) {
          extent_->node(node, label.size(), kArrowPadding);
          input ? extent_->edge(node, end.node, 0) : extent_->edge(end.node, node, 0);
        }
        break;
      }
      default:
        break;  // glyphs are drawn in the port cells
    }
  }

  // An index's value when it reads only the model's parameters (none
  // hidden by a loop variable or the component's own parameter).
  std::optional<int64_t> parameterValue(const SourceExpr& index) const {
    if (!index.expr) return std::nullopt;
    auto lookup = [&](std::string_view name) -> std::optional<Value> {
      if (std::find(local_.begin(), local_.end(), name) != local_.end()) return std::nullopt;
      for (const auto& [param, value] : params_) {
        if (param == name) return Value::integer(value);
      }
      return std::nullopt;
    };
    ExprError error;
    return evalInt(*index.expr, lookup, &error);
  }

  // Whether two ends of one name can never meet: some index known on both differs.
  static bool apart(const End& a, const End& b) {
    if (a.at.size() != b.at.size()) return false;
    for (size_t i = 0; i < a.at.size(); ++i) {
      if (a.at[i] && b.at[i] && *a.at[i] != *b.at[i]) return true;
    }
    return false;
  }

  void edges(const Scope& scope, const std::string& indent) {
    for (const auto& [name, from] : scope.producers) {
      auto [lo, hi] = scope.consumers.equal_range(name);
      for (auto it = lo; it != hi; ++it) {
        const End& to = it->second;
        if (apart(from, to)) continue;
        std::string label = from.text == to.text || to.text.empty() ? from.text
                            : from.text.empty()                     ? to.text
                                                                    : from.text + " → " + to.text;
        out_ << indent << ref(from) << " -> " << ref(to) << " [label=" << quote(label) << "];\n";
        if (extent_) extent_->edge(from.node, to.node, label.size());
      }
    }
    for (const std::string& e : scope.extrinsic) out_ << indent << e << ";\n";
  }

  // How deep composites nest at most when looking for a type variable's type.
  static constexpr int kNesting = 16;

  const Model& model_;
  const Graph& g_;
  const std::vector<std::pair<std::string, int64_t>>& params_;  // the model's, evaluated
  const Catalog& catalog_;
  DiagnosticSink& diags_;
  Direction direction_;
  Extent* extent_;
  std::ostringstream out_;
  size_t counter_ = 0;
  std::vector<std::string> local_;  // names in scope that are not the model's parameters
  bool projection_;
  // The instance tree (see indexTree): each segment's name without its
  // indices (numbered), the nodes' children by parent (CSR, the top first),
  // whether a node has a base instance at or below it, a leaf's instance,
  // and the gateways (input?, index) at or below a node.
  std::map<std::string, uint32_t> names_;
  std::vector<uint32_t> segmentName_, childStart_, children_, leaf_;
  std::vector<bool> kept_;
  std::map<uint32_t, std::vector<std::pair<bool, uint32_t>>> gateways_;
  std::vector<std::pair<uint32_t, uint32_t>> below_;  // projections: base instances, gateway halves
  std::set<std::string> extrinsicNames_[2];           // the graph's inputs and outputs, by name without indices
  // The indices of the instance item whose bindings are being drawn, as shown.
  const std::map<std::string, std::string>* shown_ = nullptr;
};

}  // namespace

std::optional<std::string> componentDot(const LoadedModel& model, const Catalog& catalog, const std::string& component,
                                        int depth, Layout layout, DiagnosticSink& diags) {
  const ComponentDef* def =
      component.empty() || component == "system" ? &model.model.system : model.model.findComponent(component);
  if (!def) {
    std::vector<std::string> known{"system"};
    for (const ComponentDef& c : model.model.components) known.push_back(c.name);
    diags.error("usage", {},
                "--component: no component '" + component + "'" + didYouMean(component, known) +
                    " (the model's: " + nameList(known) + ")");
    return std::nullopt;
  }
  depth = std::max(depth, 1);
  // The system is drawn as its one instance, with the types its lines have;
  // a component as every instance of it, typed as they are unless it is
  // generic (`types:`): then as declared, since the definition is what is drawn.
  std::vector<uint32_t> context{kNone};
  bool concrete = def == &model.model.system || def->typeParams.empty();
  std::string label = model.projection.empty() ? "" : projectionTitle(model);
  if (def != &model.model.system) {
    std::map<std::string, std::vector<uint32_t>> instances;
    BodyDrawer(model, catalog, diags, Direction::LeftToRight, nullptr)
        .instancesOf(model.model.system, context, instances, 64);
    context = instances[def->name];
    if (context.empty() && !label.empty()) label += " (no instance of " + def->name + " runs there)";
  }
  if (!concrete) {  // say why the rows read T
    std::string vars;
    for (const std::string& t : def->typeParams) vars += (vars.empty() ? "" : ", ") + t;
    label += (label.empty() ? "" : "\n") + def->name + " is generic in " + vars +
             ": its definition is drawn with the types as declared";
  }
  if (layout == Layout::Auto) {
    // Drawn left to right while measuring; redrawn only if that is too wide.
    Extent extent;
    std::string leftToRight =
        BodyDrawer(model, catalog, diags, Direction::LeftToRight, &extent).draw(*def, depth, context, concrete, label);
    if (choose(layout, extent) == Direction::LeftToRight) return leftToRight;
  }
  Direction direction = layout == Layout::LeftToRight ? Direction::LeftToRight : Direction::TopToBottom;
  return BodyDrawer(model, catalog, diags, direction, nullptr).draw(*def, depth, context, concrete, label);
}

}  // namespace rdc::dot
