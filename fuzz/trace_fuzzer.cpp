// libFuzzer harness: the trace reader must reject any malformed, truncated
// or hostile bytes with a diagnostic, strictly and in prefix mode; and what
// it accepts, every subcommand and exporter must handle: show (text and
// JSON), diff against itself, merge, export as JSON Lines, Chrome trace
// events and ITF, and, when the trace has the model hash of the basics or
// Bracha example, invert on that model (the rb-stream example's seed adds
// lines as it goes).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <kj/io.h>

#include "ir/io/merge.h"
#include "ir/io/trace_io.h"
#include "ir/io/trace_lines.h"
#include "ir/tool/load.h"
#include "tools/rdc-trace/invert.h"
#include "tools/rdc-trace/trace_tool.h"

namespace {

std::unique_ptr<rdc::TraceReader> readerOf(std::string_view bytes, rdc::DiagnosticSink& diags, bool prefix) {
  auto stream =
      kj::heap<kj::ArrayInputStream>(kj::arrayPtr(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()));
  auto reader = std::make_unique<rdc::TraceReader>(std::move(stream), "fuzz.trace", diags, prefix);
  if (!reader->readHeader()) return nullptr;
  return reader;
}

// The streamed subcommands, each on its own reader as the tool opens them.
void streamed(std::string_view bytes, bool prefix) {
  std::ostringstream out;
  for (bool json : {false, true}) {
    rdc::DiagnosticSink diags;
    if (auto r = readerOf(bytes, diags, prefix)) rdc::trace::listEvents(*r, json, INT64_MIN, INT64_MAX, {}, {}, out);
  }
  rdc::DiagnosticSink diags;
  if (auto r = readerOf(bytes, diags, prefix)) rdc::trace::exportJsonl(*r, out);
  auto a = readerOf(bytes, diags, false), b = readerOf(bytes, diags, false);
  if (a && b) (void)rdc::trace::diffReaders(*a, *b, out);
}

struct Example {
  rdc::Catalog catalog = rdc::Catalog::standard();
  std::optional<rdc::LoadedModel> loaded;
  uint64_t hash = 0;
};

// The examples whose traces are the seeds (RDC_SOURCE_DIR/examples/NAME).
const std::vector<Example>& examples() {
  static const std::vector<Example> all = [] {
    std::vector<Example> out;
    for (const char* name : {"basics", "bracha", "rb-stream"}) {
      Example& e = out.emplace_back();
      rdc::DiagnosticSink diags;
      e.loaded = rdc::loadModelFile(std::string(RDC_SOURCE_DIR) + "/examples/" + name + "/" + name + ".rdc.yaml",
                                    e.catalog, {}, diags);
      if (e.loaded) e.hash = e.loaded->graph.hash(e.catalog);
    }
    return out;
  }();
  return all;
}

void whole(const rdc::Trace& trace) {
  std::ostringstream out;
  rdc::trace::exportChrome(trace, rdc::Catalog::standard(), out);
  rdc::trace::exportItf(trace, out);
  rdc::DiagnosticSink diags;
  std::vector<rdc::MergeSource> twice{rdc::mergeSource(trace, "a"), rdc::mergeSource(trace, "b")};
  if (auto out = rdc::TraceWriter::open("/dev/null", diags, rdc::TracePlacement::Whole))
    (void)rdc::mergeTraces(twice, *out, diags);
  for (const Example& e : examples()) {
    // A run of an unbounded model is inverted on the model unrolled to its
    // iterations (rdc-trace invert): the window alone reads its first three.
    if (!e.loaded || e.hash != trace.header.modelHash || e.loaded->graph.unbounded) continue;
    rdc::Trace onModel = trace;
    if (rdc::onModelLines(onModel, e.loaded->graph, e.catalog, diags)) {
      (void)rdc::trace::invert(e.loaded->graph, e.catalog, onModel);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (bool prefix : {false, true}) {
    rdc::DiagnosticSink diags;
    auto trace = rdc::readTrace(bytes, "fuzz.trace", diags, prefix);
    if (trace) {
      for (const rdc::TraceEvent& e : trace->events) (void)trace->header.linePaths.at(e.line);
      whole(*trace);
      streamed(bytes, prefix);
    }
    (void)diags.formatText();
  }
  return 0;
}
