// Sync<k>: each output equals its input; all become available once every
// input is (a barrier). Its own inverse.
// Its reaction is reactions::sync (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {

using namespace rules;

void define_sync(Catalog& c) {
  c.add({.name = "Sync",
         .doc = "each output equals its input; all become available once every input is.",
         .valueParams = {"k"},
         .lines = {computed(bundle(line("l", genericPerElement(), {"l"}), 0))},
         .inverse = "Sync",
         .inverseDoc = "itself.",
         .react = reactions::sync<FireContext>,
         .invert = invertIdentity});
}

}  // namespace rdc
