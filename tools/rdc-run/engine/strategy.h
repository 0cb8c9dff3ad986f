// Schedule strategies: who decides a run's choice points. A simulated run
// has two kinds: which of the events due at the same instant goes first,
// and how long each message takes within its Link's latency model. By
// default (no Schedule in RunConfig) a seeded uniform random generator
// decides both; a Schedule replaces it, deterministically from its own
// seed or choice list (docs/semantics.md#schedule-strategies).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tools/rdc-run/engine/latency.h"
#include "tools/rdc-run/engine/rng.h"

namespace rdc::run {

/// The domain an event belongs to when it is not one of the graph's (the
/// beginning of an iteration of the unbounded box).
inline constexpr uint32_t kNoDomain = UINT32_MAX;

/// An event that could go next at the current instant: the domain that
/// acts in it (its component's first line's: a Link delivery's sender;
/// kNoDomain for none) and the instance whose state it changes (kNoDomain
/// for none: an output end, which commutes with every other event).
struct ReadyEvent {
  uint32_t domain;
  uint32_t instance;
};

/// Decides one run's choice points. A Schedule serves one run.
class Schedule {
 public:
  virtual ~Schedule() = default;
  /// Which of the events due at the same instant (and phase) goes next: an
  /// index into `ready`, listed in the seeded order that the default
  /// schedule would follow. Called only when there are two or more.
  virtual size_t pick(std::span<const ReadyEvent> ready) = 0;
  /// The delay (ns, 0..INT64_MAX) of a message `sender` sends, within `latency`.
  virtual int64_t delay(const Latency& latency, uint32_t sender) = 0;
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
  size_t pick(std::span<const ReadyEvent> ready) override;
  int64_t delay(const Latency& latency, uint32_t sender) override;

 private:
  uint64_t priority(uint32_t domain) const;
  uint32_t rank(uint32_t domain) const;  // 0: the highest priority

  Rng rng_;
  std::vector<uint64_t> priority_;       // per domain
  std::vector<uint64_t> changePoints_;   // message numbers (1-based), ascending
  uint64_t messages_ = 0, changes_ = 0;  // messages so far, change points passed
};

/// Follows a list of choices, one per choice point in the order the run
/// meets them (an index among its options), then takes the first option of
/// every later point; records every point's option count. A choice at or
/// beyond a point's count wraps (so any list names a schedule). Events that
/// reach different instances commute (each instance sees its own arrivals
/// in the same order whichever goes first), so an instant's choice is only
/// which of the events reaching the first event's instance goes first (a
/// point when there are two or more); those of a delay are the latency
/// model's points (latencyPoints).
class ChoiceSchedule final : public Schedule {
 public:
  explicit ChoiceSchedule(std::vector<uint32_t> prefix) : prefix_(std::move(prefix)) {}
  size_t pick(std::span<const ReadyEvent> ready) override;
  int64_t delay(const Latency& latency, uint32_t sender) override;

  /// The choices this run made, one per point met, and each point's options.
  const std::vector<uint32_t>& taken() const { return taken_; }
  const std::vector<uint32_t>& options() const { return options_; }

 private:
  uint32_t choose(uint32_t options);

  std::vector<uint32_t> prefix_, taken_, options_;
};

/// The delays an exhaustive search tries for a latency model: its value
/// (constant), its two bounds (uniform), or its quartiles (exponential).
std::vector<int64_t> latencyPoints(const Latency& latency);

/// The next schedule of a depth-first search among the schedules with at
/// most `deviations` choices other than 0, from the run that followed
/// `taken` (with `options` per point): the deepest choice that can take its
/// next option within the bound, incremented, and nothing after it.
/// Nullopt when none is left.
std::optional<std::vector<uint32_t>> nextSchedule(const std::vector<uint32_t>& taken,
                                                  const std::vector<uint32_t>& options, size_t deviations = SIZE_MAX);

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

}  // namespace rdc::run
