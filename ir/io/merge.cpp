#include "ir/io/merge.h"

#include <algorithm>
#include <queue>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace rdc {

MergeSource mergeSource(TraceReader& reader, std::string name) {
  return {std::move(name),
          &reader.header(),
          [&reader](std::vector<TraceEvent>& events) { return reader.next(events); },
          [&reader]() { return reader.complete() ? reader.endTime() : reader.lastTime(); },
          [&reader]() { return reader.stoppedBy(); },
          [&reader]() { return reader.ok(); }};
}

MergeSource mergeSource(const Trace& trace, std::string name) {
  auto given = std::make_shared<bool>(false);
  return {std::move(name),
          &trace.header,
          [&trace, given](std::vector<TraceEvent>& events) {
            if (std::exchange(*given, true)) return false;
            events = trace.events;
            return !events.empty();
          },
          [&trace]() { return trace.endTime; },
          [&trace]() { return trace.stoppedBy; },
          []() { return true; }};
}

namespace {

// The merged line table: each source's lines mapped to the merged numbers
// as they appear, and the lines not yet written to the output. A merged
// line is known by the source line that brought it: its path is read from
// that source's table, so no path is copied or kept twice.
class LineUnion {
 public:
  LineUnion(const std::vector<MergeSource>& sources, std::vector<std::string> domains)
      : sources_(sources), domains_(std::move(domains)), index_(64, Hash{this}, Same{this}) {}

  // Maps the source's lines it has not mapped yet (all of them, the first
  // time; those its reader added since).
  void follow(size_t t, std::vector<uint32_t>& map) {
    const TraceHeader& h = *sources_[t].header;
    for (size_t l = map.size(); l < h.linePaths.size(); ++l) {
      uint64_t at = (uint64_t{t} << 32) | l;
      auto found = index_.find(at);
      if (found == index_.end()) {
        found = index_.emplace(at, static_cast<uint32_t>(first_.size())).first;
        first_.push_back(at);
      }
      map.push_back(found->second);
    }
  }

  // The lines so far as the header's table (and none left to write).
  void intoHeader(TraceHeader& h) {
    h.domains = domains_;
    h.linePaths.clear();
    h.lineDomains.clear();
    for (uint64_t at : first_) h.linePaths.push_back(path(at)), h.lineDomains.push_back(domain(at));
    written_ = first_.size();
  }

  // Writes the lines mapped since the last call (before the events that use them).
  void writeNew(TraceWriter& out) {
    if (written_ == first_.size()) return;
    std::vector<std::string> paths;
    std::vector<uint32_t> domains;
    for (size_t m = written_; m < first_.size(); ++m)
      paths.push_back(path(first_[m])), domains.push_back(domain(first_[m]));
    out.lines(written_, paths, domains);
    written_ = first_.size();
  }

  size_t size() const { return first_.size(); }
  const std::string& path(uint32_t line) const { return path(first_[line]); }

 private:
  const std::string& path(uint64_t at) const { return sources_[at >> 32].header->linePaths[static_cast<uint32_t>(at)]; }
  uint32_t domain(uint64_t at) const {
    const TraceHeader& h = *sources_[at >> 32].header;
    uint32_t l = static_cast<uint32_t>(at);
    std::string_view name = l < h.lineDomains.size() ? std::string_view(h.domains[h.lineDomains[l]]) : "main";
    auto found = std::find(domains_.begin(), domains_.end(), name);
    return found == domains_.end() ? 0 : static_cast<uint32_t>(found - domains_.begin());
  }
  struct Hash {
    const LineUnion* u;
    size_t operator()(uint64_t at) const { return std::hash<std::string>()(u->path(at)); }
  };
  struct Same {
    const LineUnion* u;
    bool operator()(uint64_t a, uint64_t b) const { return u->path(a) == u->path(b); }
  };

  const std::vector<MergeSource>& sources_;
  std::vector<std::string> domains_;
  std::unordered_map<uint64_t, uint32_t, Hash, Same> index_;  // a source line -> its merged number
  std::vector<uint64_t> first_;                               // per merged line: the source line that brought it
  size_t written_ = 0;
};

// Each source's faults belong to the whole run: gathered, once each.
template <typename T>
void addAll(std::vector<T>& into, const std::vector<T>& from) {
  for (const auto& x : from) {
    if (std::find(into.begin(), into.end(), x) == into.end()) into.push_back(x);
  }
}

// Per domain of `domains`, when the run of the sources with its lines
// ended (a node's; INT64_MAX when none has any): a replay stops each
// domain there, as its node stopped (a pending timer never fired).
std::vector<int64_t> domainEnds(const std::vector<MergeSource>& sources, const std::vector<std::string>& domains) {
  std::vector<int64_t> ends(domains.size(), INT64_MAX);
  for (const MergeSource& s : sources) {
    const TraceHeader& h = *s.header;
    std::vector<bool> runs(h.domains.size(), false);
    for (uint32_t d : h.lineDomains) runs[d] = true;
    std::vector<std::string> names;
    for (size_t d = 0; d < runs.size(); ++d) {
      if (runs[d]) names.push_back(h.domains[d]);
    }
    if (h.lineDomains.size() < h.linePaths.size()) names.push_back("main");  // (lines a trace gave no domain)
    for (const std::string& name : names) {
      size_t d = static_cast<size_t>(std::find(domains.begin(), domains.end(), name) - domains.begin());
      if (d < ends.size()) ends[d] = ends[d] == INT64_MAX ? s.endTime() : std::max(ends[d], s.endTime());
    }
  }
  return ends;
}

}  // namespace

std::optional<MergedTrace> mergeTraces(std::vector<MergeSource>& sources, TraceWriter& out, DiagnosticSink& diags,
                                       const WholeRun& whole) {
  if (sources.empty()) {
    diags.error("usage", {}, "merge: give at least one trace");
    return std::nullopt;
  }
  TraceHeader header = *sources[0].header;
  header.byzantine.clear();
  header.crashes.clear();
  header.forces.clear();
  header.inputs.clear();
  // The traces of projections of one model (its nodes') merge into a trace
  // of that whole model.
  bool projections = std::all_of(sources.begin(), sources.end(), [&](const MergeSource& s) {
    return s.header->wholeModelHash && s.header->wholeModelHash == header.wholeModelHash;
  });
  if (projections) header.modelHash = header.wholeModelHash;
  header.wholeModelHash = 0;
  if (whole.modelHash) header.modelHash = *whole.modelHash;
  std::vector<std::string> domains;
  for (const MergeSource& s : sources) {
    const TraceHeader& h = *s.header;
    if (h.modelName != header.modelName) {
      diags.error("usage", {},
                  "merge: " + s.name + " is a trace of model '" + h.modelName + "', not '" + header.modelName + "'");
      return std::nullopt;
    }
    if (h.epoch != sources[0].header->epoch) {
      // Nodes started by hand each count time from their own start unless
      // given one --epoch: their events cannot be put in one order.
      diags.error("usage", {},
                  "merge: " + s.name + " and " + sources[0].name +
                      " count time from different epochs (their nodes' time 0): not one run; start the nodes "
                      "with one --epoch");
      return std::nullopt;
    }
    if (h.checks != sources[0].header->checks) {
      diags.error("usage", {},
                  "merge: " + s.name + " was judged by other checks than " + sources[0].name + ": not one run");
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
  addAll(header.crashes, whole.crashes);
  if (!whole.checks.empty()) header.checks = whole.checks;
  LineUnion lines(sources, std::move(domains));
  std::vector<std::vector<uint32_t>> maps(sources.size());
  for (size_t t = 0; t < sources.size(); ++t) lines.follow(t, maps[t]);
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
    lines.follow(t, maps[t]);
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
  std::string stoppedBy;
  for (const MergeSource& s : sources) {
    if (!s.ok()) return std::nullopt;  // (its reader said why)
    merged.endTime = std::max(merged.endTime, s.endTime());
    std::string by = s.stoppedBy();
    if (!by.empty() && !stoppedBy.empty() && by != stoppedBy) {
      diags.error("usage", {},
                  "merge: " + s.name + " was stopped by the invariant '" + by + "', another by '" + stoppedBy +
                      "': not one run");
      return std::nullopt;
    }
    if (!by.empty()) stoppedBy = by;
  }
  lines.writeNew(out);
  std::vector<int64_t> ends = sources.size() > 1 ? domainEnds(sources, header.domains) : std::vector<int64_t>{};
  if (!out.finish(events, merged.endTime, stoppedBy, ends)) return std::nullopt;  // (it said why)
  return merged;
}

}  // namespace rdc
