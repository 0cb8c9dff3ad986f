// Network delay models: constant:5ms, uniform:1ms..10ms, exponential:5ms,
// and lost (a Link that never delivers: message loss, or a Byzantine
// sender's omissions, given per Link in a faults file).
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rdc::run {

class Rng;

struct Latency {
  enum class Kind : uint8_t { Constant, Uniform, Exponential };
  Kind kind = Kind::Constant;
  int64_t a = 1'000'000;  ///< constant value, uniform low bound, or exponential mean (ns)
  int64_t b = 0;          ///< uniform high bound (ns)
  bool lost = false;      ///< `lost`: nothing sent is delivered (the other fields are unused)

  /// Parses a model spec, its durations in 0..INT64_MAX ns; nullopt with
  /// `error` set on a bad one.
  static std::optional<Latency> parse(std::string_view spec, std::string* error);
  std::string str() const;
  /// A delay in 0..INT64_MAX ns (an exponential draw beyond it is capped).
  /// Adding it to a time may overflow: the caller checks that sum. Not for
  /// a lost model, which has no delay (the caller checks `lost` first).
  int64_t draw(Rng& rng) const;

  bool operator==(const Latency& other) const = default;
};

/// A latency per instance (only Links read theirs). A run has a few
/// distinct ones (the default and one per `links` glob), so each instance
/// keeps an index into them rather than a whole Latency: a model of many
/// Links then costs 4 bytes an instance here, not 24, and none while every
/// instance has the default (the usual run).
class LinkLatencies {
 public:
  /// Every one of `instances` instances gets `latency`.
  void assign(size_t instances, const Latency& latency) {
    distinct_.assign(1, latency);
    of_.clear();
    size_ = instances;
  }
  void set(size_t instance, const Latency& latency) {
    auto it = std::find(distinct_.begin(), distinct_.end(), latency);
    if (it == distinct_.end()) it = distinct_.insert(it, latency);
    if (of_.empty()) of_.assign(size_, 0);
    of_[instance] = static_cast<uint32_t>(it - distinct_.begin());
  }
  const Latency& operator[](size_t instance) const { return distinct_[of_.empty() ? 0 : of_[instance]]; }
  size_t size() const { return size_; }

 private:
  std::vector<Latency> distinct_;
  std::vector<uint32_t> of_;  // per instance: index into distinct_; empty while all have the first
  size_t size_ = 0;
};

}  // namespace rdc::run
