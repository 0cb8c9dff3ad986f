// libFuzzer harness: the handshake (handshake.h) of a listener (node[1],
// which node[0] dials) and of a dialer (node[0] dialling node[1]), fed the
// frames an input describes. The harness holds the cluster key and the
// X25519 secrets of its own hellos (and of the recorded handshake's dialer),
// so it can sign a frame as a real peer would, or forge it, replay a frame recorded
// from an earlier handshake, or sign with another key. Whatever the frames:
// a refusal says why, and a side completes only when the frame that
// completes it was signed as a real peer does now (never by a forgery or a
// replay), with the session key both sides would compute.
//
// Input: a sequence of steps  [control] [length: 1 byte] [length bytes]
//   control & 0x01: to the dialer (else to the listener)
//   control & 0x06: how the frame is signed: 0 forged (MAC from the bytes),
//                   2 as a real peer now, 4 replayed (the recorded frame of
//                   this step, the bytes ignored), 6 with another cluster key
//   control & 0x18: the message: 0 the bytes, 8 a hello claiming the bytes
//                   as its domain, 0x10 a proof, 0x18 a batch
//   control & 0x20: a hello of another model
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "tools/rdc-run/net/handshake.h"

namespace {

using namespace rdc::net;

constexpr uint64_t kModel = 42;

Key keyFrom(uint8_t seed) {
  Key k;
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed * 31 + i);
  return k;
}

Nonce nonceFrom(uint8_t seed) {
  Nonce n;
  n.fill(seed);
  return n;
}

// Ephemeral X25519 secrets made from a seed, so that every run is the same.
Key secretFrom(uint8_t seed) {
  Key k;
  k.fill(static_cast<uint8_t>(seed * 7 + 1));
  return k;
}

// The secret of the harness's own hellos.
constexpr uint8_t kHarnessSecret = 9;

HandshakeSetup setupOf(const std::string& self, uint8_t keySeed = 1) { return {keyFrom(keySeed), self, kModel}; }

bool dialsNode1(const std::string& domain) { return domain == "node[0]"; }

RawFrame rawOf(const std::string& wire) {
  RawFrame raw;
  if (wire.size() < kLengthBytes + kMacBytes) return raw;
  raw.message = wire.substr(kLengthBytes, wire.size() - kLengthBytes - kMacBytes);
  std::copy(wire.end() - kMacBytes, wire.end(), raw.mac.begin());
  return raw;
}

// The frames of an earlier handshake between node[0] and node[1].
struct Recorded {
  std::string hello, answer, proof;
};

const Recorded& recorded() {
  static const Recorded r = [] {
    Handshake d = Handshake::dialing(setupOf("node[0]"), "node[1]", nonceFrom(3), secretFrom(3));
    Handshake l = Handshake::accepting(setupOf("node[1]"), dialsNode1, nonceFrom(4), secretFrom(4));
    Recorded out{d.opening(), "", ""};
    out.answer = l.receive(rawOf(out.hello));
    out.proof = d.receive(rawOf(out.answer));
    return out;
  }();
  return r;
}

std::string messageOf(uint8_t control, const std::string& bytes) {
  Frame f;
  switch (control & 0x18) {
    case 0x00:
      return bytes;
    case 0x08:
      f.kind = Frame::Kind::Hello;
      f.hello = {
          bytes, (control & 0x20) ? kModel + 1 : kModel, nonceFrom(9), ephemeralPublic(secretFrom(kHarnessSecret)), {}};
      break;
    case 0x10:
      f.kind = Frame::Kind::Proof;
      break;
    default:
      f.kind = Frame::Kind::Batch;
      f.batch = {{static_cast<uint32_t>(bytes.size()), 0, rdc::Value::integer(1)}};
  }
  return encodeMessage(f);
}

// One side of the handshake, with what the harness knows of it.
struct Side {
  Handshake handshake;
  bool dialer;
  std::string theirHello, myHello;  // messages of the exchange so far
  int steps = 0;
  bool lastSignedNow = false;
};

std::string messageIn(const std::string& wire) { return rawOf(wire).message; }

// The listener's session key as the dialer of `theirHello` computes it: the
// harness knows the secrets of its own hellos and of the recorded one.
Key listenerSession(const std::string& dialerName, const std::string& theirHello, const std::string& myHello) {
  std::string why;
  auto theirs = decodeMessage(theirHello, &why), mine = decodeMessage(myHello, &why);
  Key shared{};
  if (theirs && mine && theirs->kind == Frame::Kind::Hello && mine->kind == Frame::Kind::Hello) {
    for (uint8_t seed : {kHarnessSecret, uint8_t{3}}) {
      if (ephemeralPublic(secretFrom(seed)) == theirs->hello.ephemeral)
        shared = sharedSecret(secretFrom(seed), mine->hello.ephemeral).value_or(Key{});
    }
  }
  return sessionKey(pairKey(keyFrom(1), dialerName, "node[1]"), theirHello, myHello, shared);
}

// The frame a real peer would send now, with the keys of this exchange.
RawFrame signedNow(const Side& side, const std::string& message) {
  RawFrame raw;
  raw.message = message;
  std::string why;
  auto decoded = decodeMessage(message, &why);
  bool hello = decoded && decoded->kind == Frame::Kind::Hello;
  std::string wire;
  if (side.dialer) {
    // An answer to the dialer's hello.
    Key pair = pairKey(keyFrom(1), "node[0]", "node[1]");
    wire = helloFrame(message, pair, side.myHello);
  } else if (side.steps == 0) {
    Key pair = pairKey(keyFrom(1), hello ? decoded->hello.domain : "node[0]", "node[1]");
    wire = helloFrame(message, pair);
  } else {
    std::string dialerName = side.handshake.claimed();
    Key session = listenerSession(dialerName, side.theirHello, side.myHello);
    wire = sessionFrame(message, session, 0, 0);
  }
  return rawOf(wire);
}

RawFrame replayed(const Side& side) {
  const Recorded& r = recorded();
  if (side.dialer) return rawOf(r.answer);
  return rawOf(side.steps == 0 ? r.hello : r.proof);
}

RawFrame frameFor(const Side& side, uint8_t control, const std::string& bytes) {
  std::string message = messageOf(control, bytes);
  switch (control & 0x06) {
    case 0x00: {
      RawFrame raw;
      raw.message = message;
      for (size_t i = 0; i < kMacBytes && i < bytes.size(); ++i) raw.mac[i] = static_cast<uint8_t>(bytes[i]);
      return raw;
    }
    case 0x02:
      return signedNow(side, message);
    case 0x04:
      return replayed(side);
    default: {
      Key other = keyFrom(2);
      return rawOf(helloFrame(message, pairKey(other, "node[0]", "node[1]")));
    }
  }
}

void step(Side& side, uint8_t control, const std::string& bytes) {
  if (side.handshake.done() || side.handshake.failed()) return;
  RawFrame frame = frameFor(side, control, bytes);
  bool wasAuthenticated = side.handshake.peerAuthenticated();
  std::string reply = side.handshake.receive(frame);
  if (side.handshake.failed() && side.handshake.why().empty()) __builtin_trap();  // a refusal says why
  if (!side.handshake.failed()) {
    if (side.steps == 0 && !side.dialer) side.theirHello = frame.message, side.myHello = messageIn(reply);
    side.lastSignedNow = (control & 0x06) == 0x02;
  }
  // Authentication comes only from a frame signed now.
  if (side.handshake.peerAuthenticated() && !wasAuthenticated && (control & 0x06) != 0x02) __builtin_trap();
  ++side.steps;
}

void checkDone(const Side& side, const char* peer) {
  const Handshake& h = side.handshake;
  if (!h.done()) return;
  if (!side.lastSignedNow || !h.peerAuthenticated() || h.claimed() != peer) __builtin_trap();
  if (!side.dialer) {
    Key expected = listenerSession("node[0]", side.theirHello, side.myHello);
    if (h.session() != expected) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool ready = initCrypto();
  if (!ready) return 0;
  Side listener{
      Handshake::accepting(setupOf("node[1]"), dialsNode1, nonceFrom(1), secretFrom(1)), false, "", "", 0, false};
  Side dialer{Handshake::dialing(setupOf("node[0]"), "node[1]", nonceFrom(2), secretFrom(2)), true, "", "", 0, false};
  dialer.myHello = messageIn(dialer.handshake.opening());
  size_t at = 0;
  while (at + 2 <= size) {
    uint8_t control = data[at];
    size_t length = std::min<size_t>(data[at + 1], size - at - 2);
    std::string bytes(reinterpret_cast<const char*>(data + at + 2), length);
    at += 2 + length;
    step((control & 0x01) ? dialer : listener, control, bytes);
  }
  checkDone(listener, "node[0]");
  checkDone(dialer, "node[1]");
  return 0;
}
