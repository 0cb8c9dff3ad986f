// Inversion against the forward run it inverts (target: at most 1.5 times
// the forward run's time), on Bracha at n = 16 and 64.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "ir/tool/load.h"
#include "tools/rdc-run/engine/engine.h"
#include "tools/rdc-trace/invert.h"

namespace rdc::trace {
namespace {

struct Fixture {
  LoadedModel model;
  run::RunConfig config;
  Trace trace;
};

class Collect final : public run::EventSink {
 public:
  explicit Collect(Trace& t) : trace_(t) {}
  void record(const run::LineEvent& e) override {
    trace_.events.push_back({static_cast<uint32_t>(e.line), e.output, e.time, e.how, *e.value});  // (a traced run)
  }

 private:
  Trace& trace_;
};

std::unique_ptr<Fixture> fixture(int64_t n, bool collect) {
  auto f = std::make_unique<Fixture>();
  std::ifstream in(RDC_SOURCE_DIR "/examples/bracha/bracha.rdc.yaml");
  std::stringstream s;
  s << in.rdbuf();
  DiagnosticSink diags;
  LoadOptions options;
  options.defines = {{"n", std::to_string(n)}};
  f->model = *loadModel(s.str(), "bracha.rdc.yaml", Catalog::standard(), options, diags);
  const Graph& g = f->model.graph;
  Catalog catalog = Catalog::standard();
  for (uint32_t l = 0; l < g.lines.size(); ++l) f->trace.header.linePaths.push_back(g.linePath(catalog, l));
  f->config.inputs.assign(g.inputs.size(), Value::integer(1));
  f->config.crashAt.assign(g.domains.size(), INT64_MAX);
  f->config.byzantine.assign(g.domains.size(), false);
  run::Latency uniform;
  uniform.kind = run::Latency::Kind::Uniform;
  uniform.a = 1'000'000;
  uniform.b = 10'000'000;
  f->config.linkLatency.assign(g.instances.size(), uniform);
  if (collect) {
    Collect sink(f->trace);
    f->config.sink = &sink;
    run::Simulator(g, catalog).run(f->config);
    f->config.sink = nullptr;
  }
  return f;
}

void BM_Forward(benchmark::State& state) {
  auto f = fixture(state.range(0), false);
  Catalog catalog = Catalog::standard();
  run::Simulator sim(f->model.graph, catalog);
  for (auto _ : state) benchmark::DoNotOptimize(sim.run(f->config));
}
BENCHMARK(BM_Forward)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond);

void BM_Invert(benchmark::State& state) {
  auto f = fixture(state.range(0), true);
  Catalog catalog = Catalog::standard();
  for (auto _ : state) benchmark::DoNotOptimize(invert(f->model.graph, catalog, f->trace));
  state.counters["events"] = static_cast<double>(f->trace.events.size());
}
BENCHMARK(BM_Invert)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rdc::trace

BENCHMARK_MAIN();
