#include "ir/graph/elaborate/size.h"

#include <algorithm>
#include <map>

#include "ir/graph/elaborate/names.h"
#include "ir/graph/unbounded.h"

namespace rdc::elab {

namespace {

// What elaborating a part of a model costs: the scalar lines it makes, and
// the steps elaboration spends on it (loop iterations, lines, elements of
// composite lines bound), saturating rather than overflowing.
struct ElabCost {
  uint64_t lines = 0;
  uint64_t steps = 0;
  ElabSize made;  // what the graph and the elaborator's tables hold (its lines are `lines`)

  static uint64_t add(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
  static uint64_t mul(uint64_t a, uint64_t b) {
    uint64_t out;
    return __builtin_mul_overflow(a, b, &out) ? UINT64_MAX : out;
  }
  ElabCost& operator+=(const ElabCost& o) {
    lines = add(lines, o.lines);
    steps = add(steps, o.steps);
    made.instances = add(made.instances, o.made.instances);
    made.nodes = add(made.nodes, o.made.nodes);
    made.boundElements = add(made.boundElements, o.made.boundElements);
    return *this;
  }
  ElabCost times(uint64_t n) const {
    ElabCost c{mul(lines, n), mul(steps, n), {}};
    c.made = {0, mul(made.instances, n), mul(made.nodes, n), mul(made.boundElements, n)};
    return c;
  }
};

// Counts what a model elaborates to without building it: the product of
// `for` ranges times the line counts of what they hold, with parameters
// evaluated as elaboration will. A loop whose body does not mention its
// variable (in loop bounds or instance parameters) is counted once and
// multiplied; one that does is walked, but only until the count is over
// the limit, so counting costs at most about what the limit allows.
// Anything elaboration would report (an unknown name, a bad parameter, a
// recursive component) counts as nothing here and is left to it.
class SizeCounter {
 public:
  SizeCounter(const Model& model, const Catalog& catalog, const ElabOptions& options)
      : model_(model),
        catalog_(catalog),
        options_(options),
        globals_(globals()),
        budget_(memoryBudget(options)),
        lineLimit_(std::min(options.maxLines, budget_ / kElabBytesPerLine)) {}

  /// The elaboration budget in steps, as Elaborator::spend enforces it.
  uint64_t stepLimit() const { return elab::stepLimit(options_); }

  /// What the whole model costs; nullopt when that is not known before
  /// elaborating (a parameter that does not evaluate, a recursive component).
  std::optional<ElabCost> count() {
    if (!globals_) return std::nullopt;
    Env env = *globals_;
    ElabCost cost = items(model_.system.body, env, 0);
    if (recursive_) return std::nullopt;
    return cost;
  }

  /// Refuses a model that is over the limits with `size-limit` (or, when
  /// the memory budget is the tighter limit, `memory-limit`) at the item
  /// responsible; true when it fits (or its size is left to elaboration).
  bool fits(DiagnosticSink& diags, ElabSize* size) {
    auto cost = count();
    if (size && cost && !over(*cost)) {
      *size = cost->made;
      size->lines = cost->lines;
    }
    if (!cost || !over(*cost)) return true;
    Env env = *globals_;
    Blame b = blame(model_.system.body, env, 0);
    std::string what = !b.item                           ? "the system"
                       : b.item->kind == Item::Kind::For ? "`for: " + b.item->header + "`"
                                                         : "instance '" + b.item->name + "'";
    Pos pos = b.item ? b.item->pos : model_.system.pos;
    if (cost->lines <= lineLimit_) {
      diags.error("size-limit", pos, what + " " + overStepLimit(options_));
      return false;
    }
    bool memory = lineLimit_ < options_.maxLines;
    BudgetWords budget = memoryBudgetWords(budget_);
    std::string limit =
        memory ? "more than " + budget.name + " allows (" + std::to_string(lineLimit_) + " lines; " + budget.raise + ")"
               : "more than the limit of " + std::to_string(lineLimit_) + " (raise the limit with --max-lines)";
    std::string lines = b.cost.lines > lineLimit_
                            ? what + " elaborates to " + amount(b.cost.lines)
                            : "with " + what + " the model elaborates to at least " + amount(cost->lines);
    diags.error(memory ? "memory-limit" : "size-limit", pos, lines + " scalar lines, " + limit + onDemandHint(b.item));
    return false;
  }

  // A bounded box of one variable in the system's body may be run on
  // demand instead of elaborated whole (docs/reference.md#on-demand-boxes).
  std::string onDemandHint(const Item* item) const {
    const auto& body = model_.system.body;
    bool topLevel = std::any_of(body.begin(), body.end(), [&](const Item& x) { return &x == item; });
    if (!topLevel || item->kind != Item::Kind::For || item->loops.size() != 1 || item->loops[0].windowed() ||
        item->loops[0].name.empty())
      return "";
    return "; or make its iterations as a run needs them, `for: " + item->header + " on demand`";
  }

 private:
  struct Blame {
    const Item* item = nullptr;
    ElabCost cost;
  };

  static std::string amount(uint64_t n) { return n == UINT64_MAX ? "more than 2^64" : std::to_string(n); }
  bool over(const ElabCost& c) const { return c.lines > lineLimit_ || c.steps > stepLimit(); }

  ElabCost items(const std::vector<Item>& items, Env& env, int depth) {
    ElabCost total;
    for (const Item& item : items) {
      total += this->item(item, env, depth);
      if (over(total) || recursive_) break;
    }
    return total;
  }

  ElabCost item(const Item& item, Env& env, int depth) {
    switch (item.kind) {
      case Item::Kind::For:
        return loop(item, 0, env, depth);
      case Item::Kind::Instance:
        return instance(item, env, depth);
      case Item::Kind::Wire:
        return {0, 1, {}};
    }
    return {};
  }

  // Where a model that is over the limit says so: the item of `items` that
  // takes the count over, or inside it when it is a user component or a
  // loop one iteration of which alone is over.
  Blame blame(const std::vector<Item>& items, Env& env, int depth) {
    ElabCost total;
    for (const Item& item : items) {
      ElabCost cost = this->item(item, env, depth);
      total += cost;
      if (!over(total)) continue;
      if (over(cost)) {
        Blame inner = blameInside(item, env, depth);
        if (inner.item) return inner;
      }
      return {&item, cost};
    }
    return {};
  }

  // The model's parameters, evaluated; nullopt if one is not (elaboration reports it).
  std::optional<Env> globals() {
    Env env;
    for (const ParamDecl& p : model_.params) {
      if (!p.value) return std::nullopt;
      auto v = eval(*p.value, env);
      if (!v) return std::nullopt;
      env.emplace_back(p.name, *v);
    }
    return env;
  }

  static std::optional<int64_t> eval(const SourceExpr& e, const Env& env) {
    ExprError ignored;
    return evalInt(
        *e.expr,
        [&env](std::string_view name) -> std::optional<Value> {
          for (auto it = env.rbegin(); it != env.rend(); ++it) {
            if (it->first == name) return Value::integer(it->second);
          }
          return std::nullopt;
        },
        &ignored);
  }

  ElabCost loop(const Item& item, size_t k, Env& env, int depth) {
    if (k == item.loops.size()) return items(item.body, env, depth);
    const LoopVar& var = item.loops[k];
    auto lo = eval(var.lo, env);
    // An unbounded box is elaborated as its window of iterations, and so
    // is an on-demand box of more iterations than the window.
    int64_t window =
        options_.unrollIterations ? static_cast<int64_t>(options_.unrollIterations) : UnboundedBox::kWindow;
    auto hi = !lo ? std::nullopt : var.unbounded() ? std::optional<int64_t>(*lo + window) : eval(var.hi, env);
    if (hi && var.onDemand && *hi > UnboundedBox::kWindow) hi = std::min(*hi, *lo + window);
    // (Evaluated once per iteration of the loops around: steps of their own
    // when large, as Elaborator::spendOn counts them.)
    ElabCost bounds{0, expressionSteps(*var.lo.expr) + (var.unbounded() ? 0 : expressionSteps(*var.hi.expr)), {}};
    if (!hi || *hi <= *lo) return bounds;
    uint64_t range = static_cast<uint64_t>(*hi) - static_cast<uint64_t>(*lo);
    if (!mentions(item, k)) {
      env.emplace_back(var.name, *lo);
      ElabCost each = loop(item, k + 1, env, depth);
      env.pop_back();
      each.steps = ElabCost::add(each.steps, 1);
      each = each.times(range);
      each += bounds;
      return each;
    }
    ElabCost total;
    if (range > stepLimit()) {  // (each iteration is a step: over without walking them, `if: i == 0` or not)
      total.steps = range;
      return total += bounds;
    }
    for (int64_t i = *lo; i < *hi && !over(total) && !recursive_; ++i) {
      env.emplace_back(var.name, i);
      total += loop(item, k + 1, env, depth);
      env.pop_back();
      total.steps = ElabCost::add(total.steps, 1);
    }
    total += bounds;
    return total;
  }

  ElabCost instance(const Item& item, Env& env, int depth) {
    std::vector<int64_t> args;
    ElabCost evaluations;
    for (const SourceExpr& a : item.args) {
      evaluations.steps = ElabCost::add(evaluations.steps, expressionSteps(*a.expr));
      auto v = eval(a, env);
      if (!v) return evaluations;
      args.push_back(*v);
    }
    evaluations.steps = ElabCost::add(evaluations.steps, fnInstanceSteps(item));
    if (auto base = catalog_.find(item.component))
      return evaluations += baseLines(item, catalog_.at(*base), args, options_.maxLines);
    const ComponentDef* def = model_.findComponent(item.component);
    if (!def) return evaluations;
    if (depth + 1 > options_.maxDepth) {
      recursive_ = true;
      return evaluations;
    }
    auto key = std::make_pair(def, args);
    auto known = composites_.find(key);
    ElabCost cost = known != composites_.end() ? known->second : composite(*def, args, depth + 1);
    if (known == composites_.end()) composites_.emplace(std::move(key), cost);
    cost.made.nodes = ElabCost::add(cost.made.nodes, 1);  // the composite instance's own node
    return cost += evaluations;
  }

  static ElabCost baseLines(const Item& item, const BaseComponent& base, const std::vector<int64_t>& args,
                            uint64_t maxLines) {
    uint64_t lines = 0;
    if (base.variadicArgs) {
      lines = item.bindings.size() + (std::none_of(item.bindings.begin(), item.bindings.end(),
                                                   [](const Binding& b) { return b.line == "r"; }));
    } else {
      if (args.size() != base.valueParams.size()) return {};
      for (const LineSig& sig : base.lines) {
        int64_t size = sig.sizeParam < 0 ? 1 : args[sig.sizeParam];
        if (size < 1 || static_cast<uint64_t>(size) > maxLines) return {};  // bad-param, reported by elaboration
        lines = ElabCost::add(lines, static_cast<uint64_t>(size));
      }
    }
    return {lines, lines, {0, 1, 1, 0}};
  }

  ElabCost composite(const ComponentDef& def, const std::vector<int64_t>& args, int depth) {
    if (args.size() > def.params.size()) return {};
    Env env = *globals_;
    for (size_t i = 0; i < def.params.size(); ++i) {
      std::optional<int64_t> v;
      if (i < args.size())
        v = args[i];
      else if (def.params[i].value)
        v = eval(*def.params[i].value, env);
      if (!v || *v < 0) return {};
      env.emplace_back(def.params[i].name, *v);
    }
    ElabCost cost;
    for (const LineDecl& decl : def.lines) {  // every element of a bound line is a step
      auto product = [&](const std::vector<SourceExpr>& dims) {
        uint64_t elements = 1;
        for (const SourceExpr& d : dims) {
          auto n = eval(d, env);
          elements = ElabCost::mul(elements, n && *n > 0 ? static_cast<uint64_t>(*n) : 0);
        }
        return elements;
      };
      uint64_t setElements = product(decl.elementDims);
      if (setElements > kMaxSetElements) continue;  // a Set line too large: elaboration says so (set-element)
      uint64_t elements = ElabCost::mul(product(decl.dims), setElements);
      cost.steps = ElabCost::add(cost.steps, elements);
      cost.made.boundElements = ElabCost::add(cost.made.boundElements, elements);
    }
    cost += items(def.body, env, depth);
    return cost;
  }

  Blame blameInside(const Item& item, Env& env, int depth) {
    if (item.kind == Item::Kind::Instance) {
      const ComponentDef* def = model_.findComponent(item.component);
      if (!def || def->fromStd || catalog_.find(item.component)) return {};
      Env inner = *globals_;
      for (size_t i = 0; i < def->params.size(); ++i) {
        std::optional<int64_t> v;
        if (i < item.args.size())
          v = eval(item.args[i], env);
        else if (def->params[i].value)
          v = eval(*def->params[i].value, inner);
        if (!v) return {};
        inner.emplace_back(def->params[i].name, *v);
      }
      return blame(def->body, inner, depth + 1);
    }
    if (item.kind != Item::Kind::For) return {};
    // Inside a loop only when one iteration alone is over the limit.
    size_t mark = env.size();
    for (const LoopVar& var : item.loops) {
      auto lo = eval(var.lo, env);
      if (!lo) break;
      env.emplace_back(var.name, *lo);
    }
    Blame inner = env.size() == mark + item.loops.size() ? blame(item.body, env, depth) : Blame{};
    env.resize(mark);
    return inner;
  }

  // Whether what loop k of a `for` box repeats depends on its variable.
  bool mentions(const Item& item, size_t k) {
    auto key = std::make_pair(&item, k);
    auto known = mentions_.find(key);
    if (known != mentions_.end()) return known->second;
    const std::string& name = item.loops[k].name;
    bool found = false;
    for (size_t j = k + 1; j < item.loops.size() && !found; ++j) {
      found = mentionedIn(item.loops[j].lo, name) || mentionedIn(item.loops[j].hi, name);
    }
    found = found || mentionedIn(item.body, name);
    mentions_.emplace(key, found);
    return found;
  }
  static bool mentionedIn(const SourceExpr& e, const std::string& name) {
    if (!e.expr) return false;  // the open end of an unbounded range
    std::vector<std::string> names = freeNames(*e.expr);
    return std::find(names.begin(), names.end(), name) != names.end();
  }
  static bool mentionedIn(const std::vector<Item>& items, const std::string& name) {
    for (const Item& item : items) {
      for (const SourceExpr& a : item.args) {
        if (mentionedIn(a, name)) return true;
      }
      for (const LoopVar& var : item.loops) {
        if (mentionedIn(var.lo, name) || mentionedIn(var.hi, name)) return true;
      }
      if (mentionedIn(item.body, name)) return true;
    }
    return false;
  }

  const Model& model_;
  const Catalog& catalog_;
  const ElabOptions& options_;
  std::map<std::pair<const ComponentDef*, std::vector<int64_t>>, ElabCost> composites_;
  std::map<std::pair<const Item*, size_t>, bool> mentions_;
  std::optional<Env> globals_;
  uint64_t budget_;     // bytes
  uint64_t lineLimit_;  // the tighter of maxLines and what the budget holds
  bool recursive_ = false;
};

}  // namespace

uint64_t stepLimit(const ElabOptions& options) { return 8 * options.maxLines + 1'000'000; }

uint64_t fnInstanceSteps(const Item& item) {
  return (item.fnExpr ? item.fnExpr->expr->size : 0) + (item.fnWhen ? item.fnWhen->expr->size : 0);
}

std::string overStepLimit(const ElabOptions& options) {
  return "takes more than " + std::to_string(stepLimit(options)) +
         " steps to elaborate (loop iterations, bound elements, large expressions' evaluations and Fn instances' "
         "expressions; raise the limit with --max-lines)";
}

bool fitsLimits(const Model& model, const Catalog& catalog, const ElabOptions& options, DiagnosticSink& diags,
                ElabSize* size) {
  return SizeCounter(model, catalog, options).fits(diags, size);
}

}  // namespace rdc::elab

namespace rdc {

std::optional<uint64_t> countLines(const Model& model, const Catalog& catalog, const ElabOptions& options) {
  auto cost = elab::SizeCounter(model, catalog, options).count();
  if (!cost) return std::nullopt;
  return cost->lines;
}

}  // namespace rdc
