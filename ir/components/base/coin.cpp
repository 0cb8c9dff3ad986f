// Coin<k>: x' = x; a chosen flip is a value drawn uniformly from 0..k-1
// by the run's seeded coins once x arrives: the local coin of randomized
// protocols (Ben-Or). Forcing flip fixes the coin, or makes it a lie.
#include "ir/components/rules.h"

namespace rdc {
namespace {

using namespace rules;

void react(FireContext& ctx, uint32_t i, bool) {
  const FlatInstance& inst = ctx.instance(i);
  uint32_t x = inst.firstLine, flip = x + 1;
  if (!ctx.inAvailable(x) || !ctx.toChoose(flip)) return;
  // Drawn even when forced, so that forcing one coin leaves the others' draws as they were.
  chooseOnce(ctx, flip, Value::integer(ctx.coin(i, ctx.args(inst)[0])), ctx.now());
}

std::optional<ParamProblem> atLeastOneSide(const std::vector<int64_t>& args) {
  if (args[0] >= 1) return std::nullopt;
  return ParamProblem{0, "a coin has k >= 1 sides, got " + std::to_string(args[0])};
}

}  // namespace

void define_coin(Catalog& c) {
  LineSig flip = choosable(line("flip", fixed(TypeTable::kInt)),
                           "drawn uniformly from 0..k-1 by its domain's seeded coins once x arrives; forcing flip "
                           "fixes the coin",
                           {"x"});
  flip.choiceRangeParam = 0;
  c.add({.name = "Coin",
         .doc = "x' = x; flip' = flip, a chosen flip drawn uniformly from 0..k-1 once x arrives.",
         .valueParams = {"k"},
         .lines = {line("x", generic()), flip},
         .inverse = "Coin",
         .inverseDoc = "identity; flip' goes back as the recorded choice.",
         .react = react,
         .invert = invertIdentity,
         .checkParams = atLeastOneSide});
}

}  // namespace rdc
