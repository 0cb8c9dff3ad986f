// A node's signing key pair (Ed25519, libsodium's crypto_sign) and the text
// files that hold keys: a secret key file is one line of 64 hexadecimal
// digits, the 32-byte seed the pair is derived from (lines that begin with
// `#` are comments), readable by its owner only (mode 0600, as ssh asks of
// its keys); a public key is 64 hexadecimal digits in the peers file.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rdc::net {

using PublicKey = std::array<uint8_t, crypto_sign_PUBLICKEYBYTES>;

/// A node's key pair. The secret part is libsodium's 64 bytes (the seed,
/// then the public key).
struct NodeKeys {
  PublicKey publicKey{};
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> secretKey{};
};

/// The most bytes a key file may have (comments included): a longer one is
/// not a key file.
constexpr size_t kMaxKeyFileBytes = 4096;

/// 32 bytes from exactly 64 hexadecimal digits (either case); nullopt otherwise.
std::optional<std::array<uint8_t, 32>> parseHex32(std::string_view text);
/// Lowercase hexadecimal digits of `bytes`.
std::string hexOf(std::span<const uint8_t> bytes);

/// A fresh key pair from the system's randomness. Requires initCrypto().
NodeKeys generateKeys();
/// The key pair of a 32-byte seed (what a secret key file holds).
NodeKeys keysFromSeed(const std::array<uint8_t, 32>& seed);

/// The key pair in a secret key file's text; nullopt, with `why`, if the
/// text is not one line of 64 hexadecimal digits (besides comments and
/// blank lines).
std::optional<NodeKeys> parseSecretKey(std::string_view text, std::string* why);

/// Reads a secret key file: a regular file of at most kMaxKeyFileBytes,
/// that neither group nor others may read or write (mode 0600 or 0400);
/// nullopt, with `why` (what is wrong and how to mend it), otherwise.
std::optional<NodeKeys> readSecretKeyFile(const std::string& path, std::string* why);

/// Writes a new secret key file with mode 0600; refuses to replace an
/// existing file (false, with `why`).
bool writeSecretKeyFile(const std::string& path, const NodeKeys& keys, std::string* why);

}  // namespace rdc::net
