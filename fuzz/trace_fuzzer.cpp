// libFuzzer harness: the trace reader must reject any malformed, truncated
// or hostile bytes with a diagnostic, strictly and in prefix mode.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ir/trace_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (bool prefix : {false, true}) {
    rdc::DiagnosticSink diags;
    auto trace = rdc::readTrace(bytes, "fuzz.trace", diags, prefix);
    if (trace) {
      for (const rdc::TraceEvent& e : trace->events) (void)trace->header.linePaths.at(e.line);
    }
    (void)diags.formatText();
  }
  return 0;
}
