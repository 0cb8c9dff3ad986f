// Items: for boxes, wires, and instances of base and composite components.
#include "ir/graph/elaborate/elaborator.h"
#include "ir/graph/elaborate/size.h"
#include "ir/model/syntax.h"

namespace rdc::elab {

// " (did you mean 'y'? its lines: x, y, sum)": what an unknown line could be.
static std::string lineChoices(const std::string& line, const std::vector<std::string>& lines) {
  std::string list;
  for (const std::string& l : lines) list += (list.empty() ? "" : ", ") + l;
  auto closest = closestName(line, lines);
  if (lines.empty()) return " (it has no lines)";
  return " (" + (closest ? "did you mean '" + *closest + "'? " : std::string()) + "its lines: " + list + ")";
}

void Elaborator::body(Scope& scope, const std::vector<Item>& items) {
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

void Elaborator::forBox(Scope& scope, const Item& item, size_t loop) {
  if (loop == item.loops.size()) {
    body(scope, item.body);
    return;
  }
  const LoopVar& var = item.loops[loop];
  if (var.windowed() && windowedBox(scope, item)) return unboundedBox(scope, item);
  auto lo = evalIn(scope.env, var.lo);
  auto hi = lo ? evalIn(scope.env, var.hi) : std::nullopt;
  if (!hi) return;
  // A range beyond the size limit cannot elaborate: fail before iterating.
  if (*hi > *lo && static_cast<uint64_t>(*hi - *lo) > options_.maxLines && !spend(*hi - *lo, var.hi.pos)) return;
  ++forDepth_;
  for (int64_t i = *lo; i < *hi && !aborted_; ++i) {
    if (!spend(1, item.pos)) break;
    scope.env.emplace_back(var.name, i);
    forBox(scope, item, loop + 1);
    scope.env.pop_back();
  }
  --forDepth_;
}

void Elaborator::wireItem(Scope& scope, const Item& item) {
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
    if (from != kNone && to != kNone) join(from, to);
    return spend(1, item.pos);
  });
}

uint32_t Elaborator::instanceNode(Scope& scope, const Item& item) {
  Indices indices;
  if (item.indices.size() > Indices::kMax) {
    diags_.error("index-range", item.pos, "at most " + std::to_string(Indices::kMax) + " indices are supported");
    return kNone;
  }
  for (const SourceExpr& e : item.indices) {
    auto v = evalIn(scope.env, e);
    if (!v) return kNone;
    if (*v < 0 || *v > Indices::kLargest) {
      diags_.error("index-range", e.pos, "instance index " + std::to_string(*v) + " is out of range");
      return kNone;
    }
    indices.push_back(*v);
  }
  NameKey key{nameId(item.name), false, indices};
  if (!scope.instanceNames.insert(key).second) {
    diags_.error("duplicate-name", item.pos,
                 "instance '" + item.name + indexSuffix(indices) + "' is defined twice in " + componentLabel(scope));
    return kNone;
  }
  // Segments are shared by every instance of that name and indices, under any parent.
  auto [segment, fresh] = segmentIds_.insert(key);
  if (fresh) graph_.segments.push_back(item.name + indexSuffix(indices));
  graph_.tree.push_back({scope.node, segment});
  return static_cast<uint32_t>(graph_.tree.size() - 1);
}

bool Elaborator::bindToken(const Term& term, uint32_t line, bool asSource) {
  if (term.domain) return false;  // its domain hint is a net's
  bool choose = term.kind == Term::Kind::Choose, never = term.kind == Term::Kind::Never;
  if (asSource ? !(choose || never) : term.kind != Term::Kind::Drop) return false;
  uint32_t pos = posId(term.pos);  // interned as a net's token would be: the IR's positions stay the same
  if (!asSource) {
    graph_.lines[line].sink = {Endpoint::Kind::Drop, kNone};
    return true;
  }
  graph_.lines[line].source = {choose ? Endpoint::Kind::Choose : Endpoint::Kind::Never, kNone};
  if (choose) {
    const LineSig* sig = graph_.signature(catalog_, line);
    if (!sig || !sig->choosable) boundChoice(line, pos);  // reported when connecting
  }
  return true;
}

uint32_t Elaborator::argsId(const std::vector<int64_t>& args) {
  auto [it, fresh] = argIds_.try_emplace(args, static_cast<uint32_t>(graph_.argSets.size()));
  if (fresh) graph_.argSets.push_back(args);
  return it->second;
}

uint32_t Elaborator::posId(Pos pos) {
  auto [it, fresh] = posIds_.try_emplace(pos, static_cast<uint32_t>(graph_.positions.size()));
  if (fresh) graph_.positions.push_back(pos);
  return it->second;
}

void Elaborator::instance(Scope& scope, const Item& item) {
  // Whatever refused it, the instance's one error is the whole story: that
  // its wires are then never produced or consumed, or the lines of its
  // component left unused, would only say it again.
  if (!placeInstance(scope, item)) excuseWires(scope, item);
}

bool Elaborator::placeInstance(Scope& scope, const Item& item) {
  uint32_t node = instanceNode(scope, item);
  if (node == kNone) return false;
  std::vector<int64_t> args;
  for (const SourceExpr& a : item.args) {
    auto v = evalIn(scope.env, a);
    if (!v) return false;
    args.push_back(*v);
  }
  Placement placement = scope.placement;
  if (item.domain) {
    placement = {domainId(scope.env, *item.domain), item.domain->pos, ++placements_};
    if (!placement.domain) return false;
  }
  if (auto base = catalog_.find(item.component)) {
    // Counted with repeats: an error met again in a later iteration of a
    // `for` box refuses that iteration's instance too.
    size_t reportsBefore = diags_.errorReports();
    baseInstance(scope, item, *base, node, args, placement);
    return diags_.errorReports() == reportsBefore;
  }
  if (const ComponentDef* def = model_.findComponent(item.component)) {
    return compositeInstance(scope, item, *def, node, args, placement);
  }
  std::vector<std::string> known;
  for (const BaseComponent& b : catalog_.all()) known.push_back(b.name);
  for (const ComponentDef& c : model_.components) known.push_back(c.name);
  diags_.error("unknown-component", item.pos,
               "unknown component '" + item.component + "'" + didYouMean(item.component, known));
  return false;
}

bool Elaborator::checkBaseArgs(const Item& item, const BaseComponent& base, const std::vector<int64_t>& args) {
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

void Elaborator::excuseWires(Scope& scope, const Item& item) {
  for (const Binding& b : item.bindings) {
    for (const Term* t : {&b.in, &b.out}) {
      if (t->kind != Term::Kind::Wire) continue;
      // A few distinct names, however many iterations are refused.
      uint32_t key = Scope::excuseKey(nameId(*t), t->primed);
      if (std::find(scope.excused.begin(), scope.excused.end(), key) == scope.excused.end())
        scope.excused.push_back(key);
    }
  }
}

void Elaborator::baseInstance(Scope& scope, const Item& item, uint16_t baseIndex, uint32_t node,
                              const std::vector<int64_t>& args, const Placement& placement) {
  const BaseComponent& base = catalog_.at(baseIndex);
  if (!checkBaseArgs(item, base, args)) return;
  if (item.fnExpr && !base.variadicArgs) {
    diags_.error("syntax", item.fnExpr->pos, "only Fn and Filter instances take an `expr`");
    return;
  }
  if (item.fnWhen && !base.guarded) {
    diags_.error("syntax", item.fnWhen->pos, "only Filter instances take a `when`");
    return;
  }
  FlatInstance inst;
  inst.node = node;
  inst.base = baseIndex;
  inst.args = argsId(args);
  inst.pos = posId(item.pos);
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
    if (base.guarded && !item.fnWhen) {
      diags_.error("syntax", item.pos, "a Filter instance needs `when: CONDITION`");
      return;
    }
    for (const Binding& b : item.bindings) {
      if (b.line == "r" && !b.argRange) continue;
      if (!b.keyIndices.empty()) {
        diags_.error("index-range", b.pos,
                     base.name + " argument lines are named by the instance: `" + b.line + "` for one line, `" +
                         b.line + "[0..N]` for a bundle of N");
        return;
      }
      if (!syntax::notReserved(b.line, b.pos, "an argument line", diags_)) return;
      if (std::any_of(blocks.begin(), blocks.end(), [&](const Block& x) { return *x.name == b.line; })) {
        diags_.error("linearity", b.pos, base.name + " " + item.name + " names argument line '" + b.line + "' twice");
        return;
      }
      auto size = fnArgumentSize(scope, b);
      if (!size) return;
      // A bundle's elements are argument lines of their own, named `v[i]`;
      // the expression reads them together as a Map<Int, T> (FnArgRef).
      for (int64_t e = 0; e < std::max<int64_t>(*size, 1); ++e) {
        fn.args.push_back(b.argRange ? b.line + "[" + std::to_string(e) + "]" : b.line);
      }
      if (next - inst.firstLine + std::max<int64_t>(*size, 1) >= UINT16_MAX) {  // a line's sig is 16 bits, r too
        diags_.error("size-limit", b.pos, base.name + " " + item.name + " has more than 65,534 argument lines");
        return;
      }
      blocks.push_back({&b.line, static_cast<uint16_t>(next - inst.firstLine), *size, next});
      next += static_cast<uint32_t>(std::max<int64_t>(*size, 1));
    }
    if (fn.args.empty()) {  // (its r waits for every argument, so for ever)
      diags_.error(
          "syntax", item.pos,
          base.name + " " + item.name +
              " has no argument lines, so its r would never become available: a constant is a binding's source, "
              "`x: const VALUE -> LINE`");
      return;
    }
    bool oneScalar = fn.args.size() == 1 && !findFnArg(fn, fn.args[0]).bundle;
    if (!item.fnExpr && !(base.guarded && oneScalar)) {
      diags_.error("syntax", item.pos,
                   base.guarded ? "a Filter with other than one argument line needs `expr: ...` (what r is)"
                                : "an Fn instance needs `expr: ...`");
      return;
    }
    blocks.push_back({&base.lines[0].name, static_cast<uint16_t>(next - inst.firstLine), 0, next});
    ++next;
    if (!fnExpression(scope, item, fn)) return;
    inst.fn = static_cast<uint32_t>(graph_.fns.size());
    graph_.fns.push_back(std::move(fn));
  } else {
    for (const Binding& b : item.bindings) {
      if (b.argRange) {
        diags_.error("syntax", b.pos,
                     "`" + b.key + "`: a range names a bundle argument of an Fn or Filter; " + base.name +
                         "'s lines bind as `" + b.line + "` or `" + b.line + "[k]`");
        return;
      }
    }
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
      // An Fn's lines are each their own signature line (its args, then r),
      // a bundle argument's elements included.
      line.sig = static_cast<uint16_t>(blk.sig + (base.variadicArgs ? e : 0));
      line.pos = inst.pos;
      graph_.lines.push_back(line);
    }
  }
  // In the graph before its bindings, which read its lines' signatures (bindToken).
  graph_.instances.push_back(inst);
  std::vector<uint8_t> bound(inst.lineCount, 0);
  bool domainHinted = false;
  size_t reportsBefore = diags_.errorReports();
  for (const Binding& b : item.bindings) {
    auto blk = std::find_if(blocks.begin(), blocks.end(), [&](const Block& x) { return *x.name == b.line; });
    if (blk == blocks.end()) {
      std::vector<std::string> lines;
      for (const Block& x : blocks) lines.push_back(*x.name);
      diags_.error("unknown-line", b.pos, base.name + " has no line '" + b.line + "'" + lineChoices(b.line, lines));
      continue;
    }
    Indices dims;
    if (blk->size > 0) dims.push_back(blk->size);
    uint32_t bindingPos = posId(b.pos);
    const std::optional<uint32_t>& domain = placement.domain;
    uint32_t domainPosId = domain ? posId(placement.pos) : 0;
    forEachElement(scope, b, dims, [&](const Indices& element, const Indices& stars) {
      uint32_t id = blk->first + static_cast<uint32_t>(element.empty() ? 0 : element[0]);
      if (bound[id - inst.firstLine]++) {
        diags_.error("linearity", b.pos, "line '" + b.line + indexSuffix(element) + "' is bound twice");
        return false;
      }
      graph_.lines[id].pos = bindingPos;
      if (!bindToken(b.in, id, true)) attach(source(scope, b.in, stars), false, id);
      if (!bindToken(b.out, id, false)) attach(destination(scope, b.out, stars), true, id);
      // A cross-domain component lives where it sends from.
      // Inference puts an instance's local lines in one class, so the first
      // one's hint decides (and reports) for all of them: one per instance.
      bool local = base.domain == DomainRule::Same || base.lines[blk->sig].side == 0;
      if (domain && local && !domainHinted) {
        domainHint(false, id, *domain, domainPosId, placement.serial);
        domainHinted = true;
      }
      return true;
    });
  }
  // A binding refused (an unknown line, a bad index) leaves its line unbound: not a second error.
  if (diags_.errorReports() > reportsBefore) return;
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
}

std::optional<int64_t> Elaborator::fnArgumentSize(const Scope& scope, const Binding& b) {
  if (!b.argRange) return 0;
  auto lo = evalIn(scope.env, b.argRange->first);
  auto hi = lo ? evalIn(scope.env, b.argRange->second) : std::nullopt;
  if (!hi) return std::nullopt;
  if (*lo != 0) {
    diags_.error("index-range", b.argRange->first.pos,
                 "a bundle argument's range starts at 0 (`" + b.line + "[0..N]`), got " + std::to_string(*lo));
    return std::nullopt;
  }
  // Each element is a signature line of the Fn (see the 16-bit limit above).
  constexpr int64_t kMaxElements = 4096;
  if (*hi < 1 || *hi > kMaxElements) {
    diags_.error("index-range", b.argRange->second.pos,
                 "a bundle argument has 1 to " + std::to_string(kMaxElements) + " lines, got " + std::to_string(*hi));
    return std::nullopt;
  }
  return *hi;
}

bool Elaborator::fnExpression(Scope& scope, const Item& item, FnBody& fn) {
  if (item.fnExpr) {
    fn.text = item.fnExpr->text;
    fn.expr = item.fnExpr->expr;
    fn.exprPos = item.fnExpr->pos;
  } else {  // a Filter of one argument passes it
    ExprError error;
    fn.text = fn.args[0];
    if (!(fn.expr = parseExpr(fn.text, &error))) {
      diags_.error("syntax", item.pos, "a Filter whose argument line is named '" + fn.text + "' needs `expr: ...`");
      return false;
    }
  }
  // Each instance copies and walks its expressions (elab::fnInstanceSteps).
  if (uint64_t steps = elab::fnInstanceSteps(item); steps > 0 && !spend(steps, item.pos)) return false;
  if (item.fnWhen) {
    fn.whenText = item.fnWhen->text;
    fn.when = item.fnWhen->expr;
    fn.whenPos = item.fnWhen->pos;
  }
  auto constants = [&](const Expr& e, Pos pos, const std::string& what) {
    for (const std::string& name : freeNames(e)) {
      if (findFnArg(fn, name).count) continue;
      if (std::any_of(fn.consts.begin(), fn.consts.end(), [&](const auto& c) { return c.first == name; })) continue;
      auto v = lookupIn(scope.env)(name);
      if (!v) {
        std::vector<std::string> known = fn.args;
        for (const auto& [var, value] : scope.env) known.push_back(var);
        diags_.error("unknown-name", pos,
                     what + " reads '" + name + "', which is neither an argument line nor a parameter" +
                         didYouMean(name, known));
        return false;
      }
      fn.consts.emplace_back(name, v->i);
    }
    return true;
  };
  if (!constants(*fn.expr, item.fnExpr ? item.fnExpr->pos : item.pos, item.component + " expression")) return false;
  return !fn.when || constants(*fn.when, item.fnWhen->pos, "Filter condition");
}

bool Elaborator::compositeInstance(Scope& outer, const Item& item, const ComponentDef& def, uint32_t node,
                                   const std::vector<int64_t>& args, const Placement& placement) {
  if (item.fnExpr || item.fnWhen) {
    diags_.error("syntax", (item.fnExpr ? item.fnExpr : item.fnWhen)->pos,
                 "only Fn and Filter instances take an `expr` or a `when`");
    return false;
  }
  if (outer.depth + 1 > options_.maxDepth) {
    diags_.error("recursion-limit", item.pos,
                 "components nested more than " + std::to_string(options_.maxDepth) + " deep (is '" + def.name +
                     "' recursive?)");
    aborted_ = true;
    return false;
  }
  Scope inner;
  inner.def = &def;
  inner.node = node;
  inner.depth = outer.depth + 1;
  inner.env = globals_;
  inner.placement = placement;
  if (args.size() > def.params.size()) {
    diags_.error(
        "bad-param", item.pos,
        def.name + " takes " + std::to_string(def.params.size()) + " parameter(s), got " + std::to_string(args.size()));
    return false;
  }
  for (size_t i = 0; i < def.params.size(); ++i) {
    const ParamDecl& p = def.params[i];
    std::optional<int64_t> v;
    if (i < args.size()) {
      v = args[i];
      if (*v < 0) {
        diags_.error("bad-param", item.args[i].pos,
                     "parameter '" + p.name + "' of " + def.name + " is negative (" + std::to_string(*v) + ")");
        return false;
      }
    } else if (p.value) {
      v = evalParam(inner.env, *p.value, p.name);
    } else {
      diags_.error("bad-param", item.pos, def.name + " needs a value for parameter '" + p.name + "'");
    }
    if (!v) return false;
    inner.env.emplace_back(p.name, *v);
  }
  // Each instance gets fresh type variables: lines typed `T` share one.
  uint32_t groupBase = nextTypeGroup_;
  nextTypeGroup_ += static_cast<uint32_t>(def.typeParams.size());
  for (const LineDecl& decl : def.lines) {
    OwnLine own{&decl, {}, 0, kNone};
    auto var = std::find(def.typeParams.begin(), def.typeParams.end(), decl.valueType());
    if (var != def.typeParams.end()) {
      own.typeGroup = groupBase + static_cast<uint32_t>(var - def.typeParams.begin());
    } else {
      std::string error;
      auto type = graph_.types.parse(decl.valueType(), &error);
      if (!type) {
        diags_.error("type-mismatch", decl.pos, "line '" + decl.name + "': " + error);
        return false;
      }
      own.type = *type;
    }
    if (decl.dims.size() + decl.elementDims.size() > Indices::kMax) {
      diags_.error("index-range", decl.pos,
                   "at most " + std::to_string(Indices::kMax) +
                       " dimensions are supported (a Set's element components count as dimensions)");
      return false;
    }
    for (const SourceExpr& d : decl.dims) {
      auto n = evalParam(inner.env, d, "dimension of " + decl.name);
      if (!n) return false;
      if (static_cast<uint64_t>(*n) > options_.maxLines) {
        spend(*n, d.pos);
        return false;
      }
      own.dims.push_back(*n);
    }
    if (!setElements(decl, inner.env, own.dims)) return false;
    inner.ownLines.push_back(std::move(own));
  }
  if (auto last = scopeSizes_.find(&def); last != scopeSizes_.end()) {
    inner.names.reserve(last->second.first);
    inner.infos.reserve(last->second.first);
    inner.instanceNames.reserve(last->second.second);
  }
  if (!bindComposite(outer, item, def, inner)) return false;
  // From here on the instance is placed: an error inside its body is its
  // own, and the wires outside were bound as they should be.
  StampKey key{&def, args, placement.domain.has_value(), inner.depth};
  if (stamped(inner, key)) return true;
  std::optional<Recording> recording = startRecording(inner, key);
  body(inner, def.body);
  if (!aborted_) closeScope(inner);
  if (recording) finishRecording(std::move(*recording), key);
  if (aborted_) return true;
  scopeSizes_[&def] = {inner.names.size(), inner.instanceNames.size()};
  return true;
}

namespace {

// Which elements of a composite's line are bound: a bit each, as a set
// node each would cost about 80 bytes an element. A line too large for a
// bitmap (it cannot be bound whole within the limits) keeps a set.
class BoundElements {
 public:
  explicit BoundElements(const Indices& dims) : dims_(dims) {
    for (int64_t d : dims) {
      auto size = static_cast<uint64_t>(d);
      total_ = size == 0 || total_ <= kMaxBits / size ? total_ * size : kMaxBits + 1;
    }
  }
  /// False if `element` was bound already.
  bool insert(const Indices& element) {
    if (total_ > kMaxBits) {
      if (!large_.insert(element).second) return false;
    } else {
      if (bits_.empty()) bits_.resize(total_);
      uint64_t flat = 0;
      for (size_t k = 0; k < dims_.size(); ++k) flat = flat * static_cast<uint64_t>(dims_[k]) + element[k];
      if (bits_[flat]) return false;
      bits_[flat] = true;
    }
    ++count_;
    return true;
  }
  uint64_t size() const { return count_; }

 private:
  static constexpr uint64_t kMaxBits = uint64_t{1} << 32;
  Indices dims_;
  uint64_t total_ = 1;
  uint64_t count_ = 0;
  std::vector<bool> bits_;
  std::set<Indices> large_;
};

}  // namespace

bool Elaborator::bindComposite(Scope& outer, const Item& item, const ComponentDef& def, Scope& inner) {
  // Bind each of the composite's lines to nets of the outer scope.
  std::vector<BoundElements> bound;
  for (const OwnLine& own : inner.ownLines) bound.emplace_back(own.dims);
  size_t reportsBefore = diags_.errorReports();
  for (const Binding& b : item.bindings) {
    auto own = std::find_if(inner.ownLines.begin(), inner.ownLines.end(),
                            [&](const OwnLine& l) { return l.decl->name == b.line; });
    if (own == inner.ownLines.end()) {
      std::vector<std::string> lines;
      for (const OwnLine& l : inner.ownLines) lines.push_back(l.decl->name);
      diags_.error("unknown-line", b.pos,
                   "component '" + def.name + "' has no line '" + b.line + "'" + lineChoices(b.line, lines));
      continue;
    }
    size_t lineIndex = own - inner.ownLines.begin();
    uint32_t bindingPos = posId(b.pos);
    uint32_t name = nameId(b.line);
    // The binding's every element is typed by the line's declaration.
    uint32_t decl = static_cast<uint32_t>(typeDecls_.size());
    typeDecls_.push_back({own->type, bindingPos, own->typeGroup});
    forEachElement(outer, b, own->dims, [&](const Indices& element, const Indices& stars) {
      if (!bound[lineIndex].insert(element)) {
        diags_.error("linearity", b.pos, "line '" + b.line + indexSuffix(element) + "' is bound twice");
        return false;
      }
      uint32_t in = source(outer, b.in, stars);
      uint32_t out = destination(outer, b.out, stars);
      if (in == kNone || out == kNone) return true;
      NameKey inKey{name, false, element}, outKey{name, true, element};
      inner.names.insert(inKey);
      inner.infos.push_back({in, 1, 0, Role::OwnInput, bindingPos});
      inner.names.insert(outKey);
      inner.infos.push_back({out, 0, 1, Role::OwnOutput, bindingPos});
      typeHint(in, decl);
      typeHint(out, decl);
      return spend(1, b.pos);
    });
  }
  // A refused binding leaves its line unbound: that is not a second error.
  if (diags_.errorReports() > reportsBefore) return false;
  for (size_t i = 0; i < inner.ownLines.size(); ++i) {
    uint64_t total = 1;
    for (int64_t d : inner.ownLines[i].dims) total *= static_cast<uint64_t>(d);
    if (bound[i].size() < total) {
      diags_.error("linearity", item.pos,
                   "line '" + inner.ownLines[i].decl->name + "' of " + def.name + " " + item.name + " is not bound" +
                       (total > 1 ? " (or only partly)" : ""));
      return false;
    }
  }
  return true;
}

bool Elaborator::setElements(const LineDecl& decl, const Env& env, Indices& dims) {
  uint64_t elements = 1;
  for (const SourceExpr& d : decl.elementDims) {
    auto n = evalParam(env, d, "element range of " + decl.name);
    if (!n) return false;
    uint64_t size = static_cast<uint64_t>(*n);
    elements = size > kMaxSetElements ? size : elements * size;  // both factors at most 4096: no overflow
    if (elements > kMaxSetElements) {
      diags_.error("set-element", d.pos,
                   "line '" + decl.name + "': " + decl.typeText + " has more than " + std::to_string(kMaxSetElements) +
                       " elements, each of which is a line");
      return false;
    }
    dims.push_back(*n);
  }
  return true;
}

}  // namespace rdc::elab
