#include "tools/rdc-dot/layout.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace rdc::dot {

namespace {

constexpr double kCharWidth = 5.5;  // points: 10 pt Helvetica's average
constexpr double kRankSep = 43;     // points: the drawings' ranksep=0.6 (inches)

}  // namespace

size_t Extent::at(const std::string& id) {
  auto [it, added] = index_.emplace(id, width_.size());
  if (added) {
    width_.push_back(0);
    out_.emplace_back();
  }
  return it->second;
}

void Extent::node(const std::string& id, size_t chars, double padding) {
  width_[at(id)] = static_cast<double>(chars) * kCharWidth + padding;
}

void Extent::edge(const std::string& from, const std::string& to, size_t labelChars) {
  size_t f = at(from), t = at(to);
  out_[f].push_back({t, static_cast<double>(labelChars) * kCharWidth});
}

double Extent::leftToRightWidth() const {
  size_t n = width_.size();
  // Depth-first from every node in the order they were drawn: an edge back
  // to a node still on the stack closes a cycle and does not rank.
  enum : uint8_t { kNew, kOpen, kDone };
  std::vector<uint8_t> state(n, kNew);
  std::vector<std::vector<bool>> back(n);
  for (size_t v = 0; v < n; ++v) back[v].assign(out_[v].size(), false);
  std::vector<size_t> postorder;
  std::vector<std::pair<size_t, size_t>> stack;  // node, next edge
  for (size_t root = 0; root < n; ++root) {
    if (state[root] != kNew) continue;
    stack.push_back({root, 0});
    state[root] = kOpen;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next == out_[v].size()) {
        state[v] = kDone;
        postorder.push_back(v);
        stack.pop_back();
        continue;
      }
      size_t k = next++, to = out_[v][k].to;
      if (state[to] == kOpen) {
        back[v][k] = true;
      } else if (state[to] == kNew) {
        state[to] = kOpen;
        stack.push_back({to, 0});
      }
    }
  }
  // Longest path in topological order (reverse postorder).
  std::vector<size_t> rank(n, 0);
  for (auto it = postorder.rbegin(); it != postorder.rend(); ++it) {
    for (size_t k = 0; k < out_[*it].size(); ++k) {
      if (!back[*it][k]) rank[out_[*it][k].to] = std::max(rank[out_[*it][k].to], rank[*it] + 1);
    }
  }
  size_t ranks = n ? *std::max_element(rank.begin(), rank.end()) + 1 : 0;
  std::vector<double> widest(ranks, 0), gap(ranks, kRankSep);
  for (size_t v = 0; v < n; ++v) {
    widest[rank[v]] = std::max(widest[rank[v]], width_[v]);
    for (size_t k = 0; k < out_[v].size(); ++k) {
      if (!back[v][k]) gap[rank[v]] = std::max(gap[rank[v]], out_[v][k].label);
    }
  }
  double width = 0;
  for (size_t r = 0; r < ranks; ++r) width += widest[r] + (r + 1 < ranks ? gap[r] : 0);
  return width;
}

Direction choose(Layout layout, const Extent& extent) {
  switch (layout) {
    case Layout::LeftToRight:
      return Direction::LeftToRight;
    case Layout::TopToBottom:
      return Direction::TopToBottom;
    case Layout::Auto:
      break;
  }
  return extent.leftToRightWidth() > kPageWidth ? Direction::TopToBottom : Direction::LeftToRight;
}

const char* rankdir(Direction direction) { return direction == Direction::TopToBottom ? "TB" : "LR"; }

}  // namespace rdc::dot
