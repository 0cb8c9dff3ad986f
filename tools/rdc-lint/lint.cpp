#include "tools/rdc-lint/lint.h"

#include <algorithm>
#include <functional>
#include <iostream>
#include <set>

#include "ir/io/ir_io.h"
#include "ir/tool/load.h"
#include "ir/tool/tool_io.h"

namespace rdc::lint {

std::string Stats::format() const {
  return "components: " + std::to_string(components) + " (" + std::to_string(usedComponents) + " used)" +
         (stdUsed ? "; std components used: " + std::to_string(stdUsed) : "") +
         "\nbase instances: " + std::to_string(baseInstances) + "\nscalar lines: " + std::to_string(scalarLines) +
         "\nwires: " + std::to_string(wires) + "\ndomains: " + std::to_string(domains) +
         (domains < modelDomains ? " (of the model's " + std::to_string(modelDomains) + ")" : "") +
         "\ninputs: " + std::to_string(inputs) + "\noutputs: " + std::to_string(outputs) + "\n" +
         (onDemandIterations ? "scalar lines in all: " +
                                   (scalarLinesInAll == UINT64_MAX ? "more than " + std::to_string(UINT64_MAX - 1)
                                                                   : std::to_string(scalarLinesInAll)) +
                                   " (an on-demand box of " + std::to_string(onDemandIterations) + " iterations)\n"
                             : "");
}

Stats computeStats(const Model& model, const Graph& graph) {
  // A component is used if the system reaches it through instances.
  std::set<const ComponentDef*> used;
  std::function<void(const std::vector<Item>&)> visit = [&](const std::vector<Item>& items) {
    for (const Item& item : items) {
      if (item.kind == Item::Kind::For) visit(item.body);
      if (item.kind != Item::Kind::Instance) continue;
      const ComponentDef* def = model.findComponent(item.component);
      if (def && used.insert(def).second) visit(def->body);
    }
  };
  visit(model.system.body);
  Stats s;
  for (const ComponentDef& def : model.components) s.components += !def.fromStd;
  for (const ComponentDef* def : used) (def->fromStd ? s.stdUsed : s.usedComponents) += 1;
  s.baseInstances = graph.instances.size();
  s.scalarLines = graph.lines.size();
  s.wires = graph.wireCount();
  std::vector<bool> held(graph.domains.size());
  for (const auto& line : graph.lines) {
    if (line.domain < held.size()) held[line.domain] = true;
  }
  s.domains = std::count(held.begin(), held.end(), true);
  s.modelDomains = graph.domains.size();
  s.inputs = graph.inputs.size();
  s.outputs = graph.outputs.size();
  if (graph.unbounded && graph.unbounded->bounded()) {  // the window, and iterations 3 to K - 1 as iteration 1
    s.onDemandIterations = graph.unbounded->end;
    uint64_t later = 0;  // (K up to 2^63 iterations of up to 2^32 lines: saturated past 64 bits)
    if (__builtin_mul_overflow(graph.unbounded->end - UnboundedBox::kWindow,
                               static_cast<uint64_t>(graph.unbounded->general().lines), &later) ||
        __builtin_add_overflow(later, graph.lines.size(), &s.scalarLinesInAll))
      s.scalarLinesInAll = UINT64_MAX;
  }
  return s;
}

int run(const Options& options, const Catalog& catalog) {
  DiagnosticSink diags;
  auto finish = [&](int code) {
    printDiagnostics(diags, options.jsonDiagnostics);
    return code;
  };
  auto loaded = loadModelFile(options.input, catalog, {options.defines, options.elab}, diags);
  if (!loaded) return finish(exitCodeFor(diags) == kExitOk ? kExitBadInput : exitCodeFor(diags));
  if (diags.hasErrors()) return finish(exitCodeFor(diags));
  if (options.werror && diags.warningCount() > 0) return finish(kExitNo);
  if (options.stats) std::cout << computeStats(loaded->model, loaded->graph).format() << std::flush;
  std::string target = options.output;
  if (target.empty() && !options.stats && !stdoutIsTerminal()) target = "-";
  auto ir = [&](std::ostream& out) {
    writeIr(*loaded, catalog, diags, out);
    return true;
  };
  if (!target.empty() && !writeOutput(target, ir, diags)) {
    return finish(kExitBadInput);
  }
  return finish(kExitOk);
}

}  // namespace rdc::lint
