// Reading and writing the Cap'n Proto IR (ir/rdc_ir.capnp), and loading a
// model from either YAML or IR, which the tools tell apart by content.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/catalog.h"
#include "ir/diagnostics.h"
#include "ir/elaborate.h"
#include "ir/graph.h"
#include "ir/model.h"

namespace rdc {

/// A model as every tool sees it: as written, and elaborated.
struct LoadedModel {
  Model model;
  Graph graph;
  std::vector<std::string> projection;  ///< domains projected onto; empty: the whole model
};

/// Projects a model onto some of its domains: keeps the instances in them
/// and cuts each Link that crosses the boundary into a gateway, a `Send`
/// on the sending side whose copy leaves as an extrinsic output, and a
/// `Recv` on the receiving side fed by an extrinsic input, both named
/// `net:` + the Link's path and carrying the peer domain. Checks are
/// dropped (they speak of the whole system). Defined in project.cpp.
std::optional<LoadedModel> projectOnto(const LoadedModel& whole, const Catalog& catalog,
                                   const std::vector<std::string>& domains, DiagnosticSink& diags);

/// The tool version written into IR and traces.
std::string_view toolVersion();

/// Serialises a loaded model. Positions refer to `diags.files()`.
std::string writeIr(const LoadedModel& loaded, const Catalog& catalog, const DiagnosticSink& diags);

/// Whether `bytes` look like IR rather than YAML text (a Cap'n Proto
/// segment table starts with NUL bytes; YAML text has none).
bool looksLikeIr(std::string_view bytes);

/// Reads IR written by writeIr; nullopt with an `ir-malformed` diagnostic on
/// any malformed, truncated or foreign input.
std::optional<LoadedModel> readIr(std::string_view bytes, const std::string& fileName,
                                  const Catalog& catalog, DiagnosticSink& diags);

struct LoadOptions {
  std::vector<std::pair<std::string, std::string>> defines;  ///< -D name=value
  ElabOptions elab;
  /// Run the lint passes too: no tool runs, draws or projects a model that
  /// has lint errors (only tests of elaboration itself turn this off).
  bool lint = true;
};

/// Loads YAML or IR: nullopt, with diagnostics, when it cannot be read or
/// built, or has lint errors. `-D` overrides re-elaborate an IR file's model.
std::optional<LoadedModel> loadModel(std::string_view bytes, const std::string& fileName,
                                     const Catalog& catalog, const LoadOptions& options,
                                     DiagnosticSink& diags);

/// Reads a model file (or standard input for "-") and loads it.
std::optional<LoadedModel> loadModelFile(const std::string& path, const Catalog& catalog,
                                         const LoadOptions& options, DiagnosticSink& diags);

/// Whether a diagnostic code means the input could not be read or built at
/// all (exit 2) rather than a finding about a readable model (exit 1).
bool isInputError(const std::string& code);

}  // namespace rdc
