// Values compare by what they hold, however they were made or copied.
#include "ir/lang/value.h"

#include <gtest/gtest.h>

namespace rdc {
namespace {

TEST(Value, CopiesShareTheirHeapPartAndStayEqual) {
  Value a = Value::tuple({Value::integer(1), Value::ofBytes("ab")});
  Value b = a;
  EXPECT_EQ(&a.items(), &b.items()) << "a copy shares the immutable part";
  EXPECT_EQ(a, b);
}

TEST(Value, PartsCountSharedItemsAtEachUse) {
  Value x = Value::integer(7);
  for (int step = 0; step < 40; ++step) x = Value::tuple({x, x});  // 2^41 - 1 parts, 40 heap parts
  EXPECT_EQ(x.parts(), UINT32_MAX) << "saturated";
  Value small = Value::tuple({Value::integer(1), *Value::map({{Value::integer(2), Value::ofBytes("ab")}})});
  EXPECT_EQ(small.parts(), 5u);
  EXPECT_EQ(Value::signature(0, small).parts(), 6u);
  // A message quotes the first 200 characters of a large value, and its size.
  std::string brief = x.brief();
  EXPECT_LT(brief.size(), 260u);
  EXPECT_NE(brief.find("(a value of 4294967295 parts)"), std::string::npos) << brief;
  EXPECT_EQ(small.brief(), small.str());
}

TEST(Value, EqualityAndOrderAreByContents) {
  Value a = Value::tuple({Value::integer(1), Value::ofBytes("ab")});
  Value b = Value::tuple({Value::integer(1), Value::ofBytes("ab")});
  Value c = Value::tuple({Value::integer(1), Value::ofBytes("ac")});
  EXPECT_NE(&a.items(), &b.items());
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a < b);
  EXPECT_FALSE(b < a);
  EXPECT_NE(a, c);
  EXPECT_TRUE(a < c);
  EXPECT_FALSE(c < a);
  EXPECT_EQ(Value::ofBytes(""), Value::ofBytes(std::string()));
  EXPECT_NE(Value::ofBytes(""), Value::tuple({}));
  EXPECT_NE(Value::integer(0), Value::duration(0));
}

// A number and a heap part share one word: assigning across kinds must
// neither read one as the other nor leak or double-free (the sanitized run
// checks the latter).
TEST(Value, AssignmentAcrossKindsKeepsEachPayload) {
  Value v = Value::integer(-7);
  Value bytes = Value::ofBytes("xyz");
  v = bytes;
  EXPECT_EQ(v.bytes(), "xyz");
  v = Value::duration(3);
  EXPECT_EQ(v, Value::duration(3));
  EXPECT_EQ(bytes.bytes(), "xyz") << "the copy it held is released, not the original";
  v = Value::signature(4, Value::integer(9));
  EXPECT_EQ(v.signer(), 4);
  EXPECT_EQ(v.payload(), Value::integer(9));
  Value moved = std::move(v);
  EXPECT_EQ(moved.str(), "sig(4, 9)");
  v = Value::integer(INT64_MIN);
  EXPECT_EQ(v.i, INT64_MIN);
  EXPECT_EQ(Value::signature(2, Value::unit()).signer(), 2);
  EXPECT_EQ(Value::integer(2).signer(), 0) << "only a Signed value has a signer";
}

TEST(Value, OtherKindsHaveNoBytesOrItems) {
  EXPECT_TRUE(Value::integer(5).bytes().empty());
  EXPECT_TRUE(Value::ofBytes("x").items().empty());
  EXPECT_EQ(Value::ofBytes(std::string("\0\xff", 2)).bytes().size(), 2u);
  EXPECT_EQ(Value::tuple({Value::nil()}).str(), "(nil,)");
  EXPECT_EQ(Value::ofBytes("a\"b").str(), "\"a\\\"b\"");
}

}  // namespace
}  // namespace rdc
