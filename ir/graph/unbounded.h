// An unbounded `for` box (`for: k in 0..`, docs/semantics.md#unbounded-replication)
// as the graph holds it: a window of its first three iterations, elaborated
// like any bounded box. Iteration 1 is the general iteration: iteration
// k >= 1 is iteration 1 with its variable k (the variable only names things,
// so nothing else differs); iteration 2 is there so that lint, inference and
// demand see what crosses from one general iteration into the next.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rdc {

/// What one iteration of the window made: ranges [first, first + count) of
/// the graph's lines, instances, tree nodes, extrinsic inputs and outputs.
/// Elaboration makes an iteration's entries one after the other, so each is
/// one range.
struct IterationBlock {
  uint32_t line = 0, lines = 0;
  uint32_t instance = 0, instances = 0;
  uint32_t node = 0, nodes = 0;
  uint32_t input = 0, inputs = 0;
  uint32_t output = 0, outputs = 0;

  bool hasLine(uint32_t l) const { return l - line < lines; }
  bool hasInstance(uint32_t i) const { return i - instance < instances; }
  bool hasInputs(uint32_t x) const { return x - input < inputs; }
  bool hasOutputs(uint32_t o) const { return o - output < outputs; }
};

/// An extrinsic input of the general iteration: one element of a stream,
/// whose value and arrival time are expressions of the box's variable,
/// evaluated for each iteration.
struct StreamInput {
  uint32_t input = 0;   ///< the input, in iteration 1's range of Graph::inputs
  std::string value;    ///< `= VALUE`; empty: the model gives none (the type's zero)
  std::string arrival;  ///< `at TIME` (a Duration); empty: when the iteration begins
  /// The parameters and loop variables in scope at the input (the box's
  /// variable among them, set per iteration).
  std::vector<std::pair<std::string, int64_t>> env;
};

struct UnboundedBox {
  static constexpr int kWindow = 3;  ///< iterations elaborated
  static constexpr uint64_t kNoEnd = UINT64_MAX;

  std::string var;  ///< the box's variable
  /// The iterations there are: kNoEnd for `k in 0..`; K (more than the
  /// window) for a bounded box run on demand, `k in 0..K on demand`, whose
  /// iterations k >= K never begin.
  uint64_t end = kNoEnd;
  uint32_t pos = 0;  ///< the box, in Graph::positions
  std::array<IterationBlock, kWindow> window;
  std::vector<StreamInput> streams;
  /// Iteration 2's lines whose output crosses into iteration 3, which the
  /// window does not hold: their sink is an implicit `drop`, but they stand
  /// for lines whose values the next iteration receives.
  std::vector<uint32_t> openPorts;

  bool bounded() const { return end != kNoEnd; }
  /// The box for messages: "the unbounded `for: k in 0..`", "the on-demand `for: k in 0..K on demand`" (K a number).
  std::string label() const {
    return bounded() ? "the on-demand `for: " + var + " in 0.." + std::to_string(end) + " on demand`"
                     : "the unbounded `for: " + var + " in 0..`";
  }
  const IterationBlock& first() const { return window[0]; }
  const IterationBlock& general() const { return window[1]; }
  /// Whether an extrinsic output (or input) is one of the window's: one
  /// per iteration, reported and checked per iteration.
  bool hasOutput(uint32_t o) const {
    return std::any_of(window.begin(), window.end(), [o](const IterationBlock& b) { return b.hasOutputs(o); });
  }
  bool hasInput(uint32_t x) const {
    return std::any_of(window.begin(), window.end(), [x](const IterationBlock& b) { return b.hasInputs(x); });
  }
};

/// How a run numbers its lines (in events, traces, forces and replays):
/// the graph's lines by their own numbers (the window's are iterations 0
/// to 2), then the lines of iteration k >= 3, iteration by iteration in the
/// order of the general iteration's. This is where iteration k's begin.
inline uint64_t firstRunLine(const UnboundedBox& box, uint32_t graphLines, int64_t k) {
  if (k < UnboundedBox::kWindow) return box.window[static_cast<size_t>(k)].line;
  return graphLines + static_cast<uint64_t>(k - UnboundedBox::kWindow) * box.general().lines;
}

/// What a line of a run stands for (the inverse of firstRunLine): the
/// iteration it is in (-1: a line outside the box) and the graph's line it
/// is (iteration 0's own, or the general iteration's for k >= 1).
struct IterationLine {
  int64_t k = -1;
  uint32_t line = 0;
};
inline IterationLine iterationLine(const UnboundedBox& box, uint32_t graphLines, uint64_t runLine) {
  const IterationBlock& g = box.general();
  if (runLine >= graphLines) {
    uint64_t past = runLine - graphLines;
    return {static_cast<int64_t>(UnboundedBox::kWindow + past / g.lines),
            static_cast<uint32_t>(g.line + past % g.lines)};
  }
  auto l = static_cast<uint32_t>(runLine);
  if (box.window[0].hasLine(l)) return {0, l};
  if (g.hasLine(l)) return {1, l};
  if (box.window[2].hasLine(l)) return {2, l - box.window[2].line + g.line};
  return {-1, l};
}

struct Expr;

/// Whether a check is over the box's iterations, evaluated once per
/// iteration: `forall k in 0..: BODY` for an unbounded box, `forall k in
/// 0..K: BODY` with K (an expression of the parameters) the iterations of an
/// on-demand box (docs/reference.md#checks).
bool overIterations(const Expr& check, const UnboundedBox& box,
                    const std::vector<std::pair<std::string, int64_t>>& params);

/// `name` with its first index replaced by `k`: iteration 1's instance
/// segment `rb[1]` or extrinsic `dlvr[1][2]` named for iteration k
/// (`rb[k]`, `dlvr[k][2]`). The first index of everything an unbounded box
/// names is its variable (lint refuses anything else).
std::string iterationName(std::string_view name, int64_t k);

}  // namespace rdc
