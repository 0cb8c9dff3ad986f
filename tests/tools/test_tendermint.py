"""Tendermint (examples/tendermint) run as a user would: scenarios over many
seeds for n = 4 and n = 7, the broken lock rule, determinism and inversion."""
import json
import os
import shlex
import unittest

from rdctest import ROOT, TempDir, example, read_bytes, run, tool

RUN = tool("rdc-run")
TRACE = tool("rdc-trace")
LINT = tool("rdc-lint")
MODEL = example("tendermint")
SCENARIOS = os.path.join(ROOT, "examples", "tendermint", "scenarios")


def scenario(name):
    return ["--faults", os.path.join(SCENARIOS, name + ".yaml")]


def decisions(args):
    code, out, err = run([RUN, MODEL, *args, "--json"])
    if code not in (0, 1):
        raise AssertionError(err)
    doc = json.loads(out)
    return {name: o.get("value") for name, o in doc["outputs"].items()}, doc["checks"]


class Scenarios(unittest.TestCase):
    """Each scenario holds agreement, validity and termination over 500 seeds."""

    def check(self, name, n, byzantine_file=None, defines=()):
        args = [MODEL, "-D", f"n={n}", *defines, *scenario(byzantine_file or name), "--seeds", "0..499"]
        code, out, err = run([RUN, *args], timeout=300)
        self.assertEqual(code, 0, out.decode()[-2000:] + err)
        self.assertIn("500 seeds: 500 passed, 0 failed", out.decode())

    def test_equivocating_proposer(self):
        self.check("equivocating-proposer", 4)
        self.check("equivocating-proposer", 7)

    def test_byzantine_votes(self):
        self.check("byzantine-votes", 4)
        self.check("byzantine-votes-7", 7)

    def test_crashed_proposer(self):
        self.check("crashed-proposer", 4)
        self.check("crashed-proposer", 7)

    def test_slow_network_then_good(self):
        # Two slow rounds, then some schedules need two more before a quorum
        # of timely votes: five rounds bound the search.
        self.check("slow-start", 4, defines=["-D", "rounds=5"])
        self.check("slow-start", 7, defines=["-D", "rounds=5"])

    def test_a_lagging_node(self):
        self.check("lagging-node", 4)
        self.check("lagging-node", 7)

    def test_a_good_run_decides_the_first_proposal_of_every_height(self):
        values, checks = decisions(["--seed", "1"])
        self.assertTrue(all(c["pass"] for c in checks.values()))
        for h in range(3):
            for j in range(4):
                self.assertEqual(values[f"decision[{h}][{j}]"], str(100 * (h + 1) + h % 4))

    def test_the_crashed_proposer_is_skipped_by_timeout(self):
        # node[0] proposes round 0 of height 0; node[1]'s value (101) wins round 1.
        for seed in range(5):
            values, _ = decisions([*scenario("crashed-proposer"), "--seed", str(seed)])
            self.assertNotIn("decision[0][0]", [k for k, v in values.items() if v is not None])
            for j in (1, 2, 3):
                self.assertEqual(values[f"decision[0][{j}]"], "101")

    def test_a_lagging_node_skips_ahead(self):
        with TempDir() as d:
            path = os.path.join(d, "t.trace")
            code, _, err = run([RUN, MODEL, *scenario("lagging-node"), "--seed", "1", "--trace", path])
            self.assertEqual(code, 0, err)
            _, out, _ = run([TRACE, "show", path, "--line", "tm.height[0].round[0].*.wait[2].first.choice"])
            ends = [line.split("\t") for line in out.decode().splitlines()]
            choices = [e for e in ends if not e[1].endswith("'")]  # the input ends: the choices made
            # The propose and prevote waits time out (option 1); the precommit wait is skipped (option 2).
            self.assertEqual([c[2] for c in choices], ["1", "1", "2"])
            self.assertLess(int(choices[2][0].rstrip("ms")), 3 + 2 + 2)  # before its own timeouts would end

    def test_the_forced_votes_are_in_the_trace(self):
        with TempDir() as d:
            path = os.path.join(d, "t.trace")
            run([RUN, MODEL, *scenario("byzantine-votes"), "--seed", "2", "--trace", path])
            code, out, _ = run([TRACE, "show", path, "--line", "tm.height[0].round[0].prevote.cast[3].def[0].y"])
            self.assertEqual(code, 0)
            self.assertIn("150\tforced", out.decode())


class BrokenLockRule(unittest.TestCase):
    """Without the lock rule (-D lockRule=0) agreement fails; with it, it never does."""

    REPRO = ("rdc-run examples/tendermint/tendermint.rdc.yaml -D lockRule=0 "
             "--faults examples/tendermint/scenarios/lost-lock.yaml --seed 184")

    def test_the_recorded_repro_command_violates_agreement(self):
        args = shlex.split(self.REPRO)
        code, out, _ = run([RUN, *[os.path.join(ROOT, a) if a.startswith("examples/") else a for a in args[1:]]])
        self.assertEqual(code, 1)
        text = out.decode()
        self.assertIn("check agreement: fail (false for h = 0)", text)
        self.assertIn("decision[0][0] = 100", text)

    def test_a_seed_search_finds_violations_only_without_the_lock_rule(self):
        base = [MODEL, *scenario("lost-lock"), "--seeds", "0..199", "--json"]
        code, out, _ = run([RUN, *base, "-D", "lockRule=0"], timeout=300)
        self.assertEqual(code, 1)
        failed = [f for f in json.loads(out)["failed"] if f["why"].startswith("agreement")]
        self.assertGreater(len(failed), 0)
        code, out, _ = run(shlex.split(failed[0]["repro"]))
        self.assertIn("check agreement: fail", out.decode())
        _, out, _ = run([RUN, *base, "-D", "lockRule=1"], timeout=300)
        self.assertFalse([f for f in json.loads(out)["failed"] if f["why"].startswith("agreement")])


class Traces(unittest.TestCase):
    def test_same_seed_same_trace_replay_and_inversion(self):
        with TempDir() as d:
            a, b, r = (os.path.join(d, x) for x in ("a.trace", "b.trace", "r.trace"))
            for path in (a, b):
                code, _, err = run([RUN, MODEL, "-D", "n=7", *scenario("equivocating-proposer"),
                                    "--seed", "9", "--trace", path])
                self.assertEqual(code, 0, err)
            self.assertEqual(read_bytes(a), read_bytes(b))
            code, _, err = run([RUN, MODEL, "-D", "n=7", "--replay", a, "--trace", r])
            self.assertEqual(code, 0, err)
            self.assertEqual(read_bytes(a), read_bytes(r))
            code, out, err = run([TRACE, "invert", MODEL, a, "-D", "n=7"])
            self.assertEqual(code, 0, err)
            self.assertIn("inversion round-trips", out.decode())

    def test_larger_instances_lint(self):
        code, out, err = run([LINT, MODEL, "-D", "n=16", "-D", "heights=10", "--stats"])
        self.assertEqual(code, 0, err)
        self.assertIn("domains: 16", out.decode())


if __name__ == "__main__":
    unittest.main()
