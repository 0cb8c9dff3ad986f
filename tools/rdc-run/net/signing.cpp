#include "tools/rdc-run/net/signing.h"

#include <sodium.h>

namespace rdc::net {

namespace {

void appendWord(std::string& out, uint64_t n, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out += static_cast<char>((n >> (8 * i)) & 0xFF);
}

void appendCanonical(std::string& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unit:
      out += 'u';
      return;
    case Value::Kind::Nil:
      out += 'n';
      return;
    case Value::Kind::Bool:
      out += 'b';
      return appendWord(out, static_cast<uint64_t>(v.i), 8);
    case Value::Kind::Int:
      out += 'i';
      return appendWord(out, static_cast<uint64_t>(v.i), 8);
    case Value::Kind::Duration:
      out += 'd';
      return appendWord(out, static_cast<uint64_t>(v.i), 8);
    case Value::Kind::Bytes:
      out += 'y';
      appendWord(out, v.bytes().size(), 4);
      out += v.bytes();
      return;
    case Value::Kind::Tuple:
    case Value::Kind::Map:
      out += v.kind == Value::Kind::Tuple ? 't' : 'm';
      appendWord(out, v.items().size(), 4);
      for (const Value& item : v.items()) appendCanonical(out, item);
      return;
    case Value::Kind::Signed:
      out += 's';
      appendWord(out, static_cast<uint64_t>(v.signer()), 4);
      return appendCanonical(out, v.payload());
  }
}

// A value rebuilt with `f` applied to each Signed value inside it,
// innermost first; the same value (shared, not copied) where nothing changed.
template <typename F>
Value rebuilt(const Value& v, F& f) {
  if (!holdsSignature(v)) return v;
  if (v.kind == Value::Kind::Signed) {
    Value payload = rebuilt(v.payload(), f);
    return f(Value::signature(v.signer(), std::move(payload), v.bytes()));
  }
  std::vector<Value> items;
  items.reserve(v.items().size());
  for (const Value& item : v.items()) items.push_back(rebuilt(item, f));
  if (v.kind == Value::Kind::Tuple) return Value::tuple(std::move(items));
  std::vector<std::pair<Value, Value>> entries;
  for (size_t e = 0; e + 1 < items.size(); e += 2) entries.emplace_back(std::move(items[e]), std::move(items[e + 1]));
  return *Value::map(std::move(entries));  // (the same keys, in the same order: proofs do not order)
}

}  // namespace

SigningContext signingContext(const Key& clusterKey, uint64_t modelHash) {
  std::string input = "rdc-signing-context-1";
  appendWord(input, modelHash, 8);
  SigningContext out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                     clusterKey.data(), clusterKey.size());
  return out;
}

std::string canonicalBytes(const Value& value) {
  std::string out;
  appendCanonical(out, value);
  return out;
}

std::string signedMessage(const SigningContext& context, int64_t signer, const Value& payload) {
  std::string out = "rdc-signature-1";
  out.append(reinterpret_cast<const char*>(context.data()), context.size());
  appendWord(out, static_cast<uint64_t>(signer), 4);
  appendCanonical(out, payload);
  return out;
}

namespace {

std::string sign(const NodeKeys& keys, const std::string& message) {
  std::string proof(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(proof.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(), keys.secretKey.data());
  return proof;
}

bool holds(const PublicKey& key, const std::string& message, const std::string& proof) {
  return proof.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(proof.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     key.data()) == 0;
}

Digest digestOf(const std::string& message, const std::string& proof = {}) {
  Digest out;
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, out.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(proof.data()), proof.size());
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

}  // namespace

std::string proofOf(const NodeKeys& keys, const SigningContext& context, int64_t signer, const Value& payload) {
  return sign(keys, signedMessage(context, signer, payload));
}

bool proofHolds(const PublicKey& publicKey, const SigningContext& context, int64_t signer, const Value& payload,
                const std::string& proof) {
  return holds(publicKey, signedMessage(context, signer, payload), proof);
}

bool holdsSignature(const Value& value) {
  if (value.kind == Value::Kind::Signed) return true;
  for (const Value& item : value.items()) {
    if (holdsSignature(item)) return true;
  }
  return false;
}

Value ProofMaker::withProofs(const Value& value) {
  auto prove = [this](Value s) {
    if (s.signer() != self_ || !s.bytes().empty()) return s;
    std::string message = signedMessage(context_, s.signer(), s.payload());
    Digest digest = digestOf(message);
    auto known = madeFor_.find(digest);
    if (known == madeFor_.end()) {
      if (madeFor_.size() >= ProofChecker::kMaxRemembered) madeFor_.clear();
      known = madeFor_.emplace(digest, sign(keys_, message)).first;
      ++made_;
      if (checker_) checker_->remember(message, known->second);
    }
    return Value::signature(s.signer(), s.payload(), known->second);
  };
  return rebuilt(value, prove);
}

std::optional<std::string> ProofChecker::check(const Value& value, const std::vector<std::string>& domainNames) {
  std::optional<std::string> failure;
  forEachSignature(value, [&](const Value& s) {
    if (failure) return;
    int64_t by = s.signer();
    std::string signer =
        by >= 0 && static_cast<size_t>(by) < domainNames.size() ? domainNames[by] : "domain #" + std::to_string(by);
    if (by < 0 || static_cast<size_t>(by) >= keys_.size() || !keys_[by]) {
      failure = "a value signed by " + signer + ", which has no public key in the peers file";
      return;
    }
    if (s.bytes().empty()) {
      failure = "a value signed by " + signer + " without its proof";
      return;
    }
    std::string message = signedMessage(context_, by, s.payload());
    Digest remembered = digestOf(message, s.bytes());
    if (holding_.count(remembered)) return;
    ++verified_;
    if (!holds(*keys_[by], message, s.bytes())) {
      failure =
          "a value signed by " + signer + " whose proof fails (forged, altered, or made for another model or cluster)";
      return;
    }
    if (holding_.size() >= kMaxRemembered) holding_.clear();
    holding_.insert(remembered);
  });
  return failure;
}

void ProofChecker::remember(const std::string& message, const std::string& proof) {
  if (holding_.size() >= kMaxRemembered) holding_.clear();
  holding_.insert(digestOf(message, proof));
}

}  // namespace rdc::net
