#include "tools/rdc-run/net/handshake.h"

#include <utility>

namespace rdc::net {

namespace {

const uint8_t* macOf(const RawFrame& frame) { return frame.mac.data(); }

}  // namespace

Handshake::Handshake(const HandshakeSetup& setup, State state, const Nonce& nonce)
    : setup_(setup), state_(state), nonce_(nonce) {}

Handshake Handshake::dialing(const HandshakeSetup& setup, std::string peer, const Nonce& nonce) {
  Handshake h(setup, State::DialerAwaitsHello, nonce);
  h.peer_ = std::move(peer);
  h.pair_ = pairKey(setup.clusterKey, setup.self, h.peer_);
  h.dialerHello_ = h.hello();
  h.opening_ = helloFrame(h.dialerHello_, h.pair_);
  return h;
}

Handshake Handshake::accepting(const HandshakeSetup& setup, std::function<bool(const std::string&)> dialsUs,
                               const Nonce& nonce) {
  Handshake h(setup, State::ListenerAwaitsHello, nonce);
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

std::string Handshake::hello() const {
  Frame f;
  f.kind = Frame::Kind::Hello;
  f.hello = {setup_.self, pairModel(), nonce_};
  return encodeMessage(f);
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
  std::string mine = hello();
  session_ = sessionKey(pair_, frame.message, mine);
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
  peerAuthenticated_ = true;
  if (decoded->hello.modelHash != pairModel()) return refuse("runs a different model or parameters");
  session_ = sessionKey(pair_, dialerHello_, frame.message);
  state_ = State::Done;
  Frame proof;
  proof.kind = Frame::Kind::Proof;
  return sessionFrame(encodeMessage(proof), session_, 0, 0);
}

// The proof is MACed with the session key, which depends on our fresh
// nonce: only a holder of the pair key could have made it, just now.
void Handshake::checkProof(const RawFrame& frame) {
  if (!sessionAuthentic(frame.message, macOf(frame), session_, 0, 0)) {
    refuse("did not prove it holds the key (a replayed or forged hello)");
    return;
  }
  peerAuthenticated_ = true;
  std::string why;
  auto decoded = decodeMessage(frame.message, &why);
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
