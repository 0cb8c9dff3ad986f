// Proofs of signed values over TCP: a `Signed<T>` value that crosses the
// network carries its signer node's Ed25519 signature (libsodium's
// crypto_sign_detached, RFC 8032) of
//
//   "rdc-signature-1" | context (32 bytes) | signer (4 bytes, little-endian) | canonical(payload)
//
// where the context is a BLAKE2b hash, keyed with the cluster key, of the
// model hash (node.h's modelHashFor): a proof made for another model, its
// parameters or another cluster proves nothing here. canonical() is one
// byte string per value (equal values, equal bytes; different values,
// different bytes): a kind tag, then 8 little-endian bytes of a Bool, Int or
// Duration, a 4-byte length and the bytes of a Bytes value, a 4-byte count
// and the items of a Tuple or Map (a Map's keys and values alternating, in
// order of key), the signer and the payload of a nested Signed value. A
// nested signature's proof is not covered: it is verified on its own.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ir/lang/value.h"
#include "tools/rdc-run/net/frame.h"
#include "tools/rdc-run/net/keys.h"

namespace rdc::net {

using SigningContext = std::array<uint8_t, 32>;
/// A BLAKE2b hash by which proofs are remembered (a value may be 64 KiB).
using Digest = std::array<uint8_t, 32>;

/// The domain separation of a cluster's signatures: its cluster key and
/// the model hash both ends compute.
SigningContext signingContext(const Key& clusterKey, uint64_t modelHash);

/// The canonical bytes of a value (the header's encoding).
std::string canonicalBytes(const Value& value);
/// What a signer's proof signs: the header's message for (signer, payload).
std::string signedMessage(const SigningContext& context, int64_t signer, const Value& payload);

/// The proof of `payload` signed by domain `signer` with `keys` (64 bytes).
std::string proofOf(const NodeKeys& keys, const SigningContext& context, int64_t signer, const Value& payload);
/// Whether `proof` is the signature of (signer, payload) by `publicKey`.
bool proofHolds(const PublicKey& publicKey, const SigningContext& context, int64_t signer, const Value& payload,
                const std::string& proof);

/// Whether `value` holds a Signed value (itself or in its items).
bool holdsSignature(const Value& value);

class ProofChecker;

/// Gives a node's own signed values their proofs as they leave it.
class ProofMaker {
 public:
  /// `checker`, if any, is told of each proof made: the node's own
  /// signatures that come back to it (echoed by its peers) are not verified.
  ProofMaker(const NodeKeys& keys, const SigningContext& context, int64_t self, ProofChecker* checker = nullptr)
      : keys_(keys), context_(context), self_(self), checker_(checker) {}
  /// `value` with a proof in every Signed value inside it (itself
  /// included) that is signed by this node's domain and has none yet. Other
  /// signatures are left as they are: a relayed value keeps its signer's
  /// proof. Proofs made are remembered (a broadcast signs once).
  Value withProofs(const Value& value);
  uint64_t signaturesMade() const { return made_; }

 private:
  const NodeKeys& keys_;
  SigningContext context_;
  int64_t self_;
  ProofChecker* checker_;
  // The signed message's digest -> its proof (bounded like ProofChecker's memory).
  std::map<Digest, std::string> madeFor_;
  uint64_t made_ = 0;
};

/// Checks the proofs in values that arrive from the network.
class ProofChecker {
 public:
  /// `keys[d]`: the public key of domain d (the model's domain index), if
  /// the peers file gives one.
  ProofChecker(std::vector<std::optional<PublicKey>> keys, const SigningContext& context)
      : keys_(std::move(keys)), context_(context) {}
  /// nullopt if every Signed value inside `value` (itself included) carries
  /// its signer's valid proof; else why the first that does not fails. A
  /// proof already seen to hold is not verified again.
  std::optional<std::string> check(const Value& value, const std::vector<std::string>& domainNames);
  uint64_t verifications() const { return verified_; }
  /// Remembers a proof as holding without verifying it: one this node made.
  void remember(const std::string& message, const std::string& proof);

  /// The most proofs remembered as holding: past it the memory starts
  /// again (a long stream keeps its memory flat).
  static constexpr size_t kMaxRemembered = 1 << 16;

 private:
  std::vector<std::optional<PublicKey>> keys_;
  SigningContext context_;
  std::set<Digest> holding_;  // digests of the signed message and proof of proofs that held
  uint64_t verified_ = 0;
};

}  // namespace rdc::net
