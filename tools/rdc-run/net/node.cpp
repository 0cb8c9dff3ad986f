#include "tools/rdc-run/net/node.h"

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <optional>

#include <kj/async-io.h>
#include <kj/timer.h>

#include <algorithm>
#include <array>
#include <map>

#include "ir/io/trace_io.h"
#include "ir/lang/expr.h"
#include "tools/rdc-run/net/signing.h"
#include "tools/rdc-run/net/transport.h"

namespace rdc::net {

int64_t realtimeNanos() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

bool epochNearNow(int64_t epoch) {
  constexpr int64_t kDay = 86'400'000'000'000;
  int64_t now = realtimeNanos();
  return epoch > now - kDay && epoch < now + kDay;
}

namespace {

// Says `ready` on one descriptor and reads the epoch, a decimal line, from
// the other: at most a minute in all (a cluster that stopped must not
// leave its nodes waiting), and an epoch within a day of now (as --epoch).
std::optional<int64_t> readyForEpoch(int readyFd, int epochFd, std::string* why) {
  bool said = ::write(readyFd, "ready\n", 6) == 6;
  ::close(readyFd);
  if (!said) {
    *why = "--ready-fd: cannot write to descriptor " + std::to_string(readyFd);
    return std::nullopt;
  }
  int64_t deadline = realtimeNanos() + 60'000'000'000;
  std::string line;
  for (char c; line.size() < 32;) {
    int64_t left = (deadline - realtimeNanos()) / 1'000'000;
    pollfd p{epochFd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) != 1 || ::read(epochFd, &c, 1) != 1) break;
    if (c != '\n') {
      line += c;
      continue;
    }
    int64_t epoch = 0;
    auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), epoch);
    if (ec == std::errc() && end == line.data() + line.size() && epochNearNow(epoch)) return epoch;
    break;
  }
  *why = "no epoch on standard input within a minute (a CLOCK_REALTIME time in ns within a day of now, on a line)";
  return std::nullopt;
}

// Connects the engine to the transport: gateway outputs go out as they
// become available, deliveries come in, checked against the projection.
class Node final : public run::EventSink, public TransportEvents {
 public:
  Node(const NodeSetup& setup, NodeOutcome& outcome)
      : setup_(setup),
        graph_(setup.simulator->graph()),
        outcome_(outcome),
        context_(signingContext(setup.peers->key, setup.modelHash)),
        checker_(publicKeysByDomain(), context_) {
    auto self = std::find(graph_.domains.begin(), graph_.domains.end(), setup.self);
    if (setup.keys && self != graph_.domains.end())
      maker_.emplace(*setup.keys, context_, self - graph_.domains.begin(), &checker_);
  }

  ~Node() noexcept override {}

  void attach(Transport& transport, run::Execution& execution, std::function<int64_t()> now) {
    transport_ = &transport;
    execution_ = &execution;
    now_ = std::move(now);
    numberGateways();
  }

  // ---- EventSink: the run's events ----
  void record(const run::LineEvent& e) override {
    if (setup_.config.sink) setup_.config.sink->record(e);
    if (!e.output) return;
    IterationLine at{-1, static_cast<uint32_t>(e.line)};
    if (graph_.unbounded) at = iterationLine(*graph_.unbounded, static_cast<uint32_t>(graph_.lines.size()), e.line);
    if (at.line >= routes_.size() || routes_[at.line].peer == kNoPeer) return;
    if (setup_.config.linkLatency[graph_.lines[at.line].instance].lost) return;  // a lost link: never sent
    const Route& to = routes_[at.line];
    // This node's own signatures get their proofs as they leave it; others'
    // keep the proofs they came with.
    Value value = maker_ && holdsSignature(*e.value) ? maker_->withProofs(*e.value) : *e.value;
    transport_->send(to.peer, {to.gateway, at.k > 0 ? static_cast<uint64_t>(at.k) : 0, std::move(value)});
  }

  // Its own trace only with --trace: without, the stream has no end.
  bool keepsTrace() const override { return setup_.config.sink && setup_.config.sink->keepsTrace(); }
  bool recordsEveryEnd() const override { return setup_.config.sink && setup_.config.sink->recordsEveryEnd(); }

  void iterationBegins(int64_t k, uint64_t firstLine) override {
    if (setup_.config.sink) setup_.config.sink->iterationBegins(k, firstLine);
  }

  // ---- TransportEvents ----
  // What one frame brought, fed to the engine at one instant.
  void received(size_t peer, std::span<Delivery> deliveries) override {
    const std::string& from = transport_->peerDomain(peer);
    const std::vector<uint32_t>& inputs = inputsFrom_[peer];
    int64_t t = now_();
    for (Delivery& d : deliveries) {
      if (d.gateway >= inputs.size()) {
        hostile(from, "sent gateway #" + std::to_string(d.gateway) + ", but " + setup_.self + " receives only " +
                          std::to_string(inputs.size()) + " from it");
        continue;
      }
      deliver(from, inputs[d.gateway], d, t);
    }
  }

  void deliver(const std::string& peer, uint32_t input, Delivery& d, int64_t t) {
    const Extrinsic& gateway = graph_.inputs[input];
    TypeId type = graph_.lines[gateway.line].type;
    if (!valueFits(d.value, type, graph_.types)) {
      hostile(peer,
              "sent '" + d.value.str().substr(0, 80) + "' for " + gateway.name + ", not " + graph_.types.aName(type));
      return;
    }
    // No signature enters the engine unless its signer's key proves it.
    if (holdsSignature(d.value)) {
      if (auto why = checker_.check(d.value, graph_.domains)) {
        ++outcome_.forgeries;
        hostile(peer, "sent " + *why + " for " + gateway.name + ": dropped");
        return;
      }
    }
    bool perIteration = graph_.unbounded && graph_.unbounded->general().hasInputs(input);
    if (!perIteration) {  // (an iteration's are too many to keep: the run ignores a second value)
      auto [seen, fresh] = delivered_.emplace(input, d.value);
      if (!fresh) {
        if (!(seen->second == d.value)) hostile(peer, "sent two values for " + gateway.name);
        return;  // a resend after a reconnection
      }
    }
    switch (execution_->deliver(input, static_cast<int64_t>(d.iteration), std::move(d.value), t)) {
      case run::Delivered::Yes:
      case run::Delivered::Late:
        return;
      case run::Delivered::NoSuchIteration:
        return hostile(peer, "sent " + gateway.name + " for iteration " + std::to_string(d.iteration) +
                                 ", which it does not have (or is past --iterations)");
      case run::Delivered::TooFarAhead:
        return hostile(peer, "sent " + gateway.name + " for iteration " + std::to_string(d.iteration) +
                                 ", more than --max-live iterations ahead of this node");
      case run::Delivered::AtLimit:
        ++outcome_.refusedBehind;  // an honest peer may be this far ahead: counted, not blamed
        return;
    }
  }

  void hostile(const std::string& who, const std::string& why) override {
    if (outcome_.problems.size() < 100) outcome_.problems.push_back(who + ": " + why);
  }

  void stranger(const std::string& who, const std::string& why) override {
    if (outcome_.strangerReports.size() < kMaxStrangerReports) outcome_.strangerReports.push_back(who + ": " + why);
  }

  void gone(const std::string& peer, const std::string& why) override {
    if (outcome_.gone.size() < 100) outcome_.gone.push_back(peer + ": " + why);
  }

  void wake() override {
    ++wakes_;
    if (waiting_) waiting_->fulfill();
    waiting_ = nullptr;
  }

  /// How many times something happened (wake()) so far.
  uint64_t wakes() const { return wakes_; }

  uint64_t signaturesMade() const { return maker_ ? maker_->signaturesMade() : 0; }
  uint64_t signaturesVerified() const { return checker_.verifications(); }

  kj::Promise<void> woken() {
    auto paf = kj::newPromiseAndFulfiller<void>();
    waiting_ = kj::mv(paf.fulfiller);
    return kj::mv(paf.promise);
  }

 private:
  const NodeSetup& setup_;
  const Graph& graph_;
  NodeOutcome& outcome_;
  SigningContext context_;
  std::optional<ProofMaker> maker_;  // with this node's keys
  ProofChecker checker_;

  std::vector<std::optional<PublicKey>> publicKeysByDomain() const {
    std::vector<std::optional<PublicKey>> keys(graph_.domains.size());
    for (size_t d = 0; d < keys.size(); ++d) {
      auto key = setup_.peers->publicKeys.find(graph_.domains[d]);
      if (key != setup_.peers->publicKeys.end()) keys[d] = key->second;
    }
    return keys;
  }

  // The wire names a gateway by its index among those from the sender to
  // the receiver, in order of name: both ends number them alike from their
  // own projections of one model.
  void numberGateways() {
    size_t peers = transport_->peers();
    std::vector<std::map<std::string, uint32_t>> out(peers), in(peers);
    for (uint32_t o = 0; o < graph_.outputs.size(); ++o) {
      const Extrinsic& x = graph_.outputs[o];
      if (auto peer = x.isGateway() ? transport_->peerIndex(x.peer) : std::nullopt) out[*peer].emplace(x.name, x.line);
    }
    for (uint32_t i = 0; i < graph_.inputs.size(); ++i) {
      const Extrinsic& x = graph_.inputs[i];
      if (auto peer = x.isGateway() ? transport_->peerIndex(x.peer) : std::nullopt) in[*peer].emplace(x.name, i);
    }
    routes_.assign(graph_.lines.size(), Route{});
    inputsFrom_.assign(peers, {});
    std::vector<uint64_t> digests(peers);
    for (size_t peer = 0; peer < peers; ++peer) {
      uint32_t index = 0;
      for (const auto& [name, line] : out[peer]) routes_[line] = {static_cast<uint32_t>(peer), index++};
      for (const auto& [name, input] : in[peer]) inputsFrom_[peer].push_back(input);
      // Both ends of the pair list the same names in the same order: the
      // earlier domain's gateways to the later one first.
      bool first = setup_.self < transport_->peerDomain(peer);
      std::string names;
      for (const auto* side : first ? std::array{&out[peer], &in[peer]} : std::array{&in[peer], &out[peer]}) {
        for (const auto& named : *side) names += named.first + "\n";
        names += "\n";
      }
      digests[peer] = fnv1a(names);
    }
    transport_->setGatewayDigest([this, digests](const std::string& domain) {
      auto peer = transport_->peerIndex(domain);
      return peer ? digests[*peer] : 0;
    });
  }

  static constexpr uint32_t kNoPeer = UINT32_MAX;
  struct Route {
    uint32_t peer = kNoPeer, gateway = 0;
  };
  std::vector<Route> routes_;                      // by output line: the peer and the gateway's index
  std::vector<std::vector<uint32_t>> inputsFrom_;  // by peer, by the gateway's index: the extrinsic input
  std::map<uint32_t, Value> delivered_;
  Transport* transport_ = nullptr;
  run::Execution* execution_ = nullptr;
  std::function<int64_t()> now_;
  kj::Own<kj::PromiseFulfiller<void>> waiting_;
  uint64_t wakes_ = 0;
};

// Sleeps outside the event loop (what arrives meanwhile waits in the
// sockets).
void sleepFor(int64_t nanos) {
  timespec ts{static_cast<time_t>(nanos / 1'000'000'000), static_cast<long>(nanos % 1'000'000'000)};
  while (::clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR) {
  }
}

}  // namespace

uint64_t modelHashFor(const std::string& modelName, const std::vector<std::pair<std::string, int64_t>>& params) {
  std::string text = modelName;
  for (const auto& [name, value] : params) text += "\n" + name + "=" + std::to_string(value);
  return fnv1a(text);
}

NodeOutcome runNode(const NodeSetup& setup) {
  NodeOutcome outcome;
  if (!initCrypto()) {
    outcome.problems.push_back("libsodium cannot be initialised");
    return outcome;
  }
  auto io = kj::setupAsyncIo();
  kj::Timer& timer = io.provider->getTimer();
  // Virtual time 0 on the monotonic clock: the epoch, seen from now.
  int64_t epoch = setup.epoch ? setup.epoch : realtimeNanos();
  // The precise clock, not timer.now(): the timer's time is that of the
  // loop's last wait (stale after the wait for the epoch, or a long step),
  // and a delivery's time is when it is taken in.
  const kj::MonotonicClock& clock = kj::systemPreciseMonotonicClock();
  kj::TimePoint origin = clock.now() - (realtimeNanos() - epoch) * kj::NANOSECONDS;
  auto now = [&]() { return (clock.now() - origin) / kj::NANOSECONDS; };

  Node node(setup, outcome);
  run::RunConfig config = setup.config;
  config.sink = &node;
  config.gatewaysFromNetwork = true;
  config.arrivalOrder = true;
  config.streamAhead = std::min(kStreamAhead, config.maxLiveIterations);
  Transport transport(*io.provider, *setup.peers, setup.self, setup.modelHash, node);
  transport.setNodeKeys(setup.keys);
  run::Execution execution(*setup.simulator, config);
  node.attach(transport, execution, now);
  std::string why;
  if (!transport.start(io.waitScope, &why)) {
    outcome.problems.push_back(why);
    return outcome;
  }
  outcome.started = true;
  if (setup.readyFd >= 0) {
    auto limit = timer.now() + kReadyWait / 1'000'000 * kj::MILLISECONDS;
    while (!transport.connectedToAll() && timer.now() < limit) {
      timer.afterDelay(1 * kj::MILLISECONDS).exclusiveJoin(node.woken()).wait(io.waitScope);
    }
    std::string why;
    auto epoch = readyForEpoch(setup.readyFd, setup.epochFd, &why);
    if (!epoch) {
      outcome.problems.push_back(why);
      return outcome;
    }
    origin = clock.now() - (realtimeNanos() - *epoch) * kj::NANOSECONDS;
  }
  const Graph& graph = setup.simulator->graph();
  bool finishing = false;
  int64_t lastTurn = INT64_MIN / 2;  // when the last turn began
  for (;;) {
    int64_t t = now();
    // Backpressure: a peer slow to acknowledge holds the stream.
    bool held = transport.windowFull();
    execution.holdStream(held);
    execution.advanceTo(t);
    if (setup.settled) setup.settled();  // first: what a frame tells a peer is on disk before it leaves
    transport.flush();
    if (!finishing) {
      // Done: every output outside the unbounded box, and every iteration
      // it may make (--iterations; without it a stream runs until `until`).
      bool all = !graph.unbounded || execution.iterationsDone();
      for (uint32_t o = 0; o < graph.outputs.size() && all; ++o)
        all = (graph.unbounded && graph.unbounded->hasOutput(o)) || execution.outputAvailable(o);
      if (all) {
        transport.finish();
        finishing = true;
      }
    }
    if ((finishing && transport.done()) || t >= config.until) break;
    // At most a minute at a time (a far `until` must not overflow the
    // clock); once finishing or while the stream is held, a tenth of a
    // second (a peer that lost its connection, or stopped acknowledging,
    // stops being waited for while nothing happens).
    int64_t most = finishing || held ? 100'000'000 : 60'000'000'000;
    int64_t wake = std::min({execution.nextTime().value_or(INT64_MAX), config.until, t + most});
    // A busy node (this turn began within kTurn of the last one) begins
    // its next turn no sooner than kTurn after this one: what arrives
    // meanwhile waits in the sockets (the node sleeps outside its event
    // loop) and is then taken in all at once, one read per peer, so that
    // the engine advances and each peer is written once for many
    // deliveries. A node that is not busy takes in what comes at once.
    uint64_t wakes = node.wakes();
    bool busy = t - lastTurn < kTurn;
    lastTurn = t;
    if (int64_t linger = std::min(t + kTurn, wake) - now(); busy && linger > 0) sleepFor(linger);
    // Everything that is ready (every frame already read, every socket
    // with something to read): one turn advances the engine once and
    // writes each peer one frame with all that is ready.
    io.waitScope.poll();
    if (node.wakes() == wakes && now() < wake) {
      auto timeout = timer.atTime(origin + wake * kj::NANOSECONDS);
      timeout.exclusiveJoin(node.woken()).wait(io.waitScope);
      io.waitScope.poll();
    }
  }
  execution.finish();
  outcome.result = execution.result();
  outcome.result.endTime = std::min(now(), config.until);
  const auto& stats = transport.stats();
  outcome.frames = stats.frames;
  outcome.deliveries = stats.deliveries;
  outcome.bytes = stats.bytes;
  outcome.connections = stats.connections;
  outcome.neverConnected = transport.neverConnected();
  outcome.strangers = stats.strangers;
  outcome.signaturesMade = node.signaturesMade();
  outcome.signaturesVerified = node.signaturesVerified();
  return outcome;
}

}  // namespace rdc::net
