// Unforgeability, checked on a recorded run: a signature first appears
// where its signer made it (docs/semantics.md#signatures).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/io/trace.h"

namespace rdc {

/// The first forged signature in a trace, described for a diagnostic;
/// nullopt if there is none. Walking the events in order, a signed value
/// that a choice (a component's rule, a --force, a Byzantine lie) holds
/// before any event carried it is forged unless that choice is in its
/// signer's domain. Inputs are not judged here (a --input is checked when
/// the scenario is read), nor are the lines `fromNetwork` marks (per trace
/// line: a projection's gateway input, whose value a peer sent and the
/// network verified, recorded as the cut Link's choice), but what they
/// carry counts as seen.
std::optional<std::string> firstForgedSignature(const Trace& trace, const std::vector<bool>& fromNetwork);

}  // namespace rdc
