// A trace as a value: what determined a run (its header) and what each line
// end carried, when and how. Written and read by trace_io.h; produced by the
// engine, which sees no file format.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/lang/value.h"

namespace rdc {

/// How a line end got its value.
enum class How : uint8_t { Computed, Chosen, Forced, Input };
const char* howName(How how);

using NamedTexts = std::vector<std::pair<std::string, std::string>>;

/// Everything that determined the run, so that it can be reproduced.
/// The most iterations of an unbounded box a run keeps live (`--max-live`).
inline constexpr uint32_t kMaxLiveIterations = 1u << 24;

struct TraceHeader {
  std::string toolVersion;
  std::string modelName;
  uint64_t modelHash = 0;
  /// A run of a projection: the modelHash of the whole model it was
  /// projected from (0: a whole model's run, or not known), so that the
  /// nodes' traces merged are a trace of the whole model.
  uint64_t wholeModelHash = 0;
  NamedTexts params;
  uint64_t seed = 0;
  std::string latency;
  NamedTexts linkLatency;  ///< path glob -> latency model
  NamedTexts crashes;      ///< domain -> crash time
  std::vector<std::string> byzantine;
  NamedTexts inputs;  ///< input name -> value
  NamedTexts forces;  ///< line path -> value
  int64_t until = INT64_MAX;
  uint64_t iterations = UINT64_MAX;  ///< iterations of the unbounded box the run could begin (UINT64_MAX: all)
  uint32_t maxLive = 4096;           ///< live iterations of the unbounded box at most
  /// The `--strategy` that ordered simultaneous events and drew delays
  /// (`pct:D`, `schedule:C.C.C`); empty for the default, random.
  std::string strategy;
  /// `forced` when Byzantine domains lie only where forced (--lies
  /// forced); empty for the default, a seeded lie on every choice.
  std::string lies;
  /// The checks the run was judged by (`--check`; the stopping invariant
  /// is judged too); empty: every check of the model.
  std::vector<std::string> checks;
  /// A node's run over TCP: its virtual time 0 as CLOCK_REALTIME
  /// nanoseconds, fixed as it began (`--epoch`, or its start); 0 for a
  /// simulation and for a cluster's node (the cluster gives every node one
  /// epoch). Traces merged into one run must agree on it.
  int64_t epoch = 0;
  std::vector<std::string> linePaths;  ///< TraceEvent::line indexes this
  std::vector<std::string> domains;
  std::vector<uint32_t> lineDomains;  ///< per line: index into domains
};

/// The most lines a trace holds (its header's and those added as the run
/// goes), which bounds what a reader allocates for a hostile file. A line
/// takes about 160 bytes of trace (its path and its two ends' events), so a
/// trace this long stays under the 1 GiB that the tools read.
inline constexpr size_t kMaxTraceLines = size_t{1} << 22;

struct TraceEvent {
  uint32_t line = 0;
  bool output = false;  ///< the output end (else the input end)
  int64_t time = 0;
  How how = How::Computed;
  Value value;
};

/// A trace as the readers return it, checked so that every consumer can
/// trust it: line paths are `instance.line` without NUL or control
/// characters, unique, as are domain names; every event names a line of the
/// table, has a known `how`, a time in [0, endTime] not before the previous
/// event's, and a value of the same type as the line's other values;
/// 0 <= endTime <= until, endTime < INT64_MAX (which means "never").
struct Trace {
  TraceHeader header;
  std::vector<TraceEvent> events;
  bool complete = false;  ///< the footer was read (the run was not cut short)
  int64_t endTime = 0;
  /// The check (an identifier) whose violation stopped the run, as an
  /// `--invariant`, at endTime; empty when none did.
  std::string stoppedBy;
  /// A merge of nodes' traces (a cluster's): per header domain, when the
  /// run of the node that has its lines ended (virtual nanoseconds, at
  /// most endTime; INT64_MAX for a domain no node ran). Empty for a run's
  /// own trace, which ends at endTime for every domain.
  std::vector<int64_t> domainEnds;
  /// Per chunk of lines the trace adds (an iteration k >= 3 of the
  /// unbounded box, which begins as they are written): the iteration of its
  /// first line, and how many events came before it, the place of the
  /// iteration's beginning among the events.
  std::vector<std::pair<uint64_t, uint64_t>> iterationBegins;
};

}  // namespace rdc
