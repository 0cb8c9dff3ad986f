// Sync<k>: each output equals its input; all become available once every
// input is (a barrier). Its own inverse.
#include "ir/components/rules.h"

namespace rdc {
namespace {

using namespace rules;

void react(FireContext& ctx, uint32_t i, bool) {
  const FlatInstance& inst = ctx.instance(i);
  for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
    if (!ctx.inAvailable(l)) return;
  }
  for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l)
    emitOnce(ctx, l, ctx.inValue(l), ctx.now());
}

}  // namespace

void define_sync(Catalog& c) {
  c.add({.name = "Sync",
         .doc = "each output equals its input; all become available once every input is.",
         .valueParams = {"k"},
         .lines = {computed(bundle(line("l", genericPerElement(), {"l"}), 0))},
         .inverse = "Sync",
         .inverseDoc = "itself.",
         .react = react,
         .invert = invertIdentity});
}

}  // namespace rdc
