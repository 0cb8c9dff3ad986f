#include "ir/model/yaml_input.h"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <unordered_set>
#include <vector>

namespace rdc {

namespace {

// The length of the sequence a lead byte announces, 0 for bytes that never lead.
size_t sequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;  // a continuation byte, C0/C1 (always overlong), F5..F7 (beyond U+10FFFF) or F8..FF (never used)
}

// The reason a complete multi-byte sequence is ill-formed, or null.
const char* badCodePoint(uint32_t cp, size_t length) {
  static constexpr uint32_t kShortest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kShortest[length]) return "an overlong encoding";
  if (cp >= 0xD800 && cp <= 0xDFFF) return "a surrogate (U+D800..U+DFFF)";
  if (cp > 0x10FFFF) return "a code point above U+10FFFF";
  return nullptr;
}

YamlProblem problemAt(std::string_view text, size_t offset, std::string message) {
  YamlProblem p;
  p.line = 1;
  size_t lineStart = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') ++p.line, lineStart = i + 1;
  }
  p.col = static_cast<uint32_t>(offset - lineStart + 1);
  p.message = std::move(message);
  return p;
}

YamlProblem problemAt(const YAML::Mark& mark, std::string message) {
  YamlProblem p;
  if (mark.line >= 0) p.line = static_cast<uint32_t>(mark.line + 1);
  if (mark.column >= 0) p.col = static_cast<uint32_t>(mark.column + 1);
  p.message = std::move(message);
  return p;
}

// yaml-cpp keeps both copies of a repeated mapping key, and a lookup then
// sees only one of them: a misspelt override would silently lose. The walk
// is iterative and counts the nodes it meets, an alias's at each use, and
// the distinct ones (by their place in the text, which an alias's nodes
// share with its anchor's): past kAliasAllowance, at most kAliasExpansion
// times as many met as distinct, else the document is refused (an alias
// bomb, however padded).
std::optional<YamlProblem> firstProblemOfTree(const YAML::Node& root) {
  std::vector<YAML::Node> stack{root};
  std::unordered_set<uint64_t> places;  // (membership only: never iterated)
  uint64_t met = 0;
  auto meet = [&](const YAML::Node& node) {
    stack.push_back(node);
    YAML::Mark mark = node.Mark();
    uint64_t place = mark.line < 0 ? UINT64_MAX - met : uint64_t(uint32_t(mark.line)) << 32 | uint32_t(mark.column);
    places.insert(place);
    ++met;
    return met <= kAliasAllowance || met <= kAliasExpansion * places.size();
  };
  auto tooMany = [&](const YAML::Node& node) {
    YamlProblem p =
        problemAt(node.Mark(), "the document's aliases expand it to more than " + std::to_string(kAliasExpansion) +
                                   " times its " + std::to_string(places.size()) +
                                   " nodes (each use of an alias `*name` "
                                   "counts its nodes again)");
    p.code = "size-limit";
    return p;
  };
  meet(root);
  while (!stack.empty()) {
    YAML::Node node = stack.back();
    stack.pop_back();
    if (node.IsSequence()) {
      for (const YAML::Node& item : node) {
        if (!meet(item)) return tooMany(item);
      }
    } else if (node.IsMap()) {
      std::set<std::string> keys;
      for (const auto& entry : node) {
        if (entry.first.IsScalar() && !keys.insert(entry.first.Scalar()).second) {
          return problemAt(entry.first.Mark(), "the key '" + entry.first.Scalar() + "' appears twice in one mapping");
        }
        if (!meet(entry.second)) return tooMany(entry.second);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<Utf8Error> firstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    size_t length = sequenceLength(lead);
    if (length == 0) {
      return Utf8Error{i, lead >= 0x80 && lead <= 0xBF ? "a continuation byte without a lead byte"
                          : lead <= 0xC1               ? "an overlong encoding"
                          : lead <= 0xF7               ? "a code point above U+10FFFF"
                                                       : "a byte UTF-8 never uses"};
    }
    if (length == 1) {
      ++i;
      continue;
    }
    uint32_t cp = lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        return Utf8Error{i, "a truncated sequence"};
      }
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (const char* reason = badCodePoint(cp, length)) return Utf8Error{i, reason};
    i += length;
  }
  return std::nullopt;
}

std::optional<ControlCharacter> firstControlCharacter(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    unsigned next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    unsigned code;
    if (c < 0x20 || c == 0x7F) {
      if (c == '\t' || c == '\n' || c == '\r') continue;
      code = c;
    } else if (c == 0xC2 && next >= 0x80 && next <= 0x9F) {  // a C1 control in UTF-8
      code = next;
    } else {
      continue;
    }
    char name[8];
    std::snprintf(name, sizeof name, "U+%04X", code);
    return ControlCharacter{i, name};
  }
  return std::nullopt;
}

std::optional<YAML::Node> loadYamlDocument(std::string_view text, YamlProblem* problem) {
  if (auto bad = firstInvalidUtf8(text)) {
    *problem = problemAt(text, bad->offset, "invalid UTF-8: " + bad->reason);
    return std::nullopt;
  }
  // yaml-cpp misnames one (a NUL in a scalar is "unknown escape character: i").
  if (auto control = firstControlCharacter(text)) {
    *problem = problemAt(
        text, control->offset,
        "a control character (" + control->name + "): a file holds none but tab, line feed and carriage return");
    return std::nullopt;
  }
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's own message for this is "bad file".
    *problem = problemAt(e.mark, "nested too deeply (more than " + std::to_string(e.depth()) + " levels)");
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    *problem = problemAt(e.mark, e.msg);
    return std::nullopt;
  }
  if (documents.size() > 1) {
    *problem = problemAt(documents[1].Mark(), "a second YAML document (after `---`); this file holds exactly one");
    return std::nullopt;
  }
  if (documents.empty()) return YAML::Node();
  if (auto bad = firstProblemOfTree(documents[0])) {
    *problem = *bad;
    return std::nullopt;
  }
  return documents[0];
}

}  // namespace rdc
