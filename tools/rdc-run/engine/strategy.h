// Schedule strategies: who decides a run's choice points. A simulated run
// has two kinds: which of the events due at the same instant goes first,
// and how long each message takes within its Link's latency model. By
// default (no Schedule in RunConfig) a seeded uniform random generator
// decides both; a Schedule replaces it, deterministically from its own
// seed or choice list (docs/semantics.md#schedule-strategies).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"
#include "ir/lang/types.h"
#include "ir/lang/value.h"
#include "tools/rdc-run/engine/latency.h"
#include "tools/rdc-run/engine/ready_set.h"
#include "tools/rdc-run/engine/rng.h"

namespace rdc::run {

/// Decides one run's choice points. A Schedule serves one run.
class Schedule {
 public:
  virtual ~Schedule() = default;
  /// Which of the events due at the same instant (and phase) goes next:
  /// one of `ready` (the default schedule takes ready.first()). Called only
  /// when there are two or more.
  virtual ReadyEvent pick(const ReadySet& ready) = 0;
  /// The delay (ns, 0..INT64_MAX) of a message `sender` sends, within
  /// `latency`; `drawn` is the delay the seeded generator drew for it (what
  /// the default schedule takes).
  virtual int64_t delay(const Latency& latency, uint32_t sender, int64_t drawn) = 0;
  /// The value a Byzantine domain gives its choice `line` (a trace's line
  /// number; of `type`; with `options` > 0 a choice among that many
  /// options, whose value is the option's index), decided as the run (or
  /// the line's iteration) begins: `drawn`, the lie the seed draws, or
  /// another; none: the value the model computes, as an honest domain's
  /// would be. By default, the drawn lie, or none when the domain is
  /// `honestUnlessForced` (it lies only where forced: --lies forced).
  virtual std::optional<Value> lie(uint32_t /*line*/, TypeId /*type*/, int64_t /*options*/, Value drawn,
                                   bool honestUnlessForced) {
    if (honestUnlessForced) return std::nullopt;
    return drawn;
  }
  /// A Coin's flip, in 0..sides-1: `drawn`, the side its domain's seeded
  /// coins drew (what the default takes), or another.
  virtual int64_t flip(int64_t /*sides*/, int64_t drawn) { return drawn; }
};

/// PCT (Burckhardt et al., ASPLOS 2010) over domains: each of `domains`
/// gets a distinct priority drawn from the seed, d - 1 change points are
/// drawn among the first `steps` messages, and at the i-th change point the
/// sending domain drops to priority i, below every initial one. A domain's
/// priority says how soon what it does takes effect: the highest goes first
/// among simultaneous events, and its messages are the fastest: of n
/// domains, the one ranked r (0: highest) draws its delays from the r-th of
/// n equal bands of the latency model (its quantiles r/n to (r+1)/n).
class PctSchedule final : public Schedule {
 public:
  PctSchedule(uint64_t seed, uint32_t depth, uint32_t domains, uint64_t steps);
  ReadyEvent pick(const ReadySet& ready) override;
  int64_t delay(const Latency& latency, uint32_t sender, int64_t drawn) override;

 private:
  uint64_t priority(uint32_t domain) const;
  uint32_t rank(uint32_t domain) const;  // 0: the highest priority

  Rng rng_;
  std::vector<uint64_t> priority_;       // per domain
  std::vector<uint64_t> changePoints_;   // message numbers (1-based), ascending
  uint64_t messages_ = 0, changes_ = 0;  // messages so far, change points passed
};

/// The lies an exhaustive search tries on a Byzantine domain's choice,
/// besides the seed's and the honest value: every option of a choice among
/// options; both Bools; for other types nil (an Opt), then the values of
/// that type (or, for an Opt, of its inner type) that the scenario forces
/// and the model's constants hold, the first kMaxSeen of them.
struct LieCandidates {
  static constexpr size_t kMaxSeen = 4;
  const TypeTable* types = nullptr;
  std::map<TypeId, std::vector<Value>> seen;  ///< distinct values by type, in the order first met

  /// Adds a value of `type` to those seen (once).
  void see(TypeId type, const Value& value);
  /// The candidates for a choice of `type` (among `options` options if > 0).
  std::vector<Value> of(TypeId type, int64_t options) const;
};

/// How many choices of a schedule may deviate from option 0: in all, at
/// the instants' and delays' points, and at lie points (SIZE_MAX: no bound).
struct DeviationBound {
  size_t total = SIZE_MAX, schedule = SIZE_MAX, lies = SIZE_MAX;
  /// Whether a choice at a point of this kind may deviate, when `lies` and
  /// `others` choices of each kind already do.
  bool allows(bool lie, size_t lies, size_t others) const {
    return lies + others < total && (lie ? lies < this->lies : others < schedule);
  }
};

/// Follows a list of choices, one per choice point in the order the run
/// meets them (an index among its options), then takes the first option of
/// every later point (with a `tail` bound: option 1 at each later point
/// while the bound allows one more deviation, else option 0, the first
/// schedule of a search below the list); records every point's option
/// count and kind. A
/// choice at or beyond a point's count wraps (so any list names a
/// schedule). Option 0 everywhere is the seed's own run (the default
/// schedule's). Events whose steps change different domains commute (each
/// domain sees its own events in the same order whichever goes first), so
/// an instant's choice is only which of the events changing the first
/// event's domain goes first (a point when there are two or more, in the
/// seeded order); a delay's options are the seed's draw, then the latency
/// model's points (latencyPoints) other than it. With `lies`, a Byzantine
/// domain's choice is a point too, decided as the run begins: option 0 is
/// the seed's lie and 1 the honest value (swapped for a domain that lies
/// only where forced), then each of the candidates (LieCandidates::of).
class ChoiceSchedule final : public Schedule {
 public:
  explicit ChoiceSchedule(std::vector<uint32_t> prefix, const LieCandidates* lies = nullptr,
                          std::optional<DeviationBound> tail = std::nullopt)
      : prefix_(std::move(prefix)), lies_(lies), tail_(tail) {}
  ReadyEvent pick(const ReadySet& ready) override;
  int64_t delay(const Latency& latency, uint32_t sender, int64_t drawn) override;
  std::optional<Value> lie(uint32_t line, TypeId type, int64_t options, Value drawn, bool honestUnlessForced) override;
  /// A choice point of `sides` options (at most 2^32 - 1 of them): the drawn
  /// side, then the ones after it, round.
  int64_t flip(int64_t sides, int64_t drawn) override;

  /// The choices this run made, one per point met, each point's options,
  /// and whether it was a lie's (else an instant's or a delay's).
  const std::vector<uint32_t>& taken() const { return taken_; }
  const std::vector<uint32_t>& options() const { return options_; }
  const std::vector<bool>& lies() const { return isLie_; }

 private:
  uint32_t choose(uint32_t options, bool lie = false);

  std::vector<uint32_t> prefix_, taken_, options_;
  std::vector<bool> isLie_;
  const LieCandidates* lies_;
  std::optional<DeviationBound> tail_;
  size_t lieDeviations_ = 0, otherDeviations_ = 0;  // choices other than option 0 so far, by kind
};

/// The delays an exhaustive search tries for a latency model: its value
/// (constant), its two bounds (uniform), or its quartiles (exponential).
std::vector<int64_t> latencyPoints(const Latency& latency);

/// The next schedule of a depth-first search that tries, at each point,
/// options 1, 2, ... before option 0, from the run that followed `taken`
/// (with `options` per point): the deepest choice other than 0 moved to
/// its next option (after the last, to 0), and nothing after it. The run
/// of that list with a ChoiceSchedule's `tail` bound is the next schedule
/// within the bound, so a search meets deviations at the run's first
/// points before those at its last. Nullopt when none is left.
std::optional<std::vector<uint32_t>> nextSchedule(const std::vector<uint32_t>& taken,
                                                  const std::vector<uint32_t>& options);

/// A parsed --strategy: `random`, `pct:D` (D in 1..64), `exhaustive`, or
/// `schedule:C.C.C` (one schedule of an exhaustive search: its choices).
struct Strategy {
  enum class Kind : uint8_t { Random, Pct, Exhaustive, Choices };
  Kind kind = Kind::Random;
  uint32_t depth = 0;             ///< pct: the bug depth d
  std::vector<uint32_t> choices;  ///< schedule: the choice list

  /// Nullopt with `error` set on a bad spec.
  static std::optional<Strategy> parse(std::string_view spec, std::string* error);
  /// `schedule:` and the choices, dot-separated, trailing first options (0) left out.
  static std::string scheduleText(const std::vector<uint32_t>& choices);
};

/// PCT's k for a graph: the run's messages, one per Link (each carries one value).
uint64_t messageCount(const Graph& graph, const Catalog& catalog);

/// The lies an exhaustive search (and a schedule:) tries: the values of
/// `forces` (by line; a later iteration's of an unbounded box are left
/// out) and of the graph's constants.
LieCandidates lieCandidates(const Graph& graph, const std::map<uint32_t, Value>& forces);

/// The schedule of one run of `seed` under `strategy` (none for random and
/// exhaustive, whose search makes its own): `messages` is messageCount's,
/// `lies` the candidates a schedule:'s lie choices index (kept by the caller).
std::unique_ptr<Schedule> makeSchedule(const Strategy& strategy, uint64_t seed, const Graph& graph, uint64_t messages,
                                       const LieCandidates* lies);

}  // namespace rdc::run
