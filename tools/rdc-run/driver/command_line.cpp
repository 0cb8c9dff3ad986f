#include "tools/rdc-run/driver/command_line.h"

#include "ir/io/trace.h"
#include "ir/tool/cli_numbers.h"
#include "ir/tool/cli_options.h"

namespace rdc::run {

CommandLine::CommandLine(CLI::App& app, Options& options) : o_(options) {
  addCommonOptions(app, o_.model, o_.defines, o_.jsonDiagnostics);
  auto* seed = app.add_option("--seed", o_.seed, "Scheduler seed")
                   ->transform(wholeNumberIn<uint64_t>(0, UINT64_MAX))
                   ->capture_default_str();
  auto* seeds = app.add_option("--seeds", o_.seeds, "Run every seed in A..B (inclusive); report failing ones")
                    ->check(notEmpty())
                    ->excludes(seed);
  auto* shard = app.add_option("--shard", o_.shard, "With --seeds: run only the seeds whose position is i mod N (i/N)")
                    ->check(notEmpty())
                    ->needs(seeds);
  app.add_option("--jobs", o_.jobs, "With --seeds: run seeds on this many threads (default: one per core)")
      ->transform(wholeNumberIn<unsigned>(1, 1024))
      ->needs(seeds);
  auto* shrink = writesFile(app.add_option("--shrink", o_.shrink,
                                           "Shrink a failing run (with --seeds, the first): write the smallest failing "
                                           "scenario found to this faults file and print its command"))
                     ->check(notEmpty());
  app.add_option("--shrink-check", o_.shrinkCheck,
                 "With --shrink: the check the shrunk run must still fail (default: the first "
                 "one the run fails; `failure` for a run-time failure)")
      ->check(notEmpty())
      ->needs(shrink);
  app.add_option("--shrink-keep", o_.shrinkKeep,
                 "With --shrink: a parameter shrinking leaves as given (a switch such as -D broken=1, not a size); "
                 "repeatable")
      ->check(notEmpty())
      ->needs(shrink);
  auto* merge =
      readsFiles(
          app.add_option("--merge", o_.merge,
                         "Merge the --json summaries of a sweep's shards (FILE...) into the whole sweep's summary"))
          ->check(standardInputOnce());
  auto* inputs = app.add_option("--input", o_.inputs,
                                "Extrinsic input: NAME=VALUE, or 'NAME=VALUE at TIME' to arrive at TIME (default: the "
                                "model's value and time, else the type's zero at 0)");
  auto* forces = app.add_option("--force", o_.forces, "Force a choosable input: LINE.PATH=VALUE");
  auto* crashes = app.add_option("--crash", o_.crashes, "Crash a domain: D or D@TIME (its sources stop from TIME)");
  auto* byzantine =
      app.add_option("--byzantine", o_.byzantine, "Make a domain Byzantine: its choices are forced to seeded values");
  auto* lies = app.add_option("--lies", o_.lies,
                              "Byzantine domains' lies: random (a seeded lie on every choice not forced) or "
                              "forced (only where forced; honest elsewhere)")
                   ->check(CLI::IsMember({"random", "forced"}));
  auto* links = app.add_option("--link", o_.links,
                               "A Link's network model: GLOB=SPEC, SPEC as --latency or `lost` (its messages are "
                               "never delivered), as a faults file's links");
  auto* faults =
      readsFiles(app.add_option("--faults", o_.faultsFile,
                                "Scenario file (YAML): crash, byzantine, lies, force, inputs, latency, links"))
          ->check(standardInputOnce());
  auto* latency =
      app.add_option("--latency", o_.latency, "Network model: constant:D, uniform:D1..D2, exponential:MEAN, lost")
          ->capture_default_str();
  auto* until =
      app.add_option("--until", o_.until, "Stop at this virtual time (a duration, e.g. 100ms)")->check(notEmpty());
  outputsFlag_ =
      app.add_option("--outputs", outputs_,
                     "The unbounded box's outputs: list each one, or summary (counts only; memory stays flat)")
          ->check(CLI::IsMember({"list", "summary"}))
          ->capture_default_str();
  auto* iterations =
      app.add_option(
             "--iterations", o_.iterations,
             "Begin only the first N iterations of an unbounded or on-demand `for`; the run ends once they are done")
          ->transform(wholeNumberIn<uint64_t>(1, UINT64_MAX));
  maxLive_ = app.add_option("--max-live", o_.maxLive,
                            "Live iterations of an unbounded or on-demand `for` at most (a run needing more fails)")
                 ->transform(wholeNumberIn<uint32_t>(1, kMaxLiveIterations))
                 ->capture_default_str();
  auto* strategy = app.add_option("--strategy", o_.strategy,
                                  "Who decides simultaneous events and delays: random, pct:D (bug depth D), "
                                  "exhaustive (with --budget), schedule:C.C.C (one schedule of a search)")
                       ->capture_default_str();
  budget_ = app.add_option("--budget", o_.budget, "With --strategy exhaustive: schedules to explore at most")
                ->transform(wholeNumberIn<uint64_t>(1, UINT64_MAX))
                ->capture_default_str();
  auto* lieBound =
      app.add_option("--lie-bound", o_.lieBound,
                     "With --strategy exhaustive: lies that deviate from a Byzantine choice's first option at most "
                     "(default: lies count toward the schedule's bound)")
          ->transform(wholeNumberIn<int64_t>(0, 1000000));
  app.add_option("--check", o_.checks,
                 "Evaluate and report only this check (repeatable; an --invariant is evaluated too)");
  auto* invariant =
      app.add_option("--invariant", o_.invariants,
                     "Evaluate this check whenever an output becomes available; stop the run at its first violation");
  writesFile(app.add_option("--trace", o_.trace, "Write the run's trace here"));
  // A replay takes its seed and scenario from the trace: flags that would
  // change them are refused rather than silently ignored.
  readsFiles(app.add_option("--replay", o_.replay, "Replay a trace: its scenario and seed, and every recorded choice"))
      ->check(standardInputOnce())
      ->excludes(seed)
      ->excludes(seeds)
      ->excludes(shard)
      ->excludes(inputs)
      ->excludes(forces)
      ->excludes(crashes)
      ->excludes(byzantine)
      ->excludes(links)
      ->excludes(lies)
      ->excludes(faults)
      ->excludes(latency)
      ->excludes(until)
      ->excludes(iterations)
      ->excludes(maxLive_)
      ->excludes(strategy)
      ->excludes(budget_)
      ->excludes(lieBound)
      ->excludes(invariant)
      ->excludes(shrink);
  app.add_flag("--json", o_.json, "Print results as JSON");
  app.add_flag("--split", o_.split, "Run the projections (one per domain) connected by the in-process network");
  auto* peers =
      readsFiles(app.add_option("--peers", o_.peers,
                                "Peers file (YAML): the nodes' addresses and public keys, and the cluster key"))
          ->check(standardInputOnce());
  auto* listen = app.add_option("--listen", o_.listen, "Run this projection (IR) as a TCP node listening on HOST:PORT")
                     ->needs(peers);
  peers->needs(listen);  // (a cluster's nodes get their own peers file)
  app.add_option("--epoch", o_.epoch, "With --listen: virtual time 0 as CLOCK_REALTIME nanoseconds")
      ->transform(wholeNumberIn<int64_t>(1, INT64_MAX))
      ->needs(listen);
  app.add_option("--ready-fd", o_.readyFd,
                 "With --listen: once connected to its peers, say ready on this descriptor, then read the epoch "
                 "(CLOCK_REALTIME ns) from standard input")
      ->transform(wholeNumberIn<int>(3, 1023))
      ->needs(listen);
  app.add_option("--domain", o_.domain, "With --listen and a whole model: project it onto this domain first")
      ->needs(peers);
  writesFile(
      app.add_option("--outputs-file", o_.outputsFile, "With --listen: write the node's outputs here as it runs"))
      ->needs(listen);
  readsFiles(
      app.add_option("--key", o_.key,
                     "With --listen: this node's secret signing key file (mode 0600), made by --keygen; its public key "
                     "is in the peers file"))
      ->needs(listen);
  auto* keygen =
      writesFile(app.add_option("--keygen", o_.keygen,
                                "Write a fresh secret signing key to this file (mode 0600) and print its public-key "
                                "line for a peers file (no model is run)"))
          ->check(notEmpty());
  auto* cluster = readsFiles(app.add_option("--cluster", o_.cluster,
                                            "Run one TCP process per domain on this machine (a peers file)"))
                      ->check(standardInputOnce());
  app.add_option("--kill", o_.kills, "With --cluster: SIGKILL a node at a time: D@TIME")->needs(cluster);
  app.add_option("--leave-out", o_.leaveOut, "With --cluster: do not start this domain's node")->needs(cluster);
  addMaxLinesOption(app, o_.elab.maxLines);
  addMemoryOption(app, maxMemory);
  excludeAllBut(app, keygen, {"--help", "--diagnostics", "--max-memory"});           // --keygen runs nothing
  excludeAllBut(app, merge, {"--help", "--diagnostics", "--max-memory", "--json"});  // nor does --merge
  printsOnStandardOutput("the report");  // (--keygen's: the public-key line)
}

void CommandLine::finish() {
  o_.listOutputs = outputs_ == "list";
  o_.maxLiveGiven = maxLive_->count() > 0;
  o_.outputsGiven = outputsFlag_->count() > 0;
  o_.budgetGiven = budget_->count() > 0;
}

}  // namespace rdc::run
