// The order of the decisions made at the end of an instant.
//
// Select, Mailbox and CSwap decide at the end of the instant in which their
// inputs arrive (BaseComponent::decidesAtEndOfInstant). A decision can make
// values that reach another one in the same instant: a Mailbox's `got`,
// through an Fn, is a Select's option. Deciding the Select first would break
// its rule (the earliest available option, ties: the lowest) for an option
// that arrives at that very instant. So decisions are ranked: a decision
// comes after every decision upstream of it (a wire path, through any
// components, from one to the other), and decisions of equal rank (none
// upstream of another, or on one cycle) in the seeded order of simultaneous
// events. A path may run through a Link or a Delay that takes no time (a
// constant 0 latency), so every path counts.
//
// Internal to the engine (engine.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"

namespace rdc::run {

/// Per instance of `graph`: the rank of its end-of-instant decisions, the
/// number of deciding components (counted once per strongly connected
/// component of the instance graph) on the longest wire path into it; 0 for
/// one with none upstream, and for every instance that does not decide.
/// Saturates at kMostDecisionRank. Linear in lines and instances
/// (iterative Tarjan, then one pass in topological order).
std::vector<uint16_t> decisionRanks(const Graph& graph, const Catalog& catalog);

inline constexpr uint16_t kMostDecisionRank = UINT16_MAX;

}  // namespace rdc::run
