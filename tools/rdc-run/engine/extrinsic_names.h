// The names of a graph's extrinsic inputs and outputs as a tree, so that a
// check resolves `dlvr[i][j]` by walking indices instead of spelling the
// name and searching for it (a seed sweep evaluates every check per run).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph/graph.h"

namespace rdc::run {

class ExtrinsicNames {
 public:
  /// A node: a name such as `dlvr` or `dlvr[2]`, and the extrinsic output
  /// and input of exactly that name, if any (kNone otherwise).
  struct Node {
    std::string name;
    uint32_t output = kNone, input = kNone;
    std::vector<uint32_t> kids;  ///< by index (bundle elements count from 0); kNone: no such child
    /// A root whose first index is the iteration of the unbounded box: its
    /// kids 0 and 1 stand for iteration 0 and for every later iteration.
    bool perIteration = false;
  };

  explicit ExtrinsicNames(const Graph& graph);

  /// The node of a plain name (`dlvr`), or kNone.
  uint32_t root(std::string_view name) const;
  /// The node of `name(parent)[index]`, or kNone.
  uint32_t child(uint32_t parent, int64_t index) const;
  const Node& node(uint32_t id) const { return nodes_[id]; }

 private:
  uint32_t add(uint32_t parent, std::string_view name, int64_t index);

  std::vector<Node> nodes_;
  std::map<std::string, uint32_t, std::less<>> roots_;
};

}  // namespace rdc::run
