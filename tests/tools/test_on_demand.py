"""Bounded boxes run on demand (`for: k in 0..K on demand`), driven as a user
would: the K broadcasts of examples/rb-bounded against the same model
elaborated whole (the marker removed), over many seeds and faults; lint's
rules and counts; the report's iterations that never began; traces,
inversion, projection, dot and --split."""
import json
import os
import re
import unittest

from rdctest import TempDir, example, run, tool, write

RUN, TRACE, LINT, DOT, PROJECT = (tool(t) for t in ("rdc-run", "rdc-trace", "rdc-lint", "rdc-dot", "rdc-project"))
BOUNDED = example("rb-bounded")
LATENCY = ["--latency", "uniform:1ms..10ms"]
SEEDS = range(12)
# Faults under which Bracha holds (f = 1), and the broken variant (quorums of
# n - f = 2 with f = 2), whose agreement fails for some seeds.
FAULTS = [[], ["--byzantine", "node[0]"], ["--crash", "node[3]@1ms", "--byzantine", "node[1]"],
          ["--lies", "forced", "--byzantine", "node[2]"]]
BROKEN = [["-D", "f=2", "--byzantine", "node[0]"], ["-D", "f=2", "--byzantine", "node[2]"]]


def whole(directory):
    """rb-bounded without `on demand`: the same box elaborated whole."""
    with open(BOUNDED, encoding="utf-8") as f:
        text = f.read()
    assert "for: k in 0..K on demand\n" in text
    return write(directory, "rb-whole.rdc.yaml", text.replace("for: k in 0..K on demand\n", "for: k in 0..K\n"))


def report(out, available_only=False):
    """The outputs and verdicts of a report, as both forms of the model print
    them: without the on-demand run's line of counts, the whole graph's reason
    for an output never available, and a failure's variables after k."""
    lines = []
    for line in out.decode().splitlines():
        if line.startswith("iterations: "):
            continue
        line = re.sub(r" never available.*", " never available", line)
        if available_only and line.endswith(" never available"):
            continue
        lines.append(re.sub(r"\(false for (k = \d+)[^)]*\)", r"(false for \1)", line))
    return lines


def defines(args):
    return [x for k, a in enumerate(args) if a == "-D" for x in ("-D", args[k + 1])]


class AgainstTheWholeGraph(unittest.TestCase):
    """The best oracle: the same model elaborated whole, every iteration at once."""

    def test_an_on_demand_run_replayed_on_the_whole_graph_gives_its_outputs_and_verdicts(self):
        failures = 0
        with TempDir() as d:
            eager, trace = whole(d), os.path.join(d, "run.trace")
            for seed in SEEDS:
                for faults in FAULTS + BROKEN:
                    for latency in ([], LATENCY):
                        args = ["-D", "K=9", "--seed", str(seed), *faults, *latency]
                        with self.subTest(args=args):
                            code, out, err = run([RUN, BOUNDED, *args, "--trace", trace])
                            self.assertIn(code, (0, 1), err)
                            failures += code
                            self.assertIn(b"iterations: 9 ", out)
                            self.assertIn(b"0 cut off by the end of the run and not checked, 0 of 9 never began", out)
                            code2, again, err = run([RUN, eager, "-D", "K=9", *defines(faults), "--replay", trace])
                            self.assertEqual(code2, code, err)
                            self.assertIn("[replay-model]", err)  # (the model differs, by its marker)
                            self.assertEqual(report(again), report(out))
        self.assertGreater(failures, 0)  # the broken variant did fail, and agreed when it did

    def test_the_whole_graphs_runs_replayed_on_demand_give_their_outputs_and_verdicts(self):
        with TempDir() as d:
            eager, trace = whole(d), os.path.join(d, "run.trace")
            for seed in SEEDS:
                for faults in FAULTS[1:] + BROKEN:
                    args = ["-D", "K=9", "--seed", str(seed), *faults, *LATENCY]
                    with self.subTest(args=args):
                        code, out, err = run([RUN, eager, *args, "--trace", trace])
                        self.assertIn(code, (0, 1), err)
                        code2, again, err = run([RUN, BOUNDED, "-D", "K=9", *defines(faults), "--replay", trace])
                        self.assertIn(code2, (0, 1), err)
                        # A choice the trace does not record stays pending: its
                        # iteration may end cut off, listing only what it made,
                        # and unchecked; the others are checked alike.
                        outputs = [line for line in report(out, True) if not line.startswith("check ")]
                        self.assertEqual([line for line in report(again, True) if not line.startswith("check ")],
                                         outputs)
                        if b" 0 cut off" in again:
                            self.assertEqual(code2, code)
                            self.assertEqual(report(again), report(out))

    def test_with_the_default_latency_a_seed_makes_the_same_run_of_both_while_bracha_holds(self):
        with TempDir() as d:
            eager = whole(d)
            for seed in SEEDS:
                for faults in FAULTS:
                    args = ["-D", "K=7", "--seed", str(seed), *faults]
                    with self.subTest(args=args):
                        code, out, err = run([RUN, BOUNDED, *args])
                        self.assertIn(code, (0, 1), err)  # (two faulty nodes of four break Bracha)
                        code2, again, err = run([RUN, eager, *args])
                        self.assertEqual(code2, code, err)
                        self.assertEqual(report(again), report(out))

    def test_a_box_of_at_most_three_iterations_is_the_whole_graph(self):
        with TempDir() as d:
            eager = whole(d)
            for k in (1, 3):
                code, out, err = run([RUN, BOUNDED, "-D", f"K={k}", *LATENCY, "--byzantine", "node[1]"])
                self.assertEqual(code, 0, err)
                code, again, err = run([RUN, eager, "-D", f"K={k}", *LATENCY, "--byzantine", "node[1]"])
                self.assertEqual(out, again)  # byte for byte: no line of counts either
                self.assertNotIn(b"iterations: ", out)


class Runs(unittest.TestCase):
    def test_ten_thousand_broadcasts_complete_with_their_checks(self):
        code, out, err = run([RUN, BOUNDED, "--outputs", "summary", "--json"], timeout=300)
        self.assertEqual(code, 0, err)
        doc = json.loads(out)
        self.assertEqual(doc["iterations"]["begun"], 10000)
        self.assertEqual(doc["iterations"]["never_began"], 0)
        self.assertEqual(doc["iterations"]["cut_off"], 0)
        self.assertEqual(doc["iterations"]["outputs_available"], 50000)
        self.assertLess(doc["iterations"]["peak_live"], 1000)
        self.assertTrue(all(c["pass"] for c in doc["checks"].values()), doc["checks"])

    def test_until_reports_the_iterations_that_never_began_and_checks_none_of_them(self):
        code, out, err = run([RUN, BOUNDED, "--until", "1ms"])
        self.assertEqual(code, 0, err)
        # Broadcasts 0 to 50 began (one every 20us), none finished by 1ms.
        self.assertIn(b"iterations: 51 (at most 51 live), 51 cut off by the end of the run and not checked, "
                      b"9949 of 10000 never began", out)
        self.assertNotIn(b"bc[51] ", out)
        code, out, err = run([RUN, BOUNDED, "--iterations", "5"])
        self.assertEqual(code, 0, err)
        self.assertIn(b"iterations: 5 ", out)
        self.assertIn(b"0 cut off by the end of the run and not checked, 9995 of 10000 never began", out)

    def test_the_default_live_limit_is_what_the_size_limit_lets_the_whole_graph_hold(self):
        # Every broadcast at 0ns: all would be live at once. 2,000,000 lines / 220 per broadcast = 9090.
        code, out, err = run([RUN, BOUNDED, "-D", "spacing=0", "--outputs", "summary"])
        self.assertEqual(code, 1, err)
        self.assertIn(b"failure: the on-demand `for: k in 0..10000 on demand` (line 61) has 9090 live iterations at "
                      b"0ns, the limit (--max-live)", out)
        code, out, err = run([RUN, BOUNDED, "-D", "spacing=0", "--outputs", "summary", "--max-lines", "4400000"])
        self.assertEqual(code, 0, err)  # room for all 10000
        code, out, err = run([RUN, BOUNDED, "-D", "spacing=0", "--outputs", "summary", "--max-live", "100"])
        self.assertEqual(code, 1, err)
        self.assertIn(b"has 100 live iterations at 0ns", out)

    def test_a_run_has_no_100ms_default_end(self):
        # Five broadcasts 60ms apart: the last arrives at 240ms.
        code, out, err = run([RUN, BOUNDED, "-D", "K=5", "-D", "spacing=60000"])
        self.assertEqual(code, 0, err)
        self.assertIn(b"dlvr[4][3] = 4 @ 243ms", out)
        self.assertIn(b"0 of 5 never began", out)

    def test_a_failure_names_the_first_failing_broadcast(self):
        code, out, err = run([RUN, BOUNDED, "-D", "K=40", "-D", "f=2", "--byzantine", "node[0]", *LATENCY,
                              "--seeds", "0..9"])
        self.assertEqual(code, 1, err)
        self.assertRegex(out, rb"agreement: false for k = \d+, i = \d+, j = \d+")

    def test_traces_replay_byte_for_byte_and_invert(self):
        with TempDir() as d:
            a, b, c = (os.path.join(d, n) for n in ("a.trace", "b.trace", "c.trace"))
            args = [BOUNDED, "-D", "K=12", "--seed", "5", "--byzantine", "node[2]", *LATENCY]
            self.assertEqual(run([RUN, *args, "--trace", a])[0], 0)
            self.assertEqual(run([RUN, *args, "--trace", b])[0], 0)  # (--jobs is a sweep's: test_flags)
            with open(a, "rb") as fa, open(b, "rb") as fb:
                self.assertEqual(fa.read(), fb.read())
            code, _, err = run([RUN, BOUNDED, "-D", "K=12", "--replay", a, "--trace", c])
            self.assertEqual(code, 0, err)
            with open(a, "rb") as fa, open(c, "rb") as fc:
                self.assertEqual(fa.read(), fc.read())
            code, out, err = run([TRACE, "invert", BOUNDED, a, "-D", "K=12"])
            self.assertEqual(code, 0, err)
            self.assertIn(b"inversion round-trips: 12 extrinsic inputs recovered", out)
            code, out, err = run([TRACE, "show", a, "--line", "rb[11].deliver[0].*"])
            self.assertEqual(code, 0, err)
            self.assertIn(b"rb[11].deliver[0]", out)


class Lint(unittest.TestCase):
    def lint(self, body, checks=""):
        with TempDir() as d:
            model = write(d, "m.rdc.yaml", "rdc: 1\nmodel: m\nparams:\n  K: 100\nsystem:\n  body:\n" + body +
                          ("checks:\n" + checks if checks else ""))
            return run([LINT, model, "-o", os.devnull])

    def test_it_counts_the_window_and_the_whole_box(self):
        code, out, err = run([LINT, BOUNDED, "--stats", "-o", os.devnull])
        self.assertEqual(code, 0, err)
        code, bracha, err = run([LINT, example("bracha"), "--stats", "-o", os.devnull])
        one = int(re.search(rb"scalar lines: (\d+)", bracha)[1])
        self.assertIn(b"scalar lines: %d\n" % (3 * one), out)
        self.assertIn(b"scalar lines in all: %d (an on-demand box of 10000 iterations)" % (10000 * one), out)
        code, small, err = run([LINT, BOUNDED, "-D", "K=3", "--stats", "-o", os.devnull])
        self.assertNotIn(b"in all", small)

    def test_the_whole_box_past_64_bits_is_said_not_wrapped(self):
        with TempDir() as d:
            model = write(d, "sum.rdc.yaml", """rdc: 1
model: sums
params:
  K: 10
system:
  body:
    - for: k in 0..K on demand
      body:
        - Sum add[k]:
            x: input a[k] as Int = k at k * 1ms -> output total[k]
            y: input b[k] as Int = 1 at k * 1ms -> drop
        - Inc<1> c[k]:
            x: input c[k] = k at k * 1ms -> output d[k]
""")

            def in_all(k):
                code, out, err = run([LINT, model, "-D", f"K={k}", "--stats", "-o", os.devnull])
                self.assertEqual(code, 0, err)
                return re.search(rb"scalar lines in all: (.*) \(an on-demand box", out)[1].decode()

            each = int(in_all(10)) // 10  # (every iteration has the same lines)
            self.assertGreaterEqual(each, 3)
            self.assertEqual(in_all(2**62), str(each * 2**62) if each * 2**62 < 2**64 else "more than 18446744073709551614")
            self.assertEqual(in_all(2**63 - 1), "more than 18446744073709551614")  # (was the count modulo 2^64)

    def test_the_whole_box_over_the_size_limit_is_pointed_to_on_demand(self):
        with TempDir() as d:
            code, _, err = run([LINT, whole(d), "-o", os.devnull])
        self.assertEqual(code, 2)  # (a size limit is exit 2)
        self.assertIn("`for: k in 0..K` elaborates to 2200000 scalar lines, more than the limit of 2000000 (raise the "
                      "limit with --max-lines); or make its iterations as a run needs them, `for: k in 0..K on demand` "
                      "[size-limit]", err)

    def test_the_limits_bound_what_is_elaborated_or_checked_at_once_not_the_whole_box(self):
        # --max-lines limits the window (`scalar lines`), never the whole box
        # (`scalar lines in all`); a check over the box's iterations is
        # evaluated once per iteration, so its steps are one iteration's.
        code, out, err = run([LINT, BOUNDED, "-D", "K=100000", "--stats", "-o", os.devnull])
        self.assertEqual(code, 0, err)
        window = int(re.search(rb"scalar lines: (\d+)", out)[1])
        self.assertIn(b"scalar lines in all: %d (an on-demand box of 100000 iterations)" % (100000 * window // 3), out)
        for limit, code in ((window, 0), (window - 1, 2)):
            with self.subTest(limit=limit):
                self.assertEqual(run([LINT, BOUNDED, "-D", "K=100000", "--max-lines", str(limit), "-o",
                                      os.devnull])[0], code)
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            code, out, err = run([RUN, BOUNDED, "-D", "K=100000", "--iterations", "50", "--outputs", "summary",
                                  "--trace", trace])
            self.assertEqual(code, 0, err)
            self.assertIn(b"99950 of 100000 never began", out)
            # The tools that unroll the box to the trace's iterations take it too.
            code, out, err = run([TRACE, "invert", BOUNDED, trace, "-D", "K=100000"])
            self.assertEqual(code, 0, err)
            self.assertIn(b"inversion round-trips: 50 extrinsic inputs recovered", out)
            code, _, err = run([DOT, BOUNDED, "-D", "K=100000", "--trace", trace, "-o", os.path.join(d, "t.dot")])
            self.assertEqual(code, 0, err)
        # One iteration's body over the limit is still refused, per iteration.
        code, _, err = self.lint("""    - for: k in 0..K on demand
      body:
        - Inc<1> s[k]:
            x: input x[k] as Int = k at k * 1ms -> output y[k]
""", "  big: \"forall k in 0..K: forall i, j in 0..1001: y[k] >= 0\"\n")
        self.assertEqual(code, 1, err)
        self.assertIn("check 'big' takes 1002002 quantifier steps per iteration, more than the limit of 1000000", err)

    def test_the_box_follows_the_rules_of_an_unbounded_one(self):
        stream = "            x: input x[k] = k at k * 1ms -> drop\n            y: const 1 -> output y[k]\n"
        cases = [
            ("    - for: k in 0..K on demand\n      body:\n        - Sum add[k + 1]:\n" + stream,
             "instance 'add' inside an on-demand `for` needs `k` as its first index"),
            ("    - for: k in 0..K on demand\n      body:\n        - Inc<k> step[k]:\n"
             "            x: input x[k] = k at k * 1ms -> output y[k]\n",
             "a component argument cannot use `k`, the variable of an on-demand `for`"),
            ("    - for: k in 0..K on demand\n      body:\n        - Sum add[k]:\n"
             "            x: input x[k] = k -> drop\n            y: const 1 -> output y[k]\n",
             "nothing begins iteration 1 of this on-demand `for`"),
            ("    - for: k in 1..K on demand\n      body:\n        - Sum add[k]:\n" + stream,
             "an on-demand range starts at 0 (`k in 0..K on demand`)"),
            ("    - for: k in 0..K, i in 0..2 on demand\n      body:\n        - Sum add[k]:\n" + stream,
             "`on demand` ends the header of a `for` of one variable with a bounded range"),
            ("    - for: k in 0.. on demand\n      body:\n        - Sum add[k]:\n" + stream,
             "`on demand` ends the header of a `for` of one variable with a bounded range"),
            ("    - for: k in 0..K on demand\n      body:\n        - Sum add[k]:\n" + stream +
             "    - for: j in 0..\n      body:\n        - Sum more[j]:\n" + stream.replace("[k]", "[j]"),
             "a model has at most one unbounded or on-demand `for`"),
        ]
        for body, message in cases:
            with self.subTest(message=message):
                code, _, err = self.lint(body)
                self.assertIn(code, (1, 2), err)  # (2: a syntax error)
                self.assertIn(message, err)

    def test_a_check_reads_the_box_only_per_iteration(self):
        body = ("    - for: k in 0..K on demand\n      body:\n        - Sum add[k]:\n"
                "            x: input x[k] = k at k * 1ms -> drop\n            y: const 1 -> output y[k]\n")
        code, _, err = self.lint(body, '  one: "forall k in 0..K: y[k] == k + 1"\n')
        self.assertEqual(code, 0, err)
        code, _, err = self.lint(body, '  first: "y[0] == 1"\n')
        self.assertEqual(code, 1)
        self.assertIn("has one element per iteration of the on-demand `for`: read it as y[k]... in a check "
                      "`forall k in 0..100: ...`", err)
        code, _, err = self.lint(body, '  part: "forall k in 0..5: y[k] == k + 1"\n')
        self.assertEqual(code, 1)
        self.assertIn("has one element per iteration", err)


class Tools(unittest.TestCase):
    def test_dot_draws_the_box_once(self):
        code, out, err = run([DOT, BOUNDED])
        self.assertEqual(code, 0, err)
        self.assertEqual(out.count(b"for k in 0..K on demand"), 1)
        self.assertEqual(out.count(b"<b>RB</b> rb[k]"), 1)

    def test_split_refuses_it_for_now(self):
        code, _, err = run([RUN, BOUNDED, "--split"])
        self.assertEqual(code, 2)
        self.assertIn("--split does not run a model with an on-demand `for` yet", err)

    def test_each_projection_keeps_its_part_of_the_window_and_its_end(self):
        with TempDir() as d:
            code, _, err = run([PROJECT, BOUNDED, "-D", "K=50", "--all", "-O", d])
            self.assertEqual(code, 0, err)
            for i in range(4):
                part = os.path.join(d, f"node[{i}].ir")
                code, out, err = run([LINT, part, "--stats", "-o", os.devnull])  # the reader verifies the window
                self.assertEqual(code, 0, err)
                self.assertIn(b"(an on-demand box of 50 iterations)", out)


if __name__ == "__main__":
    unittest.main()
