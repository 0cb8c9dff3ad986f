// The hierarchical model: what a YAML model file (or the model half of an IR
// file) says, with source positions, before elaboration.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/lang/expr.h"
#include "ir/support/diagnostics.h"

namespace rdc {

/// A parsed expression with the text and position it came from.
struct SourceExpr {
  std::string text;
  ExprPtr expr;
  Pos pos;
};

/// `node[i]` or `client`: a domain named in a model.
struct DomainRef {
  std::string family;
  std::vector<SourceExpr> indices;
  Pos pos;
};

/// One index of a wire or extrinsic reference: an expression or `*`.
struct IndexTerm {
  bool star = false;
  SourceExpr expr;  ///< unset when `star`
};

/// What one side of a binding is, as written (Term) and once elaborated
/// (the graph's Endpoint): a wire, `choose`, `never`, a constant, an
/// extrinsic input or output, or `drop`.
enum class EndKind : uint8_t { Wire, Choose, Never, Const, Input, Output, Drop };

/// One side of a binding: where an input comes from or an output goes.
struct Term {
  using Kind = EndKind;
  Kind kind = Kind::Wire;
  Pos pos;
  std::string name;     ///< wire or extrinsic name
  bool primed = false;  ///< `x'`: a composite's own output end
  std::vector<IndexTerm> indices;
  SourceExpr value;                        ///< Const
  std::string typeText;                    ///< Input/Output: `input x as Int` declares the type
  std::optional<SourceExpr> defaultValue;  ///< Input: `input x = 5`, used when the run gives none
  std::optional<SourceExpr> arrival;       ///< Input: `input x at 5ms`, when it arrives (default: at 0)
  std::optional<DomainRef> domain;
};

/// `line[idx]: IN -> OUT` inside an instance.
struct Binding {
  std::string key;  ///< the key as written, e.g. `dlvr[i]`
  std::string line;
  std::vector<SourceExpr> keyIndices;  ///< a fresh name ranges over the dimension
  /// An Fn's or Filter's bundle argument `v[LO..HI]`: its range (expressions
  /// read when elaborating; LO must be 0). Empty for every other key.
  std::optional<std::pair<SourceExpr, SourceExpr>> argRange;
  Term in, out;
  Pos pos;
  std::string text;  ///< the `IN -> OUT` text, kept for the IR
};

struct LoopVar {
  std::string name;
  SourceExpr lo, hi;  ///< half-open range lo..hi; hi has no expression when unbounded (`lo..`)
  /// `k in 0..K on demand`: a bounded range whose box runs its iterations
  /// as an unbounded box does, as they are needed (docs/reference.md#on-demand-boxes).
  bool onDemand = false;

  bool unbounded() const { return !hi.expr; }
  /// Whether the box is elaborated as a window of iterations (unbounded or on demand).
  bool windowed() const { return unbounded() || onDemand; }
};

/// An item of a composite's body: an instance, a `wire:`, or a `for` box.
struct Item {
  enum class Kind : uint8_t { Instance, Wire, For };
  Kind kind = Kind::Instance;
  Pos pos;
  std::string header;  ///< instance key, `FROM -> TO` of a wire, or for header, as written

  // Instance: `Component<args> name[indices] @ domain`
  std::string component;
  std::vector<SourceExpr> args;
  std::string name;
  std::vector<SourceExpr> indices;
  std::optional<DomainRef> domain;
  std::vector<Binding> bindings;
  std::optional<SourceExpr> fnExpr;  ///< `expr:` of an Fn or Filter instance
  std::optional<SourceExpr> fnWhen;  ///< `when:` of a Filter instance

  // Wire: `FROM -> TO`
  Term from, to;

  // For: `i in lo..hi, j in ...`
  std::vector<LoopVar> loops;
  std::vector<Item> body;
};

struct LineDecl {
  std::string name;
  std::string typeText;          ///< value type, e.g. `Opt<Int>`, or `Set<T>` as written
  std::vector<SourceExpr> dims;  ///< `Int[n][m]` gives {n, m}
  Pos pos;
  /// A `Set<T>` line is one presence line (Unit) per element of the finite
  /// type T, the element's components as trailing dimensions after `dims`:
  /// `Set<(Int[0..n], Int[0..k])>[m]` has dims {m} and elementDims {n, k}.
  bool set = false;
  std::vector<SourceExpr> elementDims;

  /// The type of each scalar line: Unit for a set's elements.
  const std::string& valueType() const {
    static const std::string unit = "Unit";
    return set ? unit : typeText;
  }
};

struct ParamDecl {
  std::string name;
  std::optional<SourceExpr> value;  ///< unset: must be given by the instance
  Pos pos;
};

struct ComponentDef {
  std::string name;
  std::string doc;
  std::vector<ParamDecl> params;
  std::vector<std::string> typeParams;  ///< `types: [T]`: line types inferred per instance
  std::vector<LineDecl> lines;
  std::vector<Item> body;
  Pos pos;
  bool fromStd = false;
};

struct DomainDecl {
  std::string name;
  std::optional<SourceExpr> size;  ///< unset: a single domain, not a family
  Pos pos;
};

struct CheckDecl {
  std::string name;
  SourceExpr expr;
};

/// A whole model file.
struct Model {
  int version = 1;
  std::string name;
  std::string doc;
  std::vector<ParamDecl> params;  ///< global parameters, in order
  std::vector<DomainDecl> domains;
  std::vector<std::string> uses;
  std::vector<ComponentDef> components;  ///< user components, then std ones used
  ComponentDef system;
  std::vector<CheckDecl> checks;
  Pos pos;

  const ComponentDef* findComponent(const std::string& name) const {
    for (const ComponentDef& c : components) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }
  /// The index in `checks` of the check `name`, or nullopt if none is.
  std::optional<size_t> checkIndex(const std::string& name) const {
    for (size_t c = 0; c < checks.size(); ++c) {
      if (checks[c].name == name) return c;
    }
    return std::nullopt;
  }
};

}  // namespace rdc
