// The deterministic discrete-event simulator: runs an elaborated graph in
// virtual time, demand-driven, with a seeded network and faults.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"
#include "ir/io/trace.h"
#include "tools/rdc-run/engine/latency.h"

namespace rdc::run {

/// One line end becoming available.
struct LineEvent {
  uint64_t line;  ///< as the run numbers it (firstRunLine): past 2^32 in a long stream
  bool output;    ///< the output end (else the input end)
  const Value* value;
  int64_t time;
  How how;
};

/// An extrinsic output's value in a run.
struct OutputValue {
  bool available = false;
  Value value;
  int64_t time = 0;
};

/// Receives every event of a run, in order.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void record(const LineEvent& event) = 0;
  /// Whether the events are written to a trace, which holds at most
  /// kMaxTraceLines lines (a run then makes no iteration past them). A
  /// node over TCP sends its outputs through a sink that keeps no trace
  /// unless asked to: its stream is unbounded.
  virtual bool keepsTrace() const { return true; }
  /// Whether it is told of every line end (true unless it says
  /// otherwise); else only of extrinsic outputs' output ends: a node's sink
  /// without a trace only sends what its gateway outputs produce, and
  /// skipping the rest spares it nearly every event.
  virtual bool recordsEveryEnd() const { return true; }
  /// Iteration k of the unbounded box begins. Its lines are numbered in
  /// events from `firstLine` on, in the order of the general iteration's
  /// (iterations 0 to 2 have the window's own numbers; a later iteration's
  /// lines follow the graph's, iteration by iteration).
  virtual void iterationBegins(int64_t k, uint64_t firstLine) { (void)k, (void)firstLine; }
};

/// An iteration of the unbounded box once it can do nothing more (or the
/// run ended): its extrinsic outputs and inputs, in the order of its block
/// of the window (iteration 0's for k = 0, the general iteration's for
/// every later k).
struct RetiredIteration {
  int64_t k = 0;
  bool complete = true;  ///< false: cut off by the end of the run
  std::span<const OutputValue> outputs;
  std::span<const Value> inputs;
};

/// Receives each iteration of the unbounded box as it retires, in the
/// order of k. Its outputs are gone once `retired` returns: memory follows
/// the live iterations, not the length of the run.
class IterationSink {
 public:
  virtual ~IterationSink() = default;
  virtual void retired(const RetiredIteration& iteration) = 0;
};

/// Watches a run's extrinsic outputs: called at the end of each instant in
/// which one became available (every event of that virtual time has
/// happened, and the run's last instant too), with every output as it
/// stands (the unbounded box's iterations' are not among them). Returning
/// true stops the run there: nothing later happens, and the result ends at
/// `time`. Not at each output: a property the instant's later events make
/// true again (`has(a) => a == b`, b made with a) holds at that time.
class OutputWatch {
 public:
  virtual ~OutputWatch() = default;
  virtual bool instantEnds(int64_t time, std::span<const OutputValue> outputs) = 0;
};

class Schedule;

/// A choice recorded in a trace: its value and the time it became
/// available (virtual nanoseconds).
struct Replayed {
  Value value;
  int64_t time = 0;
  bool forced = false;  ///< recorded as forced: in a Byzantine domain, a lie (else its honest choice)
};

/// Everything that determines a run besides the graph.
struct RunConfig {
  uint64_t seed = 0;
  std::vector<std::optional<Value>> inputs;  ///< per extrinsic input; unset: the type's zero
  /// By extrinsic input outside the unbounded box: when it arrives (virtual
  /// nanoseconds), instead of the model's `at` (`--input 'x=1 at 5ms'`).
  std::map<uint32_t, int64_t> arrivals;
  /// Stream elements given for an iteration k >= 1 of the unbounded box, by
  /// (k, the general iteration's input): they replace the model's value.
  std::map<std::pair<int64_t, uint32_t>, Value> streamInputs;
  std::map<uint32_t, Value> forces;  ///< by line: forced choosable inputs (sparse: a few lines of many)
  /// With `replay`: whether the trace is of this very model (its hash), so
  /// that each recorded honest choice must be one the rule could make.
  bool replayStrict = false;
  /// Set when replaying a trace: its recorded choices by line (sparse). The
  /// rule still decides when to choose (and the recorded `how` stays as it
  /// was), but the value and the time are the trace's, so that no latency
  /// or tie is drawn again; a choice the trace does not record is not made.
  std::optional<std::map<uint32_t, Replayed>> replay;
  /// With `replay` and no `schedule`: each recorded line end's place in the
  /// trace's order, by 2 × line + 1 for its output end (lines numbered as
  /// in `replay`), so that the events of an instant happen in the recorded
  /// order whatever ties this run draws. A whole run redraws its own, but
  /// a projection draws others: without the places, a split replay of a
  /// whole run (or a whole replay of a split one) took simultaneous votes
  /// in another order, and a Quorum's choice was then not the recorded one.
  /// A recorded end, and a decision that made one, go at their place
  /// whatever their phase (what the network brings a projection is an
  /// arrival there and a decision in the whole run); an end the trace does
  /// not record comes after every recorded end of its instant. (Only
  /// looked up, never iterated.)
  std::unordered_map<uint64_t, uint64_t> replayPlaces;
  /// With replayPlaces: per iteration k >= 3 of the unbounded box whose
  /// beginning the trace records (Trace::iterationBegins), its place: it
  /// begins just before the event of that place. (An earlier iteration
  /// begins just before its first recorded end.)
  std::unordered_map<int64_t, uint64_t> replayBegins;
  std::vector<int64_t> crashAt;  ///< per domain; INT64_MAX: never crashes
  /// A replay of a cluster's trace (Trace::domainEnds): per domain, when
  /// its node's run ended; its events after that do not happen (a timer
  /// still pending on the node never fired). Empty: every domain runs on.
  std::vector<int64_t> domainEnds;
  std::vector<bool> byzantine;  ///< per domain
  /// Byzantine domains lie only where `forces` says (honest unless forced):
  /// their other choices are made by the model's rules. Their lies are
  /// still drawn, so a Schedule can still make them lie (strategy.h).
  bool liesForced = false;
  LinkLatencies linkLatency;  ///< per instance (only Links read it)
  int64_t until = INT64_MAX;
  EventSink* sink = nullptr;
  /// Gateway inputs (a projection's `net:` inputs) wait for
  /// Execution::deliver instead of arriving at time 0.
  bool gatewaysFromNetwork = false;
  IterationSink* iterations = nullptr;
  /// Live iterations of the unbounded box at most; a run that needs more
  /// fails (the box makes iterations faster than they finish).
  uint32_t maxLiveIterations = 4096;
  /// Iterations of the unbounded box that may begin (the first ones): with
  /// fewer than all, a run of a stream ends once they are done.
  uint64_t maxIterations = UINT64_MAX;
  /// Over a network (0: no bound, as in every simulated run): a stream
  /// begins no iteration while this many are live; the one due waits, and
  /// begins (its stream inputs arriving then) as soon as one retires. A
  /// node thus never runs further ahead of its peers than this, whatever
  /// rate the stream offers.
  uint32_t streamAhead = 0;
  /// Decides the order of simultaneous events and the network delays
  /// (strategy.h); none: the seeded uniform random schedule.
  Schedule* schedule = nullptr;
  /// Over a network (false in every simulated run): the events of an
  /// instant happen in the order they were made, not in an order drawn from
  /// the seed. A node's run is real time, which no seed decides; taking its
  /// events in arrival order spares it the tie-break draws and most of the
  /// heap's work. Not with a `schedule`.
  bool arrivalOrder = false;
  /// Told of every extrinsic output as it becomes available; may stop the run.
  OutputWatch* watch = nullptr;
};

/// What a run produced.
struct RunResult {
  using Output = OutputValue;
  /// Per extrinsic output; the unbounded box's window's are never available
  /// here (its iterations' go to RunConfig::iterations).
  std::vector<Output> outputs;
  std::vector<std::string> failures;  ///< runtime failures (an Fn that fails on its values)
  /// A replay's first recorded choice, in a domain that neither lies there
  /// nor is forced, that its rule could not have made (a forged trace).
  std::string replayContradiction;
  uint64_t events = 0;  ///< line ends that became available
  int64_t endTime = 0;
  bool stopped = false;     ///< an OutputWatch stopped the run at endTime
  uint64_t iterations = 0;  ///< iterations of the unbounded box that began
  uint64_t peakLiveIterations = 0;
  /// Per output that never became available: what it waited for, found by
  /// walking back along the inputs that never arrived.
  std::vector<std::string> waits;
};

class Run;
struct Workspace;

/// What became of a delivery from the network (Execution::deliver).
enum class Delivered {
  Yes,
  Late,             ///< the line already has its value, its domain crashed, its iteration retired, or the run failed
  NoSuchIteration,  ///< an iteration the gateway does not have, or past --iterations
  TooFarAhead,      ///< its iteration is more than --max-live past the newest one (not a peer's honest lead)
  AtLimit,          ///< its iteration would begin while --max-live are live and none is quiet: the node is behind
};

/// Runs graphs. Construction does the per-graph work (which lines a run
/// demands, which lines it starts from); runs reuse one workspace and reset
/// only what the previous run touched, so a run costs what its events cost.
/// One Simulator runs one run at a time (`run` is not reentrant); use one
/// per thread.
class Simulator {
 public:
  Simulator(const Graph& graph, const Catalog& catalog);
  // The simulator keeps both by reference: a temporary would dangle.
  Simulator(const Graph&, Catalog&&) = delete;
  Simulator(Graph&&, const Catalog&) = delete;
  ~Simulator();

  /// A whole run: every event up to config.until.
  RunResult run(const RunConfig& config);

  /// The value a Byzantine domain forces on a choosable input of this
  /// type, drawn from `rng` (Ints from 0..3 so that lies can collide). Its
  /// signatures are all the lying domain's, `signer`: it cannot forge others.
  static Value randomValue(TypeId type, const TypeTable& types, class Rng& rng, int64_t signer);
  /// The zero of a type; a Signed zero is signed by `signer` (the domain of
  /// the line it is for).
  static Value zeroValue(TypeId type, const TypeTable& types, int64_t signer = 0);
  /// An extrinsic input's value in a run: given, else the model's default,
  /// else the zero of its type.
  static Value inputValue(const Graph& graph, uint32_t input, const RunConfig& config);

  const Graph& graph() const { return graph_; }

 private:
  friend class Execution;
  const Graph& graph_;
  const Catalog& catalog_;
  std::unique_ptr<const struct GraphFacts> facts_;
  std::unique_ptr<Workspace> work_;  // made by the first run
};

/// Where an event stands in a replayed trace's order: its time, then its
/// place in the trace (UINT64_MAX: not recorded there).
struct ReplayPosition {
  int64_t time;
  uint64_t place;
  auto operator<=>(const ReplayPosition&) const = default;
};

/// A run that a driver advances, for a run connected to others: a
/// projection over the in-process network, or a node over TCP. The driver
/// owns time: it delivers what the network brings and advances the run to
/// the present; the run never reads a clock. The config and the simulator
/// must outlive the execution.
class Execution {
 public:
  Execution(const Simulator& simulator, const RunConfig& config);
  ~Execution();

  /// The time of the earliest pending event, if any.
  std::optional<int64_t> nextTime() const;
  /// Runs every event due at or before `time`.
  void advanceTo(int64_t time);
  /// Runs the next event due at or before `time`, with what its step makes
  /// available at once; false when none is due.
  bool stepTo(int64_t time);
  /// In a replay with RunConfig::replayPlaces, where the next event due at
  /// or before `time` stands in the trace's order, for a driver that
  /// interleaves runs as the trace does; nullopt when none is due or the
  /// run has no places.
  std::optional<ReplayPosition> nextInTrace(int64_t time) const;
  /// While held, a stream begins no iteration of the unbounded box: the
  /// one due waits, and begins when released (a node's backpressure, when
  /// a peer is slow to acknowledge what it was sent).
  void holdStream(bool hold);
  /// An extrinsic input (a gateway) arrives at `time`, no earlier than the
  /// last advanceTo. A gateway of the unbounded box's general iteration is
  /// iteration k's (k >= 1; iterations up to k begin if they have not);
  /// any other has k = 0. A second value for the same input is ignored
  /// (Late).
  Delivered deliver(uint32_t input, int64_t k, Value value, int64_t time);
  /// Whether every iteration the run may begin (RunConfig::maxIterations)
  /// has begun and retired. A run over a network retires an iteration once
  /// nothing is pending in it and its extrinsic outputs (gateways included)
  /// are available.
  bool iterationsDone() const;
  /// Ends the run: the live iterations are reported as cut off.
  void finish();
  /// Whether an extrinsic output is available yet.
  bool outputAvailable(uint32_t output) const;
  /// The run as it stands.
  RunResult result() const;

 private:
  std::unique_ptr<Workspace> work_;
  std::unique_ptr<Run> run_;
};

}  // namespace rdc::run
