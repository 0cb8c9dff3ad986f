#include "tools/rdc-run/driver/scenario.h"

#include <charconv>

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "ir/graph/line_index.h"
#include "ir/io/trace_io.h"
#include "ir/lang/expr.h"
#include "ir/model/syntax.h"
#include "ir/model/yaml_input.h"
#include "ir/support/glob.h"
#include "ir/tool/tool_io.h"

namespace rdc::run {

namespace {

std::string entryKey(std::string_view key, std::string_view name, std::string_view value) {
  std::string k(key);
  ((k += '\0') += name) += '\0';
  return k += value;
}

}  // namespace

Pos Scenario::writtenAt(std::string_view key, std::string_view name, std::string_view value) const {
  if (written.empty()) return {};
  auto found = written.find(entryKey(key, name, value));
  return found == written.end() ? Pos{} : found->second;
}

bool Scenario::addFaultsFile(const std::string& path, DiagnosticSink& diags) {
  auto bytes = readInput(path, diags);
  return bytes && addFaultsText(*bytes, path, diags);
}

bool Scenario::addFaultsText(const std::string& text, const std::string& path, DiagnosticSink& diags) {
  uint32_t file = diags.addFile(path);
  YamlProblem problem;
  auto document = loadYamlDocument(text, &problem);
  if (!document) {
    diags.error(problem.code, {file, problem.line, problem.col}, "faults file: " + problem.message);
    return false;
  }
  auto at = [&](const YAML::Mark& m) {
    return Pos{file, static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
  };
  try {
    const YAML::Node& root = *document;
    if (!root.IsMap()) {
      diags.error("usage", {},
                  path + ": a faults file is a mapping (crash, byzantine, lies, force, inputs, latency, links)");
      return false;
    }
    for (const auto& kv : root) {
      std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      // Each key's value has one shape; another (`links: lost`) is refused
      // rather than read as nothing.
      auto shaped = [&](bool ok, const char* shape) {
        if (!ok) diags.error("schema", at(v.Mark()), key + ": expected " + shape);
        return ok;
      };
      auto pairs = [&](NamedTexts& out) {
        if (!shaped(v.IsMap() || v.IsNull(), "a mapping (NAME: VALUE per line)")) return false;
        for (const auto& e : v) {
          if (!shaped(e.second.IsScalar(), "a mapping of names to single values")) return false;
          out.emplace_back(e.first.as<std::string>(), e.second.as<std::string>());
          written[entryKey(key, out.back().first, out.back().second)] = at(e.first.Mark());
        }
        return true;
      };
      const std::pair<const char*, NamedTexts*> named[] = {
          {"crash", &crashes}, {"force", &forces}, {"inputs", &inputs}, {"links", &linkLatency}};
      auto table = std::find_if(std::begin(named), std::end(named), [&](const auto& n) { return key == n.first; });
      if (table != std::end(named)) {
        if (!pairs(*table->second)) return false;
      } else if (key == "latency") {
        if (!shaped(v.IsScalar(), "a network model (constant:D, uniform:D1..D2, exponential:MEAN, lost)")) return false;
        latency = v.as<std::string>();
        written[entryKey(key, "", latency)] = at(v.Mark());
      } else if (key == "byzantine") {
        if (!shaped(v.IsSequence() || v.IsNull(), "a list of domains")) return false;
        for (const auto& b : v) {
          if (!shaped(b.IsScalar(), "a list of domains")) return false;
          byzantine.push_back(b.as<std::string>());
          written[entryKey(key, byzantine.back(), "")] = at(b.Mark());
        }
      } else if (key == "lies") {
        std::string mode = v.as<std::string>();
        if (mode != "forced" && mode != "random") {
          diags.error("schema", at(v.Mark()), "lies: '" + mode + "' (expected forced or random)");
          return false;
        }
        liesForced = mode == "forced";
      } else {
        diags.error("schema", at(kv.first.Mark()),
                    "unknown key '" + key + "' (expected crash, byzantine, lies, force, inputs, latency, links)");
        return false;
      }
    }
  } catch (const YAML::Exception& e) {
    diags.error("parse-error", at(e.mark), "faults file: " + e.msg);
    return false;
  }
  return true;
}

namespace {

// Whether a per-instance choice (a links pattern's matches) is the same in
// the window's iterations 1 and 2, the general ones: the engine runs every
// iteration k >= 1 with iteration 1's settings.
bool sameInGeneralIterations(const UnboundedBox& box, const std::vector<bool>& perInstance) {
  const IterationBlock &one = box.window[1], &two = box.window[2];
  for (uint32_t j = 0; j < one.instances && j < two.instances; ++j) {
    if (perInstance[one.instance + j] != perInstance[two.instance + j]) return false;
  }
  return true;
}

}  // namespace

Scenario Scenario::fromHeader(const TraceHeader& h) {
  Scenario s;
  s.inputs = h.inputs;
  s.forces = h.forces;
  s.crashes = h.crashes;
  s.byzantine = h.byzantine;
  s.liesForced = h.lies == "forced";
  s.latency = h.latency;
  s.linkLatency = h.linkLatency;
  s.until = h.until;
  if (h.iterations != UINT64_MAX) s.iterations = h.iterations;
  s.maxLive = h.maxLive;
  s.seed = h.seed;
  s.strategy = h.strategy;
  return s;
}

void Scenario::toHeader(TraceHeader& h) const {
  h.inputs = inputs;
  h.forces = forces;
  h.crashes = crashes;
  h.byzantine = byzantine;
  h.lies = liesForced ? "forced" : "";
  h.latency = latency;
  h.linkLatency = linkLatency;
  h.until = until.value_or(INT64_MAX);
  h.iterations = iterations.value_or(UINT64_MAX);
  h.maxLive = maxLive;
  h.seed = seed;
}

std::vector<std::string> Scenario::nodeFlags(const std::string& domain, const Graph& node,
                                             const Catalog& catalog) const {
  std::vector<std::string> flags;
  if (std::find(byzantine.begin(), byzantine.end(), domain) != byzantine.end()) {
    flags.insert(flags.end(), {"--byzantine", domain});
    if (liesForced) flags.insert(flags.end(), {"--lies", "forced"});
  }
  for (const auto& [name, time] : crashes) {
    if (name == domain) flags.insert(flags.end(), {"--crash", name + "@" + time});
  }
  // Over TCP a cut Link's delay is the real network's (a lost one the
  // sender never sends); a Link the node keeps whole (both ends its own) it
  // simulates, with the scenario's delays.
  auto names = [&](const std::string& glob, bool sent) {
    for (uint32_t i = 0; i < node.instances.size(); ++i) {
      const std::string& base = catalog.at(node.instances[i].base).name;
      if ((base == "Link" || (sent && base == "Send")) && globMatch(glob, node.instancePath(i))) return true;
    }
    return false;
  };
  if (names("*", false)) flags.insert(flags.end(), {"--latency", latency});
  for (const auto& [glob, spec] : linkLatency) {
    if (names(glob, spec == "lost")) flags.insert(flags.end(), {"--link", glob + "=" + spec});
  }
  LineIndex lines(node, catalog);
  for (const auto& [path, value] : forces) {  // (a line of any iteration of an unbounded box)
    if (lines.findRunLine(path)) flags.insert(flags.end(), {"--force", path + "=" + value});
  }
  for (const auto& [input, value] : inputs) {
    // An element of a stream is named for its iteration (`bc[57]`); the
    // node has iteration 1's input (`bc[1]`).
    bool mine = std::any_of(node.inputs.begin(), node.inputs.end(), [&](const Extrinsic& x) {
      return x.name == input ||
             (node.unbounded && node.unbounded->general().hasInputs(static_cast<uint32_t>(&x - node.inputs.data())) &&
              x.name == iterationName(input, 1));
    });
    if (mine) flags.insert(flags.end(), {"--input", input + "=" + value});
  }
  return flags;
}

namespace {

// Resolves one scenario against one graph, reporting the first problem.
class Resolver {
 public:
  Resolver(const Graph& graph, const Catalog& catalog, DiagnosticSink& diags)
      : graph_(graph), catalog_(catalog), diags_(diags) {}

  std::optional<ResolvedScenario> run(const Scenario& s) {
    size_t nd = graph_.domains.size();
    RunConfig& config = r_.config;
    Scenario& exact = r_.exact;
    config.inputs.assign(graph_.inputs.size(), std::nullopt);
    config.crashAt.assign(nd, INT64_MAX);
    config.byzantine.assign(nd, false);
    exact.seed = s.seed;
    for (const auto& [name, text] : s.inputs) {
      entry(s, "inputs", "--input", name, text);
      auto [input, k] = inputNamed(name);
      if (input == kNone && isStream(name))
        return usage(flag_ + ": '" + name + "' is a stream of " + graph_.unbounded->label() +
                     ": give one element, such as " + name + "[5]=VALUE");
      if (input == kNone) {
        std::vector<std::string> names;
        for (const Extrinsic& x : graph_.inputs) names.push_back(x.name);
        return usage(flag_ + ": the model has no input '" + name + "'" + didYouMean(name, names) +
                     " (its inputs: " + (names.empty() ? std::string("none") : nameList(names)) + ")");
      }
      if (k > 0 && graph_.inputs[input].isGateway())
        return usage(flag_ + ": '" + name + "' is what the network delivers in iteration " + std::to_string(k) +
                     " of " + graph_.unbounded->label() +
                     ": a projection run on its own takes only iteration 0's gateways (run "
                     "it as a node, --listen, for the rest)");
      // `VALUE at TIME`: the input arrives at TIME rather than at the model's `at`.
      std::string_view valueText = text;
      std::optional<int64_t> arrival;
      if (size_t at = syntax::findTopLevelWord(text, "at", false); at != std::string::npos) {
        if (k > 0 || (graph_.unbounded && graph_.unbounded->hasInput(input)))
          return usage(flag_ + " " + name + ": an input of an unbounded or on-demand `for` arrives when its " +
                       "stream says (the model's `at`): give the value alone");
        std::string error;
        arrival = parseDuration(syntax::trimmed(std::string_view(text).substr(at + 2)), &error);
        if (!arrival) return usage(flag_ + " " + name + ": its arrival time: " + error);
        valueText = valueText.substr(0, at);
      }
      if (syntax::trimmed(valueText).empty())
        return usage(flag_ + " " + name + ": no value (NAME=VALUE, or NAME=VALUE at TIME)");
      uint32_t line = graph_.inputs[input].line;
      auto v = typedValue(std::string(valueText), line, flag_ + " " + name, graph_.gatewayIn(line));
      if (!v) return std::nullopt;
      if (k > 0)
        config.streamInputs[{k, input}] = *v;
      else
        config.inputs[input] = *v;
      if (arrival)  // (a later --input of the name replaces an earlier one's value and time)
        config.arrivals[input] = *arrival;
      else
        config.arrivals.erase(input);
      exact.inputs.emplace_back(name, v->str() + (arrival ? " at " + durationString(*arrival) : ""));
    }
    if (!s.forces.empty() && !forces(s)) return std::nullopt;
    for (const auto& [name, time] : s.crashes) {
      entry(s, "crash", "--crash", name, time);
      auto d = domain(name);
      if (!d) return std::nullopt;
      std::string error;
      auto t = parseDuration(time, &error);
      if (!t) return usage(flag_ + " " + name + ": " + error);
      // A domain crashed twice crashes at the earlier time; the exact
      // scenario (a trace's header) names it once, with that time.
      auto named = std::find_if(exact.crashes.begin(), exact.crashes.end(),
                                [&](const auto& crash) { return crash.first == name; });
      if (named == exact.crashes.end()) {
        exact.crashes.emplace_back(name, durationString(*t));
      } else if (*t < config.crashAt[*d]) {
        named->second = durationString(*t);
      }
      config.crashAt[*d] = std::min(config.crashAt[*d], *t);
    }
    for (const std::string& name : s.byzantine) {
      entry(s, "byzantine", "--byzantine", name, "");
      auto d = domain(name);
      if (!d) return std::nullopt;
      if (!config.byzantine[*d]) exact.byzantine.push_back(name);
      config.byzantine[*d] = true;
    }
    config.liesForced = exact.liesForced = s.liesForced;
    std::string error;
    entry(s, "latency", "--latency", "", s.latency);
    auto latency = Latency::parse(s.latency, &error);
    if (!latency) return usage(flag_ + ": " + error);
    exact.latency = latency->str();
    config.linkLatency.assign(graph_.instances.size(), *latency);
    for (const auto& [glob, spec] : s.linkLatency) {
      entry(s, "links", "--link", glob, spec);
      auto l = Latency::parse(spec, &error);
      if (!l) return usage(flag_ + " " + glob + ": " + error);
      // Only Links have a network model (in a projection, their halves).
      auto isLink = [&](size_t i) {
        const std::string& base = catalog_.at(graph_.instances[i].base).name;
        return base == "Link" || base == "Send" || base == "Recv";
      };
      std::vector<bool> matched(graph_.instances.size());
      for (size_t i = 0; i < graph_.instances.size(); ++i) {
        matched[i] = isLink(i) && globMatch(glob, graph_.instancePath(static_cast<uint32_t>(i)));
        if (matched[i]) config.linkLatency.set(i, *l);
      }
      if (std::find(matched.begin(), matched.end(), true) == matched.end()) {
        return usage(flag_ + " " + glob + ": names no Link of the model" +
                     (graph_.unbounded ? " (of " + graph_.unbounded->label() +
                                             ", only its iterations 0, 1 and 2 have instances to name; `*` names "
                                             "them all)"
                                       : ""));
      }
      if (graph_.unbounded && !sameInGeneralIterations(*graph_.unbounded, matched)) {
        return usage(flag_ + " " + glob + ": names some iterations k >= 1 of " + graph_.unbounded->label() +
                     " but not others; every iteration from 1 "
                     "on runs as iteration 1 does, so a pattern may single out iteration 0 or name all the others "
                     "alike (`" +
                     graph_.unbounded->var + "` as `*`)");
      }
      exact.linkLatency.emplace_back(glob, l->str());
    }
    entry(s, "", "", "", "");
    config.until = s.until.value_or(INT64_MAX);
    exact.until = s.until;
    config.maxIterations = s.iterations.value_or(UINT64_MAX);
    exact.iterations = s.iterations;
    config.maxLiveIterations = s.maxLive;
    exact.maxLive = s.maxLive;
    r_.correct.assign(nd, true);
    for (uint32_t d = 0; d < nd; ++d) r_.correct[d] = !config.byzantine[d] && config.crashAt[d] == INT64_MAX;
    return std::move(r_);
  }

 private:
  // A glob forces every choosable input bound to `choose` that it matches,
  // in line order; the exact scenario names each line it forced.
  bool forces(const Scenario& s) {
    LineIndex index(graph_, catalog_);
    auto force = [&](uint32_t line, const std::string& path, const std::string& text) {
      auto v = typedValue(text, index.graphLine(line), flag_ + " " + path);
      if (!v) return false;
      r_.config.forces[line] = *v;
      r_.exact.forces.emplace_back(path, v->str());
      return true;
    };
    for (const auto& [path, text] : s.forces) {
      entry(s, "force", "--force", path, text);
      if (path.find_first_of("*?") != std::string::npos) {
        size_t matched = 0, later = 0;
        for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
          if (!forceable(l) || !globMatch(path, index.paths()[l])) continue;
          if (!force(l, index.paths()[l], text)) return false;
          ++matched;
          if (graph_.unbounded && graph_.unbounded->window[2].hasLine(l)) ++later;
        }
        if (matched == 0) return fail(flag_ + ": no choosable input bound to `choose` matches '" + path + "'");
        // A glob is matched against the lines the graph holds: of an
        // unbounded box, its iterations 0 to 2 (the window). Said, not silent.
        if (later) {
          diags_.warning("force-window", at_,
                         flag_ + " " + path + ": a pattern forces only the iterations 0, 1 and 2 of " +
                             graph_.unbounded->label() + " (the lines the graph holds); name a later iteration's " +
                             "line to force it (`" + graph_.unbounded->var + "` as a number)");
        }
        continue;
      }
      std::optional<uint32_t> line = index.findRunLine(path);
      // (A later iteration's line whose general line exists is missing only
      // because its number does not fit.)
      auto k = pathIteration(path);
      if (!line && k && *k >= UnboundedBox::kWindow && index.find(iterationName(path, 1)))
        return fail(flag_ + ": " + path + ": iteration " + std::to_string(*k) + " is past the iterations a " +
                    "--force can name (a run numbers its lines in 32 bits; iteration " +
                    std::to_string(index.lastNamedIteration()) + " is the last whose lines all fit)");
      if (!line) return fail(flag_ + ": no line '" + path + "'" + forceableNear(index, path));
      if (!forceable(index.graphLine(*line)))
        return fail(flag_ + ": " + path + " is not a choosable input bound to `choose`");
      if (!force(*line, path, text)) return false;
    }
    return true;
  }

  // " (did you mean 'x'?)" for a forceable line whose path is one typo from
  // `path`; "" if none, or if the model is too large to look (a projection
  // of thousands of lines is not searched on a typo).
  std::string forceableNear(const LineIndex& index, const std::string& path) const {
    static constexpr size_t kMostSearched = 100'000;
    if (graph_.lines.size() > kMostSearched) return "";
    std::vector<std::string> paths;
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      if (forceable(l)) paths.push_back(index.paths()[l]);
    }
    return didYouMean(path, paths);
  }

  // The input of this name: one of the graph's (k = 0), or an element of
  // iteration k >= 1 of the unbounded box's streams (the general
  // iteration's input, and k); kNone if none.
  std::pair<uint32_t, int64_t> inputNamed(const std::string& name) const {
    auto named = [&](const std::string& n) -> uint32_t {
      for (uint32_t i = 0; i < graph_.inputs.size(); ++i) {
        if (graph_.inputs[i].name == n) return i;
      }
      return kNone;
    };
    uint32_t input = named(name);
    if (!graph_.unbounded) return {input, 0};
    const IterationBlock& general = graph_.unbounded->general();
    if (input != kNone && !general.hasInputs(input) && !graph_.unbounded->window[2].hasInputs(input)) return {input, 0};
    // A stream element: `bc[57]` is the general `bc[1]` in iteration 57.
    size_t open = name.find('['), close = name.find(']');
    int64_t k = 0;
    if (open == std::string::npos || close == std::string::npos ||
        std::from_chars(name.data() + open + 1, name.data() + close, k).ptr != name.data() + close || k < 1)
      return {kNone, 0};
    uint32_t g = named(iterationName(name, 1));
    return general.hasInputs(g) ? std::pair{g, k} : std::pair{kNone, int64_t{0}};
  }

  // Whether `name[...]` are the unbounded box's stream inputs.
  bool isStream(const std::string& name) const {
    if (!graph_.unbounded) return false;
    const IterationBlock& g = graph_.unbounded->general();
    for (uint32_t i = g.input; i < g.input + g.inputs; ++i) {
      if (graph_.inputs[i].name.compare(0, name.size() + 1, name + "[") == 0) return true;
    }
    return false;
  }

  // Choosable inputs bound to `choose`, and a projection's gateway inputs
  // (the cut Link's rcv: forcing it models a corrupt channel at the receiver).
  bool forceable(uint32_t line) const {
    return graph_.lines[line].source.kind == Endpoint::Kind::Choose || graph_.gatewayIn(line);
  }

  // A value for `line` given from outside the model, which is its domain's
  // to make up: it may hold that domain's signatures only. A projection's
  // gateway input given with --input is what the network delivered (another
  // domain's signed value, relayed), which the network vouches for instead.
  std::optional<Value> typedValue(const std::string& text, uint32_t line, const std::string& what,
                                  bool delivered = false) {
    TypeId type = graph_.lines[line].type;
    ExprError error;
    auto v = parseValue(text, &error);
    if (!v) {
      fail(what + ": '" + text + "': " + error.message);
      return std::nullopt;
    }
    if (!valueFits(*v, type, graph_.types)) {
      fail(what + ": " + v->brief() + " is not " + graph_.types.aName(type));
      return std::nullopt;
    }
    uint32_t domain = graph_.lines[line].domain;
    if (auto signer = delivered ? std::nullopt : foreignSigner(*v, domain)) {
      std::string whose = *signer < static_cast<int64_t>(graph_.domains.size())
                              ? "domain " + std::to_string(*signer) + " (" + graph_.domains[*signer] + ")"
                              : "domain " + std::to_string(*signer) + ", which the model does not have";
      diags_.error("forged-signature", {},
                   what + ": " + v->brief() + " holds a signature of " + whose + ", but the line is in " +
                       graph_.domains[domain] + " (domain " + std::to_string(domain) +
                       "), which can sign only as itself");
      return std::nullopt;
    }
    return v;
  }

  std::optional<uint32_t> domain(const std::string& name) {
    for (uint32_t d = 0; d < graph_.domains.size(); ++d) {
      if (graph_.domains[d] == name) return d;
    }
    fail(flag_ + ": no domain '" + name + "'" + didYouMean(name, graph_.domains) +
         " (the model's domains: " + nameList(graph_.domains) + ")");
    return std::nullopt;
  }

  // The entry resolved next: a faults file's is named by its key (`crash
  // node[2]`) and its diagnostics point at it; a flag's by the flag.
  void entry(const Scenario& s, const char* key, const char* flag, std::string_view name, std::string_view value) {
    at_ = s.writtenAt(key, name, value);
    flag_ = at_.line ? key : flag;
  }

  bool fail(const std::string& message) {
    diags_.error("usage", at_, message);
    return false;
  }
  std::nullopt_t usage(const std::string& message) {
    fail(message);
    return std::nullopt;
  }

  const Graph& graph_;
  const Catalog& catalog_;
  Pos at_{};          // where the entry resolved was written (line 0: a flag)
  std::string flag_;  // how diagnostics name it
  DiagnosticSink& diags_;
  ResolvedScenario r_;
};

}  // namespace

std::optional<ResolvedScenario> resolveScenario(const Scenario& scenario, const Graph& graph, const Catalog& catalog,
                                                DiagnosticSink& diags) {
  return Resolver(graph, catalog, diags).run(scenario);
}

}  // namespace rdc::run
