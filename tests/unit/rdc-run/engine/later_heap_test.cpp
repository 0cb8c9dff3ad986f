// The later heap pops in exactly the order of one sorted list, by time then
// the whole order: also where times tie and orders agree in their top 32
// bits (a replay's orders are small), which the heap's nodes cannot tell
// apart without the orders it keeps by slot.
#include "tools/rdc-run/engine/later_heap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "tools/rdc-run/engine/rng.h"

namespace rdc::run {
namespace {

void popsAsSorted(uint64_t seed, bool smallOrders) {
  Rng rng(seed);
  LaterHeap heap;
  std::vector<QueuedEvent> pending;
  std::vector<uint32_t> freeSlots;
  uint32_t slots = 0;
  auto earliest = [&] {
    return std::min_element(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.before(b); });
  };
  for (int step = 0; step < 5000; ++step) {
    if (rng.uniform(0, 2) > 0 || heap.empty()) {  // (grows past its first allocation)
      uint32_t slot = freeSlots.empty() ? slots++ : freeSlots.back();
      if (!freeSlots.empty()) freeSlots.pop_back();
      int64_t time = rng.uniform(0, 20) - 5;  // negative times too: their order is a signed one
      // (Orders are unique, as the engine's are: small ones tie in their top half.)
      uint64_t order =
          smallOrders ? static_cast<uint64_t>(rng.uniform(0, 50)) << 16 | static_cast<uint64_t>(step) : rng.next() >> 1;
      QueuedEvent e{time, order, slot};
      heap.push(e);
      pending.push_back(e);
    } else {
      auto first = earliest();
      ASSERT_EQ(heap.frontTime(), first->time) << "seed " << seed << " step " << step;
      ASSERT_FALSE(heap.before(*first));
      ASSERT_TRUE(heap.before({first->time, first->order - 1, 0}) || first->order == 0);
      QueuedEvent e = heap.pop();
      ASSERT_EQ(e.slot, first->slot) << "seed " << seed << " step " << step;
      ASSERT_EQ(e.order, first->order);
      ASSERT_EQ(e.time, first->time);
      freeSlots.push_back(e.slot);
      pending.erase(first);
    }
  }
  while (!heap.empty()) {
    auto first = earliest();
    ASSERT_EQ(heap.pop().slot, first->slot);
    pending.erase(first);
  }
  EXPECT_TRUE(pending.empty());
}

TEST(LaterHeap, PopsInTimeThenOrder) {
  for (uint64_t seed = 0; seed < 10; ++seed) popsAsSorted(seed, false);
}

TEST(LaterHeap, OrdersAlikeInTheirTopHalfStillPopInOrder) {
  for (uint64_t seed = 0; seed < 10; ++seed) popsAsSorted(seed, true);
}

TEST(LaterHeap, ClearKeepsNothing) {
  LaterHeap heap;
  for (uint32_t s = 0; s < 100; ++s) heap.push({s, s, s});
  heap.clear();
  EXPECT_TRUE(heap.empty());
  heap.push({7, 1, 3});
  EXPECT_EQ(heap.pop().slot, 3u);
  EXPECT_TRUE(heap.empty());
}

}  // namespace
}  // namespace rdc::run
