#include "tools/rdc-run/driver/shrink.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "ir/graph/line_index.h"
#include "ir/graph/unbounded.h"
#include "ir/lang/expr.h"
#include "ir/support/json.h"
#include "ir/tool/load.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-run/driver/sweep.h"
#include "tools/rdc-run/engine/checks.h"
#include "tools/rdc-run/engine/engine.h"
#include "tools/rdc-run/engine/latency.h"

namespace rdc::run {

namespace {

// Beyond this many faults, removed forced values are counted, not listed.
constexpr size_t kListedFaults = 20;
// Rounds of steps 1 to 5 at most (each after the first runs only if the
// one before shrank something; the search's run limit bounds them too).
constexpr size_t kMostRounds = 4;

using Defines = std::vector<std::pair<std::string, std::string>>;

// One fault of a scenario, by its list and its place in it.
struct Fault {
  enum Kind : uint8_t { Crash, Byzantine, Force, Link } kind;
  size_t index;
};

std::vector<Fault> faultsOf(const Scenario& s) {
  std::vector<Fault> out;
  for (size_t i = 0; i < s.crashes.size(); ++i) out.push_back({Fault::Crash, i});
  for (size_t i = 0; i < s.byzantine.size(); ++i) out.push_back({Fault::Byzantine, i});
  for (size_t i = 0; i < s.forces.size(); ++i) out.push_back({Fault::Force, i});
  for (size_t i = 0; i < s.linkLatency.size(); ++i) out.push_back({Fault::Link, i});
  return out;
}

// `base` with only the faults `keep` (in their order: later links still win).
Scenario withFaults(const Scenario& base, const std::vector<Fault>& keep) {
  Scenario s = base;
  s.crashes.clear(), s.byzantine.clear(), s.forces.clear(), s.linkLatency.clear();
  for (const Fault& f : keep) {
    switch (f.kind) {
      case Fault::Crash:
        s.crashes.push_back(base.crashes[f.index]);
        break;
      case Fault::Byzantine:
        s.byzantine.push_back(base.byzantine[f.index]);
        break;
      case Fault::Force:
        s.forces.push_back(base.forces[f.index]);
        break;
      case Fault::Link:
        s.linkLatency.push_back(base.linkLatency[f.index]);
        break;
    }
  }
  return s;
}

std::string describe(const Scenario& s, const Fault& f) {
  switch (f.kind) {
    case Fault::Crash:
      return "crash " + s.crashes[f.index].first + "@" + s.crashes[f.index].second;
    case Fault::Byzantine:
      return "byzantine " + s.byzantine[f.index];
    case Fault::Force:
      return "force " + s.forces[f.index].first + "=" + s.forces[f.index].second;
    case Fault::Link:
      return "link latency " + s.linkLatency[f.index].first + ": " + s.linkLatency[f.index].second;
  }
  return {};
}

// ddmin: a 1-minimal subsequence of `faults` for which `fails` holds
// (it holds for `faults`): no single fault of it can be left out.
template <typename Element>
std::vector<Element> ddmin(std::vector<Element> faults, const std::function<bool(const std::vector<Element>&)>& fails) {
  if (faults.empty() || fails({})) return {};
  size_t n = 2;
  while (faults.size() >= 2) {
    std::vector<std::vector<Element>> parts(n);
    for (size_t i = 0; i < faults.size(); ++i) parts[i * n / faults.size()].push_back(faults[i]);
    bool reduced = false;
    for (const auto& part : parts) {
      if (!part.empty() && fails(part)) {
        faults = part, n = 2, reduced = true;
        break;
      }
    }
    for (size_t p = 0; !reduced && n > 2 && p < n; ++p) {  // with two parts the complements were just tried
      std::vector<Element> rest;
      for (size_t q = 0; q < n; ++q) {
        if (q != p) rest.insert(rest.end(), parts[q].begin(), parts[q].end());
      }
      if (fails(rest)) faults = rest, n = std::max<size_t>(n - 1, 2), reduced = true;
    }
    if (!reduced) {
      if (n >= faults.size()) break;
      n = std::min(2 * n, faults.size());
    }
  }
  return faults;
}

// `ns` cut down to its two leading digits (1562500 to 1500000), so that
// a halved duration still reads in a round unit (1500us, not 1562500ns).
int64_t leadingTwoDigits(int64_t ns) {
  int64_t unit = 1;
  while (ns / unit >= 100) unit *= 10;
  return ns / unit * unit;
}

void setDefine(Defines& defines, const std::string& name, const std::string& value) {
  for (auto& [n, v] : defines) {
    if (n == name) {
      v = value;
      return;
    }
  }
  defines.emplace_back(name, value);
}

// Passes a run's choice points to the schedule of its strategy (none: the
// default's choices) and keeps every lie a Byzantine domain tells, in the
// order told: the lie's line and value (none: honest).
class LieRecorder final : public Schedule {
 public:
  explicit LieRecorder(Schedule* inner) : inner_(inner) {}
  ReadyEvent pick(const ReadySet& ready) override { return inner_ ? inner_->pick(ready) : ready.first(); }
  int64_t delay(const Latency& latency, uint32_t sender, int64_t drawn) override {
    return inner_ ? inner_->delay(latency, sender, drawn) : drawn;
  }
  std::optional<Value> lie(uint32_t line, TypeId type, int64_t options, Value drawn, bool honest) override {
    std::optional<Value> told = inner_ ? inner_->lie(line, type, options, std::move(drawn), honest)
                                       : Schedule::lie(line, type, options, std::move(drawn), honest);
    lies.emplace_back(line, told);
    return told;
  }
  std::vector<std::pair<uint32_t, std::optional<Value>>> lies;

 private:
  Schedule* inner_;
};

class Shrinker {
 public:
  Shrinker(const Catalog& catalog, std::vector<std::string> only) : catalog_(catalog), only_(std::move(only)) {}

  /// The check the search keeps failing: `wanted` if a run of `s` fails
  /// it, else (`wanted` empty) the first one it fails. None, with `why`
  /// set, if the run passes or does not fail `wanted`.
  std::optional<std::string> pickCheck(const ShrinkSubject& s, const std::string& wanted, std::string* why) {
    auto v = judge(s);
    if (!v || !v->fails()) {
      *why = "the run passes: there is nothing to shrink";
      return std::nullopt;
    }
    if (!wanted.empty() && std::find(v->failed.begin(), v->failed.end(), wanted) == v->failed.end()) {
      std::string failed;
      for (const std::string& f : v->failed) failed += (failed.empty() ? "" : ", ") + f;
      *why = "--shrink-check: the run does not fail '" + wanted + "' (it fails " + failed + ")";
      return std::nullopt;
    }
    check_ = wanted.empty() ? v->failed.front() : wanted;
    failedAtRunTime_ = std::find(v->failed.begin(), v->failed.end(), "failure") != v->failed.end();
    return check_;
  }

  /// Whether a run of `s` fails the check (false once the budget is spent,
  /// unless `always`).
  bool fails(const ShrinkSubject& s, bool always = false) {
    if (runs >= kMaxShrinkRuns && !always) return false;
    auto v = judge(s);
    if (!v || std::find(v->failed.begin(), v->failed.end(), check_) == v->failed.end()) return false;
    // A run-time failure the run being shrunk did not have (a spacing of 0
    // hitting --max-live) would make it another run, failing for another reason.
    return failedAtRunTime_ || std::find(v->failed.begin(), v->failed.end(), "failure") == v->failed.end();
  }

  /// The model's parameters under these -D (none if it does not load).
  std::vector<std::pair<std::string, int64_t>> params(const ShrinkSubject& s) {
    Loaded* m = load(s);
    return m ? m->model->graph.params : std::vector<std::pair<std::string, int64_t>>{};
  }

  /// Whether the model derives a parameter from others (`maj: n / 2 + 1`):
  /// it follows them as they shrink, and lowered on its own it would be
  /// another model (a quorum too small to mean one), not a smaller run.
  bool derived(const ShrinkSubject& s, const std::string& name) {
    Loaded* m = load(s);
    if (!m) return false;
    for (const ParamDecl& p : m->model->model.params) {
      if (p.name == name) return p.value && p.value->expr && !freeNames(*p.value->expr).empty();
    }
    return false;
  }

  /// `s` with every lie its run tells written as a forced value, and its
  /// Byzantine domains lying only where forced (--lies forced): the same
  /// run, whose lies ddmin can then drop one by one (an unforced choice is
  /// honest). A schedule: keeps its other choices. None when there is
  /// nothing to turn (no lie, or lies only where forced already). A lie in
  /// a later iteration of an unbounded box is forced on its line there
  /// (`rb[7].echo[1]...`), as a force may name any iteration.
  std::optional<ShrinkSubject> liesAsForces(const ShrinkSubject& s, size_t* count) {
    if (s.scenario.byzantine.empty() || s.scenario.liesForced) return std::nullopt;
    Loaded* m = load(s);
    if (!m) return std::nullopt;
    DiagnosticSink quiet;
    auto resolved = resolveScenario(s.scenario, m->model->graph, catalog_, quiet);
    if (!resolved) return std::nullopt;
    const Graph& graph = m->model->graph;
    LieCandidates candidates = lieCandidates(graph, resolved->config.forces);
    auto schedule = makeSchedule(s.strategy, s.seed, graph, messageCount(graph, catalog_), &candidates);
    LieRecorder recorder(schedule.get());
    resolved->config.schedule = &recorder;
    resolved->config.seed = s.seed;
    m->simulator->run(resolved->config);
    ++runs;
    ShrinkSubject out = s;
    out.scenario.liesForced = true;
    LineIndex index(graph, catalog_);
    *count = 0;
    for (const auto& [line, told] : recorder.lies) {
      if (!told) continue;
      std::string path;
      if (line < graph.lines.size()) {
        path = index.paths()[line];
      } else {  // (a run's line past the graph's: only an unbounded box adds them)
        IterationLine at = iterationLine(*graph.unbounded, static_cast<uint32_t>(graph.lines.size()), line);
        path = iterationName(index.paths()[at.line], at.k);
      }
      out.scenario.forces.emplace_back(std::move(path), told->str());
      ++*count;
    }
    // A schedule:'s lie points: a told lie is forced now (no point); an
    // honest choice is still a point, whose option 0 is now the honest one.
    if (auto* choices = dynamic_cast<ChoiceSchedule*>(schedule.get())) {
      std::vector<uint32_t> kept;
      size_t lie = 0;
      for (size_t i = 0; i < choices->taken().size(); ++i) {
        if (!choices->lies()[i]) {
          kept.push_back(choices->taken()[i]);
        } else if (!recorder.lies[lie++].second) {
          kept.push_back(0);
        }
      }
      out.strategy.choices = std::move(kept);
    }
    return out;
  }

  uint64_t runs = 0;
  /// The Byzantine domains of the run being shrunk.
  std::set<std::string> liars;

 private:
  struct Loaded;
  // A run of `s`; none if its model does not lint or its scenario does not resolve.
  std::optional<Verdict> judge(const ShrinkSubject& s) {
    Loaded* m = load(s);
    if (!m) return std::nullopt;
    DiagnosticSink quiet;
    auto resolved = resolveScenario(s.scenario, m->model->graph, catalog_, quiet);
    if (!resolved || blamesTheHonest(m->model->graph, *resolved)) return std::nullopt;
    ++runs;
    return run(*m, *resolved, s);
  }

  // Whether a candidate keeps a forced value (a lie) on a domain that was
  // Byzantine in the run being shrunk but is not in the candidate: that
  // would pin the liar's lie on a correct node. A lie and its liar go together.
  bool blamesTheHonest(const Graph& graph, const ResolvedScenario& resolved) const {
    for (const auto& [line, value] : resolved.config.forces) {
      uint32_t general = line;  // (a later iteration's line: the general iteration's stands for it)
      if (line >= graph.lines.size())
        general = iterationLine(*graph.unbounded, static_cast<uint32_t>(graph.lines.size()), line).line;
      uint32_t d = graph.lines[general].domain;
      if (d < graph.domains.size() && !resolved.config.byzantine[d] && liars.count(graph.domains[d])) return true;
    }
    return false;
  }

  // A run of the resolved scenario under the subject's strategy, judged.
  Verdict run(Loaded& m, ResolvedScenario& resolved, const ShrinkSubject& s) {
    const Graph& graph = m.model->graph;
    LieCandidates lies = lieCandidates(graph, resolved.config.forces);
    auto schedule = makeSchedule(s.strategy, s.seed, graph, messageCount(graph, catalog_), &lies);
    resolved.config.schedule = schedule.get();
    return judgeSeed(*m.simulator, *m.checks, graph, resolved.config, resolved.correct, s.seed);
  }

  struct Loaded {
    std::unique_ptr<LoadedModel> model;
    std::unique_ptr<Simulator> simulator;
    std::unique_ptr<CheckEvaluator> checks;
  };
  // The model under the subject's -D, loaded once (nullptr if it does not
  // lint); a few are kept, since the search tries one -D at a time.
  Loaded* load(const ShrinkSubject& s) {
    auto it = models_.find(s.defines);
    if (it != models_.end()) return it->second.get();
    if (models_.size() >= 8) models_.clear();
    DiagnosticSink quiet;
    std::unique_ptr<Loaded> m;
    if (auto loaded = loadModelFile(s.model, catalog_, {s.defines, s.elab}, quiet)) {
      m = std::make_unique<Loaded>();
      m->model = std::make_unique<LoadedModel>(std::move(*loaded));
      m->simulator = std::make_unique<Simulator>(m->model->graph, catalog_);
      m->checks = std::make_unique<CheckEvaluator>(m->model->model, m->model->graph);
      if (!only_.empty()) m->checks->select(only_);  // (the run refused a name the model has no check of)
    }
    return (models_[s.defines] = std::move(m)).get();
  }

  std::string check_;
  bool failedAtRunTime_ = false;  // the run being shrunk failed at run time too
  const Catalog& catalog_;
  std::vector<std::string> only_;  // --check
  std::map<Defines, std::unique_ptr<Loaded>> models_;
};

// Steps 1 to 5 of a shrink (docs/tools.md#shrinking), once, on `s`: each
// keeps a smaller candidate only if it still fails, and says what it
// changed in `steps`.
void shrinkRound(Shrinker& shrinker, const ShrinkGoal& goal, ShrinkSubject& s, std::vector<std::string>& steps) {
  // 1. Fewer faults.
  std::vector<Fault> all = faultsOf(s.scenario);
  size_t removed[2] = {0, 0};  // (other faults, forced values)
  std::vector<Fault> kept = ddmin<Fault>(all, [&](const std::vector<Fault>& keep) {
    ShrinkSubject c = s;
    c.scenario = withFaults(s.scenario, keep);
    return shrinker.fails(c);
  });
  for (const Fault& f : all) {
    bool stays =
        std::any_of(kept.begin(), kept.end(), [&](const Fault& k) { return k.kind == f.kind && k.index == f.index; });
    if (!stays) ++removed[f.kind == Fault::Force ? 1 : 0];
    if (!stays && (f.kind != Fault::Force || all.size() <= kListedFaults))
      steps.push_back("removed " + describe(s.scenario, f));
  }
  if (all.size() > kListedFaults && removed[1] > 0)
    steps.push_back("removed " + std::to_string(removed[1]) + " forced values");
  s.scenario = withFaults(s.scenario, kept);

  // 2. Earlier crashes: at 0, else halved (to two leading digits, as
  // latencies are) while the check still fails.
  for (auto& [domain, at] : s.scenario.crashes) {
    std::string unused;
    auto original = parseDuration(at, &unused);
    if (!original || *original == 0) continue;
    auto failsAt = [&](int64_t time) {
      std::string kept = std::exchange(at, durationString(time));
      if (shrinker.fails(s)) return true;
      at = kept;
      return false;
    };
    int64_t time = *original;
    if (failsAt(0)) time = 0;
    while (time > 1 && failsAt(leadingTwoDigits(time / 2))) time = leadingTwoDigits(time / 2);
    if (time != *original)
      steps.push_back("moved crash " + domain + " from " + durationString(*original) + " to " + durationString(time));
  }

  // 3. Smaller parameters (but those the goal keeps): each halved, else
  // lowered by a quarter, an eighth, ... or by one (the largest drop that
  // still fails, so a parameter of 10,000 takes tens of runs, not
  // thousands), while the model lints, the scenario still names what it
  // has, and the check fails.
  if (s.model != "-") {
    for (const auto& [name, original] : shrinker.params(s)) {
      if (std::find(goal.keep.begin(), goal.keep.end(), name) != goal.keep.end()) continue;
      bool given = std::any_of(s.defines.begin(), s.defines.end(), [&](const auto& d) { return d.first == name; });
      if (!given && shrinker.derived(s, name)) continue;
      int64_t value = original;
      for (bool lowered = true; lowered && value > 0;) {
        lowered = false;
        std::vector<int64_t> tries = {value / 2};
        for (int64_t drop = value / 4; drop >= 1; drop /= 2) tries.push_back(value - drop);
        if (tries.back() != value - 1 && value - 1 != value / 2) tries.push_back(value - 1);
        for (int64_t c : tries) {
          ShrinkSubject candidate = s;
          setDefine(candidate.defines, name, std::to_string(c));
          if (!shrinker.fails(candidate)) continue;
          s = std::move(candidate), value = c, lowered = true;
          break;
        }
      }
      if (value != original) {
        steps.push_back("lowered -D " + name + "=" + std::to_string(original) + " to " + std::to_string(value));
      }
    }
  }

  // 4. Shorter latencies: the network's, then each link's.
  auto shorten = [&](std::string& spec, const std::string& what) {
    std::string original = spec;
    for (int step = 0; step < 64; ++step) {
      auto next = shorterLatency(spec);
      if (!next) break;
      std::string kept = spec;
      spec = *next;
      if (!shrinker.fails(s)) {
        spec = kept;
        break;
      }
    }
    if (spec != original) steps.push_back("shortened " + what + " " + original + " to " + spec);
  };
  shorten(s.scenario.latency, "latency");
  for (auto& [glob, spec] : s.scenario.linkLatency) shorten(spec, "link latency " + glob);

  // 5. A simpler schedule: a schedule:'s choices back to the first option,
  // the last first; a pct:D's depth lowered.
  Strategy& strategy = s.strategy;
  std::string before = strategyText(strategy);
  for (size_t i = strategy.choices.size(); i > 0 && strategy.kind == Strategy::Kind::Choices; --i) {
    uint32_t kept = strategy.choices[i - 1];
    if (kept == 0) continue;
    strategy.choices[i - 1] = 0;
    if (!shrinker.fails(s)) strategy.choices[i - 1] = kept;
  }
  while (strategy.kind == Strategy::Kind::Pct && strategy.depth > 1) {
    --strategy.depth;
    if (shrinker.fails(s)) continue;
    ++strategy.depth;
    break;
  }
  if (strategyText(strategy) != before)
    steps.push_back("simplified --strategy " + before + " to " + strategyText(strategy));
}

}  // namespace

std::optional<std::string> shorterLatency(const std::string& spec) {
  auto l = Latency::parse(spec, nullptr);
  if (!l || l->lost) return std::nullopt;  // a lost Link is dropped as a whole fault, not shortened
  switch (l->kind) {
    case Latency::Kind::Uniform: {
      // The width halved, in a unit a thousandth of the low end's own (so
      // 1ms..1045us, not 1ms..1000003ns); none left: the low end alone.
      int64_t unit = 1;
      while (l->a % (unit * 10) == 0 && l->a / (unit * 10) > 0) unit *= 10;
      unit = std::max<int64_t>(1, unit / 1000);
      int64_t width = leadingTwoDigits((l->b - l->a) / 2) / unit * unit;
      if (width == 0)
        l->kind = Latency::Kind::Constant;
      else
        l->b = l->a + width;
      break;
    }
    case Latency::Kind::Constant:
    case Latency::Kind::Exponential:
      if (l->a == 0) return std::nullopt;
      l->a = leadingTwoDigits(l->a / 2);
      break;
  }
  return l->str();
}

std::optional<std::string> goalFault(const ShrinkGoal& goal, const LoadedModel& model) {
  const auto& params = model.graph.params;
  for (const std::string& name : goal.keep) {
    if (std::none_of(params.begin(), params.end(), [&](const auto& p) { return p.first == name; }))
      return "--shrink-keep: the model has no parameter '" + name + "'";
  }
  if (!goal.check.empty() && goal.check != "failure" && !model.model.checkIndex(goal.check))
    return "--shrink-check: the model has no check '" + goal.check + "'";
  if (!goal.check.empty() && goal.check != "failure" && !goal.only.empty() &&
      std::find(goal.only.begin(), goal.only.end(), goal.check) == goal.only.end())
    return "--shrink-check: '" + goal.check + "' is not one of the checks --check evaluates";
  return std::nullopt;
}

std::optional<Shrunk> shrink(const ShrinkSubject& subject, const ShrinkGoal& goal, const Catalog& catalog,
                             std::string* why) {
  Shrinker shrinker(catalog, goal.only);
  shrinker.liars.insert(subject.scenario.byzantine.begin(), subject.scenario.byzantine.end());
  auto check = shrinker.pickCheck(subject, goal.check, why);
  if (!check) return std::nullopt;
  Shrunk out;
  out.subject = subject;
  out.check = *check;
  ShrinkSubject& s = out.subject;

  // 0. Lies as forced values: the Byzantine domains lie only where forced,
  // so that dropping a forced value leaves an honest choice.
  size_t lies = 0;
  if (auto forced = shrinker.liesAsForces(s, &lies); forced && shrinker.fails(*forced)) {
    s = std::move(*forced);
    out.steps.push_back("turned " + std::to_string(lies) + " lies into forced values (lies: forced)");
  }

  // Steps 1 to 5 in rounds, until a round shrinks nothing: a step can
  // open the way for an earlier one (a parameter that could not be lowered
  // under a long latency may be once it is shortened).
  for (size_t round = 0; round < kMostRounds; ++round) {
    size_t stepsBefore = out.steps.size();
    shrinkRound(shrinker, goal, s, out.steps);
    if (out.steps.size() == stepsBefore) break;
  }
  // 6. The result as its faults file says it (what the user reruns), run
  // once more: should it pass, the original run is returned instead.
  Scenario reread;
  reread.until = s.scenario.until, reread.iterations = s.scenario.iterations;
  reread.maxLive = s.scenario.maxLive, reread.seed = s.scenario.seed;
  DiagnosticSink quiet;
  ShrinkSubject again = s;
  bool read = reread.addFaultsText(faultsYaml(s.scenario), "shrunk.yaml", quiet);
  again.scenario = reread;
  if (!read || !shrinker.fails(again, true)) {
    out.subject = subject;
    out.steps = {"the shrunk run did not fail when read back from its faults file: kept the original run"};
  }
  out.runs = shrinker.runs;
  return out;
}

std::string strategyText(const Strategy& strategy) {
  switch (strategy.kind) {
    case Strategy::Kind::Random:
      return "random";
    case Strategy::Kind::Pct:
      return "pct:" + std::to_string(strategy.depth);
    case Strategy::Kind::Exhaustive:
      return "exhaustive";
    case Strategy::Kind::Choices:
      return Strategy::scheduleText(strategy.choices);
  }
  return "random";
}

std::string faultsYaml(const Scenario& s) {
  YAML::Emitter e;
  e << YAML::BeginMap;
  auto pairs = [&](const char* key, const NamedTexts& list) {
    if (list.empty()) return;
    e << YAML::Key << key << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : list) e << YAML::Key << k << YAML::Value << v;
    e << YAML::EndMap;
  };
  if (!s.byzantine.empty()) {
    e << YAML::Key << "byzantine" << YAML::Value << YAML::BeginSeq;
    for (const std::string& d : s.byzantine) e << d;
    e << YAML::EndSeq;
    if (s.liesForced) e << YAML::Key << "lies" << YAML::Value << "forced";
  }
  pairs("crash", s.crashes);
  pairs("force", s.forces);
  pairs("inputs", s.inputs);
  e << YAML::Key << "latency" << YAML::Value << s.latency;
  pairs("links", s.linkLatency);
  e << YAML::EndMap;
  return std::string(e.c_str()) + "\n";
}

std::string shrunkCommand(const std::vector<std::string>& argv, const Shrunk& shrunk, const std::string& faultsFile) {
  // What the shrunk -D, faults file and seed replace, and what a single run does not take; each with its value.
  static const std::set<std::string> replaced = {"--seed",  "--seeds",     "--shard",        "--jobs",      "--trace",
                                                 "--crash", "--force",     "--faults",       "--byzantine", "--latency",
                                                 "--input", "--shrink",    "--shrink-check", "--strategy",  "--budget",
                                                 "--lies",  "--lie-bound", "--shrink-keep",  "--link"};
  std::string out;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (replaced.count(a) || a == "-D") {
      ++i;
      continue;
    }
    if (a == "--json" || (a.size() > 2 && a.rfind("-D", 0) == 0) || replaced.count(a.substr(0, a.find('=')))) continue;
    out += (out.empty() ? "" : " ") + shellQuote(a);
  }
  for (const auto& [name, value] : shrunk.subject.defines) out += " -D " + shellQuote(name + "=" + value);
  out += " --faults " + shellQuote(faultsFile);
  if (shrunk.subject.strategy.kind != Strategy::Kind::Random)
    out += " --strategy " + strategyText(shrunk.subject.strategy);
  return out + " --seed " + std::to_string(shrunk.subject.seed);
}

int reportShrunk(const Shrunk& shrunk, const std::string& faultsFile, const std::vector<std::string>& argv, bool json,
                 DiagnosticSink& diags) {
  std::string yaml = faultsYaml(shrunk.subject.scenario);
  if (!writeOutput(faultsFile, yaml, diags)) return kExitBadInput;
  std::string command = shrunkCommand(argv, shrunk, faultsFile);
  if (json) {
    Json defines = Json::object();
    for (const auto& [name, value] : shrunk.subject.defines) defines[name] = value;
    std::cout << jsonText({{"shrunk",
                            {{"seed", exactInteger(shrunk.subject.seed)},
                             {"strategy", strategyText(shrunk.subject.strategy)},
                             {"check", shrunk.check},
                             {"steps", shrunk.steps},
                             {"runs", shrunk.runs},
                             {"defines", defines},
                             {"faults_file", faultsFile},
                             {"faults", yaml},
                             {"repro", command}}}})
              << "\n";
  } else {
    std::cout << "shrinking seed " << shrunk.subject.seed << ", which fails " << shrunk.check << ": " << shrunk.runs
              << " runs tried\n";
    for (const std::string& step : shrunk.steps) std::cout << "  " << step << "\n";
    if (shrunk.steps.empty()) std::cout << "  nothing smaller fails it\n";
    std::cout << "faults file " << displayName(faultsFile) << ":\n";
    size_t from = 0;
    for (size_t nl; (nl = yaml.find('\n', from)) != std::string::npos; from = nl + 1) {
      std::cout << "  " << yaml.substr(from, nl - from) << "\n";
    }
    std::cout << "reproduce: " << command << "\n";
  }
  return kExitNo;
}

}  // namespace rdc::run
