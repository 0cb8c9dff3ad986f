// Traces: what a run did, line end by line end. Written as a stream of framed
// Cap'n Proto messages (ir/io/trace.capnp) so that a killed run leaves a
// readable prefix; read back by a reader that rejects malformed files.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <functional>

#include <kj/io.h>

#include "ir/io/trace.capnp.h"
#include "ir/io/trace.h"
#include "ir/lang/value.h"
#include "ir/support/diagnostics.h"
#include "ir/support/hash.h"

namespace rdc {

/// How a trace file is written: in place as the run goes, so that a run
/// killed midway leaves a readable prefix (rdc-run --trace, a node's own
/// trace); or whole, through a temporary file renamed into place by
/// finish(), so that a failure leaves no half-written file (a merge, an
/// inversion, a cluster's merged trace). Standard output and a path that
/// is not a regular file (/dev/null, a pipe) are always written in place.
enum class TracePlacement { InPlace, Whole };

/// Streams a trace to a file as the run goes, in chunks of events.
class TraceWriter {
 public:
  /// Opens `path` ("-" is standard output); null with a diagnostic on failure.
  static std::unique_ptr<TraceWriter> open(const std::string& path, DiagnosticSink& diags, TracePlacement placement);
  /// A whole trace not finished is removed (its temporary file).
  ~TraceWriter();

  void header(const TraceHeader& header);
  void event(uint32_t line, bool output, int64_t time, How how, const Value& value);
  /// Adds lines to the line table (numbers from `first`, the lines so far),
  /// with their domains: an iteration of an unbounded box that begins.
  void lines(uint64_t first, const std::vector<std::string>& paths, const std::vector<uint32_t>& domains);
  /// Flushes the last events and writes the footer: the run's `events`,
  /// its end (virtual nanoseconds) and the invariant that stopped it there
  /// (Trace::stoppedBy), and for a merge of nodes' traces each domain's
  /// end (Trace::domainEnds); a whole trace is then renamed into place.
  /// False (with an `io` diagnostic) if that fails.
  bool finish(uint64_t events, int64_t endTime, const std::string& stoppedBy = "",
              const std::vector<int64_t>& domainEnds = {});
  /// Writes the events so far as a chunk: a node does before it waits, so
  /// that a node killed (SIGKILL) loses none of the events it made.
  void flush();

 private:
  TraceWriter(int fd, bool owned, DiagnosticSink& diags);
  void write(kj::ArrayPtr<const kj::byte> bytes);

  int fd_;
  bool owned_;
  DiagnosticSink& diags_;
  std::string name_ = "-";   // the file, as diagnostics name it
  std::string path_, temp_;  // a whole trace's file, and the temporary one it is written to until finish()
  bool failed_ = false;      // a write failed (said once): nothing more is written
  std::vector<TraceEvent> pending_;
  size_t pendingWords_ = 0;  // about what the pending events take in a chunk
  bool tooLong_ = false;     // a value with a list longer than a reader takes
};

/// Reads a trace chunk by chunk, so that tools that only walk the events
/// (show, export as JSON Lines) run in bounded memory on any size of trace.
class TraceReader {
 public:
  /// Opens `path` ("-": standard input) and reads the header; null with a
  /// diagnostic when the file cannot be read or does not start like a trace.
  static std::unique_ptr<TraceReader> open(const std::string& path, DiagnosticSink& diags, bool acceptPrefix);
  TraceReader(kj::Own<kj::InputStream> source, const std::string& fileName, DiagnosticSink& diags, bool acceptPrefix);
  ~TraceReader();

  /// Reads the header; false (with a diagnostic) if there is none.
  bool readHeader();
  const TraceHeader& header() const { return header_; }
  /// The next events, in order; false at the end or on an error (see ok()).
  bool next(std::vector<TraceEvent>& events);
  bool ok() const { return !failed_; }
  bool complete() const { return sawFooter_; }
  int64_t endTime() const { return endTime_; }
  const std::string& stoppedBy() const { return stoppedBy_; }
  const std::vector<int64_t>& domainEnds() const { return domainEnds_; }
  /// Appends Trace::iterationBegins to `into` as chunks are read (not by
  /// default: a streamed reader's memory stays bounded).
  void keepIterationBegins(std::vector<std::pair<uint64_t, uint64_t>>* into) { iterationBegins_ = into; }
  /// The time of the last event read (0 before any).
  int64_t lastTime() const { return lastTime_; }

 private:
  bool fail(const std::string& why);
  /// Whether an event's time is in [0, until], not before the previous one.
  bool timely(int64_t time);
  /// Appends a chunk of added lines to the header's table.
  bool moreLines(schema::LineTable::Reader table);
  /// Whether an event on `line` agrees with the header's `iterations`.
  bool withinIterations(uint32_t line, bool output, int64_t time);
  bool nextChunk(const std::function<bool(schema::TraceChunk::Reader)>& use);

  kj::Own<kj::InputStream> source_;
  kj::BufferedInputStreamWrapper input_;
  uint64_t fileBytes_ = UINT64_MAX;  // a regular file's size: no chunk claims more (standard input: unknown)
  std::string fileName_;
  DiagnosticSink& diags_;
  bool acceptPrefix_;
  TraceHeader header_;
  bool sawHeader_ = false, sawFooter_ = false, failed_ = false, done_ = false, warned_ = false;
  bool cutChunk_ = false;  // a prefix ending inside a chunk, whose events are lost
  uint64_t count_ = 0;
  int64_t endTime_ = 0;
  std::string stoppedBy_;
  std::vector<int64_t> domainEnds_;
  int64_t lastTime_ = 0;
  /// Per line with events: the shape of its values so far (see fitsShape).
  std::unordered_map<uint32_t, Value> shapes_;
  std::vector<uint8_t> seenEnds_;
  /// Per added line (from `headerLines_` on): the iteration it is in.
  std::vector<uint64_t> iterationOf_;
  std::vector<std::pair<uint64_t, uint64_t>>* iterationBegins_ = nullptr;
  size_t headerLines_ = 0;
  // Made when lines are added: every line, by its path, to keep paths
  // unique (the paths stay in the header's table, not copied here).
  struct PathHash {
    const TraceHeader* h;
    size_t operator()(uint32_t line) const { return std::hash<std::string>()(h->linePaths[line]); }
  };
  struct SamePath {
    const TraceHeader* h;
    bool operator()(uint32_t a, uint32_t b) const { return h->linePaths[a] == h->linePaths[b]; }
  };
  std::unordered_set<uint32_t, PathHash, SamePath> pathSet_{0, PathHash{&header_}, SamePath{&header_}};
};

/// The iteration of an unbounded box that a line path added as a run went
/// names: the number in its first brackets (`rb[57].send.x`: 57), since
/// every name of a box's iteration k has k as its first index. nullopt if
/// that is not a number.
std::optional<uint64_t> pathIteration(std::string_view path);

/// Reads a whole trace. Truncated, corrupt or foreign bytes give an error
/// diagnostic; with `acceptPrefix`, a trace cut between chunks (a killed
/// run) is accepted with a warning and `complete` false.
std::optional<Trace> readTrace(std::string_view bytes, const std::string& fileName, DiagnosticSink& diags,
                               bool acceptPrefix = false);

/// Writes a whole trace to `path` ("-": standard output); false with a
/// diagnostic when the file cannot be opened.
bool writeTrace(const Trace& trace, const std::string& path, DiagnosticSink& diags);

}  // namespace rdc
