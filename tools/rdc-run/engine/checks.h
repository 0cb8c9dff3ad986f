// Evaluation of a model's `checks` at the end of a run (docs/reference.md#checks).
#pragma once

#include <string>
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

/// Evaluates a model's checks against runs of its graph. The name indexes
/// are built once, so that a many-seed search pays only for evaluation.
class CheckEvaluator {
 public:
  CheckEvaluator(const Model& model, const Graph& graph);

  /// Every check for one run; `correct[d]` says whether domain d is correct
  /// (neither crashed nor Byzantine) in it.
  std::vector<CheckResult> evaluate(const RunResult& result, const RunConfig& config,
                                    const std::vector<bool>& correct) const;

 private:
  const Model& model_;
  const Graph& graph_;
  ExtrinsicNames names_;
};

}  // namespace rdc::run
