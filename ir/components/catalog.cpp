#include "ir/components/catalog.h"

#include "ir/components/semantics.h"

namespace rdc {

int BaseComponent::lineIndex(const std::string& line) const {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].name == line) return static_cast<int>(i);
  }
  return -1;
}

bool Catalog::add(BaseComponent component) {
  if (find(component.name)) return false;
  components_.push_back(std::move(component));
  return true;
}

std::optional<uint16_t> Catalog::find(const std::string& name) const {
  for (size_t i = 0; i < components_.size(); ++i) {
    if (components_[i].name == name) return static_cast<uint16_t>(i);
  }
  return std::nullopt;
}

namespace {

LineTypeSig fixed(TypeId t) { return {false, t, false}; }
LineTypeSig generic() { return {true, TypeTable::kInt, false}; }

LineSig line(std::string name, LineTypeSig type, std::vector<std::string> outputNeeds = {}) {
  LineSig s;
  s.name = std::move(name);
  s.type = type;
  s.outputNeeds = std::move(outputNeeds);
  return s;
}

LineSig choosable(LineSig s, std::string rule, std::vector<std::string> choiceNeeds) {
  s.choosable = true;
  s.choiceRule = std::move(rule);
  s.choiceNeeds = std::move(choiceNeeds);
  return s;
}

LineSig computed(LineSig s) {
  s.passThrough = false;
  return s;
}

LineSig reads(LineSig s, std::vector<std::string> choiceReads, std::string indexedBy = "") {
  s.choiceReads = std::move(choiceReads);
  s.choiceIndexedBy = std::move(indexedBy);
  return s;
}

LineSig bundle(LineSig s, int sizeParam) {
  s.sizeParam = sizeParam;
  return s;
}

}  // namespace

Catalog Catalog::standard() {
  Catalog c;
  const TypeId Int = TypeTable::kInt, Bool = TypeTable::kBool, Duration = TypeTable::kDuration;

  c.add({"Sum", "x' = x; y' = x + y (wrapping 64-bit).", {},
         {line("x", fixed(Int)), computed(line("y", fixed(Int), {"x"}))}, DomainRule::Same, false,
         "Diff", "Diff: y' = y - x."});
  c.add({"Diff", "x' = x; y' = y - x (wrapping 64-bit).", {},
         {line("x", fixed(Int)), computed(line("y", fixed(Int), {"x"}))}, DomainRule::Same, false,
         "Sum", "Sum: y' = x + y."});
  c.add({"Inc", "x' = x + k (wrapping 64-bit).", {"k"}, {computed(line("x", fixed(Int)))},
         DomainRule::Same, false, "Inc", "Inc<-k>."});
  c.add({"CSwap", "c' = c; t1' = c ? t2 : t1; t2' = c ? t1 : t2.", {},
         {reads(choosable(line("c", fixed(Bool)),
                          "on demand of t1' or t2': false if t1 is available no later than t2, "
                          "else true (ties choose false)",
                          {}),
                {"t1", "t2"}),
          computed(line("t1", generic(), {"c"})), computed(line("t2", generic(), {"c"}))},
         DomainRule::Same, false, "CSwap", "itself."});
  c.add({"Def", "x' = x; y' = y; a chosen y copies x.", {},
         {line("x", generic()),
          reads(choosable(line("y", generic()), "equal to x; forcing y models a lie", {"x"}), {"x"})},
         DomainRule::Same, false, "Def", "identity; y' goes back to the source as the recorded choice."});
  {
    BaseComponent fn{"Fn", "ai' = ai; r' = r; a chosen r is expr(a1..ak).", {},
                     {reads(choosable(line("r", generic()), "expr applied to the argument lines", {"*args"}), {"*args"})},
                     DomainRule::Same, true, "Fn", "identity; checks r' = expr(args)."};
    c.add(std::move(fn));
  }
  {
    LineSig l = computed(bundle(line("l", {true, Int, true}, {"l"}), 0));
    c.add({"Sync", "each output equals its input; all become available once every input is.",
           {"k"}, {l}, DomainRule::Same, false, "Sync", "itself."});
  }
  c.add({"Delay", "d' = d; v' = v, available d after both d and v are.", {},
         {line("d", fixed(Duration)), computed(line("v", generic(), {"d"}))}, DomainRule::Same, false,
         "Delay", "Delay backwards in time."});
  c.add({"Select", "choice' and options' pass through; chosen' = options[choice].", {"n"},
         {reads(choosable(line("choice", fixed(Int)),
                          "the index of the earliest available option (ties: lowest index)", {}),
                {"options"}),
          bundle(line("options", generic()), 0),
          reads(choosable(line("chosen", generic()), "options[choice]", {"choice"}), {"choice", "options"},
                "choice")},
         DomainRule::Same, false, "Select", "identity."});
  c.add({"Quorum", "votes' pass through as they arrive; value' = value.", {"n", "k"},
         {bundle(line("votes", generic()), 0),
          reads(choosable(line("value", generic()),
                          "the first v (in availability order) with at least k available votes "
                          "equal to v; a forced v becomes available once k votes equal it",
                          {}),
                {"votes"})},
         DomainRule::Same, false, "Quorum", "identity."});
  {
    LineSig snd = line("snd", generic());
    LineSig rcv = choosable(line("rcv", generic()),
                            "equal to snd, available after the network delay; forcing rcv models "
                            "a corrupt sender or channel",
                            {"snd"});
    rcv.choiceReads = {"snd"};
    rcv.side = 1;
    c.add({"Link", "snd' = snd in the sender's domain; rcv' = rcv in the receiver's.", {},
           {snd, rcv}, DomainRule::Cross, false, "Link", "identity."});
  }
  // The two halves of a Link cut by projection (rdc-project makes them).
  {
    LineSig net = reads(choosable(line("net", generic()), "a copy of snd, sent to the network", {"snd"}), {"snd"});
    c.add({"Send", "projection gateway, the sending half of a cut Link: snd passes through; net, a copy of "
                   "snd, leaves the domain as an extrinsic output named after the Link.",
           {}, {line("snd", generic()), net}, DomainRule::Same, false, "Send", "identity."});
    c.add({"Recv", "projection gateway, the receiving half of a cut Link: rcv passes on what the network "
                   "delivered, an extrinsic input named after the Link.",
           {}, {line("rcv", generic())}, DomainRule::Same, false, "Recv", "identity."});
  }
  for (BaseComponent& b : c.components_) {
    b.react = standardReaction(b.name);
    b.invert = standardInversion(b.name);
  }
  return c;
}

}  // namespace rdc
