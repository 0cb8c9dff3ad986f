// The TCP wire format and the peers file: round trips, and that any change
// to an authenticated frame is caught.
#include <gtest/gtest.h>

#include "tools/rdc-run/net/frame.h"
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
  f.batch = {{"net:rb.send.link[1]", "1"}, {"net:tm.height[0].round[0].propose.send.link[2]", "(100, -1)"}};
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
  Frame bye;
  EXPECT_EQ(decodeMessage(encodeMessage(bye), &why)->kind, Frame::Kind::Bye);
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
}

TEST(Net, SessionKeysDependOnBothHellos) {
  ASSERT_TRUE(initCrypto());
  Key cluster = key(1);
  EXPECT_EQ(sessionKey(cluster, "a", "b"), sessionKey(cluster, "a", "b"));
  EXPECT_NE(sessionKey(cluster, "a", "b"), sessionKey(cluster, "a", "c"));
  EXPECT_NE(sessionKey(cluster, "a", "b"), sessionKey(key(2), "a", "b"));
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
  for (const char* bad : {"[]", "key: zz\nnodes: {a: 'h:1'}", "nodes: {a: 'h:1'}",
                          "key: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\nnodes: {a: 'h:99999'}",
                          "key: 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\nnodes: {}\nextra: 1"}) {
    DiagnosticSink d;
    EXPECT_FALSE(parsePeers(bad, "p.yaml", d)) << bad;
    EXPECT_TRUE(d.hasErrors());
  }
}

}  // namespace
}  // namespace rdc::net
