// Command-line conventions shared by every tool (docs/tools.md): the
// positional input, -D, --diagnostics, --version, and exit code 2 on a
// usage error. Header-only so that the IR library does not depend on CLI11.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

#include "ir/ir_io.h"

namespace rdc {

/// `-D name=value`, repeatable.
inline void addDefineOption(CLI::App& app, std::vector<std::pair<std::string, std::string>>& defines) {
  app.add_option_function<std::vector<std::string>>(
         "-D",
         [&defines](const std::vector<std::string>& values) {
           for (const std::string& v : values) {
             auto eq = v.find('=');
             if (eq == std::string::npos || eq == 0) throw CLI::ValidationError("-D", "expected name=value, got '" + v + "'");
             defines.emplace_back(v.substr(0, eq), v.substr(eq + 1));
           }
         },
         "Override a model parameter: -D n=7")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);
}

/// The positional model, -D, --diagnostics and --version.
inline void addCommonOptions(CLI::App& app, std::string& input,
                             std::vector<std::pair<std::string, std::string>>& defines,
                             bool& jsonDiagnostics) {
  app.add_option("MODEL", input, "Model file, YAML or IR ('-' or nothing: standard input)");
  addDefineOption(app, defines);
  app.add_option_function<std::string>(
         "--diagnostics",
         [&jsonDiagnostics](const std::string& format) { jsonDiagnostics = format == "json"; },
         "Diagnostic format: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.set_version_flag("--version", std::string(toolVersion()));
}

}  // namespace rdc

/// Parses argv; on a usage error prints CLI11's message and exits with 2
/// (CLI11's own help and version exits stay 0).
#define RDC_PARSE_CLI(app, argc, argv)                  \
  try {                                                 \
    (app).parse((argc), (argv));                        \
  } catch (const CLI::ParseError& e) {                  \
    int code = (app).exit(e);                           \
    return code == 0 ? 0 : 2;                           \
  }
