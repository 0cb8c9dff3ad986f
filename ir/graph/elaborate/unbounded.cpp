// Unbounded `for` boxes: what their variable may do, and their window of
// iterations (ir/graph/unbounded.h).
#include "ir/graph/unbounded.h"

#include <algorithm>

#include "ir/graph/elaborate/elaborator.h"

namespace rdc {

std::string iterationName(std::string_view name, int64_t k) {
  size_t open = name.find('[');
  size_t close = open == std::string_view::npos ? open : name.find(']', open);
  if (close == std::string_view::npos) return std::string(name);
  return std::string(name.substr(0, open + 1)) + std::to_string(k) + std::string(name.substr(close));
}

bool overIterations(const Expr& check, const UnboundedBox& box,
                    const std::vector<std::pair<std::string, int64_t>>& params) {
  if (check.kind != Expr::Kind::Quant || check.op != Expr::Op::Forall || check.vars.size() != 1 ||
      check.kids[0]->kind != Expr::Kind::Range)
    return false;
  const Expr& range = *check.kids[0];
  if (!box.bounded()) return range.kids.size() == 1;
  if (range.kids.size() != 2) return false;
  auto param = [&](std::string_view name) -> std::optional<Value> {
    for (const auto& [n, v] : params) {
      if (n == name) return Value::integer(v);
    }
    return std::nullopt;
  };
  ExprError ignored;
  auto lo = evalInt(*range.kids[0], param, &ignored), hi = evalInt(*range.kids[1], param, &ignored);
  return lo && hi && *lo == 0 && static_cast<uint64_t>(*hi) == box.end;
}

}  // namespace rdc

namespace rdc::elab {

namespace {

// How an index uses the box's variable `k`: not at all, as `k`, as `k + 1`,
// or some other way (which would make iterations differ in more than names).
enum class IndexForm { Free, Same, Next, Other };

bool mentions(const SourceExpr& e, const std::string& var) {
  if (!e.expr) return false;
  std::vector<std::string> names = freeNames(*e.expr);
  return std::find(names.begin(), names.end(), var) != names.end();
}

IndexForm indexForm(const SourceExpr& e, const std::string& var) {
  if (!mentions(e, var)) return IndexForm::Free;
  const Expr& x = *e.expr;
  if (x.kind == Expr::Kind::Name && x.text == var) return IndexForm::Same;
  if (x.kind == Expr::Kind::Binary && x.op == Expr::Op::Add && x.kids[0]->kind == Expr::Kind::Name &&
      x.kids[0]->text == var && x.kids[1]->kind == Expr::Kind::Literal && x.kids[1]->value.kind == Value::Kind::Int &&
      x.kids[1]->value.i == 1) {
    return IndexForm::Next;
  }
  return IndexForm::Other;
}

// Checks that the variable of an unbounded box only names things, in the
// forms that make every general iteration the previous one shifted: the
// first index of its instances and extrinsics is the variable, a wire's
// index is `k` or `k + 1`, and nothing else (arguments, constants, domains,
// ranges, Fn expressions) reads it. Stream inputs' values and arrival times
// may: they are evaluated per iteration.
class UseCheck {
 public:
  // `label` names the box in messages: "unbounded `for`" or "on-demand `for`".
  UseCheck(const std::string& var, const std::string& label, DiagnosticSink& diags)
      : var_(var), label_(label), diags_(diags) {}

  bool items(const std::vector<Item>& items) {
    for (const Item& item : items) {
      switch (item.kind) {
        case Item::Kind::For:
          for (const LoopVar& loop : item.loops) {
            if (loop.windowed()) return refuse(item.pos, "an " + label_ + " cannot be inside another");
            const char* what = loop.name.empty() ? "an `if` condition" : "a loop range";  // syntax::conditionalHeader
            free(loop.lo, what) && free(loop.hi, what);
          }
          this->items(item.body);
          break;
        case Item::Kind::Wire:
          term(item.from) && term(item.to);
          break;
        case Item::Kind::Instance:
          instance(item);
          break;
      }
    }
    return ok_;
  }

 private:
  bool refuse(Pos pos, const std::string& message) {
    diags_.error("unbounded-box", pos, message);
    return ok_ = false;
  }

  bool free(const SourceExpr& e, const char* what) {
    if (!mentions(e, var_)) return true;
    return refuse(e.pos, std::string(what) + " cannot use `" + var_ + "`, the variable of an " + label_ +
                             ": it may only index names (`x[" + var_ + "]`, `x[" + var_ +
                             " + 1]`), so that every iteration is the one before it shifted");
  }

  // The first index is the variable itself, and the others do not use it.
  bool namedByIteration(const std::vector<SourceExpr>& indices, Pos pos, const std::string& kind,
                        const std::string& name) {
    if (indices.empty() || indexForm(indices[0], var_) != IndexForm::Same) {
      return refuse(pos, kind + " '" + name + "' inside an " + label_ + " needs `" + var_ + "` as its first index (`" +
                             name + "[" + var_ + "]...`), to be one per iteration");
    }
    for (size_t k = 1; k < indices.size(); ++k) {
      if (!free(indices[k], "an index after the first")) return false;
    }
    return true;
  }

  void instance(const Item& item) {
    namedByIteration(item.indices, item.pos, "instance", item.name);
    for (const SourceExpr& a : item.args) free(a, "a component argument");
    if (item.domain) {
      for (const SourceExpr& e : item.domain->indices) free(e, "a domain");
    }
    if (item.fnExpr) free(*item.fnExpr, "an Fn expression");
    if (item.fnWhen) free(*item.fnWhen, "a Filter's condition");
    for (const Binding& b : item.bindings) {
      for (const SourceExpr& e : b.keyIndices) free(e, "a line index");
      term(b.in) && term(b.out);
    }
  }

  bool term(const Term& t) {
    if (t.domain) {
      for (const SourceExpr& e : t.domain->indices) {
        if (!free(e, "a domain")) return false;
      }
    }
    switch (t.kind) {
      case Term::Kind::Const:
        return free(t.value, "a constant");
      case Term::Kind::Input:
      case Term::Kind::Output: {
        std::vector<SourceExpr> indices;
        for (const IndexTerm& i : t.indices) {
          if (i.star) return refuse(t.pos, "an extrinsic name inside an " + label_ + " cannot use `*`");
          indices.push_back(i.expr);
        }
        return namedByIteration(indices, t.pos, t.kind == Term::Kind::Input ? "input" : "output", t.name);
      }
      case Term::Kind::Wire:
        for (const IndexTerm& i : t.indices) {
          if (i.star) continue;
          IndexForm form = indexForm(i.expr, var_);
          if (form == IndexForm::Other) {
            return refuse(i.expr.pos, "wire '" + t.name + "' is indexed by `" + i.expr.text + "`: inside an " + label_ +
                                          ", `" + var_ + "` indexes a wire only as `" + var_ + "` or `" + var_ +
                                          " + 1`");
          }
        }
        return true;
      default:
        return true;
    }
  }

  const std::string& var_;
  const std::string& label_;
  DiagnosticSink& diags_;
  bool ok_ = true;
};

}  // namespace

bool Elaborator::windowedBox(Scope& scope, const Item& item) {
  const LoopVar& var = item.loops[0];
  if (var.unbounded()) return true;
  // An on-demand box of at most the window's iterations is elaborated whole.
  if (scope.node != kNone || forDepth_ > 0) return true;  // refused there
  ExprError ignored;  // a range that does not evaluate is reported by the box that takes it
  auto hi = evalInt(*var.hi.expr, lookupIn(scope.env), &ignored);
  return hi && *hi > UnboundedBox::kWindow;
}

void Elaborator::unboundedBox(Scope& scope, const Item& item) {
  const LoopVar& var = item.loops[0];
  const std::string label = var.onDemand ? "on-demand `for`" : "unbounded `for`";
  auto refuse = [&](Pos pos, const std::string& message) { diags_.error("unbounded-box", pos, message); };
  if (scope.node != kNone) {
    return refuse(item.pos, "an " + label + " (`" + item.header + "`) may only be in the system's body, not in " +
                                componentLabel(scope));
  }
  if (windowIteration_ >= 0) return;  // inside an unbounded box: its use check said so
  if (forDepth_ > 0) {                // reported once, not per iteration of the outer box
    if (refusedBoxes_.insert(&item).second) refuse(item.pos, "an " + label + " cannot be inside another `for`");
    return;
  }
  if (item.loops.size() != 1) {
    return refuse(item.pos, "an " + label + " has one variable; nest a bounded `for` inside it for the others");
  }
  if (graph_.unbounded) return refuse(item.pos, "a model has at most one unbounded or on-demand `for`");
  auto lo = evalIn(scope.env, var.lo);
  if (!lo) return;
  if (*lo != 0) {
    return refuse(var.lo.pos, std::string(var.onDemand ? "an on-demand" : "an unbounded") + " range starts at 0 (`" +
                                  var.name + " in 0.." + (var.onDemand ? var.hi.text + " on demand" : "") + "`)");
  }
  auto hi = var.onDemand ? evalIn(scope.env, var.hi) : std::optional<int64_t>(-1);
  if (!hi) return;
  bool wellUsed = UseCheck(var.name, label, diags_).items(item.body);
  UnboundedBox& box = graph_.unbounded.emplace();
  box.var = var.name;
  box.pos = posId(item.pos);
  if (var.onDemand) box.end = static_cast<uint64_t>(*hi);  // more than the window (windowedBox)
  // A model whose box misuses its variable is refused; its iteration 0 is
  // still elaborated, alone, so that the other errors are about the model
  // (not repeated per iteration, nor caused by a missing box).
  int64_t iterations = !wellUsed                   ? 1
                       : options_.unrollIterations ? static_cast<int64_t>(std::min(options_.unrollIterations, box.end))
                                                   : UnboundedBox::kWindow;
  lastIteration_ = static_cast<int>(iterations - 1);
  for (int64_t k = 0; k < iterations && !aborted_; ++k) {
    // What the tables hold before the iteration: where its entries begin.
    IterationBlock b{static_cast<uint32_t>(graph_.lines.size()),   0, static_cast<uint32_t>(graph_.instances.size()), 0,
                     static_cast<uint32_t>(graph_.tree.size()),    0, static_cast<uint32_t>(graph_.inputs.size()),    0,
                     static_cast<uint32_t>(graph_.outputs.size()), 0};
    windowIteration_ = static_cast<int>(k);
    scope.env.emplace_back(var.name, k);
    body(scope, item.body);
    scope.env.pop_back();
    if (k >= UnboundedBox::kWindow) continue;  // unrolled beyond the window
    b.lines = static_cast<uint32_t>(graph_.lines.size()) - b.line;
    b.instances = static_cast<uint32_t>(graph_.instances.size()) - b.instance;
    b.nodes = static_cast<uint32_t>(graph_.tree.size()) - b.node;
    b.inputs = static_cast<uint32_t>(graph_.inputs.size()) - b.input;
    b.outputs = static_cast<uint32_t>(graph_.outputs.size()) - b.output;
    box.window[static_cast<size_t>(k)] = b;
  }
  windowIteration_ = -1;
}

void Elaborator::streamInput(const Scope& scope, const Term& term, uint32_t input) {
  if (windowIteration_ != 1 || scope.node != kNone) return;
  StreamInput s;
  s.input = input;
  if (term.defaultValue) s.value = term.defaultValue->text;
  if (term.arrival) s.arrival = term.arrival->text;
  s.env = scope.env;
  graph_.unbounded->streams.push_back(std::move(s));
}

void Elaborator::checkWindow() {
  if (!graph_.unbounded) return;
  if (options_.unrollIterations) {  // a bounded graph now (checked as a window when the model was loaded)
    graph_.unbounded.reset();
    return;
  }
  // Each stream's arrival times never decrease (the run checks every later one).
  const UnboundedBox& box = *graph_.unbounded;
  for (const StreamInput& stream : box.streams) {
    uint32_t j = stream.input - box.general().input;
    for (size_t k = 1; k < box.window.size(); ++k) {
      const Extrinsic &before = graph_.inputs[box.window[k - 1].input + j], &x = graph_.inputs[box.window[k].input + j];
      if (x.arrival >= before.arrival) continue;
      diags_.error("unbounded-box", x.pos,
                   "input " + x.name + " arrives at " + Value::duration(x.arrival).str() + ", before " + before.name +
                       " (" + Value::duration(before.arrival).str() + "): a stream's arrival times never decrease");
      return;
    }
  }
  // An iteration k + 1 begins when k passes it a value or a stream input
  // of it with `at` arrives: an on-demand box with neither would run only
  // its iteration 0, unlike the whole graph it stands for.
  bool arrives =
      std::any_of(box.streams.begin(), box.streams.end(), [](const StreamInput& s) { return !s.arrival.empty(); });
  if (box.bounded() && !arrives && box.openPorts.empty()) {
    diags_.error("unbounded-box", graph_.positions[box.pos],
                 "nothing begins iteration 1 of this on-demand `for`: an iteration begins when the one before "
                 "passes it a value (`x[" +
                     box.var + " + 1]`) or when one of its inputs arrives (`input x[" + box.var + "] at TIME`)");
    return;
  }
  const auto& w = graph_.unbounded->window;
  const std::string label = box.bounded() ? "an on-demand `for`" : "an unbounded `for`";
  auto iteration = [&](uint32_t l) -> int {
    for (int k = 0; k < UnboundedBox::kWindow; ++k) {
      if (w[static_cast<size_t>(k)].hasLine(l)) return k;
    }
    return -1;
  };
  for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
    const Endpoint& sink = graph_.lines[l].sink;
    if (sink.kind != Endpoint::Kind::Wire) continue;
    int from = iteration(l), to = iteration(sink.ref);
    if (from == to || (from >= 0 && to == from + 1) || (from <= 0 && to <= 0)) continue;
    std::string what =
        "'" + graph_.linePath(catalog_, l) + "' passes its value to '" + graph_.linePath(catalog_, sink.ref) + "'";
    diags_.error("unbounded-box", graph_.linePos(l),
                 from >= 0 && to >= 0 ? what + ", back from an iteration of " + label +
                                            " to an earlier one: values may only "
                                            "flow forward, from iteration " +
                                            graph_.unbounded->var + " to " + graph_.unbounded->var + " + 1"
                                      : what + ": the rest of the system reaches only the first iteration (" +
                                            graph_.unbounded->var + " = 0) of " + label);
    return;
  }
}

bool Elaborator::openPort(const Scope& scope, uint32_t name) const {
  return scope.node == kNone && lastIterationProduced_.count(name);
}

bool Elaborator::fromNextIteration(const Scope& scope, uint32_t name) const {
  return scope.node == kNone && lastIterationConsumed_.count(name);
}

}  // namespace rdc::elab
