#include "ir/io/ir_io.h"

#include <capnp/any.h>
#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>
#include <kj/io.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <set>

#include "ir/graph/verify.h"
#include "ir/io/rdc_ir.capnp.h"
#include "ir/lang/expr.h"
#include "ir/model/syntax.h"

namespace rdc {

std::string_view toolVersion() { return "rdc 0.1.0"; }

namespace {

namespace s = schema;

// ---- writing ----

void put(s::Pos::Builder b, const Pos& p) {
  b.setFile(p.file);
  b.setLine(p.line);
  b.setCol(p.col);
}

void put(s::SourceText::Builder b, const std::string& text, const Pos& pos) {
  b.setText(text);
  put(b.initPos(), pos);
}

void putParams(capnp::List<s::Param>::Builder list, const std::vector<ParamDecl>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    auto b = list[i];
    b.setName(params[i].name);
    b.setHasValue(params[i].value.has_value());
    if (params[i].value) put(b.initValue(), params[i].value->text, params[i].value->pos);
    put(b.initPos(), params[i].pos);
  }
}

void putItems(capnp::List<s::Item>::Builder list, const std::vector<Item>& items) {
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    auto b = list[i];
    put(b.initPos(), item.pos);
    switch (item.kind) {
      case Item::Kind::Instance: {
        auto inst = b.initInstance();
        inst.setKey(item.header);
        auto bindings = inst.initBindings(item.bindings.size());
        for (size_t k = 0; k < item.bindings.size(); ++k) {
          const Binding& bind = item.bindings[k];
          bindings[k].setKey(bind.key);
          put(bindings[k].initKeyPos(), bind.pos);
          put(bindings[k].initValue(), bind.text, bind.in.pos);
        }
        inst.setHasExpr(item.fnExpr.has_value());
        if (item.fnExpr) put(inst.initExpr(), item.fnExpr->text, item.fnExpr->pos);
        inst.setHasWhen(item.fnWhen.has_value());
        if (item.fnWhen) put(inst.initWhen(), item.fnWhen->text, item.fnWhen->pos);
        break;
      }
      case Item::Kind::Wire:
        put(b.initWire(), item.header, item.pos);
        break;
      case Item::Kind::For: {
        auto box = b.initForBox();
        box.setHeader(item.header);
        putItems(box.initBody(item.body.size()), item.body);
        break;
      }
    }
  }
}

void putComponent(s::Component::Builder b, const ComponentDef& c) {
  b.setName(c.name);
  b.setDoc(c.doc);
  putParams(b.initParams(c.params.size()), c.params);
  auto lines = b.initLines(c.lines.size());
  for (size_t i = 0; i < c.lines.size(); ++i) {
    const LineDecl& l = c.lines[i];
    lines[i].setName(l.name);
    put(lines[i].initType(), l.typeText, l.pos);
    auto dims = lines[i].initDims(l.dims.size());
    for (size_t d = 0; d < l.dims.size(); ++d) put(dims[d], l.dims[d].text, l.dims[d].pos);
    put(lines[i].initPos(), l.pos);
  }
  putItems(b.initBody(c.body.size()), c.body);
  put(b.initPos(), c.pos);
  b.setFromStd(c.fromStd);
  auto typeParams = b.initTypeParams(c.typeParams.size());
  for (size_t i = 0; i < c.typeParams.size(); ++i) typeParams.set(i, c.typeParams[i]);
}

void putModel(s::Model::Builder b, const Model& m) {
  b.setName(m.name);
  b.setDoc(m.doc);
  putParams(b.initParams(m.params.size()), m.params);
  auto domains = b.initDomains(m.domains.size());
  for (size_t i = 0; i < m.domains.size(); ++i) {
    domains[i].setName(m.domains[i].name);
    domains[i].setFamily(m.domains[i].size.has_value());
    if (m.domains[i].size) put(domains[i].initSize(), m.domains[i].size->text, m.domains[i].size->pos);
    put(domains[i].initPos(), m.domains[i].pos);
  }
  auto uses = b.initUses(m.uses.size());
  for (size_t i = 0; i < m.uses.size(); ++i) uses.set(i, m.uses[i]);
  auto comps = b.initComponents(m.components.size());
  for (size_t i = 0; i < m.components.size(); ++i) putComponent(comps[i], m.components[i]);
  putComponent(b.initSystem(), m.system);
  auto checks = b.initChecks(m.checks.size());
  for (size_t i = 0; i < m.checks.size(); ++i) {
    checks[i].setName(m.checks[i].name);
    put(checks[i].initExpr(), m.checks[i].expr.text, m.checks[i].expr.pos);
  }
  put(b.initPos(), m.pos);
}

void putNamedInts(capnp::List<s::NamedInt>::Builder list, const std::vector<std::pair<std::string, int64_t>>& xs) {
  for (size_t i = 0; i < xs.size(); ++i) {
    list[i].setName(xs[i].first);
    list[i].setValue(xs[i].second);
  }
}

void putUnbounded(s::UnboundedBox::Builder b, const UnboundedBox& box) {
  b.setVar(box.var);
  b.setPos(box.pos);
  b.setEnd(box.end);
  auto window = b.initWindow(box.window.size());
  for (size_t k = 0; k < box.window.size(); ++k) {
    const IterationBlock& x = box.window[k];
    auto w = window[k];
    w.setLine(x.line), w.setLines(x.lines), w.setInstance(x.instance), w.setInstances(x.instances);
    w.setNode(x.node), w.setNodes(x.nodes), w.setInput(x.input), w.setInputs(x.inputs);
    w.setOutput(x.output), w.setOutputs(x.outputs);
  }
  auto streams = b.initStreams(box.streams.size());
  for (size_t k = 0; k < box.streams.size(); ++k) {
    streams[k].setInput(box.streams[k].input);
    streams[k].setValue(box.streams[k].value);
    streams[k].setArrival(box.streams[k].arrival);
    putNamedInts(streams[k].initEnv(box.streams[k].env.size()), box.streams[k].env);
  }
  auto ports = b.initOpenPorts(box.openPorts.size());
  for (size_t k = 0; k < box.openPorts.size(); ++k) ports.set(k, box.openPorts[k]);
}

// The graph's tree nodes, instances and lines: nine tenths of a large
// model's IR. Building the message allocates them where they go (their
// order in the message is putGraph's); their elements are filled later,
// in order: all at once, or just before the part of the message that
// holds them is written (StreamedOutput), so that a large graph's IR is
// never whole in memory. They hold no pointers: filling them allocates
// nothing, and the bytes are the same either way.
class GraphLists {
  static uintptr_t address(const kj::byte* p) { return reinterpret_cast<uintptr_t>(p); }

 public:
  explicit GraphLists(const Graph& g) : g_(g) {}

  capnp::List<s::PathNode>::Builder tree;
  capnp::List<s::Instance>::Builder instances;
  capnp::List<s::Line>::Builder lines;

  void fillAll() { fillUpTo(g_.tree.size(), g_.instances.size(), g_.lines.size()); }
  /// Fills the elements that start before `end`, of the lists that lie in
  /// [from, to) (the segment being written).
  void fillBelow(const kj::byte* from, const kj::byte* to, const kj::byte* end) {
    fillUpTo(startingBefore(tree, from, to, end), startingBefore(instances, from, to, end),
             startingBefore(lines, from, to, end));
  }

 private:
  template <typename List>
  static size_t startingBefore(List& list, const kj::byte* from, const kj::byte* to, const kj::byte* end) {
    auto at = [&](unsigned i) { return address(capnp::AnyStruct::Builder(list[i]).getDataSection().begin()); };
    if (list.size() == 0) return 0;
    uintptr_t first = at(0);
    if (first < address(from) || first >= address(to) || address(end) <= first) return 0;  // elsewhere, or later
    size_t stride = list.size() > 1 ? at(1) - first : 1;
    return std::min<size_t>(list.size(), (address(end) - first + stride - 1) / stride);
  }

  // Fills, in order, up to these counts of tree nodes, instances and lines.
  void fillUpTo(size_t treeCount, size_t instanceCount, size_t lineCount) {
    for (; tree_ < treeCount; ++tree_) {
      tree[tree_].setParent(g_.tree[tree_].parent);
      tree[tree_].setSegment(g_.tree[tree_].segment);
    }
    for (; instances_ < instanceCount; ++instances_) {
      const FlatInstance& in = g_.instances[instances_];
      auto ib = instances[instances_];
      ib.setNode(in.node);
      ib.setBase(in.base);
      ib.setArgs(in.args);
      ib.setFirstLine(in.firstLine);
      ib.setLineCount(in.lineCount);
      ib.setPos(in.pos);
      ib.setFn(in.fn);
    }
    for (; lines_ < lineCount; ++lines_) {
      size_t i = lines_;
      const FlatLine& l = g_.lines[i];
      bool sameBlock = i > 0 && g_.lines[i - 1].instance == l.instance && g_.lines[i - 1].sig == l.sig;
      element_ = sameBlock ? element_ + 1 : 0;
      auto lb = lines[static_cast<unsigned>(i)];
      lb.setInstance(l.instance);
      lb.setSig(l.sig);
      lb.setElement(element_);
      lb.setType(l.type);
      lb.setDomain(l.domain);
      lb.setSourceKind(static_cast<s::EndpointKind>(l.source.kind));
      lb.setSourceRef(l.source.refOrNone());
      lb.setSinkKind(static_cast<s::EndpointKind>(l.sink.kind));
      lb.setSinkRef(l.sink.refOrNone());
      lb.setPos(l.pos);
    }
  }

  const Graph& g_;
  size_t tree_ = 0, instances_ = 0, lines_ = 0;  // how many of each are filled
  uint32_t element_ = 0;  // Graph::element, counted along the blocks (an Fn's lines each have a sig of their own)
};

void putGraph(s::Graph::Builder b, const Graph& g, const Catalog& catalog, GraphLists& lists) {
  auto bases = b.initBases(static_cast<unsigned>(catalog.all().size()));
  for (size_t i = 0; i < catalog.all().size(); ++i) bases.set(i, catalog.at(static_cast<uint16_t>(i)).name);
  lists.tree = b.initTree(g.tree.size());
  auto segments = b.initSegments(g.segments.size());
  for (size_t i = 0; i < g.segments.size(); ++i) segments.set(i, g.segments[i]);
  auto argSets = b.initArgSets(g.argSets.size());
  for (size_t i = 0; i < g.argSets.size(); ++i) {
    auto args = argSets.init(i, g.argSets[i].size());
    for (size_t a = 0; a < g.argSets[i].size(); ++a) args.set(a, g.argSets[i][a]);
  }
  auto positions = b.initPositions(g.positions.size());
  for (size_t i = 0; i < g.positions.size(); ++i) put(positions[i], g.positions[i]);
  auto fns = b.initFns(g.fns.size());
  for (size_t i = 0; i < g.fns.size(); ++i) {
    const FnBody& fn = g.fns[i];
    auto args = fns[i].initArgs(fn.args.size());
    for (size_t a = 0; a < fn.args.size(); ++a) args.set(a, fn.args[a]);
    fns[i].setExpr(fn.text);
    fns[i].setWhen(fn.whenText);
    if (fn.exprPos.file != Pos::kNoFile) put(fns[i].initExprPos(), fn.exprPos);
    if (fn.whenPos.file != Pos::kNoFile) put(fns[i].initWhenPos(), fn.whenPos);
    putNamedInts(fns[i].initConsts(fn.consts.size()), fn.consts);
  }
  lists.instances = b.initInstances(g.instances.size());
  lists.lines = b.initLines(g.lines.size());
  for (bool input : {true, false}) {
    const std::vector<Extrinsic>& xs = input ? g.inputs : g.outputs;
    auto list = input ? b.initInputs(xs.size()) : b.initOutputs(xs.size());
    for (size_t i = 0; i < xs.size(); ++i) {
      list[i].setName(xs[i].name);
      list[i].setLine(xs[i].line);
      put(list[i].initPos(), xs[i].pos);
      list[i].setGateway(xs[i].gateway);
      list[i].setPeer(xs[i].peer);
      list[i].setHasDefault(xs[i].defaultValue.has_value());
      if (xs[i].defaultValue) list[i].setDefault(xs[i].defaultValue->str());
      list[i].setArrival(xs[i].arrival);
    }
  }
  if (g.unbounded) putUnbounded(b.initUnbounded(), *g.unbounded);
  auto consts = b.initConstants(g.constants.size());
  for (size_t i = 0; i < g.constants.size(); ++i) consts.set(i, g.constants[i].str());
  auto domains = b.initDomains(g.domains.size());
  for (size_t i = 0; i < g.domains.size(); ++i) domains.set(i, g.domains[i]);
  auto types = b.initTypes(g.types.size());
  for (size_t i = 0; i < g.types.size(); ++i) types.set(i, g.types.name(static_cast<TypeId>(i)));
  putNamedInts(b.initParams(g.params.size()), g.params);
}

// ---- reading ----

// Thrown inside the reader for any structural inconsistency; caught at the top.
struct Malformed {
  std::string message;
};

// A line's end as the file spells it: a kind the 3 bits of Endpoint::kind
// hold (the verifier names one that is none), and a reference below
// Endpoint::kNoRef or kNone (none for the kinds that refer to nothing),
// so that nothing is cut to fit and an IR file spells a graph one way.
Endpoint endpoint(uint16_t kind, uint32_t ref) {
  if (kind > 7) throw Malformed{"an endpoint of kind " + std::to_string(kind)};
  if (ref >= Endpoint::kNoRef && ref != kNone) throw Malformed{"an endpoint's reference " + std::to_string(ref)};
  auto k = static_cast<Endpoint::Kind>(kind);
  bool refless = k == Endpoint::Kind::Choose || k == Endpoint::Kind::Never || k == Endpoint::Kind::Drop;
  if (refless && ref != kNone)
    throw Malformed{"a choose, never or drop end with a reference (" + std::to_string(ref) + ")"};
  return {static_cast<Endpoint::Kind>(kind), ref};
}

class IrReader {
 public:
  IrReader(const Catalog& catalog, DiagnosticSink& diags, uint32_t fileBase, uint32_t fileCount)
      : catalog_(catalog), diags_(diags), fileBase_(fileBase), fileCount_(fileCount) {}

  Pos pos(s::Pos::Reader p) const {
    if (p.getFile() >= fileCount_)
      throw Malformed{"a position names file " + std::to_string(p.getFile()) + " of " + std::to_string(fileCount_)};
    return {fileBase_ + p.getFile(), p.getLine(), p.getCol()};
  }

  SourceExpr expr(s::SourceText::Reader r) {
    auto e = syntax::expression(r.getText().cStr(), pos(r.getPos()), diags_);
    if (!e) throw Malformed{"an expression does not parse"};
    return *e;
  }

  std::vector<ParamDecl> params(capnp::List<s::Param>::Reader list) {
    std::vector<ParamDecl> out;
    for (auto p : list) {
      ParamDecl d{p.getName().cStr(), std::nullopt, pos(p.getPos())};
      if (p.getHasValue()) d.value = expr(p.getValue());
      out.push_back(std::move(d));
    }
    return out;
  }

  // `loopNesting`: the `for` variables enclosing this body, bounded as in the YAML front end.
  std::vector<Item> items(capnp::List<s::Item>::Reader list, size_t loopNesting = 0) {
    std::vector<Item> out;
    for (auto r : list) {
      Item item;
      item.pos = pos(r.getPos());
      switch (r.which()) {
        case s::Item::INSTANCE: {
          auto inst = r.getInstance();
          item.header = inst.getKey().cStr();
          if (!syntax::instanceKey(item.header, item.pos, item, diags_))
            throw Malformed{"an instance key does not parse"};
          for (auto b : inst.getBindings()) {
            Binding bind;
            bind.key = b.getKey().cStr();
            bind.pos = pos(b.getKeyPos());
            bind.text = b.getValue().getText().cStr();
            if (!syntax::bindingKey(bind.key, bind.pos, bind, diags_) ||
                !syntax::arrow(bind.text, pos(b.getValue().getPos()), bind.in, bind.out, diags_)) {
              throw Malformed{"a binding does not parse"};
            }
            item.bindings.push_back(std::move(bind));
          }
          if (inst.getHasExpr()) item.fnExpr = expr(inst.getExpr());
          if (inst.getHasWhen()) item.fnWhen = expr(inst.getWhen());
          break;
        }
        case s::Item::WIRE:
          item.kind = Item::Kind::Wire;
          item.header = r.getWire().getText().cStr();
          if (!syntax::arrow(item.header, item.pos, item.from, item.to, diags_))
            throw Malformed{"a wire does not parse"};
          break;
        case s::Item::FOR_BOX:
          item.kind = Item::Kind::For;
          item.header = r.getForBox().getHeader().cStr();
          if (!syntax::forHeader(item.header, item.pos, item.loops, diags_))
            throw Malformed{"a for header does not parse"};
          if (loopNesting + item.loops.size() > syntax::kMaxLoopNesting)
            throw Malformed{"`for` loops nested too deeply"};
          item.body = items(r.getForBox().getBody(), loopNesting + item.loops.size());
          break;
        default:
          throw Malformed{"an unknown item kind"};
      }
      out.push_back(std::move(item));
    }
    return out;
  }

  ComponentDef component(s::Component::Reader r) {
    ComponentDef c;
    c.name = r.getName().cStr();
    c.doc = r.getDoc().cStr();
    c.params = params(r.getParams());
    for (auto l : r.getLines()) {
      LineDecl d;
      d.name = l.getName().cStr();
      d.typeText = l.getType().getText().cStr();
      d.pos = pos(l.getPos());
      for (auto dim : l.getDims()) d.dims.push_back(expr(dim));
      if (!syntax::setLine(d, d.pos, diags_)) throw Malformed{"a Set line's element type does not parse"};
      c.lines.push_back(std::move(d));
    }
    c.body = items(r.getBody());
    c.pos = pos(r.getPos());
    c.fromStd = r.getFromStd();
    for (auto t : r.getTypeParams()) c.typeParams.push_back(t.cStr());
    return c;
  }

  Model model(s::Model::Reader r) {
    Model m;
    m.name = r.getName().cStr();
    m.doc = r.getDoc().cStr();
    m.params = params(r.getParams());
    for (auto d : r.getDomains()) {
      DomainDecl decl{d.getName().cStr(), std::nullopt, pos(d.getPos())};
      if (d.getFamily()) decl.size = expr(d.getSize());
      m.domains.push_back(std::move(decl));
    }
    for (auto u : r.getUses()) m.uses.push_back(u.cStr());
    for (auto c : r.getComponents()) m.components.push_back(component(c));
    m.system = component(r.getSystem());
    for (auto c : r.getChecks()) m.checks.push_back({c.getName().cStr(), expr(c.getExpr())});
    m.pos = pos(r.getPos());
    namesAsInYaml(m);
    return m;
  }

  // What the YAML reader refuses, a model read from IR may not have either:
  // names that are not identifiers, a name declared twice (a YAML mapping
  // has each key once), a library but `std`.
  static void namesAsInYaml(const Model& m) {
    auto distinctIdentifiers = [](const char* what, const auto& decls) {
      std::set<std::string_view> seen;
      for (const auto& d : decls) {
        if (!syntax::isIdentifier(d.name) || !seen.insert(d.name).second)
          throw Malformed{std::string(what) + " name that is not an identifier, or is declared twice"};
      }
    };
    distinctIdentifiers("a parameter", m.params);
    distinctIdentifiers("a domain", m.domains);
    distinctIdentifiers("a check", m.checks);
    for (const std::string& lib : m.uses) {
      if (lib != "std") throw Malformed{"a library other than `std`"};
    }
  }

  UnboundedBox unbounded(s::UnboundedBox::Reader r) {
    UnboundedBox box;
    box.var = r.getVar().cStr();
    box.pos = r.getPos();
    box.end = r.getEnd();
    if (r.getWindow().size() != box.window.size()) throw Malformed{"an unbounded box's window is not 3 iterations"};
    for (size_t k = 0; k < box.window.size(); ++k) {
      auto w = r.getWindow()[static_cast<unsigned>(k)];
      box.window[k] = {w.getLine(),  w.getLines(), w.getInstance(), w.getInstances(), w.getNode(),
                       w.getNodes(), w.getInput(), w.getInputs(),   w.getOutput(),    w.getOutputs()};
    }
    for (auto x : r.getStreams()) {
      StreamInput stream{x.getInput(), x.getValue().cStr(), x.getArrival().cStr(), {}};
      for (auto e : x.getEnv()) stream.env.emplace_back(e.getName().cStr(), e.getValue());
      for (const std::string* text : {&stream.value, &stream.arrival}) {
        ExprError error;
        if (!text->empty() && !parseExpr(*text, &error)) throw Malformed{"bad stream expression '" + *text + "'"};
      }
      box.streams.push_back(std::move(stream));
    }
    for (uint32_t l : r.getOpenPorts()) box.openPorts.push_back(l);
    return box;
  }

  Graph graph(s::Graph::Reader r) {
    Graph g;
    // Interning the table in order must reproduce the same ids.
    uint32_t index = 0;
    for (auto t : r.getTypes()) {
      std::string error;
      auto id = g.types.parse(t.cStr(), &error);
      if (!id || *id != index++) throw Malformed{"bad type table entry '" + std::string(t.cStr()) + "'"};
    }
    for (auto d : r.getDomains()) g.domains.push_back(d.cStr());
    for (auto c : r.getConstants()) {
      ExprError error;
      auto v = parseValue(c.cStr(), &error);
      if (!v) throw Malformed{"bad constant '" + std::string(c.cStr()) + "'"};
      g.constants.push_back(std::move(*v));
    }
    for (auto p : r.getParams()) g.params.emplace_back(p.getName().cStr(), p.getValue());
    // Base components by name: the table is the writer's catalog, and only
    // the entries instances use need to exist in the reader's.
    std::vector<uint32_t> bases;
    for (auto name : r.getBases()) {
      auto base = catalog_.find(name.cStr());
      bases.push_back(base ? *base : kNone);
    }
    g.tree.reserve(r.getTree().size());
    for (auto n : r.getTree()) g.tree.push_back({n.getParent(), n.getSegment()});
    for (auto t : r.getSegments()) g.segments.push_back(t.cStr());
    for (auto list : r.getArgSets()) {
      std::vector<int64_t> args;
      for (int64_t a : list) args.push_back(a);
      g.argSets.push_back(std::move(args));
    }
    for (auto p : r.getPositions()) g.positions.push_back(pos(p));
    for (auto f : r.getFns()) {
      FnBody fn;
      for (auto a : f.getArgs()) fn.args.push_back(a.cStr());
      fn.text = f.getExpr().cStr();
      for (auto c : f.getConsts()) fn.consts.emplace_back(c.getName().cStr(), c.getValue());
      ExprError error;
      fn.expr = parseExpr(fn.text, &error);
      if (!fn.expr) throw Malformed{"bad Fn expression '" + fn.text + "'"};
      fn.whenText = f.getWhen().cStr();
      if (!fn.whenText.empty() && !(fn.when = parseExpr(fn.whenText, &error)))
        throw Malformed{"bad Filter condition '" + fn.whenText + "'"};
      if (f.hasExprPos()) fn.exprPos = pos(f.getExprPos());
      if (f.hasWhenPos()) fn.whenPos = pos(f.getWhenPos());
      g.fns.push_back(std::move(fn));
    }
    auto instances = r.getInstances();
    g.instances.reserve(instances.size());
    for (auto in : instances) {
      FlatInstance inst;
      if (in.getBase() >= bases.size() || bases[in.getBase()] == kNone) {
        throw Malformed{"unknown base component " + (in.getBase() < bases.size()
                                                         ? "'" + std::string(r.getBases()[in.getBase()].cStr()) + "'"
                                                         : std::to_string(in.getBase()))};
      }
      inst.base = static_cast<uint16_t>(bases[in.getBase()]);
      inst.node = in.getNode();
      inst.args = in.getArgs();
      inst.firstLine = in.getFirstLine();
      inst.lineCount = in.getLineCount();
      inst.pos = in.getPos();
      inst.fn = in.getFn();
      g.instances.push_back(inst);
    }
    auto lines = r.getLines();
    g.lines.reserve(lines.size());
    std::vector<uint32_t> elements;  // checked against the lines' places by the verifier
    elements.reserve(lines.size());
    for (auto l : lines) {
      FlatLine line;
      line.instance = l.getInstance();
      line.sig = l.getSig();
      elements.push_back(l.getElement());
      if (l.getType() > FlatLine::kMaxType) throw Malformed{"a line of type " + std::to_string(l.getType())};
      line.type = static_cast<uint16_t>(l.getType());
      line.domain = l.getDomain();
      line.source = endpoint(static_cast<uint16_t>(l.getSourceKind()), l.getSourceRef());
      line.sink = endpoint(static_cast<uint16_t>(l.getSinkKind()), l.getSinkRef());
      line.pos = l.getPos();
      g.lines.push_back(line);
    }
    for (bool input : {true, false}) {
      for (auto x : input ? r.getInputs() : r.getOutputs()) {
        Extrinsic e{x.getName().cStr(),    x.getLine(),       pos(x.getPos()), std::nullopt, 0,
                    x.getGateway().cStr(), x.getPeer().cStr()};
        if (x.getHasDefault()) {
          ExprError error;
          e.defaultValue = parseValue(x.getDefault().cStr(), &error);
          if (!e.defaultValue) throw Malformed{"bad default of input '" + e.name + "'"};
        }
        e.arrival = x.getArrival();
        if (e.arrival < 0) throw Malformed{"negative arrival time of input '" + e.name + "'"};
        (input ? g.inputs : g.outputs).push_back(std::move(e));
      }
    }
    if (r.hasUnbounded()) g.unbounded = unbounded(r.getUnbounded());
    // Every index and count is checked before any tool uses the graph.
    if (auto fault = findGraphFault(g, catalog_, elements)) throw Malformed{*fault};
    return g;
  }

 private:
  const Catalog& catalog_;
  DiagnosticSink& diags_;
  uint32_t fileBase_, fileCount_;
};

}  // namespace

namespace {

// The message's whole content; its first segment holds the graph (a line
// takes 5 words, an instance 4, a tree node 1, plus the model and tables):
// growing segment by segment would leave parts of each unused. Pages never
// written cost nothing.
void buildIr(capnp::MessageBuilder& message, const LoadedModel& loaded, const Catalog& catalog,
             const DiagnosticSink& diags, GraphLists& lists) {
  auto root = message.initRoot<s::IrFile>();
  root.setMagic(s::IR_MAGIC);
  root.setVersion(s::IR_VERSION);
  root.setToolVersion(std::string(toolVersion()));
  auto files = root.initFiles(diags.files().size());
  for (size_t i = 0; i < diags.files().size(); ++i) files.set(i, diags.files()[i]);
  putModel(root.initModel(), loaded.model);
  putGraph(root.initGraph(), loaded.graph, catalog, lists);
  auto projection = root.initProjection(loaded.projection.size());
  for (size_t i = 0; i < loaded.projection.size(); ++i) projection.set(i, loaded.projection[i]);
  root.setWholeHash(loaded.wholeHash);
}

unsigned firstSegmentWords(const Graph& g) {
  size_t estimate = 5 * g.lines.size() + 4 * g.instances.size() + g.tree.size() + (1u << 16);
  return static_cast<unsigned>(std::min<size_t>(estimate, 1u << 28));
}

// A message whose first segment is mapped straight from the kernel: its
// pages are zero (as Cap'n Proto requires) and cost nothing until written,
// and where the kernel gives huge pages on request, the IR of a large
// model (40 MB at Bracha n = 256) is written through a few dozen page
// faults instead of ten thousand (a fifth of `rdc-lint`'s time on a
// virtual machine). Further segments grow as MallocMessageBuilder's do
// (the same sizes, so the same bytes); unlike it, this builder does not
// zero its first segment again when destroyed, which would touch every
// page that a streamed write gave back.
class IrMessage : public capnp::MessageBuilder {
 public:
  explicit IrMessage(size_t words) : bytes_(words * sizeof(capnp::word)), nextSize_(static_cast<unsigned>(words)) {
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
    madvise(p, bytes_, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
    first_ = static_cast<capnp::word*>(p);
  }
  ~IrMessage() noexcept(false) override {
    munmap(first_, bytes_);
    for (void* segment : more_) std::free(segment);
  }
  IrMessage(const IrMessage&) = delete;
  IrMessage& operator=(const IrMessage&) = delete;

  /// The first segment's bytes.
  const kj::byte* firstBegin() const { return reinterpret_cast<const kj::byte*>(first_); }
  const kj::byte* firstEnd() const { return firstBegin() + bytes_; }

  kj::ArrayPtr<capnp::word> allocateSegment(unsigned minimumSize) override {
    if (!returnedFirst_ && minimumSize <= nextSize_) {
      returnedFirst_ = true;
      return {first_, nextSize_};
    }
    returnedFirst_ = true;
    unsigned size = std::max(minimumSize, nextSize_);
    void* segment = std::calloc(size, sizeof(capnp::word));
    if (!segment) throw std::bad_alloc();
    more_.push_back(segment);
    constexpr unsigned kMaxWords = 1u << 29;  // Cap'n Proto's largest segment
    nextSize_ = size <= kMaxWords - nextSize_ ? nextSize_ + size : kMaxWords;
    return {static_cast<capnp::word*>(segment), size};
  }

 private:
  size_t bytes_;
  unsigned nextSize_;
  capnp::word* first_;
  bool returnedFirst_ = false;
  std::vector<void*> more_;
};

// Cap'n Proto's writer onto a std::ostream, a chunk at a time: the graph's
// lists are filled just before the chunk that holds them is written, and
// the pages of the first segment that are written are given back, so that
// a large graph's IR is never whole in memory.
class StreamedOutput : public kj::OutputStream {
 public:
  StreamedOutput(std::ostream& out, GraphLists& lists, const IrMessage& message)
      : out_(out), lists_(lists), message_(message) {}
  void write(const void* buffer, size_t size) override {
    const auto* from = static_cast<const kj::byte*>(buffer);
    const kj::byte* to = from + size;
    for (const kj::byte* at = from; at < to;) {
      // Chunks end at multiples of the chunk size: whole huge pages.
      const kj::byte* end =
          std::min(to, reinterpret_cast<const kj::byte*>((reinterpret_cast<uintptr_t>(at) / kChunk + 1) * kChunk));
      lists_.fillBelow(from, to, end);
      out_.write(reinterpret_cast<const char*>(at), static_cast<std::streamsize>(end - at));
      if (at >= message_.firstBegin() && end <= message_.firstEnd()) giveBack(at, end);
      at = end;
    }
  }

 private:
  static constexpr uintptr_t kChunk = uintptr_t{2} << 20;
  static constexpr uintptr_t kPage = 4096;

  // The whole pages of [from, to): none of them is read or written again.
  static void giveBack(const kj::byte* from, const kj::byte* to) {
    uintptr_t a = (reinterpret_cast<uintptr_t>(from) + kPage - 1) & ~(kPage - 1);
    uintptr_t b = reinterpret_cast<uintptr_t>(to) & ~(kPage - 1);
    if (b > a) madvise(reinterpret_cast<void*>(a), b - a, MADV_DONTNEED);  // failure only keeps them
  }

  std::ostream& out_;
  GraphLists& lists_;
  const IrMessage& message_;
};

}  // namespace

std::string writeIr(const LoadedModel& loaded, const Catalog& catalog, const DiagnosticSink& diags) {
  IrMessage message(firstSegmentWords(loaded.graph));
  GraphLists lists(loaded.graph);
  buildIr(message, loaded, catalog, diags, lists);
  lists.fillAll();
  std::string bytes(capnp::computeSerializedSizeInWords(message) * sizeof(capnp::word), '\0');
  kj::ArrayOutputStream out(kj::arrayPtr(reinterpret_cast<kj::byte*>(bytes.data()), bytes.size()));
  capnp::writeMessage(out, message);
  return bytes;
}

void writeIr(const LoadedModel& loaded, const Catalog& catalog, const DiagnosticSink& diags, std::ostream& out) {
  IrMessage message(firstSegmentWords(loaded.graph));
  GraphLists lists(loaded.graph);
  buildIr(message, loaded, catalog, diags, lists);
  StreamedOutput stream(out, lists, message);
  capnp::writeMessage(stream, message);
}

namespace {

// A projection names distinct domains of its model, holds only their lines,
// and its gateways lead to the other domains.
std::optional<std::string> projectionFault(const LoadedModel& loaded) {
  if (loaded.projection.empty()) return std::nullopt;
  const Graph& g = loaded.graph;
  std::vector<bool> kept(g.domains.size(), false);
  for (const std::string& d : loaded.projection) {
    auto it = std::find(g.domains.begin(), g.domains.end(), d);
    if (it == g.domains.end() || kept[it - g.domains.begin()])
      return "a projection onto '" + d.substr(0, 80) + "', which is not one more of its model's domains";
    kept[it - g.domains.begin()] = true;
  }
  for (const FlatLine& line : g.lines) {
    if (!kept[line.domain]) return "a projection with a line of " + g.domains[line.domain] + ", which it is not onto";
  }
  for (const auto* xs : {&g.inputs, &g.outputs}) {
    for (const Extrinsic& x : *xs) {
      auto peer = std::find(g.domains.begin(), g.domains.end(), x.peer);
      if (x.isGateway() && peer != g.domains.end() && kept[peer - g.domains.begin()])
        return "a gateway '" + x.name.substr(0, 80) + "' to " + x.peer + ", a domain of the projection itself";
    }
  }
  return std::nullopt;
}

bool samePos(const Pos& a, const Pos& b) { return a.file == b.file && a.line == b.line && a.col == b.col; }

// The extrinsic input term at `pos` in `items` (the system's body, where
// every stream of an unbounded box is declared), or null.
const Term* inputTermAt(const std::vector<Item>& items, const Pos& pos) {
  for (const Item& item : items) {
    for (const Term* term : {&item.from, &item.to}) {
      if (term->kind == EndKind::Input && samePos(term->pos, pos)) return term;
    }
    for (const Binding& b : item.bindings) {
      if (b.in.kind == EndKind::Input && samePos(b.in.pos, pos)) return &b.in;
    }
    if (const Term* term = inputTermAt(item.body, pos)) return term;
  }
  return nullptr;
}

// The graph's parameters are its model's, in its order, each a value
// elaboration could give it (not negative). An edited value would reach
// the checks and a trace's header as no model could have it.
std::optional<std::string> paramsFault(const LoadedModel& loaded) {
  const auto& values = loaded.graph.params;
  const auto& decls = loaded.model.params;
  if (values.size() != decls.size() || !std::equal(values.begin(), values.end(), decls.begin(),
                                                   [](const auto& v, const ParamDecl& d) { return v.first == d.name; }))
    return std::string("the graph's parameters are not its model's");
  for (const auto& [name, value] : values) {
    if (value < 0) return "parameter " + name + " is " + std::to_string(value) + ": a parameter is not negative";
  }
  return std::nullopt;
}

// A stream of the box is its model's input: the `= VALUE` and `at TIME` it
// has there, in the system's scope (the graph's parameters come first).
// The verifier checks them in the window only; an expression edited to
// differ from iteration 3 on would otherwise pass.
std::optional<std::string> streamFault(const LoadedModel& loaded, const StreamInput& stream) {
  const Graph& g = loaded.graph;
  const Extrinsic& x = g.inputs[stream.input];  // in range: verified
  const std::string which = "unbounded box: stream '" + x.name.substr(0, 80) + "'";
  if (stream.env.size() < g.params.size() || !std::equal(g.params.begin(), g.params.end(), stream.env.begin()))
    return which + " is not in the scope of the model's parameters";
  const Term* term = inputTermAt(loaded.model.system.body, x.pos);
  auto text = [](const std::optional<SourceExpr>& e) { return e ? e->text : std::string(); };
  if (!term || text(term->defaultValue) != stream.value || text(term->arrival) != stream.arrival)
    return which + ": its value and arrival are not the model's input's";
  return std::nullopt;
}

// The graph's unbounded box is its model's: the `for` of the system's body
// that is unbounded or on demand, with its variable, its position and its
// end (an on-demand box's range end, evaluated with the graph's
// parameters as elaboration did), and its streams the model's inputs. The
// verifier checks the box against the graph; an IR edited to end the box elsewhere would otherwise run more or
// fewer iterations than its model has, or lose its checks over them.
std::optional<std::string> unboundedBoxFault(const LoadedModel& loaded) {
  const Graph& g = loaded.graph;
  if (!g.unbounded) return std::nullopt;
  const UnboundedBox& box = *g.unbounded;
  auto windowed = std::find_if(loaded.model.system.body.begin(), loaded.model.system.body.end(), [](const Item& item) {
    return item.kind == Item::Kind::For && item.loops.size() == 1 && item.loops[0].windowed();
  });
  if (windowed == loaded.model.system.body.end())
    return "an unbounded box, but no unbounded or on-demand `for` in its model's system";
  const LoopVar& var = windowed->loops[0];
  const std::string which = "unbounded box: `" + windowed->header.substr(0, 80) + "`";
  if (box.var != var.name) return which + " has the variable " + var.name + ", not '" + box.var.substr(0, 80) + "'";
  if (!samePos(g.positions[box.pos], windowed->pos)) return which + ": the box's position is not the `for`'s";
  uint64_t end = UnboundedBox::kNoEnd;
  if (var.onDemand) {
    auto param = [&g](std::string_view name) -> std::optional<Value> {
      for (const auto& [n, v] : g.params) {
        if (n == name) return Value::integer(v);
      }
      return std::nullopt;
    };
    ExprError error;
    auto hi = evalInt(*var.hi.expr, param, &error);
    if (!hi || *hi < 0) return which + ": its range's end does not evaluate to a count";
    end = static_cast<uint64_t>(*hi);
  }
  auto count = [](uint64_t n) {
    return n == UnboundedBox::kNoEnd ? std::string("no end") : std::to_string(n) + " iterations";
  };
  if (box.end != end) return which + " has " + count(end) + ", but the box's end says " + count(box.end);
  for (const StreamInput& stream : box.streams) {
    if (auto why = streamFault(loaded, stream)) return why;
  }
  return std::nullopt;
}

}  // namespace

bool looksLikeIr(std::string_view bytes) { return bytes.size() >= 4 && std::memchr(bytes.data(), '\0', 4) != nullptr; }

std::optional<LoadedModel> readIr(std::string_view bytes, const std::string& fileName, const Catalog& catalog,
                                  DiagnosticSink& diags) {
  // The IR's own file table is appended as is, so that reading and writing
  // IR again reproduces the same bytes; the IR file itself is named only
  // when it is reported as malformed.
  auto malformed = [&](const std::string& why) -> std::optional<LoadedModel> {
    diags.error("ir-malformed", {diags.addFile(fileName), 0, 0}, "not a valid rdc IR file: " + why);
    return std::nullopt;
  };
  if (bytes.size() % sizeof(capnp::word) != 0 || bytes.size() < 16) {
    return malformed("its size (" + std::to_string(bytes.size()) +
                     " bytes) is not a whole Cap'n Proto message (truncated?)");
  }
  // Read in place when the bytes are word-aligned (a string's heap buffer
  // is); otherwise from an aligned copy.
  kj::Array<capnp::word> copy;
  kj::ArrayPtr<const capnp::word> words;
  if (reinterpret_cast<uintptr_t>(bytes.data()) % alignof(capnp::word) == 0) {
    words = kj::arrayPtr(reinterpret_cast<const capnp::word*>(bytes.data()), bytes.size() / sizeof(capnp::word));
  } else {
    copy = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
    std::memcpy(copy.begin(), bytes.data(), bytes.size());
    words = copy;
  }
  size_t errorsBefore = diags.errorCount();
  try {
    capnp::ReaderOptions options;
    options.traversalLimitInWords = 4 * words.size() + 1024;  // no amplification beyond the file
    options.nestingLimit = 512;
    capnp::FlatArrayMessageReader message(words, options);
    auto root = message.getRoot<s::IrFile>();
    if (root.getMagic() != s::IR_MAGIC) return malformed("wrong magic number (is this an rdc IR file?)");
    if (root.getVersion() != s::IR_VERSION) {
      return malformed("IR version " + std::to_string(root.getVersion()) + ", this tool reads version " +
                       std::to_string(s::IR_VERSION));
    }
    uint32_t fileBase = static_cast<uint32_t>(diags.files().size());
    for (auto f : root.getFiles()) diags.addFile(f.cStr(), /*onlyNamed=*/true);
    IrReader reader(catalog, diags, fileBase, root.getFiles().size());
    LoadedModel loaded{reader.model(root.getModel()), reader.graph(root.getGraph()), {}};
    for (auto d : root.getProjection()) loaded.projection.push_back(d.cStr());
    if (!loaded.projection.empty()) loaded.wholeHash = root.getWholeHash();
    if (diags.errorCount() > errorsBefore) return malformed("its model does not parse");
    if (auto why = paramsFault(loaded)) return malformed(*why);
    if (auto why = projectionFault(loaded)) return malformed(*why);
    if (auto why = unboundedBoxFault(loaded)) return malformed(*why);
    return loaded;
  } catch (const Malformed& m) {
    return malformed(m.message);
  } catch (const kj::Exception& e) {
    return malformed(libraryReason(e.getDescription().cStr()));
  }
}

}  // namespace rdc
