// Fn: a chosen r is an expression of the instance's own argument lines
// (named by each instance, any number); the inverse checks r' = expr(args).
#include "ir/components/rules.h"

namespace rdc {
namespace {

using namespace rules;

// A chosen r is the expression of the arguments once all have arrived.
void react(FireContext& ctx, uint32_t i, bool) {
  const FlatInstance& inst = ctx.instance(i);
  const FnBody& body = ctx.fnBody(inst);
  uint32_t r = inst.firstLine + static_cast<uint32_t>(body.args.size());
  if (!ctx.toChoose(r)) return;
  for (uint32_t a = 0; a < body.args.size(); ++a) {
    if (!ctx.inAvailable(inst.firstLine + a)) return;
  }
  if (ctx.forced(r)) {
    chooseOnce(ctx, r, Value::unit(), ctx.now());
    return;
  }
  ExprError error;
  auto v = evalExpr(*body.expr, fnNames(body, inst.firstLine, [&](uint32_t l) { return ctx.inValue(l); }), &error);
  if (!v) {
    ctx.fail(i, "Fn expression failed: " + error.message);
    return;
  }
  chooseOnce(ctx, r, std::move(*v), ctx.now());
}

void invert(InverseContext& ctx, uint32_t i) {
  const FlatInstance& inst = ctx.instance(i);
  const FnBody& body = ctx.fnBody(inst);
  uint32_t r = inst.firstLine + static_cast<uint32_t>(body.args.size());
  const Value* result = ctx.out(r);
  if (!result) return;
  for (uint32_t a = 0; a < body.args.size(); ++a) {
    if (!ctx.in(inst.firstLine + a)) return;
  }
  ExprError error;
  auto v = evalExpr(*body.expr, fnNames(body, inst.firstLine, [&](uint32_t l) { return *ctx.in(l); }), &error);
  if (v && *v != *result && !ctx.wasForced(r)) {
    ctx.mismatch(r, "r' is " + result->str() + " but the expression of the arguments is " + v->str());
  }
}

}  // namespace

void define_fn(Catalog& c) {
  c.add({.name = "Fn",
         .doc = "ai' = ai; r' = r; a chosen r is expr(a1..ak).",
         .lines = {choosable(line("r", generic()), "expr applied to the argument lines", {"*args"})},
         .variadicArgs = true,
         .inverse = "Fn",
         .inverseDoc = "identity; checks r' = expr(args).",
         .react = react,
         .invert = invert});
}

}  // namespace rdc
