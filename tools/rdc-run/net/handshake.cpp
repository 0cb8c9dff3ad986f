#include "tools/rdc-run/net/handshake.h"

#include <sodium.h>

#include <utility>

namespace rdc::net {

namespace {

const uint8_t* macOf(const RawFrame& frame) { return frame.mac.data(); }

}  // namespace

Handshake::Handshake(const HandshakeSetup& setup, State state, const Nonce& nonce, const Key& ephemeral)
    : setup_(setup), state_(state), nonce_(nonce), ephemeral_(ephemeral) {}

Handshake Handshake::dialing(const HandshakeSetup& setup, std::string peer, const Nonce& nonce, const Key& ephemeral) {
  Handshake h(setup, State::DialerAwaitsHello, nonce, ephemeral);
  h.peer_ = std::move(peer);
  h.pair_ = pairKey(setup.clusterKey, setup.self, h.peer_);
  h.dialerHello_ = h.hello();
  h.opening_ = helloFrame(h.dialerHello_, h.pair_);
  return h;
}

Handshake Handshake::accepting(const HandshakeSetup& setup, std::function<bool(const std::string&)> dialsUs,
                               const Nonce& nonce, const Key& ephemeral) {
  Handshake h(setup, State::ListenerAwaitsHello, nonce, ephemeral);
  h.dialsUs_ = std::move(dialsUs);
  return h;
}

std::string Handshake::receive(const RawFrame& frame) {
  switch (state_) {
    case State::ListenerAwaitsHello:
      return answerHello(frame);
    case State::DialerAwaitsHello:
      return acceptAnswer(frame);
    case State::ListenerAwaitsProof:
      checkProof(frame);
      return {};
    case State::Done:
      return refuse("a frame after the handshake was over");
    case State::Failed:
      return {};
  }
  return {};
}

// Our hello; a listener's signs the dialer's hello it answers.
std::string Handshake::hello(std::string_view answering) const {
  Frame f;
  f.kind = Frame::Kind::Hello;
  f.hello = {setup_.self, pairModel(), nonce_, ephemeralPublic(ephemeral_), {}};
  if (!answering.empty()) f.hello.signature = sign(listenerSigned(answering, f.hello));
  return encodeMessage(f);
}

namespace {

void appendField(std::string& bytes, std::string_view field) {
  uint32_t n = static_cast<uint32_t>(field.size());
  for (size_t i = 0; i < 4; ++i) bytes += static_cast<char>((n >> (8 * i)) & 0xFF);
  bytes.append(field);
}

}  // namespace

std::string Handshake::listenerSigned(std::string_view dialerHello, const Hello& listener) {
  std::string bytes = "rdc-handshake-listener-1";
  appendField(bytes, dialerHello);
  appendField(bytes, listener.domain);
  for (size_t i = 0; i < 8; ++i) bytes += static_cast<char>((listener.modelHash >> (8 * i)) & 0xFF);
  bytes.append(reinterpret_cast<const char*>(listener.nonce.data()), listener.nonce.size());
  bytes.append(reinterpret_cast<const char*>(listener.ephemeral.data()), listener.ephemeral.size());
  return bytes;
}

std::string Handshake::dialerSigned(std::string_view dialerHello, std::string_view listenerHello) {
  std::string bytes = "rdc-handshake-dialer-1";
  appendField(bytes, dialerHello);
  appendField(bytes, listenerHello);
  return bytes;
}

std::string Handshake::sign(const std::string& message) const {
  if (!setup_.keys) return {};
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       setup_.keys->secretKey.data());
  return signature;
}

bool Handshake::signedBy(const std::string& domain, const std::string& message, const std::string& signature) const {
  std::optional<PublicKey> key = setup_.publicKey ? setup_.publicKey(domain) : std::nullopt;
  if (!key) return true;
  return signature.size() == crypto_sign_BYTES &&
         crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                     key->data()) == 0;
}

uint64_t Handshake::pairModel() const {
  if (!setup_.gateways) return setup_.modelHash;
  uint64_t gateways = setup_.gateways(peer_.empty() ? claimed_ : peer_);
  return setup_.modelHash ^ (gateways * 0x9E3779B97F4A7C15ull);
}

std::string Handshake::refuse(std::string why) {
  state_ = State::Failed;
  why_ = std::move(why);
  return {};
}

// The dialer's hello is replayable, so it only tells the listener whom to
// challenge: nothing is trusted until the proof.
std::string Handshake::answerHello(const RawFrame& frame) {
  std::string why;
  auto decoded = decodeMessage(frame.message, &why);
  if (!decoded) return refuse(why);
  if (decoded->kind != Frame::Kind::Hello) return refuse("spoke before saying hello");
  claimed_ = decoded->hello.domain;
  if (!dialsUs_ || !dialsUs_(claimed_)) return refuse(claimed_ + " is not a node that dials " + setup_.self);
  pair_ = pairKey(setup_.clusterKey, claimed_, setup_.self);
  if (!helloAuthentic(frame.message, macOf(frame), pair_))
    return refuse("its hello is not signed with the cluster key");
  // Another model is refused once the dialer is authenticated: by the
  // dialer on our answer, or by us after its proof.
  theirModel_ = decoded->hello.modelHash;
  auto shared = sharedSecret(ephemeral_, decoded->hello.ephemeral);
  if (!shared) return refuse("its ephemeral key gives no shared secret");
  dialerHello_ = frame.message;
  std::string mine = hello(frame.message);
  session_ = sessionKey(pair_, frame.message, mine, *shared);
  myHello_ = mine;
  state_ = State::ListenerAwaitsProof;
  return helloFrame(mine, pair_, frame.message);
}

// The listener's hello answers our fresh one: a valid MAC proves that the
// node at the other end holds the pair key now.
std::string Handshake::acceptAnswer(const RawFrame& frame) {
  std::string why;
  auto decoded = decodeMessage(frame.message, &why);
  if (!decoded) return refuse(why);
  if (decoded->kind != Frame::Kind::Hello) return refuse("answered without a hello");
  claimed_ = decoded->hello.domain;
  if (claimed_ != peer_) return refuse("answered as " + claimed_ + " at " + peer_ + "'s address");
  if (!helloAuthentic(frame.message, macOf(frame), pair_, dialerHello_)) {
    return refuse("its answer is not signed with the cluster key for this handshake (forged or replayed)");
  }
  // A holder of the cluster key answering as another node is a stranger:
  // nothing it says is blamed on the node it claims to be.
  if (!signedBy(peer_, listenerSigned(dialerHello_, decoded->hello), decoded->hello.signature))
    return refuse("its answer is not signed by " + peer_ + "'s key (it holds the cluster key, but is not " + peer_ +
                  ")");
  peerAuthenticated_ = true;
  if (decoded->hello.modelHash != pairModel()) return refuse("runs a different model or parameters");
  auto shared = sharedSecret(ephemeral_, decoded->hello.ephemeral);
  if (!shared) return refuse("its ephemeral key gives no shared secret");
  session_ = sessionKey(pair_, dialerHello_, frame.message, *shared);
  state_ = State::Done;
  Frame proof;
  proof.kind = Frame::Kind::Proof;
  proof.signature = sign(dialerSigned(dialerHello_, frame.message));
  return sessionFrame(encodeMessage(proof), session_, 0, 0);
}

// The proof is MACed with the session key, which depends on our fresh
// nonce: only a holder of the pair key could have made it, just now.
void Handshake::checkProof(const RawFrame& frame) {
  if (!sessionAuthentic(frame.message, macOf(frame), session_, 0, 0)) {
    refuse("did not prove it holds the key (a replayed or forged hello)");
    return;
  }
  std::string why;
  auto decoded = decodeMessage(frame.message, &why);
  if (decoded && decoded->kind == Frame::Kind::Proof &&
      !signedBy(claimed_, dialerSigned(dialerHello_, myHello_), decoded->signature)) {
    refuse("its proof is not signed by " + claimed_ + "'s key (it holds the cluster key, but is not " + claimed_ + ")");
    return;
  }
  peerAuthenticated_ = true;
  if (!decoded) {
    refuse(why);
  } else if (decoded->kind != Frame::Kind::Proof) {
    refuse("sent no proof of its key");
  } else if (theirModel_ != pairModel()) {
    refuse("runs a different model or parameters");
  } else {
    state_ = State::Done;
  }
}

}  // namespace rdc::net
