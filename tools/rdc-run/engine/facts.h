// What the engine needs to know about each line and instance of a graph,
// worked out once per graph so that runs (many per second) do no name
// lookups and visit only the lines that take part in them.
//
// Internal to the engine (engine.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/components/semantics.h"
#include "ir/graph/graph.h"

namespace rdc::run {

/// Which line ends a run needs: an output is demanded when an extrinsic
/// output reads it (through the components' rules), an input when a
/// demanded output or a chosen input reads it. What a Link sends (its snd)
/// is always demanded, as a projection's Send gateway demands it: a sender
/// cannot know whether its receiver needs the message, so its demand (and
/// so its trace) never depends on another domain's. A component interacts
/// (reacts to its inputs) once any of its outputs is demanded, or when it
/// is part of the network.
struct Demand {
  std::vector<uint8_t> out, in;    ///< per line
  std::vector<uint8_t> interacts;  ///< per instance
};

/// What a run reads of a line on every event. It is not stored: most of
/// it is the graph's line (GraphFacts::hot assembles it), so that the
/// engine's tables do not hold a second copy of every line.
struct HotLine {
  uint32_t instance = kNone;
  uint16_t base = 0;  ///< its instance's base component (what graph_.instances would say, a cache miss away)
  uint32_t domain = 0;
  uint32_t wireTo = kNone;   ///< the line its output feeds, if a wire
  uint32_t output = kNone;   ///< the extrinsic output it feeds, if one
  bool passThrough = false;  ///< its input passes to its output unchanged (or it is an Fn argument)
  /// A choosable input bound to a value source (a constant, an input or a
  /// wire) rather than `choose`. The binding forces the value; the
  /// component's rule still decides when its output is released.
  bool bound = false;
  bool chooses = false;  ///< its source is `choose`
  /// Part of the network (a Link, or the gateway input of a cut one). The
  /// network always carries what is sent, demanded or not, so that a
  /// sender behaves the same whether its receiver is in the same run,
  /// another projection or another process.
  bool network = false;
  /// A projection's copy to the network (Send's net), which the whole model
  /// has no line for: not a choice of the model.
  bool gatewayOut = false;
  /// Its output crosses into the next iteration of the unbounded box:
  /// wireTo is then the general iteration's line that receives it (what the
  /// next iteration's copy of that line receives).
  bool crossing = false;
};

/// Where the engine keeps the live iterations of the unbounded box
/// (ir/graph/unbounded.h). Iteration 0 runs on the window's block 0. Every
/// later live iteration has a slot: slot 0 is the window's general
/// iteration (block 1) itself, slot s > 0 a copy of it after the graph's
/// lines and instances. A slot's lines and instances are the general
/// iteration's shifted, so what the engine knows of a line (HotLine,
/// demand, reactions) is looked up through its general line, computed
/// from the line's number (no table to reach on every event).
/// A divisor made ready to divide many 32-bit numbers by a multiplication
/// instead of a division (a division takes tens of cycles, and the engine
/// divides a line's number on every event): Lemire, Kaser and Kurz, "Faster
/// remainder by direct computation" (2019), exact for every 32-bit number.
class Divisor {
 public:
  explicit Divisor(uint32_t d = 1) : d_(d), m_(d > 1 ? UINT64_MAX / d + 1 : 0) {}
  uint32_t quotient(uint32_t n) const {
    return d_ > 1 ? static_cast<uint32_t>((static_cast<unsigned __int128>(m_) * n) >> 64) : n;
  }
  uint32_t remainder(uint32_t n) const {
    return d_ > 1 ? static_cast<uint32_t>((static_cast<unsigned __int128>(m_ * n) * d_) >> 64) : 0;
  }

 private:
  uint32_t d_;
  uint64_t m_;  // 2^64 / d rounded up (0 for d = 1)
};

struct IterationLayout {
  explicit IterationLayout(const Graph& graph)
      : box(graph.unbounded ? &*graph.unbounded : nullptr),
        lines(static_cast<uint32_t>(graph.lines.size())),
        instances(static_cast<uint32_t>(graph.instances.size())),
        outputs(static_cast<uint32_t>(graph.outputs.size())),
        general(box ? box->general() : IterationBlock{}),
        perSlotLines(std::max<uint32_t>(general.lines, 1)),
        perSlotInstances(std::max<uint32_t>(general.instances, 1)) {}

  const UnboundedBox* box;
  uint32_t lines, instances, outputs;  ///< the graph's (the window's included)
  IterationBlock general;
  Divisor perSlotLines, perSlotInstances;  ///< by the general iteration's lines and instances

  /// A slot's copy of a general line, instance or output.
  uint32_t line(uint32_t slot, uint32_t g) const {
    return slot == 0 ? g : lines + (slot - 1) * general.lines + (g - general.line);
  }
  uint32_t instance(uint32_t slot, uint32_t g) const {
    return slot == 0 ? g : instances + (slot - 1) * general.instances + (g - general.instance);
  }
  uint32_t output(uint32_t slot, uint32_t g) const {
    return slot == 0 ? g : outputs + (slot - 1) * general.outputs + (g - general.output);
  }

  /// The slot of a line or instance (kNone: the graph's own, outside the
  /// general iteration), and the general line or instance it stands for
  /// (itself for the graph's): the inverses of line() and instance(). Only
  /// with a box.
  uint32_t slotOfLine(uint32_t l) const {
    if (l >= lines) return 1 + perSlotLines.quotient(l - lines);
    return general.hasLine(l) ? 0 : kNone;
  }
  uint32_t generalLine(uint32_t l) const { return l >= lines ? general.line + perSlotLines.remainder(l - lines) : l; }
  uint32_t slotOfInstance(uint32_t i) const {
    if (i >= instances) return 1 + perSlotInstances.quotient(i - instances);
    return general.hasInstance(i) ? 0 : kNone;
  }
  uint32_t generalInstance(uint32_t i) const {
    return i >= instances ? general.instance + perSlotInstances.remainder(i - instances) : i;
  }
};

struct GraphFacts {
  GraphFacts(const Graph& graph, const Catalog& catalog);

  /// A line's hot facts: the graph's line and its flags.
  HotLine hot(uint32_t l) const {
    const FlatLine& line = graph_.lines[l];
    uint8_t f = flags_[l];
    HotLine h;
    h.instance = line.instance;
    h.base = base_[l];
    h.domain = line.domain;
    h.wireTo = line.sink.kind == Endpoint::Kind::Wire ? line.sink.ref : kNone;
    h.output = line.sink.kind == Endpoint::Kind::Output ? line.sink.ref : kNone;
    h.passThrough = f & kPassThrough;
    h.bound = f & kBound;
    h.chooses = f & kChooses;
    h.network = f & kNetwork;
    h.gatewayOut = f & kGatewayOut;
    h.crossing = f & kCrossing;
    if (f & kFromGeneral) h.wireTo -= layout.general.lines;  // iteration 2's line, as the general one
    return h;
  }
  /// Whether some choice's option is picked by this line's value (a forced
  /// value on it changes what the run demands).
  bool picksAnOption(uint32_t l) const { return flags_[l] & kPicksAnOption; }
  /// HotLine::bound and HotLine::chooses alone, for the questions a
  /// component's reaction asks on every firing.
  bool bound(uint32_t l) const { return flags_[l] & kBound; }
  bool chooses(uint32_t l) const { return flags_[l] & kChooses; }

  IterationLayout layout;
  /// Per stream input of the unbounded box: its value and arrival time, parsed
  /// (null when the model gives none).
  std::vector<ExprPtr> streamValue, streamArrival;

  std::vector<ReactFn> react;  ///< per base component of the catalog: its reaction (null: none)
  /// Its reaction to a value its rule chose arriving (null: none to call,
  /// BaseComponent::ignoresItsChoices).
  std::vector<ReactFn> reactToChoice;
  /// Per instance: the rank of its end-of-instant decisions among an
  /// instant's (decision_order.h).
  std::vector<uint16_t> decisionRank;
  /// Per base component: BaseComponent::readsArrivalTimes (read on every arrival).
  std::vector<uint8_t> readsArrivalTimes;

  /// What demand reads of an instance's lines, the same for every instance
  /// of a shape (a base component with the same parameters and lines), so
  /// it is kept once per shape, by line offsets within the instance, not
  /// once per line: a large model has a few shapes and millions of lines.
  struct Shape {
    /// Per line: its signature (null for an Fn argument), which make
    /// instances of one shape (with the base and its parameters, which
    /// place each line's element).
    std::vector<const LineSig*> sigs;
    /// CSR per line offset: the inputs a demanded output reads besides its
    /// own, and the inputs its rule reads if it is a chosen input.
    std::vector<uint32_t> outStart, outReads;
    /// Per line offset: a computed line, whose output reads every input of
    /// its instance. Those are not listed in outReads: a Sync<k>'s k lines
    /// would list k^2 reads (a gigabyte at k = 16,384).
    std::vector<uint8_t> readsAll;
    std::vector<uint32_t> choiceStart, choiceReads;
    /// Per line offset, the line whose statically known value picks one of
    /// its option reads (Select's chosen), or kNone; per choice read, its
    /// option element or -1.
    std::vector<uint32_t> indexLine;
    std::vector<int32_t> optionElement;
  };
  std::vector<Shape> shapes;
  std::vector<uint32_t> shapeOf;  ///< per instance

  /// The inputs the Links of the graph send (their snd), in line order:
  /// demanded in every run.
  std::vector<uint32_t> sends;
  /// The lines a run starts from (a constant or an extrinsic input as
  /// source), in line order; the general iteration's begin with each
  /// iteration (the window's iterations 1 and 2 are not run as such).
  std::vector<uint32_t> sources, generalSources;
  /// The lines that can be forced (a `choose` input, or a gateway input
  /// standing for a cut Link's rcv), in line order; and the same for the
  /// general iteration's lines, forced per iteration.
  std::vector<uint32_t> choices, generalChoices;
  /// A forceable line's number of options when it is a Select's choice,
  /// else 0 (a Byzantine lie about a choice stays among the options).
  int64_t lieOptions(uint32_t l) const {
    const FlatLine& line = graph_.lines[l];
    const FlatInstance& inst = graph_.instances[line.instance];
    const LineSig* sig = shapes[shapeOf[line.instance]].sigs[l - inst.firstLine];
    if (!sig || sig->picks.empty()) return 0;
    const BaseComponent& base = catalog_.at(inst.base);
    return graph_.args(inst)[base.lines[base.lineIndex(sig->picks)].sizeParam];
  }
  /// What a run demands when no forced value picks an option: the common
  /// case, computed once.
  Demand unforced;

  /// The demand of a run whose forced (or constant) Int values are given by
  /// `known(line)` (nullptr when the value is not known before the run).
  template <typename Known>
  Demand demand(const Graph& graph, Known known) const;

 private:
  // HotLine's flags, and whether a line picks an option; kFromGeneral: a
  // crossing line of the general iteration, whose wireTo is iteration 2's.
  enum : uint8_t {
    kPassThrough = 1,
    kBound = 2,
    kChooses = 4,
    kNetwork = 8,
    kGatewayOut = 16,
    kCrossing = 32,
    kFromGeneral = 64,
    kPicksAnOption = 128
  };
  // The shape of `inst` (made on its first instance).
  uint32_t shapeFor(const Graph& graph, const Catalog& catalog, const FlatInstance& inst,
                    std::map<std::tuple<uint16_t, uint32_t, uint32_t>, std::vector<uint32_t>>& byKey);

  const Graph& graph_;
  const Catalog& catalog_;
  std::vector<uint8_t> flags_;  // per line
  std::vector<uint16_t> base_;  // per line: its instance's base component
};

template <typename Known>
Demand GraphFacts::demand(const Graph& graph, Known known) const {
  size_t n = graph.lines.size();
  Demand d;
  d.out.assign(n, 0);
  d.in.assign(n, 0);
  std::vector<uint32_t> work;                               // outputs as 2l+1, inputs as 2l
  std::vector<uint8_t> allRead(graph.instances.size(), 0);  // per instance: its inputs are all demanded
  auto needOut = [&](uint32_t l) {
    if (!d.out[l]) d.out[l] = 1, work.push_back(2 * l + 1);
  };
  auto needIn = [&](uint32_t l) {
    if (!d.in[l]) d.in[l] = 1, work.push_back(2 * l);
  };
  for (const Extrinsic& o : graph.outputs) needOut(o.line);
  for (uint32_t l : sends) needIn(l);
  // What crosses from the window's last iteration into the next is
  // demanded, as it is from every iteration into the next.
  if (graph.unbounded) {
    for (uint32_t l : graph.unbounded->openPorts) needOut(l);
  }
  while (!work.empty()) {
    uint32_t item = work.back();
    work.pop_back();
    uint32_t l = item / 2;
    const FlatLine& line = graph.lines[l];
    uint32_t first = graph.instances[line.instance].firstLine, o = l - first;
    const Shape& shape = shapes[shapeOf[line.instance]];
    if (item & 1) {
      needIn(l);  // every output reads its own input
      if (shape.readsAll[o]) {
        if (!allRead[line.instance]) {
          allRead[line.instance] = 1;
          for (uint32_t m = 0; m < shape.sigs.size(); ++m) needIn(first + m);
        }
        continue;
      }
      for (uint32_t k = shape.outStart[o]; k < shape.outStart[o + 1]; ++k) needIn(first + shape.outReads[k]);
      continue;
    }
    const Endpoint& src = line.source;
    if (src.kind == Endpoint::Kind::Wire) needOut(src.ref);
    if (src.kind != Endpoint::Kind::Choose && !(flags_[l] & kBound)) continue;
    const int64_t* index = shape.indexLine[o] == kNone ? nullptr : known(first + shape.indexLine[o]);
    for (uint32_t k = shape.choiceStart[o]; k < shape.choiceStart[o + 1]; ++k) {
      int32_t element = shape.optionElement[k];
      if (element >= 0 && index && element != *index) continue;
      needIn(first + shape.choiceReads[k]);
    }
  }
  d.interacts.assign(graph.instances.size(), 0);
  for (uint32_t l = 0; l < n; ++l) {
    if (d.out[l] || (flags_[l] & kNetwork)) d.interacts[graph.lines[l].instance] = 1;
  }
  return d;
}

}  // namespace rdc::run
