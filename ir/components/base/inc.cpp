// Inc<k>: x' = x + k (wrapping 64-bit); its inverse is Inc<-k>.
// Its reaction is reactions::inc (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {
namespace {

using namespace rules;

void invert(InverseContext& ctx, uint32_t i) {
  const FlatInstance& inst = ctx.instance(i);
  if (const Value* xo = ctx.out(inst.firstLine)) {
    ctx.recover(inst.firstLine, Value::integer(wrapAdd(xo->i, wrapNeg(ctx.args(inst)[0]))));
  }
}

}  // namespace

void define_inc(Catalog& c) {
  c.add({.name = "Inc",
         .doc = "x' = x + k (wrapping 64-bit).",
         .valueParams = {"k"},
         .lines = {computed(line("x", fixed(TypeTable::kInt)))},
         .inverse = "Inc",
         .inverseDoc = "Inc<-k>.",
         .react = reactions::inc<FireContext>,
         .invert = invert});
}

}  // namespace rdc
