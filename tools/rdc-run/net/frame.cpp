#include "tools/rdc-run/net/frame.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <sodium.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "ir/support/diagnostics.h"
#include "tools/rdc-run/net/net.capnp.h"

namespace rdc::net {

namespace {

std::string withLength(const std::string& message) {
  std::string out(kLengthBytes, '\0');
  uint32_t n = static_cast<uint32_t>(message.size());
  for (size_t i = 0; i < kLengthBytes; ++i) out[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return out + message;
}

// A field of variable length inside hashed or MACed bytes: its length
// first, so that no two different inputs give the same bytes.
void appendField(std::string& bytes, std::string_view field) {
  uint32_t n = static_cast<uint32_t>(field.size());
  for (size_t i = 0; i < 4; ++i) bytes += static_cast<char>((n >> (8 * i)) & 0xFF);
  bytes.append(field);
}

// What a hello's MAC covers: the hello it answers, then its own message.
std::string helloBytes(std::string_view message, std::string_view answering) {
  std::string bytes = "rdc-hello-2";
  appendField(bytes, answering);
  bytes.append(message);
  return bytes;
}

Key keyedHash(const std::string& input, const Key& key) {
  Key out;
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                     key.data(), key.size());
  return out;
}

std::string mac(std::string_view bytes, const Key& key) {
  std::string out(kMacBytes, '\0');
  crypto_auth(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(bytes.data()),
              bytes.size(), key.data());
  return out;
}

bool verify(std::string_view bytes, const uint8_t* tag, const Key& key) {
  return crypto_auth_verify(tag, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), key.data()) == 0;
}

bool fail(std::string* why, std::string message) {
  *why = std::move(message);
  return false;
}

// A value in binary, from a Value or a Delivery's inline union (the
// same cases under either reader): its form only (the gateway's type is
// the node's to check). Nesting is bounded by the reader's nesting limit.
template <typename Reader>
bool readValue(Reader r, Value& out, std::string* why) {
  using Schema = typename Reader::Reads;
  switch (r.which()) {
    case Schema::UNIT:
      out = Value::unit();
      return true;
    case Schema::BOOL:
      out = Value::boolean(r.getBool());
      return true;
    case Schema::INT:
      out = Value::integer(r.getInt());
      return true;
    case Schema::DURATION:
      out = Value::duration(r.getDuration());
      return true;
    case Schema::BYTES: {
      auto bytes = r.getBytes();
      if (bytes.size() > kMaxValueBytes) return fail(why, "a value longer than 65536 bytes");
      out = Value::ofBytes(std::string(bytes.asChars().begin(), bytes.size()));
      return true;
    }
    case Schema::NIL:
      out = Value::nil();
      return true;
    case Schema::TUPLE: {
      auto list = r.getTuple();
      std::vector<Value> items(list.size());
      for (uint32_t i = 0; i < list.size(); ++i) {
        if (!readValue(list[i], items[i], why)) return false;
      }
      out = Value::tuple(std::move(items));
      return true;
    }
    case Schema::MAP: {
      auto list = r.getMap();
      if (list.size() % 2) return fail(why, "a map with a key and no value");
      std::vector<std::pair<Value, Value>> entries(list.size() / 2);
      for (uint32_t e = 0; e < entries.size(); ++e) {
        if (!readValue(list[2 * e], entries[e].first, why) || !readValue(list[2 * e + 1], entries[e].second, why))
          return false;
        if (e > 0 && !(entries[e - 1].first < entries[e].first))
          return fail(why, "a map whose keys are not strictly increasing");
      }
      out = *Value::map(std::move(entries));
      return true;
    }
    case Schema::SIGNED: {  // its form only: the node verifies the proof
      auto sig = r.getSigned();
      Value payload;
      if (!readValue(sig.getPayload(), payload, why)) return false;
      auto proof = sig.getProof();
      if (proof.size() > kMaxValueBytes) return fail(why, "a signature proof longer than 65536 bytes");
      out = Value::signature(sig.getSigner(), std::move(payload), std::string(proof.asChars().begin(), proof.size()));
      return true;
    }
  }
  return fail(why, "a value of an unknown kind");
}

template <typename Builder>
void writeValue(Builder b, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Unit:
      return b.setUnit();
    case Value::Kind::Bool:
      return b.setBool(v.i != 0);
    case Value::Kind::Int:
      return b.setInt(v.i);
    case Value::Kind::Duration:
      return b.setDuration(v.i);
    case Value::Kind::Bytes:
      return b.setBytes(kj::arrayPtr(reinterpret_cast<const kj::byte*>(v.bytes().data()), v.bytes().size()));
    case Value::Kind::Nil:
      return b.setNil();
    case Value::Kind::Tuple: {
      auto list = b.initTuple(static_cast<unsigned>(v.items().size()));
      for (unsigned i = 0; i < list.size(); ++i) writeValue(list[i], v.items()[i]);
      return;
    }
    case Value::Kind::Map: {
      auto list = b.initMap(static_cast<unsigned>(v.items().size()));
      for (unsigned i = 0; i < list.size(); ++i) writeValue(list[i], v.items()[i]);
      return;
    }
    case Value::Kind::Signed: {
      auto sig = b.initSigned();
      sig.setSigner(static_cast<uint32_t>(v.signer()));
      writeValue(sig.initPayload(), v.payload());
      sig.setProof(kj::arrayPtr(reinterpret_cast<const kj::byte*>(v.bytes().data()), v.bytes().size()));
      return;
    }
  }
}

bool readDelivery(schema::Delivery::Reader d, Delivery& out, std::string* why) {
  out.gateway = d.getGateway();
  out.iteration = d.getIteration();
  if (out.iteration > static_cast<uint64_t>(INT64_MAX)) return fail(why, "an iteration past the largest Int");
  return readValue(d.getValue(), out.value, why);
}

bool readFrame(schema::NetFrame::Reader frame, size_t maxDeliveries, Frame& out, std::string* why) {
  switch (frame.which()) {
    case schema::NetFrame::HELLO: {
      auto h = frame.getHello();
      if (h.getMagic() != schema::NET_MAGIC) return fail(why, "not an rdc node (bad magic)");
      if (h.getVersion() != schema::NET_VERSION) {
        return fail(
            why, "protocol version " + std::to_string(h.getVersion()) + ", not " + std::to_string(schema::NET_VERSION));
      }
      if (!h.hasDomain() || h.getDomain().size() > kMaxDomainBytes)
        return fail(why, "a hello without a sensible domain");
      if (!h.hasNonce() || h.getNonce().size() != kNonceBytes) return fail(why, "a hello whose nonce is not 24 bytes");
      if (!h.hasEphemeral() || h.getEphemeral().size() != kEphemeralBytes)
        return fail(why, "a hello whose ephemeral key is not 32 bytes");
      if (h.getSignature().size() != 0 && h.getSignature().size() != kSignatureBytes)
        return fail(why, "a hello whose signature is not 64 bytes");
      out.kind = Frame::Kind::Hello;
      out.hello.domain = h.getDomain();
      out.hello.modelHash = h.getModelHash();
      std::memcpy(out.hello.nonce.data(), h.getNonce().begin(), kNonceBytes);
      std::memcpy(out.hello.ephemeral.data(), h.getEphemeral().begin(), kEphemeralBytes);
      out.hello.signature.assign(h.getSignature().asChars().begin(), h.getSignature().size());
      return true;
    }
    case schema::NetFrame::BATCH: {
      auto batch = frame.getBatch();
      // Each delivery takes kDeliveryBytes of the message; a longer list is
      // made of smaller elements (an amplification attempt).
      if (batch.size() > maxDeliveries) return fail(why, "a batch longer than its message can hold");
      out.kind = Frame::Kind::Batch;
      out.first = frame.getFirst();
      out.ack = frame.getAck();
      if (out.first > UINT64_MAX - batch.size()) return fail(why, "a batch numbered past the largest number");
      out.batch.resize(batch.size());
      for (uint32_t i = 0; i < batch.size(); ++i) {
        if (!readDelivery(batch[i], out.batch[i], why)) return false;
      }
      return true;
    }
    case schema::NetFrame::BYE:
      out.kind = Frame::Kind::Bye;
      out.ack = frame.getAck();
      return true;
    case schema::NetFrame::PROOF:
      if (frame.getSignature().size() != 0 && frame.getSignature().size() != kSignatureBytes)
        return fail(why, "a proof whose signature is not 64 bytes");
      out.kind = Frame::Kind::Proof;
      out.signature.assign(frame.getSignature().asChars().begin(), frame.getSignature().size());
      return true;
  }
  return fail(why, "an unknown kind of frame");
}

}  // namespace

bool initCrypto() { return sodium_init() >= 0; }

std::array<uint8_t, kNonceBytes> freshNonce() {
  std::array<uint8_t, kNonceBytes> nonce;
  randombytes_buf(nonce.data(), nonce.size());
  return nonce;
}

namespace {

std::string flat(capnp::MessageBuilder& builder) {
  kj::Array<capnp::word> words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

}  // namespace

namespace {

// The words of a value outside its struct: a Bytes value's bytes, a
// Tuple's or Map's list (its tag, then a struct of a data word and a pointer
// per item).
size_t outsideWords(const Value& v) {
  if (v.kind == Value::Kind::Bytes) return (v.bytes().size() + 7) / 8;
  if (v.kind == Value::Kind::Signed)  // its struct (a data word, two pointers), the payload's, the proof's bytes
    return 3 + 2 + outsideWords(v.payload()) + (v.bytes().size() + 7) / 8;
  if (v.kind != Value::Kind::Tuple && v.kind != Value::Kind::Map) return 0;
  size_t words = 1;
  for (const Value& item : v.items()) words += 2 + outsideWords(item);
  return words;
}

}  // namespace

size_t wireBytes(const Delivery& delivery) { return kDeliveryBytes + 8 * outsideWords(delivery.value); }

std::string encodeBatch(uint64_t first, uint64_t ack, std::span<const Delivery> deliveries) {
  // One segment for a batch of scalars: the frame's words and the list's.
  capnp::MallocMessageBuilder builder(static_cast<unsigned>(8 + deliveries.size() * kDeliveryBytes / 8));
  auto root = builder.initRoot<schema::NetFrame>();
  root.setFirst(first);
  root.setAck(ack);
  auto list = root.initBatch(static_cast<unsigned>(deliveries.size()));
  for (unsigned i = 0; i < list.size(); ++i) {
    const Delivery& d = deliveries[i];
    list[i].setGateway(d.gateway);
    list[i].setIteration(d.iteration);
    writeValue(list[i].initValue(), d.value);
  }
  return flat(builder);
}

std::string encodeMessage(const Frame& frame) {
  if (frame.kind == Frame::Kind::Batch) return encodeBatch(frame.first, frame.ack, frame.batch);
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<schema::NetFrame>();
  switch (frame.kind) {
    case Frame::Kind::Hello: {
      auto h = root.initHello();
      h.setMagic(schema::NET_MAGIC);
      h.setVersion(schema::NET_VERSION);
      h.setDomain(frame.hello.domain);
      h.setModelHash(frame.hello.modelHash);
      h.setNonce(kj::arrayPtr(frame.hello.nonce.data(), frame.hello.nonce.size()));
      h.setEphemeral(kj::arrayPtr(frame.hello.ephemeral.data(), frame.hello.ephemeral.size()));
      if (!frame.hello.signature.empty())
        h.setSignature(kj::arrayPtr(reinterpret_cast<const kj::byte*>(frame.hello.signature.data()),
                                    frame.hello.signature.size()));
      break;
    }
    case Frame::Kind::Batch:
      break;
    case Frame::Kind::Bye:
      root.setBye();
      root.setAck(frame.ack);
      break;
    case Frame::Kind::Proof:
      root.setProof();
      if (!frame.signature.empty())
        root.setSignature(
            kj::arrayPtr(reinterpret_cast<const kj::byte*>(frame.signature.data()), frame.signature.size()));
      break;
  }
  return flat(builder);
}

std::optional<Frame> decodeMessage(std::string_view message, std::string* why) {
  if (message.empty() || message.size() % sizeof(capnp::word) != 0 || message.size() > kMaxMessageBytes) {
    *why = "a message of " + std::to_string(message.size()) + " bytes (not a whole number of words up to 1 MiB)";
    return std::nullopt;
  }
  // Copied so that the words are aligned.
  kj::Array<capnp::word> words = kj::heapArray<capnp::word>(message.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), message.data(), message.size());
  capnp::ReaderOptions options;
  // Reading a field counts its words again each time: a few times the
  // message's size bounds the work without allowing amplification.
  options.traversalLimitInWords = 4 * words.size() + 64;
  // A line's type nests at most TypeTable::kMaxDepth deep, and each level of a value
  // takes two on the wire (a list or a SignedValue, then a Value), below
  // the frame, its batch and its delivery.
  options.nestingLimit = 2 * TypeTable::kMaxDepth + 8;
  Frame frame;
  bool ok = false;
  std::string reason;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 capnp::FlatArrayMessageReader reader(words, options);
                 ok = readFrame(reader.getRoot<schema::NetFrame>(), message.size() / kDeliveryBytes, frame, &reason);
               })) {
    *why = "a malformed message: " + libraryReason(e->getDescription().cStr());
    return std::nullopt;
  }
  if (!ok) {
    *why = reason;
    return std::nullopt;
  }
  return frame;
}

std::optional<size_t> messageLength(const uint8_t header[kLengthBytes], size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < kLengthBytes; ++i) n |= static_cast<size_t>(header[i]) << (8 * i);
  if (n == 0 || n % sizeof(capnp::word) != 0 || n > std::min(max, kMaxMessageBytes)) return std::nullopt;
  return n;
}

Key pairKey(const Key& clusterKey, std::string_view dialer, std::string_view listener) {
  std::string input = "rdc-pair-2";
  appendField(input, dialer);
  input.append(listener);
  return keyedHash(input, clusterKey);
}

std::string helloFrame(const std::string& message, const Key& pairKey, std::string_view answering) {
  return withLength(message) + mac(helloBytes(message, answering), pairKey);
}

SessionAuth::SessionAuth(const Key& sessionKey) {
  static_assert(crypto_auth_BYTES == kMacBytes && crypto_auth_KEYBYTES == sizeof(Key));
  crypto_auth_hmacsha512256_init(&keyed_, sessionKey.data(), sessionKey.size());
}

// Streamed from the keyed state: the message is not copied, and the key's
// two hash blocks are not hashed again (the same as crypto_auth over the
// three concatenated).
std::array<uint8_t, kMacBytes> SessionAuth::mac(std::string_view message, uint8_t direction, uint64_t sequence) const {
  uint8_t head[9] = {direction};
  for (int i = 0; i < 8; ++i) head[1 + i] = static_cast<uint8_t>((sequence >> (8 * i)) & 0xFF);
  crypto_auth_hmacsha512256_state state = keyed_;
  crypto_auth_hmacsha512256_update(&state, head, sizeof head);
  crypto_auth_hmacsha512256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  std::array<uint8_t, kMacBytes> out;
  crypto_auth_hmacsha512256_final(&state, out.data());
  return out;
}

std::string sessionFrame(const std::string& message, const SessionAuth& session, uint8_t direction, uint64_t sequence) {
  std::string frame;
  frame.reserve(kLengthBytes + message.size() + kMacBytes);
  uint32_t n = static_cast<uint32_t>(message.size());
  for (size_t i = 0; i < kLengthBytes; ++i) frame += static_cast<char>((n >> (8 * i)) & 0xFF);
  frame += message;
  auto tag = session.mac(message, direction, sequence);
  frame.append(reinterpret_cast<const char*>(tag.data()), tag.size());
  return frame;
}

std::string sessionFrame(const std::string& message, const Key& sessionKey, uint8_t direction, uint64_t sequence) {
  return sessionFrame(message, SessionAuth(sessionKey), direction, sequence);
}

bool helloAuthentic(std::string_view message, const uint8_t* tag, const Key& pairKey, std::string_view answering) {
  return verify(helloBytes(message, answering), tag, pairKey);
}

bool sessionAuthentic(std::string_view message, const uint8_t* tag, const SessionAuth& session, uint8_t direction,
                      uint64_t sequence) {
  return crypto_verify_32(tag, session.mac(message, direction, sequence).data()) == 0;
}

bool sessionAuthentic(std::string_view message, const uint8_t* tag, const Key& sessionKey, uint8_t direction,
                      uint64_t sequence) {
  return sessionAuthentic(message, tag, SessionAuth(sessionKey), direction, sequence);
}

Key sessionKey(const Key& pairKey, std::string_view dialerHello, std::string_view listenerHello, const Key& shared) {
  std::string input = "rdc-session-3";
  appendField(input, dialerHello);
  appendField(input, listenerHello);
  input.append(reinterpret_cast<const char*>(shared.data()), shared.size());
  return keyedHash(input, pairKey);
}

Key freshEphemeralSecret() {
  Key secret;
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::array<uint8_t, kEphemeralBytes> ephemeralPublic(const Key& secret) {
  static_assert(crypto_scalarmult_BYTES == kEphemeralBytes && crypto_scalarmult_SCALARBYTES == sizeof(Key));
  std::array<uint8_t, kEphemeralBytes> out;
  crypto_scalarmult_base(out.data(), secret.data());
  return out;
}

std::optional<Key> sharedSecret(const Key& secret, const std::array<uint8_t, kEphemeralBytes>& theirPublic) {
  Key shared;
  if (crypto_scalarmult(shared.data(), secret.data(), theirPublic.data()) != 0) return std::nullopt;
  return shared;
}

}  // namespace rdc::net
