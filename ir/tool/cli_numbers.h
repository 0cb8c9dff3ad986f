// Numbers and values on command lines, checked before CLI11 converts them: CLI11's own
// conversion reads `-1` into an unsigned flag as 2^64-1, clamps a number too
// large for its type, and takes `010` as octal and `0x10` as hex.
#pragma once

#include <CLI/CLI.hpp>
#include <cctype>
#include <charconv>
#include <climits>
#include <cstdint>
#include <string>

#include "ir/graph/graph.h"

namespace rdc {

/// A whole number in min..max written in decimal (a leading `-` only where
/// min is negative). Anything else, an empty value included, is a usage
/// error naming the flag and the range. The value is handed on normalised,
/// so that CLI11 converts exactly the number checked.
template <typename T>
CLI::Validator wholeNumberIn(T min, T max) {
  std::string range = std::to_string(min) + ".." + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& text) -> std::string {
        T value{};
        const char* end = text.data() + text.size();
        auto [stop, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ec != std::errc{} || stop != end || value < min || value > max) {
          return "expected a whole number in " + range + ", got '" + text + "'";
        }
        text = std::to_string(value);
        return {};
      },
      "in " + range);
}

/// `--max-memory`'s SIZE: a whole number of bytes in decimal (`010M` is
/// ten MiB, not octal), or of K, M, G or T (1024-based; `KB` and `KiB`
/// alike, any case), at most 2^64 - 1 bytes; handed on as the bytes. `0`
/// (no budget of the tool's own) is the one zero: `0G` is refused.
inline CLI::Validator memorySize() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        uint64_t number = 0;
        const char* end = text.data() + text.size();
        auto [stop, ec] = std::from_chars(text.data(), end, number);
        std::string unit(stop, end);
        for (char& c : unit) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const std::string units = "kmgt";
        size_t power = unit.empty() ? 0 : units.find(unit[0]) + 1;
        bool known =
            unit.empty() || (power > 0 && (unit.size() == 1 || unit.substr(1) == "b" || unit.substr(1) == "ib"));
        if (text.empty() || ec == std::errc::invalid_argument || !known)
          return "expected bytes, or a number of K, M, G or T (512M, 4G), got '" + text + "'";
        bool wraps = ec == std::errc::result_out_of_range || (power > 0 && number > (UINT64_MAX >> (10 * power)));
        if (wraps) return "a memory budget is at most 2^64 - 1 bytes, got '" + text + "'";
        // (0 alone means no budget of the tool's own; none of a unit is a slip)
        if (number == 0 && power > 0)
          return "a budget of no memory, got '" + text + "' (0 alone: no budget of its own)";
        text = std::to_string(number << (10 * power));
        return {};
      },
      "SIZE");
}

/// Refuses an empty value (`--until ''`), which a tool would otherwise
/// take for the flag's absence.
inline CLI::Validator notEmpty() {
  return CLI::Validator([](std::string& text) { return text.empty() ? std::string("expected a value, got ''") : ""; },
                        "");
}

/// The largest `--max-lines`: a line's ends name lines in 29 bits (Endpoint).
inline constexpr uint64_t kMaxMaxLines = Endpoint::kNoRef;

/// `--max-lines N`, which every tool that elaborates a model takes (the
/// `size-limit` diagnostic names it): the most scalar lines, 1 to
/// kMaxMaxLines, into `maxLines` (ElabOptions::maxLines).
inline CLI::Option* addMaxLinesOption(CLI::App& app, uint64_t& maxLines) {
  return app.add_option("--max-lines", maxLines, "Elaboration size limit in scalar lines")
      ->transform(wholeNumberIn<uint64_t>(1, kMaxMaxLines))
      ->capture_default_str();
}

}  // namespace rdc
