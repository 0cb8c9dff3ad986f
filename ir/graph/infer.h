// Inference passes run at the end of elaboration: line types (unification
// of generic base components through wires) and domains (union through
// same-domain components, separation at cross-domain ones).
#pragma once

#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/graph.h"
#include "ir/support/diagnostics.h"

namespace rdc {

/// A declared type (a composite's line declaration, or a typed extrinsic):
/// the type, or for a line typed by a composite's type variable a `group`
/// instead (all nets of one group get the same, inferred, type); `pos`,
/// where it is declared, indexes Graph::positions. One per binding.
struct TypeDecl {
  TypeId type = 0;
  uint32_t pos = 0;
  uint32_t group = kNone;
};

/// A net that a TypeDecl types. There is one per bound element of a
/// composite line, so it is two integers: `at` is the net while elaborating
/// (elaboration-internal), then a line on it (kNone: none); `decl` indexes
/// the declarations.
struct TypeHint {
  uint32_t at = kNone;
  uint32_t decl = 0;
};

/// A declared domain (`@ D`) for a net or for one line; `pos` indexes
/// Graph::positions.
struct DomainHint {
  uint32_t node = kNone;
  uint32_t line = kNone;
  uint32_t domain = 0;
  uint32_t pos = 0;
};

/// Sets every line's type. Reports `type-mismatch` and `type-uninferable`.
bool inferTypes(Graph& graph, const Catalog& catalog, const std::vector<TypeHint>& hints,
                const std::vector<TypeDecl>& decls, DiagnosticSink& diags);

/// Sets every line's domain. Without declared domains every line is in the
/// single domain `main`. Reports `domain-conflict` and `domain-uninferable`.
bool inferDomains(Graph& graph, const Catalog& catalog, const std::vector<DomainHint>& hints, bool modelDeclaresDomains,
                  DiagnosticSink& diags);

}  // namespace rdc
