#include "ir/graph/elaborate.h"

#include <sys/resource.h>

#include "ir/graph/elaborate/elaborator.h"
#include "ir/graph/verify.h"

namespace rdc {

namespace {
uint64_t processBudget = 0;
bool budgetFromCaller = false;
}  // namespace

void setProcessMemoryBudget(uint64_t bytes, bool fromCaller) {
  processBudget = bytes;
  budgetFromCaller = fromCaller;
}

BudgetWords memoryBudgetWords(uint64_t bytes) {
  if (budgetFromCaller && bytes == processBudget)
    return {"the " + memoryText(bytes) + " memory limit its caller set (RLIMIT_DATA)",
            "raise it with `ulimit -d`; --max-memory cannot"};
  return {"the " + memoryText(bytes) + " memory budget", "raise it with --max-memory"};
}

uint64_t memoryBudget(const ElabOptions& options) {
  if (options.maxMemory) return options.maxMemory;
  if (processBudget) return processBudget;
  rlimit limit{};
  if (getrlimit(RLIMIT_DATA, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  return limit.rlim_cur;
}

std::optional<Graph> elaborate(const Model& model, const Catalog& catalog, const ElabOptions& options,
                               DiagnosticSink& diags) {
  auto graph = elab::Elaborator(model, catalog, options, diags).run();
  if (graph && !selfCheckGraph(*graph, catalog, diags)) return std::nullopt;
  return graph;
}

}  // namespace rdc
