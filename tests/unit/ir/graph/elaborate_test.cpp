#include "ir/graph/elaborate.h"
#include "ir/io/ir_io.h"
#include "ir/tool/load.h"

#include <gtest/gtest.h>

#include "ir/lint/lint_passes.h"
#include "tests/unit/test_support.h"

namespace rdc {
namespace {

using test::build;

uint32_t lineByPath(const LoadedModel& m, const std::string& path) {
  Catalog catalog = Catalog::standard();
  for (uint32_t l = 0; l < m.graph.lines.size(); ++l) {
    if (m.graph.linePath(catalog, l) == path) return l;
  }
  ADD_FAILURE() << "no line " << path;
  return 0;
}

const char* kSumChain = R"(
rdc: 1
params: {k: 3}
components:
  Chain:
    params: [k]
    lines: {x: Int, y: Int}
    body:
      - wire: x -> xs[0]
      - wire: y -> ys[0]
      - for: i in 0..k
        body:
          - Sum add[i]:
              x: xs[i] -> xs[i+1]
              y: ys[i] -> ys[i+1]
      - wire: xs[k] -> x'
      - wire: ys[k] -> y'
system:
  body:
    - Chain<k> c:
        x: input a as Int -> output a
        y: input b as Int -> output total
)";

TEST(MemoryText, SaysAnAmountExactlyOrWithinOnePercent) {
  EXPECT_EQ(memoryText(1024), "1 KiB");
  EXPECT_EQ(memoryText(2000 * 1024), "2000 KiB");  // not "1 MiB"
  EXPECT_EQ(memoryText(uint64_t{4096} << 20), "4096 MiB");
  EXPECT_EQ(memoryText((uint64_t{100} << 20) + 12345), "100 MiB");
  EXPECT_EQ(memoryText(5000), "5000 bytes");
  EXPECT_EQ(memoryText(200 * 1024 + 7), "200 KiB");
  EXPECT_EQ(memoryText(1000), "1000 bytes");
}

TEST(Elaborate, SumChainIsWiredInOrder) {
  auto b = build(kSumChain);
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& g = b.loaded->graph;
  ASSERT_EQ(g.instances.size(), 3u);
  EXPECT_EQ(g.instancePath(2), "c.add[2]");
  uint32_t y0 = lineByPath(*b.loaded, "c.add[0].y"), y1 = lineByPath(*b.loaded, "c.add[1].y");
  EXPECT_EQ(g.lines[y0].sink.kind, Endpoint::Kind::Wire);
  EXPECT_EQ(g.lines[y0].sink.ref, y1);
  EXPECT_EQ(g.lines[y1].source.ref, y0);
  uint32_t y2 = lineByPath(*b.loaded, "c.add[2].y");
  EXPECT_EQ(g.lines[y2].sink.kind, Endpoint::Kind::Output);
  EXPECT_EQ(g.outputs[g.lines[y2].sink.ref].name, "total");
  EXPECT_EQ(g.inputs[g.lines[y0].source.ref].name, "b");
}

TEST(Elaborate, ParameterOverrideChangesTheSize) {
  LoadOptions options;
  options.defines = {{"k", "10"}};
  auto b = build(kSumChain, options);
  ASSERT_TRUE(b.loaded);
  EXPECT_EQ(b.loaded->graph.instances.size(), 10u);
}

TEST(Elaborate, TranspositionBySlices) {
  // Node i sends m[i][j] to j; Quorum j reads the column m[*][j].
  auto b = build(R"(
rdc: 1
params: {n: 3}
system:
  body:
    - for: i in 0..n, j in 0..n
      body:
        - Inc<0> send[i][j]:
            x: input v[i][j] as Int -> m[i][j]
    - for: j in 0..n
      body:
        - Quorum<n, 2> q[j]:
            votes: m[*][j] -> drop
            value: choose -> output d[j]
)");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& g = b.loaded->graph;
  uint32_t vote = lineByPath(*b.loaded, "q[1].votes[2]");
  ASSERT_EQ(g.lines[vote].source.kind, Endpoint::Kind::Wire);
  EXPECT_EQ(g.instancePath(g.lines[g.lines[vote].source.ref].instance), "send[2][1]");
}

TEST(Elaborate, FreshKeyIndexRangesOverTheBundle) {
  auto b = build(R"(
rdc: 1
params: {n: 3}
use: [std]
system:
  body:
    - WB<n> wb:
        bc: input x as Int -> output x
        dlvr[i]: choose -> output got[i]
)");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& g = b.loaded->graph;
  ASSERT_EQ(g.outputs.size(), 4u);
  // `choose` on WB's dlvr flows through the composite to each Link's rcv.
  uint32_t rcv = lineByPath(*b.loaded, "wb.link[2].rcv");
  EXPECT_EQ(g.lines[rcv].source.kind, Endpoint::Kind::Choose);
  EXPECT_EQ(g.outputs[g.lines[rcv].sink.ref].name, "got[2]");
  EXPECT_EQ(g.types.name(g.lines[rcv].type), "Int");
}

TEST(Elaborate, TypesFlowThroughGenericComponentsAndFn) {
  auto b = build(R"(
rdc: 1
params: {bonus: 2}
system:
  body:
    - Def copy:
        x: input v as Int -> output v
        y: choose -> copied
    - Fn lock:
        expr: "v > bonus ? v : nil"
        v: copied -> drop
        r: choose -> locked
    - Def again:
        x: locked -> drop
        y: choose -> output r
)");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& g = b.loaded->graph;
  EXPECT_EQ(g.types.name(g.lines[lineByPath(*b.loaded, "copy.y")].type), "Int");
  EXPECT_EQ(g.types.name(g.lines[lineByPath(*b.loaded, "again.y")].type), "Opt<Int>");
  ASSERT_NE(g.instances[1].fn, kNone);
  const FnBody& fn = g.fns[g.instances[1].fn];
  EXPECT_EQ(fn.args, std::vector<std::string>{"v"});
  ASSERT_EQ(fn.consts.size(), 1u);
  EXPECT_EQ(fn.consts[0], (std::pair<std::string, int64_t>{"bonus", 2}));
}

TEST(Elaborate, BrachaDomainsAreInferredAcrossLinks) {
  auto b = build(test::readFile(RDC_SOURCE_DIR "/examples/bracha/bracha.rdc.yaml"));
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& g = b.loaded->graph;
  auto domainOf = [&](const std::string& path) { return g.domains[g.lines[lineByPath(*b.loaded, path)].domain]; };
  EXPECT_EQ(domainOf("rb.echo[2].link[3].snd"), "node[2]");
  EXPECT_EQ(domainOf("rb.echo[2].link[3].rcv"), "node[3]");
  EXPECT_EQ(domainOf("rb.send.def[1].x"), "node[0]");
  EXPECT_EQ(domainOf("rb.deliver[1].q.value"), "node[1]");
  EXPECT_EQ(domainOf("rb.ready[3].chosen"), "node[3]");
  EXPECT_FALSE(b.diags.hasErrors());
  EXPECT_EQ(b.diags.warningCount(), 0u);
}

TEST(Elaborate, BrachaReadyLoopIsNotADeadlock) {
  auto b = build(test::readFile(RDC_SOURCE_DIR "/examples/bracha/bracha.rdc.yaml"));
  ASSERT_TRUE(b.loaded);
  DiagnosticSink diags;
  checkDeadlockCycles(b.loaded->model, b.loaded->graph, Catalog::standard(), diags);
  EXPECT_FALSE(diags.hasErrors()) << diags.formatText();
}

TEST(Elaborate, CycleWithoutChoicePointIsADeadlock) {
  auto b = build(R"(
rdc: 1
system:
  body:
    - Def d:
        x: back -> output x
        y: choose -> forward
    - Inc<1> i:
        x: forward -> back
)");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  DiagnosticSink diags;
  checkDeadlockCycles(b.loaded->model, b.loaded->graph, Catalog::standard(), diags);
  ASSERT_EQ(diags.errorCount(), 1u);
  EXPECT_NE(diags.all()[0].message.find("d.y -> i.x -> d.x -> d.y"), std::string::npos) << diags.all()[0].message;
}

TEST(Elaborate, CycleThroughSelectIsFine) {
  auto b = build(R"(
rdc: 1
system:
  body:
    - Select<2> s:
        choice: choose -> output which
        options[0]: input first as Int -> output first
        options[1]: back -> drop
        chosen: choose -> out
    - Def d:
        x: out -> output value
        y: choose -> forward
    - Inc<1> i:
        x: forward -> back
)");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  DiagnosticSink diags;
  checkDeadlockCycles(b.loaded->model, b.loaded->graph, Catalog::standard(), diags);
  EXPECT_FALSE(diags.hasErrors()) << diags.formatText();
}

TEST(Elaborate, SizeLimitStopsEarly) {
  LoadOptions options;
  options.elab.maxLines = 100;
  auto b = build(kSumChain, options);
  EXPECT_TRUE(b.loaded);
  options.defines = {{"k", "1000"}};
  auto big = build(kSumChain, options);
  EXPECT_FALSE(big.loaded);
  EXPECT_TRUE(big.hasCode("size-limit"));
}

// The count before building is what elaboration builds, for every example
// and for parameters that make loops bodies depend on their variables.
class CountBeforeBuilding : public ::testing::TestWithParam<const char*> {};

TEST_P(CountBeforeBuilding, IsTheElaboratedLineCount) {
  std::string path = std::string(RDC_SOURCE_DIR) + "/examples/" + GetParam() + "/" + GetParam() + ".rdc.yaml";
  for (const char* n : {"", "7"}) {
    LoadOptions options{.lint = false};
    if (*n) options.defines = {{std::string(GetParam()) == "basics" ? "k" : "n", n}};
    auto b = build(test::readFile(path), options);
    ASSERT_TRUE(b.loaded) << b.diags.formatText();
    EXPECT_EQ(countLines(b.loaded->model, Catalog::standard(), {}), b.loaded->graph.lines.size()) << n;
  }
}

// A stamped body is the body elaborated again: the IR is the same, byte
// for byte, for every example (nested composites, type variables, inherited
// and explicit `@`, constants and Fns in bodies) and parameters that
// instantiate a component many times.
class Stamps : public ::testing::TestWithParam<const char*> {};

TEST_P(Stamps, MakeTheGraphElaboratingEachBodyMakes) {
  std::string path = std::string(RDC_SOURCE_DIR) + "/examples/" + GetParam() + "/" + GetParam() + ".rdc.yaml";
  for (const char* n : {"", "7"}) {
    std::string ir[2];
    for (bool stamps : {false, true}) {
      LoadOptions options{.lint = false};
      options.elab.stamps = stamps;
      if (*n) options.defines = {{std::string(GetParam()) == "basics" ? "k" : "n", n}};
      auto b = build(test::readFile(path), options);
      ASSERT_TRUE(b.loaded) << b.diags.formatText();
      ir[stamps] = writeIr(*b.loaded, Catalog::standard(), b.diags);
    }
    EXPECT_EQ(ir[0], ir[1]) << GetParam() << " n=" << n;
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, Stamps,
                         ::testing::Values("basics", "bracha", "rb-over-cb", "tendermint", "pbft", "paxos",
                                           "two-phase-commit", "ben-or", "rb-bounded"));

INSTANTIATE_TEST_SUITE_P(Examples, CountBeforeBuilding,
                         ::testing::Values("basics", "bracha", "rb-over-cb", "tendermint"));

TEST(Elaborate, CountFollowsLoopVariablesAndParameters) {
  auto b = build(R"(
rdc: 1
params: {n: 5}
components:
  Chain:
    params: [k]
    lines: {x: Int}
    body:
      - wire: x -> xs[0]
      - for: i in 0..k
        body:
          - Inc<1> inc[i]:
              x: xs[i] -> xs[i+1]
      - wire: xs[k] -> x'
system:
  body:
    - for: j in 1..n
      body:
        - Chain<j> c[j]:
            x: input a[j] as Int -> output a[j]
        - for: m in 0..j
          body:
            - Quorum<j, 1> q[j][m]:
                votes[v]: const 0 -> drop
                value: choose -> drop
)");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  EXPECT_EQ(countLines(b.loaded->model, Catalog::standard(), {}), b.loaded->graph.lines.size());
}

TEST(Elaborate, OverTheLimitIsRefusedBeforeBuildingAtTheModelsLoop) {
  LoadOptions options{.lint = false};
  options.defines = {{"k", "1000000000000"}};
  auto big = build(kSumChain, options);
  EXPECT_FALSE(big.loaded);
  ASSERT_TRUE(big.hasCode("size-limit")) << big.diags.formatText();
  EXPECT_EQ(big.diags.all()[0].pos.line, 11u);  // `for: i in 0..k` inside Chain
  // A memory budget tighter than the line limit refuses in its own name.
  options.defines = {{"k", "10000"}};
  options.elab.maxMemory = 1 << 20;
  auto tight = build(kSumChain, options);
  EXPECT_FALSE(tight.loaded);
  EXPECT_TRUE(tight.hasCode("memory-limit")) << tight.diags.formatText();
}

TEST(Elaborate, InstanceDomainPlacesTheSendingSideOfLinks) {
  auto b = build(R"(
rdc: 1
domains: {node: 2}
system:
  body:
    - Link l @ node[0]:
        snd: input x as Int -> drop
        rcv: choose -> output y @ node[1]
)");
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& g = b.loaded->graph;
  EXPECT_EQ(g.domains[g.lines[0].domain], "node[0]");
  EXPECT_EQ(g.domains[g.lines[1].domain], "node[1]");
}

TEST(Elaborate, ModelWithoutDomainsUsesMain) {
  auto b = build(kSumChain);
  ASSERT_TRUE(b.loaded);
  EXPECT_EQ(b.loaded->graph.domains, std::vector<std::string>{"main"});
}

const char* kSets = R"(
rdc: 1
params: {n: 2, k: 3}
use: [std]
system:
  body:
    - Singleton<k> pick:
        x: input value as Int = 1 -> drop
        set: choose -> picked
    - for: v in 0..k
      body:
        - Def copy[v]:
            x: picked{v} -> drop
            y: choose -> output got{v}
)";

TEST(Elaborate, ASetLineIsOnePresenceLinePerElement) {
  auto b = build(kSets);
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  const Graph& g = b.loaded->graph;
  Catalog catalog = Catalog::standard();
  for (int v = 0; v < 3; ++v) {
    uint32_t l = lineByPath(*b.loaded, "pick.is[" + std::to_string(v) + "].r");
    EXPECT_EQ(g.types.name(g.lines[l].type), "Unit");
  }
  size_t outputs = 0;
  for (uint32_t l = 0; l < g.lines.size(); ++l) outputs += g.linePath(catalog, l).rfind("copy[", 0) == 0;
  EXPECT_EQ(outputs, 3u * 2u);  // x and y of each element's Def
}

TEST(Elaborate, ASetOfTooManyElementsIsRefused) {
  auto b = build(R"(
rdc: 1
params: {n: 100}
components:
  Big:
    lines:
      s: Set<(Int[0..n], Int[0..n])>
    body: []
system:
  body:
    - Big b:
        s: never -> drop
)");
  EXPECT_FALSE(b.loaded);
  EXPECT_TRUE(b.hasCode("set-element")) << b.diags.formatText();
}

}  // namespace
}  // namespace rdc
