#include "tools/rdc-run/engine/split.h"

#include <algorithm>
#include <map>
#include <memory>
#include <queue>
#include <tuple>

#include "ir/io/trace.h"
#include "ir/support/hash.h"
#include "tools/rdc-run/engine/rng.h"

namespace rdc::run {

namespace {

struct Route {
  size_t part;     // the receiving projection
  uint32_t input;  // its gateway input
  uint64_t key;    // the delay generator's key
  // A replay's recorded delivery of this gateway (the cut Link's rcv), or
  // null: then, in a replay, the whole run never delivered it.
  const Replayed* replayed;
  int64_t receiverCrash;  // when the receiver's domain crashes (INT64_MAX: never)
};

struct Delivery {
  int64_t time;
  uint64_t order;  // sends in the order they happened, for equal times
  Route route;
  Value value;
  bool operator>(const Delivery& o) const { return std::tie(time, order) > std::tie(o.time, o.order); }
};

// Forwards a part's events to its own sink, and hands its gateway outputs to the network.
class Tap final : public EventSink {
 public:
  Tap(EventSink* next, std::map<uint32_t, Route> routes, const RunConfig& config, const Graph& graph)
      : next_(next), routes_(std::move(routes)), config_(config), graph_(graph) {}

  void record(const LineEvent& e) override {
    if (next_) next_->record(e);
    if (!e.output) return;
    auto it = routes_.find(e.line);
    if (it == routes_.end()) return;
    if (auto at = arrival(e, it->second)) sent.push_back({*at, 0, it->second, *e.value});
  }

  std::vector<Delivery> sent;
  std::vector<std::string> failures;  ///< deliveries whose time would overflow

 private:
  // When a gateway output sent at e.time arrives: a replay reuses the
  // recorded time (never earlier than the send). What the whole run never
  // delivered came after its `until`, so is dropped, or found its receiver
  // crashed, so arrives at the crash (for the receiver to refuse and
  // explain, as the whole run did). A lost Link delivers nothing.
  // Otherwise the delay is drawn.
  std::optional<int64_t> arrival(const LineEvent& e, const Route& route) {
    const Latency& latency = config_.linkLatency[graph_.lines[e.line].instance];
    if (latency.lost) return std::nullopt;  // as the Link in the whole run never delivers
    if (route.replayed) return std::max(route.replayed->time, e.time);
    if (config_.replay) {
      if (route.receiverCrash == INT64_MAX) return std::nullopt;
      return std::max(route.receiverCrash, e.time);
    }
    Rng rng(route.key);
    int64_t delay = latency.draw(rng), at;
    if (__builtin_add_overflow(e.time, delay, &at) || at == INT64_MAX) {  // INT64_MAX means "never"
      // Worded as the engine words it for the same Link in the whole model.
      failures.push_back(graph_.outputs[graph_.lines[e.line].sink.ref].gateway + ": a network delay of " +
                         durationString(delay) + " after " + durationString(e.time) + " is past the largest time");
      return std::nullopt;
    }
    return at;
  }

  EventSink* next_;
  std::map<uint32_t, Route> routes_;
  const RunConfig& config_;
  const Graph& graph_;
};

}  // namespace

std::vector<RunResult> runSplit(const std::vector<SplitPart>& parts, uint64_t seed) {
  // Gateway inputs by name, then each gateway output's route to its peer.
  std::map<std::string, std::pair<size_t, uint32_t>> receivers;
  for (size_t p = 0; p < parts.size(); ++p) {
    const Graph& g = parts[p].simulator->graph();
    for (uint32_t i = 0; i < g.inputs.size(); ++i) {
      if (g.inputs[i].isGateway()) receivers.emplace(g.inputs[i].name, std::make_pair(p, i));
    }
  }
  std::vector<std::unique_ptr<Tap>> taps;
  std::vector<RunConfig> configs;
  configs.reserve(parts.size());  // the executions keep references to them
  std::vector<std::unique_ptr<Execution>> runs;
  for (const SplitPart& part : parts) {
    const Graph& g = part.simulator->graph();
    std::map<uint32_t, Route> routes;
    for (const Extrinsic& o : g.outputs) {
      auto it = receivers.find(o.name);
      if (!o.isGateway() || it == receivers.end()) continue;
      auto [receiver, input] = it->second;
      const RunConfig& theirs = parts[receiver].config;
      uint32_t line = parts[receiver].simulator->graph().inputs[input].line;
      const Replayed* replayed = nullptr;
      if (theirs.replay) {
        auto r = theirs.replay->find(line);
        if (r != theirs.replay->end()) replayed = &r->second;
      }
      int64_t crash = theirs.crashAt[parts[receiver].simulator->graph().lines[line].domain];
      routes[o.line] = {receiver, input, seed ^ fnv1a(o.name), replayed, crash};
    }
    configs.push_back(part.config);
    taps.push_back(std::make_unique<Tap>(part.config.sink, std::move(routes), configs.back(), g));
    configs.back().sink = taps.back().get();
    configs.back().gatewaysFromNetwork = true;
    runs.push_back(std::make_unique<Execution>(*part.simulator, configs.back()));
  }
  bool replayInTraceOrder = std::any_of(parts.begin(), parts.end(), [](const SplitPart& part) {
    return part.config.replay && !part.config.replayPlaces.empty();
  });
  std::priority_queue<Delivery, std::vector<Delivery>, std::greater<Delivery>> network;
  uint64_t sends = 0;
  for (;;) {
    std::optional<int64_t> now;
    for (const auto& run : runs) {
      auto t = run->nextTime();
      if (t && (!now || *t < *now)) now = t;
    }
    if (!network.empty() && (!now || network.top().time < *now)) now = network.top().time;
    if (!now) break;
    auto deliverDue = [&] {
      while (!network.empty() && network.top().time <= *now) {
        const Delivery& d = network.top();
        runs[d.route.part]->deliver(d.route.input, 0, d.value, d.time);
        network.pop();
      }
    };
    auto send = [&](size_t p) {
      for (Delivery& d : taps[p]->sent) {
        d.order = sends++;
        network.push(std::move(d));
      }
      taps[p]->sent.clear();
    };
    deliverDue();
    if (replayInTraceOrder) {
      // The instant's events one at a time, whichever part's comes first in
      // the trace: a part run through the instant alone would take its own
      // simultaneous events before what the others send it (a Quorum's
      // first votes would not be the recorded ones).
      for (;;) {
        std::optional<std::pair<ReplayPosition, size_t>> first;
        for (size_t p = 0; p < runs.size(); ++p) {
          if (auto at = runs[p]->nextInTrace(*now); at && (!first || *at < first->first)) first = {{*at, p}};
        }
        if (!first) break;
        runs[first->second]->stepTo(*now);
        send(first->second);
        deliverDue();
      }
    }
    for (size_t p = 0; p < runs.size(); ++p) {
      runs[p]->advanceTo(*now);
      send(p);
    }
  }
  std::vector<RunResult> results;
  for (size_t p = 0; p < runs.size(); ++p) {
    results.push_back(runs[p]->result());
    results.back().failures.insert(results.back().failures.end(), taps[p]->failures.begin(), taps[p]->failures.end());
  }
  return results;
}

}  // namespace rdc::run
