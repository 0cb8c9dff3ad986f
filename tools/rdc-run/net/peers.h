// The peers file of a TCP run: where each domain's process listens, and the
// cluster's authentication key.
//
//   key: 3f0c...  (64 hex digits: 32 bytes shared by the cluster)
//   nodes:
//     node[0]: 127.0.0.1:7100
//     node[1]: 127.0.0.1:7101
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/support/diagnostics.h"
#include "tools/rdc-run/net/frame.h"

namespace rdc::net {

struct Peers {
  Key key{};
  /// Domains and their addresses (host:port), in the file's order. A node
  /// dials the nodes after it and accepts the nodes before it.
  std::vector<std::pair<std::string, std::string>> nodes;

  /// The address of a domain, if it is in the file.
  std::optional<std::string> address(const std::string& domain) const;
};

/// Parses a peers file's text; nullopt with diagnostics when it is bad.
std::optional<Peers> parsePeers(const std::string& text, const std::string& file, DiagnosticSink& diags);

}  // namespace rdc::net
