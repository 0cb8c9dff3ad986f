#include "ir/lang/types.h"

#include <gtest/gtest.h>

#include "ir/lang/value.h"

namespace rdc {
namespace {

TEST(Types, ParseAndNameRoundTrip) {
  TypeTable types;
  for (const char* text : {"Int", "Bool", "Unit", "Duration", "Bytes", "Opt<Int>", "(Int, Bool)",
                           "Opt<(Int, Opt<Bool>)>", "((Int, Int), Duration)"}) {
    std::string error;
    auto t = types.parse(text, &error);
    ASSERT_TRUE(t) << text << ": " << error;
    EXPECT_EQ(types.name(*t), text);
    EXPECT_EQ(types.parse(types.name(*t), &error), t);
  }
}

TEST(Types, InterningMakesEqualTypesEqualIds) {
  TypeTable types;
  std::string error;
  EXPECT_EQ(types.parse("Opt<Int>", &error), types.opt(TypeTable::kInt));
  EXPECT_EQ(types.parse("( Int ,Bool )", &error), types.tuple({TypeTable::kInt, TypeTable::kBool}));
}

TEST(Types, BadTypesAreRejected) {
  TypeTable types;
  std::string error;
  EXPECT_FALSE(types.parse("Integer", &error));
  EXPECT_NE(error.find("unknown type"), std::string::npos);
  EXPECT_FALSE(types.parse("Opt<Opt<Int>>", &error));
  EXPECT_FALSE(types.parse("Opt<Int", &error));
  EXPECT_FALSE(types.parse(std::string(1000, '(') + "Int", &error));
}

TEST(Types, ValuesFitTheirTypes) {
  TypeTable types;
  TypeId optInt = types.opt(TypeTable::kInt);
  EXPECT_TRUE(valueFits(Value::nil(), optInt, types));
  EXPECT_TRUE(valueFits(Value::integer(3), optInt, types));
  EXPECT_FALSE(valueFits(Value::boolean(true), optInt, types));
  EXPECT_FALSE(valueFits(Value::integer(3), TypeTable::kDuration, types));
}

}  // namespace
}  // namespace rdc
