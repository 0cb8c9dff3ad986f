// Parameters, expressions, domains and the step budget.
#include "ir/graph/elaborate/elaborator.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "ir/graph/elaborate/size.h"

namespace rdc::elab {

NameLookup Elaborator::lookupIn(const Env& env) {
  return [&env](std::string_view name) -> std::optional<Value> {
    for (auto it = env.rbegin(); it != env.rend(); ++it) {
      if (it->first == name) return Value::integer(it->second);
    }
    return std::nullopt;
  };
}

const int64_t* Elaborator::findVar(const Env& env, std::string_view name) {
  for (auto it = env.rbegin(); it != env.rend(); ++it) {
    if (it->first == name) return &it->second;
  }
  return nullptr;
}

bool Elaborator::fastInt(const Expr& e, const Env& env, int64_t& out) {
  switch (e.kind) {
    case Expr::Kind::Literal:
      if (e.value.kind != Value::Kind::Int) return false;
      out = e.value.i;
      return true;
    case Expr::Kind::Name:
      if (const int64_t* v = findVar(env, e.text)) {
        out = *v;
        return true;
      }
      return false;
    case Expr::Kind::Binary: {
      int64_t a, b;
      if (!fastInt(*e.kids[0], env, a) || !fastInt(*e.kids[1], env, b)) return false;
      switch (e.text[0]) {
        case '+':
          return e.text.size() == 1 && !__builtin_add_overflow(a, b, &out);
        case '-':
          return e.text.size() == 1 && !__builtin_sub_overflow(a, b, &out);
        case '*':
          return !__builtin_mul_overflow(a, b, &out);
        case '/':
          if (b == 0 || (a == INT64_MIN && b == -1)) return false;
          out = a / b;
          return true;
        case '%':
          if (b == 0 || (a == INT64_MIN && b == -1)) return false;
          out = a % b;
          return true;
        default:
          return false;
      }
    }
    default:
      return false;
  }
}

std::optional<int64_t> Elaborator::evalIn(const Env& env, const SourceExpr& e) {
  if (!spendOn(*e.expr, e.pos)) return std::nullopt;
  int64_t fast;
  if (fastInt(*e.expr, env, fast)) return fast;
  ExprError error;
  auto v = evalInt(*e.expr, lookupIn(env), &error);
  if (!v) diags_.error(error.code, e.pos.shifted(error.offset), error.message);
  return v;
}

std::optional<int64_t> Elaborator::evalParam(const Env& env, const SourceExpr& e, const std::string& name) {
  auto v = evalIn(env, e);
  if (v && *v < 0) {
    diags_.error("bad-param", e.pos, "parameter '" + name + "' is negative (" + std::to_string(*v) + ")");
    return std::nullopt;
  }
  return v;
}

bool Elaborator::globalParams() {
  std::set<std::string> failed;  // parameters without a value: what reads one is not reported again
  for (const ParamDecl& p : model_.params) {
    if (!p.value) {
      diags_.error("bad-param", p.pos, "global parameter '" + p.name + "' has no value");
      failed.insert(p.name);
      continue;
    }
    std::vector<std::string> reads = freeNames(*p.value->expr);
    if (std::any_of(reads.begin(), reads.end(), [&](const std::string& n) { return failed.count(n) > 0; })) {
      failed.insert(p.name);
      continue;
    }
    auto v = evalParam(globals_, *p.value, p.name);
    if (!v) {
      failed.insert(p.name);
      continue;
    }
    globals_.emplace_back(p.name, *v);
  }
  return failed.empty();
}

bool Elaborator::declareDomains() {
  for (const DomainDecl& d : model_.domains) {
    DomainFamily family{d.name, 0, static_cast<uint32_t>(graph_.domains.size()), !d.size};
    if (d.size) {
      auto n = evalParam(globals_, *d.size, d.name);
      if (!n) return false;
      if (static_cast<uint64_t>(*n) > options_.maxLines) {
        diags_.error("size-limit", d.size->pos,
                     "domain family '" + d.name + "' has " + std::to_string(*n) + " members, more than the size limit");
        return false;
      }
      family.size = *n;
      for (int64_t i = 0; i < *n; ++i) graph_.domains.push_back(d.name + "[" + std::to_string(i) + "]");
    } else {
      graph_.domains.push_back(d.name);
    }
    families_.push_back(family);
  }
  if (model_.domains.empty()) graph_.domains.push_back("main");
  return true;
}

std::optional<uint32_t> Elaborator::domainId(const Env& env, const DomainRef& ref) {
  for (const DomainFamily& f : families_) {
    if (f.name != ref.family) continue;
    if (f.scalar != ref.indices.empty() || ref.indices.size() > 1) {
      diags_.error(
          "unknown-domain", ref.pos,
          f.scalar ? "domain '" + f.name + "' takes no index" : "domain family '" + f.name + "' takes one index");
      return std::nullopt;
    }
    if (f.scalar) return f.first;
    auto i = evalIn(env, ref.indices[0]);
    if (!i) return std::nullopt;
    if (*i < 0 || *i >= f.size) {
      diags_.error(
          "index-range", ref.indices[0].pos,
          "domain index " + std::to_string(*i) + " is outside " + f.name + "[0.." + std::to_string(f.size) + "]");
      return std::nullopt;
    }
    return f.first + static_cast<uint32_t>(*i);
  }
  std::vector<std::string> known;
  for (const DomainFamily& f : families_) known.push_back(f.name);
  diags_.error("unknown-domain", ref.pos, "unknown domain '" + ref.family + "'" + didYouMean(ref.family, known));
  return std::nullopt;
}

void Elaborator::checkComponentNames() {
  for (const ComponentDef& c : model_.components) {
    if (catalog_.find(c.name)) {
      diags_.error("duplicate-name", c.pos, "component '" + c.name + "' has the name of a base component");
    }
  }
}

bool Elaborator::spendOn(const Expr& e, Pos pos) {
  uint64_t steps = expressionSteps(e);
  return steps == 0 || spend(steps, pos);
}

bool Elaborator::spend(uint64_t units, Pos pos) {
  work_ += units;
  if (work_ > elab::stepLimit(options_) || graph_.lines.size() > options_.maxLines) {
    if (!aborted_ && graph_.lines.size() > options_.maxLines) {
      diags_.error("size-limit", pos,
                   "the model elaborates to more than " + std::to_string(options_.maxLines) +
                       " scalar lines (raise the limit with --max-lines)");
    } else if (!aborted_) {
      diags_.error("size-limit", pos, "the model " + overStepLimit(options_));
    }
    aborted_ = true;
  }
  return !aborted_;
}

}  // namespace rdc::elab
