#include "ir/lang/value.h"

#include <algorithm>

namespace rdc {

std::string durationString(int64_t ns) {
  struct Unit {
    int64_t scale;
    const char* suffix;
  };
  for (Unit u : {Unit{1'000'000'000, "s"}, Unit{1'000'000, "ms"}, Unit{1'000, "us"}}) {
    if (ns != 0 && ns % u.scale == 0) return std::to_string(ns / u.scale) + u.suffix;
  }
  return std::to_string(ns) + "ns";
}

std::string timeForPeople(int64_t ns) {
  int64_t unit = ns >= 1'000'000 ? 1'000'000 : 1'000;
  if (ns % unit == 0 || ns < 1'000) return durationString(ns);
  std::string frac = std::to_string(ns % unit);
  frac = std::string(unit == 1'000 ? 3 - frac.size() : 6 - frac.size(), '0') + frac;
  while (frac.back() == '0') frac.pop_back();
  return std::to_string(ns / unit) + "." + frac + (unit == 1'000 ? "us" : "ms");
}

static std::string quoteBytes(const std::string& bytes) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

namespace {

// One more than the parts of `items` together, saturated (Value::parts()).
uint32_t partsOf(const std::vector<Value>& items) {
  uint64_t parts = 1;
  for (const Value& item : items) parts = std::min<uint64_t>(parts + item.parts(), UINT32_MAX);
  return static_cast<uint32_t>(parts);
}

}  // namespace

Value Value::ofBytes(std::string bytes) {
  Value v(Kind::Bytes, 0);
  // A part a 16 bytes: what printing, recording or comparing one costs.
  uint32_t parts = static_cast<uint32_t>(std::min<uint64_t>(1 + bytes.size() / 16, UINT32_MAX));
  if (!bytes.empty()) v.heap_ = new Heap{{1}, parts, 0, std::move(bytes), {}};
  return v;
}

Value Value::tuple(std::vector<Value> items) {
  Value v(Kind::Tuple, 0);
  if (!items.empty()) v.heap_ = new Heap{{1}, partsOf(items), 0, {}, std::move(items)};
  return v;
}

std::optional<Value> Value::map(std::vector<std::pair<Value, Value>> entries) {
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Value v(Kind::Map, 0);
  if (entries.empty()) return v;
  std::vector<Value> items;
  items.reserve(2 * entries.size());
  for (size_t e = 0; e < entries.size(); ++e) {
    if (e > 0 && entries[e].first == entries[e - 1].first) return std::nullopt;
    items.push_back(std::move(entries[e].first));
    items.push_back(std::move(entries[e].second));
  }
  v.heap_ = new Heap{{1}, partsOf(items), 0, {}, std::move(items)};
  return v;
}

Value Value::signature(int64_t signer, Value payload, std::string proof) {
  Value v(Kind::Signed, 0);
  uint32_t parts = static_cast<uint32_t>(std::min<uint64_t>(1 + uint64_t{payload.parts()}, UINT32_MAX));
  v.heap_ = new Heap{{1}, parts, signer, std::move(proof), {std::move(payload)}};
  return v;
}

std::optional<int64_t> foreignSigner(const Value& v, int64_t domain) {
  if (v.kind == Value::Kind::Signed && v.signer() != domain) return v.signer();
  for (const Value& item : v.items()) {
    if (auto signer = foreignSigner(item, domain)) return signer;
  }
  return std::nullopt;
}

const Value* Value::find(const Value& key) const {
  size_t lo = 0, hi = entries();  // binary search: keys are sorted
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (this->key(mid) < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < entries() && this->key(lo) == key ? &mapped(lo) : nullptr;
}

void Value::retain(const Heap* heap) { heap->refs.fetch_add(1, std::memory_order_relaxed); }

void Value::release(const Heap* heap) {
  if (heap->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete heap;
}

const std::string& Value::bytes() const {
  static const std::string empty;
  return ownsHeap(kind) && heap_ ? heap_->bytes : empty;
}

const std::vector<Value>& Value::items() const {
  static const std::vector<Value> empty;
  return ownsHeap(kind) && heap_ ? heap_->items : empty;
}

int64_t Value::signer() const { return kind == Kind::Signed && heap_ ? heap_->signer : 0; }

namespace {

thread_local uint64_t partsCompared = 0;  // Value::partsCompared()

}  // namespace

uint64_t Value::partsCompared() { return rdc::partsCompared; }

int Value::compare(const Value& other) const {
  if (kind != other.kind) return kind < other.kind ? -1 : 1;
  if (!ownsHeap(kind)) return i < other.i ? -1 : i > other.i ? 1 : 0;
  if (heap_ == other.heap_) return 0;
  rdc::partsCompared += kind == Kind::Bytes ? parts() : 1;
  if (signer() != other.signer()) return signer() < other.signer() ? -1 : 1;
  if (kind != Kind::Signed) {  // (a Signed value's bytes are its proof: evidence, not contents)
    if (int c = bytes().compare(other.bytes())) return c < 0 ? -1 : 1;
  }
  // Each item once (a `<` then `>` of lexicographical order would compare
  // equal items twice at every level: 4^depth for a chain of (x, x)).
  const std::vector<Value>&a = items(), &b = other.items();
  for (size_t k = 0; k < a.size() && k < b.size(); ++k) {
    if (int c = a[k].compare(b[k])) return c;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

bool Value::sameContents(const Value& other) const { return compare(other) == 0; }

void Value::spell(std::string& out, size_t limit) const {
  if (out.size() >= limit) return;
  switch (kind) {
    case Kind::Unit:
      out += "()";
      return;
    case Kind::Bool:
      out += i ? "true" : "false";
      return;
    case Kind::Int:
      out += std::to_string(i);
      return;
    case Kind::Duration:
      out += durationString(i);
      return;
    case Kind::Bytes:
      out += quoteBytes(bytes());
      return;
    case Kind::Nil:
      out += "nil";
      return;
    case Kind::Tuple:
      out += "(";
      for (size_t k = 0; k < items().size() && out.size() < limit; ++k) {
        if (k) out += ", ";
        items()[k].spell(out, limit);
      }
      out += items().size() == 1 ? ",)" : ")";
      return;
    case Kind::Map:
      out += "{";
      for (size_t e = 0; e < entries() && out.size() < limit; ++e) {
        if (e) out += ", ";
        key(e).spell(out, limit);
        out += ": ";
        mapped(e).spell(out, limit);
      }
      out += "}";
      return;
    case Kind::Signed:
      out += "sig(" + std::to_string(signer()) + ", ";
      payload().spell(out, limit);
      out += ")";
      return;
  }
}

std::string Value::str() const {
  std::string out;
  spell(out, SIZE_MAX);
  return out;
}

std::string Value::brief() const {
  constexpr size_t kBrief = 200;
  std::string out;
  spell(out, kBrief);
  if (out.size() <= kBrief) return out;
  out.resize(kBrief);
  if (kind == Kind::Bytes) return out + "... (" + std::to_string(bytes().size()) + " bytes)";
  return out + "... (a value of " + std::to_string(parts()) + " parts)";
}

bool Value::operator<(const Value& other) const { return compare(other) < 0; }

std::optional<TypeId> typeOfValue(const Value& v, TypeTable& types) {
  switch (v.kind) {
    case Value::Kind::Unit:
      return TypeTable::kUnit;
    case Value::Kind::Bool:
      return TypeTable::kBool;
    case Value::Kind::Int:
      return TypeTable::kInt;
    case Value::Kind::Duration:
      return TypeTable::kDuration;
    case Value::Kind::Bytes:
      return TypeTable::kBytes;
    case Value::Kind::Nil:
      return std::nullopt;
    case Value::Kind::Tuple: {
      std::vector<TypeId> parts;
      for (const Value& item : v.items()) {
        auto t = typeOfValue(item, types);
        if (!t) return std::nullopt;
        parts.push_back(*t);
      }
      return types.tuple(std::move(parts));
    }
    case Value::Kind::Map: {  // an empty map's types, like nil's, are the context's
      if (v.entries() == 0) return std::nullopt;
      auto k = typeOfValue(v.key(0), types), m = typeOfValue(v.mapped(0), types);
      if (!k || !m) return std::nullopt;
      return types.map(*k, *m);
    }
    case Value::Kind::Signed: {
      auto payload = typeOfValue(v.payload(), types);
      if (!payload) return std::nullopt;
      return types.signedOf(*payload);
    }
  }
  return std::nullopt;
}

bool valueFits(const Value& v, TypeId t, const TypeTable& types) {
  const TypeNode& node = types.node(t);
  switch (node.kind) {
    case TypeKind::Unit:
      return v.kind == Value::Kind::Unit;
    case TypeKind::Bool:
      return v.kind == Value::Kind::Bool;
    case TypeKind::Int:
      return v.kind == Value::Kind::Int;
    case TypeKind::Duration:
      return v.kind == Value::Kind::Duration;
    case TypeKind::Bytes:
      return v.kind == Value::Kind::Bytes;
    case TypeKind::Opt:
      return v.kind == Value::Kind::Nil || valueFits(v, node.parts[0], types);
    case TypeKind::Tuple:
      if (v.kind != Value::Kind::Tuple || v.items().size() != node.parts.size()) return false;
      for (size_t k = 0; k < node.parts.size(); ++k) {
        if (!valueFits(v.items()[k], node.parts[k], types)) return false;
      }
      return true;
    case TypeKind::Map:
      if (v.kind != Value::Kind::Map) return false;
      for (size_t e = 0; e < v.entries(); ++e) {
        if (!valueFits(v.key(e), node.parts[0], types) || !valueFits(v.mapped(e), node.parts[1], types)) return false;
      }
      return true;
    case TypeKind::Signed:
      return v.kind == Value::Kind::Signed && v.signer() >= 0 && valueFits(v.payload(), node.parts[0], types);
  }
  return false;
}

}  // namespace rdc
