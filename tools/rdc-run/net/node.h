// One domain's projection run as a process over TCP (model.md section 6):
// the engine's Execution driven in real time, its gateways connected to
// the other nodes through the Transport.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "tools/rdc-run/engine/engine.h"
#include "tools/rdc-run/net/keys.h"
#include "tools/rdc-run/net/peers.h"

namespace rdc::net {

struct NodeSetup {
  const run::Simulator* simulator = nullptr;
  run::RunConfig config;  ///< until: the real-time limit of the run
  const Peers* peers = nullptr;
  std::string self;        ///< this node's domain
  uint64_t modelHash = 0;  ///< the same for every projection of one model
  /// This node's signing keys: its own signed values leave it with their
  /// proofs (signing.h). Null: it sends none of its own (the runner checks).
  const NodeKeys* keys = nullptr;
  /// Virtual time 0 as CLOCK_REALTIME nanoseconds, so that the nodes of a
  /// cluster share a time origin; 0: when the node starts.
  int64_t epoch = 0;
  /// For a cluster (-1: none): once connected to every peer (or after
  /// kReadyWait), the node writes `ready` to this descriptor and reads its
  /// epoch (a decimal line) from `epochFd`, so that a run's time counts from
  /// the moment every node is ready.
  int readyFd = -1, epochFd = -1;
  /// Called after each turn of the engine, before the frames it made are
  /// sent (its outputs file and trace are flushed here), so that a node
  /// killed at any moment has recorded every event a peer heard of; may be
  /// empty.
  std::function<void()> settled;
};

struct NodeOutcome {
  run::RunResult result;
  std::vector<std::string> problems;  ///< hostile peers, bad deliveries, a failed listen
  /// Connections refused before they authenticated (at most
  /// kMaxStrangerReports of them; `strangers` counts them all). They do not
  /// make the run fail.
  std::vector<std::string> strangerReports;
  bool started = false;  ///< false: could not listen, nothing ran
  /// Peers treated as crashed because they acknowledged nothing for too long
  /// (warnings: a killed peer is one).
  std::vector<std::string> gone;
  /// Deliveries refused because --max-live iterations were live (none of
  /// them quiet): the node was behind its peers.
  uint64_t refusedBehind = 0;
  std::vector<std::string> neverConnected;  ///< peers this node never reached (nor they it)
  uint64_t frames = 0, deliveries = 0, bytes = 0, connections = 0, strangers = 0;
  /// Proofs this node made for its own signed values, proofs it verified
  /// (a proof seen to hold before is not counted again), and deliveries it
  /// dropped because a signature in them had no valid proof.
  uint64_t signaturesMade = 0, signaturesVerified = 0, forgeries = 0;
};

/// Runs the node until every output (its gateways' included) is available,
/// every peer has been sent everything and said it is done, or `until`.
NodeOutcome runNode(const NodeSetup& setup);

/// The wall clock (CLOCK_REALTIME) in nanoseconds: the time origin nodes of
/// a cluster share. The simulator never reads it.
int64_t realtimeNanos();

/// How long a cluster's node waits to be connected to every peer before it
/// says it is ready anyway (a peer left out never connects), in ns.
constexpr int64_t kReadyWait = 3'000'000'000;

/// Whether an epoch (CLOCK_REALTIME ns) is within a day of now: far from
/// now, a node's clock arithmetic would overflow or its run never end.
bool epochNearNow(int64_t epoch);

/// The least time between the beginnings of two turns of a node's loop, in
/// ns: under load, deliveries gather for this long and are taken in, run
/// and answered together.
constexpr int64_t kTurn = 100'000;

/// The most iterations of an unbounded box a node's stream keeps live
/// (RunConfig::streamAhead): a stream offered faster than the nodes go
/// waits for them, instead of growing every node's live iterations.
constexpr uint32_t kStreamAhead = 512;

/// The most strangers a node reports one by one (a flood is counted).
constexpr size_t kMaxStrangerReports = 20;

/// A hash that nodes compare in their handshake: the model's name and its
/// parameters' values.
uint64_t modelHashFor(const std::string& modelName, const std::vector<std::pair<std::string, int64_t>>& params);

}  // namespace rdc::net
