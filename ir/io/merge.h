// Merging the traces of one run's processes (a TCP cluster's nodes, or
// projections run by hand) into the trace of the whole run, streamed: the
// merge holds the line tables and one chunk of events per trace, never a
// whole trace, and its work is linear in the events (times a log of the
// number of traces).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/io/trace.h"
#include "ir/io/trace_io.h"
#include "ir/support/diagnostics.h"

namespace rdc {

/// One trace to merge: its header (whose line table may grow as its events
/// are read: an unbounded box's iterations add lines), its events chunk by
/// chunk in order of time (false at the end), and, once they are read, its
/// end time.
struct MergeSource {
  std::string name;  ///< names the trace in diagnostics
  const TraceHeader* header = nullptr;
  std::function<bool(std::vector<TraceEvent>&)> next;
  std::function<int64_t()> endTime;
  std::function<std::string()> stoppedBy;  ///< the invariant that stopped its run (Trace::stoppedBy), once read
  std::function<bool()> ok;                ///< false: the source failed (and said why)
};

struct MergedTrace {
  uint64_t events = 0;
  int64_t endTime = 0;
};

/// A trace read chunk by chunk as a MergeSource (the reader must have read
/// its header, and outlive the source). A trace cut short (a killed node's,
/// with acceptPrefix) ends with its last event.
MergeSource mergeSource(TraceReader& reader, std::string name);
/// A whole trace in memory as a MergeSource (the trace must outlive it).
MergeSource mergeSource(const Trace& trace, std::string name);

/// What the driver of a cluster knows of its whole run that no node's
/// trace records.
struct WholeRun {
  std::optional<uint64_t> modelHash;  ///< the whole model's (TraceHeader::modelHash)
  NamedTexts crashes;                 ///< domain -> time: the killed and left-out nodes
  std::vector<std::string> checks;    ///< what the run was judged by (TraceHeader::checks)
};

/// Writes the sources as one trace to `out`: the union of their line
/// tables (a line added as a source goes is added to the merged table
/// before its first event) and faults, events by time, then by the order
/// the sources are given, then each source's own order. The first
/// source's header gives the rest, but for what `whole` says: its
/// `modelHash`, when given (else traces of projections of one model, whose
/// headers name the same wholeModelHash, merge into a trace with that
/// model's hash), its `crashes` beside the sources', and its `checks`,
/// when it names any. The footer names the invariant that stopped
/// the sources' runs, if one did (a merge of one trace keeps it). Returns the events
/// written and the end time; errors (`usage`): no source, traces of different models,
/// two values for one line end (overlapping traces), traces stopped by
/// different invariants, or judged by different checks; nullopt then (and
/// `out` holds a prefix of no use), or when a source fails (its reader
/// reports why).
std::optional<MergedTrace> mergeTraces(std::vector<MergeSource>& sources, TraceWriter& out, DiagnosticSink& diags,
                                       const WholeRun& whole = {});

}  // namespace rdc
