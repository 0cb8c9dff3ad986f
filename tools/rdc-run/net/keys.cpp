#include "tools/rdc-run/net/keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rdc::net {

namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Closes a descriptor on every way out.
struct Descriptor {
  int fd;
  ~Descriptor() {
    if (fd >= 0) ::close(fd);
  }
};

std::string modeText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

}  // namespace

std::optional<std::array<uint8_t, 32>> parseHex32(std::string_view text) {
  std::array<uint8_t, 32> out;
  if (text.size() != 2 * out.size()) return std::nullopt;
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hexDigit(text[2 * i]), lo = hexDigit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return out;
}

std::string hexOf(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (uint8_t b : bytes) out += kDigits[b >> 4], out += kDigits[b & 15];
  return out;
}

NodeKeys generateKeys() {
  NodeKeys keys;
  crypto_sign_keypair(keys.publicKey.data(), keys.secretKey.data());
  return keys;
}

NodeKeys keysFromSeed(const std::array<uint8_t, 32>& seed) {
  static_assert(crypto_sign_SEEDBYTES == 32);
  NodeKeys keys;
  crypto_sign_seed_keypair(keys.publicKey.data(), keys.secretKey.data(), seed.data());
  return keys;
}

std::optional<NodeKeys> parseSecretKey(std::string_view text, std::string* why) {
  std::optional<std::array<uint8_t, 32>> seed;
  size_t lineNumber = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = trimmed(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++lineNumber;
    if (line.empty() || line.front() == '#') continue;
    if (seed) {
      *why = "line " + std::to_string(lineNumber) + ": a second key (a secret key file holds one)";
      return std::nullopt;
    }
    seed = parseHex32(line);
    if (!seed) {
      *why = "line " + std::to_string(lineNumber) + ": not a secret key (expected 64 hexadecimal digits, " +
             std::to_string(line.size()) + " characters found; `rdc-run --keygen FILE` makes one)";
      return std::nullopt;
    }
  }
  if (!seed) {
    *why = "no key in it (expected a line of 64 hexadecimal digits; `rdc-run --keygen FILE` makes one)";
    return std::nullopt;
  }
  NodeKeys keys = keysFromSeed(*seed);
  sodium_memzero(seed->data(), seed->size());
  return keys;
}

std::optional<NodeKeys> readSecretKeyFile(const std::string& path, std::string* why) {
  Descriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (file.fd < 0) {
    *why = std::string("cannot read it: ") + std::strerror(errno);
    return std::nullopt;
  }
  struct stat st;
  if (::fstat(file.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    *why = "not a regular file";
    return std::nullopt;
  }
  if (st.st_mode & 077) {
    *why = "its mode is " + modeText(st.st_mode) + ": a secret key must be readable by its owner only (chmod 600 " +
           path + ")";
    return std::nullopt;
  }
  if (st.st_size > static_cast<off_t>(kMaxKeyFileBytes)) {
    *why = std::to_string(st.st_size) + " bytes, more than a key file has (at most " +
           std::to_string(kMaxKeyFileBytes) + ")";
    return std::nullopt;
  }
  std::string text(kMaxKeyFileBytes + 1, '\0');
  size_t have = 0;
  for (;;) {  // (a file that grows while it is read stops at the limit)
    ssize_t n = ::read(file.fd, text.data() + have, text.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *why = std::string("cannot read it: ") + std::strerror(errno);
      return std::nullopt;
    }
    if (n == 0) break;
    have += static_cast<size_t>(n);
    if (have > kMaxKeyFileBytes) {
      *why = "more than " + std::to_string(kMaxKeyFileBytes) + " bytes, more than a key file has";
      return std::nullopt;
    }
  }
  text.resize(have);
  auto keys = parseSecretKey(text, why);
  sodium_memzero(text.data(), text.size());
  return keys;
}

bool writeSecretKeyFile(const std::string& path, const NodeKeys& keys, std::string* why) {
  Descriptor file{::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600)};
  if (file.fd < 0) {
    *why = errno == EEXIST ? std::string("it exists already (remove it first: a key is never overwritten)")
                           : std::string("cannot create it: ") + std::strerror(errno);
    return false;
  }
  // 0600 whatever the umask says (it could only have made it stricter,
  // but a file made by us is readable by us).
  ::fchmod(file.fd, 0600);
  std::string text = "# rdc node secret key (Ed25519 seed): keep it private, mode 0600\n" +
                     hexOf(std::span<const uint8_t>(keys.secretKey.data(), crypto_sign_SEEDBYTES)) + "\n";
  bool ok = ::write(file.fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  sodium_memzero(text.data(), text.size());
  if (!ok) {
    *why = std::string("cannot write it: ") + std::strerror(errno);
    ::unlink(path.c_str());
    return false;
  }
  return true;
}

}  // namespace rdc::net
