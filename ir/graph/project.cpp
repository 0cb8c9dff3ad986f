// Projection of an elaborated model onto a set of domains (model.md section 5).
#include <algorithm>
#include <array>

#include "ir/graph/project.h"
#include "ir/graph/verify.h"

namespace rdc {

namespace {

class Projector {
 public:
  Projector(const Graph& whole, const Catalog& catalog, std::vector<bool> keep)
      : whole_(whole), catalog_(catalog), keep_(std::move(keep)), newLine_(whole.lines.size(), kNone) {}

  Graph run() {
    g_.types = whole_.types;
    g_.domains = whole_.domains;
    g_.constants = whole_.constants;
    g_.fns = whole_.fns;
    g_.params = whole_.params;
    g_.tree = whole_.tree;
    g_.segments = whole_.segments;
    g_.argSets = whole_.argSets;
    g_.positions = whole_.positions;
    for (uint32_t i = 0; i < whole_.instances.size(); ++i) {
      markIteration(i);
      const FlatInstance& inst = whole_.instances[i];
      const BaseComponent& base = catalog_.at(inst.base);
      if (base.domain != DomainRule::Cross) {
        if (keep_[whole_.lines[inst.firstLine].domain]) copyInstance(inst);
        continue;
      }
      uint32_t sender = sideLine(inst, base, 0), receiver = sideLine(inst, base, 1);
      bool sends = keep_[whole_.lines[sender].domain], receives = keep_[whole_.lines[receiver].domain];
      if (sends && receives)
        copyInstance(inst);
      else if (sends)
        half(inst, base, base.sendHalf, receiver);
      else if (receives)
        half(inst, base, base.receiveHalf, sender);
    }
    markIteration(static_cast<uint32_t>(whole_.instances.size()));
    // Wires now point at new line ids; extrinsics at their new lines.
    for (FlatLine& line : g_.lines) {
      if (line.source.kind == Endpoint::Kind::Wire) line.source.ref = newLine_[line.source.ref];
      if (line.sink.kind == Endpoint::Kind::Wire) line.sink.ref = newLine_[line.sink.ref];
    }
    // Extrinsics in the whole's order, each iteration's gateways right
    // after its own extrinsics (so that an iteration's are one range), the
    // rest's gateways last.
    std::vector<uint32_t> newInput(whole_.inputs.size(), kNone);
    for (bool input : {true, false}) {
      const std::vector<Extrinsic>& from = input ? whole_.inputs : whole_.outputs;
      for (uint32_t x = 0; x <= from.size(); ++x) {
        markExtrinsics(input, x);
        if (x == from.size()) break;
        uint32_t l = newLine_[from[x].line];
        if (l == kNone) continue;
        if (input) newInput[x] = extrinsicCount(true);
        Extrinsic copy = from[x];
        copy.line = l;
        (input ? g_.lines[l].source : g_.lines[l].sink).ref = extrinsicCount(input);
        (input ? g_.inputs : g_.outputs).push_back(std::move(copy));
      }
      addGateways(input, -1);
    }
    if (whole_.unbounded) projectBox(newInput);
    return std::move(g_);
  }

 private:
  uint32_t copyLine(uint32_t old, uint32_t instance, uint16_t sig) {
    FlatLine line = whole_.lines[old];
    line.instance = instance;
    line.sig = sig;
    newLine_[old] = static_cast<uint32_t>(g_.lines.size());
    g_.lines.push_back(line);
    return newLine_[old];
  }

  FlatInstance& start(const FlatInstance& from, uint16_t base) {
    FlatInstance inst = from;
    inst.base = base;
    inst.firstLine = static_cast<uint32_t>(g_.lines.size());
    g_.instances.push_back(std::move(inst));
    return g_.instances.back();
  }

  void copyInstance(const FlatInstance& from) {
    uint32_t id = static_cast<uint32_t>(g_.instances.size());
    start(from, from.base);
    for (uint32_t l = from.firstLine; l < from.firstLine + from.lineCount; ++l) copyLine(l, id, whole_.lines[l].sig);
  }

  // The first line of a cross-domain instance on one side (0: sending).
  uint32_t sideLine(const FlatInstance& inst, const BaseComponent& base, int side) const {
    for (size_t k = 0; k < base.lines.size(); ++k) {
      if (base.lines[k].side == side) return inst.firstLine + static_cast<uint32_t>(k);
    }
    return inst.firstLine;
  }

  // One half of a cut cross-domain instance (lines are scalars there): the
  // lines it shares with the whole keep their wiring; a line of its own is
  // the gateway: a send half's copy for the network (chosen, leaving as an
  // extrinsic output), or a receive half's line fed by the network (an
  // extrinsic input). `peerLine` is a line of the side that was cut away.
  void half(const FlatInstance& whole, const BaseComponent& cross, const std::string& halfName, uint32_t peerLine) {
    uint16_t halfIndex = *catalog_.find(halfName);
    const BaseComponent& halfBase = catalog_.at(halfIndex);
    uint32_t id = static_cast<uint32_t>(g_.instances.size());
    start(whole, halfIndex).lineCount = static_cast<uint32_t>(halfBase.lines.size());
    const std::string peer = whole_.domains[whole_.lines[peerLine].domain];
    bool sending = halfName == cross.sendHalf;
    const std::string path = whole_.nodePath(whole.node);
    for (uint16_t k = 0; k < halfBase.lines.size(); ++k) {
      int from = cross.lineIndex(halfBase.lines[k].name);
      if (from < 0) {  // the send half's copy for the network, made from its first line
        FlatLine net = whole_.lines[whole.firstLine + static_cast<uint32_t>(cross.lineIndex(halfBase.lines[0].name))];
        net.instance = id;
        net.sig = k;
        net.source = {Endpoint::Kind::Choose, kNone};
        g_.lines.push_back(net);
        gateways_.push_back({static_cast<uint32_t>(g_.lines.size() - 1), "net:" + path, peer, path, false, iteration_});
        continue;
      }
      uint32_t line = copyLine(whole.firstLine + static_cast<uint32_t>(from), id, k);
      if (!sending) gateways_.push_back({line, "net:" + path, peer, path, true, iteration_});
    }
  }

  uint32_t extrinsicCount(bool input) const { return static_cast<uint32_t>((input ? g_.inputs : g_.outputs).size()); }

  // The gateways made in iteration `k` of the unbounded box's window (-1:
  // outside it), as extrinsics.
  void addGateways(bool input, int k) {
    for (const auto& [line, name, peer, path, isInput, iteration] : gateways_) {
      if (isInput != input || iteration != k) continue;
      (input ? g_.lines[line].source : g_.lines[line].sink) = {input ? Endpoint::Kind::Input : Endpoint::Kind::Output,
                                                               extrinsicCount(input)};
      (input ? g_.inputs : g_.outputs).push_back({name, line, g_.linePos(line), std::nullopt, 0, path, peer});
    }
  }

  // Where the window's iterations begin and end among the part's lines and
  // instances: called before projecting the whole's instance `i`, and
  // with the whole's instance count at the end.
  void markIteration(uint32_t i) {
    if (!whole_.unbounded) return;
    for (int k = 0; k < UnboundedBox::kWindow; ++k) {
      const IterationBlock& w = whole_.unbounded->window[k];
      IterationBlock& b = blocks_[k];
      if (i == w.instance) {
        b.line = static_cast<uint32_t>(g_.lines.size());
        b.instance = static_cast<uint32_t>(g_.instances.size());
        iteration_ = k;
      }
      if (i == w.instance + w.instances) {
        b.lines = static_cast<uint32_t>(g_.lines.size()) - b.line;
        b.instances = static_cast<uint32_t>(g_.instances.size()) - b.instance;
        if (iteration_ == k) iteration_ = -1;
      }
    }
  }

  // The same for extrinsics: called before copying the whole's extrinsic
  // `x` (and with their count at the end); an iteration's gateways follow
  // its own extrinsics.
  void markExtrinsics(bool input, uint32_t x) {
    if (!whole_.unbounded) return;
    for (int k = 0; k < UnboundedBox::kWindow; ++k) {
      const IterationBlock& w = whole_.unbounded->window[k];
      IterationBlock& b = blocks_[k];
      uint32_t first = input ? w.input : w.output, count = input ? w.inputs : w.outputs;
      if (x == first) (input ? b.input : b.output) = extrinsicCount(input);
      if (x == first + count) {
        addGateways(input, k);
        (input ? b.inputs : b.outputs) = extrinsicCount(input) - (input ? b.input : b.output);
      }
    }
  }

  // The window as the part holds it: each iteration's kept lines,
  // instances and extrinsics (the tree is the whole's), the streams and
  // open ports it kept. A part with nothing of the general iteration has
  // no box: iteration 0's lines then run as ordinary lines.
  void projectBox(const std::vector<uint32_t>& newInput) {
    UnboundedBox box = *whole_.unbounded;
    for (int k = 0; k < UnboundedBox::kWindow; ++k) {
      box.window[k] = blocks_[k];
      box.window[k].node = whole_.unbounded->window[k].node;
      box.window[k].nodes = whole_.unbounded->window[k].nodes;
    }
    if (box.general().lines == 0) return;
    box.streams.clear();
    for (StreamInput stream : whole_.unbounded->streams) {
      if (newInput[stream.input] == kNone) continue;
      stream.input = newInput[stream.input];
      box.streams.push_back(std::move(stream));
    }
    box.openPorts.clear();
    for (uint32_t l : whole_.unbounded->openPorts) {
      if (newLine_[l] != kNone) box.openPorts.push_back(newLine_[l]);
    }
    g_.unbounded = std::move(box);
  }

  struct Gateway {
    uint32_t line;
    std::string name, peer, path;
    bool input;
    int iteration;  ///< of the unbounded box's window; -1: outside it
  };

  const Graph& whole_;
  const Catalog& catalog_;
  std::vector<bool> keep_;
  std::vector<uint32_t> newLine_;
  std::vector<Gateway> gateways_;
  // The unbounded box's window in the part, and the iteration being projected (-1: none).
  std::array<IterationBlock, UnboundedBox::kWindow> blocks_{};
  int iteration_ = -1;
  Graph g_;
};

const char* sourceName(Endpoint::Kind kind) {
  switch (kind) {
    case Endpoint::Kind::Const:
      return "a constant";
    case Endpoint::Kind::Input:
      return "an input";
    case Endpoint::Kind::Never:
      return "`never`";
    default:
      return "a wire";
  }
}

// Refuses to cut a cross-domain instance whose receiving side has a
// choosable line bound to something other than `choose` (a Link whose rcv
// is a constant or a wire: a forced channel). The receiving half's line is
// fed by the network, so the binding would be lost and the receiver could
// not tell when to release it; forcing the line (--force, a faults file)
// models the same channel and survives projection.
bool boundLinesUncut(const Graph& whole, const Catalog& catalog, const std::vector<bool>& keep, DiagnosticSink& diags) {
  bool ok = true;
  for (const FlatInstance& inst : whole.instances) {
    const BaseComponent& base = catalog.at(inst.base);
    if (base.domain != DomainRule::Cross) continue;
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
      const LineSig* sig = whole.signature(catalog, l);
      const FlatLine& line = whole.lines[l];
      if (!sig || sig->side != 1 || !sig->choosable || line.source.kind == Endpoint::Kind::Choose) continue;
      if (!keep[line.domain]) continue;
      bool cut = false;  // some sending line is in a domain left out
      for (uint32_t m = inst.firstLine; m < inst.firstLine + inst.lineCount; ++m) {
        const LineSig* other = whole.signature(catalog, m);
        if (other && other->side == 0 && !keep[whole.lines[m].domain]) cut = true;
      }
      if (!cut) continue;
      diags.error("projection", whole.linePos(l),
                  whole.linePath(catalog, l) + " is bound to " + sourceName(line.source.kind) +
                      " (a forced channel), so its Link cannot be cut: the receiving side of a projection takes "
                      "what the network delivers. Bind it to `choose` and force it (--force, a faults file) "
                      "instead");
      ok = false;
    }
  }
  return ok;
}

}  // namespace

std::optional<LoadedModel> projectOnto(const LoadedModel& whole, const Catalog& catalog,
                                       const std::vector<std::string>& domains, DiagnosticSink& diags) {
  std::vector<bool> keep(whole.graph.domains.size(), false);
  for (const std::string& d : domains) {
    auto it = std::find(whole.graph.domains.begin(), whole.graph.domains.end(), d);
    if (it == whole.graph.domains.end()) {
      diags.error("usage", {},
                  "no domain '" + d + "' in the model" + didYouMean(d, whole.graph.domains) +
                      " (its domains: " + nameList(whole.graph.domains) + ")");
      return std::nullopt;
    }
    keep[it - whole.graph.domains.begin()] = true;
  }
  if (!boundLinesUncut(whole.graph, catalog, keep, diags)) return std::nullopt;
  LoadedModel part{whole.model, Projector(whole.graph, catalog, keep).run(), domains, whole.graph.hash(catalog)};
  part.model.checks.clear();
  if (!selfCheckGraph(part.graph, catalog, diags)) return std::nullopt;
  std::sort(part.projection.begin(), part.projection.end());
  part.projection.erase(std::unique(part.projection.begin(), part.projection.end()), part.projection.end());
  return part;
}

}  // namespace rdc
