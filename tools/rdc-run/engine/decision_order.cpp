#include "tools/rdc-run/engine/decision_order.h"

#include <algorithm>

namespace rdc::run {

namespace {

// The instances that instance `i` feeds through its outputs' wires.
template <typename Visit>
void forEachSuccessor(const Graph& graph, uint32_t i, Visit visit) {
  const FlatInstance& inst = graph.instances[i];
  for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
    const Endpoint& sink = graph.lines[l].sink;
    if (sink.kind == Endpoint::Kind::Wire) visit(graph.lines[sink.ref].instance);
  }
}

// Tarjan's strongly connected components (Tarjan, "Depth-first search and
// linear graph algorithms", SIAM J. Comput. 1972), with an explicit stack:
// per instance its component, numbered in the order Tarjan completes them,
// which is a reverse topological order (a component after every one it
// reaches).
std::vector<uint32_t> components(const Graph& graph, uint32_t* count) {
  size_t n = graph.instances.size();
  std::vector<uint32_t> index(n, kNone), low(n, 0), component(n, kNone), stack;
  std::vector<std::pair<uint32_t, uint32_t>> path;  // (instance, the next of its lines to follow)
  uint32_t next = 0;
  *count = 0;
  for (uint32_t root = 0; root < n; ++root) {
    if (index[root] != kNone) continue;
    path.push_back({root, graph.instances[root].firstLine});
    index[root] = low[root] = next++;
    stack.push_back(root);
    while (!path.empty()) {
      auto& [v, l] = path.back();
      const FlatInstance& inst = graph.instances[v];
      if (l < inst.firstLine + inst.lineCount) {
        const Endpoint& sink = graph.lines[l++].sink;
        if (sink.kind != Endpoint::Kind::Wire) continue;
        uint32_t w = graph.lines[sink.ref].instance;
        if (index[w] == kNone) {
          index[w] = low[w] = next++;
          stack.push_back(w);
          path.push_back({w, graph.instances[w].firstLine});
        } else if (component[w] == kNone) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      uint32_t done = v;
      path.pop_back();
      if (!path.empty()) low[path.back().first] = std::min(low[path.back().first], low[done]);
      if (low[done] != index[done]) continue;
      for (uint32_t w = kNone; w != done;) {
        w = stack.back();
        stack.pop_back();
        component[w] = *count;
      }
      ++*count;
    }
  }
  return component;
}

}  // namespace

std::vector<uint16_t> decisionRanks(const Graph& graph, const Catalog& catalog) {
  size_t n = graph.instances.size();
  std::vector<uint16_t> ranks(n, 0);
  auto decides = [&](uint32_t i) { return catalog.at(graph.instances[i].base).decidesAtEndOfInstant; };
  uint32_t deciding = 0;
  for (uint32_t i = 0; i < n; ++i) deciding += decides(i);
  if (deciding < 2) return ranks;  // one decision at most: no order to keep
  uint32_t count = 0;
  std::vector<uint32_t> component = components(graph, &count);
  // Per component: its instances, and whether one of them decides.
  std::vector<uint32_t> start(count + 1, 0), members(n);
  std::vector<uint8_t> hasDecision(count, 0);
  for (uint32_t i = 0; i < n; ++i) {
    ++start[component[i] + 1];
    hasDecision[component[i]] |= decides(i);
  }
  for (uint32_t c = 0; c < count; ++c) start[c + 1] += start[c];
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (uint32_t i = 0; i < n; ++i) members[fill[component[i]]++] = i;
  // Upstream first: the highest-numbered component is a source.
  std::vector<uint16_t> rankIn(count, 0);
  for (uint32_t c = count; c-- > 0;) {
    uint16_t out = hasDecision[c] && rankIn[c] < kMostDecisionRank ? rankIn[c] + 1 : rankIn[c];
    for (uint32_t m = start[c]; m < start[c + 1]; ++m) {
      forEachSuccessor(graph, members[m], [&](uint32_t w) {
        if (component[w] != c) rankIn[component[w]] = std::max(rankIn[component[w]], out);
      });
    }
  }
  for (uint32_t i = 0; i < n; ++i) {
    if (decides(i)) ranks[i] = rankIn[component[i]];
  }
  return ranks;
}

}  // namespace rdc::run
