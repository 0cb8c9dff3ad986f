// The simulator's only source of randomness: xoshiro256** seeded through
// splitmix64, with our own distributions, so that a seed gives the same
// numbers with any compiler and standard library.
#pragma once

#include <cmath>
#include <cstdint>

namespace rdc::run {

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : s_) word = splitmix(seed);
  }

  // (Inline: every event draws its tie-break key.)
  [[gnu::always_inline]] uint64_t next() {
    uint64_t result = rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform in [lo, hi] (inclusive), for any lo <= hi: the span is taken
  /// unsigned, so a range as wide as all of int64 cannot overflow. Modulo
  /// bias is negligible for the spans used here (below 2^40).
  int64_t uniform(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    uint64_t offset = span == UINT64_MAX ? next() : next() % (span + 1);
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
  }

  /// Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Exponential with the given (non-negative) mean, rounded to an
  /// integer; a draw beyond INT64_MAX (up to 37 times the mean) is INT64_MAX.
  int64_t exponential(int64_t mean) {
    double x = -std::log1p(-unit()) * static_cast<double>(mean);
    return x >= 0x1.0p63 ? INT64_MAX : static_cast<int64_t>(std::llround(x));
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  uint64_t s_[4];
};

}  // namespace rdc::run
