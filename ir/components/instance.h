// An instance of a base component as the elaborated graph holds it: a few
// integers. Its component, its lines (a contiguous range of the graph's line
// ids, in the component's line order), and ids into tables the graph shares
// between instances: its path (a node of the instance tree), its value
// parameters (one entry per distinct list) and its position.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "ir/lang/expr.h"
#include "ir/support/diagnostics.h"

namespace rdc {

/// "No line", "no instance", "no Fn body": the null of every id.
inline constexpr uint32_t kNone = UINT32_MAX;

/// What an Fn or Filter instance computes: its argument line names (in line
/// order, before `r`), its expression, a Filter's condition, and the integer
/// constants (parameters, loop indices) they read.
struct FnBody {
  std::vector<std::string> args;
  std::string text;
  ExprPtr expr;
  std::string whenText;  ///< a Filter's condition as written; empty for Fn
  ExprPtr when;          ///< null for Fn
  std::vector<std::pair<std::string, int64_t>> consts;
  Pos exprPos;  ///< where `text` is written (no position: none known)
  Pos whenPos;  ///< where `whenText` is written
};

/// The argument lines a name reads in an Fn's expression: a scalar argument
/// `v` (one line), or a bundle argument `v[0..N]`, whose elements are the
/// consecutive argument lines `v[0]`..`v[N-1]` and which the expression
/// reads as a Map<Int, T> from index to value. count 0: no such argument.
struct FnArgRef {
  uint32_t first = 0;  ///< its first line's index among the argument lines
  uint32_t count = 0;  ///< lines
  bool bundle = false;
};

inline FnArgRef findFnArg(const FnBody& body, std::string_view name) {
  auto isElement = [&](std::string_view arg) {
    return arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '[';
  };
  for (uint32_t a = 0; a < body.args.size(); ++a) {
    if (body.args[a] == name) return {a, 1, false};
    if (!isElement(body.args[a])) continue;
    uint32_t n = 1;
    while (a + n < body.args.size() && isElement(body.args[a + n])) ++n;
    return {a, n, true};
  }
  return {};
}

/// A base component instance. Graph::instancePath, Graph::args and
/// Graph::positions turn its ids into what they stand for.
struct FlatInstance {
  uint32_t node = kNone;  ///< its node in Graph::tree: the path `rb.echo[2].link[3]`
  uint32_t args = 0;      ///< index into Graph::argSets: value parameters (Inc's k, Quorum's n and k, ...)
  uint32_t firstLine = 0;
  uint32_t lineCount = 0;
  uint32_t fn = kNone;  ///< Fn only: index into Graph::fns
  uint32_t pos = 0;     ///< index into Graph::positions: the item that made it
  uint16_t base = 0;    ///< index into the Catalog
};

}  // namespace rdc
