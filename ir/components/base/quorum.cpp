// Quorum<n, k>: votes pass through as they arrive; a chosen value is the
// first v (in availability order) with k available votes equal to v.
// Its reaction is reactions::quorum (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {

using namespace rules;

void define_quorum(Catalog& c) {
  LineSig value =
      choosable(line("value", generic()),
                "the first v (in availability order) with at least k available votes equal to v", {}, {"votes"});
  value.forcedRule = "a forced v becomes available once k votes equal it";
  value.choiceCountParam = 1;
  value.choiceCountsEqual = true;
  c.add({.name = "Quorum",
         .doc = "votes' pass through as they arrive; value' = value.",
         .valueParams = {"n", "k"},
         .lines = {bundle(line("votes", generic()), 0), value},
         .inverse = "Quorum",
         .inverseDoc = "identity.",
         .react = reactions::quorum<FireContext>,
         .ignoresItsChoices = true,
         .checkParams = kOfN});
}

}  // namespace rdc
