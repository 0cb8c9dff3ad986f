// Elaboration and lint of Bracha at growing n, phase by phase, to check
// that time grows linearly with scalar lines and to see which phase
// dominates. Reports scalar lines per second as a counter.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "ir/graph/elaborate.h"
#include "ir/io/ir_io.h"
#include "ir/lint/lint_passes.h"
#include "ir/model/frontend.h"

namespace rdc {
namespace {

std::string brachaText() {
  std::ifstream in(RDC_SOURCE_DIR "/examples/bracha/bracha.rdc.yaml");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

Model parsed(int64_t n, DiagnosticSink& diags) {
  auto model = parseModelYaml(brachaText(), "bracha.rdc.yaml", diags);
  overrideParam(*model, "n", std::to_string(n), diags);
  return std::move(*model);
}

void BM_Parse(benchmark::State& state) {
  std::string text = brachaText();
  for (auto _ : state) {
    DiagnosticSink diags;
    benchmark::DoNotOptimize(parseModelYaml(text, "bracha.rdc.yaml", diags));
  }
}
BENCHMARK(BM_Parse)->Unit(benchmark::kMillisecond);

void BM_Elaborate(benchmark::State& state) {
  DiagnosticSink diags;
  Model model = parsed(state.range(0), diags);
  Catalog catalog = Catalog::standard();
  size_t lines = 0;
  for (auto _ : state) {
    auto graph = elaborate(model, catalog, {}, diags);
    lines = graph->lines.size();
    benchmark::DoNotOptimize(graph);
  }
  state.counters["lines"] = static_cast<double>(lines);
  state.counters["lines/s"] =
      benchmark::Counter(static_cast<double>(lines), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_Elaborate)->Arg(16)->Arg(64)->Arg(128)->Arg(256)->Unit(benchmark::kMillisecond);

void BM_LintPasses(benchmark::State& state) {
  DiagnosticSink diags;
  Model model = parsed(state.range(0), diags);
  Catalog catalog = Catalog::standard();
  auto graph = elaborate(model, catalog, {}, diags);
  for (auto _ : state) {
    for (const LintPass& pass : standardLintPasses()) pass.run(model, *graph, catalog, diags);
  }
  state.counters["lines"] = static_cast<double>(graph->lines.size());
}
BENCHMARK(BM_LintPasses)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond);

void BM_WriteIr(benchmark::State& state) {
  DiagnosticSink diags;
  Model model = parsed(state.range(0), diags);
  Catalog catalog = Catalog::standard();
  LoadedModel loaded{model, *elaborate(model, catalog, {}, diags), {}};
  size_t bytes = 0;
  for (auto _ : state) bytes = writeIr(loaded, catalog, diags).size();
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
}
BENCHMARK(BM_WriteIr)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond);

void BM_ReadIr(benchmark::State& state) {
  DiagnosticSink diags;
  Model model = parsed(state.range(0), diags);
  Catalog catalog = Catalog::standard();
  LoadedModel loaded{model, *elaborate(model, catalog, {}, diags), {}};
  std::string bytes = writeIr(loaded, catalog, diags);
  for (auto _ : state) {
    DiagnosticSink d;
    benchmark::DoNotOptimize(readIr(bytes, "b.ir", catalog, d));
  }
}
BENCHMARK(BM_ReadIr)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rdc

BENCHMARK_MAIN();
