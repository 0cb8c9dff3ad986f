// Chrome's trace-event format, as Perfetto and Chrome's trace engine read it.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "tools/rdc-trace/export/export.h"

namespace rdc::trace {

namespace {

// A line path split at its last dot: `rb.echo[2].link[3]` and `rcv`. The
// reader refuses paths without one; a path without one is all line name.
std::string instanceOf(const std::string& linePath) {
  size_t dot = linePath.rfind('.');
  return dot == std::string::npos ? std::string() : linePath.substr(0, dot);
}
std::string lineNameOf(const std::string& linePath) {
  size_t dot = linePath.rfind('.');
  return dot == std::string::npos ? linePath : linePath.substr(dot + 1);
}

// Nanoseconds as microseconds, the format's unit: 1500 -> 1.5. Exact to the
// nanosecond below 2^53 ns (104 days), which every practical trace is.
double micros(int64_t ns) { return static_cast<double>(ns) / 1000; }

// A firing shows as a slice of at most this long: it is instantaneous.
constexpr int64_t kSliceNs = 1000;

// An instance's outputs at one instant, in one domain (a Link fires in the
// sender's domain when it sends and in the receiver's when it delivers).
struct Firing {
  uint32_t domain;
  uint32_t track;  // the instance's track (thread) in its domain
  int64_t time;
  int64_t end;  // the slice's end: the next firing on the track, at most kSliceNs on
  std::vector<const TraceEvent*> outputs;
};

// The firings in time order, each on its instance's track, ended before the
// track's next firing begins (so no two slices on a track overlap); the
// tracks' names by (domain, track); each output event's firing.
struct Firings {
  std::vector<Firing> list;
  std::vector<std::pair<uint32_t, std::string>> tracks;  // by track number: domain, instance
  std::vector<size_t> ofEvent;                           // by event index; SIZE_MAX for an input
};

Firings firingsOf(const Trace& t) {
  const TraceHeader& h = t.header;
  Firings f;
  f.ofEvent.assign(t.events.size(), SIZE_MAX);
  std::map<std::pair<uint32_t, std::string>, uint32_t> trackOf;
  std::vector<uint32_t> lineTrack(h.linePaths.size(), UINT32_MAX);
  std::vector<size_t> lastOnTrack;  // the track's latest firing
  for (size_t k = 0; k < t.events.size(); ++k) {
    const TraceEvent& e = t.events[k];
    if (!e.output) continue;
    uint32_t domain = e.line < h.lineDomains.size() ? h.lineDomains[e.line] : 0;
    uint32_t& track = lineTrack[e.line];
    if (track == UINT32_MAX) {
      std::string instance = instanceOf(h.linePaths[e.line]);
      auto [it, fresh] = trackOf.try_emplace({domain, instance}, static_cast<uint32_t>(f.tracks.size()));
      if (fresh) f.tracks.emplace_back(domain, instance), lastOnTrack.push_back(SIZE_MAX);
      track = it->second;
    }
    size_t& last = lastOnTrack[track];
    if (last == SIZE_MAX || f.list[last].time != e.time) {  // events come in time order
      if (last != SIZE_MAX) f.list[last].end = std::min(f.list[last].end, e.time);
      last = f.list.size();
      int64_t end = e.time > INT64_MAX - kSliceNs ? INT64_MAX : e.time + kSliceNs;
      f.list.push_back({domain, track, e.time, end, {}});
    }
    f.list[last].outputs.push_back(&e);
    f.ofEvent[k] = last;
  }
  return f;
}

// The slice's duration in microseconds, rounded down so that ts + dur never
// passes the end in a reader's double arithmetic.
double durationMicros(const Firing& firing) {
  double ts = micros(firing.time), end = micros(firing.end), dur = end - ts;
  while (dur > 0 && ts + dur > end) dur = std::nextafter(dur, 0.0);
  return dur;
}

// A flow binds to the slice on its track with its ts and category (Chrome's
// trace engine keys both ends by ts, pid, tid and cat).
constexpr const char* kCategory = "firing";

Json flowEnd(const char* phase, uint64_t id, const std::string& link, const Firing& at) {
  Json e = {{"name", link},          {"cat", kCategory}, {"id", id},       {"ph", phase},
            {"ts", micros(at.time)}, {"pid", at.domain}, {"tid", at.track}};
  if (phase[0] == 'f') e["bp"] = "e";  // bind to the enclosing slice, not the next one
  return e;
}

}  // namespace

void exportChrome(const Trace& t, const Catalog& catalog, std::ostream& out) {
  const TraceHeader& h = t.header;
  Firings firings = firingsOf(t);
  // The events are written one by one, each dumped on its own: as one Json
  // array they would cost a few hundred bytes a firing on top of the trace
  // (and nlohmann-json's destructor allocates, so running out of the memory
  // budget while building it aborted rather than unwinding to a diagnostic).
  out << "{\"displayTimeUnit\":\"ns\",\"otherData\":"
      << jsonText(endJson(t.header, t.endTime, t.stoppedBy, t.domainEnds)) << ",\"traceEvents\":[";
  bool first = true;
  auto event = [&](const Json& e) {
    out << (first ? "" : ",") << jsonText(e);
    first = false;
  };
  for (size_t d = 0; d < std::max<size_t>(h.domains.size(), 1); ++d) {
    std::string name = d < h.domains.size() ? h.domains[d] : "main";
    event({{"name", "process_name"}, {"ph", "M"}, {"pid", d}, {"args", {{"name", name}}}});
  }
  for (uint32_t k = 0; k < firings.tracks.size(); ++k) {
    const auto& [domain, instance] = firings.tracks[k];
    event({{"name", "thread_name"}, {"ph", "M"}, {"pid", domain}, {"tid", k}, {"args", {{"name", instance}}}});
  }
  for (const Firing& f : firings.list) {
    Json args = Json::object();
    for (const TraceEvent* e : f.outputs) args[lineNameOf(h.linePaths[e->line]) + "'"] = e->value.str();
    event({{"name", firings.tracks[f.track].second},
           {"cat", kCategory},
           {"ph", "X"},
           {"ts", micros(f.time)},
           {"dur", durationMicros(f)},
           {"pid", f.domain},
           {"tid", f.track},
           {"args", args}});
  }
  // A cross-domain component (a Link) carries a message: an arrow from its
  // firing as it sends (snd') to its firing as it delivers (rcv'). The trace
  // names lines only, so Links are told by the catalog's line names: an
  // instance with both a sending and a receiving line.
  std::set<std::string> sending, receiving;
  for (const BaseComponent& base : catalog.all()) {
    if (base.domain != DomainRule::Cross) continue;
    for (const LineSig& s : base.lines) (s.side == 0 ? sending : receiving).insert(s.name);
  }
  std::map<std::string, const TraceEvent*> sends;
  for (const TraceEvent& e : t.events) {
    const std::string& path = h.linePaths[e.line];
    if (e.output && sending.count(lineNameOf(path))) sends.emplace(instanceOf(path), &e);
  }
  auto firingOf = [&](const TraceEvent& e) -> const Firing& {
    return firings.list[firings.ofEvent[static_cast<size_t>(&e - t.events.data())]];
  };
  uint64_t id = 0;
  for (const TraceEvent& e : t.events) {
    const std::string& path = h.linePaths[e.line];
    if (!e.output || !receiving.count(lineNameOf(path))) continue;
    std::string link = instanceOf(path);
    auto send = sends.find(link);
    if (send == sends.end()) continue;
    const Firing &from = firingOf(*send->second), &to = firingOf(e);
    if (&from == &to) continue;  // sent and delivered at one instant in one domain: nothing to draw
    ++id;
    event(flowEnd("s", id, link, from));
    event(flowEnd("f", id, link, to));
  }
  out << "]}\n";
}

}  // namespace rdc::trace
