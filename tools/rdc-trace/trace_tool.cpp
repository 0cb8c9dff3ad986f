#include "tools/rdc-trace/trace_tool.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "ir/io/merge.h"
#include "ir/io/trace_io.h"
#include "ir/io/trace_lines.h"
#include "ir/support/glob.h"
#include "ir/support/json.h"
#include "ir/tool/load.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-trace/invert.h"

namespace rdc::trace {

namespace {

std::optional<Trace> load(const std::string& path, DiagnosticSink& diags, bool acceptPrefix = false) {
  auto bytes = readInput(path, diags);
  if (!bytes) return std::nullopt;
  return readTrace(*bytes, displayName(path), diags, acceptPrefix);
}

int report(const DiagnosticSink& diags, int code) {
  printDiagnostics(diags);
  return code;
}

std::optional<int64_t> duration(const std::string& text, DiagnosticSink& diags, const char* flag) {
  std::string error;
  auto t = parseDuration(text, &error);
  if (!t) diags.error("usage", {}, std::string(flag) + ": " + error);
  return t;
}

std::string endName(const TraceEvent& e) { return e.output ? "out" : "in"; }

// The fields every JSON listing of an event starts with.
Json eventJson(const TraceHeader& h, const TraceEvent& e) {
  return {{"time_ns", e.time},
          {"line", h.linePaths[e.line]},
          {"end", endName(e)},
          {"value", e.value.str()},
          {"how", howName(e.how)}};
}

}  // namespace

int show(const ShowOptions& o, const Catalog& catalog) {
  DiagnosticSink diags;
  auto t = TraceReader::open(o.trace, diags, o.partial);
  if (!t) return report(diags, kExitBadInput);
  const TraceHeader& header = t->header();
  int64_t from = INT64_MIN, to = INT64_MAX;
  if (!o.from.empty()) {
    auto v = duration(o.from, diags, "--from");
    if (!v) return report(diags, kExitBadInput);
    from = *v;
  }
  if (!o.to.empty()) {
    auto v = duration(o.to, diags, "--to");
    if (!v) return report(diags, kExitBadInput);
    to = *v;
  }
  // With the model, each line's source position (the binding that made it).
  std::unordered_map<std::string, std::string> position;
  std::optional<LoadedModel> model;
  if (!o.model.empty()) {
    model = loadModelFile(o.model, catalog, {}, diags);
    if (!model) return report(diags, kExitBadInput);
    if (model->graph.hash(catalog) != header.modelHash) {
      diags.error("usage", {}, traceModelMismatch(header, model->graph));
      return report(diags, kExitBadInput);
    }
    // By path: a merged trace lists its lines in its own order.
    for (uint32_t l = 0; l < model->graph.lines.size(); ++l) {
      const Pos& p = model->graph.linePos(l);
      position.emplace(model->graph.linePath(catalog, l),
                       diags.files()[p.file] + ":" + std::to_string(p.line) + ":" + std::to_string(p.col));
    }
  }
  // Streamed chunk by chunk: memory stays bounded on any size of trace.
  bool ok = listEvents(*t, o.json, from, to, o.lineGlob, model ? &position : nullptr, std::cout);
  std::cout.flush();
  return report(diags, ok ? kExitOk : kExitBadInput);
}

bool listEvents(TraceReader& reader, bool json, int64_t from, int64_t to, const std::string& lineGlob,
                const std::unordered_map<std::string, std::string>* where, std::ostream& out) {
  const TraceHeader& header = reader.header();  // grows as the trace adds lines
  std::vector<uint8_t> shown;
  std::vector<std::string> sources;
  auto learn = [&] {  // the lines added since the last chunk
    for (size_t l = shown.size(); l < header.linePaths.size(); ++l) {
      const std::string& path = header.linePaths[l];
      shown.push_back(lineGlob.empty() || globMatch(lineGlob, path));
      if (!where) continue;
      auto it = where->find(path);
      if (it == where->end()) it = where->find(iterationName(path, 1));
      sources.push_back(it == where->end() ? "-" : it->second);
    }
  };
  bool first = true;
  if (json) out << "[";
  std::vector<TraceEvent> chunk;
  while (reader.next(chunk)) {
    learn();
    for (const TraceEvent& e : chunk) {
      if (!shown[e.line] || e.time < from || e.time > to) continue;
      const std::string& path = header.linePaths[e.line];
      const std::string source = where ? sources[e.line] : "";
      if (json) {  // streamed, so the array is framed here: one event per line
        Json row = eventJson(header, e);
        if (where) row["source"] = source;
        out << (first ? "\n" : ",\n") << jsonText(row);
      } else {
        out << durationString(e.time) << "\t" << path << (e.output ? "'" : "") << "\t" << e.value.str() << "\t"
            << howName(e.how) << (where ? "\t" + source : "") << "\n";
      }
      first = false;
    }
  }
  if (json) out << (first ? "]\n" : "\n]\n");
  return reader.ok();
}

namespace {

// Walks two traces instant by instant. An event is matched with the other
// side's event for the same line end at the same instant; one left
// unmatched waits in a pool for its counterpart (a change of time) or for
// the end (a presence difference). Memory stays proportional to an instant
// plus the differences, whatever the traces' length.
class StreamingDiff {
 public:
  struct Difference {
    int64_t time;
    std::string name;
    std::optional<TraceEvent> a, b;
  };

  StreamingDiff(TraceReader& a, TraceReader& b) : a_(a), b_(b) { learn(); }

  bool run() {
    Side sa{a_, {}, 0}, sb{b_, {}, 0};
    while (true) {
      if (!fill(sa) || !fill(sb)) return false;
      bool hasA = sa.at < sa.chunk.size(), hasB = sb.at < sb.chunk.size();
      if (!hasA && !hasB) break;
      int64_t t = std::min(hasA ? sa.chunk[sa.at].time : INT64_MAX, hasB ? sb.chunk[sb.at].time : INT64_MAX);
      std::map<uint64_t, TraceEvent> atA, atB;
      if (!instant(sa, t, atA, false) || !instant(sb, t, atB, true)) return false;
      for (auto& [k, ea] : atA) {
        auto it = atB.find(k);
        if (it != atB.end()) {
          if (it->second.value != ea.value) record(k, ea, it->second);
          atB.erase(it);
        } else if (auto p = pendingB_.find(k); p != pendingB_.end()) {
          record(k, ea, p->second);
          pendingB_.erase(p);
        } else {
          pendingA_.emplace(k, std::move(ea));
        }
      }
      for (auto& [k, eb] : atB) {
        if (auto p = pendingA_.find(k); p != pendingA_.end()) {
          record(k, p->second, eb);
          pendingA_.erase(p);
        } else {
          pendingB_.emplace(k, std::move(eb));
        }
      }
    }
    for (auto& [k, e] : pendingA_) differences_.push_back({e.time, name(k), e, std::nullopt});
    for (auto& [k, e] : pendingB_) differences_.push_back({e.time, name(k), std::nullopt, e});
    std::stable_sort(differences_.begin(), differences_.end(), [](const Difference& x, const Difference& y) {
      return std::tie(x.time, x.name) < std::tie(y.time, y.name);
    });
    return true;
  }

  const std::vector<Difference>& differences() const { return differences_; }
  uint64_t events() const { return events_; }

 private:
  struct Side {
    TraceReader& reader;
    std::vector<TraceEvent> chunk;
    size_t at;
  };

  static uint64_t key(uint32_t line, bool output) { return (static_cast<uint64_t>(line) << 1) | output; }
  std::string name(uint64_t k) const { return paths_[k >> 1] + ((k & 1) ? "'" : ""); }

  // Lines are keyed by A's line table, B's by path (paths A lacks are
  // appended), as either trace adds lines (an unbounded box's iterations).
  void learn() {
    const auto& pathsA = a_.header().linePaths;
    for (size_t l = fromA_.size(); l < pathsA.size(); ++l) fromA_.push_back(lineOf(pathsA[l]));
    const auto& pathsB = b_.header().linePaths;
    for (size_t l = fromB_.size(); l < pathsB.size(); ++l) fromB_.push_back(lineOf(pathsB[l]));
  }
  uint32_t lineOf(const std::string& path) {
    auto [it, fresh] = index_.emplace(path, static_cast<uint32_t>(paths_.size()));
    if (fresh) paths_.push_back(path);
    return it->second;
  }

  bool fill(Side& s) {
    while (s.at >= s.chunk.size()) {
      s.at = 0;
      if (!s.reader.next(s.chunk)) {
        s.chunk.clear();
        return s.reader.ok();
      }
      learn();
    }
    return true;
  }

  bool instant(Side& s, int64_t t, std::map<uint64_t, TraceEvent>& out, bool isB) {
    while (true) {
      if (!fill(s)) return false;
      if (s.at >= s.chunk.size() || s.chunk[s.at].time != t) return true;
      TraceEvent& e = s.chunk[s.at++];
      ++events_;
      uint32_t line = isB ? fromB_[e.line] : fromA_[e.line];
      out.emplace(key(line, e.output), std::move(e));
    }
  }

  void record(uint64_t k, const TraceEvent& a, const TraceEvent& b) {
    differences_.push_back({std::min(a.time, b.time), name(k), a, b});
  }

  TraceReader &a_, &b_;
  std::vector<std::string> paths_;
  std::vector<uint32_t> fromA_, fromB_;
  std::unordered_map<std::string, uint32_t> index_;
  std::map<uint64_t, TraceEvent> pendingA_, pendingB_;
  std::vector<Difference> differences_;
  uint64_t events_ = 0;
};

}  // namespace

int diff(const std::string& pathA, const std::string& pathB) {
  DiagnosticSink diags;
  auto a = TraceReader::open(pathA, diags, false);
  auto b = a ? TraceReader::open(pathB, diags, false) : nullptr;
  if (!b) return report(diags, kExitBadInput);
  int code = diffReaders(*a, *b, std::cout);
  return report(diags, code);
}

int diffReaders(TraceReader& a, TraceReader& b, std::ostream& out) {
  StreamingDiff d(a, b);
  if (!d.run()) return kExitBadInput;
  const auto& differences = d.differences();
  if (differences.empty()) {
    out << "traces agree: " << d.events() / 2 << " events\n";
    return kExitOk;
  }
  auto side = [](const std::optional<TraceEvent>& e) {
    return e ? e->value.str() + " @ " + durationString(e->time) + " (" + howName(e->how) + ")" : std::string("never");
  };
  const auto& first = differences.front();
  out << "first divergence at " << durationString(first.time) << ": " << first.name << "\n  A: " << side(first.a)
      << "\n  B: " << side(first.b) << "\n";
  std::set<std::string> lines;
  for (const auto& x : differences) lines.insert(x.name.substr(0, x.name.find('\'')));
  out << differences.size() << " differing line ends on " << lines.size() << " lines:\n";
  for (const auto& x : differences) out << "  " << x.name << ": " << side(x.a) << " | " << side(x.b) << "\n";
  return kExitNo;
}

int invertTrace(const InvertOptions& o, const Catalog& catalog) {
  DiagnosticSink diags;
  auto model = loadModelFile(o.model, catalog, {o.defines, {}}, diags);
  if (!model) return report(diags, kExitBadInput);
  auto forward = load(o.trace, diags);
  if (!forward) return report(diags, kExitBadInput);
  if (model->graph.hash(catalog) != forward->header.modelHash) {
    diags.error("usage", {}, traceModelMismatch(forward->header, model->graph));
    return report(diags, kExitBadInput);
  }
  if (model->graph.unbounded) {
    LoadOptions unrolled{o.defines, {}};  // the iterations the run began, as one graph
    unrolled.elab.unrollIterations = tracedIterations(*forward, model->graph);
    model = loadModelFile(o.model, catalog, unrolled, diags);
    if (!model) return report(diags, kExitBadInput);
  }
  if (!onModelLines(*forward, model->graph, catalog, diags)) return report(diags, kExitBadInput);
  Inversion result = invert(model->graph, catalog, *forward);
  if (!o.output.empty()) {
    if (!writeTrace(result.backward, o.output, diags)) return report(diags, kExitBadInput);
  }
  if (!result.roundTrips) {
    std::cout << "inversion does not round-trip: " << result.firstMismatch << "\n";
    return report(diags, kExitNo);
  }
  std::cout << "inversion round-trips: " << result.recoveredInputs << " extrinsic inputs recovered, "
            << result.checkedChoices << " choices and " << result.checkedEvents << " events confirmed\n";
  return report(diags, kExitOk);
}

int merge(const std::vector<std::string>& inputs, const std::string& output) {
  DiagnosticSink diags;
  std::vector<Trace> traces;
  for (const std::string& path : inputs) {
    auto t = load(path, diags);
    if (!t) return report(diags, kExitBadInput);
    traces.push_back(std::move(*t));
  }
  auto merged = mergeTraces(traces, inputs, diags);
  if (!merged || !writeTrace(*merged, output, diags)) return report(diags, kExitBadInput);
  return report(diags, kExitOk);
}

namespace {

Json itfValue(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Int:
    case Value::Kind::Duration:
      return {{"#bigint", std::to_string(v.i)}};
    case Value::Kind::Bool:
      return v.i != 0;
    case Value::Kind::Bytes:
      return v.bytes();
    case Value::Kind::Unit:
      return {{"#tup", Json::array()}};
    case Value::Kind::Nil:
      return {{"#map", Json::array()}};
    case Value::Kind::Tuple: {
      Json items = Json::array();
      for (const Value& item : v.items()) items.push_back(itfValue(item));
      return {{"#tup", items}};
    }
    case Value::Kind::Map: {
      Json entries = Json::array();
      for (size_t k = 0; k < v.entries(); ++k)
        entries.push_back(Json::array({itfValue(v.key(k)), itfValue(v.mapped(k))}));
      return {{"#map", entries}};
    }
  }
  return nullptr;
}

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

// Nanoseconds as microseconds, Chrome's unit: 1500 -> 1.5. Exact to the
// nanosecond below 2^53 ns (104 days), which every practical trace is.
double micros(int64_t ns) { return static_cast<double>(ns) / 1000; }

}  // namespace

// JSON Lines, streamed: a header object, then one object per event.
bool exportJsonl(TraceReader& reader, std::ostream& out) {
  const TraceHeader& h = reader.header();
  out << jsonText({{"header", {{"model", h.modelName}, {"seed", h.seed}, {"latency", h.latency}}}}) << "\n";
  std::vector<TraceEvent> chunk;
  while (reader.next(chunk)) {
    for (const TraceEvent& e : chunk) {
      Json row = eventJson(h, e);
      if (e.line < h.lineDomains.size()) row["domain"] = h.domains[h.lineDomains[e.line]];
      out << jsonText(row) << "\n";
    }
  }
  return reader.ok();
}

// Chrome trace-event format: a process per domain, a slice per component
// firing (its outputs at one instant), flow arrows along Links.
void exportChrome(const Trace& t, const Catalog& catalog, std::ostream& out) {
  const TraceHeader& h = t.header;
  auto domainOf = [&](uint32_t line) -> uint32_t { return line < h.lineDomains.size() ? h.lineDomains[line] : 0; };
  Json events = Json::array();
  for (size_t d = 0; d < std::max<size_t>(h.domains.size(), 1); ++d) {
    std::string name = d < h.domains.size() ? h.domains[d] : "main";
    events.push_back({{"name", "process_name"}, {"ph", "M"}, {"pid", d}, {"args", {{"name", name}}}});
  }
  std::map<std::pair<std::string, int64_t>, std::vector<const TraceEvent*>> firings;
  std::vector<std::pair<std::string, int64_t>> order;
  for (const TraceEvent& e : t.events) {
    if (!e.output) continue;
    auto k = std::make_pair(instanceOf(h.linePaths[e.line]), e.time);
    auto& list = firings[k];
    if (list.empty()) order.push_back(k);
    list.push_back(&e);
  }
  for (const auto& k : order) {
    const auto& list = firings[k];
    Json args = Json::object();
    for (const TraceEvent* e : list) args[lineNameOf(h.linePaths[e->line]) + "'"] = e->value.str();
    events.push_back({{"name", k.first},
                      {"cat", "firing"},
                      {"ph", "X"},
                      {"ts", micros(k.second)},
                      {"dur", 1},
                      {"pid", domainOf(list[0]->line)},
                      {"tid", 0},
                      {"args", args}});
  }
  // A cross-domain component (a Link) carries a message: an arrow from the
  // input of its sending line (snd) to the input of its receiving one (rcv).
  // The trace names lines only, so they are told by the catalog's names.
  std::set<std::string> sending, receiving;
  for (const BaseComponent& base : catalog.all()) {
    if (base.domain != DomainRule::Cross) continue;
    for (const LineSig& s : base.lines) (s.side == 0 ? sending : receiving).insert(s.name);
  }
  std::unordered_map<std::string, const TraceEvent*> sends;
  for (const TraceEvent& e : t.events) {
    const std::string& path = h.linePaths[e.line];
    if (!e.output && sending.count(lineNameOf(path))) sends[instanceOf(path)] = &e;
  }
  uint64_t id = 0;
  for (const TraceEvent& e : t.events) {
    const std::string& path = h.linePaths[e.line];
    if (e.output || !receiving.count(lineNameOf(path))) continue;
    auto it = sends.find(instanceOf(path));
    if (it == sends.end()) continue;
    std::string link = instanceOf(path);
    ++id;
    events.push_back({{"name", link},
                      {"cat", "link"},
                      {"id", id},
                      {"ph", "s"},
                      {"ts", micros(it->second->time)},
                      {"pid", domainOf(it->second->line)},
                      {"tid", 0}});
    events.push_back({{"name", link},
                      {"cat", "link"},
                      {"id", id},
                      {"ph", "f"},
                      {"bp", "e"},
                      {"ts", micros(e.time)},
                      {"pid", domainOf(e.line)},
                      {"tid", 0}});
  }
  out << jsonText({{"displayTimeUnit", "ns"}, {"traceEvents", events}}) << "\n";
}

// ITF (Apalache's Informal Trace Format): one state per instant, one
// variable per line output that ever became available.
void exportItf(const Trace& t, std::ostream& out) {
  const TraceHeader& h = t.header;
  std::vector<uint32_t> vars;
  std::vector<int> varOf(h.linePaths.size(), -1);
  for (const TraceEvent& e : t.events) {
    if (e.output && varOf[e.line] < 0) varOf[e.line] = static_cast<int>(vars.size()), vars.push_back(e.line);
  }
  Json names = Json::array();
  for (uint32_t line : vars) names.push_back(h.linePaths[line]);
  Json states = Json::array();
  std::vector<const Value*> state(vars.size(), nullptr);
  for (size_t k = 0; k < t.events.size();) {
    int64_t time = t.events[k].time;
    for (; k < t.events.size() && t.events[k].time == time; ++k) {
      if (t.events[k].output) state[varOf[t.events[k].line]] = &t.events[k].value;
    }
    Json s = {{"#meta", {{"index", states.size()}, {"time_ns", time}}}};
    for (size_t v = 0; v < vars.size(); ++v) {
      s[h.linePaths[vars[v]]] =
          state[v] ? Json{{"available", true}, {"value", itfValue(*state[v])}} : Json{{"available", false}};
    }
    states.push_back(std::move(s));
  }
  Json meta = {
      {"format", "ITF"}, {"source", h.modelName}, {"description", "rdc trace, seed " + std::to_string(h.seed)}};
  out << jsonText({{"#meta", meta}, {"vars", names}, {"states", states}}) << "\n";
}

int exportTrace(const std::string& path, const std::string& format, const std::string& output, const Catalog& catalog) {
  DiagnosticSink diags;
  std::string target = output.empty() ? "-" : output;
  if (format == "jsonl") {  // streamed
    auto reader = TraceReader::open(path, diags, false);
    if (!reader) return report(diags, kExitBadInput);
    if (target == "-") {
      bool ok = exportJsonl(*reader, std::cout);
      std::cout.flush();
      return report(diags, ok ? kExitOk : kExitBadInput);
    }
    bool ok = writeOutput(
        target, [&](std::ostream& out) { return exportJsonl(*reader, out); }, diags);
    return report(diags, ok ? kExitOk : kExitBadInput);
  }
  auto t = load(path, diags);
  if (!t) return report(diags, kExitBadInput);
  std::ostringstream out;
  if (format == "chrome") {
    exportChrome(*t, catalog, out);
  } else if (format == "itf") {
    exportItf(*t, out);
  } else {
    diags.error("usage", {}, "--format: jsonl, chrome or itf");
    return report(diags, kExitBadInput);
  }
  if (!writeOutput(target, out.str(), diags)) return report(diags, kExitBadInput);
  return report(diags, kExitOk);
}

}  // namespace rdc::trace
