#include "ir/graph/line_index.h"

#include <charconv>

namespace rdc {

LineIndex::LineIndex(const Graph& graph, const Catalog& catalog) : graph_(graph) {
  paths_.reserve(graph.lines.size());
  for (uint32_t l = 0; l < graph.lines.size(); ++l) {
    paths_.push_back(graph.linePath(catalog, l));
    byPath_.emplace(paths_.back(), l);
  }
  for (const BaseComponent& cross : catalog.all()) {
    if (cross.domain != DomainRule::Cross || cross.sendHalf.empty()) continue;
    const BaseComponent& half = catalog.at(*catalog.find(cross.sendHalf));
    for (const LineSig& s : half.lines) {
      if (cross.lineIndex(s.name) < 0) copies_.emplace_back(s.name, half.lines[0].name);
    }
  }
}

std::optional<uint32_t> LineIndex::find(const std::string& path) const {
  auto it = byPath_.find(path);
  if (it == byPath_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint32_t> LineIndex::findRunLine(const std::string& path) const {
  if (auto l = find(path)) return l;
  if (!graph_.unbounded) return std::nullopt;
  size_t open = path.find('['), close = path.find(']');
  int64_t k = 0;
  if (open == std::string::npos || close < open ||
      std::from_chars(path.data() + open + 1, path.data() + close, k).ptr != path.data() + close ||
      k < UnboundedBox::kWindow || path.compare(open + 1, close - open - 1, std::to_string(k)) != 0)
    return std::nullopt;
  auto general = find(iterationName(path, 1));
  const UnboundedBox& box = *graph_.unbounded;
  if (!general || !box.general().hasLine(*general)) return std::nullopt;
  uint64_t line = firstRunLine(box, static_cast<uint32_t>(paths_.size()), k) + (*general - box.general().line);
  if (line > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(line);
}

int64_t LineIndex::lastNamedIteration() const {
  if (!graph_.unbounded) return -1;
  uint64_t lines = paths_.size(), general = graph_.unbounded->general().lines;
  if (general == 0) return INT64_MAX;
  // firstRunLine(k) + general - 1 <= UINT32_MAX, with firstRunLine(k) = lines + (k - kWindow) * general
  return UnboundedBox::kWindow + static_cast<int64_t>((uint64_t{UINT32_MAX} + 1 - lines) / general) - 1;
}

uint32_t LineIndex::graphLine(uint32_t runLine) const {
  uint32_t lines = static_cast<uint32_t>(paths_.size());
  if (runLine < lines) return runLine;
  const IterationBlock& g = graph_.unbounded->general();
  return g.line + (runLine - lines) % g.lines;
}

bool LineIndex::isGatewayCopy(const std::string& path) const {
  size_t dot = path.rfind('.');
  if (dot == std::string::npos) return false;
  for (const auto& [copy, original] : copies_) {
    if (path.compare(dot + 1, std::string::npos, copy) == 0 && findRunLine(path.substr(0, dot + 1) + original)) {
      return true;
    }
  }
  return false;
}

std::vector<bool> LineIndex::gatewayInputs(const std::vector<std::string>& paths) const {
  std::vector<bool> delivered(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    std::optional<uint32_t> line = findRunLine(paths[i]);
    delivered[i] = line && graph_.gatewayIn(graphLine(*line));
  }
  return delivered;
}

}  // namespace rdc
