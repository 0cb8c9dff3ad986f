// A process has one standard input: every reader of "-" claims it here.
#pragma once

#include <atomic>

namespace rdc {

/// Claims standard input for one reader: true the first time in the
/// process, false after, when a second input named `-` would find it read
/// already (empty, or a stream of the wrong kind) and must be refused with
/// kStandardInputTaken instead.
inline bool claimStandardInput() {
  static std::atomic<bool> claimed{false};
  return !claimed.exchange(true);
}

inline constexpr const char* kStandardInputTaken =
    "standard input ('-') is named for another input already: it can be read for one only";

}  // namespace rdc
