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
// present's heap holds no time (its events are all of the present, so they
// compare by their order alone: one comparison a step, and more of them in
// a cache line); the later one is a LaterHeap (later_heap.h). The heaps
// are 4-ary (half the depth of a binary heap, and a node's children share
// a cache line) and hold only the order and a slot; what an event does
// stays in its slot.
//
// Most events of the present make one more (a value passing through a
// line, then along its wire), which is then the next event: so the newest
// event of the present waits in a register of its own, beside the heaps,
// and most events never enter a heap at all. Popping takes the earliest of
// the register and the two heaps' tops, which is still the one order.
//
// What an event makes available at once, in its own step (a value passing
// on along a line or a wire: docs/semantics.md#steps), is not ordered by a
// key: it comes before every other event, in the order it was made. Such
// values wait in a ring of slots of their own, which the simulator empties
// after each event, without a key drawn or compared.
//
// A node over TCP orders the events of an instant as they were made (its
// run is real time, which no seed decides): their keys then only grow, so
// each phase's events of the present are kept in a queue in arrival order,
// taken from the front. So are later events while each comes after the one
// before (what the network delivers, stamped with the real time it came:
// thousands wait while the engine catches up); the later heap holds only
// the others (a timer, the stream's next element). The
// register serves there too: an event of the present whose phase has
// nothing queued waits in it, as the chain of a value passing on usually
// does, and comes first unless a queue's front is earlier.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ir/io/trace.h"
#include "tools/rdc-run/engine/later_heap.h"

namespace rdc::run {

/// What a pending event does when its time comes.
struct PendingEvent {
  uint32_t target;  ///< line, or instance for decisions
  uint8_t phase;    ///< 0: a line end arrives; 1: an end-of-instant decision
  bool output;      ///< the line's output end (else its input end)
  How how;
};

/// Items in the order pushed, taken from the front: a ring (a power of
/// two) that doubles when full, so that neither a push nor a take moves
/// the items waiting. (A vector whose taken front was erased now and then
/// moved thousands of them each time.)
template <typename T>
class Ring {
 public:
  bool empty() const { return head_ == tail_; }
  const T& front() const { return ring_[head_ & (ring_.size() - 1)]; }
  const T& back() const { return ring_[(tail_ - 1) & (ring_.size() - 1)]; }
  [[gnu::always_inline]] void push(const T& item) {
    if (tail_ - head_ == ring_.size()) [[unlikely]]
      grow();
    ring_[tail_++ & (ring_.size() - 1)] = item;
  }
  [[gnu::always_inline]] T take() { return ring_[head_++ & (ring_.size() - 1)]; }
  void clear() { head_ = tail_ = 0; }

 private:
  [[gnu::noinline]] void grow() {
    std::vector<T> bigger(std::max<size_t>(64, ring_.size() * 2));
    size_t n = 0;
    for (uint64_t at = head_; at != tail_; ++at) bigger[n++] = ring_[at & (ring_.size() - 1)];
    ring_ = std::move(bigger);
    head_ = 0, tail_ = n;
  }

  std::vector<T> ring_;
  uint64_t head_ = 0, tail_ = 0;  // counts; their place is modulo the ring's size
};

class EventQueue {
 public:
  using Entry = QueuedEvent;

  /// The order of an event of `phase` (0 or 1) with tie-break `key` among
  /// events of the same time: the phase first, then the key's top 63 bits.
  static uint64_t order(uint8_t phase, uint64_t key) { return static_cast<uint64_t>(phase) << 63 | key >> 1; }
  /// The order of an end-of-instant decision (phase 1) of `rank`
  /// (decision_order.h) with tie-break `key`: after every arrival of its
  /// instant, then by rank, then by the key's top 47 bits, or, for a key
  /// that counts arrivals (`counted`: RunConfig::arrivalOrder), its count.
  static uint64_t decisionOrder(uint16_t rank, uint64_t key, bool counted) {
    constexpr uint64_t kLow47 = (uint64_t{1} << 47) - 1;
    return uint64_t{1} << 63 | static_cast<uint64_t>(rank) << 47 | (counted ? (key >> 1) & kLow47 : key >> 17);
  }
  /// What events of one instant must share to be simultaneous, in the
  /// sense of a Schedule's choice: their phase, and a decision's rank.
  static uint64_t stratum(uint64_t order) { return order >> 63 ? order >> 47 : 0; }

  /// Whether no event is pending, the current step's included.
  bool empty() const {
    return inStep_.empty() && !hasNext_ && now_.empty() && later_.empty() && inOrder_[0].empty() &&
           inOrder_[1].empty() && laterInOrder_.empty();
  }

  /// Whether events may go into the queues in arrival order: for keys that
  /// grow with each event pushed (RunConfig::arrivalOrder), never drawn ones.
  void keepArrivalOrder(bool on) { arrivalOrder_ = on; }

  /// The earliest event; the queue must not be empty.
  /// The earliest event other than the current step's; the queue must hold one.
  Entry top() const {
    Entry best{};
    bool any = false;
    auto consider = [&](const Entry& e) {
      if (!any || e.before(best)) best = e, any = true;
    };
    if (hasNext_) consider(next_);
    for (const Ring<Entry>* f : {&inOrder_[0], &inOrder_[1], &laterInOrder_}) {
      if (!f->empty()) consider(f->front());
    }
    if (!now_.empty()) consider(ofThePresent(now_.front()));
    if (!later_.empty()) consider(later_.front());
    return best;
  }

  /// Adds an event; `present` is the current time (no event is earlier).
  [[gnu::always_inline]] void push(const Entry& e, int64_t present) {
    present_ = present;
    if (arrivalOrder_ && e.time == present) {  // (the present only moves on: each queue stays in order)
      Ring<Entry>& f = inOrder_[e.order >> 63];
      if (f.empty() && !hasNext_) {
        next_ = e, hasNext_ = true;
        return;
      }
      if (f.empty() || !e.before(f.back())) return f.push(e);
    }
    if (e.time != present) {
      if (arrivalOrder_ && (laterInOrder_.empty() || !e.before(laterInOrder_.back()))) return laterInOrder_.push(e);
      return later_.push(e);
    }
    if (!hasNext_) {
      next_ = e, hasNext_ = true;
      return;
    }
    heapPush(now_, Present{e.order, e.slot});
  }

  /// Adds what the current step makes available at once (its slot): it
  /// comes before every other event, after what the step made before.
  [[gnu::always_inline]] void pushInStep(uint32_t slot) { inStep_.push(slot); }
  /// Whether the current step has nothing left to pass on: what it makes
  /// available next would then be the next it passes on.
  bool stepDone() const { return inStep_.empty(); }
  /// Takes the earliest of the current step's into `slot`; false when the
  /// step is done. (Not among what popDue pops: the simulator empties the
  /// step after each event.)
  [[gnu::always_inline]] bool takeInStep(uint32_t& slot) {
    if (inStep_.empty()) return false;
    slot = inStep_.take();
    return true;
  }

  /// Adds events back (a Schedule's choice point took them out), as push
  /// does. Its own code, so that push (and the heap's push_back) keep one
  /// caller and stay inlined in the simulator's loop.
  [[gnu::noinline]] void restore(const std::vector<Entry>& entries, size_t skip, int64_t present) {
    present_ = present;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i == skip) continue;
      if (entries[i].time == present)
        heapPush(now_, Present{entries[i].order, entries[i].slot});
      else
        later_.push(entries[i]);
    }
  }

  /// Removes and returns the earliest event; the queue must not be empty.
  Entry pop() {
    Entry e;
    popDue(INT64_MAX, e);
    return e;
  }

  /// Removes the earliest event into `e` if there is one due at or before
  /// `until` (top and pop in one comparison of the two heaps). The
  /// register's event, the usual one, is taken inline; a heap's is a call.
  [[gnu::always_inline]] bool popDue(int64_t until, Entry& e) {
    if (hasNext_ && registerFirst()) {
      if (next_.time > until) return false;
      e = next_, hasNext_ = false;
      return true;
    }
    return popDueFromHeaps(until, e);
  }

  /// Empties the queue, keeping its memory for the next run.
  void clear() {
    inStep_.clear();
    hasNext_ = false;
    present_ = 0;
    now_.clear();
    later_.clear();
    inOrder_[0].clear(), inOrder_[1].clear(), laterInOrder_.clear();
  }

 private:
  static constexpr size_t kArity = 4;

  // An event of the present, in its heap: its time is present_.
  struct Present {
    uint64_t order;
    uint32_t slot;
  };
  Entry ofThePresent(const Present& p) const { return {present_, p.order, p.slot}; }

  // Whether the register's event comes before both heaps' tops (and the
  // queues' fronts, in arrival order). It is of the present, as the
  // present's heap's events are: their orders alone decide.
  bool registerFirst() const {
    if (arrivalOrder_) [[unlikely]] {
      for (const Ring<Entry>* f : {&inOrder_[0], &inOrder_[1], &laterInOrder_}) {
        if (!f->empty() && !next_.before(f->front())) return false;
      }
    }
    return (now_.empty() || next_.order < now_.front().order) && (later_.empty() || later_.before(next_));
  }

  // popDue past the register: the present's heap's top, unless the later
  // heap's is of the present too and comes first.
  [[gnu::noinline]] bool popDueFromHeaps(int64_t until, Entry& e) {
    if (arrivalOrder_) [[unlikely]]
      return popDueInOrder(until, e);
    if (!now_.empty() &&
        (later_.empty() || later_.frontTime() != present_ || now_.front().order < later_.front().order)) {
      if (present_ > until) return false;
      e = ofThePresent(heapPop(now_));
      return true;
    }
    if (later_.empty() || later_.frontTime() > until) return false;
    e = later_.pop();
    present_ = e.time;
    return true;
  }

  // popDue with the arrival-order queues: the earliest of their fronts,
  // the heaps' tops and the register.
  [[gnu::noinline]] bool popDueInOrder(int64_t until, Entry& e) {
    int from = -1;  // 0, 1: a queue in arrival order; 2: the present's heap; 3: the later one; 4: the register;
                    // 5: the later events in arrival order
    Entry best{};
    auto consider = [&](const Entry& c, int source) {
      if (from < 0 || c.before(best)) best = c, from = source;
    };
    if (hasNext_) consider(next_, 4);
    for (int q = 0; q < 2; ++q) {
      if (!inOrder_[q].empty()) consider(inOrder_[q].front(), q);
    }
    if (!now_.empty()) consider(ofThePresent(now_.front()), 2);
    if (!later_.empty()) consider(later_.front(), 3);
    if (!laterInOrder_.empty()) consider(laterInOrder_.front(), 5);
    if (from < 0 || best.time > until) return false;
    if (from == 4)
      hasNext_ = false;
    else if (from == 5)
      laterInOrder_.take();
    else if (from < 2)
      inOrder_[from].take();
    else if (from == 2)
      heapPop(now_);
    else
      later_.pop();
    e = best;
    present_ = e.time;
    return true;
  }

  // The present's heap, 4-ary (a node's children share a cache line).
  // Floyd's pop: the hole left by the top goes down along the smallest
  // children to a leaf, and the last entry goes up into it from there.
  // The last entry belongs near the bottom, so this compares each level's
  // children once rather than also against it on the way down. (Its
  // orders are random keys of one time, unlike the later heap's times.)
  static void heapPush(std::vector<Present>& heap, const Present& e) {
    size_t at = heap.size();
    heap.push_back(e);
    while (at > 0) {
      size_t parent = (at - 1) / kArity;
      if (heap[parent].order < e.order) break;
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = e;
  }
  static Present heapPop(std::vector<Present>& heap) {
    Present top = heap.front();
    Present last = heap.back();
    heap.pop_back();
    size_t n = heap.size(), at = 0;
    if (n == 0) return top;
    for (size_t first = 1; first < n; first = at * kArity + 1) {
      size_t best = first;
      for (size_t c = first + 1; c < first + kArity && c < n; ++c) best = heap[c].order < heap[best].order ? c : best;
      heap[at] = heap[best];
      at = best;
    }
    while (at > 0) {
      size_t parent = (at - 1) / kArity;
      if (heap[parent].order < last.order) break;
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = last;
    return top;
  }

  Ring<uint32_t> inStep_;     // the current step's slots, in the order made
  std::vector<Present> now_;  // of the present, by order
  LaterHeap later_;
  int64_t present_ = 0;  // the time of every event in now_ and the register
  Entry next_{};         // the register: an event of the present, if hasNext_
  bool hasNext_ = false;
  bool arrivalOrder_ = false;
  Ring<Entry> inOrder_[2];    // by phase
  Ring<Entry> laterInOrder_;  // later events pushed in order (what the network delivers), before the heap
};

}  // namespace rdc::run
