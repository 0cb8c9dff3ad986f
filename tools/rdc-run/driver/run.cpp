#include "tools/rdc-run/driver/run.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <set>
#include <thread>

#include "ir/graph/project.h"
#include "ir/io/trace_io.h"
#include "ir/lang/expr.h"
#include "ir/support/json.h"
#include "ir/tool/load.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-run/driver/node_keys.h"
#include "tools/rdc-run/driver/runner.h"
#include "tools/rdc-run/driver/shrink.h"
#include "tools/rdc-run/driver/sweep.h"

namespace rdc::run {

namespace {

// The default live limit of an on-demand box: as many iterations as the
// size limit lets a graph hold whole (--max-lines over an iteration's
// lines), so that its memory is bounded as a bounded model's is, and never
// fewer than the unbounded box's default. A node of a cluster that falls
// that far behind its peers would refuse their deliveries.
uint32_t onDemandMaxLive(const UnboundedBox& box, uint64_t maxLines, uint32_t unboundedDefault) {
  uint64_t whole = maxLines / std::max<uint64_t>(box.general().lines, 1);
  return static_cast<uint32_t>(std::clamp<uint64_t>(std::min(whole, box.end), unboundedDefault, kMaxLiveIterations));
}

// The iterations of an on-demand box that the run did not begin (cut off
// by --until or --iterations, or by a failure), as the counts line says them.
std::string neverBegan(const Graph& graph, uint64_t begun) {
  if (!graph.unbounded->bounded()) return "";
  return ", " + std::to_string(graph.unbounded->end - std::min(begun, graph.unbounded->end)) + " of " +
         std::to_string(graph.unbounded->end) + " never began";
}

// A sweep runs many seeds and prints none of its runs: the flags that
// record or print one run are refused rather than ignored (--seed beside
// --seeds is refused by the command line).
bool sweepTakes(const Options& options, DiagnosticSink& diags) {
  if (options.seeds.empty()) return true;
  if (!options.trace.empty()) {
    diags.error("usage", {},
                "--trace: records one run, and --seeds runs many: trace one seed alone with --seed N --trace FILE "
                "(a failing seed's reproduce command, with --trace FILE)");
    return false;
  }
  if (options.outputsGiven) {
    diags.error("usage", {},
                "--outputs: says how one run prints its outputs, and --seeds prints no run: give it to one seed's "
                "run (--seed N)");
    return false;
  }
  return true;
}

// The on-demand box of the system's body, if its header has one.
const Item* onDemandBox(const Model& model) {
  for (const Item& item : model.system.body) {
    if (item.kind == Item::Kind::For && !item.loops.empty() && item.loops[0].onDemand) return &item;
  }
  return nullptr;
}

// The flags that bound or count the iterations of an unbounded or
// on-demand box mean nothing to a model without one, nor to an on-demand
// box of at most the window's three iterations, which is elaborated whole:
// warned of rather than refused, so that one command runs a model whatever
// its parameters.
void warnBoxFlags(const Options& options, const LoadedModel& loaded, DiagnosticSink& diags) {
  if (loaded.graph.unbounded) return;
  const Item* small = onDemandBox(loaded.model);
  std::string why = small ? "the on-demand `for: " + small->header +
                                "` has at most three iterations here, so it is elaborated whole and runs as a bounded "
                                "`for` (every iteration begins); the flag changes nothing"
                          : "the model has no unbounded or on-demand `for`, whose iterations it bounds or counts; "
                            "the flag changes nothing";
  auto warn = [&](const std::string& flag) { diags.warning("unused-flag", {}, flag + ": " + why); };
  if (options.iterations) warn("--iterations");
  if (options.maxLiveGiven) warn("--max-live");
  if (!options.listOutputs) warn("--outputs summary");
}

// What a run is judged by (TraceHeader::checks): the checks named and,
// when any are, its invariants too, each once; none named: every check.
std::vector<std::string> judgedBy(const std::vector<std::string>& checks, const std::vector<std::string>& invariants) {
  std::vector<std::string> judged;
  if (checks.empty()) return judged;
  for (const auto* names : {&checks, &invariants}) {
    for (const std::string& name : *names) {
      if (std::find(judged.begin(), judged.end(), name) == judged.end()) judged.push_back(name);
    }
  }
  return judged;
}

}  // namespace

bool Runner::prepare(std::optional<Trace> replay) {
  invariants_ = options_.invariants;
  checkNames_ = options_.checks;
  Scenario scenario;
  if (!(replay ? replayScenario(scenario, *replay) : flagScenario(scenario))) return false;
  given_ = scenario;
  // A replay's scenario is the trace's header: what it cannot resolve is
  // the trace's fault (trace-malformed), not a flag's, though it reads as one.
  DiagnosticSink header;
  auto resolved = resolveScenario(scenario, graph_, catalog_, replay ? header : diags_);
  for (const Diagnostic& d : header.all()) {
    diags_.error("trace-malformed", {}, "--replay: the trace's header does not fit the model: " + d.message);
  }
  if (!resolved) return false;
  config_ = std::move(resolved->config);
  config_.replay = replayed_;
  config_.replayPlaces = std::move(replayPlaces_);
  config_.replayBegins = std::move(replayBegins_);
  if (replay && !replay->domainEnds.empty()) {  // (by name: the trace's domains are the model's, in its order)
    config_.domainEnds.assign(graph_.domains.size(), INT64_MAX);
    for (size_t d = 0; d < replay->domainEnds.size(); ++d) {
      auto it = std::find(graph_.domains.begin(), graph_.domains.end(), replay->header.domains[d]);
      if (it != graph_.domains.end())
        config_.domainEnds[static_cast<size_t>(it - graph_.domains.begin())] = replay->domainEnds[d];
    }
  }
  config_.replayStrict = replay && replay->header.modelHash == modelHash();
  exact_ = std::move(resolved->exact);
  correct_ = std::move(resolved->correct);
  if (replay && !replayAgreesWithFaults(*replay)) return false;
  if (replay && config_.replayStrict && replay->complete) {
    recordedEnd_ =
        RecordedEnd{std::nullopt, replay->stoppedBy, replay->events.empty() ? 0 : replay->events.back().time};
  }
  if (replay && config_.replayStrict && recordsModelLines(replay->header)) {
    checkReplay_ = true;
    // A run of the whole model in the simulator (not a node's, in real time).
    if (recordedEnd_ && !replay->header.wholeModelHash) recordedEnd_->time = replay->endTime;
    recordedEvents_ = std::move(replay->events);
    recordedPaths_ = std::move(replay->header.linePaths);
  }
  warnLieFlags();
  return prepareExploration();
}

// --lies and --lie-bound say how Byzantine domains lie: with none, nothing
// lies (warned of, as the box flags are).
void Runner::warnLieFlags() {
  if (std::find(config_.byzantine.begin(), config_.byzantine.end(), true) != config_.byzantine.end()) return;
  const std::string why =
      ": no domain is Byzantine (--byzantine, or a faults file's byzantine:), so nothing lies; the flag changes "
      "nothing";
  if (!options_.lies.empty()) diags_.warning("unused-flag", {}, "--lies" + why);
  if (options_.lieBound >= 0 && options_.strategy == "exhaustive")  // (else a usage error)
    diags_.warning("unused-flag", {}, "--lie-bound" + why);
}

bool Runner::splitPair(const std::string& kv, char sep, const char* flag, NamedTexts& out) {
  size_t at = kv.find(sep);
  if (at == std::string::npos || at == 0) return usage(std::string(flag) + ": expected NAME=VALUE, got '" + kv + "'");
  out.emplace_back(kv.substr(0, at), kv.substr(at + 1));
  return true;
}

bool Runner::flagScenario(Scenario& scenario) {
  scenario.latency = options_.latency;
  scenario.seed = options_.seed;
  if (!options_.faultsFile.empty() && !scenario.addFaultsFile(options_.faultsFile, diags_)) return false;
  for (const std::string& kv : options_.inputs) {
    if (!splitPair(kv, '=', "--input", scenario.inputs)) return false;
  }
  for (const std::string& kv : options_.forces) {
    if (!splitPair(kv, '=', "--force", scenario.forces)) return false;
  }
  for (const std::string& c : options_.crashes) {
    size_t at = c.rfind('@');
    scenario.crashes.emplace_back(c.substr(0, at), at == std::string::npos ? "0ns" : c.substr(at + 1));
  }
  for (const std::string& b : options_.byzantine) scenario.byzantine.push_back(b);
  for (const std::string& kv : options_.links) {
    if (!splitPair(kv, '=', "--link", scenario.linkLatency)) return false;
  }
  if (!options_.lies.empty()) scenario.liesForced = options_.lies == "forced";
  if (!options_.until.empty()) {
    std::string error;
    auto t = parseDuration(options_.until, &error);
    if (!t) return usage("--until: " + error);
    scenario.until = *t;
  } else if (graph_.unbounded && !graph_.unbounded->bounded() && !options_.iterations) {
    scenario.until = kDefaultUnboundedUntil;
  }
  if (options_.iterations) scenario.iterations = options_.iterations;
  scenario.maxLive = options_.maxLive;
  return true;
}

/// One run with the configured faults and `seed`; prints it if `reported`.
int Runner::single(uint64_t seed, bool reported) {
  config_.seed = seed;
  armRun(seed, config_, arms_);
  std::unique_ptr<TraceWriter> writer;
  if (!openTrace(seed, writer)) return kExitBadInput;
  TraceSink sink;
  sink.writer = writer.get();
  sink.graph = &graph_;
  sink.catalog = &catalog_;
  config_.sink = writer ? &sink : nullptr;
  ReplayCheck check;
  if (checkReplay_) {
    check.next = config_.sink;
    check.expect(recordedEvents_, recordedPaths_);
    config_.sink = &check;
  }
  IterationReport iterations(graph_, checks_, config_, correct_, options_.listOutputs);
  config_.iterations = graph_.unbounded ? &iterations : nullptr;
  RunResult result = simulator_.run(config_);
  config_.sink = nullptr;
  config_.iterations = nullptr;
  std::string stoppedBy = result.stopped && arms_.watch.violation ? arms_.watch.violation->name : "";
  bool traced = !writer || writer->finish(result.events, result.endTime, stoppedBy);
  if (result.replayContradiction.empty())
    result.replayContradiction = replayDifference(check, result.endTime, stoppedBy);
  int code = report(seed, result, correct_, graph_.unbounded ? &iterations : nullptr, reported);
  return traced ? code : kExitBadInput;  // (the run is reported; its trace could not be written)
}

void Runner::TraceSink::iterationBegins(int64_t k, uint64_t firstLine) {
  if (k < UnboundedBox::kWindow) return;  // the window's lines are in the header
  const IterationBlock& g = graph->unbounded->general();
  std::vector<std::string> paths;
  std::vector<uint32_t> domains;
  for (uint32_t l = g.line; l < g.line + g.lines; ++l) {
    paths.push_back(iterationName(graph->linePath(*catalog, l), k));
    domains.push_back(graph->lines[l].domain);
  }
  writer->lines(firstLine, paths, domains);
}

bool Runner::openTrace(uint64_t seed, std::unique_ptr<TraceWriter>& writer, int64_t epoch) {
  if (options_.trace.empty()) return true;
  writer = TraceWriter::open(options_.trace, diags_, TracePlacement::InPlace);  // (a killed run leaves a prefix)
  if (!writer) return false;
  TraceHeader h = header(seed);
  h.epoch = epoch;
  writer->header(h);
  return true;
}

int Runner::report(uint64_t seed, const RunResult& result, const std::vector<bool>& correct,
                   const IterationReport* iterations, bool print) {
  if (!result.replayContradiction.empty()) {
    diags_.error("trace-contradiction", {},
                 "--replay: the trace is not a run of its own scenario: " + result.replayContradiction);
    return kExitBadInput;
  }
  auto checks = checksOf(result, correct, iterations ? &iterations->failures() : nullptr);
  bool ok = result.failures.empty();
  for (const CheckResult& c : checks) ok &= c.pass;
  if (!print) return ok ? kExitOk : kExitNo;
  if (options_.json) {
    writeRunJson(std::cout, seed, result, checks, iterations);
  } else {
    printRun(result, checks, iterations);
  }
  return ok ? kExitOk : kExitNo;
}

int Runner::seeds(uint64_t first, uint64_t last, uint64_t shard, uint64_t shards) {
  SeedSet set{first, last - first + 1, shard, shards};
  // No more threads than chunks of seeds to give them.
  unsigned jobs = options_.jobs ? options_.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<uint64_t>(jobs, std::max<uint64_t>(1, set.size() / 64)));
  // Each worker runs its seeds on its own simulator, configuration,
  // strategy state and check memo; the graph, catalog and checks are
  // shared read-only.
  std::vector<std::unique_ptr<Simulator>> simulators(jobs);
  std::vector<RunConfig> configs(jobs, config_);
  std::vector<Arms> arms(jobs);
  std::vector<CheckMemo> memos(jobs);
  auto judge = [&](unsigned w, uint64_t seed) {
    if (w > 0 && !simulators[w]) simulators[w] = std::make_unique<Simulator>(graph_, catalog_);
    armRun(seed, configs[w], arms[w]);
    return judgeSeed(w ? *simulators[w] : simulator_, checks_, graph_, configs[w], correct_, seed,
                     &arms[w].watch.violation, &memos[w])
        .why;
  };
  bool progress = !options_.json && ::isatty(STDERR_FILENO);
  uint64_t total = set.size(), shown = 0;
  auto bar = [&](uint64_t done) {
    if (!progress || (done == shown && done != 0)) return;
    shown = done;
    int width = 30, filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total));
    std::cerr << "\r[" << std::string(filled, '#') << std::string(width - filled, '.') << "] " << done << "/" << total
              << std::flush;
  };
  SweepSummary summary;
  summary.range = std::to_string(first) + ".." + std::to_string(last);  // as parsed: `000..099` is 0..99
  summary.shard = std::to_string(shard) + "/" + std::to_string(shards);
  summary.command = sweepCommand();
  summary.seeds = total;
  for (auto& [seed, why] : sweepSeeds(set, jobs, judge, bar, summary.passed)) {
    if (!firstFailing_) firstFailing_ = seed;
    summary.failed.push_back({seed, std::move(why), repro(seed)});
  }
  if (progress) std::cerr << "\n";
  return printSweep(summary, options_.json);
}

bool Runner::usage(const std::string& message) {
  diags_.error("usage", {}, message);
  return false;
}

int Runner::badInput(const std::string& message) {
  usage(message);
  return kExitBadInput;
}

TraceHeader Runner::header(uint64_t seed) const {
  TraceHeader h;
  exact_.toHeader(h);
  h.toolVersion = std::string(toolVersion());
  h.modelName = loaded_.model.name;
  h.modelHash = modelHash();
  h.wholeModelHash = loaded_.wholeHash;
  for (const auto& [name, value] : graph_.params) h.params.emplace_back(name, std::to_string(value));
  h.seed = seed;
  h.strategy = reproStrategy_;
  h.checks = judgedBy(checkNames_, invariants_);
  h.linePaths.reserve(graph_.lines.size());
  for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
    h.linePaths.push_back(graph_.linePath(catalog_, l));
    h.lineDomains.push_back(graph_.lines[l].domain);
  }
  h.domains = graph_.domains;
  return h;
}

void Runner::printRun(const RunResult& result, const std::vector<CheckResult>& checks,
                      const IterationReport* iterations) {
  for (size_t o = 0; o < graph_.outputs.size(); ++o) {
    if (iterations && graph_.unbounded->hasOutput(static_cast<uint32_t>(o))) continue;
    const RunResult::Output& out = result.outputs[o];
    if (out.available) {
      std::cout << graph_.outputs[o].name << " = " << out.value.str() << " @ " << timeForPeople(out.time) << "\n";
    } else if (result.stopped) {  // an invariant's violation stopped the run: what comes next is not known
      std::cout << graph_.outputs[o].name << " not available when the run stopped at " << timeForPeople(result.endTime)
                << "\n";
    } else {
      std::cout << graph_.outputs[o].name << " never available: waiting for " << result.waits[o] << "\n";
    }
  }
  if (iterations) {
    iterations->listed().forEach([](const ListedOutputs::Entry& x) {
      if (x.available) {
        std::cout << x.name << " = " << x.value << " @ " << timeForPeople(x.time) << "\n";
      } else {
        std::cout << x.name << " never available\n";
      }
    });
    std::cout << "iterations: " << result.iterations << " (at most " << result.peakLiveIterations << " live), "
              << iterations->cutOff() << " cut off by the end of the run and not checked"
              << neverBegan(graph_, result.iterations) << "; outputs: " << iterations->available() << " available, "
              << iterations->unavailable() << " never available\n";
  }
  for (const std::string& f : result.failures) std::cout << "failure: " << f << "\n";
  for (const CheckResult& c : checks) {
    std::cout << "check " << c.name << ": " << (c.pass ? "pass" : "fail") << (c.pass ? "" : " (" + c.why + ")") << "\n";
  }
}

void Runner::writeRunJson(std::ostream& os, uint64_t seed, const RunResult& result,
                          const std::vector<CheckResult>& checks, const IterationReport* iterations) {
  // The object is written field by field, its outputs one by one as the
  // report lists them: a long stream's (millions) never sit in memory as
  // JSON values. Each piece is dumped by nlohmann-json, and the whole is the
  // compact text jsonText gives for the same object.
  os << "{\"seed\":" << jsonText(exactInteger(seed)) << ",\"outputs\":{";
  bool first = true;
  auto output = [&](const std::string& name, const Json& value) {
    os << (first ? "" : ",") << jsonText(name) << ':' << jsonText(value);
    first = false;
  };
  for (size_t o = 0; o < graph_.outputs.size(); ++o) {
    if (iterations && graph_.unbounded->hasOutput(static_cast<uint32_t>(o))) continue;
    const RunResult::Output& r = result.outputs[o];
    output(graph_.outputs[o].name, r.available ? Json{{"value", r.value.str()}, {"time_ns", exactInteger(r.time)}}
                                               : Json{{"value", nullptr}, {"waiting_for", result.waits[o]}});
  }
  if (iterations) {
    iterations->listed().forEach([&](const ListedOutputs::Entry& x) {
      output(x.name,
             x.available ? Json{{"value", x.value}, {"time_ns", exactInteger(x.time)}} : Json{{"value", nullptr}});
    });
  }
  Json checked = Json::object();
  for (const CheckResult& c : checks) checked[c.name] = {{"pass", c.pass}, {"why", c.why}};
  os << "},\"checks\":" << jsonText(checked) << ",\"failures\":" << jsonText(result.failures)
     << ",\"events\":" << jsonText(result.events);
  if (iterations) {
    Json counts = {{"begun", result.iterations},
                   {"peak_live", result.peakLiveIterations},
                   {"cut_off", iterations->cutOff()},
                   {"outputs_available", iterations->available()},
                   {"outputs_never_available", iterations->unavailable()}};
    if (graph_.unbounded->bounded())
      counts["never_began"] = graph_.unbounded->end - std::min(result.iterations, graph_.unbounded->end);
    os << ",\"iterations\":" << jsonText(counts);
  }
  os << "}\n";
}

std::string Runner::sweepCommand() const {
  // Flags that pick seeds, say how to run them or where to write, and take a value.
  static const std::set<std::string> valued = {"--seeds",  "--shard",     "--seed",       "--trace",
                                               "--jobs",   "--shrink",    "--strategy",   "--shrink-check",
                                               "--budget", "--lie-bound", "--shrink-keep"};
  std::string out;
  const std::vector<std::string>& argv = options_.argv;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (valued.count(a)) {
      ++i;
      continue;
    }
    std::string flag = a.substr(0, a.find('='));
    if ((flag != a && valued.count(flag)) || a == "--json") continue;
    out += (out.empty() ? "" : " ") + shellQuote(a);
  }
  // A strategy decides the runs: kept, and the seed's failing schedule is its own (explore.cpp).
  if (!reproStrategy_.empty()) out += " --strategy " + reproStrategy_;
  return out;
}

std::string Runner::repro(uint64_t seed) const { return sweepCommand() + " --seed " + std::to_string(seed); }

namespace {

// A decimal uint64 and nothing else (no sign, no spaces, no overflow).
bool parseWhole(std::string_view text, uint64_t& out) {
  auto [stop, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{} && stop == text.data() + text.size();
}

// A..B with A <= B, naming at most kMaxSeeds seeds (so that their count fits).
bool parseSeedRange(std::string_view text, uint64_t& a, uint64_t& b) {
  size_t dots = text.find("..");
  return dots != std::string_view::npos && parseWhole(text.substr(0, dots), a) &&
         parseWhole(text.substr(dots + 2), b) && a <= b && b - a < kMaxSeeds;
}

// i/N with i < N.
bool parseShard(std::string_view text, uint64_t& shard, uint64_t& shards) {
  size_t slash = text.find('/');
  return slash != std::string_view::npos && parseWhole(text.substr(0, slash), shard) &&
         parseWhole(text.substr(slash + 1), shards) && shard < shards;
}

}  // namespace

namespace {

// --shrink on a failing seed (under the runner's strategy: an exhaustive
// search's failing schedule): the search, then its faults file and command.
int shrinkSeed(const Options& options, const Runner& runner, uint64_t seed, const Catalog& catalog,
               DiagnosticSink& diags) {
  std::cout << std::flush;
  std::string why;
  auto shrunk = shrink({options.model, options.defines, options.elab, runner.scenario(), seed, runner.strategy()},
                       {options.shrinkCheck, options.shrinkKeep, options.checks}, catalog, &why);
  if (!shrunk) {
    diags.error("usage", {}, "--shrink: " + why);
    return kExitBadInput;
  }
  return reportShrunk(*shrunk, options.shrink, options.argv, options.json, diags);
}

}  // namespace

int run(const Options& given, const Catalog& catalog) {
  DiagnosticSink diags;
  auto finish = [&](int code) {
    printDiagnostics(diags, given.jsonDiagnostics);
    return code;
  };
  if (!given.merge.empty()) return finish(mergeSweeps(given.merge, given.json, diags));
  if (!given.keygen.empty()) return finish(generateKeyFile(given.keygen, diags));
  Options options = given;
  std::optional<Trace> replay;
  if (!options.replay.empty()) {
    auto bytes = readInput(options.replay, diags);
    if (bytes) replay = readTrace(*bytes, displayName(options.replay), diags);
    if (!replay) return finish(kExitBadInput);
  }
  // Without -D, a replay takes the parameters the trace was recorded with.
  auto loaded = loadModelFile(options.model, catalog,
                              {options.defines, options.elab, replay ? &replay->header.params : nullptr}, diags);
  if (!loaded) return finish(kExitBadInput);
  if (!options.domain.empty()) {  // a node that projects the model itself (what a cluster's nodes do)
    if (options.listen.empty()) {
      diags.error("usage", {}, "--domain: only with --listen (rdc-project projects a model onto a domain)");
      return finish(kExitBadInput);
    }
    if (!loaded->projection.empty()) {
      diags.error("usage", {},
                  "--domain: the input is already a projection (onto " + nameList(loaded->projection) + ")");
      return finish(kExitBadInput);
    }
    loaded = projectOnto(*loaded, catalog, {options.domain}, diags);
    if (!loaded) return finish(kExitBadInput);
  }
  int modes = options.split + !options.listen.empty() + !options.cluster.empty() + !options.seeds.empty();
  if (modes > 1) {
    diags.error("usage", {}, "--split, --listen, --cluster and --seeds are different ways to run: give one");
    return finish(kExitBadInput);
  }
  if (!options.replay.empty() && (!options.listen.empty() || !options.cluster.empty())) {
    // (Over TCP the network, not the trace, would decide the deliveries: a new run, not the recorded one.)
    diags.error("usage", {},
                "--replay reruns a trace in the simulator, whole or --split: not with --listen or --cluster");
    return finish(kExitBadInput);
  }
  if (!sweepTakes(options, diags)) return finish(kExitBadInput);
  warnBoxFlags(options, *loaded, diags);
  if (loaded->graph.unbounded && options.split) {
    diags.error("unbounded-box", loaded->graph.positions[loaded->graph.unbounded->pos],
                std::string("--split does not run a model with an ") +
                    (loaded->graph.unbounded->bounded() ? "on-demand" : "unbounded") +
                    " `for` yet: run it simulated, or with --cluster");
    return finish(kExitBadInput);
  }
  bool simulated = !options.split && options.listen.empty() && options.cluster.empty();
  if (options.strategy != "random" && !simulated) {
    diags.error("usage", {}, "--strategy: only for simulated runs (not --split, --listen or --cluster)");
    return finish(kExitBadInput);
  }
  if (!options.invariants.empty() && !simulated) {
    diags.error("usage", {}, "--invariant: only for simulated runs (not --split, --listen or --cluster)");
    return finish(kExitBadInput);
  }
  if (!options.checks.empty() && !options.listen.empty()) {
    diags.error("usage", {}, "--check: not for --listen (a node evaluates no checks: the cluster it runs in does)");
    return finish(kExitBadInput);
  }
  if (replay && !replay->stoppedBy.empty() && !simulated) {
    diags.error("usage", {},
                "--replay: the trace's run was stopped where its invariant '" + replay->stoppedBy +
                    "' failed, and only a simulated replay stops there too (not --split, --listen or --cluster)");
    return finish(kExitBadInput);
  }
  if (options.strategy == "exhaustive" && !options.seeds.empty()) {
    diags.error("usage", {}, "--strategy exhaustive searches from one seed with --budget: give --seed, not --seeds");
    return finish(kExitBadInput);
  }
  if (!options.shrink.empty() && !options.invariants.empty()) {
    diags.error("usage", {}, "--shrink: shrinks whole runs, not runs stopped by --invariant");
    return finish(kExitBadInput);
  }
  if (!options.shrink.empty() && (options.split || !options.listen.empty() || !options.cluster.empty())) {
    diags.error("usage", {},
                "--shrink: shrinks a simulated run (--seed or --seeds), not --split, --listen or --cluster");
    return finish(kExitBadInput);
  }
  if (!options.shrink.empty() && options.model == "-") {
    diags.error("usage", {}, "--shrink: give the model as a file (shrinking loads it again for each -D it tries)");
    return finish(kExitBadInput);
  }
  // The names are the model's whether or not a run fails (a passing run
  // would never look at them).
  if (auto fault = goalFault({options.shrinkCheck, options.shrinkKeep, options.checks}, *loaded)) {
    diags.error("usage", {}, *fault);
    return finish(kExitBadInput);
  }
  if (!options.maxLiveGiven && loaded->graph.unbounded && loaded->graph.unbounded->bounded())
    options.maxLive = onDemandMaxLive(*loaded->graph.unbounded, options.elab.maxLines, options.maxLive);
  Runner runner(options, *loaded, catalog, diags);
  if (!runner.prepare(std::move(replay))) return finish(kExitBadInput);
  // --shrink shrinks the run that failed a check (`failing`: a sweep's
  // first failing seed); when every check passed there is nothing to
  // shrink, and no file.
  auto shrinkIfFailed = [&](int code, std::optional<uint64_t> failing) {
    if (options.shrink.empty()) return code;
    if (failing) return shrinkSeed(options, runner, *failing, catalog, diags);
    if (code == kExitOk)
      diags.warning(
          "unused-flag", {},
          "--shrink: every check passed, so there is no failing run to shrink; " + options.shrink + " was not written");
    return code;
  };
  auto failedAt = [](int code, uint64_t seed) { return code == kExitNo ? std::optional(seed) : std::nullopt; };
  if (!options.seeds.empty()) {
    uint64_t first, last, shard = 0, shards = 1;
    if (!parseSeedRange(options.seeds, first, last)) {
      diags.error("usage", {},
                  "--seeds: expected A..B, whole numbers with A <= B, at most " + std::to_string(kMaxSeeds) +
                      " seeds, got '" + options.seeds + "'");
      return finish(kExitBadInput);
    }
    if (!options.shard.empty() && !parseShard(options.shard, shard, shards)) {
      diags.error("usage", {}, "--shard: expected i/N, whole numbers with i < N, got '" + options.shard + "'");
      return finish(kExitBadInput);
    }
    int code = runner.seeds(first, last, shard, shards);
    return finish(shrinkIfFailed(code, runner.firstFailing()));
  }
  uint64_t seed = runner.seed();
  if (options.strategy == "exhaustive") {
    int code = runner.explore(seed, options.budget);
    return finish(shrinkIfFailed(code, failedAt(code, seed)));
  }
  if (!options.listen.empty()) return finish(runner.node(seed));
  if (!options.cluster.empty()) return finish(runner.cluster(seed));
  if (options.split) return finish(runner.split(seed));
  int code = runner.single(seed);
  return finish(shrinkIfFailed(code, failedAt(code, seed)));
}

}  // namespace rdc::run
