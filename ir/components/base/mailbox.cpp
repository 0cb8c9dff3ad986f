// Mailbox<n, k>: messages pass through as they arrive; a chosen got is the
// first k of them to arrive, whatever their values, as a map from sender
// index to message: the basic unit of round-based protocols ("wait for
// n - f messages of this round").
// Its reaction is reactions::mailbox (ir/components/reactions.h).
#include <algorithm>

#include "ir/components/reactions.h"

namespace rdc {
namespace {

using namespace rules;

// Identity; a got the rule chose gives back each message it holds, and must
// hold k messages of senders in 0..n-1 equal to what they sent.
void invert(InverseContext& ctx, uint32_t i) {
  const FlatInstance& inst = ctx.instance(i);
  std::span<const int64_t> args = ctx.args(inst);
  int64_t n = args[0], k = args[1];
  uint32_t msgs = inst.firstLine, got = msgs + static_cast<uint32_t>(n);
  const Value* map = ctx.out(got);
  if (!map || !ctx.wasChosen(got) || ctx.wasForced(got)) return;
  if (map->kind != Value::Kind::Map || static_cast<int64_t>(map->entries()) != k) {
    ctx.mismatch(got, "got' is " + map->brief() + ", not a map of " + std::to_string(k) + " messages");
    return;
  }
  for (size_t e = 0; e < map->entries(); ++e) {
    const Value& sender = map->key(e);
    if (sender.kind != Value::Kind::Int || sender.i < 0 || sender.i >= n) {
      ctx.mismatch(got, "got' names sender " + sender.brief() + ", not one of 0.." + std::to_string(n - 1));
      return;
    }
    uint32_t line = msgs + static_cast<uint32_t>(sender.i);
    const Value* sent = ctx.in(line);
    if (sent && *sent != map->mapped(e)) {
      ctx.mismatch(got, "got' holds " + map->mapped(e).brief() + " from sender " + sender.brief() + ", which sent " +
                            sent->brief());
    } else if (!sent) {
      ctx.recover(line, map->mapped(e));
    }
  }
}

}  // namespace

void define_mailbox(Catalog& c) {
  LineSig got = choosable(line("got", mapOfGeneric()),
                          "the first k messages to arrive (ties in an instant: lowest sender index), as a map "
                          "from sender index to message, decided at the end of the instant the k-th arrives",
                          {}, {"msgs"});
  got.choiceCountParam = 1;
  c.add({.name = "Mailbox",
         .doc = "msgs' pass through as they arrive; got' = got.",
         .valueParams = {"n", "k"},
         .lines = {bundle(line("msgs", generic()), 0), got},
         .inverse = "Mailbox",
         .inverseDoc = "identity; a chosen got gives back the messages it holds.",
         .react = reactions::mailbox<FireContext>,
         .readsArrivalTimes = true,  // msgs pass through in the order they arrived
         .decidesAtEndOfInstant = true,
         .invert = invert,
         .checkParams = kOfN});
}

}  // namespace rdc
