// A model's projections run together in one process, connected through a
// simulated network in virtual time (model.md section 5: the projections,
// reconnected by a network, behave as the whole model). `rdc-run --split`
// uses it, and the TCP tests compare against it.
#pragma once

#include <cstdint>
#include <vector>

#include "tools/rdc-run/engine/engine.h"

namespace rdc::run {

/// One projection with its run's configuration. A gateway's delay is the
/// latency its config gives the Send instance (the cut Link's path).
struct SplitPart {
  const Simulator* simulator;
  RunConfig config;
};

/// Runs the parts until none has anything left to do (or their `until`).
/// Each delivery's delay is drawn from a generator keyed by the seed and the
/// gateway's name, so it does not depend on the order of events. In a
/// replay (the parts' configs have `replay`), a gateway is delivered at the
/// time its replay entry records, and one without an entry never is, and
/// with RunConfig::replayPlaces the parts' events of an instant go one at a
/// time in the trace's order across parts (Execution::nextInTrace). A
/// delivery whose time would overflow is a failure of the sender's result.
std::vector<RunResult> runSplit(const std::vector<SplitPart>& parts, uint64_t seed);

}  // namespace rdc::run
