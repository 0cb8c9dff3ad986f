#include "tools/rdc-run/driver/node_keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "ir/tool/tool_io.h"
#include "tools/rdc-run/net/frame.h"

namespace rdc::run {

namespace {

bool holdsSigned(TypeId type, const TypeTable& types) {
  const TypeNode& node = types.node(type);
  if (node.kind == TypeKind::Signed) return true;
  for (TypeId part : node.parts) {
    if (holdsSigned(part, types)) return true;
  }
  return false;
}

}  // namespace

int generateKeyFile(const std::string& path, DiagnosticSink& diags) {
  if (!net::initCrypto()) {
    diags.error("usage", {}, "libsodium cannot be initialised");
    return kExitBadInput;
  }
  net::NodeKeys keys = net::generateKeys();
  std::string why;
  if (!net::writeSecretKeyFile(path, keys, &why)) {
    diags.error("usage", {}, "--keygen " + path + ": " + why);
    return kExitBadInput;
  }
  std::cout << "public-key: " << net::hexOf(keys.publicKey) << "\n";
  return kExitOk;
}

const Extrinsic* signedGateway(const Graph& graph, bool outputs) {
  for (const Extrinsic& x : outputs ? graph.outputs : graph.inputs) {
    if (x.isGateway() && holdsSigned(graph.lines[x.line].type, graph.types)) return &x;
  }
  return nullptr;
}

std::optional<ClusterKeys> ClusterKeys::make(const net::Peers& peers, std::string* why) {
  if (!net::initCrypto()) {
    *why = "libsodium cannot be initialised";
    return std::nullopt;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/rdc-keys-XXXXXX";
  if (!::mkdtemp(pattern.data())) {  // (mode 0700)
    *why = "cannot make a directory for the nodes' keys (" + pattern + ")";
    return std::nullopt;
  }
  ClusterKeys made(pattern);
  net::Peers withKeys = peers;
  withKeys.publicKeys.clear();
  for (size_t n = 0; n < peers.nodes.size(); ++n) {
    net::NodeKeys keys = net::generateKeys();
    if (!net::writeSecretKeyFile(made.keyFile(n), keys, why)) {
      *why = made.keyFile(n) + ": " + *why;
      return std::nullopt;
    }
    withKeys.publicKeys[peers.nodes[n].first] = keys.publicKey;
  }
  std::string text = net::peersText(withKeys);
  int fd = ::open(made.peersFile().c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  if (fd >= 0) ::close(fd);
  if (!ok) {
    *why = "cannot write " + made.peersFile();
    return std::nullopt;
  }
  return made;
}

ClusterKeys::~ClusterKeys() {
  if (dir_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace rdc::run
