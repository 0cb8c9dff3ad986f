// CSwap (Fredkin gate): c' = c; t1' = c ? t2 : t1; t2' = c ? t1 : t2. Its
// own inverse. A chosen control says which target arrived first.
#include "ir/components/rules.h"

namespace rdc {
namespace {

using namespace rules;

// A chosen control is decided at the end of the instant in which the first
// of t1, t2 arrives: false if t1 is available (ties choose false).
void react(FireContext& ctx, uint32_t i, bool endOfInstant) {
  uint32_t c = ctx.instance(i).firstLine, t1 = c + 1, t2 = c + 2;
  if (ctx.toChoose(c) && (ctx.inAvailable(t1) || ctx.inAvailable(t2))) {
    if (!endOfInstant) {
      ctx.decideAtEndOfInstant(i);
    } else {
      chooseOnce(ctx, c, Value::boolean(!ctx.inAvailable(t1)), ctx.now());
    }
  }
  if (!ctx.inAvailable(c)) return;
  bool swap = ctx.inValue(c).i != 0;
  uint32_t from1 = swap ? t2 : t1, from2 = swap ? t1 : t2;
  if (ctx.inAvailable(from1)) emitOnce(ctx, t1, ctx.inValue(from1), ctx.now());
  if (ctx.inAvailable(from2)) emitOnce(ctx, t2, ctx.inValue(from2), ctx.now());
}

// With c known, t1 = c ? t2' : t1'.
void invert(InverseContext& ctx, uint32_t i) {
  uint32_t c = ctx.instance(i).firstLine, t1 = c + 1, t2 = c + 2;
  const Value* control = ctx.in(c);
  if (!control) return;
  bool swap = control->i != 0;
  if (const Value* v = ctx.out(swap ? t2 : t1)) ctx.recover(t1, *v);
  if (const Value* v = ctx.out(swap ? t1 : t2)) ctx.recover(t2, *v);
}

}  // namespace

void define_cswap(Catalog& c) {
  c.add({.name = "CSwap",
         .doc = "c' = c; t1' = c ? t2 : t1; t2' = c ? t1 : t2.",
         .lines = {choosable(line("c", fixed(TypeTable::kBool)),
                             "on demand of t1' or t2': false if t1 is available no later than t2, "
                             "else true (ties choose false)",
                             {}, {"t1", "t2"}),
                   picked(computed(line("t1", generic(), {"c"})), "c", "t2"),
                   picked(computed(line("t2", generic(), {"c"})), "c", "t1")},
         .inverse = "CSwap",
         .inverseDoc = "itself.",
         .react = react,
         .decidesAtEndOfInstant = true,
         .invert = invert});
}

}  // namespace rdc
