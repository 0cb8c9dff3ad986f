// Stamps: a composite body elaborated once, copied for each later instance
// of the same component and parameters (elaborator.h, StampKey).
#include "ir/graph/elaborate/elaborator.h"
#include "ir/graph/elaborate/size.h"

namespace rdc::elab {

void Elaborator::markRanges(Stamp& t, uint32_t Range::*at) const {
  auto size = [](const auto& v) { return static_cast<uint32_t>(v.size()); };
  t.lines.*at = size(graph_.lines);
  t.instances.*at = size(graph_.instances);
  t.tree.*at = size(graph_.tree);
  t.fns.*at = size(graph_.fns);
  t.constants.*at = size(graph_.constants);
  t.nodes.*at = size(nodes_);
  t.typeDecls.*at = size(typeDecls_);
  t.typeGroups.*at = nextTypeGroup_;
  t.ops.*at = size(stampOps_);
}

std::optional<Elaborator::Recording> Elaborator::startRecording(const Scope& inner, const StampKey& key) {
  // Inside an unbounded box's window, wire uses are also noted for its ports.
  if (!options_.stamps || windowIteration_ >= 0 || stampOpsOverflowed_) return std::nullopt;
  // The first instance of a key is elaborated only: most keys have one (the
  // system's top components), and recording it would log the whole graph.
  StampEntry& entry = stamps_[key];
  if (entry.stamp || ++entry.elaborated < 2) return std::nullopt;
  Recording r;
  Stamp& t = r.stamp;
  t.root = inner.node;
  t.placement = inner.placement;
  markRanges(t, &Range::begin);
  t.work = work_;
  // At the body's start the scope holds only its own lines' ends.
  inner.names.forEach([&](uint32_t index, const NameKey& key) {
    t.boundary.push_back({inner.infos[index].node, key});
  });
  std::sort(t.boundary.begin(), t.boundary.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  r.errorReports = diags_.errorReports();
  r.warnings = diags_.warningCount();
  r.inputs = graph_.inputs.size();
  r.outputs = graph_.outputs.size();
  ++recordings_;
  return r;
}

void Elaborator::finishRecording(Recording r, const StampKey& key) {
  --recordings_;
  Stamp& t = r.stamp;
  markRanges(t, &Range::end);
  t.work = work_ - t.work;
  auto isBoundary = [&](uint32_t net) {
    auto it = std::lower_bound(t.boundary.begin(), t.boundary.end(), net,
                               [](const auto& b, uint32_t n) { return b.first < n; });
    return it != t.boundary.end() && it->first == net;
  };
  // What a stamp cannot copy: a report (a stamp would repeat none), an
  // extrinsic (its name is the system's, once), a net outside the body
  // that is no boundary net, or one that two of its ends share.
  bool ok = !aborted_ && !stampOpsOverflowed_ && diags_.errorReports() == r.errorReports &&
            diags_.warningCount() == r.warnings && graph_.inputs.size() == r.inputs &&
            graph_.outputs.size() == r.outputs;
  for (size_t i = 1; ok && i < t.boundary.size(); ++i) ok = t.boundary[i - 1].first != t.boundary[i].first;
  for (uint32_t d = t.typeDecls.begin; ok && d < t.typeDecls.end; ++d) {
    uint32_t group = typeDecls_[d].group;
    ok = group == kNone || group >= t.typeGroups.begin;
  }
  auto inBody = [&](uint32_t net) { return net == kNone || net >= t.nodes.begin || isBoundary(net); };
  for (uint32_t o = t.ops.begin; ok && o < t.ops.end; ++o) {
    const StampOp& op = stampOps_[o];
    switch (op.kind) {
      case StampOp::Kind::Join:
        ok = inBody(op.a) && inBody(op.b);
        break;
      case StampOp::Kind::Attach:
        ok = inBody(op.a) && op.b >= t.lines.begin;
        break;
      case StampOp::Kind::AttachToken:  // (a token with a reference is a constant here: no extrinsics)
        ok = inBody(op.a) && (op.b == kNone || op.b >= t.constants.begin);
        break;
      case StampOp::Kind::TypeHint:
        ok = inBody(op.a) && op.b >= t.typeDecls.begin;
        break;
      case StampOp::Kind::DomainHint:
        ok = op.flag ? inBody(op.a) : op.a >= t.lines.begin;
        break;
      case StampOp::Kind::BoundChoice:
        ok = op.a >= t.lines.begin;
        break;
    }
  }
  if (recordings_ == 0) stampOpsOverflowed_ = false;
  if (!ok) {
    // (A recording inside it may have been kept: its log stays.)
    stampOps_.resize(std::max<size_t>(t.ops.begin, stampOpsKept_));
    return;
  }
  stampOpsKept_ = t.ops.end;
  stamps_[key].stamp = std::move(t);
}

bool Elaborator::stamped(Scope& inner, const StampKey& key) {
  if (windowIteration_ >= 0) return false;
  auto found = stamps_.find(key);
  if (found == stamps_.end() || !found->second.stamp) return false;
  const Stamp& t = *found->second.stamp;
  // Past the size limit the body is elaborated, to report where it is met.
  if (work_ + t.work > elab::stepLimit(options_) || graph_.lines.size() + t.lines.size() > options_.maxLines)
    return false;
  work_ += t.work;

  const uint32_t lineShift = static_cast<uint32_t>(graph_.lines.size()) - t.lines.begin;
  const uint32_t instanceShift = static_cast<uint32_t>(graph_.instances.size()) - t.instances.begin;
  const uint32_t treeShift = static_cast<uint32_t>(graph_.tree.size()) - t.tree.begin;
  const uint32_t fnShift = static_cast<uint32_t>(graph_.fns.size()) - t.fns.begin;
  const uint32_t constantShift = static_cast<uint32_t>(graph_.constants.size()) - t.constants.begin;
  const uint32_t nodeShift = static_cast<uint32_t>(nodes_.size()) - t.nodes.begin;
  const uint32_t declShift = static_cast<uint32_t>(typeDecls_.size()) - t.typeDecls.begin;
  const uint32_t groupShift = nextTypeGroup_ - t.typeGroups.begin;

  // (Copied by index: the vectors may grow while their own elements are read.)
  for (uint32_t i = t.lines.begin; i < t.lines.end; ++i) {
    FlatLine line = graph_.lines[i];
    line.instance += instanceShift;
    graph_.lines.push_back(line);
  }
  for (uint32_t i = t.instances.begin; i < t.instances.end; ++i) {
    FlatInstance inst = graph_.instances[i];
    inst.node += treeShift;
    inst.firstLine += lineShift;
    if (inst.fn != kNone) inst.fn += fnShift;
    graph_.instances.push_back(inst);
  }
  for (uint32_t i = t.tree.begin; i < t.tree.end; ++i) {
    PathNode node = graph_.tree[i];
    node.parent = node.parent == t.root ? inner.node : node.parent + treeShift;
    graph_.tree.push_back(node);
  }
  for (uint32_t i = t.fns.begin; i < t.fns.end; ++i) graph_.fns.push_back(FnBody(graph_.fns[i]));
  for (uint32_t i = t.constants.begin; i < t.constants.end; ++i) graph_.constants.push_back(Value(graph_.constants[i]));
  for (uint32_t i = t.typeDecls.begin; i < t.typeDecls.end; ++i) {
    TypeDecl decl = typeDecls_[i];
    if (decl.group != kNone) decl.group += groupShift;
    typeDecls_.push_back(decl);
  }
  nextTypeGroup_ += t.typeGroups.size();
  for (uint32_t i = 0; i < t.nodes.size(); ++i) newNode();

  // This instance's boundary nets, in the order of the stamp's.
  std::vector<uint32_t> boundary;
  boundary.reserve(t.boundary.size());
  for (const auto& [net, name] : t.boundary) {
    auto [index, fresh] = inner.names.insert(name);
    (void)fresh;  // (both instances bind every element of every own line)
    boundary.push_back(inner.infos[index].node);
  }
  auto net = [&](uint32_t n) -> uint32_t {
    if (n == kNone) return kNone;
    if (n >= t.nodes.begin) return n + nodeShift;
    auto it = std::lower_bound(t.boundary.begin(), t.boundary.end(), n,
                               [](const auto& b, uint32_t x) { return b.first < x; });
    return boundary[static_cast<size_t>(it - t.boundary.begin())];
  };
  const bool inherited = t.placement.domain.has_value();
  const uint32_t placementPos = inherited ? posId(inner.placement.pos) : 0;
  for (uint32_t o = t.ops.begin; o < t.ops.end; ++o) {
    const StampOp op = stampOps_[o];  // (a copy: replaying logs into the same vector)
    switch (op.kind) {
      case StampOp::Kind::Join:
        join(net(op.a), net(op.b));
        break;
      case StampOp::Kind::Attach:
        attach(net(op.a), op.flag, op.b + lineShift);
        break;
      case StampOp::Kind::AttachToken: {
        auto kind = static_cast<Endpoint::Kind>(op.d >> 1);
        uint32_t ref = op.b == kNone ? kNone : op.b + constantShift;
        attachToken(net(op.a), op.flag, {Attachment::Kind::Token, (op.d & 1) != 0, kind, ref, op.c});
        break;
      }
      case StampOp::Kind::TypeHint:
        typeHint(net(op.a), op.b + declShift);
        break;
      case StampOp::Kind::DomainHint:
        if (inherited && !op.flag && op.d == t.placement.serial) {
          domainHint(false, op.a + lineShift, *inner.placement.domain, placementPos, inner.placement.serial);
        } else {
          domainHint(op.flag, op.flag ? net(op.a) : op.a + lineShift, op.b, op.c, op.d);
        }
        break;
      case StampOp::Kind::BoundChoice:
        boundChoice(op.a + lineShift, op.b);
        break;
    }
  }
  return true;
}

}  // namespace rdc::elab
