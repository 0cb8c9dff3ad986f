#include "ir/graph/graph.h"

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
  return sig->name + "[" + std::to_string(line.element) + "]";
}

void Graph::linesNamed(const Catalog& catalog, const FlatInstance& inst, const std::string& name,
                       std::vector<uint32_t>& out) const {
  bool variadic = catalog.at(inst.base).variadicArgs;
  for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
    const LineSig* sig = signature(catalog, l);
    if (sig ? sig->name == name && !variadic : name == "*args") out.push_back(l);
  }
}

std::string Graph::linePath(const Catalog& catalog, uint32_t id) const {
  return instances[lines[id].instance].path + "." + lineName(catalog, id);
}

uint64_t Graph::hash(const Catalog& catalog) const {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a
  auto feed = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
    h = (h ^ 0xff) * 0x100000001b3ull;
  };
  for (uint32_t l = 0; l < lines.size(); ++l) {
    const FlatLine& line = lines[l];
    feed(linePath(catalog, l));
    feed(types.name(line.type));
    feed(domains[line.domain]);
    feed(std::to_string(static_cast<int>(line.source.kind)) + ":" + std::to_string(line.source.ref));
    feed(std::to_string(static_cast<int>(line.sink.kind)) + ":" + std::to_string(line.sink.ref));
  }
  for (const FlatInstance& inst : instances) {
    for (int64_t a : inst.args) feed(std::to_string(a));
  }
  for (const Value& c : constants) feed(c.str());
  for (const FnBody& f : fns) feed(f.text);
  return h;
}

size_t Graph::wireCount() const {
  size_t n = 0;
  for (const FlatLine& line : lines) n += line.sink.kind == Endpoint::Kind::Wire;
  return n;
}

}  // namespace rdc
