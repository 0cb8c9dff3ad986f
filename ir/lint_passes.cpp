#include "ir/lint_passes.h"

#include <algorithm>

namespace rdc {

namespace {

// The "waits for" graph: node 2l is line l's input becoming available,
// node 2l+1 its output. An edge u -> v means v cannot happen before u.
class WaitGraph {
 public:
  WaitGraph(const Graph& graph, const Catalog& catalog) : graph_(graph), catalog_(catalog) {
    for (const FlatInstance& inst : graph.instances) instanceEdges(inst);
    for (uint32_t l = 0; l < graph.lines.size(); ++l) {
      const Endpoint& src = graph.lines[l].source;
      if (src.kind == Endpoint::Kind::Wire) edges_.push_back({out(src.ref), in(l)});
    }
  }

  // Kahn's algorithm; returns a cycle (as line ids) if one remains.
  std::vector<uint32_t> findCycle() const {
    size_t n = 2 * graph_.lines.size();
    std::vector<uint32_t> indegree(n, 0), offsets(n + 1, 0), targets(edges_.size());
    for (const auto& [u, v] : edges_) ++offsets[u + 1], ++indegree[v];
    for (size_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];
    std::vector<uint32_t> fill(offsets.begin(), offsets.end() - 1);
    for (const auto& [u, v] : edges_) targets[fill[u]++] = v;
    std::vector<uint32_t> queue;
    for (uint32_t v = 0; v < n; ++v) {
      if (indegree[v] == 0) queue.push_back(v);
    }
    for (size_t head = 0; head < queue.size(); ++head) {
      uint32_t u = queue[head];
      for (uint32_t e = offsets[u]; e < offsets[u + 1]; ++e) {
        if (--indegree[targets[e]] == 0) queue.push_back(targets[e]);
      }
    }
    if (queue.size() == n) return {};
    // Every node left has a predecessor left: walk back until one repeats.
    std::vector<uint32_t> predecessor(n, kNone);
    for (const auto& [u, v] : edges_) {
      if (indegree[u] > 0 && indegree[v] > 0) predecessor[v] = u;
    }
    uint32_t v = 0;
    while (indegree[v] == 0) ++v;
    std::vector<uint32_t> seen(n, 0);
    while (!seen[v]) {
      seen[v] = 1;
      v = predecessor[v];
    }
    std::vector<uint32_t> cycle;
    for (uint32_t u = v;;) {
      if (cycle.empty() || cycle.back() != u / 2) cycle.push_back(u / 2);
      u = predecessor[u];
      if (u == v) break;
    }
    std::reverse(cycle.begin(), cycle.end());
    return cycle;
  }

 private:
  static uint32_t in(uint32_t line) { return 2 * line; }
  static uint32_t out(uint32_t line) { return 2 * line + 1; }

  // Lines of `inst` whose signature line (or Fn argument) is named `name`.
  void linesNamed(const FlatInstance& inst, const std::string& name, std::vector<uint32_t>& out) const {
    const BaseComponent& base = catalog_.at(inst.base);
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
      uint16_t sig = graph_.lines[l].sig;
      bool isArg = base.variadicArgs && sig < inst.fnArgs.size();
      if ((name == "*args" && isArg) ||
          (!base.variadicArgs && base.lines[sig].name == name)) {
        out.push_back(l);
      }
    }
  }

  void instanceEdges(const FlatInstance& inst) {
    const BaseComponent& base = catalog_.at(inst.base);
    std::vector<uint32_t> needed;
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
      edges_.push_back({in(l), out(l)});
      uint16_t sig = graph_.lines[l].sig;
      const LineSig* s = base.variadicArgs ? (sig == inst.fnArgs.size() ? &base.lines[0] : nullptr)
                                           : &base.lines[sig];
      if (!s) continue;
      needed.clear();
      for (const std::string& need : s->outputNeeds) linesNamed(inst, need, needed);
      for (uint32_t m : needed) {
        if (m != l) edges_.push_back({in(m), out(l)});
      }
      if (s->choosable && graph_.lines[l].source.kind == Endpoint::Kind::Choose) {
        needed.clear();
        for (const std::string& need : s->choiceNeeds) linesNamed(inst, need, needed);
        for (uint32_t m : needed) edges_.push_back({in(m), in(l)});
      }
    }
  }

  const Graph& graph_;
  const Catalog& catalog_;
  std::vector<std::pair<uint32_t, uint32_t>> edges_;
};

}  // namespace

void checkDeadlockCycles(const Graph& graph, const Catalog& catalog, DiagnosticSink& diags) {
  std::vector<uint32_t> cycle = WaitGraph(graph, catalog).findCycle();
  if (cycle.empty()) return;
  std::string path;
  for (size_t i = 0; i < cycle.size() && i < 12; ++i) path += graph.linePath(catalog, cycle[i]) + " -> ";
  path += cycle.size() > 12 ? "... -> " : "";
  path += graph.linePath(catalog, cycle[0]);
  diags.error("deadlock-cycle", graph.lines[cycle[0]].pos,
              "cycle with no choice point (a definite deadlock): " + path);
}

std::vector<LintPass> standardLintPasses() {
  return {{"deadlock-cycles", checkDeadlockCycles}};
}

}  // namespace rdc
