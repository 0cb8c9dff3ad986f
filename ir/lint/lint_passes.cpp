#include "ir/lint/lint_passes.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

namespace rdc {

namespace {

// The "waits for" graph: node 2l is line l's input becoming available,
// node 2l+1 its output; further nodes are groups ("any k of these"). A node
// happens once `need` of its predecessors have: all of them for a line's
// end, fewer for a group. An edge u -> v means u counts towards v.
//
// It is a few integers per line: a line's input precedes its output, and
// a wire's output the input it feeds, so those edges are implicit; the
// rest (needs, rules, groups) are held as adjacency lists, built by
// generating the edges twice (count, then fill) rather than listing them.
// A line whose output is picked from its own input or another's (CSwap's
// targets) has no implicit edge: its edges say which inputs it waits for.
class WaitGraph {
 public:
  WaitGraph(const Graph& graph, const Catalog& catalog)
      : graph_(graph), catalog_(catalog), lineNodes_(2 * static_cast<uint32_t>(graph.lines.size())) {
    picked_.assign(graph.lines.size(), false);
    for (const FlatInstance& inst : graph.instances) {
      for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
        const LineSig* s = graph.signature(catalog, l);
        if (s && !s->outputPickedBy.empty()) picked_[l] = true;
      }
    }
    // Counted at u + 2: after the prefix sum, filling at start_[u + 1]++
    // leaves start_[u] and start_[u + 1] as u's bounds.
    start_.assign(lineNodes_ + 2, 0);
    generate([&](uint32_t u, uint32_t, bool implicit) {
      if (!implicit) ++start_[u + 2];
    });
    for (size_t i = 1; i < start_.size(); ++i) start_[i] += start_[i - 1];
    targets_.resize(start_.back());
    missing_.assign(nodeCount(), 0);  // predecessors, for now
    generate([&](uint32_t u, uint32_t v, bool implicit) {
      if (!implicit) targets_[start_[u + 1]++] = v;
      ++missing_[v];
    });
    start_.pop_back();
  }

  // Propagates from the nodes that wait for nothing; a node that never
  // happens has a predecessor that never happens, so walking back through
  // those finds a cycle. Returns it as line ids, or empty if every node happens.
  std::vector<uint32_t> findCycle() {
    size_t n = nodeCount();
    std::vector<uint32_t> queue;
    queue.reserve(n);
    for (uint32_t v = 0; v < n; ++v) {
      missing_[v] = std::min(need(v), missing_[v]);
      if (missing_[v] == 0) queue.push_back(v);
    }
    auto arrive = [&](uint32_t v) {
      if (missing_[v] > 0 && --missing_[v] == 0) queue.push_back(v);
    };
    for (size_t head = 0; head < queue.size(); ++head) {
      uint32_t u = queue[head];
      if (u < lineNodes_) {
        const Endpoint& sink = graph_.lines[u / 2].sink;
        if (u % 2 == 0) {
          if (!picked_[u / 2]) arrive(u + 1);
        } else if (sink.kind == Endpoint::Kind::Wire)
          arrive(in(sink.ref));
      }
      for (uint32_t e = start_[u]; e < start_[u + 1]; ++e) arrive(targets_[e]);
    }
    if (queue.size() == n) return {};
    queue = {};
    // The edges again, in the order they were made: the last one between
    // two nodes that never happen is the predecessor the cycle is read by.
    std::vector<uint32_t> predecessor(n, kNone);
    generate([&](uint32_t u, uint32_t v, bool) {
      if (missing_[u] > 0 && missing_[v] > 0) predecessor[v] = u;
    });
    uint32_t v = 0;
    while (missing_[v] == 0) ++v;
    std::vector<uint32_t> seen(n, 0);
    while (!seen[v]) {
      seen[v] = 1;
      v = predecessor[v];
    }
    std::vector<uint32_t> cycle;
    for (uint32_t u = v;;) {
      bool isLine = u < lineNodes_;
      if (isLine && (cycle.empty() || cycle.back() != u / 2)) cycle.push_back(u / 2);
      u = predecessor[u];
      if (u == v) break;
    }
    if (cycle.size() > 1 && cycle.back() == cycle.front()) cycle.pop_back();
    std::reverse(cycle.begin(), cycle.end());
    return cycle;
  }

 private:
  static constexpr uint32_t kAll = UINT32_MAX;
  static uint32_t in(uint32_t line) { return 2 * line; }
  static uint32_t out(uint32_t line) { return 2 * line + 1; }
  size_t nodeCount() const { return lineNodes_ + groupNeed_.size(); }
  uint32_t need(uint32_t v) const { return v < lineNodes_ ? kAll : groupNeed_[v - lineNodes_]; }

  // Calls emit(u, v, implicit) for every edge, in one order every time:
  // each instance's, then the wires. Groups are numbered as they are made.
  template <typename Emit>
  void generate(Emit emit) {
    nextGroup_ = lineNodes_;
    for (const FlatInstance& inst : graph_.instances) instanceEdges(inst, emit);
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      const Endpoint& src = graph_.lines[l].source;
      if (src.kind == Endpoint::Kind::Wire) emit(out(src.ref), in(l), true);
    }
  }

  // A node that happens once `need` of `members` have.
  template <typename Emit>
  uint32_t group(const std::vector<uint32_t>& members, uint32_t need, Emit& emit) {
    uint32_t g = nextGroup_++;
    if (g - lineNodes_ == groupNeed_.size()) {  // the first pass makes it
      groupNeed_.push_back(need);
      start_.push_back(0);
    }
    for (uint32_t m : members) emit(m, g, false);
    return g;
  }

  // A constant bound to `line`'s input, if it is an Int.
  std::optional<int64_t> constantInt(uint32_t line) const {
    const Endpoint& src = graph_.lines[line].source;
    if (src.kind != Endpoint::Kind::Const || src.ref >= graph_.constants.size()) return std::nullopt;
    const Value& v = graph_.constants[src.ref];
    if (v.kind != Value::Kind::Int) return std::nullopt;
    return v.i;
  }

  // Beyond this many, the lines an output needs are waited for through one
  // node that happens once all of them have: a bundle whose every element
  // needs the whole bundle (Sync<k>'s) then makes 2k edges, not k^2 (a
  // gigabyte at k = 16,384). The lines a cycle through it lists are the
  // same; below it, the cycle reports read as they always have.
  static constexpr size_t kManyNeeds = 16;

  template <typename Emit>
  void instanceEdges(const FlatInstance& inst, Emit& emit) {
    const LineSig* neededFor = nullptr;
    uint32_t neededGroup = kNone;
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
      const LineSig* s = graph_.signature(catalog_, l);
      if (picked_[l]) {
        pickedEdges(inst, *s, l, emit);
      } else {
        emit(in(l), out(l), true);
      }
      if (!s) continue;
      // A bundle's elements are consecutive and share their needs: looked up
      // once per signature line, not once per element (which made a bundle
      // of n quadratic in n).
      if (s != neededFor) {
        needed_.clear();
        for (const std::string& need : s->outputNeeds) graph_.linesNamed(catalog_, inst, need, needed_);
        neededFor = s;
        neededGroup = kNone;
        if (needed_.size() > kManyNeeds) {
          std::vector<uint32_t>& ins = ins_;
          ins.clear();
          for (uint32_t m : needed_) ins.push_back(in(m));
          neededGroup = group(ins, static_cast<uint32_t>(ins.size()), emit);
        }
      }
      if (neededGroup != kNone) {
        emit(neededGroup, out(l), false);
      } else {
        for (uint32_t m : needed_) {
          if (m != l) emit(in(m), out(l), false);
        }
      }
      if (s->choosable) ruleEdges(inst, *s, l, emit);
    }
  }

  // A picked output (t1' = c ? t2 : t1) waits for the input its control
  // picks: with the control chosen (the first of the two to arrive), for
  // either; with a constant control, for that one; else for both. Its wait
  // for the control itself is one of its needs.
  template <typename Emit>
  void pickedEdges(const FlatInstance& inst, const LineSig& s, uint32_t l, Emit& emit) {
    std::vector<uint32_t>& control = by_;
    control.clear();
    graph_.linesNamed(catalog_, inst, s.outputPickedBy, control);
    std::vector<uint32_t>& other = indexed_;
    other.clear();
    graph_.linesNamed(catalog_, inst, s.outputAlternative, other);
    if (control.size() != 1 || other.size() != 1) return emit(in(l), out(l), false);
    const Endpoint& source = graph_.lines[control[0]].source;
    if (source.kind == Endpoint::Kind::Choose) {
      std::vector<uint32_t>& either = ins_;
      either = {in(l), in(other[0])};
      return emit(group(either, 1, emit), out(l), false);
    }
    bool constant = source.kind == Endpoint::Kind::Const && source.ref < graph_.constants.size() &&
                    graph_.constants[source.ref].kind == Value::Kind::Bool;
    if (!constant || !graph_.constants[source.ref].i) emit(in(l), out(l), false);
    if (!constant || graph_.constants[source.ref].i) emit(in(other[0]), out(l), false);
  }

  // When a choosable input can become available. Chosen or forced (bound to
  // a constant, a wire or an input), it becomes available when its rule
  // would decide: after every strict need, and after "any of" its other
  // reads (any k of the votes for a Quorum). A read indexed by another
  // choosable line (Select's chosen reads options[choice]) is the option
  // that line picked when it is chosen, that one option when it is a known
  // constant, and otherwise could be any of them, so all are waited for.
  template <typename Emit>
  void ruleEdges(const FlatInstance& inst, const LineSig& s, uint32_t l, Emit& emit) {
    std::vector<uint32_t>&strict = strict_, &anyOf = anyOf_, &indexed = indexed_;
    strict.clear(), anyOf.clear(), indexed.clear();
    for (const std::string& need : s.choiceNeeds) graph_.linesNamed(catalog_, inst, need, strict);
    for (const std::string& read : s.choiceReads) {
      if (read == s.choiceIndexedBy) continue;
      bool isNeed = std::find(s.choiceNeeds.begin(), s.choiceNeeds.end(), read) != s.choiceNeeds.end();
      if (!isNeed) graph_.linesNamed(catalog_, inst, read, s.choiceIndexedBy.empty() ? anyOf : indexed);
    }
    for (uint32_t m : strict) emit(in(m), in(l), false);
    if (!anyOf.empty()) {
      int count = s.choiceCountParam;
      uint32_t k = count >= 0 && static_cast<size_t>(count) < graph_.args(inst).size() && graph_.args(inst)[count] > 0
                       ? static_cast<uint32_t>(std::min<int64_t>(graph_.args(inst)[count], UINT32_MAX))
                       : 1;
      std::vector<uint32_t>& ins = ins_;
      ins.clear();
      for (uint32_t m : anyOf) ins.push_back(in(m));
      emit(group(ins, k, emit), in(l), false);
    }
    if (indexed.empty()) return;
    std::vector<uint32_t>& by = by_;
    by.clear();
    graph_.linesNamed(catalog_, inst, s.choiceIndexedBy, by);
    if (by.size() != 1) return;
    const Endpoint& indexSource = graph_.lines[by[0]].source;
    if (indexSource.kind == Endpoint::Kind::Choose) return;  // the option it picked has arrived
    std::optional<int64_t> k = constantInt(by[0]);
    if (k) {
      // A constant index out of range selects nothing: the run reports it.
      if (*k >= 0 && static_cast<uint64_t>(*k) < indexed.size()) emit(in(indexed[*k]), in(l), false);
      return;
    }
    for (uint32_t m : indexed) emit(in(m), in(l), false);
  }

  const Graph& graph_;
  const Catalog& catalog_;
  const uint32_t lineNodes_;         // 2 per line; groups follow
  std::vector<uint32_t> groupNeed_;  // per group
  uint32_t nextGroup_ = 0;
  std::vector<uint32_t> start_, targets_;  // the explicit edges: each node's targets
  std::vector<uint32_t> missing_;          // per node: predecessors it still waits for
  // Scratch, kept between lines so that each choosable line (a quarter of
  // a broadcast's) does not allocate its own.
  std::vector<uint32_t> needed_, strict_, anyOf_, indexed_, ins_, by_;
  std::vector<bool> picked_;  // per line: its output is picked (pickedEdges), with no implicit edge
};

}  // namespace

void checkDeadlockCycles(const Model&, const Graph& graph, const Catalog& catalog, DiagnosticSink& diags) {
  std::vector<uint32_t> cycle = WaitGraph(graph, catalog).findCycle();
  if (cycle.empty()) return;
  // Read from a line the model itself binds, if the cycle has one: a cycle
  // through a library component (WB's chain) is the model's to mend.
  auto inModel = [&](uint32_t l) {
    const Pos& p = graph.linePos(l);
    return p.file != Pos::kNoFile && p.file < diags.files().size() && diags.files()[p.file] != "<std>";
  };
  auto first = std::find_if(cycle.begin(), cycle.end(), inModel);
  if (first != cycle.end()) std::rotate(cycle.begin(), first, cycle.end());
  std::string path;
  for (size_t i = 0; i < cycle.size() && i < 12; ++i) path += graph.linePath(catalog, cycle[i]) + " -> ";
  path += cycle.size() > 12 ? "... -> " : "";
  path += graph.linePath(catalog, cycle[0]);
  diags.error("deadlock-cycle", graph.linePos(cycle[0]),
              "cycle with no choice point that can wait off it (a definite deadlock): " + path);
}

void checkConstantDurations(const Model&, const Graph& graph, const Catalog& catalog, DiagnosticSink& diags) {
  for (uint32_t l = 0; l < graph.lines.size(); ++l) {
    const Endpoint& src = graph.lines[l].source;
    if (src.kind != Endpoint::Kind::Const || src.ref >= graph.constants.size()) continue;
    if (auto why = negativeDuration(graph, catalog, l, graph.constants[src.ref]))
      diags.error("negative-duration", graph.linePos(l), *why);
  }
}

namespace {

// The names of the extrinsic inputs and outputs the model declares (`input
// x`, `output y[i]`, in the system or a component), whether or not this
// elaboration made any: a family over an empty range (`-D S=0`), or one in
// a branch not taken, has none, and is still a name the model has.
std::set<std::string> declaredExtrinsics(const Model& model) {
  std::set<std::string> names;
  std::vector<const std::vector<Item>*> bodies{&model.system.body};
  for (const ComponentDef& c : model.components) bodies.push_back(&c.body);
  while (!bodies.empty()) {
    const std::vector<Item>* body = bodies.back();
    bodies.pop_back();
    for (const Item& item : *body) {
      if (item.kind == Item::Kind::For) bodies.push_back(&item.body);
      auto add = [&](const Term& t) {
        if (t.kind == Term::Kind::Input || t.kind == Term::Kind::Output) names.insert(t.name);
      };
      add(item.from);
      add(item.to);
      for (const Binding& b : item.bindings) {
        add(b.in);
        add(b.out);
      }
    }
  }
  return names;
}

// Resolves the names of one check expression against the elaborated graph.
class PropertyNames {
 public:
  PropertyNames(const Model& model, const Graph& graph, const std::set<std::string>& declared, const SourceExpr& check,
                DiagnosticSink& diags)
      : model_(model), graph_(graph), declared_(declared), check_(check), diags_(diags) {}

  void run() { visit(*check_.expr); }
  /// Whether the check reads an extrinsic the model declares but this
  /// elaboration has no element of: its type is then not known.
  bool readsEmpty() const { return readsEmpty_; }

 private:
  void error(const Expr& e, std::string message) {
    diags_.error("unknown-name", check_.pos.shifted(e.offset), std::move(message));
  }

  bool isParam(const std::string& name) const {
    for (const auto& p : graph_.params) {
      if (p.first == name) return true;
    }
    return false;
  }
  bool isFamily(const std::string& name) const {
    for (const DomainDecl& d : model_.domains) {
      if (d.name == name) return d.size.has_value();
    }
    return false;
  }
  bool isDomain(const std::string& name) const {
    for (const DomainDecl& d : model_.domains) {
      if (d.name == name) return true;
    }
    return false;
  }
  // What a check could have meant by an unknown name: its bound variables,
  // the parameters and the extrinsics' names (without their indices).
  std::vector<std::string> knownNames() const {
    std::vector<std::string> names = bound_;
    for (const auto& p : graph_.params) names.push_back(p.first);
    names.insert(names.end(), declared_.begin(), declared_.end());
    return names;
  }
  // What an unknown `name[...]` could have meant: the extrinsics' names.
  std::vector<std::string> knownFamilies() const { return {declared_.begin(), declared_.end()}; }
  // A name the model declares as an extrinsic, none of which this elaboration made.
  bool isEmptyExtrinsic(const std::string& name) {
    if (!declared_.count(name) || isExtrinsic(name, true) || isExtrinsic(name, false)) return false;
    readsEmpty_ = true;
    return true;
  }

  // An extrinsic output or input named exactly `name` (scalar) or `name[...]`.
  bool isExtrinsic(const std::string& name, bool indexed) const {
    for (const auto* list : {&graph_.outputs, &graph_.inputs}) {
      for (const Extrinsic& x : *list) {
        if (x.name.size() > name.size() && x.name.compare(0, name.size(), name) == 0 && x.name[name.size()] == '[') {
          if (indexed) return true;
        } else if (!indexed && x.name == name) {
          return true;
        }
      }
    }
    return false;
  }

  // An open range `LO..` ranges over the iterations of the unbounded box:
  // only as the check's outermost forall, of one variable, from 0.
  void iterations(const Expr& quant) {
    const Expr& lo = *quant.kids[0]->kids[0];
    bool unbounded = std::any_of(model_.system.body.begin(), model_.system.body.end(), [](const Item& item) {
      return item.kind == Item::Kind::For && !item.loops.empty() && item.loops[0].unbounded();
    });
    if (!unbounded) {
      error(quant, "an open range `0..` ranges over the iterations of an unbounded `for`, and the model has none");
    } else if (&quant != check_.expr.get() || !isIterationCheck(quant)) {
      error(quant,
            "an open range `0..` is only the domain of a check's outermost `forall k in 0..: ...` (one variable)");
    } else if (lo.kind != Expr::Kind::Literal || lo.value.kind != Value::Kind::Int || lo.value.i != 0) {
      error(lo, "the iterations of an unbounded `for` are `0..`");
    } else {
      iterationVar_ = quant.vars[0];
    }
  }

  // Whether `name[...]` are extrinsics of the unbounded box, one per iteration.
  bool perIteration(const std::string& name) const {
    if (!graph_.unbounded) return false;
    auto member = [&](const Extrinsic& x) {
      return x.name.size() > name.size() && x.name.compare(0, name.size(), name) == 0 && x.name[name.size()] == '[';
    };
    for (uint32_t o = 0; o < graph_.outputs.size(); ++o) {
      if (graph_.unbounded->hasOutput(o) && member(graph_.outputs[o])) return true;
    }
    for (uint32_t i = 0; i < graph_.inputs.size(); ++i) {
      if (graph_.unbounded->hasInput(i) && member(graph_.inputs[i])) return true;
    }
    return false;
  }

  // `dlvr[i]` or `bc`: a reference to an extrinsic value.
  void extrinsic(const Expr& e) {
    if (e.kind == Expr::Kind::Name) {
      if (!isExtrinsic(e.text, false) && !isEmptyExtrinsic(e.text))
        error(e, "'" + e.text + "' is not an extrinsic output or input" + didYouMean(e.text, knownNames()));
      return;
    }
    if (e.kind == Expr::Kind::Index) {
      const Expr* base = e.kids[0].get();
      while (base->kind == Expr::Kind::Index) base = base->kids[0].get();
      if (base->kind != Expr::Kind::Name) {
        error(e, "not an indexed extrinsic output or input");
      } else if (!isExtrinsic(base->text, true) && !isEmptyExtrinsic(base->text)) {
        error(*base, "'" + base->text + "' is not an indexed extrinsic output or input" +
                         (isExtrinsic(base->text, false) ? " (it is a single one: read it without an index)"
                                                         : didYouMean(base->text, knownFamilies())));
      }
      for (const Expr* x = &e; x->kind == Expr::Kind::Index; x = x->kids[0].get()) {
        visit(*x->kids[1]);
        if (x->kids[0].get() == base && base->kind == Expr::Kind::Name && perIteration(base->text)) {
          const Expr& first = *x->kids[1];
          if (iterationVar_.empty() || first.kind != Expr::Kind::Name || first.text != iterationVar_) {
            const UnboundedBox& box = *graph_.unbounded;
            error(e, "'" + base->text + "' has one element per iteration of the " +
                         (box.bounded() ? "on-demand" : "unbounded") + " `for`: read it as " + base->text +
                         "[k]... in a check `forall k in 0.." + (box.bounded() ? std::to_string(box.end) : "") +
                         ": ...`, k its first index");
          }
        }
      }
      return;
    }
    error(e, "has() takes an extrinsic output or input, such as has(dlvr[i])");
  }

  void visit(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::Name:
        if (std::find(bound_.begin(), bound_.end(), e.text) != bound_.end() || isParam(e.text)) return;
        if (isExtrinsic(e.text, false) || isEmptyExtrinsic(e.text)) return;
        if (isExtrinsic(e.text, true)) return error(e, "'" + e.text + "' is a family of extrinsics; index it");
        return error(e, "unknown name '" + e.text + "' in a check" + didYouMean(e.text, knownNames()));
      case Expr::Kind::Index:
        return extrinsic(e);
      case Expr::Kind::Call:
        if (e.text == "has" && e.kids.size() == 1) return extrinsic(*e.kids[0]);
        if (e.text == "correct" && e.kids.size() == 1) return domainArg(*e.kids[0]);
        for (const ExprPtr& k : e.kids) visit(*k);
        return;
      case Expr::Kind::Quant: {
        const Expr& domain = *e.kids[0];
        if (domain.kind == Expr::Kind::Range) {
          for (const ExprPtr& bound : domain.kids) visit(*bound);
          if (domain.kids.size() == 1) iterations(e);
          // `forall k in 0..K` over an on-demand box's iterations, as the check.
          if (&e == check_.expr.get() && graph_.unbounded && graph_.unbounded->bounded() &&
              overIterations(e, *graph_.unbounded, graph_.params))
            iterationVar_ = e.vars[0];
        } else if (domain.kind == Expr::Kind::Call && domain.text == "correct" && domain.kids.size() == 1 &&
                   domain.kids[0]->kind == Expr::Kind::Name && isFamily(domain.kids[0]->text)) {
        } else if (isMapQuantifier(e)) {
          visit(domain);
        } else {
          error(domain, "a quantifier ranges over correct(FAMILY), LO..HI or a map");
        }
        size_t mark = bound_.size();
        bound_.insert(bound_.end(), e.vars.begin(), e.vars.end());
        visit(*e.kids[1]);
        bound_.resize(mark);
        if (e.kids.size() > 2) visit(*e.kids[2]);  // maxBy's default
        return;
      }
      default:
        for (const ExprPtr& k : e.kids) visit(*k);
    }
  }

  void domainArg(const Expr& e) {
    if (e.kind == Expr::Kind::Name && isDomain(e.text) && !isFamily(e.text)) return;
    if (e.kind == Expr::Kind::Index && e.kids[0]->kind == Expr::Kind::Name && isFamily(e.kids[0]->text)) {
      visit(*e.kids[1]);
      return;
    }
    error(e, "correct() takes a domain such as node[i] (or, as a quantifier range, a family)");
  }

  const Model& model_;
  const Graph& graph_;
  const std::set<std::string>& declared_;
  const SourceExpr& check_;
  DiagnosticSink& diags_;
  bool readsEmpty_ = false;
  std::string iterationVar_;  // the variable of `forall k in 0..`, once seen
  std::vector<std::string> bound_;
};

// Types a check whose names resolve: extrinsics have their lines' types,
// quantified variables and parameters are Ints, and the check is a Bool.
class PropertyTypes final : public TypeHost {
 public:
  PropertyTypes(const Graph& graph, TypeTable& types) : graph_(graph), types_(types) {
    lookup_ = [this](std::string_view name) -> std::optional<TypeId> {
      if (std::find(bound_.begin(), bound_.end(), name) != bound_.end()) return TypeTable::kInt;
      for (const auto& p : graph_.params) {
        if (p.first == name) return TypeTable::kInt;
      }
      return extrinsicType(std::string(name), false);
    };
  }

  void check(const SourceExpr& check, DiagnosticSink& diags) {
    ExprError error;
    auto t = typeOfExpr(*check.expr, lookup_, types_, &error, this);
    if (!t) {
      diags.error(error.code, check.pos.shifted(error.offset), error.message);
    } else if (*t != TypeTable::kBool) {
      diags.error("type-mismatch", check.pos, "a check must be a Bool, this one is " + types_.name(*t));
    }
  }

  std::optional<TypeId> typeOfHosted(const Expr& e, ExprError* error) override {
    auto fail = [&](const std::string& message) -> std::optional<TypeId> {
      *error = {"type-mismatch", e.offset, message};
      return std::nullopt;
    };
    switch (e.kind) {
      case Expr::Kind::Index: {
        const Expr* base = &e;
        while (base->kind == Expr::Kind::Index) {
          auto index = typeOfExpr(*base->kids[1], lookup_, types_, error, this);
          if (!index) return std::nullopt;
          if (*index != TypeTable::kInt) return fail("an index must be an Int");
          base = base->kids[0].get();
        }
        auto t = extrinsicType(base->text, true);
        if (!t) return fail("'" + base->text + "' is not an indexed extrinsic");
        return t;
      }
      case Expr::Kind::Call:
        return TypeTable::kBool;  // has() and correct(); their arguments were checked by name
      case Expr::Kind::Range: {
        for (const ExprPtr& bound : e.kids) {
          auto t = typeOfExpr(*bound, lookup_, types_, error, this);
          if (!t) return std::nullopt;
          if (*t != TypeTable::kInt) return fail("a range's bounds must be Ints");
        }
        return TypeTable::kInt;
      }
      case Expr::Kind::Quant: {
        if (e.kids[0]->kind == Expr::Kind::Range && !typeOfHosted(*e.kids[0], error)) return std::nullopt;
        size_t mark = bound_.size();
        bound_.insert(bound_.end(), e.vars.begin(), e.vars.end());
        auto body = typeOfExpr(*e.kids[1], lookup_, types_, error, this);
        bound_.resize(mark);
        if (!body) return std::nullopt;
        if (*body != TypeTable::kBool) return fail("a quantifier's body must be a Bool, not " + types_.name(*body));
        return TypeTable::kBool;
      }
      default:
        return fail("not allowed in a check");
    }
  }

 private:
  // The type of an extrinsic output (first) or input: `name`, or an element of the family `name[...]`.
  std::optional<TypeId> extrinsicType(const std::string& name, bool indexed) const {
    for (const auto* list : {&graph_.outputs, &graph_.inputs}) {
      for (const Extrinsic& x : *list) {
        bool member =
            x.name.size() > name.size() && x.name.compare(0, name.size(), name) == 0 && x.name[name.size()] == '[';
        if (indexed ? member : x.name == name) return graph_.lines[x.line].type;
      }
    }
    return std::nullopt;
  }

  const Graph& graph_;
  TypeTable& types_;
  TypeLookup lookup_;
  std::vector<std::string> bound_;
};

}  // namespace

void checkPropertyNames(const Model& model, const Graph& graph, const Catalog&, DiagnosticSink& diags) {
  TypeTable types = graph.types;
  std::set<std::string> declared = declaredExtrinsics(model);
  for (const CheckDecl& check : model.checks) {
    size_t errors = diags.errorCount();
    PropertyNames names(model, graph, declared, check.expr, diags);
    names.run();
    // A check reading an extrinsic with no elements here (a family over an
    // empty range) has no type to check it by; with elements, lint types it.
    if (diags.errorCount() == errors && !names.readsEmpty()) PropertyTypes(graph, types).check(check.expr, diags);
  }
}

namespace {

uint64_t saturatingAdd(uint64_t a, uint64_t b) { return a > UINT64_MAX - b ? UINT64_MAX : a + b; }
uint64_t saturatingMul(uint64_t a, uint64_t b) {
  uint64_t out;
  return __builtin_mul_overflow(a, b, &out) ? UINT64_MAX : out;
}

// How many indices a quantifier's range holds, when lint can tell: LO..HI
// with bounds made of parameters, or correct(FAMILY), at most the family.
// A range that depends on the run counts as one (rdc-run's budget stops it).
uint64_t rangeSize(const Expr& range, const Graph& graph) {
  if (range.kind == Expr::Kind::Call && range.kids.size() == 1 && range.kids[0]->kind == Expr::Kind::Name) {
    std::string prefix = range.kids[0]->text + "[";
    return std::count_if(graph.domains.begin(), graph.domains.end(),
                         [&](const std::string& d) { return d.compare(0, prefix.size(), prefix) == 0; });
  }
  if (range.kind != Expr::Kind::Range) return 1;
  NameLookup params = [&graph](std::string_view name) -> std::optional<Value> {
    for (const auto& p : graph.params) {
      if (p.first == name) return Value::integer(p.second);
    }
    return std::nullopt;
  };
  ExprError ignored;
  if (range.kids.size() == 1) return 1;  // `0..`: the body is evaluated once per iteration
  auto lo = evalInt(*range.kids[0], params, &ignored);
  auto hi = lo ? evalInt(*range.kids[1], params, &ignored) : std::nullopt;
  if (!hi) return 1;
  return *hi > *lo ? static_cast<uint64_t>(*hi) - static_cast<uint64_t>(*lo) : 0;
}

// The quantifier steps (evaluations of a quantifier's body, each one step
// and one per kNodesPerStep of its nodes) a check takes at most: a
// quantifier over V variables and a range of R indices runs its body R^V
// times. Expressions are at most 256 deep, so this recursion is bounded.
uint64_t quantifierSteps(const Expr& e, const Graph& graph) {
  if (e.kind != Expr::Kind::Quant) {
    uint64_t steps = 0;
    for (const ExprPtr& k : e.kids) steps = saturatingAdd(steps, quantifierSteps(*k, graph));
    return steps;
  }
  uint64_t tuples = 1, range = rangeSize(*e.kids[0], graph);
  for (size_t v = 0; v < e.vars.size(); ++v) tuples = saturatingMul(tuples, range);
  uint64_t each = saturatingAdd(1 + expressionSteps(*e.kids[1]), quantifierSteps(*e.kids[1], graph));
  uint64_t outside = quantifierSteps(*e.kids[0], graph);
  if (e.kids.size() > 2) outside = saturatingAdd(outside, quantifierSteps(*e.kids[2], graph));  // maxBy's default
  return saturatingAdd(outside, saturatingMul(tuples, each));
}

// The steps of one evaluation of a check. A check over the iterations of
// an unbounded or on-demand box (`forall k in 0..K: BODY`) is evaluated
// once per iteration as it retires, each evaluation with its own budget
// (rdc-run's CheckEvaluator::evaluateIteration): one evaluation is its
// body's, whatever K, as it is for `forall k in 0..`.
bool perIteration(const Expr& check, const Graph& graph) {
  return graph.unbounded && overIterations(check, *graph.unbounded, graph.params);
}
uint64_t checkSteps(const Expr& check, const Graph& graph) {
  return perIteration(check, graph)
             ? saturatingAdd(1 + expressionSteps(*check.kids[1]), quantifierSteps(*check.kids[1], graph))
             : quantifierSteps(check, graph);
}

}  // namespace

void checkQuantifierSteps(const Model& model, const Graph& graph, const Catalog&, DiagnosticSink& diags) {
  for (const CheckDecl& check : model.checks) {
    uint64_t steps = checkSteps(*check.expr.expr, graph);
    if (steps <= kMaxCheckSteps) continue;
    diags.error("check-limit", check.expr.pos,
                "check '" + check.name + "' takes " + (steps == UINT64_MAX ? "more than 2^64" : std::to_string(steps)) +
                    " quantifier steps per " + (perIteration(*check.expr.expr, graph) ? "iteration" : "run") +
                    ", more than the limit of " + std::to_string(kMaxCheckSteps) +
                    " (narrow its ranges, or quantify over correct(FAMILY))");
  }
}

std::vector<LintPass> standardLintPasses() {
  return {{"deadlock-cycles", checkDeadlockCycles},
          {"constant-durations", checkConstantDurations},
          {"check-names", checkPropertyNames},
          {"check-steps", checkQuantifierSteps}};
}

}  // namespace rdc
