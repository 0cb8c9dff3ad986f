// A model as every tool sees it: as written, and elaborated (possibly
// projected onto some of its domains).
#pragma once

#include <string>
#include <vector>

#include "ir/graph/graph.h"
#include "ir/model/model.h"

namespace rdc {

/// A model as every tool sees it: as written, and elaborated.
struct LoadedModel {
  Model model;
  Graph graph;
  std::vector<std::string> projection;  ///< domains projected onto; empty: the whole model
  uint64_t wholeHash = 0;               ///< a projection's: Graph::hash of the whole model (0: not known)
};

}  // namespace rdc
