// rdc-dot: draws a model in the sketch's notation with Graphviz.
#include <CLI/CLI.hpp>
#include <map>

#include "ir/tool/cli_numbers.h"
#include "ir/tool/cli_options.h"
#include "tools/rdc-dot/dot.h"

int main(int argc, char** argv) {
  rdc::dot::Options o;
  CLI::App app{"rdc-dot: draw a model's components as Graphviz diagrams"};
  rdc::addCommonOptions(app, o.model, o.defines, o.jsonDiagnostics);
  auto* output = rdc::writesFile(app.add_option("-o", o.output, "Output file (default: standard output)"));
  rdc::printsOnStandardOutput("the drawing", [output] { return output->count() == 0; });
  app.add_option("-T", o.format, "Format: dot (default), or svg, png, pdf rendered with the Graphviz library")
      ->check(CLI::IsMember({"dot", "svg", "png", "pdf"}));
  app.add_option("--component", o.component, "Draw this component's definition (default: the system)");
  app.add_option("--depth", o.depth, "Expand composite instances this many levels (1: none)")
      ->transform(rdc::wholeNumberIn<int>(1, INT_MAX))
      ->capture_default_str();
  app.add_flag("--flat", o.flat, "Draw the elaborated graph of base instances");
  app.add_option("--domain", o.domain, "Only this domain (implies --flat)");
  const std::map<std::string, rdc::dot::Layout> layouts = {
      {"auto", rdc::dot::Layout::Auto}, {"lr", rdc::dot::Layout::LeftToRight}, {"tb", rdc::dot::Layout::TopToBottom}};
  std::string layout = "auto";
  app.add_option("--layout", layout,
                 "Direction: lr (left to right), tb (top to bottom), or auto: tb when lr would be wider than a "
                 "page (A3 landscape)")
      ->check(CLI::IsMember({"auto", "lr", "tb"}))  // (a transformer's message lists its enum's numbers too)
      ->capture_default_str();
  rdc::readsFiles(
      app.add_option("--trace", o.trace, "Colour lines by when they became available in this run (implies --flat)"))
      ->check(rdc::standardInputOnce());
  rdc::addMaxLinesOption(app, o.elab.maxLines);
  uint64_t maxMemory = rdc::kDefaultMaxMemory;
  rdc::addMemoryOption(app, maxMemory);
  RDC_PARSE_CLI(app, argc, argv);
  o.layout = layouts.at(layout);
  return rdc::runWithinMemoryBudget(maxMemory, o.jsonDiagnostics,
                                    [&] { return rdc::dot::run(o, rdc::Catalog::standard()); });
}
