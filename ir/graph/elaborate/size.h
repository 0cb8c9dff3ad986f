// Sizes before building: what a model elaborates to, counted from its
// `for` ranges and instances without building anything, so that absurd or
// hostile parameters are refused before a byte is spent on them.
#pragma once

#include <cstdint>
#include <string>

#include "ir/components/catalog.h"
#include "ir/graph/elaborate.h"
#include "ir/model/model.h"
#include "ir/support/diagnostics.h"

namespace rdc::elab {

/// The most elaboration steps (loop iterations, lines, bound elements,
/// a step per kNodesPerStep nodes of each expression evaluated, and
/// fnInstanceSteps) elaboration may spend: 8 per allowed line plus 1,000,000.
uint64_t stepLimit(const ElabOptions& options);

/// The steps an Fn or Filter instance costs for its expressions (nothing
/// for other items): a step per node of `expr` and `when`. Each instance
/// copies, walks and types them, at about the cost of a step per node (a
/// 128k-node Fn in a `for` of 5,000 took a minute and 4 GiB to lint).
uint64_t fnInstanceSteps(const Item& item);

/// "takes more than N steps to elaborate (...)": what the `size-limit`
/// error says of a model or box over stepLimit within the line limit.
std::string overStepLimit(const ElabOptions& options);

/// What a model elaborates to, counted before building it.
struct ElabSize {
  uint64_t lines = 0;          ///< scalar lines
  uint64_t instances = 0;      ///< base instances
  uint64_t nodes = 0;          ///< nodes of the instance tree: base and composite instances
  uint64_t boundElements = 0;  ///< elements of composite lines bound (each is two type hints)
};

/// Whether `model` fits `options.maxLines`, the memory budget
/// (kElabBytesPerLine a line) and the step limit; if not, reports
/// `size-limit` or `memory-limit` at the `for` box or instance responsible
/// and returns false. A size that cannot be known before elaborating (a
/// parameter that does not evaluate, recursion) is left to elaboration.
/// When it fits, `*size` (if given) is what the model makes, or all 0
/// when that is not known.
bool fitsLimits(const Model& model, const Catalog& catalog, const ElabOptions& options, DiagnosticSink& diags,
                ElabSize* size = nullptr);

}  // namespace rdc::elab
