// Diagnostics: source positions and the sink that libraries report into.
// Libraries never print or exit; tools decide how diagnostics are shown.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace rdc {

/// A 1-based position in a model source file; line 0 means "no position".
struct Pos {
  static constexpr uint32_t kNoFile = UINT32_MAX;
  uint32_t file = kNoFile;  ///< index into the DiagnosticSink's file table
  uint32_t line = 0;
  uint32_t col = 0;

  /// The same position shifted right by `chars` columns on the same line.
  Pos shifted(uint32_t chars) const { return line == 0 ? *this : Pos{file, line, col + chars}; }
};

enum class Severity { Note, Warning, Error };

/// One reported problem. `code` is a stable kebab-case identifier
/// (for example `linearity`), listed in docs/diagnostics.md.
struct Diagnostic {
  Severity severity;
  std::string code;
  Pos pos;
  std::string message;
};

/// Collects diagnostics in report order and owns the table of file names
/// that positions refer to. A problem reported again at a position (same
/// severity, code and position: an error in a `for` box met once per
/// iteration) is kept once, with the notes that followed its first report;
/// when the repeats say something else (another element's name), the
/// first report counts them: "... (and 3 more like it here)". A message is
/// kept bounded, whatever it quotes: a run of more than 400 non-blank bytes
/// keeps its first 240 and last 120 (`[...N bytes...]` between), and a
/// message stops after about 2,000 bytes (`[... N more bytes]`); a file
/// name too.
class DiagnosticSink {
 public:
  /// Registers a file name and returns its index for Pos::file. `onlyNamed`:
  /// the name comes from an input (an IR's file table), not from the user,
  /// so that a tool quotes no line of it unless it is named as a model is.
  uint32_t addFile(std::string name, bool onlyNamed = false);
  const std::vector<std::string>& files() const { return files_; }
  bool onlyNamed(uint32_t file) const { return file < onlyNamed_.size() && onlyNamed_[file]; }

  void error(std::string code, Pos pos, std::string message);
  void warning(std::string code, Pos pos, std::string message);
  void note(Pos pos, std::string message);

  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  size_t errorCount() const { return errors_; }
  size_t warningCount() const { return warnings_; }
  bool hasErrors() const { return errors_ > 0; }
  /// Every error reported, repeats kept once included: whether a step found
  /// a problem, even one that an earlier iteration of a `for` box reported.
  size_t errorReports() const { return errorReports_; }

  /// `file:line:col: error: message [code]`, one per line; see TextStyle.
  std::string formatText(const struct TextStyle& style) const;
  std::string formatText() const;
  /// A JSON array of {file, line, col, severity, code, message} objects on
  /// one line, then a newline; `file` is "" for a diagnostic of the tool itself.
  std::string formatJson() const;

 private:
  std::string location(const Pos& pos) const;

  /// Records a problem; false if it was reported before (notes then follow it out).
  bool firstTime(Severity severity, const std::string& code, Pos pos, const std::string& message);

  std::vector<std::string> files_;
  std::vector<bool> onlyNamed_;  // per file
  std::vector<Diagnostic> diagnostics_;
  /// The first report of each (severity, code, position) with a position,
  /// and how many repeats said something else.
  struct FirstReport {
    size_t index;       ///< into diagnostics_
    size_t message;     ///< the first message's length (before the count)
    size_t others = 0;  ///< repeats with another message
    std::set<std::string> seen;
  };
  std::map<std::tuple<Severity, std::string, uint32_t, uint32_t, uint32_t>, FirstReport> reported_;
  bool repeated_ = false;  ///< the last error or warning was a repeat
  size_t errors_ = 0;
  size_t errorReports_ = 0;
  size_t warnings_ = 0;
};

/// How formatText shows diagnostics to a person.
struct TextStyle {
  /// Names a diagnostic without a file (`rdc-lint: error: ...`).
  std::string tool = "rdc";
  /// ANSI colours for the severity and the caret (only for a terminal).
  bool colour = false;
  /// The text of a file's 1-based line, without its newline, if known:
  /// a positioned diagnostic then shows it with a caret under its column.
  std::function<std::optional<std::string>(uint32_t file, uint32_t line)> sourceLine;
};

/// The line `source` again with a caret under 1-based byte column `col`
/// (for example "  x: a -> b\n     ^\n"): control characters become
/// spaces, so that the caret stays under its byte whatever the terminal,
/// and the bytes of a multi-byte UTF-8 character take one column. A line
/// over 160 bytes is shown as the 160 around the caret, `...` marking
/// what is left out.
std::string caretLines(std::string_view source, uint32_t col);

/// The edit distance between two names: the optimal string alignment
/// variant of Damerau–Levenshtein (insertions, deletions, substitutions and
/// transpositions of adjacent characters, each costing 1).
size_t editDistance(std::string_view a, std::string_view b);

/// The candidate closest to `name` by editDistance, if it is close enough
/// to be a likely typo (at most a third of the name's length, at least 1,
/// and fewer than the shorter name's length), ties going to the first in
/// `candidates`; nullopt otherwise. Names over 64 characters get none.
std::optional<std::string> closestName(std::string_view name, const std::vector<std::string>& candidates);

/// " (did you mean 'Sum'?)" for closestName, or "".
std::string didYouMean(std::string_view name, const std::vector<std::string>& candidates);

/// Names listed for a diagnostic, in their order: each run of consecutive
/// elements of one bundle shortened to its first and last (`coord,
/// part[0] .. part[2]`), at most `most` items, then how many more.
std::string nameList(const std::vector<std::string>& names, size_t most = 12);

/// The length in bytes of the character at text[i] (i < text.size()): 2 to
/// 4 for a well-formed multi-byte UTF-8 character, else 1, so that a
/// diagnostic quotes a whole character, never half of one.
size_t characterLength(std::string_view text, size_t i);

/// `text` with control characters, DEL and bytes that are not well-formed
/// UTF-8 written as `\xNN`, and characters a terminal shows as blank or not
/// at all (U+00A0, U+200B, U+FEFF, C1 controls, ...) as `\u{00A0}`, so that
/// no diagnostic carries raw bytes of a hostile input to a terminal and an
/// odd blank is seen for what it is.
std::string printable(std::string_view text);

/// The human part of a KJ or Cap'n Proto exception's description: KJ
/// writes "expected COND [VALUES]; MESSAGE", of which only MESSAGE speaks
/// to a user ("Message ends prematurely."). A description without "; " is
/// kept whole.
std::string libraryReason(std::string_view description);

/// The system's reason in a KJ description of a failed system call
/// ("miniposix::write(fd, pos, size): No space left on device; fd = 3"
/// gives "No space left on device"); other descriptions up to their "; ".
std::string systemReason(std::string_view description);

}  // namespace rdc
