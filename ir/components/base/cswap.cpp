// CSwap (Fredkin gate): c' = c; t1' = c ? t2 : t1; t2' = c ? t1 : t2. Its
// own inverse. A chosen control says which target arrived first.
// Its reaction is reactions::cswap (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {
namespace {

using namespace rules;

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
         .react = reactions::cswap<FireContext>,
         .decidesAtEndOfInstant = true,
         .invert = invert});
}

}  // namespace rdc
