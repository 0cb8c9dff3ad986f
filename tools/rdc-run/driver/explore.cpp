// Runner: schedule strategies (--strategy), the exhaustive search, and
// invariants checked during a run (--invariant).
#include <algorithm>
#include <iostream>

#include "ir/support/json.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-run/driver/runner.h"
#include "tools/rdc-run/driver/sweep.h"

namespace rdc::run {

namespace {

// `1 schedule`, `34 schedules`.
std::string schedules(uint64_t n) { return std::to_string(n) + (n == 1 ? " schedule" : " schedules"); }

}  // namespace

bool Runner::prepareExploration() {
  std::string error;
  // A replay follows the strategy its trace was made under, so that the
  // events of each instant come in the recorded order too.
  const std::string& spec = given_.strategy.empty() ? options_.strategy : given_.strategy;
  auto strategy = Strategy::parse(spec, &error);
  if (!strategy && !given_.strategy.empty()) {
    diags_.error("trace-malformed", {}, "the trace's strategy: " + error);
    return false;
  }
  if (!strategy) return usage("--strategy: " + error);
  strategy_ = std::move(*strategy);
  bool repeatable = strategy_.kind == Strategy::Kind::Pct || strategy_.kind == Strategy::Kind::Choices;
  reproStrategy_ = repeatable ? spec : "";
  for (const std::string& name : invariants_) {
    std::optional<size_t> check = loaded_.model.checkIndex(name);
    if (!check) return usage("--invariant: the model has no check named '" + name + "'");
    if (checks_.overIterations(*check))
      return usage("--invariant: '" + name + "' is checked over the iterations of " + graph_.unbounded->label() +
                   " as each retires, not as an invariant");
  }
  if (!checkNames_.empty()) {
    std::vector<std::string> names = checkNames_;
    names.insert(names.end(), invariants_.begin(), invariants_.end());
    if (auto unknown = checks_.select(names)) return usage("--check: the model has no check named '" + *unknown + "'");
  }
  if (options_.lieBound >= 0 && strategy_.kind != Strategy::Kind::Exhaustive)
    return usage("--lie-bound: only with --strategy exhaustive");
  if (options_.budgetGiven && strategy_.kind != Strategy::Kind::Exhaustive)
    return usage("--budget: only with --strategy exhaustive");
  links_ = messageCount(graph_, catalog_);
  bool searched = strategy_.kind == Strategy::Kind::Exhaustive || strategy_.kind == Strategy::Kind::Choices;
  if (searched) lies_ = lieCandidates(graph_, config_.forces);
  return true;
}

void Runner::armRun(uint64_t seed, RunConfig& config, Arms& arms) const {
  arms.schedule = makeSchedule(strategy_, seed, graph_, links_, &lies_);
  if (strategy_.kind != Strategy::Kind::Exhaustive) config.schedule = arms.schedule.get();
  arms.watch.runner = this;
  arms.watch.config = &config;
  arms.watch.violation.reset();
  config.watch = invariants_.empty() ? nullptr : &arms.watch;
}

bool Runner::InvariantWatch::instantEnds(int64_t time, std::span<const OutputValue> outputs) {
  RunResult partial;
  partial.outputs.assign(outputs.begin(), outputs.end());
  const auto& invariants = runner->invariants_;
  for (const CheckResult& c : runner->checks_.evaluate(partial, *config, runner->correct_)) {
    if (c.pass || std::find(invariants.begin(), invariants.end(), c.name) == invariants.end()) continue;
    violation = CheckResult{c.name, false, "at " + Value::duration(time).str() + ": " + c.why};
    return true;
  }
  return false;
}

std::vector<CheckResult> Runner::checksOf(const RunResult& result, const std::vector<bool>& correct,
                                          const std::vector<std::string>* iterationFailures) const {
  if (result.stopped && arms_.watch.violation) return {*arms_.watch.violation};
  return checks_.evaluate(result, config_, correct, iterationFailures);
}

int Runner::explore(uint64_t seed, uint64_t budget) {
  config_.seed = seed;
  armRun(seed, config_, arms_);
  std::vector<uint32_t> failing;
  uint64_t explored = 0;
  bool exhausted = false;
  std::string why;
  // Delay bounding (Emmi, Qadeer, Rakamaric, POPL 2011): pass b runs every
  // schedule with at most b choices other than the first option, depth
  // first, so that few deviations anywhere in the run come before many at
  // its end. At each point the search tries the other options before
  // option 0, so deviations at the run's first points, which change most
  // of what follows, come before those at its end. With --lie-bound K, lies have a bound of their own: pass b
  // runs every schedule with at most K lies and b other deviations, so
  // pass 0 tries the lies alone. A pass repeats the schedules of the one
  // before (a stateless search learns a schedule's points by running it).
  auto passBound = [&](size_t b) {
    DeviationBound bound;
    if (options_.lieBound < 0) {
      bound.total = b;
    } else {
      bound.schedule = b;
      bound.lies = static_cast<size_t>(options_.lieBound);
    }
    return bound;
  };
  for (size_t pass = 0; explored < budget && why.empty() && !exhausted; ++pass) {
    DeviationBound bound = passBound(pass), wider = passBound(pass + 1);
    std::vector<uint32_t> choices;
    bool beyond = false;  // a schedule of this pass could deviate once more
    while (explored < budget) {
      ChoiceSchedule schedule(choices, &lies_, bound);
      config_.schedule = &schedule;
      arms_.watch.violation.reset();
      Verdict verdict = judgeSeed(simulator_, checks_, graph_, config_, correct_, seed, &arms_.watch.violation);
      // With --invariant, the search looks for a violation of one of them only.
      if (invariants_.empty() || arms_.watch.violation) why = verdict.why;
      config_.schedule = nullptr;
      ++explored;
      if (!why.empty()) {
        failing = schedule.taken();
        break;
      }
      const auto& taken = schedule.taken();
      const auto& options = schedule.options();
      const auto& lie = schedule.lies();
      size_t lies = 0, others = 0;
      for (size_t i = 0; i < taken.size(); ++i) (lie[i] ? lies : others) += taken[i] != 0;
      for (size_t i = 0; i < taken.size() && !beyond; ++i) {
        beyond =
            !taken[i] && options[i] > 1 && !bound.allows(lie[i], lies, others) && wider.allows(lie[i], lies, others);
      }
      auto next = nextSchedule(taken, options);
      if (!next) {
        exhausted = !beyond;
        break;
      }
      choices = std::move(*next);
    }
  }
  std::vector<uint32_t>& choices = failing;
  std::string space = !why.empty() ? "stopped at the first failing schedule"
                      : exhausted  ? std::string("the space is exhausted")
                                   : "the space is not exhausted (--budget " + std::to_string(budget) + ")";
  if (why.empty()) {
    if (!options_.trace.empty())
      diags_.warning("unused-flag", {}, "--trace: no schedule failed, so no run was traced (" + space + ")");
    if (options_.json) {
      std::cout << jsonText({{"explored", explored}, {"exhausted", exhausted}, {"failed", nullptr}}) << "\n";
    } else {
      std::cout << "exhaustive: " << schedules(explored) << " explored, none failed; " << space << "\n";
    }
    return kExitOk;
  }
  // The failing schedule, as one run: printed (and traced) like any other.
  reproStrategy_ = Strategy::scheduleText(choices);
  if (options_.json) {
    std::cout << jsonText({{"explored", explored},
                           {"exhausted", false},
                           {"failed", {{"schedule", reproStrategy_}, {"why", why}, {"repro", repro(seed)}}}})
              << "\n";
  } else {
    std::cout << "exhaustive: " << schedules(explored) << " explored; schedule " << explored << " fails: " << why
              << "\n  reproduce: " << repro(seed) << "\n";
  }
  strategy_.kind = Strategy::Kind::Choices;
  strategy_.choices = choices;
  if (options_.json) {  // the JSON summary is the report; the failing run is still traced
    if (!options_.trace.empty() && single(seed, false) == kExitBadInput) return kExitBadInput;
    return kExitNo;
  }
  return single(seed) == kExitOk ? kExitOk : kExitNo;
}

}  // namespace rdc::run
