// libFuzzer harness: what a TCP peer sends. The bytes are read as the
// transport reads a connection (length, message, MAC, again); every frame
// must be refused with a reason or decoded, within the size limits.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tools/rdc-run/net/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool ready = rdc::net::initCrypto();
  if (!ready) return 0;
  rdc::net::Key key{};
  size_t at = 0;
  for (uint64_t sequence = 0; at + rdc::net::kLengthBytes <= size; ++sequence) {
    auto length = rdc::net::messageLength(data + at);
    if (!length) return 0;  // the transport drops the connection here
    at += rdc::net::kLengthBytes;
    if (size - at < *length + rdc::net::kMacBytes) return 0;
    std::string_view message(reinterpret_cast<const char*>(data + at), *length);
    const uint8_t* mac = data + at + *length;
    at += *length + rdc::net::kMacBytes;
    (void)rdc::net::helloAuthentic(message, mac, key);
    (void)rdc::net::sessionAuthentic(message, mac, key, 0, sequence);
    std::string why;
    auto frame = rdc::net::decodeMessage(message, &why);
    if (frame) {
      // A batch holds no more deliveries than its message has room for, and
      // every value prints (a node quotes a bad one in its diagnostics).
      if (frame->batch.size() > message.size() / rdc::net::kDeliveryBytes) __builtin_trap();
      for (const auto& d : frame->batch) {
        if (d.value.kind == rdc::Value::Kind::Bytes && d.value.bytes().size() > rdc::net::kMaxValueBytes)
          __builtin_trap();
        (void)d.value.str();
      }
    } else if (why.empty()) {
      __builtin_trap();  // a refusal must say why
    }
  }
  return 0;
}
