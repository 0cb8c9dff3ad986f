// The base component catalog: every primitive's signature, type and value
// parameters, choosable inputs with their rules, domain rule, dependency
// ("needs") structure, forward semantics and inverse. Each component is
// defined once, in its own file under base/ (docs/development.md says how); every
// tool reads it from here and matches no component or line by name.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/components/semantics.h"
#include "ir/lang/types.h"

namespace rdc {

/// A line's type in a signature: a fixed type, or the component's type
/// variable `T`. Sync's lines each get their own variable (`perElement`);
/// a Mailbox's result is `Map<Int, T>` of the component's T (`mapOfT`).
struct LineTypeSig {
  bool generic = false;
  TypeId fixed = TypeTable::kInt;
  bool perElement = false;
  bool mapOfT = false;
};

/// One interaction line of a base component.
struct LineSig {
  std::string name;
  LineTypeSig type;
  /// Index of the value parameter giving this bundle's size; -1 for a scalar line.
  int sizeParam = -1;
  bool choosable = false;
  /// When bound to `choose`, how the component fills the input (for docs and tools).
  std::string choiceRule;
  /// What the rule does with a forced value, where that differs (Quorum's
  /// "a forced v becomes available once k votes equal it"): said after the
  /// rule only where a value is forced.
  std::string forcedRule;
  /// Inputs the output strictly waits for besides its own input (whole lines).
  std::vector<std::string> outputNeeds;
  /// Inputs a chosen value strictly waits for. A rule that waits for "any
  /// of" several inputs (Select, Quorum, CSwap) waits for none strictly:
  /// it is a choice point that breaks static cycles.
  std::vector<std::string> choiceNeeds;
  /// For cross-domain components: 0 for the sending side, 1 for the receiving side.
  int side = 0;
  /// Whether the output is simply the input, available with it. Otherwise
  /// the component's reaction computes it, possibly from any of its inputs.
  bool passThrough = true;
  /// Every input a chosen value may read (strict or not): what choosing demands.
  std::vector<std::string> choiceReads;
  /// A line whose value indexes `choiceReads`' bundle, so that a statically
  /// known value demands only one element (Select's chosen and choice).
  std::string choiceIndexedBy;
  /// How many of the `choiceReads` a chosen value waits for, as the index of
  /// a value parameter (Quorum's value waits for k votes); -1: any one.
  int choiceCountParam = -1;
  /// Whether those k must be equal (Quorum's votes), not any k (Mailbox's).
  bool choiceCountsEqual = false;
  /// A line whose output is its own input or `outputAlternative`'s, as the
  /// Bool line `outputPickedBy` says (CSwap's targets: t1' = c ? t2 : t1),
  /// so that it need not wait for its own input.
  std::string outputPickedBy, outputAlternative;
  /// A choice drawn at random from 0..k-1, k the value parameter of this
  /// index (Coin's flip); -1: the rule's value is a function of the run.
  /// A replay checks that a recorded honest choice is one the rule could make.
  int choiceRangeParam = -1;
  /// The bundle line this line's value is an index into (Select's choice
  /// picks one of `options`): a Byzantine lie stays among its elements.
  std::string picks;
};

/// A value parameter that is out of range: which one, and why.
struct ParamProblem {
  size_t param;
  std::string message;
};

enum class DomainRule { Same, Cross };

/// A base component. `Fn` and `Filter` are special: their argument lines are
/// named by each instance (see `variadicArgs`) and their result line is `r`.
struct BaseComponent {
  std::string name;
  std::string doc;
  std::vector<std::string> valueParams;  ///< e.g. {"n", "k"} for Quorum<n, k>
  std::vector<LineSig> lines;
  DomainRule domain = DomainRule::Same;
  bool variadicArgs = false;  ///< Fn, Filter: any number of user-named Int/Bool/... argument lines
  bool guarded = false;       ///< Filter: takes a `when:` condition, and `expr` defaults to its one argument
  /// The catalog name of the inverse; `Inc` inverts to itself with -k.
  std::string inverse;
  std::string inverseDoc;
  /// Forward semantics: how the component reacts to its inputs.
  ReactFn react = nullptr;
  /// Its reaction does nothing when a value its own rule chose arrives (on
  /// a line bound to `choose`: Def's y, Link's rcv, a Quorum's value), so
  /// the engine does not call it then. Not for a rule that goes on from its
  /// choice (Select's chosen follows its choice).
  bool ignoresItsChoices = false;
  /// Its reaction reads when its inputs arrived (FireContext::inTime). A
  /// run keeps arrival times for these components' lines only.
  bool readsArrivalTimes = false;
  /// Its reaction decides at the end of an instant (FireContext::
  /// decideAtEndOfInstant): after the decisions upstream of it in that
  /// instant (the engine ranks them, tools/rdc-run/engine/decision_order.h).
  bool decidesAtEndOfInstant = false;
  /// Inverse semantics: recovers the inputs of its computed lines from the
  /// outputs, and checks what the outputs must satisfy. Pass-through lines
  /// invert by identity without it.
  InvertFn invert = nullptr;
  /// Checks value parameters beyond bundle sizes (which must be in
  /// 1..the size limit); null when any value will do.
  std::optional<ParamProblem> (*checkParams)(const std::vector<int64_t>& args) = nullptr;
  /// A cross-domain component: the catalog names of the halves projection
  /// cuts it into when its sides land in different projections. The send
  /// half has this component's sending lines plus the copy it sends to the
  /// network; the receive half has the receiving lines, fed by the network.
  std::string sendHalf, receiveHalf;

  int lineIndex(const std::string& line) const;
  /// Whether value parameter `param` gives the size of a bundle line.
  bool isBundleSize(size_t param) const;
};

/// The set of base components known to the tools. Built by `standard()`;
/// users extend it with `add` before elaborating (no global registry).
class Catalog {
 public:
  /// Every component defined under base/, in the order of their files' names.
  static Catalog standard();

  /// Adds a component; returns false if the name is taken.
  bool add(BaseComponent component);
  /// Index of a component by name, or nullopt.
  std::optional<uint16_t> find(const std::string& name) const;
  const BaseComponent& at(uint16_t index) const { return components_[index]; }
  const std::vector<BaseComponent>& all() const { return components_; }

 private:
  std::vector<BaseComponent> components_;
};

}  // namespace rdc
