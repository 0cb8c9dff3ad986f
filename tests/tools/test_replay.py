"""Replays reuse what the trace recorded: a whole replay reproduces the trace
byte for byte, and a split replay (the projections over the in-process
network) gives every event of the whole run at the same time, over random
latencies, on every example, with faults. A replay refuses flags that would
change what the trace fixes."""
import glob
import itertools
import os
import re
import unittest

from rdctest import EXAMPLES, ROOT, TempDir, breadth, example, read_bytes, run, tool, write

RUN, TRACE = tool("rdc-run"), tool("rdc-trace")
TRACE_SCHEMA = os.path.join(ROOT, "ir", "io", "trace.capnp")
MODELS = sorted(glob.glob(os.path.join(EXAMPLES, "*", "*.rdc.yaml")))
LATENCIES = breadth(["uniform:1ms..10ms", "exponential:3ms"], ["exponential:3ms"])
SEEDS = breadth((1, 7, 12), (7,))
# A fault per example that has domains to fault.
FAULTS = {
    "bracha": [["--byzantine", "node[0]"], ["--crash", "node[3]@4ms"]],
    "rb-over-cb": [["--byzantine", "node[0]"]],
    "tendermint": [["--byzantine", "node[1]"]],
    "rb-stream": [["--byzantine", "node[0]"], ["--crash", "node[3]@4ms"]],
    "rb-bounded": [["--byzantine", "node[0]"], ["--crash", "node[3]@4ms"]],
    "tendermint-heights": [["--byzantine", "node[1]"]],
    "failure-detector": [["--crash", "node[3]@12ms"]],
}
# Models with an unbounded or on-demand `for`: not run split (projections
# of them are not supported yet), and cut at 30ms of their stream.
UNBOUNDED = {"rb-stream": ["--until", "30ms"], "rb-bounded": ["--until", "30ms"], "tendermint-heights": ["--until", "30ms"],
             "tendermint-gossip": ["--until", "30ms"], "failure-detector": ["--until", "30ms"]}


def name_of(model):
    return os.path.basename(os.path.dirname(model))


def decoded_run(directory):
    """The trace of Bracha's seed 2, recorded in `directory`, as `capnp decode` text."""
    trace = os.path.join(directory, "t.trace")
    code, _, err = run([RUN, example("bracha"), "--seed", "2", "--trace", trace])
    assert code == 0, err
    code, text, err = run(["capnp", "decode", "--short", TRACE_SCHEMA, "TraceChunk"], stdin=read_bytes(trace))
    assert code == 0, err
    return text


def encoded(directory, text, name="edited.trace"):
    """A trace file from `capnp decode` text (an edited trace)."""
    code, data, err = run(["capnp", "encode", TRACE_SCHEMA, "TraceChunk"], stdin=text)
    assert code == 0, err
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def outputs(stdout):
    """The printed outputs and checks, without what an unavailable output
    waited for (a projection explains a crash less precisely than the whole
    model; the traces are compared event by event instead)."""
    return [line.split(" waiting for ")[0] for line in stdout.decode().splitlines()]


class Replay(unittest.TestCase):
    def check_replays(self, d, model, args):
        """Records a run with `args`, then replays it whole and split."""
        whole, again, split = (os.path.join(d, x) for x in ("whole.trace", "again.trace", "split.trace"))
        unbounded = name_of(model) in UNBOUNDED
        args = [*args, *UNBOUNDED.get(name_of(model), [])]
        code, out, err = run([RUN, model, *args, "--trace", whole])
        self.assertIn(code, (0, 1), err)
        code, replayed_out, err = run([RUN, model, "--replay", whole, "--trace", again])
        self.assertIn(code, (0, 1), err)
        self.assertEqual(out, replayed_out)
        self.assertEqual(read_bytes(whole), read_bytes(again), "the whole replay differs from its trace")
        if unbounded:
            return
        code, split_out, err = run([RUN, model, "--split", "--replay", whole, "--trace", split])
        self.assertIn(code, (0, 1), err)
        self.assertEqual(outputs(out), outputs(split_out))
        code, diff, err = run([TRACE, "diff", whole, split])
        self.assertEqual(code, 0, diff.decode() + err)

    def test_every_example_replays_whole_and_split_over_random_latencies(self):
        for model in MODELS:
            for latency in LATENCIES:
                for seed in SEEDS:
                    with self.subTest(model=name_of(model), latency=latency, seed=seed), TempDir() as d:
                        self.check_replays(d, model, ["--latency", latency, "--seed", str(seed)])

    def test_replays_with_byzantine_and_crashed_nodes(self):
        for model in MODELS:
            for faults in FAULTS.get(name_of(model), []):
                for seed in breadth((3, 9), (9,)):
                    with self.subTest(model=name_of(model), faults=faults, seed=seed), TempDir() as d:
                        self.check_replays(d, model, ["--latency", "uniform:1ms..10ms", *faults, "--seed", str(seed)])

    def test_the_reported_instance_bracha_seed_7(self):
        # Issue 11: the first divergence was at 5,537,955 ns and every delivery time differed.
        with TempDir() as d:
            self.check_replays(d, example("bracha"), ["--input", "bc=1", "--latency", "uniform:1ms..10ms",
                                                      "--seed", "7"])

    def test_simultaneous_votes_replay_in_the_recorded_order_whole_and_split(self):
        # Under a constant latency a Quorum's votes arrive together, and its
        # value is the first to reach k in their order: a projection drew
        # another order than the whole run, so a split replay of these seeds
        # refused the trace as a contradiction at rb.echoQuorum[*].q.value,
        # and so did a whole replay of a split run's trace. At zero latency
        # the whole run is one instant: a projection took its own events of
        # it before what the others sent it (seeds 12, 26, 29 and 30 were
        # refused) until a split replay interleaved them as the trace does.
        latencies = ([], ["--latency", "constant:0ns"])
        for seed, latency, recorded in itertools.product(breadth(range(40), (12, 18, 29, 32)), latencies,
                                                         ([], ["--split"])):
            with self.subTest(seed=seed, latency=latency, recorded=recorded), TempDir() as d:
                trace, again = os.path.join(d, "recorded.trace"), os.path.join(d, "again.trace")
                args = [example("bracha"), "-D", "f=2", "--byzantine", "node[0]", *latency, "--seed", str(seed)]
                code, out, err = run([RUN, *args, *recorded, "--trace", trace])
                self.assertIn(code, (0, 1), err)
                for replay in ([], ["--split"]):
                    code, replayed, err = run([RUN, example("bracha"), "-D", "f=2", *replay, "--replay", trace,
                                               "--trace", again])
                    self.assertIn(code, (0, 1), err)
                    self.assertEqual(outputs(out), outputs(replayed))
                    code, diff, err = run([TRACE, "diff", trace, again])
                    self.assertEqual(code, 0, diff.decode() + err)

    def test_a_stream_whose_iterations_begin_among_other_events_replays_byte_for_byte(self):
        # An iteration's beginning is no event of the trace: a replay put the
        # window's (0 to 2) before their first event, so the next one's
        # stream element came late, and drew the end-of-instant decisions'
        # keys in another order (seeds 0, 1, 10, 20, ... of 30 differed).
        stream = example("rb-stream")
        for seed in breadth(range(12), (0, 1)):
            for args in (["-D", "spacing=0", "--iterations", "6"], ["-D", "spacing=1000", "--iterations", "10"],
                         ["-D", "spacing=0", "--iterations", "8", "--byzantine", "node[0]", "-D", "f=2"]):
                with self.subTest(seed=seed, args=args), TempDir() as d:
                    a, b = os.path.join(d, "a.trace"), os.path.join(d, "b.trace")
                    code, _, err = run([RUN, stream, *args, "--seed", str(seed), "--outputs", "summary", "--trace", a])
                    self.assertIn(code, (0, 1), err)
                    code, _, err = run([RUN, stream, "--replay", a, "--outputs", "summary", "--trace", b])
                    self.assertIn(code, (0, 1), err)
                    self.assertEqual(read_bytes(a), read_bytes(b))

    UNTIL = ["--latency", "uniform:1ms..10ms", "--until", "6ms", "--seed", "2"]

    def test_a_whole_replay_stops_where_the_recorded_run_stopped(self):
        with TempDir() as d:
            whole, again = os.path.join(d, "whole.trace"), os.path.join(d, "again.trace")
            run([RUN, example("bracha"), *self.UNTIL, "--trace", whole])
            code, _, err = run([RUN, example("bracha"), "--replay", whole, "--trace", again])
            self.assertIn(code, (0, 1), err)
            self.assertEqual(read_bytes(whole), read_bytes(again))

    # A Link inside one domain whose delivery fell after `until` is not in the
    # trace; the engine draws it again in a projection (another order of
    # draws) unless a replay makes only the recorded choices.
    def test_a_split_replay_stops_where_the_recorded_run_stopped(self):
        with TempDir() as d:
            self.check_replays(d, example("bracha"), self.UNTIL)

    def test_a_split_run_replays_on_the_whole_model_and_split_again(self):
        with TempDir() as d:
            recorded, whole, split = (os.path.join(d, x) for x in ("recorded.trace", "whole.trace", "split.trace"))
            code, _, err = run([RUN, example("bracha"), "--split", "--latency", "exponential:2ms", "--seed", "5",
                                "--trace", recorded])
            self.assertEqual(code, 0, err)
            for args, path in ((["--replay", recorded], whole), (["--split", "--replay", recorded], split)):
                code, _, err = run([RUN, example("bracha"), *args, "--trace", path])
                self.assertEqual(code, 0, err)
                code, diff, err = run([TRACE, "diff", recorded, path])
                self.assertEqual(code, 0, diff.decode() + err)

    def test_a_trace_of_other_parameters_is_named_by_every_tool(self):
        # -D broken=1 changes only what an Fn expression reads: the model hash
        # covers it, and each tool names the parameter instead of misreading.
        model = example("paxos")
        scenario = os.path.join(EXAMPLES, "paxos", "scenarios", "late-decision.yaml")
        with TempDir() as d:
            trace = os.path.join(d, "broken.trace")
            code, _, err = run([RUN, model, "-D", "broken=1", "--faults", scenario, "--seed", "0", "--trace", trace])
            self.assertEqual(code, 1, err)
            said = "it was recorded with -D broken=1, and this model has broken=0"
            again = os.path.join(d, "again.trace")  # without -D, a replay takes the trace's parameters
            code, _, err = run([RUN, model, "--replay", trace, "--trace", again])
            self.assertEqual((code, err), (1, ""))
            self.assertEqual(read_bytes(again), read_bytes(trace))
            code, _, err = run([RUN, model, "-D", "broken=0", "--replay", trace])
            self.assertIn(said, err)
            self.assertIn("[replay-model]", err)
            for argv in ([TRACE, "invert", model, trace], [TRACE, "show", trace, "--model", model],
                         [tool("rdc-dot"), model, "--trace", trace]):
                with self.subTest(tool=os.path.basename(argv[0])):
                    code, _, err = run(argv)
                    self.assertEqual(code, 2, err)
                    self.assertIn(said, err)
            code, out, err = run([TRACE, "invert", "-D", "broken=1", model, trace])
            self.assertEqual(code, 0, out.decode() + err)

    def test_a_derived_parameter_is_named_only_where_the_trace_derived_another_value(self):
        # Bracha's f is (n - 1) / 3: a trace of -D n=7 was recorded with f=2,
        # which -D n=7 gives again, so only n is named.
        with TempDir() as d:
            trace = os.path.join(d, "n7.trace")
            code, _, err = run([RUN, example("bracha"), "-D", "n=7", "--trace", trace])
            self.assertEqual(code, 0, err)
            code, _, err = run([TRACE, "invert", example("bracha"), trace])
            self.assertEqual(code, 2, err)
            self.assertIn("it was recorded with -D n=7, and this model has n=4)", err)
            overridden = os.path.join(d, "f1.trace")  # f given against its derivation is named
            code, _, err = run([RUN, example("bracha"), "-D", "n=7", "-D", "f=1", "--trace", overridden])
            self.assertEqual(code, 0, err)
            code, _, err = run([TRACE, "invert", example("bracha"), overridden])
            self.assertIn("it was recorded with -D n=7 -D f=1, and this model has n=4, f=1)", err)

    def test_a_replay_takes_the_traces_parameters_before_the_models_defaults(self):
        # The model's own default makes `per` divide by zero; the trace was
        # recorded with -D n=2, and its replay never evaluates the default.
        with TempDir() as d:
            model = write(d, "m.rdc.yaml", "rdc: 1\nmodel: m\nparams:\n  n: 0\n  per: 10 / n\n"
                                           "system:\n  body:\n    - Fn inc:\n        expr: x + 1\n"
                                           "        x: input x as Int = per -> output x\n        r: choose -> output r\n")
            trace, again = os.path.join(d, "t.trace"), os.path.join(d, "again.trace")
            code, _, err = run([RUN, model])
            self.assertEqual(code, 2)
            self.assertIn("[div-zero]", err)
            code, out, err = run([RUN, model, "-D", "n=2", "--trace", trace])
            self.assertEqual((code, out.decode()), (0, "x = 5 @ 0ns\nr = 6 @ 0ns\n"), err)
            code, out, err = run([RUN, model, "--replay", trace, "--trace", again])
            self.assertEqual((code, out.decode(), err), (0, "x = 5 @ 0ns\nr = 6 @ 0ns\n", ""))
            self.assertEqual(read_bytes(again), read_bytes(trace))

    def test_flags_the_trace_fixes_are_refused_beside_replay(self):
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            run([RUN, example("bracha"), "--trace", trace])
            faults = os.path.join(d, "faults.yaml")
            with open(faults, "w") as f:
                f.write("byzantine: [node[1]]\n")
            for flag, value in (("--seed", "3"), ("--seeds", "0..3"), ("--latency", "constant:2ms"),
                                ("--input", "bc=1"), ("--force", "rb.send.link[1].rcv=1"), ("--crash", "node[1]"),
                                ("--byzantine", "node[1]"), ("--faults", faults), ("--until", "5ms")):
                with self.subTest(flag=flag):
                    code, out, err = run([RUN, example("bracha"), "--replay", trace, flag, value])
                    self.assertEqual(code, 2, out.decode() + err)
                    self.assertIn("--replay", err)
                    self.assertIn(flag, err)
                    self.assertEqual(len(err.strip().splitlines()), 1, err)
            # Over TCP the network would decide the deliveries: a new run (it
            # ran one, with the trace's seed and checks but not its choices).
            code, out, err = run([RUN, example("bracha"), "--replay", trace, "--cluster", faults])
            self.assertEqual(code, 2, out.decode() + err)
            self.assertIn("--replay reruns a trace in the simulator", err)

    def test_a_trace_whose_events_its_header_rules_out_is_refused(self):
        """A header edited to crash a domain earlier, to make a Link lost or
        a domain honest: the recorded choices it rules out are refused."""
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            code, _, err = run([RUN, example("bracha"), "--byzantine", "node[1]", "--seed", "7", "--trace", trace])
            self.assertIn(code, (0, 1), err)
            code, text, err = run(["capnp", "decode", "--short", TRACE_SCHEMA, "TraceChunk"], stdin=read_bytes(trace))
            self.assertEqual(code, 0, err)
            edits = {
                "after its crash at 2ms": (b"crashes = []", b'crashes = [(name = "node[2]", value = "2ms")]'),
                "a delivery on a lost link (rb.send.link[2].rcv at ": (
                    b"linkLatency = []", b'linkLatency = [(name = "rb.send.link[2]", value = "lost")]'),
                "a lie in node[1], which is neither Byzantine nor forced there": (
                    b'byzantine = ["node[1]"]', b"byzantine = []"),
            }
            for expected, (old, new) in edits.items():
                with self.subTest(expected=expected):
                    self.assertIn(old, text)
                    edited = encoded(d, text.replace(old, new, 1))
                    code, out, err = run([RUN, example("bracha"), "--replay", edited])
                    self.assertEqual(code, 2, out.decode() + err)
                    self.assertIn("not a run of its own scenario", err)
                    self.assertIn(expected, err)
                    self.assertIn("[trace-contradiction]", err)

    def test_a_nodes_trace_is_refused_with_how_to_replay_it(self):
        """A node's trace over TCP records the network's deliveries as its
        gateways' `rcv` choices: a replay of its projection alone, or of the
        whole model, would be another run, so both say to merge the nodes'
        traces (test_tcp replays real ones). Made here from a run of the
        projection alone, its gateway's `--input` recorded as a delivery."""
        with TempDir() as d:
            part, trace = os.path.join(d, "node1.ir"), os.path.join(d, "node1.trace")
            code, _, err = run([tool("rdc-project"), example("bracha"), "--domain", "node[1]", "-o", part])
            self.assertEqual(code, 0, err)
            code, _, err = run([RUN, part, "--input", "net:rb.send.link[1]=1", "--trace", trace])
            self.assertEqual(code, 0, err)
            code, _, err = run([RUN, part, "--replay", trace])  # given by --input: a replay gives it again
            self.assertEqual(code, 0, err)
            code, text, err = run(["capnp", "decode", "--short", TRACE_SCHEMA, "TraceChunk"], stdin=read_bytes(trace))
            self.assertEqual(code, 0, err)
            delivery = re.search(rb"(\(line = \d+, output = false, time = 0, how = )input", text)
            self.assertIn(b'inputs = [(name = "net:rb.send.link[1]", value = "1")]', text)
            node = encoded(d, text.replace(b'inputs = [(name = "net:rb.send.link[1]", value = "1")]', b"inputs = []", 1)
                           .replace(delivery[0], delivery[1] + b"chosen", 1), "node.trace")
            merge = "replay the whole run on the whole model: a cluster's nodes' traces merged into one (`rdc-trace merge"
            for model, expected in ((part, "the trace records what the network delivered to this projection's "
                                           "gateways (rb.send.link[1].rcv at 0ns)"),
                                    (example("bracha"), "the trace is a projection's run (one node's), not a run of "
                                                        "this whole model")):
                with self.subTest(model=os.path.basename(model)):
                    code, out, err = run([RUN, model, "--replay", node])
                    self.assertEqual(code, 2, out.decode() + err)
                    self.assertIn(f"rdc-run: error: --replay: {expected}", err)
                    self.assertIn(merge, err)
                    self.assertIn("[usage]", err)

    def test_a_header_that_does_not_fit_the_model_is_the_traces_fault(self):
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            run([RUN, example("bracha"), "--crash", "node[3]@2ms", "--trace", trace])
            code, text, err = run(["capnp", "decode", "--short", TRACE_SCHEMA, "TraceChunk"], stdin=read_bytes(trace))
            self.assertEqual(code, 0, err)
            for old, new in ((b'name = "node[3]", value = "2ms"', b'name = "node[7]", value = "2ms"'),
                             (b'name = "node[3]", value = "2ms"', b'name = "node[3]", value = "soon"')):
                with self.subTest(new=new):
                    self.assertIn(old, text)
                    edited = encoded(d, text.replace(old, new))
                    code, out, err = run([RUN, example("bracha"), "--replay", edited])
                    self.assertEqual(code, 2, out.decode() + err)
                    self.assertIn("--replay: the trace's header does not fit the model", err)
                    self.assertIn("[trace-malformed]", err)
                    self.assertNotIn("[usage]", err)

    def test_a_trace_whose_computed_events_were_edited_is_refused(self):
        """A replay of a trace of this very model makes its events exactly,
        whole or split (a split replay checked only the choices): a
        computed event moved in time, every event 1us later (the input
        too), or one event deleted is a contradiction, not another run."""
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            code, _, err = run([RUN, example("bracha"), "--seed", "2", "--latency", "uniform:1ms..5ms",
                                "--trace", trace])
            self.assertEqual(code, 0, err)
            self.assertEqual(run([RUN, example("bracha"), "--replay", trace])[0], 0)
            code, text, err = run(["capnp", "decode", "--short", TRACE_SCHEMA, "TraceChunk"], stdin=read_bytes(trace))
            self.assertEqual(code, 0, err)
            header, events, footer = text.splitlines()
            last = re.findall(rb"\(line = \d+, output = true, time = (\d+), how = computed", events)[-1]
            end = re.search(rb"endTime = (\d+)", footer)[1]
            self.assertEqual(last, end)
            later = str(int(end) + 1000).encode()
            tail = events.rfind(b"time = " + last)
            edits = {
                "moved": (header, events[:tail] + b"time = " + later + events[tail + len(b"time = " + last):],
                          footer.replace(end, later)),
                "shifted": tuple(re.sub(rb"(time|endTime) = (\d+)", lambda m: b"%s = %d" % (m[1], int(m[2]) + 1000), c)
                                 for c in (header, events, footer)),
                "deleted": (header, re.sub(rb"\(line = \d+, output = true, time = \d+, how = computed, value = "
                                           rb"\(int = 1\)\), ", b"", events, count=1),
                            re.sub(rb"events = (\d+)", lambda m: b"events = %d" % (int(m[1]) - 1), footer)),
            }
            for (name, chunks), split in itertools.product(edits.items(), ([], ["--split"])):
                with self.subTest(edit=name, split=split):
                    edited = encoded(d, b"\n".join(chunks) + b"\n", name + ".trace")
                    code, out, err = run([RUN, example("bracha"), *split, "--replay", edited])
                    self.assertEqual(code, 2, out.decode() + err)
                    self.assertIn("--replay: the trace is not a run of its own scenario: ", err)
                    self.assertIn("where its model makes", err)
                    self.assertIn("[trace-contradiction]", err)

    def test_a_replay_ends_as_the_trace_says_its_run_ended(self):
        """The footer is part of what a replay makes: an end time moved on,
        or an invariant that the run never fails named as what stopped it,
        is a contradiction, whole or split, even where every event agrees."""
        with TempDir() as d:
            text = decoded_run(d)
            footer = text.splitlines()[-1]
            end = int(re.search(rb"endTime = (\d+)", footer)[1])
            self.assertIn(b'stoppedBy = ""', footer)
            edits = {
                "later": (footer.replace(b"endTime = %d" % end, b"endTime = %d" % (end + 1)),
                          rf"it records that its run ended at {end + 1}ns, where its model's run ended at "),
                "stopped": (footer.replace(b'stoppedBy = ""', b'stoppedBy = "agreement"'),
                            r"it records that its run was stopped at (\S+) by its invariant 'agreement', "
                            r"where its model's run ended at \1 "),
            }
            for name, (edited_footer, why) in edits.items():
                edited = encoded(d, text.replace(footer, edited_footer), name + ".trace")
                code, out, err = run([RUN, example("bracha"), "--replay", edited])
                with self.subTest(edit=name):
                    self.assertEqual(code, 2, out.decode() + err)
                    self.assertRegex(err, why)
                    self.assertIn("[trace-contradiction]", err)
            code, _, err = run([RUN, example("bracha"), "--split", "--replay", os.path.join(d, "later.trace")])
            self.assertEqual(code, 2, err)
            self.assertIn(edits["later"][1], err)

    def test_a_replay_is_judged_by_the_checks_the_run_was(self):
        """A run judged by `--check agreement` passes though node 1, forced
        to deliver 5, fails validity and totality: its replay is judged by
        agreement too (it was by every check, and exited 1), whole and
        split, and a `--check` beside `--replay` judges it by another."""
        with TempDir() as d:
            recorded, again = os.path.join(d, "recorded.trace"), os.path.join(d, "again.trace")
            forced = ["--force", "rb.deliver[1].q.value=5"]
            code, _, err = run([RUN, example("bracha"), *forced, "--check", "agreement", "--trace", recorded])
            self.assertEqual(code, 0, err)
            for split in ([], ["--split"]):
                with self.subTest(split=split):
                    code, out, err = run([RUN, example("bracha"), *split, "--replay", recorded, "--trace", again])
                    self.assertEqual((code, re.findall(rb"check (\w+)", out)), (0, [b"agreement"]), err)
                    self.assertEqual(read_bytes(recorded), read_bytes(again))
            code, out, err = run([RUN, example("bracha"), "--replay", recorded, "--check", "totality"])
            self.assertEqual((code, re.findall(rb"check (\w+)", out)), (1, [b"totality"]), err)
            # An --invariant beside --check judges the run too, though it
            # never stopped it: paxos cut at 5ms fails termination.
            paxos = ["--seed", "1", "--until", "5ms", "--invariant", "termination", "--check", "validity"]
            code, out, err = run([RUN, example("paxos"), *paxos, "--trace", recorded])
            judged = (1, [b"validity", b"termination"])
            self.assertEqual((code, re.findall(rb"check (\w+)", out)), judged, err)
            code, out, err = run([RUN, example("paxos"), "--replay", recorded, "--trace", again])
            self.assertEqual((code, re.findall(rb"check (\w+)", out)), judged, err)
            self.assertEqual(read_bytes(recorded), read_bytes(again))

    def test_a_replay_lies_where_the_trace_records_a_lie(self):
        """A schedule that chose the honest value at a Byzantine domain's lie
        point (schedule:1), or a lie where it lies only where forced: the
        trace says which choices were lies, and a split replay, whose
        projections run no schedule, lies exactly there (it lied where its
        own draw said, and refused the trace)."""
        with TempDir() as d:
            args = [example("bracha"), "-D", "f=2", "--byzantine", "node[0]", "--latency", "constant:1ms", "--seed", "1"]
            for strategy in (["--strategy", "schedule:1"], ["--lies", "forced", "--strategy", "schedule:0.0.3"]):
                recorded = os.path.join(d, "recorded.trace")
                code, _, err = run([RUN, *args, *strategy, "--trace", recorded])
                self.assertEqual(code, 0, err)
                for split in ([], ["--split"]):
                    with self.subTest(strategy=strategy, split=split):
                        again = os.path.join(d, "again.trace")
                        code, _, err = run([RUN, example("bracha"), *split, "--replay", recorded, "--trace", again])
                        self.assertEqual(code, 0, err)
                        code, diff, err = run([TRACE, "diff", recorded, again])
                        self.assertEqual(code, 0, diff.decode() + err)

    def test_a_split_run_cut_by_until_replays_whole(self):
        """A split run draws its delays per projection: a whole replay of its
        trace, cut by --until with messages in flight, makes no choice the
        trace lacks (none of them due before the end: the replay takes the
        recorded ones and leaves the others pending), and ends as it did."""
        with TempDir() as d:
            recorded, again = os.path.join(d, "recorded.trace"), os.path.join(d, "again.trace")
            args = ["--latency", "uniform:1ms..10ms", "--until", "5ms", "--seed", "1"]
            code, out, err = run([RUN, example("bracha"), "--split", *args, "--trace", recorded])
            self.assertIn(code, (0, 1), err)
            replayed = run([RUN, example("bracha"), "--replay", recorded, "--trace", again])
            self.assertEqual(replayed[0], code, replayed[2])
            code, diff, err = run([TRACE, "diff", recorded, again])
            self.assertEqual(code, 0, diff.decode() + err)

    def test_a_headers_parameters_are_whole_numbers_of_the_models(self):
        """A recorded parameter that is no whole number is the trace's fault;
        one the model does not declare is named where the hashes differ."""
        with TempDir() as d:
            text = decoded_run(d)
            recorded = b'(name = "n", value = "4")'
            self.assertIn(recorded, text)
            edited = encoded(d, text.replace(recorded, b'(name = "n", value = "1/0")', 1))
            code, out, err = run([RUN, example("bracha"), "--replay", edited])
            self.assertEqual(code, 2, out.decode() + err)
            self.assertIn("records parameter 'n' as '1/0', which is not a whole number", err)
            self.assertIn("[trace-malformed]", err)
            for value in ("+4", " 4", "4ms", ""):
                edited = encoded(d, text.replace(recorded, b'(name = "n", value = "%s")' % value.encode(), 1), "v.trace")
                code, out, err = run([RUN, example("bracha"), "--replay", edited])
                self.assertIn("is not a whole number", err)
            edited = encoded(d, text.replace(recorded, b'(name = "n", value = "-4")', 1), "neg.trace")
            code, out, err = run([RUN, example("bracha"), "--replay", edited])
            self.assertEqual(code, 2, out.decode() + err)
            self.assertIn("records parameter 'n' as '-4', which is not a parameter's value", err)
            self.assertNotIn("-D", err)
            edited = encoded(d, text.replace(recorded, recorded + b', (name = "k", value = "5")', 1), "k.trace")
            code, out, err = run([RUN, example("bracha"), "--replay", edited])
            self.assertEqual(code, 0, out.decode() + err)
            self.assertIn("it records parameters this model does not declare: 'k'; its graph is the same", err)
            self.assertIn("[replay-model]", err)
            edited = encoded(d, text.replace(recorded, b'(name = "n", value = "5"), (name = "k", value = "5")', 1),
                             "k5.trace")
            code, out, err = run([RUN, example("bracha"), "--replay", edited])
            self.assertIn("its model hash differs; it records parameters this model does not declare: 'k'", err)
            self.assertIn("[replay-model]", err)

    def test_a_strategys_lies_under_lies_forced_are_no_contradiction(self):
        # A schedule makes the Byzantine node lie where nothing is forced;
        # its trace records the strategy, so the replay takes the lies.
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            tendermint = example("tendermint")
            scenario = os.path.join(os.path.dirname(tendermint), "scenarios", "lost-lock.yaml")
            code, _, err = run([RUN, tendermint, "-D", "lockRule=0", "--faults", scenario, "--lies", "forced",
                                "--strategy", "schedule:0.0.0.0.0.0.0.0.0.0.0.0.0.1", "--seed", "3", "--trace", trace])
            self.assertIn(code, (0, 1), err)
            code, out, err = run([RUN, tendermint, "-D", "lockRule=0", "--replay", trace])
            self.assertIn(code, (0, 1), err)
            self.assertNotIn("trace-contradiction", err)
            self.assertIn("check agreement: fail", out.decode())

    EDITED = """rdc: 1
domains: {node: 2}
system:
  body:
    - Link l:
        snd: input a as Int = 3 @ node[0] -> drop
        rcv: choose -> output b @ node[1]
    - Coin<2> c @ node[1]:
        x: input go as Unit @ node[1] -> drop
        flip: choose -> output heads
"""

    def test_a_trace_whose_honest_choice_was_edited_is_refused(self):
        """A delivery that is not what was sent, or a flip outside the coin's
        sides, in a domain that does not lie: refused, whole and split."""
        with TempDir() as d:
            model = os.path.join(d, "edited.rdc.yaml")
            with open(model, "w", encoding="utf-8") as f:
                f.write(self.EDITED)
            trace = os.path.join(d, "t.trace")
            code, recorded, err = run([RUN, model, "--trace", trace])
            self.assertEqual(code, 0, err)
            self.assertIn("b = 3", recorded.decode())
            code, text, err = run(["capnp", "decode", "--short", TRACE_SCHEMA, "TraceChunk"], stdin=read_bytes(trace))
            self.assertEqual(code, 0, err)
            paths = re.search(rb"linePaths = \[([^]]*)\]", text).group(1).decode().replace('"', "").split(", ")

            def edited_choice(path, value):
                """The trace with `path`'s chosen value replaced by `value`."""
                pattern = rb"(\(line = %d, output = false, time = \d+, how = chosen, value = \(int = )-?\d+" % paths.index(path)
                changed, count = re.subn(pattern, rb"\g<1>%d" % value, text, count=1)
                self.assertEqual(count, 1, path)
                return encoded(d, changed)

            for path, value in (("l.rcv", 99), ("c.flip", 7)):
                edited = edited_choice(path, value)
                for split in ([], ["--split"]):
                    with self.subTest(path=path, split=split):
                        code, out, err = run([RUN, model, *split, "--replay", edited])
                        self.assertEqual(code, 2, out.decode() + err)
                        self.assertIn("[trace-contradiction]", err)
                        self.assertIn(f"it records {path} = {value}, which its rule", err)
            # The other side of the coin is a flip it could make: its rule
            # allows it, but what follows from it was not edited to match.
            edited = edited_choice("c.flip", 1 - int(re.search(r"heads = (\d)", recorded.decode()).group(1)))
            code, out, err = run([RUN, model, "--replay", edited])
            self.assertEqual(code, 2, out.decode() + err)
            self.assertNotIn("which its rule", err)
            self.assertIn("where its model makes c.flip' = ", err)

if __name__ == "__main__":
    unittest.main()
