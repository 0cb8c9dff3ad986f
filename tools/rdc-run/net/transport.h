// The TCP transport between rdc nodes, on KJ's async I/O: one connection
// per pair of nodes (a node dials the nodes after it in the peers file and
// accepts the ones before it, redialling until they are up, so nodes may
// start in any order), a handshake with a challenge from each side
// (handshake.h) and an authenticated, sequenced
// stream of frames (frame.h), batches of whatever is ready (queued by
// send(), written by flush(): one frame per peer), one frame in flight per
// peer, deliveries numbered across connections and acknowledged in every
// frame (the sender forgets what is acknowledged), and after a
// reconnection a resend of what was not acknowledged (the receiver skips
// the numbers it has).
#pragma once

#include <kj/async-io.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "tools/rdc-run/net/frame.h"
#include "tools/rdc-run/net/handshake.h"
#include "tools/rdc-run/net/peers.h"

namespace rdc::net {

/// What the transport tells its node. Called from the event loop.
class TransportEvents {
 public:
  virtual ~TransportEvents() = default;
  /// Authenticated deliveries from a peer (Transport::peerIndex), what one
  /// frame brought that had not arrived before, in order.
  virtual void received(size_t peer, std::span<Delivery> deliveries) = 0;
  /// An authenticated peer misbehaved (`who`: its domain and address); its
  /// connection has been dropped.
  virtual void hostile(const std::string& who, const std::string& why) = 0;
  /// A connection that did not authenticate was refused (`who`: its remote
  /// address and the domain it claimed, if any). Strangers cannot harm the
  /// run; nothing they say is attributed to the node they claim to be.
  virtual void stranger(const std::string& who, const std::string& why) = 0;
  /// Something changed (a delivery, a peer's bye, a write done).
  virtual void wake() = 0;
  /// A peer left `kMaxUnacknowledged` deliveries unacknowledged, or kept
  /// its send window full for kStalledFor without acknowledging anything: it
  /// is treated as crashed (nothing more is kept or sent for it).
  virtual void gone(const std::string& peer, const std::string& why) = 0;
};

class Transport final : private kj::TaskSet::ErrorHandler {
 public:
  Transport(kj::AsyncIoProvider& io, const Peers& peers, std::string self, uint64_t modelHash, TransportEvents& events);
  ~Transport();

  /// Before start(): the digest of the gateways between this node and a
  /// peer (HandshakeSetup::gateways).
  void setGatewayDigest(std::function<uint64_t(const std::string& peer)> digest) { gatewayDigest_ = std::move(digest); }
  /// Before start(): this node's signing keys, with which it signs its side
  /// of each handshake (HandshakeSetup::keys); the peers' public keys are
  /// the peers file's.
  void setNodeKeys(const NodeKeys* keys) { keys_ = keys; }
  /// Listens on this node's address and starts dialling; false, with `why`,
  /// if the address cannot be listened on.
  bool start(kj::WaitScope& waitScope, std::string* why);
  /// The peers, in the order of the peers file without this node: a
  /// peer's index, and back.
  std::optional<size_t> peerIndex(const std::string& domain) const;
  const std::string& peerDomain(size_t peer) const;
  size_t peers() const { return others_.size(); }
  /// Queues a delivery for a peer; flush() writes it.
  void send(size_t peer, Delivery delivery);
  /// Writes what is queued to every peer that has no frame in flight (the
  /// rest goes when their frame is written): one frame per peer with all
  /// that is ready for it. A connected peer that has kept its send window
  /// full for kStalledFor without acknowledging anything is treated as
  /// crashed here.
  void flush();
  /// Whether a connected peer has kSendWindow deliveries or more
  /// unacknowledged: the node holds its stream (begins no iteration) until
  /// the peer catches up, so that what it keeps for each peer stays within
  /// the window (plus what the iterations already begun still send),
  /// however long the stream. A peer without a connection holds nothing:
  /// a killed node does not stall the others.
  bool windowFull() const;
  /// After what is queued, tells every peer that this node is done.
  void finish();
  /// Whether this node, done with its own part (finish()), may end: every
  /// peer has said bye and been written all that was queued for it and our
  /// bye, except the peers treated as crashed: those that acknowledged
  /// nothing for kMaxUnacknowledged deliveries, and those whose connection
  /// was lost kLostFor ago and not made again (a killed node is not waited
  /// for; a broken connection is dialled again within a second). A peer
  /// never connected to is waited for: it may still be starting.
  bool done() const;
  /// How long a peer must be without a connection before done() stops
  /// waiting for it.
  static constexpr kj::Duration kLostFor = 2 * kj::SECONDS;
  /// How long a connected peer may keep its send window full without
  /// acknowledging anything (stopped, or not reading) before it is treated
  /// as crashed: the stream waits for it no longer.
  static constexpr kj::Duration kStalledFor = 5 * kj::SECONDS;
  /// Every peer is connected (and authenticated).
  bool connectedToAll() const;
  /// The peers never connected to, in the order of the peers file.
  std::vector<std::string> neverConnected() const;

  struct Stats {
    uint64_t frames = 0, deliveries = 0, bytes = 0, connections = 0;
    uint64_t strangers = 0;  ///< connections refused before they authenticated
  };

  /// The deliveries a peer may leave unacknowledged before the node holds
  /// its stream (windowFull()).
  static constexpr size_t kSendWindow = 4096;
  /// The most deliveries kept for a peer that has not acknowledged them
  /// (about 40 bytes each, for a scalar value): past it, the peer is
  /// treated as crashed. A peer that keeps up stays near kSendWindow; one
  /// without a connection (its log is kept for a resend) may reach this.
  static constexpr size_t kMaxUnacknowledged = 1 << 16;
  /// How long a connection may take to complete its handshake.
  static constexpr kj::Duration kHandshakeTimeout = 5 * kj::SECONDS;
  /// How many accepted connections may be in their handshake at once:
  /// twice the nodes that dial this one, plus this many.
  static constexpr size_t kSpareHandshakes = 8;
  const Stats& stats() const { return stats_; }

 private:
  struct Connection;
  struct Peer;

  void taskFailed(kj::Exception&& exception) override;
  kj::Promise<void> acceptLoop();
  void dial(Peer& peer);
  kj::Promise<bool> handshakeOut(Peer& peer, kj::Own<kj::AsyncIoStream> stream);
  kj::Promise<void> handshakeIn(kj::Own<kj::AsyncIoStream> stream, std::string from);
  kj::Promise<void> withinLimits(kj::Promise<void> steps, kj::Promise<void> evicted);
  void evictOldestHandshake();
  void handshakeFailed(const std::string& who, const Handshake& handshake, const kj::Exception& e);
  HandshakeSetup handshakeSetup() const;
  void connected(Peer& peer, std::shared_ptr<Connection> conn);
  void lost(Peer& peer, const std::shared_ptr<Connection>& conn);
  void close(Peer& peer);
  kj::Promise<void> readLoop(Peer& peer, std::shared_ptr<Connection> conn);
  void pump(Peer& peer);
  static size_t unacknowledged(const Peer& peer);
  void acknowledged(Peer& peer, uint64_t ack);
  void forget(Peer& peer, const std::string& why);
  kj::Promise<RawFrame> readRaw(std::shared_ptr<Connection> conn, size_t maxMessage);
  kj::Promise<void> buffer(std::shared_ptr<Connection> conn, size_t maxMessage);
  kj::Promise<void> write(std::shared_ptr<Connection> conn, std::string bytes);
  Peer* peerNamed(const std::string& domain);

  kj::AsyncIoProvider& io_;
  const Peers& peers_;
  std::string self_;
  uint64_t modelHash_;
  std::function<uint64_t(const std::string&)> gatewayDigest_;
  const NodeKeys* keys_ = nullptr;
  TransportEvents& events_;
  std::vector<std::unique_ptr<Peer>> others_;
  kj::Own<kj::ConnectionReceiver> listener_;
  // Accepted connections still in their handshake, oldest first: each
  // fulfiller drops its connection when the bound is reached.
  std::map<uint64_t, kj::Own<kj::PromiseFulfiller<void>>> handshakes_;
  uint64_t nextHandshake_ = 0;
  size_t maxHandshakes_ = kSpareHandshakes;
  bool finishing_ = false;
  Stats stats_;
  kj::TaskSet tasks_;  // last: destroyed first, cancelling everything that uses the members above
};

}  // namespace rdc::net
