// The contexts a base component's semantics run in. The engine implements
// FireContext (the forward run), the inverter InverseContext (the backward
// run); each component's definition (base/*.cpp) reacts through them and
// sees nothing else of the graph or the run.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "ir/components/instance.h"
#include "ir/lang/value.h"

namespace rdc {

/// What a component's reaction may ask and do. Lines are global line ids;
/// times are virtual nanoseconds.
class FireContext {
 public:
  virtual ~FireContext() = default;

  virtual const FlatInstance& instance(uint32_t instance) const = 0;
  /// The body of an Fn instance (`inst.fn` indexes the graph's bodies).
  virtual const FnBody& fnBody(const FlatInstance& inst) const = 0;
  /// The domain a line lives in: its index in the graph's domains (what
  /// `sign(v)` in an Fn signs with).
  virtual int64_t domainOf(uint32_t line) const = 0;
  /// The instance's value parameters, in the catalog's order (`inst.args`
  /// indexes the graph's shared lists).
  virtual std::span<const int64_t> args(const FlatInstance& inst) const = 0;
  /// The present. (This and trigger() are fields the engine keeps, not
  /// virtual calls: nearly every reaction reads them.)
  int64_t now() const { return now_; }

  virtual bool inAvailable(uint32_t line) const = 0;
  virtual const Value& inValue(uint32_t line) const = 0;
  /// When the line's input arrived (it is available); only for a component
  /// that declares BaseComponent::readsArrivalTimes.
  virtual int64_t inTime(uint32_t line) const = 0;
  virtual bool outAvailable(uint32_t line) const = 0;

  /// Whether the component's rule is still to decide this input: bound to
  /// `choose` and not yet chosen, or bound to a value source (a constant, an
  /// input, a wire) whose value has arrived but whose output the rule has
  /// not released yet. And the value it is forced to, if any: a --force, a
  /// Byzantine lie, or the bound value.
  virtual bool toChoose(uint32_t line) const = 0;
  virtual const Value* forced(uint32_t line) const = 0;

  /// `now() + delay` (nanoseconds) for a delay that `what` names (in a
  /// report). A negative delay, or a sum at or past INT64_MAX (which a
  /// trace reserves for "never"), is reported as a
  /// runtime failure of the instance and gives nullopt: never a time in the
  /// past.
  virtual std::optional<int64_t> after(uint32_t instance, int64_t delay, const char* what) = 0;

  /// Makes a line's output available with `value` at `time` (>= now).
  virtual void emit(uint32_t line, Value value, int64_t time) = 0;
  /// Fills a choosable input by the rule (or with its forced value) at
  /// `time`; for a bound input, releases its output at `time`.
  virtual void choose(uint32_t line, Value value, int64_t time) = 0;
  /// The rule decided never to fill this choosable input (a Filter whose
  /// condition failed). Over a network, where an iteration stays live until
  /// its extrinsic outputs are available, the outputs that strictly wait
  /// for it then no longer keep it live.
  virtual void never(uint32_t line) = 0;
  /// Calls the instance's reaction again once every event of the current
  /// instant has been processed (for rules whose ties need the whole instant).
  virtual void decideAtEndOfInstant(uint32_t instance) = 0;
  /// The line whose input arrival caused this reaction (kNone at the end of
  /// an instant).
  uint32_t trigger() const { return trigger_; }
  /// Per-instance scratch: how many inputs carried each value so far
  /// (Quorum counts votes with it, Sync its arrivals, instead of rescanning
  /// them). The reaction runs once per arrival of an input.
  virtual std::vector<std::pair<Value, int64_t>>& tally(uint32_t instance) = 0;
  /// The network delay of a cross-domain instance (a Link) for this run,
  /// in nanoseconds (>= 0), or kLostMessage when the run's network loses
  /// what the Link carries.
  virtual int64_t linkDelay(uint32_t instance) = 0;
  static constexpr int64_t kLostMessage = -1;
  /// A Coin's flip: uniform in 0..sides-1 (sides >= 1), from the coins of
  /// the instance's domain: a seeded stream per domain, of its own (the
  /// network's draws do not move), so that each node's coins are its own
  /// whether it runs in the whole model, a projection or a TCP node.
  virtual int64_t coin(uint32_t instance, int64_t sides) = 0;
  /// Reports a runtime failure (an Fn expression that fails on its values).
  virtual void fail(uint32_t instance, const std::string& message) = 0;

 protected:
  int64_t now_ = 0;           ///< the implementation's present
  uint32_t trigger_ = kNone;  ///< and the line whose arrival it reacts to
};

/// What an inverse rule may ask and do: the inverse model runs from the
/// outputs back to the inputs.
class InverseContext {
 public:
  virtual ~InverseContext() = default;
  virtual const FlatInstance& instance(uint32_t instance) const = 0;
  virtual const FnBody& fnBody(const FlatInstance& inst) const = 0;
  virtual int64_t domainOf(uint32_t line) const = 0;
  virtual std::span<const int64_t> args(const FlatInstance& inst) const = 0;
  /// A line's output value, if known (recorded at a sink, or recovered).
  virtual const Value* out(uint32_t line) const = 0;
  /// A line's input value, if known (recovered, or a recorded choice).
  virtual const Value* in(uint32_t line) const = 0;
  /// Whether the forward run forced this input (a recorded lie, which the
  /// inverse must not hold against the component).
  virtual bool wasForced(uint32_t line) const = 0;
  /// Whether the forward run filled this input by the component's rule: then
  /// the rule's equation holds and can be run backwards too.
  virtual bool wasChosen(uint32_t line) const = 0;
  /// An input value computed by the inverse rule.
  virtual void recover(uint32_t line, Value value) = 0;
  /// The outputs contradict the component: the trace cannot be inverted.
  virtual void mismatch(uint32_t line, const std::string& message) = 0;
};

/// `react(ctx, instance, endOfInstant)` is called after any input of the
/// instance becomes available, and at the end of an instant when requested.
using ReactFn = void (*)(FireContext& ctx, uint32_t instance, bool endOfInstant);
/// Recovers the inputs of an instance's computed lines from its outputs,
/// and checks what the outputs must satisfy.
using InvertFn = void (*)(InverseContext& ctx, uint32_t instance);

}  // namespace rdc
