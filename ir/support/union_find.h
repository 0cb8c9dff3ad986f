// A union-find over dense ids, used by elaboration and the inference passes.
#pragma once

#include <cstdint>
#include <numeric>
#include <vector>

namespace rdc {

class UnionFind {
 public:
  explicit UnionFind(size_t n = 0) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }

  uint32_t add() {
    parent_.push_back(static_cast<uint32_t>(parent_.size()));
    return parent_.back();
  }
  uint32_t find(uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];  // path halving
      x = parent_[x];
    }
    return x;
  }
  /// Joins the classes of a and b; the root of b's class becomes a's root.
  uint32_t unite(uint32_t a, uint32_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent_[b] = a;
    return a;
  }
  size_t size() const { return parent_.size(); }
  void reserve(size_t n) { parent_.reserve(n); }

 private:
  std::vector<uint32_t> parent_;
};

}  // namespace rdc
