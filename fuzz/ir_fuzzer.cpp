// libFuzzer harness: the IR reader must reject any malformed, truncated or
// hostile bytes with a diagnostic; what it accepts (verified, ir/graph/verify.h)
// must be safe to use: lint it, write it back and run it, as the tools do.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ir/io/ir_io.h"
#include "ir/lint/lint_passes.h"
#include "tools/rdc-run/engine/engine.h"

namespace {

// What rdc-run does with a model it read: a run with the default inputs,
// stopped at one virtual second. Every line end fires at most once, so the
// run's events are bounded by the graph (two per line) however it is wired.
void boundedRun(const rdc::Graph& graph, const rdc::Catalog& catalog) {
  rdc::run::Simulator simulator(graph, catalog);
  rdc::run::RunConfig config;
  config.crashAt.assign(graph.domains.size(), INT64_MAX);
  config.byzantine.assign(graph.domains.size(), false);
  config.linkLatency.assign(graph.instances.size(), rdc::run::Latency{});
  config.until = 1'000'000'000;
  (void)simulator.run(config);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rdc::Catalog catalog = rdc::Catalog::standard();
  rdc::DiagnosticSink diags;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto loaded = rdc::readIr(bytes, "fuzz.ir", catalog, diags);
  if (loaded) {
    // Whatever the reader accepts, the tools go on to use: exercise that.
    for (uint32_t l = 0; l < loaded->graph.lines.size(); ++l) (void)loaded->graph.linePath(catalog, l);
    for (const rdc::LintPass& pass : rdc::standardLintPasses()) {
      pass.run(loaded->model, loaded->graph, catalog, diags);
    }
    (void)rdc::writeIr(*loaded, catalog, diags);
    if (!diags.hasErrors()) boundedRun(loaded->graph, catalog);  // the tools run only what lints clean
  }
  (void)diags.formatText();
  return 0;
}
