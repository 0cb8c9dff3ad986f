#include "tools/rdc-run/net/peers.h"

#include <sodium.h>

#include "ir/model/yaml_input.h"

namespace rdc::net {

namespace {

bool validAddress(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  std::string port = address.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
  return std::stoi(port) > 0 && std::stoi(port) < 65536;
}

}  // namespace

std::optional<std::string> Peers::address(const std::string& domain) const {
  for (const auto& [d, a] : nodes) {
    if (d == domain) return a;
  }
  return std::nullopt;
}

std::string peersText(const Peers& peers) {
  std::string text = "key: " + hexOf(peers.key) + "\nnodes:\n";
  for (const auto& [domain, address] : peers.nodes) {
    auto key = peers.publicKeys.find(domain);
    if (key == peers.publicKeys.end()) {
      text += "  \"" + domain + "\": " + address + "\n";
    } else {
      text += "  \"" + domain + "\":\n    address: " + address + "\n    public-key: " + hexOf(key->second) + "\n";
    }
  }
  return text;
}

std::optional<Peers> parsePeers(const std::string& text, const std::string& file, DiagnosticSink& diags) {
  uint32_t fileIndex = diags.addFile(file);
  Pos at{fileIndex, 0, 0};
  auto bad = [&](const std::string& message) -> std::optional<Peers> {
    diags.error("peers-file", at, message);
    return std::nullopt;
  };
  YamlProblem problem;
  auto root = loadYamlDocument(text, &problem);
  if (!root) {
    at.line = problem.line;
    at.col = problem.col;
    return bad("not YAML: " + problem.message);
  }
  if (!root->IsMap()) return bad("a peers file is a mapping with `key` and `nodes`");
  Peers peers;
  for (const auto& kv : *root) {
    std::string name = kv.first.IsScalar() ? kv.first.Scalar() : "";
    at.line = static_cast<uint32_t>(kv.first.Mark().line + 1);
    at.col = static_cast<uint32_t>(kv.first.Mark().column + 1);
    if (name == "key") {
      auto key = kv.second.IsScalar() ? parseHex32(kv.second.Scalar()) : std::nullopt;
      if (!key)
        return bad("key: expected 64 hexadecimal digits (32 bytes), e.g. from `head -c32 /dev/urandom | xxd -p -c64`");
      peers.key = *key;
    } else if (name == "nodes") {
      if (!kv.second.IsMap()) return bad("nodes: a mapping from domain to host:port");
      for (const auto& node : kv.second) {
        at.line = static_cast<uint32_t>(node.first.Mark().line + 1);
        at.col = static_cast<uint32_t>(node.first.Mark().column + 1);
        if (!node.first.IsScalar()) return bad("nodes: expected `domain: host:port`");
        std::string domain = node.first.Scalar(), address;
        if (node.second.IsScalar()) {
          address = node.second.Scalar();
        } else if (node.second.IsMap()) {
          for (const auto& field : node.second) {
            std::string fieldName = field.first.IsScalar() ? field.first.Scalar() : "";
            at.line = static_cast<uint32_t>(field.first.Mark().line + 1);
            at.col = static_cast<uint32_t>(field.first.Mark().column + 1);
            if (fieldName == "address" && field.second.IsScalar()) {
              address = field.second.Scalar();
            } else if (fieldName == "public-key") {
              auto key = field.second.IsScalar() ? parseHex32(field.second.Scalar()) : std::nullopt;
              if (!key) {
                return bad(domain +
                           ": public-key: expected 64 hexadecimal digits (32 bytes), as `rdc-run --keygen FILE` "
                           "prints");
              }
              if (sodium_init() < 0 || crypto_core_ed25519_is_valid_point(key->data()) != 1)
                return bad(domain + ": public-key: not an Ed25519 public key (as `rdc-run --keygen FILE` prints)");
              for (const auto& [other, known] : peers.publicKeys) {
                if (known == *key)
                  return bad(domain + ": public-key: the same as " + other + "'s (each node has its own key pair)");
              }
              peers.publicKeys[domain] = *key;
            } else {
              return bad(domain + ": expected `address: host:port` and `public-key: HEX`, not '" + fieldName + "'");
            }
          }
          at.line = static_cast<uint32_t>(node.first.Mark().line + 1);
          at.col = static_cast<uint32_t>(node.first.Mark().column + 1);
        } else {
          return bad("nodes: expected `domain: host:port`, or `domain:` with `address:` and `public-key:` under it");
        }
        if (address.empty()) return bad(domain + ": no address (expected `address: host:port`)");
        if (!validAddress(address)) return bad(domain + ": '" + address + "' is not host:port");
        if (peers.address(domain)) return bad(domain + " is listed twice");
        for (const auto& [other, taken] : peers.nodes) {
          if (taken == address)
            return bad(domain + ": '" + address + "' is " + other + "'s address too (each node listens on its own)");
        }
        peers.nodes.emplace_back(domain, address);
      }
    } else {
      return bad("unknown key '" + name + "' (expected key, nodes)");
    }
  }
  at = {fileIndex, 0, 0};
  if (peers.nodes.empty()) return bad("no nodes");
  if (peers.key == Key{}) return bad("no key");
  if (!peers.publicKeys.empty()) {
    for (const auto& [domain, address] : peers.nodes) {
      if (!peers.publicKeys.count(domain)) {
        return bad(domain + " has no public-key, but other nodes have one (give every node its public key, or none)");
      }
    }
  }
  return peers;
}

}  // namespace rdc::net
