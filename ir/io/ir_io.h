// Reading and writing the Cap'n Proto IR (ir/io/rdc_ir.capnp).
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/loaded_model.h"
#include "ir/support/diagnostics.h"

namespace rdc {

/// The tool version written into IR and traces.
std::string_view toolVersion();

/// Serialises a loaded model. Positions refer to `diags.files()`.
std::string writeIr(const LoadedModel& loaded, const Catalog& catalog, const DiagnosticSink& diags);
/// The same bytes, written to `out` as they are made (a large graph's IR is
/// never held whole in memory); the caller checks the stream's state.
void writeIr(const LoadedModel& loaded, const Catalog& catalog, const DiagnosticSink& diags, std::ostream& out);

/// Whether `bytes` look like IR rather than YAML text (a Cap'n Proto
/// segment table starts with NUL bytes; YAML text has none).
bool looksLikeIr(std::string_view bytes);

/// Reads IR written by writeIr; nullopt with an `ir-malformed` diagnostic on
/// any malformed, truncated or foreign input.
std::optional<LoadedModel> readIr(std::string_view bytes, const std::string& fileName, const Catalog& catalog,
                                  DiagnosticSink& diags);

}  // namespace rdc
