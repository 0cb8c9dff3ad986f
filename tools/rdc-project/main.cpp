// rdc-project: projects a model onto domains, cutting Links into gateways.
#include <CLI/CLI.hpp>

#include "ir/tool/cli_numbers.h"
#include "ir/tool/cli_options.h"
#include "tools/rdc-project/project_tool.h"

int main(int argc, char** argv) {
  rdc::project::Options o;
  CLI::App app{"rdc-project: project a model onto some of its domains"};
  rdc::addCommonOptions(app, o.model, o.defines, o.jsonDiagnostics);
  app.add_option("--domain", o.domains, "Keep this domain (repeatable)");
  auto* output =
      rdc::writesFile(app.add_option("-o", o.output, "The projection's IR (default: stdout when not a terminal)"));
  auto* all = app.add_flag("--all", o.all, "Write one projection per domain into -O DIR");
  app.add_option("-O", o.directory, "Directory for --all (files DOMAIN.ir)")->needs(all);
  auto* list = app.add_flag("--list", o.list, "Print the model's domains");
  output->excludes(all)->excludes(list);  // (they write no one projection: -o would be ignored)
  rdc::printsOnStandardOutput("the projection", [output, all] { return output->count() == 0 && all->count() == 0; });
  rdc::addMaxLinesOption(app, o.elab.maxLines);
  uint64_t maxMemory = rdc::kDefaultMaxMemory;
  rdc::addMemoryOption(app, maxMemory);
  RDC_PARSE_CLI(app, argc, argv);
  return rdc::runWithinMemoryBudget(maxMemory, o.jsonDiagnostics,
                                    [&] { return rdc::project::run(o, rdc::Catalog::standard()); });
}
