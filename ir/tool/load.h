// The load pipeline every tool shares: read a model file, tell YAML from IR
// by content, elaborate (with -D overrides), re-project a projection's IR,
// and run the lint passes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/elaborate.h"
#include "ir/graph/loaded_model.h"
#include "ir/io/trace.h"
#include "ir/support/diagnostics.h"

namespace rdc {

struct LoadOptions {
  std::vector<std::pair<std::string, std::string>> defines;  ///< -D name=value
  ElabOptions elab;
  /// A trace header's parameters, for a replay given no -D: the model takes
  /// the value each parameter was recorded with (recordedDefines), before
  /// its own defaults are evaluated (so a default the trace overrode need
  /// not be valid).
  const NamedTexts* recorded = nullptr;
  /// Run the lint passes too: no tool runs, draws or projects a model that
  /// has lint errors (only tests of elaboration itself turn this off).
  bool lint = true;
};

/// Loads YAML or IR: nullopt, with diagnostics, when it cannot be read or
/// built, or has lint errors. `-D` overrides re-elaborate an IR file's model.
std::optional<LoadedModel> loadModel(std::string_view bytes, const std::string& fileName, const Catalog& catalog,
                                     const LoadOptions& options, DiagnosticSink& diags);

/// The -D flags that give `model` the parameter values a trace recorded:
/// (name, recorded value), in the model's order, for each parameter whose
/// recorded value is not what the model makes of it once the flags before
/// it are applied. A parameter derived from others (`f: (n - 1) / 3`) is
/// named only where the trace does not derive the same value.
std::vector<std::pair<std::string, std::string>> recordedDefines(const NamedTexts& recorded, const Model& model);

/// The parameters a trace header records that `model` does not declare,
/// quoted and comma-separated ("'k', 'm'"); nullopt if there are none.
std::optional<std::string> undeclaredParams(const TraceHeader& header, const Model& model);

/// Why a trace does not fit a model whose hash differs from the one its
/// header records: "the trace was not recorded from this model (...)",
/// saying that it is another model's (by name), or a projection's (a
/// node's run, to be merged), or naming the parameters the trace was
/// recorded with where they differ from the model's (`-D broken=1; this
/// model has broken=0`), else that the model's text differs.
std::string traceModelMismatch(const TraceHeader& header, const LoadedModel& model);

/// Reads a model file (or standard input for "-") and loads it.
std::optional<LoadedModel> loadModelFile(const std::string& path, const Catalog& catalog, const LoadOptions& options,
                                         DiagnosticSink& diags);

}  // namespace rdc
