"""Models with an unbounded `for` driven as a user would: the stream of
broadcasts (examples/rb-stream) over many seeds with faults, its checks per
iteration, byte-identical traces across processes, replay, inversion, the
live-iteration limit, projection, and --split, which refuses such a model for now."""
import json
import os
import re
import shlex
import unittest

from rdctest import SANITIZED, TempDir, breadth, example, jsonl_parts, read_bytes, run, tool, write

RUN, TRACE, LINT, DOT, PROJECT = (tool(t) for t in ("rdc-run", "rdc-trace", "rdc-lint", "rdc-dot", "rdc-project"))
STREAM = example("rb-stream")
LATENCY = ["--latency", "uniform:1ms..10ms"]
SUMMARY = re.compile(rb"iterations: (\d+) \(at most (\d+) live\), (\d+) cut off")


def summary(out):
    m = SUMMARY.search(out)
    assert m, out[-500:]
    return tuple(int(x) for x in m.groups())



class Stream(unittest.TestCase):
    def test_every_broadcast_keeps_its_checks_under_faults(self):
        seeds = breadth(40, 4)
        for faults in ([], ["--byzantine", "node[0]"], ["--byzantine", "node[3]"], ["--crash", "node[2]@20ms"]):
            with self.subTest(faults=faults):
                code, out, err = run([RUN, STREAM, *LATENCY, "--until", "60ms", "--seeds", f"0..{seeds - 1}", *faults])
                self.assertEqual(code, 0, out.decode() + err)
                self.assertIn(f"{seeds} seeds: {seeds} passed".encode(), out)

    def test_a_broken_variant_fails_at_a_named_broadcast_and_reproduces(self):
        code, out, err = run([RUN, STREAM, "-D", "f=2", *LATENCY, "--until", "50ms", "--byzantine", "node[0]",
                              "--seeds", "0..4"])
        self.assertEqual(code, 1, err)
        m = re.search(rb"agreement: false for k = (\d+), i = \d+, j = \d+", out)
        self.assertTrue(m, out)
        repro = re.search(rb"reproduce: (.*)", out)[1].decode()
        code, single, err = run(repro.split() if "'" not in repro else ["sh", "-c", repro])
        self.assertEqual(code, 1, err)
        self.assertIn(b"check agreement: fail (false for k = ", single)

    def test_shrinking_turns_lies_of_later_broadcasts_into_forced_values(self):
        # The failing broadcast is past the window (k >= 3): its lies are forced on its own lines, the
        # liar stays Byzantine, and the shrunk run still fails.
        with TempDir() as d:
            small = os.path.join(d, "small.yaml")
            code, out, err = run([RUN, STREAM, "-D", "f=2", *LATENCY, "--iterations", "40", "--byzantine", "node[0]",
                                  "--seed", "1", "--outputs", "summary", "--shrink", small, "--shrink-keep", "spacing"])
            self.assertEqual(code, 1, err)
            self.assertRegex(out, rb"turned \d+ lies into forced values \(lies: forced\)")
            with open(small, encoding="utf-8") as f:
                faults = f.read()
            self.assertIn("lies: forced", faults)
            self.assertIn("- node[0]", faults)
            forced = re.findall(r"^  rb\[(\d+)\]\.", faults, re.M)
            self.assertTrue(forced and all(int(k) >= 3 for k in forced), faults)
            repro = re.search(rb"reproduce: (.*)", out)[1].decode()
            code, _, err = run(shlex.split(repro))
            self.assertEqual(code, 1, err)

    def test_memory_follows_the_live_broadcasts(self):
        code, out, err = run([RUN, STREAM, *LATENCY, "--until", "500ms", "--outputs", "summary"])
        self.assertEqual(code, 0, err)
        begun, live, cut = summary(out)
        self.assertEqual(begun, 5001)  # one every 100us, from 0 to 500ms
        self.assertLess(live, 1000)
        self.assertLess(cut, live + 1)
        self.assertNotIn(b"dlvr[", out)  # a summary lists nothing

    def test_the_report_lists_each_iteration_in_order(self):
        code, out, err = run([RUN, STREAM, *LATENCY, "--until", "40ms", "--seed", "2"])
        self.assertEqual(code, 0, err)
        ks = [int(k) for k in re.findall(rb"^bc\[(\d+)\] = ", out, re.M)]
        self.assertEqual(ks, list(range(401)))
        self.assertRegex(out, rb"dlvr\[12\]\[3\] = 12 @ ")
        code, js, err = run([RUN, STREAM, *LATENCY, "--until", "40ms", "--seed", "2", "--json"])
        doc = json.loads(js)
        self.assertEqual(doc["iterations"]["begun"], 401)
        self.assertEqual(doc["outputs"]["dlvr[12][3]"]["value"], "12")
        self.assertTrue(all(doc["checks"][c]["pass"] for c in ("agreement", "validity", "totality")))

    @unittest.skipIf(SANITIZED, "sanitizer builds cannot cap the heap")
    def test_a_long_report_is_listed_in_memory_that_does_not_follow_it(self):
        # 30,000 broadcasts list 150,000 outputs: as text, and as JSON (once
        # kept whole as JSON values, 90 MB), both within a 64 MiB budget.
        stream = [RUN, STREAM, "--iterations", "30000", "--max-memory", "64M"]
        code, text, err = run(stream)
        self.assertEqual(code, 0, err)
        code, js, err = run(stream + ["--json"])
        self.assertEqual(code, 0, err)
        outputs = json.loads(js)["outputs"]
        listed = re.findall(rb"^(\S+) = (\S+) @ ", text, re.M)
        self.assertEqual(len(listed), 150000)
        self.assertEqual([(k.decode(), v.decode()) for k, v in listed], [(k, o["value"]) for k, o in outputs.items()])

    def test_any_stream_element_can_be_given(self):
        code, out, err = run([RUN, STREAM, *LATENCY, "--iterations", "20", "--input", "bc[1]=7", "--input", "bc[15]=9"])
        self.assertEqual(code, 0, err)
        self.assertIn(b"bc[1] = 7 @ 100us", out)
        self.assertIn(b"bc[15] = 9 @ 1.5ms", out)
        self.assertRegex(out, rb"dlvr\[15\]\[2\] = 9 @ ")
        code, out, err = run([RUN, STREAM, "--input", "bc[x]=1"])
        self.assertEqual(code, 2)
        self.assertIn("no input 'bc[x]'", err)
        code, out, err = run([RUN, STREAM, "--input", "bc=1"])
        self.assertEqual(code, 2)
        self.assertIn("'bc' is a stream of the unbounded `for: k in 0..`: give one element, such as bc[5]=VALUE", err)

    def test_iterations_bounds_the_stream_and_the_run_ends_when_they_are_done(self):
        code, out, err = run([RUN, STREAM, *LATENCY, "--iterations", "300", "--outputs", "summary"])
        self.assertEqual(code, 0, err)
        self.assertEqual(summary(out), (300, summary(out)[1], 0))

    def test_a_run_without_until_stops_at_100ms(self):
        code, out, err = run([RUN, STREAM, *LATENCY, "--outputs", "summary"])
        self.assertEqual(code, 0, err)
        self.assertEqual(summary(out)[0], 1001)


class LinkPatterns(unittest.TestCase):
    """A faults file's `links:` patterns name Links of the window; every iteration
    from 1 on runs as iteration 1, so a pattern must treat them alike."""

    def links(self, pattern):
        with TempDir() as d:
            faults = write(d, "f.yaml", 'latency: constant:1ms\nlinks:\n  "%s": constant:3ms\n' % pattern)
            code, out, err = run([RUN, STREAM, "--faults", faults, "--iterations", "6", "--trace",
                                  os.path.join(d, "t.trace")])
            shown = run([TRACE, "show", os.path.join(d, "t.trace")])[1].decode() if code == 0 else ""
            return code, err, shown

    def test_iteration_zero_alone_or_every_iteration_is_honoured(self):
        code, err, slow_all = self.links("rb[*].*")
        self.assertEqual(code, 0, err)
        code, err, slow_first = self.links("rb[0].*")
        self.assertEqual(code, 0, err)
        code, err, plain = self.links("nothing-like-this*")
        self.assertEqual(code, 2, err)
        self.assertIn("names no Link", err)
        self.assertNotEqual(slow_all, slow_first)

    def test_a_pattern_for_some_later_iterations_only_is_refused(self):
        for pattern in ("rb[1].*", "rb[2].echo*", "rb[5].*"):
            with self.subTest(pattern):
                code, err, _ = self.links(pattern)
                self.assertEqual(code, 2, err)
                self.assertRegex(err, "names (some iterations|no Link)")


    def test_messages_name_an_on_demand_box_as_such(self):
        bounded = example("rb-bounded")
        for flags, said in ((["--link", "rb[1].*=constant:3ms"], "names some iterations k >= 1 of the on-demand"),
                            (["--link", "rb[7].*=constant:3ms"], "(of the on-demand `for: k in 0..10000 on demand`"),
                            (["--invariant", "agreement"], "iterations of the on-demand `for: k in 0..10000 on")):
            with self.subTest(flags=flags):
                code, _, err = run([RUN, bounded, *flags])
                self.assertEqual(code, 2, err)
                self.assertIn(said, err)
                self.assertNotIn("unbounded", err)

class Traces(unittest.TestCase):
    def test_traces_are_identical_across_processes_and_replay_byte_for_byte(self):
        with TempDir() as d:
            a, b, again = (os.path.join(d, x) for x in ("a.trace", "b.trace", "again.trace"))
            args = [RUN, STREAM, *LATENCY, "--until", "40ms", "--seed", "9", "--byzantine", "node[1]"]
            code, out, err = run([*args, "--trace", a])
            self.assertEqual(code, 0, err)
            run([*args, "--trace", b])
            self.assertEqual(read_bytes(a), read_bytes(b))
            code, replayed, err = run([RUN, STREAM, "--replay", a, "--trace", again])
            self.assertEqual(code, 0, err)
            self.assertEqual(out, replayed)
            self.assertEqual(read_bytes(a), read_bytes(again))

    def test_an_element_arriving_at_the_largest_time_never_arrives(self):
        # As an input of the graph arriving at the largest time (a trace's "never") does not: the
        # run's trace stays one that every reader takes.
        with TempDir() as d:
            model = write(d, "at-max.rdc.yaml", """rdc: 1
model: at-max
system:
  body:
    - for: k in 0..
      body:
        - Inc<1> a[k]:
            x: "input x[k] = k at (k > 0 ? 9223372036854775807ns : 0ns) -> output y[k]"
""")
            t = os.path.join(d, "run.trace")
            code, out, err = run([RUN, model, "--iterations", "4", "--trace", t])
            self.assertEqual(code, 0, err)
            self.assertIn(b"y[0] = 1 @ 0ns", out)
            self.assertNotIn(b"y[1] =", out)
            code, _, err = run([TRACE, "show", t])
            self.assertEqual(code, 0, err)
            code, _, err = run([RUN, model, "--replay", t])
            self.assertEqual(code, 0, err)

    def test_the_trace_names_later_iterations_and_inverts(self):
        with TempDir() as d:
            t = os.path.join(d, "run.trace")
            code, out, err = run([RUN, STREAM, *LATENCY, "--until", "30ms", "--seed", "4", "--trace", t])
            self.assertEqual(code, 0, err)
            begun = summary(out)[0]
            code, shown, err = run([TRACE, "show", t, "--line", "rb[250].send.def[0].x"])
            self.assertEqual(code, 0, err)
            self.assertIn(b"25ms\trb[250].send.def[0].x\t250\tinput", shown)
            code, jsonl, err = run([TRACE, "export", t, "--format", "jsonl"])
            self.assertEqual(code, 0, err)
            _, rows, footer = jsonl_parts(jsonl)
            self.assertTrue(any(e["line"].startswith("rb[299].") for e in rows))
            self.assertEqual(footer["stopped_by"], None)
            code, inverted, err = run([TRACE, "invert", STREAM, t])
            self.assertEqual(code, 0, err)
            # Every broadcast's value comes back from its deliveries and messages.
            self.assertIn(f"{begun} extrinsic inputs recovered".encode(), inverted)

    def test_a_line_of_any_iteration_can_be_forced(self):
        with TempDir() as d:
            t = os.path.join(d, "run.trace")
            code, out, err = run([RUN, STREAM, *LATENCY, "--until", "30ms", "--force", "rb[57].send.link[1].rcv=99",
                                  "--trace", t])
            self.assertIn(code, (0, 1), err)
            code, shown, err = run([TRACE, "show", t, "--line", "rb[57].send.link[1].rcv"])
            self.assertRegex(shown, rb"rb\[57\]\.send\.link\[1\]\.rcv\t99\tforced")

    def test_an_iteration_past_what_a_force_can_name_is_said_to_be(self):
        # A run numbers its lines in 32 bits: about 19.5 million iterations of
        # rb-stream's 220 lines. Past them a line is not "no line".
        code, _, err = run([RUN, STREAM, "--until", "1ms", "--outputs", "summary",
                            "--force", "rb[19522579].send.def[1].y=7"])
        self.assertEqual(code, 2, err)
        self.assertIn("iteration 19522579 is past the iterations a --force can name (a run numbers its lines in 32 "
                      "bits; iteration 19522577 is the last whose lines all fit)", err)
        self.assertEqual(run([RUN, STREAM, "--until", "1ms", "--outputs", "summary",
                              "--force", "rb[19522577].send.def[1].y=7"])[0], 0)

    def test_a_pattern_forces_the_window_and_says_so(self):
        with TempDir() as d:
            t = os.path.join(d, "run.trace")
            code, out, err = run([RUN, STREAM, *LATENCY, "--until", "30ms", "--force", "rb[*].send.link[1].rcv=99",
                                  "--trace", t])
            self.assertIn(code, (0, 1), err)
            self.assertIn("--force rb[*].send.link[1].rcv: a pattern forces only the iterations 0, 1 and 2", err)
            self.assertIn("[force-window]", err)
            code, shown, err = run([TRACE, "show", t, "--line", "rb[*].send.link[1].rcv"])
            forced = {int(k) for k in re.findall(rb"rb\[(\d+)\]\.send\.link\[1\]\.rcv\t99\tforced", shown)}
            self.assertEqual(forced, {0, 1, 2})


class Limits(unittest.TestCase):
    CHAIN = """rdc: 1
system:
  body:
    - Inc<0> start:
        x: input s as Int -> chain[0]
    - for: k in 0..
      body:
        - Sum s[k]:
            x: chain[k] -> chain[k + 1]
            y: input y[k] = k at k * 1ms -> output y[k]
"""

    def test_a_box_that_outruns_itself_hits_the_live_limit(self):
        # A broadcast every 100us, each taking milliseconds: ten live ones are too few.
        code, out, err = run([RUN, STREAM, "--max-live", "10", "--outputs", "summary"])
        self.assertEqual(code, 1, err)
        self.assertIn(b"failure: the unbounded `for: k in 0..` (line 56) has 10 live iterations at 1ms, the limit "
                      b"(--max-live)", out)
        # Each iteration passes x on at once but waits for its own y: every
        # iteration is asked for at time 0.
        with TempDir() as d:
            code, out, err = run([RUN, write(d, "chain.rdc.yaml", self.CHAIN), "--max-live", "50", "--until", "10ms"])
            self.assertEqual(code, 1, err)
            self.assertIn(b"iterations: 50 (at most 50 live)", out)  # (none retires within the step that begins them)
            self.assertIn(b"began 50 iterations at 0ns without time passing", out)

    def test_decreasing_arrivals_are_refused_in_the_window_and_a_failure_later(self):
        with TempDir() as d:
            model = write(d, "back.rdc.yaml", self.CHAIN.replace("at k * 1ms", "at (3 - k) * 1ms"))
            code, out, err = run([RUN, model, "--until", "10ms"])
            self.assertEqual(code, 2, err)
            self.assertIn("input y[1] arrives at 2ms, before y[0] (3ms): a stream's arrival times never decrease "
                          "[unbounded-box]", err)
            model = write(d, "later.rdc.yaml", self.CHAIN.replace("at k * 1ms", "at k * 1ms - k / 3 * 5ms"))
            code, out, err = run([RUN, model, "--until", "10ms"])
            self.assertEqual(code, 1, err)
            self.assertIn(b"failure: input y[3] arrives at -2ms, before y[2] (2ms): a stream's arrival times are "
                          b"Durations that never decrease", out)

    def test_a_chain_that_never_waits_stops_instead_of_hanging(self):
        # Each iteration passes its value on at once and retires: time would stay at 0.
        with TempDir() as d:
            model = write(d, "zeno.rdc.yaml", self.CHAIN.replace("y: input y[k] = k at k * 1ms -> output y[k]",
                                                                 "y: const 1 -> drop"))
            code, out, err = run([RUN, model, "--max-live", "100", "--outputs", "summary"], timeout=30)
            self.assertEqual(code, 1, err)
            self.assertIn(b"began 100 iterations at 0ns without time passing (--max-live): each passes a value to "
                          b"the next at once; a chain that never ends would never get past 0ns, and one that ends "
                          b"needs a --max-live above its length", out)
            # A stream whose elements all arrive at one instant: no iteration passes anything on.
            model = write(d, "burst.rdc.yaml", """rdc: 1
system:
  body:
    - for: k in 0..
      body:
        - Inc<1> step[k]:
            x: input x[k] = k at 0ns -> output y[k]
""")
            code, out, err = run([RUN, model, "--max-live", "100", "--outputs", "summary"], timeout=30)
            self.assertEqual(code, 1, err)
            self.assertIn(b"began 100 iterations at 0ns without time passing (--max-live): its stream's elements all "
                          b"arrive then (their `at` does not grow with k)", out)

    def test_a_run_keeps_its_first_failures_and_counts_the_rest(self):
        with TempDir() as d:
            model = write(d, "fail.rdc.yaml", """rdc: 1
system:
  body:
    - for: k in 0..
      body:
        - Fn f[k]:
            expr: "1 / (v - v)"
            v: input v[k] as Int = k at k * 1us -> drop
            r: choose -> output r[k] as Int
""")
            code, out, err = run([RUN, model, "--iterations", "1000", "--outputs", "summary"])
            self.assertEqual(code, 1, err)
            self.assertEqual(out.count(b"failure: f["), 100)
            self.assertIn(b"failure: ... and 900 more failures", out)


class Tools(unittest.TestCase):
    def test_lint_counts_the_window(self):
        code, out, err = run([LINT, STREAM, "--stats", "-o", os.devnull])
        self.assertEqual(code, 0, err)
        code, bracha, err = run([LINT, example("bracha"), "--stats", "-o", os.devnull])
        lines = int(re.search(rb"scalar lines: (\d+)", out)[1])
        one = int(re.search(rb"scalar lines: (\d+)", bracha)[1])
        self.assertEqual(lines, 3 * one)  # three iterations of the same RB as Bracha's

    def test_dot_draws_the_box_once_and_graphviz_reads_it(self):
        code, out, err = run([DOT, STREAM])
        self.assertEqual(code, 0, err)
        self.assertIn("for k in 0..∞".encode(), out)
        code, svg, err = run(["dot", "-Tsvg"], stdin=out)
        self.assertEqual(code, 0, err)

    def test_split_refuses_it_for_now(self):
        code, _, err = run([RUN, STREAM, "--split"])
        self.assertEqual(code, 2)
        self.assertIn("[unbounded-box]", err)

    def test_each_projection_keeps_its_part_of_the_window(self):
        with TempDir() as d:
            code, _, err = run([PROJECT, STREAM, "--all", "-O", d])
            self.assertEqual(code, 0, err)
            for i in range(4):
                part = os.path.join(d, f"node[{i}].ir")
                code, _, err = run([LINT, part, "-o", os.devnull])  # the reader verifies the window
                self.assertEqual(code, 0, err)
                code, out, err = run([DOT, part])
                self.assertEqual(code, 0, err)
                self.assertIn("k in 0..∞", out.decode())
            part = os.path.join(d, "node[1].ir")
            code, out, err = run([RUN, part, "--input", "net:rb[0].send.link[1]=5"])  # iteration 0: by hand
            self.assertEqual(code, 0, err)
            self.assertIn("dlvr[0][1] never available", out.decode())  # (the echoes never come)
            code, _, err = run([RUN, part, "--input", "net:rb[5].send.link[1]=5"])
            self.assertEqual(code, 2)
            self.assertIn("what the network delivers in iteration 5", err)
