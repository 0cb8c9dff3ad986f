// Every YAML file the tools read (models, faults files, peers files) is
// loaded through here, so that all of them refuse the same things.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rdc {

/// Why a text was refused. `line` and `col` are 1-based (col counts bytes);
/// 0 when yaml-cpp gave no position.
struct YamlProblem {
  uint32_t line = 0;
  uint32_t col = 0;
  std::string message;               ///< a sentence without the file name, e.g. "invalid UTF-8: a surrogate"
  const char* code = "parse-error";  ///< or "size-limit": aliases that expand too far (kAliasExpansion)
};

/// How far aliases may expand a document: the nodes met in it (map values
/// and sequence items, an alias's counted at each use `*name`) may pass
/// kAliasAllowance only while they are at most kAliasExpansion times its
/// distinct nodes. A document without aliases always passes; an alias bomb
/// (a few kilobytes of `*a` expanding to billions of nodes, padded or not)
/// is refused before anything reads it.
inline constexpr uint64_t kAliasAllowance = 100'000;
inline constexpr uint64_t kAliasExpansion = 4;

/// The single document of `text`, or nullopt with `problem` set. Refused:
/// text that is not valid UTF-8 (see firstInvalidUtf8), a control
/// character other than tab, line feed and carriage return (NUL, DEL),
/// YAML syntax errors,
/// nesting deeper than yaml-cpp's guard, a second document (`---`), which
/// yaml-cpp's Load would silently drop, and a key repeated in one mapping,
/// which a lookup would see only once, and aliases that expand it too far
/// (kAliasExpansion, `size-limit`). An empty text is a null node.
std::optional<YAML::Node> loadYamlDocument(std::string_view text, YamlProblem* problem);

/// A control character no file or value of a model holds: any C0 control
/// but tab, line feed and carriage return, DEL, or a C1 control (U+0080 to
/// U+009F, which a terminal may act on: U+009B begins an escape sequence).
/// YAML allows none but U+0085.
struct ControlCharacter {
  size_t offset = 0;  ///< its byte offset
  std::string name;   ///< `U+0000`
};

/// The first such control character in `text` (a file, or a scalar that
/// spelt one as an escape, `"\0"`); nullopt if there is none.
std::optional<ControlCharacter> firstControlCharacter(std::string_view text);

/// Where `text` stops being well-formed UTF-8 (RFC 3629), and why.
struct Utf8Error {
  size_t offset = 0;   ///< byte offset of the first byte of the bad sequence
  std::string reason;  ///< e.g. "an overlong encoding", "a surrogate (U+D800..U+DFFF)"
};

/// The first ill-formed sequence: a stray continuation byte, a truncated
/// sequence, an overlong encoding, a surrogate, a code point above U+10FFFF
/// (lead bytes F5..F7), or the bytes C0, C1 (overlong) and F8..FF (never used). nullopt when `text` is valid UTF-8.
std::optional<Utf8Error> firstInvalidUtf8(std::string_view text);

}  // namespace rdc
