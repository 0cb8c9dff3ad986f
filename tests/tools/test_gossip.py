"""Set<T> lines and std's Gossip (examples/gossip): each element of a set is
its own line with its own availability time; a Byzantine sender gossips
several values and every correct node delivers all of them (500 seeds); a
crashed sender's values reach every correct node; traces replay, invert and
run projected (--split); the diagrams parse with Graphviz; lint refuses an
infinite or too large element type."""
import json
import os
import re
import shlex
import shutil
import subprocess
import unittest

from rdctest import ROOT, TempDir, example, read_bytes, run, tool, write

RUN = tool("rdc-run")
LINT = tool("rdc-lint")
TRACE = tool("rdc-trace")
DOT = tool("rdc-dot")
GOSSIP = example("gossip")
N, K = 4, 2
ELEMENT = re.compile(r"delivered\[(\d+)\]\[(\d+)\]\[(\d+)\]")


def scenario(name):
    return ["--faults", os.path.join(ROOT, "examples", "gossip", "scenarios", name + ".yaml")]


def one_run(args):
    """One run: ({(node, sender, value): time_ns} of the elements delivered, {check: passed})."""
    code, out, err = run([RUN, GOSSIP, *args, "--json"])
    if code not in (0, 1):
        raise AssertionError(err)
    doc = json.loads(out)
    delivered = {}
    for name, o in doc["outputs"].items():
        m = ELEMENT.fullmatch(name)
        assert m, name
        if o.get("value") is not None:
            delivered[tuple(map(int, m.groups()))] = int(o["time_ns"])
    return delivered, {name: c["pass"] for name, c in doc["checks"].items()}


def sweep(args, count=500):
    code, out, err = run([RUN, GOSSIP, *args, "--seeds", f"0..{count - 1}", "--json"], timeout=300)
    if code not in (0, 1):
        raise AssertionError(err)
    summary = json.loads(out)
    assert summary["seeds"] == count, summary
    return summary


class Sets(unittest.TestCase):
    def test_each_element_has_its_own_availability_time(self):
        # A set built element by element, each arriving at its own time; one never does.
        model = """rdc: 1
system:
  body:
    - for: v in 0..3
      body:
        - Delay wait[v]:
            d: const v * 2ms + 1ms -> drop
            v: input tick[v] as Unit -> ticks{v}
    - Filter none:
        when: "false"
        expr: ()
        a: input never as Int -> drop
        r: choose -> ticks{3}
    - for: v in 0..4
      body:
        - Def copy[v]:
            x: ticks{v} -> drop
            y: choose -> output seen{v}
"""
        with TempDir() as d:
            path = write(d, "sets.rdc.yaml", model)
            code, out, err = run([RUN, path, "--json"])
            self.assertEqual(code, 0, err)
            outputs = json.loads(out)["outputs"]
            self.assertEqual({name: o.get("time_ns") for name, o in outputs.items() if o.get("value") is not None},
                             {"seen[0]": 1_000_000, "seen[1]": 3_000_000, "seen[2]": 5_000_000})
            self.assertIsNone(outputs["seen[3]"].get("value"))
            code, out, err = run([RUN, path])
            self.assertIn("seen[1] = () @ 3ms", out.decode())

    def test_a_gossip_delivers_elements_at_different_times(self):
        delivered, checks = one_run(["--latency", "uniform:1ms..5ms", "--seed", "1"])
        self.assertEqual(checks, {"agreement": True, "validity": True, "integrity": True})
        # Every node delivers each node's one value (value[i] = i % k), and nothing else.
        self.assertEqual(set(delivered), {(i, s, s % K) for i in range(N) for s in range(N)})
        # A node's own value at once, the others' after at least one network delay, not all at once.
        for i in range(N):
            self.assertEqual(delivered[i, i, i % K], 0)
            others = [delivered[i, s, s % K] for s in range(N) if s != i]
            self.assertGreaterEqual(min(others), 1_000_000)
        self.assertGreater(len(set(delivered.values())), 2)


class Gossip(unittest.TestCase):
    def test_a_byzantine_sender_gossips_two_values_and_every_correct_node_delivers_both(self):
        summary = sweep(scenario("byzantine-sender"))
        self.assertEqual(summary["failed"], [])
        self.assertEqual(summary["passed"], 500)
        for seed in (0, 17, 499):
            delivered, checks = one_run([*scenario("byzantine-sender"), "--seed", str(seed)])
            self.assertTrue(all(checks.values()), checks)
            for i in range(N - 1):
                self.assertEqual({v for (j, s, v) in delivered if j == i and s == 3}, {0, 1}, (seed, i))

    def test_a_byzantine_sender_that_reaches_one_node_is_relayed_to_all_and_without_relays_agreement_fails(self):
        omission = scenario("byzantine-omission")
        self.assertEqual(sweep(omission)["failed"], [])
        delivered, checks = one_run([*omission, "--seed", "3"])
        self.assertTrue(all(checks.values()), checks)
        # Node 3's direct copies reach node 1 only: nodes 0 and 2 deliver both its values later, relayed.
        for i in (0, 2):
            for v in (0, 1):
                self.assertGreater(delivered[i, 3, v], delivered[1, 3, v], (i, v))
        broken = sweep(["-D", "relay=0", *omission])
        self.assertEqual(broken["passed"], 0)
        failure = broken["failed"][0]
        self.assertTrue(failure["why"].startswith("agreement"), failure)
        code, out, err = run(shlex.split(failure["repro"]), cwd=ROOT)
        self.assertEqual(code, 1, err)
        self.assertIn("check agreement: fail", out.decode())
        # Without the omissions every node hears every sender directly, relays or not.
        self.assertEqual(sweep(["-D", "relay=0", *scenario("byzantine-sender")], count=100)["failed"], [])

    def test_a_crashed_node_does_not_break_the_checks_and_what_it_sent_is_delivered(self):
        self.assertEqual(sweep(scenario("crashed-node"))["failed"], [])
        # Crashed at 0, node[1] gossips nothing and delivers nothing.
        delivered, checks = one_run(["--crash", "node[1]@0ns", "--latency", "uniform:1ms..5ms"])
        self.assertTrue(all(checks.values()), checks)
        self.assertEqual({(i, s) for (i, s, _) in delivered if s == 1 or i == 1}, set())
        # Crashed at 3ms, after its own value went out: every correct node delivers it.
        delivered, checks = one_run([*scenario("crashed-node"), "--seed", "4"])
        self.assertTrue(all(checks.values()), checks)
        for i in (0, 2, 3):
            self.assertIn((i, 1, 1), delivered)

    def test_forcing_a_delivery_needs_a_copy_but_a_forced_filter_breaks_integrity(self):
        # A forced Quorum value still waits for a vote: node 0 cannot be made to deliver
        # (2, 1), which nobody gossiped...
        delivered, checks = one_run(["--force", "g.first[0][2][1].value=()"])
        self.assertTrue(all(checks.values()), checks)
        self.assertNotIn((0, 2, 1), delivered)
        # ...but node 0's Singleton made to pass value 1 besides its own 0 breaks the checks.
        code, out, err = run([RUN, GOSSIP, "--force", "pick[0].is[1].r=()"])
        self.assertEqual(code, 1, err)
        self.assertIn("check integrity: fail", out.decode())

    def test_replay_inversion_and_split_replay(self):
        with TempDir() as d:
            for args in (scenario("byzantine-sender"), scenario("crashed-node"), ["-D", "n=3", "-D", "k=3"]):
                with self.subTest(args=args):
                    first, again, split = (os.path.join(d, name) for name in ("a.trace", "b.trace", "s.trace"))
                    code, _, err = run([RUN, GOSSIP, *args, "--seed", "7", "--trace", first])
                    self.assertEqual(code, 0, err)
                    defines = args if args[0] == "-D" else []
                    code, _, err = run([RUN, GOSSIP, *defines, "--replay", first, "--trace", again])
                    self.assertEqual(code, 0, err)
                    self.assertEqual(read_bytes(first), read_bytes(again))
                    code, out, err = run([TRACE, "invert", GOSSIP, first, *defines])
                    self.assertEqual(code, 0, out.decode() + err)
                    self.assertIn("inversion round-trips", out.decode())
                    code, _, err = run([RUN, GOSSIP, *defines, "--split", "--replay", first, "--trace", split])
                    self.assertEqual(code, 0, err)
                    code, out, err = run([TRACE, "diff", first, split])
                    self.assertEqual(code, 0, out.decode() + err)

    @unittest.skipUnless(shutil.which("dot"), "Graphviz dot is not installed")
    def test_diagrams_parse_with_graphviz(self):
        for view in ([], ["--flat", "-D", "n=2"], ["--component", "Gossip"], ["--component", "Singleton"]):
            with self.subTest(view=view):
                code, out, err = run([DOT, GOSSIP, *view])
                self.assertEqual(code, 0, err)
                if view[:2] == ["--component", "Gossip"]:
                    self.assertIn(b'label="delivered: Set<(Int[0..n], Int[0..k])>[n]"', out)
                proc = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, timeout=60)
                self.assertEqual(proc.returncode, 0, proc.stderr.decode())
                self.assertIn(b"<svg", proc.stdout)


class Lint(unittest.TestCase):
    def test_the_example_lints_without_warnings(self):
        code, _, err = run([LINT, "--werror", GOSSIP, "-o", os.devnull])
        self.assertEqual(code, 0, err)

    def test_set_lines_survive_the_ir_and_its_parameters(self):
        # The IR keeps `Set<...>` as written and re-elaborates it under -D.
        with TempDir() as d:
            ir = os.path.join(d, "gossip.ir")
            code, _, err = run([LINT, GOSSIP, "-o", ir])
            self.assertEqual(code, 0, err)
            code, out, err = run([RUN, ir, "-D", "n=3", "-D", "k=3", "--byzantine", "node[2]", "--json"])
            self.assertEqual(code, 0, err)
            outputs = json.loads(out)["outputs"]
            self.assertEqual(len(outputs), 3 * 3 * 3)
            for i in range(2):
                self.assertEqual([outputs[f"delivered[{i}][2][{v}]"].get("value") for v in range(3)], ["()"] * 3)

    def test_an_infinite_or_too_large_element_type_is_refused(self):
        # (n: 100000 makes 10^10 elements: refused as set-element, not as a
        # model too large to elaborate.)
        for element, params in (("Int", "{}"), ("(Int[0..2], Bool)", "{}"), ("(Int[0..n], Int[0..n])", "{n: 65}"),
                                ("(Int[0..n], Int[0..n])", "{n: 100000}")):
            with self.subTest(element=element), TempDir() as d:
                path = write(d, "bad.rdc.yaml", f"""rdc: 1
params: {params}
components:
  C:
    lines:
      s: Set<{element}>
    body:
      - wire: s -> s'
system:
  body:
    - C c:
        s: never -> drop
""")
                code, _, err = run([LINT, path, "--diagnostics=json"])
                self.assertEqual(code, 1, err)
                codes = [d["code"] for d in json.loads(err)]
                self.assertEqual(set(codes), {"set-element"}, err)


if __name__ == "__main__":
    unittest.main()
