// Runtime values carried by scalar lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/lang/types.h"

namespace rdc {

/// A value of one of the value types. An Opt<T> value is either Nil or a
/// value of T (untagged; Opt<Opt<T>> is not a type, so this is unambiguous).
struct Value {
  enum class Kind : uint8_t { Unit, Bool, Int, Duration, Bytes, Nil, Tuple };

  Kind kind = Kind::Unit;
  int64_t i = 0;             ///< Bool (0/1), Int, Duration (nanoseconds)
  std::string bytes;         ///< Bytes
  std::vector<Value> items;  ///< Tuple

  static Value unit() { return {}; }
  static Value boolean(bool b) { return {Kind::Bool, b ? 1 : 0, {}, {}}; }
  static Value integer(int64_t v) { return {Kind::Int, v, {}, {}}; }
  static Value duration(int64_t ns) { return {Kind::Duration, ns, {}, {}}; }
  static Value nil() { return {Kind::Nil, 0, {}, {}}; }

  bool operator==(const Value&) const = default;
  /// A total order (kind, then contents), for ordered containers of values.
  bool operator<(const Value& other) const;

  /// Literal spelling in the expression language (`5`, `true`, `3ms`, `nil`,
  /// `"ab"`, `(1, true)`); parsing it back gives the same value.
  std::string str() const;
};

/// The type of a value; nullopt for nil (whose Opt<T> the context decides).
std::optional<TypeId> typeOfValue(const Value& v, TypeTable& types);

/// Whether `v` is a value of type `t`.
bool valueFits(const Value& v, TypeId t, const TypeTable& types);

/// Spells a duration in the largest exact unit (`1500us`, `3ms`, `2s`).
std::string durationString(int64_t ns);

}  // namespace rdc
