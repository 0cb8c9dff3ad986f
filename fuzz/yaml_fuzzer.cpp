// libFuzzer harness: the YAML front end, elaboration and lint passes must
// answer any bytes with diagnostics, never a crash, a hang or a blow-up.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ir/io/ir_io.h"
#include "ir/lint/lint_passes.h"
#include "ir/tool/load.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rdc::Catalog catalog = rdc::Catalog::standard();
  rdc::DiagnosticSink diags;
  rdc::LoadOptions options;
  options.elab.maxLines = 20'000;  // keep each input fast; the limit itself is what is tested
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (rdc::looksLikeIr(text)) return 0;  // the IR reader has its own harness
  auto loaded = rdc::loadModel(text, "fuzz.rdc.yaml", catalog, options, diags);
  if (loaded) {
    for (const rdc::LintPass& pass : rdc::standardLintPasses()) {
      pass.run(loaded->model, loaded->graph, catalog, diags);
    }
    (void)rdc::writeIr(*loaded, catalog, diags);
  }
  (void)diags.formatText();
  (void)diags.formatJson();
  return 0;
}
