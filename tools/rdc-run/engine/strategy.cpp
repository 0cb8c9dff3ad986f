#include "tools/rdc-run/engine/strategy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <span>

namespace rdc::run {

namespace {

// A duration from a double of nanoseconds, within 0..INT64_MAX.
int64_t clampedNs(double ns) {
  if (!(ns > 0)) return 0;
  return ns >= 0x1.0p63 ? INT64_MAX : static_cast<int64_t>(std::llround(ns));
}

}  // namespace

PctSchedule::PctSchedule(uint64_t seed, uint32_t depth, uint32_t domains, uint64_t steps)
    : rng_(seed ^ 0x7063740000000000ull), priority_(domains) {
  // Initial priorities d .. d+n-1, a seeded permutation (Fisher-Yates).
  for (uint32_t d = 0; d < domains; ++d) priority_[d] = depth + d;
  for (uint32_t d = domains; d > 1; --d) std::swap(priority_[d - 1], priority_[rng_.uniform(0, d - 1)]);
  for (uint32_t i = 1; i < depth; ++i)
    changePoints_.push_back(static_cast<uint64_t>(rng_.uniform(1, std::max<uint64_t>(steps, 1))));
  std::sort(changePoints_.begin(), changePoints_.end());
}

uint64_t PctSchedule::priority(uint32_t domain) const {
  return domain < priority_.size() ? priority_[domain] : UINT64_MAX;  // an iteration's beginning goes first
}

uint32_t PctSchedule::rank(uint32_t domain) const {
  uint64_t mine = priority(domain);
  return static_cast<uint32_t>(std::count_if(priority_.begin(), priority_.end(), [&](uint64_t p) { return p > mine; }));
}

ReadyEvent PctSchedule::pick(const ReadySet& ready) {
  const ReadyEvent* best = nullptr;  // the highest priority; among equals, the seeded order
  ready.forEachActing([&](const ReadyEvent& e) {
    uint64_t p = priority(e.domain), q = best ? priority(best->domain) : 0;
    if (!best || p > q || (p == q && e.before(*best))) best = &e;
  });
  return *best;
}

int64_t PctSchedule::delay(const Latency& latency, uint32_t sender, int64_t) {
  ++messages_;
  // A change point demotes the sender below every initial priority.
  while (changes_ < changePoints_.size() && changePoints_[changes_] == messages_) {
    ++changes_;
    if (sender < priority_.size()) priority_[sender] = changes_;
  }
  double n = static_cast<double>(std::max<size_t>(priority_.size(), 1));
  double q = (rank(sender) + rng_.unit()) / n;  // in the sender's band of quantiles
  switch (latency.kind) {
    case Latency::Kind::Constant:
      return latency.a;
    case Latency::Kind::Uniform:
      return std::min(latency.b,
                      latency.a + clampedNs(q * (static_cast<double>(latency.b) - static_cast<double>(latency.a))));
    case Latency::Kind::Exponential:
      return clampedNs(-std::log1p(-q) * static_cast<double>(latency.a));
  }
  return latency.a;
}

uint32_t ChoiceSchedule::choose(uint32_t options, bool lie) {
  size_t at = taken_.size();
  uint32_t choice = 0;
  if (at < prefix_.size()) {
    choice = prefix_[at] % options;
  } else if (tail_ && options > 1 && tail_->allows(lie, lieDeviations_, otherDeviations_)) {
    choice = 1;
  }
  if (choice != 0) ++(lie ? lieDeviations_ : otherDeviations_);
  taken_.push_back(choice);
  options_.push_back(options);
  isLie_.push_back(lie);
  return choice;
}

ReadyEvent ChoiceSchedule::pick(const ReadySet& ready) {
  const ReadyEvent& first = ready.first();
  if (first.changes == kNoDomain) return first;
  std::span<const ReadyEvent> same = ready.changing(first.changes);  // in the seeded order: first is same[0]
  return same.size() < 2 ? first : same[choose(static_cast<uint32_t>(same.size()))];
}

int64_t ChoiceSchedule::delay(const Latency& latency, uint32_t, int64_t drawn) {
  std::vector<int64_t> points{drawn};  // the seed's, then the model's other points
  for (int64_t p : latencyPoints(latency)) {
    if (p != drawn) points.push_back(p);
  }
  if (points.size() == 1) return points[0];  // no choice: not a choice point
  return points[choose(static_cast<uint32_t>(points.size()))];
}

std::optional<Value> ChoiceSchedule::lie(uint32_t, TypeId type, int64_t options, Value drawn, bool honestUnlessForced) {
  if (!lies_) return honestUnlessForced ? std::nullopt : std::optional<Value>(std::move(drawn));
  std::vector<Value> candidates = lies_->of(type, options);
  uint32_t choice = choose(static_cast<uint32_t>(candidates.size() + 2), true);
  if (choice == 0) return honestUnlessForced ? std::nullopt : std::optional<Value>(std::move(drawn));
  if (choice == 1) return honestUnlessForced ? std::optional<Value>(std::move(drawn)) : std::nullopt;
  return std::move(candidates[choice - 2]);
}

int64_t ChoiceSchedule::flip(int64_t sides, int64_t drawn) {
  if (sides < 2) return drawn;  // no choice: not a choice point
  auto options = static_cast<uint32_t>(std::min<int64_t>(sides, UINT32_MAX));
  return (drawn + choose(options)) % sides;
}

void LieCandidates::see(TypeId type, const Value& value) {
  std::vector<Value>& values = seen[type];
  if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
}

std::vector<Value> LieCandidates::of(TypeId type, int64_t options) const {
  std::vector<Value> out;
  if (options > 0) {
    for (int64_t o = 0; o < options; ++o) out.push_back(Value::integer(o));
    return out;
  }
  size_t added = 0;  // values seen, at most kMaxSeen
  auto add = [&](TypeId t) {
    auto it = seen.find(t);
    if (it == seen.end()) return;
    for (const Value& v : it->second) {
      if (added == kMaxSeen) return;
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v), ++added;
    }
  };
  const TypeNode& node = types->node(type);
  if (node.kind == TypeKind::Bool) return {Value::boolean(false), Value::boolean(true)};
  if (node.kind == TypeKind::Opt) out.push_back(Value::nil());
  add(type);
  if (node.kind == TypeKind::Opt) add(node.parts[0]);
  return out;
}

std::vector<int64_t> latencyPoints(const Latency& latency) {
  switch (latency.kind) {
    case Latency::Kind::Constant:
      return {latency.a};
    case Latency::Kind::Uniform:
      if (latency.a == latency.b) return {latency.a};
      return {latency.a, latency.b};
    case Latency::Kind::Exponential: {
      int64_t low = clampedNs(std::log(4.0 / 3.0) * static_cast<double>(latency.a));
      int64_t high = clampedNs(std::log(4.0) * static_cast<double>(latency.a));
      if (low == high) return {low};
      return {low, high};
    }
  }
  return {latency.a};
}

std::optional<std::vector<uint32_t>> nextSchedule(const std::vector<uint32_t>& taken,
                                                  const std::vector<uint32_t>& options) {
  // Option 0 is each point's last child: a choice of 0 has had its others.
  for (size_t i = taken.size(); i > 0; --i) {
    if (taken[i - 1] == 0) continue;
    std::vector<uint32_t> next(taken.begin(), taken.begin() + static_cast<std::ptrdiff_t>(i));
    next.back() = taken[i - 1] + 1 < options[i - 1] ? taken[i - 1] + 1 : 0;
    return next;
  }
  return std::nullopt;
}

std::optional<Strategy> Strategy::parse(std::string_view spec, std::string* error) {
  Strategy s;
  auto number = [](std::string_view text, uint32_t& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
  };
  if (spec == "random") return s;
  if (spec == "exhaustive") {
    s.kind = Kind::Exhaustive;
    return s;
  }
  if (spec.starts_with("pct:")) {
    s.kind = Kind::Pct;
    if (number(spec.substr(4), s.depth) && s.depth >= 1 && s.depth <= 64) return s;
    *error = "pct:D takes a bug depth D in 1..64, got '" + std::string(spec.substr(4)) + "'";
    return std::nullopt;
  }
  if (spec.starts_with("schedule:")) {
    s.kind = Kind::Choices;
    std::string_view rest = spec.substr(9);
    bool more = !rest.empty();  // (`schedule:` alone: no choice point but the first options)
    while (more) {
      size_t dot = rest.find('.');
      uint32_t c = 0;
      if (!number(rest.substr(0, dot), c)) {
        *error =
            "schedule:C.C.C takes whole numbers in 0..4294967295 separated by dots (no dot at either end), "
            "got '" +
            std::string(spec.substr(9)) + "'";
        return std::nullopt;
      }
      s.choices.push_back(c);
      more = dot != std::string_view::npos;  // (a dot at the end leaves an empty choice, refused above)
      rest = more ? rest.substr(dot + 1) : std::string_view();
    }
    return s;
  }
  *error = "unknown strategy '" + std::string(spec) + "' (random, pct:D, exhaustive, schedule:C.C.C)";
  return std::nullopt;
}

std::string Strategy::scheduleText(const std::vector<uint32_t>& choices) {
  size_t used = choices.size();
  while (used > 0 && choices[used - 1] == 0) --used;
  std::string out = "schedule:";
  for (size_t i = 0; i < used; ++i) out += (i ? "." : "") + std::to_string(choices[i]);
  return out;
}

uint64_t messageCount(const Graph& graph, const Catalog& catalog) {
  uint64_t links = 0;
  if (auto link = catalog.find("Link")) {
    for (const FlatInstance& inst : graph.instances) links += inst.base == *link;
  }
  return links;
}

LieCandidates lieCandidates(const Graph& graph, const std::map<uint32_t, Value>& forces) {
  LieCandidates lies;
  lies.types = &graph.types;
  for (const auto& [line, value] : forces) {
    if (line < graph.lines.size()) lies.see(graph.lines[line].type, value);  // (not a later iteration's line)
  }
  for (const FlatLine& line : graph.lines) {
    if (line.source.kind == Endpoint::Kind::Const) lies.see(line.type, graph.constants[line.source.ref]);
  }
  return lies;
}

std::unique_ptr<Schedule> makeSchedule(const Strategy& strategy, uint64_t seed, const Graph& graph, uint64_t messages,
                                       const LieCandidates* lies) {
  switch (strategy.kind) {
    case Strategy::Kind::Random:
    case Strategy::Kind::Exhaustive:
      return nullptr;
    case Strategy::Kind::Pct:
      return std::make_unique<PctSchedule>(seed, strategy.depth, static_cast<uint32_t>(graph.domains.size()), messages);
    case Strategy::Kind::Choices:
      return std::make_unique<ChoiceSchedule>(strategy.choices, lies);
  }
  return nullptr;
}

}  // namespace rdc::run
