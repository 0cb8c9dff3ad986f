#include "ir/graph/elaborate.h"

#include <sys/resource.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "ir/graph/elaborate/names.h"
#include "ir/graph/elaborate/size.h"
#include "ir/graph/infer.h"
#include "ir/graph/verify.h"
#include "ir/support/union_find.h"

namespace rdc {

namespace {

using namespace elab;

// What is attached at one end of a net: a base line or a source/sink token.
struct Attachment {
  enum class Kind : uint8_t { None, Line, Token } kind = Kind::None;
  uint32_t line = kNone;
  Endpoint token;
  Pos pos;
  bool implicit = false;  // an implicit drop/never added for a dangling composite line
};

// A net segment: the value flowing through one wire name in one scope.
// Segments joined by `wire:` items and composite boundaries form one net.
struct NetNode {
  Attachment producer, consumer;
};

enum class Role : uint8_t { Local, OwnInput, OwnOutput };

struct NameInfo {
  uint32_t node;
  uint8_t produced = 0, consumed = 0;
  Role role = Role::Local;
  Pos firstUse;
};

// The lines of the composite being elaborated, with their evaluated dims.
struct OwnLine {
  const LineDecl* decl;
  Indices dims;
  TypeId type;
  uint32_t typeGroup;  // for a line typed by a type variable: kNone otherwise
};

// One composite body being elaborated.
struct Scope {
  const ComponentDef* def = nullptr;
  std::string path;  // instance path prefix, "" for the system
  Env env;
  std::vector<OwnLine> ownLines;
  NameTable names;  // an entry's index is its index in infos
  std::vector<NameInfo> infos;
  NameTable instanceNames;
  int depth = 0;
  // `@ D` on this instance or an enclosing one: where its components live.
  std::optional<uint32_t> domain;
  Pos domainPos;

  const OwnLine* ownLine(const std::string& name) const {
    for (const OwnLine& l : ownLines) {
      if (l.decl->name == name) return &l;
    }
    return nullptr;
  }
};

class Elaborator {
 public:
  Elaborator(const Model& model, const Catalog& catalog, const ElabOptions& options, DiagnosticSink& diags)
      : model_(model), catalog_(catalog), options_(options), diags_(diags) {}

  std::optional<Graph> run() {
    size_t errorsBefore = diags_.errorCount();
    checkComponentNames();
    if (!globalParams() || !declareDomains()) return std::nullopt;
    if (!elab::fitsLimits(model_, catalog_, options_, diags_)) return std::nullopt;
    Scope system;
    system.def = &model_.system;
    system.env = globals_;
    body(system, model_.system.body);
    if (!aborted_) closeScope(system);
    if (aborted_ || diags_.errorCount() > errorsBefore) return std::nullopt;
    connect();
    if (diags_.errorCount() > errorsBefore) return std::nullopt;
    graph_.params = globals_;
    if (!inferTypes(graph_, catalog_, typeHints_, diags_)) return std::nullopt;
    if (!inferDomains(graph_, catalog_, domainHints_, !model_.domains.empty(), diags_)) return std::nullopt;
    warnUnusedComponents();
    return std::move(graph_);
  }

 private:
  // ---- parameters and expressions ----

  NameLookup lookupIn(const Env& env) {
    return [&env](std::string_view name) -> std::optional<Value> {
      for (auto it = env.rbegin(); it != env.rend(); ++it) {
        if (it->first == name) return Value::integer(it->second);
      }
      return std::nullopt;
    };
  }

  static const int64_t* findVar(const Env& env, std::string_view name) {
    for (auto it = env.rbegin(); it != env.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    return nullptr;
  }

  // The common case of index arithmetic, without building Values. Returns
  // false on anything unusual, and the general evaluator then reports it.
  static bool fastInt(const Expr& e, const Env& env, int64_t& out) {
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

  std::optional<int64_t> evalIn(const Env& env, const SourceExpr& e) {
    int64_t fast;
    if (fastInt(*e.expr, env, fast)) return fast;
    ExprError error;
    auto v = evalInt(*e.expr, lookupIn(env), &error);
    if (!v) diags_.error(error.code, e.pos.shifted(error.offset), error.message);
    return v;
  }

  std::optional<int64_t> evalParam(const Env& env, const SourceExpr& e, const std::string& name) {
    auto v = evalIn(env, e);
    if (v && *v < 0) {
      diags_.error("bad-param", e.pos, "parameter '" + name + "' is negative (" + std::to_string(*v) + ")");
      return std::nullopt;
    }
    return v;
  }

  bool globalParams() {
    bool ok = true;
    for (const ParamDecl& p : model_.params) {
      if (!p.value) {
        diags_.error("bad-param", p.pos, "global parameter '" + p.name + "' has no value");
        ok = false;
        continue;
      }
      auto v = evalParam(globals_, *p.value, p.name);
      if (!v) {
        ok = false;
        continue;
      }
      globals_.emplace_back(p.name, *v);
    }
    return ok;
  }

  bool declareDomains() {
    for (const DomainDecl& d : model_.domains) {
      DomainFamily family{d.name, 0, static_cast<uint32_t>(graph_.domains.size()), !d.size};
      if (d.size) {
        auto n = evalParam(globals_, *d.size, d.name);
        if (!n) return false;
        if (static_cast<uint64_t>(*n) > options_.maxLines) {
          diags_.error(
              "size-limit", d.size->pos,
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

  std::optional<uint32_t> domainId(const Env& env, const DomainRef& ref) {
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
    diags_.error("unknown-domain", ref.pos, "unknown domain '" + ref.family + "'");
    return std::nullopt;
  }

  void checkComponentNames() {
    for (const ComponentDef& c : model_.components) {
      if (catalog_.find(c.name)) {
        diags_.error("duplicate-name", c.pos, "component '" + c.name + "' has the name of a base component");
      }
    }
  }

  // ---- budget ----

  bool spend(uint64_t units, Pos pos) {
    work_ += units;
    if (work_ > elab::stepLimit(options_) || graph_.lines.size() > options_.maxLines) {
      if (!aborted_) {
        diags_.error("size-limit", pos,
                     "the model elaborates to more than " + std::to_string(options_.maxLines) +
                         " scalar lines (raise the limit with --max-lines)");
      }
      aborted_ = true;
    }
    return !aborted_;
  }

  // ---- nets ----

  uint32_t newNode() {
    nodes_.push_back({});
    return uf_.add();
  }

  uint32_t tokenNode(const Term& term, Scope& scope, const Indices& stars, bool asSource) {
    uint32_t node = newNode();
    Endpoint ep;
    switch (term.kind) {
      case Term::Kind::Choose:
        ep.kind = Endpoint::Kind::Choose;
        break;
      case Term::Kind::Never:
        ep.kind = Endpoint::Kind::Never;
        break;
      case Term::Kind::Drop:
        ep.kind = Endpoint::Kind::Drop;
        break;
      case Term::Kind::Const: {
        ExprError error;
        auto v = evalExpr(*term.value.expr, lookupIn(scope.env), &error);
        if (!v) {
          diags_.error(error.code, term.value.pos.shifted(error.offset), error.message);
          return kNone;
        }
        ep.kind = Endpoint::Kind::Const;
        ep.ref = static_cast<uint32_t>(graph_.constants.size());
        graph_.constants.push_back(std::move(*v));
        break;
      }
      case Term::Kind::Input:
      case Term::Kind::Output: {
        auto indices = termIndices(scope, term, stars);
        if (!indices) return kNone;
        std::string name = term.name + indexSuffix(*indices);
        bool input = term.kind == Term::Kind::Input;
        auto& seen = input ? inputNames_ : outputNames_;
        if (!seen.insert(name).second) {
          diags_.error("duplicate-name", term.pos,
                       std::string(input ? "input" : "output") + " '" + name + "' is declared twice");
          return kNone;
        }
        if (!term.typeText.empty()) {
          std::string error;
          auto type = graph_.types.parse(term.typeText, &error);
          if (!type) {
            diags_.error("type-mismatch", term.pos, "'" + term.name + " as " + term.typeText + "': " + error);
            return kNone;
          }
          typeHints_.push_back({node, *type, term.pos, kNone, kNone});
        }
        auto& list = input ? graph_.inputs : graph_.outputs;
        ep.kind = input ? Endpoint::Kind::Input : Endpoint::Kind::Output;
        ep.ref = static_cast<uint32_t>(list.size());
        list.push_back({name, kNone, term.pos, std::nullopt, "", ""});
        if (term.defaultValue) {
          ExprError error;
          auto v = evalExpr(*term.defaultValue->expr, lookupIn(scope.env), &error);
          if (!v) {
            diags_.error(error.code, term.defaultValue->pos.shifted(error.offset), error.message);
            return kNone;
          }
          list.back().defaultValue = std::move(*v);
        }
        break;
      }
      case Term::Kind::Wire:
        break;
    }
    Attachment a{Attachment::Kind::Token, kNone, ep, term.pos, false};
    (asSource ? nodes_[node].producer : nodes_[node].consumer) = a;
    return node;
  }

  // Evaluates a term's indices, substituting `*` by the star values (or
  // appending them all when the term has no `*`).
  std::optional<Indices> termIndices(Scope& scope, const Term& term, const Indices& stars) {
    size_t starCount = 0;
    for (const IndexTerm& idx : term.indices) starCount += idx.star;
    if (starCount != 0 && starCount != stars.size()) {
      diags_.error("index-range", term.pos,
                   "'" + term.name + "' has " + std::to_string(starCount) + " `*` but the line it is bound to has " +
                       std::to_string(stars.size()) + " unindexed dimensions");
      return std::nullopt;
    }
    if (term.indices.size() + (starCount == 0 ? stars.size() : 0) > Indices::kMax) {
      diags_.error("index-range", term.pos, "at most " + std::to_string(Indices::kMax) + " indices are supported");
      return std::nullopt;
    }
    Indices out;
    size_t nextStar = 0;
    for (const IndexTerm& idx : term.indices) {
      if (idx.star) {
        out.push_back(stars[nextStar++]);
        continue;
      }
      auto v = evalIn(scope.env, idx.expr);
      if (!v) return std::nullopt;
      if (*v > Indices::kLargest || *v < -Indices::kLargest) {
        diags_.error("index-range", idx.expr.pos, "index " + std::to_string(*v) + " is beyond any bundle");
        return std::nullopt;
      }
      out.push_back(*v);
    }
    if (starCount == 0) {
      for (int64_t s : stars) out.push_back(s);
    }
    return out;
  }

  // Finds (or creates) the name a wire term refers to and counts one use.
  uint32_t wireUse(Scope& scope, const Term& term, const Indices& stars, bool produce) {
    auto indices = termIndices(scope, term, stars);
    if (!indices) return kNone;
    const OwnLine* own = scope.ownLine(term.name);
    auto display = [&] { return term.name + (term.primed ? "'" : "") + indexSuffix(*indices); };
    if (term.primed && !own) {
      diags_.error("unknown-wire", term.pos,
                   "'" + term.name + "'' names the output end of a line, but " + componentLabel(scope) +
                       " has no line '" + term.name + "'");
      return kNone;
    }
    if (own) {
      if (indices->size() != own->dims.size()) {
        diags_.error("index-range", term.pos,
                     "line '" + term.name + "' has " + std::to_string(own->dims.size()) + " dimensions, indexed with " +
                         std::to_string(indices->size()));
        return kNone;
      }
      for (size_t k = 0; k < indices->size(); ++k) {
        if ((*indices)[k] < 0 || (*indices)[k] >= own->dims[k]) {
          diags_.error("index-range", term.pos,
                       "index " + std::to_string((*indices)[k]) + " of '" + term.name + "' is outside 0.." +
                           std::to_string(own->dims[k]));
          return kNone;
        }
      }
      if (produce != term.primed) {
        diags_.error("linearity", term.pos,
                     term.primed
                         ? "'" + display() + "' is this component's output end: it can only receive a value"
                         : "'" + display() + "' is this component's input end: it can only give a value (write '" +
                               term.name + "'' for the output end)");
        return kNone;
      }
    } else {
      for (int64_t i : *indices) {
        if (i < 0) {
          diags_.error("index-range", term.pos, "negative index " + std::to_string(i) + " in '" + display() + "'");
          return kNone;
        }
      }
    }
    NameKey key{nameId(term), term.primed, *indices};
    auto [index, inserted] = scope.names.insert(key);
    if (inserted) scope.infos.push_back({newNode(), 0, 0, Role::Local, term.pos});
    NameInfo& info = scope.infos[index];
    uint8_t& count = produce ? info.produced : info.consumed;
    if (count >= 1) {
      const char* what = produce ? "produced" : "consumed";
      diags_.error("linearity", term.pos,
                   "wire '" + display() + "' is " + what +
                       " more than once (wires are linear; copy with Def, discard with drop)");
      return kNone;
    }
    ++count;
    return info.node;
  }

  uint32_t nameId(const std::string& name) {
    auto [it, inserted] = nameIds_.try_emplace(name, static_cast<uint32_t>(names_.size()));
    if (inserted) names_.push_back(name);
    return it->second;
  }
  // Terms are interned once; their names are looked up by address after that.
  uint32_t nameId(const Term& term) {
    auto [it, inserted] = termNameIds_.try_emplace(&term, 0);
    if (inserted) it->second = nameId(term.name);
    return it->second;
  }

  std::string spell(const NameKey& key) const {
    return names_[key.name] + (key.primed ? "'" : "") + indexSuffix(key.indices);
  }

  // Resolves the source side of a binding: the net the value comes from.
  uint32_t source(Scope& scope, const Term& term, const Indices& stars) {
    switch (term.kind) {
      case Term::Kind::Wire:
        return wireUse(scope, term, stars, false);
      case Term::Kind::Drop:
      case Term::Kind::Output:
        diags_.error("syntax", term.pos, "a sink (drop or output) cannot be the source of a value");
        return kNone;
      default:
        return withDomain(scope, term, tokenNode(term, scope, stars, true));
    }
  }

  // Resolves the destination side of a binding: the net the value goes to.
  uint32_t destination(Scope& scope, const Term& term, const Indices& stars) {
    switch (term.kind) {
      case Term::Kind::Wire:
        return withDomain(scope, term, wireUse(scope, term, stars, true));
      case Term::Kind::Drop:
      case Term::Kind::Output:
        return withDomain(scope, term, tokenNode(term, scope, stars, false));
      default:
        diags_.error("syntax", term.pos, "a source (choose, never, const, input) cannot receive a value");
        return kNone;
    }
  }

  uint32_t withDomain(Scope& scope, const Term& term, uint32_t node) {
    if (node == kNone || !term.domain) return node;
    if (auto d = domainId(scope.env, *term.domain)) domainHints_.push_back({node, kNone, *d, term.domain->pos});
    return node;
  }

  void attach(uint32_t node, bool asProducer, uint32_t line, Pos pos) {
    if (node == kNone) return;
    Attachment a{Attachment::Kind::Line, line, {}, pos, false};
    (asProducer ? nodes_[node].producer : nodes_[node].consumer) = a;
  }

  // ---- bindings ----

  // Calls `each(element, stars)` for every scalar element a binding covers.
  // A key index that is a fresh name ranges over its dimension; dimensions
  // the key leaves out are enumerated as `*` values for the terms.
  template <typename Each>
  bool forEachElement(Scope& scope, const Binding& b, const Indices& dims, Each each) {
    if (b.keyIndices.size() > dims.size()) {
      diags_.error("index-range", b.pos,
                   "line '" + b.line + "' has " + std::to_string(dims.size()) + " dimensions, indexed with " +
                       std::to_string(b.keyIndices.size()));
      return false;
    }
    Indices fixed(b.keyIndices.size(), -1);  // -1: a fresh loop variable
    for (size_t k = 0; k < b.keyIndices.size(); ++k) {
      const Expr& e = *b.keyIndices[k].expr;
      if (e.kind == Expr::Kind::Name && !findVar(scope.env, e.text)) continue;
      auto v = evalIn(scope.env, b.keyIndices[k]);
      if (!v) return false;
      if (*v < 0 || *v >= dims[k]) {
        diags_.error(
            "index-range", b.keyIndices[k].pos,
            "index " + std::to_string(*v) + " of line '" + b.line + "' is outside 0.." + std::to_string(dims[k]));
        return false;
      }
      fixed[k] = *v;
    }
    Indices element(dims.size(), 0);
    Indices free;  // positions the odometer advances
    for (size_t k = 0; k < dims.size(); ++k) {
      if (k < fixed.size() && fixed[k] >= 0) {
        element[k] = fixed[k];
      } else {
        if (dims[k] == 0) return true;  // an empty bundle has no elements
        free.push_back(static_cast<int64_t>(k));
      }
    }
    size_t envMark = scope.env.size();
    while (true) {
      for (size_t k = 0; k < fixed.size(); ++k) {
        if (fixed[k] < 0) scope.env.emplace_back(b.keyIndices[k].expr->text, element[k]);
      }
      bool ok = each(element, element.tail(fixed.size()));
      scope.env.resize(envMark);
      if (!ok || aborted_) return false;
      size_t f = free.size();
      while (f > 0) {
        size_t k = static_cast<size_t>(free[f - 1]);
        if (++element[k] < dims[k]) break;
        element[k] = 0;
        --f;
      }
      if (f == 0) return true;
    }
  }

  std::string componentLabel(const Scope& scope) const {
    return scope.def == &model_.system ? "the system" : "component '" + scope.def->name + "'";
  }

  // ---- items ----

  void body(Scope& scope, const std::vector<Item>& items) {
    for (const Item& item : items) {
      if (aborted_) return;
      switch (item.kind) {
        case Item::Kind::For:
          forBox(scope, item, 0);
          break;
        case Item::Kind::Wire:
          wireItem(scope, item);
          break;
        case Item::Kind::Instance:
          instance(scope, item);
          break;
      }
    }
  }

  void forBox(Scope& scope, const Item& item, size_t loop) {
    if (loop == item.loops.size()) {
      body(scope, item.body);
      return;
    }
    const LoopVar& var = item.loops[loop];
    auto lo = evalIn(scope.env, var.lo);
    auto hi = lo ? evalIn(scope.env, var.hi) : std::nullopt;
    if (!hi) return;
    // A range beyond the size limit cannot elaborate: fail before iterating.
    if (*hi > *lo && static_cast<uint64_t>(*hi - *lo) > options_.maxLines && !spend(*hi - *lo, var.hi.pos)) return;
    for (int64_t i = *lo; i < *hi && !aborted_; ++i) {
      if (!spend(1, item.pos)) return;
      scope.env.emplace_back(var.name, i);
      forBox(scope, item, loop + 1);
      scope.env.pop_back();
    }
  }

  void wireItem(Scope& scope, const Item& item) {
    // A bundle wired whole (`wire: dlvr -> out'`) covers every element of
    // the composite's own line on either side.
    Indices dims;
    for (const Term* t : {&item.from, &item.to}) {
      const OwnLine* own = t->kind == Term::Kind::Wire ? scope.ownLine(t->name) : nullptr;
      if (own && dims.empty() && t->indices.size() < own->dims.size()) dims = own->dims.tail(t->indices.size());
    }
    Binding b;
    b.pos = item.pos;
    b.line = "wire";
    forEachElement(scope, b, dims, [&](const Indices&, const Indices& stars) {
      uint32_t from = source(scope, item.from, stars);
      uint32_t to = destination(scope, item.to, stars);
      if (from != kNone && to != kNone) join(from, to, item.pos);
      return spend(1, item.pos);
    });
  }

  // Joins two net segments into one net (a wire item or a composite boundary).
  void join(uint32_t a, uint32_t b, Pos) { uf_.unite(a, b); }

  std::string instancePath(Scope& scope, const Item& item) {
    Indices indices;
    if (item.indices.size() > Indices::kMax) {
      diags_.error("index-range", item.pos, "at most " + std::to_string(Indices::kMax) + " indices are supported");
      return "";
    }
    for (const SourceExpr& e : item.indices) {
      auto v = evalIn(scope.env, e);
      if (!v) return "";
      if (*v < 0 || *v > Indices::kLargest) {
        diags_.error("index-range", e.pos, "instance index " + std::to_string(*v) + " is out of range");
        return "";
      }
      indices.push_back(*v);
    }
    std::string local = item.name + indexSuffix(indices);
    if (!scope.instanceNames.insert({nameId(item.name), false, indices}).second) {
      diags_.error("duplicate-name", item.pos, "instance '" + local + "' is defined twice in " + componentLabel(scope));
      return "";
    }
    return scope.path.empty() ? local : scope.path + "." + local;
  }

  void instance(Scope& scope, const Item& item) {
    std::string path = instancePath(scope, item);
    if (path.empty()) return;
    std::vector<int64_t> args;
    for (const SourceExpr& a : item.args) {
      auto v = evalIn(scope.env, a);
      if (!v) return;
      args.push_back(*v);
    }
    std::optional<uint32_t> domain = scope.domain;
    Pos domainPos = scope.domainPos;
    if (item.domain) {
      domain = domainId(scope.env, *item.domain);
      domainPos = item.domain->pos;
      if (!domain) return;
    }
    if (auto base = catalog_.find(item.component)) {
      baseInstance(scope, item, *base, path, args, domain, domainPos);
    } else if (const ComponentDef* def = model_.findComponent(item.component)) {
      used_.insert(def->name);
      compositeInstance(scope, item, *def, path, args, domain, domainPos);
    } else {
      diags_.error("unknown-component", item.pos, "unknown component '" + item.component + "'");
    }
  }

  bool checkBaseArgs(const Item& item, const BaseComponent& base, const std::vector<int64_t>& args) {
    if (args.size() != base.valueParams.size()) {
      std::string want;
      for (const std::string& p : base.valueParams) want += (want.empty() ? "" : ", ") + p;
      diags_.error("bad-param", item.pos,
                   base.name + " takes " + std::to_string(base.valueParams.size()) + " parameter(s)" +
                       (want.empty() ? "" : " <" + want + ">") + ", got " + std::to_string(args.size()));
      return false;
    }
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& p = base.valueParams[i];
      if (base.isBundleSize(i) && (args[i] < 1 || static_cast<uint64_t>(args[i]) > options_.maxLines)) {
        diags_.error("bad-param", item.args[i].pos,
                     base.name + "'s " + p + " must be between 1 and the size limit, got " + std::to_string(args[i]));
        return false;
      }
    }
    if (auto problem = base.checkParams ? base.checkParams(args) : std::nullopt) {
      diags_.error("bad-param", item.args[problem->param].pos, problem->message);
      return false;
    }
    return true;
  }

  void baseInstance(Scope& scope, const Item& item, uint16_t baseIndex, const std::string& path,
                    const std::vector<int64_t>& args, std::optional<uint32_t> domain, Pos domainPos) {
    const BaseComponent& base = catalog_.at(baseIndex);
    if (!checkBaseArgs(item, base, args)) return;
    if (item.fnExpr && !base.variadicArgs) {
      diags_.error("syntax", item.fnExpr->pos, "only Fn instances take an `expr`");
      return;
    }
    FlatInstance inst;
    inst.path = path;
    inst.base = baseIndex;
    inst.args = args;
    inst.pos = item.pos;
    inst.firstLine = static_cast<uint32_t>(graph_.lines.size());
    // The instance's line layout: one block per signature line.
    struct Block {
      const std::string* name;
      uint16_t sig;
      int64_t size;
      uint32_t first;
    };
    std::vector<Block> blocks;
    uint32_t next = inst.firstLine;
    FnBody fn;
    if (base.variadicArgs) {
      if (!item.fnExpr) {
        diags_.error("syntax", item.pos, "an Fn instance needs `expr: ...`");
        return;
      }
      for (const Binding& b : item.bindings) {
        if (b.line == "r") continue;
        if (!b.keyIndices.empty()) {
          diags_.error("index-range", b.pos, "Fn argument lines are scalar");
          return;
        }
        fn.args.push_back(b.line);
        blocks.push_back({&b.line, static_cast<uint16_t>(blocks.size()), 0, next++});
      }
      blocks.push_back({&base.lines[0].name, static_cast<uint16_t>(blocks.size()), 0, next++});
      if (!fnExpression(scope, item, fn)) return;
      inst.fn = static_cast<uint32_t>(graph_.fns.size());
      graph_.fns.push_back(std::move(fn));
    } else {
      for (size_t s = 0; s < base.lines.size(); ++s) {
        const LineSig& sig = base.lines[s];
        int64_t size = sig.sizeParam < 0 ? 0 : args[sig.sizeParam];
        blocks.push_back({&sig.name, static_cast<uint16_t>(s), size, next});
        next += static_cast<uint32_t>(std::max<int64_t>(size, 1));
      }
    }
    if (!spend(next - inst.firstLine, item.pos)) return;
    inst.lineCount = next - inst.firstLine;
    uint32_t instId = static_cast<uint32_t>(graph_.instances.size());
    for (const Block& blk : blocks) {
      for (int64_t e = 0; e < std::max<int64_t>(blk.size, 1); ++e) {
        FlatLine line;
        line.instance = instId;
        line.sig = blk.sig;
        line.element = static_cast<uint32_t>(e);
        line.pos = item.pos;
        graph_.lines.push_back(line);
      }
    }
    std::vector<uint8_t> bound(inst.lineCount, 0);
    for (const Binding& b : item.bindings) {
      auto blk = std::find_if(blocks.begin(), blocks.end(), [&](const Block& x) { return *x.name == b.line; });
      if (blk == blocks.end()) {
        diags_.error("unknown-line", b.pos, base.name + " has no line '" + b.line + "'");
        continue;
      }
      Indices dims;
      if (blk->size > 0) dims.push_back(blk->size);
      forEachElement(scope, b, dims, [&](const Indices& element, const Indices& stars) {
        uint32_t id = blk->first + static_cast<uint32_t>(element.empty() ? 0 : element[0]);
        if (bound[id - inst.firstLine]++) {
          diags_.error("linearity", b.pos, "line '" + b.line + indexSuffix(element) + "' is bound twice");
          return false;
        }
        graph_.lines[id].pos = b.pos;
        attach(source(scope, b.in, stars), false, id, b.in.pos);
        attach(destination(scope, b.out, stars), true, id, b.out.pos);
        // A cross-domain component lives where it sends from.
        bool local = base.domain == DomainRule::Same || base.lines[blk->sig].side == 0;
        if (domain && local) domainHints_.push_back({kNone, id, *domain, domainPos});
        return true;
      });
    }
    for (const Block& blk : blocks) {
      for (int64_t e = 0; e < std::max<int64_t>(blk.size, 1); ++e) {
        if (!bound[blk.first - inst.firstLine + e]) {
          diags_.error("linearity", item.pos,
                       "line '" + *blk.name + (blk.size ? "[" + std::to_string(e) + "]" : "") + "' of " + base.name +
                           " " + item.name + " is not bound (every line needs a source and a destination)");
          break;
        }
      }
    }
    graph_.instances.push_back(std::move(inst));
  }

  bool fnExpression(Scope& scope, const Item& item, FnBody& fn) {
    fn.text = item.fnExpr->text;
    fn.expr = item.fnExpr->expr;
    for (const std::string& name : freeNames(*fn.expr)) {
      if (std::find(fn.args.begin(), fn.args.end(), name) != fn.args.end()) continue;
      auto v = lookupIn(scope.env)(name);
      if (!v) {
        diags_.error("unknown-name", item.fnExpr->pos,
                     "Fn expression reads '" + name + "', which is neither an argument line nor a parameter");
        return false;
      }
      fn.consts.emplace_back(name, v->i);
    }
    return true;
  }

  void compositeInstance(Scope& outer, const Item& item, const ComponentDef& def, const std::string& path,
                         const std::vector<int64_t>& args, std::optional<uint32_t> domain, Pos domainPos) {
    if (item.fnExpr) {
      diags_.error("syntax", item.fnExpr->pos, "only Fn instances take an `expr`");
      return;
    }
    if (outer.depth + 1 > options_.maxDepth) {
      diags_.error("recursion-limit", item.pos,
                   "components nested more than " + std::to_string(options_.maxDepth) + " deep (is '" + def.name +
                       "' recursive?)");
      aborted_ = true;
      return;
    }
    Scope inner;
    inner.def = &def;
    inner.path = path;
    inner.depth = outer.depth + 1;
    inner.env = globals_;
    inner.domain = domain;
    inner.domainPos = domainPos;
    if (args.size() > def.params.size()) {
      diags_.error("bad-param", item.pos,
                   def.name + " takes " + std::to_string(def.params.size()) + " parameter(s), got " +
                       std::to_string(args.size()));
      return;
    }
    for (size_t i = 0; i < def.params.size(); ++i) {
      const ParamDecl& p = def.params[i];
      std::optional<int64_t> v;
      if (i < args.size()) {
        v = args[i];
        if (*v < 0) {
          diags_.error("bad-param", item.args[i].pos,
                       "parameter '" + p.name + "' of " + def.name + " is negative (" + std::to_string(*v) + ")");
          return;
        }
      } else if (p.value) {
        v = evalParam(inner.env, *p.value, p.name);
      } else {
        diags_.error("bad-param", item.pos, def.name + " needs a value for parameter '" + p.name + "'");
      }
      if (!v) return;
      inner.env.emplace_back(p.name, *v);
    }
    // Each instance gets fresh type variables: lines typed `T` share one.
    uint32_t groupBase = nextTypeGroup_;
    nextTypeGroup_ += static_cast<uint32_t>(def.typeParams.size());
    for (const LineDecl& decl : def.lines) {
      OwnLine own{&decl, {}, 0, kNone};
      auto var = std::find(def.typeParams.begin(), def.typeParams.end(), decl.typeText);
      if (var != def.typeParams.end()) {
        own.typeGroup = groupBase + static_cast<uint32_t>(var - def.typeParams.begin());
      } else {
        std::string error;
        auto type = graph_.types.parse(decl.typeText, &error);
        if (!type) {
          diags_.error("type-mismatch", decl.pos, "line '" + decl.name + "': " + error);
          return;
        }
        own.type = *type;
      }
      if (decl.dims.size() > Indices::kMax) {
        diags_.error("index-range", decl.pos, "at most " + std::to_string(Indices::kMax) + " dimensions are supported");
        return;
      }
      for (const SourceExpr& d : decl.dims) {
        auto n = evalParam(inner.env, d, "dimension of " + decl.name);
        if (!n) return;
        if (static_cast<uint64_t>(*n) > options_.maxLines) {
          spend(*n, d.pos);
          return;
        }
        own.dims.push_back(*n);
      }
      inner.ownLines.push_back(std::move(own));
    }
    // Bind each of the composite's lines to nets of the outer scope.
    std::vector<std::set<Indices>> bound(inner.ownLines.size());
    for (const Binding& b : item.bindings) {
      auto own = std::find_if(inner.ownLines.begin(), inner.ownLines.end(),
                              [&](const OwnLine& l) { return l.decl->name == b.line; });
      if (own == inner.ownLines.end()) {
        diags_.error("unknown-line", b.pos, "component '" + def.name + "' has no line '" + b.line + "'");
        continue;
      }
      size_t lineIndex = own - inner.ownLines.begin();
      forEachElement(outer, b, own->dims, [&](const Indices& element, const Indices& stars) {
        if (!bound[lineIndex].insert(element).second) {
          diags_.error("linearity", b.pos, "line '" + b.line + indexSuffix(element) + "' is bound twice");
          return false;
        }
        uint32_t in = source(outer, b.in, stars);
        uint32_t out = destination(outer, b.out, stars);
        if (in == kNone || out == kNone) return true;
        NameKey inKey{nameId(b.line), false, element}, outKey{nameId(b.line), true, element};
        inner.names.insert(inKey);
        inner.infos.push_back({in, 1, 0, Role::OwnInput, b.pos});
        inner.names.insert(outKey);
        inner.infos.push_back({out, 0, 1, Role::OwnOutput, b.pos});
        typeHints_.push_back({in, own->type, b.pos, kNone, own->typeGroup});
        typeHints_.push_back({out, own->type, b.pos, kNone, own->typeGroup});
        return spend(1, b.pos);
      });
    }
    for (size_t i = 0; i < inner.ownLines.size(); ++i) {
      uint64_t total = 1;
      for (int64_t d : inner.ownLines[i].dims) total *= static_cast<uint64_t>(d);
      if (bound[i].size() < total) {
        diags_.error("linearity", item.pos,
                     "line '" + inner.ownLines[i].decl->name + "' of " + def.name + " " + item.name + " is not bound" +
                         (total > 1 ? " (or only partly)" : ""));
        return;
      }
    }
    body(inner, def.body);
    if (!aborted_) closeScope(inner);
  }

  // Checks that every wire of a finished scope was produced and consumed
  // exactly once; a composite's unused own ends are dangling (a warning).
  void closeScope(Scope& scope) {
    for (uint32_t index = 0; index < scope.infos.size(); ++index) {
      NameInfo& info = scope.infos[index];
      if (info.produced == 1 && info.consumed == 1) continue;
      const NameKey& key = scope.names.key(index);
      switch (info.role) {
        case Role::Local:
          diags_.error("linearity", info.firstUse,
                       info.produced == 0
                           ? "wire '" + spell(key) + "' is consumed but never produced"
                           : "wire '" + spell(key) + "' is produced but never consumed (discard it with drop)");
          break;
        case Role::OwnInput:
        case Role::OwnOutput: {
          bool input = info.role == Role::OwnInput;
          const std::string& line = names_[key.name];
          if (danglingReported_.insert(scope.def->name + "." + line + (input ? "" : "'")).second) {
            diags_.warning("dangling-line", scope.def->pos,
                           std::string(input ? "input end '" : "output end '") + line + (input ? "" : "'") +
                               "' of component '" + scope.def->name + "' is not used inside" +
                               (input ? " (its value is dropped)" : " (it never provides a value)"));
          }
          Attachment implicit{Attachment::Kind::Token,
                              kNone,
                              {input ? Endpoint::Kind::Drop : Endpoint::Kind::Never, kNone},
                              info.firstUse,
                              true};
          (input ? nodes_[info.node].consumer : nodes_[info.node].producer) = implicit;
          break;
        }
      }
    }
  }

  // Turns nets into line-to-line wires and token endpoints.
  void connect() {
    // Gather each net's ends at its root; linearity guarantees one of each.
    std::vector<NetNode>& nets = nodes_;
    for (uint32_t n = 0; n < nodes_.size(); ++n) {
      uint32_t root = uf_.find(n);
      if (root == n) continue;
      if (nodes_[n].producer.kind != Attachment::Kind::None) nets[root].producer = nodes_[n].producer;
      if (nodes_[n].consumer.kind != Attachment::Kind::None) nets[root].consumer = nodes_[n].consumer;
    }
    for (uint32_t n = 0; n < nets.size(); ++n) {
      if (uf_.find(n) != n) continue;
      const Attachment& p = nets[n].producer;
      const Attachment& c = nets[n].consumer;
      if (p.kind == Attachment::Kind::None || c.kind == Attachment::Kind::None) continue;
      bool pLine = p.kind == Attachment::Kind::Line, cLine = c.kind == Attachment::Kind::Line;
      if (pLine && cLine) {
        graph_.lines[p.line].sink = {Endpoint::Kind::Wire, c.line};
        graph_.lines[c.line].source = {Endpoint::Kind::Wire, p.line};
      } else if (cLine) {
        sourceToken(p, c.line);
      } else if (pLine) {
        graph_.lines[p.line].sink = c.token;
        if (c.token.kind == Endpoint::Kind::Output) graph_.outputs[c.token.ref].line = p.line;
      } else if (p.token.kind == Endpoint::Kind::Input) {
        diags_.error("linearity", p.pos, "input '" + graph_.inputs[p.token.ref].name + "' reaches no component");
      } else if (c.token.kind == Endpoint::Kind::Output) {
        diags_.error("linearity", c.pos, "output '" + graph_.outputs[c.token.ref].name + "' is fed by no component");
      }
    }
    for (TypeHint& h : typeHints_) h.line = netLine(nets, h.node);
    for (DomainHint& h : domainHints_) {
      if (h.line == kNone) h.line = netLine(nets, h.node);
    }
  }

  void sourceToken(const Attachment& p, uint32_t line) {
    FlatLine& l = graph_.lines[line];
    l.source = p.token;
    if (p.token.kind == Endpoint::Kind::Input) graph_.inputs[p.token.ref].line = line;
    if (p.token.kind != Endpoint::Kind::Choose) return;
    const FlatInstance& inst = graph_.instances[l.instance];
    const BaseComponent& base = catalog_.at(inst.base);
    const LineSig* sig = graph_.signature(catalog_, line);
    if (!sig || !sig->choosable) {
      std::string choosables;
      for (const LineSig& s : base.lines) {
        if (s.choosable) choosables += (choosables.empty() ? "" : ", ") + s.name;
      }
      diags_.error("not-choosable", p.pos,
                   "input '" + graph_.lineName(catalog_, line) + "' of " + base.name + " " + inst.path +
                       " is not choosable" +
                       (choosables.empty() ? "" : " (" + base.name + "'s choosable inputs: " + choosables + ")"));
    }
  }

  uint32_t netLine(const std::vector<NetNode>& nets, uint32_t node) {
    if (node == kNone) return kNone;
    const NetNode& net = nets[uf_.find(node)];
    if (net.consumer.kind == Attachment::Kind::Line) return net.consumer.line;
    if (net.producer.kind == Attachment::Kind::Line) return net.producer.line;
    return kNone;
  }

  void warnUnusedComponents() {
    for (const ComponentDef& c : model_.components) {
      if (!c.fromStd && !used_.count(c.name)) {
        diags_.warning("unused-component", c.pos, "component '" + c.name + "' is never instantiated");
      }
    }
  }

  struct DomainFamily {
    std::string name;
    int64_t size;
    uint32_t first;
    bool scalar;
  };

  const Model& model_;
  const Catalog& catalog_;
  const ElabOptions& options_;
  DiagnosticSink& diags_;
  Graph graph_;
  Env globals_;
  std::vector<DomainFamily> families_;
  std::vector<NetNode> nodes_;
  UnionFind uf_;
  std::unordered_map<std::string, uint32_t> nameIds_;
  std::vector<std::string> names_;
  std::unordered_map<const Term*, uint32_t> termNameIds_;
  std::set<std::string> inputNames_, outputNames_, used_, danglingReported_;
  std::vector<TypeHint> typeHints_;
  std::vector<DomainHint> domainHints_;
  uint64_t work_ = 0;
  uint32_t nextTypeGroup_ = 0;
  bool aborted_ = false;
};

}  // namespace

namespace {
uint64_t processBudget = 0;
}  // namespace

void setProcessMemoryBudget(uint64_t bytes) { processBudget = bytes; }

uint64_t memoryBudget(const ElabOptions& options) {
  if (options.maxMemory) return options.maxMemory;
  if (processBudget) return processBudget;
  rlimit limit{};
  if (getrlimit(RLIMIT_DATA, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return UINT64_MAX;
  return limit.rlim_cur;
}

std::optional<Graph> elaborate(const Model& model, const Catalog& catalog, const ElabOptions& options,
                               DiagnosticSink& diags) {
  auto graph = Elaborator(model, catalog, options, diags).run();
  if (graph && !selfCheckGraph(*graph, catalog, diags)) return std::nullopt;
  return graph;
}

}  // namespace rdc
