// rdc-lint as a library: parse, elaborate, check, write the IR.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/elaborate.h"
#include "ir/graph/graph.h"
#include "ir/model/model.h"

namespace rdc::lint {

struct Options {
  std::string input = "-";
  std::string output;  ///< empty: standard output when it is not a terminal
  std::vector<std::pair<std::string, std::string>> defines;
  bool werror = false;
  bool stats = false;
  bool jsonDiagnostics = false;
  ElabOptions elab;
};

/// Counts printed by `--stats`.
struct Stats {
  size_t components = 0;      ///< composite definitions of the model's own (not std's)
  size_t usedComponents = 0;  ///< of which instantiated somewhere
  size_t stdUsed = 0;         ///< std's composites instantiated somewhere
  size_t baseInstances = 0;
  size_t scalarLines = 0;
  size_t wires = 0;
  size_t domains = 0;       ///< domains that hold a line (a projection's: its own)
  size_t modelDomains = 0;  ///< the model's domains, all kept in a projection's graph
  size_t inputs = 0;
  size_t outputs = 0;
  /// A model with an on-demand box: its iterations, and the scalar lines of
  /// the whole graph, every iteration elaborated (0: no such box;
  /// UINT64_MAX: 2^64 - 1 or more).
  uint64_t onDemandIterations = 0;
  uint64_t scalarLinesInAll = 0;

  std::string format() const;
};

Stats computeStats(const Model& model, const Graph& graph);

/// Runs rdc-lint; returns the exit code. Prints diagnostics to stderr.
int run(const Options& options, const Catalog& catalog);

}  // namespace rdc::lint
