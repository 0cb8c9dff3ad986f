#include "ir/lang/types.h"

#include <algorithm>
#include <cctype>

namespace rdc {

TypeTable::TypeTable() {
  for (TypeKind kind : {TypeKind::Unit, TypeKind::Bool, TypeKind::Int, TypeKind::Duration, TypeKind::Bytes}) {
    intern({kind, {}});
  }
}

TypeId TypeTable::intern(TypeNode node) {
  auto it = index_.find(node);
  if (it != index_.end()) return it->second;
  TypeId id = static_cast<TypeId>(nodes_.size());
  int depth = 0;
  uint32_t parts = 1;
  for (TypeId part : node.parts) {
    depth = std::max(depth, depths_[part] + 1);
    parts = std::min(parts + parts_[part], kMaxParts + 1);
  }
  depths_.push_back(depth);
  parts_.push_back(parts);
  nodes_.push_back(node);
  index_.emplace(std::move(node), id);
  return id;
}

std::string TypeTable::aName(TypeId id) const {
  std::string n = name(id);
  return (std::string_view("AEIOU").find(n.empty() ? ' ' : n[0]) == std::string_view::npos ? "a " : "an ") + n;
}

std::string TypeTable::name(TypeId id) const {
  if (parts_[id] > kMaxParts) return "<a type of " + std::to_string(kMaxParts + 1) + " parts or more>";
  const TypeNode& n = nodes_[id];
  switch (n.kind) {
    case TypeKind::Unit:
      return "Unit";
    case TypeKind::Bool:
      return "Bool";
    case TypeKind::Int:
      return "Int";
    case TypeKind::Duration:
      return "Duration";
    case TypeKind::Bytes:
      return "Bytes";
    case TypeKind::Opt:
      return "Opt<" + name(n.parts[0]) + ">";
    case TypeKind::Tuple: {
      std::string out = "(";
      for (size_t i = 0; i < n.parts.size(); ++i) out += (i ? ", " : "") + name(n.parts[i]);
      return out + (n.parts.size() == 1 ? ",)" : ")");
    }
    case TypeKind::Map:
      return "Map<" + name(n.parts[0]) + ", " + name(n.parts[1]) + ">";
    case TypeKind::Signed:
      return "Signed<" + name(n.parts[0]) + ">";
  }
  return "?";
}

namespace {

// Recursive-descent parser over a type's text; depth-limited against hostile input.
class TypeParser {
 public:
  TypeParser(TypeTable& table, std::string_view text) : table_(table), text_(text) {}

  std::optional<TypeId> parseAll(std::string* error) {
    auto t = parseType(0);
    skipSpace();
    if (t && pos_ != text_.size()) fail("unexpected '" + std::string(text_.substr(pos_)) + "'");
    if (t && table_.parts(*t) > TypeTable::kMaxParts)
      fail("type of more than " + std::to_string(TypeTable::kMaxParts) + " parts");
    if (!error_.empty()) {
      if (error) *error = error_;
      return std::nullopt;
    }
    return t;
  }

 private:
  void skipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool eat(char c) {
    skipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::optional<TypeId> fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return std::nullopt;
  }

  std::optional<TypeId> parseType(int depth) {
    if (depth > TypeTable::kMaxDepth) return fail("type nested too deeply");
    skipSpace();
    if (eat('(')) {
      std::vector<TypeId> parts;
      if (eat(')')) return TypeTable::kUnit;
      while (true) {
        auto part = parseType(depth + 1);
        if (!part) return std::nullopt;
        parts.push_back(*part);
        if (eat(')')) break;
        if (!eat(',')) return fail("expected ',' or ')' in tuple type");
        if (eat(')')) break;
      }
      return table_.tuple(std::move(parts));
    }
    size_t start = pos_;
    while (pos_ < text_.size() && std::isalnum(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    std::string_view word = text_.substr(start, pos_ - start);
    if (word == "Unit") return TypeTable::kUnit;
    if (word == "Bool") return TypeTable::kBool;
    if (word == "Int") return TypeTable::kInt;
    if (word == "Duration") return TypeTable::kDuration;
    if (word == "Bytes") return TypeTable::kBytes;
    if (word == "Opt") {
      if (!eat('<')) return fail("expected '<' after Opt");
      auto inner = parseType(depth + 1);
      if (!inner) return std::nullopt;
      if (!eat('>')) return fail("expected '>' closing Opt<");
      if (table_.node(*inner).kind == TypeKind::Opt) return fail("Opt<Opt<T>> is not a value type");
      return table_.opt(*inner);
    }
    if (word == "Map") {
      if (!eat('<')) return fail("expected '<' after Map");
      auto key = parseType(depth + 1);
      if (!key) return std::nullopt;
      if (!eat(',')) return fail("expected ',' after Map's key type");
      auto value = parseType(depth + 1);
      if (!value) return std::nullopt;
      if (!eat('>')) return fail("expected '>' closing Map<");
      return table_.map(*key, *value);
    }
    if (word == "Signed") {
      if (!eat('<')) return fail("expected '<' after Signed");
      auto payload = parseType(depth + 1);
      if (!payload) return std::nullopt;
      if (!eat('>')) return fail("expected '>' closing Signed<");
      return table_.signedOf(*payload);
    }
    if (word.empty()) return fail("expected a type");
    return fail("unknown type '" + std::string(word) + "'");
  }

  TypeTable& table_;
  std::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

std::optional<TypeId> TypeTable::parse(std::string_view text, std::string* error) {
  return TypeParser(*this, text).parseAll(error);
}

}  // namespace rdc
