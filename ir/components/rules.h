// What the component definitions under base/ and their reactions
// (reactions.h) share: building signatures, and the small steps their
// semantics are made of. Not for use outside ir/components, except through
// reactions.h.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/components/semantics.h"

namespace rdc::rules {

// ---- signatures ----

inline LineTypeSig fixed(TypeId t) { return {false, t, false}; }
/// The component's type variable `T`.
inline LineTypeSig generic() { return {true, TypeTable::kInt, false}; }
/// A type variable of its own for each element of a bundle (Sync).
inline LineTypeSig genericPerElement() { return {true, TypeTable::kInt, true}; }
/// `Map<Int, T>` of the component's type variable (Mailbox's got).
inline LineTypeSig mapOfGeneric() { return {true, TypeTable::kInt, false, true}; }

/// A pass-through line: its output is its input, available with it, once
/// the lines in `outputNeeds` are available too.
inline LineSig line(std::string name, LineTypeSig type, std::vector<std::string> outputNeeds = {}) {
  LineSig s;
  s.name = std::move(name);
  s.type = type;
  s.outputNeeds = std::move(outputNeeds);
  return s;
}

/// A line whose input, bound to `choose`, is filled by `rule`, strictly
/// after the lines in `choiceNeeds` and reading `choiceReads` (all of the
/// needs by default).
inline LineSig choosable(LineSig s, std::string rule, std::vector<std::string> choiceNeeds,
                         std::vector<std::string> choiceReads = {}) {
  s.choosable = true;
  s.choiceRule = std::move(rule);
  s.choiceNeeds = std::move(choiceNeeds);
  s.choiceReads = choiceReads.empty() ? s.choiceNeeds : std::move(choiceReads);
  return s;
}

/// A line whose output the reaction computes (not simply its input).
inline LineSig computed(LineSig s) {
  s.passThrough = false;
  return s;
}

/// A computed line whose output is its own input, or `alternative`'s when
/// the Bool line `by` is true (CSwap's targets).
inline LineSig picked(LineSig s, std::string by, std::string alternative) {
  s.outputPickedBy = std::move(by);
  s.outputAlternative = std::move(alternative);
  return s;
}

/// A bundle line whose size is value parameter `sizeParam`.
inline LineSig bundle(LineSig s, int sizeParam) {
  s.sizeParam = sizeParam;
  return s;
}

/// checkParams of a component `<n, k>` that waits for k of its n inputs
/// (Quorum, Mailbox): k must be in 1..n.
inline std::optional<ParamProblem> kOfN(const std::vector<int64_t>& args) {
  if (args[1] >= 1 && args[1] <= args[0]) return std::nullopt;
  return ParamProblem{1, "k must be in 1..n (it waits for k of its n inputs), got " + std::to_string(args[1])};
}

// ---- semantics ----

/// Emits `line`'s output once. (Only interacting components react, and
/// every output of one whose needs are met becomes available, demanded or
/// not.) Ctx: FireContext, or an engine's final class (reactions.h).
template <class Ctx>
void emitOnce(Ctx& ctx, uint32_t line, Value value, int64_t time) {
  if (!ctx.outAvailable(line)) ctx.emit(line, std::move(value), time);
}

/// Fills a choosable input once, with its forced value if it has one.
template <class Ctx>
void chooseOnce(Ctx& ctx, uint32_t line, Value ruleValue, int64_t time) {
  if (!ctx.toChoose(line)) return;
  const Value* forced = ctx.forced(line);
  ctx.choose(line, forced ? *forced : std::move(ruleValue), time);
}

/// Two's-complement addition and negation: the language's Int arithmetic
/// wraps (docs/reference.md).
inline int64_t wrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
inline int64_t wrapNeg(int64_t a) { return static_cast<int64_t>(0 - static_cast<uint64_t>(a)); }

/// Inverts an instance whose lines carry their values unchanged.
inline void invertIdentity(InverseContext& ctx, uint32_t i) {
  const FlatInstance& inst = ctx.instance(i);
  for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
    if (const Value* v = ctx.out(l)) ctx.recover(l, *v);
  }
}

/// A copy made by the rule (Def's y, Link's rcv, Send's net: the instance's
/// second line copies its first) gives back the original when the
/// original's own output was never computed.
inline void invertCopy(InverseContext& ctx, uint32_t i) {
  uint32_t original = ctx.instance(i).firstLine, copy = original + 1;
  if (ctx.wasChosen(copy) && ctx.out(copy)) ctx.recover(original, *ctx.out(copy));
}

/// An Fn's arguments and constants by name, the argument values read by `arg`.
/// A plain callable (not a NameLookup, whose captures would not fit
/// std::function's small buffer): an Fn evaluates at every firing.
template <typename ArgValue>
struct FnNames {
  const FnBody& body;
  uint32_t firstLine;
  ArgValue arg;

  std::optional<Value> operator()(std::string_view name) const {
    FnArgRef ref = findFnArg(body, name);
    if (ref.count && !ref.bundle) return arg(firstLine + ref.first);
    if (ref.bundle) {
      std::vector<std::pair<Value, Value>> entries;
      entries.reserve(ref.count);
      for (uint32_t e = 0; e < ref.count; ++e) entries.emplace_back(Value::integer(e), arg(firstLine + ref.first + e));
      return Value::map(std::move(entries));
    }
    for (const auto& c : body.consts) {
      if (c.first == name) return Value::integer(c.second);
    }
    return std::nullopt;
  }
};

/// Passed to evalExpr as it is made (a NameRef refers to it, see expr.h).
template <typename ArgValue>
FnNames<ArgValue> fnNames(const FnBody& body, uint32_t firstLine, ArgValue arg) {
  return {body, firstLine, std::move(arg)};
}

/// Fn's and Filter's inverse (base/fn.cpp): a chosen r' must be what the
/// rule gives (reactions::fn): the expression, and for a Filter a
/// condition that held.
void invertFn(InverseContext& ctx, uint32_t instance);

}  // namespace rdc::rules
