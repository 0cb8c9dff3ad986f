// The elaborator's parts on their own: the name table and the size check.
#include <gtest/gtest.h>

#include "ir/graph/elaborate/names.h"
#include "ir/graph/elaborate/size.h"
#include "ir/model/frontend.h"
#include "tests/unit/test_support.h"

namespace rdc {
namespace {

TEST(NameTable, IndexesByInsertionAndFindsAgainAcrossGrowth) {
  elab::NameTable table;
  std::vector<elab::NameKey> keys;
  for (uint32_t name = 0; name < 50; ++name) {
    for (int64_t i = 0; i < 40; ++i) keys.push_back({name, i % 2 == 0, elab::Indices(1, i)});
  }
  for (uint32_t k = 0; k < keys.size(); ++k) {
    auto [index, fresh] = table.insert(keys[k]);
    EXPECT_TRUE(fresh);
    EXPECT_EQ(index, k);
  }
  for (uint32_t k = 0; k < keys.size(); ++k) {
    auto [index, fresh] = table.insert(keys[k]);
    EXPECT_FALSE(fresh);
    ASSERT_EQ(index, k);
  }
  uint32_t walked = 0;
  table.forEach([&](uint32_t index, const elab::NameKey& key) {
    ASSERT_EQ(index, walked);
    EXPECT_TRUE(key == keys[walked]);
    ++walked;
  });
  EXPECT_EQ(walked, keys.size());
  // Same name and indices, other end: another entry.
  EXPECT_TRUE(table.insert({0, true, elab::Indices(1, 1)}).second);
}

TEST(NameTable, KeysThatShareASlotBlockStayApart) {
  // x[i][j] for j within 8 of each other hash alike and sit side by side:
  // every one is still its own entry, inserted by rows or by columns.
  elab::NameTable table;
  auto key = [](int64_t i, int64_t j) {
    elab::Indices at;
    at.push_back(i), at.push_back(j);
    return elab::NameKey{7, false, at};
  };
  uint32_t next = 0;
  for (int64_t i = 0; i < 64; ++i) {
    for (int64_t j = 0; j < 64; ++j) ASSERT_EQ(table.insert(key(i, j)), std::make_pair(next++, true));
  }
  for (int64_t j = 0; j < 64; ++j) {
    for (int64_t i = 0; i < 64; ++i)
      ASSERT_EQ(table.insert(key(i, j)), std::make_pair(static_cast<uint32_t>(64 * i + j), false));
  }
  EXPECT_EQ(table.insert(key(64, 0)), std::make_pair(next, true));
  EXPECT_EQ(table.insert({7, false, elab::Indices(1, 3)}), std::make_pair(next + 1, true));  // x[3] is not x[0][3]
}

TEST(NameTable, ReservedTableHoldsMoreThanReservedAndIgnoresALateReserve) {
  elab::NameTable table;
  table.reserve(10);
  for (uint32_t k = 0; k < 100; ++k) {  // past the reservation: the table still grows
    auto [index, fresh] = table.insert({k, false, elab::Indices(2, k)});
    EXPECT_TRUE(fresh);
    EXPECT_EQ(index, k);
  }
  table.reserve(1000);  // not empty: keeps its entries
  EXPECT_EQ(table.size(), 100u);
  for (uint32_t k = 0; k < 100; ++k) EXPECT_EQ(table.insert({k, false, elab::Indices(2, k)}).first, k);
}

TEST(SizeCheck, RefusesAtTheLoopResponsibleAndAcceptsWhatFits) {
  std::string text = test::readFile(RDC_SOURCE_DIR "/examples/bracha/bracha.rdc.yaml");
  DiagnosticSink diags;
  auto model = parseModelYaml(text, "bracha.rdc.yaml", diags);
  ASSERT_TRUE(model);
  Catalog catalog = Catalog::standard();
  ElabOptions options;
  EXPECT_TRUE(elab::fitsLimits(*model, catalog, options, diags));
  EXPECT_FALSE(diags.hasErrors());
  options.maxLines = 100;  // Bracha at n = 4 has more than 100 lines
  EXPECT_FALSE(elab::fitsLimits(*model, catalog, options, diags));
  ASSERT_EQ(diags.errorCount(), 1u);
  EXPECT_EQ(diags.all().back().code, "size-limit");
  EXPECT_NE(diags.all().back().message.find("`for:"), std::string::npos) << diags.all().back().message;
  EXPECT_EQ(elab::stepLimit(options), 8 * 100 + 1'000'000u);
}

}  // namespace
}  // namespace rdc
