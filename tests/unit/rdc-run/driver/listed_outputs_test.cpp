// The listed outputs of a report (tools/rdc-run/driver/listed_outputs.h):
// read back as added, in order, past the buffer that sends them to a file.
#include "tools/rdc-run/driver/listed_outputs.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rdc::run {
namespace {

ListedOutputs::Entry entry(int k) {
  // Values of every length up to a few hundred bytes, and some with
  // newlines and NULs: entries straddle the file's chunks.
  std::string value = k % 7 == 0 ? std::string() : std::string(static_cast<size_t>(k % 300), static_cast<char>(k));
  if (k % 11 == 0) value += std::string("a\nb\0c", 5);
  return {"dlvr[" + std::to_string(k) + "][1]", k % 7 != 0, value, int64_t{k} * 1000 - 5};
}

std::vector<ListedOutputs::Entry> readBack(const ListedOutputs& listed) {
  std::vector<ListedOutputs::Entry> got;
  listed.forEach([&](const ListedOutputs::Entry& e) { got.push_back(e); });
  return got;
}

void expectEntries(const std::vector<ListedOutputs::Entry>& got, int count) {
  ASSERT_EQ(got.size(), static_cast<size_t>(count));
  for (int k = 0; k < count; ++k) {
    ListedOutputs::Entry want = entry(k);
    ASSERT_EQ(got[k].name, want.name) << k;
    ASSERT_EQ(got[k].available, want.available) << k;
    ASSERT_EQ(got[k].value, want.value) << k;
    ASSERT_EQ(got[k].time, want.time) << k;
  }
}

TEST(ListedOutputs, AFewStayInMemoryAndReadBackInOrder) {
  ListedOutputs listed;
  for (int k = 0; k < 10; ++k) listed.add(entry(k));
  EXPECT_EQ(listed.size(), 10u);
  expectEntries(readBack(listed), 10);
}

TEST(ListedOutputs, ManyGoThroughTheFileAndReadBackInOrderTwice) {
  ListedOutputs listed;
  const int count = 30000;  // about 5 MiB: several buffers' worth
  for (int k = 0; k < count; ++k) listed.add(entry(k));
  EXPECT_EQ(listed.size(), static_cast<uint64_t>(count));
  expectEntries(readBack(listed), count);
  expectEntries(readBack(listed), count);
}

TEST(ListedOutputs, NoneReadsBackNothing) {
  ListedOutputs listed;
  EXPECT_TRUE(readBack(listed).empty());
}

}  // namespace
}  // namespace rdc::run
