#include "ir/model/syntax.h"

#include <gtest/gtest.h>

namespace rdc {
namespace {

TEST(Syntax, InstanceKeyWithArgsIndicesAndDomain) {
  DiagnosticSink diags;
  Item item;
  ASSERT_TRUE(syntax::instanceKey("Quorum<n, n - f> q[i][j + 1] @ node[i]", {0, 3, 5}, item, diags));
  EXPECT_EQ(item.component, "Quorum");
  ASSERT_EQ(item.args.size(), 2u);
  EXPECT_EQ(item.args[1].text, "n - f");
  EXPECT_EQ(item.args[1].pos.col, 5u + 10u);
  EXPECT_EQ(item.name, "q");
  EXPECT_EQ(item.indices.size(), 2u);
  ASSERT_TRUE(item.domain);
  EXPECT_EQ(item.domain->family, "node");
  EXPECT_EQ(item.domain->pos.col, 5u + 31u);
}

TEST(Syntax, TermsOfEveryKind) {
  DiagnosticSink diags;
  auto kind = [&](const std::string& text) { return syntax::term(text, {0, 1, 1}, diags)->kind; };
  EXPECT_EQ(kind("choose"), Term::Kind::Choose);
  EXPECT_EQ(kind("never"), Term::Kind::Never);
  EXPECT_EQ(kind("drop"), Term::Kind::Drop);
  EXPECT_EQ(kind("const (1, true)"), Term::Kind::Const);
  EXPECT_EQ(kind("input bc @ node[sender]"), Term::Kind::Input);
  EXPECT_EQ(kind("output dlvr[i] as Int"), Term::Kind::Output);
  auto wire = syntax::term("echoes'[*][j + 1]", {0, 1, 1}, diags);
  ASSERT_TRUE(wire);
  EXPECT_EQ(wire->kind, Term::Kind::Wire);
  EXPECT_TRUE(wire->primed);
  ASSERT_EQ(wire->indices.size(), 2u);
  EXPECT_TRUE(wire->indices[0].star);
  EXPECT_EQ(wire->indices[1].expr.text, "j + 1");
  auto typed = syntax::term("input start as Opt<Int> @ node[0]", {0, 1, 1}, diags);
  EXPECT_EQ(typed->typeText, "Opt<Int>");
  EXPECT_FALSE(diags.hasErrors());
}

TEST(Syntax, BadFormsAreDiagnosedWithColumns) {
  DiagnosticSink diags;
  Term in, out;
  // (Each on its own line: problems of one code at one place are reported once.)
  EXPECT_FALSE(syntax::arrow("a -> b -> c", {0, 2, 4}, in, out, diags));
  EXPECT_FALSE(syntax::arrow("choose", {0, 3, 4}, in, out, diags));
  EXPECT_FALSE(syntax::term("w[1", {0, 4, 4}, diags));
  EXPECT_FALSE(syntax::term("choose now", {0, 5, 4}, diags));
  Item item;
  EXPECT_FALSE(syntax::instanceKey("Sum", {0, 6, 4}, item, diags));
  EXPECT_EQ(diags.errorCount(), 5u);
  EXPECT_EQ(diags.all()[3].pos.col, 4u + 7u);  // "now"
}

TEST(Syntax, ForHeadersWithSeveralVariables) {
  DiagnosticSink diags;
  std::vector<LoopVar> loops;
  ASSERT_TRUE(syntax::forHeader("i in 0..n, j in i + 1..n", {0, 1, 1}, loops, diags));
  ASSERT_EQ(loops.size(), 2u);
  EXPECT_EQ(loops[1].name, "j");
  EXPECT_EQ(loops[1].lo.text, "i + 1");
  EXPECT_FALSE(syntax::forHeader("i from 0 to n", {0, 1, 1}, loops, diags));
}

// `on demand` ends the header of a one-variable bounded range, and only that.
TEST(Syntax, OnDemandMarksABoundedRangeOfOneVariable) {
  DiagnosticSink diags;
  std::vector<LoopVar> loops;
  ASSERT_TRUE(syntax::forHeader("k in 0..K * 2 on demand", {0, 1, 1}, loops, diags));
  ASSERT_EQ(loops.size(), 1u);
  EXPECT_TRUE(loops[0].onDemand);
  EXPECT_TRUE(loops[0].windowed());
  EXPECT_EQ(loops[0].hi.text, "K * 2");
  loops.clear();
  ASSERT_TRUE(syntax::forHeader("k in 0..K", {0, 1, 1}, loops, diags));
  EXPECT_FALSE(loops[0].onDemand || loops[0].windowed());
  for (const char* bad : {"k in 0.. on demand", "k in 0..K, i in 0..2 on demand", "on demand"}) {
    DiagnosticSink refused;
    loops.clear();
    EXPECT_FALSE(syntax::forHeader(bad, {0, 1, 1}, loops, refused)) << bad;
    EXPECT_GT(refused.errorCount(), 0u) << bad;
  }
  // Any blanks between and before the words; the marker anywhere but at the end is the rule's error.
  for (const char* spaced : {"k in 0..K  on demand", "k in 0..K on\tdemand", "k in 0..K\ton   demand  "}) {
    loops.clear();
    ASSERT_TRUE(syntax::forHeader(spaced, {0, 1, 1}, loops, diags)) << spaced;
    EXPECT_TRUE(loops[0].onDemand) << spaced;
    EXPECT_EQ(loops[0].hi.text, "K") << spaced;
  }
  for (const char* misplaced : {"k in 0..K on demand, j in 0..2", "k in 0..K on  demand x"}) {
    DiagnosticSink refused;
    loops.clear();
    EXPECT_FALSE(syntax::forHeader(misplaced, {0, 1, 1}, loops, refused)) << misplaced;
    ASSERT_EQ(refused.all().size(), 1u) << misplaced;
    EXPECT_EQ(refused.all()[0].code, "syntax") << misplaced;
    EXPECT_NE(refused.all()[0].message.find("`on demand` ends the header"), std::string::npos) << misplaced;
  }
  loops.clear();  // (a word that only contains the marker's letters is no marker)
  ASSERT_TRUE(syntax::forHeader("k in 0..Kon", {0, 1, 1}, loops, diags));
  EXPECT_FALSE(loops[0].onDemand);
}

TEST(Syntax, LineTypesWithDimensions) {
  DiagnosticSink diags;
  LineDecl line;
  ASSERT_TRUE(syntax::lineType("Opt<(Int, Bool)>[n][2]", {0, 1, 1}, line, diags));
  EXPECT_EQ(line.typeText, "Opt<(Int, Bool)>");
  EXPECT_EQ(line.dims.size(), 2u);
}
}  // namespace
}  // namespace rdc

namespace rdc {
namespace {

TEST(Syntax, InputDefaultsAndTypes) {
  DiagnosticSink diags;
  auto t = syntax::term("input bc as Int = 1 @ node[0]", {0, 1, 1}, diags);
  ASSERT_TRUE(t) << diags.formatText();
  EXPECT_EQ(t->typeText, "Int");
  ASSERT_TRUE(t->defaultValue);
  EXPECT_EQ(t->defaultValue->text, "1");
  EXPECT_TRUE(t->domain);
  auto u = syntax::term("input v[i] = (1, true)", {0, 1, 1}, diags);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->indices.size(), 1u);
  EXPECT_EQ(u->defaultValue->text, "(1, true)");
  EXPECT_FALSE(syntax::term("output x = 3", {0, 1, 1}, diags));
}

TEST(Syntax, SetLinesHaveOneDimensionPerElementComponent) {
  DiagnosticSink diags;
  LineDecl line;
  ASSERT_TRUE(syntax::lineType("Set<(Int[0..n], Int[0..k + 1])>[m]", {0, 1, 1}, line, diags));
  EXPECT_TRUE(line.set);
  EXPECT_EQ(line.typeText, "Set<(Int[0..n], Int[0..k + 1])>");
  EXPECT_EQ(line.valueType(), "Unit");
  ASSERT_EQ(line.dims.size(), 1u);
  EXPECT_EQ(line.dims[0].text, "m");
  ASSERT_EQ(line.elementDims.size(), 2u);
  EXPECT_EQ(line.elementDims[0].text, "n");
  EXPECT_EQ(line.elementDims[1].text, "k + 1");
  LineDecl plain;
  ASSERT_TRUE(syntax::lineType("Opt<Int>[2]", {0, 1, 1}, plain, diags));
  EXPECT_FALSE(plain.set);
  EXPECT_EQ(plain.valueType(), "Opt<Int>");
  EXPECT_FALSE(diags.hasErrors());
}

TEST(Syntax, SetOfAnInfiniteTypeIsRefusedAtTheElementType) {
  for (const char* type : {"Set<Int>", "Set<(Int[0..2], Bytes)>", "Set<Int[1..3]>", "Set<Map<Int, Int>>"}) {
    DiagnosticSink diags;
    LineDecl line;
    EXPECT_FALSE(syntax::lineType(type, {0, 1, 1}, line, diags)) << type;
    ASSERT_EQ(diags.errorCount(), 1u) << type;
    EXPECT_EQ(diags.all()[0].code, "set-element") << type;
    EXPECT_GT(diags.all()[0].pos.col, 4u) << type;  // at the element type, not at `Set`
  }
}

TEST(Syntax, SetElementsAreTrailingIndices) {
  DiagnosticSink diags;
  auto element = syntax::term("got'[i]{s, v + 1}", {0, 1, 1}, diags);
  ASSERT_TRUE(element) << diags.formatText();
  ASSERT_EQ(element->indices.size(), 3u);
  EXPECT_EQ(element->indices[0].expr.text, "i");
  EXPECT_EQ(element->indices[1].expr.text, "s");
  EXPECT_EQ(element->indices[2].expr.text, "v + 1");
  Binding key;
  ASSERT_TRUE(syntax::bindingKey("delivered{2}", {0, 1, 1}, key, diags));
  ASSERT_EQ(key.keyIndices.size(), 1u);
  EXPECT_FALSE(diags.hasErrors());
  EXPECT_FALSE(syntax::term("got{}", {0, 2, 1}, diags));
  EXPECT_FALSE(syntax::term("got{1", {0, 3, 1}, diags));
  EXPECT_FALSE(syntax::term("got{1}[2]", {0, 4, 1}, diags));  // the element comes last
  EXPECT_EQ(diags.errorCount(), 3u);
}

}  // namespace
}  // namespace rdc
