// The simulator's events of later times than the present (a Link's
// delivery, a Timer), earliest first by time, then order. In a run of n
// nodes thousands wait at once (n² messages in flight), so the heap is
// laid out for the cache: 4-ary, of 16-byte nodes, aligned so that a
// node's four children fill one 64-byte cache line (LaMarca and Ladner,
// "The influence of caches on the performance of heaps", 1996): a pop
// reads one line a level. A node holds the time, the top half of the
// order and the slot; the whole order, kept by slot, breaks the rare tie
// of both (the same time, and orders alike in their top 32 bits: a
// replay's orders, which are small, always are).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace rdc::run {

/// A pending event's place in the order, and its slot (the caller's index
/// of what the event carries).
struct QueuedEvent {
  int64_t time;    ///< virtual nanoseconds
  uint64_t order;  ///< phase in the top bit, then the tie-break key
  uint32_t slot;

  bool before(const QueuedEvent& o) const { return key() < o.key(); }
  /// Time and order as one unsigned number, compared without a branch (a
  /// heap's comparisons of random times mispredict half the time).
  unsigned __int128 key() const {
    return static_cast<unsigned __int128>(static_cast<uint64_t>(time) ^ (uint64_t{1} << 63)) << 64 | order;
  }
};

class LaterHeap {
 public:
  bool empty() const { return size_ == 0; }
  /// The earliest event; the heap must not be empty.
  QueuedEvent front() const { return event(nodes_[kRoot]); }
  /// The earliest event's time; the heap must not be empty.
  int64_t frontTime() const { return static_cast<int64_t>(nodes_[kRoot].time ^ kSign); }
  /// Whether `e` comes before every event of the heap, which must not be empty.
  bool before(const QueuedEvent& e) const {
    const Node& first = nodes_[kRoot];
    uint64_t time = static_cast<uint64_t>(e.time) ^ kSign;
    if (time != first.time) [[likely]]
      return time < first.time;
    return e.order < orderOf_[first.slot];
  }

  /// Adds an event; its slot must be no other pending event's.
  void push(const QueuedEvent& e) {
    if (size_ == capacity_) grow();
    if (e.slot >= orderOf_.size()) orderOf_.resize(std::max<size_t>(orderOf_.size() * 2, e.slot + size_t{1}));
    orderOf_[e.slot] = e.order;
    Node n{static_cast<uint64_t>(e.time) ^ kSign, static_cast<uint32_t>(e.order >> 32), e.slot};
    size_t at = kRoot + size_++;
    while (at > kRoot) {
      size_t parent = parentOf(at);
      if (!before(n, nodes_[parent])) break;
      nodes_[at] = nodes_[parent];
      at = parent;
    }
    nodes_[at] = n;
  }

  /// Removes and returns the earliest event; the heap must not be empty.
  /// The hole left by the top goes down along the smallest children until
  /// the last node fits. (Floyd's pop, down to a leaf and back up, was
  /// no faster, measured alone with 200 and 2,500 events waiting.)
  QueuedEvent pop() {
    QueuedEvent top = front();
    Node last = nodes_[kRoot + --size_];
    size_t end = kRoot + size_, at = kRoot;
    if (size_ == 0) return top;
    for (size_t first = firstChildOf(at); first < end; first = firstChildOf(at)) {
      size_t best = first;
      for (size_t c = first + 1; c < first + kArity && c < end; ++c) best = before(nodes_[c], nodes_[best]) ? c : best;
      if (!before(nodes_[best], last)) break;
      nodes_[at] = nodes_[best];
      at = best;
    }
    nodes_[at] = last;
    return top;
  }

  /// Empties the heap, keeping its memory for the next run.
  void clear() { size_ = 0; }

 private:
  static constexpr size_t kArity = 4;
  static constexpr uint64_t kSign = uint64_t{1} << 63;
  // The root's index: the children of index i are 4(i - 2) .. 4(i - 2) + 3,
  // four-aligned, so each family is one cache line of the aligned array.
  static constexpr size_t kRoot = 3;
  static size_t firstChildOf(size_t i) { return kArity * (i - 2); }
  static size_t parentOf(size_t i) { return i / kArity + 2; }

  struct Node {
    uint64_t time;  // the time with its sign bit flipped: compared unsigned
    uint32_t high;  // the order's top 32 bits
    uint32_t slot;
  };
  static_assert(sizeof(Node) * kArity == 64);
  struct AlignedFree {
    void operator()(Node* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };

  QueuedEvent event(const Node& n) const { return {static_cast<int64_t>(n.time ^ kSign), orderOf_[n.slot], n.slot}; }
  // By time, then the order's top half, then the whole order. With
  // branches, not as one branch-free 128-bit number: the comparisons of a
  // pop form a chain, which a predicted branch lets the processor run
  // ahead of (a pop took half the time, measured alone and in a sweep).
  bool before(const Node& a, const Node& b) const {
    if (a.time != b.time) return a.time < b.time;
    if (a.high != b.high) return a.high < b.high;
    return orderOf_[a.slot] < orderOf_[b.slot];
  }

  [[gnu::noinline]] void grow() {
    size_t capacity = std::max<size_t>(64, capacity_ * 2);
    std::unique_ptr<Node[], AlignedFree> bigger(new (std::align_val_t{64}) Node[kRoot + capacity]);
    if (size_) std::copy(nodes_.get() + kRoot, nodes_.get() + kRoot + size_, bigger.get() + kRoot);
    nodes_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<Node[], AlignedFree> nodes_;  // from kRoot on: the heap
  size_t size_ = 0, capacity_ = 0;
  std::vector<uint64_t> orderOf_;  // by slot: the whole order of a pending event
};

}  // namespace rdc::run
