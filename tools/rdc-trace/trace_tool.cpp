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

#include "ir/graph/line_index.h"
#include "ir/io/merge.h"
#include "ir/io/signatures.h"
#include "ir/io/trace_io.h"
#include "ir/io/trace_lines.h"
#include "ir/support/glob.h"
#include "ir/support/json.h"
#include "ir/tool/load.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-trace/export/export.h"
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
  if (from > to) {
    diags.error("usage", {}, "--from " + o.from + " is after --to " + o.to + ": the window holds no time");
    return report(diags, kExitBadInput);
  }
  // With the model, each line's source position (the binding that made it).
  std::unordered_map<std::string, std::string> position;
  std::optional<LoadedModel> model;
  if (!o.model.empty()) {
    model = loadModelFile(o.model, catalog, {o.defines, o.elab}, diags);
    if (!model) return report(diags, kExitBadInput);
    if (model->graph.hash(catalog) != header.modelHash) {
      diags.error("usage", {}, traceModelMismatch(header, *model));
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
  // A glob ending in ' names output ends only, as they are printed (`r'`).
  bool outputEnds = !lineGlob.empty() && lineGlob.back() == '\'';
  std::string_view glob(lineGlob.data(), lineGlob.size() - outputEnds);
  std::vector<uint8_t> shown;  // per line: bit 0 its input end, bit 1 its output end
  std::vector<std::string> sources;
  auto learn = [&] {  // the lines added since the last chunk
    for (size_t l = shown.size(); l < header.linePaths.size(); ++l) {
      const std::string& path = header.linePaths[l];
      shown.push_back(glob.empty() || globMatch(glob, path) ? (outputEnds ? 2 : 3) : 0);
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
      if (!(shown[e.line] >> e.output & 1) || e.time < from || e.time > to) continue;
      const std::string& path = header.linePaths[e.line];
      const std::string source = where ? sources[e.line] : "";
      if (json) {  // streamed, so the array is framed here: one event per line
        Json row = eventJson(header, e);
        if (where) row["source"] = source;
        out << (first ? "\n" : ",\n") << jsonText(row);
      } else {
        out << timeForPeople(e.time) << "\t" << path << (e.output ? "'" : "") << "\t" << e.value.str() << "\t"
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
    uint64_t ordinal;  // where it comes in its trace (A's when A has it): an instant's first is its cause
    std::string name;
    std::optional<TraceEvent> a, b;
  };

  StreamingDiff(TraceReader& a, TraceReader& b) : a_(a), b_(b) { learn(); }

  bool run() {
    Side sa{a_, {}, 0, 0}, sb{b_, {}, 0, 0};
    while (true) {
      if (!fill(sa) || !fill(sb)) return false;
      bool hasA = sa.at < sa.chunk.size(), hasB = sb.at < sb.chunk.size();
      if (!hasA && !hasB) break;
      int64_t t = std::min(hasA ? sa.chunk[sa.at].time : INT64_MAX, hasB ? sb.chunk[sb.at].time : INT64_MAX);
      std::map<uint64_t, Seen> atA, atB;
      if (!instant(sa, t, atA, false) || !instant(sb, t, atB, true)) return false;
      for (auto& [k, ea] : atA) {
        auto it = atB.find(k);
        if (it != atB.end()) {
          if (it->second.event.value != ea.event.value) record(k, ea, it->second);
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
    for (auto& [k, e] : pendingA_) differences_.push_back({e.event.time, e.ordinal, name(k), e.event, std::nullopt});
    for (auto& [k, e] : pendingB_) differences_.push_back({e.event.time, e.ordinal, name(k), std::nullopt, e.event});
    // By time, then as the traces have them: the first of an instant is
    // the one the others there follow from (a delivery before its echoes).
    std::stable_sort(differences_.begin(), differences_.end(), [](const Difference& x, const Difference& y) {
      return std::tie(x.time, x.ordinal, x.name) < std::tie(y.time, y.ordinal, y.name);
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
    uint64_t read = 0;  // events taken so far
  };

  // An event and its place among its trace's events.
  struct Seen {
    uint64_t ordinal;
    TraceEvent event;
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

  bool instant(Side& s, int64_t t, std::map<uint64_t, Seen>& out, bool isB) {
    while (true) {
      if (!fill(s)) return false;
      if (s.at >= s.chunk.size() || s.chunk[s.at].time != t) return true;
      TraceEvent& e = s.chunk[s.at++];
      ++events_;
      uint32_t line = isB ? fromB_[e.line] : fromA_[e.line];
      out.emplace(key(line, e.output), Seen{s.read++, std::move(e)});
    }
  }

  void record(uint64_t k, const Seen& a, const Seen& b) {
    const Seen& first = a.event.time <= b.event.time ? a : b;  // (A's when both are at one time)
    differences_.push_back({first.event.time, first.ordinal, name(k), a.event, b.event});
  }

  TraceReader &a_, &b_;
  std::vector<std::string> paths_;
  std::vector<uint32_t> fromA_, fromB_;
  std::unordered_map<std::string, uint32_t> index_;
  std::map<uint64_t, Seen> pendingA_, pendingB_;
  std::vector<Difference> differences_;
  uint64_t events_ = 0;
};

// Events that agree can come from runs of two models or parameters (a
// symmetric change, a parameter nothing read): said beside the agreement.
std::string headersDiffer(const TraceHeader& a, const TraceHeader& b) {
  std::string what;
  if (a.modelName != b.modelName) what = "models " + a.modelName + " and " + b.modelName;
  for (const auto& [name, value] : a.params) {
    auto other = std::find_if(b.params.begin(), b.params.end(), [&](const auto& p) { return p.first == name; });
    if (other != b.params.end() && other->second != value)
      what += (what.empty() ? "" : ", ") + name + " = " + value + " and " + other->second;
  }
  if (what.empty() && a.modelHash != b.modelHash) what = "model hashes";
  return what.empty() ? "" : " (though their headers differ: " + what + ")";
}

// And runs that made the same events can end differently: one stopped by
// an invariant, or cut off later by --until.
std::string endsDiffer(const TraceReader& a, const TraceReader& b) {
  auto by = [](const TraceReader& r) { return r.stoppedBy().empty() ? std::string("none") : r.stoppedBy(); };
  std::string what;
  if (a.stoppedBy() != b.stoppedBy()) what = "stopped by " + by(a) + " and " + by(b);
  if (a.endTime() != b.endTime())
    what += (what.empty() ? "" : ", ") + std::string("ending at ") + timeForPeople(a.endTime()) + " and " +
            timeForPeople(b.endTime());
  return what.empty() ? "" : " (though their ends differ: " + what + ")";
}

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
    out << "traces agree: " << d.events() / 2 << " events" << headersDiffer(a.header(), b.header()) << endsDiffer(a, b)
        << "\n";
    return kExitOk;
  }
  auto side = [](const std::optional<TraceEvent>& e) {
    return e ? e->value.str() + " @ " + timeForPeople(e->time) + " (" + howName(e->how) + ")" : std::string("never");
  };
  const auto& first = differences.front();
  out << "first divergence at " << timeForPeople(first.time) << ": " << first.name << "\n  A: " << side(first.a)
      << "\n  B: " << side(first.b) << "\n";
  std::set<std::string> lines;
  for (const auto& x : differences) lines.insert(x.name.substr(0, x.name.find('\'')));
  out << differences.size() << " differing line ends on " << lines.size() << " lines:\n";
  for (const auto& x : differences) out << "  " << x.name << ": " << side(x.a) << " | " << side(x.b) << "\n";
  return kExitNo;
}

int invertTrace(const InvertOptions& o, const Catalog& catalog) {
  DiagnosticSink diags;
  auto model = loadModelFile(o.model, catalog, {o.defines, o.elab}, diags);
  if (!model) return report(diags, kExitBadInput);
  auto forward = load(o.trace, diags);
  if (!forward) return report(diags, kExitBadInput);
  if (model->graph.hash(catalog) != forward->header.modelHash) {
    diags.error("usage", {}, traceModelMismatch(forward->header, *model));
    return report(diags, kExitBadInput);
  }
  if (model->graph.unbounded) {
    LoadOptions unrolled{o.defines, o.elab};  // the iterations the run began, as one graph
    unrolled.elab.unrollIterations = tracedIterations(*forward, model->graph);
    model = loadModelFile(o.model, catalog, unrolled, diags);
    if (!model) return report(diags, kExitBadInput);
  }
  if (!onModelLines(*forward, model->graph, catalog, diags)) return report(diags, kExitBadInput);
  std::vector<bool> delivered = LineIndex(model->graph, catalog).gatewayInputs(forward->header.linePaths);
  if (auto forged = firstForgedSignature(*forward, delivered)) {  // no run of the model records it
    diags.error("forged-signature", {}, "the trace is not a run of the model: " + *forged);
    return report(diags, kExitBadInput);
  }
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

// Streamed: one chunk of each trace at a time, whatever their sizes.
int merge(const std::vector<std::string>& inputs, const std::string& output) {
  DiagnosticSink diags;
  std::vector<std::unique_ptr<TraceReader>> readers;
  std::vector<MergeSource> sources;
  for (const std::string& path : inputs) {
    auto reader = TraceReader::open(path, diags, false);
    if (!reader) return report(diags, kExitBadInput);
    sources.push_back(mergeSource(*reader, displayName(path)));
    readers.push_back(std::move(reader));
  }
  auto out = TraceWriter::open(output, diags, TracePlacement::Whole);
  if (!out || !mergeTraces(sources, *out, diags)) return report(diags, kExitBadInput);
  return report(diags, kExitOk);
}

int exportTrace(const std::string& path, const std::string& format, const std::string& output, const Catalog& catalog) {
  DiagnosticSink diags;
  std::string target = output.empty() ? "-" : output;
  if (format != "jsonl" && format != "chrome" && format != "itf") {
    diags.error("usage", {}, "--format: jsonl, chrome or itf");
    return report(diags, kExitBadInput);
  }
  // Every format is written as it is made: an ITF state repeats every
  // variable, so its text can be far larger than the trace.
  bool ok = false;
  if (format == "jsonl") {  // streamed from the reader too: bounded memory
    auto reader = TraceReader::open(path, diags, false);
    ok = reader && writeOutput(
                       target, [&](std::ostream& out) { return exportJsonl(*reader, out); }, diags);
  } else if (auto t = load(path, diags)) {
    ok = writeOutput(
        target,
        [&](std::ostream& out) {
          format == "chrome" ? exportChrome(*t, catalog, out) : exportItf(*t, out);
          return true;
        },
        diags);
  }
  return report(diags, ok ? kExitOk : kExitBadInput);
}

}  // namespace rdc::trace
