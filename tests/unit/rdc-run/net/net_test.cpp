// The TCP wire format, the handshake and the peers file: round trips, that
// any change to an authenticated frame is caught, and that a handshake
// completes only with a fresh proof of the key.
#include <gtest/gtest.h>

#include <sodium.h>

#include <algorithm>
#include <cstring>

#include "tools/rdc-run/net/frame.h"
#include "tools/rdc-run/net/handshake.h"
#include "tools/rdc-run/net/keys.h"
#include "tools/rdc-run/net/peers.h"

namespace rdc::net {
namespace {

Key key(uint8_t seed) {
  Key k;
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed + i);
  return k;
}

Frame batch() {
  Frame f;
  f.kind = Frame::Kind::Batch;
  f.batch = {{0, 0, Value::integer(1)}, {7, 0, Value::tuple({Value::integer(100), Value::integer(-1)})}};
  return f;
}

// A batch of every kind of value, nested.
Frame everyKind() {
  Frame f;
  f.kind = Frame::Kind::Batch;
  std::vector<Value> values = {Value::unit(),      Value::boolean(true),   Value::integer(INT64_MIN),
                               Value::duration(3), Value::ofBytes("a\0b"), Value::nil()};
  values.push_back(Value::tuple({Value::tuple({Value::ofBytes("x"), Value::nil()}), Value::boolean(false)}));
  values.push_back(*Value::map({{Value::integer(2), Value::tuple({Value::integer(1), Value::nil()})},
                                {Value::integer(-1), Value::tuple({Value::integer(0), Value::integer(5)})}}));
  values.push_back(*Value::map({}));
  for (uint32_t i = 0; i < values.size(); ++i) f.batch.push_back({i, i * 1000, values[i]});
  return f;
}

TEST(Net, MessagesRoundTrip) {
  ASSERT_TRUE(initCrypto());
  Frame hello;
  hello.kind = Frame::Kind::Hello;
  hello.hello = {"node[3]", 42, freshNonce()};
  std::string why;
  auto h = decodeMessage(encodeMessage(hello), &why);
  ASSERT_TRUE(h) << why;
  EXPECT_EQ(h->hello.domain, "node[3]");
  EXPECT_EQ(h->hello.modelHash, 42u);
  EXPECT_EQ(h->hello.nonce, hello.hello.nonce);
  auto b = decodeMessage(encodeMessage(batch()), &why);
  ASSERT_TRUE(b) << why;
  EXPECT_EQ(b->batch, batch().batch);
  auto all = decodeMessage(encodeMessage(everyKind()), &why);
  ASSERT_TRUE(all) << why;
  EXPECT_EQ(all->batch, everyKind().batch);
  for (const Delivery& d : everyKind().batch) EXPECT_GE(wireBytes(d), kDeliveryBytes);
  Frame bye;
  bye.ack = 12;
  auto decoded = decodeMessage(encodeMessage(bye), &why);
  ASSERT_TRUE(decoded) << why;
  EXPECT_EQ(decoded->kind, Frame::Kind::Bye);
  EXPECT_EQ(decoded->ack, 12u);
}

// A scalar delivery takes kDeliveryBytes: a batch's bound on its length
// (its message's size over that) admits every honest batch.
TEST(Net, AScalarDeliveryTakesItsFourWords) {
  std::vector<Delivery> many(1000, {UINT32_MAX, UINT64_MAX >> 1, Value::integer(-1)});
  std::string message = encodeBatch(0, 0, many);
  EXPECT_LE(message.size(), many.size() * kDeliveryBytes + 64);
  std::string why;
  auto b = decodeMessage(message, &why);
  ASSERT_TRUE(b) << why;
  EXPECT_EQ(b->batch, many);
  EXPECT_EQ(wireBytes(many[0]), kDeliveryBytes);
}

TEST(Net, ValuesTooLongAreRefused) {
  Frame f;
  f.kind = Frame::Kind::Batch;
  f.batch = {{0, 0, Value::ofBytes(std::string(kMaxValueBytes + 1, 'x'))}};
  std::string why;
  EXPECT_FALSE(decodeMessage(encodeMessage(f), &why));
  EXPECT_NE(why.find("longer than 65536 bytes"), std::string::npos) << why;
  Value deep = Value::integer(1);                            // nested past the reader's nesting limit
  for (int i = 0; i < 80; ++i) deep = Value::tuple({deep});  // (deeper than a type may be)
  f.batch = {{0, 0, deep}};
  EXPECT_FALSE(decodeMessage(encodeMessage(f), &why));
  EXPECT_FALSE(why.empty());
}

// A hostile peer's map whose keys are out of order or repeated (the bytes
// of a sorted map with one key patched) is refused, never misread.
TEST(Net, MapsWithDisorderedKeysAreRefused) {
  const int64_t low = 0x1111111111111111, high = 0x2222222222222222;
  Frame f;
  f.kind = Frame::Kind::Batch;
  f.batch = {{0, 0, *Value::map({{Value::integer(low), Value::unit()}, {Value::integer(high), Value::unit()}})}};
  std::string bytes = encodeMessage(f), why;
  ASSERT_TRUE(decodeMessage(bytes, &why)) << why;
  auto spelled = [](int64_t v) { return std::string(reinterpret_cast<const char*>(&v), sizeof v); };
  for (int64_t replacement : {int64_t{0x3333333333333333}, high}) {
    std::string hostile = bytes;
    hostile.replace(hostile.find(spelled(low)), 8, spelled(replacement));
    EXPECT_FALSE(decodeMessage(hostile, &why));
    EXPECT_NE(why.find("not strictly increasing"), std::string::npos) << why;
  }
}

TEST(Net, BatchesAreNumberedAndAcknowledged) {
  Frame numbered = batch();
  numbered.first = 1'000'000'007;
  numbered.batch[0].iteration = 57;
  std::string why;
  auto b = decodeMessage(encodeMessage(numbered), &why);
  ASSERT_TRUE(b) << why;
  EXPECT_EQ(b->first, numbered.first);
  EXPECT_EQ(b->batch, numbered.batch);  // the iteration included
  Frame ack;                            // an empty batch only acknowledges
  ack.kind = Frame::Kind::Batch;
  ack.ack = UINT64_MAX;
  auto a = decodeMessage(encodeMessage(ack), &why);
  ASSERT_TRUE(a) << why;
  EXPECT_EQ(a->kind, Frame::Kind::Batch);
  EXPECT_TRUE(a->batch.empty());
  EXPECT_EQ(a->ack, UINT64_MAX);
  numbered.first = UINT64_MAX;  // its deliveries' numbers would wrap
  EXPECT_FALSE(decodeMessage(encodeMessage(numbered), &why));
  EXPECT_NE(why.find("largest number"), std::string::npos) << why;
  numbered.first = 0;
  numbered.batch[0].iteration = UINT64_MAX;  // past the largest Int
  EXPECT_FALSE(decodeMessage(encodeMessage(numbered), &why));
}

TEST(Net, AuthenticationCatchesEveryChange) {
  ASSERT_TRUE(initCrypto());
  Key session = key(7);
  std::string message = encodeMessage(batch());
  std::string frame = sessionFrame(message, session, 0, 5);
  ASSERT_EQ(frame.size(), kLengthBytes + message.size() + kMacBytes);
  auto length = messageLength(reinterpret_cast<const uint8_t*>(frame.data()));
  ASSERT_EQ(length, message.size());
  const uint8_t* mac = reinterpret_cast<const uint8_t*>(frame.data()) + kLengthBytes + message.size();
  EXPECT_TRUE(sessionAuthentic(message, mac, session, 0, 5));
  EXPECT_FALSE(sessionAuthentic(message, mac, session, 1, 5));  // reflected back to its sender
  EXPECT_FALSE(sessionAuthentic(message, mac, session, 0, 4));  // replayed out of order
  EXPECT_FALSE(sessionAuthentic(message, mac, key(8), 0, 5));   // another connection's key
  for (size_t i = 0; i < message.size(); i += 7) {
    std::string altered = message;
    altered[i] = static_cast<char>(altered[i] ^ 0x20);
    EXPECT_FALSE(sessionAuthentic(altered, mac, session, 0, 5)) << "byte " << i;
  }
  // The MAC is crypto_auth over direction, sequence number (8 bytes,
  // little-endian) and message, as net.capnp says.
  std::string covered = std::string(1, '\0') + std::string("\x05\0\0\0\0\0\0\0", 8) + message;
  uint8_t expected[kMacBytes];
  crypto_auth(expected, reinterpret_cast<const unsigned char*>(covered.data()), covered.size(), session.data());
  EXPECT_EQ(0, std::memcmp(expected, mac, kMacBytes));
}

TEST(Net, SessionKeysDependOnBothHellosAndTheSharedSecret) {
  ASSERT_TRUE(initCrypto());
  Key cluster = key(1), shared = key(5);
  EXPECT_EQ(sessionKey(cluster, "a", "b", shared), sessionKey(cluster, "a", "b", shared));
  EXPECT_NE(sessionKey(cluster, "a", "b", shared), sessionKey(cluster, "a", "c", shared));
  EXPECT_NE(sessionKey(cluster, "a", "b", shared), sessionKey(cluster, "ab", "", shared));
  EXPECT_NE(sessionKey(cluster, "a", "b", shared), sessionKey(key(2), "a", "b", shared));
  EXPECT_NE(sessionKey(cluster, "a", "b", shared), sessionKey(cluster, "a", "b", key(6)));
  // X25519: both ends find one secret; a low-order public key gives none.
  Key a = freshEphemeralSecret(), b = freshEphemeralSecret();
  EXPECT_EQ(sharedSecret(a, ephemeralPublic(b)), sharedSecret(b, ephemeralPublic(a)));
  EXPECT_FALSE(sharedSecret(a, std::array<uint8_t, kEphemeralBytes>{}));
}

// A frame as the transport reads it off the wire.
RawFrame onWire(const std::string& bytes) {
  auto length = messageLength(reinterpret_cast<const uint8_t*>(bytes.data()));
  EXPECT_TRUE(length && bytes.size() == kLengthBytes + *length + kMacBytes);
  RawFrame frame;
  frame.message = bytes.substr(kLengthBytes, *length);
  std::copy(bytes.end() - kMacBytes, bytes.end(), frame.mac.begin());
  return frame;
}

HandshakeSetup setup(const std::string& self, uint8_t keySeed = 1, uint64_t modelHash = 42) {
  return {key(keySeed), self, modelHash};
}

// node[1] accepts node[0] (listed before it).
Handshake listener(const HandshakeSetup& s = setup("node[1]")) {
  return Handshake::accepting(
      s, [](const std::string& d) { return d == "node[0]"; }, freshNonce());
}

Handshake dialer(const HandshakeSetup& s = setup("node[0]"), const std::string& peer = "node[1]") {
  return Handshake::dialing(s, peer, freshNonce());
}

// The three frames of a handshake between `d` and `l`; what each sent.
struct Exchange {
  std::string hello, answer, proof;
};

Exchange complete(Handshake& d, Handshake& l) {
  Exchange x{d.opening(), "", ""};
  x.answer = l.receive(onWire(x.hello));
  EXPECT_FALSE(l.failed()) << l.why();
  x.proof = d.receive(onWire(x.answer));
  EXPECT_FALSE(d.failed()) << d.why();
  EXPECT_TRUE(l.receive(onWire(x.proof)).empty());
  return x;
}

TEST(Handshake, TwoNodesWithTheKeyAgreeOnASessionKey) {
  ASSERT_TRUE(initCrypto());
  Handshake d = dialer(), l = listener();
  EXPECT_TRUE(l.opening().empty());  // the listener speaks second
  complete(d, l);
  ASSERT_TRUE(d.done());
  ASSERT_TRUE(l.done()) << l.why();
  EXPECT_EQ(d.session(), l.session());
  EXPECT_EQ(d.claimed(), "node[1]");
  EXPECT_EQ(l.claimed(), "node[0]");
  EXPECT_TRUE(d.peerAuthenticated());
  EXPECT_TRUE(l.peerAuthenticated());
  // A second handshake of the same pair has another session key.
  Handshake d2 = dialer(), l2 = listener();
  complete(d2, l2);
  EXPECT_NE(d2.session(), d.session());
}

TEST(Handshake, TheListenerTrustsNothingBeforeTheProof) {
  ASSERT_TRUE(initCrypto());
  Handshake d = dialer(), l = listener();
  l.receive(onWire(d.opening()));
  EXPECT_FALSE(l.done());
  EXPECT_FALSE(l.peerAuthenticated());
  EXPECT_EQ(l.claimed(), "node[0]");  // claimed, not proved
}

TEST(Handshake, AReplayedHelloAndProofCompleteNothing) {
  ASSERT_TRUE(initCrypto());
  Handshake d = dialer(), l = listener();
  Exchange recorded = complete(d, l);
  ASSERT_TRUE(l.done());
  // A stranger replays both of the dialer's frames to a new listener.
  Handshake victim = listener();
  EXPECT_FALSE(victim.receive(onWire(recorded.hello)).empty());  // it is challenged
  victim.receive(onWire(recorded.proof));
  EXPECT_TRUE(victim.failed());
  EXPECT_FALSE(victim.peerAuthenticated());
  EXPECT_NE(victim.why().find("did not prove it holds the key"), std::string::npos) << victim.why();
  // And the listener's answer replayed to a new dialer proves nothing either.
  Handshake fooled = dialer();
  fooled.receive(onWire(recorded.answer));
  EXPECT_TRUE(fooled.failed());
  EXPECT_FALSE(fooled.peerAuthenticated());
  EXPECT_NE(fooled.why().find("forged or replayed"), std::string::npos) << fooled.why();
}

TEST(Handshake, AnotherKeyIsRefusedAtOnce) {
  ASSERT_TRUE(initCrypto());
  Handshake d = dialer(setup("node[0]", 9)), l = listener();
  l.receive(onWire(d.opening()));
  EXPECT_TRUE(l.failed());
  EXPECT_NE(l.why().find("not signed with the cluster key"), std::string::npos) << l.why();
  // A listener with another key answering our dialer.
  Handshake d2 = dialer();
  Handshake other = Handshake::accepting(
      setup("node[1]", 9), [](const std::string&) { return true; }, freshNonce());
  std::string answer = other.receive(onWire(dialer(setup("node[0]", 9)).opening()));
  d2.receive(onWire(answer));
  EXPECT_TRUE(d2.failed());
  EXPECT_FALSE(d2.peerAuthenticated());
}

TEST(Handshake, AHelloMadeForOnePairMeansNothingOnAnother) {
  ASSERT_TRUE(initCrypto());
  // node[0]'s hello to node[1], replayed to node[2] (which node[0] also dials).
  Handshake d = dialer(setup("node[0]"), "node[1]");
  Handshake l = listener(setup("node[2]"));
  l.receive(onWire(d.opening()));
  EXPECT_TRUE(l.failed());
  EXPECT_NE(pairKey(key(1), "node[0]", "node[1]"), pairKey(key(1), "node[0]", "node[2]"));
  EXPECT_NE(pairKey(key(1), "node[0]", "node[1]"), pairKey(key(1), "node[1]", "node[0]"));
  EXPECT_NE(pairKey(key(1), "ab", "c"), pairKey(key(1), "a", "bc"));
}

TEST(Handshake, ClaimsThatDoNotFitAreRefused) {
  ASSERT_TRUE(initCrypto());
  // node[2] is not a node that dials node[1].
  Handshake l = listener();
  l.receive(onWire(dialer(setup("node[2]")).opening()));
  EXPECT_TRUE(l.failed());
  EXPECT_NE(l.why().find("node[2] is not a node that dials node[1]"), std::string::npos) << l.why();
  // Something other than node[1] answers at node[1]'s address.
  Handshake d = dialer();
  Handshake impostor = Handshake::accepting(
      setup("node[3]"), [](const std::string&) { return true; }, freshNonce());
  d.receive(onWire(impostor.receive(onWire(dialer(setup("node[0]"), "node[3]").opening()))));
  EXPECT_TRUE(d.failed());
  EXPECT_NE(d.why().find("answered as node[3]"), std::string::npos) << d.why();
  // A proof before any hello, and frames after a refusal.
  Frame proof;
  proof.kind = Frame::Kind::Proof;
  Handshake early = listener();
  early.receive(onWire(sessionFrame(encodeMessage(proof), key(1), 0, 0)));
  EXPECT_TRUE(early.failed());
  EXPECT_EQ(early.why(), "spoke before saying hello");
  EXPECT_TRUE(early.receive(onWire(dialer().opening())).empty());
  EXPECT_TRUE(early.failed());
}

TEST(Handshake, AnotherModelIsRefusedOnlyOnceThePeerIsAuthenticated) {
  ASSERT_TRUE(initCrypto());
  // The listener cannot know that the hello is fresh: it answers, so that
  // the dialer learns about the other model from an authenticated answer.
  Handshake l = listener(setup("node[1]", 1, 7));
  EXPECT_FALSE(l.receive(onWire(dialer().opening())).empty());
  EXPECT_FALSE(l.failed());
  // The dialer's challenge was answered with the key: a real peer's failure.
  Handshake d = dialer(setup("node[0]", 1, 7));
  Handshake other = listener();
  d.receive(onWire(other.receive(onWire(d.opening()))));
  EXPECT_TRUE(d.failed());
  EXPECT_TRUE(d.peerAuthenticated());
  EXPECT_EQ(d.why(), "runs a different model or parameters");
  // A dialer with the key that sends its proof anyway is refused after it
  // (the proof made as handshake.h documents the session key).
  Key ephemeral = freshEphemeralSecret();
  Handshake d3 = Handshake::dialing(setup("node[0]"), "node[1]", freshNonce(), ephemeral);
  Handshake l3 = listener(setup("node[1]", 1, 7));
  std::string answer = l3.receive(onWire(d3.opening()));
  std::string why;
  auto answered = decodeMessage(onWire(answer).message, &why);
  ASSERT_TRUE(answered) << why;
  Key session = sessionKey(pairKey(key(1), "node[0]", "node[1]"), onWire(d3.opening()).message, onWire(answer).message,
                           *sharedSecret(ephemeral, answered->hello.ephemeral));
  Frame proof;
  proof.kind = Frame::Kind::Proof;
  l3.receive(onWire(sessionFrame(encodeMessage(proof), session, 0, 0)));
  EXPECT_TRUE(l3.failed());
  EXPECT_TRUE(l3.peerAuthenticated());
  EXPECT_EQ(l3.why(), "runs a different model or parameters");
}

// Deliveries name gateways by index: two ends that cut the model into
// other gateways (the same model name and parameters, another text) would
// misread each other, so a pair's hellos carry a digest of its gateways.
TEST(Handshake, EndsThatNumberOtherGatewaysAreRefused) {
  ASSERT_TRUE(initCrypto());
  auto withGateways = [](const std::string& self, uint64_t digest) {
    HandshakeSetup s = setup(self);
    s.gateways = [digest](const std::string& peer) { return peer == "node[0]" || peer == "node[1]" ? digest : 0; };
    return s;
  };
  Handshake same = dialer(withGateways("node[0]", 5));
  Handshake sameListener = listener(withGateways("node[1]", 5));
  complete(same, sameListener);
  EXPECT_TRUE(same.done() && sameListener.done());
  Handshake d = dialer(withGateways("node[0]", 5));
  Handshake l = listener(withGateways("node[1]", 6));
  d.receive(onWire(l.receive(onWire(d.opening()))));
  EXPECT_TRUE(d.failed());
  EXPECT_EQ(d.why(), "runs a different model or parameters");
}

// With node keys in the peers file, each end signs its side of the
// handshake: a holder of the cluster key cannot pass for another node.
NodeKeys nodeKeys(uint8_t seed) {
  std::array<uint8_t, 32> s{};
  s.fill(seed);
  return keysFromSeed(s);
}

HandshakeSetup withNodeKeys(const std::string& self, const NodeKeys* mine) {
  static const NodeKeys node0 = nodeKeys(10), node1 = nodeKeys(11), node3 = nodeKeys(13);
  HandshakeSetup s = setup(self);
  s.keys = mine ? mine : self == "node[0]" ? &node0 : self == "node[1]" ? &node1 : &node3;
  s.publicKey = [](const std::string& domain) -> std::optional<PublicKey> {
    if (domain == "node[0]") return node0.publicKey;
    if (domain == "node[1]") return node1.publicKey;
    if (domain == "node[3]") return node3.publicKey;
    return std::nullopt;
  };
  return s;
}

TEST(Handshake, NodesWithKeysProveWhoTheyAre) {
  ASSERT_TRUE(initCrypto());
  Handshake d = dialer(withNodeKeys("node[0]", nullptr)), l = listener(withNodeKeys("node[1]", nullptr));
  Exchange x = complete(d, l);
  ASSERT_TRUE(d.done() && l.done()) << d.why() << l.why();
  EXPECT_EQ(d.session(), l.session());
  std::string why;
  EXPECT_EQ(decodeMessage(onWire(x.answer).message, &why)->hello.signature.size(), kSignatureBytes);
  EXPECT_EQ(decodeMessage(onWire(x.proof).message, &why)->signature.size(), kSignatureBytes);
}

TEST(Handshake, AHolderOfTheClusterKeyCannotPassForAnotherNode) {
  ASSERT_TRUE(initCrypto());
  NodeKeys liar = nodeKeys(99);
  // node[3]'s process dials node[1] as node[0], with its own key (or none).
  for (const NodeKeys* keys : {static_cast<const NodeKeys*>(&liar), static_cast<const NodeKeys*>(nullptr)}) {
    HandshakeSetup as = withNodeKeys("node[0]", keys);
    if (!keys) as.keys = nullptr;
    Handshake d = dialer(as), l = listener(withNodeKeys("node[1]", nullptr));
    d.receive(onWire(l.receive(onWire(d.opening()))));
    EXPECT_TRUE(d.done()) << d.why();  // the real node[1] answered
    l.receive(onWire(sessionFrame(
        [&] {
          Frame proof;
          proof.kind = Frame::Kind::Proof;
          if (keys) proof.signature = std::string(kSignatureBytes, 'x');
          return encodeMessage(proof);
        }(),
        d.session(), 0, 0)));
    EXPECT_TRUE(l.failed());
    EXPECT_FALSE(l.peerAuthenticated());  // a stranger: node[0] is not blamed
    EXPECT_NE(l.why().find("its proof is not signed by node[0]'s key"), std::string::npos) << l.why();
  }
  // The proof a real dialer makes, signed with the wrong node key.
  Handshake d = dialer(withNodeKeys("node[0]", &liar)), l = listener(withNodeKeys("node[1]", nullptr));
  Exchange x{d.opening(), "", ""};
  x.answer = l.receive(onWire(x.hello));
  x.proof = d.receive(onWire(x.answer));
  l.receive(onWire(x.proof));
  EXPECT_TRUE(l.failed());
  EXPECT_NE(l.why().find("not signed by node[0]'s key"), std::string::npos) << l.why();
  // And a listener that answers at node[1]'s address as node[1] with another key.
  Handshake fooled = dialer(withNodeKeys("node[0]", nullptr));
  Handshake impostor = listener(withNodeKeys("node[1]", &liar));
  fooled.receive(onWire(impostor.receive(onWire(fooled.opening()))));
  EXPECT_TRUE(fooled.failed());
  EXPECT_FALSE(fooled.peerAuthenticated());
  EXPECT_NE(fooled.why().find("its answer is not signed by node[1]'s key"), std::string::npos) << fooled.why();
}

TEST(Net, HostileMessagesAreRejectedWithAReason) {
  std::string why;
  EXPECT_FALSE(decodeMessage("", &why));
  EXPECT_FALSE(decodeMessage("1234567", &why));  // not whole words
  EXPECT_FALSE(decodeMessage(std::string(64, '\xff'), &why));
  EXPECT_FALSE(why.empty());
  uint8_t huge[4] = {0xff, 0xff, 0xff, 0x7f}, empty[4] = {0, 0, 0, 0}, odd[4] = {9, 0, 0, 0};
  EXPECT_FALSE(messageLength(huge));
  EXPECT_FALSE(messageLength(empty));
  EXPECT_FALSE(messageLength(odd));
  uint8_t overHandshake[4] = {0x08, 0x04, 0, 0};  // 1032 bytes: a batch, but not a hello
  EXPECT_TRUE(messageLength(overHandshake));
  EXPECT_FALSE(messageLength(overHandshake, kMaxHandshakeMessageBytes));
  // Every truncation of a good message is refused or decodes; none crashes.
  std::string good = encodeMessage(batch());
  for (size_t n = 8; n < good.size(); n += 8) decodeMessage(good.substr(0, n), &why);
}

TEST(Net, PeersFiles) {
  DiagnosticSink diags;
  auto peers = parsePeers(
      "key: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
      "nodes:\n  node[0]: 127.0.0.1:7100\n  node[1]: localhost:7101\n",
      "p.yaml", diags);
  ASSERT_TRUE(peers) << diags.formatText();
  EXPECT_EQ(peers->nodes.size(), 2u);
  EXPECT_EQ(*peers->address("node[1]"), "localhost:7101");
  EXPECT_EQ(peers->key[31], 0x1f);
  for (const char* bad :
       {"[]", "key: zz\nnodes: {a: 'h:1'}", "nodes: {a: 'h:1'}",
        "key: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\nnodes: {a: 'h:99999'}",
        "key: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\nnodes: {}\nextra: 1"}) {
    DiagnosticSink d;
    EXPECT_FALSE(parsePeers(bad, "p.yaml", d)) << bad;
    EXPECT_TRUE(d.hasErrors());
  }
}

}  // namespace
}  // namespace rdc::net
