// Coin<k>: x' = x; a chosen flip is a value drawn uniformly from 0..k-1
// by the run's seeded coins once x arrives: the local coin of randomized
// protocols (Ben-Or). Forcing flip fixes the coin, or makes it a lie.
// Its reaction is reactions::coin (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {
namespace {

using namespace rules;

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
         .react = reactions::coin<FireContext>,
         .invert = invertIdentity,
         .checkParams = atLeastOneSide});
}

}  // namespace rdc
