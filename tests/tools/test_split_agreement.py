"""A whole run and its projections agree (docs/semantics.md#demand-and-interaction,
docs/tools.md#rdc-project): over many models, seeds and faults (every domain
Byzantine, every domain crashed mid-run or from the start, both at once), the
whole run's trace, replayed by the projections over the in-process network
(`--split --replay`), gives the same events at the same times and the same
outputs; and under a constant latency a `--split` run draws nothing the
whole run does not, so it agrees without a replay. A projection cannot keep
a Link's bound rcv, so it refuses one rather than run something else."""
import os
import unittest

from rdctest import TempDir, breadth, example, run, tool, write

RUN, TRACE, PROJECT = tool("rdc-run"), tool("rdc-trace"), tool("rdc-project")
# Bounded models with domains (an unbounded box is not run split).
MODELS = ["bracha", "rb-over-cb", "pbft", "paxos", "tendermint", "gossip", "two-phase-commit"]
LATENCY = ["--latency", "uniform:1ms..5ms"]


def domains(model):
    code, out, err = run([PROJECT, model, "--list"])
    assert code == 0, err
    return out.decode().split()


def fault_sets(names):
    """Each domain Byzantine, crashed at 3ms, crashed from the start; and
    the first Byzantine with the last crashed at 5ms."""
    sets = []
    for d in names:
        sets += [["--byzantine", d], ["--crash", d + "@3ms"], ["--crash", d]]
    return sets + [["--byzantine", names[0], "--crash", names[-1] + "@5ms"]]


def outputs(stdout):
    """The printed outputs and checks, without what an unavailable output
    waited for (a projection explains a crash from its own lines)."""
    return [line.split(" waiting for ")[0] for line in stdout.decode().splitlines()]


class SplitAgreement(unittest.TestCase):
    def assert_split_replay_agrees(self, d, model, args):
        whole, split = os.path.join(d, "whole.trace"), os.path.join(d, "split.trace")
        code, out, err = run([RUN, model, *args, "--trace", whole])
        self.assertIn(code, (0, 1), err)
        code, split_out, err = run([RUN, model, "--split", "--replay", whole, "--trace", split])
        self.assertIn(code, (0, 1), err)
        self.assertEqual(outputs(out), outputs(split_out))
        code, diff, err = run([TRACE, "diff", whole, split])
        self.assertEqual(code, 0, diff.decode()[:2000] + err)

    def test_split_replays_agree_over_models_seeds_and_faults(self):
        for name in MODELS:
            model = example(name)
            for faults in fault_sets(domains(model)):
                for seed in breadth((0, 1), (1,)):
                    with self.subTest(model=name, faults=faults, seed=seed), TempDir() as d:
                        self.assert_split_replay_agrees(d, model, [*LATENCY, *faults, "--seed", str(seed)])

    def test_split_runs_agree_without_a_replay_under_a_constant_latency(self):
        for name in MODELS:
            model = example(name)
            names = domains(model)
            for faults in ([], ["--byzantine", names[-1]], ["--crash", names[1] + "@3ms"]):
                with self.subTest(model=name, faults=faults), TempDir() as d:
                    args = ["--latency", "constant:2ms", *faults, "--seed", "3"]
                    whole, split = os.path.join(d, "whole.trace"), os.path.join(d, "split.trace")
                    code, out, err = run([RUN, model, *args, "--trace", whole])
                    self.assertIn(code, (0, 1), err)
                    code, split_out, err = run([RUN, model, *args, "--split", "--trace", split])
                    self.assertIn(code, (0, 1), err)
                    self.assertEqual(outputs(out), outputs(split_out))
                    code, diff, err = run([TRACE, "diff", whole, split])
                    self.assertEqual(code, 0, diff.decode()[:2000] + err)

    def test_the_reported_instance_a_wb_to_a_byzantine_receiver(self):
        # node[3]'s lies left nothing in it demanding echo[1]'s copy to it: the
        # whole run never made that copy, node[1]'s projection did.
        model = example("bracha")
        args = ["--byzantine", "node[3]", *LATENCY, "--seed", "1"]
        with TempDir() as d:
            self.assert_split_replay_agrees(d, model, args)
            code, out, err = run([TRACE, "show", os.path.join(d, "whole.trace")])
            self.assertEqual(code, 0, err)
            self.assertIn("\trb.echo[1].def[3].x'\t1\tcomputed", out.decode())

    def test_a_replayed_delivery_before_a_crash_is_made_whatever_the_split_draws(self):
        # A Link inside node[1] delivered before its crash in the whole run;
        # the projection draws another delay, past the crash, and must still
        # make the recorded delivery.
        with TempDir() as d:
            self.assert_split_replay_agrees(d, example("bracha"), ["--crash", "node[1]@3ms", "--latency",
                                                                   "exponential:2ms", "--seed", "2"])

    def test_forced_lines_stay_on_their_own_lines_in_the_parts(self):
        # A faults file forcing node[0]'s choices: each part is forced on its
        # own lines only (the whole model's line numbers once forced others).
        pbft = example("pbft")
        scenario = os.path.join(os.path.dirname(pbft), "scenarios", "equivocating-primary.yaml")
        for seed in (0, 7):
            with self.subTest(seed=seed), TempDir() as d:
                self.assert_split_replay_agrees(d, pbft, ["--faults", scenario, "--seed", str(seed)])

    BOUND = """rdc: 1
domains:
  node: 2
system:
  body:
    - Def copy @ node[0]:
        x: input a as Int @ node[0] -> drop
        y: choose -> sent
    - Link l:
        snd: sent -> drop
        rcv: {rcv} -> got
    - Inc<1> i @ node[1]:
        x: got -> output out @ node[1]
"""

    def test_a_link_with_a_bound_rcv_is_not_cut(self):
        with TempDir() as d:
            bound = write(d, "bound.rdc.yaml", self.BOUND.format(rcv="const 5"))
            code, out, err = run([RUN, bound, "--input", "a=2", "--latency", "constant:1ms"])
            self.assertEqual((code, out.decode()), (0, "out = 6 @ 1ms\n"), err)
            for argv in ([RUN, bound, "--input", "a=2", "--split"],
                         [PROJECT, bound, "--domain", "node[1]", "-o", os.path.join(d, "n1.ir")]):
                with self.subTest(argv=argv[1:]):
                    code, out, err = run(argv)
                    self.assertEqual(code, 2, err)
                    self.assertIn("bound.rdc.yaml:11:9: error: l.rcv is bound to a constant", err)
                    self.assertIn("[projection]", err)
            # --all writes every part or none: the receiver's refusal leaves the
            # folder as it was, an earlier run's part of the sender included.
            parts = os.path.join(d, "parts")
            os.makedirs(parts)
            with open(os.path.join(parts, "node[0].ir"), "w", encoding="utf-8") as f:
                f.write("earlier")
            code, _, err = run([PROJECT, bound, "--all", "-O", parts])
            self.assertEqual(code, 2, err)
            self.assertEqual(os.listdir(parts), ["node[0].ir"])
            with open(os.path.join(parts, "node[0].ir"), encoding="utf-8") as f:
                self.assertEqual(f.read(), "earlier")
            # The sender's side keeps no binding of the receiver's, and the
            # two domains projected together do not cut the Link.
            for domains_args in (["--domain", "node[0]"], ["--domain", "node[0]", "--domain", "node[1]"]):
                code, _, err = run([PROJECT, bound, *domains_args, "-o", os.path.join(d, "p.ir")])
                self.assertEqual(code, 0, err)
            # The same channel forced instead of bound runs split as it runs whole.
            chosen = write(d, "chosen.rdc.yaml", self.BOUND.format(rcv="choose"))
            args = ["--input", "a=2", "--latency", "constant:1ms", "--force", "l.rcv=5"]
            whole = run([RUN, chosen, *args])
            split = run([RUN, chosen, *args, "--split"])
            self.assertEqual(whole[:2], (0, b"out = 6 @ 1ms\n"), whole[2])
            self.assertEqual(split[:2], whole[:2], split[2])


if __name__ == "__main__":
    unittest.main()
