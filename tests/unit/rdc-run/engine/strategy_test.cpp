// Schedule strategies: the depth-first enumeration of choice lists, PCT's
// determinism and bands, and the engine's two hooks (a Schedule picking
// among simultaneous events, an OutputWatch stopping a run).
#include "tools/rdc-run/engine/strategy.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/unit/test_support.h"
#include "tools/rdc-run/engine/engine.h"

namespace rdc::run {
namespace {

// Three votes arrive at the same instant; the first to arrive is the value.
const char* kRace = R"(
    - Quorum<3, 1> q:
        'votes[0]': const 1 -> drop
        'votes[1]': const 2 -> drop
        'votes[2]': const 3 -> drop
        value: choose -> output value
)";

struct Model {
  test::Built built;
  RunConfig config;
};

Model load(const std::string& system, const std::string& header = "") {
  Model m{test::build("rdc: 1\n" + header + "system:\n  body:\n" + system), {}};
  EXPECT_TRUE(m.built.loaded) << m.built.diags.formatText();
  if (!m.built.loaded) return m;
  const Graph& g = m.built.loaded->graph;
  m.config.inputs.assign(g.inputs.size(), std::nullopt);
  m.config.crashAt.assign(g.domains.size(), INT64_MAX);
  m.config.byzantine.assign(g.domains.size(), false);
  Latency constant;
  constant.a = 1'000'000;
  m.config.linkLatency.assign(g.instances.size(), constant);
  return m;
}

std::string valueOf(const RunResult& r) { return r.outputs[0].available ? r.outputs[0].value.str() : "never"; }

// The choices of a run of `prefix` over a fixed tree of points (`options`
// each, `lie` telling the lie points), with a ChoiceSchedule's tail bound.
std::vector<uint32_t> runOf(const std::vector<uint32_t>& prefix, const std::vector<uint32_t>& options,
                            const std::vector<bool>& lie, DeviationBound tail) {
  std::vector<uint32_t> taken(prefix);
  size_t lies = 0, others = 0;
  for (size_t i = 0; i < taken.size(); ++i) (lie[i] ? lies : others) += taken[i] != 0;
  for (size_t i = taken.size(); i < options.size(); ++i) {
    bool deviate = options[i] > 1 && tail.allows(lie[i], lies, others);
    taken.push_back(deviate ? 1 : 0);
    (lie[i] ? lies : others) += deviate;
  }
  return taken;
}

// Every schedule a search visits within `bound`, in its order.
std::vector<std::vector<uint32_t>> searchOf(const std::vector<uint32_t>& options, const std::vector<bool>& lie,
                                            DeviationBound bound) {
  std::vector<std::vector<uint32_t>> visited{runOf({}, options, lie, bound)};
  while (auto next = nextSchedule(visited.back(), options)) visited.push_back(runOf(*next, options, lie, bound));
  return visited;
}

TEST(Strategy, DepthFirstVisitsEveryChoiceListOnce) {
  // A fixed tree: two options, then three. Six schedules, then exhausted.
  auto visited = searchOf({2, 3}, {false, false}, {});
  EXPECT_EQ(std::set<std::vector<uint32_t>>(visited.begin(), visited.end()).size(), 6u);
  EXPECT_EQ(visited.size(), 6u);
}

TEST(Strategy, ASearchTriesTheFirstPointsDeviationsFirst) {
  // One deviation among three points of two options: the first point's, then the second's, the third's, none.
  DeviationBound one;
  one.total = 1;
  auto visited = searchOf({2, 2, 2}, {false, false, false}, one);
  EXPECT_EQ(visited, (std::vector<std::vector<uint32_t>>{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 0}}));
}

TEST(Strategy, ALieBoundOfItsOwnLeavesTheOtherPointsToThePass) {
  // A lie point of three options, then two schedule points of two. With at
  // most one lie and no other deviation, only the lie varies; with one
  // other deviation, each lie goes with each single deviation.
  std::vector<uint32_t> options{3, 2, 2};
  std::vector<bool> lie{true, false, false};
  auto count = [&](DeviationBound bound) {
    auto visited = searchOf(options, lie, bound);
    EXPECT_EQ(std::set<std::vector<uint32_t>>(visited.begin(), visited.end()).size(), visited.size());
    return visited.size();
  };
  DeviationBound liesOnly;
  liesOnly.schedule = 0, liesOnly.lies = 1;
  EXPECT_EQ(count(liesOnly), 3u);
  DeviationBound oneEach;
  oneEach.schedule = 1, oneEach.lies = 1;
  EXPECT_EQ(count(oneEach), 9u);  // 3 lies x (none, the first, the second point)
  DeviationBound shared;
  shared.total = 1;
  EXPECT_EQ(count(shared), 5u);  // nothing, 2 lies, 2 points
}

TEST(Strategy, ExhaustiveSearchSeesEveryValueOfARaceAndEnds) {
  Model m = load(kRace);
  ASSERT_TRUE(m.built.loaded);
  Catalog catalog = Catalog::standard();
  Simulator sim(m.built.loaded->graph, catalog);
  std::set<std::string> values;
  std::vector<uint32_t> choices;
  int schedules = 0;
  for (; schedules < 1000; ++schedules) {
    ChoiceSchedule schedule(choices, nullptr, DeviationBound{});
    m.config.schedule = &schedule;
    values.insert(valueOf(sim.run(m.config)));
    auto next = nextSchedule(schedule.taken(), schedule.options());
    if (!next) break;
    choices = *next;
  }
  EXPECT_LT(schedules, 1000);  // exhausted, not cut by the bound
  EXPECT_EQ(values, (std::set<std::string>{"1", "2", "3"}));
}

TEST(Strategy, AChoiceListNamesOneRunWhateverTheSeed) {
  Model m = load(kRace);
  ASSERT_TRUE(m.built.loaded);
  Catalog catalog = Catalog::standard();
  Simulator sim(m.built.loaded->graph, catalog);
  std::set<std::string> perChoice[3];
  for (uint64_t seed = 0; seed < 8; ++seed) {
    m.config.seed = seed;
    for (uint32_t c = 0; c < 3; ++c) {
      ChoiceSchedule a({c}), b({c});
      m.config.schedule = &a;
      std::string first = valueOf(sim.run(m.config));
      m.config.schedule = &b;
      EXPECT_EQ(first, valueOf(sim.run(m.config)));  // the same list and seed: the same run
      EXPECT_EQ(a.taken(), b.taken());
    }
  }
}

TEST(Strategy, PctIsDeterministicFromItsSeedAndVariesAcrossSeeds) {
  // The race across three domains: PCT puts the highest-priority domain first.
  Model m = load(R"(
    - Quorum<3, 1> q @ node[0]:
        'votes[0]': v0 -> drop
        'votes[1]': v1 -> drop
        'votes[2]': v2 -> drop
        value: choose -> output value
    - Def s0 @ node[0]: {x: const 1 -> drop, y: choose -> m0}
    - Def s1 @ node[1]: {x: const 2 -> drop, y: choose -> m1}
    - Def s2 @ node[2]: {x: const 3 -> drop, y: choose -> m2}
    - Link l0: {snd: m0 -> drop, rcv: choose -> v0}
    - Link l1: {snd: m1 -> drop, rcv: choose -> v1}
    - Link l2: {snd: m2 -> drop, rcv: choose -> v2}
)",
                 "domains:\n  node: 3\n");
  ASSERT_TRUE(m.built.loaded);
  const Graph& g = m.built.loaded->graph;
  Catalog catalog = Catalog::standard();
  Simulator sim(g, catalog);
  std::set<std::string> seen;
  for (uint64_t seed = 0; seed < 16; ++seed) {
    m.config.seed = 0;  // the run's own seed fixed: only PCT's varies
    PctSchedule once(seed, 2, static_cast<uint32_t>(g.domains.size()), 3), again(seed, 2, 3, 3);
    m.config.schedule = &once;
    std::string value = valueOf(sim.run(m.config));
    m.config.schedule = &again;
    EXPECT_EQ(value, valueOf(sim.run(m.config)));
    seen.insert(value);
  }
  EXPECT_GT(seen.size(), 1u);
}

TEST(Strategy, PctDelaysStayInTheModelAndFollowPriority) {
  Latency uniform{Latency::Kind::Uniform, 1'000'000, 9'000'000};
  for (uint64_t seed = 0; seed < 20; ++seed) {
    PctSchedule pct(seed, 1, 4, 100);  // depth 1: no change points, fixed priorities
    std::vector<int64_t> delays;
    for (uint32_t d = 0; d < 4; ++d) delays.push_back(pct.delay(uniform, d, uniform.a));
    std::vector<int64_t> sorted = delays;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_GE(sorted.front(), uniform.a);
    EXPECT_LE(sorted.back(), uniform.b);
    // Four domains, four bands of 2ms: each domain's delay in its own band.
    std::set<int64_t> bands;
    for (int64_t x : delays) bands.insert(std::min<int64_t>((x - uniform.a) / 2'000'000, 3));
    EXPECT_EQ(bands.size(), 4u);
  }
}

TEST(Strategy, LatencyPointsAreInTheModel) {
  EXPECT_EQ(latencyPoints({Latency::Kind::Constant, 5, 0}), (std::vector<int64_t>{5}));
  EXPECT_EQ(latencyPoints({Latency::Kind::Uniform, 2, 9}), (std::vector<int64_t>{2, 9}));
  auto exp = latencyPoints({Latency::Kind::Exponential, 1'000'000, 0});
  ASSERT_EQ(exp.size(), 2u);
  EXPECT_NEAR(exp[0], 287'682, 1);    // the first quartile, ln(4/3) of the mean
  EXPECT_NEAR(exp[1], 1'386'294, 1);  // the third, ln 4 of it
}

TEST(Strategy, ParsesSpecsAndPrintsSchedules) {
  std::string error;
  EXPECT_EQ(Strategy::parse("pct:3", &error)->depth, 3u);
  EXPECT_EQ(Strategy::parse("schedule:1.0.2", &error)->choices, (std::vector<uint32_t>{1, 0, 2}));
  EXPECT_TRUE(Strategy::parse("schedule:", &error)->choices.empty());
  for (const char* bad : {"pct:0", "pct:", "pct:65", "schedule:1..2", "schedule:x", "schedule:0.0.", "schedule:.",
                          "schedule:4294967296", "dfs"}) {
    EXPECT_FALSE(Strategy::parse(bad, &error)) << bad;
    EXPECT_FALSE(error.empty());
  }
  EXPECT_EQ(Strategy::scheduleText({1, 0, 2, 0, 0}), "schedule:1.0.2");
  EXPECT_EQ(Strategy::scheduleText({0, 0}), "schedule:");
}

// Stops the run at the end of the instant in which the named output
// became available.
struct StopAt final : OutputWatch {
  uint32_t output = 0;
  int calls = 0;
  bool instantEnds(int64_t, std::span<const OutputValue> outputs) override {
    ++calls;
    return outputs[output].available;
  }
};

TEST(Strategy, AWatchStopsTheRunAtTheEndOfItsInstant) {
  Model m = load(R"(
    - Delay early: {d: const 1ms -> drop, v: const 5 -> output early}
    - Delay late: {d: const 3ms -> drop, v: const 6 -> output late}
    - Delay same: {d: const 1ms -> drop, v: const 7 -> output same}
)");
  ASSERT_TRUE(m.built.loaded);
  const Graph& g = m.built.loaded->graph;
  auto named = [&](const std::string& name) {
    for (uint32_t o = 0; o < g.outputs.size(); ++o) {
      if (g.outputs[o].name == name) return o;
    }
    return kNone;
  };
  StopAt watch;
  watch.output = named("early");
  m.config.watch = &watch;
  Catalog catalog = Catalog::standard();
  RunResult r = Simulator(g, catalog).run(m.config);
  EXPECT_TRUE(r.stopped);
  EXPECT_EQ(r.endTime, 1'000'000);
  EXPECT_EQ(watch.calls, 1);  // once for the instant at 1ms, which made two outputs
  EXPECT_TRUE(r.outputs[named("early")].available);
  EXPECT_TRUE(r.outputs[named("same")].available);  // its instant ended: all of it happened
  EXPECT_FALSE(r.outputs[named("late")].available);
}

}  // namespace
}  // namespace rdc::run
