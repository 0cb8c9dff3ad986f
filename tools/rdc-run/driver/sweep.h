// Seed sweeps (`--seeds A..B [--shard i/N] [--jobs N]`): which seeds a
// shard runs, each seed's verdict, the seeds spread over worker threads,
// and the summary a sweep prints, which shards' JSON summaries merge back
// into (`--merge`).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph/graph.h"
#include "ir/support/diagnostics.h"
#include "tools/rdc-run/engine/checks.h"
#include "tools/rdc-run/engine/engine.h"

namespace rdc::run {

/// The seeds of `first..first+count-1` at positions congruent to `shard`
/// mod `shards`, in increasing order.
struct SeedSet {
  uint64_t first = 0, count = 1, shard = 0, shards = 1;
  /// How many seeds the shard runs (no overflow for any count).
  uint64_t size() const { return count > shard ? (count - shard - 1) / shards + 1 : 0; }
  /// The j-th of them (j < size()).
  uint64_t at(uint64_t j) const { return first + shard + j * shards; }
};

/// `arg` as one word of a POSIX shell command (quoted when it must be).
std::string shellQuote(const std::string& arg);

/// One run judged by the model's checks.
struct Verdict {
  /// Each failing check as `name: why`, then each run failure, joined by
  /// "; "; empty when the run passes.
  std::string why;
  /// The names of the failing checks, in the model's order, then
  /// "failure" if the run failed at run time: what shrinking keeps failing.
  std::vector<std::string> failed;
  bool fails() const { return !why.empty(); }
};

/// Runs `seed` with `config` (whose seed and iteration sink it sets and
/// clears; its schedule and watch are the caller's) and judges it.
/// `correct`: the domains neither crashed nor Byzantine. `stoppedBy`: the
/// violated invariant that config.watch keeps when it stops a run (read
/// after the run); a stopped run is judged by it alone. `memo`: the
/// caller's thread's (CheckMemo), if it judges many seeds.
Verdict judgeSeed(Simulator& simulator, const CheckEvaluator& checks, const Graph& graph, RunConfig& config,
                  const std::vector<bool>& correct, uint64_t seed,
                  const std::optional<CheckResult>* stoppedBy = nullptr, CheckMemo* memo = nullptr);

/// A failing seed of a sweep: why, and the command that reruns it alone.
struct FailingSeed {
  uint64_t seed = 0;
  std::string why, repro;
};

/// What a sweep (or the merge of its shards) reports.
struct SweepSummary {
  std::string range;    ///< A..B as given
  std::string shard;    ///< i/N; 0/1 for the whole range (and a merge)
  std::string command;  ///< the command without the seed and sweep flags: the shards' common part
  uint64_t seeds = 0, passed = 0;
  std::vector<FailingSeed> failed;  ///< in seed order
};

/// Prints a summary as text (`N seeds: P passed, F failed`, then each
/// failing seed with its reproduce command) or as one JSON object; the
/// exit code: 0 when no seed failed, else 1.
int printSweep(const SweepSummary& summary, bool json);

/// Runs every seed of `set` on `jobs` threads; `judge(worker, seed)` runs
/// one seed on worker `worker` (0..jobs-1: each has its own simulator and
/// configuration). Returns the failing seeds in seed order and counts the
/// passing ones: the same for every number of jobs. `progress(done)` is
/// called from the calling thread (worker 0) now and then. An exception in
/// a worker stops the others and is rethrown here.
std::vector<std::pair<uint64_t, std::string>> sweepSeeds(const SeedSet& set, unsigned jobs,
                                                         const std::function<std::string(unsigned, uint64_t)>& judge,
                                                         const std::function<void(uint64_t)>& progress,
                                                         uint64_t& passed);

/// `--merge`: reads the `--json` summaries of the shards of one sweep (every
/// i of i/N exactly once, the same range and command) and prints the
/// summary of the whole sweep, as the unsharded sweep prints it. Returns the
/// exit code (2 with a diagnostic on files that do not make one sweep).
int mergeSweeps(const std::vector<std::string>& files, bool json, DiagnosticSink& diags);

}  // namespace rdc::run
