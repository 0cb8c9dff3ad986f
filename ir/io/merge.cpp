#include "ir/io/merge.h"

#include <algorithm>
#include <queue>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace rdc {

MergeSource mergeSource(TraceReader& reader, std::string name) {
  return {std::move(name), &reader.header(), [&reader](std::vector<TraceEvent>& events) { return reader.next(events); },
          [&reader]() { return reader.complete() ? reader.endTime() : reader.lastTime(); },
          [&reader]() { return reader.ok(); }};
}

MergeSource mergeSource(const Trace& trace, std::string name) {
  auto given = std::make_shared<bool>(false);
  return {std::move(name), &trace.header,
          [&trace, given](std::vector<TraceEvent>& events) {
            if (std::exchange(*given, true)) return false;
            events = trace.events;
            return !events.empty();
          },
          [&trace]() { return trace.endTime; }, []() { return true; }};
}

namespace {

// The merged line table: each source's lines mapped to the merged numbers
// as they appear, and the lines not yet written to the output.
class LineUnion {
 public:
  explicit LineUnion(std::vector<std::string> domains) : domains_(std::move(domains)) {}

  // Maps the source's lines it has not mapped yet (all of them, the first
  // time; those its reader added since).
  void follow(const TraceHeader& h, std::vector<uint32_t>& map) {
    for (size_t l = map.size(); l < h.linePaths.size(); ++l) {
      auto [it, fresh] = index_.emplace(h.linePaths[l], static_cast<uint32_t>(paths_.size()));
      if (fresh) {
        paths_.push_back(h.linePaths[l]);
        domainOf_.push_back(domain(l < h.lineDomains.size() ? h.domains[h.lineDomains[l]] : "main"));
      }
      map.push_back(it->second);
    }
  }

  // The lines so far as the header's table (and none left to write).
  void intoHeader(TraceHeader& h) {
    h.linePaths = paths_;
    h.lineDomains = domainOf_;
    h.domains = domains_;
    written_ = paths_.size();
  }

  // Writes the lines mapped since the last call (before the events that use them).
  void writeNew(TraceWriter& out) {
    if (written_ == paths_.size()) return;
    out.lines(written_, {paths_.begin() + static_cast<ptrdiff_t>(written_), paths_.end()},
              {domainOf_.begin() + static_cast<ptrdiff_t>(written_), domainOf_.end()});
    written_ = paths_.size();
  }

  size_t size() const { return paths_.size(); }
  const std::string& path(uint32_t line) const { return paths_[line]; }

 private:
  uint32_t domain(const std::string& name) {
    auto at = std::find(domains_.begin(), domains_.end(), name);
    return at == domains_.end() ? 0 : static_cast<uint32_t>(at - domains_.begin());
  }

  std::vector<std::string> domains_;
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<std::string> paths_;
  std::vector<uint32_t> domainOf_;
  size_t written_ = 0;
};

// Each source's faults belong to the whole run: gathered, once each.
template <typename T>
void addAll(std::vector<T>& into, const std::vector<T>& from) {
  for (const auto& x : from) {
    if (std::find(into.begin(), into.end(), x) == into.end()) into.push_back(x);
  }
}

}  // namespace

std::optional<MergedTrace> mergeTraces(std::vector<MergeSource>& sources, TraceWriter& out, DiagnosticSink& diags,
                                       std::optional<uint64_t> modelHash) {
  if (sources.empty()) {
    diags.error("usage", {}, "merge: give at least one trace");
    return std::nullopt;
  }
  TraceHeader header = *sources[0].header;
  header.byzantine.clear();
  header.crashes.clear();
  header.forces.clear();
  header.inputs.clear();
  if (modelHash) header.modelHash = *modelHash;
  std::vector<std::string> domains;
  for (const MergeSource& s : sources) {
    const TraceHeader& h = *s.header;
    if (h.modelName != header.modelName) {
      diags.error("usage", {},
                  "merge: " + s.name + " is a trace of model '" + h.modelName + "', not '" + header.modelName + "'");
      return std::nullopt;
    }
    addAll(header.byzantine, h.byzantine);
    addAll(header.crashes, h.crashes);
    addAll(header.forces, h.forces);
    addAll(header.inputs, h.inputs);
    addAll(domains, h.domains);
    if (h.lineDomains.size() < h.linePaths.size()) addAll(domains, std::vector<std::string>{"main"});
    header.until = std::max(header.until, h.until);  // every event stays within `until`
  }
  LineUnion lines(std::move(domains));
  std::vector<std::vector<uint32_t>> maps(sources.size());
  for (size_t t = 0; t < sources.size(); ++t) lines.follow(*sources[t].header, maps[t]);
  lines.intoHeader(header);
  out.header(header);

  // Each source's current chunk, and a heap of the sources by their next
  // event: (time, source), the earliest on top.
  std::vector<std::vector<TraceEvent>> chunks(sources.size());
  std::vector<size_t> at(sources.size(), 0);
  using Next = std::pair<int64_t, size_t>;
  std::priority_queue<Next, std::vector<Next>, std::greater<>> heap;
  auto refill = [&](size_t t) {
    at[t] = 0;
    if (!sources[t].next(chunks[t])) return;
    lines.follow(*sources[t].header, maps[t]);
    heap.push({chunks[t][0].time, t});
  };
  for (size_t t = 0; t < sources.size(); ++t) refill(t);
  std::vector<uint8_t> seen;  // per merged line end: one value, once
  uint64_t events = 0;
  while (!heap.empty()) {
    size_t t = heap.top().second;
    heap.pop();
    TraceEvent& e = chunks[t][at[t]];
    e.line = maps[t][e.line];
    seen.resize(2 * lines.size(), 0);
    if (std::exchange(seen[2 * size_t{e.line} + (e.output ? 1 : 0)], 1)) {
      diags.error("usage", {},
                  "merge: " + sources[t].name + " gives " + lines.path(e.line) + (e.output ? "'" : "") +
                      " a second value: the traces overlap (one node's trace twice?)");
      return std::nullopt;
    }
    lines.writeNew(out);
    out.event(e.line, e.output, e.time, e.how, e.value);
    ++events;
    if (++at[t] < chunks[t].size()) {
      heap.push({chunks[t][at[t]].time, t});
    } else {
      refill(t);
    }
  }
  MergedTrace merged{events, 0};
  for (const MergeSource& s : sources) {
    if (!s.ok()) return std::nullopt;  // (its reader said why)
    merged.endTime = std::max(merged.endTime, s.endTime());
  }
  lines.writeNew(out);
  out.finish(events, merged.endTime);
  return merged;
}

}  // namespace rdc
