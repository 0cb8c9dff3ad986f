// Elaboration: expands a hierarchical Model into a flat Graph of base
// instances and scalar lines, checking linearity, indices, parameters,
// types and domains on the way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"
#include "ir/model/model.h"
#include "ir/support/diagnostics.h"

namespace rdc {

struct ElabOptions {
  /// Elaboration stops with a `size-limit` error beyond this many scalar
  /// lines, so that absurd parameters fail fast with bounded memory.
  uint64_t maxLines = 2'000'000;
  /// Deepest nesting of composite instances (catches unbounded recursion).
  int maxDepth = 64;
  /// The memory budget in bytes; 0: the process's budget (see
  /// setProcessMemoryBudget), else its RLIMIT_DATA (none when unlimited). A
  /// model whose lines would take more than this at kElabBytesPerLine is
  /// refused with `memory-limit` before anything is built for it.
  uint64_t maxMemory = 0;
  /// 0: an unbounded `for` box is elaborated as its window (ir/graph/unbounded.h).
  /// N: as N iterations, like a bounded box whose last iteration passes
  /// nothing on (the graph then has no unbounded box): a run's iterations
  /// as one graph, for tools that work on a whole trace (inversion). A
  /// model is loaded so only after it was loaded (and linted) as its window.
  uint64_t unrollIterations = 0;
  /// Whether repeated composite bodies are stamped (elaborate/stamp.cpp);
  /// false elaborates each one, the graph stamps are tested against.
  bool stamps = true;
};

/// Bytes a scalar line takes at least while a tool holds the elaborated
/// graph (measured: about 400 at peak for rdc-lint writing Bracha's IR), so
/// `budget / kElabBytesPerLine` lines surely do not fit the budget.
inline constexpr uint64_t kElabBytesPerLine = 256;

/// Bytes of memory a byte of YAML model takes at least once parsed into a
/// Model (measured: 70 to 77 for flat models of one-line instances), so a
/// YAML input beyond `budget / kYamlBytesPerByte` is refused unread.
inline constexpr uint64_t kYamlBytesPerByte = 64;

/// The most elements one `Set<T>` line may have (|T|): each is a scalar
/// line. A larger T is refused as `set-element`.
inline constexpr uint64_t kMaxSetElements = 4096;

/// An amount of memory as diagnostics say it (a budget, a file): in the
/// largest of MiB, KiB and bytes that says it exactly, or rounded down to
/// whole MiB (KiB) from 100 MiB (100 KiB) on, where that is within 1%: a
/// budget of 1K is not "0 MiB", nor 2000K "1 MiB".
inline std::string memoryText(uint64_t bytes) {
  constexpr uint64_t kKiB = 1024, kMiB = kKiB * kKiB;
  if (bytes >= kMiB && (bytes % kMiB == 0 || bytes >= 100 * kMiB)) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes >= kKiB && (bytes % kKiB == 0 || bytes >= 100 * kKiB)) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + " bytes";
}

/// The memory budget `options` give, in bytes (see ElabOptions::maxMemory);
/// UINT64_MAX for none.
uint64_t memoryBudget(const ElabOptions& options);

/// Records the budget every tool takes from `--max-memory` (bytes; 0:
/// none), so that sizes are refused by count even where the heap cannot be
/// capped (sanitizer builds reserve terabytes of shadow memory);
/// `fromCaller`: the budget is the lower RLIMIT_DATA the tool was started
/// with, which --max-memory cannot raise.
void setProcessMemoryBudget(uint64_t bytes, bool fromCaller = false);

/// How a `memory-limit` diagnostic names a budget of `bytes` ("the 512 MiB
/// memory budget"; for the caller's own lower limit, "the 600 KiB memory
/// limit its caller set (RLIMIT_DATA)") and how to raise it ("raise it with
/// --max-memory"; "raise it with `ulimit -d`; --max-memory cannot").
struct BudgetWords {
  std::string name, raise;
};
BudgetWords memoryBudgetWords(uint64_t bytes);

/// Elaborates `model`. Returns the graph when no error was reported (warnings
/// may have been); nullopt otherwise.
std::optional<Graph> elaborate(const Model& model, const Catalog& catalog, const ElabOptions& options,
                               DiagnosticSink& diags);

/// The scalar lines `model` elaborates to, counted without building it:
/// `elaborate` refuses a model over `options.maxLines` with `size-limit`
/// before allocating anything for it. Counting stops once over the limit
/// (the count is then only known to be larger). nullopt when the size is
/// not known before elaborating (a parameter that does not evaluate, a
/// component nested beyond `options.maxDepth`).
std::optional<uint64_t> countLines(const Model& model, const Catalog& catalog, const ElabOptions& options);

}  // namespace rdc
