// rdc-lint: parses, elaborates and checks a model; writes its IR.
#include <CLI/CLI.hpp>
#include <iostream>

#include "ir/model/schema_text.h"
#include "ir/tool/cli_numbers.h"
#include "ir/tool/cli_options.h"
#include "tools/rdc-lint/lint.h"

int main(int argc, char** argv) {
  rdc::lint::Options options;
  bool schema = false;
  CLI::App app{"rdc-lint: parse, elaborate and check an rdc model; write its IR"};
  rdc::addCommonOptions(app, options.input, options.defines, options.jsonDiagnostics);
  auto* output =
      rdc::writesFile(app.add_option("-o", options.output, "Write the IR here (default: stdout when not a terminal)"));
  app.add_flag("--werror", options.werror, "Treat warnings as errors");
  auto* stats = app.add_flag("--stats", options.stats, "Print counts of components, instances, lines, domains");
  rdc::printsOnStandardOutput("--stats", [stats] { return stats->count() > 0; });
  rdc::printsOnStandardOutput("the IR", [output, stats] { return output->count() == 0 && stats->count() == 0; });
  app.add_flag("--schema", schema, "Print the JSON Schema of the model format and exit");
  uint64_t maxMemory = rdc::kDefaultMaxMemory;
  rdc::addMemoryOption(app, maxMemory);
  rdc::addMaxLinesOption(app, options.elab.maxLines);
  RDC_PARSE_CLI(app, argc, argv);
  if (schema) {
    std::cout << rdc::modelJsonSchema();
    return 0;
  }
  return rdc::runWithinMemoryBudget(maxMemory, options.jsonDiagnostics,
                                    [&] { return rdc::lint::run(options, rdc::Catalog::standard()); });
}
