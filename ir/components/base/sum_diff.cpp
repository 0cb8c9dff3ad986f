// Sum and Diff: y' = y + x and y' = y - x (wrapping 64-bit), x passing
// through; each is the other's inverse.
// Its reaction is reactions::sumDiff (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {
namespace {

using namespace rules;

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
         .react = reactions::sumDiff<+1, FireContext>,
         .invert = invert<+1>});
  c.add({.name = "Diff",
         .doc = "x' = x; y' = y - x (wrapping 64-bit).",
         .lines = lines(),
         .inverse = "Sum",
         .inverseDoc = "Sum: y' = x + y.",
         .react = reactions::sumDiff<-1, FireContext>,
         .invert = invert<-1>});
}

}  // namespace rdc
