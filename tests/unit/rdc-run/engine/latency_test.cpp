#include "tools/rdc-run/engine/latency.h"

#include <gtest/gtest.h>

#include <string>

namespace rdc::run {
namespace {

TEST(LinkLatencies, EveryInstanceHasTheDefaultUntilOneIsSet) {
  std::string error;
  Latency fallback = *Latency::parse("constant:2ms", &error);
  Latency lost = *Latency::parse("lost", &error);
  LinkLatencies latencies;
  latencies.assign(5, fallback);
  EXPECT_EQ(latencies.size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(latencies[i], fallback);
  latencies.set(3, lost);
  EXPECT_TRUE(latencies[3].lost);
  for (size_t i : {0, 1, 2, 4}) EXPECT_EQ(latencies[i], fallback);
  latencies.set(1, fallback);  // the default given again: one of the distinct ones already
  EXPECT_EQ(latencies[1], fallback);
  latencies.assign(2, lost);  // a new assignment forgets the overrides
  EXPECT_EQ(latencies.size(), 2u);
  EXPECT_TRUE(latencies[0].lost && latencies[1].lost);
}

}  // namespace
}  // namespace rdc::run
