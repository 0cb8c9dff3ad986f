// Quorum<n, k>: votes pass through as they arrive; a chosen value is the
// first v (in availability order) with k available votes equal to v.
#include "ir/components/rules.h"

namespace rdc {
namespace {

using namespace rules;

// A forced value becomes available once k votes equal it.
void react(FireContext& ctx, uint32_t i, bool) {
  const FlatInstance& inst = ctx.instance(i);
  std::span<const int64_t> args = ctx.args(inst);
  int64_t n = args[0], k = args[1];
  uint32_t votes = inst.firstLine, value = votes + static_cast<uint32_t>(n);
  uint32_t trigger = ctx.trigger();
  bool vote = trigger >= votes && trigger < value;
  // Count the vote that just arrived; only its value can newly reach k.
  auto& tally = ctx.tally(i);
  auto count = [&](const Value& v) -> int64_t& {
    for (auto& entry : tally) {
      if (entry.first == v) return entry.second;
    }
    return tally.emplace_back(v, 0).second;
  };
  if (vote) ++count(ctx.inValue(trigger));
  if (!ctx.toChoose(value)) return;
  // A forced (or bound) value may arrive after its votes: check it then too.
  const Value* forced = ctx.forced(value);
  if (!forced && !vote) return;
  const Value& candidate = forced ? *forced : ctx.inValue(trigger);
  if (count(candidate) >= k) chooseOnce(ctx, value, candidate, ctx.now());
}

}  // namespace

void define_quorum(Catalog& c) {
  LineSig value =
      choosable(line("value", generic()),
                "the first v (in availability order) with at least k available votes equal to v", {}, {"votes"});
  value.forcedRule = "a forced v becomes available once k votes equal it";
  value.choiceCountParam = 1;
  value.choiceCountsEqual = true;
  c.add({.name = "Quorum",
         .doc = "votes' pass through as they arrive; value' = value.",
         .valueParams = {"n", "k"},
         .lines = {bundle(line("votes", generic()), 0), value},
         .inverse = "Quorum",
         .inverseDoc = "identity.",
         .react = react,
         .ignoresItsChoices = true,
         .checkParams = kOfN});
}

}  // namespace rdc
