// rdc-run's runner: the scenario (scenario.h: flags, faults file, replayed
// trace) resolved against the model once, then the ways to run it. Its
// methods live in four files: run.cpp (one run, many seeds, reports),
// run_replay.cpp (a replayed trace's scenario and choices), run_split.cpp
// (projections over the in-process network) and run_tcp.cpp (a node over
// TCP, a cluster).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/graph/line_index.h"
#include "ir/io/ir_io.h"
#include "ir/io/trace_io.h"
#include "tools/rdc-run/driver/iterations.h"
#include "tools/rdc-run/driver/node_outputs.h"
#include "tools/rdc-run/driver/run.h"
#include "tools/rdc-run/driver/scenario.h"
#include "tools/rdc-run/engine/checks.h"
#include "tools/rdc-run/engine/engine.h"
#include "tools/rdc-run/engine/strategy.h"
#include "tools/rdc-run/net/peers.h"

namespace rdc::run {

// A run of a model with an unbounded `for` (whose streams never end)
// without --until ends at this virtual time.
constexpr int64_t kDefaultUnboundedUntil = 100'000'000;
// A TCP run without --until ends at most this long after it starts.
constexpr int64_t kDefaultNodeUntil = 10'000'000'000;
// The nodes of a cluster get this much past --until to exit.
constexpr int64_t kClusterGrace = 5'000'000'000;

class Runner {
 public:
  Runner(const Options& options, const LoadedModel& loaded, const Catalog& catalog, DiagnosticSink& diags)
      : options_(options),
        loaded_(loaded),
        graph_(loaded.graph),
        catalog_(catalog),
        diags_(diags),
        simulator_(graph_, catalog),
        checks_(loaded.model, graph_) {}

  /// Reads the flags and the faults file, or takes the scenario of the
  /// trace to replay (read from --replay), and resolves the scenario.
  bool prepare(std::optional<Trace> replay);
  /// One run with the configured faults and `seed`; printed unless not `reported` (traced either way).
  int single(uint64_t seed, bool reported = true);
  /// Every seed of A..B (those of the shard), with a summary and repro commands.
  int seeds(uint64_t first, uint64_t last, uint64_t shard, uint64_t shards);
  /// --strategy exhaustive: a depth-first search over the choice points
  /// from `seed`, at most `budget` schedules, stopping at the first that
  /// fails (explore.cpp).
  int explore(uint64_t seed, uint64_t budget);
  /// One run of the model's projections, one per domain, connected through
  /// the in-process network; printed (and traced) as a run of the whole model.
  int split(uint64_t seed);
  /// This projection run as one process over TCP.
  int node(uint64_t seed);
  /// One process per domain on this machine, over TCP: the peers file gives
  /// the addresses and the key. Prints the merged run like a simulated one.
  int cluster(uint64_t seed);
  /// The seed to run: --seed, or the replayed trace's.
  uint64_t seed() const { return exact_.seed; }
  /// The scenario as the flags and faults file give it (unresolved).
  const Scenario& scenario() const { return given_; }
  /// The strategy runs follow (after explore(): its failing schedule).
  const Strategy& strategy() const { return strategy_; }
  /// After seeds(): the first failing seed, if one failed.
  std::optional<uint64_t> firstFailing() const { return firstFailing_; }

 private:
  // ---- reports (run.cpp) ----
  struct TraceSink final : EventSink {
    TraceWriter* writer = nullptr;
    const Graph* graph = nullptr;
    const Catalog* catalog = nullptr;
    uint64_t count = 0;
    void record(const LineEvent& e) override {
      writer->event(static_cast<uint32_t>(e.line), e.output, e.time, e.how, *e.value);  // (within kMaxTraceLines)
      ++count;
    }
    // Iterations from 3 on add their lines to the trace's table.
    void iterationBegins(int64_t k, uint64_t firstLine) override;
  };
  /// A replay of a trace of this very model (its hash, and its line table
  /// the model's, not a merged one's) makes the trace's events exactly:
  /// each event of the run is compared with the recorded one, and passed on.
  struct ReplayCheck final : EventSink {
    EventSink* next = nullptr;
    const std::vector<TraceEvent>* recorded = nullptr;
    const std::vector<std::string>* paths = nullptr;  // the trace's line table
    std::vector<uint32_t> byEnd;  // per line end (2 line + output): its recorded event not yet made, or kNone
    uint64_t made = 0;
    std::string mismatch;  // the first difference, said as a contradiction
    void expect(const std::vector<TraceEvent>& events, const std::vector<std::string>& table);
    void record(const LineEvent& e) override;
    void iterationBegins(int64_t k, uint64_t firstLine) override {
      if (next) next->iterationBegins(k, firstLine);
    }
  };
  /// Whether a trace's line table is this model's, line by line (a merged
  /// trace's is in the order the nodes' lines came).
  bool recordsModelLines(const TraceHeader& header) const;
  /// Whether a trace's table opens with exactly this model's line names,
  /// in another order (its names swapped by an edit).
  bool permutesModelLines(const TraceHeader& header) const;
  /// The first difference between a replay's events and the trace's (or
  /// their counts), if the trace can be held to them, or between how the
  /// two runs ended (the footer's stopping invariant and, for a whole run,
  /// its end time, against the replay's `endTime` and `stoppedBy`; a
  /// recorded event after the replay's end); empty if none.
  std::string replayDifference(const ReplayCheck& check, int64_t endTime, const std::string& stoppedBy) const;
  /// The part of replayDifference that compares how the runs ended.
  std::string endDifference(int64_t endTime, const std::string& stoppedBy) const;
  /// Opens --trace, if given, and writes its header; false if it cannot.
  /// `epoch`: a node's time 0 (TraceHeader::epoch), 0 for a simulation.
  bool openTrace(uint64_t seed, std::unique_ptr<TraceWriter>& writer, int64_t epoch = 0);
  /// Evaluates the checks on a run of the whole model (with these domains
  /// correct) and prints it.
  int report(uint64_t seed, const RunResult& result, const std::vector<bool>& correct,
             const IterationReport* iterations = nullptr, bool print = true);
  void printRun(const RunResult& result, const std::vector<CheckResult>& checks, const IterationReport* iterations);
  void writeRunJson(std::ostream& os, uint64_t seed, const RunResult& result, const std::vector<CheckResult>& checks,
                    const IterationReport* iterations);
  // The command line as given without the flags that pick seeds (--seed,
  // --seeds, --shard), spread them (--jobs) or write output (--trace,
  // --json, --shrink):
  // what every shard of a sweep shares.
  std::string sweepCommand() const;
  // The one-line command that reruns a seed alone.
  std::string repro(uint64_t seed) const;
  TraceHeader header(uint64_t seed) const;
  uint64_t modelHash() const { return graph_.hash(catalog_); }
  bool usage(const std::string& message);
  int badInput(const std::string& message);

  // ---- strategies and invariants (explore.cpp) ----
  // Evaluates the --invariant checks each time an output becomes available,
  // and stops the run at the first violation.
  struct InvariantWatch final : OutputWatch {
    const Runner* runner = nullptr;
    const RunConfig* config = nullptr;     // the run's
    std::optional<CheckResult> violation;  // "at T: why"
    bool instantEnds(int64_t time, std::span<const OutputValue> outputs) override;
  };
  // What a strategy and the invariants keep during one run: its schedule
  // (none for random) and its watch. One per thread, so that threads
  // running seeds side by side share nothing they change.
  struct Arms {
    std::unique_ptr<Schedule> schedule;
    InvariantWatch watch;
  };
  // Reads --strategy and --invariant; false with a usage diagnostic.
  bool prepareExploration();
  void warnLieFlags();
  // Sets up `config` for a run of `seed`: its schedule and the invariants'
  // watch, kept in `arms`.
  void armRun(uint64_t seed, RunConfig& config, Arms& arms) const;
  // The checks of a finished run: the violated invariant alone if the
  // watch stopped it, else every check.
  std::vector<CheckResult> checksOf(const RunResult& result, const std::vector<bool>& correct,
                                    const std::vector<std::string>* iterationFailures) const;
  // --invariant's checks, and on a replay the one whose violation stopped
  // the recorded run (so that the replay stops there too).
  std::vector<std::string> invariants_;
  // --check's names (TraceHeader::checks), and on a replay without it the
  // trace's, so that the replay judges the run as the recorded one did.
  std::vector<std::string> checkNames_;
  Strategy strategy_;
  std::string reproStrategy_;  // --strategy of the reproduce command (empty: random)
  uint64_t links_ = 0;         // the graph's Links: PCT's k (the run's messages)
  LieCandidates lies_;         // what exhaustive and schedule: try as Byzantine lies
  Arms arms_;                  // this thread's: one run, an exhaustive search, the first worker of a sweep

  // ---- the scenario ----
  bool splitPair(const std::string& kv, char sep, const char* flag, NamedTexts& out);
  // The scenario of the flags and the faults file.
  bool flagScenario(Scenario& s);
  // A replay takes everything from the trace's header, and each recorded
  // choice's value and time (run_replay.cpp).
  bool replayScenario(Scenario& s, const Trace& trace);
  // Why a node's trace (over TCP) cannot be replayed on this model: its
  // network deliveries need the other nodes' traces merged with it.
  std::optional<std::string> nodeTraceReplay(const Trace& trace, const LineIndex& index) const;
  // Refuses (`trace-contradiction`) a trace whose events its own header's
  // faults rule out: a choice in a domain at or after its crash, a delivery
  // on a lost Link, a lie outside the Byzantine domains (those lying only
  // where forced included) and the forces, an event in an iteration past
  // its `iterations`. A recorded honest choice the
  // rule could not make is found as the replay runs (the engine's check).
  // Called once the scenario is resolved (config_).
  bool replayAgreesWithFaults(const Trace& trace);

  // ---- projections in one process (run_split.cpp) ----
  // Records a projection's events under the whole model's line ids; its
  // gateway copies (Send's net), which the whole model has not, are left out.
  // A projection's events as the whole model's lines: to the trace, if
  // one is written, and to a replay's check, if one is made.
  class WholeLineSink final : public EventSink {
   public:
    WholeLineSink(TraceWriter* writer, std::vector<uint32_t> lines, EventSink* check)
        : writer_(writer), lines_(std::move(lines)), check_(check) {}
    void record(const LineEvent& e) override {
      if (lines_[e.line] == kNone) return;
      if (writer_) writer_->event(lines_[e.line], e.output, e.time, e.how, *e.value);
      if (check_) check_->record({lines_[e.line], e.output, e.value, e.time, e.how});
      ++written;
    }
    bool keepsTrace() const override { return writer_ != nullptr; }
    uint64_t written = 0;

   private:
    TraceWriter* writer_;
    std::vector<uint32_t> lines_;
    EventSink* check_;
  };
  // Per line of a projection, the whole model's line of the same path (kNone if none).
  std::vector<uint32_t> wholeLines(const Graph& part);
  // The whole run's configuration carried over to a projection (`lines`:
  // its wholeLines): inputs by name, forced and replayed choices by line
  // path, link latencies by instance path (a gateway keeps its Link's
  // path); domains are shared.
  RunConfig configFor(const Graph& part, const std::vector<uint32_t>& lines);
  // The projections' results as one result of the whole model (outputs by name).
  RunResult combine(const std::vector<LoadedModel>& parts, const std::vector<RunResult>& results);

  // ---- over TCP (run_tcp.cpp) ----
  std::optional<net::Peers> readPeers(const std::string& path);
  // A node's --key, and whether the keys that signed values crossing its
  // gateways need are there; false (reported) if not.
  bool readNodeKeys(const net::Peers& peers, const std::string& self, std::optional<net::NodeKeys>& keys);
  // A domain's position in the peers file's nodes.
  static size_t nodeIndex(const net::Peers& peers, const std::string& domain);
  // The whole run from the nodes' outputs files (node_outputs.h): the
  // unbounded box's iterations, then the outputs outside it.
  void gatherIterations(std::vector<NodeOutputsReader>& readers, const std::vector<bool>& correct,
                        IterationReport& report) const;
  RunResult gatherOutputs(std::vector<NodeOutputsReader>& readers) const;
  static std::string makeTempDir();
  static void removeTree(const std::string& dir);
  // The last lines of a node's log, for a report.
  static std::string tail(const std::string& path);

  const Options& options_;
  const LoadedModel& loaded_;
  const Graph& graph_;
  const Catalog& catalog_;
  DiagnosticSink& diags_;
  Simulator simulator_;
  CheckEvaluator checks_;
  // The resolved scenario: the engine's configuration, the exact scenario
  // (what traces and nodes are told), the correct domains.
  RunConfig config_;
  Scenario exact_;
  Scenario given_;
  std::optional<uint64_t> firstFailing_;
  std::vector<bool> correct_;
  std::optional<std::map<uint32_t, run::Replayed>> replayed_;
  std::unordered_map<uint64_t, uint64_t> replayPlaces_;  // RunConfig::replayPlaces
  std::unordered_map<int64_t, uint64_t> replayBegins_;   // and replayBegins
  // A replayed trace's events and line table, when the replay must make
  // them exactly (ReplayCheck).
  std::vector<TraceEvent> recordedEvents_;
  std::vector<std::string> recordedPaths_;
  // How a replayed trace of this model (its hash) says its run ended.
  struct RecordedEnd {
    // ns; only for a run of the whole model in the simulator: a node's
    // over TCP, and a merge of nodes', end in real time, when the cluster
    // stops them
    std::optional<int64_t> time;
    std::string stoppedBy;  // the invariant that stopped the run; empty if none
    int64_t lastEvent;      // ns: its last event's time
  };
  std::optional<RecordedEnd> recordedEnd_;  // none for a trace cut short (no footer) or of another model
  bool checkReplay_ = false;
  // The whole model's lines and instances by path, made on first use by --split.
  std::optional<LineIndex> wholeIndex_;
  std::unordered_map<std::string, uint32_t> instanceByPath_;
};

}  // namespace rdc::run
