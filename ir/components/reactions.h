// The forward semantics of the standard base components: how each reacts
// to its inputs, written once as templates over the context it asks.
//
// The catalog (base/*.cpp) holds each instantiated for FireContext, which
// any engine can call. An engine whose context is a final class calls them
// instantiated for that class instead (typedReaction): the questions a
// reaction asks on every event (is this input available, its value, is
// this line still to choose) are then inline reads, not virtual calls. A
// component a user adds (Catalog::add) reacts through FireContext.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "ir/components/rules.h"

namespace rdc::reactions {

using rules::chooseOnce;
using rules::emitOnce;

/// A reaction called on context type Ctx (ReactFn is ReactOf<FireContext>).
template <class Ctx>
using ReactOf = void (*)(Ctx& ctx, uint32_t instance, bool endOfInstant);

/// Def, Send: the instance's second line, bound to `choose`, copies its
/// first when it arrives.
template <class Ctx>
void copyFirstLine(Ctx& ctx, uint32_t i, bool) {
  uint32_t x = ctx.instance(i).firstLine, y = x + 1;
  if (ctx.inAvailable(x)) chooseOnce(ctx, y, ctx.inValue(x), ctx.now());
}

/// Coin<k>: a chosen flip is drawn from 0..k-1 by the domain's coins once
/// x arrives; drawn even when forced, so that forcing one coin leaves the
/// others' draws as they were.
template <class Ctx>
void coin(Ctx& ctx, uint32_t i, bool) {
  const FlatInstance& inst = ctx.instance(i);
  uint32_t x = inst.firstLine, flip = x + 1;
  if (!ctx.inAvailable(x) || !ctx.toChoose(flip)) return;
  chooseOnce(ctx, flip, Value::integer(ctx.coin(i, ctx.args(inst)[0])), ctx.now());
}

/// CSwap: a chosen control is decided at the end of the instant in which
/// the first of t1, t2 arrives: false if t1 is available (ties choose
/// false); t1' = c ? t2 : t1, t2' = c ? t1 : t2.
template <class Ctx>
void cswap(Ctx& ctx, uint32_t i, bool endOfInstant) {
  uint32_t c = ctx.instance(i).firstLine, t1 = c + 1, t2 = c + 2;
  if (ctx.toChoose(c) && (ctx.inAvailable(t1) || ctx.inAvailable(t2))) {
    if (!endOfInstant) {
      ctx.decideAtEndOfInstant(i);
    } else {
      chooseOnce(ctx, c, Value::boolean(!ctx.inAvailable(t1)), ctx.now());
    }
  }
  if (!ctx.inAvailable(c)) return;
  bool swap = ctx.inValue(c).i != 0;
  uint32_t from1 = swap ? t2 : t1, from2 = swap ? t1 : t2;
  if (ctx.inAvailable(from1)) emitOnce(ctx, t1, ctx.inValue(from1), ctx.now());
  if (ctx.inAvailable(from2)) emitOnce(ctx, t2, ctx.inValue(from2), ctx.now());
}

/// Delay: v' = v, available d after both d and v are.
template <class Ctx>
void delay(Ctx& ctx, uint32_t i, bool) {
  uint32_t d = ctx.instance(i).firstLine, v = d + 1;
  if (!ctx.inAvailable(d) || !ctx.inAvailable(v)) return;
  if (ctx.outAvailable(v)) return;
  if (std::optional<int64_t> at = ctx.after(i, ctx.inValue(d).i, "delay")) emitOnce(ctx, v, ctx.inValue(v), *at);
}

/// Fn, Filter: a chosen r is the expression of the arguments once all have
/// arrived, and for a Filter only if its condition holds then (else r is
/// never available); a forced r is released then whatever the condition.
template <class Ctx>
void fn(Ctx& ctx, uint32_t i, bool) {
  const FlatInstance& inst = ctx.instance(i);
  const FnBody& body = ctx.fnBody(inst);
  uint32_t r = inst.firstLine + static_cast<uint32_t>(body.args.size());
  if (!ctx.toChoose(r)) return;
  for (uint32_t a = 0; a < body.args.size(); ++a) {
    if (!ctx.inAvailable(inst.firstLine + a)) return;
  }
  if (ctx.forced(r)) {
    chooseOnce(ctx, r, Value::unit(), ctx.now());
    return;
  }
  auto names = rules::fnNames(body, inst.firstLine, [&](uint32_t l) { return ctx.inValue(l); });
  int64_t domain = ctx.domainOf(r);  // sign(v) signs with it
  ExprError error;
  if (body.when) {
    auto holds = evalExpr(*body.when, names, &error, nullptr, domain);
    if (!holds) {
      ctx.fail(i, "Filter condition failed: " + error.message);
      return;
    }
    if (!holds->i) {  // filtered out: r is never available
      ctx.never(r);
      return;
    }
  }
  auto v = evalExpr(*body.expr, names, &error, nullptr, domain);
  if (!v) {
    ctx.fail(i, (body.when ? "Filter expression failed: " : "Fn expression failed: ") + error.message);
    return;
  }
  chooseOnce(ctx, r, std::move(*v), ctx.now());
}

/// Inc<k>: x' = x + k (wrapping).
template <class Ctx>
void inc(Ctx& ctx, uint32_t i, bool) {
  const FlatInstance& inst = ctx.instance(i);
  uint32_t x = inst.firstLine;
  if (ctx.inAvailable(x))
    emitOnce(ctx, x, Value::integer(rules::wrapAdd(ctx.inValue(x).i, ctx.args(inst)[0])), ctx.now());
}

/// Link: a chosen rcv is snd, available after the network delay; a lost
/// message leaves rcv never available (snd' still records what was sent).
template <class Ctx>
void link(Ctx& ctx, uint32_t i, bool) {
  uint32_t snd = ctx.instance(i).firstLine, rcv = snd + 1;
  if (!ctx.inAvailable(snd) || !ctx.toChoose(rcv)) return;
  int64_t delay = ctx.linkDelay(i);
  if (delay == FireContext::kLostMessage) return ctx.never(rcv);
  if (std::optional<int64_t> at = ctx.after(i, delay, "network delay")) {
    chooseOnce(ctx, rcv, ctx.inValue(snd), *at);
  }
}

/// Mailbox<n, k>: decided at the end of the instant in which the k-th
/// message arrives (a forced got is released then too): the k earliest,
/// ties by lowest index, as a map from sender index to message.
template <class Ctx>
void mailbox(Ctx& ctx, uint32_t i, bool endOfInstant) {
  const FlatInstance& inst = ctx.instance(i);
  std::span<const int64_t> args = ctx.args(inst);
  int64_t n = args[0], k = args[1];
  uint32_t msgs = inst.firstLine, got = msgs + static_cast<uint32_t>(n);
  if (!ctx.toChoose(got)) return;
  int64_t count = 0;
  for (uint32_t s = 0; s < n; ++s) count += ctx.inAvailable(msgs + s);
  if (count < k) return;
  if (!endOfInstant) {
    ctx.decideAtEndOfInstant(i);
    return;
  }
  if (ctx.forced(got)) {
    chooseOnce(ctx, got, Value::unit(), ctx.now());
    return;
  }
  std::vector<std::pair<int64_t, uint32_t>> arrived;  // (time, sender)
  for (uint32_t s = 0; s < n; ++s) {
    if (ctx.inAvailable(msgs + s)) arrived.emplace_back(ctx.inTime(msgs + s), s);
  }
  std::sort(arrived.begin(), arrived.end());
  std::vector<std::pair<Value, Value>> entries;
  for (int64_t m = 0; m < k; ++m) {
    uint32_t sender = arrived[m].second;
    entries.emplace_back(Value::integer(sender), ctx.inValue(msgs + sender));
  }
  Value messages = *Value::map(std::move(entries));
  if (messages.parts() > kMaxValueParts) {
    ctx.fail(i, "the map of the first " + std::to_string(k) + " messages would have more than " +
                    std::to_string(kMaxValueParts) + " parts");
    return;
  }
  chooseOnce(ctx, got, std::move(messages), ctx.now());
}

/// Quorum<n, k>: a chosen value is the first v (in availability order) with
/// k available votes equal to v; a forced value becomes available once k
/// votes equal it. Only the vote that just arrived can newly reach k, so it
/// alone is counted (FireContext::tally), never a rescan of the votes.
template <class Ctx>
void quorum(Ctx& ctx, uint32_t i, bool) {
  const FlatInstance& inst = ctx.instance(i);
  std::span<const int64_t> args = ctx.args(inst);
  int64_t n = args[0], k = args[1];
  uint32_t votes = inst.firstLine, value = votes + static_cast<uint32_t>(n);
  uint32_t trigger = ctx.trigger();
  bool vote = trigger >= votes && trigger < value;
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

/// Select<n>: a chosen choice is the earliest available option (ties:
/// lowest index), decided at the end of the instant; chosen =
/// options[choice] (an out-of-range choice selects nothing).
template <class Ctx>
void select(Ctx& ctx, uint32_t i, bool endOfInstant) {
  const FlatInstance& inst = ctx.instance(i);
  int64_t n = ctx.args(inst)[0];
  uint32_t choice = inst.firstLine, options = choice + 1, chosen = options + static_cast<uint32_t>(n);
  if (ctx.toChoose(choice)) {
    int64_t first = -1;
    for (int64_t k = 0; k < n && first < 0; ++k) {
      if (ctx.inAvailable(options + k)) first = k;
    }
    if (first >= 0) {
      if (!endOfInstant)
        ctx.decideAtEndOfInstant(i);
      else
        chooseOnce(ctx, choice, Value::integer(first), ctx.now());
    }
  }
  if (!ctx.inAvailable(choice) || ctx.inValue(choice).kind != Value::Kind::Int) return;
  int64_t k = ctx.inValue(choice).i;
  if (k < 0 || k >= n || !ctx.inAvailable(options + k)) return;
  chooseOnce(ctx, chosen, ctx.inValue(options + k), ctx.now());
}

/// Sum (Sign +1) and Diff (-1): y' = y + x and y' = y - x (wrapping), once
/// both are available.
template <int Sign, class Ctx>
void sumDiff(Ctx& ctx, uint32_t i, bool) {
  uint32_t x = ctx.instance(i).firstLine, y = x + 1;
  if (!ctx.inAvailable(x) || !ctx.inAvailable(y)) return;
  int64_t xv = ctx.inValue(x).i;
  emitOnce(ctx, y, Value::integer(rules::wrapAdd(ctx.inValue(y).i, Sign > 0 ? xv : rules::wrapNeg(xv))), ctx.now());
}

/// Sync<k>: every output, equal to its input, once every input is
/// available. The arrivals are counted (a tally of one entry: the reaction
/// runs once per arrival) rather than the k inputs rescanned at each, which
/// made a wide barrier's k arrivals cost k^2.
template <class Ctx>
void sync(Ctx& ctx, uint32_t i, bool) {
  const FlatInstance& inst = ctx.instance(i);
  auto& arrived = ctx.tally(i);
  if (arrived.empty()) arrived.emplace_back(Value::unit(), 0);
  if (++arrived.front().second < inst.lineCount) return;
  for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l)
    emitOnce(ctx, l, ctx.inValue(l), ctx.now());
}

/// The standard reaction `generic` (what the standard catalog's
/// BaseComponent::react holds) instantiated for Ctx, a final class derived
/// from FireContext; null for any other reaction (a user's component's).
template <class Ctx>
ReactOf<Ctx> typedReaction(ReactFn generic) {
  struct Pair {
    ReactFn generic;
    ReactOf<Ctx> typed;
  };
  static constexpr Pair kStandard[] = {
      {copyFirstLine<FireContext>, copyFirstLine<Ctx>},
      {coin<FireContext>, coin<Ctx>},
      {cswap<FireContext>, cswap<Ctx>},
      {delay<FireContext>, delay<Ctx>},
      {fn<FireContext>, fn<Ctx>},
      {inc<FireContext>, inc<Ctx>},
      {link<FireContext>, link<Ctx>},
      {mailbox<FireContext>, mailbox<Ctx>},
      {quorum<FireContext>, quorum<Ctx>},
      {select<FireContext>, select<Ctx>},
      {sumDiff<+1, FireContext>, sumDiff<+1, Ctx>},
      {sumDiff<-1, FireContext>, sumDiff<-1, Ctx>},
      {sync<FireContext>, sync<Ctx>},
  };
  for (const Pair& p : kStandard) {
    if (p.generic == generic) return p.typed;
  }
  return nullptr;
}

}  // namespace rdc::reactions
