// Inc<k>: x' = x + k (wrapping 64-bit); its inverse is Inc<-k>.
#include "ir/components/rules.h"

namespace rdc {
namespace {

using namespace rules;

void react(FireContext& ctx, uint32_t i, bool) {
  const FlatInstance& inst = ctx.instance(i);
  uint32_t x = inst.firstLine;
  if (ctx.inAvailable(x)) emitOnce(ctx, x, Value::integer(wrapAdd(ctx.inValue(x).i, ctx.args(inst)[0])), ctx.now());
}

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
         .react = react,
         .invert = invert});
}

}  // namespace rdc
