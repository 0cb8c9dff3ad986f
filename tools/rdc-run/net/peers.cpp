#include "tools/rdc-run/net/peers.h"

#include "ir/model/yaml_input.h"

namespace rdc::net {

namespace {

std::optional<Key> hexKey(const std::string& text) {
  if (text.size() != 64) return std::nullopt;
  Key key;
  for (size_t i = 0; i < key.size(); ++i) {
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = digit(text[2 * i]), lo = digit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    key[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return key;
}

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
      auto key = kv.second.IsScalar() ? hexKey(kv.second.Scalar()) : std::nullopt;
      if (!key)
        return bad("key: expected 64 hexadecimal digits (32 bytes), e.g. from `head -c32 /dev/urandom | xxd -p -c64`");
      peers.key = *key;
    } else if (name == "nodes") {
      if (!kv.second.IsMap()) return bad("nodes: a mapping from domain to host:port");
      for (const auto& node : kv.second) {
        at.line = static_cast<uint32_t>(node.first.Mark().line + 1);
        at.col = static_cast<uint32_t>(node.first.Mark().column + 1);
        if (!node.first.IsScalar() || !node.second.IsScalar()) return bad("nodes: expected `domain: host:port`");
        std::string domain = node.first.Scalar(), address = node.second.Scalar();
        if (!validAddress(address)) return bad(domain + ": '" + address + "' is not host:port");
        if (peers.address(domain)) return bad(domain + " is listed twice");
        peers.nodes.emplace_back(domain, address);
      }
    } else {
      return bad("unknown key '" + name + "' (expected key, nodes)");
    }
  }
  at = {fileIndex, 0, 0};
  if (peers.nodes.empty()) return bad("no nodes");
  if (peers.key == Key{}) return bad("no key");
  return peers;
}

}  // namespace rdc::net
