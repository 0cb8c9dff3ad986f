// A replayed trace: its scenario, and each recorded choice's value and time.
#include <algorithm>

#include "ir/graph/line_index.h"
#include "ir/io/signatures.h"
#include "ir/tool/load.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-run/driver/runner.h"

namespace rdc::run {

// A node's trace of a run over TCP records what the network delivered at
// its gateways (a choice of the cut Link's `rcv`), as a whole run's trace
// does. Replayed on the projection alone, no network delivers it (a gateway
// delivers only what --input gives); a node's trace on the whole model
// lacks the other nodes' choices. Either would be another run, exit 0: only
// the whole run (the nodes' traces merged) replays, on the whole model.
std::optional<std::string> Runner::nodeTraceReplay(const Trace& trace, const LineIndex& index) const {
  const TraceHeader& h = trace.header;
  const std::string how =
      "; replay the whole run on the whole model: a cluster's nodes' traces merged into one (`rdc-trace merge "
      "FILE.nodes/*.trace -o run.trace`, what --cluster --trace FILE wrote to FILE)";
  if (h.wholeModelHash && loaded_.projection.empty() && h.wholeModelHash == modelHash())
    return "--replay: the trace is a projection's run (one node's), not a run of this whole model" + how;
  if (loaded_.projection.empty()) return std::nullopt;
  std::vector<bool> delivered = index.gatewayInputs(h.linePaths);
  for (const TraceEvent& e : trace.events) {
    if (e.output || e.how == How::Input || !delivered[e.line]) continue;
    return "--replay: the trace records what the network delivered to this projection's gateways (" +
           h.linePaths[e.line] + " at " + durationString(e.time) +
           "), which a replay of the projection alone cannot deliver" + how;
  }
  return std::nullopt;
}

bool Runner::replayScenario(Scenario& s, const Trace& trace) {
  const TraceHeader& h = trace.header;
  s = Scenario::fromHeader(h);
  LineIndex index(graph_, catalog_);
  // (A node's own trace first: a signature its peer made arrives at a
  // gateway the whole model has no line for, and would read as forged.)
  if (auto why = nodeTraceReplay(trace, index)) return usage(*why);
  if (auto forged = firstForgedSignature(
          trace, index.gatewayInputs(h.linePaths))) {  // a replay would make the forgery as recorded
    diags_.error("forged-signature", {}, "--replay: the trace is not a run of the model: " + *forged);
    return false;
  }
  // The recorded run stopped where an invariant failed, and what came next
  // is not known: the replay stops there too.
  if (!trace.stoppedBy.empty()) {
    std::optional<size_t> check = loaded_.model.checkIndex(trace.stoppedBy);
    if (!check)
      return usage("--replay: the recorded run was stopped by its invariant '" + trace.stoppedBy +
                   "', a check this model does not have");
    if (checks_.overIterations(*check))  // (no run takes one as an invariant: the trace was edited)
      return usage("--replay: the recorded run was stopped by its invariant '" + trace.stoppedBy +
                   "', a check over the iterations of " + graph_.unbounded->label() +
                   ", which no run takes as an invariant");
    if (std::find(invariants_.begin(), invariants_.end(), trace.stoppedBy) == invariants_.end())
      invariants_.push_back(trace.stoppedBy);
  }
  if (checkNames_.empty()) {  // (a --check given beside --replay judges the run by others)
    for (const std::string& name : h.checks) {
      if (!loaded_.model.checkIndex(name))
        return usage("--replay: the recorded run was judged by its check '" + name +
                     "', a check this model does not have");
    }
    checkNames_ = h.checks;
  }
  bool sameModel = h.modelHash == modelHash();
  // A whole run of this very model names its lines as the model does, in
  // its order: a table of its own names permuted would replay each event
  // on another line than it was recorded on. (Nodes' traces merged list
  // the lines in the order the nodes' came, with their gateway copies.)
  if (sameModel && !h.wholeModelHash && trace.domainEnds.empty() && permutesModelLines(h)) {
    uint32_t l = 0;
    while (l < graph_.lines.size() && l < h.linePaths.size() && h.linePaths[l] == graph_.linePath(catalog_, l)) ++l;
    return usage("--replay: the trace's line " + std::to_string(l) + " is " +
                 (l < h.linePaths.size() ? h.linePaths[l] : std::string("missing")) + ", where this model's is " +
                 graph_.linePath(catalog_, l) + ": its line table is not this model's, though it has its hash");
  }
  replayed_.emplace();
  replayPlaces_.clear();
  replayBegins_.clear();
  for (const auto& [k, place] : trace.iterationBegins) replayBegins_.emplace(static_cast<int64_t>(k), place);
  for (uint64_t place = 0; place < trace.events.size(); ++place) {
    const TraceEvent& e = trace.events[place];
    const std::string& path = h.linePaths[e.line];
    std::optional<uint32_t> line = index.findRunLine(path);
    if (line) replayPlaces_[uint64_t{*line} << 1 | e.output] = place;
    // A choice must land on a line of the model; any event must, in a run
    // of this very model (another version's may name lines it removed).
    bool choice = !e.output && (e.how == How::Chosen || e.how == How::Forced);
    if (!line && !index.isGatewayCopy(path) && (choice || sameModel))
      return usage("--replay: the trace's line " + path + " is not in this model");
    if (!choice || !line) continue;
    (*replayed_)[*line] = run::Replayed{e.value, e.time, e.how == How::Forced};
  }
  if (!sameModel) {
    diags_.warning("replay-model", {}, traceModelMismatch(h, loaded_) + "; replaying its choices anyway");
  } else if (auto unknown = undeclaredParams(h, loaded_.model)) {  // a parameter the graph never read, removed
    diags_.warning("replay-model", {},
                   "the trace was recorded from another version of this model: it records parameters this model "
                   "does not declare: " +
                       *unknown + "; its graph is the same, so its choices replay as they were");
  }
  return true;
}

bool Runner::replayAgreesWithFaults(const Trace& trace) {
  const TraceHeader& h = trace.header;
  if (h.modelHash != modelHash()) return true;  // another model: its lines may sit elsewhere (warned above)
  LineIndex index(graph_, catalog_);
  bool limited = graph_.unbounded && h.iterations != UINT64_MAX;
  for (const TraceEvent& e : trace.events) {
    const std::string& path = h.linePaths[e.line];
    auto contradiction = [&](const std::string& what) {
      diags_.error("trace-contradiction", {},
                   "--replay: the trace is not a run of its own scenario: it records " + what + " (" + path +
                       (e.output ? "'" : "") + " at " + durationString(e.time) + ")");
      return false;
    };
    bool choice = !e.output && (e.how == How::Chosen || e.how == How::Forced);
    if (!choice && !limited) continue;
    std::optional<uint32_t> line = index.findRunLine(path);
    // The reader refuses an event on an added line past `iterations`; the window's lines are known only here.
    if (line && limited) {
      int64_t k = iterationLine(*graph_.unbounded, static_cast<uint32_t>(graph_.lines.size()), *line).k;
      if (k >= 0 && static_cast<uint64_t>(k) >= h.iterations) {
        return contradiction("an event in iteration " + std::to_string(k) + ", where its `iterations` lets only " +
                             std::to_string(h.iterations) + " begin");
      }
    }
    if (!choice || !line) continue;  // (no line: a gateway copy)
    const FlatLine& general = graph_.lines[index.graphLine(*line)];
    const std::string& domain = graph_.domains[general.domain];
    const FlatInstance& inst = graph_.instances[general.instance];
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

bool Runner::recordsModelLines(const TraceHeader& h) const {
  if (h.linePaths.size() < graph_.lines.size()) return false;
  for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
    if (h.linePaths[l] != graph_.linePath(catalog_, l)) return false;
  }
  return true;
}

bool Runner::permutesModelLines(const TraceHeader& h) const {
  size_t n = graph_.lines.size();
  if (h.linePaths.size() < n || recordsModelLines(h)) return false;
  std::vector<std::string> model, recorded(h.linePaths.begin(), h.linePaths.begin() + static_cast<ptrdiff_t>(n));
  model.reserve(n);
  for (uint32_t l = 0; l < n; ++l) model.push_back(graph_.linePath(catalog_, l));
  std::sort(model.begin(), model.end());
  std::sort(recorded.begin(), recorded.end());
  return model == recorded;
}

namespace {

// A line end as a trace names it: `rb.send.def[0].x'` for an output end.
std::string endText(const std::vector<std::string>& paths, uint64_t line, bool output) {
  return (line < paths.size() ? paths[line] : "line " + std::to_string(line)) + (output ? "'" : "");
}

std::string eventText(const std::vector<std::string>& paths, uint64_t line, bool output, int64_t time, How how,
                      const Value& value) {
  return endText(paths, line, output) + " = " + value.brief() + " at " + durationString(time) + " (" + howName(how) +
         ")";
}

}  // namespace

// Each line end becomes available at most once in a run, so the events
// are matched by line end, not by place: a split run's trace (its nodes'
// events merged) orders an instant's events as the nodes made them.
void Runner::ReplayCheck::record(const LineEvent& e) {
  if (next) next->record(e);
  ++made;
  if (!mismatch.empty()) return;
  uint64_t end = 2 * e.line + (e.output ? 1 : 0);
  const TraceEvent* r = end < byEnd.size() && byEnd[end] != kNone ? &(*recorded)[byEnd[end]] : nullptr;
  if (r && r->time == e.time && r->how == e.how && r->value == *e.value) {
    byEnd[end] = kNone;
    return;
  }
  mismatch = (r ? "it records " + eventText(*paths, r->line, r->output, r->time, r->how, r->value)
                : "it records no event of " + endText(*paths, e.line, e.output)) +
             ", where its model makes " + eventText(*paths, e.line, e.output, e.time, e.how, *e.value);
}

void Runner::ReplayCheck::expect(const std::vector<TraceEvent>& events, const std::vector<std::string>& table) {
  recorded = &events, paths = &table;
  byEnd.assign(2 * table.size(), kNone);
  for (uint32_t i = 0; i < events.size(); ++i) {
    uint64_t end = 2 * uint64_t{events[i].line} + (events[i].output ? 1 : 0);
    if (end < byEnd.size() && byEnd[end] == kNone) byEnd[end] = i;
  }
}

std::string Runner::replayDifference(const ReplayCheck& check, int64_t endTime, const std::string& stoppedBy) const {
  if (!checkReplay_) return endDifference(endTime, stoppedBy);
  if (!check.mismatch.empty()) return check.mismatch;
  for (uint32_t i : check.byEnd) {  // a recorded event the replay never made
    if (i == kNone) continue;
    const TraceEvent& r = recordedEvents_[i];
    return "it records " + eventText(recordedPaths_, r.line, r.output, r.time, r.how, r.value) +
           ", which its model never makes";
  }
  if (check.made != recordedEvents_.size()) {
    return "it records " + std::to_string(recordedEvents_.size()) + " events, where its model makes " +
           std::to_string(check.made);
  }
  return endDifference(endTime, stoppedBy);
}

std::string Runner::endDifference(int64_t endTime, const std::string& stoppedBy) const {
  if (!recordedEnd_) return "";
  auto ending = [](int64_t time, const std::string& by) {
    return by.empty() ? "ended at " + durationString(time)
                      : "was stopped at " + durationString(time) + " by its invariant '" + by + "'";
  };
  int64_t recordedTime = recordedEnd_->time.value_or(endTime);
  if (recordedEnd_->stoppedBy != stoppedBy || recordedTime != endTime)
    return "it records that its run " + ending(recordedTime, recordedEnd_->stoppedBy) + ", where its model's run " +
           ending(endTime, stoppedBy);
  if (recordedEnd_->lastEvent > endTime)
    return "it records events until " + durationString(recordedEnd_->lastEvent) + ", where its model's run " +
           ending(endTime, stoppedBy);
  return "";
}

}  // namespace rdc::run
