// Evaluation of a model's `checks` at the end of a run (docs/reference.md#checks).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph/graph.h"
#include "ir/model/model.h"
#include "tools/rdc-run/engine/engine.h"
#include "tools/rdc-run/engine/extrinsic_names.h"

namespace rdc::run {

struct CheckResult {
  std::string name;
  bool pass = false;
  std::string why;  ///< why it failed
};

/// One iteration of an unbounded box, as the checks over its iterations
/// (`forall k in 0..: ...`) read it when it is retired: its outputs and
/// inputs, in the order of its block of the window (iteration 0's for
/// k = 0, iteration 1's for every later k; ir/graph/unbounded.h).
struct IterationView {
  int64_t k = 0;
  std::span<const RunResult::Output> outputs;
  std::span<const Value> inputs;
};

/// What one node of a check's expression means in a graph, worked out once
/// per graph: a run then reads it by the node's Expr::id instead of
/// searching names.
struct CheckNodeFacts {
  /// What a Name node reads, in the order names are looked up: a
  /// quantifier's variable (the innermost of that name), a parameter, an
  /// extrinsic output or input.
  enum class Reads : uint8_t { Unknown, Bound, Param, Extrinsic };
  Reads reads = Reads::Unknown;
  uint32_t bound = 0;       ///< Bound: the variable's place among those bound, outermost first
  int64_t param = 0;        ///< Param: its value
  uint32_t root = kNone;    ///< Name: the node of the extrinsic name tree of this spelling, or kNone
  uint32_t family = kNone;  ///< correct(FAMILY): the family's index in CheckEvaluator's families, or kNone
};

/// The verdicts of the last run judged with it, and what they read. A check
/// reads only the extrinsic outputs' values (and whether each became
/// available, not when), the extrinsic inputs and which domains are
/// correct: a run that ends with the same gets the same verdicts, without
/// evaluating them again. Most runs of a seed sweep deliver the same values,
/// while an agreement check costs n^2 steps. One per thread.
class CheckMemo {
 private:
  friend class CheckEvaluator;
  bool holdsFor(const RunResult& result, const RunConfig& config, const std::vector<bool>& correct) const;
  void keep(const RunResult& result, const RunConfig& config, const std::vector<bool>& correct,
            const std::vector<CheckResult>& results);

  bool valid_ = false;
  std::vector<RunResult::Output> outputs_;  // times left 0
  std::vector<std::optional<Value>> inputs_;
  std::vector<bool> correct_;
  std::vector<CheckResult> results_;
};

/// Evaluates a model's checks against runs of its graph. The name indexes
/// and what each check's names resolve to are worked out once, so that a
/// many-seed search pays only for evaluation. The checks' expressions must
/// be as parseExpr made them (their nodes numbered by Expr::id).
class CheckEvaluator {
 public:
  CheckEvaluator(const Model& model, const Graph& graph);

  /// Every check for one run; `correct[d]` says whether domain d is correct
  /// (neither crashed nor Byzantine) in it.
  /// Checks over the iterations of an unbounded box (`forall k in 0..`)
  /// take their verdict from `iterationFailures` (by check: why the first
  /// failing iteration failed, empty while none has), which
  /// evaluateIteration fills as the run retires iterations.
  /// With a `memo` (of a model without an unbounded box), a run that reads
  /// what the memo's last run read gets its verdicts.
  std::vector<CheckResult> evaluate(const RunResult& result, const RunConfig& config, const std::vector<bool>& correct,
                                    const std::vector<std::string>* iterationFailures = nullptr,
                                    CheckMemo* memo = nullptr) const;

  /// Evaluates the body of every check over iterations for one iteration
  /// (k bound to view.k), unless it already failed in an earlier one.
  void evaluateIteration(const IterationView& view, const RunResult& result, const RunConfig& config,
                         const std::vector<bool>& correct, std::vector<std::string>& iterationFailures) const;

  /// Whether check c is over the iterations of an unbounded box.
  bool overIterations(size_t c) const;

  /// Evaluates (and reports) only the checks `names` from now on, in the
  /// model's order (--check); the first name the model has no check of, if
  /// any, and then nothing changes.
  std::optional<std::string> select(const std::vector<std::string>& names);

  /// A family's domains `FAMILY[k]`, in the graph's order: each domain and
  /// its k (nullopt when the text after `[` is not a number).
  using Family = std::vector<std::pair<uint32_t, std::optional<int64_t>>>;

 private:
  const Model& model_;
  const Graph& graph_;
  ExtrinsicNames names_;
  std::vector<std::vector<CheckNodeFacts>> facts_;  ///< by check, then by Expr::id
  std::vector<bool> selected_;                      ///< by check: evaluated (select)
  std::vector<Family> families_;
};

}  // namespace rdc::run
