"""Tendermint as the design sketch models it (examples/tendermint-gossip):
prevotes and precommits through std's Gossip over Set lines, a Pacemaker
per node and round, over unbounded heights (one iteration of the system's
unbounded box per height), and the decision round, the waits' outcomes and
the aborted rounds as outputs. Run as a user would: every scenario's checks
at the first three heights over 500 seeds, a long run's heights, the broken
lock rule and its reproduce command, replay, inversion and diagrams."""
import json
import os
import re
import shlex
import shutil
import subprocess
import unittest

from rdctest import ROOT, TempDir, breadth, example, read_bytes, run, tool

RUN = tool("rdc-run")
TRACE = tool("rdc-trace")
LINT = tool("rdc-lint")
DOT = tool("rdc-dot")
MODEL = example("tendermint-gossip")
SCENARIOS = os.path.join(ROOT, "examples", "tendermint-gossip", "scenarios")
N, ROUNDS = 4, 4
# The first three heights: iteration 1 is the general one, and 2 shows what crosses into the next.
HEIGHTS = 3
ITERATIONS = ["--iterations", str(HEIGHTS)]
MESSAGE, TIMEOUT, ABORT = 0, 1, 2


def scenario(name):
    return ["--faults", os.path.join(SCENARIOS, name + ".yaml")]


def one_run(args):
    """The outputs of one run as {name: value or None}, and {check: passed}
    (the first three heights unless `args` says how many)."""
    heights = [] if "--iterations" in args else ITERATIONS
    code, out, err = run([RUN, MODEL, *heights, *args, "--json"])
    if code not in (0, 1):
        raise AssertionError(err)
    doc = json.loads(out)
    return ({name: o.get("value") for name, o in doc["outputs"].items()},
            {name: c["pass"] for name, c in doc["checks"].items()})


def waits(outputs, k, r, j):
    """How node j's three waits of round r of height k ended: (propose, prevote, precommit)."""
    return tuple(int(x) for x in re.findall(r"-?\d+", outputs[f"waits[{k}][{r}][{j}]"]))


class Scenarios(unittest.TestCase):
    """Each scenario holds agreement, validity, termination and the decision
    round's consistency at each of the first three heights over 500 seeds."""

    def sweep(self, name, defines=()):
        count = breadth(500, 50)
        code, out, err = run([RUN, MODEL, *defines, *scenario(name), *ITERATIONS, "--seeds", f"0..{count - 1}"],
                             timeout=600)
        self.assertEqual(code, 0, out.decode()[-2000:] + err)
        self.assertIn(f"{count} seeds: {count} passed, 0 failed", out.decode())

    def test_every_scenario_holds_its_checks_over_500_seeds(self):
        for name in ("equivocating-proposer", "equivocating-voter", "crashed-node", "lagging-node"):
            with self.subTest(scenario=name):
                self.sweep(name)
        # Two slow rounds, then some schedules need more before a quorum of timely votes.
        with self.subTest(scenario="slow-links"):
            self.sweep("slow-links", ["-D", "rounds=5"])

    def test_seven_nodes(self):
        # f = 2: one equivocating voter or one crashed proposer, at n = 7 (a window of three heights of 56,168 base instances each).
        for name in ("equivocating-voter", "crashed-node"):
            with self.subTest(scenario=name):
                count = breadth(100, 10)
                code, out, err = run([RUN, MODEL, "-D", "n=7", *scenario(name), *ITERATIONS, "--seeds",
                                      f"0..{count - 1}"], timeout=600)
                self.assertEqual(code, 0, out.decode()[-2000:] + err)
                self.assertIn(f"{count} seeds: {count} passed, 0 failed", out.decode())

    def test_a_good_run_decides_the_first_proposal_in_round_0_at_every_height(self):
        outputs, checks = one_run(["--seed", "1", "--latency", "uniform:200us..1ms"])
        self.assertTrue(all(checks.values()), checks)
        for k in range(HEIGHTS):
            for j in range(N):
                # The proposer rotates with the height: round 0's at height k is node k % n.
                self.assertEqual(outputs[f"decision[{k}][{j}]"], str(k % N), k)
                self.assertEqual(outputs[f"decisionRound[{k}][{j}]"], "0", k)
                self.assertEqual(waits(outputs, k, 0, j), (MESSAGE, MESSAGE, MESSAGE), k)

    def test_a_crashed_proposer_times_out_and_round_1_decides_where_it_proposes(self):
        for seed in range(5):
            # Five heights: node[0] proposes round 0 at heights 0 and 4.
            outputs, checks = one_run([*scenario("crashed-node"), "--seed", str(seed), "--iterations", "5"])
            self.assertTrue(all(checks.values()), (seed, checks))
            for k in range(5):
                for j in (1, 2, 3):
                    if k % N == 0:
                        self.assertEqual(outputs[f"decision[{k}][{j}]"], "1", (seed, k))
                        self.assertEqual(outputs[f"decisionRound[{k}][{j}]"], "1", (seed, k))
                        # The proposal never comes: round 0's propose wait times out.
                        self.assertEqual(waits(outputs, k, 0, j)[0], TIMEOUT, (seed, k))
                    else:
                        self.assertEqual(outputs[f"decision[{k}][{j}]"], str(k % N), (seed, k))
                        self.assertEqual(outputs[f"decisionRound[{k}][{j}]"], "0", (seed, k))
                # The crashed node outputs nothing.
                self.assertIsNone(outputs[f"decision[{k}][0]"], (seed, k))

    def test_an_equivocating_proposer_is_heard_only_in_its_turn(self):
        # node[0] proposes (0, -1) and (4, -1) in every round; at heights 1 and 2 the correct
        # proposer of round 0 is node 1 and node 2, whose values are decided.
        for seed in range(5):
            outputs, checks = one_run([*scenario("equivocating-proposer"), "--seed", str(seed)])
            self.assertTrue(all(checks.values()), (seed, checks))
            for k in (1, 2):
                for j in (1, 2, 3):
                    self.assertEqual(outputs[f"decision[{k}][{j}]"], str(k), (seed, k))

    def test_a_long_run_keeps_at_most_three_heights_live(self):
        # 1s of virtual time: about 140 heights, each checked, in the memory of three.
        code, out, err = run([RUN, MODEL, "--latency", "uniform:200us..1ms", "--until", "1s", "--outputs", "summary"])
        self.assertEqual(code, 0, out.decode() + err)
        m = re.search(r"iterations: (\d+) \(at most (\d+) live\), (\d+) cut off", out.decode())
        self.assertIsNotNone(m, out.decode())
        started, live, cut = (int(x) for x in m.groups())
        self.assertGreater(started - cut, 100)
        self.assertLessEqual(live, 3)
        for check in ("agreement", "validity", "termination", "decisionRound"):
            self.assertIn(f"check {check}: pass", out.decode())

    def test_an_equivocating_voter_is_delivered_with_all_its_values(self):
        with TempDir() as d:
            path = os.path.join(d, "t.trace")
            code, _, err = run([RUN, MODEL, *scenario("equivocating-voter"), *ITERATIONS, "--seed", "3",
                                "--trace", path])
            self.assertEqual(code, 0, err)
            # Every correct node delivers node[3]'s every value, in the first round and the last, at the
            # first height and the last.
            for k in (0, HEIGHTS - 1):
                for r in (0, ROUNDS - 1):
                    for stage in ("prevote", "precommit"):
                        for i in range(3):
                            prefix = f"height[{k}].round[{r}].{stage}.gossip.first[{i}][3]"
                            _, out, _ = run([TRACE, "show", path, "--line", prefix + "[*].value"])
                            lines = {line.split("\t")[1] for line in out.decode().splitlines()}
                            self.assertEqual(lines, {f"{prefix}[{v}].value{end}"
                                                     for v in range(N + 2) for end in ("", "'")}, (k, r, stage, i))

    def test_a_lagging_node_aborts_round_0_of_height_0_only(self):
        outputs, checks = one_run([*scenario("lagging-node"), "--seed", "1"])
        self.assertTrue(all(checks.values()), checks)
        self.assertIn(ABORT, waits(outputs, 0, 0, 2))
        for j in (0, 1, 3):
            self.assertNotIn(ABORT, waits(outputs, 0, 0, j))
        # The links are slow only at height 0: the next heights run without an abort.
        for k in range(1, HEIGHTS):
            for j in range(N):
                self.assertNotIn(ABORT, waits(outputs, k, 0, j), (k, j))


class BrokenLockRule(unittest.TestCase):
    """Without the lock rule (-D lockRule=0) agreement fails on some seed, and
    the printed command reproduces it; with the rule it never fails."""

    def test_a_seed_search_finds_violations_only_without_the_lock_rule(self):
        base = [MODEL, *scenario("lost-lock"), *ITERATIONS, "--seeds", "0..499", "--json"]
        code, out, _ = run([RUN, *base, "-D", "lockRule=0"], timeout=600)
        self.assertEqual(code, 1)
        failed = [f for f in json.loads(out)["failed"] if f["why"].startswith("agreement")]
        self.assertGreater(len(failed), 0)
        repro = shlex.split(failed[0]["repro"])
        self.assertIn("--iterations", repro)
        code, out, _ = run(repro)
        self.assertEqual(code, 1)
        # The scenario slows height 0 only, and that is where the variant disagrees.
        self.assertIn("check agreement: fail (false for k = 0,", out.decode())
        code, out, _ = run([RUN, *base, "-D", "lockRule=1"], timeout=600)
        self.assertEqual(code, 0, out.decode()[-2000:])
        self.assertFalse([f for f in json.loads(out)["failed"] if f["why"].startswith("agreement")])


class Traces(unittest.TestCase):
    def test_same_seed_same_trace_replay_and_inversion(self):
        for name in ("equivocating-proposer", "crashed-node"):
            with self.subTest(scenario=name), TempDir() as d:
                a, b, r = (os.path.join(d, x) for x in ("a.trace", "b.trace", "r.trace"))
                for path in (a, b):
                    code, _, err = run([RUN, MODEL, *scenario(name), *ITERATIONS, "--seed", "9", "--trace", path])
                    self.assertEqual(code, 0, err)
                self.assertEqual(read_bytes(a), read_bytes(b))
                code, _, err = run([RUN, MODEL, "--replay", a, "--trace", r])
                self.assertEqual(code, 0, err)
                self.assertEqual(read_bytes(a), read_bytes(r))
                code, out, err = run([TRACE, "invert", MODEL, a])
                self.assertEqual(code, 0, out.decode() + err)
                self.assertIn("inversion round-trips", out.decode())

    def test_the_example_lints_without_warnings(self):
        code, _, err = run([LINT, "--werror", MODEL, "-o", os.devnull])
        self.assertEqual(code, 0, err)

    @unittest.skipUnless(shutil.which("dot"), "Graphviz dot is not installed")
    def test_diagrams_parse_with_graphviz(self):
        for view in ([], ["--component", "Round"], ["--component", "Pacemaker"], ["--component", "Tally"]):
            with self.subTest(view=view):
                code, out, err = run([DOT, MODEL, *view])
                self.assertEqual(code, 0, err)
                proc = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, timeout=120)
                self.assertEqual(proc.returncode, 0, proc.stderr.decode())
                self.assertIn(b"<svg", proc.stdout)


if __name__ == "__main__":
    unittest.main()
