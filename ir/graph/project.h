// Projection of an elaborated model onto a set of its domains.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/loaded_model.h"
#include "ir/support/diagnostics.h"

namespace rdc {

/// Projects a model onto some of its domains: keeps the instances in them
/// and cuts each Link that crosses the boundary into a gateway, a `Send`
/// on the sending side whose copy leaves as an extrinsic output, and a
/// `Recv` on the receiving side fed by an extrinsic input, both named
/// `net:` + the Link's path and carrying the peer domain. Checks are
/// dropped (they speak of the whole system).
std::optional<LoadedModel> projectOnto(const LoadedModel& whole, const Catalog& catalog,
                                       const std::vector<std::string>& domains, DiagnosticSink& diags);

}  // namespace rdc
