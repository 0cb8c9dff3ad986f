// Shrinking a failing run (`--shrink FILE`): a greedy search for a smaller
// scenario that still fails the same check on the same seed. Delta
// debugging (ddmin, Zeller & Hildebrandt 2002) over the faults (each
// crash, Byzantine domain, forced value and per-link latency is one
// element); then each crash is moved earlier, each model parameter lowered while the model still lints
// (-D), each latency shortened, and a strategy's schedule simplified (a
// schedule:'s choices set to 0, a pct:D's depth lowered). Every step keeps
// a candidate only if a run of it fails the check, so the result never
// passes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/elaborate.h"
#include "ir/graph/loaded_model.h"
#include "ir/support/diagnostics.h"
#include "tools/rdc-run/driver/scenario.h"
#include "tools/rdc-run/engine/strategy.h"

namespace rdc::run {

/// A run to shrink: the model file and its -D, the scenario (as the
/// flags and faults file give it, unresolved), the seed, and the strategy
/// that scheduled it (random, pct:D or schedule:; not exhaustive).
struct ShrinkSubject {
  std::string model;
  std::vector<std::pair<std::string, std::string>> defines;
  ElabOptions elab;
  Scenario scenario;
  uint64_t seed = 0;
  Strategy strategy;
};

/// What shrinking found.
struct Shrunk {
  ShrinkSubject subject;           ///< the smallest failing run found (the original if none is smaller)
  std::string check;               ///< the check it fails ("failure": a run-time failure)
  std::vector<std::string> steps;  ///< what was removed or lowered, for people
  uint64_t runs = 0;               ///< runs tried
};

/// The most runs one shrink tries; it stops with the smallest found so far.
inline constexpr uint64_t kMaxShrinkRuns = 2000;

/// What a shrunk run must keep.
struct ShrinkGoal {
  std::string check;  ///< the check it fails (empty: the first its run fails; "failure": a run-time failure)
  std::vector<std::string> keep;  ///< parameters it leaves as given (--shrink-keep): switches, not sizes
  std::vector<std::string> only;  ///< the checks its runs evaluate (--check; empty: every one)
};

/// Why a goal names what `model` does not have: a check that is not the
/// model's (--shrink-check; "failure" is every model's) or not among the
/// checks evaluated (--check), or a parameter it does not declare
/// (--shrink-keep); nullopt if it names only the model's.
/// Asked before the run, which may pass and never shrink.
std::optional<std::string> goalFault(const ShrinkGoal& goal, const LoadedModel& model);

/// Shrinks `subject`: the smallest run found that still fails the goal's
/// check (a goal goalFault accepts). None, with `why` set, when the run
/// passes or does not fail it. The model must be a file (it is loaded
/// again for each -D tried).
std::optional<Shrunk> shrink(const ShrinkSubject& subject, const ShrinkGoal& goal, const Catalog& catalog,
                             std::string* why);

/// A latency spec a step shorter, or none when it cannot be (`lost`, or
/// constant 0): a constant or exponential one halved, cut to two leading
/// digits (1500us, not 1562500ns); a uniform one's width halved so, in a
/// unit a thousandth of its low end's (1ms..1045us, not 1ms..1000003ns),
/// down to its low end alone.
std::optional<std::string> shorterLatency(const std::string& spec);

/// A strategy as --strategy spells it (random, pct:D, schedule:C.C.C).
std::string strategyText(const Strategy& strategy);

/// Writes the shrunk run's faults file to `faultsFile` and prints what
/// shrinking did, the faults and the command that reruns the shrunk run
/// (text, or one JSON object `{"shrunk": ...}`); `argv` is the command
/// line shrinking was asked on. Returns the exit code: 1 (the shrunk run
/// fails), or 2 when the file cannot be written.
int reportShrunk(const Shrunk& shrunk, const std::string& faultsFile, const std::vector<std::string>& argv, bool json,
                 DiagnosticSink& diags);

/// The command that reruns the shrunk run: `argv` without its seed,
/// sweep, scenario, strategy and output flags, then the shrunk -D,
/// `--faults FAULTSFILE`, the shrunk `--strategy` (unless random) and `--seed`.
std::string shrunkCommand(const std::vector<std::string>& argv, const Shrunk& shrunk, const std::string& faultsFile);

/// The scenario as a faults file (`--faults`): crash, byzantine, force,
/// inputs, latency and links; `until`, `iterations` and `max-live` stay
/// flags.
std::string faultsYaml(const Scenario& scenario);

}  // namespace rdc::run
