#include "ir/io/trace_lines.h"

#include <unordered_map>

namespace rdc {

bool isGatewayCopy(const std::string& path, const std::unordered_map<std::string, uint32_t>& byPath) {
  const std::string net = ".net";
  return path.size() > net.size() && path.compare(path.size() - net.size(), net.size(), net) == 0 &&
         byPath.count(path.substr(0, path.size() - net.size()) + ".snd");
}

bool onModelLines(Trace& trace, const Graph& graph, const Catalog& catalog, DiagnosticSink& diags) {
  std::unordered_map<std::string, uint32_t> byPath;
  for (uint32_t l = 0; l < graph.lines.size(); ++l) byPath.emplace(graph.linePath(catalog, l), l);
  std::vector<uint32_t> map(trace.header.linePaths.size(), kNone);
  for (size_t l = 0; l < map.size(); ++l) {
    const std::string& path = trace.header.linePaths[l];
    auto it = byPath.find(path);
    if (it != byPath.end()) {
      map[l] = it->second;
      continue;
    }
    if (!isGatewayCopy(path, byPath)) {
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
  for (uint32_t l = 0; l < graph.lines.size(); ++l) {
    trace.header.linePaths.push_back(graph.linePath(catalog, l));
    trace.header.lineDomains.push_back(graph.lines[l].domain);
  }
  trace.header.domains = graph.domains;
  return true;
}

}  // namespace rdc
