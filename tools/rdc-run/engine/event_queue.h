// The simulator's pending events, earliest first: by time, then phase
// (arrivals before end-of-instant decisions), then a tie-break key drawn
// from the seed.
//
// Most events happen at the instant that caused them (a value crossing a
// wire, a pass-through), and only a few lie in the future (a Link's delay,
// a Timer). So the queue is two binary heaps: a small one for the current
// instant and one for later times. Popping takes the earlier of the two
// tops in the full order, so the sequence of events is exactly that of one
// heap, while the events of an instant never sift through the large one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ir/io/trace.h"

namespace rdc::run {

/// One pending event.
struct Pending {
  int64_t time;   ///< virtual nanoseconds
  uint8_t phase;  ///< 0: a line end arrives; 1: an end-of-instant decision
  bool output;    ///< the line's output end (else its input end)
  How how;
  uint32_t target;  ///< line, or instance for decisions
  uint64_t key;     ///< tie-break among simultaneous events
  uint32_t value;   ///< index into the run's value pool

  /// Whether `o` comes first (so that std::push_heap keeps the earliest on top).
  bool operator<(const Pending& o) const {
    if (time != o.time) return time > o.time;
    if (phase != o.phase) return phase > o.phase;
    return key > o.key;
  }
};

class EventQueue {
 public:
  bool empty() const { return now_.empty() && later_.empty(); }

  /// The earliest event; the queue must not be empty.
  const Pending& top() const {
    if (later_.empty()) return now_.front();
    if (now_.empty()) return later_.front();
    return later_.front() < now_.front() ? now_.front() : later_.front();
  }

  /// Adds an event; `present` is the current time (no event is earlier).
  void push(const Pending& p, int64_t present) {
    std::vector<Pending>& heap = p.time == present ? now_ : later_;
    heap.push_back(p);
    std::push_heap(heap.begin(), heap.end());
  }

  /// Removes and returns the earliest event; the queue must not be empty.
  Pending pop() {
    bool fromNow = later_.empty() || (!now_.empty() && !(now_.front() < later_.front()));
    std::vector<Pending>& heap = fromNow ? now_ : later_;
    std::pop_heap(heap.begin(), heap.end());
    Pending p = heap.back();
    heap.pop_back();
    return p;
  }

  /// Empties the queue, keeping its memory for the next run.
  void clear() {
    now_.clear();
    later_.clear();
  }

 private:
  std::vector<Pending> now_, later_;
};

}  // namespace rdc::run
