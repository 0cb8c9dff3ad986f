#include "tools/rdc-run/engine/extrinsic_names.h"

#include <charconv>

namespace rdc::run {

namespace {

// Splits `dlvr[2][0]` into `dlvr` and {2, 0}; false for any other shape.
bool split(std::string_view name, std::string_view& base, std::vector<int64_t>& indices) {
  size_t open = name.find('[');
  base = name.substr(0, open);
  indices.clear();
  while (open != std::string_view::npos && open < name.size()) {
    size_t close = name.find(']', open);
    if (name[open] != '[' || close == std::string_view::npos) return false;
    int64_t index = 0;
    auto [end, ec] = std::from_chars(name.data() + open + 1, name.data() + close, index);
    // Bundle elements: from 0, and fewer than the lines of a graph.
    if (ec != std::errc() || end != name.data() + close || index < 0 || index > UINT32_MAX) return false;
    indices.push_back(index);
    open = close + 1;
  }
  return !base.empty();
}

}  // namespace

ExtrinsicNames::ExtrinsicNames(const Graph& graph) {
  std::string_view base;
  std::vector<int64_t> indices;
  auto place = [&](const std::string& name) -> uint32_t {
    if (!split(name, base, indices)) return kNone;
    uint32_t at = add(kNone, base, 0);
    for (int64_t index : indices) at = add(at, "", index);
    return at;
  };
  auto inWindow = [&](uint32_t x, bool input) {
    return graph.unbounded && (input ? graph.unbounded->hasInput(x) : graph.unbounded->hasOutput(x));
  };
  for (uint32_t o = 0; o < graph.outputs.size(); ++o) {
    uint32_t at = place(graph.outputs[o].name);
    if (at != kNone) nodes_[at].output = o;
    if (at != kNone && inWindow(o, false)) nodes_[roots_.find(base)->second].perIteration = true;
  }
  for (uint32_t i = 0; i < graph.inputs.size(); ++i) {
    uint32_t at = place(graph.inputs[i].name);
    if (at != kNone) nodes_[at].input = i;
    if (at != kNone && inWindow(i, true)) nodes_[roots_.find(base)->second].perIteration = true;
  }
}

uint32_t ExtrinsicNames::add(uint32_t parent, std::string_view name, int64_t index) {
  if (parent == kNone) {
    auto it = roots_.find(name);
    if (it != roots_.end()) return it->second;
    roots_.emplace(std::string(name), static_cast<uint32_t>(nodes_.size()));
    nodes_.push_back({std::string(name), kNone, kNone, {}, false});
  } else {
    std::vector<uint32_t>& kids = nodes_[parent].kids;
    size_t at = static_cast<size_t>(index);
    if (at < kids.size() && kids[at] != kNone) return kids[at];
    if (at >= kids.size()) kids.resize(at + 1, kNone);
    kids[at] = static_cast<uint32_t>(nodes_.size());
    nodes_.push_back({nodes_[parent].name + "[" + std::to_string(index) + "]", kNone, kNone, {}, false});
  }
  return static_cast<uint32_t>(nodes_.size() - 1);
}

uint32_t ExtrinsicNames::root(std::string_view name) const {
  auto it = roots_.find(name);
  return it == roots_.end() ? kNone : it->second;
}

uint32_t ExtrinsicNames::child(uint32_t parent, int64_t index) const {
  const std::vector<uint32_t>& kids = nodes_[parent].kids;
  return index >= 0 && static_cast<uint64_t>(index) < kids.size() ? kids[static_cast<size_t>(index)] : kNone;
}

}  // namespace rdc::run
