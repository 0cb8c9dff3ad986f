// Elaborator::run: the order of the whole.
#include "ir/graph/elaborate/elaborator.h"
#include "ir/graph/elaborate/size.h"

namespace rdc::elab {

std::optional<Graph> Elaborator::run() {
  size_t errorsBefore = diags_.errorCount();
  checkComponentNames();
  if (!globalParams() || !declareDomains()) return std::nullopt;
  elab::ElabSize size;
  if (!elab::fitsLimits(model_, catalog_, options_, diags_, &size)) return std::nullopt;
  uint64_t lines = size.lines;
  // A line's ends refer to lines in 29 bits (Endpoint), below the mark of none.
  static_assert(Endpoint::kNoRef < NetNode::kTokenEnd, "a net's end tells a line id from a token by the top bit");
  if (lines > Endpoint::kNoRef) {
    diags_.error("size-limit", model_.system.pos,
                 "the model has " + std::to_string(lines) + " scalar lines; at most 2^29 - 1 are supported");
    return std::nullopt;
  }
  // Sized once from the counts: growing by doubling would copy the vectors
  // several times and leave up to half of them unused. Reserving only
  // claims address space, but where huge pages back a large block, the
  // unused end of each is partly resident: the sizes are the counts, with
  // a little room where the count is an estimate. A net has about one
  // segment per line, and a few more at composite boundaries.
  auto roomy = [](uint64_t n) { return n + n / 64 + 1024; };
  graph_.lines.reserve(lines);
  nodes_.reserve(lines + lines / 2);
  uf_.reserve(lines + lines / 2);
  graph_.instances.reserve(size.instances);
  graph_.tree.reserve(size.nodes);
  // Type hints: two per bound element of a composite line, and one per
  // typed extrinsic; domain hints: one per instance in a domain, and one
  // per element of a term with `@`.
  hintNets_.reserve(roomy(2 * size.boundElements));
  domainAts_.reserve(roomy(size.instances));
  {
    // The system's scope (its name table holds every top-level wire) is
    // freed once closed, before connecting and inference allocate.
    Scope system;
    system.def = &model_.system;
    system.env = globals_;
    body(system, model_.system.body);
    if (!aborted_) closeScope(system);
  }
  if (aborted_ || diags_.errorCount() > errorsBefore) return std::nullopt;
  connect();
  checkWindow();
  if (diags_.errorCount() > errorsBefore) return std::nullopt;
  // The nets are in the lines now: free them before inference allocates.
  nodes_ = std::vector<NetNode>();  // (`= {}` would keep the capacity)
  tokens_ = std::vector<Attachment>();
  uf_ = UnionFind();
  graph_.params = globals_;
  if (!inferTypes(graph_, catalog_, typeHints_, typeDecls_, diags_)) return std::nullopt;
  typeHints_ = std::vector<TypeHint>();
  typeDecls_ = std::vector<TypeDecl>();
  if (!inferDomains(graph_, catalog_, domainHints_, !model_.domains.empty(), diags_)) return std::nullopt;
  warnUnusedComponents();
  // Where the counts were not known before elaborating, the instances and
  // tree nodes grew by doubling: give the rest back, which huge pages would
  // otherwise keep partly resident for as long as the graph lives.
  graph_.instances.shrink_to_fit();
  graph_.tree.shrink_to_fit();
  return std::move(graph_);
}

}  // namespace rdc::elab
