// Filter: an Fn whose result passes only when a condition of the arguments
// holds; otherwise r is never available. The semantics are Fn's (fn.cpp).
// Its reaction is reactions::fn (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {

void define_filter(Catalog& c) {
  using namespace rules;
  c.add({.name = "Filter",
         .doc = "ai' = ai; r' = r; a chosen r is expr(a1..ak) if when(a1..ak) holds, else never available.",
         .lines = {choosable(line("r", generic()),
                             "expr applied to the argument lines (the one argument if no expr) when the "
                             "condition holds; never otherwise",
                             {"*args"})},
         .variadicArgs = true,
         .guarded = true,
         .inverse = "Filter",
         .inverseDoc = "identity; checks that when(args) held and r' = expr(args).",
         .react = reactions::fn<FireContext>,
         .ignoresItsChoices = true,
         .invert = invertFn});
}

}  // namespace rdc
