// In-process rendering with the Graphviz library (cgraph + gvc), so that no
// `dot` binary is needed.
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include "tools/rdc-dot/dot.h"

namespace rdc::dot {

std::optional<std::string> render(const std::string& dot, const std::string& format, DiagnosticSink& diags) {
  GVC_t* gvc = gvContext();
  Agraph_t* graph = agmemread(dot.c_str());
  if (!graph) {
    gvFreeContext(gvc);
    diags.error("internal", {}, "Graphviz could not parse the generated DOT");
    return std::nullopt;
  }
  std::optional<std::string> result;
  // Graphviz reports some layout failures ("trouble in init_rank") only as
  // errors on stderr and still returns success with a broken layout: its
  // error count says so.
  agreseterrors();
  if (gvLayout(gvc, graph, "dot") == 0 && agerrors() == 0) {
    char* data = nullptr;
    unsigned int length = 0;
    if (gvRenderData(gvc, graph, format.c_str(), &data, &length) == 0 && data) result = std::string(data, length);
    gvFreeRenderData(data);
  }
  // Not gvFreeLayout: Graphviz 2.42's flat-edge code leaves a stale pointer
  // in the layout of some graphs (Tendermint's rounds at depth 3), which
  // gvFreeLayout frees twice. The process renders once and exits, so the
  // layout is left to the exit; the graph and the context are closed.
  agclose(graph);
  gvFreeContext(gvc);
  if (!result) diags.error("internal", {}, "Graphviz could not lay out or render the diagram as " + format);
  return result;
}

}  // namespace rdc::dot
