// The event queue pops in exactly the order of one sorted list, whichever
// of its two heaps, its register for the present (or, in arrival order, its
// queues) an event went to; a step's events come in the order made; and
// the divisor that finds a line's slot divides exactly.
#include "tools/rdc-run/engine/event_queue.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tools/rdc-run/engine/facts.h"
#include "tools/rdc-run/engine/rng.h"

namespace rdc::run {
namespace {

TEST(EventQueue, PopsInTimeThenPhaseThenKeyOrder) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Rng rng(seed);
    EventQueue queue;
    std::vector<EventQueue::Entry> pending, popped, expected;
    int64_t now = 0;
    uint32_t slot = 0;
    for (int step = 0; step < 2000; ++step) {
      if (rng.uniform(0, 2) > 0 || queue.empty()) {
        // Many events at the present (a small heap of their own), some later.
        int64_t time = now + (rng.uniform(0, 3) == 0 ? rng.uniform(0, 5) : 0);
        EventQueue::Entry e{time, EventQueue::order(static_cast<uint8_t>(rng.uniform(0, 1)), rng.next()), slot++};
        queue.push(e, now);
        pending.push_back(e);
      } else {
        EventQueue::Entry top = queue.top();  // (the register's event included)
        EventQueue::Entry e = queue.pop();
        auto earliest =
            std::min_element(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.before(b); });
        ASSERT_EQ(top.slot, earliest->slot) << "seed " << seed << " step " << step;
        ASSERT_EQ(e.slot, earliest->slot) << "seed " << seed << " step " << step;
        pending.erase(earliest);
        now = e.time;
      }
    }
    while (!queue.empty()) {
      auto earliest =
          std::min_element(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.before(b); });
      ASSERT_EQ(queue.pop().slot, earliest->slot);
      pending.erase(earliest);
    }
    EXPECT_TRUE(pending.empty());
  }
}

// A node's events: keys that grow with each push, most at the present
// (kept in arrival order), some later (in a heap), both phases.
TEST(EventQueue, ArrivalOrderPopsInTimeThenPhaseThenArrival) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    Rng rng(seed);
    EventQueue queue;
    queue.keepArrivalOrder(true);
    std::vector<EventQueue::Entry> pending;
    int64_t now = 0;
    uint32_t slot = 0;
    uint64_t arrivals = 0;
    for (int step = 0; step < 2000; ++step) {
      if (rng.uniform(0, 2) > 0 || queue.empty()) {
        int64_t time = now + (rng.uniform(0, 3) == 0 ? rng.uniform(0, 5) : 0);
        EventQueue::Entry e{time, EventQueue::order(static_cast<uint8_t>(rng.uniform(0, 1)), arrivals++ << 1), slot++};
        queue.push(e, now);
        pending.push_back(e);
      } else {
        EventQueue::Entry top = queue.top();  // (the register's event included)
        EventQueue::Entry e = queue.pop();
        auto earliest =
            std::min_element(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.before(b); });
        ASSERT_EQ(top.slot, earliest->slot) << "seed " << seed << " step " << step;
        ASSERT_EQ(e.slot, earliest->slot) << "seed " << seed << " step " << step;
        pending.erase(earliest);
        now = e.time;
      }
    }
    EventQueue::Entry e;
    while (queue.popDue(INT64_MAX, e)) {
      auto earliest =
          std::min_element(pending.begin(), pending.end(), [](const auto& a, const auto& b) { return a.before(b); });
      ASSERT_EQ(e.slot, earliest->slot);
      pending.erase(earliest);
    }
    EXPECT_TRUE(pending.empty());
    EXPECT_TRUE(queue.empty());
  }
}

// Over TCP, what the network delivers waits in arrival order while the
// engine catches up; an event the present makes later (in the register)
// still comes after a delivery of the same instant that arrived before it.
TEST(EventQueue, ArrivalOrderKeepsADeliveryBeforeWhatItsInstantMakesAfter) {
  EventQueue queue;
  queue.keepArrivalOrder(true);
  uint64_t arrivals = 0;
  auto entry = [&](int64_t time, uint32_t slot) {
    return EventQueue::Entry{time, EventQueue::order(0, arrivals++ << 1), slot};
  };
  queue.push(entry(5, 0), 0);  // two deliveries at 5, and a timer at 9, pushed at 0
  queue.push(entry(5, 1), 0);
  queue.push(entry(9, 2), 0);
  EventQueue::Entry e;
  ASSERT_TRUE(queue.popDue(INT64_MAX, e));
  EXPECT_EQ(e.slot, 0u);
  queue.push(entry(5, 3), 5);  // made by the first delivery, at the present
  for (uint32_t want : {1u, 3u, 2u}) {
    ASSERT_TRUE(queue.popDue(INT64_MAX, e));
    EXPECT_EQ(e.slot, want);
  }
  EXPECT_TRUE(queue.empty());
}

TEST(Divisor, QuotientAndRemainderAreExact) {
  Rng rng(7);
  std::vector<uint32_t> divisors{1, 2, 3, 7, 73, 1000, 2003, 65537, 0x7FFFFFFF, 0xFFFFFFFF};
  for (int i = 0; i < 100; ++i) divisors.push_back(static_cast<uint32_t>(rng.next() >> 32) | 1);
  for (uint32_t d : divisors) {
    Divisor divisor(d);
    std::vector<uint32_t> numbers{0, 1, d - 1, d, d + 1, 0xFFFFFFFE, 0xFFFFFFFF};
    for (int i = 0; i < 200; ++i) numbers.push_back(static_cast<uint32_t>(rng.next() >> 32));
    for (uint32_t n : numbers) {
      ASSERT_EQ(divisor.quotient(n), n / d) << n << " / " << d;
      ASSERT_EQ(divisor.remainder(n), n % d) << n << " % " << d;
    }
  }
}

TEST(EventQueue, PhaseComesBeforeKey) {
  EXPECT_LT(EventQueue::order(0, UINT64_MAX), EventQueue::order(1, 0));
  EXPECT_LT(EventQueue::order(0, 2), EventQueue::order(0, 4));
}

// What a step makes at once comes out in the order it went in, however the
// ring wraps and grows, and apart from the keyed events.
TEST(EventQueue, AStepsEventsComeInTheOrderMade) {
  EventQueue queue;
  queue.push({5, 0, 1000}, 0);
  uint32_t next = 0, expected = 0, slot = 0;
  Rng rng(3);
  for (int step = 0; step < 5000; ++step) {
    if (rng.uniform(0, 2) > 0) {
      queue.pushInStep(next++);
    } else if (queue.takeInStep(slot)) {
      ASSERT_EQ(slot, expected++);
    }
  }
  while (queue.takeInStep(slot)) ASSERT_EQ(slot, expected++);
  EXPECT_EQ(expected, next);
  EXPECT_FALSE(queue.empty());  // the keyed event stays
  EXPECT_EQ(queue.pop().slot, 1000u);
  queue.pushInStep(7);
  queue.clear();
  EXPECT_TRUE(queue.empty());
  EXPECT_FALSE(queue.takeInStep(slot));
}

TEST(EventQueue, ClearKeepsNothing) {
  EventQueue queue;
  queue.push({5, 0, 1}, 0);
  queue.push({0, 0, 2}, 0);
  queue.clear();
  EXPECT_TRUE(queue.empty());
  queue.push({7, 0, 3}, 0);
  EXPECT_EQ(queue.pop().slot, 3u);
}

}  // namespace
}  // namespace rdc::run
