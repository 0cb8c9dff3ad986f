#include "ir/graph/infer.h"

#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "ir/support/union_find.h"

namespace rdc {

namespace {

constexpr uint32_t kUnknown = UINT32_MAX;
constexpr size_t kMaxReports = 20;  // one root cause can touch thousands of lines

// Union-find over lines with one known label (type or domain) per class.
class LineClasses {
 public:
  explicit LineClasses(const Graph& graph) : uf_(graph.lines.size()), label_(graph.lines.size(), kUnknown) {
    for (uint32_t l = 0; l < graph.lines.size(); ++l) {
      const Endpoint& sink = graph.lines[l].sink;
      if (sink.kind == Endpoint::Kind::Wire) uf_.unite(l, sink.ref);
    }
  }
  /// Joins two classes; the joined class keeps whichever label is known.
  void unite(uint32_t a, uint32_t b) {
    uint32_t la = label(a), lb = label(b);
    uint32_t r = uf_.unite(a, b);
    if (label_[r] == kUnknown) label_[r] = la != kUnknown ? la : lb;
  }
  uint32_t root(uint32_t line) { return uf_.find(line); }
  uint32_t label(uint32_t line) { return label_[uf_.find(line)]; }
  /// Sets the class label; returns the conflicting label if it differs.
  std::optional<uint32_t> assign(uint32_t line, uint32_t value) {
    uint32_t& slot = label_[uf_.find(line)];
    if (slot == kUnknown) slot = value;
    if (slot != value) return slot;
    return std::nullopt;
  }

 private:
  UnionFind uf_;
  std::vector<uint32_t> label_;
};

class TypeInference {
 public:
  TypeInference(Graph& graph, const Catalog& catalog, DiagnosticSink& diags)
      : graph_(graph), catalog_(catalog), diags_(diags), classes_(graph) {}

  bool run(const std::vector<TypeHint>& hints, const std::vector<TypeDecl>& decls) {
    size_t errorsBefore = diags_.errorCount();
    shareTypeVariables();
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      const LineSig* sig = graph_.signature(catalog_, l);
      if (sig && !sig->type.generic) assign(l, sig->type.fixed, graph_.linePos(l));
    }
    std::map<uint32_t, uint32_t> groupLine;  // type variable group -> a line of it
    for (const TypeHint& h : hints) {
      const TypeDecl& d = decls[h.decl];
      if (h.at == kNone || d.group == kNone) continue;
      auto [it, fresh] = groupLine.emplace(d.group, h.at);
      if (!fresh) unify(it->second, h.at, graph_.positions[d.pos]);
    }
    for (const TypeHint& h : hints) {
      const TypeDecl& d = decls[h.decl];
      if (h.at != kNone && d.group == kNone) assign(h.at, d.type, graph_.positions[d.pos]);
    }
    // Fn results, maps of T and constants can each make the others' types known.
    for (bool progress = true; progress;) {
      bool fromFns = fnResults();
      bool fromMaps = mapsOfT();
      bool fromConstants = constants();
      progress = fromFns || fromMaps || fromConstants;
    }
    untypedAfterFailedFns();
    bool tooManyTypes = false;
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      FlatLine& line = graph_.lines[l];
      uint32_t t = classes_.label(l);
      if (t == kUnknown) {
        if (reported_.insert(classes_.root(l)).second) {
          report("type-uninferable", graph_.linePos(l),
                 "cannot infer the type of " + graph_.linePath(catalog_, l) +
                     "; give it a typed source (a const, a typed composite line) or connect it to one");
        }
        continue;
      }
      if (t > FlatLine::kMaxType) {
        if (!tooManyTypes) {
          report("size-limit", graph_.linePos(l),
                 "the type of " + graph_.linePath(catalog_, l) + " is the model's type number " + std::to_string(t) +
                     "; lines may have at most " + std::to_string(FlatLine::kMaxType + 1) + " types");
        }
        tooManyTypes = true;
        continue;
      }
      if (graph_.types.depth(t) > TypeTable::kMaxDepth) {
        report("type-mismatch", graph_.linePos(l),
               "the type of " + graph_.linePath(catalog_, l) + " nests " + std::to_string(graph_.types.depth(t)) +
                   " deep; a type nests at most " + std::to_string(TypeTable::kMaxDepth) + " deep");
        continue;
      }
      if (graph_.types.parts(t) > TypeTable::kMaxParts) {
        report("type-mismatch", graph_.linePos(l),
               "the type of " + graph_.linePath(catalog_, l) + " has more than " +
                   std::to_string(TypeTable::kMaxParts) + " parts (each time a part occurs counts)");
        continue;
      }
      line.type = static_cast<uint16_t>(t);
      const Extrinsic* input = line.source.kind == Endpoint::Kind::Input ? &graph_.inputs[line.source.ref] : nullptr;
      if (input && input->defaultValue && !valueFits(*input->defaultValue, t, graph_.types)) {
        report("type-mismatch", input->pos,
               "the default " + input->defaultValue->brief() + " of input " + input->name + " is not " +
                   graph_.types.aName(t));
      }
      if (line.source.kind == Endpoint::Kind::Const && !valueFits(graph_.constants[line.source.ref], t, graph_.types)) {
        report("type-mismatch", graph_.linePos(l),
               "constant " + graph_.constants[line.source.ref].brief() + " is not " + graph_.types.aName(t) +
                   " (line " + graph_.linePath(catalog_, l) + ")");
      }
    }
    return diags_.errorCount() == errorsBefore;
  }

 private:
  // An Fn whose expression failed to type leaves its result untyped, and
  // with it every Fn that reads the result, and so on: those are not
  // reported again as type-uninferable (the one error is the cause).
  void untypedAfterFailedFns() {
    for (uint32_t r : failedFns_) reported_.insert(classes_.root(r));
    for (bool grew = true; grew;) {
      grew = false;
      for (const FlatInstance& inst : graph_.instances) {
        if (inst.fn == kNone) continue;
        uint32_t args = static_cast<uint32_t>(graph_.fns[inst.fn].args.size()), r = inst.firstLine + args;
        if (classes_.label(r) != kUnknown || reported_.count(classes_.root(r))) continue;
        for (uint32_t a = inst.firstLine; a < r; ++a) {
          if (classes_.label(a) == kUnknown && reported_.count(classes_.root(a))) {
            reported_.insert(classes_.root(r));
            grew = true;
            break;
          }
        }
      }
    }
  }

  // Lines typed `T` in one instance share one type (Sync's each have their own).
  void shareTypeVariables() {
    for (const FlatInstance& inst : graph_.instances) {
      const BaseComponent& base = catalog_.at(inst.base);
      if (base.variadicArgs) continue;
      uint32_t first = kNone;
      for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
        const LineTypeSig& t = base.lines[graph_.lines[l].sig].type;
        if (!t.generic || t.perElement || t.mapOfT) continue;
        if (first == kNone)
          first = l;
        else
          classes_.unite(first, l);
      }
    }
  }

  void assign(uint32_t line, TypeId type, Pos pos) {
    auto other = classes_.assign(line, type);
    if (other && reported_.insert(classes_.root(line)).second) {
      report("type-mismatch", pos,
             "type mismatch on " + graph_.linePath(catalog_, line) + ": " + graph_.types.name(type) + " here, but " +
                 graph_.types.name(*other) + " elsewhere on the same wire");
    }
  }

  // Joins two classes, reporting a mismatch if both types are known.
  void unify(uint32_t a, uint32_t b, Pos pos) {
    uint32_t ta = classes_.label(a), tb = classes_.label(b);
    classes_.unite(a, b);
    if (tb != kUnknown) assign(a, tb, pos);
    if (ta != kUnknown) assign(a, ta, pos);
  }

  // A bundle argument's type, Map<Int, T>, when its elements are all of
  // type T; else reported (a Map's values are of one type) and kUnknown.
  TypeId bundleArgType(const FlatInstance& inst, FnArgRef ref, const std::vector<TypeId>& argTypes) {
    TypeId element = argTypes[ref.first];
    for (uint32_t e = 1; e < ref.count; ++e) {
      TypeId t = argTypes[ref.first + e];
      if (t == element) continue;
      const FnBody& fn = graph_.fns[inst.fn];
      report("type-mismatch", graph_.linePos(inst.firstLine + ref.first + e),
             "in " + catalog_.at(inst.base).name + " " + graph_.nodePath(inst.node) + ": " + fn.args[ref.first + e] +
                 " is of type " + graph_.types.name(t) + " but " + fn.args[ref.first] + " is of type " +
                 graph_.types.name(element) + " (a bundle argument's lines are of one type)");
      return kUnknown;
    }
    return graph_.types.map(TypeTable::kInt, element);
  }

  bool fnResults() {
    bool progress = false;
    for (const FlatInstance& inst : graph_.instances) {
      if (inst.fn == kNone) continue;
      const FnBody& fn = graph_.fns[inst.fn];
      uint32_t r = inst.firstLine + static_cast<uint32_t>(fn.args.size());
      if (classes_.label(r) != kUnknown && checkedFns_.count(&inst)) continue;
      std::vector<TypeId> argTypes;
      bool ready = true;
      for (uint32_t a = 0; a < fn.args.size(); ++a) {
        argTypes.push_back(classes_.label(inst.firstLine + a));
        ready &= argTypes.back() != kUnknown;
      }
      if (!ready) continue;
      TypeLookup lookup = [&](std::string_view name) -> std::optional<TypeId> {
        FnArgRef ref = findFnArg(fn, name);
        if (ref.count && !ref.bundle) return argTypes[ref.first];
        if (ref.bundle) return bundleArgType(inst, ref, argTypes);
        for (const auto& c : fn.consts) {
          if (c.first == name) return TypeTable::kInt;
        }
        return std::nullopt;
      };
      ExprError error;
      auto t = typeOfExpr(*fn.expr, lookup, graph_.types, &error, nullptr, /*inDomain=*/true);
      checkedFns_.insert(&inst);
      const std::string& kind = catalog_.at(inst.base).name;
      // At the expression where it is known (an IR of before positions were kept: at r's binding).
      auto at = [&](const Pos& text, uint32_t offset) {
        return text.file == Pos::kNoFile ? graph_.linePos(r) : text.shifted(offset);
      };
      if (!t) {
        report(error.code, at(fn.exprPos, error.offset),
               "in " + kind + " " + graph_.nodePath(inst.node) + ": " + error.message);
        failedFns_.push_back(r);
        continue;
      }
      if (fn.when) {
        auto c = typeOfExpr(*fn.when, lookup, graph_.types, &error, nullptr, /*inDomain=*/true);
        if (!c) {
          report(error.code, at(fn.whenPos, error.offset),
                 "in Filter " + graph_.nodePath(inst.node) + ": " + error.message);
        } else if (*c != TypeTable::kBool) {
          report("type-mismatch", at(fn.whenPos, 0),
                 "in Filter " + graph_.nodePath(inst.node) + ": the condition is of type " + graph_.types.name(*c) +
                     ", not Bool");
        }
      }
      progress |= classes_.label(r) == kUnknown;
      assign(r, *t, graph_.linePos(r));
    }
    return progress;
  }

  // A `Map<Int, T>` line (Mailbox's got) and its instance's T lines: either
  // known gives the other.
  bool mapsOfT() {
    bool progress = false;
    for (const FlatInstance& inst : graph_.instances) {
      const BaseComponent& base = catalog_.at(inst.base);
      if (base.variadicArgs) continue;
      uint32_t map = kNone, element = kNone;
      for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
        const LineTypeSig& t = base.lines[graph_.lines[l].sig].type;
        if (t.mapOfT) map = l;
        if (t.generic && !t.perElement && !t.mapOfT && element == kNone) element = l;
      }
      if (map == kNone || element == kNone) continue;
      uint32_t m = classes_.label(map), e = classes_.label(element);
      if (e != kUnknown && m == kUnknown) {
        assign(map, graph_.types.map(TypeTable::kInt, e), graph_.linePos(map));
        progress = true;
      } else if (m != kUnknown) {
        const TypeNode& node = graph_.types.node(m);
        if (node.kind != TypeKind::Map || node.parts[0] != TypeTable::kInt) {
          if (reported_.insert(classes_.root(map)).second)
            report("type-mismatch", graph_.linePos(map),
                   graph_.linePath(catalog_, map) + " must be a Map<Int, T>, not " + graph_.types.name(m));
          continue;
        }
        progress |= e == kUnknown;
        assign(element, node.parts[1], graph_.linePos(element));
      }
    }
    return progress;
  }

  bool constants() {
    bool progress = false;
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      const Endpoint& src = graph_.lines[l].source;
      if (src.kind != Endpoint::Kind::Const || classes_.label(l) != kUnknown) continue;
      if (auto t = typeOfValue(graph_.constants[src.ref], graph_.types)) {
        classes_.assign(l, *t);
        progress = true;
      }
    }
    return progress;
  }

  // At most kMaxReports distinct errors (a repeat at one place, counted on
  // its first report, does not use one up), then a note that says where
  // the rest were left unreported.
  void report(const std::string& code, Pos pos, std::string message) {
    if (reports_ > kMaxReports) return;
    bool seen = !places_.emplace(code, pos.file, pos.line, pos.col).second && pos.line != 0;
    if (reports_ < kMaxReports || seen) {
      diags_.error(code, pos, std::move(message));
      reports_ += seen ? 0 : 1;
    } else {
      diags_.error(code, pos, "too many type errors; stopping here");
      ++reports_;
    }
  }

  Graph& graph_;
  const Catalog& catalog_;
  DiagnosticSink& diags_;
  LineClasses classes_;
  std::set<uint32_t> reported_;
  std::set<const FlatInstance*> checkedFns_;
  std::vector<uint32_t> failedFns_;  // the result lines of Fns whose expression failed to type
  size_t reports_ = 0;
  std::set<std::tuple<std::string, uint32_t, uint32_t, uint32_t>> places_;  // where report() reported
};

}  // namespace

bool inferTypes(Graph& graph, const Catalog& catalog, const std::vector<TypeHint>& hints,
                const std::vector<TypeDecl>& decls, DiagnosticSink& diags) {
  return TypeInference(graph, catalog, diags).run(hints, decls);
}

bool inferDomains(Graph& graph, const Catalog& catalog, const std::vector<DomainHint>& hints, bool modelDeclaresDomains,
                  DiagnosticSink& diags) {
  if (!modelDeclaresDomains) {
    for (FlatLine& line : graph.lines) line.domain = 0;
    return true;
  }
  LineClasses classes(graph);
  for (const FlatInstance& inst : graph.instances) {
    const BaseComponent& base = catalog.at(inst.base);
    uint32_t sideFirst[2] = {kNone, kNone};
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
      int side = base.domain == DomainRule::Cross ? base.lines[graph.lines[l].sig].side : 0;
      if (sideFirst[side] == kNone)
        sideFirst[side] = l;
      else
        classes.unite(sideFirst[side], l);
    }
  }
  size_t errorsBefore = diags.errorCount(), reports = 0;
  std::set<uint32_t> reported;
  for (const DomainHint& h : hints) {
    if (h.line == kNone) continue;
    auto other = classes.assign(h.line, h.domain);
    if (other && reported.insert(classes.root(h.line)).second && ++reports <= kMaxReports) {
      diags.error("domain-conflict", graph.positions[h.pos],
                  graph.linePath(catalog, h.line) + " is declared in " + graph.domains[h.domain] + " here, but is in " +
                      graph.domains[*other] + " through the same-domain components and wires it is connected to");
    }
  }
  // A class's extrinsic input or output, if it has one, is where the model
  // itself can say the domain: a class of library lines (inside a WB) would
  // otherwise be shown at a line of the library.
  std::map<uint32_t, uint32_t> extrinsicOf;  // class root -> a line bound to an extrinsic
  for (uint32_t l = 0; l < graph.lines.size(); ++l) {
    const FlatLine& line = graph.lines[l];
    bool extrinsic = line.source.kind == Endpoint::Kind::Input || line.sink.kind == Endpoint::Kind::Output;
    if (extrinsic && classes.label(l) == kUnknown) extrinsicOf.try_emplace(classes.root(l), l);
  }
  for (uint32_t l = 0; l < graph.lines.size(); ++l) {
    uint32_t d = classes.label(l);
    if (d == kUnknown) {
      if (reported.insert(classes.root(l)).second && ++reports <= kMaxReports) {
        std::string what = graph.linePath(catalog, l);
        Pos pos = graph.linePos(l);
        if (auto x = extrinsicOf.find(classes.root(l)); x != extrinsicOf.end()) {
          const FlatLine& line = graph.lines[x->second];
          bool input = line.source.kind == Endpoint::Kind::Input;
          const Extrinsic& e = input ? graph.inputs[line.source.ref] : graph.outputs[line.sink.ref];
          what = (input ? "input " : "output ") + e.name + " (and " + what + ", in the same domain)";
          pos = e.pos;
        }
        diags.error("domain-uninferable", pos,
                    "cannot infer the domain of " + what +
                        "; declare it with `@ domain` on an instance or an extrinsic input/output");
      }
      continue;
    }
    graph.lines[l].domain = d;
  }
  return diags.errorCount() == errorsBefore;
}

}  // namespace rdc
