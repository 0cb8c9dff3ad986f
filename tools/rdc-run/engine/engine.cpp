#include "tools/rdc-run/engine/engine.h"

#include <algorithm>
#include <map>

#include "ir/components/semantics.h"
#include "ir/io/trace.h"
#include "ir/support/hash.h"
#include "tools/rdc-run/engine/event_queue.h"
#include "tools/rdc-run/engine/facts.h"
#include "tools/rdc-run/engine/rng.h"

namespace rdc::run {

Value Simulator::zeroValue(TypeId type, const TypeTable& types) {
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
      for (TypeId part : node.parts) items.push_back(zeroValue(part, types));
      return Value::tuple(std::move(items));
    }
  }
  return Value::unit();
}

Value Simulator::inputValue(const Graph& graph, uint32_t input, const RunConfig& config) {
  if (input < config.inputs.size() && config.inputs[input]) return *config.inputs[input];
  const Extrinsic& x = graph.inputs[input];
  if (x.defaultValue) return *x.defaultValue;
  return zeroValue(graph.lines[x.line].type, graph.types);
}

Value Simulator::randomValue(TypeId type, const TypeTable& types, Rng& rng) {
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
      return rng.next() & 1 ? Value::nil() : randomValue(node.parts[0], types, rng);
    case TypeKind::Tuple: {
      std::vector<Value> items;
      for (TypeId part : node.parts) items.push_back(randomValue(part, types, rng));
      return Value::tuple(std::move(items));
    }
  }
  return Value::unit();
}

namespace {

// A line's two ends: its input's value and time, and whether its output
// has been sent (its value went on along the wire; an extrinsic output's
// is kept in Workspace::outputs).
struct LineState {
  Value in;
  int64_t inTime = 0;
  bool inAvailable = false, outAvailable = false;
  bool inPending = false, outPending = false;  // scheduled, not yet arrived
  bool touched = false;                        // changed since the workspace was last reset
};

}  // namespace

// The state of a run, kept between the runs of a Simulator so that a run
// resets only what the previous one touched: many short runs (a seed
// sweep) then cost what their events cost, not what the graph costs.
struct Workspace {
  std::vector<LineState> lines;
  std::vector<uint32_t> touchedLines;
  std::vector<RunResult::Output> outputs;                       // per extrinsic output
  std::vector<uint8_t> decidePending;                           // per instance
  std::vector<std::vector<std::pair<Value, int64_t>>> tallies;  // per instance
  std::vector<uint32_t> touchedInstances;
  std::vector<uint8_t> instanceTouched;
  EventQueue queue;
  // The pending events' slots: what each does and the value it carries.
  std::vector<PendingEvent> events;
  std::vector<Value> values;
  std::vector<uint32_t> freeSlots;

  explicit Workspace(const Graph& graph)
      : lines(graph.lines.size()),
        outputs(graph.outputs.size()),
        decidePending(graph.instances.size(), 0),
        tallies(graph.instances.size()),
        instanceTouched(graph.instances.size(), 0) {}

  void reset() {
    for (uint32_t l : touchedLines) {
      LineState& s = lines[l];
      s.inAvailable = s.outAvailable = s.inPending = s.outPending = s.touched = false;
    }
    touchedLines.clear();
    for (RunResult::Output& o : outputs) o.available = false;
    for (uint32_t i : touchedInstances) {
      decidePending[i] = 0;
      tallies[i].clear();
      instanceTouched[i] = 0;
    }
    touchedInstances.clear();
    queue.clear();
    events.clear();
    values.clear();
    freeSlots.clear();
  }

  void touchInstance(uint32_t i) {
    if (!instanceTouched[i]) instanceTouched[i] = 1, touchedInstances.push_back(i);
  }
};

class Run final : public FireContext {
 public:
  Run(const Graph& graph, const Catalog& catalog, const GraphFacts& facts, const RunConfig& config, Workspace& work)
      : graph_(graph),
        catalog_(catalog),
        facts_(facts),
        config_(config),
        work_(work),
        lines_(work.lines),
        ties_(config.seed ^ 0x7469657300000000ull),
        net_(config.seed ^ 0x6E65740000000000ull) {
    work_.reset();
    force();
    demand();
  }

  // Sources: constants and inputs at time 0, demanded or not (what a run
  // determines is never lost), unless their domain is crashed from 0 or
  // they are gateways that the network (or --input) fills in.
  void start() {
    for (uint32_t l : facts_.sources) {
      const FlatLine& line = graph_.lines[l];
      if (crashed(l, 0)) continue;
      if (line.source.kind == Endpoint::Kind::Const) {
        schedule(0, 0, l, false, How::Input, graph_.constants[line.source.ref]);
      } else {
        uint32_t input = line.source.ref;
        if (graph_.inputs[input].isGateway()) {
          // What the network delivers: from the driver, or, in a projection
          // run on its own, only what --input gives (no invented zero).
          bool given = input < config_.inputs.size() && config_.inputs[input];
          if (config_.gatewaysFromNetwork || !given) continue;
        }
        schedule(0, 0, l, false, How::Input, Simulator::inputValue(graph_, input, config_));
      }
    }
  }

  std::optional<int64_t> nextTime() const {
    if (work_.queue.empty() || work_.queue.top().time > config_.until) return std::nullopt;
    return work_.queue.top().time;
  }

  // A gateway input stands for the cut Link's rcv, so what the network
  // delivers is recorded as that Link's choice. A forced gateway input is
  // the Link's forced rcv (a corrupt channel at the receiver): the
  // receiving side replaces what the network brings.
  void deliver(uint32_t input, Value value, int64_t time) {
    uint32_t l = graph_.inputs[input].line;
    if (lines_[l].inAvailable || lines_[l].inPending || crashed(l, time)) return;
    How how = How::Chosen;
    auto f = forced_.find(l);
    if (f != forced_.end()) {
      value = f->second;
      how = How::Forced;
    } else if (const Replayed* r = replayed(l)) {
      value = r->value;
      time = r->time;
    }
    lines_[l].inPending = true;
    schedule(std::max(time, now_), 0, l, false, how, std::move(value));
  }

  bool outputAvailable(uint32_t output) const { return lines_[graph_.outputs[output].line].outAvailable; }

  void advanceTo(int64_t time) {
    time = std::min(time, config_.until);
    EventQueue& queue = work_.queue;
    while (!queue.empty() && queue.top().time <= time) {
      EventQueue::Entry e = queue.pop();
      now_ = e.time;
      PendingEvent p = work_.events[e.slot];
      if (p.phase == 1) {
        work_.freeSlots.push_back(e.slot);
        work_.decidePending[p.target] = 0;
        trigger_ = kNone;
        react(p.target, true);
      } else if (p.output) {
        outputArrives(p.target, e.slot);
      } else {
        inputArrives(p.target, e.slot, p.how);
      }
    }
  }

  RunResult result() const {
    RunResult result;
    result.outputs.resize(graph_.outputs.size());
    result.waits.resize(graph_.outputs.size());
    for (size_t o = 0; o < graph_.outputs.size(); ++o) {
      if (work_.outputs[o].available) {
        result.outputs[o] = work_.outputs[o];
      } else {
        result.waits[o] = waitingFor(graph_.outputs[o].line);
      }
    }
    result.failures = failures_;
    result.events = events_;
    result.endTime = now_;
    return result;
  }

  // ---- FireContext ----
  const FlatInstance& instance(uint32_t i) const override { return graph_.instances[i]; }
  const FnBody& fnBody(const FlatInstance& inst) const override { return graph_.fns[inst.fn]; }
  std::span<const int64_t> args(const FlatInstance& inst) const override { return graph_.args(inst); }
  int64_t now() const override { return now_; }
  bool inAvailable(uint32_t l) const override { return lines_[l].inAvailable; }
  const Value& inValue(uint32_t l) const override { return lines_[l].in; }
  int64_t inTime(uint32_t l) const override { return lines_[l].inTime; }
  bool outAvailable(uint32_t l) const override { return lines_[l].outAvailable || lines_[l].outPending; }
  // A bound input is to choose once its value has arrived and until the
  // rule releases it; its forced value is the one that arrived.
  bool toChoose(uint32_t l) const override {
    const LineState& s = lines_[l];
    const HotLine& h = facts_.hot[l];
    if (h.bound) return s.inAvailable && !s.outAvailable && !s.outPending;
    return h.chooses && !s.inAvailable && !s.inPending;
  }
  const Value* forced(uint32_t l) const override {
    if (facts_.hot[l].bound) return lines_[l].inAvailable ? &lines_[l].in : nullptr;
    if (forced_.empty()) return nullptr;
    auto it = forced_.find(l);
    return it == forced_.end() ? nullptr : &it->second;
  }
  std::optional<int64_t> after(uint32_t instance, int64_t delay, const char* what) override {
    if (delay < 0) {
      fail(instance, std::string("a negative ") + what + " (" + Value::duration(delay).str() + ")");
      return std::nullopt;
    }
    if (delay >= INT64_MAX - now_) {  // INT64_MAX itself means "never" in a trace
      fail(instance, std::string("a ") + what + " of " + Value::duration(delay).str() + " after " +
                         Value::duration(now_).str() + " is past the largest time");
      return std::nullopt;
    }
    return now_ + delay;
  }
  void emit(uint32_t l, Value value, int64_t time) override {
    lines_[l].outPending = true;
    schedule(time, 0, l, true, How::Computed, std::move(value));
  }
  void choose(uint32_t l, Value value, int64_t time) override {
    if (crashed(l, time)) return;  // a crashed domain's sources stay silent
    if (facts_.hot[l].bound) {     // the rule releases the bound value
      emit(l, std::move(value), time);
      return;
    }
    if (const Replayed* r = replayed(l)) {
      value = r->value;
      time = std::max(r->time, now_);
    } else if (config_.replay && !facts_.hot[l].gatewayOut) {
      // A replay makes only the recorded choices: the run never made this
      // one. Its tie-break key is still drawn, so that the rest of the
      // schedule is the recorded one.
      ties_.next();
      return;
    }
    lines_[l].inPending = true;
    schedule(time, 0, l, false, forced_.count(l) ? How::Forced : How::Chosen, std::move(value));
  }
  void decideAtEndOfInstant(uint32_t instance) override {
    if (work_.decidePending[instance]) return;
    work_.decidePending[instance] = 1;
    work_.touchInstance(instance);
    schedule(now_, 1, instance, false, How::Computed, Value());
  }
  uint32_t trigger() const override { return trigger_; }
  std::vector<std::pair<Value, int64_t>>& tally(uint32_t instance) override {
    work_.touchInstance(instance);
    return work_.tallies[instance];
  }
  int64_t linkDelay(uint32_t instance) override { return config_.linkLatency[instance].draw(net_); }
  void fail(uint32_t instance, const std::string& message) override {
    failures_.push_back(graph_.instancePath(instance) + ": " + message);
  }

 private:
  const Replayed* replayed(uint32_t line) const {
    if (!config_.replay) return nullptr;
    auto it = config_.replay->find(line);
    return it == config_.replay->end() ? nullptr : &it->second;
  }

  bool crashed(uint32_t line, int64_t time) const { return time >= config_.crashAt[facts_.hot[line].domain]; }

  void schedule(int64_t time, uint8_t phase, uint32_t target, bool output, How how, Value value) {
    if (phase == 0 && !lines_[target].touched) {
      lines_[target].touched = true;
      work_.touchedLines.push_back(target);
    }
    PendingEvent event{target, phase, output, how};
    uint32_t slot;
    if (!work_.freeSlots.empty()) {
      slot = work_.freeSlots.back();
      work_.freeSlots.pop_back();
      work_.events[slot] = event;
      work_.values[slot] = std::move(value);
    } else {
      slot = static_cast<uint32_t>(work_.values.size());
      work_.events.push_back(event);
      work_.values.push_back(std::move(value));
    }
    work_.queue.push({time, EventQueue::order(phase, ties_.next()), slot}, now_);
  }

  // The value of a pending event, whose slot is then free.
  Value take(uint32_t slot) {
    work_.freeSlots.push_back(slot);
    return std::move(work_.values[slot]);
  }

  void record(uint32_t line, bool output, const Value& value, How how) {
    ++events_;
    if (config_.sink) config_.sink->record({line, output, &value, now_, how});
  }

  // Only interacting components react; a value reaching any other rests
  // at its input. Components whose every line passes through (Recv) have no
  // reaction.
  void react(uint32_t instance, bool endOfInstant) {
    if (!demand_->interacts[instance]) return;
    if (ReactFn f = facts_.react[instance]) f(*this, instance, endOfInstant);
  }

  void inputArrives(uint32_t line, uint32_t slot, How how) {
    LineState& s = lines_[line];
    s.in = take(slot);
    s.inTime = now_;
    s.inAvailable = true;
    s.inPending = false;
    record(line, false, s.in, how);
    const HotLine& h = facts_.hot[line];
    bool interacts = demand_->interacts[h.instance];
    if (h.passThrough && !h.bound && interacts && !s.outPending) emit(line, s.in, now_);
    trigger_ = line;
    react(h.instance, false);
  }

  void outputArrives(uint32_t line, uint32_t slot) {
    LineState& s = lines_[line];
    Value value = take(slot);
    s.outAvailable = true;
    s.outPending = false;
    record(line, true, value, How::Computed);
    const HotLine& h = facts_.hot[line];
    if (h.output != kNone) work_.outputs[h.output] = {true, value, now_};
    if (h.wireTo != kNone) schedule(now_, 0, h.wireTo, false, How::Computed, std::move(value));
  }

  // Forced choices: given ones, and every choice of a Byzantine domain.
  // Each Byzantine domain draws its lies from its own generator, keyed by
  // the seed and the domain's name, in the order of its lines, so that a
  // projection onto the domain draws the same lies as the whole model. A
  // gateway input (a cut Link's rcv) can be forced like the rcv it stands
  // for; a gateway output (Send's net copy) is not a choice of the model.
  void force() {
    bool anyByzantine = std::find(config_.byzantine.begin(), config_.byzantine.end(), true) != config_.byzantine.end();
    if (!anyByzantine && config_.forces.empty()) return;
    std::vector<std::unique_ptr<Rng>> lies(graph_.domains.size());
    for (size_t k = 0; k < facts_.choices.size(); ++k) {
      uint32_t l = facts_.choices[k];
      const FlatLine& line = graph_.lines[l];
      if (auto f = config_.forces.find(l); f != config_.forces.end()) {
        forced_.emplace(l, f->second);
      } else if (config_.byzantine[line.domain]) {
        auto& rng = lies[line.domain];
        if (!rng)
          rng = std::make_unique<Rng>(config_.seed ^ 0x62797A0000000000ull ^ fnv1a(graph_.domains[line.domain]));
        int64_t options = facts_.choiceOptions[k];
        forced_.emplace(l, options > 0 ? Value::integer(rng->uniform(0, options - 1))
                                       : Simulator::randomValue(line.type, graph_.types, *rng));
      } else {
        continue;
      }
      // A replay's recorded value is the one the run will use (and demand by).
      if (const Replayed* r = replayed(l)) forced_[l] = r->value;
    }
  }

  // ---- demand ----

  // The graph's demand without forced values, unless a forced value picks
  // a choice's option (then this run demands only that option).
  void demand() {
    demand_ = &facts_.unforced;
    bool picks = std::any_of(forced_.begin(), forced_.end(), [&](const auto& f) {
      return facts_.picksAnOption[f.first] && f.second.kind == Value::Kind::Int;
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
    std::string path;
    std::vector<bool> seen(graph_.lines.size(), false);
    for (int steps = 0; steps < 64 && !seen[line]; ++steps) {
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
        return path + graph_.linePath(catalog_, line) +
               (work_.queue.empty() ? " has all its inputs but did not fire" : ", due after --until stopped the run");
      }
      const Endpoint& src = graph_.lines[missing].source;
      path += graph_.linePath(catalog_, missing);
      uint32_t domain = graph_.lines[missing].domain;
      if (config_.crashAt[domain] != INT64_MAX) {  // the same in a projection, whose run may end earlier
        return path + " (its domain " + graph_.domains[domain] + " crashed at " +
               Value::duration(config_.crashAt[domain]).str() + ")";
      }
      switch (src.kind) {
        case Endpoint::Kind::Wire:
          path += " <- ";
          line = src.ref;
          continue;
        case Endpoint::Kind::Never:
          return path + " (its source is `never`)";
        case Endpoint::Kind::Choose:
          return path + " (its rule never chose: " + ruleOf(missing) + ")";
        default:
          return path + " (a source suppressed by a crash, or cut off by --until)";
      }
    }
    return path + " ...";
  }

  std::string ruleOf(uint32_t line) const {
    const LineSig* sig = graph_.signature(catalog_, line);
    return sig ? sig->choiceRule : "";
  }

  const Graph& graph_;
  const Catalog& catalog_;
  const GraphFacts& facts_;
  const RunConfig& config_;
  Workspace& work_;
  std::vector<LineState>& lines_;
  const Demand* demand_ = nullptr;
  Demand ownDemand_;
  std::map<uint32_t, Value> forced_;
  Rng ties_, net_;
  std::vector<std::string> failures_;
  uint32_t trigger_ = kNone;
  int64_t now_ = 0;
  uint64_t events_ = 0;
};

Simulator::Simulator(const Graph& graph, const Catalog& catalog)
    : graph_(graph), catalog_(catalog), facts_(std::make_unique<GraphFacts>(graph, catalog)) {}

Simulator::~Simulator() = default;

RunResult Simulator::run(const RunConfig& config) {
  if (!work_) work_ = std::make_unique<Workspace>(graph_);
  Run run(graph_, catalog_, *facts_, config, *work_);
  run.start();
  run.advanceTo(config.until);
  return run.result();
}

Execution::Execution(const Simulator& simulator, const RunConfig& config)
    : work_(std::make_unique<Workspace>(simulator.graph_)),
      run_(std::make_unique<Run>(simulator.graph_, simulator.catalog_, *simulator.facts_, config, *work_)) {
  run_->start();
}

Execution::~Execution() = default;

std::optional<int64_t> Execution::nextTime() const { return run_->nextTime(); }
void Execution::advanceTo(int64_t time) { run_->advanceTo(time); }
void Execution::deliver(uint32_t input, Value value, int64_t time) { run_->deliver(input, std::move(value), time); }
bool Execution::outputAvailable(uint32_t output) const { return run_->outputAvailable(output); }
RunResult Execution::result() const { return run_->result(); }

}  // namespace rdc::run
