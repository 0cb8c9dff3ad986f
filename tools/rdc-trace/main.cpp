// rdc-trace: show, diff, invert, merge and export traces.
#include <CLI/CLI.hpp>

#include "ir/tool/cli_numbers.h"
#include "ir/tool/cli_options.h"
#include "tools/rdc-trace/trace_tool.h"

int main(int argc, char** argv) {
  CLI::App app{"rdc-trace: show, diff, invert, merge and export rdc traces"};
  app.set_version_flag("--version", std::string(rdc::toolVersion()));
  app.require_subcommand(1);
  uint64_t maxMemory = rdc::kDefaultMaxMemory;
  rdc::addMemoryOption(app, maxMemory);
  bool jsonDiagnostics = false;
  rdc::addDiagnosticsOption(app, jsonDiagnostics);
  app.fallthrough();  // --max-memory may follow the subcommand too

  rdc::trace::ShowOptions show;
  auto* showCmd = app.add_subcommand("show", "List a trace's events: time, line, value, how");
  rdc::readsFiles(showCmd->add_option("TRACE", show.trace, "Trace file ('-': standard input)"))
      ->required()
      ->check(rdc::standardInputOnce());
  showCmd->add_option("--line", show.lineGlob, "Only lines whose path matches this glob");
  showCmd->add_option("--from", show.from, "Only events at or after this time")->check(rdc::notEmpty());
  showCmd->add_option("--to", show.to, "Only events at or before this time")->check(rdc::notEmpty());
  auto* showModel =
      rdc::readsFiles(showCmd->add_option("--model", show.model, "The trace's model, to show source positions"))
          ->check(rdc::standardInputOnce());
  rdc::addDefineOption(*showCmd, show.defines)->needs(showModel);
  rdc::addMaxLinesOption(*showCmd, show.elab.maxLines)->needs(showModel);
  showCmd->add_flag("--json", show.json, "Print a JSON array");
  showCmd->add_flag("--partial", show.partial, "Show the readable prefix of a trace whose run was cut short");
  rdc::printsOnStandardOutput("the events", [showCmd] { return showCmd->parsed(); });

  std::string a, b;
  auto* diffCmd = app.add_subcommand("diff", "First divergence of two traces, then every differing line");
  rdc::readsFiles(diffCmd->add_option("A", a, "First trace"))->required()->check(rdc::standardInputOnce());
  rdc::readsFiles(diffCmd->add_option("B", b, "Second trace"))->required()->check(rdc::standardInputOnce());
  rdc::printsOnStandardOutput("the differences", [diffCmd] { return diffCmd->parsed(); });

  rdc::trace::InvertOptions inv;
  auto* invertCmd = app.add_subcommand("invert", "Run a trace backwards and check it recovers the inputs");
  rdc::readsFiles(invertCmd->add_option("MODEL", inv.model, "The model the trace was recorded from"))
      ->required()
      ->check(rdc::standardInputOnce());
  rdc::readsFiles(invertCmd->add_option("TRACE", inv.trace, "The forward trace"))
      ->required()
      ->check(rdc::standardInputOnce());
  rdc::writesFile(invertCmd->add_option("-o", inv.output, "Write the backward trace here"));
  rdc::printsOnStandardOutput("invert's verdict", [invertCmd] { return invertCmd->parsed(); });
  rdc::addDefineOption(*invertCmd, inv.defines);
  rdc::addMaxLinesOption(*invertCmd, inv.elab.maxLines);

  std::vector<std::string> parts;
  std::string mergeOut;
  auto* mergeCmd = app.add_subcommand("merge", "Merge per-process traces into one, ordered deterministically");
  rdc::readsFiles(mergeCmd->add_option("TRACE", parts, "Traces to merge"))->required()->check(rdc::standardInputOnce());
  rdc::writesFile(mergeCmd->add_option("-o", mergeOut, "The merged trace"))->required();

  std::string exportIn, format, exportOut;
  auto* exportCmd = app.add_subcommand("export", "Export a trace as JSON Lines, Chrome trace events or ITF");
  rdc::readsFiles(exportCmd->add_option("TRACE", exportIn, "Trace file"))->required()->check(rdc::standardInputOnce());
  exportCmd->add_option("--format", format, "jsonl, chrome or itf")
      ->required()
      ->check(CLI::IsMember({"jsonl", "chrome", "itf"}));
  auto* exportTo = rdc::writesFile(exportCmd->add_option("-o", exportOut, "Output file (default: standard output)"));
  rdc::printsOnStandardOutput("the export",
                              [exportCmd, exportTo] { return exportCmd->parsed() && !exportTo->count(); });

  RDC_PARSE_CLI(app, argc, argv);
  return rdc::runWithinMemoryBudget(maxMemory, jsonDiagnostics, [&] {
    rdc::Catalog catalog = rdc::Catalog::standard();
    if (*showCmd) return rdc::trace::show(show, catalog);
    if (*diffCmd) return rdc::trace::diff(a, b);
    if (*invertCmd) return rdc::trace::invertTrace(inv, catalog);
    if (*mergeCmd) return rdc::trace::merge(parts, mergeOut);
    return rdc::trace::exportTrace(exportIn, format, exportOut, catalog);
  });
}
