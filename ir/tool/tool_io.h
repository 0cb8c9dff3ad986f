// What every rdc tool does at its edges: read the input file or standard
// input, write output atomically, print diagnostics, choose the exit code.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <kj/exception.h>

#include "ir/support/diagnostics.h"

namespace rdc {

/// Exit codes shared by every tool (docs/tools.md).
enum ExitCode : int { kExitOk = 0, kExitNo = 1, kExitBadInput = 2 };

/// Inputs larger than this are refused rather than read into memory.
inline constexpr size_t kMaxInputBytes = size_t{1} << 30;

/// Reads a path, or standard input for "-" (named `<stdin>` in diagnostics).
/// Errors (nullopt, with a diagnostic): a file that cannot be opened or
/// read (`io`), one over kMaxInputBytes (`io`), and standard input named
/// for a second input of the process (`usage`: it would read as empty).
std::optional<std::string> readInput(const std::string& path, DiagnosticSink& diags);

/// The name diagnostics use for `path`.
std::string displayName(const std::string& path);

/// Writes `bytes` to `path` through a temporary file renamed into place, so
/// that a failure leaves no half-written file. "-" writes standard output; a
/// path that exists and is not a regular file (/dev/null, a pipe) is written
/// in place, never replaced.
bool writeOutput(const std::string& path, const std::string& bytes, DiagnosticSink& diags);
/// The same for output made as it is written: `write` puts the bytes on the
/// stream (and returns false if it cannot make them; the stream's own
/// failures are checked here).
bool writeOutput(const std::string& path, const std::function<bool(std::ostream&)>& write, DiagnosticSink& diags);

/// Whether standard output is a terminal.
bool stdoutIsTerminal();

/// How this process shows its diagnostics, chosen once from its command
/// line (RDC_PARSE_CLI): the tool's name, which names diagnostics without a
/// file in text mode, and whether `--diagnostics=json` was given.
void setDiagnosticsStyle(std::string toolName, bool json);
bool jsonDiagnosticsRequested();

/// Whether `argv` asks for `--diagnostics=json` (or `--diagnostics json`),
/// looked for before parsing so that a usage error is JSON too.
bool argvRequestsJsonDiagnostics(int argc, const char* const* argv);

/// Prints diagnostics to standard error, followed by what a
/// LibraryLogCapture kept when no error explains it (see there). As JSON
/// if `json` or the command line asked for it; as text otherwise, where a
/// positioned diagnostic shows its source line with a caret under the
/// column (read again from the file; not for standard input), and colours
/// are used only when standard error is a terminal and NO_COLOR is unset.
void printDiagnostics(const DiagnosticSink& diags, bool json);
void printDiagnostics(const DiagnosticSink& diags);

/// Whether what the tool printed failed to reach its standard output (a
/// full disk, /dev/full, a closed pipe when SIGPIPE is ignored): flushes
/// it, C and C++ streams.
/// printDiagnostics checks this first and adds an `io` error to what it
/// prints, once; standardOutputFailureReported() then says so, and the
/// tool exits 2.
bool standardOutputFailed();
bool standardOutputFailureReported();

/// While it lives, keeps the libraries' own log lines off standard error:
/// KJ and Cap'n Proto log the failures they recover from (a second failure
/// while a first unwinds, say on a truncated file) as raw text with stack
/// addresses, which would break `--diagnostics=json`. Failures reach the
/// tools as exceptions that the readers turn into diagnostics; the kept log
/// lines are printed as `library` warnings only when no error was reported.
/// Every tool's main holds one (RDC_PARSE_CLI makes it); one per thread.
/// KJ requires its callbacks to live on the stack, so this is one.
class LibraryLogCapture : public kj::ExceptionCallback {
 public:
  LibraryLogCapture() = default;
  LibraryLogCapture(const LibraryLogCapture&) = delete;
  LibraryLogCapture& operator=(const LibraryLogCapture&) = delete;

  void logMessage(kj::LogSeverity severity, const char* file, int line, int contextDepth, kj::String&& text) override;
};

/// Keeps a line another library reported (Graphviz), as LibraryLogCapture
/// keeps KJ's: printed with them, as a `library` warning, when no error
/// explains it.
void logLibraryLine(std::string line);

/// Whether a diagnostic code means the input could not be read or built at
/// all (exit 2) rather than a finding about a readable model (exit 1).
bool isInputError(const std::string& code);

/// 2 if any error is an unreadable-input error or is about a `-D` value (the
/// command line's), 1 if any other error, else 0.
int exitCodeFor(const DiagnosticSink& diags);

}  // namespace rdc
