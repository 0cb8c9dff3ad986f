#include "ir/graph/elaborate.h"

#include <sys/resource.h>

#include "ir/graph/elaborate/elaborator.h"
#include "ir/graph/verify.h"

namespace rdc {

namespace {
uint64_t processBudget = 0;
}  // namespace

void setProcessMemoryBudget(uint64_t bytes) { processBudget = bytes; }

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
