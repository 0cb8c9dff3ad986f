#include "tools/rdc-run/engine/facts.h"

#include <algorithm>

#include "tools/rdc-run/engine/decision_order.h"

namespace rdc::run {

namespace {

// Whether another choice of the instance is indexed by this line's value.
bool indexesAChoice(const Graph& graph, const Catalog& catalog, const FlatInstance& inst, const LineSig& line) {
  for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount; ++m) {
    const LineSig* s = graph.signature(catalog, m);
    if (s && s->choiceIndexedBy == line.name) return true;
  }
  return false;
}

}  // namespace

GraphFacts::GraphFacts(const Graph& graph, const Catalog& catalog) : layout(graph), graph_(graph), catalog_(catalog) {
  if (graph.unbounded) {
    for (const StreamInput& stream : graph.unbounded->streams) {
      ExprError error;  // the IR reader checked that they parse
      streamValue.push_back(stream.value.empty() ? nullptr : parseExpr(stream.value, &error));
      streamArrival.push_back(stream.arrival.empty() ? nullptr : parseExpr(stream.arrival, &error));
    }
  }
  size_t n = graph.lines.size();
  flags_.assign(n, 0);
  base_.assign(n, 0);
  for (const BaseComponent& base : catalog.all()) {
    react.push_back(base.react);
    reactToChoice.push_back(base.ignoresItsChoices ? nullptr : base.react);
    readsArrivalTimes.push_back(base.readsArrivalTimes);
  }
  decisionRank = decisionRanks(graph, catalog);
  for (uint32_t l = 0; l < n; ++l) {
    const FlatLine& line = graph.lines[l];
    const FlatInstance& inst = graph.instances[line.instance];
    const LineSig* sig = graph.signature(catalog, l);  // null for Fn arguments
    Endpoint::Kind source = line.source.kind;
    bool gatewayIn = graph.gatewayIn(l);
    bool bound = sig && sig->choosable &&
                 (source == Endpoint::Kind::Const || source == Endpoint::Kind::Wire ||
                  (source == Endpoint::Kind::Input && !gatewayIn));
    bool chooses = source == Endpoint::Kind::Choose;
    bool gatewayOut = graph.gatewayOut(l);
    base_[l] = inst.base;
    uint8_t& f = flags_[l];
    f |= !sig || sig->passThrough ? kPassThrough : 0;
    f |= bound ? kBound : 0;
    f |= chooses ? kChooses : 0;
    bool cross = catalog.at(inst.base).domain == DomainRule::Cross;
    f |= cross || gatewayIn ? kNetwork : 0;
    if (cross && sig && sig->side == 0) sends.push_back(l);
    f |= gatewayOut ? kGatewayOut : 0;
    // The window's iterations 1 and 2: the first stands for every later
    // iteration, the second is never run.
    bool general = graph.unbounded && graph.unbounded->general().hasLine(l);
    bool unused = graph.unbounded && graph.unbounded->window[2].hasLine(l);
    if (graph.unbounded && line.sink.kind == Endpoint::Kind::Wire) {
      const UnboundedBox& box = *graph.unbounded;
      uint32_t to = line.sink.ref;
      if ((box.first().hasLine(l) && box.general().hasLine(to)) || (general && box.window[2].hasLine(to)))
        f |= general ? kCrossing | kFromGeneral : kCrossing;
    }
    if ((source == Endpoint::Kind::Const || source == Endpoint::Kind::Input) && !unused)
      (general ? generalSources : sources).push_back(l);
    if ((chooses || gatewayIn) && !gatewayOut && !unused) (general ? generalChoices : choices).push_back(l);
  }
  std::map<std::tuple<uint16_t, uint32_t, uint32_t>, std::vector<uint32_t>> byKey;
  shapeOf.reserve(graph.instances.size());
  for (const FlatInstance& inst : graph.instances) shapeOf.push_back(shapeFor(graph, catalog, inst, byKey));
  // A chosen input whose option a known value picks marks that value's line.
  for (uint32_t l = 0; l < n; ++l) {
    if (!(flags_[l] & (kChooses | kBound))) continue;
    const FlatInstance& inst = graph.instances[graph.lines[l].instance];
    uint32_t index = shapes[shapeOf[graph.lines[l].instance]].indexLine[l - inst.firstLine];
    if (index != kNone) flags_[inst.firstLine + index] |= kPicksAnOption;
  }
  // Without forced values only constants are known before a run.
  unforced = demand(graph, [&](uint32_t l) -> const int64_t* {
    const Endpoint& src = graph.lines[l].source;
    if (src.kind != Endpoint::Kind::Const) return nullptr;
    const Value& v = graph.constants[src.ref];
    return v.kind == Value::Kind::Int ? &v.i : nullptr;
  });
}

uint32_t GraphFacts::shapeFor(const Graph& graph, const Catalog& catalog, const FlatInstance& inst,
                              std::map<std::tuple<uint16_t, uint32_t, uint32_t>, std::vector<uint32_t>>& byKey) {
  uint32_t first = inst.firstLine;
  auto same = [&](const Shape& shape) {
    for (uint32_t o = 0; o < inst.lineCount; ++o) {
      if (shape.sigs[o] != graph.signature(catalog, first + o)) return false;
    }
    return true;
  };
  std::vector<uint32_t>& candidates = byKey[{inst.base, inst.args, inst.lineCount}];
  for (uint32_t id : candidates) {
    if (same(shapes[id])) return id;
  }
  candidates.push_back(static_cast<uint32_t>(shapes.size()));
  Shape& shape = shapes.emplace_back();
  shape.outStart.push_back(0);
  shape.choiceStart.push_back(0);
  std::vector<uint32_t> named;
  for (uint32_t l = first; l < first + inst.lineCount; ++l) {
    const LineSig* sig = graph.signature(catalog, l);  // null for Fn arguments
    shape.sigs.push_back(sig);
    named.clear();
    shape.readsAll.push_back(sig && !sig->passThrough);
    if (sig && sig->passThrough) {
      for (const std::string& need : sig->outputNeeds) graph.linesNamed(catalog, inst, need, named);
      // Its own input is read implicitly (Demand): only the others are kept.
      named.erase(std::remove(named.begin(), named.end(), l), named.end());
    }
    for (uint32_t m : named) shape.outReads.push_back(m - first);
    shape.outStart.push_back(static_cast<uint32_t>(shape.outReads.size()));
    // What the line reads if it is a chosen input (its source is `choose`, or a choosable input bound).
    uint32_t index = kNone;
    named.clear();
    if (sig) {
      for (const std::string& read : sig->choiceReads) graph.linesNamed(catalog, inst, read, named);
      if (!sig->choiceIndexedBy.empty()) {
        std::vector<uint32_t> by;
        graph.linesNamed(catalog, inst, sig->choiceIndexedBy, by);
        if (by.size() == 1) index = by[0] - first;
      } else if (indexesAChoice(graph, catalog, inst, *sig)) {
        index = l - first;  // Select's choice: a known value picks its own option too
      }
    }
    shape.indexLine.push_back(index);
    for (uint32_t m : named) {
      shape.choiceReads.push_back(m - first);
      const LineSig* option = graph.signature(catalog, m);
      bool isOption = option && option->sizeParam >= 0 && index != kNone;
      shape.optionElement.push_back(isOption ? static_cast<int32_t>(graph.element(catalog, m)) : -1);
    }
    shape.choiceStart.push_back(static_cast<uint32_t>(shape.choiceReads.size()));
  }
  return candidates.back();
}

}  // namespace rdc::run
