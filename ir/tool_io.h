// What every rdc tool does at its edges: read the input file or standard
// input, write output atomically, print diagnostics, choose the exit code.
#pragma once

#include <optional>
#include <string>

#include "ir/diagnostics.h"

namespace rdc {

/// Exit codes shared by every tool (docs/tools.md).
enum ExitCode : int { kExitOk = 0, kExitNo = 1, kExitBadInput = 2 };

/// Inputs larger than this are refused rather than read into memory.
inline constexpr size_t kMaxInputBytes = size_t{1} << 30;

/// Reads a path, or standard input for "-" (named `<stdin>` in diagnostics).
std::optional<std::string> readInput(const std::string& path, DiagnosticSink& diags);

/// The name diagnostics use for `path`.
std::string displayName(const std::string& path);

/// Writes `bytes` to `path` through a temporary file renamed into place, so
/// that a failure leaves no half-written file. "-" writes standard output.
bool writeOutput(const std::string& path, const std::string& bytes, DiagnosticSink& diags);

/// Whether standard output is a terminal.
bool stdoutIsTerminal();

/// Prints diagnostics to standard error, as text or JSON.
void printDiagnostics(const DiagnosticSink& diags, bool json);

/// 2 if any error is an unreadable-input error, 1 if any other error, else 0.
int exitCodeFor(const DiagnosticSink& diags);

}  // namespace rdc
