// The elaborated flat graph: base instances with hierarchical paths and the
// scalar lines between them. This is what every tool after lint works on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/components/instance.h"
#include "ir/graph/unbounded.h"
#include "ir/lang/expr.h"
#include "ir/lang/types.h"
#include "ir/lang/value.h"
#include "ir/model/model.h"
#include "ir/support/diagnostics.h"

namespace rdc {

/// Where a line's input comes from, or where its output goes: a kind and
/// a reference in 4 bytes, so that a line is 24 bytes.
struct Endpoint {
  using Kind = EndKind;
  static constexpr uint32_t kRefBits = 29;
  /// The reference of the kinds that have none (Choose, Never, Drop); what
  /// references have, then, is below it: fewer than 2^29 - 1 lines (the
  /// elaborator's limit), constants and extrinsics.
  static constexpr uint32_t kNoRef = (1u << kRefBits) - 1;

  Endpoint() = default;
  /// `r`: kNone, or below kNoRef.
  Endpoint(Kind k, uint32_t r) : kind(k), ref(r == kNone ? kNoRef : r) {}

  Kind kind : 3 = Kind::Never;
  /// Wire: the peer line; Const: index into Graph::constants;
  /// Input/Output: index into Graph::inputs / Graph::outputs.
  uint32_t ref : kRefBits = kNoRef;

  /// The reference as IR files and the model's hash spell it: kNone for none.
  uint32_t refOrNone() const { return ref == kNoRef ? kNone : ref; }
};
static_assert(sizeof(Endpoint) == 4, "an end is a kind and a reference in one word");

/// One scalar line of a base instance: 24 bytes. Which element of a bundle
/// line it is follows from its place in its instance's lines
/// (Graph::element), so it is not stored.
struct FlatLine {
  /// The most types lines may have (Graph::types): a line keeps its type in 16 bits.
  static constexpr TypeId kMaxType = 0xffff;

  uint32_t instance = kNone;
  uint32_t domain = 0;
  uint32_t pos = 0;   ///< index into Graph::positions: the binding that created the line
  Endpoint source;    ///< where the input comes from
  Endpoint sink;      ///< where the output goes
  uint16_t type = 0;  ///< a TypeId, at most kMaxType
  uint16_t sig = 0;   ///< index into the base component's lines (Fn: args first, r last)
};
static_assert(sizeof(FlatLine) == 24, "a line is a few integers");

/// A node of the instance tree: one segment of an instance path. A base
/// instance's node is a leaf; composite instances are the inner nodes.
struct PathNode {
  uint32_t parent = kNone;  ///< the enclosing composite instance's node; kNone at the top
  uint32_t segment = 0;     ///< index into Graph::segments
};

/// An extrinsic input or output of the whole system.
struct Extrinsic {
  std::string name;  ///< e.g. `dlvr[2]`
  uint32_t line = kNone;
  Pos pos;
  std::optional<Value> defaultValue;  ///< inputs: the model's default
  int64_t arrival = 0;                ///< inputs: when it arrives (virtual nanoseconds; `at` in the model)
  /// Projection gateways: the cut Link's path and the domain at the other end.
  std::string gateway;
  std::string peer;

  bool isGateway() const { return !gateway.empty(); }
};

struct Graph {
  std::vector<FlatInstance> instances;
  std::vector<FlatLine> lines;
  /// The instance tree (a node's parent comes before it) and its segment
  /// names (`echo[2]`, each once): paths are spelled from these when printed.
  std::vector<PathNode> tree;
  std::vector<std::string> segments;
  /// The distinct value-parameter lists of instances (FlatInstance::args).
  std::vector<std::vector<int64_t>> argSets;
  /// The distinct source positions of lines and instances (their `pos`),
  /// and of the terms elaboration and inference report against.
  std::vector<Pos> positions;
  std::vector<Extrinsic> inputs;
  std::vector<Extrinsic> outputs;
  std::vector<Value> constants;
  std::vector<FnBody> fns;
  std::vector<std::string> domains;  ///< `node[0]`, ...; `main` when the model declares none
  TypeTable types;
  std::vector<std::pair<std::string, int64_t>> params;  ///< evaluated global parameters
  /// The model's unbounded `for` box, if it has one: the graph then holds
  /// the window of its first iterations.
  std::optional<UnboundedBox> unbounded;

  /// Whether a line's input is a projection's gateway (what the network
  /// delivers), and whether its output is one (what it sends).
  bool gatewayIn(uint32_t line) const {
    const Endpoint& s = lines[line].source;
    return s.kind == Endpoint::Kind::Input && inputs[s.ref].isGateway();
  }
  bool gatewayOut(uint32_t line) const {
    const Endpoint& s = lines[line].sink;
    return s.kind == Endpoint::Kind::Output && outputs[s.ref].isGateway();
  }

  /// An instance's path, e.g. `rb.echo[2].link[3]`.
  std::string instancePath(uint32_t instance) const;
  /// The path of a tree node (see `tree`).
  std::string nodePath(uint32_t node) const;
  /// An instance's value parameters.
  const std::vector<int64_t>& args(const FlatInstance& inst) const { return argSets[inst.args]; }
  /// Where a line's binding, or an instance's item, is written.
  const Pos& linePos(uint32_t line) const { return positions[lines[line].pos]; }
  const Pos& instancePos(const FlatInstance& inst) const { return positions[inst.pos]; }

  /// Fn argument lines of an instance (none for other components).
  const std::vector<std::string>& fnArgs(const FlatInstance& inst) const;
  /// The element of a bundle line that a line is (0 for a scalar and for
  /// an Fn's lines): its offset in its signature line's block, the blocks
  /// being laid out in signature order, each as long as its bundle (the
  /// instance's size argument) or one line for a scalar.
  uint32_t element(const Catalog& catalog, uint32_t line) const;
  /// The catalog signature of a line; null for an Fn argument (user-named) line.
  const LineSig* signature(const Catalog& catalog, uint32_t line) const;
  /// The line's name within its instance, e.g. `votes[3]` or `rcv`.
  std::string lineName(const Catalog& catalog, uint32_t line) const;
  /// Appends the lines of `inst` that a signature names: `name` (every
  /// element of a bundle), or "*args" for an Fn's argument lines. Lint's
  /// dependency model and the engine's demand both read needs this way.
  void linesNamed(const Catalog& catalog, const FlatInstance& inst, const std::string& name,
                  std::vector<uint32_t>& out) const;
  /// The line's full path, e.g. `rb.echo[2].link[3].rcv`.
  std::string linePath(const Catalog& catalog, uint32_t line) const;
  /// The number of line-to-line wires (each counted once).
  size_t wireCount() const;
  /// A hash of everything that determines runs (paths, types, domains,
  /// endpoints, constants, Fn bodies), recorded in traces to match them
  /// with their model; positions and file names do not count.
  uint64_t hash(const Catalog& catalog) const;
};

/// The `negative-duration` message for `constant` bound to `line`'s input
/// ("the constant duration -1ms into wait.d is negative: ..."), when the
/// line is a base component's Duration line (a Delay's `d`, a Timer's
/// Delay) and the constant a negative Duration; nullopt otherwise. The
/// elaborator reports it at the constant, the lint pass (for an IR) at
/// the line.
std::optional<std::string> negativeDuration(const Graph& graph, const Catalog& catalog, uint32_t line,
                                            const Value& constant);

}  // namespace rdc
