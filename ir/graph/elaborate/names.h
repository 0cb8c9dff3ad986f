// Names during elaboration: index tuples and a fast table of scalar wire
// names. Elaboration makes and looks up millions of these, so neither
// allocates per entry.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace rdc::elab {

/// Values of parameters and loop variables in scope, innermost last.
using Env = std::vector<std::pair<std::string, int64_t>>;

// An index tuple. Tuples are short, so they live inline: elaboration makes
// millions of them and must not allocate for each.
class Indices {
 public:
  static constexpr size_t kMax = 6;
  /// Indices are bounded by the size limit, so 32 bits hold them.
  static constexpr int64_t kLargest = INT32_MAX;

  Indices() = default;
  Indices(size_t n, int64_t fill) : size_(static_cast<uint8_t>(n)) { std::fill_n(v_, n, static_cast<int32_t>(fill)); }
  void push_back(int64_t x) { v_[size_++] = static_cast<int32_t>(x); }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int32_t& operator[](size_t i) { return v_[i]; }
  int64_t operator[](size_t i) const { return v_[i]; }
  const int32_t* begin() const { return v_; }
  const int32_t* end() const { return v_ + size_; }
  Indices tail(size_t from) const {
    Indices t;
    for (size_t i = from; i < size_; ++i) t.push_back(v_[i]);
    return t;
  }
  bool operator==(const Indices& o) const { return size_ == o.size_ && std::equal(begin(), end(), o.begin()); }
  bool operator<(const Indices& o) const { return std::lexicographical_compare(begin(), end(), o.begin(), o.end()); }

 private:
  int32_t v_[kMax] = {};
  uint8_t size_ = 0;
};

// A scalar wire name in a scope: name, whether it is a `x'` end, indices.
struct NameKey {
  uint32_t name;
  bool primed;
  Indices indices;
  bool operator==(const NameKey& o) const { return name == o.name && primed == o.primed && indices == o.indices; }
};

// An insertion-ordered set of NameKeys with open addressing: elaboration
// looks names up millions of times, and node-based maps spend most of that
// time allocating. An entry's index is its insertion order. A scope can
// hold a name per line, so keys are packed: its index, a name, its prime
// and count, then only the indices it has (20 bytes for `x[i][j]`, not a
// whole NameKey).
//
// A lookup in a scope of a few hundred thousand names is two cache misses
// at best (a slot, the entry it names), so the table keeps them few: a slot
// holds the entry's place in the pool and 32 bits of its hash, so that a
// probe past another key's slot reads no entry; and keys that differ only
// in the low 3 bits of their last index share a hash and sit side by side,
// so that `x[i][0]`, `x[i][1]`, ... (elaboration's usual order: an inner
// loop over the last index) share the slots' cache line and, inserted in
// that order, the pool's.
class NameTable {
 public:
  /// The index of `key`, inserting it if new; `.second` tells whether it was.
  std::pair<uint32_t, bool> insert(const NameKey& key) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    const uint64_t h = hash(key);
    const uint32_t tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = home(h, key);; i = (i + 1) & mask_) {
      uint64_t slot = slots_[i];
      if (slot == 0) {
        uint32_t at = static_cast<uint32_t>(pool_.size());
        pool_.push_back(size_);
        pool_.push_back(key.name);
        pool_.push_back(static_cast<uint32_t>(key.primed) << 8 | static_cast<uint32_t>(key.indices.size()));
        for (int32_t x : key.indices) pool_.push_back(static_cast<uint32_t>(x));
        slots_[i] = static_cast<uint64_t>(tag) << 32 | (at + 1);
        return {size_++, true};
      }
      if (static_cast<uint32_t>(slot >> 32) == tag && equal(static_cast<uint32_t>(slot) - 1, key))
        return {pool_[static_cast<uint32_t>(slot) - 1], false};
    }
  }
  /// Sizes an empty table for `entries` keys, so that filling it does not
  /// rehash as it grows.
  void reserve(size_t entries) {
    if (size_ != 0) return;
    size_t slots = 16;
    while (slots < 2 * (entries + 1)) slots *= 2;
    slots_.assign(slots, 0);
    mask_ = slots - 1;
  }
  size_t size() const { return size_; }
  /// Calls `f(index, key)` for every entry, in order of insertion.
  template <typename F>
  void forEach(const F& f) const {
    for (uint32_t at = 0; at < pool_.size(); at += 3 + (pool_[at + 2] & 0xff)) f(pool_[at], keyAt(at));
  }

 private:
  NameKey keyAt(uint32_t at) const {
    const uint32_t* p = pool_.data() + at;
    NameKey k{p[1], (p[2] >> 8) != 0, {}};
    for (uint32_t i = 0; i < (p[2] & 0xff); ++i) k.indices.push_back(static_cast<int32_t>(p[3 + i]));
    return k;
  }
  bool equal(uint32_t at, const NameKey& k) const {
    const uint32_t* p = pool_.data() + at;
    if (p[1] != k.name || p[2] != (static_cast<uint32_t>(k.primed) << 8 | static_cast<uint32_t>(k.indices.size())))
      return false;
    for (size_t i = 0; i < k.indices.size(); ++i) {
      if (p[3 + i] != static_cast<uint32_t>(k.indices.begin()[i])) return false;
    }
    return true;
  }
  // The hash of everything but the low 3 bits of the last index.
  static uint64_t hash(const NameKey& k) {
    uint64_t h = (static_cast<uint64_t>(k.name) << 1 | k.primed) * 0x9E3779B97F4A7C15ull;
    size_t n = k.indices.size();
    for (size_t i = 0; i < n; ++i) {
      uint32_t x = static_cast<uint32_t>(k.indices.begin()[i]);
      h = (h ^ (i + 1 == n ? x >> 3 : x)) * 0xFF51AFD7ED558CCDull;
    }
    h ^= h >> 33;  // murmur's finaliser: the low bits used by the mask depend on every bit
    h *= 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 33);
  }
  // The first slot to probe: a block of 8 from the hash, the place in it
  // from the last index.
  size_t home(uint64_t h, const NameKey& k) const {
    uint32_t low = k.indices.empty() ? 0 : static_cast<uint32_t>(k.indices.end()[-1]) & 7;
    return ((h & mask_ & ~size_t{7}) | low) & mask_;
  }
  void grow() {
    slots_.assign(std::max<size_t>(16, 2 * slots_.size()), 0);
    mask_ = slots_.size() - 1;
    for (uint32_t at = 0; at < pool_.size(); at += 3 + (pool_[at + 2] & 0xff)) {
      NameKey k = keyAt(at);
      uint64_t h = hash(k);
      size_t i = home(h, k);
      while (slots_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = (h >> 32) << 32 | (at + 1);
    }
  }

  std::vector<uint32_t> pool_;   // per entry: its index, name, primed << 8 | index count, the indices
  std::vector<uint64_t> slots_;  // hash >> 32 << 32 | 1 + the entry's place in pool_; 0 = empty
  size_t mask_ = 0;
  uint32_t size_ = 0;
};

/// `[i][j]...` for an index tuple.
inline std::string indexSuffix(const Indices& indices) {
  std::string s;
  for (int64_t i : indices) s += "[" + std::to_string(i) + "]";
  return s;
}

}  // namespace rdc::elab
