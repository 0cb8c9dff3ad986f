// Network delay models: constant:5ms, uniform:1ms..10ms, exponential:5ms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rdc::run {

class Rng;

struct Latency {
  enum class Kind : uint8_t { Constant, Uniform, Exponential };
  Kind kind = Kind::Constant;
  int64_t a = 1'000'000;  ///< constant value, uniform low bound, or exponential mean (ns)
  int64_t b = 0;          ///< uniform high bound (ns)

  /// Parses a model spec, its durations in 0..INT64_MAX ns; nullopt with
  /// `error` set on a bad one.
  static std::optional<Latency> parse(std::string_view spec, std::string* error);
  std::string str() const;
  /// A delay in 0..INT64_MAX ns (an exponential draw beyond it is capped).
  /// Adding it to a time may overflow: the caller checks that sum.
  int64_t draw(Rng& rng) const;
};

}  // namespace rdc::run
