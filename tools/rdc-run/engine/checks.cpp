#include "tools/rdc-run/engine/checks.h"

#include <map>

#include "ir/lint/lint_passes.h"

namespace rdc::run {

namespace {

// Resolves check names against a run: bound variables, parameters,
// extrinsic outputs (first) and inputs; evaluates has(), correct(),
// indexing and quantifiers.
class CheckHost final : public ExprHost {
 public:
  CheckHost(const Graph& graph, const std::map<std::string, size_t>& outputs,
            const std::map<std::string, size_t>& inputs, const RunResult& result, const RunConfig& config,
            const std::vector<bool>& correct)
      : graph_(graph), outputs_(outputs), inputs_(inputs), result_(result), config_(config), correct_(correct) {
    lookup_ = [this](std::string_view name) { return this->name(std::string(name)); };
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
        auto name = reference(e, error);
        if (!name) return std::nullopt;
        return extrinsic(*name, error);
      }
      case Expr::Kind::Call:
        if (e.text == "has" && e.kids.size() == 1) {
          auto name = reference(*e.kids[0], error);
          if (!name) return std::nullopt;
          auto out = outputs_.find(*name);
          if (out != outputs_.end()) return Value::boolean(result_.outputs[out->second].available);
          if (inputs_.count(*name)) return Value::boolean(true);
          *error = {"unknown-name", e.offset, "no extrinsic '" + *name + "'"};
          return std::nullopt;
        }
        if (e.text == "correct" && e.kids.size() == 1) {
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
  std::optional<Value> name(const std::string& n) {
    for (auto it = bound_.rbegin(); it != bound_.rend(); ++it) {
      if (it->first == n) return Value::integer(it->second);
    }
    for (const auto& p : graph_.params) {
      if (p.first == n) return Value::integer(p.second);
    }
    ExprError ignored;
    if (outputs_.count(n) || inputs_.count(n)) return extrinsic(n, &ignored);
    return std::nullopt;
  }

  // The value of an extrinsic output (or input); reading one that never
  // became available fails the check, with the reason kept for the report.
  std::optional<Value> extrinsic(const std::string& n, ExprError* error) {
    auto out = outputs_.find(n);
    if (out != outputs_.end()) {
      const RunResult::Output& o = result_.outputs[out->second];
      if (o.available) return o.value;
      unavailable_ = "reads " + n + ", which never became available (guard it with has(" + n + "))";
      *error = {"unavailable", 0, unavailable_};
      return std::nullopt;
    }
    auto in = inputs_.find(n);
    if (in != inputs_.end()) return Simulator::inputValue(graph_, static_cast<uint32_t>(in->second), config_);
    *error = {"unknown-name", 0, "no extrinsic '" + n + "'"};
    return std::nullopt;
  }

  // `dlvr[i][j]` -> "dlvr[2][0]".
  std::optional<std::string> reference(const Expr& e, ExprError* error) {
    if (e.kind == Expr::Kind::Name) return e.text;
    if (e.kind != Expr::Kind::Index) {
      *error = {"expr-syntax", e.offset, "expected an extrinsic such as dlvr[i]"};
      return std::nullopt;
    }
    auto base = reference(*e.kids[0], error);
    if (!base) return std::nullopt;
    auto index = evalExpr(*e.kids[1], lookup_, error, this);
    if (!index) return std::nullopt;
    return *base + "[" + index->str() + "]";
  }

  std::optional<uint32_t> domainOf(const Expr& e, ExprError* error) {
    auto name = reference(e, error);
    if (!name) return std::nullopt;
    for (uint32_t d = 0; d < graph_.domains.size(); ++d) {
      if (graph_.domains[d] == *name) return d;
    }
    *error = {"unknown-domain", e.offset, "no domain " + *name};
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
    if (e.kind == Expr::Kind::Call && e.text == "correct" && e.kids.size() == 1 &&
        e.kids[0]->kind == Expr::Kind::Name) {
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
    bool forall = e.text == "forall";
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
  const std::map<std::string, size_t>& outputs_;
  const std::map<std::string, size_t>& inputs_;
  const RunResult& result_;
  const RunConfig& config_;
  const std::vector<bool>& correct_;
  std::vector<std::pair<std::string, int64_t>> bound_;
  NameLookup lookup_;
  std::string unavailable_;
  std::string witness_;
  uint64_t steps_ = 0;
};

}  // namespace

CheckEvaluator::CheckEvaluator(const Model& model, const Graph& graph) : model_(model), graph_(graph) {
  for (size_t o = 0; o < graph.outputs.size(); ++o) outputs_.emplace(graph.outputs[o].name, o);
  for (size_t i = 0; i < graph.inputs.size(); ++i) inputs_.emplace(graph.inputs[i].name, i);
}

std::vector<CheckResult> CheckEvaluator::evaluate(const RunResult& result, const RunConfig& config,
                                                  const std::vector<bool>& correct) const {
  CheckHost host(graph_, outputs_, inputs_, result, config, correct);
  std::vector<CheckResult> out;
  for (const CheckDecl& decl : model_.checks) out.push_back(host.check(decl));
  return out;
}

}  // namespace rdc::run
