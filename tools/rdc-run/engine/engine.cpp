#include "tools/rdc-run/engine/engine.h"

#include <algorithm>
#include <map>
#include <queue>

#include "ir/components/semantics.h"
#include "ir/io/trace.h"
#include "ir/support/hash.h"
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
      return Value{Value::Kind::Bytes, 0, "", {}};
    case TypeKind::Opt:
      return Value::nil();
    case TypeKind::Tuple: {
      Value t{Value::Kind::Tuple, 0, "", {}};
      for (TypeId part : node.parts) t.items.push_back(zeroValue(part, types));
      return t;
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
      return Value{Value::Kind::Bytes, 0, std::string(1, static_cast<char>('a' + rng.uniform(0, 3))), {}};
    case TypeKind::Opt:
      return rng.next() & 1 ? Value::nil() : randomValue(node.parts[0], types, rng);
    case TypeKind::Tuple: {
      Value t{Value::Kind::Tuple, 0, "", {}};
      for (TypeId part : node.parts) t.items.push_back(randomValue(part, types, rng));
      return t;
    }
  }
  return Value::unit();
}

// What the engine needs to know about each line, worked out once per graph
// so that runs (many per second) do no name lookups.
struct GraphFacts {
  std::vector<const LineSig*> sig;  // null for Fn arguments
  std::vector<uint8_t> passThrough;
  // Per line: a choosable input bound to a value source (a constant, an
  // input or a wire) rather than `choose`. The binding forces the value;
  // the component's rule still decides when its output is released.
  std::vector<uint8_t> bound;
  // Per line: part of the network (a Link, or the gateway input of a cut
  // one). The network always carries what is sent, demanded or not, so
  // that a sender behaves the same whether its receiver is in the same
  // run, another projection or another process.
  std::vector<uint8_t> network;
  // Per line: a projection's copy to the network (Send's net), which the
  // whole model has no line for: not a choice of the model.
  std::vector<uint8_t> gatewayOut;
  // Demand: the inputs a demanded output reads, and the inputs a chosen
  // input's rule reads (CSR: start offsets per line, then line ids).
  std::vector<uint32_t> outStart, outReads, choiceStart, choiceReads;
  // Per chosen input, the line whose statically known value picks one of its
  // option reads (Select's chosen); per choice read, its option element or -1.
  std::vector<uint32_t> indexLine;
  std::vector<int32_t> optionElement;
  // Per line: the number of options when it is a Select's choice, else 0
  // (a Byzantine lie about a choice stays among the options).
  std::vector<int64_t> optionCount;

  GraphFacts(const Graph& graph, const Catalog& catalog) {
    size_t n = graph.lines.size();
    sig.resize(n);
    passThrough.resize(n);
    bound.resize(n);
    network.resize(n);
    gatewayOut.resize(n);
    indexLine.assign(n, kNone);
    outStart.push_back(0);
    choiceStart.push_back(0);
    std::vector<uint32_t> named;
    optionCount.assign(n, 0);
    for (uint32_t l = 0; l < n; ++l) {
      sig[l] = graph.signature(catalog, l);
      passThrough[l] = !sig[l] || sig[l]->passThrough;
      Endpoint::Kind source = graph.lines[l].source.kind;
      bool input = source == Endpoint::Kind::Input;
      bool gatewayIn = graph.gatewayIn(l);
      gatewayOut[l] = graph.gatewayOut(l);
      network[l] = catalog.at(graph.instances[graph.lines[l].instance].base).domain == DomainRule::Cross || gatewayIn;
      bound[l] = sig[l] && sig[l]->choosable &&
                 (source == Endpoint::Kind::Const || source == Endpoint::Kind::Wire || (input && !gatewayIn));
      const FlatInstance& inst = graph.instances[graph.lines[l].instance];
      if (sig[l] && !sig[l]->picks.empty()) {  // a lie stays among the bundle's elements
        const BaseComponent& base = catalog.at(inst.base);
        optionCount[l] = graph.args(inst)[base.lines[base.lineIndex(sig[l]->picks)].sizeParam];
      }
    }
    for (uint32_t l = 0; l < n; ++l) {
      const FlatInstance& inst = graph.instances[graph.lines[l].instance];
      outReads.push_back(l);
      if (sig[l] && !sig[l]->passThrough) {
        for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount; ++m) {
          if (m != l) outReads.push_back(m);
        }
      } else if (sig[l]) {
        for (const std::string& need : sig[l]->outputNeeds) graph.linesNamed(catalog, inst, need, outReads);
      }
      outStart.push_back(static_cast<uint32_t>(outReads.size()));
      if ((graph.lines[l].source.kind == Endpoint::Kind::Choose || bound[l]) && sig[l]) {
        named.clear();
        for (const std::string& read : sig[l]->choiceReads) graph.linesNamed(catalog, inst, read, named);
        if (!sig[l]->choiceIndexedBy.empty()) {
          std::vector<uint32_t> index;
          graph.linesNamed(catalog, inst, sig[l]->choiceIndexedBy, index);
          if (index.size() == 1) indexLine[l] = index[0];
        } else if (indexesAChoice(graph, catalog, inst, *sig[l])) {
          indexLine[l] = l;  // Select's choice: a known value picks its own option too
        }
        for (uint32_t m : named) {
          choiceReads.push_back(m);
          bool option = sig[m] && sig[m]->sizeParam >= 0 && indexLine[l] != kNone;
          optionElement.push_back(option ? static_cast<int32_t>(graph.lines[m].element) : -1);
        }
      }
      choiceStart.push_back(static_cast<uint32_t>(choiceReads.size()));
    }
  }

  // Whether another choice of the instance is indexed by this line's value.
  static bool indexesAChoice(const Graph& graph, const Catalog& catalog, const FlatInstance& inst,
                             const LineSig& line) {
    for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount; ++m) {
      const LineSig* s = graph.signature(catalog, m);
      if (s && s->choiceIndexedBy == line.name) return true;
    }
    return false;
  }
};

namespace {

// One pending event. Simultaneous events run arrivals first, then
// end-of-instant decisions; within those, in an order drawn from the seed.
struct Pending {
  int64_t time;
  uint8_t phase;  // 0: a line end arrives; 1: an end-of-instant decision
  uint64_t key;
  uint32_t target;  // line, or instance for decisions
  bool output;
  How how;
  uint32_t value;  // index into the value pool

  bool operator>(const Pending& o) const {
    if (time != o.time) return time > o.time;
    if (phase != o.phase) return phase > o.phase;
    return key > o.key;
  }
};

struct LineState {
  Value in, out;
  int64_t inTime = 0, outTime = 0;
  bool inAvailable = false, outAvailable = false;
  bool inPending = false, outPending = false;  // scheduled, not yet arrived
};

}  // namespace

class Run final : public FireContext {
 public:
  Run(const Graph& graph, const Catalog& catalog, const GraphFacts& facts, const RunConfig& config)
      : graph_(graph),
        catalog_(catalog),
        facts_(facts),
        config_(config),
        lines_(graph.lines.size()),
        ties_(config.seed ^ 0x7469657300000000ull),
        net_(config.seed ^ 0x6E65740000000000ull),
        decidePending_(graph.instances.size(), false) {
    force();
    demand();
  }

  // Sources: constants and inputs at time 0, demanded or not (what a run
  // determines is never lost), unless their domain is crashed from 0 or
  // they are gateways that the network (or --input) fills in.
  void start() {
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      const FlatLine& line = graph_.lines[l];
      if (crashed(l, 0)) continue;
      if (line.source.kind == Endpoint::Kind::Const) {
        schedule(0, 0, l, false, How::Input, graph_.constants[line.source.ref]);
      } else if (line.source.kind == Endpoint::Kind::Input) {
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
    if (queue_.empty() || queue_.top().time > config_.until) return std::nullopt;
    return queue_.top().time;
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
    while (!queue_.empty()) {
      Pending p = queue_.top();
      if (p.time > time) break;
      queue_.pop();
      now_ = p.time;
      if (p.phase == 1) {
        decidePending_[p.target] = false;
        trigger_ = kNone;
        react(p.target, true);
      } else if (p.output) {
        outputArrives(p.target, p.value);
      } else {
        inputArrives(p.target, p.value, p.how);
      }
    }
  }

  RunResult result() const {
    RunResult result;
    result.outputs.resize(graph_.outputs.size());
    result.waits.resize(graph_.outputs.size());
    for (size_t o = 0; o < graph_.outputs.size(); ++o) {
      const LineState& s = lines_[graph_.outputs[o].line];
      if (s.outAvailable) {
        result.outputs[o] = {true, s.out, s.outTime};
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
    if (facts_.bound[l]) return s.inAvailable && !s.outAvailable && !s.outPending;
    return graph_.lines[l].source.kind == Endpoint::Kind::Choose && !s.inAvailable && !s.inPending;
  }
  const Value* forced(uint32_t l) const override {
    if (facts_.bound[l]) return lines_[l].inAvailable ? &lines_[l].in : nullptr;
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
    if (facts_.bound[l]) {         // the rule releases the bound value
      emit(l, std::move(value), time);
      return;
    }
    if (const Replayed* r = replayed(l)) {
      value = r->value;
      time = std::max(r->time, now_);
    } else if (!config_.replay.empty() && !facts_.gatewayOut[l]) {
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
    if (decidePending_[instance]) return;
    decidePending_[instance] = true;
    schedule(now_, 1, instance, false, How::Computed, Value());
  }
  uint32_t trigger() const override { return trigger_; }
  std::vector<std::pair<Value, int64_t>>& tally(uint32_t instance) override { return tallies_[instance]; }
  int64_t linkDelay(uint32_t instance) override { return config_.linkLatency[instance].draw(net_); }
  void fail(uint32_t instance, const std::string& message) override {
    failures_.push_back(graph_.instancePath(instance) + ": " + message);
  }

 private:
  const Replayed* replayed(uint32_t line) const {
    return line < config_.replay.size() && config_.replay[line] ? &*config_.replay[line] : nullptr;
  }

  bool crashed(uint32_t line, int64_t time) const { return time >= config_.crashAt[graph_.lines[line].domain]; }

  void schedule(int64_t time, uint8_t phase, uint32_t target, bool output, How how, Value value) {
    uint32_t slot;
    if (!freeValues_.empty()) {
      slot = freeValues_.back();
      freeValues_.pop_back();
      values_[slot] = std::move(value);
    } else {
      slot = static_cast<uint32_t>(values_.size());
      values_.push_back(std::move(value));
    }
    queue_.push({time, phase, ties_.next(), target, output, how, slot});
  }

  Value take(uint32_t slot) {
    freeValues_.push_back(slot);
    return std::move(values_[slot]);
  }

  void record(uint32_t line, bool output, const Value& value, How how) {
    ++events_;
    if (config_.sink) config_.sink->record({line, output, &value, now_, how});
  }

  // Only interacting components react; a value reaching any other rests
  // at its input. Components whose every line passes through (Recv) have no
  // reaction.
  void react(uint32_t instance, bool endOfInstant) {
    if (!interacts_[instance]) return;
    if (ReactFn f = catalog_.at(graph_.instances[instance].base).react) f(*this, instance, endOfInstant);
  }

  void inputArrives(uint32_t line, uint32_t slot, How how) {
    LineState& s = lines_[line];
    s.in = take(slot);
    s.inTime = now_;
    s.inAvailable = true;
    s.inPending = false;
    record(line, false, s.in, how);
    bool interacts = interacts_[graph_.lines[line].instance];
    if (facts_.passThrough[line] && !facts_.bound[line] && interacts && !s.outPending) emit(line, s.in, now_);
    trigger_ = line;
    react(graph_.lines[line].instance, false);
  }

  void outputArrives(uint32_t line, uint32_t slot) {
    LineState& s = lines_[line];
    s.out = take(slot);
    s.outTime = now_;
    s.outAvailable = true;
    s.outPending = false;
    record(line, true, s.out, How::Computed);
    const Endpoint& sink = graph_.lines[line].sink;
    if (sink.kind == Endpoint::Kind::Wire) schedule(now_, 0, sink.ref, false, How::Computed, s.out);
  }

  // Forced choices: given ones, and every choice of a Byzantine domain.
  // Each Byzantine domain draws its lies from its own generator, keyed by
  // the seed and the domain's name, in the order of its lines, so that a
  // projection onto the domain draws the same lies as the whole model. A
  // gateway input (a cut Link's rcv) can be forced like the rcv it stands
  // for; a gateway output (Send's net copy) is not a choice of the model.
  void force() {
    std::vector<std::unique_ptr<Rng>> lies(graph_.domains.size());
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      const FlatLine& line = graph_.lines[l];
      bool gatewayIn = graph_.gatewayIn(l);
      if ((line.source.kind != Endpoint::Kind::Choose && !gatewayIn) || facts_.gatewayOut[l]) continue;
      if (config_.forces.size() > l && config_.forces[l]) {
        forced_.emplace(l, *config_.forces[l]);
      } else if (config_.byzantine[line.domain]) {
        auto& rng = lies[line.domain];
        if (!rng)
          rng = std::make_unique<Rng>(config_.seed ^ 0x62797A0000000000ull ^ fnv1a(graph_.domains[line.domain]));
        int64_t options = facts_.optionCount[l];
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

  // Extrinsic outputs demand their values; demand flows back along what
  // each demanded output (and each chosen or bound input) reads. A choice
  // indexed by a statically known value (forced or constant) demands one
  // option. A component interacts once any of its outputs is demanded.
  void demand() {
    size_t n = graph_.lines.size();
    outDemanded_.assign(n, false);
    inDemanded_.assign(n, false);
    std::vector<uint32_t> work;  // outputs as 2l+1, inputs as 2l
    auto needOut = [&](uint32_t l) {
      if (!outDemanded_[l]) outDemanded_[l] = true, work.push_back(2 * l + 1);
    };
    auto needIn = [&](uint32_t l) {
      if (!inDemanded_[l]) inDemanded_[l] = true, work.push_back(2 * l);
    };
    for (const Extrinsic& o : graph_.outputs) needOut(o.line);
    while (!work.empty()) {
      uint32_t item = work.back();
      work.pop_back();
      uint32_t l = item / 2;
      if (item & 1) {
        for (uint32_t k = facts_.outStart[l]; k < facts_.outStart[l + 1]; ++k) needIn(facts_.outReads[k]);
        continue;
      }
      const Endpoint& src = graph_.lines[l].source;
      if (src.kind == Endpoint::Kind::Wire) needOut(src.ref);
      if (src.kind != Endpoint::Kind::Choose && !facts_.bound[l]) continue;
      std::optional<int64_t> index = knownValue(facts_.indexLine[l]);
      for (uint32_t k = facts_.choiceStart[l]; k < facts_.choiceStart[l + 1]; ++k) {
        int32_t element = facts_.optionElement[k];
        if (element >= 0 && index && element != *index) continue;
        needIn(facts_.choiceReads[k]);
      }
    }
    interacts_.assign(graph_.instances.size(), false);
    for (uint32_t l = 0; l < n; ++l) {
      if (outDemanded_[l] || facts_.network[l]) interacts_[graph_.lines[l].instance] = true;
    }
  }

  // The statically known Int value of a line's input (forced or constant).
  std::optional<int64_t> knownValue(uint32_t l) const {
    if (l == kNone) return std::nullopt;
    const Endpoint& src = graph_.lines[l].source;
    const Value* v = nullptr;
    auto f = forced_.find(l);
    if (f != forced_.end())
      v = &f->second;
    else if (src.kind == Endpoint::Kind::Const)
      v = &graph_.constants[src.ref];
    if (!v || v->kind != Value::Kind::Int) return std::nullopt;
    return v->i;
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
          if (inDemanded_[m] && !lines_[m].inAvailable) missing = m;
        }
      }
      if (missing == kNone) {
        return path + graph_.linePath(catalog_, line) +
               (queue_.empty() ? " has all its inputs but did not fire" : ", due after --until stopped the run");
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
    const LineSig* sig = facts_.sig[line];
    return sig ? sig->choiceRule : "";
  }

  const Graph& graph_;
  const Catalog& catalog_;
  const GraphFacts& facts_;
  const RunConfig& config_;
  std::vector<LineState> lines_;
  std::vector<bool> outDemanded_, inDemanded_, interacts_;
  std::map<uint32_t, Value> forced_;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> queue_;
  std::vector<Value> values_;
  std::vector<uint32_t> freeValues_;
  Rng ties_, net_;
  std::vector<bool> decidePending_;
  std::vector<std::string> failures_;
  std::map<uint32_t, std::vector<std::pair<Value, int64_t>>> tallies_;
  uint32_t trigger_ = kNone;
  int64_t now_ = 0;
  uint64_t events_ = 0;
};

Simulator::Simulator(const Graph& graph, const Catalog& catalog)
    : graph_(graph), catalog_(catalog), facts_(std::make_unique<GraphFacts>(graph, catalog)) {}

Simulator::~Simulator() = default;

RunResult Simulator::run(const RunConfig& config) {
  Run run(graph_, catalog_, *facts_, config);
  run.start();
  run.advanceTo(config.until);
  return run.result();
}

Execution::Execution(const Simulator& simulator, const RunConfig& config)
    : run_(std::make_unique<Run>(simulator.graph_, simulator.catalog_, *simulator.facts_, config)) {
  run_->start();
}

Execution::~Execution() = default;

std::optional<int64_t> Execution::nextTime() const { return run_->nextTime(); }
void Execution::advanceTo(int64_t time) { run_->advanceTo(time); }
void Execution::deliver(uint32_t input, Value value, int64_t time) { run_->deliver(input, std::move(value), time); }
bool Execution::outputAvailable(uint32_t output) const { return run_->outputAvailable(output); }
RunResult Execution::result() const { return run_->result(); }

}  // namespace rdc::run
