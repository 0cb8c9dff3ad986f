"""The base components added for classic protocols, driven through the real
tools as a user would: what each passes and when, forcing, inversion,
projection and drawing. Each model here is one a reader of
docs/reference.md could write."""
import os
import unittest

from rdctest import TempDir, run, tool
from test_semantics import Semantics, inversion_counts

RUN, TRACE, DOT, PROJECT = tool("rdc-run"), tool("rdc-trace"), tool("rdc-dot"), tool("rdc-project")

# A vote passes only if it is for the current round; the round is an input.
FILTER = """rdc: 1
domains: {node: 2}
system:
  body:
    - Filter current @ node[1]:
        when: "vr == round"
        expr: "(v, vr)"
        v: input vote as Int @ node[1] -> output v2
        vr: input voteRound as Int -> drop
        round: input round as Int -> drop
        r: choose -> output accepted
    - Filter big @ node[0]:
        when: "x > 3"
        x: input x as Int @ node[0] -> drop
        r: choose -> output bigX
"""


class FilterPasses(Semantics):
    def outputs(self, model, *inputs):
        code, out, err = run([RUN, model, *[a for i in inputs for a in ("--input", i)]])
        self.assertEqual(code, 0, err)
        return dict(line.split(" = ", 1)[0:2] for line in out.decode().splitlines() if " = " in line)

    def test_a_value_passes_only_when_the_condition_holds(self):
        m = self.model("filter.rdc.yaml", FILTER)
        passed = self.outputs(m, "vote=7", "voteRound=2", "round=2", "x=4")
        self.assertTrue(passed["accepted"].startswith("(7, 2)"), passed)
        self.assertTrue(passed["bigX"].startswith("4 "), passed)
        blocked = self.outputs(m, "vote=7", "voteRound=1", "round=2", "x=3")
        self.assertNotIn("accepted", blocked)
        self.assertNotIn("bigX", blocked)
        self.assertTrue(blocked["v2"].startswith("7 "), blocked)  # the arguments pass through either way

    def test_passed_and_blocked_runs_both_invert_completely(self):
        m = self.model("filter.rdc.yaml", FILTER)
        for round_ in ("2", "1"):
            with self.subTest(round=round_):
                self.inverts_completely(m, "--input", "vote=7", "--input", "voteRound=2", "--input",
                                        f"round={round_}", "--input", "x=9", inputs=4)

    def test_a_forced_result_passes_what_the_condition_blocks(self):
        m = self.model("filter.rdc.yaml", FILTER)
        code, out, err = run([RUN, m, "--input", "vote=7", "--input", "voteRound=1", "--input", "round=2",
                              "--input", "x=1", "--force", "big.r=99"])
        self.assertEqual(code, 0, err)
        self.assertIn("bigX = 99", out.decode())
        self.assertNotIn("accepted =", out.decode())

    def test_projection_keeps_each_filter_on_its_node(self):
        m = self.model("filter.rdc.yaml", FILTER)
        with TempDir() as d:
            code, out, err = run([PROJECT, m, "--all", "-O", d])
            self.assertEqual(code, 0, err)
            self.assertEqual(len(os.listdir(d)), 2)
        code, out, err = run([RUN, m, "--split", "--input", "vote=7", "--input", "voteRound=2", "--input", "round=2",
                              "--input", "x=9"])
        self.assertEqual(code, 0, err)
        self.assertIn("accepted = (7, 2)", out.decode())

    def test_dot_draws_the_condition_and_graphviz_reads_it(self):
        m = self.model("filter.rdc.yaml", FILTER)
        code, text, err = run([DOT, m])
        self.assertEqual(code, 0, err)
        self.assertIn("r = (v, vr) when vr == round", text.decode())
        self.assertIn("r = x when x &gt; 3", text.decode())
        code, svg, err = run(["dot", "-Tsvg"], stdin=text)
        self.assertEqual(code, 0, err)


if __name__ == "__main__":
    unittest.main()
