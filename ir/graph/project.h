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
/// dropped (they speak of the whole system). An unbounded box keeps its
/// window: each iteration's kept lines, instances and extrinsics (its
/// gateways among them, right after its own) stay one range, so that the
/// part's iteration 2 is still its iteration 1 shifted; its streams and
/// open ports are those the part kept.
std::optional<LoadedModel> projectOnto(const LoadedModel& whole, const Catalog& catalog,
                                       const std::vector<std::string>& domains, DiagnosticSink& diags);

}  // namespace rdc
