// A choice point's events kept across an instant: after any mix of adds
// and removes, what a Schedule reads (the earliest event, a domain's
// events in order, each acting domain's earliest) is what a pass over the
// whole list in the seeded order gives.
#include "tools/rdc-run/engine/ready_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "tools/rdc-run/engine/rng.h"

namespace rdc::run {
namespace {

bool same(const ReadyEvent& a, const ReadyEvent& b) { return a.order == b.order && a.slot == b.slot; }

TEST(ReadySet, AgreesWithAPassOverTheSortedEvents) {
  constexpr uint32_t kDomains = 5;
  Rng rng(7);
  ReadySet set;
  set.reset(kDomains);
  std::vector<ReadyEvent> all;  // the reference, kept sorted
  uint32_t nextSlot = 0;
  for (int step = 0; step < 4000; ++step) {
    if (all.empty() || rng.uniform(0, 2) > 0) {
      // Orders collide often (the slot breaks ties); kNoDomain is a group too.
      auto domain = [&] {
        int64_t d = rng.uniform(0, kDomains);
        return d == kDomains ? kNoDomain : static_cast<uint32_t>(d);
      };
      ReadyEvent e{static_cast<uint64_t>(rng.uniform(0, 50)), nextSlot++, domain(), domain()};
      set.add(e);
      all.insert(std::upper_bound(all.begin(), all.end(), e, [](auto& a, auto& b) { return a.before(b); }), e);
    } else {
      auto at = static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(all.size()) - 1));
      set.remove(all[at]);
      all.erase(all.begin() + static_cast<ptrdiff_t>(at));
    }
    ASSERT_EQ(set.size(), all.size());
    if (all.empty()) continue;
    ASSERT_TRUE(same(set.first(), all.front()));
    std::map<uint32_t, std::vector<ReadyEvent>> changing;
    std::map<uint32_t, ReadyEvent> earliestActing;
    for (const ReadyEvent& e : all) {
      changing[e.changes].push_back(e);
      earliestActing.emplace(e.domain, e);
    }
    for (uint32_t d : {0u, 1u, 2u, 3u, 4u, kNoDomain}) {
      auto span = set.changing(d);
      const std::vector<ReadyEvent>& want = changing[d];
      ASSERT_EQ(span.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) ASSERT_TRUE(same(span[i], want[i]));
    }
    size_t acting = 0;
    set.forEachActing([&](const ReadyEvent& e) {
      ++acting;
      ASSERT_TRUE(same(e, earliestActing.at(e.domain)));
    });
    ASSERT_EQ(acting, earliestActing.size());
  }
}

TEST(ReadySet, ResetEmptiesItForTheNextInstant) {
  ReadySet set;
  set.reset(2);
  set.add({3, 0, 1, 1});
  set.add({1, 1, 0, kNoDomain});
  EXPECT_EQ(set.first().slot, 1u);
  set.reset(2);
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.changing(1).empty());
  set.add({9, 2, 1, 1});
  EXPECT_EQ(set.first().slot, 2u);
}

}  // namespace
}  // namespace rdc::run
