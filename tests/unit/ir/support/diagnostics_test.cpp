#include "ir/support/diagnostics.h"

#include <gtest/gtest.h>

namespace rdc {
namespace {

TEST(EditDistance, CountsEditsAndAdjacentTranspositions) {
  EXPECT_EQ(editDistance("Sum", "Sum"), 0u);
  EXPECT_EQ(editDistance("Summ", "Sum"), 1u);  // a deletion
  EXPECT_EQ(editDistance("Smu", "Sum"), 1u);   // a transposition
  EXPECT_EQ(editDistance("Sun", "Sum"), 1u);   // a substitution
  EXPECT_EQ(editDistance("", "abc"), 3u);
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(editDistance("ca", "abc"), 3u);  // optimal string alignment: no edit of a transposed pair
}

TEST(EditDistance, SuggestsOnlyLikelyTypos) {
  std::vector<std::string> names = {"Sum", "Diff", "Quorum", "StrongQuorum", "WeakQuorum"};
  EXPECT_EQ(closestName("Summ", names), "Sum");
  EXPECT_EQ(closestName("Qourum", names), "Quorum");
  EXPECT_EQ(closestName("StrongQuroum", names), "StrongQuorum");
  EXPECT_EQ(closestName("Link", names), std::nullopt);    // three edits from Diff: no guess
  EXPECT_EQ(closestName("Sum", names), std::nullopt);     // the name itself is not a suggestion
  EXPECT_EQ(closestName("z", {"x", "y"}), std::nullopt);  // a one-letter name is no typo of another
  EXPECT_EQ(didYouMean("Dif", names), " (did you mean 'Diff'?)");
  EXPECT_EQ(didYouMean("zzz", names), "");
  EXPECT_EQ(closestName(std::string(1000, 'a'), {std::string(999, 'a')}), std::nullopt);  // no quadratic table
}

TEST(Caret, SitsUnderTheColumnWhateverTheBytesBeforeIt) {
  EXPECT_EQ(caretLines("  Summ s:", 3), "  Summ s:\n  ^\n");
  EXPECT_EQ(caretLines("\tx: é -> y", 7), " x: é -> y\n     ^\n");  // a tab is one column; é is two bytes, one column
  EXPECT_EQ(caretLines("ab", 3), "ab\n  ^\n");                      // just past the end
  EXPECT_EQ(caretLines("a\x1b[31mb", 2), "a [31mb\n ^\n");          // no escape reaches the terminal
}

TEST(Caret, ALongLineIsShownAroundItsColumn) {
  std::string line = std::string(1000, 'a') + "X" + std::string(1000, 'b');
  std::string shown = caretLines(line, 1001);
  size_t newline = shown.find('\n');
  std::string text = shown.substr(0, newline), caret = shown.substr(newline + 1);
  EXPECT_LT(text.size(), 200u);
  EXPECT_EQ(text.substr(0, 3), "...");
  EXPECT_EQ(text.substr(text.size() - 3), "...");
  EXPECT_EQ(text[caret.find('^')], 'X') << shown;
  EXPECT_EQ(caretLines(std::string(300, 'a'), 2).substr(0, 4), "aaaa");  // near the start: no leading ...
  std::string wide;                                                      // é is two bytes: the window never splits it
  for (int i = 0; i < 300; ++i) wide += "é";
  shown = caretLines(wide, 301);
  std::string window = shown.substr(0, shown.find('\n'));
  EXPECT_EQ(printable(window), window) << "a character was cut";
}

TEST(Caret, TrustsNoColumnAndEchoesNothingATerminalActsOn) {
  EXPECT_EQ(caretLines("ab", 4000000000u), "ab\n  ^\n");  // a forged column: just past the end
  EXPECT_EQ(caretLines("ab", 0), "ab\n^\n");
  EXPECT_EQ(caretLines("x\xE2\x80\xAE"
                       "cba y",
                       6),
            "x cba y\n   ^\n");                      // a right-to-left override (b is byte 6, the fourth character)
  EXPECT_EQ(caretLines("x\xFFy", 3), "x y\n  ^\n");  // not UTF-8
}

TEST(Printable, NamesBytesAndCharactersATerminalWouldHide) {
  EXPECT_EQ(printable("a\x1b[31m"), "a\\x1B[31m");
  EXPECT_EQ(printable("1\xC2\xA0"
                      "at 2ms"),
            "1\\u{00A0}at 2ms");                          // a no-break space
  EXPECT_EQ(printable("x\xE2\x80\x8By"), "x\\u{200B}y");  // a zero-width space
  EXPECT_EQ(printable("\xC2\x9B"
                      "2J"),
            "\\u{009B}2J");                                                      // a C1 control (CSI)
  EXPECT_EQ(printable("caf\xC3\xA9 \xE2\x88\x80"), "caf\xC3\xA9 \xE2\x88\x80");  // what shows stays
  EXPECT_EQ(printable("\xA0"
                      "at"),
            "\\xA0at");                                     // Latin-1, not UTF-8
  EXPECT_EQ(printable("\xC3"), "\\xC3");                    // cut short
  EXPECT_EQ(printable("\xC0\xAF"), "\\xC0\\xAF");           // overlong
  EXPECT_EQ(printable("\xED\xA0\x80"), "\\xED\\xA0\\x80");  // a surrogate
}

TEST(DiagnosticSink, KeepsAMessageBoundedWhateverItQuotes) {
  DiagnosticSink diags;
  std::string word(100000, 'x');
  diags.error("usage", {}, "--input: unexpected '" + word + "' in 'bc=" + word + "' (expected a value)");
  std::string message = diags.all().front().message;
  EXPECT_LT(message.size(), 900u);
  EXPECT_NE(message.find("'" + std::string(239, 'x') + "[...99642 bytes...]" + std::string(119, 'x') + "' in"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("(expected a value)"), std::string::npos);  // what follows a long word stays
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "x ";
  diags.warning("usage", {}, many);
  message = diags.all().back().message;
  EXPECT_LT(message.size(), 2100u);
  EXPECT_NE(message.find(" more bytes]"), std::string::npos);
  diags.note({}, "short");
  EXPECT_EQ(diags.all().back().message, "short");
}

TEST(FormatText, ShowsTheToolTheSourceLineAndColoursOnlyWhenAsked) {
  DiagnosticSink diags;
  uint32_t file = diags.addFile("m.rdc.yaml");
  diags.error("unknown-component", {file, 2, 5}, "unknown component 'Summ'");
  diags.error("usage", {}, "--seed: bad");
  TextStyle style;
  style.tool = "rdc-lint";
  style.sourceLine = [](uint32_t, uint32_t line) -> std::optional<std::string> {
    if (line == 2) return std::string("  - Summ s:");
    return std::nullopt;
  };
  EXPECT_EQ(diags.formatText(style),
            "m.rdc.yaml:2:5: error: unknown component 'Summ' [unknown-component]\n"
            "  - Summ s:\n"
            "    ^\n"
            "rdc-lint: error: --seed: bad [usage]\n");
  style.colour = true;
  std::string coloured = diags.formatText(style);
  EXPECT_NE(coloured.find("\033[1;31merror:\033[0m"), std::string::npos) << coloured;
  EXPECT_EQ(diags.formatText().find('\033'), std::string::npos);
}

}  // namespace
TEST(DiagnosticSink, AProblemMetAgainAtOnePlaceIsReportedOnceAndCounted) {
  DiagnosticSink diags;
  uint32_t file = diags.addFile("m.rdc.yaml");
  for (int k = 0; k < 4; ++k) {  // a `for` box: the same wire, once per iteration
    diags.error("linearity", {file, 10, 25}, "wire 'w[" + std::to_string(k) + "]' is produced more than once");
    diags.note({file, 7, 3}, "first produced here");
  }
  diags.error("linearity", {file, 10, 25}, "wire 'w[0]' is produced more than once");  // said before: not counted
  diags.error("type-mismatch", {file, 10, 25}, "another kind of problem at the same place");
  diags.error("usage", {}, "a tool's problem without a place");
  diags.error("usage", {}, "another tool's problem without a place");
  ASSERT_EQ(diags.all().size(), 5u);
  EXPECT_EQ(diags.all()[0].message, "wire 'w[0]' is produced more than once (and 3 more like it here)");
  EXPECT_EQ(diags.all()[1].severity, Severity::Note);  // the first report's note, once
  EXPECT_EQ(diags.all()[2].code, "type-mismatch");
  EXPECT_EQ(diags.errorCount(), 4u);
  // Every report counts as a problem found, a repeat kept once included:
  // each iteration of the box can tell that it met one.
  EXPECT_EQ(diags.errorReports(), 8u);
}

// A bundle's consecutive elements are one item; anything else stays as given.
TEST(NameList, ShortensRunsOfABundleAndCountsWhatItLeavesOut) {
  EXPECT_EQ(nameList({"coord", "part[0]", "part[1]", "part[2]"}), "coord, part[0] .. part[2]");
  EXPECT_EQ(nameList({"node[0]", "node[1]"}), "node[0], node[1]");
  EXPECT_EQ(nameList({"a[0]", "a[2]", "b[3]", "b[4]", "b[5]", "main"}), "a[0], a[2], b[3] .. b[5], main");
  EXPECT_EQ(nameList({"x[1]", "x[2]", "y[0]"}), "x[1], x[2], y[0]");
  EXPECT_EQ(nameList({"p", "q", "r", "s"}, 2), "p, q and 2 more");
  EXPECT_EQ(nameList({"[0]", "[1]", "a[-1]", "a[0]", "a[]"}), "[0], [1], a[-1], a[0], a[]");
  EXPECT_EQ(nameList({}), "");
}

}  // namespace rdc
