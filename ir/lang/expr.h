// The expression language shared by parameters, indices, `const` values,
// `Fn` bodies and `checks`: integers, durations, booleans, nil, tuples,
// arithmetic, comparison, boolean logic, conditionals and quantifiers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ir/lang/types.h"
#include "ir/lang/value.h"

namespace rdc {

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

/// The deepest expression tree the parser builds: every node (operator,
/// call, index, field, quantifier, leaf) and every parenthesis is one level,
/// so a chain `a + b + ... ` of N terms is N levels deep. Deeper text is an
/// `expr-syntax` error, which bounds the recursion of every later walk
/// (evaluation, typing, lint passes, printing) without each checking.
constexpr uint32_t kMaxExprDepth = 256;

/// One node of a parsed expression. `offset` is the byte offset of the node
/// in the text it was parsed from, for diagnostics.
struct Expr {
  enum class Kind : uint8_t {
    Literal,  ///< `value`
    Name,     ///< `text`
    Index,    ///< kids[0][kids[1]]
    Unary,    ///< `text` in {-, !} applied to kids[0]
    Binary,   ///< kids[0] `text` kids[1]
    Cond,     ///< kids[0] ? kids[1] : kids[2]
    Tuple,    ///< (kids...)
    Map,      ///< {kids[0]: kids[1], kids[2]: kids[3], ...}; `{}` is a Literal
    Field,    ///< kids[0].`value.i`
    Call,     ///< `text`(kids...)
    Range,    ///< kids[0]..kids[1] (half-open), only as a quantifier domain
    Quant,    ///< `text` in {forall, exists, filter, maxBy, minBy}; vars in kids[0]: kids[1] (filter: `{vars in m:
              ///< kids[1]}`; maxBy, minBy: `maxBy(vars in m: kids[1], kids[2])`, kids[2] outside the binding)
  };
  /// What an operator, call or quantifier does: `text` resolved once by the
  /// parser, so that evaluating and typing switch on it instead of comparing
  /// strings. None for the other kinds.
  enum class Op : uint8_t {
    None,
    Neg,  ///< Unary `-`
    Not,  ///< Unary `!`
    Add,  ///< Binary `+`, and so on
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Implies,  ///< `=>`
    Min,      ///< Call min(a, b), or min(m, d) of a map's values; built in, as are the ones below
    Max,
    Get,         ///< get(x, d)
    GetEntry,    ///< get(m, k, d)
    Size,        ///< size(m)
    Contains,    ///< contains(m, k)
    Count,       ///< count(m, v)
    Insert,      ///< insert(m, k, v)
    Union,       ///< union(a, b)
    Sign,        ///< sign(v): v signed by the domain the expression runs in (an Fn's or Filter's)
    Signer,      ///< signer(s): the signing domain's index
    Payload,     ///< payload(s): the signed value
    SignedBy,    ///< signedBy(s, i): whether domain i signed s
    SigLiteral,  ///< sig(i, v): a signed value as printed; only in values given from outside (parseValue)
    Has,         ///< Call has(x), left to the host (checks), as is correct(x)
    Correct,     ///< Call correct(x)
    OtherCall,   ///< a Call of any other name or number of arguments
    Forall,      ///< Quant
    Exists,
    Filter,  ///< Quant `{vars in m: P}`: the entries of map m for which P holds
    MaxBy,   ///< Quant `maxBy(vars in m: KEY, d)`: the value of m whose KEY is largest, or d
    MinBy,
  };
  Kind kind;
  Op op = Op::None;
  /// The node's number in the tree it was parsed in: 0.. in postorder, every
  /// node above its kids, so the root has the largest. A host that works out
  /// facts about a tree's nodes ahead keeps them in a vector by it.
  uint32_t id = 0;
  uint32_t offset = 0;
  uint32_t height = 1;  ///< levels from this node down to its deepest leaf (at most kMaxExprDepth)
  uint32_t size = 1;    ///< nodes in the tree below and at this node (an evaluation visits at most so many)
  std::string text;
  Value value;
  std::vector<std::string> vars;
  std::vector<ExprPtr> kids;
};

/// A problem found while parsing, type-checking or evaluating an expression.
struct ExprError {
  std::string code;  ///< diagnostic code, e.g. `expr-syntax`, `div-zero`
  uint32_t offset = 0;
  std::string message;
};

/// Whether `name` is a word of the expression language (`nil`, `true`,
/// `false`, `forall`, `exists`, `in`): a parameter, loop variable, argument
/// line, extrinsic or bound variable of that name could never be read, so
/// each declaration refuses it.
bool isReservedWord(std::string_view name);

/// Parses `text`; on failure returns null and fills `error`. A tree deeper
/// than kMaxExprDepth is refused as `expr-syntax` at the operator (or
/// parenthesis) where it gets too deep.
ExprPtr parseExpr(std::string_view text, ExprError* error);

/// Resolves a free name to a value; nullopt if unknown.
using NameLookup = std::function<std::optional<Value>(std::string_view name)>;

/// A name resolver as evaluation borrows it: a plain function pointer and
/// what it calls, so that passing one allocates nothing. Made from any
/// callable that takes the name (a NameLookup, a lambda) or the Name node
/// itself (for a host that resolved a tree's names ahead). It refers to
/// that callable, which must outlive it: pass one as an argument, never keep
/// one made from a temporary.
class NameRef {
 public:
  template <typename F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, NameRef> &&
           (std::is_invocable_r_v<std::optional<Value>, const F&, std::string_view> ||
            std::is_invocable_r_v<std::optional<Value>, const F&, const Expr&>))
      NameRef(const F& lookup)  // implicit, as std::function converts
      : context_(&lookup), call_(&invoke<F>) {}

  /// The value of Name node `name`; nullopt if unknown.
  std::optional<Value> operator()(const Expr& name) const { return call_(context_, name); }

 private:
  template <typename F>
  static std::optional<Value> invoke(const void* context, const Expr& name);

  const void* context_;
  std::optional<Value> (*call_)(const void*, const Expr&);
};

/// Evaluates the forms the core language leaves to its host: indexing,
/// calls other than the built-in ones, and quantifiers over a range or
/// `correct(FAMILY)`. Checks provide one. The language evaluates quantifiers
/// and filters over a map itself (isMapQuantifier).
class ExprHost {
 public:
  virtual ~ExprHost() = default;
  virtual std::optional<Value> evalHosted(const Expr& expr, ExprError* error) = 0;
  /// Counts one evaluation of the body of `quant`, a quantifier, filter or
  /// maxBy over a map, against the host's budget (a check's quantifier
  /// steps); false, with `error` set, stops the evaluation.
  virtual bool step(const Expr& quant, ExprError* error) = 0;
};

/// An evaluation of an expression of many nodes is a step per kNodesPerStep
/// of them, beyond the step it is: a quantifier over a body of 64,000
/// terms (`o + o + ...`) stops as soon as one over a small body does, in
/// the work of its steps, not 4,000 times as much. Expressions of fewer
/// nodes, nearly all, cost nothing more.
inline constexpr uint32_t kNodesPerStep = 16;
/// The steps an evaluation of `e` costs beyond its own (kNodesPerStep).
inline uint64_t expressionSteps(const Expr& e) { return e.size / kNodesPerStep; }

/// Evaluations of map quantifiers' bodies (forall, exists, filters, maxBy,
/// nested ones included) one evaluation may take without a host: an Fn's
/// expression over large maps fails (`step-limit`) rather than running for
/// ever. A host (a check) counts them in its own budget instead.
inline constexpr uint64_t kMaxExprSteps = 1'000'000;

/// `signer` of an expression that runs in no domain (a `const`, a check):
/// `sign(v)` there is a `sign-outside-domain` error.
constexpr int64_t kNoSigner = -1;

/// Evaluates a closed expression (names resolved by `lookup`). Integer
/// arithmetic is checked: overflow and division by zero are errors.
/// `signer` is the index of the domain it runs in (an Fn's), which
/// `sign(v)` signs with.
std::optional<Value> evalExpr(const Expr& expr, NameRef lookup, ExprError* error, ExprHost* host = nullptr,
                              int64_t signer = kNoSigner);

/// Evaluates an expression that must yield an Int.
std::optional<int64_t> evalInt(const Expr& expr, NameRef lookup, ExprError* error);

/// Resolves a free name to its type; nullopt if unknown.
using TypeLookup = std::function<std::optional<TypeId>(std::string_view name)>;

/// Types the forms the core language leaves to its host (see ExprHost).
class TypeHost {
 public:
  virtual ~TypeHost() = default;
  virtual std::optional<TypeId> typeOfHosted(const Expr& expr, ExprError* error) = 0;
};

/// The type of an expression, or nullopt with `error` set (a bare `nil`
/// has no type). `inDomain`: whether it runs in a domain (an Fn's or a
/// Filter's), the only place `sign(v)` may be (`sign-outside-domain` elsewhere).
std::optional<TypeId> typeOfExpr(const Expr& expr, const TypeLookup& lookup, TypeTable& types, ExprError* error,
                                 TypeHost* host = nullptr, bool inDomain = false);

/// The names an expression reads (free variables), in first-use order.
std::vector<std::string> freeNames(const Expr& expr);

/// Whether `e` is a quantifier or filter over a map's entries
/// (`forall v in m: P`, `exists k, v in m: P`, `{v in m: P}`), which the
/// language evaluates itself: its domain is neither a range nor `correct(F)`.
/// One variable binds each entry's value; two bind its key and value.
bool isMapQuantifier(const Expr& e);

/// Whether a check is `forall k in LO..: BODY`, over the iterations of an
/// unbounded box (an open range, `kids[0]` a Range with one kid): BODY is
/// then evaluated once per iteration (docs/reference.md#checks).
bool isIterationCheck(const Expr& e);

/// Parses a literal value such as `5`, `3ms`, `true`, `nil`, `(1, "ab")`,
/// `sig(2, 5)` (a value given from outside: a --force, a faults file, an
/// --input; whoever takes it decides whose signatures it may hold).
std::optional<Value> parseValue(std::string_view text, ExprError* error);

/// A duration a user gives outside a model (a flag, a faults file): a
/// constant expression of type Duration (`5ms`, `1s + 500ms`) in
/// 0..9223372036854775807 ns. Every tool reads durations through this one
/// parser. nullopt with `error` set (the reason, quoting `text`) otherwise.
std::optional<int64_t> parseDuration(std::string_view text, std::string* error);

template <typename F>
std::optional<Value> NameRef::invoke(const void* context, const Expr& name) {
  const F& lookup = *static_cast<const F*>(context);
  if constexpr (std::is_invocable_r_v<std::optional<Value>, const F&, const Expr&>) {
    return lookup(name);
  } else {
    return lookup(std::string_view(name.text));
  }
}

}  // namespace rdc
