"""Schedule strategies (--strategy pct:D, exhaustive, schedule:...) and invariants
checked during a run (--invariant): each strategy finds the broken variants'
failures, its reproduce command and its trace's replay fail the same way, the
same strategy seed gives the same trace bytes, and an invariant is reported at
the time it first fails, with the trace cut there."""
import json
import os
import re
import shlex
import tempfile
import unittest

from rdctest import EXAMPLES, jsonl_parts, read_bytes, run, tool, write

RUN = tool("rdc-run")
# Three votes at one instant: the first to arrive is the value.
RACE = """rdc: 1
system:
  body:
    - Quorum<3, 1> q:
        'votes[0]': const 1 -> drop
        'votes[1]': const 2 -> drop
        'votes[2]': const 3 -> drop
        value: choose -> output value
checks:
  first: "%s"
"""
# b[0] chooses what it outputs; another domain's line has the same type.
LIES = """rdc: 1
domains:
  a: 1
  b: 1
system:
  body:
    - Def d @ b[0]:
        x: const 7 -> drop
        y: choose -> output got
    - Def other @ a[0]:
        x: const 1 -> drop
        y: choose -> output seen
checks:
  honest: "%s"
"""
TRACE = tool("rdc-trace")
BRACHA = os.path.join(EXAMPLES, "bracha", "bracha.rdc.yaml")
TENDERMINT = os.path.join(EXAMPLES, "tendermint", "tendermint.rdc.yaml")
LOST_LOCK = os.path.join(EXAMPLES, "tendermint", "scenarios", "lost-lock.yaml")

# The broken variants: Bracha whose quorums are f+1 (-D f=2 with n = 4) under
# a Byzantine sender, and Tendermint without the lock rule under lost-lock.
BROKEN = {
    "bracha": [BRACHA, "-D", "f=2", "--byzantine", "node[0]"],
    "tendermint": [TENDERMINT, "-D", "lockRule=0", "--faults", LOST_LOCK],
}


# How each strategy is given its budget on each broken variant: a sweep of
# seeds (random, pct:3), or searches of --budget schedules from a few seeds
# (exhaustive with --lie-bound). Tendermint's search starts from the run
# where node[1] lies only where lost-lock.yaml forces it (--lies forced):
# under random lies it tells hundreds, most of which silence it.
SEARCH = {
    "bracha": ["--strategy", "exhaustive", "--lie-bound", "1", "--budget", "20"],
    "tendermint": ["--lies", "forced", "--strategy", "exhaustive", "--lie-bound", "1", "--budget", "100",
                   "--invariant", "agreement"],
}
SEARCH_SEEDS = {"bracha": range(60), "tendermint": range(1, 10)}
SWEEP_SEEDS = "0..399"


def failing_seeds(args, strategy, seeds="0..199"):
    """The seeds of a sweep under a strategy that fail agreement, with their reproduce commands."""
    code, out, err = run([RUN, *args, "--strategy", strategy, "--seeds", seeds, "--json"], timeout=300)
    assert code in (0, 1), err
    return [f for f in json.loads(out)["failed"] if f["why"].startswith("agreement")]


def first_search_failure(name):
    """The first failing schedule an exhaustive search with --lie-bound finds
    on a broken variant, from the first of its seeds that finds one."""
    for seed in SEARCH_SEEDS[name]:
        code, out, err = run([RUN, *BROKEN[name], *SEARCH[name], "--seed", str(seed), "--json"], timeout=300)
        assert code in (0, 1), err
        report = json.loads(out)
        failed = report["failed"]
        if failed and failed["why"].startswith("agreement"):
            return seed, report
    return None, None


class Strategies(unittest.TestCase):
    def assert_reproduces(self, repro, why):
        """The printed command fails with the same reason, and the trace it
        writes replays to the same failure."""
        with tempfile.TemporaryDirectory() as d:
            trace = os.path.join(d, "t.trace")
            code, out, _ = run(shlex.split(repro) + ["--trace", trace], timeout=120)
            self.assertEqual(code, 1, out)
            text = out.decode()
            first_check = why.split(";")[0].split(":")[0]
            self.assertIn("check %s: fail" % first_check, text)
            model = shlex.split(repro)[1]
            again = os.path.join(d, "again.trace")
            code, replayed, _ = run([RUN, model, "--replay", trace, "--trace", again], timeout=120)
            self.assertEqual(code, 1)
            # Every output and check line of the replay is the same as the run's,
            # and so is its trace, byte for byte: the replay follows the recorded strategy.
            self.assertEqual(replayed.decode(), text)
            with open(trace, "rb") as a, open(again, "rb") as b:
                self.assertEqual(a.read(), b.read())

    def test_pct_finds_each_broken_variant_and_its_command_reproduces_it(self):
        for name, args in BROKEN.items():
            with self.subTest(name):
                failed = failing_seeds(args, "pct:3")
                self.assertTrue(failed, "pct:3 found no agreement failure in 200 seeds of " + name)
                self.assertIn("--strategy pct:3", failed[0]["repro"])
                self.assert_reproduces(failed[0]["repro"], failed[0]["why"])

    def test_exhaustive_finds_the_broken_bracha_and_its_schedule_reproduces_it(self):
        # (Tendermint's lost lock needs more than the budget a test can spend: see
        # bench/explore_bench.py.)
        found = None
        for seed in range(60):
            code, out, err = run([RUN, *BROKEN["bracha"], "--strategy", "exhaustive", "--budget", "20",
                                  "--seed", str(seed), "--json"], timeout=300)
            self.assertIn(code, (0, 1), err)
            report = json.loads(out)
            self.assertLessEqual(report["explored"], 20)
            if report["failed"] and report["failed"]["why"].startswith("agreement"):
                found = report["failed"]
                break
        self.assertIsNotNone(found, "no schedule failing agreement within 20 of seeds 0..59")
        self.assertRegex(found["repro"], r"--strategy schedule:[0-9.]* --seed \d+$")
        self.assert_reproduces(found["repro"], found["why"])

    def test_exhaustive_search_finds_what_the_seeded_order_hides(self):
        # A race the seeded order wins: the search tries the other orders.
        with tempfile.TemporaryDirectory() as d:
            probe = write(d, "probe.rdc.yaml", RACE % "value >= 1")
            _, out, _ = run([RUN, probe, "--seed", "0", "--json"])
            seen = json.loads(out)["outputs"]["value"]["value"]
            model = write(d, "race.rdc.yaml", RACE % ("value == " + seen))
            code, _, _ = run([RUN, model, "--seed", "0"])
            self.assertEqual(code, 0)
            code, out, _ = run([RUN, model, "--strategy", "exhaustive", "--seed", "0"])
            self.assertEqual(code, 1)
            m = re.match(r"exhaustive: (\d+) schedules explored; schedule \d+ fails: first: .*\n"
                         r"  reproduce: (.*)\n", out.decode())
            self.assertTrue(m, out)
            self.assertGreater(int(m.group(1)), 1)
            self.assert_reproduces(m.group(2), "first")

    def test_exhaustive_searches_the_byzantine_lies(self):
        # b[0] is Byzantine: the seed's lie (an Int of 0..3) passes both
        # checks; the honest value (7) fails one, and a value the scenario
        # forces elsewhere (9) the other: the search tries both.
        with tempfile.TemporaryDirectory() as d:
            for check, expect in (("got != 7", "schedule:1"), ("got != 9", "schedule:2")):
                with self.subTest(check):
                    model = write(d, "lies.rdc.yaml", LIES % check)
                    args = [RUN, model, "--byzantine", "b[0]", "--force", "other.y=9", "--seed", "0"]
                    code, _, err = run(args)
                    self.assertEqual(code, 0, err)  # the seed's lie passes
                    code, out, _ = run([*args, "--strategy", "exhaustive", "--json"])
                    self.assertEqual(code, 1)
                    failed = json.loads(out)["failed"]
                    self.assertEqual(failed["schedule"], expect)
                    self.assert_reproduces(failed["repro"], failed["why"])

    def test_with_an_invariant_the_search_stops_only_at_its_violation(self):
        # `never` fails every schedule at its end; the search looks past it for `honest`.
        with tempfile.TemporaryDirectory() as d:
            model = write(d, "lies.rdc.yaml", LIES % "has(got) => got != 7" + "  never: seen == 2\n")
            args = [RUN, model, "--byzantine", "b[0]", "--strategy", "exhaustive", "--seed", "0", "--json"]
            _, out, _ = run(args)
            self.assertEqual((json.loads(out)["explored"], json.loads(out)["failed"]["why"][:6]), (1, "never:"))
            code, out, _ = run([*args, "--invariant", "honest"])
            self.assertEqual(code, 1)
            failed = json.loads(out)["failed"]
            self.assertEqual((failed["schedule"], failed["why"][:7]), ("schedule:1", "honest:"))

    def test_an_invariant_is_read_at_the_end_of_an_instant(self):
        # b is made in the instant a is: read at a's event, `has(a) => a == b`
        # failed on half of the seeds; at the end of the instant it holds.
        # A violation still stops the run at its instant: b at 1ms.
        with tempfile.TemporaryDirectory() as d:
            model = write(d, "inv.rdc.yaml", """rdc: 1
system:
  body:
    - Def d:
        x: input a as Int -> output a
        y: choose -> output b
    - Def e:
        x: input c as Int = 5 at 1ms -> output c
        y: choose -> output f
checks:
  same: "has(a) => a == b"
  late: "!has(c)"
""")
            code, out, err = run([RUN, model, "--invariant", "same", "--seeds", "0..31", "--json"])
            self.assertEqual(code, 1, err)  # (`late` fails at each run's end)
            self.assertEqual([f["why"][:5] for f in json.loads(out)["failed"]], ["late:"] * 32)
            code, out, err = run([RUN, model, "--invariant", "late", "--seed", "3"])
            self.assertEqual(code, 1, err)
            self.assertIn("check late: fail (at 1ms: ", out.decode())
            self.assertIn("f = 5 @ 1ms", out.decode())  # made in the violation's instant: it happened

    def test_each_strategy_is_deterministic_from_its_seed(self):
        args = BROKEN["bracha"] + ["--latency", "uniform:1ms..5ms"]
        for strategy in ["random", "pct:2", "pct:4", "schedule:1.0.2.1"]:
            with self.subTest(strategy), tempfile.TemporaryDirectory() as d:
                traces = []
                for i in range(2):
                    path = os.path.join(d, "%d.trace" % i)
                    run([RUN, *args, "--strategy", strategy, "--seed", "5", "--trace", path])
                    traces.append(read_bytes(path))
                self.assertEqual(traces[0], traces[1])

    def test_the_default_strategy_is_the_seeded_random_schedule(self):
        with tempfile.TemporaryDirectory() as d:
            plain, named = os.path.join(d, "a.trace"), os.path.join(d, "b.trace")
            run([RUN, BRACHA, "--latency", "uniform:1ms..5ms", "--seed", "3", "--trace", plain])
            run([RUN, BRACHA, "--latency", "uniform:1ms..5ms", "--seed", "3", "--trace", named,
                 "--strategy", "random"])
            self.assertEqual(read_bytes(plain), read_bytes(named))

    def test_pct_changes_schedules_within_the_latency_model(self):
        # Every delivery stays within uniform:1ms..5ms, and PCT seeds give different runs.
        runs = set()
        for seed in range(6):
            _, out, _ = run([RUN, BRACHA, "--latency", "uniform:1ms..5ms", "--strategy", "pct:2",
                             "--seed", str(seed), "--json"])
            runs.add(json.dumps(json.loads(out)["outputs"], sort_keys=True))
        self.assertGreater(len(runs), 1)

    def test_an_exhaustive_search_of_a_small_space_ends_and_says_so(self):
        with tempfile.TemporaryDirectory() as d:
            model2 = write(d, "race2.rdc.yaml", RACE % "value >= 1")
            code, out, _ = run([RUN, model2, "--strategy", "exhaustive", "--budget", "100000"])
            self.assertEqual(code, 0)
            m = re.match(r"exhaustive: (\d+) schedules explored, none failed; the space is exhausted", out.decode())
            self.assertTrue(m, out)
            self.assertGreaterEqual(int(m.group(1)), 3)  # at least one per value seen first
            code, out, _ = run([RUN, model2, "--strategy", "exhaustive", "--budget", "2"])
            self.assertIn("2 schedules explored, none failed; the space is not exhausted (--budget 2)", out.decode())

    def test_the_search_branches_on_coin_flips(self):
        # A check that holds for the seed's own flip fails on the other one:
        # the search, which tries the drawn side first, finds it, and its
        # schedule reproduces the other flip whatever the seed drew.
        coin = RACE.replace("value: choose -> output value", "value: choose -> v\n"
                            "    - Coin<2> c:\n        x: v -> output value\n        flip: choose -> output flip")
        with tempfile.TemporaryDirectory() as d:
            model = write(d, "coin.rdc.yaml", coin % "true")
            flips = {}
            for seed in range(8):
                _, out, _ = run([RUN, model, "--seed", str(seed), "--json"])
                flips.setdefault(int(json.loads(out)["outputs"]["flip"]["value"]), seed)
            self.assertEqual(sorted(flips), [0, 1])
            for flip, seed in flips.items():
                with self.subTest(flip=flip):
                    write(d, "coin.rdc.yaml", coin % f"flip == {flip}")
                    self.assertEqual(run([RUN, model, "--seed", str(seed)])[0], 0)  # the seed's own flip passes
                    code, out, _ = run([RUN, model, "--strategy", "exhaustive", "--seed", str(seed), "--json"])
                    self.assertEqual(code, 1, out)
                    repro = json.loads(out)["failed"]["repro"]
                    code, again, _ = run(shlex.split(repro) + ["--json"])
                    self.assertEqual(code, 1)
                    self.assertEqual(json.loads(again)["outputs"]["flip"]["value"], str(1 - flip))
            # A forced flip is no choice point: the search explores fewer schedules.
            write(d, "coin.rdc.yaml", coin % "true")
            explored = []
            for force in ([], ["--force", "c.flip=1"]):
                code, out, _ = run([RUN, model, "--strategy", "exhaustive", "--seed", "0", *force])
                self.assertEqual(code, 0, out)
                explored.append(int(re.match(r"exhaustive: (\d+) schedules? explored", out.decode()).group(1)))
            self.assertLess(explored[1], explored[0])

    def test_bad_strategies_and_invariants_are_usage_errors(self):
        for extra in (["--strategy", "pct:0"], ["--strategy", "bfs"], ["--strategy", "schedule:1,2"],
                      ["--invariant", "nosuch"], ["--strategy", "exhaustive", "--seeds", "0..3"],
                      ["--strategy", "pct:2", "--split"]):
            with self.subTest(extra):
                code, _, err = run([RUN, BRACHA, *extra])
                self.assertEqual(code, 2, err)
                self.assertIn("usage", err)


class FindReplayShrink(unittest.TestCase):
    """Each strategy finds each broken variant's agreement failure within its
    budget (random and pct:3: the first 400 seeds; exhaustive with
    --lie-bound 1: 20 schedules from each of seeds 0..59 for Bracha, 100
    from each of seeds 1..9 for Tendermint), its trace replays it, and
    shrinking it gives a run that still fails agreement."""

    @staticmethod
    def whole(repro):
        """The command `repro` without its --invariant: the whole run, which
        still fails agreement at its end (a cut run is not shrunk)."""
        command = shlex.split(repro)
        while "--invariant" in command:
            at = command.index("--invariant")
            del command[at:at + 2]
        return command

    def replays(self, repro):
        with tempfile.TemporaryDirectory() as d:
            trace, again = os.path.join(d, "t.trace"), os.path.join(d, "again.trace")
            code, out, _ = run(self.whole(repro) + ["--trace", trace], timeout=120)
            self.assertEqual(code, 1, out)
            self.assertRegex(out.decode(), r"check agreement: fail")
            code, replayed, _ = run([RUN, shlex.split(repro)[1], "--replay", trace, "--trace", again], timeout=120)
            self.assertEqual((code, replayed), (1, out))
            self.assertEqual(read_bytes(trace), read_bytes(again))

    def shrinks(self, repro):
        """Shrinks the whole run `repro` makes; its shrunk run, rerun from the file, fails agreement."""
        command = self.whole(repro)
        with tempfile.TemporaryDirectory() as d:
            faults = os.path.join(d, "shrunk.yaml")
            command += ["--shrink", faults, "--shrink-check", "agreement"]
            code, out, err = run(command, timeout=600)
            self.assertEqual(code, 1, err)
            text = out.decode()
            self.assertIn("which fails agreement", text)
            shrunk = next(line for line in text.splitlines() if line.startswith("reproduce: "))[len("reproduce: "):]
            code, out, err = run(shlex.split(shrunk), timeout=120)
            self.assertEqual(code, 1, err)
            self.assertIn("check agreement: fail", out.decode())
            return text

    def test_random_and_pct_find_replay_and_shrink_each_broken_variant(self):
        for strategy in ("random", "pct:3"):
            for name, args in BROKEN.items():
                with self.subTest(strategy=strategy, variant=name):
                    failed = failing_seeds(args, strategy, SWEEP_SEEDS)
                    self.assertTrue(failed, "%s found no agreement failure in seeds %s of %s"
                                    % (strategy, SWEEP_SEEDS, name))
                    repro = failed[0]["repro"]
                    self.replays(repro)
                    self.shrinks(repro)

    def test_exhaustive_with_a_lie_bound_finds_replays_and_shrinks_each_broken_variant(self):
        for name in BROKEN:
            with self.subTest(variant=name):
                seed, report = first_search_failure(name)
                self.assertIsNotNone(seed, "no search of %s from seeds %s found an agreement failure"
                                     % (name, SEARCH_SEEDS[name]))
                self.assertLessEqual(report["explored"], int(SEARCH[name][SEARCH[name].index("--budget") + 1]))
                repro = report["failed"]["repro"]
                self.assertRegex(repro, r"--strategy schedule:[0-9.]* --seed %d$" % seed)
                self.assertNotIn("--lie-bound", repro)
                self.replays(repro)
                self.shrinks(repro)

    def test_the_search_finds_tendermints_failure_where_the_seeds_own_run_passes(self):
        # Option 0 everywhere is the seed's own run: the search earns its find
        # only where that run passes. Seed 3's does; 21 schedules later one fails.
        args = [*BROKEN["tendermint"], "--lies", "forced", "--seed", "3"]
        code, out, _ = run([RUN, *args, "--json"])
        self.assertEqual(code, 0)
        code, out, _ = run([RUN, *BROKEN["tendermint"], *SEARCH["tendermint"], "--seed", "3", "--json"])
        self.assertEqual(code, 1)
        report = json.loads(out)
        self.assertGreater(report["explored"], 1)
        self.assertTrue(report["failed"]["why"].startswith("agreement"))

    def test_shrinking_turns_random_lies_into_a_few_forced_ones(self):
        # Bracha's sender lies at random on every choice; the shrunk run says
        # which few lies break agreement, as forced values under lies: forced,
        # and node[0] stays Byzantine (a lie goes with its liar).
        failed = failing_seeds(BROKEN["bracha"], "random", "0..99")
        self.assertTrue(failed)
        text = self.shrinks(failed[0]["repro"])
        m = re.search(r"^  turned (\d+) lies into forced values \(lies: forced\)$", text, re.M)
        self.assertTrue(m, text)
        faults = text.split("faults file ", 1)[1].split("\nreproduce: ", 1)[0]
        self.assertIn("lies: forced", faults)
        self.assertIn("- node[0]", faults)
        forced = re.findall(r"^    (\S+): ", faults.split("force:", 1)[1], re.M)
        self.assertTrue(forced, faults)
        self.assertLess(len(forced), int(m.group(1)))
        self.assertTrue(all(re.search(r"\[0\]|def\[", f) for f in forced), forced)

    def test_a_first_schedule_that_fails_reproduces_as_schedule_with_no_choices(self):
        args = BROKEN["bracha"] + ["--latency", "uniform:1ms..10ms", "--strategy", "exhaustive", "--budget", "1"]
        for seed in range(100):
            code, out, _ = run([RUN, *args, "--seed", str(seed), "--json"])
            if code == 1:
                break
        self.assertEqual(code, 1, "no seed's first schedule fails")
        failed = json.loads(out)["failed"]
        self.assertEqual(failed["schedule"], "schedule:")
        self.assertRegex(failed["repro"], r"--strategy schedule: --seed %d$" % seed)
        code, again, _ = run(shlex.split(failed["repro"]) + ["--json"])
        self.assertEqual(code, 1)
        check, why = failed["why"].split(": ", 1)
        self.assertEqual(json.loads(again)["checks"][check], {"pass": False, "why": why})

    def test_a_shortened_latency_reads_in_a_round_unit(self):
        # Halving 1ms..10ms gives 5500us, 3250us, 2125us, 1562500ns: each is cut
        # to its two leading digits, so the shrunk latency reads 2100us, not 2125us.
        args = BROKEN["bracha"] + ["--latency", "uniform:1ms..10ms"]
        shortened = []
        for failure in failing_seeds(args, "random", "0..99")[:6]:
            with tempfile.TemporaryDirectory() as d:
                code, out, _ = run(shlex.split(failure["repro"]) + ["--shrink", os.path.join(d, "s.yaml")],
                                   timeout=600)
                self.assertEqual(code, 1)
                shortened += re.findall(r"^  shortened latency \S+ to \w+:(\S+)$", out.decode(), re.M)
        durations = [nanoseconds(t) for spec in shortened for t in spec.split("..")]
        self.assertTrue([ns for ns in durations if ns > 1000000], shortened)  # some not cut to nothing
        for ns in durations:
            self.assertLessEqual(len(str(ns).rstrip("0")), 2, shortened)

    def test_shrinking_never_returns_a_passing_run(self):
        # Every shrunk run of the first failing seeds of both variants, under
        # each strategy, read back from its faults file, fails the check it was shrunk for.
        for name, args in BROKEN.items():
            for strategy in ("random", "pct:2"):
                with self.subTest(variant=name, strategy=strategy):
                    for failure in failing_seeds(args, strategy, "0..99")[:2]:
                        check = failure["why"].split(":")[0]
                        with tempfile.TemporaryDirectory() as d:
                            faults = os.path.join(d, "s.yaml")
                            code, out, err = run(shlex.split(failure["repro"]) + ["--shrink", faults], timeout=600)
                            self.assertEqual(code, 1, err)
                            repro = re.search(r"^reproduce: (.*)$", out.decode(), re.M).group(1)
                            code, out, _ = run(shlex.split(repro), timeout=120)
                            self.assertEqual(code, 1)
                            self.assertIn("check %s: fail" % check, out.decode())


class ForcedLies(unittest.TestCase):
    """--lies forced (a faults file's lies: forced): a Byzantine domain lies
    only where forced, is still not correct(...), and the trace records it."""

    MODEL = LIES % "correct(b[0])" + "  got7: got == 7\n"

    def outputs(self, args):
        code, out, err = run([RUN, *args, "--json"])
        self.assertIn(code, (0, 1), err)
        report = json.loads(out)
        return report["outputs"]["got"]["value"], {k: v["pass"] for k, v in report["checks"].items()}

    def test_a_byzantine_domain_lies_only_where_forced_and_is_still_faulty(self):
        with tempfile.TemporaryDirectory() as d:
            model = write(d, "lies.rdc.yaml", self.MODEL)
            byz = [model, "--byzantine", "b[0]"]
            # Random lies: some seed's lie is not the honest 7.
            self.assertTrue(any(self.outputs(byz + ["--seed", str(s)])[0] != "7" for s in range(8)))
            for seed in range(8):
                with self.subTest(seed=seed):
                    got, checks = self.outputs(byz + ["--lies", "forced", "--seed", str(seed)])
                    self.assertEqual(got, "7")  # honest: the model's own choice
                    self.assertEqual(checks, {"honest": False, "got7": True})  # but not correct(b[0])
                    got, _ = self.outputs(byz + ["--lies", "forced", "--force", "d.y=5", "--seed", str(seed)])
                    self.assertEqual(got, "5")
            # The same from a faults file; the flag wins over the file.
            faults = write(d, "f.yaml", "byzantine:\n  - b[0]\nlies: forced\nforce:\n  d.y: 5\n")
            self.assertEqual(self.outputs([model, "--faults", faults])[0], "5")
            plain = write(d, "g.yaml", "byzantine:\n  - b[0]\nlies: forced\n")
            self.assertEqual(self.outputs([model, "--faults", plain])[0], "7")
            randomly = [self.outputs([model, "--faults", plain, "--lies", "random", "--seed", str(s)])[0]
                        for s in range(8)]
            self.assertTrue(any(v != "7" for v in randomly))

    def test_the_trace_records_the_mode_and_a_replay_follows_it(self):
        with tempfile.TemporaryDirectory() as d:
            model = write(d, "lies.rdc.yaml", self.MODEL)
            trace, again = os.path.join(d, "t.trace"), os.path.join(d, "again.trace")
            code, out, _ = run([RUN, model, "--byzantine", "b[0]", "--lies", "forced", "--seed", "2",
                                "--trace", trace])
            self.assertEqual(code, 1)
            self.assertIn("got = 7", out.decode())
            code, exported, _ = run([TRACE, "export", "--format", "jsonl", trace])
            self.assertEqual(json.loads(exported.decode().splitlines()[0])["header"]["lies"], "forced")
            code, replayed, _ = run([RUN, model, "--replay", trace, "--trace", again])
            self.assertEqual((code, replayed), (1, out))
            self.assertEqual(read_bytes(trace), read_bytes(again))
            # A run with random lies says so.
            run([RUN, model, "--byzantine", "b[0]", "--seed", "2", "--trace", again])
            _, exported, _ = run([TRACE, "export", "--format", "jsonl", again])
            self.assertEqual(json.loads(exported.decode().splitlines()[0])["header"]["lies"], "random")

    def test_bad_lies_and_lie_bounds_are_usage_errors(self):
        with tempfile.TemporaryDirectory() as d:
            bad = write(d, "bad.yaml", "lies: sometimes\n")
            for extra in (["--lies", "sometimes"], ["--lies", ""], ["--lie-bound", "1"],
                          ["--lie-bound", "1", "--strategy", "pct:2"],
                          ["--lie-bound", "-1", "--strategy", "exhaustive"],
                          ["--lie-bound", "x", "--strategy", "exhaustive"],
                          ["--lie-bound", "1000001", "--strategy", "exhaustive"],
                          ["--faults", bad]):
                with self.subTest(extra):
                    code, _, err = run([RUN, BRACHA, *extra])
                    self.assertEqual(code, 2, err)
                    self.assertIn("schema" if extra[0] == "--faults" else "usage", err)


def nanoseconds(text):
    """A printed time (3ms, 15.893119ms, 250us, 0ns) in nanoseconds."""
    m = re.fullmatch(r"([0-9.]+)(ns|us|ms|s)", text)
    return round(float(m.group(1)) * {"ns": 1, "us": 1000, "ms": 1000000, "s": 1000000000}[m.group(2)])


def deliveries(text):
    """dlvr[i] -> (value, time in ns) from a run's printed outputs."""
    return {int(m.group(1)): (m.group(2), nanoseconds(m.group(3)))
            for m in re.finditer(r"^dlvr\[(\d)\] = (\S+) @ (\S+)$", text, re.M)}


class Invariants(unittest.TestCase):
    def test_an_invariant_is_reported_when_it_first_fails_and_the_trace_ends_there(self):
        args = BROKEN["bracha"] + ["--latency", "uniform:1ms..5ms"]
        failed = failing_seeds(args, "random", "0..99")
        failed = [f for f in failed if f["why"].startswith("agreement")]
        self.assertTrue(failed)
        seed = re.search(r"--seed (\d+)$", failed[0]["repro"]).group(1)
        _, whole, _ = run([RUN, *args, "--seed", seed])
        got = deliveries(whole.decode())
        got.pop(0, None)  # node[0], the Byzantine sender, is not among the correct nodes agreement reads
        # When agreement first fails: the first delivery that differs from an earlier one.
        ordered = sorted(got.values(), key=lambda vt: vt[1])
        first_bad = next(t for i, (v, t) in enumerate(ordered) if any(v != w for w, _ in ordered[:i]))
        with tempfile.TemporaryDirectory() as d:
            trace = os.path.join(d, "t.trace")
            code, out, _ = run([RUN, *args, "--seed", seed, "--invariant", "agreement", "--trace", trace])
            self.assertEqual(code, 1)
            text = out.decode()
            m = re.search(r"^check agreement: fail \(at (\S+): false for", text, re.M)
            self.assertTrue(m, text)
            self.assertEqual(nanoseconds(m.group(1)), first_bad)
            self.assertNotIn("check validity", text)  # the run stopped: only the invariant is reported
            # No delivery after the violation is in the cut run; the others
            # are not available yet, rather than waiting for anything.
            for v, t in deliveries(text).values():
                self.assertLessEqual(t, first_bad)
            self.assertNotIn("waiting for", text)
            if len(deliveries(text)) < 4:
                stopped = re.search(r" not available when the run stopped at (\S+)$", text, re.M)
                self.assertTrue(stopped, text)
                self.assertEqual(nanoseconds(stopped.group(1)), first_bad)
            code, shown, _ = run([TRACE, "show", trace])
            times = [nanoseconds(line.split("\t")[0]) for line in shown.decode().splitlines() if line[:1].isdigit()]
            self.assertTrue(times)
            self.assertEqual(max(times), first_bad)
            # Every export says what stopped the run, and when.
            end = {"end_time_ns": first_bad, "stopped_by": "agreement"}
            self.assertEqual(jsonl_parts(run([TRACE, "export", trace, "--format", "jsonl"])[1])[2], end)
            self.assertEqual(json.loads(run([TRACE, "export", trace, "--format", "chrome"])[1])["otherData"], end)
            self.assertEqual(json.loads(run([TRACE, "export", trace, "--format", "itf"])[1])["#meta"]["end"], end)
            merged = os.path.join(d, "merged.trace")  # (a merge of the one trace lost it)
            self.assertEqual(run([TRACE, "merge", trace, "-o", merged])[0], 0)
            self.assertEqual(jsonl_parts(run([TRACE, "export", merged, "--format", "jsonl"])[1])[2], end)
            # The run cut at that instant by --until makes the same events, and
            # diff says that the two ended otherwise.
            cut = os.path.join(d, "cut.trace")
            run([RUN, *args, "--seed", seed, "--until", f"{first_bad}ns", "--trace", cut])
            code, diffed, _ = run([TRACE, "diff", trace, cut])
            self.assertEqual(code, 0, diffed)
            self.assertIn(b"(though their ends differ: stopped by agreement and none)", diffed)
            # The trace records what stopped the run, so that a replay (no
            # --invariant given) stops there too rather than run on past it.
            again = os.path.join(d, "again.trace")
            code, replayed, err = run([RUN, args[0], "-D", "f=2", "--replay", trace, "--trace", again])
            self.assertEqual((code, replayed), (1, out), err)
            self.assertEqual(read_bytes(trace), read_bytes(again))
            code, _, err = run([RUN, args[0], "-D", "f=2", "--replay", trace, "--split"])
            self.assertEqual(code, 2)
            self.assertIn("stopped where its invariant 'agreement' failed", err)
            # The trace fixes the run: another invariant beside it is refused.
            code, _, err = run([RUN, args[0], "-D", "f=2", "--replay", trace, "--invariant", "validity"])
            self.assertEqual(code, 2)
            self.assertIn("--invariant excludes --replay", err)

    def test_an_invariant_that_holds_changes_nothing(self):
        with tempfile.TemporaryDirectory() as d:
            a, b = os.path.join(d, "a.trace"), os.path.join(d, "b.trace")
            code1, out1, _ = run([RUN, BRACHA, "--seed", "4", "--trace", a])
            code2, out2, _ = run([RUN, BRACHA, "--seed", "4", "--trace", b, "--invariant", "agreement"])
            self.assertEqual((code1, out1), (code2, out2))
            self.assertEqual(read_bytes(a), read_bytes(b))


if __name__ == "__main__":
    unittest.main()
