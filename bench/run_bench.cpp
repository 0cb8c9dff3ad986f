// The simulator's speed: line events per second on Bracha at growing n,
// seeds per second for Bracha n = 4 with its checks, the cost of writing a
// trace, and Tendermint n = 4 over 10 heights (one run; seeds with checks).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "ir/io/trace_io.h"
#include "ir/tool/load.h"
#include "tools/rdc-run/engine/checks.h"
#include "tools/rdc-run/engine/engine.h"

namespace rdc::run {
namespace {

LoadedModel example(const std::string& name, std::vector<std::pair<std::string, std::string>> defines) {
  std::ifstream in(RDC_SOURCE_DIR "/examples/" + name + "/" + name + ".rdc.yaml");
  std::stringstream s;
  s << in.rdbuf();
  DiagnosticSink diags;
  LoadOptions options;
  options.defines = std::move(defines);
  return *loadModel(s.str(), name + ".rdc.yaml", Catalog::standard(), options, diags);
}

LoadedModel bracha(int64_t n) { return example("bracha", {{"n", std::to_string(n)}}); }

LoadedModel tendermint10() { return example("tendermint", {{"heights", "10"}}); }

// Links uniform in [lo, hi] nanoseconds.
RunConfig config(const Graph& g, uint64_t seed, int64_t lo = 1'000'000, int64_t hi = 10'000'000) {
  RunConfig c;
  c.seed = seed;
  c.inputs.assign(g.inputs.size(), Value::integer(1));
  c.crashAt.assign(g.domains.size(), INT64_MAX);
  c.byzantine.assign(g.domains.size(), false);
  Latency uniform;
  uniform.kind = Latency::Kind::Uniform;
  uniform.a = lo;
  uniform.b = hi;
  c.linkLatency.assign(g.instances.size(), uniform);
  return c;
}

class TraceSink final : public EventSink {
 public:
  explicit TraceSink(TraceWriter& w) : writer_(w) {}
  void record(const LineEvent& e) override {
    writer_.event(static_cast<uint32_t>(e.line), e.output, e.time, e.how, *e.value);  // (a traced run)
  }

 private:
  TraceWriter& writer_;
};

void BM_RunBracha(benchmark::State& state) {
  LoadedModel m = bracha(state.range(0));
  Catalog catalog = Catalog::standard();
  Simulator sim(m.graph, catalog);
  bool traced = state.range(1) != 0;
  DiagnosticSink diags;
  uint64_t events = 0, seed = 0;
  for (auto _ : state) {
    RunConfig c = config(m.graph, seed++);
    std::unique_ptr<TraceWriter> writer;
    std::optional<TraceSink> sink;
    if (traced) {
      writer = TraceWriter::open("/dev/null", diags, TracePlacement::InPlace);
      sink.emplace(*writer);
      c.sink = &*sink;
    }
    RunResult r = sim.run(c);
    if (writer) writer->finish(r.events, r.endTime);
    events += r.events;
  }
  state.counters["lines"] = static_cast<double>(m.graph.lines.size());
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RunBracha)
    ->ArgsProduct({{4, 16, 64, 256}, {0, 1}})
    ->ArgNames({"n", "trace"})
    ->Unit(benchmark::kMillisecond);

void BM_SeedsBracha4WithChecks(benchmark::State& state) {
  LoadedModel m = bracha(4);
  Catalog catalog = Catalog::standard();
  Simulator sim(m.graph, catalog);
  std::vector<bool> correct(m.graph.domains.size(), true);
  CheckEvaluator evaluator(m.model, m.graph);
  uint64_t seed = 0;
  for (auto _ : state) {
    RunConfig c = config(m.graph, seed++);
    RunResult r = sim.run(c);
    auto checks = evaluator.evaluate(r, c, correct);
    benchmark::DoNotOptimize(checks);
  }
  state.counters["seeds/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SeedsBracha4WithChecks)->Unit(benchmark::kMicrosecond);

// Tendermint's scenarios run with links of 200us..1ms (below the timeouts).
void BM_RunTendermint4Heights10(benchmark::State& state) {
  LoadedModel m = tendermint10();
  Catalog catalog = Catalog::standard();
  Simulator sim(m.graph, catalog);
  std::vector<bool> correct(m.graph.domains.size(), true);
  CheckEvaluator evaluator(m.model, m.graph);
  bool checked = state.range(0) != 0;
  uint64_t events = 0, seed = 0;
  for (auto _ : state) {
    RunConfig c = config(m.graph, seed++, 200'000, 1'000'000);
    RunResult r = sim.run(c);
    if (checked) benchmark::DoNotOptimize(evaluator.evaluate(r, c, correct));
    events += r.events;
  }
  state.counters["lines"] = static_cast<double>(m.graph.lines.size());
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["seeds/s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RunTendermint4Heights10)->Arg(0)->Arg(1)->ArgName("checks")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rdc::run

BENCHMARK_MAIN();
