// Signed values: their type, order and spelling, how expressions make and
// read them, how traces carry them, and how a forged one is found.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "ir/io/signatures.h"
#include "ir/io/trace_io.h"
#include "ir/lang/expr.h"

namespace rdc {
namespace {

Value sig(int64_t signer, int64_t payload) { return Value::signature(signer, Value::integer(payload)); }

std::optional<Value> eval(const std::string& text, int64_t signer, ExprError* error) {
  ExprPtr e = parseExpr(text, error);
  if (!e) return std::nullopt;
  auto names = [](std::string_view name) -> std::optional<Value> {
    if (name == "s") return Value::signature(2, Value::integer(5));
    if (name == "x") return Value::integer(7);
    return std::nullopt;
  };
  return evalExpr(*e, names, error, nullptr, signer);
}

TEST(Signed, TypeParsesAndPrintsBack) {
  TypeTable types;
  std::string error;
  auto t = types.parse("Signed<(Int, Bool)>", &error);
  ASSERT_TRUE(t) << error;
  EXPECT_EQ(types.node(*t).kind, TypeKind::Signed);
  EXPECT_EQ(types.name(*t), "Signed<(Int, Bool)>");
  EXPECT_EQ(types.parse(types.name(*t), &error), t);
  EXPECT_FALSE(types.parse("Signed<Int", &error));
  EXPECT_TRUE(valueFits(sig(1, 3), types.signedOf(TypeTable::kInt), types));
  EXPECT_FALSE(valueFits(Value::integer(3), types.signedOf(TypeTable::kInt), types));
  EXPECT_FALSE(valueFits(sig(1, 3), types.signedOf(TypeTable::kBool), types));
  EXPECT_EQ(typeOfValue(sig(1, 3), types), types.signedOf(TypeTable::kInt));
}

TEST(Signed, OrderedBySignerThenPayloadAfterMaps) {
  EXPECT_TRUE(sig(1, 9) < sig(2, 0)) << "the signer first";
  EXPECT_TRUE(sig(1, 3) < sig(1, 4)) << "then the payload";
  EXPECT_FALSE(sig(1, 4) < sig(1, 4));
  EXPECT_TRUE(*Value::map({{Value::integer(1), Value::integer(2)}}) < sig(0, 0)) << "after maps";
  EXPECT_EQ(sig(1, 4), sig(1, 4));
  EXPECT_NE(sig(1, 4), sig(2, 4));
  EXPECT_EQ(Value::signature(1, Value::integer(4), std::string(64, 'p')), sig(1, 4)) << "a proof is not contents";
  auto m = Value::map({{sig(2, 0), Value::unit()}, {sig(0, 5), Value::unit()}});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->key(0), sig(0, 5));
}

TEST(Signed, PrintsAsSigAndParsesBack) {
  Value v = Value::signature(2, Value::tuple({Value::integer(5), Value::boolean(true)}));
  EXPECT_EQ(v.str(), "sig(2, (5, true))");
  ExprError error;
  auto back = parseValue(v.str(), &error);
  ASSERT_TRUE(back) << error.message;
  EXPECT_EQ(*back, v);
  EXPECT_FALSE(parseValue("sig(-1, 5)", &error));
  EXPECT_EQ(error.code, "type-mismatch");
}

TEST(Signed, ExpressionsSignInTheirDomainAndVerify) {
  ExprError error;
  EXPECT_EQ(eval("sign(x)", 3, &error), sig(3, 7));
  EXPECT_EQ(eval("signer(s)", 0, &error), Value::integer(2));
  EXPECT_EQ(eval("payload(s)", 0, &error), Value::integer(5));
  EXPECT_EQ(eval("signedBy(s, 2)", 0, &error), Value::boolean(true));
  EXPECT_EQ(eval("signedBy(s, 0)", 0, &error), Value::boolean(false));
  EXPECT_EQ(eval("signedBy(sign(x), 4)", 4, &error), Value::boolean(true));
  EXPECT_FALSE(eval("sign(x)", kNoSigner, &error));
  EXPECT_EQ(error.code, "sign-outside-domain");
  EXPECT_FALSE(eval("sig(2, 5)", 2, &error)) << "a model cannot spell a signature";
  EXPECT_EQ(error.code, "sig-literal");
  EXPECT_FALSE(eval("payload(x)", 0, &error));
  EXPECT_EQ(error.code, "type-mismatch");
}

TEST(Signed, TypingNeedsADomainForSign) {
  TypeTable types;
  TypeId signedInt = types.signedOf(TypeTable::kInt);
  TypeLookup lookup = [&](std::string_view name) -> std::optional<TypeId> {
    if (name == "s") return signedInt;
    if (name == "x") return TypeTable::kInt;
    return std::nullopt;
  };
  auto typeOf = [&](const std::string& text, bool inDomain, ExprError* error) -> std::optional<TypeId> {
    ExprPtr e = parseExpr(text, error);
    return e ? typeOfExpr(*e, lookup, types, error, nullptr, inDomain) : std::nullopt;
  };
  ExprError error;
  EXPECT_EQ(typeOf("sign(x)", true, &error), signedInt);
  EXPECT_EQ(typeOf("payload(sign((x, true)))", true, &error), types.tuple({TypeTable::kInt, TypeTable::kBool}));
  EXPECT_EQ(typeOf("signer(s)", false, &error), TypeTable::kInt);
  EXPECT_EQ(typeOf("signedBy(s, 1)", false, &error), TypeTable::kBool);
  EXPECT_FALSE(typeOf("sign(x)", false, &error));
  EXPECT_EQ(error.code, "sign-outside-domain");
  EXPECT_FALSE(typeOf("signedBy(s, true)", true, &error));
  EXPECT_EQ(error.code, "type-mismatch");
  EXPECT_FALSE(typeOf("signer(x)", true, &error));
  EXPECT_EQ(error.code, "type-mismatch");
  EXPECT_FALSE(typeOf("sig(0, x)", true, &error));
  EXPECT_EQ(error.code, "sig-literal");
}

TEST(Signed, ForeignSignersAreFoundAnywhereInAValue) {
  Value own = Value::tuple({sig(1, 2), *Value::map({{Value::integer(0), sig(1, 3)}})});
  EXPECT_FALSE(foreignSigner(own, 1));
  Value nested = Value::signature(1, Value::tuple({Value::integer(0), sig(0, 8)}));
  EXPECT_EQ(foreignSigner(nested, 1), 0) << "a signature inside one's own";
  EXPECT_EQ(foreignSigner(Value::tuple({sig(1, 2), sig(3, 2)}), 1), 3);
  EXPECT_FALSE(foreignSigner(Value::integer(5), 0));
}

// A trace of three lines: a.x in domain 0, b.y in 1, c.z in 1.
Trace relayTrace(std::vector<TraceEvent> events) {
  Trace t;
  t.header.linePaths = {"a.x", "b.y", "c.z"};
  t.header.domains = {"node[0]", "node[1]"};
  t.header.lineDomains = {0, 1, 1};
  t.events = std::move(events);
  return t;
}

TEST(Signed, AForgedSignatureInATraceIsFound) {
  // Node 0 signs, node 1 receives and relays it: no forgery.
  EXPECT_FALSE(firstForgedSignature(relayTrace({{0, false, 0, How::Chosen, sig(0, 5)},
                                                {1, false, 1, How::Chosen, sig(0, 5)},
                                                {2, false, 1, How::Forced, sig(1, 9)}}),
                                    {}));
  // A lie of node 1 holding node 0's signature of a value node 0 never signed.
  auto forged = firstForgedSignature(relayTrace({{0, false, 0, How::Chosen, sig(0, 5)},
                                                 {2, false, 1, How::Forced, Value::tuple({sig(0, 5), sig(0, 6)})}}),
                                     {});
  ASSERT_TRUE(forged);
  EXPECT_NE(forged->find("sig(0, 6)"), std::string::npos) << *forged;
  EXPECT_NE(forged->find("c.z"), std::string::npos) << *forged;
  // What an input carries is not judged (the network verified it) but counts as seen.
  EXPECT_FALSE(firstForgedSignature(
      relayTrace({{1, false, 0, How::Input, sig(0, 5)}, {2, false, 1, How::Chosen, sig(0, 5)}}), {}));
  // A node's own trace: what the network delivered (a gateway, recorded as
  // the cut Link's choice) is not judged either, and counts as seen.
  std::vector<TraceEvent> delivered{{1, false, 0, How::Chosen, sig(0, 5)}, {2, false, 1, How::Chosen, sig(0, 5)}};
  EXPECT_TRUE(firstForgedSignature(relayTrace(delivered), {}));
  EXPECT_FALSE(firstForgedSignature(relayTrace(delivered), {false, true, false}));
  // A signer the model does not have.
  EXPECT_TRUE(firstForgedSignature(relayTrace({{1, false, 0, How::Chosen, sig(7, 5)}}), {}));
}

TEST(Signed, TracesCarryThem) {
  char path[] = "/tmp/rdc-sig-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  Value v = Value::tuple({sig(1, 5), Value::signature(0, Value::ofBytes("ab"))});
  {
    DiagnosticSink diags;
    auto writer = TraceWriter::open(path, diags, TracePlacement::InPlace);
    ASSERT_TRUE(writer) << diags.formatText();
    TraceHeader h;
    h.until = 1000;
    h.linePaths = {"a.x"};
    h.domains = {"node[0]", "node[1]"};
    h.lineDomains = {1};
    writer->header(h);
    writer->event(0, false, 5, How::Chosen, v);
    writer->event(0, true, 5, How::Computed, v);
    writer->finish(2, 9);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  unlink(path);
  DiagnosticSink diags;
  auto trace = readTrace(bytes.str(), "t.trace", diags);
  ASSERT_TRUE(trace) << diags.formatText();
  ASSERT_EQ(trace->events.size(), 2u);
  EXPECT_EQ(trace->events[0].value, v);
  EXPECT_EQ(trace->events[0].value.str(), "(sig(1, 5), sig(0, \"ab\"))");
}

}  // namespace
}  // namespace rdc
