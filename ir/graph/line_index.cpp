#include "ir/graph/line_index.h"

namespace rdc {

LineIndex::LineIndex(const Graph& graph, const Catalog& catalog) {
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

bool LineIndex::isGatewayCopy(const std::string& path) const {
  size_t dot = path.rfind('.');
  if (dot == std::string::npos) return false;
  for (const auto& [copy, original] : copies_) {
    if (path.compare(dot + 1, std::string::npos, copy) == 0 && byPath_.count(path.substr(0, dot + 1) + original)) {
      return true;
    }
  }
  return false;
}

}  // namespace rdc
