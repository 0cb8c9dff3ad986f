#include "tools/rdc-dot/layout.h"

#include <gtest/gtest.h>

namespace rdc::dot {
namespace {

constexpr double kChar = 5.5, kGap = 43;  // points, as layout.cpp assumes

TEST(Extent, AChainIsItsBoxesAndTheGapsBetweenThem) {
  Extent e;
  e.node("a", 10, 50);
  e.node("b", 20, 50);
  e.node("c", 10, 50);
  e.edge("a", "b", 0);
  e.edge("b", "c", 0);
  EXPECT_DOUBLE_EQ(e.leftToRightWidth(), (10 * kChar + 50) + (20 * kChar + 50) + (10 * kChar + 50) + 2 * kGap);
}

TEST(Extent, SiblingsShareARankAndTheWidestCounts) {
  Extent e;
  e.node("a", 10, 0);
  e.node("b", 10, 0);
  e.node("c", 30, 0);
  e.edge("a", "b", 0);
  e.edge("a", "c", 0);
  EXPECT_DOUBLE_EQ(e.leftToRightWidth(), 10 * kChar + kGap + 30 * kChar);
}

TEST(Extent, TheLongestPathRanksANode) {
  Extent e;  // a -> b -> c and a -> c: c is two ranks from a
  for (const char* id : {"a", "b", "c"}) e.node(id, 0, 10);
  e.edge("a", "c", 0);
  e.edge("a", "b", 0);
  e.edge("b", "c", 0);
  EXPECT_DOUBLE_EQ(e.leftToRightWidth(), 3 * 10 + 2 * kGap);
}

TEST(Extent, ACycleRanksOnceAroundAndEnds) {
  Extent e;  // the amplification loop: c feeds a again
  for (const char* id : {"a", "b", "c"}) e.node(id, 0, 10);
  e.edge("a", "b", 0);
  e.edge("b", "c", 0);
  e.edge("c", "a", 0);
  e.edge("b", "b", 0);
  EXPECT_DOUBLE_EQ(e.leftToRightWidth(), 3 * 10 + 2 * kGap);
}

TEST(Extent, ALabelWiderThanTheGapWidensIt) {
  Extent e;
  e.node("a", 0, 10);
  e.node("b", 0, 10);
  e.edge("a", "b", 40);
  EXPECT_DOUBLE_EQ(e.leftToRightWidth(), 10 + 40 * kChar + 10);
}

TEST(Extent, EdgesToUndeclaredNodesCountAsPoints) {
  Extent e;
  e.node("a", 0, 10);
  e.edge("a", "x", 0);
  EXPECT_DOUBLE_EQ(e.leftToRightWidth(), 10 + kGap);
  EXPECT_DOUBLE_EQ(Extent().leftToRightWidth(), 0);
}

TEST(Choose, AutoTurnsTopToBottomPastAPage) {
  Extent narrow, wide;
  narrow.node("a", 0, kPageWidth);
  wide.node("a", 0, kPageWidth + 1);
  EXPECT_EQ(choose(Layout::Auto, narrow), Direction::LeftToRight);
  EXPECT_EQ(choose(Layout::Auto, wide), Direction::TopToBottom);
  EXPECT_EQ(choose(Layout::LeftToRight, wide), Direction::LeftToRight);
  EXPECT_EQ(choose(Layout::TopToBottom, narrow), Direction::TopToBottom);
}

}  // namespace
}  // namespace rdc::dot
