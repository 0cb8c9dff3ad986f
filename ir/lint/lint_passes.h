// Lint passes over the elaborated graph. Passes are plain values that the
// caller lists and runs; nothing registers itself.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"
#include "ir/model/model.h"
#include "ir/support/diagnostics.h"

namespace rdc {

struct LintPass {
  const char* name;
  void (*run)(const Model& model, const Graph& graph, const Catalog& catalog, DiagnosticSink& diags);
};

/// Reports a static cycle that can never fire, a definite deadlock: every
/// step waits for the next, and no choice on it can wait for an input off
/// the cycle. What a choosable input waits for depends on its binding:
/// `choose` or forced, its rule's timing; a Select's constant choice, only
/// that option; any other forced index, every option.
void checkDeadlockCycles(const Model& model, const Graph& graph, const Catalog& catalog, DiagnosticSink& diags);

/// Reports a negative constant bound to a Duration line (Delay's d, so also
/// Timer's duration): `negative-duration`.
void checkConstantDurations(const Model& model, const Graph& graph, const Catalog& catalog, DiagnosticSink& diags);

/// Checks that every name in the model's `checks` resolves (quantified
/// variables, parameters, extrinsic outputs and inputs, domain families),
/// and that each check is a well-typed Bool.
void checkPropertyNames(const Model& model, const Graph& graph, const Catalog& catalog, DiagnosticSink& diags);

/// The most quantifier steps (evaluations of a quantifier's body, nested
/// ones included) one check may take in one run. rdc-run stops a check
/// that gets there (`check-limit`), so a run's checks end in bounded time.
inline constexpr uint64_t kMaxCheckSteps = 1'000'000;

/// Reports a check whose quantifiers, over ranges known at lint time
/// (parameters, domain families), take more than kMaxCheckSteps:
/// `check-limit`.
void checkQuantifierSteps(const Model& model, const Graph& graph, const Catalog& catalog, DiagnosticSink& diags);

/// The passes rdc-lint runs after elaboration, in order.
std::vector<LintPass> standardLintPasses();

}  // namespace rdc
