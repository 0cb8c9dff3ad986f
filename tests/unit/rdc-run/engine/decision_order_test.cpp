#include "tools/rdc-run/engine/decision_order.h"

#include <gtest/gtest.h>

#include "tests/unit/test_support.h"

namespace rdc::run {
namespace {

// The rank of the instance at `path` (an instance path of the graph).
uint16_t rankOf(const Graph& graph, const std::vector<uint16_t>& ranks, const std::string& path) {
  for (uint32_t i = 0; i < graph.instances.size(); ++i) {
    if (graph.instancePath(i) == path) return ranks[i];
  }
  ADD_FAILURE() << "no instance " << path;
  return 0;
}

TEST(DecisionOrder, ADecisionComesAfterThoseUpstreamOfIt) {
  // mb decides; its got reaches s's option 0 through f; s's chosen reaches t.
  auto b = test::build(R"yaml(rdc: 1
system:
  body:
    - Mailbox<1, 1> mb:
        msgs[0]: input a as Int -> drop
        got: choose -> m
    - Fn f:
        expr: "size(m)"
        m: m -> drop
        r: choose -> v
    - Select<2> s:
        choice: choose -> drop
        options[0]: v -> drop
        options[1]: const 5 -> drop
        chosen: choose -> w
    - Select<2> t:
        choice: choose -> drop
        options[0]: w -> drop
        options[1]: const 6 -> drop
        chosen: choose -> output out
    - Select<2> apart:
        choice: choose -> drop
        options[0]: const 1 -> drop
        options[1]: const 2 -> drop
        chosen: choose -> output other
)yaml");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& graph = b.loaded->graph;
  std::vector<uint16_t> ranks = decisionRanks(graph, Catalog::standard());
  EXPECT_EQ(rankOf(graph, ranks, "mb"), 0);
  EXPECT_EQ(rankOf(graph, ranks, "s"), 1);
  EXPECT_EQ(rankOf(graph, ranks, "t"), 2);
  EXPECT_EQ(rankOf(graph, ranks, "apart"), 0);  // upstream of nothing, downstream of nothing
  EXPECT_EQ(rankOf(graph, ranks, "f"), 0);      // decides nothing
}

TEST(DecisionOrder, DecisionsOnOneCycleShareARank) {
  // Bracha's Selects are all on the READY amplification cycle.
  auto b = test::build(test::readFile(RDC_SOURCE_DIR "/examples/bracha/bracha.rdc.yaml"));
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& graph = b.loaded->graph;
  std::vector<uint16_t> ranks = decisionRanks(graph, Catalog::standard());
  for (int j = 0; j < 4; ++j) EXPECT_EQ(rankOf(graph, ranks, "rb.ready[" + std::to_string(j) + "]"), 0);
}

}  // namespace
}  // namespace rdc::run
