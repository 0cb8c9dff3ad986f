#include "tools/rdc-run/engine/engine.h"

#include <sys/mman.h>

#include <algorithm>
#include <cassert>
#include <deque>
#include <map>
#include <new>
#include <unordered_map>

#include "ir/components/reactions.h"
#include "ir/components/semantics.h"
#include "ir/graph/elaborate.h"
#include "ir/io/trace.h"
#include "ir/support/hash.h"
#include "tools/rdc-run/engine/event_queue.h"
#include "tools/rdc-run/engine/facts.h"
#include "tools/rdc-run/engine/rng.h"
#include "tools/rdc-run/engine/strategy.h"

namespace rdc::run {

Value Simulator::zeroValue(TypeId type, const TypeTable& types, int64_t signer) {
  const TypeNode& node = types.node(type);
  switch (node.kind) {
    case TypeKind::Unit:
      return Value::unit();
    case TypeKind::Bool:
      return Value::boolean(false);
    case TypeKind::Int:
      return Value::integer(0);
    case TypeKind::Duration:
      return Value::duration(0);
    case TypeKind::Bytes:
      return Value::ofBytes("");
    case TypeKind::Opt:
      return Value::nil();
    case TypeKind::Tuple: {
      std::vector<Value> items;
      for (TypeId part : node.parts) items.push_back(zeroValue(part, types, signer));
      return Value::tuple(std::move(items));
    }
    case TypeKind::Map:
      return *Value::map({});
    case TypeKind::Signed:
      return Value::signature(signer, zeroValue(node.parts[0], types, signer));
  }
  return Value::unit();
}

Value Simulator::inputValue(const Graph& graph, uint32_t input, const RunConfig& config) {
  if (input < config.inputs.size() && config.inputs[input]) return *config.inputs[input];
  const Extrinsic& x = graph.inputs[input];
  if (x.defaultValue) return *x.defaultValue;
  return zeroValue(graph.lines[x.line].type, graph.types, graph.lines[x.line].domain);
}

Value Simulator::randomValue(TypeId type, const TypeTable& types, Rng& rng, int64_t signer) {
  const TypeNode& node = types.node(type);
  switch (node.kind) {
    case TypeKind::Unit:
      return Value::unit();
    case TypeKind::Bool:
      return Value::boolean(rng.next() & 1);
    case TypeKind::Int:
      return Value::integer(rng.uniform(0, 3));
    case TypeKind::Duration:
      return Value::duration(rng.uniform(0, 10) * 1'000'000);
    case TypeKind::Bytes:
      return Value::ofBytes(std::string(1, static_cast<char>('a' + rng.uniform(0, 3))));
    case TypeKind::Opt:
      return rng.next() & 1 ? Value::nil() : randomValue(node.parts[0], types, rng, signer);
    case TypeKind::Tuple: {
      std::vector<Value> items;
      for (TypeId part : node.parts) items.push_back(randomValue(part, types, rng, signer));
      return Value::tuple(std::move(items));
    }
    case TypeKind::Map: {  // up to three entries; a repeated key keeps its first value
      std::vector<std::pair<Value, Value>> entries;
      for (int64_t k = rng.uniform(0, 3); k > 0; --k) {
        Value key = randomValue(node.parts[0], types, rng, signer);
        Value value = randomValue(node.parts[1], types, rng, signer);
        if (std::none_of(entries.begin(), entries.end(), [&](const auto& e) { return e.first == key; }))
          entries.emplace_back(std::move(key), std::move(value));
      }
      return *Value::map(std::move(entries));
    }
    case TypeKind::Signed:  // a liar signs only as itself: others' signatures are unforgeable
      return Value::signature(signer, randomValue(node.parts[0], types, rng, signer));
  }
  return Value::unit();
}

namespace {

// A line's two ends: its input's value, and whether its output has been
// sent (its value went on along the wire; an extrinsic output's is kept in
// Workspace::outputs). The flags live in the tail padding of the Value
// (`[[no_unique_address]]` lets them): 16 bytes a line rather than 24. The
// input's arrival time is kept apart (Workspace::inTimes), for the few
// components that read it.
struct LineState {
  [[no_unique_address]] Value in;
  bool inAvailable = false, outAvailable = false;
  bool inPending = false, outPending = false;  // scheduled, not yet arrived
  bool touched = false;                        // changed since the workspace was last reset
  bool never = false;                          // its input will never arrive (a run over a network)
};
static_assert(sizeof(LineState) == 16, "a line's state is a value and flags");

}  // namespace

// The state of a run, kept between the runs of a Simulator so that a run
// resets only what the previous one touched: many short runs (a seed
// sweep) then cost what their events cost, not what the graph costs. The
// unbounded box's slots (IterationLayout) are reset when their iteration
// retires, and at the next run for those still live at the end.
class Run;

// A base component's reaction as a run calls it: a standard one
// instantiated for Run (reactions.h), which then asks its questions
// inline, a user's through FireContext.
struct Reaction {
  ReactFn generic = nullptr;
  reactions::ReactOf<Run> typed = nullptr;
  static Reaction of(ReactFn f);
  explicit operator bool() const { return generic; }
  void operator()(Run& run, uint32_t instance, bool endOfInstant) const;
};

struct Workspace {
  const IterationLayout& layout;
  const Graph& graph;
  // Per base component: its reaction (GraphFacts::react) and its reaction
  // to a value its own rule chose (GraphFacts::reactToChoice), made by the
  // first run (no state: kept so that each short run does not make them).
  std::vector<Reaction> react, reactToChoice;
  std::vector<LineState> lines;
  // When the inputs of lines of components that read it arrived
  // (BaseComponent::readsArrivalTimes), by line. Only read by key; an
  // entry is written whenever its line's input arrives, before it can be read.
  std::unordered_map<uint32_t, int64_t> inTimes;
  // The graph's lines the last run touched, to reset; once they are more
  // than an eighth of the lines, resetting every line costs about as much
  // as the list, which stops growing (a run that touches a large model
  // whole would otherwise keep 4 more bytes per line).
  std::vector<uint32_t> touchedLines;
  bool touchedMany = false;
  std::vector<RunResult::Output> outputs;  // per extrinsic output, then per slot's
  std::vector<uint8_t> decidePending;      // per instance
  // Per instance, its tally in `tallies` (kNone until it keeps one): only
  // Quorums keep tallies, so most instances cost an index, not a vector.
  // A deque: a new tally leaves the references to the others valid.
  std::vector<uint32_t> tallyOf;
  std::deque<std::vector<std::pair<Value, int64_t>>> tallies;
  std::vector<uint32_t> touchedInstances;
  std::vector<uint8_t> instanceTouched;
  EventQueue queue;
  // The pending events' slots: what each does and the value it carries,
  // side by side (one table to reach on every event, not two). The event's
  // small fields sit in the Value's tail padding (as LineState's flags do):
  // 16 bytes a slot rather than 24.
  struct EventSlot {
    [[no_unique_address]] Value value;
    uint8_t phase = 0;
    bool output = false;
    How how = How::Computed;
    uint32_t target = kNone;  // (a free slot's: the next free one)

    PendingEvent event() const { return {target, phase, output, how}; }
    void set(const PendingEvent& e) { target = e.target, phase = e.phase, output = e.output, how = e.how; }
  };
  static_assert(sizeof(EventSlot) == 16, "a slot is a value and an event's fields");
  std::vector<EventSlot> slots;
  // The free slots, a list threaded through them (a free slot's target
  // is the next free one; kNone ends the list).
  uint32_t freeSlot = kNone;

  void freeEventSlot(uint32_t slot) {
    slots[slot].target = freeSlot;
    freeSlot = slot;
  }
  // The unbounded box's slots: each one's iteration, its pending events,
  // its stream inputs' values, whether it is in use; and the free ones.
  std::vector<int64_t> slotIteration;
  std::vector<uint32_t> slotPending;
  std::vector<uint32_t> slotOutputsLeft;  // extrinsic outputs not yet available (for a run over a network)
  std::vector<std::vector<Value>> slotInputs;
  std::vector<uint8_t> slotInUse;
  std::vector<uint32_t> freeIterationSlots;
  // With an unbounded box, the slots' instances: the general ones with
  // their lines shifted.
  std::vector<FlatInstance> slotInstances;  // instances past the graph's

  Workspace(const Graph& graph, const IterationLayout& l)
      : layout(l),
        graph(graph),
        lines(graph.lines.size()),
        outputs(graph.outputs.size()),
        decidePending(graph.instances.size(), 0),
        tallyOf(graph.instances.size(), kNone),
        instanceTouched(graph.instances.size(), 0) {
    if (!layout.box) return;
    addSlot();  // slot 0: the window's general iteration
  }

  // The slot of an instance (kNone: the graph's own).
  uint32_t slotOfInstance(uint32_t i) const { return layout.box ? layout.slotOfInstance(i) : kNone; }
  const FlatInstance& instance(uint32_t i) const {
    return i < layout.instances ? graph.instances[i] : slotInstances[i - layout.instances];
  }

  void reset() {
    auto clear = [](LineState& s) {
      s.inAvailable = s.outAvailable = s.inPending = s.outPending = s.touched = s.never = false;
    };
    if (touchedMany) {
      for (uint32_t l = 0; l < layout.lines; ++l) clear(lines[l]);
    } else {
      for (uint32_t l : touchedLines) clear(lines[l]);
    }
    touchedLines.clear();
    touchedMany = false;
    inTimes.clear();
    for (RunResult::Output& o : outputs) o.available = false;
    for (uint32_t i : touchedInstances) {
      decidePending[i] = 0;
      clearTally(i);
      instanceTouched[i] = 0;
    }
    touchedInstances.clear();
    queue.clear();
    slots.clear();
    freeSlot = kNone;
    freeIterationSlots.clear();
    for (uint32_t s = static_cast<uint32_t>(slotInUse.size()); s > 0; --s) {
      if (slotInUse[s - 1]) resetSlot(s - 1);
      freeIterationSlots.push_back(s - 1);  // the lowest slot is taken first
    }
  }

  // A slot made or reused for a new iteration; `most`: the most slots a
  // run may need (its live iterations).
  uint32_t takeSlot(uint32_t most) {
    if (freeIterationSlots.empty()) {
      reserveSlots(most);
      addSlot(), freeIterationSlots.push_back(static_cast<uint32_t>(slotInUse.size() - 1));
    }
    uint32_t s = freeIterationSlots.back();
    freeIterationSlots.pop_back();
    slotInUse[s] = 1;
    return s;
  }

  // Clears what a slot's iteration left and frees the slot.
  void resetSlot(uint32_t s) {
    const IterationBlock& g = layout.general;
    for (uint32_t j = 0; j < g.lines; ++j) lines[layout.line(s, g.line + j)] = LineState();
    for (uint32_t j = 0; j < g.instances; ++j) {
      uint32_t i = layout.instance(s, g.instance + j);
      decidePending[i] = 0;
      clearTally(i);
      instanceTouched[i] = 0;
    }
    for (uint32_t j = 0; j < g.outputs; ++j) outputs[layout.output(s, g.output + j)] = RunResult::Output();
    slotPending[s] = 0;
    slotOutputsLeft[s] = 0;
    slotInputs[s].clear();
    slotInUse[s] = 0;
  }

  // An instance's tally, made at its first use.
  std::vector<std::pair<Value, int64_t>>& tally(uint32_t i) {
    if (tallyOf[i] == kNone) {
      tallyOf[i] = static_cast<uint32_t>(tallies.size());
      tallies.emplace_back();
    }
    return tallies[tallyOf[i]];
  }
  void clearTally(uint32_t i) {
    if (tallyOf[i] != kNone) tallies[tallyOf[i]].clear();
  }

  void touchLine(uint32_t l) {
    if (touchedMany) return;
    if (touchedLines.size() < layout.lines / 8)
      touchedLines.push_back(l);
    else
      touchedMany = true;
  }

  void touchInstance(uint32_t i) {
    if (instanceTouched[i]) return;
    instanceTouched[i] = 1;
    if (slotOfInstance(i) == kNone) touchedInstances.push_back(i);  // slots are reset whole
  }

 private:
  // Room for `most` slots (within kSlotReserveBytes), so that making slots
  // never moves the ones made before: a node that falls behind its stream
  // makes a slot for every iteration it has to begin, and moving every
  // line's state each time the tables doubled took a tenth of its time.
  // Pages reserved and never used by a slot are never touched, but they
  // count against the memory budget (RLIMIT_DATA counts what is mapped):
  // so at most a quarter of the budget is reserved, and a reservation that
  // does not fit is given back whole. Reserving is only a saving: without
  // the memory, the tables grow as they go.
  void reserveSlots(uint32_t most) {
    const IterationBlock& g = layout.general;
    size_t perSlot = g.lines * sizeof(LineState) + g.instances * (sizeof(FlatInstance) + sizeof(uint32_t) + 2) +
                     g.outputs * sizeof(RunResult::Output) + 64;
    uint64_t reserve = std::min<uint64_t>(kSlotReserveBytes, memoryBudget(ElabOptions{}) / 4);
    size_t slots = std::min<size_t>(most, reserve / perSlot);
    if (slots <= slotInUse.capacity()) return;
    size_t more = slots - slotInUse.size();
    try {
      lines.reserve(lines.size() + more * g.lines);
      tallyOf.reserve(tallyOf.size() + more * g.instances);
      for (auto* perInstance : {&decidePending, &instanceTouched})
        perInstance->reserve(perInstance->size() + more * g.instances);
      slotInstances.reserve(slotInstances.size() + more * g.instances);
      outputs.reserve(outputs.size() + more * g.outputs);
      slotIteration.reserve(slots), slotPending.reserve(slots), slotOutputsLeft.reserve(slots);
      slotInputs.reserve(slots), slotInUse.reserve(slots);
    } catch (const std::bad_alloc&) {  // (a tight memory budget: grow as needed)
      lines.shrink_to_fit(), tallyOf.shrink_to_fit(), decidePending.shrink_to_fit();
      instanceTouched.shrink_to_fit(), slotInstances.shrink_to_fit(), outputs.shrink_to_fit();
      slotIteration.shrink_to_fit(), slotPending.shrink_to_fit(), slotOutputsLeft.shrink_to_fit();
      slotInputs.shrink_to_fit(), slotInUse.shrink_to_fit();
      return;
    }
    preferHugePages(lines);
    preferHugePages(slotInstances), preferHugePages(outputs);
  }

  // Advice that a table's reserved pages be huge ones when first touched:
  // a slot made while a node is behind is fresh memory, and on a virtual
  // machine a page fault per 4 KiB took a tenth of such a node's time.
  template <typename T>
  static void preferHugePages(const std::vector<T>& table) {
#ifdef MADV_HUGEPAGE
    constexpr uintptr_t kHuge = uintptr_t{2} << 20;
    auto begin = reinterpret_cast<uintptr_t>(table.data());
    uintptr_t from = (begin + kHuge - 1) & ~(kHuge - 1), to = (begin + table.capacity() * sizeof(T)) & ~(kHuge - 1);
    if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);  // (advice: may be ignored)
#else
    (void)table;
#endif
  }

  static constexpr size_t kSlotReserveBytes = size_t{64} << 20;

  void addSlot() {
    uint32_t slot = static_cast<uint32_t>(slotInUse.size());
    if (slot > 0) {  // slot 0 is the graph's own lines
      const IterationBlock& g = layout.general;
      lines.resize(lines.size() + g.lines);
      decidePending.resize(decidePending.size() + g.instances, 0);
      tallyOf.resize(tallyOf.size() + g.instances, kNone);
      instanceTouched.resize(instanceTouched.size() + g.instances, 0);
      outputs.resize(outputs.size() + g.outputs);
      auto general = graph.instances.begin() + g.instance;
      slotInstances.insert(slotInstances.end(), general, general + g.instances);
      for (uint32_t j = 0; j < g.instances; ++j) {
        FlatInstance& copy = slotInstances[slotInstances.size() - g.instances + j];
        copy.firstLine = layout.line(slot, copy.firstLine);
      }
    }
    slotIteration.push_back(0);
    slotPending.push_back(0);
    slotOutputsLeft.push_back(0);
    slotInputs.emplace_back();
    slotInUse.push_back(0);
  }
};

class Run final : public FireContext {
 public:
  Run(const Graph& graph, const Catalog& catalog, const GraphFacts& facts, const RunConfig& config, Workspace& work)
      : graph_(graph),
        catalog_(catalog),
        facts_(facts),
        layout_(facts.layout),
        unbounded_(facts.layout.box != nullptr),
        traced_(config.replay || (config.sink && config.sink->keepsTrace())),
        sinkEveryEnd_(config.sink && config.sink->recordsEveryEnd()),
        forcing_(!config.forces.empty() ||
                 std::find(config.byzantine.begin(), config.byzantine.end(), true) != config.byzantine.end()),
        config_(config),
        // An on-demand box's iterations k >= K never begin (docs/semantics.md#on-demand-boxes).
        maxIterations_(std::min(config.maxIterations, facts.layout.box ? facts.layout.box->end : UINT64_MAX)),
        work_(work),
        lines_(work.lines),
        react_(reactionsOf(work, facts)),
        reactToChoice_(work.reactToChoice),
        ties_(config.seed ^ 0x7469657300000000ull),
        net_(config.seed ^ 0x6E65740000000000ull) {
    work_.reset();
    work_.queue.keepArrivalOrder(config.arrivalOrder && !config.schedule);
    if (config.replay && !config.schedule && !config.replayPlaces.empty()) places_ = &config.replayPlaces;
    force();
    demand();
  }

  // The workspace's reactions, made by its first run.
  static const std::vector<Reaction>& reactionsOf(Workspace& work, const GraphFacts& facts) {
    if (work.react.empty()) {
      for (size_t b = 0; b < facts.react.size(); ++b) {
        work.react.push_back(Reaction::of(facts.react[b]));
        work.reactToChoice.push_back(Reaction::of(facts.reactToChoice[b]));
      }
    }
    return work.react;
  }

  // Sources: constants at time 0 and inputs at their arrival, demanded or
  // not (what a run determines is never lost), unless their domain is
  // crashed by then or they are gateways that the network (or --input)
  // fills in. Iteration 0 of the unbounded box begins with the run.
  void start() {
    for (uint32_t l : facts_.sources) {
      const FlatLine& line = graph_.lines[l];
      if (line.source.kind == Endpoint::Kind::Const) {
        if (!crashed(l, 0)) schedule(0, 0, l, false, How::Input, Value(graph_.constants[line.source.ref]));
        continue;
      }
      uint32_t input = line.source.ref;
      if (graph_.inputs[input].isGateway()) {
        // What the network delivers: from the driver, or, in a projection
        // run on its own, only what --input gives (no invented zero).
        bool given = input < config_.inputs.size() && config_.inputs[input];
        if (config_.gatewaysFromNetwork || !given) continue;
      }
      int64_t arrival = arrivalOf(input);
      if (!crashed(l, arrival))
        schedule(arrival, 0, l, false, How::Input, Simulator::inputValue(graph_, input, config_));
    }
    if (layout_.box) {
      firstLive_ = true;
      firstOutputsLeft_ = layout_.box->first().outputs;
      lastBegin_ = 0, beganNow_ = 1;  // iteration 0 begins at 0
      ++iterations_;
      peakLive_ = 1;
      if (config_.sink) config_.sink->iterationBegins(0, layout_.box->first().line);
      scheduleBegin(1);
    }
  }

  // When an extrinsic input arrives: when --input says, else the model's `at`.
  int64_t arrivalOf(uint32_t input) const {
    auto given = config_.arrivals.find(input);
    return given == config_.arrivals.end() ? graph_.inputs[input].arrival : given->second;
  }

  std::optional<int64_t> nextTime() const {
    if (work_.queue.empty() || work_.queue.top().time > config_.until) return std::nullopt;
    return work_.queue.top().time;
  }

  // A gateway input stands for the cut Link's rcv, so what the network
  // delivers is recorded as that Link's choice. A forced gateway input is
  // the Link's forced rcv (a corrupt channel at the receiver): the
  // receiving side replaces what the network brings. A gateway of the
  // unbounded box's general iteration is delivered to iteration k, which
  // begins (with the ones before it) if it has not yet.
  Delivered deliver(uint32_t input, int64_t k, Value value, int64_t time) {
    uint32_t l = graph_.inputs[input].line;
    if (layout_.box && layout_.box->window[2].hasInputs(input))
      return Delivered::NoSuchIteration;  // the general's stand-in
    if (layout_.box && layout_.general.hasInputs(input)) {
      if (k < 1) return Delivered::NoSuchIteration;
      if (k > newest_) {
        if (stopped_) return Delivered::Late;  // the run failed: it makes no more iterations
        if (static_cast<uint64_t>(k) >= maxIterations_) return Delivered::NoSuchIteration;
        if (static_cast<uint64_t>(k - newest_) > config_.maxLiveIterations) return Delivered::TooFarAhead;
        for (int64_t next = newest_ + 1; next <= k; ++next) {
          if (live_.size() + firstLive_ >= config_.maxLiveIterations) evictQuietOldest();
          if (live_.size() + firstLive_ >= config_.maxLiveIterations) return Delivered::AtLimit;
          if (!begin(next, Begun::ByDelivery)) return Delivered::Late;  // the run failed (its trace is full)
        }
      }
      if (k <= newest_ - static_cast<int64_t>(live_.size())) return Delivered::Late;  // retired
      l = layout_.line(slotOf(k), l);
    } else if (k != 0) {
      return Delivered::NoSuchIteration;
    }
    if (lines_[l].inAvailable || lines_[l].inPending || crashed(l, time)) return Delivered::Late;
    How how = How::Chosen;
    auto f = forced_.find(l);
    if (f != forced_.end()) {
      value = f->second;
      how = How::Forced;
    } else if (const Replayed* r = replayed(l)) {
      // What the network delivers is what was sent: a recorded delivery of
      // another value was edited in.
      if (config_.replayStrict && replayContradiction_.empty() && !config_.byzantine[hot(l).domain])
        checkReplayed(l, value, r->value);
      value = r->value;
      time = r->time;
    }
    lines_[l].inPending = true;
    schedule(std::max(time, now_), 0, l, false, how, std::move(value));
    return Delivered::Yes;
  }

  // A recorded honest choice must be the rule's value (a random one's must
  // be in its range): a trace edited to say otherwise is refused.
  void checkReplayed(uint32_t l, const Value& rule, const Value& recorded) {
    const LineSig* sig = graph_.signature(catalog_, generalLine(l));
    const FlatInstance& inst = instance(graph_.lines[generalLine(l)].instance);
    bool possible = recorded == rule;
    if (sig && sig->choiceRangeParam >= 0) {
      int64_t k = graph_.args(inst)[sig->choiceRangeParam];
      possible = recorded.kind == Value::Kind::Int && recorded.i >= 0 && recorded.i < k;
    }
    if (possible) return;
    uint32_t slot = slotOfLine(l);
    std::string path = graph_.linePath(catalog_, generalLine(l));
    if (slot != kNone) path = iterationName(path, work_.slotIteration[slot]);
    std::string what = !sig             ? std::string("an Fn's expression")
                       : sig->choosable ? sig->choiceRule
                                        : std::string("the network delivers what was sent");
    replayContradiction_ = "it records " + path + " = " + recorded.brief() + ", which its rule (" + what +
                           ") could not choose" +
                           (sig && sig->choiceRangeParam >= 0 ? "" : " (it gives " + rule.brief() + ")");
  }

  // Every iteration the run may begin has begun and retired.
  bool iterationsDone() const { return !firstLive_ && live_.empty() && iterations_ >= maxIterations_; }

  bool outputAvailable(uint32_t output) const { return lines_[graph_.outputs[output].line].outAvailable; }

  void advanceTo(int64_t time) {
    time = std::min(time, config_.until);
    EventQueue& queue = work_.queue;
    EventQueue::Entry e;
    if (!unbounded_ && !config_.schedule && !config_.watch && config_.domainEnds.empty()) {  // the common case
      while (queue.popDue(time, e)) {
        happen(e);
        finishStep();
      }
      return;
    }
    while (stepTo(time)) {
    }
  }

  // Runs the next event due at or before `time` with its step; false when
  // none is due (or a watch has stopped the run).
  [[gnu::always_inline]] bool stepTo(int64_t time) {
    time = std::min(time, config_.until);
    EventQueue::Entry e;
    if (watchStopped_ || !(config_.schedule ? popScheduled(time, e) : popNext(time, e))) return false;
    if (unbounded_) countPending(work_.slots[e.slot].event(), -1);
    if (!config_.domainEnds.empty() && afterItsDomainsEnd(e)) [[unlikely]]
      return true;
    happen(e);
    finishStep();
    if (unbounded_) retireWhatIsDone();
    if (heldBegin_) beginHeld();
    return true;
  }

  // In a replay of a cluster's trace, whether the event comes after its
  // node's run ended (RunConfig::domainEnds): it does not happen, and
  // what it would have made stays pending, as it did on the node.
  bool afterItsDomainsEnd(const EventQueue::Entry& e) {
    PendingEvent p = work_.slots[e.slot].event();
    if (p.target == kNone) return false;  // (an iteration's beginning: no domain's)
    int64_t domain = domainOf(p.phase == 1 ? instance(p.target).firstLine : p.target);
    if (e.time <= config_.domainEnds[static_cast<size_t>(domain)]) return false;
    if (p.phase == 1)
      work_.freeEventSlot(e.slot);
    else
      take(e.slot);
    return true;
  }

  // In a replay, where the next event due at or before `time` stands in
  // the trace: its time and place (kUnplaced: not recorded there).
  std::optional<ReplayPosition> nextInTrace(int64_t time) const {
    time = std::min(time, config_.until);
    if (!places_ || work_.queue.empty() || work_.queue.top().time > time) return std::nullopt;
    const EventQueue::Entry& e = work_.queue.top();
    PendingEvent p = work_.slots[e.slot].event();
    return ReplayPosition{e.time, placeInTrace(e.slot, p.phase, p.target, p.output)};
  }

  // The instant in which an output became available has ended: whether
  // the watch stops the run there.
  bool watchStops() {
    watchDue_ = false;
    watchStopped_ = config_.watch->instantEnds(now_, {work_.outputs.data(), graph_.outputs.size()});
    return watchStopped_;
  }

  // The rest of an event's step: what it made available at once, each a
  // line end arriving at the present, in the order made (docs/semantics.md#steps).
  [[gnu::always_inline]] void finishStep() {
    uint32_t slot;
    while (work_.queue.takeInStep(slot)) {
      PendingEvent p = work_.slots[slot].event();
      if (unbounded_) countPending(p, -1);
      if (p.output)
        outputArrives(p.target, slot);
      else
        inputArrives(p.target, slot, p.how);
    }
  }

  // What a popped event does.
  [[gnu::always_inline]] void happen(const EventQueue::Entry& e) {
    now_ = e.time;
    PendingEvent p = work_.slots[e.slot].event();
    if (p.target == kNone) {  // the next iteration of a stream begins
      int64_t k = take(e.slot).i;
      if (!stopped_ && k > newest_) beginFromStream(k);
    } else if (p.phase == 1) {
      work_.freeEventSlot(e.slot);
      work_.decidePending[p.target] = 0;
      trigger_ = kNone;
      react(p.target, true);
    } else if (p.output) {
      outputArrives(p.target, e.slot);
    } else {
      inputArrives(p.target, e.slot, p.how);
    }
  }

  // Over a network: while held (a peer's send window is full), the stream
  // begins no iteration; the one due waits, and begins once released.
  void holdStream(bool hold) {
    streamHeld_ = hold;
    if (heldBegin_) beginHeld();
  }

  size_t live() const { return live_.size() + (firstLive_ ? 1 : 0); }

  // A stream's next iteration is due: it begins now, unless the node is
  // streamAhead iterations ahead (over a network), when it is held until
  // one retires.
  void beginFromStream(int64_t k) {
    if (streamHeld_ || (config_.streamAhead && live() >= config_.streamAhead)) {
      heldBegin_ = k;
      return;
    }
    begin(k, Begun::ByStream);
  }

  // The iteration held back begins, if nothing holds it any more.
  void beginHeld() {
    if (heldBegin_ > newest_ && !streamHeld_ && (!config_.streamAhead || live() < config_.streamAhead) && !stopped_)
      begin(std::exchange(heldBegin_, 0), Begun::ByStream);
  }

  // Nothing is left before --until: the last instant has ended too.
  void lastInstantEnds() {
    if (watchDue_ && !watchStopped_) watchStops();
  }

  // The end of the run: the iterations still live are reported as cut off.
  void finish() {
    if (!layout_.box) return;
    if (firstLive_) retireFirst(false);
    while (!live_.empty()) retireOldest(false);
  }

  RunResult result() const {
    RunResult result;
    result.outputs.resize(graph_.outputs.size());
    result.waits.resize(graph_.outputs.size());
    for (uint32_t o = 0; o < graph_.outputs.size(); ++o) {
      if (layout_.box && layout_.box->hasOutput(o)) continue;  // reported per iteration
      if (work_.outputs[o].available) {
        result.outputs[o] = work_.outputs[o];
      } else {
        result.waits[o] = waitingFor(graph_.outputs[o].line);
      }
    }
    result.failures = failures_;
    result.replayContradiction = replayContradiction_;
    if (moreFailures_) result.failures.push_back("... and " + std::to_string(moreFailures_) + " more failures");
    result.events = events_;
    result.endTime = now_;
    result.stopped = watchStopped_;
    result.iterations = iterations_;
    result.peakLiveIterations = peakLive_;
    return result;
  }

  // ---- FireContext ----
  const FlatInstance& instance(uint32_t i) const override {
    return unbounded_ ? work_.instance(i) : graph_.instances[i];
  }
  const FnBody& fnBody(const FlatInstance& inst) const override { return graph_.fns[inst.fn]; }
  // A later iteration's line is in its general line's domain.
  int64_t domainOf(uint32_t line) const override { return graph_.lines[generalLine(line)].domain; }
  std::span<const int64_t> args(const FlatInstance& inst) const override { return graph_.args(inst); }
  bool inAvailable(uint32_t l) const override { return lines_[l].inAvailable; }
  const Value& inValue(uint32_t l) const override { return lines_[l].in; }
  int64_t inTime(uint32_t l) const override {
    auto it = work_.inTimes.find(l);
    assert(it != work_.inTimes.end() && "inTime of a component that does not declare readsArrivalTimes");
    return it == work_.inTimes.end() ? 0 : it->second;
  }
  bool outAvailable(uint32_t l) const override { return lines_[l].outAvailable || lines_[l].outPending; }
  // A bound input is to choose once its value has arrived and until the
  // rule releases it; its forced value is the one that arrived.
  bool toChoose(uint32_t l) const override {
    const LineState& s = lines_[l];
    uint32_t g = generalLine(l);
    if (facts_.bound(g)) return s.inAvailable && !s.outAvailable && !s.outPending;
    return facts_.chooses(g) && !s.inAvailable && !s.inPending;
  }
  const Value* forced(uint32_t l) const override {
    if (facts_.bound(generalLine(l))) return lines_[l].inAvailable ? &lines_[l].in : nullptr;
    if (forced_.empty()) return nullptr;
    auto it = forced_.find(l);
    return it == forced_.end() ? nullptr : &it->second;
  }
  std::optional<int64_t> after(uint32_t instance, int64_t delay, const char* what) override {
    if (delay < 0 || delay >= INT64_MAX - now_) [[unlikely]] {
      noTimeAfter(instance, delay, what);
      return std::nullopt;
    }
    return now_ + delay;
  }
  // (after()'s failures: out of line, so that after() inlines in a reaction.)
  [[gnu::noinline, gnu::cold]] void noTimeAfter(uint32_t instance, int64_t delay, const char* what) {
    if (delay < 0) {
      fail(instance, std::string("a negative ") + what + " (" + Value::duration(delay).str() + ")");
      return;
    }
    // (INT64_MAX itself means "never" in a trace.)
    fail(instance, std::string("a ") + what + " of " + Value::duration(delay).str() + " after " +
                       Value::duration(now_).str() + " is past the largest time");
  }
  void emit(uint32_t l, Value value, int64_t time) override { emitNow(l, std::move(value), time); }
  // (Inline in an arrival's pass-through, the most common emission.)
  [[gnu::always_inline]] void emitNow(uint32_t l, Value&& value, int64_t time) {
    lines_[l].outPending = true;
    schedule(time, 0, l, true, How::Computed, std::move(value));
  }
  void choose(uint32_t l, Value value, int64_t time) override {
    uint32_t g = generalLine(l);
    if (facts_.bound(g)) {  // the rule releases the bound value
      if (time < config_.crashAt[graph_.lines[g].domain]) emit(l, std::move(value), time);
      return;
    }
    if (config_.replay) [[unlikely]] {
      if (!replayedChoice(l, value, time)) return;
    } else if (crashed(l, time)) {
      return;
    }
    lines_[l].inPending = true;
    schedule(time, 0, l, false, !forced_.empty() && forced_.count(l) ? How::Forced : How::Chosen, std::move(value));
  }
  // A choice in a replay: the recorded one, made before any crash, whatever
  // delay this run drew (a projection draws its own); any other is judged
  // at its time: a crashed domain's sources stay silent. False when the
  // choice is not made. (Out of line, so that choose() inlines in a reaction.)
  [[gnu::noinline]] bool replayedChoice(uint32_t l, Value& value, int64_t& time) {
    if (const Replayed* r = replayed(l)) {
      // (A Byzantine domain's may be a lie: its header's faults are checked before the run.)
      if (config_.replayStrict && replayContradiction_.empty() && !forced_.count(l) &&
          !config_.byzantine[hot(l).domain])
        checkReplayed(l, value, r->value);
      value = r->value;
      time = std::max(r->time, now_);
      return true;
    }
    if (crashed(l, time)) return false;
    if (hot(l).gatewayOut) return true;
    // A replay makes only the recorded choices: the run made this one
    // after its end. Its tie-break key is still drawn, so that the rest of
    // the schedule is the recorded one, and it stays pending for good, as
    // it was in the recorded run (its iteration does not retire).
    ties_.next();
    if (unbounded_) countPending({l, 0, false, How::Chosen}, +1);
    return false;
  }
  // Marks the line, and what strictly waits for it, as never to arrive:
  // its own output, the line its wire feeds in the same iteration, the
  // lines of its instance whose output or chosen value needs it. Each
  // extrinsic output among them (a copy sent to a peer included) counts as
  // settled for the retire rule, as an available one does.
  void never(uint32_t line) override {
    if (!config_.gatewaysFromNetwork) return;
    std::vector<uint32_t> todo{line};
    while (!todo.empty()) {
      uint32_t l = todo.back();
      todo.pop_back();
      LineState& s = lines_[l];
      if (s.never || s.inAvailable || s.inPending || s.outAvailable || s.outPending) continue;
      s.never = true;
      if (slotOfLine(l) == kNone) work_.touchLine(l);
      const HotLine h = hot(l);
      uint32_t at = slotOfLine(l);
      if (h.output != kNone) {
        if (at != kNone) --work_.slotOutputsLeft[at];
        if (at == kNone && layout_.box && layout_.box->first().hasOutputs(h.output)) --firstOutputsLeft_;
      }
      if (h.wireTo != kNone && !h.crossing) todo.push_back(at == kNone ? h.wireTo : layout_.line(at, h.wireTo));
      waitingOn(l, todo);
    }
  }

  // The lines of `line`'s instance whose output or chosen value strictly
  // needs it (its signature's outputNeeds and choiceNeeds).
  void waitingOn(uint32_t line, std::vector<uint32_t>& out) const {
    uint32_t general = generalLine(line), at = slotOfLine(line);
    const FlatInstance& inst = graph_.instances[graph_.lines[general].instance];
    const LineSig* mine = graph_.signature(catalog_, general);
    const std::string& name = mine ? mine->name : kFnArgument;
    for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount; ++m) {
      const LineSig* sig = graph_.signature(catalog_, m);
      if (!sig || m == general) continue;
      auto named = [&](const std::vector<std::string>& names) {
        return std::find(names.begin(), names.end(), name) != names.end();
      };
      if (named(sig->outputNeeds) || (sig->choosable && named(sig->choiceNeeds)))
        out.push_back(at == kNone ? m : layout_.line(at, m));
    }
  }
  static inline const std::string kFnArgument = "*args";  // how a signature names an Fn's arguments

  void decideAtEndOfInstant(uint32_t instance) override {
    if (work_.decidePending[instance]) return;
    work_.decidePending[instance] = 1;
    work_.touchInstance(instance);
    schedule(now_, 1, instance, false, How::Computed, Value());
  }
  std::vector<std::pair<Value, int64_t>>& tally(uint32_t instance) override {
    work_.touchInstance(instance);
    return work_.tally(instance);
  }
  int64_t linkDelay(uint32_t instance) override {
    const Latency& latency = config_.linkLatency[generalInstance(instance)];
    if (latency.lost) return kLostMessage;
    // Drawn under every strategy, so that a Schedule can start from the
    // seed's delay and the generator's later draws stay the same.
    int64_t drawn = latency.draw(net_);
    if (!config_.schedule) return drawn;
    return config_.schedule->delay(latency, hot(this->instance(instance).firstLine).domain, drawn);  // the sender's
  }
  int64_t coin(uint32_t instance, int64_t sides) override {
    uint32_t domain = hot(this->instance(instance).firstLine).domain;
    if (coins_.empty()) coins_.resize(graph_.domains.size());  // made by the first flip: most models have none
    auto& rng = coins_[domain];
    if (!rng) rng = std::make_unique<Rng>(config_.seed ^ 0x636F696E00000000ull ^ fnv1a(graph_.domains[domain]));
    // Drawn under every strategy, as a delay is, so that the coins' later
    // draws stay the same; a forced flip is no choice point (Coin: x, then flip).
    int64_t drawn = rng->uniform(0, sides - 1);
    bool free = config_.schedule && !forced(this->instance(instance).firstLine + 1);
    return free ? config_.schedule->flip(sides, drawn) : drawn;
  }
  void fail(uint32_t instance, const std::string& message) override {
    uint32_t slot = slotOfInstance(instance);
    std::string path = graph_.instancePath(generalInstance(instance));
    failure((slot == kNone ? path : iterationName(path, work_.slotIteration[slot])) + ": " + message);
  }

 private:
  // A runtime failure, kept for the report: the first kMaxFailures of them
  // (an unbounded box may fail the same way in every iteration), then counted.
  static constexpr size_t kMaxFailures = 100;
  void failure(std::string message) {
    if (failures_.size() < kMaxFailures)
      failures_.push_back(std::move(message));
    else
      ++moreFailures_;
  }

  // A line's or instance's slot and general one (see Workspace): for a
  // bounded graph, none and itself, without reading the tables.
  uint32_t generalLine(uint32_t l) const { return unbounded_ ? layout_.generalLine(l) : l; }
  uint32_t slotOfLine(uint32_t l) const { return unbounded_ ? layout_.slotOfLine(l) : kNone; }
  uint32_t generalInstance(uint32_t i) const { return unbounded_ ? layout_.generalInstance(i) : i; }
  uint32_t slotOfInstance(uint32_t i) const { return unbounded_ ? layout_.slotOfInstance(i) : kNone; }
  HotLine hot(uint32_t l) const { return facts_.hot(generalLine(l)); }

  // The number a line has in events and traces: its own for the graph's
  // lines (iterations 0 to 2 included), and for a slot's line the next
  // numbers after the graph's, iteration by iteration (EventSink).
  uint64_t logicalLine(uint32_t l) const {
    uint32_t slot = slotOfLine(l);
    if (slot == kNone) return l;
    return firstLogicalLine(work_.slotIteration[slot]) + (generalLine(l) - layout_.general.line);
  }
  uint64_t firstLogicalLine(int64_t k) const { return firstRunLine(*layout_.box, layout_.lines, k); }

  const Replayed* replayed(uint32_t line) const {
    if (!config_.replay) return nullptr;
    auto it = config_.replay->find(static_cast<uint32_t>(logicalLine(line)));
    return it == config_.replay->end() ? nullptr : &it->second;
  }

  // (The line's domain alone: assembling its HotLine would cost a choice tens of instructions.)
  bool crashed(uint32_t line, int64_t time) const {
    return time >= config_.crashAt[graph_.lines[generalLine(line)].domain];
  }

  // Inline in every caller (a call's own cost was a tenth of an event's);
  // only a new slot, once the free ones are used up, is a call.
  [[gnu::always_inline]] void schedule(int64_t time, uint8_t phase, uint32_t target, bool output, How how,
                                       Value&& value) {
    uint32_t slot = work_.freeSlot;
    if (slot != kNone) [[likely]] {
      work_.freeSlot = work_.slots[slot].target;
      work_.slots[slot].value = std::move(value);
    } else {
      slot = newEventSlot(std::move(value));
    }
    enqueue(slot, time, phase, target, output, how);
  }

  [[gnu::noinline]] uint32_t newEventSlot(Value&& value) {
    work_.slots.push_back({std::move(value)});
    return static_cast<uint32_t>(work_.slots.size() - 1);
  }

  // Marks a line an event reaches as one the next run resets.
  [[gnu::always_inline]] void touch(uint32_t line) {
    if (lines_[line].touched) return;
    lines_[line].touched = true;
    if (slotOfLine(line) == kNone) work_.touchLine(line);  // slots are reset whole
  }

  // Queues the event in `slot` (whose value is in place) to do this at `time`.
  [[gnu::always_inline]] void enqueue(uint32_t slot, int64_t time, uint8_t phase, uint32_t target, bool output,
                                      How how) {
    if (phase == 0 && target != kNone) touch(target);
    PendingEvent event{target, phase, output, how};
    if (unbounded_) countPending(event, +1);
    work_.slots[slot].set(event);
    // What a step makes available at once runs in the step: no key orders it.
    if (phase == 0 && how == How::Computed && time == now_ && target != kNone) [[likely]]
      return work_.queue.pushInStep(slot);
    // (In arrival order, a key that grows: the queue keeps such events in order.)
    bool counted = config_.arrivalOrder && !config_.schedule;
    uint64_t key = counted ? arrivals_++ << 1 : ties_.next();
    uint64_t order = phase == 0 ? EventQueue::order(0, key)
                                : EventQueue::decisionOrder(facts_.decisionRank[generalInstance(target)], key, counted);
    if (places_) [[unlikely]]
      order = replayOrder(placeInTrace(slot, phase, target, output), phase == 0 && target != kNone, order);
    work_.queue.push({time, order, slot}, now_);
  }

  // In a replay, the order of an event of the trace's `place` among the
  // events of its instant: at that place, whatever its phase, for the trace
  // records the whole run's order (a projection's own would differ: what
  // the network brings is an arrival there, the whole run's decision), an
  // iteration's beginning (no event of its own) just before its place's
  // end. What the trace does not record keeps its `drawn` order after every
  // recorded event: arrivals first, then decisions by rank.
  static uint64_t replayOrder(uint64_t place, bool lineEnd, uint64_t drawn) {
    if (place == kUnplaced) return drawn >> 63 ? drawn : uint64_t{1} << 62 | drawn >> 1;
    return place << 1 | lineEnd;
  }
  // Where the event in `slot` stands in the trace: a line end's place; an
  // iteration's beginning, the place of its first recorded end (or
  // Trace::iterationBegins'); a decision's, the place of the first choice
  // of its instance the trace records (what the decision made, in the
  // instant it decides, or a bound choice's release; one made earlier
  // leaves the decision nothing to do, and it may go anywhere).
  uint64_t placeInTrace(uint32_t slot, uint8_t phase, uint32_t target, bool output) const {
    if (phase == 1) return decisionPlace(target);
    if (target == kNone) return firstPlaceIn(work_.slots[slot].value.i);
    return placeOf(logicalLine(target) << 1 | output);
  }
  uint64_t decisionPlace(uint32_t instance) const {
    const FlatInstance& inst = this->instance(instance);
    uint64_t place = kUnplaced;
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {  // (a bound one: its release)
      if (facts_.chooses(generalLine(l))) place = std::min(place, placeOf(logicalLine(l) << 1));
      if (facts_.bound(generalLine(l))) place = std::min(place, placeOf(logicalLine(l) << 1 | 1));
    }
    return place;
  }
  static constexpr uint64_t kUnplaced = UINT64_MAX;
  uint64_t placeOf(uint64_t end) const {
    auto place = places_->find(end);
    return place == places_->end() ? kUnplaced : place->second;
  }
  // The place of iteration k's beginning: recorded (k >= 3: where the
  // trace adds its lines), else before the first recorded end of its lines
  // and, for the window's, before the next iteration's beginning, which it
  // schedules (a stream's next element is due when one begins).
  uint64_t firstPlaceIn(int64_t k) const {
    if (auto begun = config_.replayBegins.find(k); begun != config_.replayBegins.end()) return begun->second;
    uint64_t first = firstLogicalLine(k), place = kUnplaced;
    uint64_t lines =
        k < UnboundedBox::kWindow ? layout_.box->window[static_cast<size_t>(k)].lines : layout_.general.lines;
    for (uint64_t end = first << 1; end < (first + lines) << 1; ++end) place = std::min(place, placeOf(end));
    if (k < UnboundedBox::kWindow) place = std::min(place, firstPlaceIn(k + 1));
    return place;
  }

  // The next event due by `time`, unless the watch stops the run as an
  // instant ends (then the event, of a later instant, does not happen).
  bool popNext(int64_t time, EventQueue::Entry& e) {
    if (!work_.queue.popDue(time, e)) return false;
    return !(watchDue_ && e.time > now_ && watchStops());
  }

  // popNext with a Schedule: the events due together (the same time and
  // stratum) are a choice point, and the one the schedule picks goes next.
  // They wait in instant_ until each is picked, joined by those the steps
  // add to the instant; an event of an earlier stratum (a decision's step
  // makes a choice due at once) sends them back to the queue, to wait
  // until it has happened.
  [[gnu::noinline]] bool popScheduled(int64_t time, EventQueue::Entry& e) {
    EventQueue& queue = work_.queue;
    if (!instant_.empty() && !queue.empty() && queue.top().time == now_ &&
        EventQueue::stratum(queue.top().order) < instantStratum_) {
      ready_.clear();
      instant_.forEach([&](const ReadyEvent& r) { ready_.push_back({now_, r.order, r.slot}); });
      queue.restore(ready_, SIZE_MAX, now_);
      instant_.reset(0);
    }
    if (instant_.empty()) {
      if (!popNext(time, e)) return false;
      if (queue.empty() || !togetherWith(queue.top(), e.time, EventQueue::stratum(e.order))) return true;
      now_ = e.time;
      instantStratum_ = EventQueue::stratum(e.order);
      instant_.reset(static_cast<uint32_t>(graph_.domains.size()));
      instant_.add(readyEvent(e));
    }
    while (!queue.empty() && togetherWith(queue.top(), now_, instantStratum_)) instant_.add(readyEvent(queue.pop()));
    ReadyEvent chosen = instant_.size() == 1 ? instant_.first() : config_.schedule->pick(instant_);
    instant_.remove(chosen);
    e = {now_, chosen.order, chosen.slot};
    return true;
  }
  static bool togetherWith(const EventQueue::Entry& e, int64_t time, uint64_t stratum) {
    return e.time == time && EventQueue::stratum(e.order) == stratum;
  }

  // A pending event as a Schedule sees it: the domain that acts in it,
  // that of its instance's first line (for a Link's delivery, the
  // sender's; an output end's own), and the domain its step may change,
  // its line's (a decision's instance's); kNoDomain for both for an
  // iteration's beginning.
  ReadyEvent readyEvent(const EventQueue::Entry& e) const {
    const PendingEvent& p = work_.slots[e.slot].event();
    auto ready = [&](uint32_t domain, uint32_t changes) { return ReadyEvent{e.order, e.slot, domain, changes}; };
    if (p.target == kNone) return ready(kNoDomain, kNoDomain);
    if (p.phase == 1) {
      uint32_t domain = hot(instance(p.target).firstLine).domain;
      return ready(domain, domain);
    }
    const HotLine h = hot(p.target);
    if (p.output) return ready(h.domain, h.domain);
    uint32_t at = slotOfLine(p.target);
    uint32_t i = at == kNone ? h.instance : layout_.instance(at, h.instance);
    return ready(hot(instance(i).firstLine).domain, h.domain);
  }

  // The value of a pending event, whose slot is then free.
  Value take(uint32_t slot) {
    work_.freeEventSlot(slot);
    return std::move(work_.slots[slot].value);
  }

  // A line end's event, told to a sink that is told of every end; an
  // extrinsic output's end (`extrinsic`) to any sink.
  void record(uint32_t line, bool output, const Value& value, How how, bool extrinsic = false) {
    ++events_;
    if (config_.sink && (sinkEveryEnd_ || extrinsic))
      config_.sink->record({logicalLine(line), output, &value, now_, how});
  }

  // Only interacting components react; a value reaching any other rests
  // at its input. Components whose every line passes through (Recv) have no
  // reaction.
  void react(uint32_t instance, bool endOfInstant) {
    uint32_t general = generalInstance(instance);
    if (!demand_->interacts[general]) return;
    react_[graph_.instances[general].base](*this, instance, endOfInstant);
  }

  // (react() inlined: the instance's base and whether it interacts are
  // read once for both the pass-through and the reaction.)
  void inputArrives(uint32_t line, uint32_t slot, How how) {
    LineState& s = lines_[line];
    s.in = take(slot);
    s.inAvailable = true;
    s.inPending = false;
    record(line, false, s.in, how);
    const HotLine h = hot(line);
    uint16_t base = h.base;
    if (facts_.readsArrivalTimes[base]) work_.inTimes[line] = now_;
    trigger_ = line;
    if (!demand_->interacts[h.instance]) return;
    if (h.passThrough && !h.bound && !s.outPending) {
      // An output end that goes nowhere (`-> drop`) changes nothing but its
      // own state: without a sink to list it, no event need carry it.
      if (h.wireTo == kNone && h.output == kNone && !sinkEveryEnd_)
        ++events_, s.outAvailable = true;
      else
        emitNow(line, Value(s.in), now_);
    }
    if (const Reaction& r = (h.chooses ? reactToChoice_ : react_)[base]) {
      uint32_t at = slotOfLine(line);
      r(*this, at == kNone ? h.instance : layout_.instance(at, h.instance), false);
    }
  }

  // A value crossing a wire stays in its slot: the event at the wire's
  // other end reuses it.
  void outputArrives(uint32_t line, uint32_t slot) {
    LineState& s = lines_[line];
    s.outAvailable = true;
    s.outPending = false;
    const HotLine h = hot(line);
    if (h.wireTo == kNone) {  // (an extrinsic output's line has no wire)
      outputEnds(line, h.output, take(slot));
      return;
    }
    uint32_t at = slotOfLine(line);
    record(line, true, work_.slots[slot].value, How::Computed);
    uint32_t to;
    if (h.crossing) {  // into the next iteration, which begins if it has not yet
      int64_t next = (at == kNone ? 0 : work_.slotIteration[at]) + 1;
      if (next > newest_ && !begin(next)) {
        take(slot);
        return;
      }
      to = layout_.line(slotOf(next), h.wireTo);
    } else {
      to = at == kNone ? h.wireTo : layout_.line(at, h.wireTo);
    }
    // With nothing else left in the step, the value's arrival at the wire's
    // other end is the next the step passes on: it arrives now, unqueued.
    if (work_.queue.stepDone()) {
      touch(to);
      return inputArrives(to, slot, How::Computed);
    }
    enqueue(slot, now_, 0, to, false, How::Computed);
  }

  // An output end whose value goes no further along a wire: an extrinsic
  // output's, or one dropped.
  [[gnu::noinline]] void outputEnds(uint32_t line, uint32_t output, Value value) {
    record(line, true, value, How::Computed, output != kNone);
    if (output == kNone) return;
    uint32_t at = slotOfLine(line);
    work_.outputs[at == kNone ? output : layout_.output(at, output)] = {true, value, now_};
    if (config_.watch && at == kNone) [[unlikely]]
      watchDue_ = true;  // (asked once the instant ends)
    if (at != kNone) --work_.slotOutputsLeft[at];
    if (at == kNone && layout_.box && layout_.box->first().hasOutputs(output)) --firstOutputsLeft_;
  }

  // ---- the unbounded box's iterations ----

  // Pending events are counted per iteration (and for the rest of the
  // graph), so that an iteration retires when nothing more can reach it.
  [[gnu::always_inline]] void countPending(const PendingEvent& p, int delta) {  // (called only with an unbounded box)
    if (p.target == kNone) return;
    uint32_t slot = p.phase == 1 ? slotOfInstance(p.target) : slotOfLine(p.target);
    if (slot != kNone) {  // (most events: a live iteration's)
      work_.slotPending[slot] += delta;
      return;
    }
    bool first = p.phase == 1 ? layout_.box->first().hasInstance(p.target) : layout_.box->first().hasLine(p.target);
    (first ? firstPending_ : restPending_) += delta;
  }

  uint32_t slotOf(int64_t k) const {
    return live_[static_cast<size_t>(k - (newest_ - static_cast<int64_t>(live_.size()) + 1))];
  }

  // The name bindings of a stream input's expressions for iteration k.
  std::optional<Value> streamExpr(const Expr* e, const StreamInput& stream, int64_t k, const char* what) {
    const std::string& var = layout_.box->var;
    auto lookup = [&](std::string_view name) -> std::optional<Value> {
      if (name == var) return Value::integer(k);
      for (auto it = stream.env.rbegin(); it != stream.env.rend(); ++it) {
        if (it->first == name) return Value::integer(it->second);
      }
      return std::nullopt;
    };
    ExprError error;
    auto v = evalExpr(*e, lookup, &error);
    if (!v) {
      const std::string& input = graph_.inputs[stream.input].name;
      failure("input " + iterationName(input, k) + ": its " + what + " fails: " + error.message);
      stopped_ = true;
    }
    return v;
  }

  // When iteration k's stream inputs arrive: the earliest of them begins
  // it, unless the iteration before passes it a value earlier. Each
  // stream's arrival times must not decrease.
  void scheduleBegin(int64_t k) {
    if (static_cast<uint64_t>(k) >= maxIterations_) return;
    const std::vector<StreamInput>& streams = layout_.box->streams;
    if (lastArrival_.empty()) {  // iteration 0's are the graph's own inputs
      for (const StreamInput& stream : streams) {
        lastArrival_.push_back(
            graph_.inputs[layout_.box->first().input + (stream.input - layout_.general.input)].arrival);
      }
      nextArrival_ = lastArrival_;
    }
    std::optional<int64_t> earliest;
    for (size_t s = 0; s < streams.size(); ++s) {
      if (!facts_.streamArrival[s]) continue;
      auto t = streamExpr(facts_.streamArrival[s].get(), streams[s], k, "arrival time");
      if (!t) return;
      if (t->kind != Value::Kind::Duration || t->i < lastArrival_[s]) {
        const std::string& name = graph_.inputs[streams[s].input].name;
        failure("input " + iterationName(name, k) + " arrives at " + t->brief() + ", before " +
                iterationName(name, k - 1) + " (" + Value::duration(lastArrival_[s]).str() +
                "): a stream's arrival times are Durations that never decrease");
        stopped_ = true;
        return;
      }
      nextArrival_[s] = lastArrival_[s] = t->i;
      earliest = std::min(earliest.value_or(INT64_MAX), t->i);
    }
    // (An element arriving at the largest time, which a trace reserves for
    // "never", never arrives, as an input of the graph arriving then does not.)
    if (earliest && *earliest < INT64_MAX)
      schedule(std::max(*earliest, now_), 0, kNone, false, How::Input, Value::integer(k));
  }

  // Iteration k (the one after the newest) begins: it takes a slot, draws
  // its lies, and its constants and stream inputs are scheduled. False when
  // the run may make no more iterations.
  // What makes an iteration begin: a value from the one before crossing
  // into it, its stream's inputs arriving, or what the network brought (not
  // a chain of iterations, which the check on iterations begun at one
  // instant is for).
  enum class Begun { ByCrossing, ByStream, ByDelivery };
  bool begin(int64_t k, Begun by = Begun::ByCrossing) {
    if (stopped_ || static_cast<uint64_t>(k) >= maxIterations_) return false;
    if (live_.size() + firstLive_ >= config_.maxLiveIterations && config_.gatewaysFromNetwork) evictQuietOldest();
    // Iterations that begin one after the other at one instant, with none
    // left live to hit the limit, are a chain that never waits: time would
    // never pass. So is a chain of crossings that meets the limit too:
    // within the one step that makes them, none retires.
    beganNow_ = now_ == lastBegin_ && by != Begun::ByDelivery ? beganNow_ + 1 : 1;
    lastBegin_ = now_;
    bool full = live_.size() + firstLive_ >= config_.maxLiveIterations;
    if (beganNow_ > config_.maxLiveIterations && (!full || by == Begun::ByCrossing)) {
      std::string why =
          by == Begun::ByStream
              ? "its stream's elements all arrive then (their `at` does not grow with " + layout_.box->var + ")"
              : std::string("each passes a value to the next at once");
      // (A chain may end: a Filter that stops it, an on-demand box's K.)
      why += "; a chain that never ends would never get past " + Value::duration(now_).str() +
             ", and one that ends needs a --max-live above its length";
      failure(layout_.box->label() + " (line " + std::to_string(graph_.positions[layout_.box->pos].line) + ") began " +
              std::to_string(beganNow_ - 1) + " iterations at " + Value::duration(now_).str() +
              " without time passing (--max-live): " + why);
      stopped_ = true;
      return false;
    }
    if (full) {
      const Pos& pos = graph_.positions[layout_.box->pos];
      failure(layout_.box->label() + " (line " + std::to_string(pos.line) + ") has " +
              std::to_string(config_.maxLiveIterations) + " live iterations at " + Value::duration(now_).str() +
              ", the limit (--max-live): iteration " + std::to_string(k) +
              " would begin before the oldest live one is done");
      stopped_ = true;
      return false;
    }
    if (traced_ && firstLogicalLine(k) + layout_.general.lines > kMaxTraceLines) {
      failure("iteration " + std::to_string(k) + " would take the trace past " + std::to_string(kMaxTraceLines) +
              " lines, the most a trace holds (run it without --trace, " + "or with an earlier --until)");
      stopped_ = true;
      return false;
    }
    uint32_t slot = work_.takeSlot(config_.maxLiveIterations);
    work_.slotIteration[slot] = k;
    work_.slotOutputsLeft[slot] = layout_.general.outputs;
    live_.push_back(slot);
    newest_ = k;
    ++iterations_;
    peakLive_ = std::max<uint64_t>(peakLive_, live_.size() + firstLive_);
    if (config_.sink) config_.sink->iterationBegins(k, firstLogicalLine(k));
    forceIteration(slot);
    const IterationBlock& g = layout_.general;
    std::vector<Value>& inputs = work_.slotInputs[slot];
    inputs.assign(g.inputs, Value());
    // (the scratch tables are the run's: an iteration begins without allocating)
    std::vector<int64_t>& arrival = beginArrival_;
    std::vector<uint8_t>& failed = beginFailed_;  // a value that does not evaluate never arrives
    arrival.assign(g.inputs, now_);
    failed.assign(g.inputs, 0);
    for (size_t s = 0; s < layout_.box->streams.size(); ++s) {
      const StreamInput& stream = layout_.box->streams[s];
      uint32_t j = stream.input - g.input;
      std::optional<Value> v;
      if (auto given = config_.streamInputs.find({k, stream.input}); given != config_.streamInputs.end())
        v = given->second;
      else if (facts_.streamValue[s])
        v = streamExpr(facts_.streamValue[s].get(), stream, k, "value");
      else
        v = Simulator::zeroValue(graph_.lines[graph_.inputs[stream.input].line].type, graph_.types,
                                 graph_.lines[graph_.inputs[stream.input].line].domain);
      if (facts_.streamArrival[s]) arrival[j] = std::max(nextArrival_[s], now_);  // (scheduleBegin(k) read it)
      if (v)
        inputs[j] = std::move(*v);
      else
        failed[j] = 1;
    }
    for (uint32_t l : facts_.generalSources) {
      uint32_t phys = layout_.line(slot, l);
      const Endpoint& src = graph_.lines[l].source;
      bool constant = src.kind == Endpoint::Kind::Const;
      if (!constant && graph_.inputs[src.ref].isGateway()) continue;  // what the network delivers
      int64_t time = constant ? now_ : arrival[src.ref - g.input];
      if (crashed(phys, time) || (!constant && failed[src.ref - g.input])) continue;
      schedule(time, 0, phys, false, How::Input,
               Value(constant ? graph_.constants[src.ref] : inputs[src.ref - g.input]));
    }
    if (!layout_.box->streams.empty() && k == newest_) scheduleBegin(k + 1);
    return true;
  }

  // The forced choices of an iteration's lines, as force() does for the
  // rest: given ones (by line number), then the Byzantine domains' lies.
  void forceIteration(uint32_t slot) {
    if (!forcing_) return;
    for (size_t c = 0; c < facts_.generalChoices.size(); ++c) {
      uint32_t l = layout_.line(slot, facts_.generalChoices[c]);
      if (auto f = config_.forces.find(static_cast<uint32_t>(logicalLine(l))); f != config_.forces.end()) {
        forced_[l] = f->second;
      } else if (config_.byzantine[hot(l).domain]) {
        auto told = lie(l, hot(l).domain, graph_.lines[facts_.generalChoices[c]].type,
                        facts_.lieOptions(facts_.generalChoices[c]));
        if (const Replayed* r = replayed(l)) told = liesAsRecorded(*r);
        if (!told) continue;
        forced_[l] = std::move(*told);
      } else {
        continue;
      }
      if (const Replayed* r = replayed(l)) forced_[l] = r->value;
    }
  }

  // Retires the oldest iterations that can do nothing more: nothing pending
  // in them, and the one before retired (nothing can reach them any more).
  // Over a network, where a delivery may still come, an iteration is done
  // once its extrinsic outputs (those sent to peers included) are
  // available as well.
  void retireWhatIsDone() {
    bool network = config_.gatewaysFromNetwork;
    if (firstLive_) {
      if (firstPending_ || (network ? firstOutputsLeft_ > 0 : restPending_ > 0)) return;
      retireFirst(true);
    }
    while (!live_.empty() && work_.slotPending[live_.front()] == 0 &&
           (!network || work_.slotOutputsLeft[live_.front()] == 0))
      retireOldest(true);
  }

  // Over a network, an iteration whose outputs never all become available
  // (a peer crashed, or a Byzantine sender reached only some nodes) would
  // stay live forever: at the limit, the oldest one with nothing pending is
  // retired as cut off, and what the network brings for it later is Late.
  void evictQuietOldest() {
    if (firstLive_) {
      if (firstPending_ == 0) retireFirst(false);
    } else if (!live_.empty() && work_.slotPending[live_.front()] == 0) {
      retireOldest(false);
    }
  }

  void retireFirst(bool complete) {
    firstLive_ = false;
    if (!config_.iterations) return;
    const IterationBlock& b = layout_.box->first();
    std::vector<Value> inputs;
    for (uint32_t i = b.input; i < b.input + b.inputs; ++i) inputs.push_back(Simulator::inputValue(graph_, i, config_));
    config_.iterations->retired({0, complete, {work_.outputs.data() + b.output, b.outputs}, inputs});
  }

  void retireOldest(bool complete) {
    uint32_t slot = live_.front();
    live_.pop_front();
    if (config_.iterations) {
      const IterationBlock& g = layout_.general;
      config_.iterations->retired({work_.slotIteration[slot],
                                   complete,
                                   {work_.outputs.data() + layout_.output(slot, g.output), g.outputs},
                                   work_.slotInputs[slot]});
    }
    uint32_t first = layout_.line(slot, layout_.general.line);
    forced_.erase(forced_.lower_bound(first), forced_.lower_bound(first + layout_.general.lines));
    work_.resetSlot(slot);
    work_.freeIterationSlots.push_back(slot);
  }

  // Forced choices: given ones, and every choice of a Byzantine domain.
  // Each Byzantine domain draws its lies from its own generator, keyed by
  // the seed and the domain's name, in the order of its lines, so that a
  // projection onto the domain draws the same lies as the whole model. A
  // gateway input (a cut Link's rcv) can be forced like the rcv it stands
  // for; a gateway output (Send's net copy) is not a choice of the model.
  // The unbounded box's later iterations draw theirs as they begin.
  void force() {
    bool anyByzantine = std::find(config_.byzantine.begin(), config_.byzantine.end(), true) != config_.byzantine.end();
    if (!anyByzantine && config_.forces.empty()) return;
    for (size_t k = 0; k < facts_.choices.size(); ++k) {
      uint32_t l = facts_.choices[k];
      const FlatLine& line = graph_.lines[l];
      if (auto f = config_.forces.find(l); f != config_.forces.end()) {
        forced_.emplace(l, f->second);
      } else if (config_.byzantine[line.domain]) {
        auto told = lie(l, line.domain, line.type, facts_.lieOptions(l));
        if (const Replayed* r = replayed(l)) told = liesAsRecorded(*r);
        if (!told) continue;
        forced_.emplace(l, std::move(*told));
      } else {
        continue;
      }
      // A replay's recorded value is the one the run will use (and demand by).
      if (const Replayed* r = replayed(l)) forced_[l] = r->value;
    }
  }

  // A replay lies where the trace records a lie (a Byzantine domain's
  // forced choice) and nowhere else, whatever this run's strategy or
  // projection would have told: the lie drawn first still keeps the
  // domain's later draws as they were.
  static std::optional<Value> liesAsRecorded(const Replayed& r) {
    return r.forced ? std::optional<Value>(r.value) : std::nullopt;
  }

  // A Byzantine domain's next lie for its choice `l`, of this type (a
  // choice among `options` options: one of them): the drawn one (none,
  // the line chosen honestly, when it lies only where forced), unless a
  // Schedule decides otherwise. The lie is drawn either way, so that the
  // domain's later lies stay the same.
  std::optional<Value> lie(uint32_t l, uint32_t domain, TypeId type, int64_t options) {
    if (lies_.empty()) lies_.resize(graph_.domains.size());  // made by the first lie: most runs tell none
    auto& rng = lies_[domain];
    if (!rng) rng = std::make_unique<Rng>(config_.seed ^ 0x62797A0000000000ull ^ fnv1a(graph_.domains[domain]));
    Value drawn = options > 0 ? Value::integer(rng->uniform(0, options - 1))
                              : Simulator::randomValue(type, graph_.types, *rng, domain);
    if (!config_.schedule) return config_.liesForced ? std::nullopt : std::optional<Value>(std::move(drawn));
    return config_.schedule->lie(static_cast<uint32_t>(logicalLine(l)), type, options, std::move(drawn),
                                 config_.liesForced);
  }

  // ---- demand ----

  // The graph's demand without forced values, unless a forced value picks
  // a choice's option (then this run demands only that option).
  void demand() {
    demand_ = &facts_.unforced;
    bool picks = std::any_of(forced_.begin(), forced_.end(), [&](const auto& f) {
      return facts_.picksAnOption(f.first) && f.second.kind == Value::Kind::Int;
    });
    if (!picks) return;
    ownDemand_ = facts_.demand(graph_, [&](uint32_t l) -> const int64_t* {
      const Value* v = nullptr;
      auto f = forced_.find(l);
      if (f != forced_.end())
        v = &f->second;
      else if (graph_.lines[l].source.kind == Endpoint::Kind::Const)
        v = &graph_.constants[graph_.lines[l].source.ref];
      return v && v->kind == Value::Kind::Int ? &v->i : nullptr;
    });
    demand_ = &ownDemand_;
  }

  // Walks back from an unavailable output to the first inputs that never
  // arrived, to say what the output waited for.
  std::string waitingFor(uint32_t line) const {
    std::vector<bool> seen(graph_.lines.size(), false);
    int steps = 4096;  // in all, over every branch (the printed chain is shortened apart)
    rulesSaid_.clear();
    return waitChain(line, seen, steps, kNone);
  }

  // The chain from `line` back to why it never arrived. Where a rule waits
  // for any one of several inputs (Select's choice) and none arrived, no one
  // of them is why: each is followed, `any of (A | B)`. Where it waits for
  // k of them (a Quorum short of k), those missing are followed, `2 more of
  // (A | B | C)`, each within the quorum's domain (`quorumDomain`, kNone
  // outside one): a vote from another domain ends its branch, `(from D)`, as
  // a projection's gateway does, so that projections run together (--split,
  // a cluster) explain as the whole model does. Only the outermost such rule
  // is followed so (a quorum's inputs are often quorums of their own).
  std::string waitChain(uint32_t line, std::vector<bool>& seen, int& steps, uint32_t quorumDomain) const {
    std::vector<std::string> hops;
    auto told = [&](const std::string& why) { return shortChain(hops) + why; };
    for (; steps > 0 && !seen[line]; --steps) {
      seen[line] = true;
      const FlatInstance& inst = graph_.instances[graph_.lines[line].instance];
      uint32_t missing = kNone;
      if (!lines_[line].inAvailable) {
        missing = line;
      } else {
        for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount && missing == kNone; ++m) {
          if (demand_->in[m] && !lines_[m].inAvailable) missing = m;
        }
      }
      if (missing == kNone) {
        hops.push_back(graph_.linePath(catalog_, line));
        return told(", which has all its inputs but did not fire" + byUntil());
      }
      const Endpoint& src = graph_.lines[missing].source;
      hops.push_back(graph_.linePath(catalog_, missing));
      uint32_t domain = graph_.lines[missing].domain;
      if (quorumDomain != kNone && domain != quorumDomain) return told(from(domain));
      if (config_.crashAt[domain] != INT64_MAX) {  // the same in a projection, whose run may end earlier
        return told(" (its domain " + graph_.domains[domain] + " crashed at " +
                    Value::duration(config_.crashAt[domain]).str() + ")");
      }
      if (src.kind != Endpoint::Kind::Wire && config_.linkLatency.size() == graph_.instances.size() &&
          config_.linkLatency[graph_.lines[missing].instance].lost) {  // a Link, or a projection's Recv of one
        return told(" (a lost link: the network loses what it carries)");
      }
      if (quorumDomain != kNone) {
        if (uint32_t sender = senderOf(missing); sender != kNone) return told(from(sender));
      }
      switch (src.kind) {
        case Endpoint::Kind::Wire:
          line = src.ref;
          continue;
        case Endpoint::Kind::Never:
          return told(" (its source is `never`)");
        case Endpoint::Kind::Choose: {
          std::vector<uint32_t> awaited = awaitedByRule(missing);
          if (awaited.size() == 1) {  // the rule waits for an input of its own instance
            line = awaited[0];
            continue;
          }
          if (!awaited.empty()) {
            hops.push_back(branches("any of", awaited, seen, steps, quorumDomain));
            return told("");
          }
          bool lies = config_.byzantine[domain] && !config_.liesForced;  // a lie is made when the rule would choose
          auto f = forced_.find(missing);
          std::string forced = f == forced_.end() ? "" : "forced to " + f->second.brief();
          hops.back() += (lies ? " (a lie of Byzantine " + graph_.domains[domain] +
                                     (forced.empty() ? "" : ", " + forced) + ", never made: its rule never chose"
                               : " (" + (forced.empty() ? "" : forced + "; ") + "its rule never chose") +
                         byUntil() + ": " + ruleOf(missing) + ")";
          // A rule short of k inputs waits for that many more of those missing.
          CountedInputs counted = countedInputs(missing);
          if (quorumDomain == kNone && counted.arrived < counted.k && !counted.missing.empty())
            hops.push_back(branches(std::to_string(counted.k - counted.arrived) + " more of", counted.missing, seen,
                                    steps, domain));
          return told("");
        }
        case Endpoint::Kind::Input: {
          const Extrinsic& x = graph_.inputs[src.ref];
          bool given = src.ref < config_.inputs.size() && config_.inputs[src.ref];
          if (x.isGateway() && (config_.gatewaysFromNetwork || !given)) {
            return told(config_.gatewaysFromNetwork
                            ? " (a gateway: nothing from " + x.peer + " arrived on it in the run)"
                            : " (a gateway: run on its own, a projection's gateway delivers only what --input "
                              "gives it: --input '" +
                                  x.name + "=VALUE')");
          }
          // (an event at the largest time never happens: no run reaches past it)
          int64_t arrival = arrivalOf(src.ref);
          if (arrival > config_.until || arrival == INT64_MAX) {
            hops.push_back("input " + x.name);
            return told(" (due at " + Value::duration(arrival).str() +
                        (arrival == INT64_MAX ? ", the largest time, which no run reaches)"
                                              : ", after --until " + Value::duration(config_.until).str() + ")"));
          }
          [[fallthrough]];
        }
        default:
          return told(" (a source suppressed by a crash, or cut off by --until)");
      }
    }
    if (steps > 0) {  // a line already followed: on another branch, or around a cycle
      hops.push_back(graph_.linePath(catalog_, line));
      return told(" (as above)");
    }
    return told(" ...");
  }

  // The domain that sends what `line` receives from the network: a Link's
  // other end (its sender), or a projection's gateway's peer when the
  // network feeds it; kNone for any other line.
  uint32_t senderOf(uint32_t line) const {
    const Endpoint& src = graph_.lines[line].source;
    if (src.kind == Endpoint::Kind::Input) {
      const Extrinsic& x = graph_.inputs[src.ref];
      if (!x.isGateway() || !config_.gatewaysFromNetwork) return kNone;
      auto it = std::find(graph_.domains.begin(), graph_.domains.end(), x.peer);  // (a projection keeps every domain)
      return it == graph_.domains.end() ? kNone : static_cast<uint32_t>(it - graph_.domains.begin());
    }
    if (src.kind != Endpoint::Kind::Choose) return kNone;
    const FlatInstance& inst = graph_.instances[graph_.lines[line].instance];
    for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount; ++m) {
      if (graph_.lines[m].domain != graph_.lines[line].domain) return graph_.lines[m].domain;
    }
    return kNone;
  }

  // `(from D)`, the end of a quorum's branch at another domain, and whether
  // D crashed (which every projection's scenario knows too).
  std::string from(uint32_t domain) const {
    int64_t crash = config_.crashAt[domain];
    return " (from " + graph_.domains[domain] +
           (crash == INT64_MAX ? "" : ", which crashed at " + Value::duration(crash).str()) + ")";
  }

  // `WHAT (A <- ... | B <- ... | N more)`: the chains from each of several
  // lines, any of which (or enough of which) the rule waits for; the first
  // three are followed.
  std::string branches(const std::string& what, const std::vector<uint32_t>& lines, std::vector<bool>& seen, int& steps,
                       uint32_t quorumDomain) const {
    std::string text = what + " (";
    for (size_t a = 0; a < lines.size(); ++a) {
      if ((a == 3 && lines.size() > 4) || steps <= 1) {  // (a fourth is shown rather than `1 more`)
        text += (a ? " | " : "") + std::to_string(lines.size() - a) + " more";
        break;
      }
      --steps;
      text += (a ? " | " : "") + waitChain(lines[a], seen, steps, quorumDomain);
    }
    return text + ")";
  }

  // A chain of lines, `A <- B <- C`. A long one keeps its start and its
  // end, where the cause is, and says how many lines it leaves out between.
  static std::string shortChain(const std::vector<std::string>& hops) {
    constexpr size_t kHead = 6, kTail = 18;
    std::string text;
    for (size_t i = 0; i < hops.size(); ++i) {
      if (hops.size() > kHead + kTail + 1 && i == kHead) {
        text += " <- ... (" + std::to_string(hops.size() - kHead - kTail) + " more)";
        i = hops.size() - kTail - 1;
        continue;
      }
      text += (i ? " <- " : "") + hops[i];
    }
    return text;
  }

  // The inputs of a choice's own instance that its rule reads and that
  // never arrived: the first one it strictly needs (for Select's chosen,
  // the option its choice picked); else, for a rule that takes any one of
  // several, each of them; none when the rule had all it reads. A rule
  // that waits for k of n inputs (Quorum, Mailbox) is its own explanation:
  // no one missing input is why.
  std::vector<uint32_t> awaitedByRule(uint32_t choice) const {
    const FlatInstance& inst = graph_.instances[graph_.lines[choice].instance];
    const LineSig* sig = graph_.signature(catalog_, choice);
    if (!sig || sig->choiceCountParam >= 0) return {};
    auto among = [](const std::vector<std::string>& names, const std::string& name) {
      return std::find(names.begin(), names.end(), name) != names.end();
    };
    std::optional<int64_t> picked;
    for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount; ++m) {
      const LineSig* s = graph_.signature(catalog_, m);
      if (s && s->name == sig->choiceIndexedBy && lines_[m].inAvailable && lines_[m].in.kind == Value::Kind::Int)
        picked = lines_[m].in.i;
    }
    std::vector<uint32_t> anyOf;
    for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount; ++m) {
      if (m == choice || lines_[m].inAvailable) continue;
      const LineSig* s = graph_.signature(catalog_, m);
      const std::string& name = s ? s->name : "*args";
      if (!among(sig->choiceReads, name)) continue;
      if (picked && static_cast<int64_t>(graph_.element(catalog_, m)) != *picked) continue;
      if (picked || among(sig->choiceNeeds, name)) return {m};
      anyOf.push_back(m);
    }
    return anyOf;
  }

  // The inputs a rule that waits for k of them (Quorum, Mailbox) reads:
  // k, how many arrived, and those that did not.
  struct CountedInputs {
    int64_t k = 0;
    uint32_t reads = 0, arrived = 0;
    std::vector<uint32_t> inputs, missing;  // those that arrived, and those that did not
  };
  CountedInputs countedInputs(uint32_t line) const {
    const LineSig* sig = graph_.signature(catalog_, line);
    CountedInputs counted;
    if (!sig || sig->choiceCountParam < 0) return counted;
    const FlatInstance& inst = graph_.instances[graph_.lines[line].instance];
    counted.k = graph_.args(inst)[sig->choiceCountParam];
    for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount; ++m) {
      const LineSig* s = graph_.signature(catalog_, m);
      if (m == line || !s ||
          std::find(sig->choiceReads.begin(), sig->choiceReads.end(), s->name) == sig->choiceReads.end())
        continue;
      ++counted.reads;
      if (lines_[m].inAvailable) {
        ++counted.arrived;
        counted.inputs.push_back(m);
      } else {
        counted.missing.push_back(m);
      }
    }
    return counted;
  }

  // When everything a rule reads arrived and it still did not choose (a
  // Filter whose condition is false), the values it had: "; what it reads
  // arrived: a = 0, b = 1, and its condition `a > b` is false". Empty while
  // something it reads is missing (the chain goes on through that).
  std::string readsArrived(uint32_t line, const LineSig& sig) const {
    const FlatInstance& inst = graph_.instances[graph_.lines[generalLine(line)].instance];
    std::vector<uint32_t> reads;
    for (const std::string& name : sig.choiceReads) graph_.linesNamed(catalog_, inst, name, reads);
    if (reads.empty()) return "";
    std::string values;
    uint32_t at = slotOfLine(line);
    for (size_t i = 0; i < reads.size(); ++i) {
      const LineState& s = lines_[at == kNone ? reads[i] : layout_.line(at, reads[i])];
      if (!s.inAvailable) return "";
      if (i < 6) values += (i ? ", " : "") + graph_.lineName(catalog_, reads[i]) + " = " + s.in.brief();
    }
    if (reads.size() > 6) values += ", ... (" + std::to_string(reads.size() - 6) + " more)";
    // A Filter's condition, which those values make false, said as written,
    // with the parameters and loop variables it reads (`q == p`, p = 1).
    if (inst.fn != kNone && !graph_.fns[inst.fn].whenText.empty()) {
      const FnBody& fn = graph_.fns[inst.fn];
      const std::string& when = fn.whenText;
      values += ", and its condition `" + (when.size() > 80 ? when.substr(0, 77) + "..." : when) + "`";
      std::string constants;
      for (const std::string& name : fn.when ? freeNames(*fn.when) : std::vector<std::string>{}) {
        for (const auto& [constant, value] : fn.consts) {
          if (constant == name) constants += (constants.empty() ? " (" : ", ") + name + " = " + std::to_string(value);
        }
      }
      values += (constants.empty() ? "" : constants + ")") + " is false";
    }
    return "; what it reads arrived: " + values;
  }

  static inline const std::string kRuleAsAbove = "as above";
  mutable std::vector<const std::string*> rulesSaid_;  // the rules an explanation gave (waitingFor)

  // A choice's rule, and for one that waits for k of its inputs how many
  // of them arrived: which of k is missing is the point.
  std::string ruleOf(uint32_t line) const {
    const LineSig* sig = graph_.signature(catalog_, line);
    if (!sig) return "";
    // A rule is said once an explanation: a chain through many quorums
    // repeats only their counts.
    bool said = std::find(rulesSaid_.begin(), rulesSaid_.end(), &sig->choiceRule) != rulesSaid_.end();
    if (!said) rulesSaid_.push_back(&sig->choiceRule);
    std::string text = said ? kRuleAsAbove : sig->choiceRule;
    if (!said && !sig->forcedRule.empty() && forced(line)) text += "; " + sig->forcedRule;
    if (sig->choiceCountParam < 0) return text + readsArrived(line, *sig);
    CountedInputs counted = countedInputs(line);
    std::string rule = text + "; k = " + std::to_string(counted.k) + ", and " + std::to_string(counted.arrived) +
                       " of its " + std::to_string(counted.reads) + " inputs arrived";
    if (!sig->choiceCountsEqual || counted.arrived < counted.k) return rule;
    // Enough arrived, but not k equal ones (or not k equal to the forced
    // value): the votes say which.
    std::vector<std::pair<Value, uint32_t>> tally;  // each value that arrived and how often, in the inputs' order
    for (uint32_t m : counted.inputs) {
      auto it = std::find_if(tally.begin(), tally.end(), [&](const auto& t) { return t.first == lines_[m].in; });
      if (it == tally.end())
        tally.emplace_back(lines_[m].in, 1);
      else
        ++it->second;
    }
    std::string votes;
    for (size_t v = 0; v < tally.size(); ++v) {
      if (v == 8) {
        votes += ", ...";
        break;
      }
      votes += (v ? ", " : "") + tally[v].first.brief() + " x" + std::to_string(tally[v].second);
    }
    return rule + " (votes: " + votes + ")";
  }

  // A run bounded by --until says so where a rule did not fire: it might
  // have, later. (Not whether events were still due: a replay makes only
  // the recorded choices, so its queue says nothing of what was due.)
  std::string byUntil() const {
    return config_.until == INT64_MAX ? "" : " by --until " + Value::duration(config_.until).str();
  }

  const Graph& graph_;
  const Catalog& catalog_;
  const GraphFacts& facts_;
  const IterationLayout& layout_;
  const bool unbounded_;     // the graph has an unbounded box
  const bool traced_;        // the run's lines are numbered in a trace (bounded by kMaxTraceLines)
  const bool sinkEveryEnd_;  // the sink is told of every line end (EventSink::recordsEveryEnd)
  const bool forcing_;       // some choice is forced or some domain Byzantine (else no iteration forces any)
  const RunConfig& config_;
  const uint64_t maxIterations_;  // iterations that may begin: --iterations, and an on-demand box's K
  Workspace& work_;
  std::vector<LineState>& lines_;
  const Demand* demand_ = nullptr;
  Demand ownDemand_;
  const std::vector<Reaction>& react_;
  const std::vector<Reaction>& reactToChoice_;
  std::map<uint32_t, Value> forced_;
  Rng ties_, net_;
  // RunConfig::replayPlaces, when they order the events of an instant.
  const std::unordered_map<uint64_t, uint64_t>* places_ = nullptr;
  std::vector<std::unique_ptr<Rng>> lies_;   // per domain, made at its first lie
  std::vector<std::unique_ptr<Rng>> coins_;  // per domain, made at its first flip
  std::string replayContradiction_;          // RunResult::replayContradiction
  mutable FlatInstance scratch_;             // instance(): a slot's instance
  // The unbounded box: whether iteration 0 is live, the slots of the later
  // live iterations (oldest first; the newest is iteration newest_), and
  // the pending events of iteration 0 and of the rest of the graph.
  bool firstLive_ = false, stopped_ = false;
  uint32_t firstOutputsLeft_ = 0;
  std::deque<uint32_t> live_;
  int64_t newest_ = 0;
  int64_t heldBegin_ = 0;  // a stream's iteration due but held (streamAhead, holdStream); 0: none
  bool streamHeld_ = false;
  uint32_t firstPending_ = 0, restPending_ = 0;
  uint64_t iterations_ = 0, peakLive_ = 0, moreFailures_ = 0;
  // Per stream: the arrival time of its last element read, and of the next
  // iteration's; iterations begun at the last instant one began.
  std::vector<int64_t> lastArrival_, nextArrival_;
  int64_t lastBegin_ = -1;
  uint32_t beganNow_ = 0;
  std::vector<std::string> failures_;
  bool watchStopped_ = false;             // the OutputWatch stopped the run
  bool watchDue_ = false;                 // an output became available in this instant: the watch is asked at its end
  ReadySet instant_;                      // with a Schedule: the choice point's events
  uint64_t instantStratum_ = 0;           // (of the present, and of this stratum)
  std::vector<EventQueue::Entry> ready_;  // popScheduled's scratch
  std::vector<int64_t> beginArrival_;     // begin()'s scratch: per input of the general iteration
  std::vector<uint8_t> beginFailed_;
  uint64_t events_ = 0;
  uint64_t arrivals_ = 0;  // events made so far (their keys in arrival order)
};

Reaction Reaction::of(ReactFn f) { return {f, reactions::typedReaction<Run>(f)}; }

inline void Reaction::operator()(Run& run, uint32_t instance, bool endOfInstant) const {
  if (typed)
    typed(run, instance, endOfInstant);
  else if (generic)
    generic(run, instance, endOfInstant);
}

Simulator::Simulator(const Graph& graph, const Catalog& catalog)
    : graph_(graph), catalog_(catalog), facts_(std::make_unique<GraphFacts>(graph, catalog)) {}

Simulator::~Simulator() = default;

RunResult Simulator::run(const RunConfig& config) {
  if (!work_) work_ = std::make_unique<Workspace>(graph_, facts_->layout);
  Run run(graph_, catalog_, *facts_, config, *work_);
  run.start();
  run.advanceTo(config.until);
  run.lastInstantEnds();
  run.finish();
  return run.result();
}

Execution::Execution(const Simulator& simulator, const RunConfig& config)
    : work_(std::make_unique<Workspace>(simulator.graph_, simulator.facts_->layout)),
      run_(std::make_unique<Run>(simulator.graph_, simulator.catalog_, *simulator.facts_, config, *work_)) {
  run_->start();
}

Execution::~Execution() = default;

std::optional<int64_t> Execution::nextTime() const { return run_->nextTime(); }
void Execution::advanceTo(int64_t time) { run_->advanceTo(time); }
bool Execution::stepTo(int64_t time) { return run_->stepTo(time); }
std::optional<ReplayPosition> Execution::nextInTrace(int64_t time) const { return run_->nextInTrace(time); }
void Execution::holdStream(bool hold) { run_->holdStream(hold); }
Delivered Execution::deliver(uint32_t input, int64_t k, Value value, int64_t time) {
  return run_->deliver(input, k, std::move(value), time);
}
bool Execution::iterationsDone() const { return run_->iterationsDone(); }
void Execution::finish() { run_->finish(); }
bool Execution::outputAvailable(uint32_t output) const { return run_->outputAvailable(output); }
RunResult Execution::result() const { return run_->result(); }

}  // namespace rdc::run
