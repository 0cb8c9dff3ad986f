#include "tools/rdc-run/engine/ready_set.h"

#include <algorithm>
#include <cassert>

namespace rdc::run {

namespace {

bool seededOrder(const ReadyEvent& a, const ReadyEvent& b) { return a.before(b); }

void insertInOrder(std::vector<ReadyEvent>& group, const ReadyEvent& e) {
  group.insert(std::upper_bound(group.begin(), group.end(), e, seededOrder), e);
}

void eraseFrom(std::vector<ReadyEvent>& group, const ReadyEvent& e) {
  auto at = std::lower_bound(group.begin(), group.end(), e, seededOrder);
  assert(at != group.end() && at->slot == e.slot);
  group.erase(at);
}

}  // namespace

void ReadySet::reset(uint32_t domains) {
  domains_ = domains;
  size_ = 0;
  for (auto* groups : {&changing_, &acting_}) {
    if (groups->size() < size_t{domains} + 1) groups->resize(size_t{domains} + 1);
    for (std::vector<ReadyEvent>& g : *groups) g.clear();
  }
}

void ReadySet::add(const ReadyEvent& e) {
  insertInOrder(changing_[group(e.changes)], e);
  insertInOrder(acting_[group(e.domain)], e);
  ++size_;
}

void ReadySet::remove(const ReadyEvent& e) {
  eraseFrom(changing_[group(e.changes)], e);
  eraseFrom(acting_[group(e.domain)], e);
  --size_;
}

const ReadyEvent& ReadySet::first() const {
  const ReadyEvent* best = nullptr;
  for (const std::vector<ReadyEvent>& g : changing_) {
    if (!g.empty() && (!best || g.front().before(*best))) best = &g.front();
  }
  assert(best);
  return *best;
}

}  // namespace rdc::run
