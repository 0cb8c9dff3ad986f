// Merging the traces of one run's processes (a TCP cluster's nodes, or
// projections run by hand) into the trace of the whole run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/io/trace.h"
#include "ir/support/diagnostics.h"

namespace rdc {

/// The traces of a run's nodes as one trace: the union of their line tables
/// and faults, events by time, then by the order the traces are given, then
/// each trace's own order. `names` (one per trace) name them in diagnostics.
/// Errors (`usage`): no trace, traces of different models, or two values for
/// one line end (overlapping traces); nullopt then.
std::optional<Trace> mergeTraces(const std::vector<Trace>& traces, const std::vector<std::string>& names,
                                 DiagnosticSink& diags);

}  // namespace rdc
