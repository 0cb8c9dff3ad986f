// A small, stable, non-cryptographic hash for deriving seeds and model
// digests: the same bytes give the same value on every machine and run.
#pragma once

#include <cstdint>
#include <string_view>

namespace rdc {

/// FNV-1a (64-bit; Fowler, Noll and Vo) of `bytes`.
inline uint64_t fnv1a(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace rdc
