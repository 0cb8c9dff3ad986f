// Elaboration: expands a hierarchical Model into a flat Graph of base
// instances and scalar lines, checking linearity, indices, parameters,
// types and domains on the way.
#pragma once

#include <cstdint>
#include <optional>

#include "ir/catalog.h"
#include "ir/diagnostics.h"
#include "ir/graph.h"
#include "ir/model.h"

namespace rdc {

struct ElabOptions {
  /// Elaboration stops with a `size-limit` error beyond this many scalar
  /// lines, so that absurd parameters fail fast with bounded memory.
  uint64_t maxLines = 2'000'000;
  /// Deepest nesting of composite instances (catches unbounded recursion).
  int maxDepth = 64;
};

/// Elaborates `model`. Returns the graph when no error was reported (warnings
/// may have been); nullopt otherwise.
std::optional<Graph> elaborate(const Model& model, const Catalog& catalog,
                               const ElabOptions& options, DiagnosticSink& diags);

}  // namespace rdc
