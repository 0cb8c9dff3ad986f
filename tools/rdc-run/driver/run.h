// rdc-run as a library: options in, runs, results printed, exit code out.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/elaborate.h"

namespace rdc::run {

/// The most seeds one `--seeds A..B` may name: every range whose count
/// B - A + 1 fits in 64 bits (all but 0..18446744073709551615).
inline constexpr uint64_t kMaxSeeds = UINT64_MAX;

struct Options {
  std::string model = "-";
  using Defines = std::vector<std::pair<std::string, std::string>>;
  Defines defines;  ///< -D name=value; a replay without any takes the trace's
  bool jsonDiagnostics = false;
  uint64_t seed = 0;
  std::string seeds;                ///< A..B (inclusive)
  std::string shard;                ///< i/N
  unsigned jobs = 0;                ///< threads of a sweep; 0: one per core
  std::vector<std::string> merge;   ///< --merge: shards' JSON summaries to merge (no model is run)
  std::string shrink;               ///< --shrink: shrink a failing run; write its faults file here
  std::vector<std::string> checks;  ///< --check: the checks evaluated and reported (empty: every one)
  std::string shrinkCheck;          ///< --shrink-check: the check shrinking keeps failing (default: the first failed)
  std::vector<std::string> shrinkKeep;  ///< --shrink-keep: parameters shrinking leaves as given
  std::vector<std::string> inputs;      ///< name=value
  std::vector<std::string> forces;      ///< path=value
  std::vector<std::string> crashes;     ///< D[@time]
  std::vector<std::string> byzantine;
  std::vector<std::string> links;  ///< glob=latency spec, as a faults file's `links`
  std::string lies;  ///< --lies: forced (Byzantine domains lie only where forced) or random; empty: the faults file's
  std::string faultsFile;
  std::string latency = "constant:1ms";
  /// Who decides the choice points: random, pct:D, exhaustive, schedule:C.C.C (strategy.h).
  std::string strategy = "random";
  uint64_t budget = 1000;    ///< exhaustive: schedules to explore at most
  bool budgetGiven = false;  ///< --budget was given (only exhaustive takes it)
  /// exhaustive: lies that deviate from a Byzantine choice's first option at most (none: no bound of their own)
  int64_t lieBound = -1;
  std::vector<std::string> invariants;  ///< checks evaluated as outputs become available; the run stops at a violation
  std::string until;
  std::string trace;
  std::string replay;
  bool json = false;
  /// List every output of the unbounded box's iterations (else only count them).
  bool listOutputs = true;
  bool outputsGiven = false;  ///< --outputs was given (a sweep, which prints no run, refuses it)
  uint32_t maxLive = 4096;    ///< live iterations of the unbounded box at most
  bool maxLiveGiven = false;  ///< --max-live was given (else an on-demand box's default applies: onDemandMaxLive)
  uint64_t iterations = 0;    ///< iterations of the unbounded box to begin (0: no bound but --until)
  /// Run the projections (one per domain) over the in-process network.
  bool split = false;
  /// Over TCP: this projection as a node listening here, with its peers file.
  std::string listen, peers;
  /// With --listen: this node's secret key file (mode 0600; net/keys.h).
  std::string key;
  /// --keygen: write a fresh secret key here, print its public key (no model is run).
  std::string keygen;
  /// With --listen and a whole model: the domain to project it onto first.
  std::string domain;
  int64_t epoch = 0;  ///< virtual time 0 as CLOCK_REALTIME ns (set by --cluster)
  /// With --listen: write the node's outputs here as it runs (node_outputs.h; what --cluster reads).
  std::string outputsFile;
  /// With --listen (set by --cluster): once connected, say `ready` on this
  /// descriptor and read the epoch from standard input; -1: the node starts at --epoch.
  int readyFd = -1;
  /// Over TCP: one process per domain, addresses and key from this file.
  std::string cluster;
  std::vector<std::string> kills;     ///< D@TIME: SIGKILL the node then
  std::vector<std::string> leaveOut;  ///< domains not started
  ElabOptions elab;
  /// The command line as given, for the reproduce command of failing seeds.
  std::vector<std::string> argv;
};

/// Runs rdc-run; returns the exit code. Prints results to stdout and
/// diagnostics to stderr.
int run(const Options& options, const Catalog& catalog);

}  // namespace rdc::run
