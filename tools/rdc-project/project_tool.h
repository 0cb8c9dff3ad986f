// rdc-project as a library.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/elaborate.h"

namespace rdc::project {

struct Options {
  std::string model = "-";
  std::vector<std::string> domains;
  std::string output;  ///< with --domain: the IR (default: stdout when not a terminal)
  bool all = false;    ///< one IR per domain into `directory`
  std::string directory;
  bool list = false;
  std::vector<std::pair<std::string, std::string>> defines;
  ElabOptions elab;  ///< --max-lines
  bool jsonDiagnostics = false;
};

int run(const Options& options, const Catalog& catalog);

}  // namespace rdc::project
