#include <algorithm>
#include <iostream>

#include "ir/io/trace_lines.h"
#include "ir/tool/load.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-dot/dot.h"

namespace rdc::dot {

int run(const Options& o, const Catalog& catalog) {
  DiagnosticSink diags;
  auto finish = [&](int code) {
    printDiagnostics(diags, o.jsonDiagnostics);
    return code;
  };
  auto model = loadModelFile(o.model, catalog, {o.defines, o.elab}, diags);
  if (!model) return finish(kExitBadInput);
  std::optional<Trace> trace;
  if (!o.trace.empty()) {
    auto traceBytes = readInput(o.trace, diags);
    if (!traceBytes) return finish(kExitBadInput);
    trace = readTrace(*traceBytes, displayName(o.trace), diags);
    if (!trace) return finish(kExitBadInput);
    if (trace->header.modelHash != model->graph.hash(catalog)) {
      diags.error("usage", {}, "--trace: " + traceModelMismatch(trace->header, *model));
      return finish(kExitBadInput);
    }
    if (model->graph.unbounded) {  // drawn as the iterations the run began
      LoadOptions unrolled{o.defines, o.elab};
      unrolled.elab.unrollIterations = tracedIterations(*trace, model->graph);
      model = loadModelFile(o.model, catalog, unrolled, diags);
      if (!model) return finish(kExitBadInput);
    }
    if (!onModelLines(*trace, model->graph, catalog, diags)) return finish(kExitBadInput);
  }
  if (!o.domain.empty() &&
      std::find(model->graph.domains.begin(), model->graph.domains.end(), o.domain) == model->graph.domains.end()) {
    diags.error("usage", {},
                "--domain: no domain '" + o.domain + "'" + didYouMean(o.domain, model->graph.domains) +
                    " (the model's domains: " + nameList(model->graph.domains) + ")");
    return finish(kExitBadInput);
  }
  if (o.depth < 1) {
    diags.error("usage", {}, "--depth must be at least 1");
    return finish(kExitBadInput);
  }
  // A trace or a domain is about the elaborated graph: they imply --flat.
  std::optional<std::string> dot;
  if (o.flat || trace || !o.domain.empty()) {
    if (!o.component.empty()) {
      diags.error("usage", {}, "--component draws a definition; it does not combine with --flat, --trace or --domain");
      return finish(kExitBadInput);
    }
    dot = flatDot(*model, catalog, o.domain, trace ? &*trace : nullptr, o.layout);
  } else {
    dot = componentDot(*model, catalog, o.component, o.depth, o.layout, diags);
  }
  if (!dot) return finish(kExitBadInput);
  std::string out = *dot;
  if (o.format != "dot") {
    auto rendered = render(*dot, o.format, diags);
    if (!rendered) return finish(kExitBadInput);
    out = std::move(*rendered);
  }
  if (!writeOutput(o.output, out, diags)) return finish(kExitBadInput);
  return finish(kExitOk);
}

}  // namespace rdc::dot
