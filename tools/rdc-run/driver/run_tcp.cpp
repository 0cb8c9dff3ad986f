// rdc-run over TCP: one projection as a node (--listen), or a cluster of
// nodes on this machine (--cluster) whose traces are merged and reported.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "ir/graph/project.h"
#include "ir/io/merge.h"
#include "ir/io/trace_io.h"
#include "ir/lang/expr.h"
#include "ir/tool/named_files.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-run/driver/cluster.h"
#include "tools/rdc-run/driver/node_keys.h"
#include "tools/rdc-run/driver/node_outputs.h"
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
  std::optional<net::NodeKeys> keys;
  if (!readNodeKeys(*peers, self, keys)) return kExitBadInput;
  config_.seed = seed;
  if (options_.epoch != 0 && !net::epochNearNow(options_.epoch)) {
    return badInput("--epoch: " + std::to_string(options_.epoch) + " is not within a day of now (CLOCK_REALTIME ns)");
  }
  // Time 0: --epoch, else a node started on its own counts from its start;
  // a cluster's node is given the cluster's epoch once every node is ready.
  int64_t epoch = options_.epoch ? options_.epoch : options_.readyFd >= 0 ? 0 : net::realtimeNanos();
  std::unique_ptr<TraceWriter> writer;
  if (!openTrace(seed, writer, epoch)) return kExitBadInput;
  TraceSink sink;
  sink.writer = writer.get();
  sink.graph = &graph_;
  sink.catalog = &catalog_;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> outputsFile(nullptr, &std::fclose);
  if (!options_.outputsFile.empty()) {
    outputsFile.reset(std::fopen(options_.outputsFile.c_str(), "w"));
    if (!outputsFile) return badInput("--outputs-file: cannot write " + options_.outputsFile);
  }
  IterationReport iterations(graph_, checks_, config_, correct_, options_.listOutputs);
  std::optional<NodeOutputsWriter> outputs;
  if (outputsFile) outputs.emplace(graph_, outputsFile.get(), &iterations);
  net::NodeSetup setup;
  setup.simulator = &simulator_;
  setup.config = config_;
  setup.config.sink = writer ? &sink : nullptr;
  if (graph_.unbounded) setup.config.iterations = outputs ? &*outputs : static_cast<IterationSink*>(&iterations);
  if (options_.until.empty()) setup.config.until = kDefaultNodeUntil;
  setup.peers = &*peers;
  setup.self = self;
  setup.modelHash = net::modelHashFor(loaded_.model.name, graph_.params);
  setup.keys = keys ? &*keys : nullptr;
  setup.epoch = epoch;
  // Before it waits: a node killed then has its outputs and trace on disk.
  setup.settled = [&outputs, &writer]() {
    if (outputs) outputs->flush();
    if (writer) writer->flush();
  };
  if (options_.readyFd >= 0) {
    // It must be the cluster's pipe, not one of this process's own (which
    // the event loop would lose when the node closes it).
    int flags = ::fcntl(options_.readyFd, F_GETFL);
    if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
      return badInput("--ready-fd " + std::to_string(options_.readyFd) +
                      ": not an open descriptor this node can write");
    setup.readyFd = options_.readyFd, setup.epochFd = STDIN_FILENO;
  }
  net::NodeOutcome outcome = net::runNode(setup);
  bool traced = !writer || writer->finish(sink.count, outcome.result.endTime);
  if (outputs) outputs->finish(outcome.result);
  for (const std::string& problem : outcome.problems) diags_.error("peer", {}, problem);
  // Strangers cannot harm the run: warned about (a flood only counted), never a failure.
  for (const std::string& report : outcome.strangerReports) diags_.warning("stranger", {}, report);
  for (const std::string& peer : outcome.gone) diags_.warning("peer-gone", {}, peer);
  if (!outcome.neverConnected.empty()) {
    std::string names;
    for (const std::string& d : outcome.neverConnected) names += (names.empty() ? "" : ", ") + d;
    diags_.warning("never-connected", {},
                   "this node never reached " + names + " (nor they it): nothing was exchanged with them");
  }
  if (outcome.refusedBehind) {
    diags_.warning("behind", {},
                   std::to_string(outcome.refusedBehind) + " deliveries refused while " +
                       std::to_string(options_.maxLive) +
                       " iterations were live: this node fell behind its peers (their iterations are cut off here; "
                       "raise --max-live or slow the stream)");
  }
  if (outcome.strangers > outcome.strangerReports.size()) {
    diags_.warning("stranger", {},
                   std::to_string(outcome.strangers - outcome.strangerReports.size()) +
                       " more connections refused before they authenticated");
  }
  if (!outcome.started) return kExitBadInput;
  std::cerr << "tcp " << self << ": " << outcome.connections << " connections, " << outcome.frames << " frames, "
            << outcome.deliveries << " deliveries, " << outcome.bytes << " bytes sent, " << outcome.strangers
            << " strangers refused";
  if (outcome.signaturesMade || outcome.signaturesVerified || outcome.forgeries) {
    std::cerr << ", " << outcome.signaturesMade << " signatures made, " << outcome.signaturesVerified << " verified, "
              << outcome.forgeries << " refused";
  }
  std::cerr << "\n";
  int code = report(seed, outcome.result, correct_, graph_.unbounded ? &iterations : nullptr);
  return outcome.problems.empty() && traced ? code : kExitBadInput;
}

// This node's secret key (--key), checked against the peers file, which it
// needs when the file gives public keys (it signs its handshakes and its
// signed values), and the public keys signed values crossing its gateways
// need to be verified.
bool Runner::readNodeKeys(const net::Peers& peers, const std::string& self, std::optional<net::NodeKeys>& keys) {
  auto refuse = [this](const std::string& message) {
    badInput(message);
    return false;
  };
  if (!net::initCrypto()) return refuse("libsodium cannot be initialised");
  if (!options_.key.empty()) {
    std::string why;
    keys = net::readSecretKeyFile(options_.key, &why);
    if (!keys) return refuse("--key " + options_.key + ": " + why);
    auto listed = peers.publicKeys.find(self);
    if (listed != peers.publicKeys.end() && listed->second != keys->publicKey) {
      return refuse("--key " + options_.key + ": not " + self + "'s key (its public key is " +
                    net::hexOf(keys->publicKey) + ", the peers file gives " + net::hexOf(listed->second) + ")");
    }
  }
  // With public keys, every node signs its side of each handshake.
  if (!peers.publicKeys.empty() && !keys) {
    return refuse("--key: the peers file gives the nodes' public keys, so " + self +
                  " proves it is itself with its secret key: give its key file (rdc-run --keygen FILE makes one)");
  }
  const Extrinsic* gateway = signedGateway(graph_, true);
  if (!gateway) gateway = signedGateway(graph_, false);
  if (gateway && peers.publicKeys.empty()) {
    return refuse("--peers " + options_.peers + ": no public keys, but " + gateway->name +
                  " carries signed values between " + self + " and " + gateway->peer +
                  ": give every node `address:` and `public-key:` (rdc-run --keygen FILE makes a key pair and "
                  "prints its public key), and each node its secret key with --key FILE");
  }
  return true;
}

namespace {

// What a cluster's merged trace records as crashes for the nodes that
// stopped without one, so that a replay has them not correct(...), as the
// cluster did: a left-out node at 0, a killed node at its kill, or just
// after its last event if that came later (what it did while the signal
// was on its way is done, and a replay makes no choice of a domain at or
// after its crash).
NamedTexts stoppedNodes(const std::map<std::string, int64_t>& kills, const std::vector<std::string>& leftOut,
                        const std::string& dir) {
  NamedTexts crashes;
  for (const std::string& d : leftOut) crashes.emplace_back(d, "0ns");
  for (const auto& [d, at] : kills) {
    int64_t stop = at;
    DiagnosticSink quiet;  // (killed before it made its trace: no events)
    if (auto reader = TraceReader::open(dir + "/" + d + ".trace", quiet, true)) {
      std::vector<TraceEvent> chunk;
      while (reader->next(chunk)) {
        for (const TraceEvent& e : chunk) stop = std::max(stop, e.time + 1);
      }
    }
    crashes.emplace_back(d, durationString(stop));
  }
  return crashes;
}

}  // namespace

int Runner::cluster(uint64_t seed) {
  auto peers = readPeers(options_.cluster);
  if (!peers) return kExitBadInput;
  for (const std::string& d : graph_.domains) {
    if (!peers->address(d)) return badInput("--cluster: " + d + " has no address in " + options_.cluster);
  }
  auto domain = [&](const std::string& name, const char* flag) {
    if (std::find(graph_.domains.begin(), graph_.domains.end(), name) != graph_.domains.end()) return true;
    return usage(std::string(flag) + ": no domain '" + name + "'" + didYouMean(name, graph_.domains) +
                 " (the model's domains: " + nameList(graph_.domains) + ")");
  };
  std::map<std::string, int64_t> kills;
  for (const std::string& k : options_.kills) {
    size_t at = k.rfind('@');
    if (at == std::string::npos) return badInput("--kill: expected D@TIME, got '" + k + "'");
    std::string error;
    auto t = parseDuration(k.substr(at + 1), &error);
    if (!t) return badInput("--kill " + k + ": " + error);
    if (!domain(k.substr(0, at), "--kill")) return kExitBadInput;
    if (!kills.emplace(k.substr(0, at), *t).second)
      return badInput("--kill: " + k.substr(0, at) + " is killed twice (a node is killed once)");
  }
  for (const std::string& d : options_.leaveOut) {
    if (!domain(d, "--leave-out")) return kExitBadInput;
    if (kills.count(d))
      return badInput("--kill " + d + ": " + d + " is left out (--leave-out): it never runs to be killed");
  }
  // A trace keeps the nodes' own beside it, in FILE.nodes/: so FILE is a
  // file (or none yet), not a device or a pipe (/dev/full.nodes/ in /dev).
  struct stat traceFile {};
  if (!options_.trace.empty() && ::stat(options_.trace.c_str(), &traceFile) == 0 && !S_ISREG(traceFile.st_mode)) {
    return badInput("--trace: " + options_.trace + " is not a regular file: a cluster keeps its nodes' traces beside " +
                    "the merged one, in " + options_.trace + ".nodes/");
  }
  std::string dir = options_.trace.empty() ? makeTempDir() : options_.trace + ".nodes";
  if (dir.empty() || (options_.trace.size() && ::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)) {
    diags_.error("io", {}, "cannot make the directory " + dir + " for the nodes' files: " + std::strerror(errno));
    return kExitBadInput;
  }
  // What a kept FILE.nodes/ will hold must not be a file the command line
  // reads (a model or peers file placed there) or writes.
  if (!options_.trace.empty()) {
    std::vector<NamedFile> files = commandLineFiles();
    if (options_.model == "-") files.push_back({"--trace", dir + "/model.ir", true});
    for (const std::string& name : graph_.domains) {
      for (const char* kind : {".ir", ".log", ".out", ".trace"})
        files.push_back({"--trace", dir + "/" + name + kind, true});
    }
    if (auto clash = clashingFiles(files))
      return badInput(*clash + " (a cluster's --trace FILE keeps its nodes' files in FILE.nodes/)");
  }
  // The nodes' files are removed on every way out, unless a trace keeps them.
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      if (!dir.empty()) removeTree(dir);
    }
  } cleanup{options_.trace.empty() ? dir : std::string()};
  int64_t until = options_.until.empty() ? kDefaultNodeUntil : config_.until;
  // Fresh key pairs for the nodes, removed on every way out (a kept
  // FILE.nodes/ has no secret key in it).
  std::string why;
  auto keys = ClusterKeys::make(*peers, &why);
  if (!keys) return badInput("--cluster: " + why);
  // The nodes read the model as given (a model read from standard input is
  // written once, as IR, for them).
  std::string model = options_.model;
  if (model == "-") {
    model = dir + "/model.ir";
    if (!writeOutput(model, writeIr(loaded_, catalog_, diags_), diags_)) return kExitBadInput;
  }
  std::vector<NodeProcess> processes;
  for (size_t d = 0; d < graph_.domains.size(); ++d) {
    const std::string& name = graph_.domains[d];
    if (std::find(options_.leaveOut.begin(), options_.leaveOut.end(), name) != options_.leaveOut.end()) continue;
    // (Each node projects the model itself: no file the size of the model
    // is written or read. The projection here is for the node's fault flags.)
    auto part = projectOnto(loaded_, catalog_, {name}, diags_);
    if (!part) return kExitBadInput;
    // Kept with a trace: each node's trace inverts on its projection.
    if (!options_.trace.empty() && !writeOutput(dir + "/" + name + ".ir", writeIr(*part, catalog_, diags_), diags_))
      return kExitBadInput;
    NodeProcess p;
    p.domain = name;
    p.log = dir + "/" + name + ".log";
    p.argv = {selfExecutable(), model,
              "--domain",       name,
              "--listen",       *peers->address(name),
              "--seed",         std::to_string(seed),
              "--peers",        keys->peersFile(),
              "--key",          keys->keyFile(nodeIndex(*peers, name)),
              "--ready-fd",     std::to_string(kReadyFd),
              "--until",        durationString(until),
              "--outputs-file", dir + "/" + name + ".out"};
    if (!options_.trace.empty()) p.argv.insert(p.argv.end(), {"--trace", dir + "/" + name + ".trace"});
    for (const auto& [k, v] : options_.defines) p.argv.insert(p.argv.end(), {"-D", k + "=" + v});
    if (options_.elab.maxLines != ElabOptions().maxLines)
      p.argv.insert(p.argv.end(), {"--max-lines", std::to_string(options_.elab.maxLines)});
    if (graph_.unbounded) {  // (flags a model without a box would warn of)
      p.argv.insert(p.argv.end(), {"--outputs", "summary", "--max-live", std::to_string(options_.maxLive)});
      if (options_.iterations) p.argv.insert(p.argv.end(), {"--iterations", std::to_string(options_.iterations)});
    }
    std::vector<std::string> faults = exact_.nodeFlags(name, part->graph, catalog_);
    p.argv.insert(p.argv.end(), faults.begin(), faults.end());
    if (kills.count(name)) p.killAt = kills[name];
    processes.push_back(std::move(p));
  }
  std::vector<bool> correct = correct_;
  for (size_t d = 0; d < graph_.domains.size(); ++d) {
    bool left =
        std::find(options_.leaveOut.begin(), options_.leaveOut.end(), graph_.domains[d]) != options_.leaveOut.end();
    if (left || kills.count(graph_.domains[d])) correct[d] = false;
  }
  std::vector<bool> readerCorrect;
  for (const NodeProcess& p : processes) {
    readerCorrect.push_back(
        correct[std::find(graph_.domains.begin(), graph_.domains.end(), p.domain) - graph_.domains.begin()]);
    // (Emptied first: a kept FILE.nodes/ may hold an earlier run's.)
    std::ofstream(dir + "/" + p.domain + ".out", std::ios::trunc);
  }
  // The iterations of the unbounded box are gathered and checked while the
  // nodes run, from their outputs files as they grow (on a thread of its
  // own, which reads until the nodes have ended).
  std::optional<IterationReport> iterations;
  if (graph_.unbounded) iterations.emplace(graph_, checks_, config_, correct, options_.listOutputs);
  std::vector<NodeOutputsReader> readers;
  struct Gathering {
    std::atomic<bool> running{true};
    std::thread thread;
    void end() {
      running = false;
      if (thread.joinable()) thread.join();
    }
    ~Gathering() { end(); }
  } gathering;
  gathering.thread = std::thread([&]() {
    for (const NodeProcess& p : processes)
      readers.emplace_back(dir + "/" + p.domain + ".out", [&gathering]() { return gathering.running.load(); });
    if (iterations) gatherIterations(readers, readerCorrect, *iterations);
  });
  // A far --until (up to INT64_MAX) leaves the cluster no deadline of its own.
  std::vector<NodeExit> exits =
      runProcesses(processes, until > INT64_MAX - kClusterGrace ? INT64_MAX : until + kClusterGrace);
  gathering.end();
  // Interrupted, the nodes end by the same signal or by the cluster's
  // SIGKILL: none of that is a node failing.
  if (int signal = clusterInterruptedBy()) {
    diags_.error("interrupted", {},
                 "the cluster was interrupted (signal " + std::to_string(signal) +
                     "): its nodes were stopped, nothing is reported");
    return 128 + signal;
  }
  bool stopped = false;
  for (size_t i = 0; i < exits.size(); ++i) {
    const NodeExit& e = exits[i];
    if (e.killed) {
      std::cerr << e.domain << ": killed as asked\n";
    } else if (e.stopped) {
      stopped = true;
    } else if (e.overdue || e.status != 0) {
      // The end of its log, as it is (a diagnostic would escape its newlines).
      std::cerr << e.domain << "'s log ends:\n" << tail(processes[i].log) << "\n";
      diags_.error("node-failed", {},
                   e.domain +
                       (e.overdue ? " did not finish by --until" : " exited with status " + std::to_string(e.status)) +
                       " (the end of its log is above)");
    }
  }
  if (stopped) return badInput("a node failed before the start, so the cluster stopped the others");
  // The run as the nodes' outputs tell it; a node that was killed before
  // it wrote anything recorded nothing.
  RunResult result = gatherOutputs(readers);
  for (size_t i = 0; i < readers.size(); ++i) {
    if (!readers[i].problem().empty())
      diags_.warning("node-outputs", {}, processes[i].domain + "'s outputs file: " + readers[i].problem());
  }
  if (!options_.trace.empty()) {
    // Streamed: the merge holds one chunk of each node's trace at a time.
    std::vector<std::unique_ptr<TraceReader>> readers;
    std::vector<MergeSource> sources;
    DiagnosticSink quiet;  // (a node killed before its header recorded nothing)
    for (const NodeProcess& p : processes) {
      std::string path = dir + "/" + p.domain + ".trace";
      if (::access(path.c_str(), F_OK) != 0) continue;  // killed before it made its trace: it recorded nothing
      auto reader = TraceReader::open(path, quiet, true);
      if (!reader) continue;
      sources.push_back(mergeSource(*reader, path));
      readers.push_back(std::move(reader));
    }
    if (sources.empty()) return badInput("no node left a trace (see " + dir + ")");
    auto out = TraceWriter::open(options_.trace, diags_, TracePlacement::Whole);
    if (!out) return kExitBadInput;
    auto merged =
        mergeTraces(sources, *out, diags_, {modelHash(), stoppedNodes(kills, options_.leaveOut, dir), checkNames_});
    if (!merged) {
      for (const Diagnostic& d : quiet.all()) {  // why a node's trace could not be read
        std::string file = d.pos.file < quiet.files().size() ? quiet.files()[d.pos.file] + ": " : "";
        if (d.severity == Severity::Error) diags_.error(d.code, {}, file + d.message);
      }
      return kExitBadInput;
    }
    result.events = merged->events;
    result.endTime = merged->endTime;
  }
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
  int code = report(seed, result, correct, iterations ? &*iterations : nullptr);
  return diags_.hasErrors() ? kExitBadInput : code;
}

// Each iteration of the unbounded box as the whole model ran it: every
// node's part of it, gathered in the order of k (each node's file is in
// that order). It is complete when every correct node that ran it
// completed it (a node that never began it had nothing to do in it).
void Runner::gatherIterations(std::vector<NodeOutputsReader>& readers, const std::vector<bool>& correct,
                              IterationReport& report) const {
  const UnboundedBox& box = *graph_.unbounded;
  auto byName = [](const std::vector<Extrinsic>& xs, uint32_t first, uint32_t count) {
    std::map<std::string, uint32_t> m;
    for (uint32_t j = 0; j < count; ++j) m.emplace(xs[first + j].name, j);
    return m;
  };
  const std::array<std::map<std::string, uint32_t>, 2> outputIndex{
      byName(graph_.outputs, box.first().output, box.first().outputs),
      byName(graph_.outputs, box.general().output, box.general().outputs)};
  const std::array<std::map<std::string, uint32_t>, 2> inputIndex{
      byName(graph_.inputs, box.first().input, box.first().inputs),
      byName(graph_.inputs, box.general().input, box.general().inputs)};
  for (;;) {
    std::optional<int64_t> k;
    for (const NodeOutputsReader& r : readers) {
      if (auto next = r.peek(); next && (!k || *next < *k)) k = next;
    }
    if (!k) return;
    int g = *k == 0 ? 0 : 1;
    const IterationBlock& block = box.window[g];
    std::vector<OutputValue> outputs(block.outputs);
    std::vector<Value> inputs(block.inputs);
    for (uint32_t j = 0; j < block.inputs; ++j)
      inputs[j] = Simulator::zeroValue(graph_.lines[graph_.inputs[block.input + j].line].type, graph_.types);
    bool complete = true;
    for (size_t n = 0; n < readers.size(); ++n) {
      if (readers[n].peek() != k) continue;
      NodeIteration it = readers[n].take();
      if (correct[n]) complete = complete && it.complete;
      for (auto& [name, value] : it.outputs) {
        auto o = outputIndex[g].find(iterationName(name, g));
        if (o != outputIndex[g].end()) outputs[o->second] = std::move(value);
      }
      for (auto& [name, value] : it.inputs) {
        auto i = inputIndex[g].find(iterationName(name, g));
        if (i != inputIndex[g].end()) inputs[i->second] = std::move(value);
      }
    }
    report.retired({*k, complete, outputs, inputs});
  }
}

// The outputs outside the unbounded box, as the nodes that finished wrote them.
RunResult Runner::gatherOutputs(std::vector<NodeOutputsReader>& readers) const {
  std::map<std::string, uint32_t> byName;
  for (uint32_t o = 0; o < graph_.outputs.size(); ++o) byName.emplace(graph_.outputs[o].name, o);
  RunResult r;
  r.outputs.resize(graph_.outputs.size());
  r.waits.resize(graph_.outputs.size());
  for (NodeOutputsReader& reader : readers) {
    for (auto& [name, value] : reader.rest()) {
      auto it = byName.find(name);
      if (it != byName.end()) {
        r.endTime = std::max(r.endTime, value.time);
        r.outputs[it->second] = std::move(value);
      }
    }
    r.iterations = std::max(r.iterations, reader.iterations());
    r.peakLiveIterations = std::max(r.peakLiveIterations, reader.peakLive());
  }
  return r;
}

size_t Runner::nodeIndex(const net::Peers& peers, const std::string& domain) {
  for (size_t n = 0; n < peers.nodes.size(); ++n) {
    if (peers.nodes[n].first == domain) return n;
  }
  return peers.nodes.size();
}

std::optional<net::Peers> Runner::readPeers(const std::string& path) {
  auto text = readInput(path, diags_);
  if (!text) return std::nullopt;
  auto peers = net::parsePeers(*text, displayName(path), diags_);
  if (!peers) return std::nullopt;
  for (const auto& [domain, address] : peers->nodes) {  // (a node of another model, or a typo, would never be heard of)
    if (std::find(graph_.domains.begin(), graph_.domains.end(), domain) != graph_.domains.end()) continue;
    diags_.error("peers-file", {diags_.addFile(displayName(path)), 0, 0},
                 "'" + domain + "' is no domain of the model" + didYouMean(domain, graph_.domains) +
                     " (its domains: " + nameList(graph_.domains) + ")");
    return std::nullopt;
  }
  return peers;
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
