#include "ir/tool/load.h"

#include <algorithm>
#include <charconv>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "ir/graph/project.h"
#include "ir/io/ir_io.h"
#include "ir/lint/lint_passes.h"
#include "ir/model/frontend.h"
#include "ir/model/syntax.h"
#include "ir/tool/tool_io.h"

namespace rdc {

std::optional<LoadedModel> loadModelFile(const std::string& path, const Catalog& catalog, const LoadOptions& options,
                                         DiagnosticSink& diags) {
  auto bytes = readInput(path, diags);
  if (!bytes) return std::nullopt;
  return loadModel(*bytes, displayName(path), catalog, options, diags);
}

namespace {

// A parameter's value as a trace records it: a decimal Int.
std::optional<int64_t> decimal(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Elaboration and the lint passes free their working memory (nets, hints,
// the wait graph: tens of MB for a large model) before a tool builds what
// it needs next (the engine's tables, an IR message). glibc keeps freed
// heap memory below a trim threshold that it raises after large frees, so
// that memory stays resident and adds to the next phase's peak unless it
// is handed back.
void returnFreedMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

std::optional<LoadedModel> elaborateModel(std::string_view bytes, const std::string& fileName, const Catalog& catalog,
                                          const LoadOptions& options, DiagnosticSink& diags) {
  std::optional<Model> model;
  std::vector<std::string> projection;
  if (looksLikeIr(bytes)) {
    auto loaded = readIr(bytes, fileName, catalog, diags);
    if (!loaded || (options.defines.empty() && !options.elab.unrollIterations)) return loaded;
    // -D on IR, or an unbounded box to unroll: re-elaborate the stored model (and re-project it).
    model = std::move(loaded->model);
    projection = std::move(loaded->projection);
  } else if (bytes.size() > memoryBudget(options.elab) / kYamlBytesPerByte) {
    BudgetWords budget = memoryBudgetWords(memoryBudget(options.elab));
    diags.error("memory-limit", {diags.addFile(fileName), 0, 0},
                "a YAML model of " + memoryText(bytes.size()) + " takes more than " + budget.name +
                    " once read (about " + std::to_string(kYamlBytesPerByte) + " bytes per byte; " + budget.raise +
                    ")");
    return std::nullopt;
  } else {
    model = parseModelYaml(bytes, fileName, diags);
  }
  if (!model || diags.hasErrors()) return std::nullopt;
  if (options.recorded) {
    for (const auto& [name, text] : *options.recorded) {
      auto value = decimal(text);
      if (value && *value >= 0) continue;
      diags.error("trace-malformed", {},
                  "--replay: the trace's header records parameter '" + name + "' as '" + text + "', which is not " +
                      (value ? "a parameter's value (they are not negative)"
                             : "a whole number (a run records each parameter's value)"));
      return std::nullopt;
    }
  }
  auto defines =
      options.recorded && options.defines.empty() ? recordedDefines(*options.recorded, *model) : options.defines;
  for (const auto& [name, value] : defines) {
    if (!overrideParam(*model, name, value, diags)) return std::nullopt;
  }
  auto graph = elaborate(*model, catalog, options.elab, diags);
  if (!graph) return std::nullopt;
  LoadedModel loaded{std::move(*model), std::move(*graph), {}};
  if (!projection.empty()) return projectOnto(loaded, catalog, projection, diags);
  return loaded;
}

}  // namespace

std::optional<LoadedModel> loadModel(std::string_view bytes, const std::string& fileName, const Catalog& catalog,
                                     const LoadOptions& options, DiagnosticSink& diags) {
  auto loaded = elaborateModel(bytes, fileName, catalog, options, diags);
  // A box unrolled to a trace's iterations is the same model, which its
  // tool has loaded (and linted) as its window first; linting the unrolled
  // graph would count a check over the box's iterations, evaluated once per
  // iteration, as the whole box at once (check-limit).
  if (!loaded || !options.lint || options.elab.unrollIterations) return loaded;
  size_t errors = diags.errorCount();
  for (const LintPass& pass : standardLintPasses()) pass.run(loaded->model, loaded->graph, catalog, diags);
  if (diags.errorCount() > errors) return std::nullopt;
  returnFreedMemory();
  return loaded;
}

std::vector<std::pair<std::string, std::string>> recordedDefines(const NamedTexts& recorded, const Model& model) {
  std::vector<std::pair<std::string, std::string>> defines;
  std::vector<std::pair<std::string_view, int64_t>> values;  // the model's parameters so far, as the trace has them
  auto lookup = [&values](std::string_view name) -> std::optional<Value> {
    for (auto it = values.rbegin(); it != values.rend(); ++it)
      if (it->first == name) return Value::integer(it->second);
    return std::nullopt;
  };
  for (const ParamDecl& p : model.params) {
    std::optional<int64_t> derived;
    if (p.value) derived = evalInt(*p.value->expr, lookup, nullptr);
    auto at = std::find_if(recorded.begin(), recorded.end(), [&](const auto& r) { return r.first == p.name; });
    auto was = at == recorded.end() ? std::nullopt : decimal(at->second);
    if (was && derived != was) defines.emplace_back(p.name, at->second);
    if (auto value = was ? was : derived) values.emplace_back(p.name, *value);
  }
  return defines;
}

std::optional<std::string> undeclaredParams(const TraceHeader& header, const Model& model) {
  std::string unknown;
  for (const auto& [name, text] : header.params) {
    bool declared =
        std::any_of(model.params.begin(), model.params.end(), [&](const ParamDecl& p) { return p.name == name; });
    if (!declared) unknown += (unknown.empty() ? "'" : ", '") + name + "'";
  }
  if (unknown.empty()) return std::nullopt;
  return unknown;
}

std::string traceModelMismatch(const TraceHeader& header, const LoadedModel& model) {
  const std::string why = "the trace was not recorded from this model (";
  if (header.modelName != model.model.name)
    return why + "it is a trace of model '" + header.modelName + "', and this is '" + model.model.name + "')";
  if (header.wholeModelHash && model.projection.empty())
    return why +
           "it is a trace of a projection, a node's run: give that projection's IR, or merge every node's "
           "trace with rdc-trace merge into a trace of the whole model)";
  std::string recorded, current;
  for (const auto& [name, text] : recordedDefines(header.params, model.model)) {
    auto value = std::find_if(model.graph.params.begin(), model.graph.params.end(),
                              [&](const auto& p) { return p.first == name; });
    if (value == model.graph.params.end()) continue;
    recorded += (recorded.empty() ? "-D " : " -D ") + name + "=" + text;
    current += (current.empty() ? "" : ", ") + name + "=" + std::to_string(value->second);
  }
  if (auto unknown = undeclaredParams(header, model.model))
    return why + "its model hash differs; it records parameters this model does not declare: " + *unknown + ")";
  return why + "its model hash differs; " +
         (recorded.empty() ? std::string("the parameters are the recorded ones, so the model's text differs from "
                                         "the one the run had")
                           : "it was recorded with " + recorded + ", and this model has " + current) +
         ")";
}

}  // namespace rdc
