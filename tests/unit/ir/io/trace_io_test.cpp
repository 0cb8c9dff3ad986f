// Traces that add lines as the run goes (an unbounded box's iterations):
// the reader extends the line table, and refuses added lines that do not
// continue it or repeat a path. A footer's domain ends are checked too.
#include "ir/io/trace_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace rdc {
namespace {

// Writes a trace with TraceWriter into a temporary file and returns its bytes.
template <typename Write>
std::string traceBytes(Write write, const std::string& domain = "main") {
  char path[] = "/tmp/rdc-trace-test-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  {
    DiagnosticSink diags;
    auto writer = TraceWriter::open(path, diags, TracePlacement::InPlace);
    EXPECT_TRUE(writer) << diags.formatText();
    TraceHeader h;
    h.until = 1000;
    h.linePaths = {"a.x", "a.y"};
    h.domains = {domain};
    h.lineDomains = {0, 0};
    writer->header(h);
    write(*writer);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  unlink(path);
  return bytes.str();
}

TEST(TraceLines, AddedLinesExtendTheTable) {
  std::string bytes = traceBytes([](TraceWriter& w) {
    w.event(1, false, 5, How::Input, Value::integer(1));
    w.lines(2, {"b[3].x", "b[3].y"}, {0, 0});
    w.event(3, true, 7, How::Computed, Value::integer(2));
    w.finish(2, 9);
  });
  DiagnosticSink diags;
  auto trace = readTrace(bytes, "t.trace", diags);
  ASSERT_TRUE(trace) << diags.formatText();
  ASSERT_EQ(trace->header.linePaths.size(), 4u);
  EXPECT_EQ(trace->header.linePaths[3], "b[3].y");
  EXPECT_EQ(trace->header.lineDomains.size(), 4u);
  ASSERT_EQ(trace->events.size(), 2u);
  EXPECT_EQ(trace->events[1].line, 3u);
}

TEST(TraceLines, MalformedAddedLinesAreRefused) {
  struct Case {
    const char* what;
    std::function<void(TraceWriter&)> write;
    const char* says;
  };
  const Case cases[] = {
      {"lines that skip some", [](TraceWriter& w) { w.lines(3, {"b.x"}, {0}); }, "do not continue"},
      {"a path already in the table", [](TraceWriter& w) { w.lines(2, {"a.x"}, {0}); }, "two lines of one path"},
      {"a domain out of range", [](TraceWriter& w) { w.lines(2, {"b[3].x"}, {4}); }, "domain"},
      // The window's lines (iterations 0 to 2) are the header's; an added line names its iteration first.
      {"a line of the window", [](TraceWriter& w) { w.lines(2, {"b[2].x"}, {0}); }, "not of an iteration after"},
      {"a line of no iteration", [](TraceWriter& w) { w.lines(2, {"b.x"}, {0}); }, "not of an iteration after"},
      {"domains that do not match",
       [](TraceWriter& w) {
         w.lines(2, {"b.x", "b.y"}, {0});
       },
       "domains"},
      {"an event before its line is added",
       [](TraceWriter& w) {
         w.event(2, false, 1, How::Input, Value::integer(1));
         w.lines(2, {"b.x"}, {0});
       },
       "unknown line"},
  };
  for (const Case& c : cases) {
    std::string bytes = traceBytes([&](TraceWriter& w) {
      c.write(w);
      w.finish(0, 9);
    });
    DiagnosticSink diags;
    EXPECT_FALSE(readTrace(bytes, "t.trace", diags)) << c.what;
    EXPECT_NE(diags.formatText().find(c.says), std::string::npos) << c.what << ": " << diags.formatText();
  }
}

// A merge's footer gives each domain's end (a node's run's): it round
// trips, and one that is not one per domain, or lies past the trace's end,
// is refused.
TEST(TraceFooter, DomainEndsRoundTripAndOutOfRangeOnesAreRefused) {
  std::string bytes = traceBytes([](TraceWriter& w) { w.finish(0, 9, "", {4}); });
  DiagnosticSink diags;
  auto trace = readTrace(bytes, "t.trace", diags);
  ASSERT_TRUE(trace) << diags.formatText();
  EXPECT_EQ(trace->domainEnds, std::vector<int64_t>{4});
  const std::pair<std::vector<int64_t>, const char*> bad[] = {
      {{4, 5}, "one per domain"}, {{10}, "not in 0..the end time"}, {{-1}, "not in 0..the end time"}};
  for (const auto& [ends, says] : bad) {
    std::string wrong = traceBytes([&](TraceWriter& w) { w.finish(0, 9, "", ends); });
    DiagnosticSink refused;
    EXPECT_FALSE(readTrace(wrong, "t.trace", refused)) << says;
    EXPECT_NE(refused.formatText().find(says), std::string::npos) << refused.formatText();
  }
}

// A name with a C1 control character (U+0085, NEXT LINE: 0xC2 0x85 in
// UTF-8) is refused as the C0 controls are; other non-ASCII is a name.
TEST(TraceHeader, ANameWithAC1ControlIsRefused) {
  for (const auto& [domain, refused] : {std::pair<std::string, bool>{"n\xc2\x85ode", true}, {"n\xc3\xa9ud", false}}) {
    std::string bytes = traceBytes([](TraceWriter& w) { w.finish(0, 9); }, domain);
    DiagnosticSink diags;
    EXPECT_EQ(!readTrace(bytes, "t.trace", diags), refused) << diags.formatText();
  }
}

// A map value round-trips; a map whose keys a hostile writer put out of
// order, or repeated, is refused (readers may binary-search a map's keys).
TEST(TraceValues, MapsRoundTripAndDisorderedKeysAreRefused) {
  const int64_t low = 0x1111111111111111, high = 0x2222222222222222;
  Value map = *Value::map({{Value::integer(high), Value::ofBytes("b")}, {Value::integer(low), Value::ofBytes("a")}});
  std::string bytes = traceBytes([&](TraceWriter& w) {
    w.event(0, false, 5, How::Input, map);
    w.finish(1, 9);
  });
  DiagnosticSink diags;
  auto trace = readTrace(bytes, "t.trace", diags);
  ASSERT_TRUE(trace) << diags.formatText();
  EXPECT_EQ(trace->events[0].value, map);
  auto spelled = [](int64_t v) { return std::string(reinterpret_cast<const char*>(&v), sizeof v); };
  for (int64_t replacement : {int64_t{0x3333333333333333}, high}) {  // after `high`; equal to it
    std::string hostile = bytes;
    size_t at = hostile.find(spelled(low));
    ASSERT_NE(at, std::string::npos);
    hostile.replace(at, 8, spelled(replacement));
    DiagnosticSink refused;
    EXPECT_FALSE(readTrace(hostile, "t.trace", refused));
    EXPECT_NE(refused.formatText().find("not strictly increasing"), std::string::npos) << refused.formatText();
  }
}

}  // namespace
}  // namespace rdc
