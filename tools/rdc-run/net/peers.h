// The peers file of a TCP run: where each domain's process listens, the
// cluster's authentication key, and each node's public signing key
// (keys.h), which its signed values are verified with:
//
//   key: 3f0c...  (64 hex digits: 32 bytes shared by the cluster)
//   nodes:
//     node[0]:
//       address: 127.0.0.1:7100
//       public-key: 9a41...  (64 hex digits, from `rdc-run --keygen FILE`)
//     node[1]: 127.0.0.1:7101   (an address alone: a node without a public key)
//
// Either every node has a public key or none has: without them, no signed
// value can cross the network (the runner refuses such a model).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/support/diagnostics.h"
#include "tools/rdc-run/net/frame.h"
#include "tools/rdc-run/net/keys.h"

namespace rdc::net {

struct Peers {
  Key key{};
  /// Domains and their addresses (host:port), in the file's order. A node
  /// dials the nodes after it and accepts the nodes before it.
  std::vector<std::pair<std::string, std::string>> nodes;
  /// Each node's public signing key, by domain: every node's, or none.
  std::map<std::string, PublicKey> publicKeys;

  /// The address of a domain, if it is in the file.
  std::optional<std::string> address(const std::string& domain) const;
};

/// The text of a peers file that parses back to `peers` (every node in the
/// long form when it has a public key).
std::string peersText(const Peers& peers);

/// Parses a peers file's text; nullopt with diagnostics when it is bad.
std::optional<Peers> parsePeers(const std::string& text, const std::string& file, DiagnosticSink& diags);

}  // namespace rdc::net
