// ITF (the Informal Trace Format of Apalache and Quint): typed values whose
// shape per variable never changes from state to state.
#include <cerrno>
#include <cstdlib>

#include "tools/rdc-trace/export/export.h"

namespace rdc::trace {

namespace {

// Where a line's values hold nil: there the line's type is an Opt, so every
// value there is written as an option (Some or None), never bare. Learnt
// from every value the trace holds for the line, so that one file gives a
// variable one shape.
struct OptShape {
  bool optional = false;
  std::vector<OptShape> parts;  // a tuple's items; a map's keys and values
};

void learn(const Value& v, OptShape& shape) {
  if (v.kind == Value::Kind::Nil) {
    shape.optional = true;
  } else if (v.kind == Value::Kind::Tuple || v.kind == Value::Kind::Map || v.kind == Value::Kind::Signed) {
    const std::vector<Value>& items = v.items();  // a Signed's one item is its payload
    size_t width = v.kind == Value::Kind::Map ? 2 : items.size();
    if (shape.parts.size() < width) shape.parts.resize(width);
    for (size_t k = 0; k < items.size(); ++k) learn(items[k], shape.parts[k % width]);
  }
}

Json some(Json value) { return {{"tag", "Some"}, {"value", std::move(value)}}; }
Json none() { return {{"tag", "None"}, {"value", {{"#tup", Json::array()}}}}; }

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += digits[c >> 4], out += digits[c & 15];
  return out;
}

Json itfValue(const Value& v, const OptShape& shape);

Json bare(const Value& v, const OptShape& shape) {
  static const OptShape plain;
  auto part = [&](size_t k) -> const OptShape& { return k < shape.parts.size() ? shape.parts[k] : plain; };
  switch (v.kind) {
    case Value::Kind::Int:
    case Value::Kind::Duration:
      return {{"#bigint", std::to_string(v.i)}};
    case Value::Kind::Bool:
      return v.i != 0;
    case Value::Kind::Bytes:  // a string of hex digits, two per byte: JSON strings are text
      return hex(v.bytes());
    case Value::Kind::Unit:
      return {{"#tup", Json::array()}};
    case Value::Kind::Nil:
      return none();
    case Value::Kind::Tuple: {
      Json items = Json::array();
      for (size_t k = 0; k < v.items().size(); ++k) items.push_back(itfValue(v.items()[k], part(k)));
      return {{"#tup", items}};
    }
    case Value::Kind::Map: {
      Json entries = Json::array();
      for (size_t k = 0; k < v.entries(); ++k)
        entries.push_back(Json::array({itfValue(v.key(k), part(0)), itfValue(v.mapped(k), part(1))}));
      return {{"#map", entries}};
    }
    case Value::Kind::Signed:  // a record: whose signature, on what
      return {{"signer", {{"#bigint", std::to_string(v.signer())}}}, {"payload", itfValue(v.payload(), part(0))}};
  }
  return nullptr;
}

Json itfValue(const Value& v, const OptShape& shape) {
  Json value = bare(v, shape);
  return shape.optional && v.kind != Value::Kind::Nil ? some(std::move(value)) : value;
}

// A parameter's value: an integer as #bigint, anything else as its text.
Json paramValue(const std::string& text) {
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(text.c_str(), &end, 10);
  bool integer = !text.empty() && *end == '\0' && errno == 0;
  return integer ? Json{{"#bigint", std::to_string(n)}} : Json(text);
}

}  // namespace

void exportItf(const Trace& t, std::ostream& out) {
  const TraceHeader& h = t.header;
  std::vector<uint32_t> vars;  // the lines with an output, in order of their first
  std::vector<int> varOf(h.linePaths.size(), -1);
  for (const TraceEvent& e : t.events) {
    if (e.output && varOf[e.line] < 0) varOf[e.line] = static_cast<int>(vars.size()), vars.push_back(e.line);
  }
  std::vector<OptShape> shapes(vars.size());
  for (const TraceEvent& e : t.events) {
    if (e.output) learn(e.value, shapes[varOf[e.line]]);
  }
  Json names = Json::array(), params = Json::array();
  for (uint32_t line : vars) names.push_back(h.linePaths[line]);
  for (const auto& [name, text] : h.params) params.push_back(name);
  std::string description = "rdc-run trace of model " + h.modelName + ", seed " + std::to_string(h.seed) +
                            ": a state per instant, each line's output an option (Some while available)";
  Json meta = {{"format", "ITF"},       {"format-description", "https://apalache-mc.org/docs/adr/015adr-trace.html"},
               {"source", h.modelName}, {"description", description},
               {"run", runJson(h)},     {"end", endJson(h, t.endTime, t.stoppedBy, t.domainEnds)}};
  std::string head = jsonText({{"#meta", meta}, {"params", params}, {"vars", names}});
  head.pop_back();  // its closing brace: the states follow
  out << head << ",\"states\":[";
  // Every state repeats every variable, so each variable's name and current
  // value are dumped once, as JSON text, and each state is written from
  // those pieces: building it as one Json object would cost what every
  // variable holds, times a linear search per key of an ordered object.
  std::string paramsText;
  for (const auto& [name, text] : h.params) paramsText += "," + jsonText(name) + ":" + jsonText(paramValue(text));
  std::vector<std::string> keys, values(vars.size(), jsonText(none()));
  for (uint32_t line : vars) keys.push_back(jsonText(h.linePaths[line]));
  uint64_t index = 0;
  for (size_t k = 0; k < t.events.size(); ++index) {
    int64_t time = t.events[k].time;
    for (; k < t.events.size() && t.events[k].time == time; ++k) {
      const TraceEvent& e = t.events[k];
      if (e.output) values[varOf[e.line]] = jsonText(some(itfValue(e.value, shapes[varOf[e.line]])));
    }
    out << (index ? ",{\"#meta\":" : "{\"#meta\":") << jsonText({{"index", index}, {"time_ns", exactInteger(time)}})
        << paramsText;
    for (size_t v = 0; v < vars.size(); ++v) out << ',' << keys[v] << ':' << values[v];
    out << '}';
  }
  out << "]}\n";
}

}  // namespace rdc::trace
