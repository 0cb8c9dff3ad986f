#include "tools/rdc-run/driver/iterations.h"

namespace rdc::run {

IterationReport::IterationReport(const Graph& graph, const CheckEvaluator& checks, const RunConfig& config,
                                 const std::vector<bool>& correct, bool list)
    : graph_(graph), checks_(checks), config_(config), correct_(correct), list_(list) {
  none_.outputs.resize(graph.outputs.size());
}

void IterationReport::retired(const RetiredIteration& it) {
  ++retired_;
  if (it.complete) {
    checks_.evaluateIteration({it.k, it.outputs, it.inputs}, none_, config_, correct_, failures_);
  } else {
    ++cutOff_;
  }
  const IterationBlock& block = graph_.unbounded->window[it.k == 0 ? 0 : 1];
  for (size_t o = 0; o < it.outputs.size(); ++o) {
    (it.outputs[o].available ? available_ : unavailable_) += 1;
    // A cut-off iteration's missing outputs are only counted: a model that
    // outruns its limit would list thousands.
    if (list_ && (it.complete || it.outputs[o].available)) {
      const OutputValue& out = it.outputs[o];
      listed_.add({iterationName(graph_.outputs[block.output + o].name, it.k), out.available,
                   out.available ? out.value.str() : std::string(), out.time});
    }
  }
}

}  // namespace rdc::run
