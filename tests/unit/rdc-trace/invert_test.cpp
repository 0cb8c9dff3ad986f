// Inversion: a forward run's trace runs backwards to its inputs, and a
// hand-corrupted trace is caught at the line that breaks.
#include "tools/rdc-trace/invert.h"

#include <gtest/gtest.h>

#include "tests/unit/test_support.h"
#include "tools/rdc-run/engine/engine.h"

namespace rdc::trace {
namespace {

// Records a run into an in-memory Trace.
class Collect final : public run::EventSink {
 public:
  explicit Collect(Trace& t) : trace_(t) {}
  void record(const run::LineEvent& e) override {
    trace_.events.push_back({static_cast<uint32_t>(e.line), e.output, e.time, e.how, *e.value});  // (a traced run)
    trace_.endTime = e.time;
  }

 private:
  Trace& trace_;
};

struct Forward {
  test::Built built;
  Trace trace;
};

std::unique_ptr<Forward> bracha(uint64_t seed, bool byzantineSender) {
  auto f = std::make_unique<Forward>();
  f->built = test::build(test::readFile(RDC_SOURCE_DIR "/examples/bracha/bracha.rdc.yaml"));
  const Graph& g = f->built.loaded->graph;
  Catalog catalog = Catalog::standard();
  for (uint32_t l = 0; l < g.lines.size(); ++l) f->trace.header.linePaths.push_back(g.linePath(catalog, l));
  run::RunConfig c;
  c.seed = seed;
  c.inputs.assign(g.inputs.size(), Value::integer(1));
  c.crashAt.assign(g.domains.size(), INT64_MAX);
  c.byzantine.assign(g.domains.size(), false);
  c.byzantine[0] = byzantineSender;
  run::Latency latency;
  latency.kind = run::Latency::Kind::Uniform;
  latency.a = 1'000'000;
  latency.b = 9'000'000;
  c.linkLatency.assign(g.instances.size(), latency);
  Collect collect(f->trace);
  c.sink = &collect;
  run::Simulator(g, catalog).run(c);
  f->trace.complete = true;
  return f;
}

// Runs `g` with the given inputs (no faults, default latency) and records its trace.
Trace recordRun(const Graph& g, std::vector<std::optional<Value>> inputs) {
  Catalog catalog = Catalog::standard();
  Trace t;
  for (uint32_t l = 0; l < g.lines.size(); ++l) t.header.linePaths.push_back(g.linePath(catalog, l));
  run::RunConfig c;
  c.inputs = std::move(inputs);
  c.crashAt.assign(g.domains.size(), INT64_MAX);
  c.byzantine.assign(g.domains.size(), false);
  c.linkLatency.assign(g.instances.size(), run::Latency{});
  Collect collect(t);
  c.sink = &collect;
  run::Simulator(g, catalog).run(c);
  return t;
}

TraceEvent* find(Trace& t, const std::string& path, bool output) {
  for (TraceEvent& e : t.events) {
    if (t.header.linePaths[e.line] == path && e.output == output) return &e;
  }
  return nullptr;
}

TEST(Invert, BrachaRoundTrips) {
  for (uint64_t seed = 0; seed < 5; ++seed) {
    for (bool byzantine : {false, true}) {
      auto f = bracha(seed, byzantine);
      Inversion r = invert(f->built.loaded->graph, Catalog::standard(), f->trace);
      EXPECT_TRUE(r.roundTrips) << r.firstMismatch;
      EXPECT_EQ(r.recoveredInputs, 1u);
      EXPECT_GT(r.checkedEvents, 40u);
    }
  }
}

// Changes one recorded value of a Bracha run; inversion must name its line.
void expectCorruptionCaught(uint64_t seed, const std::string& path, bool output) {
  auto f = bracha(seed, false);
  TraceEvent* e = find(f->trace, path, output);
  ASSERT_NE(e, nullptr) << path;
  e->value = Value::integer(e->value.i + 6);
  Inversion r = invert(f->built.loaded->graph, Catalog::standard(), f->trace);
  EXPECT_FALSE(r.roundTrips) << path;
  EXPECT_NE(r.firstMismatch.find(path), std::string::npos) << r.firstMismatch;
}

TEST(Invert, ACorruptedOutputIsCaughtAtItsLine) { expectCorruptionCaught(1, "rb.deliver[1].q.value", true); }

TEST(Invert, ACorruptedInternalEventIsCaughtAtItsLine) { expectCorruptionCaught(2, "rb.send.def[1].x", false); }

TEST(Invert, SumChainRecoversItsInputsArithmetically) {
  auto b = test::build(R"(
rdc: 1
system:
  body:
    - Sum s: {x: input a as Int -> output a, y: input b as Int -> output total}
    - Inc<5> i: {x: input c as Int -> output c5}
)");
  ASSERT_TRUE(b.loaded);
  const Graph& g = b.loaded->graph;
  Catalog catalog = Catalog::standard();
  Trace t = recordRun(g, {Value::integer(3), Value::integer(4), Value::integer(10)});
  Inversion r = invert(g, catalog, t);
  EXPECT_TRUE(r.roundTrips) << r.firstMismatch;
  EXPECT_EQ(r.recoveredInputs, 3u);
  TraceEvent* total = find(t, "s.y", true);
  total->value = Value::integer(100);  // b would have to be 97, but the trace says 4
  r = invert(g, catalog, t);
  EXPECT_FALSE(r.roundTrips);
  EXPECT_NE(r.firstMismatch.find("s.y"), std::string::npos) << r.firstMismatch;
}

// Every base component inverts: a system using each one runs forward, then
// backwards to its inputs. (Each input reaches an output: what a model drops
// unread, such as the votes of a Quorum, cannot be recovered, and inversion
// says so.)
TEST(Invert, EveryBaseComponentRoundTrips) {
  auto b = test::build(R"(
rdc: 1
domains: {node: 2}
system:
  body:
    - Sum sum @ node[0]: {x: input a as Int -> ax, y: input b as Int -> s}
    - Diff diff @ node[0]: {x: ax -> ay, y: s -> d}
    - Inc<-4> inc @ node[0]: {x: d -> output dec}
    - Def copy @ node[0]: {x: ay -> az, y: choose -> c}
    - CSwap swap @ node[0]: {c: input flip as Bool -> output flip, t1: az -> output t1, t2: c -> output t2}
    - Fn f @ node[0]:
        expr: "v * 2"
        v: input v as Int -> output v
        r: choose -> doubled
    - Sync<2> sync @ node[0]: {'l[0]': doubled -> output doubled, 'l[1]': input u as Unit -> waited}
    - Delay delay @ node[0]: {d: const 0ms -> drop, v: waited -> late}
    - Select<2> pick @ node[0]:
        choice: choose -> drop
        'options[0]': late -> drop
        'options[1]': input w as Unit -> output w
        chosen: choose -> picked
    - Link link @ node[0]: {snd: picked -> drop, rcv: choose -> got}
    - Quorum<1, 1> q @ node[1]: {'votes[0]': got -> output vote, value: choose -> output agreed}
)");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& g = b.loaded->graph;
  Catalog catalog = Catalog::standard();
  std::vector<std::optional<Value>> inputs(g.inputs.size());
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    if (g.inputs[i].name == "a") inputs[i] = Value::integer(5);
    if (g.inputs[i].name == "b") inputs[i] = Value::integer(9);
    if (g.inputs[i].name == "flip") inputs[i] = Value::boolean(true);
    if (g.inputs[i].name == "v") inputs[i] = Value::integer(21);
  }
  Trace t = recordRun(g, std::move(inputs));
  Inversion r = invert(g, catalog, t);
  EXPECT_TRUE(r.roundTrips) << r.firstMismatch;
  EXPECT_EQ(r.recoveredInputs, g.inputs.size());
  // An Fn whose recorded result is not its expression is caught.
  find(t, "f.r", true)->value = Value::integer(43);
  r = invert(g, catalog, t);
  EXPECT_FALSE(r.roundTrips);
  EXPECT_NE(r.firstMismatch.find("f.r"), std::string::npos) << r.firstMismatch;
}

}  // namespace
}  // namespace rdc::trace
