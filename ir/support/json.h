// JSON output through nlohmann-json: the tools build values and dump them
// here, so that no code writes JSON text or escapes strings by hand.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace rdc {

/// A JSON value whose objects keep their fields in insertion order, the order
/// docs/tools.md and docs/diagnostics.md list them in.
using Json = nlohmann::ordered_json;

/// `value` as compact JSON text (no spaces, no trailing newline), non-ASCII
/// kept as UTF-8. Never throws: bytes that are not valid UTF-8 (a file name,
/// a line path or model name from a foreign trace) are written as U+FFFD.
inline std::string jsonText(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace rdc
