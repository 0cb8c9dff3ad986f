// The lines of a graph by path, built once and shared by every tool that
// matches paths (traces, scenarios, projections, replays).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"

namespace rdc {

class LineIndex {
 public:
  LineIndex(const Graph& graph, const Catalog& catalog);

  /// Every line's full path, by line id (`rb.echo[2].link[3].rcv`).
  const std::vector<std::string>& paths() const { return paths_; }
  /// The line with this path, if any.
  std::optional<uint32_t> find(const std::string& path) const;
  /// The line of a run with this path, numbered as a run numbers them
  /// (firstRunLine): the graph's, or one of a later iteration of the
  /// unbounded box (`rb[57].send.link[1].rcv`).
  std::optional<uint32_t> findRunLine(const std::string& path) const;
  /// The last iteration of the unbounded box whose lines findRunLine can
  /// number (a run's line numbers past 2^32 - 1 are not named this way);
  /// -1 without an unbounded box.
  int64_t lastNamedIteration() const;
  /// The graph's line a line of a run stands for (itself, or the general
  /// iteration's line for one of a later iteration).
  uint32_t graphLine(uint32_t runLine) const;
  /// Whether a path that is not a line of this graph is a projection's
  /// network copy of a cut cross-domain instance (a Link's `<link>.net`):
  /// a line the send half adds, on an instance whose first line is here
  /// (or is a later iteration's of the unbounded box).
  bool isGatewayCopy(const std::string& path) const;
  /// Per path (a trace's line paths), whether it names a projection's
  /// gateway input: a line whose value the network delivers.
  std::vector<bool> gatewayInputs(const std::vector<std::string>& paths) const;

 private:
  const Graph& graph_;
  std::vector<std::string> paths_;
  std::unordered_map<std::string, uint32_t> byPath_;
  /// Per cross component's send half: (the half's own line, the line it copies).
  std::vector<std::pair<std::string, std::string>> copies_;
};

}  // namespace rdc
