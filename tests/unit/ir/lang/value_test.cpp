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

TEST(Value, OtherKindsHaveNoBytesOrItems) {
  EXPECT_TRUE(Value::integer(5).bytes().empty());
  EXPECT_TRUE(Value::ofBytes("x").items().empty());
  EXPECT_EQ(Value::ofBytes(std::string("\0\xff", 2)).bytes().size(), 2u);
  EXPECT_EQ(Value::tuple({Value::nil()}).str(), "(nil,)");
  EXPECT_EQ(Value::ofBytes("a\"b").str(), "\"a\\\"b\"");
}

}  // namespace
}  // namespace rdc
