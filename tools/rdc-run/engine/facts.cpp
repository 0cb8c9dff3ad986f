#include "tools/rdc-run/engine/facts.h"

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

GraphFacts::GraphFacts(const Graph& graph, const Catalog& catalog) : layout(graph) {
  if (graph.unbounded) {
    for (const StreamInput& stream : graph.unbounded->streams) {
      ExprError error;  // the IR reader checked that they parse
      streamValue.push_back(stream.value.empty() ? nullptr : parseExpr(stream.value, &error));
      streamArrival.push_back(stream.arrival.empty() ? nullptr : parseExpr(stream.arrival, &error));
    }
  }
  size_t n = graph.lines.size();
  std::vector<const LineSig*> sig(n);  // null for Fn arguments
  hot.resize(n);
  indexLine.assign(n, kNone);
  picksAnOption.assign(n, 0);
  outStart.push_back(0);
  choiceStart.push_back(0);
  for (const FlatInstance& inst : graph.instances) react.push_back(catalog.at(inst.base).react);
  for (uint32_t l = 0; l < n; ++l) {
    const FlatLine& line = graph.lines[l];
    const FlatInstance& inst = graph.instances[line.instance];
    sig[l] = graph.signature(catalog, l);
    Endpoint::Kind source = line.source.kind;
    bool gatewayIn = graph.gatewayIn(l);
    HotLine& h = hot[l];
    h.instance = line.instance;
    h.domain = line.domain;
    h.wireTo = line.sink.kind == Endpoint::Kind::Wire ? line.sink.ref : kNone;
    h.output = line.sink.kind == Endpoint::Kind::Output ? line.sink.ref : kNone;
    h.passThrough = !sig[l] || sig[l]->passThrough;
    h.bound = sig[l] && sig[l]->choosable &&
              (source == Endpoint::Kind::Const || source == Endpoint::Kind::Wire ||
               (source == Endpoint::Kind::Input && !gatewayIn));
    h.chooses = source == Endpoint::Kind::Choose;
    h.network = catalog.at(inst.base).domain == DomainRule::Cross || gatewayIn;
    h.gatewayOut = graph.gatewayOut(l);
    // The window's iterations 1 and 2: the first stands for every later
    // iteration, the second is never run.
    bool general = graph.unbounded && graph.unbounded->general().hasLine(l);
    bool unused = graph.unbounded && graph.unbounded->window[2].hasLine(l);
    if (graph.unbounded && h.wireTo != kNone) {
      const UnboundedBox& box = *graph.unbounded;
      if ((box.first().hasLine(l) && box.general().hasLine(h.wireTo)) || (general && box.window[2].hasLine(h.wireTo))) {
        h.crossing = true;
        if (general) h.wireTo -= box.general().lines;  // iteration 2's line, as the general one
      }
    }
    if ((source == Endpoint::Kind::Const || source == Endpoint::Kind::Input) && !unused)
      (general ? generalSources : sources).push_back(l);
    if ((h.chooses || gatewayIn) && !h.gatewayOut && !unused) {
      (general ? generalChoices : choices).push_back(l);
      int64_t options = 0;
      if (sig[l] && !sig[l]->picks.empty()) {  // a lie stays among the bundle's elements
        const BaseComponent& base = catalog.at(inst.base);
        options = graph.args(inst)[base.lines[base.lineIndex(sig[l]->picks)].sizeParam];
      }
      (general ? generalChoiceOptions : choiceOptions).push_back(options);
    }
  }
  std::vector<uint32_t> named;
  for (uint32_t l = 0; l < n; ++l) {
    const FlatInstance& inst = graph.instances[graph.lines[l].instance];
    outReads.push_back(l);
    if (sig[l] && !sig[l]->passThrough) {
      for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount; ++m) {
        if (m != l) outReads.push_back(m);
      }
    } else if (sig[l]) {
      for (const std::string& need : sig[l]->outputNeeds) graph.linesNamed(catalog, inst, need, outReads);
    }
    outStart.push_back(static_cast<uint32_t>(outReads.size()));
    if ((hot[l].chooses || hot[l].bound) && sig[l]) {
      named.clear();
      for (const std::string& read : sig[l]->choiceReads) graph.linesNamed(catalog, inst, read, named);
      if (!sig[l]->choiceIndexedBy.empty()) {
        std::vector<uint32_t> index;
        graph.linesNamed(catalog, inst, sig[l]->choiceIndexedBy, index);
        if (index.size() == 1) indexLine[l] = index[0];
      } else if (indexesAChoice(graph, catalog, inst, *sig[l])) {
        indexLine[l] = l;  // Select's choice: a known value picks its own option too
      }
      if (indexLine[l] != kNone) picksAnOption[indexLine[l]] = 1;
      for (uint32_t m : named) {
        choiceReads.push_back(m);
        bool option = sig[m] && sig[m]->sizeParam >= 0 && indexLine[l] != kNone;
        optionElement.push_back(option ? static_cast<int32_t>(graph.lines[m].element) : -1);
      }
    }
    choiceStart.push_back(static_cast<uint32_t>(choiceReads.size()));
  }
  // Without forced values only constants are known before a run.
  unforced = demand(graph, [&](uint32_t l) -> const int64_t* {
    const Endpoint& src = graph.lines[l].source;
    if (src.kind != Endpoint::Kind::Const) return nullptr;
    const Value& v = graph.constants[src.ref];
    return v.kind == Value::Kind::Int ? &v.i : nullptr;
  });
}

}  // namespace rdc::run
