#include "ir/io/merge.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace rdc {

std::optional<Trace> mergeTraces(const std::vector<Trace>& traces, const std::vector<std::string>& names,
                                 DiagnosticSink& diags) {
  if (traces.empty()) {
    diags.error("usage", {}, "merge: give at least one trace");
    return std::nullopt;
  }
  Trace merged;
  merged.header = traces[0].header;
  merged.header.linePaths.clear();
  merged.header.lineDomains.clear();
  merged.header.domains.clear();
  merged.header.byzantine.clear();
  merged.header.crashes.clear();
  merged.header.forces.clear();
  merged.header.inputs.clear();
  merged.complete = true;
  std::unordered_map<std::string, uint32_t> lineIndex, domainIndex;
  struct Tagged {
    int64_t time;
    size_t trace, position;
  };
  std::vector<Tagged> order;
  std::vector<std::vector<uint32_t>> maps;
  // Each node's faults belong to the whole run: gather them, once each.
  auto addAll = [](auto& into, const auto& from) {
    for (const auto& x : from) {
      if (std::find(into.begin(), into.end(), x) == into.end()) into.push_back(x);
    }
  };
  for (size_t t = 0; t < traces.size(); ++t) {
    const TraceHeader& h = traces[t].header;
    if (h.modelName != merged.header.modelName) {
      diags.error(
          "usage", {},
          "merge: " + names[t] + " is a trace of model '" + h.modelName + "', not '" + merged.header.modelName + "'");
      return std::nullopt;
    }
    addAll(merged.header.byzantine, h.byzantine);
    addAll(merged.header.crashes, h.crashes);
    addAll(merged.header.forces, h.forces);
    addAll(merged.header.inputs, h.inputs);
    std::vector<uint32_t>& map = maps.emplace_back(h.linePaths.size());
    for (size_t l = 0; l < h.linePaths.size(); ++l) {
      auto [it, fresh] = lineIndex.emplace(h.linePaths[l], static_cast<uint32_t>(merged.header.linePaths.size()));
      if (fresh) {
        merged.header.linePaths.push_back(h.linePaths[l]);
        std::string domain = l < h.lineDomains.size() ? h.domains[h.lineDomains[l]] : "main";
        auto [d, newDomain] = domainIndex.emplace(domain, static_cast<uint32_t>(merged.header.domains.size()));
        if (newDomain) merged.header.domains.push_back(domain);
        merged.header.lineDomains.push_back(d->second);
      }
      map[l] = it->second;
    }
    for (size_t k = 0; k < traces[t].events.size(); ++k) order.push_back({traces[t].events[k].time, t, k});
    merged.endTime = std::max(merged.endTime, traces[t].endTime);
    merged.header.until = std::max(merged.header.until, h.until);  // every event stays within `until`
    merged.complete &= traces[t].complete;
  }
  // Deterministic order: time, then the order the traces were given, then each trace's own order.
  std::sort(order.begin(), order.end(), [](const Tagged& x, const Tagged& y) {
    return std::tie(x.time, x.trace, x.position) < std::tie(y.time, y.trace, y.position);
  });
  merged.events.reserve(order.size());
  std::vector<uint8_t> seen(2 * merged.header.linePaths.size(), 0);  // per line end: one value, once
  for (const Tagged& t : order) {
    TraceEvent e = traces[t.trace].events[t.position];
    e.line = maps[t.trace][e.line];
    if (std::exchange(seen[2 * size_t{e.line} + (e.output ? 1 : 0)], 1)) {
      diags.error("usage", {},
                  "merge: " + names[t.trace] + " gives " + merged.header.linePaths[e.line] + (e.output ? "'" : "") +
                      " a second value: the traces overlap (one node's trace twice?)");
      return std::nullopt;
    }
    merged.events.push_back(std::move(e));
  }
  return merged;
}

}  // namespace rdc
