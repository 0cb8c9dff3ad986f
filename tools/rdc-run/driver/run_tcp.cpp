// rdc-run over TCP: one projection as a node (--listen), or a cluster of
// nodes on this machine (--cluster) whose traces are merged and reported.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "ir/graph/project.h"
#include "ir/io/merge.h"
#include "ir/io/trace_io.h"
#include "ir/lang/expr.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-run/driver/cluster.h"
#include "tools/rdc-run/driver/runner.h"
#include "tools/rdc-run/net/node.h"

namespace rdc::run {

int Runner::node(uint64_t seed) {
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
    if (x.isGateway() && !peers->address(x.peer)) {
      return badInput("--peers: no address for " + x.peer + ", which " + x.name + " comes from");
    }
  }
  config_.seed = seed;
  std::unique_ptr<TraceWriter> writer;
  if (!openTrace(seed, writer)) return kExitBadInput;
  TraceSink sink;
  sink.writer = writer.get();
  net::NodeSetup setup;
  setup.simulator = &simulator_;
  setup.config = config_;
  setup.config.sink = writer ? &sink : nullptr;
  if (options_.until.empty()) setup.config.until = kDefaultNodeUntil;
  setup.peers = &*peers;
  setup.self = self;
  setup.modelHash = net::modelHashFor(loaded_.model.name, graph_.params);
  // An epoch is a moment near now (a cluster's start); far from it, the
  // node's clock arithmetic would overflow or the run would never end.
  constexpr int64_t kDay = 86'400'000'000'000;
  if (options_.epoch != 0 &&
      (options_.epoch < net::realtimeNanos() - kDay || options_.epoch > net::realtimeNanos() + kDay)) {
    return badInput("--epoch: " + std::to_string(options_.epoch) + " is not within a day of now (CLOCK_REALTIME ns)");
  }
  setup.epoch = options_.epoch;
  net::NodeOutcome outcome = net::runNode(setup);
  if (writer) writer->finish(sink.count, outcome.result.endTime);
  for (const std::string& problem : outcome.problems) diags_.error("peer", {}, problem);
  // Strangers cannot harm the run: warned about (a flood only counted), never a failure.
  for (const std::string& report : outcome.strangerReports) diags_.warning("stranger", {}, report);
  if (outcome.strangers > outcome.strangerReports.size()) {
    diags_.warning("stranger", {},
                   std::to_string(outcome.strangers - outcome.strangerReports.size()) +
                       " more connections refused before they authenticated");
  }
  if (!outcome.started) return kExitBadInput;
  std::cerr << "tcp " << self << ": " << outcome.connections << " connections, " << outcome.frames << " frames, "
            << outcome.deliveries << " deliveries, " << outcome.bytes << " bytes sent, " << outcome.strangers
            << " strangers refused\n";
  int code = report(seed, outcome.result, correct_);
  return outcome.problems.empty() ? code : kExitBadInput;
}

int Runner::cluster(uint64_t seed) {
  auto peers = readPeers(options_.cluster);
  if (!peers) return kExitBadInput;
  for (const std::string& d : graph_.domains) {
    if (!peers->address(d)) return badInput("--cluster: " + d + " has no address in " + options_.cluster);
  }
  auto domain = [&](const std::string& name, const char* flag) {
    if (std::find(graph_.domains.begin(), graph_.domains.end(), name) != graph_.domains.end()) return true;
    return usage(std::string(flag) + ": no domain '" + name + "' (the model's domains: " + graph_.domains.front() +
                 ", ...)");
  };
  std::map<std::string, int64_t> kills;
  for (const std::string& k : options_.kills) {
    size_t at = k.rfind('@');
    if (at == std::string::npos) return badInput("--kill: expected D@TIME, got '" + k + "'");
    std::string error;
    auto t = parseDuration(k.substr(at + 1), &error);
    if (!t) return badInput("--kill " + k + ": " + error);
    if (!domain(k.substr(0, at), "--kill")) return kExitBadInput;
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
  int64_t epoch = net::realtimeNanos() + kClusterStartup;
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
    p.argv = {selfExecutable(), dir + "/" + name + ".ir",   "--listen", *peers->address(name),
              "--peers",        options_.cluster,           "--seed",   std::to_string(seed),
              "--epoch",        std::to_string(epoch),      "--until",  durationString(until),
              "--trace",        dir + "/" + name + ".trace"};
    std::vector<std::string> faults = exact_.nodeFlags(name, part->graph, catalog_);
    p.argv.insert(p.argv.end(), faults.begin(), faults.end());
    if (kills.count(name)) p.killAt = kills[name];
    processes.push_back(std::move(p));
    traces.push_back(dir + "/" + name + ".trace");
  }
  // A far --until (up to INT64_MAX) leaves the cluster no deadline of its own.
  int64_t deadline = until > INT64_MAX - kClusterGrace - epoch ? INT64_MAX : epoch + until + kClusterGrace;
  std::vector<NodeExit> exits = runProcesses(processes, epoch, deadline);
  std::vector<bool> correct = correct_;
  for (size_t d = 0; d < graph_.domains.size(); ++d) {
    bool left =
        std::find(options_.leaveOut.begin(), options_.leaveOut.end(), graph_.domains[d]) != options_.leaveOut.end();
    if (left || kills.count(graph_.domains[d])) correct[d] = false;
  }
  std::vector<Trace> nodeTraces;
  std::vector<std::string> names;
  for (size_t i = 0; i < exits.size(); ++i) {
    const NodeExit& e = exits[i];
    if (e.killed) {
      std::cerr << e.domain << ": killed as asked\n";
    } else if (e.overdue || e.status != 0) {
      diags_.error("node-failed", {},
                   e.domain +
                       (e.overdue ? " did not finish by --until" : " exited with status " + std::to_string(e.status)) +
                       "; its output: " + processes[i].log + "\n" + tail(processes[i].log));
    }
    auto bytes = readInput(traces[i], diags_);
    DiagnosticSink quiet;
    auto t = bytes ? readTrace(*bytes, traces[i], quiet, true) : std::nullopt;
    if (t) nodeTraces.push_back(std::move(*t)), names.push_back(traces[i]);
  }
  if (nodeTraces.empty()) return badInput("no node left a trace (see " + dir + ")");
  auto merged = mergeTraces(nodeTraces, names, diags_);
  if (!merged) return kExitBadInput;
  merged->header.modelHash = modelHash();
  if (!options_.trace.empty() && !writeTrace(*merged, options_.trace, diags_)) return kExitBadInput;
  if (options_.trace.empty()) removeTree(dir);
  RunResult result = resultFromTrace(*merged);
  for (size_t o = 0; o < graph_.outputs.size(); ++o) {
    const std::string& d = graph_.domains[graph_.lines[graph_.outputs[o].line].domain];
    if (!correct[graph_.lines[graph_.outputs[o].line].domain] &&
        !config_.byzantine[graph_.lines[graph_.outputs[o].line].domain]) {
      result.waits[o] = d + (kills.count(d) ? ", which was killed" : ", which was left out or crashed");
    } else {
      result.waits[o] =
          "what " + d + " never received (see " + (options_.trace.empty() ? std::string("--trace") : dir) + ")";
    }
  }
  int code = report(seed, result, correct);
  return diags_.hasErrors() ? kExitBadInput : code;
}

std::optional<net::Peers> Runner::readPeers(const std::string& path) {
  auto text = readInput(path, diags_);
  if (!text) return std::nullopt;
  return net::parsePeers(*text, displayName(path), diags_);
}

RunResult Runner::resultFromTrace(const Trace& trace) const {
  std::unordered_map<std::string, size_t> outputByPath;
  for (size_t o = 0; o < graph_.outputs.size(); ++o)
    outputByPath.emplace(graph_.linePath(catalog_, graph_.outputs[o].line), o);
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

std::string Runner::makeTempDir() {
  char pattern[] = "/tmp/rdc-cluster-XXXXXX";
  return ::mkdtemp(pattern) ? std::string(pattern) : std::string();
}

void Runner::removeTree(const std::string& dir) {
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

std::string Runner::tail(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back("  | " + line);
  size_t from = lines.size() > 6 ? lines.size() - 6 : 0;
  std::string out;
  for (size_t i = from; i < lines.size(); ++i) out += lines[i] + (i + 1 < lines.size() ? "\n" : "");
  return out;
}

}  // namespace rdc::run
