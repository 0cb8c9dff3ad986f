#include "tools/rdc-run/engine/latency.h"

#include "ir/lang/expr.h"
#include "tools/rdc-run/engine/rng.h"

namespace rdc::run {

std::optional<Latency> Latency::parse(std::string_view spec, std::string* error) {
  size_t colon = spec.find(':');
  std::string_view kind = spec.substr(0, colon), rest = colon == std::string_view::npos ? "" : spec.substr(colon + 1);
  Latency l;
  if (spec == "lost") {
    l.lost = true;
    return l;
  }
  if (kind == "constant" || kind == "exponential") {
    l.kind = kind == "constant" ? Kind::Constant : Kind::Exponential;
    auto d = parseDuration(rest, error);
    if (!d) return std::nullopt;
    l.a = *d;
    return l;
  }
  if (kind == "uniform") {
    size_t dots = rest.find("..");
    if (dots == std::string_view::npos) {
      *error = "expected uniform:LOW..HIGH";
      return std::nullopt;
    }
    auto lo = parseDuration(rest.substr(0, dots), error);
    auto hi = lo ? parseDuration(rest.substr(dots + 2), error) : std::nullopt;
    if (!hi) return std::nullopt;
    if (*hi < *lo) {
      *error = "uniform: LOW is above HIGH";
      return std::nullopt;
    }
    l.kind = Kind::Uniform;
    l.a = *lo;
    l.b = *hi;
    return l;
  }
  *error = "unknown latency model '" + std::string(kind) + "' (constant:D, uniform:D1..D2, exponential:MEAN, lost)";
  return std::nullopt;
}

std::string Latency::str() const {
  if (lost) return "lost";
  switch (kind) {
    case Kind::Constant:
      return "constant:" + durationString(a);
    case Kind::Uniform:
      return "uniform:" + durationString(a) + ".." + durationString(b);
    case Kind::Exponential:
      return "exponential:" + durationString(a);
  }
  return "";
}

int64_t Latency::draw(Rng& rng) const {
  switch (kind) {
    case Kind::Constant:
      return a;
    case Kind::Uniform:
      return rng.uniform(a, b);
    case Kind::Exponential:
      return rng.exponential(a);
  }
  return a;
}

}  // namespace rdc::run
