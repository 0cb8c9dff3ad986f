// Closing scopes (every wire produced and consumed once) and connecting nets into lines.
#include "ir/graph/elaborate/elaborator.h"

namespace rdc::elab {

void Elaborator::closeScope(Scope& scope) {
  scope.names.forEach([&](uint32_t index, const NameKey& key) {
    NameInfo& info = scope.infos[index];
    if (info.produced == 1 && info.consumed == 1) return;
    switch (info.role) {
      case Role::Local:
        if (info.produced == 1 && openPort(scope, index)) {
          attachToken(info.node, false, {Attachment::Kind::Token, true, Endpoint::Kind::Drop, kNone, info.firstUse});
          openPortNets_.push_back(info.node);
          break;
        }
        if (info.produced == 0 && fromNextIteration(scope, index)) {
          diags_.error(
              "unbounded-box", graph_.positions[info.firstUse],
              "wire '" + spell(key) + "' would come from a later iteration of the " +
                  (graph_.unbounded && graph_.unbounded->bounded() ? "on-demand" : "unbounded") + " `for`: values " +
                  "flow forward only (iteration k produces `x[k + 1]`, which iteration k + 1 consumes as `x[k]`)");
          break;
        }
        if (scope.isExcused(key)) break;
        diags_.error("linearity", graph_.positions[info.firstUse],
                     info.produced == 0
                         ? "wire '" + spell(key) + "' is consumed but never produced"
                         : "wire '" + spell(key) + "' is produced but never consumed (discard it with drop)");
        break;
      case Role::OwnInput:
      case Role::OwnOutput: {
        bool input = info.role == Role::OwnInput;
        const std::string& line = names_[key.name];
        if (!scope.isExcused(key) &&
            danglingReported_.insert(scope.def->name + "." + line + (input ? "" : "'")).second) {
          diags_.warning("dangling-line", scope.def->pos,
                         std::string(input ? "input end '" : "output end '") + line + (input ? "" : "'") +
                             "' of component '" + scope.def->name + "' is not used inside" +
                             (input ? " (its value is dropped)" : " (it never provides a value)"));
        }
        Attachment implicit{Attachment::Kind::Token, true, input ? Endpoint::Kind::Drop : Endpoint::Kind::Never, kNone,
                            info.firstUse};
        attachToken(info.node, !input, implicit);
        break;
      }
    }
  });
}

void Elaborator::connect() {
  // Gather each net's ends at its root; linearity guarantees one of each.
  std::vector<NetNode>& nets = nodes_;
  for (uint32_t n = 0; n < nodes_.size(); ++n) {
    uint32_t root = uf_.find(n);
    if (root == n) continue;
    if (nodes_[n].producer != kNone) nets[root].producer = nodes_[n].producer;
    if (nodes_[n].consumer != kNone) nets[root].consumer = nodes_[n].consumer;
  }
  for (uint32_t n = 0; n < nets.size(); ++n) {
    if (uf_.find(n) != n) continue;
    const Attachment p = attachment(nets[n].producer);
    const Attachment c = attachment(nets[n].consumer);
    if (p.kind == Attachment::Kind::None || c.kind == Attachment::Kind::None) continue;
    bool pLine = p.kind == Attachment::Kind::Line, cLine = c.kind == Attachment::Kind::Line;
    if (pLine && cLine) {
      graph_.lines[p.line()].sink = {Endpoint::Kind::Wire, c.line()};
      graph_.lines[c.line()].source = {Endpoint::Kind::Wire, p.line()};
    } else if (cLine) {
      sourceToken(p, c.line());
    } else if (pLine) {
      graph_.lines[p.line()].sink = c.token();
      if (c.token().kind == Endpoint::Kind::Output) graph_.outputs[c.token().ref].line = p.line();
    } else if (p.token().kind == Endpoint::Kind::Input) {
      diags_.error("linearity", graph_.positions[p.pos],
                   "input '" + graph_.inputs[p.token().ref].name + "' reaches no component");
    } else if (c.token().kind == Endpoint::Kind::Output) {
      diags_.error("linearity", graph_.positions[c.pos],
                   "output '" + graph_.outputs[c.token().ref].name + "' is fed by no component");
    }
  }
  for (auto [line, pos] : boundChoices_) {
    sourceToken({Attachment::Kind::Token, false, Endpoint::Kind::Choose, kNone, pos}, line);
  }
  boundChoices_ = {};
  for (uint32_t node : openPortNets_) {
    const Attachment p = attachment(nets[uf_.find(node)].producer);
    if (p.kind == Attachment::Kind::Line) graph_.unbounded->openPorts.push_back(p.line());
  }
  typeHints_.reserve(hintNets_.size());
  const uint32_t* net = hintNets_.data();
  for (auto [decl, count] : hintRuns_) {
    for (uint32_t k = 0; k < count; ++k) typeHints_.push_back({netLine(*net++), decl});
  }
  hintNets_ = std::vector<uint32_t>();
  hintRuns_ = std::vector<std::pair<uint32_t, uint32_t>>();
  domainHints_.reserve(domainAts_.size());
  const DomainAt* at = domainAts_.data();
  for (const DomainRun& run : domainRuns_) {
    for (uint32_t k = 0; k < run.count; ++k, ++at) {
      domainHints_.push_back({run.net ? at->at : kNone, run.net ? netLine(at->at) : at->at, at->domain, run.pos});
    }
  }
  domainAts_ = std::vector<DomainAt>();
  domainRuns_ = std::vector<DomainRun>();
}

void Elaborator::sourceToken(const Attachment& p, uint32_t line) {
  FlatLine& l = graph_.lines[line];
  l.source = p.token();
  if (p.token().kind == Endpoint::Kind::Input) graph_.inputs[p.token().ref].line = line;
  if (p.token().kind == Endpoint::Kind::Const) {  // reported at the constant: the model's own file holds it
    if (auto why = negativeDuration(graph_, catalog_, line, graph_.constants[p.ref]))
      diags_.error("negative-duration", graph_.positions[p.pos], *why);
    return;
  }
  if (p.token().kind != Endpoint::Kind::Choose) return;
  const FlatInstance& inst = graph_.instances[l.instance];
  const BaseComponent& base = catalog_.at(inst.base);
  const LineSig* sig = graph_.signature(catalog_, line);
  if (!sig || !sig->choosable) {
    std::string choosables;
    for (const LineSig& s : base.lines) {
      if (s.choosable) choosables += (choosables.empty() ? "" : ", ") + s.name;
    }
    diags_.error("not-choosable", graph_.positions[p.pos],
                 "input '" + graph_.lineName(catalog_, line) + "' of " + base.name + " " +
                     graph_.instancePath(l.instance) + " is not choosable" +
                     (choosables.empty() ? "" : " (" + base.name + "'s choosable inputs: " + choosables + ")"));
  }
}

uint32_t Elaborator::netLine(uint32_t node) {
  if (node == kNone) return kNone;
  const NetNode& net = nodes_[uf_.find(node)];
  if (attachment(net.consumer).kind == Attachment::Kind::Line) return net.consumer;
  if (attachment(net.producer).kind == Attachment::Kind::Line) return net.producer;
  return kNone;
}

// A component is used when the system names it, or a used component does,
// in any branch of an `if` or any `for` box: one that only some parameter
// values instantiate (a broken variant's) is still part of the model.
void Elaborator::warnUnusedComponents() {
  std::set<std::string> used;
  std::vector<const std::vector<Item>*> bodies{&model_.system.body};
  while (!bodies.empty()) {
    const std::vector<Item>* body = bodies.back();
    bodies.pop_back();
    for (const Item& item : *body) {
      if (item.kind == Item::Kind::For) bodies.push_back(&item.body);
      if (item.kind != Item::Kind::Instance) continue;
      const ComponentDef* def = model_.findComponent(item.component);
      if (def && used.insert(def->name).second) bodies.push_back(&def->body);
    }
  }
  for (const ComponentDef& c : model_.components) {
    if (!c.fromStd && !used.count(c.name)) {
      diags_.warning("unused-component", c.pos, "component '" + c.name + "' is never instantiated");
    }
  }
}

}  // namespace rdc::elab
