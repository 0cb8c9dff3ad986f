#include "tools/rdc-run/driver/sweep.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "ir/support/json.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-run/driver/iterations.h"

namespace rdc::run {

std::string shellQuote(const std::string& arg) {
  if (!arg.empty() &&
      arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,+") ==
          std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Verdict judgeSeed(Simulator& simulator, const CheckEvaluator& checks, const Graph& graph, RunConfig& config,
                  const std::vector<bool>& correct, uint64_t seed, const std::optional<CheckResult>* stoppedBy,
                  CheckMemo* memo) {
  config.seed = seed;
  std::optional<IterationReport> iterations;  // only for a model with an unbounded box
  if (graph.unbounded) iterations.emplace(graph, checks, config, correct, false);
  config.iterations = iterations ? &*iterations : nullptr;
  RunResult result = simulator.run(config);
  config.iterations = nullptr;
  Verdict verdict;
  auto add = [&](const std::string& text) { verdict.why += (verdict.why.empty() ? "" : "; ") + text; };
  std::vector<CheckResult> judged =
      result.stopped && stoppedBy && *stoppedBy
          ? std::vector<CheckResult>{**stoppedBy}
          : checks.evaluate(result, config, correct, iterations ? &iterations->failures() : nullptr, memo);
  for (const CheckResult& c : judged) {
    if (c.pass) continue;
    add(c.name + ": " + c.why);
    verdict.failed.push_back(c.name);
  }
  for (const std::string& f : result.failures) add(f);
  if (!result.failures.empty()) verdict.failed.push_back("failure");
  return verdict;
}

int printSweep(const SweepSummary& summary, bool json) {
  if (json) {
    Json failed = Json::array();
    for (const FailingSeed& f : summary.failed)
      failed.push_back({{"seed", exactInteger(f.seed)}, {"why", f.why}, {"repro", f.repro}});
    std::cout << jsonText({{"seeds", exactInteger(summary.seeds)},
                           {"passed", exactInteger(summary.passed)},
                           {"failed", failed},
                           {"range", summary.range},
                           {"shard", summary.shard},
                           {"command", summary.command}})
              << "\n";
  } else {
    // The first failing seeds, for a reader: a broken variant can fail
    // thousands, which --json lists whole for a program.
    constexpr size_t kListed = 20;
    std::cout << summary.seeds << " seeds: " << summary.passed << " passed, " << summary.failed.size() << " failed\n";
    for (size_t k = 0; k < std::min(kListed, summary.failed.size()); ++k) {
      const FailingSeed& f = summary.failed[k];
      std::cout << "seed " << f.seed << ": " << f.why << "\n  reproduce: " << f.repro << "\n";
    }
    if (summary.failed.size() > kListed)
      std::cout << "... and " << summary.failed.size() - kListed << " more failing seeds (--json lists them all)\n";
  }
  return summary.failed.empty() ? kExitOk : kExitNo;
}

std::vector<std::pair<uint64_t, std::string>> sweepSeeds(const SeedSet& set, unsigned jobs,
                                                         const std::function<std::string(unsigned, uint64_t)>& judge,
                                                         const std::function<void(uint64_t)>& progress,
                                                         uint64_t& passed) {
  // Workers take the seeds in chunks, in order; a chunk's failures go to
  // the shared list, sorted by seed at the end, so the result does not
  // depend on which worker ran what or when.
  constexpr uint64_t kChunk = 64;
  const uint64_t total = set.size();
  std::atomic<uint64_t> next{0}, done{0}, passing{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;  // guards failing and error
  std::vector<std::pair<uint64_t, std::string>> failing;
  std::exception_ptr error;
  auto work = [&](unsigned worker) {
    try {
      std::vector<std::pair<uint64_t, std::string>> mine;
      for (;;) {
        uint64_t from = next.load();
        do {
          if (from >= total || stop) return;
        } while (!next.compare_exchange_weak(from, from + std::min(kChunk, total - from)));
        uint64_t to = from + std::min(kChunk, total - from), ok = 0;
        mine.clear();
        for (uint64_t j = from; j < to; ++j) {
          uint64_t seed = set.at(j);
          std::string why = judge(worker, seed);
          if (why.empty())
            ++ok;
          else
            mine.emplace_back(seed, std::move(why));
        }
        passing += ok;
        uint64_t now = done += to - from;
        if (!mine.empty()) {
          std::lock_guard lock(mutex);
          failing.insert(failing.end(), std::make_move_iterator(mine.begin()), std::make_move_iterator(mine.end()));
        }
        if (worker == 0) progress(now);
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!error) error = std::current_exception();
      stop = true;
    }
  };
  std::vector<std::thread> threads;
  try {
    for (unsigned w = 1; w < jobs; ++w) threads.emplace_back(work, w);
  } catch (const std::system_error&) {
    // No more threads (a memory budget leaves no room for their stacks):
    // those that started do the work, with the same results.
  }
  work(0);
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
  progress(done);
  std::sort(failing.begin(), failing.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  passed = passing;
  return failing;
}

namespace {

// i/N as two numbers (the writer's own format; checked by the caller).
bool shardOf(const std::string& text, uint64_t& i, uint64_t& n) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return false;
  try {
    size_t used = 0;
    i = std::stoull(text.substr(0, slash), &used);
    if (used != slash) return false;
    n = std::stoull(text.substr(slash + 1), &used);
    return used == text.size() - slash - 1 && i < n;
  } catch (const std::exception&) {
    return false;
  }
}

// Why a shard's summary is not shard i/n of its range: its seed count, or
// a failing seed outside the range or the shard; nullopt if it is.
std::optional<std::string> rangeFault(const SweepSummary& s, uint64_t i, uint64_t n) {
  size_t dots = s.range.find("..");
  uint64_t a = 0, b = 0;
  try {
    if (dots == std::string::npos) throw std::invalid_argument("no ..");
    a = std::stoull(s.range.substr(0, dots));
    b = std::stoull(s.range.substr(dots + 2));
  } catch (const std::exception&) {
    return "bad range '" + s.range + "'";
  }
  if (a > b || b - a == UINT64_MAX) return "bad range '" + s.range + "'";
  SeedSet set{a, b - a + 1, i, n};
  if (s.seeds != set.size())
    return std::to_string(s.seeds) + " seeds is not what shard " + s.shard + " of " + s.range + " runs";
  for (const FailingSeed& f : s.failed) {
    if (f.seed < a || f.seed > b || (f.seed - a) % n != i)
      return "its failing seed " + std::to_string(f.seed) + " is not one shard " + s.shard + " of " + s.range + " runs";
  }
  return std::nullopt;
}

// One shard's summary from its `--json` output.
std::optional<SweepSummary> readSummary(const std::string& file, DiagnosticSink& diags) {
  auto bytes = readInput(file, diags);
  if (!bytes) return std::nullopt;
  auto bad = [&](const std::string& why) {
    diags.error("usage", {}, "--merge: " + displayName(file) + ": " + why);
    return std::nullopt;
  };
  Json j = Json::parse(bytes->begin(), bytes->end(), nullptr, false);
  if (j.is_discarded()) return bad("not JSON (expected the output of rdc-run --seeds A..B --shard i/N --json)");
  try {
    SweepSummary s;
    s.seeds = exactUnsigned(j.at("seeds"));
    s.passed = exactUnsigned(j.at("passed"));
    s.range = j.at("range").get<std::string>();
    s.shard = j.at("shard").get<std::string>();
    s.command = j.at("command").get<std::string>();
    for (const Json& f : j.at("failed")) {
      s.failed.push_back(
          {exactUnsigned(f.at("seed")), f.at("why").get<std::string>(), f.at("repro").get<std::string>()});
      if (s.failed.size() > 1 && s.failed[s.failed.size() - 2].seed >= s.failed.back().seed)
        return bad("its failing seeds are not in increasing order, each once (seed " +
                   std::to_string(s.failed.back().seed) + ")");
    }
    if (s.failed.size() > s.seeds || s.passed != s.seeds - s.failed.size()) return bad("its counts do not add up");
    return s;
  } catch (const Json::exception&) {
    return bad("not a sweep summary (expected the output of rdc-run --seeds A..B --shard i/N --json)");
  }
}

}  // namespace

int mergeSweeps(const std::vector<std::string>& files, bool json, DiagnosticSink& diags) {
  std::map<uint64_t, SweepSummary> shards;  // by i
  uint64_t count = 0;                       // N
  const SweepSummary* firstRead = nullptr;  // what every other file must agree with
  for (const std::string& file : files) {
    auto s = readSummary(file, diags);
    if (!s) return kExitBadInput;
    uint64_t i = 0, n = 0;
    if (!shardOf(s->shard, i, n)) {
      diags.error("usage", {}, "--merge: " + displayName(file) + ": bad shard '" + s->shard + "'");
      return kExitBadInput;
    }
    if (firstRead && (n != count || s->range != firstRead->range || s->command != firstRead->command)) {
      diags.error("usage", {},
                  "--merge: " + displayName(file) + " is shard " + s->shard + " of `" + s->command + "` over " +
                      s->range + ", not of the same sweep as the first file (" + firstRead->shard + " of `" +
                      firstRead->command + "` over " + firstRead->range + ")");
      return kExitBadInput;
    }
    if (auto fault = rangeFault(*s, i, n)) {
      diags.error("usage", {}, "--merge: " + displayName(file) + ": " + *fault);
      return kExitBadInput;
    }
    if (shards.count(i)) {
      diags.error("usage", {}, "--merge: shard " + s->shard + " is given twice");
      return kExitBadInput;
    }
    count = n;
    const SweepSummary& kept = shards[i] = std::move(*s);
    if (!firstRead) firstRead = &kept;
  }
  if (shards.size() != count) {
    std::string missing;
    for (uint64_t i = 0, listed = 0; i < count && listed < 10; ++i) {
      if (!shards.count(i)) missing += (listed++ ? ", " : "") + std::to_string(i) + "/" + std::to_string(count);
    }
    diags.error("usage", {},
                "--merge: " + std::to_string(count - shards.size()) + " of the sweep's " + std::to_string(count) +
                    " shards missing: " + missing + (count - shards.size() > 10 ? ", ..." : ""));
    return kExitBadInput;
  }
  SweepSummary whole;
  whole.range = firstRead->range;
  whole.shard = "0/1";
  whole.command = firstRead->command;
  for (auto& [i, s] : shards) {
    whole.seeds += s.seeds;
    whole.passed += s.passed;
    whole.failed.insert(whole.failed.end(), s.failed.begin(), s.failed.end());
  }
  std::sort(whole.failed.begin(), whole.failed.end(),
            [](const FailingSeed& a, const FailingSeed& b) { return a.seed < b.seed; });
  return printSweep(whole, json);
}

}  // namespace rdc::run
