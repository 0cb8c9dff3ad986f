// JSON Lines: a header saying how to make the run again, then its events.
#include <cstdio>

#include "ir/io/trace.h"
#include "tools/rdc-trace/export/export.h"

namespace rdc::trace {

namespace {

Json objectOf(const NamedTexts& pairs) {
  Json out = Json::object();
  for (const auto& [name, text] : pairs) out[name] = text;
  return out;
}

// The model hash as rdc's tools compare it: 64 bits, 16 hex digits.
std::string hashText(uint64_t hash) {
  char text[19];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace

Json runJson(const TraceHeader& h) {
  return {{"model", h.modelName},
          {"model_hash", hashText(h.modelHash)},
          {"tool_version", h.toolVersion},
          {"seed", exactInteger(h.seed)},
          {"params", objectOf(h.params)},
          {"inputs", objectOf(h.inputs)},
          {"forces", objectOf(h.forces)},
          {"latency", h.latency},
          {"links", objectOf(h.linkLatency)},
          {"crashes", objectOf(h.crashes)},
          {"byzantine", h.byzantine},
          {"until_ns", h.until == INT64_MAX ? Json(nullptr) : exactInteger(h.until)},
          {"iterations", h.iterations == UINT64_MAX ? Json(nullptr) : exactInteger(h.iterations)},
          {"max_live", h.maxLive},
          {"strategy", h.strategy.empty() ? "random" : h.strategy},
          {"lies", h.lies.empty() ? "random" : h.lies},
          {"checks", h.checks}};
}

Json endJson(const TraceHeader& h, int64_t endTime, const std::string& stoppedBy,
             const std::vector<int64_t>& domainEnds) {
  Json end = {{"end_time_ns", exactInteger(endTime)},
              {"stopped_by", stoppedBy.empty() ? Json(nullptr) : Json(stoppedBy)}};
  if (domainEnds.empty()) return end;
  Json ends = Json::object();
  for (size_t d = 0; d < domainEnds.size() && d < h.domains.size(); ++d)
    ends[h.domains[d]] = domainEnds[d] == INT64_MAX ? Json(nullptr) : exactInteger(domainEnds[d]);
  end["domain_ends_ns"] = std::move(ends);
  return end;
}

Json eventJson(const TraceHeader& h, const TraceEvent& e) {
  return {{"time_ns", exactInteger(e.time)},
          {"line", h.linePaths[e.line]},
          {"end", e.output ? "out" : "in"},
          {"value", e.value.str()},
          {"how", howName(e.how)}};
}

bool exportJsonl(TraceReader& reader, std::ostream& out) {
  const TraceHeader& h = reader.header();  // grows as the trace adds lines
  out << jsonText({{"header", runJson(h)}}) << "\n";
  std::vector<TraceEvent> chunk;
  while (reader.next(chunk)) {
    for (const TraceEvent& e : chunk) {
      Json row = eventJson(h, e);
      if (e.line < h.lineDomains.size()) row["domain"] = h.domains[h.lineDomains[e.line]];
      out << jsonText(row) << "\n";
    }
  }
  if (!reader.ok()) return false;
  out << jsonText({{"footer", endJson(reader.header(), reader.endTime(), reader.stoppedBy(), reader.domainEnds())}})
      << "\n";
  return true;
}

}  // namespace rdc::trace
