// Sum and Diff: y' = y + x and y' = y - x (wrapping 64-bit), x passing
// through; each is the other's inverse.
#include "ir/components/rules.h"

namespace rdc {
namespace {

using namespace rules;

template <int Sign>
void react(FireContext& ctx, uint32_t i, bool) {
  uint32_t x = ctx.instance(i).firstLine, y = x + 1;
  if (!ctx.inAvailable(x) || !ctx.inAvailable(y)) return;
  int64_t xv = ctx.inValue(x).i;
  emitOnce(ctx, y, Value::integer(wrapAdd(ctx.inValue(y).i, Sign > 0 ? xv : wrapNeg(xv))), ctx.now());
}

// Diff inverts Sum (y = y' - x') and Sum inverts Diff (y = y' + x').
template <int Sign>
void invert(InverseContext& ctx, uint32_t i) {
  uint32_t x = ctx.instance(i).firstLine, y = x + 1;
  const Value *xo = ctx.out(x), *yo = ctx.out(y);
  if (!xo || !yo) return;
  ctx.recover(y, Value::integer(wrapAdd(yo->i, Sign > 0 ? wrapNeg(xo->i) : xo->i)));
}

std::vector<LineSig> lines() {
  return {line("x", fixed(TypeTable::kInt)), computed(line("y", fixed(TypeTable::kInt), {"x"}))};
}

}  // namespace

void define_sum_diff(Catalog& c) {
  c.add({.name = "Sum",
         .doc = "x' = x; y' = x + y (wrapping 64-bit).",
         .lines = lines(),
         .inverse = "Diff",
         .inverseDoc = "Diff: y' = y - x.",
         .react = react<+1>,
         .invert = invert<+1>});
  c.add({.name = "Diff",
         .doc = "x' = x; y' = y - x (wrapping 64-bit).",
         .lines = lines(),
         .inverse = "Sum",
         .inverseDoc = "Sum: y' = x + y.",
         .react = react<-1>,
         .invert = invert<-1>});
}

}  // namespace rdc
