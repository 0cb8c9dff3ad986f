// rdc-trace's exporters: a trace in formats other tools read. Each writes
// valid UTF-8 JSON whatever the trace holds (values are spelled or typed, a
// name's bytes that are not UTF-8 read as U+FFFD); docs/tools.md describes
// each format field by field.
#pragma once

#include <ostream>

#include "ir/components/catalog.h"
#include "ir/io/trace_io.h"
#include "ir/support/json.h"

namespace rdc::trace {

/// How the trace's run was made, enough to make it again: the model (name,
/// hash), seed, parameters, inputs, forces and every fault. Integers beyond
/// 2^53 are strings (exactInteger).
Json runJson(const TraceHeader& header);

/// The fields every JSON listing of an event starts with: time_ns, line,
/// end ("in"/"out"), value (as the expression language spells it), how.
Json eventJson(const TraceHeader& header, const TraceEvent& event);

/// How the run ended, from the trace's footer: end_time_ns (virtual
/// nanoseconds) and stopped_by, the `--invariant` that stopped it (null
/// when none did); for a merge of nodes' traces also domain_ends_ns, each
/// of the header's domains to when its node's run ended (null: no node
/// ran it; Trace::domainEnds).
Json endJson(const TraceHeader& header, int64_t endTime, const std::string& stoppedBy,
             const std::vector<int64_t>& domainEnds);

/// JSON Lines, streamed (memory bounded whatever the trace's length):
/// {"header": runJson}, then one eventJson per event with its domain, then
/// {"footer": endJson}. False if the reader fails midway.
bool exportJsonl(TraceReader& reader, std::ostream& out);

/// Chrome's trace-event format: a process per domain, a thread (track) per
/// instance in it, a slice per firing that ends before the track's next one
/// begins, and a flow from each Link's send to its delivery that binds to
/// both ends' slices. The catalog tells which lines are Links'. The run's
/// end (endJson) is under `otherData`, where viewers show metadata.
void exportChrome(const Trace& trace, const Catalog& catalog, std::ostream& out);

/// ITF, the Informal Trace Format Apalache and Quint read: one state per
/// instant, one variable per line output, each an option (Some while the
/// line is available), values typed (#bigint, #tup, #map, options); the
/// document's #meta carries `run` (runJson) and `end` (endJson).
void exportItf(const Trace& trace, std::ostream& out);

}  // namespace rdc::trace
