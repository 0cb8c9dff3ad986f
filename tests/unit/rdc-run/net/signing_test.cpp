// Signed values over TCP: the canonical encoding a proof signs, proofs made
// and verified (and refused when anything they cover changes), nested and
// relayed signatures, key files and the peers file's public keys.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "tools/rdc-run/net/keys.h"
#include "tools/rdc-run/net/peers.h"
#include "tools/rdc-run/net/signing.h"

namespace rdc::net {
namespace {

Key clusterKey(uint8_t seed) {
  Key k;
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed + i);
  return k;
}

NodeKeys keys(uint8_t seed) {
  std::array<uint8_t, 32> s{};
  s.fill(seed);
  return keysFromSeed(s);
}

class Signing : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(initCrypto()); }
  SigningContext context = signingContext(clusterKey(1), 42);
};

TEST_F(Signing, CanonicalBytesAreOneStringPerValue) {
  std::vector<Value> values = {Value::unit(),
                               Value::nil(),
                               Value::boolean(true),
                               Value::integer(1),
                               Value::duration(1),
                               Value::integer(-1),
                               Value::ofBytes(""),
                               Value::ofBytes("a"),
                               Value::ofBytes(std::string("\0", 1)),
                               Value::tuple({}),
                               Value::tuple({Value::integer(1)}),
                               Value::tuple({Value::integer(1), Value::integer(2)}),
                               Value::tuple({Value::tuple({Value::integer(1)}), Value::integer(2)}),
                               *Value::map({}),
                               *Value::map({{Value::integer(1), Value::integer(2)}}),
                               Value::signature(0, Value::integer(1)),
                               Value::signature(1, Value::integer(1)),
                               Value::signature(0, Value::integer(2))};
  for (size_t a = 0; a < values.size(); ++a) {
    for (size_t b = 0; b < values.size(); ++b) {
      EXPECT_EQ(canonicalBytes(values[a]) == canonicalBytes(values[b]), a == b)
          << values[a].str() << " " << values[b].str();
    }
  }
  // The exact bytes of one value: a tag, then little-endian words.
  EXPECT_EQ(canonicalBytes(Value::tuple({Value::integer(258), Value::ofBytes("ab")})),
            std::string("t\x02\0\0\0i\x02\x01\0\0\0\0\0\0y\x02\0\0\0ab", 21));
  // A nested signature's proof is not part of its canonical bytes.
  EXPECT_EQ(canonicalBytes(Value::signature(3, Value::unit(), std::string(64, 'x'))),
            canonicalBytes(Value::signature(3, Value::unit())));
}

TEST_F(Signing, AProofHoldsForWhatItSignedAndNothingElse) {
  NodeKeys node0 = keys(7), node1 = keys(8);
  Value payload = Value::tuple({Value::integer(5), Value::ofBytes("vote")});
  std::string proof = proofOf(node0, context, 0, payload);
  ASSERT_EQ(proof.size(), 64u);
  EXPECT_TRUE(proofHolds(node0.publicKey, context, 0, payload, proof));
  EXPECT_FALSE(proofHolds(node1.publicKey, context, 0, payload, proof));  // another node's key
  EXPECT_FALSE(proofHolds(node0.publicKey, context, 1, payload, proof));  // another signer index
  EXPECT_FALSE(proofHolds(node0.publicKey, context, 0, Value::tuple({Value::integer(6), Value::ofBytes("vote")}),
                          proof));                                                                  // another payload
  EXPECT_FALSE(proofHolds(node0.publicKey, signingContext(clusterKey(1), 43), 0, payload, proof));  // another model
  EXPECT_FALSE(proofHolds(node0.publicKey, signingContext(clusterKey(2), 42), 0, payload, proof));  // another cluster
  for (size_t i = 0; i < proof.size(); ++i) {
    std::string altered = proof;
    altered[i] ^= 1;
    EXPECT_FALSE(proofHolds(node0.publicKey, context, 0, payload, altered)) << i;
  }
  EXPECT_FALSE(proofHolds(node0.publicKey, context, 0, payload, proof.substr(1)));
  EXPECT_FALSE(proofHolds(node0.publicKey, context, 0, payload, ""));
}

TEST_F(Signing, ANodeProvesItsOwnSignaturesAndKeepsOthersProofs) {
  NodeKeys node0 = keys(7), node1 = keys(8);
  ProofMaker maker1(node1, context, 1);
  std::string relayedProof = proofOf(node0, context, 0, Value::integer(9));
  // node[1] sends its own signature with node[0]'s inside, and node[0]'s alone.
  Value nested =
      Value::signature(1, Value::tuple({Value::signature(0, Value::integer(9), relayedProof), Value::integer(3)}));
  Value sent = maker1.withProofs(nested);
  EXPECT_EQ(sent, nested);  // the same value: proofs are evidence, not contents
  EXPECT_EQ(sent.bytes().size(), 64u);
  EXPECT_EQ(sent.payload().items()[0].bytes(), relayedProof);
  // A signature of another domain without a proof stays without one: node[1] cannot make it.
  EXPECT_TRUE(maker1.withProofs(Value::signature(0, Value::integer(9))).bytes().empty());
  // A value sent twice (a broadcast) is signed once.
  maker1.withProofs(nested);
  EXPECT_EQ(maker1.signaturesMade(), 1u);

  ProofChecker checker({node0.publicKey, node1.publicKey, std::nullopt}, context);
  std::vector<std::string> names = {"node[0]", "node[1]", "node[2]"};
  EXPECT_EQ(checker.check(sent, names), std::nullopt);
  EXPECT_EQ(checker.verifications(), 2u);
  EXPECT_EQ(checker.check(sent, names), std::nullopt);  // remembered: not verified again
  EXPECT_EQ(checker.verifications(), 2u);
  // In a map, a set's key or a tuple: every signature inside is checked.
  Value forged = Value::signature(0, Value::integer(10), relayedProof);  // node[0]'s proof on another payload
  // (node[1]'s own signature around it holds: its proof is of this payload.)
  Value around = Value::tuple({forged, Value::integer(3)});
  for (const Value& v : {forged, Value::tuple({Value::integer(1), forged}), *Value::map({{forged, Value::unit()}}),
                         Value::signature(1, around, proofOf(node1, context, 1, around))}) {
    auto why = checker.check(v, names);
    ASSERT_TRUE(why) << v.str();
    EXPECT_NE(why->find("signed by node[0] whose proof fails"), std::string::npos) << *why;
  }
  EXPECT_NE(checker.check(Value::signature(0, Value::integer(9)), names)->find("without its proof"), std::string::npos);
  EXPECT_NE(checker.check(Value::signature(2, Value::integer(9), relayedProof), names)->find("no public key"),
            std::string::npos);
  EXPECT_NE(checker.check(Value::signature(7, Value::integer(9), relayedProof), names)->find("domain #7"),
            std::string::npos);
}

TEST_F(Signing, ANodesOwnSignaturesComingBackAreNotVerifiedAgain) {
  NodeKeys node0 = keys(7);
  ProofChecker checker({node0.publicKey}, context);
  ProofMaker maker(node0, context, 0, &checker);
  Value sent = maker.withProofs(Value::signature(0, Value::integer(4)));
  EXPECT_EQ(checker.check(sent, {"node[0]"}), std::nullopt);  // echoed back by a peer
  EXPECT_EQ(checker.verifications(), 0u);
  // Another proof of the same value (made up) is still verified, and fails.
  EXPECT_TRUE(checker.check(Value::signature(0, Value::integer(4), std::string(64, '\1')), {"node[0]"}));
  EXPECT_EQ(checker.verifications(), 1u);
}

TEST_F(Signing, NestedSignedValuesCrossTheWireWithTheirProofs) {
  // A signature inside a tuple inside a signature ..., as deep as a type may
  // nest (64), keeps every proof through a batch's encoding.
  NodeKeys node0 = keys(7);
  Value v = Value::integer(1);
  for (int depth = 0; depth < 32; ++depth) {
    Value s = Value::signature(0, v, proofOf(node0, context, 0, v));
    v = depth % 2 ? s : Value::tuple({s, Value::nil()});
  }
  Delivery d{0, 0, v};
  std::string why;
  auto frame = decodeMessage(encodeBatch(0, 0, std::span<const Delivery>(&d, 1)), &why);
  ASSERT_TRUE(frame) << why;
  ASSERT_EQ(frame->batch.size(), 1u);
  EXPECT_EQ(frame->batch[0].value, v);
  ProofChecker checker({node0.publicKey}, context);
  EXPECT_EQ(checker.check(frame->batch[0].value, {"node[0]"}), std::nullopt);
  EXPECT_EQ(checker.verifications(), 32u);
}

TEST_F(Signing, SecretKeyFiles) {
  std::string why;
  auto parsed = parseSecretKey("# a comment\n\n" + std::string(64, 'a') + "\n", &why);
  ASSERT_TRUE(parsed) << why;
  std::array<uint8_t, 32> seed;
  seed.fill(0xaa);
  EXPECT_EQ(parsed->publicKey, keysFromSeed(seed).publicKey);
  for (const char* bad : {"", "# only a comment\n", "abc\n", "zz", "0x1234"}) {
    EXPECT_FALSE(parseSecretKey(bad, &why)) << bad;
    EXPECT_FALSE(why.empty());
  }
  EXPECT_FALSE(parseSecretKey(std::string(64, 'a') + "\n" + std::string(64, 'b'), &why));
  EXPECT_NE(why.find("a second key"), std::string::npos) << why;
  EXPECT_FALSE(parseSecretKey(std::string(128, 'a'), &why));  // libsodium's 64-byte form is not a seed
  EXPECT_NE(why.find("128 characters"), std::string::npos) << why;

  char dir[] = "/tmp/rdc-key-test-XXXXXX";
  ASSERT_TRUE(::mkdtemp(dir));
  std::string path = std::string(dir) + "/node.key";
  NodeKeys made = keys(3);
  ASSERT_TRUE(writeSecretKeyFile(path, made, &why)) << why;
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto read = readSecretKeyFile(path, &why);
  ASSERT_TRUE(read) << why;
  EXPECT_EQ(read->publicKey, made.publicKey);
  EXPECT_EQ(read->secretKey, made.secretKey);
  EXPECT_FALSE(writeSecretKeyFile(path, made, &why));  // never over an existing key
  EXPECT_NE(why.find("exists already"), std::string::npos) << why;
  ::chmod(path.c_str(), 0640);
  EXPECT_FALSE(readSecretKeyFile(path, &why));
  EXPECT_NE(why.find("its mode is 0640"), std::string::npos) << why;
  ::chmod(path.c_str(), 0400);
  EXPECT_TRUE(readSecretKeyFile(path, &why)) << why;
  std::string huge = std::string(dir) + "/huge.key";
  {
    std::ofstream out(huge);
    out << std::string(kMaxKeyFileBytes + 1, '#');
  }
  ::chmod(huge.c_str(), 0600);
  EXPECT_FALSE(readSecretKeyFile(huge, &why));
  EXPECT_NE(why.find("more than a key file has"), std::string::npos) << why;
  EXPECT_FALSE(readSecretKeyFile(dir, &why));
  EXPECT_NE(why.find("not a regular file"), std::string::npos) << why;
  EXPECT_FALSE(readSecretKeyFile(std::string(dir) + "/none.key", &why));
  EXPECT_NE(why.find("cannot read it"), std::string::npos) << why;
  ::unlink(path.c_str());
  ::unlink(huge.c_str());
  ::rmdir(dir);
}

TEST_F(Signing, PeersFilesWithPublicKeys) {
  std::string key = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  std::string pk0 = hexOf(keys(1).publicKey), pk1 = hexOf(keys(2).publicKey);
  DiagnosticSink diags;
  auto peers = parsePeers("key: " + key + "\nnodes:\n  node[0]:\n    address: 127.0.0.1:7100\n    public-key: " + pk0 +
                              "\n  node[1]: {address: 'localhost:7101', public-key: " + pk1 + "}\n",
                          "p.yaml", diags);
  ASSERT_TRUE(peers) << diags.formatText();
  EXPECT_EQ(*peers->address("node[1]"), "localhost:7101");
  EXPECT_EQ(peers->publicKeys.at("node[0]"), keys(1).publicKey);
  EXPECT_EQ(peers->publicKeys.at("node[1]"), keys(2).publicKey);
  // Written out, it reads back the same.
  DiagnosticSink again;
  auto reread = parsePeers(peersText(*peers), "q.yaml", again);
  ASSERT_TRUE(reread) << again.formatText() << peersText(*peers);
  EXPECT_EQ(reread->nodes, peers->nodes);
  EXPECT_EQ(reread->publicKeys, peers->publicKeys);
  for (auto [bad, message] : std::vector<std::pair<std::string, std::string>>{
           {"nodes:\n  node[0]: {address: 'h:1', public-key: 12}\n", "public-key: expected 64 hexadecimal digits"},
           {"nodes:\n  node[0]: {address: 'h:1', public-key: " + pk0 + "}\n  node[1]: 'h:2'\n",
            "node[1] has no public-key, but other nodes have one"},
           {"nodes:\n  node[0]: {public-key: " + pk0 + "}\n", "node[0]: no address"},
           {"nodes:\n  node[0]: {address: 'h:1', secret: 1}\n", "not 'secret'"},
           {"nodes:\n  node[0]: [1]\n", "`address:` and `public-key:` under it"}}) {
    DiagnosticSink d;
    EXPECT_FALSE(parsePeers("key: " + key + "\n" + bad, "p.yaml", d)) << bad;
    EXPECT_NE(d.formatText().find(message), std::string::npos) << d.formatText();
  }
}

}  // namespace
}  // namespace rdc::net
