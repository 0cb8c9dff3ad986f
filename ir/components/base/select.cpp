// Select<n>: choice' and options' pass through; chosen' = options[choice].
// A chosen choice is the earliest available option.
// Its reaction is reactions::select (ir/components/reactions.h).
#include "ir/components/reactions.h"

namespace rdc {
namespace {

using namespace rules;

// Identity; gives back the chosen option when chosen was chosen by the
// rule, and checks chosen' = options'[choice'].
void invert(InverseContext& ctx, uint32_t i) {
  const FlatInstance& inst = ctx.instance(i);
  int64_t n = ctx.args(inst)[0];
  uint32_t choice = inst.firstLine, chosen = choice + 1 + static_cast<uint32_t>(n);
  const Value *k = ctx.in(choice), *value = ctx.out(chosen);
  if (!k || !value || k->i < 0 || k->i >= n) return;
  if (ctx.wasChosen(chosen)) ctx.recover(choice + 1 + static_cast<uint32_t>(k->i), *value);
  const Value* option = ctx.in(choice + 1 + static_cast<uint32_t>(k->i));
  if (option && *option != *value && !ctx.wasForced(chosen)) {
    ctx.mismatch(chosen,
                 "chosen' is " + value->brief() + " but options[" + std::to_string(k->i) + "] is " + option->brief());
  }
}

}  // namespace

void define_select(Catalog& c) {
  LineSig choice = choosable(line("choice", fixed(TypeTable::kInt)),
                             "the index of the earliest available option (ties: lowest index)", {}, {"options"});
  choice.picks = "options";
  LineSig chosen = choosable(line("chosen", generic()), "options[choice]", {"choice"}, {"choice", "options"});
  chosen.choiceIndexedBy = "choice";
  c.add({.name = "Select",
         .doc = "choice' and options' pass through; chosen' = options[choice].",
         .valueParams = {"n"},
         .lines = {choice, bundle(line("options", generic()), 0), chosen},
         .inverse = "Select",
         .inverseDoc = "identity.",
         .react = reactions::select<FireContext>,
         .decidesAtEndOfInstant = true,
         .invert = invert});
}

}  // namespace rdc
