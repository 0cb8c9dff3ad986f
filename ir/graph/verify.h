// The graph verifier: every index and count in a Graph checked against the
// graph itself and the catalog, so that tools index without bounds checks.
// Readers run it on everything they read from a file (a hostile or corrupt
// IR file is refused, never used); elaboration and projection run it on
// what they build when RDC_VERIFY_GRAPHS is defined (debug and fuzz builds).
#pragma once

#include <optional>
#include <span>
#include <string>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"
#include "ir/support/diagnostics.h"

namespace rdc {

/// The first inconsistency in `graph`, as a sentence naming the instance or
/// line (by index: a corrupt graph's paths cannot be trusted); nullopt when
/// the graph is sound. Checked, in this order:
/// - instances: catalog index; argument count; bundle sizes in 1..line count,
///   Quorum's k in 1..n; Fn body present (and only on Fn) with unique
///   argument names and an expression reading only its arguments and
///   constants;
/// - layout: instances own consecutive line ranges covering every line once,
///   each laid out as the catalog's signature with the instance's arguments
///   (one line per scalar, one per bundle element, in order);
/// - lines: type and domain ids in range; fixed signature types; one type for
///   an instance's `T` lines; Fn's `r` typed by its expression; one domain per
///   instance (per side for a cross-domain component);
/// - endpoints: kinds valid for the end; wires mutual and joining lines of one
///   type and domain; constants and input defaults fit their line's type;
///   `choose` only on choosable lines; each input and output attached to
///   exactly the line that names it; unique instance paths and extrinsic names.
/// Time and memory are linear in the graph (plus a sort of names).
/// `elements`, when given, are the lines' elements as a file states them
/// (per line): each must be the one its place makes (Graph::element).
std::optional<std::string> findGraphFault(const Graph& graph, const Catalog& catalog,
                                          std::span<const uint32_t> elements = {});

/// Runs findGraphFault; reports a fault as an error with `code` at `where`
/// and returns false.
bool verifyGraph(const Graph& graph, const Catalog& catalog, DiagnosticSink& diags,
                 const std::string& code = "ir-malformed", Pos where = {});

/// The self-check of elaboration and projection on what they built: in
/// builds with RDC_VERIFY_GRAPHS (debug and fuzz builds) verifies with code
/// `internal` (a bug in the tools, not in the model); elsewhere true at no cost.
bool selfCheckGraph(const Graph& graph, const Catalog& catalog, DiagnosticSink& diags);

}  // namespace rdc
