// Hand-written discrete-event simulation of a STREAM of Bracha reliable
// broadcasts in one run: the performance peer of examples/rb-stream (the
// "specialised code" a protocol engineer would write instead of an rdc model).
// It follows the one-shot peer (bracha_sim.cpp) message for message: SEND,
// ECHO, READY; echo the sender's value, ready on n-f echoes or f+1 readies,
// deliver on n-f readies; every message goes to every node, itself included,
// each with its own uniform latency in [lo, hi] (integer nanoseconds).
//
// Broadcast k (k = 0 .. K-1) is made by node 0 with value k at time
// k * spacing. Messages carry k. A broadcast's state lives only while some of
// its n * (1 + n + n) messages are still in flight: the last receipt frees it,
// so memory stays flat however long the stream (peak_live says how many were
// live at once).
//
//   g++ -O2 -std=c++20 -o rb_stream_peer rb_stream_peer.cpp
//   ./rb_stream_peer N K [spacing_us [latency_lo_us latency_hi_us [seed]]]
//       defaults: spacing 100 us, latency 1000..10000 us, seed 1; f = (N-1)/3
//
// Prints: broadcasts K delivered D messages M seconds S broadcasts/s B peak_live L
// where D counts (broadcast, node) deliveries. Exits 1 unless every node
// delivered value k for every broadcast k.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <queue>
#include <random>
#include <vector>

namespace {

enum Kind : uint8_t { SEND, ECHO, READY };

struct Msg {
  uint64_t time;  // nanoseconds
  uint64_t seq;   // tie-break, seeded order via seq assignment
  uint64_t k;     // broadcast index
  int64_t value;
  uint32_t from, to;
  Kind kind;
  bool operator>(const Msg& o) const { return time != o.time ? time > o.time : seq > o.seq; }
};

struct Node {
  bool echoed = false, readied = false, delivered = false;
  uint32_t echo_count_v = 0, ready_count_v = 0;  // counts for the single value (correct run)
  int64_t delivered_value = 0;
};

// One live broadcast: every node's state for it, and who has been heard from.
struct Bcast {
  bool live = false;
  uint64_t received = 0;             // messages of this broadcast received so far, by anybody
  std::vector<Node> nodes;           // per receiving node
  std::vector<uint64_t> echo_from;   // bit (to, from): ECHO seen; n rows of `words` words
  std::vector<uint64_t> ready_from;  // same for READY
};

struct Sim {
  uint32_t n, f, words;
  uint64_t lo, hi, total;  // total = n * (1 + n + n) messages per broadcast
  std::mt19937_64 rng;
  std::priority_queue<Msg, std::vector<Msg>, std::greater<Msg>> q;
  std::deque<Bcast> window;  // broadcasts base .. base + size - 1; freed ones are popped from the front
  uint64_t base = 0, live = 0, peak_live = 0;
  uint64_t seq = 0, delivered_msgs = 0, deliveries = 0;
  bool ok = true;  // agreement and validity so far

  Sim(uint32_t n_, uint64_t seed, uint64_t lo_, uint64_t hi_)
      : n(n_),
        f((n_ - 1) / 3),
        words((n_ + 63) / 64),
        lo(lo_),
        hi(hi_),
        total(uint64_t(n_) * (1 + 2 * uint64_t(n_))),
        rng(seed) {}

  uint64_t delay() { return lo == hi ? lo : lo + rng() % (hi - lo + 1); }
  void bcast(uint64_t now, uint64_t k, uint32_t from, Kind kind, int64_t v) {
    for (uint32_t to = 0; to < n; ++to) q.push({now + delay(), seq++, k, v, from, to, kind});
  }
  // Sets bit (to, from) of `bits`; false if it was already set (a duplicate).
  bool mark(std::vector<uint64_t>& bits, uint32_t to, uint32_t from) {
    uint64_t& w = bits[size_t(to) * words + from / 64];
    uint64_t b = uint64_t(1) << (from % 64);
    if (w & b) return false;
    w |= b;
    return true;
  }

  // Node 0 makes broadcast k (its state is created here, before any message of it).
  void start(uint64_t now, uint64_t k) {
    Bcast& b = window.emplace_back();
    b.live = true;
    b.nodes.assign(n, Node{});
    b.echo_from.assign(size_t(n) * words, 0);
    b.ready_from.assign(size_t(n) * words, 0);
    peak_live = std::max(peak_live, ++live);
    bcast(now, k, 0, SEND, int64_t(k));
  }
  // Every message of broadcast k has been received: check it, free it.
  void finish(uint64_t k, Bcast& b) {
    for (auto& nd : b.nodes) ok = ok && nd.delivered && nd.delivered_value == int64_t(k);
    b = Bcast{};  // releases the vectors
    --live;
    while (!window.empty() && !window.front().live) {
      window.pop_front();
      ++base;
    }
  }

  void run(uint64_t K, uint64_t spacing) {
    uint64_t next = 0;  // next broadcast to make
    for (;;) {
      // A broadcast due no later than the next message is made first.
      if (next < K && (q.empty() || next * spacing <= q.top().time)) {
        start(next * spacing, next);
        ++next;
        continue;
      }
      if (q.empty()) break;
      Msg m = q.top();
      q.pop();
      ++delivered_msgs;
      Bcast& b = window[m.k - base];
      Node& nd = b.nodes[m.to];
      switch (m.kind) {
        case SEND:
          if (!nd.echoed) {
            nd.echoed = true;
            bcast(m.time, m.k, m.to, ECHO, m.value);
          }
          break;
        case ECHO:
          if (!mark(b.echo_from, m.to, m.from)) break;
          if (++nd.echo_count_v >= n - f && !nd.readied) {
            nd.readied = true;
            bcast(m.time, m.k, m.to, READY, m.value);
          }
          break;
        case READY:
          if (!mark(b.ready_from, m.to, m.from)) break;
          ++nd.ready_count_v;
          if (nd.ready_count_v >= f + 1 && !nd.readied) {
            nd.readied = true;
            bcast(m.time, m.k, m.to, READY, m.value);
          }
          if (nd.ready_count_v >= n - f && !nd.delivered) {
            nd.delivered = true;
            nd.delivered_value = m.value;
            ++deliveries;
          }
          break;
      }
      if (++b.received == total) finish(m.k, b);
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc == 5 || argc > 7) {
    std::fprintf(stderr, "usage: %s N K [spacing_us [latency_lo_us latency_hi_us [seed]]]\n", argv[0]);
    return 2;
  }
  uint32_t n = std::strtoul(argv[1], nullptr, 10);
  uint64_t K = std::strtoull(argv[2], nullptr, 10);
  uint64_t spacing = (argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 100) * 1000;
  uint64_t lo = (argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 1000) * 1000;
  uint64_t hi = (argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 10000) * 1000;
  uint64_t seed = argc > 6 ? std::strtoull(argv[6], nullptr, 10) : 1;
  if (n < 1 || lo > hi) {
    std::fprintf(stderr, "%s: need N >= 1 and latency_lo <= latency_hi\n", argv[0]);
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  Sim sim(n, seed, lo, hi);
  sim.run(K, spacing);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // Every broadcast freed (all its messages received) and checked, every node delivered each.
  bool ok = sim.ok && sim.live == 0 && sim.deliveries == K * n;
  std::printf("broadcasts %llu delivered %llu messages %llu seconds %.3f broadcasts/s %.0f peak_live %llu\n",
              (unsigned long long)K, (unsigned long long)sim.deliveries, (unsigned long long)sim.delivered_msgs, secs,
              K / (secs > 0 ? secs : 1e-9), (unsigned long long)sim.peak_live);
  if (!ok) std::fprintf(stderr, "%s: agreement/validity violated\n", argv[0]);
  return ok ? 0 : 1;
}
