// A replayed trace: its scenario, and each recorded choice's value and time.
#include "ir/graph/line_index.h"
#include "ir/io/signatures.h"
#include "ir/tool/load.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-run/driver/runner.h"

namespace rdc::run {

bool Runner::replayScenario(Scenario& s, const Trace& trace) {
  const TraceHeader& h = trace.header;
  s = Scenario::fromHeader(h);
  LineIndex index(graph_, catalog_);
  if (auto forged = firstForgedSignature(
          trace, index.gatewayInputs(h.linePaths))) {  // a replay would make the forgery as recorded
    diags_.error("forged-signature", {}, "--replay: the trace is not a run of the model: " + *forged);
    return false;
  }
  replayed_.emplace();
  for (const TraceEvent& e : trace.events) {
    if (e.output || (e.how != How::Chosen && e.how != How::Forced)) continue;
    const std::string& path = h.linePaths[e.line];
    std::optional<uint32_t> line = index.findRunLine(path);
    if (!line && index.isGatewayCopy(path)) continue;
    if (!line) return usage("--replay: the trace's line " + path + " is not in this model");
    (*replayed_)[*line] = run::Replayed{e.value, e.time};
  }
  if (h.modelHash != modelHash()) {
    diags_.warning("replay-model", {}, traceModelMismatch(h, loaded_) + "; replaying its choices anyway");
  }
  return true;
}

bool Runner::replayAgreesWithFaults(const Trace& trace) {
  const TraceHeader& h = trace.header;
  if (h.modelHash != modelHash()) return true;  // another model: its lines may sit elsewhere (warned above)
  LineIndex index(graph_, catalog_);
  for (const TraceEvent& e : trace.events) {
    if (e.output || (e.how != How::Chosen && e.how != How::Forced)) continue;
    const std::string& path = h.linePaths[e.line];
    std::optional<uint32_t> line = index.findRunLine(path);
    if (!line) continue;  // a gateway copy
    const FlatLine& general = graph_.lines[index.graphLine(*line)];
    const std::string& domain = graph_.domains[general.domain];
    const FlatInstance& inst = graph_.instances[general.instance];
    auto contradiction = [&](const std::string& what) {
      diags_.error("trace-contradiction", {},
                   "--replay: the trace is not a run of its own scenario: it records " + what + " (" + path + " at " +
                       durationString(e.time) + ")");
      return false;
    };
    if (e.time >= config_.crashAt[general.domain]) {
      return contradiction("a choice in " + domain + " after its crash at " +
                           durationString(config_.crashAt[general.domain]));
    }
    bool rcv = catalog_.at(inst.base).name == "Link" && index.graphLine(*line) == inst.firstLine + 1;
    if (rcv && config_.linkLatency[general.instance].lost) return contradiction("a delivery on a lost link");
    // Lies of its own: random ones, or a strategy's (exhaustive, schedule:) even under `lies: forced`.
    bool lies = config_.byzantine[general.domain] && (!config_.liesForced || !h.strategy.empty());
    if (e.how == How::Forced && !lies && !config_.forces.count(*line)) {
      return contradiction("a lie in " + domain + ", which " +
                           (config_.byzantine[general.domain] ? "lies only where forced (lies: forced)"
                                                              : "is neither Byzantine nor forced there"));
    }
  }
  return true;
}

}  // namespace rdc::run
