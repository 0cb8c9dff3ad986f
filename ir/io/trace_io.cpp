#include "ir/io/trace_io.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <fcntl.h>
#include <kj/io.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "ir/graph/unbounded.h"
#include "ir/io/trace.capnp.h"
#include "ir/model/syntax.h"
#include "ir/support/replace_file.h"
#include "ir/support/standard_input.h"

#include <functional>

namespace rdc {

const char* howName(How how) {
  switch (how) {
    case How::Computed:
      return "computed";
    case How::Chosen:
      return "chosen";
    case How::Forced:
      return "forced";
    case How::Input:
      return "input";
  }
  return "?";
}

namespace {

namespace s = schema;
// Bounds on what one chunk may hold. Cap'n Proto counts an element of a list
// of empty structs as one word, so a few bytes can claim millions of entries:
// every list is checked against a bound before it is copied.
// A tuple's or map's list is of Values (not empty structs), two words an
// item at least, so the traversal limit bounds it too; the bound is far
// above any value a run can make within its memory.
constexpr size_t kMaxChunkEvents = 1 << 16;
constexpr size_t kMaxNamed = 1 << 16;
constexpr size_t kMaxLines = kMaxTraceLines;
constexpr size_t kMaxListItems = 1 << 24;
constexpr size_t kChunkEvents = 1024;  // a killed run loses at most this many events
// A chunk is written once its events' values take about this many words
// (32 MiB), however few they are; one value larger than the reader's limit
// per chunk (1 GiB) cannot be made within the default memory budget.
constexpr size_t kChunkWords = size_t{1} << 22;
constexpr uint64_t kMaxChunkWords = uint64_t{1} << 27;
// A line's type nests at most TypeTable::kMaxDepth deep, written or
// inferred, and so do the values a run records (with a little room); each
// level of a value is two of Cap'n Proto's (a struct and its list or signed
// payload), under a chunk's, a list's and an event's.
constexpr int kMaxValueDepth = TypeTable::kMaxDepth + 8;
constexpr int kNestingLimit = 2 * kMaxValueDepth + 16;
constexpr int64_t kNever = INT64_MAX;  // "never available", not a time an event can have

void putValue(s::Value::Builder b, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unit:
      b.setUnit();
      break;
    case Value::Kind::Bool:
      b.setBool(v.i != 0);
      break;
    case Value::Kind::Int:
      b.setInt(v.i);
      break;
    case Value::Kind::Duration:
      b.setDuration(v.i);
      break;
    case Value::Kind::Bytes:
      b.setBytes(kj::arrayPtr(reinterpret_cast<const kj::byte*>(v.bytes().data()), v.bytes().size()));
      break;
    case Value::Kind::Nil:
      b.setNil();
      break;
    case Value::Kind::Tuple: {
      auto items = b.initTuple(v.items().size());
      for (size_t i = 0; i < v.items().size(); ++i) putValue(items[i], v.items()[i]);
      break;
    }
    case Value::Kind::Map: {
      auto items = b.initMap(v.items().size());
      for (size_t i = 0; i < v.items().size(); ++i) putValue(items[i], v.items()[i]);
      break;
    }
    case Value::Kind::Signed: {
      auto sig = b.initSigned();
      sig.setSigner(static_cast<uint32_t>(v.signer()));
      putValue(sig.initPayload(), v.payload());
      break;
    }
  }
}

struct Malformed {
  std::string message;
};

template <typename List>
void bounded(List list, size_t most, const char* what) {
  if (list.size() > most) throw Malformed{std::string("too many ") + what + " (" + std::to_string(list.size()) + ")"};
}

Value getValue(s::Value::Reader r, int depth) {
  if (depth > kMaxValueDepth) throw Malformed{"a value nested too deeply"};
  switch (r.which()) {
    case s::Value::UNIT:
      return Value::unit();
    case s::Value::BOOL:
      return Value::boolean(r.getBool());
    case s::Value::INT:
      return Value::integer(r.getInt());
    case s::Value::DURATION:
      return Value::duration(r.getDuration());
    case s::Value::BYTES: {
      auto d = r.getBytes();
      return Value::ofBytes(std::string(reinterpret_cast<const char*>(d.begin()), d.size()));
    }
    case s::Value::NIL:
      return Value::nil();
    case s::Value::TUPLE: {
      bounded(r.getTuple(), kMaxListItems, "tuple items");
      std::vector<Value> items;
      for (auto item : r.getTuple()) items.push_back(getValue(item, depth + 1));
      return Value::tuple(std::move(items));
    }
    case s::Value::MAP: {
      auto map = r.getMap();  // once: each get counts the whole list against the traversal limit
      bounded(map, kMaxListItems, "map keys and values");
      if (map.size() % 2) throw Malformed{"a map with a key and no value"};
      std::vector<std::pair<Value, Value>> entries;
      for (uint32_t k = 0; k < map.size(); k += 2) {
        entries.emplace_back(getValue(map[k], depth + 1), getValue(map[k + 1], depth + 1));
        if (k > 0 && !(entries[k / 2 - 1].first < entries[k / 2].first))
          throw Malformed{"a map whose keys are not strictly increasing"};
      }
      return *Value::map(std::move(entries));
    }
    case s::Value::SIGNED: {
      auto sig = r.getSigned();
      if (!sig.hasPayload()) throw Malformed{"a signed value without its payload"};
      return Value::signature(sig.getSigner(), getValue(sig.getPayload(), depth + 1));
    }
  }
  throw Malformed{"an unknown kind of value"};
}

void putNamed(capnp::List<s::NamedText>::Builder list, const NamedTexts& xs) {
  for (size_t i = 0; i < xs.size(); ++i) {
    list[i].setName(xs[i].first);
    list[i].setValue(xs[i].second);
  }
}

NamedTexts getNamed(capnp::List<s::NamedText>::Reader list) {
  bounded(list, kMaxNamed, "named values");
  NamedTexts out;
  for (auto x : list) out.emplace_back(x.getName().cStr(), x.getValue().cStr());
  return out;
}

// A name as written, refused if it hides NUL bytes (cStr() would cut it) or
// control characters (it is printed and matched by the tools).
std::string cleanText(capnp::Text::Reader text, const char* what) {
  std::string_view s(text.begin(), text.size());
  bool clean = !s.empty() && std::none_of(s.begin(), s.end(),
                                          [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  // (The C1 controls too, U+0080..U+009F: in UTF-8, 0xC2 then 0x80..0x9F.)
  for (size_t i = 0; clean && i + 1 < s.size(); ++i) {
    auto byte = [&](size_t at) { return static_cast<unsigned char>(s[at]); };
    if (byte(i) == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0x9F) clean = false;
  }
  if (!clean) throw Malformed{std::string("an empty ") + what + " or one with NUL or control characters"};
  return std::string(s);
}

// A line path is `instance.line`: something on both sides of its last dot.
std::string linePath(capnp::Text::Reader text) {
  std::string path = cleanText(text, "line path");
  size_t dot = path.rfind('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == path.size()) {
    throw Malformed{"line path '" + path + "' is not of the form instance.line"};
  }
  return path;
}

void requireUnique(std::vector<std::string> names, const char* what) {
  std::sort(names.begin(), names.end());
  auto twice = std::adjacent_find(names.begin(), names.end());
  if (twice != names.end()) throw Malformed{std::string("two ") + what + " '" + *twice + "'"};
}

// Whether `v` has the shape of the values seen before on its line (`shape`,
// refined as values come): one kind, tuples of one size; nil fits any Opt.
bool fitsShape(Value& shape, const Value& v) {
  if (v.kind == Value::Kind::Nil) return true;
  if (shape.kind == Value::Kind::Nil) {
    shape = v;
    return true;
  }
  if (shape.kind != v.kind) return false;
  if (v.kind == Value::Kind::Map) {  // every entry has the shape of the first one seen
    Value entry = shape.entries() ? Value::tuple({shape.key(0), shape.mapped(0)}) : Value::nil();
    for (size_t k = 0; k < v.entries(); ++k) {
      if (!fitsShape(entry, Value::tuple({v.key(k), v.mapped(k)}))) return false;
    }
    if (shape.entries() == 0 && v.entries() > 0) shape = v;
    return true;
  }
  if (v.kind == Value::Kind::Signed) {  // signers differ; payloads share a shape
    Value payload = shape.payload();
    if (!fitsShape(payload, v.payload())) return false;
    shape = Value::signature(shape.signer(), std::move(payload));
    return true;
  }
  if (v.kind != Value::Kind::Tuple) return true;
  if (shape.items().size() != v.items().size()) return false;
  std::vector<Value> items = shape.items();  // values are immutable: refine a copy
  for (size_t k = 0; k < v.items().size(); ++k) {
    if (!fitsShape(items[k], v.items()[k])) return false;
  }
  shape = Value::tuple(std::move(items));
  return true;
}

void writeAll(int fd, kj::ArrayPtr<const kj::byte> bytes) {
  kj::FdOutputStream out(fd);
  out.write(bytes.begin(), bytes.size());
}

}  // namespace

std::unique_ptr<TraceWriter> TraceWriter::open(const std::string& path, DiagnosticSink& diags,
                                               TracePlacement placement) {
  if (path == "-") return std::unique_ptr<TraceWriter>(new TraceWriter(STDOUT_FILENO, false, diags));
  std::string target = outputTarget(path);
  std::string temp = placement == TracePlacement::Whole ? replacementPath(target) : "";
  const std::string& file = temp.empty() ? target : temp;
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    diags.error("io", {diags.addFile(path), 0, 0}, "cannot write the trace: " + std::string(std::strerror(errno)));
    return nullptr;
  }
  std::unique_ptr<TraceWriter> writer(new TraceWriter(fd, true, diags));
  writer->name_ = path;
  if (!temp.empty()) writer->path_ = target, writer->temp_ = temp;
  return writer;
}

// A failed write (a full disk, /dev/full) is said once, naming the file;
// nothing more is written.
void TraceWriter::write(kj::ArrayPtr<const kj::byte> bytes) {
  if (failed_) return;
  try {
    writeAll(fd_, bytes);
  } catch (const kj::Exception& e) {
    diags_.error("io", {diags_.addFile(name_), 0, 0},
                 "cannot write the trace: " + systemReason(e.getDescription().cStr()));
    failed_ = true;
  }
}

TraceWriter::TraceWriter(int fd, bool owned, DiagnosticSink& diags) : fd_(fd), owned_(owned), diags_(diags) {
  pending_.reserve(kChunkEvents);
}

TraceWriter::~TraceWriter() {
  if (owned_) ::close(fd_);
  if (!temp_.empty()) ::unlink(temp_.c_str());  // not finished: nothing half-written is left
}

void TraceWriter::header(const TraceHeader& h) {
  capnp::MallocMessageBuilder message;
  auto b = message.initRoot<s::TraceChunk>().initHeader();
  b.setMagic(s::TRACE_MAGIC);
  b.setVersion(s::TRACE_VERSION);
  b.setToolVersion(h.toolVersion);
  b.setModelName(h.modelName);
  b.setModelHash(h.modelHash);
  b.setWholeModelHash(h.wholeModelHash);
  b.setEpoch(h.epoch);
  putNamed(b.initParams(h.params.size()), h.params);
  b.setSeed(h.seed);
  b.setLatency(h.latency);
  putNamed(b.initLinkLatency(h.linkLatency.size()), h.linkLatency);
  putNamed(b.initCrashes(h.crashes.size()), h.crashes);
  auto byz = b.initByzantine(h.byzantine.size());
  for (size_t i = 0; i < h.byzantine.size(); ++i) byz.set(i, h.byzantine[i]);
  putNamed(b.initInputs(h.inputs.size()), h.inputs);
  putNamed(b.initForces(h.forces.size()), h.forces);
  b.setUntil(h.until);
  b.setIterations(h.iterations);
  b.setMaxLive(h.maxLive);
  b.setStrategy(h.strategy);
  b.setLies(h.lies);
  auto checks = b.initChecks(h.checks.size());
  for (size_t i = 0; i < h.checks.size(); ++i) checks.set(i, h.checks[i]);
  auto paths = b.initLinePaths(h.linePaths.size());
  for (size_t i = 0; i < h.linePaths.size(); ++i) paths.set(i, h.linePaths[i]);
  auto domains = b.initDomains(h.domains.size());
  for (size_t i = 0; i < h.domains.size(); ++i) domains.set(i, h.domains[i]);
  auto lineDomains = b.initLineDomains(h.lineDomains.size());
  for (size_t i = 0; i < h.lineDomains.size(); ++i) lineDomains.set(i, h.lineDomains[i]);
  write(capnp::messageToFlatArray(message).asBytes());
}

void TraceWriter::lines(uint64_t first, const std::vector<std::string>& paths, const std::vector<uint32_t>& domains) {
  flush();  // the events before these lines
  capnp::MallocMessageBuilder message;
  auto t = message.initRoot<s::TraceChunk>().initLines();
  t.setFirst(first);
  auto p = t.initPaths(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) p.set(i, paths[i]);
  auto d = t.initDomains(domains.size());
  for (size_t i = 0; i < domains.size(); ++i) d.set(i, domains[i]);
  write(capnp::messageToFlatArray(message).asBytes());
}

namespace {

// About the words a value takes in a chunk (a scalar's struct and pointer;
// a list's items; Bytes' data): what chunks are cut by. `longest` becomes
// the longest list in it (a map's keys and values together).
size_t valueWords(const Value& v, size_t& longest) {
  size_t words = 3 + v.bytes().size() / 8;
  longest = std::max(longest, v.items().size());  // (a map's items are its keys and values)
  for (const Value& item : v.items()) words += valueWords(item, longest);
  return words;
}

}  // namespace

void TraceWriter::event(uint32_t line, bool output, int64_t time, How how, const Value& value) {
  size_t longest = 0;
  size_t words = 4 + (value.kind >= Value::Kind::Bytes ? valueWords(value, longest) : 0);
  tooLong_ = tooLong_ || longest > kMaxListItems;
  if (pendingWords_ + words > kChunkWords) flush();  // (a large value starts a chunk of its own)
  pending_.push_back({line, output, time, how, value});
  pendingWords_ += words;
  if (pending_.size() == kChunkEvents) flush();
}

void TraceWriter::flush() {
  if (pending_.empty()) return;
  capnp::MallocMessageBuilder message;
  auto events = message.initRoot<s::TraceChunk>().initEvents(pending_.size());
  for (size_t i = 0; i < pending_.size(); ++i) {
    const TraceEvent& e = pending_[i];
    auto b = events[i];
    b.setLine(e.line);
    b.setOutput(e.output);
    b.setTime(e.time);
    b.setHow(static_cast<s::How>(e.how));
    putValue(b.initValue(), e.value);
  }
  write(capnp::messageToFlatArray(message).asBytes());
  pending_.clear();
  pendingWords_ = 0;
}

bool TraceWriter::finish(uint64_t events, int64_t endTime, const std::string& stoppedBy,
                         const std::vector<int64_t>& domainEnds) {
  if (tooLong_) {
    diags_.error("io", {diags_.addFile(name_), 0, 0},
                 "cannot write the trace: it holds a value of more than " + std::to_string(kMaxListItems) +
                     " items (a tuple's, or a map's keys and values), more than a trace's readers take");
    return false;
  }
  flush();
  capnp::MallocMessageBuilder message;
  auto f = message.initRoot<s::TraceChunk>().initFooter();
  f.setEvents(events);
  f.setEndTime(endTime);
  f.setStoppedBy(stoppedBy);
  auto ends = f.initDomainEnds(domainEnds.size());
  for (size_t d = 0; d < domainEnds.size(); ++d) ends.set(d, domainEnds[d]);
  write(capnp::messageToFlatArray(message).asBytes());
  if (failed_) return false;
  if (temp_.empty()) return true;
  bool closed = ::close(fd_) == 0;
  owned_ = false;
  if (!closed || std::rename(temp_.c_str(), path_.c_str()) != 0) {
    diags_.error("io", {diags_.addFile(path_), 0, 0}, "cannot write the trace: " + std::string(std::strerror(errno)));
    return false;  // (the destructor removes the temporary file)
  }
  temp_.clear();
  return true;
}

TraceReader::TraceReader(kj::Own<kj::InputStream> source, const std::string& fileName, DiagnosticSink& diags,
                         bool acceptPrefix)
    : source_(std::move(source)), input_(*source_), fileName_(fileName), diags_(diags), acceptPrefix_(acceptPrefix) {}

TraceReader::~TraceReader() = default;

bool TraceReader::fail(const std::string& why) {
  if (!failed_) diags_.error("trace-malformed", {diags_.addFile(fileName_), 0, 0}, "not a valid rdc trace: " + why);
  failed_ = true;
  return false;
}

std::unique_ptr<TraceReader> TraceReader::open(const std::string& path, DiagnosticSink& diags, bool acceptPrefix) {
  if (path == "-" && !claimStandardInput()) {
    diags.error("usage", {}, kStandardInputTaken);
    return nullptr;
  }
  int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  std::string name = path == "-" ? "<stdin>" : path;
  if (fd < 0) {
    diags.error("io", {diags.addFile(path), 0, 0}, "cannot open: " + std::string(std::strerror(errno)));
    return nullptr;
  }
  struct stat st {};
  if (path != "-" && ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {  // (its read would fail as a malformed trace)
    ::close(fd);
    diags.error("io", {diags.addFile(path), 0, 0}, "cannot read: " + std::string(std::strerror(EISDIR)));
    return nullptr;
  }
  kj::Own<kj::InputStream> stream =
      path == "-" ? kj::heap<kj::FdInputStream>(fd) : kj::heap<kj::FdInputStream>(kj::AutoCloseFd(fd));
  auto reader = std::unique_ptr<TraceReader>(new TraceReader(std::move(stream), name, diags, acceptPrefix));
  if (path != "-" && S_ISREG(st.st_mode)) reader->fileBytes_ = static_cast<uint64_t>(st.st_size);
  if (!reader->readHeader()) return nullptr;
  return reader;
}

// Reads one framed message; false at a clean end of the stream or on an error.
namespace {

// The words a framed message's segment table claims for its segments, as
// far as `head` (the start of the message) holds the table: Cap'n Proto's
// stream framing is a little-endian count of segments less one, then each
// segment's size in words.
uint64_t claimedWords(kj::ArrayPtr<const kj::byte> head) {
  auto word32 = [&](size_t at) {
    return uint32_t{head[at]} | uint32_t{head[at + 1]} << 8 | uint32_t{head[at + 2]} << 16 |
           uint32_t{head[at + 3]} << 24;
  };
  if (head.size() < 8) return 0;
  uint64_t segments = uint64_t{word32(0)} + 1, words = 0;
  for (uint64_t k = 0; k < segments && 8 + 4 * k <= head.size(); ++k) words += word32(4 + 4 * k);
  return words;
}

}  // namespace

bool TraceReader::nextChunk(const std::function<bool(schema::TraceChunk::Reader)>& use) {
  if (failed_ || done_) return false;
  try {
    if (input_.tryGetReadBuffer().size() == 0) {
      done_ = true;
      return false;
    }
    if (uint64_t claimed = claimedWords(input_.tryGetReadBuffer()); claimed > fileBytes_ / 8) {
      // (refused before Cap'n Proto allocates what the claim says)
      return fail("a chunk claims " + std::to_string(claimed) + " words, more than the file's " +
                  std::to_string(fileBytes_) + " bytes hold");
    }
    capnp::ReaderOptions options;
    options.traversalLimitInWords = kMaxChunkWords;  // no chunk a run writes is near this; a hostile one stops here
    options.nestingLimit = kNestingLimit;
    capnp::InputStreamMessageReader message(input_, options);
    return use(message.getRoot<schema::TraceChunk>());
  } catch (const Malformed& m) {
    return fail(m.message);
  } catch (const kj::Exception& e) {
    if (acceptPrefix_ && sawHeader_ && !sawFooter_) {  // a run killed mid-chunk
      done_ = cutChunk_ = true;
      return false;
    }
    return fail(libraryReason(e.getDescription().cStr()));
  }
}

bool TraceReader::readHeader() {
  bool got = nextChunk([&](s::TraceChunk::Reader chunk) {
    if (chunk.which() != s::TraceChunk::HEADER) return fail("it does not start with a header");
    auto h = chunk.getHeader();
    if (h.getMagic() != s::TRACE_MAGIC) return fail("wrong magic number (is this an rdc trace?)");
    if (h.getVersion() != s::TRACE_VERSION) return fail("trace version " + std::to_string(h.getVersion()));
    TraceHeader& th = header_;
    th.toolVersion = h.getToolVersion().cStr();
    th.modelName = h.getModelName().cStr();
    th.modelHash = h.getModelHash();
    th.wholeModelHash = h.getWholeModelHash();
    th.epoch = h.getEpoch();
    th.params = getNamed(h.getParams());
    th.seed = h.getSeed();
    th.latency = h.getLatency().cStr();
    th.linkLatency = getNamed(h.getLinkLatency());
    th.crashes = getNamed(h.getCrashes());
    bounded(h.getByzantine(), kMaxLines, "Byzantine domains");
    bounded(h.getLinePaths(), kMaxLines, "lines");
    bounded(h.getDomains(), kMaxLines, "domains");
    bounded(h.getLineDomains(), kMaxLines, "line domains");
    for (auto b : h.getByzantine()) th.byzantine.push_back(b.cStr());
    th.inputs = getNamed(h.getInputs());
    th.forces = getNamed(h.getForces());
    th.until = h.getUntil();
    th.iterations = h.getIterations();
    th.maxLive = h.getMaxLive();
    // Empty for the default strategy; rdc-run parses any other before a replay follows it.
    if (h.getStrategy().size() > 0) th.strategy = cleanText(h.getStrategy(), "strategy");
    if (h.getLies().size() > 0) th.lies = cleanText(h.getLies(), "lies");
    if (!th.lies.empty() && th.lies != "forced") return fail("lies '" + th.lies + "' (only `forced` or none)");
    bounded(h.getChecks(), kMaxLines, "checks");
    for (auto c : h.getChecks()) th.checks.push_back(cleanText(c, "check name"));
    if (th.maxLive == 0 || th.maxLive > kMaxLiveIterations)
      return fail("a `maxLive` of " + std::to_string(th.maxLive) + " (`--max-live` is 1.." +
                  std::to_string(kMaxLiveIterations) + ")");
    if (th.iterations == 0) return fail("an `iterations` of 0 (a run lets at least one iteration begin)");
    if (th.until < 0) return fail("a negative `until`");
    for (auto p : h.getLinePaths()) th.linePaths.push_back(linePath(p));
    for (auto d : h.getDomains()) th.domains.push_back(cleanText(d, "domain name"));
    requireUnique(th.linePaths, "lines");
    requireUnique(th.domains, "domains");
    for (uint32_t d : h.getLineDomains()) {
      if (d >= th.domains.size()) return fail("a line's domain is out of range");
      th.lineDomains.push_back(d);
    }
    if (!th.lineDomains.empty() && th.lineDomains.size() != th.linePaths.size()) {
      return fail("the line domain table does not match the line table");
    }
    headerLines_ = th.linePaths.size();
    sawHeader_ = true;
    return true;
  });
  if (!got && !failed_) return fail("no header");
  return got;
}

bool TraceReader::moreLines(schema::LineTable::Reader table) {
  TraceHeader& h = header_;
  if (sawFooter_) return fail("lines after the footer");
  if (table.getFirst() != h.linePaths.size()) return fail("added lines do not continue the line table");
  if (table.getPaths().size() > kMaxLines - h.linePaths.size())
    return fail("more than " + std::to_string(kMaxLines) + " lines");
  if (table.getDomains().size() != table.getPaths().size() || h.lineDomains.size() != h.linePaths.size())
    return fail("added lines' domains do not match them");
  if (pathSet_.empty()) {
    for (uint32_t l = 0; l < h.linePaths.size(); ++l) pathSet_.insert(l);
  }
  for (auto p : table.getPaths()) {
    h.linePaths.push_back(linePath(p));
    if (!pathSet_.insert(static_cast<uint32_t>(h.linePaths.size() - 1)).second)
      return fail("two lines of one path '" + h.linePaths.back() + "'");
    // The window's lines are the header's: an added line is of a later iteration.
    std::optional<uint64_t> k = pathIteration(h.linePaths.back());
    if (!k || *k < UnboundedBox::kWindow)
      return fail("added line " + h.linePaths.back() + " is not of an iteration after the first " +
                  std::to_string(UnboundedBox::kWindow) + " (its first index)");
    iterationOf_.push_back(*k);
  }
  if (iterationBegins_ && table.getPaths().size() > 0)
    iterationBegins_->emplace_back(iterationOf_[table.getFirst() - headerLines_], count_);
  for (uint32_t d : table.getDomains()) {
    if (d >= h.domains.size()) return fail("a line's domain is out of range");
    h.lineDomains.push_back(d);
  }
  if (!seenEnds_.empty()) seenEnds_.resize(2 * h.linePaths.size(), 0);
  return true;
}

bool TraceReader::withinIterations(uint32_t line, bool output, int64_t time) {
  if (line < headerLines_ || iterationOf_[line - headerLines_] < header_.iterations) return true;
  return fail("an event on " + header_.linePaths[line] + (output ? "'" : "") + " at " + std::to_string(time) +
              " ns, in iteration " + std::to_string(iterationOf_[line - headerLines_]) + ", but the header's " +
              "`iterations` lets only " + std::to_string(header_.iterations) + " begin");
}

bool TraceReader::timely(int64_t time) {
  if (time < 0 || time > header_.until || time == kNever) {
    return fail("an event at " + std::to_string(time) + " ns, outside 0..`until`");
  }
  if (time < lastTime_)
    return fail("an event at " + std::to_string(time) + " ns after one at " + std::to_string(lastTime_) + " ns");
  lastTime_ = time;
  return true;
}

bool TraceReader::next(std::vector<TraceEvent>& events) {
  events.clear();
  while (events.empty()) {
    bool got = nextChunk([&](s::TraceChunk::Reader chunk) {
      switch (chunk.which()) {
        case s::TraceChunk::EVENTS:
          if (sawFooter_) return fail("events after the footer");
          bounded(chunk.getEvents(), kMaxChunkEvents, "events in one chunk");
          for (auto e : chunk.getEvents()) {
            if (e.getLine() >= header_.linePaths.size()) return fail("an event names an unknown line");
            if (static_cast<uint16_t>(e.getHow()) > static_cast<uint16_t>(How::Input)) return fail("an unknown `how`");
            if (!timely(e.getTime()) || !withinIterations(e.getLine(), e.getOutput(), e.getTime())) return false;
            if (seenEnds_.empty()) seenEnds_.assign(2 * header_.linePaths.size(), 0);
            uint8_t& seen = seenEnds_[2 * size_t{e.getLine()} + (e.getOutput() ? 1 : 0)];
            if (seen) {
              return fail("line " + header_.linePaths[e.getLine()] + (e.getOutput() ? "'" : "") +
                          " carries a second value (a line end conveys one value, once)");
            }
            seen = 1;
            events.push_back(
                {e.getLine(), e.getOutput(), e.getTime(), static_cast<How>(e.getHow()), getValue(e.getValue(), 0)});
            if (!fitsShape(shapes_.try_emplace(e.getLine(), Value::nil()).first->second, events.back().value)) {
              return fail("line " + header_.linePaths[e.getLine()] + " carries values of different types");
            }
          }
          count_ += events.size();
          return true;
        case s::TraceChunk::FOOTER:
          if (sawFooter_) return fail("two footers");
          if (chunk.getFooter().getEvents() != count_) return fail("the footer's event count disagrees");
          endTime_ = chunk.getFooter().getEndTime();
          stoppedBy_.assign(chunk.getFooter().getStoppedBy().begin(),  // whole: a NUL inside is not its end
                            chunk.getFooter().getStoppedBy().size());
          if (!stoppedBy_.empty() && !syntax::isIdentifier(stoppedBy_))
            return fail("the footer's stopping invariant is not a check's name");
          if (endTime_ < lastTime_ || endTime_ > header_.until || endTime_ == kNever) {
            return fail("the end time " + std::to_string(endTime_) + " ns is not between the last event (" +
                        std::to_string(lastTime_) + " ns) and `until`");
          }
          if (auto ends = chunk.getFooter().getDomainEnds(); ends.size() > 0) {
            if (ends.size() != header_.domains.size()) return fail("the footer's domain ends are not one per domain");
            for (int64_t end : ends) {
              if ((end < 0 || end > endTime_) && end != kNever)
                return fail("a domain's end " + std::to_string(end) + " ns is not in 0..the end time");
              domainEnds_.push_back(end);
            }
          }
          sawFooter_ = true;
          return true;
        case s::TraceChunk::LINES:
          return moreLines(chunk.getLines());
        case s::TraceChunk::HEADER:
          return fail("two headers");
        default:
          return fail("an unknown chunk");
      }
    });
    if (!got) break;
  }
  if (!events.empty()) return true;
  if (failed_) return false;
  if (!sawFooter_) {
    if (!acceptPrefix_) return fail("no footer: the run that wrote it was cut short");
    if (!warned_)
      diags_.warning("trace-incomplete", {diags_.addFile(fileName_), 0, 0},
                     cutChunk_ ? "the trace has no footer: the run was cut short, inside a chunk of events (a run "
                                 "writes them " +
                                     std::to_string(kChunkEvents) + " at a time), some or all of whose events are lost"
                               : std::string("the trace has no footer: the run was cut short"));
    warned_ = true;
  }
  return false;
}

std::optional<uint64_t> pathIteration(std::string_view path) {
  size_t open = path.find('['), close = path.find(']');
  uint64_t k = 0;
  if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
      std::from_chars(path.data() + open + 1, path.data() + close, k).ptr != path.data() + close)
    return std::nullopt;
  return k;
}

std::optional<Trace> readTrace(std::string_view bytes, const std::string& fileName, DiagnosticSink& diags,
                               bool acceptPrefix) {
  auto stream =
      kj::heap<kj::ArrayInputStream>(kj::arrayPtr(reinterpret_cast<const kj::byte*>(bytes.data()), bytes.size()));
  TraceReader reader(std::move(stream), fileName, diags, acceptPrefix);
  if (!reader.readHeader()) return std::nullopt;
  Trace trace;
  trace.header = reader.header();
  reader.keepIterationBegins(&trace.iterationBegins);
  std::vector<TraceEvent> chunk;
  while (reader.next(chunk)) {
    trace.events.insert(trace.events.end(), std::make_move_iterator(chunk.begin()),
                        std::make_move_iterator(chunk.end()));
  }
  if (!reader.ok()) return std::nullopt;
  trace.header = reader.header();  // with the lines added as the run went
  trace.complete = reader.complete();
  // A prefix ends with its last event: every event is in [0, endTime].
  trace.endTime = trace.complete ? reader.endTime() : reader.lastTime();
  trace.stoppedBy = reader.stoppedBy();
  trace.domainEnds = reader.domainEnds();
  return trace;
}

bool writeTrace(const Trace& trace, const std::string& output, DiagnosticSink& diags) {
  auto writer = TraceWriter::open(output, diags, TracePlacement::Whole);
  if (!writer) return false;
  writer->header(trace.header);
  for (const TraceEvent& e : trace.events) writer->event(e.line, e.output, e.time, e.how, e.value);
  return writer->finish(trace.events.size(), trace.endTime, trace.stoppedBy, trace.domainEnds);
}

}  // namespace rdc
