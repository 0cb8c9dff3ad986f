// rdc-run --split: the model's projections in one process, through the
// in-process network, reported as a run of the whole model.
#include <map>
#include <memory>

#include "ir/graph/project.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-run/driver/runner.h"
#include "tools/rdc-run/engine/split.h"

namespace rdc::run {

int Runner::split(uint64_t seed) {
  config_.seed = seed;
  std::vector<LoadedModel> projections;
  std::vector<std::unique_ptr<Simulator>> simulators;
  std::vector<SplitPart> parts;
  projections.reserve(graph_.domains.size());
  for (const std::string& domain : graph_.domains) {
    auto part = projectOnto(loaded_, catalog_, {domain}, diags_);
    if (!part) return kExitBadInput;
    projections.push_back(std::move(*part));
  }
  std::unique_ptr<TraceWriter> writer;
  if (!openTrace(seed, writer)) return kExitBadInput;
  ReplayCheck check;  // (the projections' events, as the whole model's, against the trace's)
  if (checkReplay_) check.expect(recordedEvents_, recordedPaths_);
  std::vector<std::unique_ptr<EventSink>> sinks;
  for (const LoadedModel& part : projections) {
    std::vector<uint32_t> lines = wholeLines(part.graph);
    simulators.push_back(std::make_unique<Simulator>(part.graph, catalog_));
    parts.push_back({simulators.back().get(), configFor(part.graph, lines)});
    if (writer || checkReplay_) {
      sinks.push_back(std::make_unique<WholeLineSink>(writer.get(), std::move(lines), checkReplay_ ? &check : nullptr));
      parts.back().config.sink = sinks.back().get();
    }
  }
  std::vector<RunResult> results = runSplit(parts, seed);
  RunResult result = combine(projections, results);
  if (result.replayContradiction.empty())  // (no split run is stopped by an invariant)
    result.replayContradiction = replayDifference(check, result.endTime, "");
  uint64_t written = 0;
  for (const auto& sink : sinks) written += static_cast<WholeLineSink&>(*sink).written;
  bool traced = !writer || writer->finish(written, result.endTime);
  int code = report(seed, result, correct_);
  return traced ? code : kExitBadInput;
}

std::vector<uint32_t> Runner::wholeLines(const Graph& part) {
  if (!wholeIndex_) {
    wholeIndex_.emplace(graph_, catalog_);
    for (uint32_t i = 0; i < graph_.instances.size(); ++i) instanceByPath_.emplace(graph_.instancePath(i), i);
  }
  std::vector<uint32_t> map(part.lines.size(), kNone);
  for (uint32_t l = 0; l < part.lines.size(); ++l)
    map[l] = wholeIndex_->find(part.linePath(catalog_, l)).value_or(kNone);
  return map;
}

RunConfig Runner::configFor(const Graph& part, const std::vector<uint32_t>& lines) {
  RunConfig c = config_;
  c.sink = nullptr;
  c.forces.clear();  // keyed by the whole model's lines: mapped below to the part's
  c.inputs.assign(part.inputs.size(), std::nullopt);
  for (uint32_t i = 0; i < part.inputs.size(); ++i) {
    for (uint32_t w = 0; w < graph_.inputs.size(); ++w) {
      if (graph_.inputs[w].name == part.inputs[i].name) c.inputs[i] = config_.inputs[w];
    }
  }
  if (config_.replay) c.replay.emplace();
  c.replayPlaces.clear();  // (keyed by the whole model's lines too)
  c.replayBegins.clear();  // (a projection has no unbounded box)
  for (uint32_t l = 0; l < part.lines.size(); ++l) {
    if (lines[l] == kNone) continue;
    if (auto f = config_.forces.find(lines[l]); f != config_.forces.end()) c.forces[l] = f->second;
    if (!config_.replay) continue;
    if (auto r = config_.replay->find(lines[l]); r != config_.replay->end()) (*c.replay)[l] = r->second;
    for (uint64_t end : {0, 1}) {
      auto place = config_.replayPlaces.find(uint64_t{lines[l]} << 1 | end);
      if (place != config_.replayPlaces.end()) c.replayPlaces[uint64_t{l} << 1 | end] = place->second;
    }
  }
  // A send half's copy for the network is no line of the whole model: its
  // choice stands at the place of the receiving end it makes, the cut
  // Link's delivery.
  for (const Extrinsic& gateway : part.outputs) {
    auto cut = gateway.isGateway() && config_.replay ? instanceByPath_.find(gateway.gateway) : instanceByPath_.end();
    if (cut == instanceByPath_.end()) continue;
    const FlatInstance& link = graph_.instances[cut->second];
    const BaseComponent& base = catalog_.at(link.base);
    for (uint32_t k = 0; k < base.lines.size(); ++k) {
      if (base.lines[k].side != 1) continue;
      auto place = config_.replayPlaces.find(uint64_t{link.firstLine + k} << 1);
      if (place != config_.replayPlaces.end()) c.replayPlaces[uint64_t{gateway.line} << 1] = place->second;
      break;
    }
  }
  c.linkLatency.assign(part.instances.size(), Latency{});
  for (uint32_t i = 0; i < part.instances.size(); ++i) {
    auto it = instanceByPath_.find(part.instancePath(i));
    if (it != instanceByPath_.end()) c.linkLatency.set(i, config_.linkLatency[it->second]);
  }
  return c;
}

RunResult Runner::combine(const std::vector<LoadedModel>& parts, const std::vector<RunResult>& results) {
  RunResult whole;
  whole.outputs.resize(graph_.outputs.size());
  whole.waits.resize(graph_.outputs.size());
  std::map<std::string, size_t> outputByName;
  for (size_t o = 0; o < graph_.outputs.size(); ++o) {
    outputByName.emplace(graph_.outputs[o].name, o);
    whole.waits[o] = "(no projection has it)";
  }
  for (size_t p = 0; p < parts.size(); ++p) {
    const RunResult& r = results[p];
    for (size_t o = 0; o < parts[p].graph.outputs.size(); ++o) {
      auto it = outputByName.find(parts[p].graph.outputs[o].name);
      if (it == outputByName.end()) continue;  // a gateway
      whole.outputs[it->second] = r.outputs[o];
      whole.waits[it->second] = r.waits[o];
    }
    whole.failures.insert(whole.failures.end(), r.failures.begin(), r.failures.end());
    if (whole.replayContradiction.empty()) whole.replayContradiction = r.replayContradiction;
    whole.events += r.events;
    whole.endTime = std::max(whole.endTime, r.endTime);
  }
  return whole;
}

}  // namespace rdc::run
