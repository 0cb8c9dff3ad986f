// A trace read against a model: its events renumbered by the model's own
// line table. `rdc-trace invert` and `rdc-dot --trace` go through this (and
// `rdc-run --replay` matches its choices by path the same way), so that a
// trace whose lines are not the model's is an error, never an index out of
// range.
#pragma once

#include <string>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"
#include "ir/io/trace_io.h"

namespace rdc {

/// Matches the trace's lines to the model's by path and renumbers its
/// events (and its line table) accordingly. The lines of a merged trace of
/// projections (a TCP or split run) come in another order, and their
/// gateways' copies for the network (`<link>.net`) are not lines of the
/// whole model: those events are left out. Any other unknown line is an
/// error (`usage`): the trace is not this model's.
bool onModelLines(Trace& trace, const Graph& graph, const Catalog& catalog, DiagnosticSink& diags);

/// For a model with an unbounded `for`: the iterations a trace of its run
/// has lines for (at least the window's), to unroll the model to
/// (ElabOptions::unrollIterations) before reading the trace against it.
uint64_t tracedIterations(const Trace& trace, const Graph& window);

}  // namespace rdc
