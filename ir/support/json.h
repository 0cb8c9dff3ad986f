// JSON through nlohmann-json: the tools build values and dump them here,
// so that no code writes JSON text or escapes strings by hand, and read
// back the integers they wrote.
#pragma once

#include <charconv>
#include <concepts>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace rdc {

/// A JSON value whose objects keep their fields in insertion order, the order
/// docs/tools.md and docs/diagnostics.md list them in.
using Json = nlohmann::ordered_json;

/// `value` as compact JSON text (no spaces, no trailing newline), non-ASCII
/// kept as UTF-8. Never throws: bytes that are not valid UTF-8 (a file name,
/// a line path or model name from a foreign trace) are written as U+FFFD.
/// The largest magnitude below which every integer is a double: JavaScript's
/// Number.MAX_SAFE_INTEGER + 1.
inline constexpr uint64_t kJsonExactLimit = uint64_t{1} << 53;

/// An integer (a seed, a time in nanoseconds, a count) as JSON: a number when
/// its magnitude is at most 2^53, else its decimal digits as a string, so that
/// a reader whose numbers are doubles (JavaScript's) never rounds it. The one
/// rule for every integer the tools write (docs/tools.md, "JSON numbers").
template <std::integral T>
Json exactInteger(T n) {
  uint64_t magnitude = n < 0 ? uint64_t{0} - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  if (magnitude <= kJsonExactLimit) return n;
  return std::to_string(n);
}

/// An unsigned integer as exactInteger writes it: a JSON number, or a
/// string of decimal digits (a reader takes either form). Throws
/// Json::type_error for anything else: a negative or fractional number, a
/// string that is not all digits, or one past 2^64 - 1.
inline uint64_t exactUnsigned(const Json& j) {
  if (j.is_number_unsigned()) return j.get<uint64_t>();
  if (j.is_string()) {
    const std::string& text = j.get_ref<const std::string&>();
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (!text.empty() && ec == std::errc{} && end == text.data() + text.size()) return n;
  }
  throw Json::type_error::create(302, "not a whole number", &j);
}

inline std::string jsonText(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace rdc
