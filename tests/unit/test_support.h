// Helpers for unit tests: elaborate a model from text.
#pragma once

#include <optional>
#include <string>

#include "ir/components/catalog.h"
#include "ir/support/diagnostics.h"
#include "ir/tool/load.h"

namespace rdc::test {

struct Built {
  DiagnosticSink diags;
  std::optional<LoadedModel> loaded;
  bool hasCode(const std::string& code) const {
    for (const Diagnostic& d : diags.all()) {
      if (d.code == code) return true;
    }
    return false;
  }
};

// Elaborates without the lint passes, which tests run themselves.
inline Built build(const std::string& yaml, LoadOptions options = {.lint = false}) {
  Built b;
  b.loaded = loadModel(yaml, "test.rdc.yaml", Catalog::standard(), options, b.diags);
  return b;
}

inline std::string readFile(const std::string& path);

}  // namespace rdc::test

#include <fstream>
#include <sstream>

inline std::string rdc::test::readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
