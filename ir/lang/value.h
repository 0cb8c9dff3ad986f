// Runtime values carried by scalar lines.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/lang/types.h"

namespace rdc {

/// A value of one of the value types. An Opt<T> value is either Nil or a
/// value of T (untagged; Opt<Opt<T>> is not a type, so this is unambiguous).
/// A Map<K, V> value is a finite map, its entries sorted by key (the total
/// order below), so that equal maps are equal values and print alike.
/// A Signed<T> value is a T (its payload) signed by a domain (its signer:
/// the domain's index in the graph's list of domains), which only that
/// domain's components can make (docs/reference.md#signatures).
///
/// Small and cheap to copy: 16 bytes, a kind and a 64-bit payload, which
/// is the number of a Bool, Int or Duration and the shared heap part of a
/// Bytes, Tuple, Map or Signed value (null when empty). The heap part is
/// immutable and counts its own references, so that copies share it (the
/// simulator copies every value along every wire it crosses, and keeps one
/// per line). The kind comes last, so that its padding is at the tail,
/// where a holder can put small fields of its own (`[[no_unique_address]]
/// Value`): a line's state, or a pending event, is then 16 bytes.
class Value {
 public:
  enum class Kind : uint8_t { Unit, Bool, Int, Duration, Bytes, Nil, Tuple, Map, Signed };

 private:
  struct Heap;

 public:
  // One word, copied whole whatever it holds (GCC and Clang define reading
  // a union through its other member), so that a copy or a move of a value
  // is two stores and a test of the kind, always inline (the simulator
  // moves a value at every event: as a call it was a twentieth of a run).
  union {
    int64_t i = 0;      ///< Bool (0/1), Int, Duration (nanoseconds); 0 for Unit and Nil; not to be read otherwise
    const Heap* heap_;  ///< Bytes, Tuple, Map and Signed; shared by copies, freed by the last (public only as i's twin)
  };
  Kind kind = Kind::Unit;

  Value() = default;
  [[gnu::always_inline]] Value(const Value& other) : i(other.i), kind(other.kind) {
    if (ownsHeap(kind) && heap_) retain(heap_);
  }
  [[gnu::always_inline]] Value(Value&& other) noexcept : i(other.i), kind(other.kind) {
    if (ownsHeap(kind)) other.heap_ = nullptr;
  }
  Value& operator=(const Value& other) {
    if (ownsHeap(other.kind) && other.heap_)
      retain(other.heap_);  // first: `other` may be this value, or part of its heap
    const Heap* old = ownsHeap(kind) ? heap_ : nullptr;
    i = other.i, kind = other.kind;
    if (old) release(old);
    return *this;
  }
  [[gnu::always_inline]] Value& operator=(Value&& other) noexcept {
    if (this == &other) return *this;
    const Heap* old = ownsHeap(kind) ? heap_ : nullptr;
    i = other.i, kind = other.kind;
    if (ownsHeap(kind)) other.heap_ = nullptr;
    if (old) release(old);
    return *this;
  }
  [[gnu::always_inline]] ~Value() {
    if (ownsHeap(kind) && heap_) release(heap_);
  }
  static Value unit() { return {}; }
  static Value boolean(bool b) { return Value(Kind::Bool, b ? 1 : 0); }
  static Value integer(int64_t v) { return Value(Kind::Int, v); }
  static Value duration(int64_t ns) { return Value(Kind::Duration, ns); }
  static Value nil() { return Value(Kind::Nil, 0); }
  static Value ofBytes(std::string bytes);
  static Value tuple(std::vector<Value> items);
  /// A map from its entries in any order; nullopt if two have one key.
  static std::optional<Value> map(std::vector<std::pair<Value, Value>> entries);
  /// `payload` signed by domain `signer` (an index into the graph's domains,
  /// >= 0). `proof`: over a network, the signer node's Ed25519 signature of
  /// it (64 bytes), which travels with the value; empty in the simulator.
  /// The proof is evidence, not contents: values compare without it.
  static Value signature(int64_t signer, Value payload, std::string proof = {});

  /// A Bytes value's bytes; a Signed value's proof (empty for every other kind).
  const std::string& bytes() const;
  /// A Tuple value's items; a Map's keys and values, alternating, in order
  /// of key (empty for every other kind).
  const std::vector<Value>& items() const;
  /// A Map's number of entries, its i-th key and value (in order of key).
  size_t entries() const { return items().size() / 2; }
  const Value& key(size_t entry) const { return items()[2 * entry]; }
  const Value& mapped(size_t entry) const { return items()[2 * entry + 1]; }
  /// How many parts the value has, each counted as often as it occurs: 1
  /// for a scalar or an empty Bytes, tuple or map; 1 more per 16 bytes for
  /// a Bytes; one more than its items' together for a tuple, map or signed
  /// value; saturated at
  /// 2^32 - 1. Copies share heap parts, so a chain of `(x, x)` makes a
  /// value of 2^k parts in k small steps: what compares, prints or records
  /// it costs its parts, which kMaxValueParts bounds.
  uint32_t parts() const;
  /// A Signed value's payload (its one item), and its signer (a domain's index).
  const Value& payload() const { return items()[0]; }
  int64_t signer() const;
  /// A Map's value for `key`, or null.
  const Value* find(const Value& key) const;

  /// Equality and a total order (kind, then contents) by value, never by
  /// which copy shares which heap part (nor by a signature's proof).
  bool operator==(const Value& other) const {
    // Inline for the scalars (a Quorum compares votes, a check its values):
    // only values that share no heap part need the contents compared.
    if (kind != other.kind) return false;
    if (!ownsHeap(kind)) return i == other.i;
    return heap_ == other.heap_ || sameContents(other);
  }
  bool operator<(const Value& other) const;
  /// -1, 0 or 1 as this value is before, equal to or after `other` in
  /// that order, each pair of items compared once.
  int compare(const Value& other) const;
  /// How many heap parts (tuples, maps, signed values, Bytes) this thread
  /// has compared so far, a count that only grows: comparing two values
  /// of P parts that share no heap part costs P, which an evaluation
  /// charges to its step budget (kPartsPerStep).
  static uint64_t partsCompared();

  /// Literal spelling in the expression language (`5`, `true`, `3ms`, `nil`,
  /// `"ab"`, `(1, true)`, `{0: 7, 2: 9}`, `sig(2, 5)` for 5 signed by domain
  /// 2); parsing it back (parseValue) gives the same value.
  std::string str() const;
  /// str() for a message: whole when it is at most 200 characters, else
  /// its first 200 and the value's size (`{0: {0: 1, ... (a value of
  /// 524287 parts)`, `"abc... (5000 bytes)`), so that a diagnostic
  /// quoting a value stays short.
  std::string brief() const;

 private:
  Value(Kind k, int64_t v) : kind(k) {
    if (ownsHeap(k))
      heap_ = nullptr;
    else
      i = v;
  }
  static bool ownsHeap(Kind k) { return k == Kind::Bytes || k >= Kind::Tuple; }
  void spell(std::string& out, size_t limit) const;  // appends str(), stopping once out has `limit` characters
  bool sameContents(const Value& other) const;       // the heap parts' contents, kind and payload being equal
  static void retain(const Heap* heap);
  static void release(const Heap* heap);
};

static_assert(sizeof(Value) == 16, "a value is a payload word and a kind");

struct Value::Heap {
  mutable std::atomic<uint32_t> refs{1};  ///< atomic: copies of one value may live in several threads
  uint32_t parts = 1;                     ///< Value::parts()
  int64_t signer = 0;                     ///< Signed only
  std::string bytes;
  std::vector<Value> items;
};

inline uint32_t Value::parts() const { return ownsHeap(kind) && heap_ ? heap_->parts : 1; }

/// The most parts (Value::parts()) a value a model makes may have: an
/// expression whose value would have more fails (`size-limit`), and so
/// does a Mailbox whose map of messages would. Comparing, printing or
/// recording any value a run makes then costs at most this many steps.
inline constexpr uint32_t kMaxValueParts = 1u << 20;

/// Heap parts compared (Value::partsCompared()) that an expression's or a
/// check's evaluation counts as one step of its budget: a million
/// comparisons of values of a million parts would otherwise take hours
/// within the step limits.
inline constexpr uint64_t kPartsPerStep = 64;

/// The type of a value; nullopt for nil (whose Opt<T> the context decides).
std::optional<TypeId> typeOfValue(const Value& v, TypeTable& types);

/// Whether `v` is a value of type `t`.
bool valueFits(const Value& v, TypeId t, const TypeTable& types);

/// The signer of the first signature inside `v` (itself, or in its items,
/// depth first) whose signer is not `domain`; nullopt if there is none. A
/// value a domain makes up (a lie, a --force) may hold only its own ones.
std::optional<int64_t> foreignSigner(const Value& v, int64_t domain);

/// Calls `f(s)` for every Signed value inside `v` (itself included), outermost first.
template <typename F>
void forEachSignature(const Value& v, const F& f) {
  if (v.kind == Value::Kind::Signed) f(v);
  for (const Value& item : v.items()) forEachSignature(item, f);
}

/// Spells a duration in the largest exact unit (`1500us`, `3ms`, `2s`).
std::string durationString(int64_t ns);

/// Spells a time of a run for people, as reports list them: in ms, or in
/// us below 1ms, with the decimals it has (`8.282209ms`, `523.949us`,
/// `3ms`), the same reading at every scale; exact, and read back by every
/// flag that takes a duration.
std::string timeForPeople(int64_t ns);

}  // namespace rdc
