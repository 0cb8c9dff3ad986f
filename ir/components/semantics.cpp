#include "ir/components/semantics.h"

#include <algorithm>
#include <map>

namespace rdc {

namespace {

// Emits `line`'s output once. (Only interacting components react, and
// every output of one whose needs are met becomes available, demanded or
// not.)
void emitOnce(FireContext& ctx, uint32_t line, Value value, int64_t time) {
  if (!ctx.outAvailable(line)) ctx.emit(line, std::move(value), time);
}

// Fills a choosable input once, with its forced value if it has one.
void chooseOnce(FireContext& ctx, uint32_t line, Value ruleValue, int64_t time) {
  if (!ctx.toChoose(line)) return;
  const Value* forced = ctx.forced(line);
  ctx.choose(line, forced ? *forced : std::move(ruleValue), time);
}

const FlatInstance& instanceOf(FireContext& ctx, uint32_t instance) {
  return ctx.graph().instances[instance];
}

int64_t wrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// Sum: x' = x; y' = x + y.  Diff: y' = y - x.  (x' passes through.)
template <int Sign>
void sumOrDiff(FireContext& ctx, uint32_t i, bool) {
  uint32_t x = instanceOf(ctx, i).firstLine, y = x + 1;
  if (!ctx.inAvailable(x) || !ctx.inAvailable(y)) return;
  int64_t xv = ctx.inValue(x).i;
  int64_t delta = Sign > 0 ? xv : static_cast<int64_t>(0 - static_cast<uint64_t>(xv));
  emitOnce(ctx, y, Value::integer(wrapAdd(ctx.inValue(y).i, delta)), ctx.now());
}

void inc(FireContext& ctx, uint32_t i, bool) {
  const FlatInstance& inst = instanceOf(ctx, i);
  uint32_t x = inst.firstLine;
  if (ctx.inAvailable(x)) emitOnce(ctx, x, Value::integer(wrapAdd(ctx.inValue(x).i, inst.args[0])), ctx.now());
}

// CSwap: a chosen control is decided at the end of the instant in which the
// first of t1, t2 arrives: false if t1 is available (ties choose false).
void cswap(FireContext& ctx, uint32_t i, bool endOfInstant) {
  uint32_t c = instanceOf(ctx, i).firstLine, t1 = c + 1, t2 = c + 2;
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

// Def: a chosen y copies x when x arrives.
void def(FireContext& ctx, uint32_t i, bool) {
  uint32_t x = instanceOf(ctx, i).firstLine, y = x + 1;
  if (ctx.inAvailable(x)) chooseOnce(ctx, y, ctx.inValue(x), ctx.now());
}

// Fn: a chosen r is the expression of the arguments once all have arrived.
void fn(FireContext& ctx, uint32_t i, bool) {
  const FlatInstance& inst = instanceOf(ctx, i);
  const FnBody& body = ctx.graph().fns[inst.fn];
  uint32_t r = inst.firstLine + static_cast<uint32_t>(body.args.size());
  if (!ctx.toChoose(r)) return;
  for (uint32_t a = 0; a < body.args.size(); ++a) {
    if (!ctx.inAvailable(inst.firstLine + a)) return;
  }
  NameLookup lookup = [&](std::string_view name) -> std::optional<Value> {
    for (uint32_t a = 0; a < body.args.size(); ++a) {
      if (body.args[a] == name) return ctx.inValue(inst.firstLine + a);
    }
    for (const auto& c : body.consts) {
      if (c.first == name) return Value::integer(c.second);
    }
    return std::nullopt;
  };
  if (ctx.forced(r)) {
    chooseOnce(ctx, r, Value::unit(), ctx.now());
    return;
  }
  ExprError error;
  auto v = evalExpr(*body.expr, lookup, &error);
  if (!v) {
    ctx.fail(i, "Fn expression failed: " + error.message);
    return;
  }
  chooseOnce(ctx, r, std::move(*v), ctx.now());
}

// Sync: every output once every input is available.
void sync(FireContext& ctx, uint32_t i, bool) {
  const FlatInstance& inst = instanceOf(ctx, i);
  for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
    if (!ctx.inAvailable(l)) return;
  }
  for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) emitOnce(ctx, l, ctx.inValue(l), ctx.now());
}

// Delay: v' = v, d after both d and v are available.
void delay(FireContext& ctx, uint32_t i, bool) {
  uint32_t d = instanceOf(ctx, i).firstLine, v = d + 1;
  if (!ctx.inAvailable(d) || !ctx.inAvailable(v)) return;
  if (ctx.outAvailable(v)) return;
  if (std::optional<int64_t> at = ctx.after(i, ctx.inValue(d).i, "delay")) emitOnce(ctx, v, ctx.inValue(v), *at);
}

// Select: a chosen choice is the earliest available option (ties: lowest
// index), decided at the end of the instant; chosen = options[choice].
void select(FireContext& ctx, uint32_t i, bool endOfInstant) {
  const FlatInstance& inst = instanceOf(ctx, i);
  int64_t n = inst.args[0];
  uint32_t choice = inst.firstLine, options = choice + 1, chosen = options + static_cast<uint32_t>(n);
  if (ctx.toChoose(choice)) {
    int64_t first = -1;
    for (int64_t k = 0; k < n && first < 0; ++k) {
      if (ctx.inAvailable(options + k)) first = k;
    }
    if (first >= 0) {
      if (!endOfInstant) ctx.decideAtEndOfInstant(i);
      else chooseOnce(ctx, choice, Value::integer(first), ctx.now());
    }
  }
  if (!ctx.inAvailable(choice) || ctx.inValue(choice).kind != Value::Kind::Int) return;
  int64_t k = ctx.inValue(choice).i;
  if (k < 0 || k >= n || !ctx.inAvailable(options + k)) return;  // an out-of-range choice selects nothing
  chooseOnce(ctx, chosen, ctx.inValue(options + k), ctx.now());
}

// Quorum: the first value (in availability order) with k equal votes; a
// forced value once k votes equal it.
void quorum(FireContext& ctx, uint32_t i, bool) {
  const FlatInstance& inst = instanceOf(ctx, i);
  int64_t n = inst.args[0], k = inst.args[1];
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

// Link: a chosen rcv is snd, after the network delay.
void link(FireContext& ctx, uint32_t i, bool) {
  uint32_t snd = instanceOf(ctx, i).firstLine, rcv = snd + 1;
  if (!ctx.inAvailable(snd) || !ctx.toChoose(rcv)) return;
  if (std::optional<int64_t> at = ctx.after(i, ctx.linkDelay(i), "network delay")) {
    chooseOnce(ctx, rcv, ctx.inValue(snd), *at);
  }
}

// ---- inverse rules ----

// Diff inverts Sum (y = y' - x') and Sum inverts Diff (y = y' + x').
template <int Sign>
void invertSumOrDiff(InverseContext& ctx, uint32_t i) {
  uint32_t x = ctx.graph().instances[i].firstLine, y = x + 1;
  const Value *xo = ctx.out(x), *yo = ctx.out(y);
  if (!xo || !yo) return;
  int64_t delta = Sign > 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(xo->i)) : xo->i;
  ctx.recover(y, Value::integer(wrapAdd(yo->i, delta)));
}

void invertInc(InverseContext& ctx, uint32_t i) {
  const FlatInstance& inst = ctx.graph().instances[i];
  if (const Value* xo = ctx.out(inst.firstLine)) {
    ctx.recover(inst.firstLine, Value::integer(wrapAdd(xo->i, static_cast<int64_t>(0 - static_cast<uint64_t>(inst.args[0])))));
  }
}

// CSwap is its own inverse: with c known, t1 = c ? t2' : t1'.
void invertCSwap(InverseContext& ctx, uint32_t i) {
  uint32_t c = ctx.graph().instances[i].firstLine, t1 = c + 1, t2 = c + 2;
  const Value* control = ctx.in(c);
  if (!control) return;
  bool swap = control->i != 0;
  if (const Value* v = ctx.out(swap ? t2 : t1)) ctx.recover(t1, *v);
  if (const Value* v = ctx.out(swap ? t1 : t2)) ctx.recover(t2, *v);
}

// Sync and Delay carry their values unchanged: invert by identity.
void invertIdentity(InverseContext& ctx, uint32_t i) {
  const FlatInstance& inst = ctx.graph().instances[i];
  for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
    if (const Value* v = ctx.out(l)) ctx.recover(l, *v);
  }
}

// Fn inverts by identity and checks r' = expr(args).
void invertFn(InverseContext& ctx, uint32_t i) {
  const FlatInstance& inst = ctx.graph().instances[i];
  const FnBody& body = ctx.graph().fns[inst.fn];
  uint32_t r = inst.firstLine + static_cast<uint32_t>(body.args.size());
  const Value* result = ctx.out(r);
  if (!result) return;
  for (uint32_t a = 0; a < body.args.size(); ++a) {
    if (!ctx.in(inst.firstLine + a)) return;
  }
  NameLookup lookup = [&](std::string_view name) -> std::optional<Value> {
    for (uint32_t a = 0; a < body.args.size(); ++a) {
      if (body.args[a] == name) return *ctx.in(inst.firstLine + a);
    }
    for (const auto& c : body.consts) {
      if (c.first == name) return Value::integer(c.second);
    }
    return std::nullopt;
  };
  ExprError error;
  auto v = evalExpr(*body.expr, lookup, &error);
  if (v && *v != *result && !ctx.wasForced(r)) {
    ctx.mismatch(r, "r' is " + result->str() + " but the expression of the arguments is " + v->str());
  }
}

// A copy made by the rule (Def's y, Link's rcv, Send's net) gives back the
// original when the original's own output was never computed.
void invertCopy(InverseContext& ctx, uint32_t i) {
  uint32_t original = ctx.graph().instances[i].firstLine, copy = original + 1;
  if (ctx.wasChosen(copy) && ctx.out(copy)) ctx.recover(original, *ctx.out(copy));
}

// Select inverts by identity, gives back the chosen option when chosen was
// chosen by the rule, and checks chosen' = options'[choice'].
void invertSelect(InverseContext& ctx, uint32_t i) {
  const FlatInstance& inst = ctx.graph().instances[i];
  int64_t n = inst.args[0];
  uint32_t choice = inst.firstLine, chosen = choice + 1 + static_cast<uint32_t>(n);
  const Value *k = ctx.in(choice), *value = ctx.out(chosen);
  if (!k || !value || k->i < 0 || k->i >= n) return;
  if (ctx.wasChosen(chosen)) ctx.recover(choice + 1 + static_cast<uint32_t>(k->i), *value);
  const Value* option = ctx.in(choice + 1 + static_cast<uint32_t>(k->i));
  if (option && *option != *value && !ctx.wasForced(chosen)) {
    ctx.mismatch(chosen, "chosen' is " + value->str() + " but options[" + std::to_string(k->i) + "] is " + option->str());
  }
}

}  // namespace

InvertFn standardInversion(const std::string& component) {
  static const std::map<std::string, InvertFn> inversions = {
      {"Sum", invertSumOrDiff<+1>}, {"Diff", invertSumOrDiff<-1>}, {"Inc", invertInc},
      {"CSwap", invertCSwap},       {"Sync", invertIdentity},      {"Delay", invertIdentity},
      {"Fn", invertFn},             {"Select", invertSelect},      {"Def", invertCopy},
      {"Link", invertCopy},         {"Send", invertCopy},
  };
  auto it = inversions.find(component);
  return it == inversions.end() ? nullptr : it->second;
}

ReactFn standardReaction(const std::string& component) {
  static const std::map<std::string, ReactFn> reactions = {
      {"Sum", sumOrDiff<+1>}, {"Diff", sumOrDiff<-1>}, {"Inc", inc},       {"CSwap", cswap},
      {"Def", def},           {"Fn", fn},              {"Sync", sync},     {"Delay", delay},
      {"Select", select},     {"Quorum", quorum},      {"Link", link},
      {"Send", def},  // the same rule: the second line copies the first
  };
  auto it = reactions.find(component);
  return it == reactions.end() ? nullptr : it->second;
}

}  // namespace rdc
