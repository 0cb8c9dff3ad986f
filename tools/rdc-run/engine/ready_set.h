// The events due together at a Schedule's choice point: one instant and
// stratum (EventQueue::stratum), kept for the whole instant rather than
// taken out of the queue and put back at each pick. An instant of m
// simultaneous events (a broadcast under constant latency: n^2 deliveries)
// then costs a search within a domain's group per event, where it cost
// m log m queue operations per event, m^2 log m in all.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rdc::run {

/// The domain an event belongs to when it is not one of the graph's (the
/// beginning of an iteration of the unbounded box).
inline constexpr uint32_t kNoDomain = UINT32_MAX;

/// An event that could go next at the current instant: its place in the
/// seeded order (EventQueue::Entry's order, then its slot, which no other
/// pending event holds), the domain that acts in it (its component's first
/// line's: a Link delivery's sender; kNoDomain for none) and the domain
/// whose state its step may change, its line's (a step runs on along wires,
/// which never leave a domain: events whose steps change different domains
/// commute; kNoDomain for none, an iteration's beginning, whose inputs are
/// events of their own).
struct ReadyEvent {
  uint64_t order;
  uint32_t slot;
  uint32_t domain;
  uint32_t changes;

  /// Whether this one comes first in the seeded order.
  bool before(const ReadyEvent& o) const { return order != o.order ? order < o.order : slot < o.slot; }
};

/// A choice point's events, grouped by the domain each changes and by the
/// domain acting in it, each group in the seeded order. Adding or removing
/// an event shifts its two groups (a domain's share of the instant);
/// first() and forEachActing look at one event per domain.
class ReadySet {
 public:
  /// Empties the set for a graph of `domains` domains (kNoDomain, and any
  /// domain past them, is one more group). Keeps the groups' memory.
  void reset(uint32_t domains);
  void add(const ReadyEvent& e);
  /// Removes `e`, which must be in the set.
  void remove(const ReadyEvent& e);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  /// The earliest event in the seeded order, which the default schedule
  /// takes; the set must not be empty.
  const ReadyEvent& first() const;
  /// The events whose steps change `domain`, in the seeded order.
  std::span<const ReadyEvent> changing(uint32_t domain) const { return changing_[group(domain)]; }
  /// Calls `f` with the earliest event of each domain that acts in one.
  template <typename F>
  void forEachActing(F f) const {
    for (const std::vector<ReadyEvent>& g : acting_) {
      if (!g.empty()) f(g.front());
    }
  }
  /// Every event, grouped by the domain it changes.
  template <typename F>
  void forEach(F f) const {
    for (const std::vector<ReadyEvent>& g : changing_) {
      for (const ReadyEvent& e : g) f(e);
    }
  }

 private:
  size_t group(uint32_t domain) const { return domain < domains_ ? domain : domains_; }

  uint32_t domains_ = 0;
  size_t size_ = 0;
  std::vector<std::vector<ReadyEvent>> changing_, acting_;  // per group, in the seeded order
};

}  // namespace rdc::run
