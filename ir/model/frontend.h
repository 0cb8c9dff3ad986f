// The YAML front end: reads a model file into the hierarchical Model.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ir/model/model.h"
#include "ir/support/diagnostics.h"

namespace rdc {

/// Parses a YAML model. `fileName` is used in diagnostics. When the model
/// says `use: [std]`, the standard library's components are appended (a
/// user component of the same name shadows the std one).
std::optional<Model> parseModelYaml(std::string_view text, const std::string& fileName, DiagnosticSink& diags);

/// The text of the standard library shipped with the tools.
std::string_view standardLibraryText();

/// Replaces the value of global parameter `name` with `value` (from `-D`).
bool overrideParam(Model& model, std::string_view name, std::string_view value, DiagnosticSink& diags);

}  // namespace rdc
