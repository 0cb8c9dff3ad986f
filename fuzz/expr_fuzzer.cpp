// libFuzzer harness: the expression language. Any bytes as an expression
// must parse or be refused, then type, evaluate and print without a crash,
// a hang or a blow-up; the same text as a model's parameter and check must
// go through elaboration, the lint passes, a run and the check evaluator.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ir/lang/expr.h"
#include "ir/tool/load.h"
#include "tools/rdc-run/engine/checks.h"
#include "tools/rdc-run/engine/engine.h"

namespace {

using namespace rdc;

// The core language alone: names of each kind a check or an Fn meets.
void typeAndEvaluate(const Expr& e) {
  TypeTable types;
  TypeLookup typeOf = [&](std::string_view name) -> std::optional<TypeId> {
    if (name == "n") return TypeTable::kInt;
    if (name == "b") return TypeTable::kBool;
    if (name == "t") return TypeTable::kDuration;
    if (name == "o") return types.opt(TypeTable::kInt);
    if (name == "p") return types.tuple({TypeTable::kInt, TypeTable::kBool});
    return std::nullopt;
  };
  NameLookup valueOf = [](std::string_view name) -> std::optional<Value> {
    if (name == "n") return Value::integer(3);
    if (name == "b") return Value::boolean(true);
    if (name == "t") return Value::duration(5'000'000);
    if (name == "o") return Value::nil();
    if (name == "p") {
      ExprError ignored;
      return parseValue("(7, false)", &ignored);
    }
    return std::nullopt;
  };
  ExprError error;
  (void)typeOfExpr(e, typeOf, types, &error);
  if (auto v = evalExpr(e, valueOf, &error)) (void)parseValue(v->str(), &error);
  (void)freeNames(e);
}

size_t quantifiers(const Expr& e) {  // recursion bounded by kMaxExprDepth
  size_t n = e.kind == Expr::Kind::Quant ? 1 : 0;
  for (const ExprPtr& k : e.kids) n += quantifiers(*k);
  return n;
}

// `text` as a YAML double-quoted scalar: every byte that is not plain ASCII
// escaped, so that the model is well-formed whatever the input.
std::string quoted(std::string_view text) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += std::string("\\x") + hex[c >> 4] + hex[c & 15];
    }
  }
  return out + "\"";
}

// The expression as a parameter (elaboration's integer fast path and the
// evaluator) and as a check (lint passes, then a run and its evaluation).
void asModel(std::string_view text, bool evaluateCheck) {
  std::string yaml = "rdc: 1\nmodel: fuzz\nparams:\n  k: " + quoted(text) +
                     "\nsystem:\n  body:\n    - for: i in 0..min(k, 2)\n      body:\n"
                     "        - Sum add[i]:\n            x: input a[i] as Int -> output a[i]\n"
                     "            y: input b[i] as Int -> output total[i]\n"
                     "checks:\n  c: " +
                     quoted(text) + "\n";
  Catalog catalog = Catalog::standard();
  DiagnosticSink diags;
  LoadOptions options;
  options.elab.maxLines = 1'000;
  auto loaded = loadModel(yaml, "fuzz.rdc.yaml", catalog, options, diags);
  (void)diags.formatText();
  if (!loaded || !evaluateCheck) return;
  const Graph& g = loaded->graph;
  run::RunConfig config;
  config.inputs.assign(g.inputs.size(), std::nullopt);
  config.crashAt.assign(g.domains.size(), INT64_MAX);
  config.byzantine.assign(g.domains.size(), false);
  config.linkLatency.assign(g.instances.size(), run::Latency{});
  run::RunResult result = run::Simulator(g, catalog).run(config);
  std::vector<bool> correct(g.domains.size(), true);
  (void)run::CheckEvaluator(loaded->model, g).evaluate(result, config, correct);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ExprError error;
  ExprPtr e = parseExpr(text, &error);
  if (!e) return 0;
  typeAndEvaluate(*e);
  // Nested quantifiers over wide ranges are slow by design, not a fault of
  // the reader; one quantifier (at most 1,000,000 values) stays fast.
  asModel(text, quantifiers(*e) <= 1);
  return 0;
}
