#include "tools/rdc-run/engine/checks.h"

#include <unordered_map>

#include "ir/lint/lint_passes.h"

namespace rdc::run {

namespace {

// Resolves check names against a run: bound variables, parameters,
// extrinsic outputs (first) and inputs; evaluates has(), correct(),
// indexing and quantifiers.
class CheckHost final : public ExprHost {
 public:
  CheckHost(const Graph& graph, const ExtrinsicNames& names, const RunResult& result, const RunConfig& config,
            const std::vector<bool>& correct)
      : graph_(graph), names_(names), result_(result), config_(config), correct_(correct) {
    lookup_ = [this](std::string_view name) { return this->name(name); };
  }

  CheckResult check(const CheckDecl& decl) {
    steps_ = 0;
    ExprError error;
    auto v = evalExpr(*decl.expr.expr, lookup_, &error, this);
    if (!v) return {decl.name, false, unavailable_.empty() ? error.message : unavailable_};
    if (v->kind != Value::Kind::Bool) return {decl.name, false, "the check is not a Bool: " + v->str()};
    if (v->i) return {decl.name, true, ""};
    return {decl.name, false, witness_.empty() ? "the property is false" : "false for " + witness_};
  }

  std::optional<Value> evalHosted(const Expr& e, ExprError* error) override {
    switch (e.kind) {
      case Expr::Kind::Index: {
        auto ref = reference(e, error);
        if (!ref) return std::nullopt;
        return extrinsic(*ref, error);
      }
      case Expr::Kind::Call:
        if (e.op == Expr::Op::Has) {
          auto ref = reference(*e.kids[0], error);
          if (!ref) return std::nullopt;
          const ExtrinsicNames::Node* node = ref->node == kNone ? nullptr : &names_.node(ref->node);
          if (node && node->output != kNone) return Value::boolean(result_.outputs[node->output].available);
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
  std::optional<Value> name(std::string_view n) {
    for (auto it = bound_.rbegin(); it != bound_.rend(); ++it) {
      if (it->first == n) return Value::integer(it->second);
    }
    for (const auto& p : graph_.params) {
      if (p.first == n) return Value::integer(p.second);
    }
    uint32_t node = names_.root(n);
    if (node == kNone || (names_.node(node).output == kNone && names_.node(node).input == kNone)) return std::nullopt;
    ExprError ignored;
    return extrinsic({node, ""}, &ignored);
  }

  // The value of an extrinsic output (or input); reading one that never
  // became available fails the check, with the reason kept for the report.
  // A reference such as `dlvr[i][j]` resolved: the node of its name, or
  // (kNone) the spelling of a name that no extrinsic has.
  struct Ref {
    uint32_t node = kNone;
    std::string unknown;
    std::string name(const ExtrinsicNames& names) const { return node == kNone ? unknown : names.node(node).name; }
  };

  std::optional<Value> extrinsic(const Ref& ref, ExprError* error) {
    const ExtrinsicNames::Node* node = ref.node == kNone ? nullptr : &names_.node(ref.node);
    if (node && node->output != kNone) {
      const RunResult::Output& o = result_.outputs[node->output];
      if (o.available) return o.value;
      unavailable_ = "reads " + node->name + ", which never became available (guard it with has(" + node->name + "))";
      *error = {"unavailable", 0, unavailable_};
      return std::nullopt;
    }
    if (node && node->input != kNone) return Simulator::inputValue(graph_, node->input, config_);
    *error = {"unknown-name", 0, "no extrinsic '" + ref.name(names_) + "'"};
    return std::nullopt;
  }

  // `dlvr[i][j]` -> the node of `dlvr[2][0]`.
  std::optional<Ref> reference(const Expr& e, ExprError* error) {
    if (e.kind == Expr::Kind::Name) {
      uint32_t node = rootOf(e);
      return node == kNone ? Ref{kNone, e.text} : Ref{node, ""};
    }
    if (e.kind != Expr::Kind::Index) {
      *error = {"expr-syntax", e.offset, "expected an extrinsic such as dlvr[i]"};
      return std::nullopt;
    }
    auto base = reference(*e.kids[0], error);
    if (!base) return std::nullopt;
    auto index = evalExpr(*e.kids[1], lookup_, error, this);
    if (!index) return std::nullopt;
    if (base->node != kNone && index->kind == Value::Kind::Int) {
      uint32_t node = names_.child(base->node, index->i);
      if (node != kNone) return Ref{node, ""};
    }
    return Ref{kNone, base->name(names_) + "[" + index->str() + "]"};
  }

  // The name tree's node of a plain name, remembered per expression node.
  uint32_t rootOf(const Expr& e) {
    auto [it, added] = roots_.try_emplace(&e, kNone);
    if (added) it->second = names_.root(e.text);
    return it->second;
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

  // The indices a quantifier ranges over: correct(F) or LO..HI.
  std::optional<std::vector<int64_t>> range(const Expr& e, ExprError* error) {
    std::vector<int64_t> out;
    if (e.kind == Expr::Kind::Range) {
      auto lo = evalExpr(*e.kids[0], lookup_, error, this);
      auto hi = lo ? evalExpr(*e.kids[1], lookup_, error, this) : std::nullopt;
      if (!hi) return std::nullopt;
      if (hi->i > lo->i && static_cast<uint64_t>(hi->i) - static_cast<uint64_t>(lo->i) > kMaxCheckSteps) {
        *error = stepLimit(e.offset);
        return std::nullopt;
      }
      for (int64_t i = lo->i; i < hi->i; ++i) out.push_back(i);
      return out;
    }
    if (e.op == Expr::Op::Correct && e.kids[0]->kind == Expr::Kind::Name) {
      std::string prefix = e.kids[0]->text + "[";
      for (uint32_t d = 0; d < graph_.domains.size(); ++d) {
        const std::string& name = graph_.domains[d];
        if (name.compare(0, prefix.size(), prefix) == 0 && correct_[d]) {
          out.push_back(std::stoll(name.substr(prefix.size())));
        }
      }
      return out;
    }
    *error = {"expr-syntax", e.offset, "a quantifier ranges over correct(FAMILY) or LO..HI"};
    return std::nullopt;
  }

  std::optional<Value> quantifier(const Expr& e, ExprError* error) {
    auto values = range(*e.kids[0], error);
    if (!values) return std::nullopt;
    bool forall = e.op == Expr::Op::Forall;
    std::vector<size_t> at(e.vars.size(), 0);
    if (values->empty()) return Value::boolean(forall);
    size_t mark = bound_.size();
    while (true) {
      if (++steps_ > kMaxCheckSteps) {
        *error = stepLimit(e.offset);
        return std::nullopt;
      }
      bound_.resize(mark);
      for (size_t v = 0; v < e.vars.size(); ++v) bound_.emplace_back(e.vars[v], (*values)[at[v]]);
      auto body = evalExpr(*e.kids[1], lookup_, error, this);
      bound_.resize(mark);
      if (!body) return std::nullopt;
      if (body->kind != Value::Kind::Bool) {
        *error = {"type-mismatch", e.offset, "a quantifier's body must be a Bool"};
        return std::nullopt;
      }
      if (forall != (body->i != 0)) {
        if (forall) {  // remember the counterexample (the outermost one is set last)
          witness_.clear();
          for (size_t v = 0; v < e.vars.size(); ++v) {
            witness_ += (v ? ", " : "") + e.vars[v] + " = " + std::to_string((*values)[at[v]]);
          }
        }
        return Value::boolean(!forall);
      }
      size_t k = at.size();
      while (k > 0 && ++at[k - 1] == values->size()) at[--k] = 0;
      if (k == 0) return Value::boolean(forall);
    }
  }

  // A check's quantifiers stop after kMaxCheckSteps evaluations of their
  // bodies in one run, so that a check ends in bounded time.
  static ExprError stepLimit(uint32_t offset) {
    return {
        "check-limit", offset,
        "stopped after " + std::to_string(kMaxCheckSteps) + " quantifier steps, the limit for one check in one run"};
  }

  const Graph& graph_;
  const ExtrinsicNames& names_;
  std::unordered_map<const Expr*, uint32_t> roots_;
  const RunResult& result_;
  const RunConfig& config_;
  const std::vector<bool>& correct_;
  std::vector<std::pair<std::string_view, int64_t>> bound_;  // names owned by the checks' expressions
  NameLookup lookup_;
  std::string unavailable_;
  std::string witness_;
  uint64_t steps_ = 0;
};

}  // namespace

CheckEvaluator::CheckEvaluator(const Model& model, const Graph& graph) : model_(model), graph_(graph), names_(graph) {}

std::vector<CheckResult> CheckEvaluator::evaluate(const RunResult& result, const RunConfig& config,
                                                  const std::vector<bool>& correct) const {
  CheckHost host(graph_, names_, result, config, correct);
  std::vector<CheckResult> out;
  for (const CheckDecl& decl : model_.checks) out.push_back(host.check(decl));
  return out;
}

}  // namespace rdc::run
