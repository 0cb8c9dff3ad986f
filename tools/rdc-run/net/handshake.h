// The handshake that opens a connection between two nodes: a challenge from
// each side, as a pure state machine over frames (no sockets), so that it
// can be tested and fuzzed alone.
//
//   1. dialer -> listener  Hello(dialer, model, nonce D, ephemeral eD)       MAC: pair key, over hello 1
//   2. listener -> dialer  Hello(listener, model, nonce L, ephemeral eL, sig L)  MAC: pair key, over hellos 1 and 2
//   3. dialer -> listener  Proof(sig D)                                     MAC: session key, direction 0, sequence 0
//
// pair key = BLAKE2b keyed with the cluster key over both names (frame.h);
// session key = BLAKE2b keyed with the pair key over both hellos and the
// X25519 secret of the ephemeral keys eD and eL (each end makes a fresh one
// per connection). Hello 2 answers nonce D and the proof answers nonce L,
// so each side learns that the other holds the pair key now: a recorded
// frame replayed later proves nothing, because the other side's nonce is
// new. The listener counts a connection only after the proof, so a stranger
// never gets past step 3.
//
// With node keys (the peers file gives every node's public key, keys.h),
// sig L is the listener node's Ed25519 signature of hello 1 and its own
// fields, and sig D the dialer node's of both hellos: each end proves it is
// the node it claims, so a holder of the cluster key (a Byzantine node)
// cannot open a link as another node, and, the session key needing an
// ephemeral secret, cannot read or write a link it did not open. Without
// node keys the signatures are empty and every holder of the cluster key
// can derive every pair key: it can speak as another node.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "tools/rdc-run/net/frame.h"
#include "tools/rdc-run/net/keys.h"

namespace rdc::net {

using Nonce = std::array<uint8_t, kNonceBytes>;

struct HandshakeSetup {
  Key clusterKey{};
  std::string self;        ///< this node's domain
  uint64_t modelHash = 0;  ///< must be the same on both sides
  /// A digest of the gateways between this node and a peer, both ways (the
  /// same at both ends of a pair), mixed into the model hash of the pair's
  /// hellos: deliveries name gateways by index, so two ends must number
  /// the same gateways. Empty: none.
  std::function<uint64_t(const std::string& peer)> gateways;
  /// This node's signing keys: it signs its side of the handshake. Null:
  /// it does not (a peers file without public keys).
  const NodeKeys* keys = nullptr;
  /// A node's public key, if the peers file gives one: a peer with one must
  /// sign its side of the handshake with it. Empty: none has.
  std::function<std::optional<PublicKey>(const std::string& domain)> publicKey;
};

class Handshake {
 public:
  /// The side that dials `peer`; `nonce` and `ephemeral` (an X25519
  /// secret) must be fresh (freshNonce(), freshEphemeralSecret()).
  static Handshake dialing(const HandshakeSetup& setup, std::string peer, const Nonce& nonce,
                           const Key& ephemeral = freshEphemeralSecret());
  /// The side that accepts; `dialsUs(domain)` says whether that domain is a
  /// node that dials this one.
  static Handshake accepting(const HandshakeSetup& setup, std::function<bool(const std::string&)> dialsUs,
                             const Nonce& nonce, const Key& ephemeral = freshEphemeralSecret());

  /// What each end's node key signs (keys.h): the listener, the dialer's
  /// hello and its own hello's fields; the dialer, both hellos.
  static std::string listenerSigned(std::string_view dialerHello, const Hello& listener);
  static std::string dialerSigned(std::string_view dialerHello, std::string_view listenerHello);

  /// The first frame on the wire: the dialer's hello (empty when accepting).
  const std::string& opening() const { return opening_; }
  /// Takes the other side's next frame and returns the frame to send back
  /// (empty when there is none). A frame that is not the expected one, or
  /// does not authenticate, refuses the connection: failed() and why().
  std::string receive(const RawFrame& frame);

  bool done() const { return state_ == State::Done; }
  bool failed() const { return state_ == State::Failed; }
  const std::string& why() const { return why_; }
  /// What the other side says it is (from its hello; empty before one).
  const std::string& claimed() const { return claimed_; }
  /// The other side has proved that it holds the pair key during this
  /// handshake (a failure after that is a real peer's, not a stranger's).
  bool peerAuthenticated() const { return peerAuthenticated_; }
  /// The connection's session key, once done().
  const Key& session() const { return session_; }
  /// Session frames the handshake used in each direction (the proof): the
  /// sequence numbers that the connection continues from.
  static constexpr uint64_t kProofFrames = 1;

 private:
  enum class State { DialerAwaitsHello, ListenerAwaitsHello, ListenerAwaitsProof, Done, Failed };

  Handshake(const HandshakeSetup& setup, State state, const Nonce& nonce, const Key& ephemeral);
  std::string answerHello(const RawFrame& frame);   // listener, step 1
  std::string acceptAnswer(const RawFrame& frame);  // dialer, step 2
  void checkProof(const RawFrame& frame);           // listener, step 3
  std::string refuse(std::string why);
  std::string hello(std::string_view answering = {}) const;
  // Whether `signature` by the node `domain` of `message` holds, or is not
  // needed (the peers file gives that node no key).
  bool signedBy(const std::string& domain, const std::string& message, const std::string& signature) const;
  std::string sign(const std::string& message) const;
  uint64_t pairModel() const;  // the model hash this pair's hellos carry

  HandshakeSetup setup_;
  State state_;
  Nonce nonce_;
  Key ephemeral_;     // this end's X25519 secret
  std::string peer_;  // dialer: whom it dials
  std::function<bool(const std::string&)> dialsUs_;
  std::string opening_, dialerHello_, myHello_, claimed_, why_;  // myHello_: a listener's answer
  Key pair_{}, session_{};
  uint64_t theirModel_ = 0;  // the model hash of the dialer's hello
  bool peerAuthenticated_ = false;
};

}  // namespace rdc::net
