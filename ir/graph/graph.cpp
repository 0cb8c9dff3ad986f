#include "ir/graph/graph.h"

#include <algorithm>

namespace rdc {

const std::vector<std::string>& Graph::fnArgs(const FlatInstance& inst) const {
  static const std::vector<std::string> none;
  return inst.fn == kNone ? none : fns[inst.fn].args;
}

const LineSig* Graph::signature(const Catalog& catalog, uint32_t id) const {
  const FlatLine& line = lines[id];
  const FlatInstance& inst = instances[line.instance];
  const BaseComponent& base = catalog.at(inst.base);
  if (!base.variadicArgs) return &base.lines[line.sig];
  return line.sig == fnArgs(inst).size() ? &base.lines[0] : nullptr;  // Fn: args, then r
}

std::string Graph::lineName(const Catalog& catalog, uint32_t id) const {
  const LineSig* sig = signature(catalog, id);
  const FlatLine& line = lines[id];
  if (!sig) return fnArgs(instances[line.instance])[line.sig];
  if (sig->sizeParam < 0) return sig->name;
  return sig->name + "[" + std::to_string(element(catalog, id)) + "]";
}

uint32_t Graph::element(const Catalog& catalog, uint32_t id) const {
  const FlatLine& line = lines[id];
  const FlatInstance& inst = instances[line.instance];
  const BaseComponent& base = catalog.at(inst.base);
  if (base.variadicArgs) return 0;
  uint32_t block = inst.firstLine;  // where the line's signature line begins
  for (uint16_t s = 0; s < line.sig; ++s) {
    int sizeParam = base.lines[s].sizeParam;
    block += sizeParam < 0 ? 1 : static_cast<uint32_t>(std::max<int64_t>(args(inst)[sizeParam], 1));
  }
  return id - block;
}

void Graph::linesNamed(const Catalog& catalog, const FlatInstance& inst, const std::string& name,
                       std::vector<uint32_t>& out) const {
  bool variadic = catalog.at(inst.base).variadicArgs;
  for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
    const LineSig* sig = signature(catalog, l);
    if (sig ? sig->name == name && !variadic : name == "*args") out.push_back(l);
  }
}

std::string Graph::nodePath(uint32_t node) const {
  // Segments are collected leaf first, then spelled root first.
  uint32_t chain[64];
  size_t depth = 0, length = 0;
  std::vector<uint32_t> deep;  // only for trees deeper than `chain` holds
  for (uint32_t n = node; n != kNone; n = tree[n].parent) {
    if (depth < std::size(chain)) {
      chain[depth] = n;
    } else {
      deep.push_back(n);
    }
    ++depth;
    length += segments[tree[n].segment].size() + 1;
  }
  std::string path;
  path.reserve(length);
  for (size_t k = depth; k-- > 0;) {
    uint32_t n = k < std::size(chain) ? chain[k] : deep[k - std::size(chain)];
    if (!path.empty()) path += '.';
    path += segments[tree[n].segment];
  }
  return path;
}

std::string Graph::instancePath(uint32_t instance) const { return nodePath(instances[instance].node); }

std::string Graph::linePath(const Catalog& catalog, uint32_t id) const {
  return instancePath(lines[id].instance) + "." + lineName(catalog, id);
}

uint64_t Graph::hash(const Catalog& catalog) const {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  auto feed = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
    h = (h ^ 0xff) * 0x100000001b3ull;
  };
  // Each instance's path is spelled once for all its lines; the bytes fed
  // are those of each line's whole path.
  std::string path;
  uint32_t pathOf = kNone;
  for (uint32_t l = 0; l < lines.size(); ++l) {
    const FlatLine& line = lines[l];
    if (line.instance != pathOf) {
      pathOf = line.instance;
      path = instancePath(pathOf) + ".";
    }
    size_t stem = path.size();
    path += lineName(catalog, l);
    feed(path);
    path.resize(stem);
    feed(types.name(line.type));
    feed(domains[line.domain]);
    feed(std::to_string(static_cast<int>(line.source.kind)) + ":" + std::to_string(line.source.refOrNone()));
    feed(std::to_string(static_cast<int>(line.sink.kind)) + ":" + std::to_string(line.sink.refOrNone()));
  }
  for (const FlatInstance& inst : instances) {
    for (int64_t a : args(inst)) feed(std::to_string(a));
  }
  for (const Value& c : constants) feed(c.str());
  for (const FnBody& f : fns) {
    feed(f.text);
    if (f.when) feed("when " + f.whenText);
    // The parameters an expression reads decide its values as much as its text.
    for (const auto& [name, value] : f.consts) feed(name + "=" + std::to_string(value));
  }
  for (const Extrinsic& x : inputs) {  // an input's default and arrival decide a run too
    feed(x.name + (x.defaultValue ? "=" + x.defaultValue->str() : "") + "@" + std::to_string(x.arrival));
  }
  return h;
}

size_t Graph::wireCount() const {
  size_t n = 0;
  for (const FlatLine& line : lines) n += line.sink.kind == Endpoint::Kind::Wire;
  return n;
}

std::optional<std::string> negativeDuration(const Graph& graph, const Catalog& catalog, uint32_t line,
                                            const Value& constant) {
  const LineSig* sig = graph.signature(catalog, line);
  if (!sig || sig->type.generic || sig->type.fixed != TypeTable::kDuration) return std::nullopt;
  if (constant.kind != Value::Kind::Duration || constant.i >= 0) return std::nullopt;
  return "the constant duration " + durationString(constant.i) + " into " + graph.linePath(catalog, line) +
         " is negative: a duration waits forward in time";
}

}  // namespace rdc
