// rdc-run's command line: each flag, what it sets in Options, which flags
// exclude or need others, and what their presence says.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "ir/tool/cli_options.h"
#include "tools/rdc-run/driver/run.h"

namespace rdc::run {

/// Declares rdc-run's flags on `app`, each parsed into `options` (which
/// must outlive it); after parsing, finish() sets what the flags' presence
/// says (Options::listOutputs and the *Given fields).
class CommandLine {
 public:
  CommandLine(CLI::App& app, Options& options);
  void finish();

  uint64_t maxMemory = kDefaultMaxMemory;  ///< bytes: --max-memory

 private:
  Options& o_;
  std::string outputs_ = "list";  // --outputs: list or summary
  CLI::Option* outputsFlag_ = nullptr;
  CLI::Option* maxLive_ = nullptr;
  CLI::Option* budget_ = nullptr;
};

}  // namespace rdc::run
