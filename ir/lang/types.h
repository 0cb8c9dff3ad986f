// Value types of lines: Unit, Bool, Int, Duration, Bytes, Opt<T>, tuples,
// Map<K, V> and Signed<T> (a T signed by a domain).
// Types are interned in a TypeTable so that equal types have equal ids.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rdc {

using TypeId = uint32_t;

enum class TypeKind : uint8_t { Unit, Bool, Int, Duration, Bytes, Opt, Tuple, Map, Signed };

/// One interned type: a kind and, for Opt, Tuple, Map and Signed, the ids of
/// its parts (a Map's key type, then its value type; a Signed's payload type).
struct TypeNode {
  TypeKind kind;
  std::vector<TypeId> parts;
  auto operator<=>(const TypeNode&) const = default;
};

/// Interns value types. Ids of the five scalar kinds are fixed (0..4).
class TypeTable {
 public:
  static constexpr TypeId kUnit = 0, kBool = 1, kInt = 2, kDuration = 3, kBytes = 4;
  /// The deepest a line's type may nest (depth()), written or inferred: so
  /// that every value a run records or sends fits what traces and network
  /// frames read back.
  static constexpr int kMaxDepth = 64;
  /// The most parts a line's type may have (parts()), written or inferred:
  /// a chain of `(x, x)` doubles a type at each step, and a type of 2^30
  /// parts could be neither spelled nor held by a value.
  static constexpr uint32_t kMaxParts = 65536;

  TypeTable();
  TypeId intern(TypeNode node);
  TypeId opt(TypeId inner) { return intern({TypeKind::Opt, {inner}}); }
  TypeId tuple(std::vector<TypeId> parts) { return intern({TypeKind::Tuple, std::move(parts)}); }
  TypeId map(TypeId key, TypeId value) { return intern({TypeKind::Map, {key, value}}); }
  TypeId signedOf(TypeId payload) { return intern({TypeKind::Signed, {payload}}); }

  const TypeNode& node(TypeId id) const { return nodes_[id]; }
  size_t size() const { return nodes_.size(); }
  /// How deep a type nests: 0 for a scalar, one more than its deepest part
  /// otherwise (`Opt<(Int, Bool)>` is 2).
  int depth(TypeId id) const { return depths_[id]; }
  /// How many parts a type has, each counted as often as it occurs: 1 for
  /// a scalar, one more than its parts' together otherwise (`(Int, Int)`
  /// is 3, `Map<Int, (Int, Int)>` is 5); at most kMaxParts + 1 (saturated).
  uint32_t parts(TypeId id) const { return parts_[id]; }
  /// Canonical spelling, e.g. `Opt<(Int, Bool)>`; parse(name(t)) == t.
  /// A type of more than kMaxParts parts, which no line may have, is named
  /// by its size instead (`<a type of 4097 parts or more>`), so that a
  /// message about one stays short.
  std::string name(TypeId id) const;
  /// The name after its indefinite article, for messages: `an Int`,
  /// `a Bool`, `an Opt<Int>`, `a (Int, Bool)`.
  std::string aName(TypeId id) const;
  /// Parses a value type; nullopt (with `error` set) on bad syntax.
  std::optional<TypeId> parse(std::string_view text, std::string* error);

 private:
  std::vector<TypeNode> nodes_;
  std::vector<int> depths_;      // per type
  std::vector<uint32_t> parts_;  // per type
  std::map<TypeNode, TypeId> index_;
};

}  // namespace rdc
