// A run's scenario: what it is asked to do beyond the model. Parsed once
// (from flags and a faults file, or from a replayed trace's header),
// resolved once against a graph, and serialised from one place into a trace
// header and onto a cluster node's command line. Every run mode (one run,
// seeds, split, a TCP node, a cluster) runs a ResolvedScenario.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"
#include "ir/io/trace.h"
#include "ir/support/diagnostics.h"
#include "tools/rdc-run/engine/engine.h"

namespace rdc::run {

/// Inputs, forced choices, crashes, Byzantine domains, network latency
/// (for every Link, and per Link path glob), the end time and the seed, as
/// texts. As written, a force may name a glob of lines and durations may be
/// spelt any way; once resolved (`ResolvedScenario::exact`), every force
/// names one line and every duration and latency is canonical, so that
/// replaying it needs no globbing and compares equal.
struct Scenario {
  NamedTexts inputs;       ///< input name -> value
  NamedTexts forces;       ///< line path (or glob) -> value
  NamedTexts crashes;      ///< domain -> crash time (a duration)
  NamedTexts linkLatency;  ///< Link path glob -> latency model; later entries win
  std::vector<std::string> byzantine;
  /// Byzantine domains lie only where forced (`--lies forced`, a faults
  /// file's `lies: forced`): their other choices are made honestly, as the
  /// model says. False: every choice not forced is a seeded lie.
  bool liesForced = false;
  std::string latency = "constant:1ms";
  std::optional<int64_t> until;  ///< virtual nanoseconds; none: run to the end
  /// Iterations of the unbounded box that may begin (the first ones); none: every one.
  std::optional<uint64_t> iterations;
  uint32_t maxLive = 4096;  ///< live iterations of the unbounded box at most
  uint64_t seed = 0;
  /// A replayed trace's `--strategy` (empty: random, or not a replay).
  std::string strategy;
  /// Where a faults file wrote each of its entries, by what the entry says
  /// (writtenAt): a diagnostic about the entry points there, not at a flag.
  std::map<std::string, Pos> written;

  /// Where a faults file wrote the entry `name: value` of `key` (`crash`,
  /// `force`, `inputs`, `links`; `byzantine` with no value; `latency` with
  /// no name); Pos{} (line 0) for an entry a flag gave.
  Pos writtenAt(std::string_view key, std::string_view name, std::string_view value = {}) const;

  /// Adds what a faults file says (YAML mapping: crash, byzantine, lies,
  /// force, inputs, latency, links) after what is there. False with a `parse-error`,
  /// `schema` or `usage` diagnostic if it cannot.
  bool addFaultsFile(const std::string& path, DiagnosticSink& diags);
  /// The same for a faults file's text; `path` names it in diagnostics.
  bool addFaultsText(const std::string& text, const std::string& path, DiagnosticSink& diags);
  /// The scenario a trace was recorded with (exact).
  static Scenario fromHeader(const TraceHeader& header);
  /// Writes this exact scenario into a trace header (the model's part of
  /// the header is the caller's).
  void toHeader(TraceHeader& header) const;
  /// The rdc-run flags that give one node of a cluster its share of this
  /// exact scenario: the node's own crash or Byzantine fault, the forces
  /// and inputs on its projection's lines (`node`), the latencies of the
  /// Links it keeps whole, and the lost Links it sends on.
  std::vector<std::string> nodeFlags(const std::string& domain, const Graph& node, const Catalog& catalog) const;
};

/// A scenario resolved against a graph: the engine's configuration (its
/// seed, sink and replay left to the run), the exact scenario it came from,
/// and which domains are correct (neither Byzantine nor crashed).
struct ResolvedScenario {
  RunConfig config;
  Scenario exact;
  std::vector<bool> correct;
};

/// Resolves names, paths, globs, values and durations against `graph`;
/// nullopt with a `usage` diagnostic naming the flag at fault.
std::optional<ResolvedScenario> resolveScenario(const Scenario& scenario, const Graph& graph, const Catalog& catalog,
                                                DiagnosticSink& diags);

}  // namespace rdc::run
