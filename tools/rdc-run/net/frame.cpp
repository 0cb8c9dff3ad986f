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

// What a session frame's MAC covers: direction, sequence number, message.
std::string sessionBytes(std::string_view message, uint8_t direction, uint64_t sequence) {
  std::string bytes(1, static_cast<char>(direction));
  for (int i = 0; i < 8; ++i) bytes += static_cast<char>((sequence >> (8 * i)) & 0xFF);
  bytes.append(message);
  return bytes;
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

bool readDelivery(schema::Delivery::Reader d, Delivery& out, std::string* why) {
  if (!d.hasGateway() || !d.hasValue()) return fail(why, "a delivery without a gateway or a value");
  auto gateway = d.getGateway();
  auto value = d.getValue();
  if (gateway.size() > kMaxGatewayBytes) return fail(why, "a gateway name longer than 4096 bytes");
  if (value.size() > kMaxValueBytes) return fail(why, "a value longer than 65536 bytes");
  out.gateway.assign(gateway.begin(), gateway.end());
  out.value.assign(value.begin(), value.end());
  out.iteration = d.getIteration();
  if (out.iteration > static_cast<uint64_t>(INT64_MAX)) return fail(why, "an iteration past the largest Int");
  return true;
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
      out.kind = Frame::Kind::Hello;
      out.hello.domain = h.getDomain();
      out.hello.modelHash = h.getModelHash();
      std::memcpy(out.hello.nonce.data(), h.getNonce().begin(), kNonceBytes);
      return true;
    }
    case schema::NetFrame::BATCH: {
      auto batch = frame.getBatch();
      // Each real delivery takes at least two pointer words of the message;
      // a longer list is made of empty elements (an amplification attempt).
      if (batch.size() > maxDeliveries) return fail(why, "a batch longer than its message can hold");
      out.kind = Frame::Kind::Batch;
      out.first = frame.getFirst();
      if (out.first > UINT64_MAX - batch.size()) return fail(why, "a batch numbered past the largest number");
      out.batch.resize(batch.size());
      for (uint32_t i = 0; i < batch.size(); ++i) {
        if (!readDelivery(batch[i], out.batch[i], why)) return false;
      }
      return true;
    }
    case schema::NetFrame::BYE:
      out.kind = Frame::Kind::Bye;
      return true;
    case schema::NetFrame::PROOF:
      out.kind = Frame::Kind::Proof;
      return true;
    case schema::NetFrame::ACK:
      out.kind = Frame::Kind::Ack;
      out.ack = frame.getAck();
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

std::string encodeMessage(const Frame& frame) {
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
      break;
    }
    case Frame::Kind::Batch: {
      root.setFirst(frame.first);
      auto list = root.initBatch(static_cast<unsigned>(frame.batch.size()));
      for (size_t i = 0; i < frame.batch.size(); ++i) {
        list[i].setGateway(frame.batch[i].gateway);
        list[i].setValue(frame.batch[i].value);
        list[i].setIteration(frame.batch[i].iteration);
      }
      break;
    }
    case Frame::Kind::Bye:
      root.setBye();
      break;
    case Frame::Kind::Proof:
      root.setProof();
      break;
    case Frame::Kind::Ack:
      root.setAck(frame.ack);
      break;
  }
  kj::Array<capnp::word> words = capnp::messageToFlatArray(builder);
  auto bytes = words.asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
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
  options.nestingLimit = 8;
  Frame frame;
  bool ok = false;
  std::string reason;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 capnp::FlatArrayMessageReader reader(words, options);
                 ok = readFrame(reader.getRoot<schema::NetFrame>(), message.size() / 16, frame, &reason);
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

std::string sessionFrame(const std::string& message, const Key& sessionKey, uint8_t direction, uint64_t sequence) {
  return withLength(message) + mac(sessionBytes(message, direction, sequence), sessionKey);
}

bool helloAuthentic(std::string_view message, const uint8_t* tag, const Key& pairKey, std::string_view answering) {
  return verify(helloBytes(message, answering), tag, pairKey);
}

bool sessionAuthentic(std::string_view message, const uint8_t* tag, const Key& sessionKey, uint8_t direction,
                      uint64_t sequence) {
  return verify(sessionBytes(message, direction, sequence), tag, sessionKey);
}

Key sessionKey(const Key& pairKey, std::string_view dialerHello, std::string_view listenerHello) {
  std::string input = "rdc-session-2";
  appendField(input, dialerHello);
  input.append(listenerHello);
  return keyedHash(input, pairKey);
}

}  // namespace rdc::net
