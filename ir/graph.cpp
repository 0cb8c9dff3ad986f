#include "ir/graph.h"

namespace rdc {

std::string Graph::lineName(const Catalog& catalog, uint32_t id) const {
  const FlatLine& line = lines[id];
  const FlatInstance& inst = instances[line.instance];
  const BaseComponent& base = catalog.at(inst.base);
  if (base.variadicArgs && line.sig < inst.fnArgs.size()) return inst.fnArgs[line.sig];
  const LineSig& sig = base.lines[base.variadicArgs ? 0 : line.sig];
  if (sig.sizeParam < 0) return sig.name;
  return sig.name + "[" + std::to_string(line.element) + "]";
}

std::string Graph::linePath(const Catalog& catalog, uint32_t id) const {
  return instances[lines[id].instance].path + "." + lineName(catalog, id);
}

size_t Graph::wireCount() const {
  size_t n = 0;
  for (const FlatLine& line : lines) n += line.sink.kind == Endpoint::Kind::Wire;
  return n;
}

}  // namespace rdc
