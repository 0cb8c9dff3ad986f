#include "ir/components/catalog.h"
#include "ir/tool/load.h"

#include <gtest/gtest.h>

#include "ir/components/reactions.h"
#include "ir/lint/lint_passes.h"
#include "tests/unit/test_support.h"

namespace rdc {
namespace {

TEST(Catalog, HasEveryBaseComponentOfTheModel) {
  Catalog c = Catalog::standard();
  for (const char* name : {"Sum", "Diff", "Inc", "CSwap", "Def", "Fn", "Sync", "Delay", "Select", "Quorum", "Link"}) {
    EXPECT_TRUE(c.find(name)) << name;
  }
}

// What the tools read from a definition instead of matching names must
// be there and consistent, for every component.
TEST(Catalog, EveryDefinitionIsConsistent) {
  Catalog c = Catalog::standard();
  for (const BaseComponent& b : c.all()) {
    auto isLine = [&](const std::string& name) {
      return b.lineIndex(name) >= 0 || (b.variadicArgs && name == "*args");
    };
    bool reacts = false;
    for (const LineSig& line : b.lines) {
      SCOPED_TRACE(b.name + "." + line.name);
      for (const auto* names : {&line.outputNeeds, &line.choiceNeeds, &line.choiceReads}) {
        for (const std::string& name : *names) EXPECT_TRUE(isLine(name)) << name;
      }
      if (!line.choiceIndexedBy.empty()) {
        EXPECT_TRUE(isLine(line.choiceIndexedBy));
      }
      if (!line.picks.empty()) {
        ASSERT_TRUE(isLine(line.picks));
        EXPECT_GE(b.lines[b.lineIndex(line.picks)].sizeParam, 0) << "picks a bundle";
      }
      EXPECT_LT(line.choiceCountParam, static_cast<int>(b.valueParams.size()));
      EXPECT_LT(line.sizeParam, static_cast<int>(b.valueParams.size()));
      reacts |= line.choosable || !line.passThrough;
    }
    // A component that chooses or computes anything has semantics.
    EXPECT_EQ(reacts, b.react != nullptr) << b.name;
    if (b.domain != DomainRule::Cross) continue;
    // Projection cuts it into halves whose shared lines are the whole's scalars.
    for (const std::string& half : {b.sendHalf, b.receiveHalf}) {
      ASSERT_TRUE(c.find(half)) << b.name << " is cut into unknown " << half;
      for (const LineSig& line : c.at(*c.find(half)).lines) {
        int whole = b.lineIndex(line.name);
        if (whole >= 0) {
          EXPECT_EQ(b.lines[whole].sizeParam, -1) << half << "." << line.name;
        }
      }
    }
  }
}

// An engine calls each standard reaction instantiated for its own context
// (reactions.h): one missing from the list there would react through
// virtual calls, correct but slower, and no other test would notice.
TEST(Catalog, EveryStandardReactionHasATypedOne) {
  Catalog c = Catalog::standard();
  for (const BaseComponent& b : c.all()) {
    if (!b.react) continue;
    EXPECT_EQ(reactions::typedReaction<FireContext>(b.react), b.react) << b.name;
  }
  EXPECT_EQ(reactions::typedReaction<FireContext>([](FireContext&, uint32_t, bool) {}), nullptr)
      << "a user's reaction has none";
}

TEST(Catalog, EveryInverseIsInTheCatalog) {
  Catalog c = Catalog::standard();
  for (const BaseComponent& b : c.all()) {
    EXPECT_TRUE(c.find(b.inverse)) << b.name << " inverts to unknown " << b.inverse;
    for (const LineSig& line : b.lines) {
      if (line.choosable) {
        EXPECT_FALSE(line.choiceRule.empty()) << b.name << "." << line.name;
      }
    }
  }
  EXPECT_EQ(c.at(*c.find("Sum")).inverse, "Diff");
  EXPECT_EQ(c.at(*c.find("Diff")).inverse, "Sum");
}

TEST(Catalog, OnlyLinkCrossesDomains) {
  Catalog c = Catalog::standard();
  for (const BaseComponent& b : c.all()) {
    EXPECT_EQ(b.domain == DomainRule::Cross, b.name == "Link") << b.name;
  }
}

TEST(Catalog, UsersCanAddAComponentWithoutTouchingTheEngine) {
  Catalog c = Catalog::standard();
  BaseComponent neg;
  neg.name = "Negate";
  LineSig x;
  x.name = "x";
  x.type = {false, TypeTable::kInt, false};
  neg.lines.push_back(x);
  neg.inverse = "Negate";
  ASSERT_TRUE(c.add(neg));
  EXPECT_FALSE(c.add(neg));
  DiagnosticSink diags;
  auto loaded = loadModel("rdc: 1\nsystem:\n  body:\n    - Negate n:\n        x: input a as Int -> output b\n",
                          "t.yaml", c, {}, diags);
  EXPECT_TRUE(loaded) << diags.formatText();
}

// Every base component lints in a minimal system.
TEST(Catalog, EveryBaseComponentLints) {
  const char* systems[] = {
      "- Sum s: {x: input a as Int -> output a, y: input b as Int -> output b}",
      "- Diff s: {x: input a as Int -> output a, y: input b as Int -> output b}",
      "- Inc<-2> s: {x: input a as Int -> output a}",
      "- CSwap s: {c: choose -> output c, t1: input a as Int -> output a, t2: input b as Int -> output b}",
      "- Def s: {x: input a as Bool -> output a, y: choose -> output b}",
      "- Fn s: {expr: 'a + 1', a: input a as Int -> output a, r: choose -> output r}",
      "- Sync<2> s: {'l[0]': input a as Int -> output a, 'l[1]': input b as Bool -> output b}",
      "- Delay s: {d: const 5ms -> drop, v: input a as Int -> output a}",
      "- Select<2> s: {choice: choose -> drop, options: input o as Int -> drop, chosen: choose -> output c}",
      "- Quorum<3, 2> s: {votes: input v as Int -> drop, value: choose -> output c}",
      "- Link s: {snd: input a as Int -> drop, rcv: choose -> output b}",
  };
  Catalog catalog = Catalog::standard();
  for (const char* body : systems) {
    auto b = test::build(std::string("rdc: 1\nsystem:\n  body:\n    ") + body + "\n");
    ASSERT_TRUE(b.loaded) << body << "\n" << b.diags.formatText();
    for (const LintPass& pass : standardLintPasses()) pass.run(b.loaded->model, b.loaded->graph, catalog, b.diags);
    EXPECT_FALSE(b.diags.hasErrors()) << body << "\n" << b.diags.formatText();
  }
}

}  // namespace
}  // namespace rdc
