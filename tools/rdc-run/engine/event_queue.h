// The simulator's pending events, earliest first: by time, then phase
// (arrivals before end-of-instant decisions), then a tie-break key drawn
// from the seed.
//
// Most events happen at the instant that caused them (a value crossing a
// wire, a pass-through), and only a few lie in the future (a Link's delay,
// a Timer). So the queue is two heaps: a small one for the current instant
// and one for later times. Popping takes the earlier of the two tops in
// the full order, so the sequence of events is exactly that of one heap,
// while the events of an instant never sift through the large one. The
// heaps are 4-ary (half the depth of a binary heap, and a node's children
// share a cache line) and hold only the order and a slot; what an event
// does stays in its slot.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/io/trace.h"

namespace rdc::run {

/// What a pending event does when its time comes.
struct PendingEvent {
  uint32_t target;  ///< line, or instance for decisions
  uint8_t phase;    ///< 0: a line end arrives; 1: an end-of-instant decision
  bool output;      ///< the line's output end (else its input end)
  How how;
};

class EventQueue {
 public:
  /// An event's place in the order, and its slot (the caller's index of
  /// what the event carries).
  struct Entry {
    int64_t time;    ///< virtual nanoseconds
    uint64_t order;  ///< phase in the top bit, then the tie-break key
    uint32_t slot;

    bool before(const Entry& o) const { return time != o.time ? time < o.time : order < o.order; }
  };

  /// The order of an event of `phase` (0 or 1) with tie-break `key` among
  /// events of the same time: the phase first, then the key's top 63 bits.
  static uint64_t order(uint8_t phase, uint64_t key) { return static_cast<uint64_t>(phase) << 63 | key >> 1; }

  bool empty() const { return now_.empty() && later_.empty(); }

  /// The earliest event; the queue must not be empty.
  const Entry& top() const {
    if (later_.empty()) return now_.front();
    if (now_.empty()) return later_.front();
    return later_.front().before(now_.front()) ? later_.front() : now_.front();
  }

  /// Adds an event; `present` is the current time (no event is earlier).
  void push(const Entry& e, int64_t present) { push(e.time == present ? now_ : later_, e); }

  /// Adds events back (a Schedule's choice point took them out), as push
  /// does. Its own code, so that push (and the heap's push_back) keep one
  /// caller and stay inlined in the simulator's loop.
  [[gnu::noinline]] void restore(const std::vector<Entry>& entries, size_t skip, int64_t present) {
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i == skip) continue;
      std::vector<Entry>& heap = entries[i].time == present ? now_ : later_;
      heap.emplace_back(entries[i]);
      for (size_t at = heap.size() - 1; at > 0;) {  // sift up
        size_t parent = (at - 1) / kArity;
        if (!heap[at].before(heap[parent])) break;
        std::swap(heap[at], heap[parent]);
        at = parent;
      }
    }
  }

  /// Removes and returns the earliest event; the queue must not be empty.
  Entry pop() {
    bool fromNow = later_.empty() || (!now_.empty() && !later_.front().before(now_.front()));
    return pop(fromNow ? now_ : later_);
  }

  /// Removes the earliest event into `e` if there is one due at or before
  /// `until` (top and pop in one comparison of the two heaps).
  bool popDue(int64_t until, Entry& e) {
    bool fromNow;
    if (later_.empty()) {
      if (now_.empty()) return false;
      fromNow = true;
    } else {
      fromNow = !now_.empty() && !later_.front().before(now_.front());
    }
    std::vector<Entry>& heap = fromNow ? now_ : later_;
    if (heap.front().time > until) return false;
    e = pop(heap);
    return true;
  }

  /// Empties the queue, keeping its memory for the next run.
  void clear() {
    now_.clear();
    later_.clear();
  }

 private:
  static constexpr size_t kArity = 4;

  static void push(std::vector<Entry>& heap, const Entry& e) {
    size_t at = heap.size();
    heap.push_back(e);
    while (at > 0) {
      size_t parent = (at - 1) / kArity;
      if (!e.before(heap[parent])) break;
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = e;
  }

  static Entry pop(std::vector<Entry>& heap) {
    Entry top = heap.front();
    Entry last = heap.back();
    heap.pop_back();
    size_t n = heap.size(), at = 0;
    while (n > 0) {
      size_t first = at * kArity + 1;
      if (first >= n) break;
      size_t best = first;
      for (size_t c = first + 1; c < first + kArity && c < n; ++c) {
        if (heap[c].before(heap[best])) best = c;
      }
      if (!heap[best].before(last)) break;
      heap[at] = heap[best];
      at = best;
    }
    if (n > 0) heap[at] = last;
    return top;
  }

  std::vector<Entry> now_, later_;
};

}  // namespace rdc::run
