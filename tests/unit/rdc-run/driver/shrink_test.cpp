// A shrunk scenario written as a faults file reads back as the same scenario.
#include "tools/rdc-run/driver/shrink.h"

#include <gtest/gtest.h>

#include "tools/rdc-run/engine/latency.h"

#include <cstdio>
#include <fstream>

namespace rdc::run {
namespace {

TEST(FaultsYaml, ReadsBackAsTheSameScenario) {
  Scenario s;
  s.byzantine = {"node[3]", "node[0]"};
  s.crashes = {{"node[2]", "5ms"}, {"node[1]", "0ns"}};
  // Values YAML would otherwise read as flow collections, tags, comments,
  // aliases or numbers of another spelling.
  s.forces = {{"tm.height[0].round[1].propose.send.def[*].y", "(199, -1)"},
              {"m.def[0].y", "{0: 7, 2: 9}"},
              {"a.def[1].y", "\"a: b\""},
              {"b.def[2].y", "!v"},
              {"c.def[3].y", "#x"},
              {"d.def[4].y", "*x"},
              {"e.def[5].y", "007"},
              {"f.def[6].y", "- 1"}};
  s.inputs = {{"bc", "1"}, {"name", "''"}};
  s.latency = "uniform:200us..3ms";
  s.linkLatency = {{"rb.echo[1].*", "constant:20ms"}, {"rb.*", "exponential:1ms"}};
  std::string path = ::testing::TempDir() + "shrunk_faults.yaml";
  {
    std::ofstream out(path);
    out << faultsYaml(s);
  }
  Scenario back;
  DiagnosticSink diags;
  ASSERT_TRUE(back.addFaultsFile(path, diags)) << faultsYaml(s);
  std::remove(path.c_str());
  EXPECT_EQ(back.byzantine, s.byzantine);
  EXPECT_EQ(back.crashes, s.crashes);
  EXPECT_EQ(back.forces, s.forces);
  EXPECT_EQ(back.inputs, s.inputs);
  EXPECT_EQ(back.latency, s.latency);
  EXPECT_EQ(back.linkLatency, s.linkLatency);
}

TEST(ShrunkCommand, ReplacesTheScenarioAndSeedFlags) {
  Shrunk shrunk;
  shrunk.subject.seed = 61;
  shrunk.subject.defines = {{"lockRule", "0"}, {"rounds", "2"}};
  std::vector<std::string> argv = {
      "rdc-run",         "m.yaml",      "-D",      "lockRule=0", "-Drounds=4",   "--faults", "f.yaml",
      "--crash=node[1]", "--byzantine", "node[2]", "--seeds",    "0..99",        "--jobs",   "2",
      "--until",         "1s",          "--json",  "--shrink",   "out file.yaml"};
  EXPECT_EQ(shrunkCommand(argv, shrunk, "out file.yaml"),
            "rdc-run m.yaml --until 1s -D lockRule=0 -D rounds=2 --faults 'out file.yaml' --seed 61");
}

// Each step shortens a latency to one that still reads in a round unit:
// a uniform range's width halved (1ms..1000003ns read as nanoseconds),
// down to the low end alone, then halved as a constant, to 0.
TEST(ShorterLatency, ShortensInRoundUnitsToNothing) {
  for (std::string spec : {"uniform:1ms..10ms", "uniform:1ms..1001us", "uniform:0ns..7ms", "exponential:3ms"}) {
    std::vector<std::string> steps{spec};
    while (auto next = shorterLatency(steps.back())) {
      auto l = Latency::parse(*next, nullptr);
      ASSERT_TRUE(l) << *next;
      for (int64_t ns : {l->a, l->b}) {
        int64_t digits = ns;
        while (digits >= 10 && digits % 10 == 0) digits /= 10;
        EXPECT_LT(digits, 10000) << *next << " after " << steps.back();
      }
      steps.push_back(*next);
      ASSERT_LT(steps.size(), 200u) << "no end";
    }
    EXPECT_TRUE(steps.back() == "constant:0ns" || steps.back() == "exponential:0ns") << steps.back();
  }
  EXPECT_EQ(shorterLatency("uniform:1ms..10ms"), "uniform:1ms..5500us");
}

}  // namespace
}  // namespace rdc::run
