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

TEST(Types, PartsCountEachOccurrenceAndSaturate) {
  TypeTable types;
  std::string error;
  EXPECT_EQ(types.parts(*types.parse("Map<Int, (Int, Int)>", &error)), 5u);
  // A chain of pairs shares its parts and doubles: named by its size, and
  // never parsed back past the limit.
  TypeId t = TypeTable::kInt;
  while (types.parts(t) <= TypeTable::kMaxParts) t = types.tuple({t, t});
  EXPECT_EQ(types.parts(types.tuple({t, t})), TypeTable::kMaxParts + 1) << "saturated";
  EXPECT_EQ(types.name(t), "<a type of " + std::to_string(TypeTable::kMaxParts + 1) + " parts or more>");
  EXPECT_TRUE(types.parse(types.name(types.tuple({TypeTable::kInt, TypeTable::kInt})), &error));
  std::string ints;
  for (uint32_t i = 0; i < TypeTable::kMaxParts; ++i) ints += i ? ", Int" : "Int";
  EXPECT_FALSE(types.parse("(" + ints + ")", &error));
  EXPECT_NE(error.find("parts"), std::string::npos) << error;
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
