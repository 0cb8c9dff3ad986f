#include "ir/graph/verify.h"
#include "ir/graph/project.h"
#include "ir/io/ir_io.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <functional>

#include "ir/io/rdc_ir.capnp.h"
#include "tests/unit/test_support.h"

namespace rdc {
namespace {

const char* const kExamples[] = {"basics", "bracha", "rb-over-cb", "tendermint", "rb-stream"};

LoadedModel example(const std::string& name) {
  auto b = test::build(test::readFile(std::string(RDC_SOURCE_DIR) + "/examples/" + name + "/" + name + ".rdc.yaml"));
  EXPECT_TRUE(b.loaded) << b.diags.formatText();
  return std::move(*b.loaded);
}

uint32_t firstInstanceOf(const Graph& g, const Catalog& catalog, const std::string& base) {
  for (uint32_t i = 0; i < g.instances.size(); ++i) {
    if (catalog.at(g.instances[i].base).name == base) return i;
  }
  ADD_FAILURE() << "no " << base;
  return 0;
}

// What elaboration and projection build is sound (the self-check that debug
// builds run after each, run here in every build).
TEST(VerifyGraph, EveryExampleAndEachOfItsProjectionsIsSound) {
  Catalog catalog = Catalog::standard();
  for (const char* name : kExamples) {
    LoadedModel whole = example(name);
    EXPECT_EQ(findGraphFault(whole.graph, catalog), std::nullopt) << name;
    if (whole.graph.unbounded) continue;  // not projected (yet)
    for (const std::string& domain : whole.graph.domains) {
      DiagnosticSink diags;
      auto part = projectOnto(whole, catalog, {domain}, diags);
      ASSERT_TRUE(part) << diags.formatText();
      EXPECT_EQ(findGraphFault(part->graph, catalog), std::nullopt) << name << " on " << domain;
    }
  }
}

// A line's element is its place in its instance's lines: an IR file states
// it, and a stated element that is not the line's place is a fault.
TEST(VerifyGraph, FindsAStatedElementThatIsNotTheLinesPlace) {
  Catalog catalog = Catalog::standard();
  const LoadedModel tendermint = example("tendermint");
  const Graph& g = tendermint.graph;
  std::vector<uint32_t> elements;
  for (uint32_t l = 0; l < g.lines.size(); ++l) elements.push_back(g.element(catalog, l));
  EXPECT_EQ(findGraphFault(g, catalog, elements), std::nullopt);
  uint32_t select = firstInstanceOf(g, catalog, "Select");
  EXPECT_EQ(elements[g.instances[select].firstLine + 2], 1u);  // Select's options[1]
  elements[g.instances[select].firstLine + 1] = 7;
  auto fault = findGraphFault(g, catalog, elements);
  ASSERT_TRUE(fault);
  EXPECT_NE(fault->find("is not line"), std::string::npos) << *fault;
}

// Each way of corrupting a sound graph is found, and named.
TEST(VerifyGraph, FindsEachKindOfInconsistency) {
  Catalog catalog = Catalog::standard();
  const LoadedModel tendermint = example("tendermint");  // has every kind of instance, wire and constant
  const Graph& g = tendermint.graph;
  uint32_t select = firstInstanceOf(g, catalog, "Select"), quorum = firstInstanceOf(g, catalog, "Quorum");
  uint32_t fn = firstInstanceOf(g, catalog, "Fn");
  uint32_t wired = 0;
  while (g.lines[wired].sink.kind != Endpoint::Kind::Wire) ++wired;
  uint32_t constant = 0;
  while (constant < g.lines.size() && g.lines[constant].source.kind != Endpoint::Kind::Const) ++constant;
  ASSERT_LT(constant, g.lines.size());
  uint32_t choice = g.instances[select].firstLine;  // Select's `choice`: an Int
  struct Case {
    const char* what;
    std::function<void(Graph&)> corrupt;
    const char* says;
  };
  const Case cases[] = {
      {"the issue's one-byte change: Select's n", [&](Graph& x) { x.argSets[x.instances[select].args][0] = 11599874; },
       "bundle size"},
      {"a bundle that its lines do not fill", [&](Graph& x) { x.argSets[x.instances[select].args][0] += 1; }, "lines"},
      {"Select with n = 0", [&](Graph& x) { x.argSets[x.instances[select].args][0] = 0; }, "bundle size"},
      {"Quorum's k above n",
       [&](Graph& x) { x.argSets[x.instances[quorum].args][1] = x.argSets[x.instances[quorum].args][0] + 1; },
       "k must be in 1..n"},
      {"a missing argument", [&](Graph& x) { x.argSets[x.instances[quorum].args].pop_back(); }, "arguments"},
      {"an unknown base", [&](Graph& x) { x.instances[0].base = 999; }, "unknown base"},
      {"a line count past the table", [&](Graph& x) { x.instances.back().lineCount += 1; }, "lines"},
      {"a type out of range", [&](Graph& x) { x.lines[0].type = 4000; }, "type"},
      {"a type nested too deep",
       [&](Graph& x) {
         TypeId t = TypeTable::kInt;
         for (int k = 0; k <= TypeTable::kMaxDepth; ++k) t = x.types.signedOf(t);
         x.lines[0].type = static_cast<uint16_t>(t);
       },
       "nested 65 deep"},
      {"a domain out of range", [&](Graph& x) { x.lines[0].domain = 4000; }, "domain"},
      {"a fixed type broken", [&](Graph& x) { x.lines[choice].type = TypeTable::kBytes; }, "must be a Int"},
      {"a wire to nowhere", [&](Graph& x) { x.lines[wired].sink.ref = 8323175; }, "does not exist"},
      {"a wire that does not wire back", [&](Graph& x) { x.lines[wired].sink.ref = wired; }, "wire back"},
      {"a constant out of range", [&](Graph& x) { x.lines[constant].source.ref = 77777; }, "constant"},
      {"a constant of another type", [&](Graph& x) { x.constants[x.lines[constant].source.ref] = Value::ofBytes("x"); },
       "constant"},
      {"an unknown endpoint kind (the 3 bits hold one)",
       [&](Graph& x) { x.lines[0].source.kind = static_cast<Endpoint::Kind>(7); }, "endpoint kind"},
      {"a sink used as a source",
       [&](Graph& x) {
         x.lines[constant].source = {Endpoint::Kind::Drop, kNone};
       },
       "sink kind"},
      {"an output on an input end",
       [&](Graph& x) {
         x.lines[0].source = {Endpoint::Kind::Output, 0};
       },
       "output"},
      {"an output attached elsewhere", [&](Graph& x) { x.outputs[0].line = x.outputs[0].line + 1; }, "output"},
      {"an Fn body out of range", [&](Graph& x) { x.instances[fn].fn = 5000; }, "Fn body"},
      {"an Fn reading an unknown name",
       [&](Graph& x) {
         ExprError e;
         x.fns[x.instances[fn].fn].expr = parseExpr("zz + 1", &e);
       },
       "reads 'zz'"},
      {"two instances of one path", [&](Graph& x) { x.instances[1].node = x.instances[0].node; }, "path"},
      {"a control character in a path", [&](Graph& x) { x.segments[x.tree[x.instances[0].node].segment] += "\x01"; },
       "control characters"},
      {"two tree nodes of one path", [&](Graph& x) { x.tree[x.instances[1].node] = x.tree[x.instances[0].node]; },
       "path"},
      {"a dot in a segment", [&](Graph& x) { x.segments[0] += ".x"; }, "dots"},
      {"a parent after its child", [&](Graph& x) { x.tree[0].parent = 0; }, "parent"},
      {"an argument list out of range", [&](Graph& x) { x.instances[0].args = 999; }, "out of range"},
      {"a line position out of range", [&](Graph& x) { x.lines[0].pos = 999999; }, "out of range"},
  };
  for (const Case& c : cases) {
    Graph broken = g;
    c.corrupt(broken);
    auto fault = findGraphFault(broken, catalog);
    ASSERT_TRUE(fault) << c.what;
    EXPECT_NE(fault->find(c.says), std::string::npos) << c.what << ": " << *fault;
  }
}

// An unbounded box's window is checked as the engine relies on it: the
// iterations follow each other, and iteration 2 is iteration 1 shifted.
TEST(VerifyGraph, FindsEachWayAWindowIsNotPeriodic) {
  Catalog catalog = Catalog::standard();
  const LoadedModel stream = example("rb-stream");
  const Graph& g = stream.graph;
  ASSERT_TRUE(g.unbounded);
  const IterationBlock one = g.unbounded->window[1], two = g.unbounded->window[2];
  uint32_t wired = one.line;
  while (g.lines[wired].sink.kind != Endpoint::Kind::Wire) ++wired;
  struct Case {
    const char* what;
    std::function<void(Graph&)> corrupt;
  };
  const Case cases[] = {
      {"an iteration past the table", [&](Graph& x) { x.unbounded->window[2].lines += 1000000; }},
      {"a gap between iterations", [&](Graph& x) { x.unbounded->window[1].line += 1; }},
      {"iterations of different sizes", [&](Graph& x) { x.unbounded->window[2].outputs -= 1; }},
      {"a line of another type", [&](Graph& x) { x.lines[two.line + 3].type = TypeTable::kBool; }},
      {"a wire to another place",
       [&](Graph& x) {
         uint32_t to = x.lines[wired].sink.ref;
         x.lines[wired].sink.ref = to + 1;  // broken both ways: the verifier names the first it meets
       }},
      {"an extrinsic not named by its iteration", [&](Graph& x) { x.outputs[two.output].name = "dlvr[7][0]"; }},
      {"a stream that is no input of iteration 1", [&](Graph& x) { x.unbounded->streams[0].input = 0; }},
      {"an open port that is not dropped", [&](Graph& x) { x.unbounded->openPorts.push_back(two.line); }},
      {"an on-demand box that ends within its window", [&](Graph& x) { x.unbounded->end = 3; }},
  };
  for (const Case& c : cases) {
    Graph broken = g;
    c.corrupt(broken);
    EXPECT_TRUE(findGraphFault(broken, catalog)) << c.what;
  }
}

// The case end to end: the Bracha IR with a Select's `[2]` made
// `[11599874]` is refused by the reader with `ir-malformed`.
TEST(VerifyGraph, TheReaderRefusesAPatchedSelectArgument) {
  Catalog catalog = Catalog::standard();
  auto b = test::build(test::readFile(std::string(RDC_SOURCE_DIR) + "/examples/bracha/bracha.rdc.yaml"));
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  std::string bytes = writeIr(*b.loaded, catalog, b.diags);
  kj::Array<capnp::word> words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
  memcpy(words.begin(), bytes.data(), bytes.size());
  capnp::FlatArrayMessageReader reader(words);
  capnp::MallocMessageBuilder patched;
  patched.setRoot(reader.getRoot<schema::IrFile>());
  bool found = false;
  auto graph = patched.getRoot<schema::IrFile>().getGraph();
  for (auto inst : graph.getInstances()) {
    if (graph.getBases()[inst.getBase()] == "Select" && !found) {
      // The list is shared by every Select of that size: one patch changes them all.
      auto args = graph.getArgSets()[inst.getArgs()];
      ASSERT_EQ(args[0], 2);
      args.set(0, 11599874);
      found = true;
    }
  }
  ASSERT_TRUE(found);
  kj::Array<capnp::word> patchedWords = capnp::messageToFlatArray(patched);
  auto out = patchedWords.asBytes();
  DiagnosticSink diags;
  auto loaded =
      readIr(std::string(reinterpret_cast<const char*>(out.begin()), out.size()), "bracha.ir", catalog, diags);
  EXPECT_FALSE(loaded);
  ASSERT_EQ(diags.errorCount(), 1u) << diags.formatText();
  EXPECT_EQ(diags.all()[0].code, "ir-malformed");
  EXPECT_NE(diags.all()[0].message.find("11599874"), std::string::npos) << diags.all()[0].message;
}

}  // namespace
}  // namespace rdc
