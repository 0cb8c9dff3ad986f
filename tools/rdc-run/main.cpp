// rdc-run: runs a model in the deterministic simulator.
#include <CLI/CLI.hpp>

#include "ir/tool/cli_options.h"
#include "tools/rdc-run/driver/command_line.h"
#include "tools/rdc-run/driver/run.h"

int main(int argc, char** argv) {
  rdc::run::Options o;
  o.argv.assign(argv, argv + argc);
  CLI::App app{"rdc-run: run a model in the deterministic simulator"};
  rdc::run::CommandLine flags(app, o);
  RDC_PARSE_CLI(app, argc, argv);
  flags.finish();
  return rdc::runWithinMemoryBudget(flags.maxMemory, o.jsonDiagnostics,
                                    [&] { return rdc::run::run(o, rdc::Catalog::standard()); });
}
