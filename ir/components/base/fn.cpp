// Fn: a chosen r is an expression of the instance's own argument lines
// (named by each instance, any number); the inverse checks r' = expr(args).
// Filter (base/filter.cpp) is an Fn with a condition, and shares this code.
// Its reaction is reactions::fn (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {

namespace rules {

// The arguments pass through (identity); a chosen r' must be what the rule
// gives: the expression, and for a Filter a condition that held.
void invertFn(InverseContext& ctx, uint32_t i) {
  const FlatInstance& inst = ctx.instance(i);
  const FnBody& body = ctx.fnBody(inst);
  uint32_t r = inst.firstLine + static_cast<uint32_t>(body.args.size());
  const Value* result = ctx.out(r);
  if (!result || ctx.wasForced(r)) return;
  for (uint32_t a = 0; a < body.args.size(); ++a) {
    if (!ctx.in(inst.firstLine + a)) return;
  }
  auto names = fnNames(body, inst.firstLine, [&](uint32_t l) { return *ctx.in(l); });
  int64_t domain = ctx.domainOf(r);
  ExprError error;
  if (body.when) {
    auto holds = evalExpr(*body.when, names, &error, nullptr, domain);
    if (holds && !holds->i) ctx.mismatch(r, "r' is " + result->brief() + " but the condition is false");
  }
  auto v = evalExpr(*body.expr, names, &error, nullptr, domain);
  if (v && *v != *result) {
    ctx.mismatch(r, "r' is " + result->brief() + " but the expression of the arguments is " + v->brief());
  }
}

}  // namespace rules

void define_fn(Catalog& c) {
  c.add(
      {.name = "Fn",
       .doc = "ai' = ai; r' = r; a chosen r is expr(a1..ak).",
       .lines = {rules::choosable(rules::line("r", rules::generic()), "expr applied to the argument lines", {"*args"})},
       .variadicArgs = true,
       .inverse = "Fn",
       .inverseDoc = "identity; checks r' = expr(args).",
       .react = reactions::fn<FireContext>,
       .ignoresItsChoices = true,
       .invert = rules::invertFn});
}

}  // namespace rdc
