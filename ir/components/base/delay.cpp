// Delay: d' = d; v' = v, available d after both d and v are.
#include "ir/components/rules.h"

namespace rdc {
namespace {

using namespace rules;

void react(FireContext& ctx, uint32_t i, bool) {
  uint32_t d = ctx.instance(i).firstLine, v = d + 1;
  if (!ctx.inAvailable(d) || !ctx.inAvailable(v)) return;
  if (ctx.outAvailable(v)) return;
  if (std::optional<int64_t> at = ctx.after(i, ctx.inValue(d).i, "delay")) emitOnce(ctx, v, ctx.inValue(v), *at);
}

}  // namespace

void define_delay(Catalog& c) {
  c.add({.name = "Delay",
         .doc = "d' = d; v' = v, available d after both d and v are.",
         .lines = {line("d", fixed(TypeTable::kDuration)), computed(line("v", generic(), {"d"}))},
         .inverse = "Delay",
         .inverseDoc = "Delay backwards in time.",
         .react = react,
         .invert = invertIdentity});
}

}  // namespace rdc
