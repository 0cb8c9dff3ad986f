// rdc-run's scenario: flags, the faults file and a replayed trace, resolved
// against the model into a RunConfig.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <unordered_map>

#include "ir/lang/expr.h"
#include "ir/support/glob.h"
#include "ir/tool/tool_io.h"
#include "ir/graph/line_index.h"
#include "ir/io/trace_lines.h"
#include "ir/model/yaml_input.h"
#include "tools/rdc-run/driver/runner.h"

namespace rdc::run {

bool Runner::splitPair(const std::string& kv, char sep, const char* flag, NamedTexts& out) {
  size_t at = kv.find(sep);
  if (at == std::string::npos || at == 0) return usage(std::string(flag) + ": expected NAME=VALUE, got '" + kv + "'");
  out.emplace_back(kv.substr(0, at), kv.substr(at + 1));
  return true;
}

bool Runner::readFaults(const std::string& path, Scenario& s) {
  auto bytes = readInput(path, diags_);
  if (!bytes) return false;
  uint32_t file = diags_.addFile(path);
  YamlProblem problem;
  auto document = loadYamlDocument(*bytes, &problem);
  if (!document) {
    diags_.error("parse-error", {file, problem.line, problem.col}, "faults file: " + problem.message);
    return false;
  }
  try {
    const YAML::Node& root = *document;
    if (!root.IsMap()) return usage(path + ": a faults file is a mapping (crash, byzantine, force, inputs, latency, links)");
    for (const auto& kv : root) {
      std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      auto pairs = [&](NamedTexts& out) {
        for (const auto& e : v) out.emplace_back(e.first.as<std::string>(), e.second.as<std::string>());
      };
      if (key == "crash") pairs(s.crashes);
      else if (key == "force") pairs(s.forces);
      else if (key == "inputs") pairs(s.inputs);
      else if (key == "links") pairs(s.linkLatency);
      else if (key == "latency") s.latency = v.as<std::string>();
      else if (key == "byzantine") {
        for (const auto& b : v) s.byzantine.push_back(b.as<std::string>());
      } else {
        diags_.error("schema", {file, static_cast<uint32_t>(kv.first.Mark().line + 1), static_cast<uint32_t>(kv.first.Mark().column + 1)},
                     "unknown key '" + key + "' (expected crash, byzantine, force, inputs, latency, links)");
        return false;
      }
    }
  } catch (const YAML::Exception& e) {
    diags_.error("parse-error", {file, static_cast<uint32_t>(e.mark.line + 1), static_cast<uint32_t>(e.mark.column + 1)},
                 "faults file: " + e.msg);
    return false;
  }
  return true;
}

bool Runner::replayScenario(Scenario& s) {
  auto bytes = readInput(options_.replay, diags_);
  if (!bytes) return false;
  auto trace = readTrace(*bytes, displayName(options_.replay), diags_);
  if (!trace) return false;
  const TraceHeader& h = trace->header;
  s.inputs = h.inputs;
  s.forces = h.forces;
  s.crashes = h.crashes;
  s.byzantine = h.byzantine;
  s.latency = h.latency;
  s.linkLatency = h.linkLatency;
  s.until = h.until;
  replaySeed_ = h.seed;
  LineIndex index(graph_, catalog_);
  replayed_.assign(graph_.lines.size(), std::nullopt);
  for (const TraceEvent& e : trace->events) {
    if (e.output || (e.how != How::Chosen && e.how != How::Forced)) continue;
    const std::string& path = h.linePaths[e.line];
    std::optional<uint32_t> line = index.find(path);
    if (!line && index.isGatewayCopy(path)) continue;
    if (!line) return usage("--replay: the trace's line " + path + " is not in this model");
    replayed_[*line] = run::Replayed{e.value, e.time};
  }
  if (h.modelHash != modelHash()) {
    diags_.warning("replay-model", {}, "the trace was recorded from a different model; replaying its choices anyway");
  }
  return true;
}

bool Runner::forceable(uint32_t line) const {
  const Endpoint& source = graph_.lines[line].source;
  return source.kind == Endpoint::Kind::Choose ||
         (source.kind == Endpoint::Kind::Input && !graph_.inputs[source.ref].gateway.empty());
}

std::optional<Value> Runner::typedValue(const std::string& text, TypeId type, const std::string& what) {
  ExprError error;
  auto v = parseValue(text, &error);
  if (!v) {
    usage(what + ": '" + text + "': " + error.message);
    return std::nullopt;
  }
  if (!valueFits(*v, type, graph_.types)) {
    usage(what + ": " + v->str() + " is not a " + graph_.types.name(type));
    return std::nullopt;
  }
  return v;
}

std::optional<uint32_t> Runner::domain(const std::string& name, const char* flag) {
  for (uint32_t d = 0; d < graph_.domains.size(); ++d) {
    if (graph_.domains[d] == name) return d;
  }
  usage(std::string(flag) + ": no domain '" + name + "' (the model's domains: " + graph_.domains.front() + ", ...)");
  return std::nullopt;
}

bool Runner::resolve(const Scenario& s) {
  size_t nd = graph_.domains.size();
  config_.inputs.assign(graph_.inputs.size(), std::nullopt);
  config_.forces.assign(graph_.lines.size(), std::nullopt);
  config_.crashAt.assign(nd, INT64_MAX);
  config_.byzantine.assign(nd, false);
  config_.replay = replayed_;
  header_ = {};
  for (const auto& [name, text] : s.inputs) {
    auto it = std::find_if(graph_.inputs.begin(), graph_.inputs.end(), [&](const Extrinsic& x) { return x.name == name; });
    if (it == graph_.inputs.end()) return usage("--input: the model has no input '" + name + "'");
    auto v = typedValue(text, graph_.lines[it->line].type, "--input " + name);
    if (!v) return false;
    config_.inputs[it - graph_.inputs.begin()] = *v;
    header_.inputs.emplace_back(name, v->str());
  }
  if (!s.forces.empty()) {
    std::unordered_map<std::string, uint32_t> byPath;
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) byPath.emplace(graph_.linePath(catalog_, l), l);
    auto force = [&](uint32_t line, const std::string& path, const std::string& text) {
      auto v = typedValue(text, graph_.lines[line].type, "--force " + path);
      if (!v) return false;
      config_.forces[line] = *v;
      header_.forces.emplace_back(path, v->str());  // exact paths, so a replay needs no globbing
      return true;
    };
    for (const auto& [path, text] : s.forces) {
      if (path.find_first_of("*?") != std::string::npos) {
        // A glob forces every choosable input bound to `choose` that it matches, in line order.
        size_t matched = 0;
        for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
          if (!forceable(l)) continue;
          std::string linePath = graph_.linePath(catalog_, l);
          if (!globMatch(path, linePath)) continue;
          if (!force(l, linePath, text)) return false;
          ++matched;
        }
        if (matched == 0) return usage("--force: no choosable input bound to `choose` matches '" + path + "'");
        continue;
      }
      auto it = byPath.find(path);
      if (it == byPath.end()) return usage("--force: no line '" + path + "'");
      if (!forceable(it->second)) {
        return usage("--force: " + path + " is not a choosable input bound to `choose`");
      }
      if (!force(it->second, path, text)) return false;
    }
  }
  for (const auto& [name, time] : s.crashes) {
    auto d = domain(name, "--crash");
    if (!d) return false;
    std::string error;
    auto t = parseDuration(time, &error);
    if (!t) return usage("--crash " + name + ": " + error);
    config_.crashAt[*d] = std::min(config_.crashAt[*d], *t);
    header_.crashes.emplace_back(name, durationString(*t));
  }
  for (const std::string& name : s.byzantine) {
    auto d = domain(name, "--byzantine");
    if (!d) return false;
    config_.byzantine[*d] = true;
    header_.byzantine.push_back(name);
  }
  std::string error;
  auto latency = Latency::parse(s.latency, &error);
  if (!latency) return usage("--latency: " + error);
  header_.latency = latency->str();
  config_.linkLatency.assign(graph_.instances.size(), *latency);
  for (const auto& [glob, spec] : s.linkLatency) {
    auto l = Latency::parse(spec, &error);
    if (!l) return usage("links " + glob + ": " + error);
    for (size_t i = 0; i < graph_.instances.size(); ++i) {
      if (globMatch(glob, graph_.instances[i].path)) config_.linkLatency[i] = *l;
    }
    header_.linkLatency.emplace_back(glob, l->str());
  }
  if (s.until) {
    config_.until = *s.until;
  } else if (!options_.until.empty()) {
    auto t = parseDuration(options_.until, &error);
    if (!t) return usage("--until: " + error);
    config_.until = *t;
  }
  header_.until = config_.until;
  correct_.assign(nd, true);
  for (uint32_t d = 0; d < nd; ++d) correct_[d] = !config_.byzantine[d] && config_.crashAt[d] == INT64_MAX;
  return true;
}

}  // namespace rdc::run
