// Running a trace backwards: the inverse model (each base component
// replaced by its inverse, sources and sinks swapped) computes every line's
// input from its outputs, starting from the trace's extrinsic outputs, the
// values its sinks received and its recorded choices, and must agree with
// everything the forward run recorded.
#pragma once

#include <string>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"
#include "ir/io/trace_io.h"

namespace rdc::trace {

struct Inversion {
  bool roundTrips = false;
  std::string firstMismatch;   ///< the earliest line (in forward time) that breaks, and why
  size_t recoveredInputs = 0;  ///< extrinsic inputs recovered and equal to the forward run's
  size_t checkedChoices = 0;   ///< recorded choices the inverse recomputed and confirmed
  size_t checkedEvents = 0;    ///< forward events the inverse recomputed and confirmed
  Trace backward;              ///< the inverse run, in backward time
};

/// Inverts `forward`, a trace of `graph` (same line table).
Inversion invert(const Graph& graph, const Catalog& catalog, const Trace& forward);

}  // namespace rdc::trace
