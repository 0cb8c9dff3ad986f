// libFuzzer harness: the IR reader must reject any malformed, truncated or
// hostile bytes with a diagnostic; what it accepts must be safe to use.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ir/ir_io.h"
#include "ir/lint_passes.h"

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
  }
  (void)diags.formatText();
  return 0;
}
