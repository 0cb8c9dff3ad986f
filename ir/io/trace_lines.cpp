#include "ir/io/trace_lines.h"

#include <algorithm>

#include "ir/graph/line_index.h"

namespace rdc {

bool onModelLines(Trace& trace, const Graph& graph, const Catalog& catalog, DiagnosticSink& diags) {
  LineIndex index(graph, catalog);
  std::vector<uint32_t> map(trace.header.linePaths.size(), kNone);
  for (size_t l = 0; l < map.size(); ++l) {
    const std::string& path = trace.header.linePaths[l];
    if (std::optional<uint32_t> line = index.find(path)) {
      map[l] = *line;
      continue;
    }
    if (!index.isGatewayCopy(path)) {
      diags.error("usage", {}, "the trace's line " + path + " is not in this model");
      return false;
    }
  }
  std::vector<TraceEvent> events;
  events.reserve(trace.events.size());
  for (TraceEvent& e : trace.events) {
    if (e.line >= map.size() || map[e.line] == kNone) continue;
    e.line = map[e.line];
    events.push_back(std::move(e));
  }
  trace.events = std::move(events);
  trace.header.linePaths.clear();
  trace.header.lineDomains.clear();
  trace.header.linePaths = index.paths();
  for (const FlatLine& line : graph.lines) trace.header.lineDomains.push_back(line.domain);
  trace.header.domains = graph.domains;
  return true;
}

uint64_t tracedIterations(const Trace& trace, const Graph& window) {
  uint64_t traced = trace.header.linePaths.size(), own = window.lines.size();
  uint64_t later =
      traced > own ? (traced - own + window.unbounded->general().lines - 1) / window.unbounded->general().lines : 0;
  // A merged trace of projections holds only the lines its nodes recorded
  // (a node killed early recorded fewer): its highest iteration counts too.
  // Each iteration traced has a line, so no more than the trace's lines.
  uint64_t highest = 0;
  for (const std::string& path : trace.header.linePaths) {
    std::optional<uint64_t> k = pathIteration(path);
    if (k && *k < traced) highest = std::max(highest, *k + 1);
  }
  return std::max<uint64_t>(UnboundedBox::kWindow + later, highest);
}

}  // namespace rdc
