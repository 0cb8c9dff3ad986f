#include "tools/rdc-run/run.h"

#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <unordered_map>

#include "ir/glob.h"
#include "ir/ir_io.h"
#include "ir/tool_io.h"
#include "ir/trace_io.h"
#include "tools/rdc-run/checks.h"
#include "tools/rdc-run/engine.h"
#include "tools/rdc-run/cluster.h"
#include "tools/rdc-run/net/node.h"
#include "tools/rdc-run/net/peers.h"
#include "tools/rdc-run/split.h"
#include "tools/rdc-trace/trace_tool.h"

namespace rdc::run {

namespace {

// A TCP run without --until ends at most this long after it starts.
constexpr int64_t kDefaultNodeUntil = 10'000'000'000;
// The nodes of a cluster start this long after they are launched (so that
// all of them share a time origin), and get this much past --until to exit.
constexpr int64_t kClusterStartup = 300'000'000, kClusterGrace = 5'000'000'000;

std::optional<int64_t> parseDuration(const std::string& text) {
  ExprError e;
  auto v = parseValue(text, &e);
  if (!v || v->kind != Value::Kind::Duration) return std::nullopt;
  return v->i;
}

// Times for people: 3ms, 15.893119ms.
std::string timeText(int64_t ns) {
  if (ns % 1'000'000 == 0 || ns < 1'000'000) return durationString(ns);
  std::string frac = std::to_string(ns % 1'000'000);
  frac = std::string(6 - frac.size(), '0') + frac;
  while (frac.back() == '0') frac.pop_back();
  return std::to_string(ns / 1'000'000) + "." + frac + "ms";
}

std::string shellQuote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,+") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The scenario: what the flags and the faults file say about a run.
struct Scenario {
  NamedTexts inputs, forces, crashes, linkLatency;
  std::vector<std::string> byzantine;
  std::string latency;
};

// Everything resolved against the graph, shared by every seed's run.
class Runner {
 public:
  Runner(const Options& options, const LoadedModel& loaded, const Catalog& catalog, DiagnosticSink& diags)
      : options_(options), loaded_(loaded), graph_(loaded.graph), catalog_(catalog), diags_(diags),
        simulator_(graph_, catalog), checks_(loaded.model, graph_) {}

  bool prepare() {
    Scenario scenario;
    scenario.latency = options_.latency;
    if (!options_.faultsFile.empty() && !readFaults(options_.faultsFile, scenario)) return false;
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
    if (!options_.replay.empty() && !replayScenario(scenario)) return false;
    return resolve(scenario);
  }

  /// One run with the configured faults and `seed`; prints unless quiet.
  int single(uint64_t seed) {
    config_.seed = seed;
    std::unique_ptr<TraceWriter> writer;
    TraceSink sink;
    if (!options_.trace.empty()) {
      writer = TraceWriter::open(options_.trace, diags_);
      if (!writer) return kExitBadInput;
      writer->header(header(seed));
      sink.writer = writer.get();
      config_.sink = &sink;
    }
    RunResult result = simulator_.run(config_);
    config_.sink = nullptr;
    if (writer) writer->finish(result.events, result.endTime);
    return report(seed, result);
  }

  /// Evaluates the checks on a run of the whole model and prints it.
  int report(uint64_t seed, const RunResult& result) {
    auto checks = checks_.evaluate(result, config_, correct_);
    bool ok = result.failures.empty();
    for (const CheckResult& c : checks) ok &= c.pass;
    if (options_.json) {
      std::cout << runJson(seed, result, checks) << "\n";
    } else {
      printRun(result, checks);
    }
    return ok ? kExitOk : kExitNo;
  }

  /// One run of the model's projections, one per domain, connected through
  /// the in-process network; printed (and traced) as a run of the whole model.
  int split(uint64_t seed) {
    config_.seed = seed;
    std::vector<LoadedModel> projections;
    std::vector<std::unique_ptr<Simulator>> simulators;
    std::vector<SplitPart> parts;
    projections.reserve(graph_.domains.size());
    for (const std::string& domain : graph_.domains) {
      auto part = projectOnto(loaded_, catalog_, {domain}, diags_);
      if (!part) return kExitBadInput;
      projections.push_back(std::move(*part));
    }
    std::unique_ptr<TraceWriter> writer;
    std::vector<std::unique_ptr<EventSink>> sinks;
    if (!options_.trace.empty()) {
      writer = TraceWriter::open(options_.trace, diags_);
      if (!writer) return kExitBadInput;
      writer->header(header(seed));
    }
    for (const LoadedModel& part : projections) {
      simulators.push_back(std::make_unique<Simulator>(part.graph, catalog_));
      parts.push_back({simulators.back().get(), configFor(part.graph)});
      if (writer) {
        sinks.push_back(std::make_unique<WholeLineSink>(*writer, wholeLines(part.graph)));
        parts.back().config.sink = sinks.back().get();
      }
    }
    std::vector<RunResult> results = runSplit(parts, seed);
    RunResult result = combine(projections, results);
    uint64_t written = 0;
    for (const auto& sink : sinks) written += static_cast<WholeLineSink&>(*sink).written;
    if (writer) writer->finish(written, result.endTime);
    return report(seed, result);
  }

  /// This projection run as one process over TCP.
  int node(uint64_t seed) {
    if (loaded_.projection.size() != 1) {
      return badInput("--listen needs the IR of one domain's projection (rdc-project MODEL --domain D -o D.ir)");
    }
    const std::string& self = loaded_.projection[0];
    auto peers = readPeers(options_.peers);
    if (!peers) return kExitBadInput;
    bool listed = false;
    for (auto& [domain, address] : peers->nodes) {
      if (domain == self) address = options_.listen, listed = true;
    }
    if (!listed) return badInput("--peers: " + self + " is not in " + options_.peers);
    for (const Extrinsic& x : graph_.inputs) {
      if (!x.gateway.empty() && !peers->address(x.peer)) {
        return badInput("--peers: no address for " + x.peer + ", which " + x.name + " comes from");
      }
    }
    config_.seed = seed;
    std::unique_ptr<TraceWriter> writer;
    TraceSink sink;
    if (!options_.trace.empty()) {
      writer = TraceWriter::open(options_.trace, diags_);
      if (!writer) return kExitBadInput;
      writer->header(header(seed));
      sink.writer = writer.get();
    }
    net::NodeSetup setup;
    setup.simulator = &simulator_;
    setup.config = config_;
    setup.config.sink = writer ? &sink : nullptr;
    if (options_.until.empty()) setup.config.until = kDefaultNodeUntil;
    setup.peers = &*peers;
    setup.self = self;
    setup.modelHash = net::modelHashFor(loaded_.model.name, graph_.params);
    setup.epoch = options_.epoch;
    net::NodeOutcome outcome = net::runNode(setup);
    if (writer) writer->finish(sink.count, outcome.result.endTime);
    for (const std::string& problem : outcome.problems) diags_.error("peer", {}, problem);
    if (!outcome.started) return kExitBadInput;
    std::cerr << "tcp " << self << ": " << outcome.connections << " connections, " << outcome.frames << " frames, "
              << outcome.deliveries << " deliveries, " << outcome.bytes << " bytes sent\n";
    int code = report(seed, outcome.result);
    return outcome.problems.empty() ? code : kExitBadInput;
  }

  /// One process per domain on this machine, over TCP: the peers file gives
  /// the addresses and the key. Prints the merged run like a simulated one.
  int cluster(uint64_t seed) {
    auto peers = readPeers(options_.cluster);
    if (!peers) return kExitBadInput;
    for (const std::string& d : graph_.domains) {
      if (!peers->address(d)) return badInput("--cluster: " + d + " has no address in " + options_.cluster);
    }
    std::map<std::string, int64_t> kills;
    for (const std::string& k : options_.kills) {
      size_t at = k.rfind('@');
      auto t = at == std::string::npos ? std::nullopt : parseDuration(k.substr(at + 1));
      if (!t || !domain(k.substr(0, at), "--kill")) return badInput("--kill: expected D@TIME, got '" + k + "'");
      kills[k.substr(0, at)] = *t;
    }
    for (const std::string& d : options_.leaveOut) {
      if (!domain(d, "--leave-out")) return kExitBadInput;
    }
    std::string dir = options_.trace.empty() ? makeTempDir() : options_.trace + ".nodes";
    if (dir.empty() || (options_.trace.size() && ::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)) {
      return badInput("cannot make the directory " + dir + " for the nodes' files");
    }
    int64_t until = options_.until.empty() ? kDefaultNodeUntil : config_.until;
    int64_t epoch = realtimeNanos() + kClusterStartup;
    std::vector<NodeProcess> processes;
    std::vector<std::string> traces;
    for (size_t d = 0; d < graph_.domains.size(); ++d) {
      const std::string& name = graph_.domains[d];
      if (std::find(options_.leaveOut.begin(), options_.leaveOut.end(), name) != options_.leaveOut.end()) continue;
      auto part = projectOnto(loaded_, catalog_, {name}, diags_);
      if (!part || !writeOutput(dir + "/" + name + ".ir", writeIr(*part, catalog_, diags_), diags_)) return kExitBadInput;
      NodeProcess p;
      p.domain = name;
      p.log = dir + "/" + name + ".log";
      p.argv = {selfExecutable(), dir + "/" + name + ".ir", "--listen", *peers->address(name), "--peers",
                options_.cluster, "--seed", std::to_string(seed), "--epoch", std::to_string(epoch), "--until",
                durationString(until), "--trace", dir + "/" + name + ".trace"};
      nodeFaults(*part, d, p.argv);
      if (kills.count(name)) p.killAt = kills[name];
      processes.push_back(std::move(p));
      traces.push_back(dir + "/" + name + ".trace");
    }
    std::vector<NodeExit> exits = runProcesses(processes, epoch, epoch + until + kClusterGrace);
    std::vector<bool> correct = correct_;
    for (size_t d = 0; d < graph_.domains.size(); ++d) {
      bool left = std::find(options_.leaveOut.begin(), options_.leaveOut.end(), graph_.domains[d]) != options_.leaveOut.end();
      if (left || kills.count(graph_.domains[d])) correct[d] = false;
    }
    std::vector<Trace> nodeTraces;
    std::vector<std::string> names;
    for (size_t i = 0; i < exits.size(); ++i) {
      const NodeExit& e = exits[i];
      if (e.killed) {
        std::cerr << e.domain << ": killed as asked\n";
      } else if (e.overdue || e.status != 0) {
        diags_.error("node-failed", {}, e.domain + (e.overdue ? " did not finish by --until" : " exited with status " +
                     std::to_string(e.status)) + "; its output: " + processes[i].log + "\n" + tail(processes[i].log));
      }
      auto bytes = readInput(traces[i], diags_);
      DiagnosticSink quiet;
      auto t = bytes ? readTrace(*bytes, traces[i], quiet, true) : std::nullopt;
      if (t) nodeTraces.push_back(std::move(*t)), names.push_back(traces[i]);
    }
    if (nodeTraces.empty()) return badInput("no node left a trace (see " + dir + ")");
    auto merged = trace::mergeTraces(nodeTraces, names, diags_);
    if (!merged) return kExitBadInput;
    merged->header.modelHash = modelHash();
    if (!options_.trace.empty() && !trace::writeTrace(*merged, options_.trace, diags_)) return kExitBadInput;
    if (options_.trace.empty()) removeTree(dir);
    RunResult result = resultFromTrace(*merged);
    for (size_t o = 0; o < graph_.outputs.size(); ++o) {
      const std::string& d = graph_.domains[graph_.lines[graph_.outputs[o].line].domain];
      if (!correct[graph_.lines[graph_.outputs[o].line].domain] && !config_.byzantine[graph_.lines[graph_.outputs[o].line].domain]) {
        result.waits[o] = d + (kills.count(d) ? ", which was killed" : ", which was left out or crashed");
      } else {
        result.waits[o] = "what " + d + " never received (see " + (options_.trace.empty() ? std::string("--trace") : dir) + ")";
      }
    }
    std::swap(correct, correct_);
    int code = report(seed, result);
    std::swap(correct, correct_);
    return diags_.hasErrors() ? kExitBadInput : code;
  }

  int seeds(uint64_t first, uint64_t last, uint64_t shard, uint64_t shards) {
    bool progress = !options_.json && ::isatty(STDERR_FILENO);
    uint64_t total = 0, passed = 0;
    std::vector<std::pair<uint64_t, std::string>> failing;
    uint64_t count = last - first + 1;
    for (uint64_t k = 0; k < count; ++k) {
      uint64_t seed = first + k;
      if (k % shards != shard) continue;
      config_.seed = seed;
      RunResult result = simulator_.run(config_);
      auto checks = checks_.evaluate(result, config_, correct_);
      std::string why;
      for (const CheckResult& c : checks) {
        if (!c.pass) why += (why.empty() ? "" : "; ") + c.name + ": " + c.why;
      }
      for (const std::string& f : result.failures) why += (why.empty() ? "" : "; ") + f;
      ++total;
      if (why.empty()) ++passed;
      else failing.emplace_back(seed, why);
      if (progress && (k % 64 == 0 || k + 1 == count)) {
        int width = 30, done = static_cast<int>(width * (k + 1) / count);
        std::cerr << "\r[" << std::string(done, '#') << std::string(width - done, '.') << "] " << (k + 1) << "/"
                  << count << "  failed: " << failing.size() << std::flush;
      }
    }
    if (progress) std::cerr << "\n";
    if (options_.json) {
      std::cout << "{\"seeds\": " << total << ", \"passed\": " << passed << ", \"failed\": [";
      for (size_t i = 0; i < failing.size(); ++i) {
        std::cout << (i ? ", " : "") << "{\"seed\": " << failing[i].first << ", \"why\": \"" << jsonEscape(failing[i].second)
                  << "\", \"repro\": \"" << jsonEscape(repro(failing[i].first)) << "\"}";
      }
      std::cout << "]}\n";
    } else {
      std::cout << total << " seeds: " << passed << " passed, " << failing.size() << " failed\n";
      for (const auto& [seed, why] : failing) {
        std::cout << "seed " << seed << ": " << why << "\n  reproduce: " << repro(seed) << "\n";
      }
    }
    return failing.empty() ? kExitOk : kExitNo;
  }

  uint64_t replaySeed() const { return replaySeed_; }

 private:
  bool usage(const std::string& message) {
    diags_.error("usage", {}, message);
    return false;
  }

  int badInput(const std::string& message) {
    usage(message);
    return kExitBadInput;
  }

  struct TraceSink final : EventSink {
    TraceWriter* writer = nullptr;
    uint64_t count = 0;
    void record(const LineEvent& e) override {
      writer->event(e.line, e.output, e.time, e.how, *e.value);
      ++count;
    }
  };

  std::optional<net::Peers> readPeers(const std::string& path) {
    auto text = readInput(path, diags_);
    if (!text) return std::nullopt;
    return net::parsePeers(*text, displayName(path), diags_);
  }

  // What a node of a cluster is told about the run's faults and inputs:
  // its own Byzantine or crash fault, and the forces and inputs of its lines.
  void nodeFaults(const LoadedModel& part, size_t domain, std::vector<std::string>& argv) const {
    const std::string& name = graph_.domains[domain];
    if (config_.byzantine[domain]) argv.insert(argv.end(), {"--byzantine", name});
    if (config_.crashAt[domain] != INT64_MAX) argv.insert(argv.end(), {"--crash", name + "@" + durationString(config_.crashAt[domain])});
    std::unordered_map<std::string, uint32_t> paths;
    for (uint32_t l = 0; l < part.graph.lines.size(); ++l) paths.emplace(part.graph.linePath(catalog_, l), l);
    for (const auto& [path, value] : header_.forces) {
      if (paths.count(path)) argv.insert(argv.end(), {"--force", path + "=" + value});
    }
    for (const auto& [input, value] : header_.inputs) {
      for (const Extrinsic& x : part.graph.inputs) {
        if (x.name == input) argv.insert(argv.end(), {"--input", input + "=" + value});
      }
    }
  }

  // The whole model's outputs as a merged trace of its projections recorded them.
  RunResult resultFromTrace(const Trace& trace) const {
    std::unordered_map<std::string, size_t> outputByPath;
    for (size_t o = 0; o < graph_.outputs.size(); ++o) outputByPath.emplace(graph_.linePath(catalog_, graph_.outputs[o].line), o);
    RunResult r;
    r.outputs.resize(graph_.outputs.size());
    r.waits.resize(graph_.outputs.size());
    for (const TraceEvent& e : trace.events) {
      if (!e.output) continue;
      auto it = outputByPath.find(trace.header.linePaths[e.line]);
      if (it != outputByPath.end()) r.outputs[it->second] = {true, e.value, e.time};
    }
    r.events = trace.events.size();
    r.endTime = trace.endTime;
    return r;
  }

  static std::string makeTempDir() {
    char pattern[] = "/tmp/rdc-cluster-XXXXXX";
    return ::mkdtemp(pattern) ? std::string(pattern) : std::string();
  }

  static void removeTree(const std::string& dir) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  // The last lines of a node's log, for a report.
  static std::string tail(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back("  | " + line);
    size_t from = lines.size() > 6 ? lines.size() - 6 : 0;
    std::string out;
    for (size_t i = from; i < lines.size(); ++i) out += lines[i] + (i + 1 < lines.size() ? "\n" : "");
    return out;
  }

  bool splitPair(const std::string& kv, char sep, const char* flag, NamedTexts& out) {
    size_t at = kv.find(sep);
    if (at == std::string::npos || at == 0) return usage(std::string(flag) + ": expected NAME=VALUE, got '" + kv + "'");
    out.emplace_back(kv.substr(0, at), kv.substr(at + 1));
    return true;
  }

  bool readFaults(const std::string& path, Scenario& s) {
    auto bytes = readInput(path, diags_);
    if (!bytes) return false;
    uint32_t file = diags_.addFile(path);
    try {
      YAML::Node root = YAML::Load(*bytes);
      if (!root.IsMap()) return usage(path + ": a faults file is a mapping (crash, byzantine, force, inputs, latency, links)");
      for (const auto& kv : root) {
        std::string key = kv.first.as<std::string>();
        const YAML::Node& v = kv.second;
        auto pairs = [&](NamedTexts& out) {
          for (const auto& e : v) out.emplace_back(e.first.as<std::string>(), e.second.as<std::string>());
        };
        if (key == "crash") pairs(s.crashes);
        else if (key == "force") pairs(s.forces);
        else if (key == "inputs") pairs(s.inputs);
        else if (key == "links") pairs(s.linkLatency);
        else if (key == "latency") s.latency = v.as<std::string>();
        else if (key == "byzantine") {
          for (const auto& b : v) s.byzantine.push_back(b.as<std::string>());
        } else {
          diags_.error("schema", {file, static_cast<uint32_t>(kv.first.Mark().line + 1), static_cast<uint32_t>(kv.first.Mark().column + 1)},
                       "unknown key '" + key + "' (expected crash, byzantine, force, inputs, latency, links)");
          return false;
        }
      }
    } catch (const YAML::Exception& e) {
      diags_.error("parse-error", {file, static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)},
                   "faults file: " + e.msg);
      return false;
    }
    return true;
  }

  // A replay takes everything from the trace's header, and forces each
  // recorded choice to its recorded value.
  bool replayScenario(Scenario& s) {
    auto bytes = readInput(options_.replay, diags_);
    if (!bytes) return false;
    auto trace = readTrace(*bytes, displayName(options_.replay), diags_);
    if (!trace) return false;
    const TraceHeader& h = trace->header;
    s.inputs = h.inputs;
    s.forces = h.forces;
    s.crashes = h.crashes;
    s.byzantine = h.byzantine;
    s.latency = h.latency;
    s.linkLatency = h.linkLatency;
    replaySeed_ = h.seed;
    std::unordered_map<std::string, uint32_t> byPath;
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) byPath.emplace(graph_.linePath(catalog_, l), l);
    replayed_.assign(graph_.lines.size(), std::nullopt);
    for (const TraceEvent& e : trace->events) {
      if (e.output || (e.how != How::Chosen && e.how != How::Forced)) continue;
      const std::string& path = h.linePaths[e.line];
      auto it = byPath.find(path);
      if (it == byPath.end() && isGatewayCopy(path, byPath)) continue;
      if (it == byPath.end()) return usage("--replay: the trace's line " + path + " is not in this model");
      replayed_[it->second] = e.value;
    }
    if (h.modelHash != modelHash()) {
      diags_.warning("replay-model", {}, "the trace was recorded from a different model; replaying its choices anyway");
    }
    return true;
  }

  // Choosable inputs bound to `choose`, and a projection's gateway inputs
  // (the cut Link's rcv: forcing it models a corrupt channel at the receiver).
  bool forceable(uint32_t line) const {
    const Endpoint& source = graph_.lines[line].source;
    return source.kind == Endpoint::Kind::Choose ||
           (source.kind == Endpoint::Kind::Input && !graph_.inputs[source.ref].gateway.empty());
  }

  // A projection's copy of a cut Link's value for the network (`<link>.net`,
  // in the traces of TCP and split runs), which the whole model has not.
  static bool isGatewayCopy(const std::string& path, const std::unordered_map<std::string, uint32_t>& byPath) {
    const std::string suffix = ".net";
    return path.size() > suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0 &&
           byPath.count(path.substr(0, path.size() - suffix.size()) + ".snd");
  }

  std::optional<Value> typedValue(const std::string& text, TypeId type, const std::string& what) {
    ExprError error;
    auto v = parseValue(text, &error);
    if (!v) {
      usage(what + ": '" + text + "': " + error.message);
      return std::nullopt;
    }
    if (!valueFits(*v, type, graph_.types)) {
      usage(what + ": " + v->str() + " is not a " + graph_.types.name(type));
      return std::nullopt;
    }
    return v;
  }

  std::optional<uint32_t> domain(const std::string& name, const char* flag) {
    for (uint32_t d = 0; d < graph_.domains.size(); ++d) {
      if (graph_.domains[d] == name) return d;
    }
    usage(std::string(flag) + ": no domain '" + name + "' (the model's domains: " + graph_.domains.front() + ", ...)");
    return std::nullopt;
  }

  bool resolve(const Scenario& s) {
    size_t nd = graph_.domains.size();
    config_.inputs.assign(graph_.inputs.size(), std::nullopt);
    config_.forces.assign(graph_.lines.size(), std::nullopt);
    config_.crashAt.assign(nd, INT64_MAX);
    config_.byzantine.assign(nd, false);
    config_.replay = replayed_;
    header_ = {};
    for (const auto& [name, text] : s.inputs) {
      auto it = std::find_if(graph_.inputs.begin(), graph_.inputs.end(), [&](const Extrinsic& x) { return x.name == name; });
      if (it == graph_.inputs.end()) return usage("--input: the model has no input '" + name + "'");
      auto v = typedValue(text, graph_.lines[it->line].type, "--input " + name);
      if (!v) return false;
      config_.inputs[it - graph_.inputs.begin()] = *v;
      header_.inputs.emplace_back(name, v->str());
    }
    if (!s.forces.empty()) {
      std::unordered_map<std::string, uint32_t> byPath;
      for (uint32_t l = 0; l < graph_.lines.size(); ++l) byPath.emplace(graph_.linePath(catalog_, l), l);
      auto force = [&](uint32_t line, const std::string& path, const std::string& text) {
        auto v = typedValue(text, graph_.lines[line].type, "--force " + path);
        if (!v) return false;
        config_.forces[line] = *v;
        header_.forces.emplace_back(path, v->str());  // exact paths, so a replay needs no globbing
        return true;
      };
      for (const auto& [path, text] : s.forces) {
        if (path.find_first_of("*?") != std::string::npos) {
          // A glob forces every choosable input bound to `choose` that it matches, in line order.
          size_t matched = 0;
          for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
            if (!forceable(l)) continue;
            std::string linePath = graph_.linePath(catalog_, l);
            if (!globMatch(path, linePath)) continue;
            if (!force(l, linePath, text)) return false;
            ++matched;
          }
          if (matched == 0) return usage("--force: no choosable input bound to `choose` matches '" + path + "'");
          continue;
        }
        auto it = byPath.find(path);
        if (it == byPath.end()) return usage("--force: no line '" + path + "'");
        if (!forceable(it->second)) {
          return usage("--force: " + path + " is not a choosable input bound to `choose`");
        }
        if (!force(it->second, path, text)) return false;
      }
    }
    for (const auto& [name, time] : s.crashes) {
      auto d = domain(name, "--crash");
      auto t = parseDuration(time);
      if (!d) return false;
      if (!t || *t < 0) return usage("--crash " + name + ": bad time '" + time + "' (a duration such as 10ms)");
      config_.crashAt[*d] = std::min(config_.crashAt[*d], *t);
      header_.crashes.emplace_back(name, durationString(*t));
    }
    for (const std::string& name : s.byzantine) {
      auto d = domain(name, "--byzantine");
      if (!d) return false;
      config_.byzantine[*d] = true;
      header_.byzantine.push_back(name);
    }
    std::string error;
    auto latency = Latency::parse(s.latency, &error);
    if (!latency) return usage("--latency: " + error);
    header_.latency = latency->str();
    config_.linkLatency.assign(graph_.instances.size(), *latency);
    for (const auto& [glob, spec] : s.linkLatency) {
      auto l = Latency::parse(spec, &error);
      if (!l) return usage("links " + glob + ": " + error);
      for (size_t i = 0; i < graph_.instances.size(); ++i) {
        if (globMatch(glob, graph_.instances[i].path)) config_.linkLatency[i] = *l;
      }
      header_.linkLatency.emplace_back(glob, l->str());
    }
    if (!options_.until.empty()) {
      auto t = parseDuration(options_.until);
      if (!t) return usage("--until: expected a duration such as 100ms, got '" + options_.until + "'");
      config_.until = *t;
    }
    header_.until = config_.until;
    correct_.assign(nd, true);
    for (uint32_t d = 0; d < nd; ++d) correct_[d] = !config_.byzantine[d] && config_.crashAt[d] == INT64_MAX;
    return true;
  }

  // Records a projection's events under the whole model's line ids; its
  // gateway copies (Send's net), which the whole model has not, are left out.
  class WholeLineSink final : public EventSink {
   public:
    WholeLineSink(TraceWriter& writer, std::vector<uint32_t> lines) : writer_(writer), lines_(std::move(lines)) {}
    void record(const LineEvent& e) override {
      if (lines_[e.line] == kNone) return;
      writer_.event(lines_[e.line], e.output, e.time, e.how, *e.value);
      ++written;
    }
    uint64_t written = 0;

   private:
    TraceWriter& writer_;
    std::vector<uint32_t> lines_;
  };

  // Per line of a projection, the whole model's line of the same path (kNone if none).
  std::vector<uint32_t> wholeLines(const Graph& part) {
    if (wholeByPath_.empty()) {
      for (uint32_t l = 0; l < graph_.lines.size(); ++l) wholeByPath_.emplace(graph_.linePath(catalog_, l), l);
    }
    std::vector<uint32_t> map(part.lines.size(), kNone);
    for (uint32_t l = 0; l < part.lines.size(); ++l) {
      auto it = wholeByPath_.find(part.linePath(catalog_, l));
      if (it != wholeByPath_.end()) map[l] = it->second;
    }
    return map;
  }

  // The whole run's configuration carried over to a projection: inputs by
  // name, forced and replayed choices by line path, link latencies by
  // instance path (a gateway keeps its Link's path); domains are shared.
  RunConfig configFor(const Graph& part) {
    RunConfig c = config_;
    c.sink = nullptr;
    c.inputs.assign(part.inputs.size(), std::nullopt);
    for (uint32_t i = 0; i < part.inputs.size(); ++i) {
      for (uint32_t w = 0; w < graph_.inputs.size(); ++w) {
        if (graph_.inputs[w].name == part.inputs[i].name) c.inputs[i] = config_.inputs[w];
      }
    }
    std::vector<uint32_t> lines = wholeLines(part);
    c.forces.assign(part.lines.size(), std::nullopt);
    c.replay.assign(config_.replay.empty() ? 0 : part.lines.size(), std::nullopt);
    for (uint32_t l = 0; l < part.lines.size(); ++l) {
      if (lines[l] == kNone) continue;
      c.forces[l] = config_.forces[lines[l]];
      if (!c.replay.empty()) c.replay[l] = config_.replay[lines[l]];
    }
    std::map<std::string, uint32_t> instanceByPath;
    for (uint32_t i = 0; i < graph_.instances.size(); ++i) instanceByPath.emplace(graph_.instances[i].path, i);
    c.linkLatency.assign(part.instances.size(), Latency{});
    for (uint32_t i = 0; i < part.instances.size(); ++i) {
      auto it = instanceByPath.find(part.instances[i].path);
      if (it != instanceByPath.end()) c.linkLatency[i] = config_.linkLatency[it->second];
    }
    return c;
  }

  // The projections' results as one result of the whole model (outputs by name).
  RunResult combine(const std::vector<LoadedModel>& parts, const std::vector<RunResult>& results) {
    RunResult whole;
    whole.outputs.resize(graph_.outputs.size());
    whole.waits.resize(graph_.outputs.size());
    std::map<std::string, size_t> outputByName;
    for (size_t o = 0; o < graph_.outputs.size(); ++o) {
      outputByName.emplace(graph_.outputs[o].name, o);
      whole.waits[o] = "(no projection has it)";
    }
    for (size_t p = 0; p < parts.size(); ++p) {
      const RunResult& r = results[p];
      for (size_t o = 0; o < parts[p].graph.outputs.size(); ++o) {
        auto it = outputByName.find(parts[p].graph.outputs[o].name);
        if (it == outputByName.end()) continue;  // a gateway
        whole.outputs[it->second] = r.outputs[o];
        whole.waits[it->second] = r.waits[o];
      }
      whole.failures.insert(whole.failures.end(), r.failures.begin(), r.failures.end());
      whole.events += r.events;
      whole.endTime = std::max(whole.endTime, r.endTime);
    }
    return whole;
  }

  uint64_t modelHash() const { return graph_.hash(catalog_); }

  TraceHeader header(uint64_t seed) const {
    TraceHeader h = header_;
    h.toolVersion = std::string(toolVersion());
    h.modelName = loaded_.model.name;
    h.modelHash = modelHash();
    for (const auto& [name, value] : graph_.params) h.params.emplace_back(name, std::to_string(value));
    h.seed = seed;
    h.linePaths.reserve(graph_.lines.size());
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      h.linePaths.push_back(graph_.linePath(catalog_, l));
      h.lineDomains.push_back(graph_.lines[l].domain);
    }
    h.domains = graph_.domains;
    return h;
  }

  void printRun(const RunResult& result, const std::vector<CheckResult>& checks) {
    for (size_t o = 0; o < graph_.outputs.size(); ++o) {
      const RunResult::Output& out = result.outputs[o];
      if (out.available) {
        std::cout << graph_.outputs[o].name << " = " << out.value.str() << " @ " << timeText(out.time) << "\n";
      } else {
        std::cout << graph_.outputs[o].name << " never available: waiting for " << result.waits[o] << "\n";
      }
    }
    for (const std::string& f : result.failures) std::cout << "failure: " << f << "\n";
    for (const CheckResult& c : checks) {
      std::cout << "check " << c.name << ": " << (c.pass ? "pass" : "fail") << (c.pass ? "" : " (" + c.why + ")") << "\n";
    }
  }

  std::string runJson(uint64_t seed, const RunResult& result, const std::vector<CheckResult>& checks) {
    std::ostringstream out;
    out << "{\"seed\": " << seed << ", \"outputs\": {";
    for (size_t o = 0; o < graph_.outputs.size(); ++o) {
      const RunResult::Output& r = result.outputs[o];
      out << (o ? ", " : "") << "\"" << jsonEscape(graph_.outputs[o].name) << "\": ";
      if (r.available) {
        out << "{\"value\": \"" << jsonEscape(r.value.str()) << "\", \"time_ns\": " << r.time << "}";
      } else {
        out << "{\"value\": null, \"waiting_for\": \"" << jsonEscape(result.waits[o]) << "\"}";
      }
    }
    out << "}, \"checks\": {";
    for (size_t c = 0; c < checks.size(); ++c) {
      out << (c ? ", " : "") << "\"" << checks[c].name << "\": {\"pass\": " << (checks[c].pass ? "true" : "false")
          << ", \"why\": \"" << jsonEscape(checks[c].why) << "\"}";
    }
    out << "}, \"failures\": [";
    for (size_t f = 0; f < result.failures.size(); ++f) out << (f ? ", " : "") << "\"" << jsonEscape(result.failures[f]) << "\"";
    out << "], \"events\": " << result.events << "}";
    return out.str();
  }

  // The one-line command that reruns a seed: the original command line
  // without the multi-seed flags.
  std::string repro(uint64_t seed) const {
    std::string out;
    const std::vector<std::string>& argv = options_.argv;
    for (size_t i = 0; i < argv.size(); ++i) {
      const std::string& a = argv[i];
      if (a == "--seeds" || a == "--shard" || a == "--seed" || a == "--trace") {
        ++i;
        continue;
      }
      if (a.rfind("--seeds=", 0) == 0 || a.rfind("--shard=", 0) == 0 || a.rfind("--seed=", 0) == 0 ||
          a.rfind("--trace=", 0) == 0 || a == "--json") {
        continue;
      }
      out += (out.empty() ? "" : " ") + shellQuote(a);
    }
    return out + " --seed " + std::to_string(seed);
  }

  const Options& options_;
  const LoadedModel& loaded_;
  const Graph& graph_;
  const Catalog& catalog_;
  DiagnosticSink& diags_;
  Simulator simulator_;
  CheckEvaluator checks_;
  RunConfig config_;
  TraceHeader header_;
  std::vector<bool> correct_;
  std::vector<std::optional<Value>> replayed_;
  uint64_t replaySeed_ = 0;
  std::unordered_map<std::string, uint32_t> wholeByPath_;
};

bool parseRange(const std::string& text, uint64_t& a, uint64_t& b) {
  size_t dots = text.find("..");
  if (dots == std::string::npos) return false;
  try {
    size_t used = 0;
    a = std::stoull(text.substr(0, dots), &used);
    if (used != dots) return false;
    std::string hi = text.substr(dots + 2);
    b = std::stoull(hi, &used);
    return used == hi.size() && a <= b;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

int run(const Options& options, const Catalog& catalog) {
  DiagnosticSink diags;
  auto finish = [&](int code) {
    printDiagnostics(diags, options.jsonDiagnostics);
    return code;
  };
  auto loaded = loadModelFile(options.model, catalog, {options.defines, options.elab}, diags);
  if (!loaded) return finish(kExitBadInput);
  Runner runner(options, *loaded, catalog, diags);
  if (!runner.prepare()) return finish(kExitBadInput);
  if (!options.seeds.empty()) {
    uint64_t first, last, shard = 0, shards = 1;
    if (!parseRange(options.seeds, first, last)) {
      diags.error("usage", {}, "--seeds: expected A..B with A <= B, got '" + options.seeds + "'");
      return finish(kExitBadInput);
    }
    if (!options.shard.empty()) {
      size_t slash = options.shard.find('/');
      try {
        shard = std::stoull(options.shard.substr(0, slash));
        shards = slash == std::string::npos ? 0 : std::stoull(options.shard.substr(slash + 1));
      } catch (const std::exception&) {
        shards = 0;
      }
      if (shards == 0 || shard >= shards) {
        diags.error("usage", {}, "--shard: expected i/N with 0 <= i < N, got '" + options.shard + "'");
        return finish(kExitBadInput);
      }
    }
    return finish(runner.seeds(first, last, shard, shards));
  }
  uint64_t seed = options.replay.empty() ? options.seed : runner.replaySeed();
  if (!options.listen.empty()) return finish(runner.node(seed));
  if (!options.cluster.empty()) return finish(runner.cluster(seed));
  return finish(options.split ? runner.split(seed) : runner.single(seed));
}

}  // namespace rdc::run
