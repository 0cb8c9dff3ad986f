// What rdc-run keeps of the unbounded box's iterations as they retire
// (docs/semantics.md#unbounded-replication): each complete iteration goes
// through the checks over iterations (`forall k in 0..: ...`), and its
// outputs are listed for the report (kept in a temporary file past a
// buffer, ListedOutputs), or only counted (--outputs summary).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph/graph.h"
#include "tools/rdc-run/driver/listed_outputs.h"
#include "tools/rdc-run/engine/checks.h"
#include "tools/rdc-run/engine/engine.h"

namespace rdc::run {

class IterationReport final : public IterationSink {
 public:
  /// `config` and `correct` are the run's; `list`: keep every output for the report.
  IterationReport(const Graph& graph, const CheckEvaluator& checks, const RunConfig& config,
                  const std::vector<bool>& correct, bool list);

  void retired(const RetiredIteration& iteration) override;

  /// Per check: why the first failing iteration failed; empty while none has.
  const std::vector<std::string>& failures() const { return failures_; }

  /// The retired iterations' outputs in the order of k (when listing).
  const ListedOutputs& listed() const { return listed_; }

  uint64_t retiredCount() const { return retired_; }
  uint64_t cutOff() const { return cutOff_; }            ///< iterations cut off by the end of the run (not checked)
  uint64_t available() const { return available_; }      ///< outputs available in retired iterations
  uint64_t unavailable() const { return unavailable_; }  ///< and never available

 private:
  const Graph& graph_;
  const CheckEvaluator& checks_;
  const RunConfig& config_;
  const std::vector<bool>& correct_;
  bool list_;
  RunResult none_;  // the rest of the graph as iteration checks see it: nothing available
  std::vector<std::string> failures_;
  ListedOutputs listed_;
  uint64_t retired_ = 0, cutOff_ = 0, available_ = 0, unavailable_ = 0;
};

}  // namespace rdc::run
