// Delay: d' = d; v' = v, available d after both d and v are.
// Its reaction is reactions::delay (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {

using namespace rules;

void define_delay(Catalog& c) {
  c.add({.name = "Delay",
         .doc = "d' = d; v' = v, available d after both d and v are.",
         .lines = {line("d", fixed(TypeTable::kDuration)), computed(line("v", generic(), {"d"}))},
         .inverse = "Delay",
         .inverseDoc = "Delay backwards in time.",
         .react = reactions::delay<FireContext>,
         .invert = invertIdentity});
}

}  // namespace rdc
