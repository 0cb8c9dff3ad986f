// rdc-dot as a library: a model (and optionally a trace) in, a Graphviz
// diagram in the sketch's notation out.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/elaborate.h"
#include "ir/io/ir_io.h"
#include "ir/io/trace_io.h"
#include "ir/support/diagnostics.h"
#include "tools/rdc-dot/layout.h"

namespace rdc::dot {

struct Options {
  std::string model = "-";
  std::string output = "-";
  std::string format = "dot";  ///< dot, svg, png or pdf
  std::string component;       ///< draw this component's definition (default: the system)
  int depth = 1;               ///< composite instances expanded this many levels below the top
  bool flat = false;           ///< draw the elaborated graph
  std::string domain;          ///< only this domain
  std::string trace;           ///< overlay this run (implies --flat)
  Layout layout = Layout::Auto;
  std::vector<std::pair<std::string, std::string>> defines;
  ElabOptions elab;  ///< --max-lines
  bool jsonDiagnostics = false;
};

/// The elaborated graph as DOT: a box per base instance with a row per
/// scalar line, wires between ports, sources and sinks as glyphs, domains
/// as clusters (top to bottom: columns); with `domain`, only that domain's
/// instances, a cut Link's box naming the domain at its other end; with a
/// trace, lines coloured by availability time, a legend of the colours, and
/// the values on wires and extrinsics.
std::string flatDot(const LoadedModel& model, const Catalog& catalog, const std::string& domain, const Trace* trace,
                    Layout layout = Layout::Auto);

/// One component's definition as DOT: its instances unexpanded (composites
/// expanded `depth - 1` levels as nested clusters), `for` boxes as clusters
/// labelled with their range holding one copy of their body.
std::optional<std::string> componentDot(const LoadedModel& model, const Catalog& catalog, const std::string& component,
                                        int depth, Layout layout, DiagnosticSink& diags);

/// Lays out and renders DOT in-process with the Graphviz library.
std::optional<std::string> render(const std::string& dot, const std::string& format, DiagnosticSink& diags);

int run(const Options& options, const Catalog& catalog);

}  // namespace rdc::dot
