// The TCP wire format of rdc nodes (net.capnp): framing, authentication
// and decoding, as pure functions over bytes so that they can be tested and
// fuzzed without sockets. Cryptography is libsodium's.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/lang/value.h"

namespace rdc::net {

using Key = std::array<uint8_t, 32>;

constexpr size_t kLengthBytes = 4;
constexpr size_t kMacBytes = 32;
constexpr size_t kNonceBytes = 24;
/// The largest message a node sends or accepts; bigger is a hostile peer.
constexpr size_t kMaxMessageBytes = 1 << 20;
/// The largest message during the handshake (a hello is a few hundred
/// bytes): a stranger cannot make a node hold more than this.
constexpr size_t kMaxHandshakeMessageBytes = 1024;
/// Limits inside a message.
constexpr size_t kMaxDomainBytes = 256, kMaxValueBytes = 65536;
/// The bytes of one delivery of a scalar value on the wire (a struct of
/// three data words and a pointer): a batch may hold no more deliveries
/// than its message has room for at this size.
constexpr size_t kDeliveryBytes = 32;

constexpr size_t kEphemeralBytes = 32;  ///< an X25519 public key
constexpr size_t kSignatureBytes = 64;  ///< an Ed25519 signature

struct Hello {
  std::string domain;
  uint64_t modelHash = 0;
  std::array<uint8_t, kNonceBytes> nonce{};
  std::array<uint8_t, kEphemeralBytes> ephemeral{};  ///< the sender's X25519 public key for this connection
  std::string signature;                             ///< a listener's, by its node key; empty or 64 bytes
};

/// A value crossing a cut Link. The gateway is an index: the gateways from
/// the sender to the receiver, ordered by name (as the general iteration
/// names them, for a gateway of the unbounded box), counted from 0. The
/// receiver checks it against its projection, and the value against the
/// gateway's type.
struct Delivery {
  uint32_t gateway = 0;
  uint64_t iteration = 0;  ///< of the unbounded box (0 for a gateway outside it)
  Value value;
  bool operator==(const Delivery&) const = default;
};

struct Frame {
  enum class Kind { Hello, Batch, Bye, Proof } kind = Kind::Bye;
  Hello hello;
  std::vector<Delivery> batch;  ///< Batch: may be empty (a frame that only acknowledges)
  uint64_t first = 0;           ///< Batch: the number of its first delivery
  uint64_t ack = 0;             ///< every session frame: every delivery numbered below this has arrived
  std::string signature;        ///< Proof: the dialer's, by its node key; empty or 64 bytes
};

/// Initialises libsodium; false if it cannot be.
bool initCrypto();
/// A fresh random nonce (for a Hello).
std::array<uint8_t, kNonceBytes> freshNonce();

/// The Cap'n Proto message of a frame (a multiple of 8 bytes).
std::string encodeMessage(const Frame& frame);
/// The message of a Batch frame, straight from the deliveries.
std::string encodeBatch(uint64_t first, uint64_t ack, std::span<const Delivery> deliveries);
/// At least the bytes a delivery takes in a message (a batch's size is
/// bounded with it).
size_t wireBytes(const Delivery& delivery);
/// Parses and checks a message; nullopt, with `why`, if it is malformed
/// (values are checked for their form here, against a gateway's type by
/// the node).
std::optional<Frame> decodeMessage(std::string_view message, std::string* why);

/// A frame as read from the wire, before it is authenticated or decoded.
struct RawFrame {
  std::string message;
  std::array<uint8_t, kMacBytes> mac{};
};

/// The length announced by a frame's first 4 bytes, if it is acceptable
/// (non-zero, a multiple of 8, at most `max`).
std::optional<size_t> messageLength(const uint8_t header[kLengthBytes], size_t max = kMaxMessageBytes);

/// The key of the pair (dialer, listener): the cluster key and both names
/// hashed together, so that a frame made for one pair means nothing on
/// another. Anyone with the cluster key can derive it (see handshake.h).
Key pairKey(const Key& clusterKey, std::string_view dialer, std::string_view listener);

/// A whole Hello frame on the wire, authenticated with the pair key over the
/// hello it answers (empty for the dialer's) and its own message.
std::string helloFrame(const std::string& message, const Key& pairKey, std::string_view answering = {});
/// A session key made ready to authenticate frames: HMAC's keyed state,
/// made once per connection and copied for each frame.
class SessionAuth {
 public:
  SessionAuth() : SessionAuth(Key{}) {}
  explicit SessionAuth(const Key& sessionKey);
  /// The MAC of a session frame: crypto_auth with the session key over its
  /// direction, its sequence number (8 bytes, little-endian) and its message.
  std::array<uint8_t, kMacBytes> mac(std::string_view message, uint8_t direction, uint64_t sequence) const;

 private:
  crypto_auth_hmacsha512256_state keyed_;
};

/// A whole frame after the hello, authenticated with the session key, its
/// direction (0: dialer to listener, 1: back) and its sequence number.
std::string sessionFrame(const std::string& message, const SessionAuth& session, uint8_t direction, uint64_t sequence);
std::string sessionFrame(const std::string& message, const Key& sessionKey, uint8_t direction, uint64_t sequence);

bool helloAuthentic(std::string_view message, const uint8_t* mac, const Key& pairKey, std::string_view answering = {});
bool sessionAuthentic(std::string_view message, const uint8_t* mac, const SessionAuth& session, uint8_t direction,
                      uint64_t sequence);
bool sessionAuthentic(std::string_view message, const uint8_t* mac, const Key& sessionKey, uint8_t direction,
                      uint64_t sequence);

/// The key of one connection: both hellos (with their fresh nonces) and the
/// X25519 secret both ends share (`shared`, from their ephemeral keys)
/// hashed under the pair key, so that frames of one connection cannot be
/// replayed on another, nor made or read by a holder of the cluster key
/// that did not take part in the exchange.
Key sessionKey(const Key& pairKey, std::string_view dialerHello, std::string_view listenerHello, const Key& shared);

/// A fresh X25519 secret key, and its public key.
Key freshEphemeralSecret();
std::array<uint8_t, kEphemeralBytes> ephemeralPublic(const Key& secret);
/// The secret two ends of a connection share; nullopt for a public key
/// that gives none (a low-order point: a hostile peer's).
std::optional<Key> sharedSecret(const Key& secret, const std::array<uint8_t, kEphemeralBytes>& theirPublic);

}  // namespace rdc::net
