// Def: x' = x; y' = y; a chosen y copies x (forcing y models a lie).
// Its reaction is reactions::copyFirstLine (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {

using namespace rules;

void define_def(Catalog& c) {
  c.add({.name = "Def",
         .doc = "x' = x; y' = y; a chosen y copies x.",
         .lines = {line("x", generic()), choosable(line("y", generic()), "equal to x; forcing y models a lie", {"x"})},
         .inverse = "Def",
         .inverseDoc = "identity; y' goes back to the source as the recorded choice.",
         .react = reactions::copyFirstLine<FireContext>,
         .ignoresItsChoices = true,
         .invert = invertCopy});
}

}  // namespace rdc
