#include "ir/lang/expr.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace rdc {
namespace {

std::optional<Value> eval(const std::string& text, ExprError* error = nullptr) {
  ExprError local;
  ExprError* e = error ? error : &local;
  ExprPtr expr = parseExpr(text, e);
  if (!expr) return std::nullopt;
  NameLookup lookup = [](std::string_view name) -> std::optional<Value> {
    if (name == "n") return Value::integer(4);
    if (name == "v") return Value::integer(7);
    if (name == "lr") return Value::nil();
    return std::nullopt;
  };
  return evalExpr(*expr, lookup, e);
}

TEST(Expr, IntegerArithmeticFollowsPrecedence) {
  EXPECT_EQ(eval("(n - 1) / 3")->i, 1);
  EXPECT_EQ(eval("1 + 2 * 3 - 4 % 3")->i, 6);
  EXPECT_EQ(eval("-n + 10")->i, 6);
  EXPECT_EQ(eval("min(n, 2) + max(n, 2)")->i, 6);
}

TEST(Expr, ConditionalsNilAndBooleans) {
  EXPECT_EQ(*eval("lr == nil || lr == v ? v : nil"), Value::integer(7));
  EXPECT_EQ(*eval("v > 3 && !(v == 3)"), Value::boolean(true));
  EXPECT_EQ(*eval("false => v / 0 == 1"), Value::boolean(true));  // short-circuit
  EXPECT_EQ(*eval("get(lr, -1) + get(v, -1)"), Value::integer(6));
}

TEST(Expr, DurationsTuplesAndFields) {
  EXPECT_EQ(*eval("3ms + 500us"), Value::duration(3'500'000));
  EXPECT_EQ(*eval("2 * 1s"), Value::duration(2'000'000'000));
  EXPECT_EQ(*eval("(1, true, nil).1"), Value::boolean(true));
  EXPECT_EQ(eval("(1, \"ab\")")->str(), "(1, \"ab\")");
}

TEST(Expr, DecimalDurationsAreExactInNanoseconds) {
  EXPECT_EQ(*eval("1.01ms"), Value::duration(1'010'000));
  EXPECT_EQ(*eval("1.5s + 0.25us"), Value::duration(1'500'000'250));
  EXPECT_EQ(*eval("0.000000001s"), Value::duration(1));
  EXPECT_EQ(*eval("2.50000000000000000000us"), Value::duration(2'500));
  EXPECT_EQ(*eval("9223372036.854775807s"), Value::duration(INT64_MAX));
  EXPECT_EQ(*eval("((1, 2), 3).0.1"), Value::integer(2));  // `0.1` after a `.` is two tuple fields
  ExprError rangeError;
  EXPECT_TRUE(parseExpr("forall i in 0..3: i < 3", &rangeError)) << rangeError.message;  // `0..3` stays a range
  ExprError error;
  for (std::string text : {"1.5ns", "0.0000000001s", "1.0001us"}) {
    EXPECT_FALSE(eval(text, &error)) << text;
    EXPECT_EQ(error.code, "expr-syntax") << text;
    EXPECT_NE(error.message.find("not a whole number of nanoseconds"), std::string::npos) << error.message;
  }
  for (std::string text : {"1.5", "n + 4.0", "(1.25)"}) {  // an Int has no fraction: not `1`'s field 5
    EXPECT_FALSE(eval(text, &error)) << text;
    EXPECT_EQ(error.code, "expr-syntax") << text;
    EXPECT_NE(error.message.find("is not a whole number: an Int has no fraction"), std::string::npos) << error.message;
  }
  EXPECT_FALSE(eval("9223372036.854775808s", &error));
  EXPECT_EQ(error.code, "bad-param");
  EXPECT_NE(error.message.find("too large"), std::string::npos) << error.message;
  std::string why;
  EXPECT_EQ(parseDuration("1.01ms", &why), 1'010'000);
  EXPECT_EQ(parseDuration("0.5ns", &why), std::nullopt);
  EXPECT_NE(why.find("not a whole number of nanoseconds"), std::string::npos) << why;
}

TEST(Expr, ArithmeticErrorsAreReported) {
  ExprError error;
  EXPECT_FALSE(eval("n / (n - 4)", &error));
  EXPECT_EQ(error.code, "div-zero");
  EXPECT_EQ(error.offset, 2u);
  EXPECT_FALSE(eval("9223372036854775807 + 1", &error));
  EXPECT_EQ(error.code, "overflow");
  EXPECT_FALSE(eval("nodes + 1", &error));
  EXPECT_EQ(error.code, "unknown-name");
}

TEST(Expr, SyntaxErrorsCarryOffsets) {
  ExprError error;
  EXPECT_EQ(parseExpr("(3 + ) * 2", &error), nullptr);
  EXPECT_EQ(error.code, "expr-syntax");
  EXPECT_EQ(error.offset, 5u);
  EXPECT_EQ(parseExpr("3 $ 4", &error), nullptr);
  EXPECT_EQ(error.offset, 2u);
  EXPECT_EQ(parseExpr("5 parsecs", &error), nullptr);
  EXPECT_EQ(parseExpr("5xs", &error), nullptr);
}

TEST(Expr, DeepNestingIsRejectedNotOverflowed) {
  ExprError error;
  std::string deep(100000, '(');
  EXPECT_EQ(parseExpr(deep, &error), nullptr);
  EXPECT_EQ(error.code, "expr-syntax");
  std::string negations(100000, '-');
  EXPECT_EQ(parseExpr(negations + "1", &error), nullptr);
}

// `TERM op TERM op ...` with `terms` terms: a left-associative chain as deep as it is long.
std::string chain(size_t terms, const std::string& term, const std::string& op) {
  std::string text = term;
  for (size_t i = 1; i < terms; ++i) text += op + term;
  return text;
}

TEST(Expr, ChainsAsDeepAsTheLimitParseAndEvaluate) {
  ExprError error;
  ExprPtr sum = parseExpr(chain(kMaxExprDepth, "1", "+"), &error);
  ASSERT_NE(sum, nullptr) << error.message;
  EXPECT_EQ(sum->height, kMaxExprDepth);
  EXPECT_EQ(eval(chain(kMaxExprDepth, "1", "+"))->i, static_cast<int64_t>(kMaxExprDepth));
  EXPECT_EQ(*eval(chain(kMaxExprDepth, "true", " && ")), Value::boolean(true));
  EXPECT_EQ(*eval(std::string(kMaxExprDepth - 1, '(') + "n" + std::string(kMaxExprDepth - 1, ')')), Value::integer(4));
}

TEST(Expr, ChainsOneDeeperThanTheLimitAreRefusedAtTheOperator) {
  ExprError error;
  std::string text = chain(kMaxExprDepth + 1, "1", "+");
  EXPECT_EQ(parseExpr(text, &error), nullptr);
  EXPECT_EQ(error.code, "expr-syntax");
  EXPECT_EQ(error.offset, text.rfind('+'));  // the operator that made the tree too deep
  EXPECT_NE(error.message.find(std::to_string(kMaxExprDepth)), std::string::npos);
  // Parentheses count as levels, as in `((n))`, and so do the nodes below them.
  EXPECT_EQ(parseExpr(std::string(kMaxExprDepth, '(') + "n" + std::string(kMaxExprDepth, ')'), &error), nullptr);
  EXPECT_EQ(parseExpr("(" + chain(kMaxExprDepth, "1", "+") + ")", &error), nullptr);
  EXPECT_EQ(parseExpr(chain(kMaxExprDepth, "a", "=>") + "=> b", &error), nullptr);  // right-associative
  std::string indexed = "x";
  for (uint32_t i = 0; i < kMaxExprDepth; ++i) indexed += "[0]";
  EXPECT_EQ(parseExpr(indexed, &error), nullptr);
  EXPECT_EQ(parseExpr("forall i in 0..2: " + chain(kMaxExprDepth, "true", " && "), &error), nullptr);
}

TEST(Expr, ChainsFromTheIssueAreRefusedNotOverflowed) {
  ExprError error;
  EXPECT_EQ(parseExpr(chain(160'000, "1", "+"), &error), nullptr);
  EXPECT_EQ(error.code, "expr-syntax");
  EXPECT_EQ(parseExpr(chain(50'000, "has(x)", " && "), &error), nullptr);
  EXPECT_EQ(error.code, "expr-syntax");
}

TEST(Expr, QuantifiersParseAndListFreeNames) {
  ExprError error;
  ExprPtr e = parseExpr("forall i, j in correct(node): has(dlvr[i]) => dlvr[i] == dlvr[j] + k", &error);
  ASSERT_NE(e, nullptr) << error.message;
  EXPECT_EQ(e->kind, Expr::Kind::Quant);
  EXPECT_EQ(e->vars, (std::vector<std::string>{"i", "j"}));
  EXPECT_EQ(freeNames(*e), (std::vector<std::string>{"node", "dlvr", "k"}));
}

TEST(Expr, TheParserResolvesOperatorsAndCalls) {
  auto opOf = [](const std::string& text) {
    ExprError error;
    ExprPtr e = parseExpr(text, &error);
    EXPECT_NE(e, nullptr) << text << ": " << error.message;
    return e ? e->op : Expr::Op::None;
  };
  EXPECT_EQ(opOf("a <= b"), Expr::Op::Le);
  EXPECT_EQ(opOf("a => b => c"), Expr::Op::Implies);
  EXPECT_EQ(opOf("(a % b)"), Expr::Op::Mod);  // parentheses keep the node's op
  EXPECT_EQ(opOf("-a"), Expr::Op::Neg);
  EXPECT_EQ(opOf("!a"), Expr::Op::Not);
  EXPECT_EQ(opOf("max(a, b)"), Expr::Op::Max);
  EXPECT_EQ(opOf("max(a)"), Expr::Op::OtherCall);  // built-ins are known by name and arity
  EXPECT_EQ(opOf("has(x[1])"), Expr::Op::Has);
  EXPECT_EQ(opOf("correct(node)"), Expr::Op::Correct);
  EXPECT_EQ(opOf("exists i in 0..2: i == 1"), Expr::Op::Exists);
  EXPECT_EQ(opOf("a[1]"), Expr::Op::None);
  EXPECT_EQ(opOf("x"), Expr::Op::None);
}

// Every node of a parsed tree has its own id, each above its kids' (hosts keep facts by it).
void expectPostorder(const Expr& e, std::vector<bool>& seen) {
  ASSERT_LT(e.id, seen.size());
  EXPECT_FALSE(seen[e.id]) << e.id;
  seen[e.id] = true;
  for (const ExprPtr& k : e.kids) {
    EXPECT_LT(k->id, e.id);
    expectPostorder(*k, seen);
  }
}

TEST(Expr, NodesAreNumberedInPostorder) {
  ExprError error;
  ExprPtr e = parseExpr("forall i, j in correct(node): (has(d[i]) && has(d[j])) => d[i].0 == -(d[j], 1).1", &error);
  ASSERT_NE(e, nullptr) << error.message;
  std::vector<bool> seen(e->id + 1, false);
  expectPostorder(*e, seen);
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), static_cast<long>(seen.size()));  // dense: 0..root
}

TEST(Expr, NamesResolveByTextOrByNode) {
  ExprError error;
  ExprPtr e = parseExpr("x + x * 2", &error);
  ASSERT_NE(e, nullptr);
  auto byText = [](std::string_view name) -> std::optional<Value> {
    return name == "x" ? std::optional(Value::integer(3)) : std::nullopt;
  };
  EXPECT_EQ(evalExpr(*e, byText, &error), Value::integer(9));
  // A lookup given the node tells the two uses of x apart.
  const Expr* first = e->kids[0].get();
  auto byNode = [first](const Expr& name) -> std::optional<Value> { return Value::integer(&name == first ? 1 : 5); };
  EXPECT_EQ(evalExpr(*e, byNode, &error), Value::integer(11));
}

// The type of an expression's text as its name, or "error: CODE".
std::string typeName(const std::string& text, const TypeLookup& lookup, TypeTable& types) {
  ExprError error;
  ExprPtr e = parseExpr(text, &error);
  auto t = typeOfExpr(*e, lookup, types, &error);
  return t ? types.name(*t) : "error: " + error.code;
}

TEST(Expr, TypesOfFnExpressions) {
  TypeTable types;
  TypeLookup lookup = [&](std::string_view name) -> std::optional<TypeId> {
    if (name == "v") return TypeTable::kInt;
    if (name == "lr") return types.opt(TypeTable::kInt);
    if (name == "t") return TypeTable::kDuration;
    return std::nullopt;
  };
  auto typeOf = [&](const std::string& text) { return typeName(text, lookup, types); };
  EXPECT_EQ(typeOf("lr == nil || lr == v ? v : nil"), "Opt<Int>");
  EXPECT_EQ(typeOf("v + 1"), "Int");
  EXPECT_EQ(typeOf("t * 2"), "Duration");
  EXPECT_EQ(typeOf("(v, t)"), "(Int, Duration)");
  EXPECT_EQ(typeOf("v + t"), "error: type-mismatch");
  EXPECT_EQ(typeOf("v ? 1 : 2"), "error: type-mismatch");
  EXPECT_EQ(typeOf("nil"), "error: type-mismatch");
  EXPECT_EQ(typeOf("get(v > 1 ? v : nil, 0)"), "Int");
  EXPECT_EQ(typeOf("get(v > 1 ? v : nil, t)"), "error: type-mismatch");
  EXPECT_EQ(typeOf("w"), "error: unknown-name");
}

TEST(Value, LiteralSpellingRoundTrips) {
  for (const char* text : {"5", "-3", "true", "nil", "()", "3ms", "1500us", "\"a\\\"b\\x01\"", "(1, (true, 2s))", "{}",
                           "{3: (1, nil), -1: (2, 5)}", "{\"b\": {1: 2}, \"a\": {}}"}) {
    ExprError error;
    auto v = parseValue(text, &error);
    ASSERT_TRUE(v) << text << ": " << error.message;
    auto again = parseValue(v->str(), &error);
    ASSERT_TRUE(again) << v->str();
    EXPECT_EQ(*v, *again) << text;
  }
}

TEST(Value, EveryIntRoundTripsThroughItsSpelling) {
  for (int64_t i : {INT64_MIN, INT64_MIN + 1, int64_t{-10}, int64_t{-1}, int64_t{0}, int64_t{7}, INT64_MAX}) {
    ExprError error;
    auto v = parseValue(Value::integer(i).str(), &error);
    ASSERT_TRUE(v) << i << ": " << error.message;
    EXPECT_EQ(*v, Value::integer(i));
  }
  ExprError error;
  EXPECT_FALSE(parseValue("9223372036854775808", &error));  // one past the largest
}

TEST(Value, MapsKeepTheirKeysInOrderAndCompareByEntries) {
  auto m = eval("{3: 30, 1: 10, 2: 20}");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->str(), "{1: 10, 2: 20, 3: 30}");
  EXPECT_EQ(*m, *eval("{1: 10, 2: 20, 3: 30}"));
  EXPECT_TRUE(*eval("{1: 10}") < *eval("{1: 11}"));
  EXPECT_TRUE(*eval("{1: 10}") < *eval("{1: 10, 0: 5}") || *eval("{1: 10, 0: 5}") < *eval("{1: 10}"));
  ASSERT_TRUE(m->find(Value::integer(2)));
  EXPECT_EQ(*m->find(Value::integer(2)), Value::integer(20));
  EXPECT_FALSE(m->find(Value::integer(4)));
  ExprError error;
  EXPECT_FALSE(eval("{1: 2, 1: 3}", &error));
  EXPECT_EQ(error.code, "duplicate-key");
}

TEST(Expr, MapFunctions) {
  const char* m = "{0: (1, 5), 2: (1, 5), 3: (2, 9)}";
  auto with = [&](const std::string& call) { return eval(std::string(call).replace(call.find('M'), 1, m)); };
  EXPECT_EQ(with("size(M)")->i, 3);
  EXPECT_EQ(with("contains(M, 2)")->i, 1);
  EXPECT_EQ(with("contains(M, 1)")->i, 0);
  EXPECT_EQ(with("count(M, (1, 5))")->i, 2);
  EXPECT_EQ(with("get(M, 3, (0, 0))")->str(), "(2, 9)");
  EXPECT_EQ(with("get(M, 7, (0, 0))")->str(), "(0, 0)");
  EXPECT_EQ(with("max(M, (0, 0))")->str(), "(2, 9)");
  EXPECT_EQ(with("min(M, (0, 0))")->str(), "(1, 5)");
  EXPECT_EQ(eval("max({}, 4)")->i, 4);  // the default of an empty map
  EXPECT_EQ(with("insert(M, 2, (7, 7))")->str(), "{0: (1, 5), 2: (7, 7), 3: (2, 9)}");
  ExprError error;
  EXPECT_FALSE(eval("size(3)", &error));
  EXPECT_EQ(error.code, "type-mismatch");
}

TEST(Expr, QuantifiersAndFiltersOverMaps) {
  const char* m = "{0: (1, 5), 2: (1, 5), 3: (2, 9)}";
  auto with = [&](const std::string& text) { return eval(std::string(text).replace(text.find('M'), 1, m)); };
  EXPECT_EQ(with("forall v in M: v.0 >= 1")->i, 1);
  EXPECT_EQ(with("forall v in M: v.0 == 1")->i, 0);
  EXPECT_EQ(with("exists k, v in M: k == 3 && v.1 == 9")->i, 1);
  EXPECT_EQ(with("exists k, v in M: k == 1")->i, 0);
  EXPECT_EQ(eval("forall v in {}: false")->i, 1);  // vacuous, as over an empty range
  EXPECT_EQ(eval("exists v in {}: true")->i, 0);
  EXPECT_EQ(with("{v in M: v.0 == 1}")->str(), "{0: (1, 5), 2: (1, 5)}");
  EXPECT_EQ(with("{k, v in M: k > 0 && v.1 > 5}")->str(), "{3: (2, 9)}");
  EXPECT_EQ(with("size({v in M: v == (1, 5)})")->i, 2);
  // A bound variable hides a name of the same spelling, and only inside its body.
  NameLookup v7 = [](std::string_view name) -> std::optional<Value> {
    return name == "v" ? std::optional<Value>(Value::integer(7)) : std::nullopt;
  };
  ExprError error;
  auto e = parseExpr("(forall v in {0: 1}: v == 1) && v == 7", &error);
  ASSERT_TRUE(e) << error.message;
  EXPECT_EQ(evalExpr(*e, v7, &error)->i, 1);
  EXPECT_EQ(freeNames(*e), std::vector<std::string>{"v"});
  // Short-circuit: an entry after the deciding one is not evaluated.
  EXPECT_EQ(eval("exists v in {0: 1, 1: 0}: 1 / v == 1")->i, 1);
  EXPECT_FALSE(eval("forall v in 3: true", &error));
  EXPECT_EQ(error.code, "type-mismatch");
  EXPECT_FALSE(eval("forall a, b, c in {0: 1}: true", &error));
  EXPECT_EQ(error.code, "expr-syntax");
  EXPECT_FALSE(parseExpr("{i in 0..3: i > 1}", &error));
  EXPECT_EQ(error.code, "expr-syntax");
}

TEST(Expr, MaxByAndMinByPickTheValueWithTheExtremeKeyTheFirstInKeyOrderOnATie) {
  // Prepared certificates (view, value) by sender: the value of the highest view.
  const char* m = "{0: (1, 5), 2: (3, 7), 3: (3, 9), 5: (0, 4)}";
  auto with = [&](const std::string& text) { return eval(std::string(text).replace(text.find('M'), 1, m)); };
  EXPECT_EQ(with("maxBy(c in M: c.0, (-1, 0))")->str(), "(3, 7)");  // views tie at 3: the lower sender
  EXPECT_EQ(with("minBy(c in M: c.0, (-1, 0))")->str(), "(0, 4)");
  EXPECT_EQ(with("maxBy(k, c in M: -k, (-1, 0))")->str(), "(1, 5)");            // keyed by the sender
  EXPECT_EQ(with("minBy(c in M: (c.1 % 2, -c.0), (-1, 0))")->str(), "(0, 4)");  // any key: tuples too
  EXPECT_EQ(eval("maxBy(v in {}: v, 4)")->i, 4);                                // the default of an empty map
  // The default is outside the binding: `v` there is the outer name.
  NameLookup v7 = [](std::string_view name) -> std::optional<Value> {
    return name == "v" ? std::optional<Value>(Value::integer(7)) : std::nullopt;
  };
  ExprError error;
  auto e = parseExpr("maxBy(v in {}: v, v)", &error);
  ASSERT_TRUE(e) << error.message;
  EXPECT_EQ(evalExpr(*e, v7, &error)->i, 7);
  EXPECT_EQ(freeNames(*e), std::vector<std::string>{"v"});
  EXPECT_FALSE(eval("maxBy(v in {0: 1}: 1 / (v - 1), 0)", &error));  // a key's error is the expression's
  EXPECT_EQ(error.code, "div-zero");
  for (const char* bad : {"maxBy(v in {0: 1}: v)", "maxBy(i in 0..3: i, 0)", "minBy(v in {0: 1}: v, 0, 1)"}) {
    EXPECT_FALSE(parseExpr(bad, &error)) << bad;
    EXPECT_EQ(error.code, "expr-syntax") << bad;
  }
  EXPECT_EQ(eval("maxBy({0: 1}, 2)", &error), std::nullopt);  // without a binder, no such function
  EXPECT_EQ(error.code, "unknown-name");
}

TEST(Expr, ABindingNamesEachVariableOnce) {
  ExprError error;
  for (const char* bad : {"maxBy(v, v in {0: 1}: v, 0)", "forall k, k in {0: 1}: k > 0", "exists i, i in 0..3: true",
                          "{k, k in {0: 1}: true}"}) {
    EXPECT_FALSE(parseExpr(bad, &error)) << bad;
    EXPECT_EQ(error.code, "expr-syntax") << bad;
    EXPECT_NE(error.message.find("bound twice"), std::string::npos) << error.message;
  }
}

TEST(Expr, UnionKeepsBothMapsEntriesAndTheSecondsValueOnASharedKey) {
  EXPECT_EQ(eval("union({0: 1, 2: 3}, {2: 4, 5: 6})")->str(), "{0: 1, 2: 4, 5: 6}");
  EXPECT_EQ(eval("union({}, {1: 1})")->str(), "{1: 1}");
  ExprError error;
  EXPECT_FALSE(eval("union({0: 1}, 3)", &error));
  EXPECT_EQ(error.code, "type-mismatch");
}

TEST(Expr, TypesOfMapExpressions) {
  TypeTable types;
  TypeId promises = types.map(TypeTable::kInt, types.tuple({TypeTable::kInt, TypeTable::kInt}));
  TypeLookup lookup = [&](std::string_view name) -> std::optional<TypeId> {
    if (name == "m") return promises;
    if (name == "v") return TypeTable::kInt;
    return std::nullopt;
  };
  auto typeOf = [&](const std::string& text) { return typeName(text, lookup, types); };
  EXPECT_EQ(typeOf("m"), "Map<Int, (Int, Int)>");
  EXPECT_EQ(typeOf("size(m)"), "Int");
  EXPECT_EQ(typeOf("max(m, (-1, v)).1"), "Int");
  EXPECT_EQ(typeOf("count(m, (1, v)) >= 2"), "Bool");
  EXPECT_EQ(typeOf("insert(m, v, (v, v))"), "Map<Int, (Int, Int)>");
  EXPECT_EQ(typeOf("{v: nil, 2: v}"), "Map<Int, Opt<Int>>");
  EXPECT_EQ(typeOf("contains(m, (1, 2))"), "error: type-mismatch");
  EXPECT_EQ(typeOf("count(m, v)"), "error: type-mismatch");
  EXPECT_EQ(typeOf("{1: v, true: v}"), "error: type-mismatch");
  EXPECT_EQ(typeOf("{}"), "error: type-mismatch");
  // A bare {} takes its type from a typed map beside it, as nil does.
  EXPECT_EQ(typeOf("v == 1 ? m : {}"), "Map<Int, (Int, Int)>");
  EXPECT_EQ(typeOf("v == 1 ? {} : {v: v}"), "Map<Int, Int>");
  EXPECT_EQ(typeOf("m == {} || {} != m"), "Bool");
  EXPECT_EQ(typeOf("union(m, {})"), "Map<Int, (Int, Int)>");
  EXPECT_EQ(typeOf("{v: m, 2: {}}"), "Map<Int, Map<Int, (Int, Int)>>");
  for (const char* untyped :
       {"(-1, {})", "v == 1 ? {} : {}", "v == 1 ? nil : {}", "{} + 1", "size({})", "{1: {}}", "v == 1 ? v : {}"}) {
    EXPECT_EQ(typeOf(untyped), "error: type-mismatch") << untyped;
  }
  EXPECT_EQ(typeOf("forall k, p in m: p.0 <= v && k >= 0"), "Bool");
  EXPECT_EQ(typeOf("{p in m: p.0 == v}"), "Map<Int, (Int, Int)>");
  EXPECT_EQ(typeOf("union(m, {v: (v, v)})"), "Map<Int, (Int, Int)>");
  EXPECT_EQ(typeOf("{p in m: p.0}"), "error: type-mismatch");        // the condition must be a Bool
  EXPECT_EQ(typeOf("exists p in v: true"), "error: type-mismatch");  // not a map
  EXPECT_EQ(typeOf("union(m, {v: v})"), "error: type-mismatch");
  EXPECT_EQ(typeOf("maxBy(k, p in m: (p.0, k), (-1, v))"), "(Int, Int)");
  EXPECT_EQ(typeOf("minBy(p in m: p.1, nil)"), "error: type-mismatch");  // the default must be a value of m
  EXPECT_EQ(typeOf("maxBy(p in m: p.1, v)"), "error: type-mismatch");
  std::string error;
  auto parsed = types.parse("Map<Int, Opt<(Bool, Bytes)>>", &error);
  ASSERT_TRUE(parsed) << error;
  EXPECT_EQ(types.name(*parsed), "Map<Int, Opt<(Bool, Bytes)>>");
}

}  // namespace
}  // namespace rdc
