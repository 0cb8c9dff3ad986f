// Nets: wire names of a scope joined as bindings are read.
#include "ir/graph/elaborate/elaborator.h"

namespace rdc::elab {

uint32_t Elaborator::newNode() {
  nodes_.push_back({});
  return uf_.add();
}

uint32_t Elaborator::tokenNode(const Term& term, Scope& scope, const Indices& stars, bool asSource) {
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
      if (!spendOn(*term.value.expr, term.value.pos)) return kNone;
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
        typeDecls_.push_back({*type, posId(term.pos), kNone});
        typeHint(node, static_cast<uint32_t>(typeDecls_.size() - 1));
      }
      auto& list = input ? graph_.inputs : graph_.outputs;
      ep.kind = input ? Endpoint::Kind::Input : Endpoint::Kind::Output;
      ep.ref = static_cast<uint32_t>(list.size());
      list.push_back({name, kNone, term.pos, std::nullopt, 0, "", ""});
      if (term.defaultValue) {
        ExprError error;
        if (!spendOn(*term.defaultValue->expr, term.defaultValue->pos)) return kNone;
        auto v = evalExpr(*term.defaultValue->expr, lookupIn(scope.env), &error);
        if (!v) {
          diags_.error(error.code, term.defaultValue->pos.shifted(error.offset), error.message);
          return kNone;
        }
        list.back().defaultValue = std::move(*v);
      }
      if (input && term.arrival) {
        ExprError error;
        if (!spendOn(*term.arrival->expr, term.arrival->pos)) return kNone;
        auto v = evalExpr(*term.arrival->expr, lookupIn(scope.env), &error);
        if (!v) {
          diags_.error(error.code, term.arrival->pos.shifted(error.offset), error.message);
          return kNone;
        }
        if (v->kind != Value::Kind::Duration || v->i < 0) {
          diags_.error("type-mismatch", term.arrival->pos,
                       "an input's arrival time is a Duration, not negative; got " + v->brief());
          return kNone;
        }
        list.back().arrival = v->i;
      }
      if (input && graph_.unbounded && !options_.unrollIterations) streamInput(scope, term, ep.ref);
      break;
    }
    case Term::Kind::Wire:
      break;
  }
  attachToken(node, asSource, {Attachment::Kind::Token, false, ep.kind, ep.refOrNone(), posId(term.pos)});
  return node;
}

std::optional<Indices> Elaborator::termIndices(Scope& scope, const Term& term, const Indices& stars) {
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

uint32_t Elaborator::wireUse(Scope& scope, const Term& term, const Indices& stars, bool produce) {
  auto indices = termIndices(scope, term, stars);
  if (!indices) return kNone;
  const OwnLine* own = scope.ownLine(term.name);
  auto display = [&] { return term.name + (term.primed ? "'" : "") + indexSuffix(*indices); };
  if (term.primed && !own) {
    std::vector<std::string> lines;
    for (const OwnLine& l : scope.ownLines) lines.push_back(l.decl->name);
    diags_.error("unknown-wire", term.pos,
                 "'" + term.name + "'' names the output end of a line, but " + componentLabel(scope) +
                     " has no line '" + term.name + "'" + didYouMean(term.name, lines));
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
  if (inserted) scope.infos.push_back({newNode(), 0, 0, Role::Local, posId(term.pos)});
  NameInfo& info = scope.infos[index];
  uint8_t& count = produce ? info.produced : info.consumed;
  if (count >= 1) {
    const char* what = produce ? "produced" : "consumed";
    diags_.error(
        "linearity", term.pos,
        "wire '" + display() + "' is " + what + " more than once (wires are linear; copy with Def, discard with drop)");
    return kNone;
  }
  ++count;
  if (windowIteration_ >= 0 && windowIteration_ == lastIteration_) {
    (produce ? lastIterationProduced_ : lastIterationConsumed_).insert(index);
  }
  return info.node;
}

uint32_t Elaborator::nameId(const std::string& name) {
  auto [it, inserted] = nameIds_.try_emplace(name, static_cast<uint32_t>(names_.size()));
  if (inserted) names_.push_back(name);
  return it->second;
}

uint32_t Elaborator::nameId(const Term& term) {
  auto [it, inserted] = termNameIds_.try_emplace(&term, 0);
  if (inserted) it->second = nameId(term.name);
  return it->second;
}

std::string Elaborator::spell(const NameKey& key) const {
  return names_[key.name] + (key.primed ? "'" : "") + indexSuffix(key.indices);
}

uint32_t Elaborator::source(Scope& scope, const Term& term, const Indices& stars) {
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

uint32_t Elaborator::destination(Scope& scope, const Term& term, const Indices& stars) {
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

uint32_t Elaborator::withDomain(Scope& scope, const Term& term, uint32_t node) {
  if (node == kNone || !term.domain) return node;
  if (auto d = domainId(scope.env, *term.domain)) domainHint(true, node, *d, posId(term.domain->pos), kNone);
  return node;
}

void Elaborator::attach(uint32_t node, bool asProducer, uint32_t line) {
  if (node == kNone) return;
  log(StampOp::Kind::Attach, asProducer, node, line);
  (asProducer ? nodes_[node].producer : nodes_[node].consumer) = line;
}

void Elaborator::attachToken(uint32_t node, bool asProducer, const Attachment& token) {
  log(StampOp::Kind::AttachToken, asProducer, node, token.ref, token.pos,
      static_cast<uint32_t>(token.tokenKind) << 1 | token.implicit);
  auto id = static_cast<uint32_t>(tokens_.size());
  if (token.ref == kNone) {
    uint64_t key = uint64_t{token.pos} << 16 | static_cast<uint64_t>(token.tokenKind) << 1 | token.implicit;
    auto [it, inserted] = tokenIds_.try_emplace(key, id);
    id = it->second;
    if (inserted) tokens_.push_back(token);
  } else {
    tokens_.push_back(token);
  }
  (asProducer ? nodes_[node].producer : nodes_[node].consumer) = NetNode::kTokenEnd | id;
}

// "3", or "2 x 3" for a bundle of bundles.
static std::string sizeText(const Indices& dims, size_t from) {
  std::string text;
  for (size_t k = from; k < dims.size(); ++k) text += (text.empty() ? "" : " x ") + std::to_string(dims[k]);
  return text;
}

bool Elaborator::bundleSizesAgree(const Scope& scope, const Binding& b, const Indices& dims, size_t keyIndices) {
  // The dimensions the key leaves out, which the terms take appended (a key's
  // fresh name is the model's to use as it likes).
  Indices free = dims.tail(keyIndices);
  if (free.empty()) return true;
  for (const Term* t : {&b.in, &b.out}) {
    if (t->kind != Term::Kind::Wire) continue;
    const OwnLine* own = scope.ownLine(t->name);
    if (!own || t->indices.size() + free.size() != own->dims.size()) continue;  // else wireUse says so
    if (std::any_of(t->indices.begin(), t->indices.end(), [](const IndexTerm& i) { return i.star; })) continue;
    bool same = true;
    for (size_t j = 0; j < free.size(); ++j) same &= own->dims[t->indices.size() + j] == free[j];
    if (same) continue;
    std::string name = t->name + (t->primed ? "'" : "");
    for (const IndexTerm& i : t->indices) name += "[" + i.expr.text + "]";
    diags_.error("index-range", b.pos,
                 "`" + b.key + "` binds " + sizeText(free, 0) + " lines to '" + name + "', which has " +
                     sizeText(own->dims, t->indices.size()) + " (a bundle is bound whole: make the sizes agree)");
    return false;
  }
  return true;
}

std::string Elaborator::componentLabel(const Scope& scope) const {
  return scope.def == &model_.system ? "the system" : "component '" + scope.def->name + "'";
}

}  // namespace rdc::elab
