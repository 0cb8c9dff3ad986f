#include "tools/rdc-run/engine/checks.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ir/lint/lint_passes.h"

namespace rdc::run {

namespace {

// A domain's index in its family: `node[12]` -> 12, read as the check
// evaluator always has (std::stoll, which also reads `12]...`).
std::optional<int64_t> familyIndex(const std::string& domain, size_t prefix) {
  try {
    return std::stoll(domain.substr(prefix));
  } catch (const std::logic_error&) {
    return std::nullopt;  // rethrown when a run reads it (see CheckHost::range)
  }
}

// Works out the facts of every node of one check (CheckNodeFacts), walking
// it with the quantifiers' variables in scope as evaluation binds them.
class Planner {
 public:
  Planner(const Graph& graph, const ExtrinsicNames& names, std::vector<CheckEvaluator::Family>& families)
      : graph_(graph), names_(names), families_(families) {}

  std::vector<CheckNodeFacts> plan(const Expr& root) {
    facts_.assign(root.id + 1, CheckNodeFacts{});
    visit(root);
    return std::move(facts_);
  }

 private:
  void visit(const Expr& e) {
    if (e.id >= facts_.size()) facts_.resize(e.id + 1);  // ids are postorder: never, for a parsed tree
    if (e.kind == Expr::Kind::Name) name(e, facts_[e.id]);
    if (e.op == Expr::Op::Correct && e.kids[0]->kind == Expr::Kind::Name) {
      facts_[e.id].family = family(e.kids[0]->text);
    }
    if (e.kind == Expr::Kind::Quant) {
      visit(*e.kids[0]);  // the domain is evaluated before the variables are bound
      size_t mark = bound_.size();
      bound_.insert(bound_.end(), e.vars.begin(), e.vars.end());
      visit(*e.kids[1]);
      bound_.resize(mark);
      if (e.kids.size() > 2) visit(*e.kids[2]);  // maxBy's default
      return;
    }
    for (const ExprPtr& k : e.kids) visit(*k);
  }

  void name(const Expr& e, CheckNodeFacts& facts) {
    facts.root = names_.root(e.text);
    for (size_t b = bound_.size(); b > 0; --b) {
      if (bound_[b - 1] == e.text) {
        facts.reads = CheckNodeFacts::Reads::Bound;
        facts.bound = static_cast<uint32_t>(b - 1);
        return;
      }
    }
    for (const auto& p : graph_.params) {
      if (p.first == e.text) {
        facts.reads = CheckNodeFacts::Reads::Param;
        facts.param = p.second;
        return;
      }
    }
    if (facts.root != kNone && (names_.node(facts.root).output != kNone || names_.node(facts.root).input != kNone)) {
      facts.reads = CheckNodeFacts::Reads::Extrinsic;
    }
  }

  uint32_t family(const std::string& name) {
    std::string prefix = name + "[";
    CheckEvaluator::Family members;
    for (uint32_t d = 0; d < graph_.domains.size(); ++d) {
      const std::string& domain = graph_.domains[d];
      if (domain.compare(0, prefix.size(), prefix) == 0) members.emplace_back(d, familyIndex(domain, prefix.size()));
    }
    families_.push_back(std::move(members));
    return static_cast<uint32_t>(families_.size() - 1);
  }

  const Graph& graph_;
  const ExtrinsicNames& names_;
  std::vector<CheckEvaluator::Family>& families_;
  std::vector<CheckNodeFacts> facts_;
  std::vector<std::string_view> bound_;
};

// Resolves check names against a run: bound variables, parameters,
// extrinsic outputs (first) and inputs; evaluates has(), correct(),
// indexing and quantifiers.
class CheckHost final : public ExprHost {
 public:
  CheckHost(const Graph& graph, const ExtrinsicNames& names, const std::vector<CheckEvaluator::Family>& families,
            const RunResult& result, const RunConfig& config, const std::vector<bool>& correct)
      : graph_(graph), names_(names), families_(families), result_(result), config_(config), correct_(correct) {}

  CheckResult check(const CheckDecl& decl, const std::vector<CheckNodeFacts>& facts) {
    return evaluate(decl.name, *decl.expr.expr, facts);
  }

  // The body of `forall k in 0..: BODY` for one iteration, k bound to it.
  CheckResult iteration(const CheckDecl& decl, const std::vector<CheckNodeFacts>& facts, const IterationView& view) {
    iteration_ = &view;
    bound_.assign(1, view.k);
    CheckResult r =
        evaluate(decl.name, *decl.expr.expr->kids[1], facts, decl.expr.expr->vars[0] + " = " + std::to_string(view.k));
    iteration_ = nullptr;
    bound_.clear();
    return r;
  }

  // `bound` spells the variables bound before evaluating (`k = 5`), which
  // a failure names first.
  CheckResult evaluate(const std::string& name, const Expr& e, const std::vector<CheckNodeFacts>& facts,
                       const std::string& bound = "") {
    facts_ = &facts;
    steps_ = 0;
    comparedBefore_ = Value::partsCompared();
    unavailable_.clear();
    witness_.clear();
    ExprError error;
    auto v = evalExpr(e, lookup_, &error, this);
    std::string where = bound.empty() ? "" : "for " + bound + ": ";
    if (!v) return {name, false, where + (unavailable_.empty() ? error.message : unavailable_)};
    if (v->kind != Value::Kind::Bool) return {name, false, where + "the check is not a Bool: " + v->brief()};
    if (v->i) return {name, true, ""};
    std::string witness = bound + (!bound.empty() && !witness_.empty() ? ", " : "") + witness_;
    if (!witness.empty()) return {name, false, "false for " + witness};
    // No quantifier to name a counterexample: the values it read say why.
    std::vector<std::string> reads;
    valuesRead(e, reads);
    std::string values;
    for (const std::string& r : reads) values += (values.empty() ? "" : ", ") + r;
    return {name, false, values.empty() ? "the property is false" : "false with " + values};
  }

  // The extrinsics an expression reads at indices known outside any
  // quantifier, with their values (`decision[0] = 1`, `y never available`),
  // each once, at most 8.
  void valuesRead(const Expr& e, std::vector<std::string>& out) {
    if (out.size() >= 8 || e.kind == Expr::Kind::Quant) return;
    if (e.kind == Expr::Kind::Name || e.kind == Expr::Kind::Index) {
      ExprError ignored;
      if (auto ref = reference(e, &ignored); ref && ref->node != kNone) {
        const ExtrinsicNames::Node& node = names_.node(ref->node);
        std::string text;
        if (node.output != kNone) {
          const RunResult::Output& o = output(node.output);
          text = ref->name(names_) + (o.available ? " = " + o.value.brief() : " never available");
        } else if (auto v = node.input != kNone ? extrinsic(*ref, &ignored) : std::nullopt) {
          text = ref->name(names_) + " = " + v->brief();
        }
        if (!text.empty()) {
          if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(std::move(text));
          return;
        }
        if (node.kids.empty()) return;  // (a bundle goes on: its elements are read below it)
      }
    }
    for (const ExprPtr& kid : e.kids) valuesRead(*kid, out);
  }

  std::optional<Value> evalHosted(const Expr& e, ExprError* error) override {
    switch (e.kind) {
      case Expr::Kind::Index: {
        if (const ExtrinsicNames::Node* node = direct(e); node && node->output != kNone) {
          const RunResult::Output& o = output(node->output);
          if (o.available) return o.value;  // (else the general path says why)
        }
        auto ref = reference(e, error);
        if (!ref) return std::nullopt;
        return extrinsic(*ref, error);
      }
      case Expr::Kind::Call:
        if (e.op == Expr::Op::Has) {
          if (const ExtrinsicNames::Node* node = direct(*e.kids[0]); node && node->output != kNone)
            return Value::boolean(output(node->output).available);
          auto ref = reference(*e.kids[0], error);
          if (!ref) return std::nullopt;
          const ExtrinsicNames::Node* node = ref->node == kNone ? nullptr : &names_.node(ref->node);
          if (node && node->output != kNone) return Value::boolean(output(node->output).available);
          if (node && node->input != kNone) return Value::boolean(true);
          *error = {"unknown-name", e.offset, "no extrinsic '" + ref->name(names_) + "'"};
          return std::nullopt;
        }
        if (e.op == Expr::Op::Correct) {
          auto domain = domainOf(*e.kids[0], error);
          if (!domain) return std::nullopt;
          return Value::boolean(correct_[*domain]);
        }
        *error = {"unknown-name", e.offset, "unknown function '" + e.text + "'"};
        return std::nullopt;
      case Expr::Kind::Quant:
        return quantifier(e, error);
      default:
        *error = {"expr-syntax", e.offset, "not allowed here"};
        return std::nullopt;
    }
  }

 private:
  const CheckNodeFacts& facts(const Expr& e) const { return (*facts_)[e.id]; }

  // The value of a Name node, as its facts say where to read it.
  std::optional<Value> name(const Expr& e) {
    const CheckNodeFacts& f = facts(e);
    switch (f.reads) {
      case CheckNodeFacts::Reads::Bound:
        return Value::integer(bound_[f.bound]);
      case CheckNodeFacts::Reads::Param:
        return Value::integer(f.param);
      case CheckNodeFacts::Reads::Extrinsic: {
        ExprError ignored;
        return extrinsic({f.root, ""}, &ignored);
      }
      case CheckNodeFacts::Reads::Unknown:
        break;
    }
    return std::nullopt;
  }

  // A reference such as `dlvr[i][j]` resolved: the node of its name, or
  // (kNone) the spelling of a name that no extrinsic has. A per-iteration
  // name's node is its iteration 0 or 1 stand-in, spelled for iteration k.
  struct Ref {
    uint32_t node = kNone;
    std::string unknown;
    int64_t k = -1;
    std::string name(const ExtrinsicNames& names) const {
      if (node == kNone) return unknown;
      return k < 0 ? names.node(node).name : iterationName(names.node(node).name, k);
    }
  };

  // The window block the current iteration reads through, if any.
  const IterationBlock* block() const {
    if (!iteration_) return nullptr;
    return &graph_.unbounded->window[iteration_->k == 0 ? 0 : 1];
  }

  const RunResult::Output& output(uint32_t o) const {
    if (const IterationBlock* b = block(); b && o - b->output < b->outputs) return iteration_->outputs[o - b->output];
    return result_.outputs[o];
  }

  // The value of an extrinsic output (or input); reading one that never
  // became available fails the check, with the reason kept for the report.
  std::optional<Value> extrinsic(const Ref& ref, ExprError* error) {
    const ExtrinsicNames::Node* node = ref.node == kNone ? nullptr : &names_.node(ref.node);
    if (node && node->output != kNone) {
      const RunResult::Output& o = output(node->output);
      if (o.available) return o.value;
      std::string name = ref.name(names_);
      unavailable_ = "reads " + name + ", which never became available (guard it with has(" + name + "))";
      *error = {"unavailable", 0, unavailable_};
      return std::nullopt;
    }
    if (node && node->input != kNone) {
      if (const IterationBlock* b = block(); b && node->input - b->input < b->inputs)
        return iteration_->inputs[node->input - b->input];
      return Simulator::inputValue(graph_, node->input, config_);
    }
    *error = {"unknown-name", 0, "no extrinsic '" + ref.name(names_) + "'"};
    return std::nullopt;
  }

  // The common reference, an extrinsic's name indexed by quantifiers'
  // variables (`dlvr[i]`, `votes[i][j]`), resolved without evaluating:
  // its node, or null for anything else (reference() then resolves it).
  const ExtrinsicNames::Node* direct(const Expr& e) const {
    if (e.kind == Expr::Kind::Name) {
      uint32_t root = facts(e).root;
      return root == kNone ? nullptr : &names_.node(root);
    }
    if (e.kind != Expr::Kind::Index) return nullptr;
    const Expr& at = *e.kids[1];
    if (at.kind != Expr::Kind::Name || facts(at).reads != CheckNodeFacts::Reads::Bound) return nullptr;
    const ExtrinsicNames::Node* base = direct(*e.kids[0]);
    if (!base) return nullptr;
    int64_t index = bound_[facts(at).bound];
    // The iteration checked (`dlvr[k]`, k bound to it): its stand-in, kid 0
    // or 1 (the element of another iteration is reference()'s to refuse).
    if (base->perIteration) {
      if (!iteration_ || index != iteration_->k) return nullptr;
      index = index == 0 ? 0 : 1;
    }
    if (index < 0 || static_cast<uint64_t>(index) >= base->kids.size()) return nullptr;
    uint32_t child = base->kids[static_cast<size_t>(index)];
    return child == kNone ? nullptr : &names_.node(child);
  }

  // `dlvr[i][j]` -> the node of `dlvr[2][0]`.
  std::optional<Ref> reference(const Expr& e, ExprError* error) {
    if (e.kind == Expr::Kind::Name) {
      uint32_t node = facts(e).root;
      return node == kNone ? Ref{kNone, e.text} : Ref{node, ""};
    }
    if (e.kind != Expr::Kind::Index) {
      *error = {"expr-syntax", e.offset, "expected an extrinsic such as dlvr[i]"};
      return std::nullopt;
    }
    auto base = reference(*e.kids[0], error);
    if (!base) return std::nullopt;
    const Expr& at = *e.kids[1];
    // A quantifier's variable (`dlvr[i]`, the usual index) is read directly.
    auto index = at.kind == Expr::Kind::Name && facts(at).reads == CheckNodeFacts::Reads::Bound
                     ? std::optional(Value::integer(bound_[facts(at).bound]))
                     : evalExpr(at, lookup_, error, this);
    if (!index) return std::nullopt;
    if (base->node != kNone && names_.node(base->node).perIteration && index->kind == Value::Kind::Int) {
      if (!iteration_ || index->i != iteration_->k) {
        *error = {
            "unknown-name", at.offset,
            base->name(names_) + "[" + index->str() + "] is an element of another iteration than the one checked"};
        return std::nullopt;
      }
      uint32_t node = names_.child(base->node, index->i == 0 ? 0 : 1);
      if (node != kNone) return Ref{node, "", index->i};
    }
    if (base->node != kNone && index->kind == Value::Kind::Int) {
      uint32_t node = names_.child(base->node, index->i);
      if (node != kNone) return Ref{node, "", base->k};
    }
    return Ref{kNone, base->name(names_) + "[" + index->str() + "]"};
  }

  std::optional<uint32_t> domainOf(const Expr& e, ExprError* error) {
    auto ref = reference(e, error);
    if (!ref) return std::nullopt;
    std::string name = ref->name(names_);
    for (uint32_t d = 0; d < graph_.domains.size(); ++d) {
      if (graph_.domains[d] == name) return d;
    }
    *error = {"unknown-domain", e.offset, "no domain " + name};
    return std::nullopt;
  }

  // Appends the indices a quantifier ranges over, correct(F) or LO..HI, to
  // values_ (the innermost quantifier's are last).
  bool range(const Expr& e, ExprError* error) {
    if (e.kind == Expr::Kind::Range && e.kids.size() == 2) {
      auto lo = evalExpr(*e.kids[0], lookup_, error, this);
      auto hi = lo ? evalExpr(*e.kids[1], lookup_, error, this) : std::nullopt;
      if (!hi) return false;
      if (hi->i > lo->i && static_cast<uint64_t>(hi->i) - static_cast<uint64_t>(lo->i) > kMaxCheckSteps) {
        *error = stepLimit(e.offset);
        return false;
      }
      for (int64_t i = lo->i; i < hi->i; ++i) values_.push_back(i);
      return true;
    }
    if (e.op == Expr::Op::Correct && facts(e).family != kNone) {
      for (const auto& [d, index] : families_[facts(e).family]) {
        if (!correct_[d]) continue;
        // Not a number: fail as reading it always has.
        values_.push_back(index ? *index : std::stoll(graph_.domains[d].substr(e.kids[0]->text.size() + 1)));
      }
      return true;
    }
    *error = {"expr-syntax", e.offset, "a quantifier ranges over correct(FAMILY) or LO..HI"};
    return false;
  }

  std::optional<Value> quantifier(const Expr& e, ExprError* error) {
    // This quantifier's values and odometer sit at the end of values_ and
    // at_ (shared by nested quantifiers, so a run allocates them once).
    size_t first = values_.size();
    if (!range(*e.kids[0], error)) {
      values_.resize(first);
      return std::nullopt;
    }
    size_t count = values_.size() - first;
    bool forall = e.op == Expr::Op::Forall;
    if (count == 0) return Value::boolean(forall);
    size_t mark = bound_.size(), vars = e.vars.size(), odometer = at_.size();
    at_.resize(odometer + vars, 0);
    auto done = [&](std::optional<Value> result) {
      bound_.resize(mark);
      at_.resize(odometer);
      values_.resize(first);
      return result;
    };
    bound_.resize(mark + vars);
    while (true) {
      if (!countStep(*e.kids[1])) {
        *error = stepLimit(e.offset);
        return done(std::nullopt);
      }
      for (size_t v = 0; v < vars; ++v) bound_[mark + v] = values_[first + at_[odometer + v]];
      witness_.clear();  // what a forall inside the body fails for
      auto body = evalExpr(*e.kids[1], lookup_, error, this);
      if (!body) return done(std::nullopt);
      if (body->kind != Value::Kind::Bool) {
        *error = {"type-mismatch", e.offset, "a quantifier's body must be a Bool"};
        return done(std::nullopt);
      }
      if (forall != (body->i != 0)) {
        // A counterexample: this quantifier's values, then those of the
        // forall inside the body that failed with it (`t = 0, i = 1, j = 2`).
        std::string inner = forall ? std::move(witness_) : "";
        witness_.clear();
        for (size_t v = 0; forall && v < vars; ++v) {
          witness_ += (v ? ", " : "") + e.vars[v] + " = " + std::to_string(values_[first + at_[odometer + v]]);
        }
        if (!inner.empty()) witness_ += ", " + inner;
        return done(Value::boolean(!forall));
      }
      size_t k = vars;
      while (k > 0 && ++at_[odometer + k - 1] == count) at_[odometer + --k] = 0;
      if (k == 0) {
        witness_.clear();  // no counterexample: a forall that holds, an exists that found none
        return done(Value::boolean(forall));
      }
    }
  }

  // A map quantifier's body (forall over a map, a filter, maxBy) counts as
  // a range quantifier's does.
  bool step(const Expr& quant, ExprError* error) override {
    if (countStep(*quant.kids[1])) return true;
    *error = stepLimit(quant.offset);
    return false;
  }

  // One evaluation of a quantifier's body (a step, and more for a large
  // body: expressionSteps), and the value comparisons since the last (each
  // kPartsPerStep heap parts compared a step): whether the check is still
  // within kMaxCheckSteps.
  bool countStep(const Expr& body) {
    steps_ += 1 + expressionSteps(body);
    return steps_ + (Value::partsCompared() - comparedBefore_) / kPartsPerStep <= kMaxCheckSteps;
  }

  // A check's quantifiers stop after kMaxCheckSteps evaluations of their
  // bodies in one run, so that a check ends in bounded time.
  static ExprError stepLimit(uint32_t offset) {
    return {
        "check-limit", offset,
        "stopped after " + std::to_string(kMaxCheckSteps) + " quantifier steps, the limit for one check in one run"};
  }

  // Names as evaluation looks them up: by node, through the check's facts.
  struct Lookup {
    CheckHost* host;
    std::optional<Value> operator()(const Expr& e) const { return host->name(e); }
  };

  const Graph& graph_;
  const ExtrinsicNames& names_;
  const std::vector<CheckEvaluator::Family>& families_;
  const RunResult& result_;
  const RunConfig& config_;
  const std::vector<bool>& correct_;
  const std::vector<CheckNodeFacts>* facts_ = nullptr;  // the current check's
  const IterationView* iteration_ = nullptr;            // the iteration a check over iterations reads
  Lookup lookup_{this};
  std::vector<int64_t> bound_;   // the bound variables' values, outermost first (CheckNodeFacts::bound)
  std::vector<int64_t> values_;  // the enclosing quantifiers' ranges
  std::vector<size_t> at_;       // their odometers
  std::string unavailable_;
  std::string witness_;
  uint64_t steps_ = 0;
  uint64_t comparedBefore_ = 0;  // Value::partsCompared() when the check began
};

}  // namespace

CheckEvaluator::CheckEvaluator(const Model& model, const Graph& graph) : model_(model), graph_(graph), names_(graph) {
  Planner planner(graph_, names_, families_);
  for (const CheckDecl& decl : model_.checks) {
    facts_.push_back(decl.expr.expr ? planner.plan(*decl.expr.expr) : std::vector<CheckNodeFacts>{});
  }
  selected_.assign(model_.checks.size(), true);
}

std::optional<std::string> CheckEvaluator::select(const std::vector<std::string>& names) {
  std::vector<bool> selected(model_.checks.size(), false);
  for (const std::string& name : names) {
    std::optional<size_t> check = model_.checkIndex(name);
    if (!check) return name;
    selected[*check] = true;
  }
  selected_ = std::move(selected);
  return std::nullopt;
}

bool CheckEvaluator::overIterations(size_t c) const {
  const ExprPtr& e = model_.checks[c].expr.expr;
  return e && graph_.unbounded && rdc::overIterations(*e, *graph_.unbounded, graph_.params);
}

bool CheckMemo::holdsFor(const RunResult& result, const RunConfig& config, const std::vector<bool>& correct) const {
  if (!valid_ || result.outputs.size() != outputs_.size() || correct != correct_ || config.inputs != inputs_)
    return false;
  for (size_t o = 0; o < outputs_.size(); ++o) {
    const RunResult::Output &now = result.outputs[o], &then = outputs_[o];
    if (now.available != then.available || (now.available && now.value != then.value)) return false;
  }
  return true;
}

void CheckMemo::keep(const RunResult& result, const RunConfig& config, const std::vector<bool>& correct,
                     const std::vector<CheckResult>& results) {
  outputs_.resize(result.outputs.size());
  for (size_t o = 0; o < outputs_.size(); ++o) outputs_[o] = {result.outputs[o].available, result.outputs[o].value, 0};
  inputs_ = config.inputs;
  correct_ = correct;
  results_ = results;
  valid_ = true;
}

std::vector<CheckResult> CheckEvaluator::evaluate(const RunResult& result, const RunConfig& config,
                                                  const std::vector<bool>& correct,
                                                  const std::vector<std::string>* iterationFailures,
                                                  CheckMemo* memo) const {
  if (graph_.unbounded) memo = nullptr;  // (checks over iterations take their verdicts from the run)
  if (memo && memo->holdsFor(result, config, correct)) return memo->results_;
  CheckHost host(graph_, names_, families_, result, config, correct);
  std::vector<CheckResult> out;
  out.reserve(model_.checks.size());
  for (size_t c = 0; c < model_.checks.size(); ++c) {
    if (!selected_[c]) continue;
    if (overIterations(c)) {
      const std::string why =
          iterationFailures && c < iterationFailures->size() ? (*iterationFailures)[c] : std::string();
      out.push_back({model_.checks[c].name, why.empty(), why});
    } else {
      out.push_back(host.check(model_.checks[c], facts_[c]));
    }
  }
  if (memo) memo->keep(result, config, correct, out);
  return out;
}

void CheckEvaluator::evaluateIteration(const IterationView& view, const RunResult& result, const RunConfig& config,
                                       const std::vector<bool>& correct,
                                       std::vector<std::string>& iterationFailures) const {
  iterationFailures.resize(model_.checks.size());
  CheckHost host(graph_, names_, families_, result, config, correct);
  for (size_t c = 0; c < model_.checks.size(); ++c) {
    if (!selected_[c] || !overIterations(c) || !iterationFailures[c].empty()) continue;
    CheckResult r = host.iteration(model_.checks[c], facts_[c], view);
    if (!r.pass) iterationFailures[c] = r.why;
  }
}

}  // namespace rdc::run
