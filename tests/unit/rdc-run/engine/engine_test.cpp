// The forward semantics of each base component, ties included, and
// demand-driven execution, on small models run by the simulator.
#include "tools/rdc-run/engine/engine.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/unit/test_support.h"
#include "tools/rdc-run/engine/rng.h"

namespace rdc::run {
namespace {

struct Ran {
  std::map<std::string, std::string> outputs;  // name -> "value@time" or "never"
  std::map<std::string, std::string> how;      // input-end line path -> how
  uint64_t events = 0;
};

class Recorder final : public EventSink {
 public:
  explicit Recorder(const Graph& g) : graph(g) {}
  void record(const LineEvent& e) override {
    if (!e.output) how[graph.linePath(catalog, e.line)] = howName(e.how);
    fired.push_back(graph.linePath(catalog, e.line) + (e.output ? "'" : ""));
  }
  const Graph& graph;
  Catalog catalog = Catalog::standard();
  std::map<std::string, std::string> how;
  std::vector<std::string> fired;
};

Ran runModel(const std::string& system, std::map<std::string, Value> inputs = {}, uint64_t seed = 0,
             std::map<std::string, Value> forces = {}, std::vector<std::string>* fired = nullptr) {
  auto b = test::build("rdc: 1\nsystem:\n  body:\n" + system);
  EXPECT_TRUE(b.loaded) << b.diags.formatText();
  if (!b.loaded) return {};
  const Graph& g = b.loaded->graph;
  Catalog catalog = Catalog::standard();
  RunConfig config;
  config.seed = seed;
  config.inputs.assign(g.inputs.size(), std::nullopt);
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    auto it = inputs.find(g.inputs[i].name);
    if (it != inputs.end()) config.inputs[i] = it->second;
  }
  for (uint32_t l = 0; l < g.lines.size(); ++l) {
    auto it = forces.find(g.linePath(catalog, l));
    if (it != forces.end()) config.forces[l] = it->second;
  }
  config.crashAt.assign(g.domains.size(), INT64_MAX);
  config.byzantine.assign(g.domains.size(), false);
  Latency constant;
  constant.a = 2'000'000;
  config.linkLatency.assign(g.instances.size(), constant);
  Recorder recorder(g);
  config.sink = &recorder;
  RunResult r = Simulator(g, catalog).run(config);
  Ran ran;
  for (size_t o = 0; o < g.outputs.size(); ++o) {
    ran.outputs[g.outputs[o].name] =
        r.outputs[o].available ? r.outputs[o].value.str() + "@" + durationString(r.outputs[o].time) : "never";
  }
  ran.how = recorder.how;
  ran.events = r.events;
  if (fired) *fired = recorder.fired;
  return ran;
}

TEST(Semantics, SumDiffInc) {
  auto r = runModel(R"(
    - Sum s: {x: input a as Int -> output a, y: input b as Int -> output sum}
    - Diff d: {x: input c as Int -> output c, y: input e as Int -> output diff}
    - Inc<-3> i: {x: input g as Int -> output inc}
)",
                    {{"a", Value::integer(2)},
                     {"b", Value::integer(5)},
                     {"c", Value::integer(2)},
                     {"e", Value::integer(5)},
                     {"g", Value::integer(1)}});
  EXPECT_EQ(r.outputs["sum"], "7@0ns");
  EXPECT_EQ(r.outputs["diff"], "3@0ns");
  EXPECT_EQ(r.outputs["inc"], "-2@0ns");
}

TEST(Semantics, SumWrapsAround) {
  auto r = runModel("    - Sum s: {x: input a as Int -> drop, y: input b as Int -> output sum}\n",
                    {{"a", Value::integer(INT64_MAX)}, {"b", Value::integer(1)}});
  EXPECT_EQ(r.outputs["sum"], std::to_string(INT64_MIN) + "@0ns");
}

// CSwap's chosen control: false when t1 is available no later than t2.
const char* kSwap = R"(
    - Delay d1: {d: const DELAY1 -> drop, v: input a as Int -> t1}
    - Delay d2: {d: const DELAY2 -> drop, v: input b as Int -> t2}
    - CSwap s: {c: choose -> output c, t1: t1 -> output x, t2: t2 -> output y}
)";

std::string swapModel(const std::string& d1, const std::string& d2) {
  std::string m = kSwap;
  m.replace(m.find("DELAY1"), 6, d1);
  m.replace(m.find("DELAY2"), 6, d2);
  return m;
}

TEST(Semantics, CSwapPrefersNoSwapOnTies) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    auto r = runModel(swapModel("1ms", "1ms"), {{"a", Value::integer(1)}, {"b", Value::integer(2)}}, seed);
    EXPECT_EQ(r.outputs["c"], "false@1ms") << seed;
    EXPECT_EQ(r.outputs["x"], "1@1ms");
  }
}

TEST(Semantics, CSwapSwapsWhenT2IsFirst) {
  auto r = runModel(swapModel("3ms", "1ms"), {{"a", Value::integer(1)}, {"b", Value::integer(2)}});
  EXPECT_EQ(r.outputs["c"], "true@1ms");
  EXPECT_EQ(r.outputs["x"], "2@1ms");  // t1' = t2, as soon as t2 is there
  EXPECT_EQ(r.outputs["y"], "1@3ms");
  EXPECT_EQ(r.how["s.c"], "chosen");
}

TEST(Semantics, DefCopiesAndAForcedCopyLies) {
  const char* m = "    - Def d: {x: input a as Int -> output a, y: choose -> output copy}\n";
  EXPECT_EQ(runModel(m, {{"a", Value::integer(4)}}).outputs["copy"], "4@0ns");
  auto lie = runModel(m, {{"a", Value::integer(4)}}, 0, {{"d.y", Value::integer(9)}});
  EXPECT_EQ(lie.outputs["copy"], "9@0ns");
  EXPECT_EQ(lie.how["d.y"], "forced");
}

TEST(Semantics, FnEvaluatesItsExpression) {
  auto r = runModel(R"(
    - Fn f:
        expr: "a > b ? a - b : nil"
        a: input a as Int -> drop
        b: input b as Int -> drop
        r: choose -> output r
)",
                    {{"a", Value::integer(7)}, {"b", Value::integer(3)}});
  EXPECT_EQ(r.outputs["r"], "4@0ns");
}

TEST(Semantics, SyncWaitsForAll) {
  auto r = runModel(R"(
    - Delay d: {d: const 4ms -> drop, v: input a as Int -> late}
    - Sync<2> s: {'l[0]': late -> output x, 'l[1]': input b as Bool -> output y}
)",
                    {{"a", Value::integer(1)}, {"b", Value::boolean(true)}});
  EXPECT_EQ(r.outputs["x"], "1@4ms");
  EXPECT_EQ(r.outputs["y"], "true@4ms");
}

TEST(Semantics, DelayIsExact) {
  auto r = runModel("    - Delay d: {d: const 1500us -> output d, v: input a as Int -> output v}\n",
                    {{"a", Value::integer(1)}});
  EXPECT_EQ(r.outputs["v"], "1@1500us");
  EXPECT_EQ(r.outputs["d"], "1500us@0ns");
}

TEST(Semantics, LinkDeliversAfterTheNetworkDelay) {
  auto r =
      runModel("    - Link l: {snd: input a as Int -> drop, rcv: choose -> output got}\n", {{"a", Value::integer(3)}});
  EXPECT_EQ(r.outputs["got"], "3@2ms");
}

// Select's chosen choice: the earliest option, ties to the lowest index.
const char* kSelect = R"(
    - Delay d0: {d: const 2ms -> drop, v: input a as Int -> o0}
    - Delay d1: {d: const 1ms -> drop, v: input b as Int -> o1}
    - Delay d2: {d: const 1ms -> drop, v: input c as Int -> o2}
    - Select<3> s:
        choice: choose -> output choice
        'options[0]': o0 -> drop
        'options[1]': o1 -> drop
        'options[2]': o2 -> drop
        chosen: choose -> output chosen
)";

TEST(Semantics, SelectTakesTheEarliestOptionAndTheLowestOnTies) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    auto r = runModel(kSelect, {{"a", Value::integer(10)}, {"b", Value::integer(11)}, {"c", Value::integer(12)}}, seed);
    EXPECT_EQ(r.outputs["choice"], "1@1ms") << seed;
    EXPECT_EQ(r.outputs["chosen"], "11@1ms") << seed;
  }
}

TEST(Semantics, SelectWithAKnownChoiceDemandsOnlyThatOption) {
  std::string m = R"(
    - Inc<1> i0: {x: input a as Int -> o0}
    - Inc<1> i1: {x: input b as Int -> o1}
    - Select<2> s:
        choice: const 1 -> drop
        'options[0]': o0 -> drop
        'options[1]': o1 -> drop
        chosen: choose -> output chosen
)";
  std::vector<std::string> fired;
  auto r = runModel(m, {{"a", Value::integer(1)}, {"b", Value::integer(2)}}, 0, {}, &fired);
  EXPECT_EQ(r.outputs["chosen"], "3@0ns");
  EXPECT_EQ(std::count(fired.begin(), fired.end(), "i0.x'"), 0) << "option 0 was not demanded";
  EXPECT_EQ(std::count(fired.begin(), fired.end(), "i1.x'"), 1);
}

TEST(Semantics, QuorumTakesTheFirstValueToReachK) {
  // Votes 5 (at 1ms), 6 (2ms), 6 (3ms), 5 (4ms): with k = 2, 6 reaches k first.
  auto r = runModel(R"(
    - Delay d0: {d: const 1ms -> drop, v: const 5 -> v0}
    - Delay d1: {d: const 2ms -> drop, v: const 6 -> v1}
    - Delay d2: {d: const 3ms -> drop, v: const 6 -> v2}
    - Delay d3: {d: const 4ms -> drop, v: const 5 -> v3}
    - Quorum<4, 2> q:
        'votes[0]': v0 -> drop
        'votes[1]': v1 -> drop
        'votes[2]': v2 -> drop
        'votes[3]': v3 -> drop
        value: choose -> output value
)");
  EXPECT_EQ(r.outputs["value"], "6@3ms");
}

TEST(Semantics, QuorumTiesFollowTheSeededAvailabilityOrder) {
  // Two values reach k at the same instant: the seed orders the arrivals,
  // so different seeds may pick differently, and each seed always the same.
  std::string m = R"(
    - Quorum<2, 1> q:
        'votes[0]': input a as Int -> drop
        'votes[1]': input b as Int -> drop
        value: choose -> output value
)";
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 32; ++seed) {
    auto once = runModel(m, {{"a", Value::integer(1)}, {"b", Value::integer(2)}}, seed).outputs["value"];
    auto again = runModel(m, {{"a", Value::integer(1)}, {"b", Value::integer(2)}}, seed).outputs["value"];
    EXPECT_EQ(once, again);
    seen.insert(once);
  }
  EXPECT_EQ(seen, (std::set<std::string>{"1@0ns", "2@0ns"}));
}

TEST(Semantics, AForcedQuorumValueWaitsForKMatchingVotes) {
  std::string m = R"(
    - Quorum<3, 2> q:
        'votes[0]': input a as Int -> drop
        'votes[1]': input b as Int -> drop
        'votes[2]': input c as Int -> drop
        value: choose -> output value
)";
  auto r = runModel(m, {{"a", Value::integer(1)}, {"b", Value::integer(2)}, {"c", Value::integer(2)}}, 0,
                    {{"q.value", Value::integer(1)}});
  EXPECT_EQ(r.outputs["value"], "never");
  r = runModel(m, {{"a", Value::integer(1)}, {"b", Value::integer(2)}, {"c", Value::integer(2)}}, 0,
               {{"q.value", Value::integer(2)}});
  EXPECT_EQ(r.outputs["value"], "2@0ns");
}

TEST(Demand, AComponentNobodyDemandsRestsItsInputs) {
  std::vector<std::string> fired;
  runModel("    - Inc<1> a: {x: input a as Int -> drop}\n    - Inc<1> b: {x: input b as Int -> output b}\n", {}, 0, {},
           &fired);
  EXPECT_EQ(std::count(fired.begin(), fired.end(), "a.x'"), 0) << "a never interacts";
  EXPECT_EQ(std::count(fired.begin(), fired.end(), "a.x"), 1) << "its input still arrives, recorded";
  EXPECT_EQ(std::count(fired.begin(), fired.end(), "b.x'"), 1);
}

TEST(Demand, AnInteractingComponentReleasesEveryOutputItCan) {
  // Only y' is demanded, but x' (to drop) is determined too: it flows on.
  std::vector<std::string> fired;
  auto r = runModel("    - Sum s: {x: input a as Int -> drop, y: input b as Int -> output s}\n",
                    {{"a", Value::integer(2)}, {"b", Value::integer(3)}}, 0, {}, &fired);
  EXPECT_EQ(r.outputs["s"], "5@0ns");
  EXPECT_EQ(std::count(fired.begin(), fired.end(), "s.x'"), 1);
}

TEST(Demand, ALinkDemandsWhatItSendsWhateverItsReceiverDemands) {
  // Nothing demands the delivery (the receiver's Inc never interacts), yet the
  // sender's Def makes its copy and the Link carries it, as a projection's
  // Send gateway does: a sender cannot know what its receiver needs.
  std::vector<std::string> fired;
  runModel(
      "    - Def d: {x: input a as Int -> drop, y: choose -> sent}\n"
      "    - Link l: {snd: sent -> drop, rcv: choose -> got}\n"
      "    - Inc<1> i: {x: got -> drop}\n",
      {{"a", Value::integer(4)}}, 0, {}, &fired);
  EXPECT_EQ(std::count(fired.begin(), fired.end(), "d.y'"), 1) << "the copy is made";
  EXPECT_EQ(std::count(fired.begin(), fired.end(), "l.rcv'"), 1) << "and delivered";
  EXPECT_EQ(std::count(fired.begin(), fired.end(), "i.x"), 1) << "where it rests";
  EXPECT_EQ(std::count(fired.begin(), fired.end(), "i.x'"), 0);
}

// A run without faults, every Link's delay uniform in 1ms..`maxDelay` ns.
RunConfig uniformConfig(const Graph& g, uint64_t seed, int64_t maxDelay) {
  RunConfig c;
  c.seed = seed;
  c.inputs.assign(g.inputs.size(), std::nullopt);
  c.crashAt.assign(g.domains.size(), INT64_MAX);
  c.byzantine.assign(g.domains.size(), false);
  Latency uniform;
  uniform.kind = Latency::Kind::Uniform;
  uniform.a = 1'000'000;
  uniform.b = maxDelay;
  c.linkLatency.assign(g.instances.size(), uniform);
  return c;
}

// A Simulator reuses one workspace and resets only what the last run
// touched: a run must not see anything of the runs before it.
TEST(Workspace, ARunIsTheSameAfterAnyOtherRun) {
  auto b = test::build(test::readFile(RDC_SOURCE_DIR "/examples/tendermint/tendermint.rdc.yaml"));
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& g = b.loaded->graph;
  Catalog catalog = Catalog::standard();
  auto configFor = [&](uint64_t seed, bool byzantine, Recorder& recorder) {
    RunConfig c = uniformConfig(g, seed, 9'000'000);
    c.byzantine[0] = byzantine;  // forced lies: a demand of the run's own
    if (!byzantine) c.crashAt[1] = 5'000'000;
    c.sink = &recorder;
    return c;
  };
  auto listing = [&](Simulator& sim, uint64_t seed, bool byzantine) {
    Recorder recorder(g);
    RunConfig c = configFor(seed, byzantine, recorder);
    RunResult r = sim.run(c);
    std::string out;
    for (const std::string& f : recorder.fired) out += f + "\n";
    for (const auto& o : r.outputs) out += o.available ? o.value.str() + "@" + std::to_string(o.time) + "\n" : "-\n";
    return out;
  };
  Simulator reused(g, catalog);
  for (auto [seed, byzantine] : {std::pair{3, false}, {4, true}, {3, false}, {5, false}, {4, true}}) {
    Simulator fresh(g, catalog);
    std::string expected = listing(fresh, seed, byzantine);
    EXPECT_GT(expected.size(), 1000u);
    EXPECT_EQ(listing(reused, seed, byzantine), expected) << "seed " << seed;
  }
}

// Events by number and each retired iteration's outputs, as text.
class IterationListing final : public EventSink, public IterationSink {
 public:
  void record(const LineEvent& e) override {
    text += std::to_string(e.line) + (e.output ? "' " : " ") + e.value->str() + " @" + std::to_string(e.time) + "\n";
  }
  void retired(const RetiredIteration& it) override {
    order.push_back(it.k);
    text += "iteration " + std::to_string(it.k) + (it.complete ? "" : " cut off") + ":";
    for (const OutputValue& o : it.outputs)
      text += o.available ? " " + o.value.str() + "@" + std::to_string(o.time) : " -";
    text += "\n";
  }
  std::string text;
  std::vector<int64_t> order;
};

RunConfig unboundedConfig(const Graph& g, uint64_t seed, IterationListing& listing, int64_t until) {
  RunConfig c = uniformConfig(g, seed, 10'000'000);
  c.sink = &listing;
  c.iterations = &listing;
  c.until = until;
  return c;
}

// The unbounded box's iterations run in recycled slots: a run is the same
// whichever slots it gets and whatever ran in them before, iterations
// retire in the order of k, and far fewer are live at once than begin.
TEST(Unbounded, RecycledSlotsRunAsFreshOnes) {
  auto b = test::build(test::readFile(RDC_SOURCE_DIR "/examples/rb-stream/rb-stream.rdc.yaml"));
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& g = b.loaded->graph;
  Catalog catalog = Catalog::standard();
  auto listing = [&](Simulator& sim, uint64_t seed, bool byzantine, RunResult* result = nullptr) {
    IterationListing l;
    RunConfig c = unboundedConfig(g, seed, l, 200'000'000);
    c.byzantine[0] = byzantine;
    RunResult r = sim.run(c);
    for (size_t k = 0; k < l.order.size(); ++k) EXPECT_EQ(l.order[k], static_cast<int64_t>(k));
    if (result) *result = r;
    return l.text;
  };
  Simulator reused(g, catalog);
  for (auto [seed, byzantine] : {std::pair{3, false}, {4, true}, {3, false}, {5, false}, {4, true}}) {
    Simulator fresh(g, catalog);
    RunResult r;
    std::string expected = listing(fresh, seed, byzantine, &r);
    EXPECT_EQ(r.iterations, 2001u);
    EXPECT_LT(r.peakLiveIterations, r.iterations / 4);
    EXPECT_EQ(listing(reused, seed, byzantine), expected) << "seed " << seed;
  }
}

// Iterations begin when the one before passes them a value: a chain of
// 1ms delays carries 7 from iteration to iteration, and each one's
// constant is available when it begins.
TEST(Unbounded, ACrossingValueBeginsTheNextIteration) {
  auto b = test::build(R"(rdc: 1
system:
  body:
    - Inc<0> start:
        x: input s = 7 -> chain[0]
    - for: k in 0..
      body:
        - Delay d[k]:
            d: const 1ms -> drop
            v: chain[k] -> c[k]
        - Def copy[k]:
            x: c[k] -> chain[k + 1]
            y: choose -> output y[k]
)");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  Catalog catalog = Catalog::standard();
  Simulator sim(b.loaded->graph, catalog);
  IterationListing l;
  RunResult r = sim.run(unboundedConfig(b.loaded->graph, 0, l, 5'500'000));
  EXPECT_EQ(r.iterations, 6u);  // iteration 5 begins at 5ms and is cut off
  for (int64_t k = 0; k < 5; ++k) {
    EXPECT_NE(l.text.find("iteration " + std::to_string(k) + ": 7@" + std::to_string((k + 1) * 1'000'000) + "\n"),
              std::string::npos)
        << l.text;
  }
  EXPECT_NE(l.text.find("iteration 5 cut off: -"), std::string::npos) << l.text;
}

// An on-demand box (`k in 0..K on demand`) is an unbounded box that ends
// at K: its iterations k >= K never begin, whatever passes them a value,
// and the run ends when the K are done, as a bounded model's does.
TEST(OnDemand, IterationsFromKOnNeverBegin) {
  auto b = test::build(R"(rdc: 1
params:
  K: 6
system:
  body:
    - Inc<0> start:
        x: input s = 7 -> chain[0]
    - for: k in 0..K on demand
      body:
        - Delay d[k]:
            d: const 1ms -> drop
            v: chain[k] -> c[k]
        - Def copy[k]:
            x: c[k] -> chain[k + 1]
            y: choose -> output y[k]
)");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  ASSERT_TRUE(b.loaded->graph.unbounded);
  EXPECT_EQ(b.loaded->graph.unbounded->end, 6u);
  Catalog catalog = Catalog::standard();
  Simulator sim(b.loaded->graph, catalog);
  IterationListing l;
  RunResult r = sim.run(unboundedConfig(b.loaded->graph, 0, l, INT64_MAX));
  EXPECT_EQ(r.iterations, 6u);
  EXPECT_EQ(r.endTime, 6'000'000);  // iteration 5's copy, at 6ms: nothing waits for a seventh
  EXPECT_EQ(l.order, (std::vector<int64_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_NE(l.text.find("iteration 5: 7@6000000\n"), std::string::npos) << l.text;
  EXPECT_EQ(l.text.find("cut off"), std::string::npos) << l.text;
}

TEST(Rng, IsTheSameEverywhere) {
  // A pinned output: any change here changes every trace ever recorded.
  EXPECT_EQ(Rng(42).next(), 1546998764402558742ull);
  Rng a(7), b(7);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next(), b.next());
  Rng c(7);
  for (int i = 0; i < 1000; ++i) {
    int64_t u = c.uniform(3, 5);
    EXPECT_GE(u, 3);
    EXPECT_LE(u, 5);
  }
}

}  // namespace
}  // namespace rdc::run
