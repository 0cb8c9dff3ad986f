// The outputs file a cluster's node writes and the cluster reads back
// (tools/rdc-run/driver/node_outputs.h), as a file on disk.
#include "tools/rdc-run/driver/node_outputs.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rdc::run {
namespace {

std::string fileWith(const std::string& text) {
  std::string path = ::testing::TempDir() + "outputs-" +
                     std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name();
  std::ofstream(path) << text;
  return path;
}

TEST(NodeOutputs, ReadsIterationsInOrderThenTheRest) {
  NodeOutputsReader r(
      fileWith("iteration 0 complete\noutput dlvr[0][1] 1500 0\ninput bc[0] -9223372036854775808\n"
               "iteration 3 cut\noutput pair[3] 9 (1, \"a b\")\nend 4 2\noutput total 77 true\n"));
  ASSERT_EQ(r.peek(), 0);
  NodeIteration zero = r.take();
  EXPECT_TRUE(zero.complete);
  ASSERT_EQ(zero.outputs.size(), 1u);
  EXPECT_EQ(zero.outputs[0].first, "dlvr[0][1]");
  EXPECT_EQ(zero.outputs[0].second.time, 1500);
  ASSERT_EQ(zero.inputs.size(), 1u);
  EXPECT_EQ(zero.inputs[0].second, Value::integer(INT64_MIN));  // the smallest Int reads back
  ASSERT_EQ(r.peek(), 3);
  NodeIteration three = r.take();
  EXPECT_FALSE(three.complete);
  EXPECT_EQ(three.outputs[0].second.value.str(), "(1, \"a b\")");  // a value with spaces
  EXPECT_EQ(r.peek(), std::nullopt);
  auto rest = r.rest();
  EXPECT_TRUE(r.ended());
  EXPECT_EQ(r.iterations(), 4u);
  EXPECT_EQ(r.peakLive(), 2u);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].first, "total");
  EXPECT_TRUE(r.problem().empty()) << r.problem();
}

TEST(NodeOutputs, AFileCutByAKillEndsInACutOffIteration) {
  NodeOutputsReader r(fileWith("iteration 5 complete\noutput dlvr[5][0] 10 5\niteration 6 complete\noutput dlvr[6]"));
  EXPECT_TRUE(r.take().complete);
  NodeIteration six = r.take();
  EXPECT_EQ(six.k, 6);
  EXPECT_FALSE(six.complete);  // its last line has no newline: it was being written
  EXPECT_TRUE(six.outputs.empty());
  EXPECT_TRUE(r.rest().empty());
  EXPECT_FALSE(r.ended());
  EXPECT_TRUE(r.problem().empty());  // a kill is no problem of the file
}

TEST(NodeOutputs, WhatCannotBeReadIsSaid) {
  for (const char* text : {"iteration 2 complete\niteration 2 complete\n",  // k must increase
                           "iteration 1 complete\noutput x[1] 5 (1,\n",     // a value that does not parse
                           "iteration one complete\n", "end x 2\n"}) {
    NodeOutputsReader r(fileWith(text));
    while (r.peek()) r.take();
    r.rest();
    EXPECT_FALSE(r.problem().empty()) << text;
  }
  NodeOutputsReader missing("/nonexistent/outputs");
  EXPECT_EQ(missing.peek(), std::nullopt);  // a node that recorded nothing
  EXPECT_TRUE(missing.rest().empty());
  EXPECT_TRUE(missing.problem().empty());
}

// Following a file as its node writes it: the reader waits at the end of
// what is written (a line cut in two included) while the node may write,
// and reads everything, in order, whatever the pieces. The writer here
// hands each piece over before the reader may go on (no timing).
TEST(NodeOutputs, FollowsAFileAsItIsWritten) {
  std::string path = fileWith("");
  std::remove(path.c_str());  // (made only once the node starts)
  const std::vector<std::string> pieces = {"iteration 0 complete\noutput dlvr[0][1] 1500 0\niter",
                                           "ation 1 complete\noutput dlvr[1][1] 2", "500 1\n",
                                           "iteration 2 cut\nend 3 2\noutput total 77 true\n"};
  std::mutex m;
  std::condition_variable cv;
  size_t written = 0, asked = 0;  // pieces written; times the reader found the end of what is written
  bool writing = true;
  std::thread writer([&]() {
    for (const std::string& piece : pieces) {
      std::unique_lock lock(m);
      cv.wait(lock, [&] { return asked > written; });  // the reader waits for more
      std::ofstream(path, std::ios::app) << piece;
      ++written;
    }
    std::lock_guard lock(m);
    writing = false;
  });
  auto stillWriting = [&]() {
    std::lock_guard lock(m);
    if (writing) ++asked;
    cv.notify_all();
    return writing;
  };
  NodeOutputsReader r(path, stillWriting);
  std::vector<int64_t> ks;
  std::vector<std::string> outputs;
  while (r.peek()) {
    NodeIteration it = r.take();
    ks.push_back(it.k);
    for (auto& [name, value] : it.outputs) outputs.push_back(name + "=" + value.value.str());
  }
  auto rest = r.rest();
  writer.join();
  EXPECT_EQ(ks, (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(outputs, (std::vector<std::string>{"dlvr[0][1]=0", "dlvr[1][1]=1"}));
  EXPECT_TRUE(r.ended());
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].first, "total");
  EXPECT_TRUE(r.problem().empty()) << r.problem();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace rdc::run
