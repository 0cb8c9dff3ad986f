// The signing keys of TCP nodes as rdc-run handles them: --keygen, the
// checks a node makes of its --key and peers file before it runs, and the
// fresh key pairs a --cluster makes for its nodes (net/keys.h has the files'
// format, net/signing.h what the keys sign).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/graph/graph.h"
#include "ir/support/diagnostics.h"
#include "tools/rdc-run/net/keys.h"
#include "tools/rdc-run/net/peers.h"

namespace rdc::run {

/// `rdc-run --keygen FILE`: writes a fresh secret key to FILE (mode 0600,
/// never over an existing file) and prints the `public-key: HEX` line of the
/// node's entry in a peers file. The exit code.
int generateKeyFile(const std::string& path, DiagnosticSink& diags);

/// The first gateway of a projection whose values hold signatures (its type
/// is or contains a Signed<T>): among its outputs with `outputs`, else its inputs.
const Extrinsic* signedGateway(const Graph& graph, bool outputs);

/// A cluster's fresh key pairs, in a directory of their own (mode 0700,
/// under $TMPDIR or /tmp): one secret key file per domain (mode 0600) and a
/// peers file with every node's public key. Removed when destroyed, on
/// every way out of the cluster.
class ClusterKeys {
 public:
  /// Makes them for the nodes of `peers` (its public keys, if any, are
  /// replaced); nullopt, with `why`, if the files cannot be written.
  static std::optional<ClusterKeys> make(const net::Peers& peers, std::string* why);
  ClusterKeys(ClusterKeys&& other) noexcept : dir_(std::move(other.dir_)) { other.dir_.clear(); }
  ClusterKeys(const ClusterKeys&) = delete;
  ClusterKeys& operator=(const ClusterKeys&) = delete;
  ~ClusterKeys();

  /// The peers file the nodes are given (with every public key).
  std::string peersFile() const { return dir_ + "/peers.yaml"; }
  /// A domain's secret key file.
  std::string keyFile(size_t node) const { return dir_ + "/node" + std::to_string(node) + ".key"; }

 private:
  explicit ClusterKeys(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
};

}  // namespace rdc::run
