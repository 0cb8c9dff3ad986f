#include "ir/io/ir_io.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <gtest/gtest.h>

#include <sstream>

#include "ir/graph/project.h"
#include "ir/io/rdc_ir.capnp.h"

#include "tests/unit/test_support.h"

namespace rdc {
namespace {

void expectSameGraph(const Graph& a, const Graph& b) {
  const Catalog catalog = Catalog::standard();
  ASSERT_EQ(a.instances.size(), b.instances.size());
  for (size_t i = 0; i < a.instances.size(); ++i) {
    EXPECT_EQ(a.instancePath(static_cast<uint32_t>(i)), b.instancePath(static_cast<uint32_t>(i)));
    EXPECT_EQ(a.instances[i].base, b.instances[i].base);
    EXPECT_EQ(a.args(a.instances[i]), b.args(b.instances[i]));
    EXPECT_EQ(a.instances[i].firstLine, b.instances[i].firstLine);
    EXPECT_EQ(a.fnArgs(a.instances[i]), b.fnArgs(b.instances[i]));
  }
  ASSERT_EQ(a.lines.size(), b.lines.size());
  for (size_t l = 0; l < a.lines.size(); ++l) {
    const FlatLine &x = a.lines[l], &y = b.lines[l];
    EXPECT_EQ(x.instance, y.instance);
    EXPECT_EQ(x.sig, y.sig);
    EXPECT_EQ(a.element(catalog, static_cast<uint32_t>(l)), b.element(catalog, static_cast<uint32_t>(l)));
    EXPECT_EQ(a.types.name(x.type), b.types.name(y.type));
    EXPECT_EQ(x.domain, y.domain);
    EXPECT_EQ(x.source.kind, y.source.kind);
    EXPECT_EQ(x.source.ref, y.source.ref);
    EXPECT_EQ(x.sink.kind, y.sink.kind);
    EXPECT_EQ(x.sink.ref, y.sink.ref);
    EXPECT_EQ(a.linePos(static_cast<uint32_t>(l)).line, b.linePos(static_cast<uint32_t>(l)).line);
    EXPECT_EQ(a.linePos(static_cast<uint32_t>(l)).col, b.linePos(static_cast<uint32_t>(l)).col);
  }
  EXPECT_EQ(a.constants, b.constants);
  EXPECT_EQ(a.domains, b.domains);
  EXPECT_EQ(a.params, b.params);
  ASSERT_EQ(a.outputs.size(), b.outputs.size());
  for (size_t i = 0; i < a.outputs.size(); ++i) EXPECT_EQ(a.outputs[i].name, b.outputs[i].name);
  ASSERT_EQ(a.inputs.size(), b.inputs.size());
  for (size_t i = 0; i < a.inputs.size(); ++i) EXPECT_EQ(a.inputs[i].arrival, b.inputs[i].arrival);
  ASSERT_EQ(a.unbounded.has_value(), b.unbounded.has_value());
  if (!a.unbounded) return;
  EXPECT_EQ(a.unbounded->var, b.unbounded->var);
  EXPECT_EQ(a.unbounded->end, b.unbounded->end);
  EXPECT_EQ(a.unbounded->openPorts, b.unbounded->openPorts);
  for (size_t k = 0; k < a.unbounded->window.size(); ++k) {
    EXPECT_EQ(a.unbounded->window[k].line, b.unbounded->window[k].line);
    EXPECT_EQ(a.unbounded->window[k].outputs, b.unbounded->window[k].outputs);
  }
  ASSERT_EQ(a.unbounded->streams.size(), b.unbounded->streams.size());
  for (size_t k = 0; k < a.unbounded->streams.size(); ++k) {
    EXPECT_EQ(a.unbounded->streams[k].value, b.unbounded->streams[k].value);
    EXPECT_EQ(a.unbounded->streams[k].arrival, b.unbounded->streams[k].arrival);
    EXPECT_EQ(a.unbounded->streams[k].env, b.unbounded->streams[k].env);
  }
}

class IrRoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(IrRoundTrip, YamlToIrAndBackGivesTheSameGraph) {
  std::string path = std::string(RDC_SOURCE_DIR) + "/examples/" + GetParam() + "/" + GetParam() + ".rdc.yaml";
  auto b = test::build(test::readFile(path));
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  Catalog catalog = Catalog::standard();
  std::string bytes = writeIr(*b.loaded, catalog, b.diags);
  ASSERT_TRUE(looksLikeIr(bytes));
  DiagnosticSink diags;
  auto back = readIr(bytes, "x.ir", catalog, diags);
  ASSERT_TRUE(back) << diags.formatText();
  expectSameGraph(b.loaded->graph, back->graph);
  EXPECT_EQ(back->model.name, b.loaded->model.name);
  EXPECT_EQ(back->model.components.size(), b.loaded->model.components.size());
  EXPECT_EQ(back->model.checks.size(), b.loaded->model.checks.size());
  // The stored model elaborates to the same graph again.
  auto again = elaborate(back->model, catalog, {}, diags);
  ASSERT_TRUE(again) << diags.formatText();
  expectSameGraph(b.loaded->graph, *again);
  // And positions still name the original file.
  ASSERT_FALSE(back->graph.outputs.empty());
  EXPECT_EQ(diags.files()[back->graph.outputs[0].pos.file], "test.rdc.yaml");
}

INSTANTIATE_TEST_SUITE_P(Examples, IrRoundTrip,
                         ::testing::Values("basics", "bracha", "rb-over-cb", "tendermint", "rb-stream", "rb-bounded"));

// A stream gets the graph's lists as they are written, a chunk at a time
// (2 MiB each): the bytes are those written whole.
TEST(IrWrite, AStreamGetsTheSameBytesAsAString) {
  LoadOptions options{.defines = {{"n", "100"}}, .lint = false};
  auto b = test::build(test::readFile(std::string(RDC_SOURCE_DIR) + "/examples/bracha/bracha.rdc.yaml"), options);
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  Catalog catalog = Catalog::standard();
  std::string whole = writeIr(*b.loaded, catalog, b.diags);
  ASSERT_GT(whole.size(), size_t{4} << 20);  // the lists span several chunks
  std::ostringstream streamed;
  writeIr(*b.loaded, catalog, b.diags, streamed);
  EXPECT_TRUE(streamed.str() == whole);
}

TEST(IrRead, AProjectionMustFitItsModel) {
  auto b = test::build(test::readFile(std::string(RDC_SOURCE_DIR) + "/examples/rb-stream/rb-stream.rdc.yaml"));
  ASSERT_TRUE(b.loaded) << b.diags.formatText();
  Catalog catalog = Catalog::standard();
  auto part = projectOnto(*b.loaded, catalog, {"node[1]"}, b.diags);
  ASSERT_TRUE(part) << b.diags.formatText();
  auto reads = [&](const LoadedModel& m) {
    DiagnosticSink diags;  // (writing names the model's files from the diagnostics it was read with)
    return readIr(writeIr(m, catalog, b.diags), "x.ir", catalog, diags).has_value();
  };
  EXPECT_TRUE(reads(*part));  // the window and its gateways verify
  LoadedModel bad = *part;
  bad.projection = {"node[9]"};
  EXPECT_FALSE(reads(bad));
  bad.projection = {"node[1]", "node[1]"};
  EXPECT_FALSE(reads(bad));
  bad.projection = {"node[2]"};  // its lines are node[1]'s
  EXPECT_FALSE(reads(bad));
  uint32_t gateway = 0;
  while (!part->graph.inputs[gateway].isGateway()) ++gateway;
  for (const char* peer : {"node[9]", "node[1]", ""}) {  // no such domain, itself, none
    bad = *part;
    bad.graph.inputs[gateway].peer = peer;
    EXPECT_FALSE(reads(bad)) << peer;
  }
  bad = *part;
  bad.graph.inputs[gateway].gateway = "rb[2].send.link[1]";  // the Link its name does not say
  EXPECT_FALSE(reads(bad));
}

TEST(IrRead, EveryTruncationIsRejected) {
  auto b = test::build(test::readFile(RDC_SOURCE_DIR "/examples/basics/basics.rdc.yaml"));
  ASSERT_TRUE(b.loaded);
  Catalog catalog = Catalog::standard();
  std::string bytes = writeIr(*b.loaded, catalog, b.diags);
  for (size_t cut = 0; cut < bytes.size(); cut += 8) {
    DiagnosticSink diags;
    EXPECT_FALSE(readIr(bytes.substr(0, cut), "x.ir", catalog, diags)) << cut;
    EXPECT_TRUE(diags.hasErrors());
    EXPECT_EQ(diags.all()[0].code, "ir-malformed");
  }
}

TEST(IrRead, ForeignMessagesAreRejected) {
  Catalog catalog = Catalog::standard();
  DiagnosticSink diags;
  std::string zeros(64, '\0');
  EXPECT_FALSE(readIr(zeros, "x.ir", catalog, diags));
  // A well-formed Cap'n Proto message that is not rdc IR (its magic is unset).
  capnp::MallocMessageBuilder message;
  message.initRoot<schema::IrFile>().setVersion(1);
  auto words = capnp::messageToFlatArray(message);
  std::string bytes(reinterpret_cast<const char*>(words.asBytes().begin()), words.asBytes().size());
  EXPECT_FALSE(readIr(bytes, "x.ir", catalog, diags));
  EXPECT_NE(diags.formatText().find("magic"), std::string::npos) << diags.formatText();
}

// IR of the first format (paths and arguments stored per instance) is
// refused with its version named, not read as garbage.
TEST(IrRead, AnOlderVersionIsNamed) {
  Catalog catalog = Catalog::standard();
  DiagnosticSink diags;
  capnp::MallocMessageBuilder message;
  auto root = message.initRoot<schema::IrFile>();
  root.setMagic(schema::IR_MAGIC);
  root.setVersion(schema::IR_VERSION - 1);
  auto words = capnp::messageToFlatArray(message);
  std::string bytes(reinterpret_cast<const char*>(words.asBytes().begin()), words.asBytes().size());
  EXPECT_FALSE(readIr(bytes, "old.ir", catalog, diags));
  std::string expected = "IR version " + std::to_string(schema::IR_VERSION - 1) + ", this tool reads version " +
                         std::to_string(schema::IR_VERSION);
  EXPECT_NE(diags.formatText().find(expected), std::string::npos) << diags.formatText();
}

// A line keeps its ends in 3 bits of kind and 29 of reference, and its type
// in 16 bits: a file whose values do not fit is refused, not cut to fit (a
// reference cut to 29 bits could name another line that exists).
TEST(IrRead, LineFieldsThatDoNotFitAreRefused) {
  auto b = test::build(test::readFile(RDC_SOURCE_DIR "/examples/basics/basics.rdc.yaml"));
  ASSERT_TRUE(b.loaded);
  Catalog catalog = Catalog::standard();
  std::string bytes = writeIr(*b.loaded, catalog, b.diags);
  auto edited = [&](auto edit) {
    kj::Array<capnp::word> words = kj::heapArray<capnp::word>(bytes.size() / sizeof(capnp::word));
    memcpy(words.begin(), bytes.data(), bytes.size());
    capnp::FlatArrayMessageReader reader(words);
    capnp::MallocMessageBuilder message;
    message.setRoot(reader.getRoot<schema::IrFile>());
    edit(message.getRoot<schema::IrFile>().getGraph().getLines()[0]);
    auto out = capnp::messageToFlatArray(message);
    return std::string(reinterpret_cast<const char*>(out.asBytes().begin()), out.asBytes().size());
  };
  auto refusal = [&](const std::string& ir) {
    DiagnosticSink diags;
    EXPECT_FALSE(readIr(ir, "x.ir", catalog, diags));
    return diags.formatText();
  };
  EXPECT_NE(refusal(edited([](auto l) {
              l.setSourceKind(static_cast<schema::EndpointKind>(9));
            })).find("an endpoint of kind 9"),
            std::string::npos);
  uint32_t past = Endpoint::kNoRef + 1;  // cut to 29 bits: line 0
  EXPECT_NE(refusal(edited([&](auto l) { l.setSinkRef(past); })).find("reference " + std::to_string(past)),
            std::string::npos);
  EXPECT_NE(refusal(edited([](auto l) { l.setType(70000); })).find("a line of type 70000"), std::string::npos);
  EXPECT_NE(refusal(edited([](auto l) {
              l.setSinkKind(schema::EndpointKind::DROP);
              l.setSinkRef(5);
            })).find("drop end with a reference (5)"),
            std::string::npos);
  DiagnosticSink diags;
  EXPECT_TRUE(readIr(edited([](auto) {}), "x.ir", catalog, diags)) << diags.formatText();
}

TEST(IrRead, YamlIsNotMistakenForIr) {
  EXPECT_FALSE(looksLikeIr("rdc: 1\n"));
  EXPECT_FALSE(looksLikeIr(""));
  EXPECT_TRUE(looksLikeIr(std::string("\0\0\0\0\x10\0\0\0", 8)));
}

}  // namespace
}  // namespace rdc
