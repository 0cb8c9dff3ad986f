// The elaborator's parts. Elaboration turns a Model into a Graph: it
// instantiates components from the system down (items.cpp), evaluates
// parameters, loop ranges and domains (parameters.cpp), joins the wire names
// of each scope into nets as bindings are read (nets.cpp), checks at the end
// of each scope that every wire was produced and consumed once, and joins
// the nets into lines' sources and sinks (connect.cpp); then types and
// domains are inferred over the graph (ir/graph/infer.h). Before any of
// that, size.h refuses a model too large for the limits, and names.h holds
// the index tuples and name tables all of this looks up.
//
// Internal to ir/graph: the public entry point is ir/graph/elaborate.h.
#pragma once

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/elaborate.h"
#include "ir/graph/elaborate/names.h"
#include "ir/graph/graph.h"
#include "ir/graph/infer.h"
#include "ir/model/model.h"
#include "ir/support/diagnostics.h"
#include "ir/support/union_find.h"

namespace rdc::elab {

// What is attached at one end of a net: a base line or a source/sink token.
struct Attachment {
  enum class Kind : uint8_t { None, Line, Token } kind = Kind::None;
  bool implicit = false;  // an implicit drop/never added for a dangling composite line
  Endpoint::Kind tokenKind = Endpoint::Kind::Never;
  uint32_t ref = kNone;  // Line: the line id; Token: the token's Endpoint::ref
  uint32_t pos = 0;      // Token: the term's position, in Graph::positions (a line has its own)

  uint32_t line() const { return ref; }
  Endpoint token() const { return {tokenKind, ref}; }
};

// A net segment: the value flowing through one wire name in one scope.
// Segments joined by `wire:` items and composite boundaries form one net.
// There is about one per line, so its ends are 4-byte handles (8 bytes a
// segment, not two Attachments' 24): a line id, kTokenEnd | an index into
// the elaborator's tokens (the few ends that are tokens), or kNone.
struct NetNode {
  static constexpr uint32_t kTokenEnd = 1u << 31;
  uint32_t producer = kNone, consumer = kNone;
};

enum class Role : uint8_t { Local, OwnInput, OwnOutput };

struct NameInfo {
  uint32_t node;
  uint8_t produced = 0, consumed = 0;
  Role role = Role::Local;
  uint32_t firstUse;  // a position in Graph::positions: a scope can hold a name per line
};

// The lines of the composite being elaborated, with their evaluated dims.
struct OwnLine {
  const LineDecl* decl;
  Indices dims;
  TypeId type;
  uint32_t typeGroup;  // for a line typed by a type variable: kNone otherwise
};

// Where an instance's components live: `@ D` on its item or on an
// enclosing one's, and where that `@` is written. Each `@` gets a serial of
// its own each time an item applies it, so that a stamp tells the domain its
// instance inherited from the ones its body names (Stamp).
struct Placement {
  std::optional<uint32_t> domain;
  Pos pos;
  uint32_t serial = 0;  // 0: no `@` applies
};

// One composite body being elaborated.
struct Scope {
  const ComponentDef* def = nullptr;
  uint32_t node = kNone;  // the composite instance's node in Graph::tree; kNone for the system
  Env env;
  std::vector<OwnLine> ownLines;
  NameTable names;  // an entry's index is its index in infos
  std::vector<NameInfo> infos;
  NameTable instanceNames;
  int depth = 0;
  // Wire names that an instance refused with an error reads or writes, as
  // excuseKey makes them: their linearity (a local wire's) or their being
  // unused (an own line end's) is not reported again at the close.
  std::vector<uint32_t> excused;
  static uint32_t excuseKey(uint32_t name, bool primed) { return name * 2 + (primed ? 1 : 0); }
  bool isExcused(const NameKey& key) const {
    return std::find(excused.begin(), excused.end(), excuseKey(key.name, key.primed)) != excused.end();
  }
  // `@ D` on this instance or an enclosing one: where its components live.
  Placement placement;

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

  std::optional<Graph> run();

 private:
  // ---- parameters and expressions (parameters.cpp) ----

  NameLookup lookupIn(const Env& env);
  static const int64_t* findVar(const Env& env, std::string_view name);

  // The common case of index arithmetic, without building Values. Returns
  // false on anything unusual, and the general evaluator then reports it.
  static bool fastInt(const Expr& e, const Env& env, int64_t& out);

  std::optional<int64_t> evalIn(const Env& env, const SourceExpr& e);
  std::optional<int64_t> evalParam(const Env& env, const SourceExpr& e, const std::string& name);
  bool globalParams();
  bool declareDomains();
  std::optional<uint32_t> domainId(const Env& env, const DomainRef& ref);
  void checkComponentNames();

  // ---- budget (parameters.cpp) ----

  bool spend(uint64_t units, Pos pos);
  // Spends the steps an evaluation of `e` costs beyond its own
  // (expressionSteps: nothing for all but large expressions).
  bool spendOn(const Expr& e, Pos pos);

  // ---- Set lines (items.cpp) ----

  // Appends a Set line's element dimensions to `dims`; refuses (`set-element`)
  // a T with more than kMaxSetElements elements.
  bool setElements(const LineDecl& decl, const Env& env, Indices& dims);

  // ---- nets (nets.cpp) ----

  uint32_t newNode();
  uint32_t tokenNode(const Term& term, Scope& scope, const Indices& stars, bool asSource);

  // Evaluates a term's indices, substituting `*` by the star values (or
  // appending them all when the term has no `*`).
  std::optional<Indices> termIndices(Scope& scope, const Term& term, const Indices& stars);

  // Finds (or creates) the name a wire term refers to and counts one use.
  uint32_t wireUse(Scope& scope, const Term& term, const Indices& stars, bool produce);

  uint32_t nameId(const std::string& name);
  // Terms are interned once; their names are looked up by address after that.
  uint32_t nameId(const Term& term);

  std::string spell(const NameKey& key) const;

  // Resolves the source side of a binding: the net the value comes from.
  uint32_t source(Scope& scope, const Term& term, const Indices& stars);

  // Resolves the destination side of a binding: the net the value goes to.
  uint32_t destination(Scope& scope, const Term& term, const Indices& stars);

  uint32_t withDomain(Scope& scope, const Term& term, uint32_t node);
  void attach(uint32_t node, bool asProducer, uint32_t line);
  // Attaches a token (a source or sink term, or an implicit drop/never) at one end of a net segment.
  void attachToken(uint32_t node, bool asProducer, const Attachment& token);
  // What a net end's handle (NetNode) stands for.
  Attachment attachment(uint32_t end) const {
    if (end == kNone) return {};
    if (end & NetNode::kTokenEnd) return tokens_[end & ~NetNode::kTokenEnd];
    return {Attachment::Kind::Line, false, Endpoint::Kind::Never, end, 0};
  }

  // ---- bindings (nets.cpp) ----

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
    if (!bundleSizesAgree(scope, b, dims, b.keyIndices.size())) return false;
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

  std::string componentLabel(const Scope& scope) const;

  // A binding whose side names a composite's own line with fewer indices
  // than it has dimensions gives it the dimensions its key leaves out (of
  // `dims`, those past its `keyIndices`): their sizes must be the own
  // line's, or part of it would be left unbound (or bound past its end).
  // False (reported, `index-range`) if they differ.
  bool bundleSizesAgree(const Scope& scope, const Binding& b, const Indices& dims, size_t keyIndices);

  // ---- items (items.cpp) ----

  void body(Scope& scope, const std::vector<Item>& items);
  void forBox(Scope& scope, const Item& item, size_t loop);

  // ---- unbounded boxes (unbounded.cpp) ----

  // Elaborates the window of an unbounded box (ir/graph/unbounded.h), after
  // checking that its variable only names things.
  void unboundedBox(Scope& scope, const Item& item);
  // Whether a box that may be windowed (LoopVar::windowed) is: an
  // unbounded one, or an on-demand one of more iterations than the window.
  bool windowedBox(Scope& scope, const Item& item);
  // After connecting: values cross only from one iteration to the next, and
  // the rest of the system reaches only iteration 0.
  void checkWindow();
  // Records an input of the general iteration as a stream element.
  void streamInput(const Scope& scope, const Term& term, uint32_t input);
  // Whether a name produced but never consumed is one the window's last
  // iteration passes on to the next iteration, which the window leaves out.
  bool openPort(const Scope& scope, uint32_t name) const;
  // Whether a name consumed but never produced is one the window's last
  // iteration expects from the next: a value flowing backwards.
  bool fromNextIteration(const Scope& scope, uint32_t name) const;
  void wireItem(Scope& scope, const Item& item);

  // Joins two net segments into one net (a wire item or a composite boundary).
  void join(uint32_t a, uint32_t b) {
    log(StampOp::Kind::Join, false, a, b);
    uf_.unite(a, b);
  }

  // The instance's new node in the instance tree; kNone (reported) if its
  // indices do not evaluate or its name is taken.
  uint32_t instanceNode(Scope& scope, const Item& item);
  // Ids into the graph's shared tables, each distinct value stored once.
  uint32_t argsId(const std::vector<int64_t>& args);
  uint32_t posId(Pos pos);
  void instance(Scope& scope, const Item& item);
  // False if the instance is refused: it is not part of the graph, and an
  // error says why (or elaboration was aborted).
  bool placeInstance(Scope& scope, const Item& item);
  bool checkBaseArgs(const Item& item, const BaseComponent& base, const std::vector<int64_t>& args);

  void baseInstance(Scope& scope, const Item& item, uint16_t baseIndex, uint32_t node, const std::vector<int64_t>& args,
                    const Placement& placement);

  // After an instance is refused: its wires' linearity would only repeat the error.
  void excuseWires(Scope& scope, const Item& item);
  bool fnExpression(Scope& scope, const Item& item, FnBody& fn);
  // An Fn argument's number of lines: 0 for a scalar `v`, N for `v[0..N]`.
  std::optional<int64_t> fnArgumentSize(const Scope& scope, const Binding& b);

  // Binds a composite's lines to the outer scope's nets; false (reported)
  // if a binding is refused (an unknown line, one bound twice, ...), or a
  // line is not bound at all (not said again after a refused binding).
  bool bindComposite(Scope& outer, const Item& item, const ComponentDef& def, Scope& inner);
  // False (reported) if the instance is refused before its body is elaborated.
  bool compositeInstance(Scope& outer, const Item& item, const ComponentDef& def, uint32_t node,
                         const std::vector<int64_t>& args, const Placement& placement);
  // A base line bound straight to choose or never (its input) or drop (its
  // output), without `@`, takes the token as that end: no net is made for
  // it (in a broadcast, a third of all nets). False for any other term.
  bool bindToken(const Term& term, uint32_t line, bool asSource);
  // A line bound straight to choose that is not choosable, with the term's
  // position: connect() reports it.
  void boundChoice(uint32_t line, uint32_t pos) {
    log(StampOp::Kind::BoundChoice, false, line, pos);
    boundChoices_.push_back({line, pos});
  }

  // ---- stamps (stamp.cpp) ----

  // Elaborating a composite's body again for every instance of the same
  // component with the same parameters would make the same lines, nets and
  // hints each time, shifted. So the second such instance is recorded as it
  // is elaborated (what its body appended, and a log of what it did to nets
  // and hints), and each later one is stamped from it: the appended parts
  // copied with their ids shifted, the log replayed onto its own boundary
  // nets. The graph is the same, byte for byte, as elaborating each body.
  // Only a body that reported nothing, outside an unbounded box's window,
  // becomes a stamp.
  struct StampKey {
    const ComponentDef* def;
    std::vector<int64_t> args;
    bool placed;  // an inherited `@`: the body's base instances then have domain hints
    int depth;    // the recursion limit counts from here
    auto operator<=>(const StampKey&) const = default;
  };
  struct Range {
    uint32_t begin = 0, end = 0;
    uint32_t size() const { return end - begin; }
  };
  struct Stamp {
    uint32_t root;  // the recorded instance's tree node
    Placement placement;
    Range lines, instances, tree, fns, constants, nodes, typeDecls, typeGroups, ops;
    uint64_t work;
    // The nets its own lines' ends were bound to outside, by net, with the
    // end's name in its scope: a stamp's are found by that name in its own.
    std::vector<std::pair<uint32_t, NameKey>> boundary;
  };
  // What a body does to nets and hints, as a stamp's log keeps it.
  struct StampOp {
    enum class Kind : uint8_t { Join, Attach, AttachToken, TypeHint, DomainHint, BoundChoice } kind;
    bool flag;  // Attach, AttachToken: at the producer end; DomainHint: at a net
    uint32_t a, b, c = 0, d = 0;
  };
  struct Recording {
    Stamp stamp;
    size_t errorReports, warnings, inputs, outputs;
  };
  // Stamps this instance's body (already bound, `inner`) if a stamp of its
  // key exists and fits the size limit: true if it did.
  bool stamped(Scope& inner, const StampKey& key);
  // Whether this instance's body is to be recorded: the second of its key.
  std::optional<Recording> startRecording(const Scope& inner, const StampKey& key);
  // After the body and its scope's close: keeps the stamp if it qualifies.
  void finishRecording(Recording recording, const StampKey& key);
  // Where each part a body appends ends now, as every Range's `at` (begin or end).
  void markRanges(Stamp& t, uint32_t Range::*at) const;
  void log(StampOp::Kind kind, bool flag, uint32_t a, uint32_t b, uint32_t c = 0, uint32_t d = 0) {
    if (recordings_ == 0) return;
    if (stampOps_.size() >= kMaxStampOps) {
      stampOpsOverflowed_ = true;
      return;
    }
    stampOps_.push_back({kind, flag, a, b, c, d});
  }

  // ---- closing scopes and connecting nets (connect.cpp) ----

  // Checks that every wire of a finished scope was produced and consumed
  // exactly once; a composite's unused own ends are dangling (a warning).
  void closeScope(Scope& scope);

  // Turns nets into line-to-line wires and token endpoints.
  void connect();

  void sourceToken(const Attachment& p, uint32_t line);
  uint32_t netLine(uint32_t node);
  void warnUnusedComponents();

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
  std::vector<Attachment> tokens_;  // the token ends of nets (NetNode::kTokenEnd), each distinct once
  // Tokens without a ref (choose, never, drop) by kind and position: a
  // binding's `drop` is one token for all its elements, not one each.
  std::unordered_map<uint64_t, uint32_t> tokenIds_;
  UnionFind uf_;
  std::unordered_map<std::string, uint32_t> nameIds_;
  std::vector<std::string> names_;
  std::unordered_map<const Term*, uint32_t> termNameIds_;
  std::set<std::string> inputNames_, outputNames_, danglingReported_;
  NameTable segmentIds_;  // an instance name with its indices -> index into graph_.segments
  std::map<std::vector<int64_t>, uint32_t> argIds_;
  // Per composite, how many wire and instance names its last instance held:
  // the next one's tables start that large. A component instantiated many
  // times (a broadcast per node) would otherwise grow and rehash its tables
  // from empty each time.
  std::unordered_map<const ComponentDef*, std::pair<size_t, size_t>> scopeSizes_;
  struct PosHash {
    size_t operator()(const Pos& p) const {
      return (static_cast<size_t>(p.file) * 0x9E3779B97F4A7C15ull) ^ (static_cast<size_t>(p.line) << 20) ^ p.col;
    }
  };
  struct PosEq {
    bool operator()(const Pos& a, const Pos& b) const { return a.file == b.file && a.line == b.line && a.col == b.col; }
  };
  std::unordered_map<Pos, uint32_t, PosHash, PosEq> posIds_;
  // Type hints as elaboration makes them: the nets, and the declaration of
  // each run of them (a binding's elements share theirs). Half the size of
  // TypeHints, while the scopes' name tables are alive; connect() turns
  // them into typeHints_, on lines, in the same order.
  std::vector<uint32_t> hintNets_;
  std::vector<std::pair<uint32_t, uint32_t>> hintRuns_;  // (TypeDecl index, nets)
  void typeHint(uint32_t net, uint32_t decl) {
    log(StampOp::Kind::TypeHint, false, net, decl);
    if (hintRuns_.empty() || hintRuns_.back().first != decl) hintRuns_.push_back({decl, 0});
    ++hintRuns_.back().second;
    hintNets_.push_back(net);
  }
  std::vector<TypeHint> typeHints_;
  std::vector<TypeDecl> typeDecls_;
  // Domain hints the same way: a net (`@` on a term) or a line (the
  // instance's) with its domain, and the position of each run of them (an
  // instance item's `@` is one position for all its instances); connect()
  // makes domainHints_, in the same order.
  struct DomainAt {
    uint32_t at;  // a net, or a line
    uint32_t domain;
  };
  std::vector<DomainAt> domainAts_;
  struct DomainRun {
    uint32_t pos;
    bool net;
    uint32_t count;
  };
  std::vector<DomainRun> domainRuns_;
  // `serial`: the Placement's (kNone: a term's `@`).
  void domainHint(bool net, uint32_t at, uint32_t domain, uint32_t pos, uint32_t serial) {
    log(StampOp::Kind::DomainHint, net, at, domain, pos, serial);
    if (domainRuns_.empty() || domainRuns_.back().pos != pos || domainRuns_.back().net != net)
      domainRuns_.push_back({pos, net, 0});
    ++domainRuns_.back().count;
    domainAts_.push_back({at, domain});
  }
  std::vector<DomainHint> domainHints_;
  uint64_t work_ = 0;
  uint32_t nextTypeGroup_ = 0;
  // The unbounded box's iteration being elaborated (-1: none), the system
  // scope's names its last iteration produced, and the nets of its open ports.
  int windowIteration_ = -1, lastIteration_ = -1;
  int forDepth_ = 0;  // bounded `for` boxes around the item being elaborated
  std::set<const Item*> refusedBoxes_;
  std::set<uint32_t> lastIterationProduced_, lastIterationConsumed_;
  std::vector<uint32_t> openPortNets_;
  // Lines bound straight to choose (bindToken) that are not choosable,
  // with the term's position: connect() reports them beside a net's.
  std::vector<std::pair<uint32_t, uint32_t>> boundChoices_;
  bool aborted_ = false;
  uint32_t placements_ = 0;  // the serial of the last `@` applied
  // Stamps by key, with how many instances of the key were elaborated
  // without one; the log of every recording, shared (a recording inside
  // another is part of its log).
  struct StampEntry {
    uint32_t elaborated = 0;
    std::optional<Stamp> stamp;
  };
  std::map<StampKey, StampEntry> stamps_;
  static constexpr size_t kMaxStampOps = size_t{1} << 20;  // (20 MB): a body larger is elaborated each time
  std::vector<StampOp> stampOps_;
  size_t stampOpsKept_ = 0;  // the end of the kept stamps' logs
  int recordings_ = 0;
  bool stampOpsOverflowed_ = false;
};

}  // namespace rdc::elab
