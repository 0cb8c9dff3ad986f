#include "ir/graph/verify.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include "ir/model/syntax.h"

namespace rdc {

namespace {

// Thrown at the first fault; findGraphFault turns it into its answer.
struct Fault {
  std::string message;
};

std::string lineName(uint32_t l) { return "line " + std::to_string(l); }
std::string instanceName(uint32_t i) { return "instance " + std::to_string(i); }

class GraphVerifier {
 public:
  GraphVerifier(const Graph& graph, const Catalog& catalog, std::span<const uint32_t> elements)
      : g_(graph), catalog_(catalog), types_(graph.types), elements_(elements) {}

  void run() {
    domains();
    tree();
    uint64_t next = 0;  // where the next instance's lines must start
    for (uint32_t i = 0; i < g_.instances.size(); ++i) next = instance(i, next);
    if (next != g_.lines.size()) {
      throw Fault{"the instances own " + std::to_string(next) + " lines, the graph has " +
                  std::to_string(g_.lines.size())};
    }
    for (uint32_t l = 0; l < g_.lines.size(); ++l) line(l);
    extrinsics(g_.inputs, true);
    extrinsics(g_.outputs, false);
    std::vector<uint32_t> nodes;
    nodes.reserve(g_.instances.size());
    for (const FlatInstance& inst : g_.instances) nodes.push_back(inst.node);
    std::sort(nodes.begin(), nodes.end());
    auto twice = std::adjacent_find(nodes.begin(), nodes.end());
    if (twice != nodes.end()) throw Fault{"two instances of one path '" + g_.nodePath(*twice) + "'"};
    if (g_.unbounded) unbounded(*g_.unbounded);
  }

 private:
  // Checks one instance and its lines' layout; returns the end of its lines.
  uint64_t instance(uint32_t i, uint64_t first) {
    const FlatInstance& inst = g_.instances[i];
    const std::string who = instanceName(i);
    if (inst.base >= catalog_.all().size()) throw Fault{who + ": unknown base component " + std::to_string(inst.base)};
    const BaseComponent& base = catalog_.at(inst.base);
    if (inst.node >= g_.tree.size()) throw Fault{who + ": tree node " + std::to_string(inst.node) + " out of range"};
    if (inst.pos >= g_.positions.size()) throw Fault{who + ": position " + std::to_string(inst.pos) + " out of range"};
    if (inst.args >= g_.argSets.size())
      throw Fault{who + ": argument list " + std::to_string(inst.args) + " out of range"};
    const std::vector<int64_t>& args = g_.args(inst);
    if (args.size() != base.valueParams.size()) {
      throw Fault{who + " (" + base.name + "): " + std::to_string(args.size()) + " arguments, the catalog says " +
                  std::to_string(base.valueParams.size())};
    }
    if (inst.firstLine != first)
      throw Fault{who + ": its lines start at " + std::to_string(inst.firstLine) + ", expected " +
                  std::to_string(first)};
    std::vector<uint64_t> sizes = blockSizes(i, inst, base);
    uint64_t count = 0;
    for (uint64_t s : sizes) count += s;
    if (inst.lineCount != count) {
      throw Fault{who + " (" + base.name + "): " + std::to_string(inst.lineCount) +
                  " lines, its signature and arguments make " + std::to_string(count)};
    }
    if (first + count > g_.lines.size()) throw Fault{who + ": its lines run past the end of the line table"};
    uint32_t l = inst.firstLine;
    for (uint16_t sig = 0; sig < sizes.size(); ++sig) {
      for (uint32_t e = 0; e < sizes[sig]; ++e, ++l) {
        const FlatLine& line = g_.lines[l];
        if (line.instance != i || line.sig != sig || (!elements_.empty() && elements_[l] != e)) {
          throw Fault{lineName(l) + " is not line " + std::to_string(sig) + "[" + std::to_string(e) + "] of " + who};
        }
      }
    }
    return first + count;
  }

  // The number of lines per signature line: 1 for a scalar, n for a bundle.
  std::vector<uint64_t> blockSizes(uint32_t i, const FlatInstance& inst, const BaseComponent& base) {
    const std::string who = instanceName(i) + " (" + base.name + ")";
    if (base.variadicArgs != (inst.fn != kNone))
      throw Fault{who + ": an Fn body on a component that is not Fn, or none on an Fn"};
    if (base.variadicArgs) {
      fnBody(who, inst);
      return std::vector<uint64_t>(g_.fns[inst.fn].args.size() + 1, 1);
    }
    const std::vector<int64_t>& args = g_.args(inst);
    for (size_t p = 0; p < args.size(); ++p) {
      if (base.isBundleSize(p) && (args[p] < 1 || static_cast<uint64_t>(args[p]) > g_.lines.size())) {
        throw Fault{who + ": bundle size " + base.valueParams[p] + " = " + std::to_string(args[p]) + " is not in 1.." +
                    std::to_string(g_.lines.size())};
      }
    }
    if (auto problem = base.checkParams ? base.checkParams(args) : std::nullopt) {
      throw Fault{who + ": " + problem->message};
    }
    std::vector<uint64_t> sizes;
    for (const LineSig& s : base.lines) sizes.push_back(s.sizeParam < 0 ? 1 : static_cast<uint64_t>(args[s.sizeParam]));
    return sizes;
  }

  void fnBody(const std::string& who, const FlatInstance& inst) {
    if (inst.fn >= g_.fns.size()) throw Fault{who + ": Fn body " + std::to_string(inst.fn) + " out of range"};
    const FnBody& fn = g_.fns[inst.fn];
    if (!fn.expr) throw Fault{who + ": an Fn without an expression"};
    std::set<std::string> names(fn.args.begin(), fn.args.end());
    if (names.size() != fn.args.size() || names.count("") || names.count("r"))
      throw Fault{who + ": Fn argument names are empty, `r` or repeated"};
    for (uint32_t a = 0; a < fn.args.size(); ++a) {  // a bundle's lines are `v[0]`, `v[1]`, ... in order
      size_t open = fn.args[a].find('[');
      if (open == std::string::npos) continue;
      std::string bundle = fn.args[a].substr(0, open);
      FnArgRef ref = findFnArg(fn, bundle);
      if (ref.first != a || names.count(bundle)) throw Fault{who + ": bundle argument '" + bundle + "' is split"};
      for (uint32_t e = 0; e < ref.count; ++e) {
        if (fn.args[a + e] != bundle + "[" + std::to_string(e) + "]")
          throw Fault{who + ": bundle argument '" + bundle + "' has a line named " + fn.args[a + e]};
      }
      names.insert(bundle);
      a += ref.count - 1;
    }
    for (const auto& c : fn.consts) names.insert(c.first);
    for (const std::string& name : freeNames(*fn.expr)) {
      if (!names.count(name))
        throw Fault{who + ": its expression reads '" + name + "', neither an argument nor a constant"};
    }
    if (catalog_.at(inst.base).guarded != (fn.when != nullptr))
      throw Fault{who + ": a Filter needs a condition and nothing else takes one"};
    if (fn.when) {
      for (const std::string& name : freeNames(*fn.when)) {
        if (!names.count(name))
          throw Fault{who + ": its condition reads '" + name + "', neither an argument nor a constant"};
      }
    }
  }

  void line(uint32_t l) {
    const FlatLine& line = g_.lines[l];
    const std::string who = lineName(l);
    if (line.pos >= g_.positions.size()) throw Fault{who + ": position " + std::to_string(line.pos) + " out of range"};
    if (line.type >= g_.types.size()) throw Fault{who + ": type " + std::to_string(line.type) + " out of range"};
    if (g_.types.depth(line.type) > TypeTable::kMaxDepth)
      throw Fault{who + ": a type nested " + std::to_string(g_.types.depth(line.type)) + " deep"};
    if (g_.types.parts(line.type) > TypeTable::kMaxParts)
      throw Fault{who + ": a type of more than " + std::to_string(TypeTable::kMaxParts) + " parts"};
    if (line.domain >= g_.domains.size())
      throw Fault{who + ": domain " + std::to_string(line.domain) + " out of range"};
    sameAsInstance(l);
    endpoint(l, line.source, true);
    endpoint(l, line.sink, false);
  }

  // Types and domains that the catalog ties within one instance.
  void sameAsInstance(uint32_t l) {
    const FlatLine& line = g_.lines[l];
    const FlatInstance& inst = g_.instances[line.instance];
    const BaseComponent& base = catalog_.at(inst.base);
    const LineSig* sig = g_.signature(catalog_, l);
    if (inst.fn != kNone) {
      if (line.sig == g_.fns[inst.fn].args.size()) fnResultType(l, inst);
    } else if (!sig->type.generic) {
      if (line.type != sig->type.fixed)
        throw Fault{lineName(l) + ": a " + base.name + "'s " + sig->name + " must be a " +
                    g_.types.name(sig->type.fixed)};
    } else if (!sig->type.perElement) {
      for (uint32_t o = inst.firstLine; o < inst.firstLine + inst.lineCount; ++o) {
        const LineTypeSig& t = base.lines[g_.lines[o].sig].type;
        if (!t.generic || t.perElement || t.mapOfT) continue;
        TypeId want = sig->type.mapOfT ? types_.map(TypeTable::kInt, g_.lines[o].type) : g_.lines[o].type;
        if (line.type != want) throw Fault{lineName(l) + ": not of its " + base.name + "'s type T, or Map<Int, T>"};
        break;
      }
    }
    bool cross = base.domain == DomainRule::Cross;
    int side = cross && sig ? sig->side : 0;
    for (uint32_t o = inst.firstLine; o < l; ++o) {
      int otherSide = cross ? base.lines[g_.lines[o].sig].side : 0;
      if (otherSide != side) continue;
      if (g_.lines[o].domain != line.domain)
        throw Fault{lineName(l) + ": not in the domain of its " + base.name + "'s other lines"};
      break;
    }
  }

  void fnResultType(uint32_t l, const FlatInstance& inst) {
    const FnBody& fn = g_.fns[inst.fn];
    TypeLookup lookup = [&](std::string_view name) -> std::optional<TypeId> {
      FnArgRef ref = findFnArg(fn, name);
      if (!ref.count) {
        for (const auto& c : fn.consts) {
          if (c.first == name) return TypeTable::kInt;
        }
        return std::nullopt;
      }
      TypeId element = g_.lines[inst.firstLine + ref.first].type;
      if (!ref.bundle) return element;
      for (uint32_t e = 1; e < ref.count; ++e) {
        if (g_.lines[inst.firstLine + ref.first + e].type != element)
          throw Fault{lineName(l) + ": a bundle argument whose lines differ in type"};
      }
      return types_.map(TypeTable::kInt, element);
    };
    ExprError error;
    auto t = typeOfExpr(*fn.expr, lookup, types_, &error, nullptr, /*inDomain=*/true);
    if (!t || *t != g_.lines[l].type) throw Fault{lineName(l) + ": an Fn result whose type is not its expression's"};
    if (fn.when && typeOfExpr(*fn.when, lookup, types_, &error, nullptr, /*inDomain=*/true) != TypeTable::kBool)
      throw Fault{lineName(l) + ": a Filter condition that is not a Bool"};
  }

  void endpoint(uint32_t l, const Endpoint& e, bool isSource) {
    const FlatLine& line = g_.lines[l];
    const std::string who = lineName(l) + (isSource ? "'s source" : "'s sink");
    using K = Endpoint::Kind;
    switch (e.kind) {
      case K::Wire: {
        if (e.ref >= g_.lines.size())
          throw Fault{who + ": a wire to line " + std::to_string(e.ref) + ", which does not exist"};
        const FlatLine& peer = g_.lines[e.ref];
        const Endpoint& back = isSource ? peer.sink : peer.source;
        if (back.kind != K::Wire || back.ref != l)
          throw Fault{who + ": a wire to line " + std::to_string(e.ref) + ", which does not wire back"};
        if (peer.type != line.type) throw Fault{who + ": a wire between lines of different types"};
        if (peer.domain != line.domain) throw Fault{who + ": a wire between lines of different domains"};
        return;
      }
      case K::Const:
        if (!isSource || e.ref >= g_.constants.size()) throw Fault{who + ": a bad constant"};
        if (!valueFits(g_.constants[e.ref], line.type, g_.types))
          throw Fault{who + ": a constant that is not " + g_.types.aName(line.type)};
        return;
      case K::Input:
        if (!isSource || e.ref >= g_.inputs.size() || g_.inputs[e.ref].line != l)
          throw Fault{who + ": a bad extrinsic input"};
        return;
      case K::Output:
        if (isSource || e.ref >= g_.outputs.size() || g_.outputs[e.ref].line != l)
          throw Fault{who + ": a bad extrinsic output"};
        return;
      case K::Choose: {
        const LineSig* sig = g_.signature(catalog_, l);
        if (!isSource || !sig || !sig->choosable) throw Fault{who + ": `choose` on a line that is not choosable"};
        return;
      }
      case K::Never:
        if (!isSource) throw Fault{who + ": a source kind used as a sink"};
        return;
      case K::Drop:
        if (isSource) throw Fault{who + ": a sink kind used as a source"};
        return;
    }
    throw Fault{who + ": unknown endpoint kind " + std::to_string(static_cast<int>(e.kind))};
  }

  void extrinsics(const std::vector<Extrinsic>& xs, bool input) {
    const char* what = input ? "input" : "output";
    std::vector<std::string> names;
    for (uint32_t i = 0; i < xs.size(); ++i) {
      const Extrinsic& x = xs[i];
      std::string who = std::string(what) + " " + std::to_string(i);
      if (x.line >= g_.lines.size()) throw Fault{who + ": line " + std::to_string(x.line) + " out of range"};
      const Endpoint& e = input ? g_.lines[x.line].source : g_.lines[x.line].sink;
      if (e.kind != (input ? Endpoint::Kind::Input : Endpoint::Kind::Output) || e.ref != i)
        throw Fault{who + ": not attached to its line"};
      if (x.defaultValue && !valueFits(*x.defaultValue, g_.lines[x.line].type, g_.types)) {
        throw Fault{who + ": a default that is not " + g_.types.aName(g_.lines[x.line].type)};
      }
      // A projection's gateway: named after the cut Link, whose other end
      // is in another of the model's domains.
      if (x.isGateway() || !x.peer.empty()) {
        auto peer = std::find(g_.domains.begin(), g_.domains.end(), x.peer);
        if (x.name != "net:" + x.gateway || peer == g_.domains.end() ||
            static_cast<uint32_t>(peer - g_.domains.begin()) == g_.lines[x.line].domain)
          throw Fault{who + " '" + x.name + "': a gateway whose name, Link or peer domain does not fit"};
      }
      names.push_back(x.name);
    }
    unique(std::move(names), std::string(what) + " name");
  }

  // The instance tree spells every path once: distinct segments without
  // dots under distinct (parent, segment) pairs make distinct paths, so
  // distinct nodes are distinct paths without spelling any.
  // Domains are `name` or `name[i]...` (a family's members), each once:
  // projections, faults and diagnostics find a domain by its name.
  void domains() const {
    std::set<std::string_view> seen;
    for (const std::string& d : g_.domains) {
      size_t open = std::min(d.find('['), d.size());
      bool ok = syntax::isIdentifier(std::string_view(d).substr(0, open));
      for (size_t at = open; ok && at < d.size();) {
        size_t close = d.find(']', at);
        ok = d[at] == '[' && close != std::string::npos && close > at + 1 &&
             std::all_of(d.begin() + at + 1, d.begin() + close, [](char c) { return c >= '0' && c <= '9'; });
        at = close + 1;
      }
      if (!ok || !seen.insert(d).second)
        throw Fault{"domain '" + d.substr(0, 80) + "': not `name` or `name[i]`, or named twice"};
    }
  }

  void tree() const {
    for (const std::string& s : g_.segments) {
      // Paths name lines in traces, which refuse control characters: a path
      // a trace could not carry is refused here, before a run writes one.
      if (s.empty() || std::any_of(s.begin(), s.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '.';
          })) {
        throw Fault{"an instance path segment that is empty, or has dots or control characters"};
      }
    }
    unique(g_.segments, "instance path segment");
    std::vector<uint64_t> pairs;
    pairs.reserve(g_.tree.size());
    for (uint32_t n = 0; n < g_.tree.size(); ++n) {
      const PathNode& node = g_.tree[n];
      // Parents first: no cycles, and every path is finite.
      if (node.parent != kNone && node.parent >= n) throw Fault{"tree node " + std::to_string(n) + ": parent after it"};
      if (node.segment >= g_.segments.size()) throw Fault{"tree node " + std::to_string(n) + ": segment out of range"};
      pairs.push_back(static_cast<uint64_t>(node.parent) << 32 | node.segment);
    }
    std::sort(pairs.begin(), pairs.end());
    auto twice = std::adjacent_find(pairs.begin(), pairs.end());
    if (twice != pairs.end()) throw Fault{"two tree nodes of one path"};
  }

  static void unique(std::vector<std::string> names, const std::string& what) {
    std::sort(names.begin(), names.end());
    auto twice = std::adjacent_find(names.begin(), names.end());
    if (twice != names.end()) throw Fault{"two of one " + what + " '" + *twice + "'"};
  }

  // An unbounded box's window: consecutive iterations, and iteration 2 is
  // iteration 1 shifted, line for line, so that iteration 1 stands for
  // every later one (the engine relies on it).
  void unbounded(const UnboundedBox& box) const {
    const auto& w = box.window;
    if (box.pos >= g_.positions.size()) throw Fault{"unbounded box: position out of range"};
    if (box.end <= static_cast<uint64_t>(UnboundedBox::kWindow))
      throw Fault{"unbounded box: it ends within its window (an on-demand box has more than 3 iterations)"};
    auto within = [](uint64_t first, uint64_t count, size_t size) { return first + count <= size; };
    for (size_t k = 0; k < w.size(); ++k) {
      const IterationBlock& b = w[k];
      if (!within(b.line, b.lines, g_.lines.size()) || !within(b.instance, b.instances, g_.instances.size()) ||
          !within(b.node, b.nodes, g_.tree.size()) || !within(b.input, b.inputs, g_.inputs.size()) ||
          !within(b.output, b.outputs, g_.outputs.size()))
        throw Fault{"unbounded box: iteration " + std::to_string(k) + " out of range"};
      if (k > 0 && (b.line != w[k - 1].line + w[k - 1].lines || b.instance != w[k - 1].instance + w[k - 1].instances ||
                    b.node != w[k - 1].node + w[k - 1].nodes || b.input != w[k - 1].input + w[k - 1].inputs ||
                    b.output != w[k - 1].output + w[k - 1].outputs))
        throw Fault{"unbounded box: iteration " + std::to_string(k) + " does not follow the one before"};
    }
    const IterationBlock &one = w[1], &two = w[2];
    if (one.lines != two.lines || one.instances != two.instances || one.nodes != two.nodes ||
        one.inputs != two.inputs || one.outputs != two.outputs || one.lines == 0)
      throw Fault{"unbounded box: iterations 1 and 2 differ in size, or are empty"};
    std::vector<bool> open(g_.lines.size(), false);
    for (uint32_t l : box.openPorts) {
      if (!two.hasLine(l) || g_.lines[l].sink.kind != Endpoint::Kind::Drop)
        throw Fault{"unbounded box: open port " + std::to_string(l) + " is not a dropped line of iteration 2"};
      open[l] = true;
    }
    for (uint32_t j = 0; j < one.instances; ++j) {
      const FlatInstance &a = g_.instances[one.instance + j], &b = g_.instances[two.instance + j];
      // Each Fn instance has its own body in the table: the same one, for a shifted iteration.
      bool sameFn = (a.fn == kNone) == (b.fn == kNone) &&
                    (a.fn == kNone ||
                     (g_.fns[a.fn].text == g_.fns[b.fn].text && g_.fns[a.fn].args == g_.fns[b.fn].args &&
                      g_.fns[a.fn].whenText == g_.fns[b.fn].whenText && g_.fns[a.fn].consts == g_.fns[b.fn].consts));
      if (a.base != b.base || a.args != b.args || !sameFn || a.lineCount != b.lineCount ||
          b.firstLine - a.firstLine != one.lines || b.node - a.node != one.nodes)
        throw Fault{"unbounded box: instance " + std::to_string(j) + " of iterations 1 and 2 differ"};
    }
    for (uint32_t n = 0; n < one.nodes; ++n) {
      const PathNode &a = g_.tree[one.node + n], &b = g_.tree[two.node + n];
      bool top = a.parent == kNone;
      // A top-level segment is named by its iteration (`rb[1]`, `rb[2]`); the others are the same.
      if (top != (b.parent == kNone) || (!top && b.parent - a.parent != one.nodes) ||
          (top ? iterationName(g_.segments[a.segment], 2) != g_.segments[b.segment] ||
                     iterationName(g_.segments[a.segment], 1) != g_.segments[a.segment]
               : a.segment != b.segment))
        throw Fault{"unbounded box: tree node " + std::to_string(n) + " of iterations 1 and 2 differ"};
    }
    // Where a line's end leads, as seen from its iteration: within it, to the
    // next or previous one (by offset), or elsewhere.
    auto shifted = [&](const Endpoint& e, uint32_t k) -> std::pair<int, uint32_t> {
      if (e.kind != Endpoint::Kind::Wire) return {9, 0};
      for (int d = -1; d <= 1; ++d) {
        int j = static_cast<int>(k) + d;
        if (j >= 0 && j < 3 && w[static_cast<size_t>(j)].hasLine(e.ref))
          return {d, e.ref - w[static_cast<size_t>(j)].line};
      }
      throw Fault{"unbounded box: line " + std::to_string(e.ref) + " is wired into iteration " + std::to_string(k) +
                  " from outside its neighbours"};
    };
    for (uint32_t j = 0; j < one.lines; ++j) {
      const FlatLine &a = g_.lines[one.line + j], &b = g_.lines[two.line + j];
      if (a.sig != b.sig || g_.element(catalog_, one.line + j) != g_.element(catalog_, two.line + j) ||
          a.type != b.type || a.domain != b.domain || a.source.kind != b.source.kind ||
          shifted(a.source, 1) != shifted(b.source, 2) ||
          (!open[two.line + j] && (a.sink.kind != b.sink.kind || shifted(a.sink, 1) != shifted(b.sink, 2))))
        throw Fault{"unbounded box: line " + std::to_string(j) + " of iterations 1 and 2 differ"};
      if (open[two.line + j] && shifted(a.sink, 1).first != 1)
        throw Fault{"unbounded box: open port " + std::to_string(two.line + j) + " stands for no crossing line"};
      if (a.source.kind == Endpoint::Kind::Const &&
          (a.source.ref >= g_.constants.size() || b.source.ref >= g_.constants.size() ||
           !(g_.constants[a.source.ref] == g_.constants[b.source.ref])))
        throw Fault{"unbounded box: line " + std::to_string(j) + " of iterations 1 and 2 have different constants"};
      if ((a.sink.kind == Endpoint::Kind::Wire && shifted(a.sink, 1).first < 0) ||
          (a.source.kind == Endpoint::Kind::Wire && shifted(a.source, 1).first > 0))
        throw Fault{"unbounded box: a value flows from an iteration back to the one before"};
    }
    for (uint32_t l = 0; l < g_.lines.size(); ++l) {  // the rest of the system reaches iteration 0 only
      if (one.hasLine(l) || two.hasLine(l) || w[0].hasLine(l)) continue;
      for (const Endpoint* e : {&g_.lines[l].source, &g_.lines[l].sink}) {
        if (e->kind == Endpoint::Kind::Wire && (one.hasLine(e->ref) || two.hasLine(e->ref)))
          throw Fault{"unbounded box: " + lineName(l) + " outside the box is wired to a general iteration"};
      }
    }
    for (uint32_t x = 0; x < one.inputs + one.outputs; ++x) {
      bool input = x < one.inputs;
      const std::vector<Extrinsic>& xs = input ? g_.inputs : g_.outputs;
      uint32_t i = input ? x : x - one.inputs;
      const Extrinsic &a = xs[(input ? one.input : one.output) + i], &b = xs[(input ? two.input : two.output) + i];
      if (!one.hasLine(a.line) || b.line - a.line != one.lines || iterationName(a.name, 2) != b.name ||
          iterationName(a.name, 1) != a.name)
        throw Fault{"unbounded box: extrinsic '" + a.name + "' of iterations 1 and 2 differ"};
    }
    // Iteration 0 names the same extrinsics (the engine reads its inputs as
    // iteration 1's), and each stream's expressions give the window's
    // values and arrival times (what lint checked is what runs).
    const IterationBlock& zero = w[0];
    if (zero.inputs != one.inputs) throw Fault{"unbounded box: iterations 0 and 1 have different inputs"};
    for (uint32_t j = 0; j < one.inputs; ++j) {
      if (iterationName(g_.inputs[one.input + j].name, 0) != g_.inputs[zero.input + j].name)
        throw Fault{"unbounded box: input '" + g_.inputs[zero.input + j].name +
                    "' of iteration 0 is not iteration 1's"};
    }
    if (box.var.empty() || !std::all_of(box.var.begin(), box.var.end(),
                                        [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
      throw Fault{"unbounded box: its variable '" + box.var + "' is not a name"};
    std::vector<uint32_t> seen;
    for (const StreamInput& stream : box.streams) {
      if (stream.input >= g_.inputs.size() || !one.hasInputs(stream.input) || g_.inputs[stream.input].isGateway())
        throw Fault{"unbounded box: a stream that is not an input of iteration 1"};
      seen.push_back(stream.input);
      for (uint32_t k = 0; k < w.size(); ++k) streamAt(box, stream, k);
    }
    std::sort(seen.begin(), seen.end());
    std::vector<uint32_t> ports = box.openPorts;
    std::sort(ports.begin(), ports.end());
    if (std::adjacent_find(seen.begin(), seen.end()) != seen.end() ||
        std::adjacent_find(ports.begin(), ports.end()) != ports.end())
      throw Fault{"unbounded box: a stream or an open port listed twice"};
    // The rest are a projection's gateways: what the network delivers.
    size_t gateways = std::count_if(g_.inputs.begin() + one.input, g_.inputs.begin() + one.input + one.inputs,
                                    [](const Extrinsic& x) { return x.isGateway(); });
    if (seen.size() + gateways != one.inputs)
      throw Fault{"unbounded box: an input of iteration 1 that is neither a stream nor a gateway"};
  }

  // A stream's value and arrival time for iteration k are what the window's
  // iteration k has.
  void streamAt(const UnboundedBox& box, const StreamInput& stream, uint32_t k) const {
    const Extrinsic& x = g_.inputs[box.window[k].input + (stream.input - box.general().input)];
    auto eval = [&](const std::string& text) -> std::optional<Value> {
      ExprError error;
      ExprPtr e = parseExpr(text, &error);
      if (!e) return std::nullopt;
      return evalExpr(
          *e,
          [&](std::string_view name) -> std::optional<Value> {
            if (name == box.var) return Value::integer(k);
            for (auto it = stream.env.rbegin(); it != stream.env.rend(); ++it) {
              if (it->first == name) return Value::integer(it->second);
            }
            return std::nullopt;
          },
          &error);
    };
    const std::string who = "unbounded box: stream '" + x.name + "'";
    if (stream.value.empty() ? x.defaultValue.has_value()
                             : !x.defaultValue || eval(stream.value) != std::optional<Value>(*x.defaultValue))
      throw Fault{who + ": its value is not the window's"};
    std::optional<Value> arrival = stream.arrival.empty() ? std::optional(Value::duration(0)) : eval(stream.arrival);
    if (!arrival || arrival->kind != Value::Kind::Duration || arrival->i != x.arrival)
      throw Fault{who + ": its arrival time is not the window's"};
  }

  const Graph& g_;
  const Catalog& catalog_;
  TypeTable types_;                     // typeOfExpr may intern: a copy, so that verifying never changes the graph
  std::span<const uint32_t> elements_;  // as a file states them; empty: derived, nothing to check
};

}  // namespace

std::optional<std::string> findGraphFault(const Graph& graph, const Catalog& catalog,
                                          std::span<const uint32_t> elements) {
  try {
    GraphVerifier(graph, catalog, elements).run();
  } catch (const Fault& f) {
    return f.message;
  }
  return std::nullopt;
}

bool verifyGraph(const Graph& graph, const Catalog& catalog, DiagnosticSink& diags, const std::string& code,
                 Pos where) {
  auto fault = findGraphFault(graph, catalog);
  if (!fault) return true;
  diags.error(code, where, "inconsistent graph: " + *fault);
  return false;
}

bool selfCheckGraph(const Graph& graph, const Catalog& catalog, DiagnosticSink& diags) {
#ifdef RDC_VERIFY_GRAPHS
  return verifyGraph(graph, catalog, diags, "internal");
#else
  (void)graph, (void)catalog, (void)diags;
  return true;
#endif
}

}  // namespace rdc
