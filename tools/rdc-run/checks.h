// Evaluation of a model's `checks` at the end of a run (docs/reference.md#checks).
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/model.h"
#include "tools/rdc-run/engine.h"

namespace rdc::run {

struct CheckResult {
  std::string name;
  bool pass = false;
  std::string why;  ///< why it failed
};

/// Evaluates every check; `correct[d]` says whether domain d is correct
/// (neither crashed nor Byzantine) in the run.
std::vector<CheckResult> evaluateChecks(const Model& model, const Graph& graph, const RunResult& result,
                                        const RunConfig& config, const std::vector<bool>& correct);

}  // namespace rdc::run
