"""The semantics docs/semantics.md promises, driven through the real tools:
nothing a run determines is lost (so real models run backwards), a bound
choosable input behaves as a forced one, and time never wraps."""
import json
import os
import re
import unittest

from rdctest import EXAMPLES, ROOT, TempDir, breadth, example, jsonl_parts, run, tool

RUN, TRACE, LINT = tool("rdc-run"), tool("rdc-trace"), tool("rdc-lint")
NET = ["--latency", "uniform:1ms..10ms"]


def inversion_counts(text):
    """(inputs recovered, choices confirmed, events confirmed) from invert's summary."""
    m = re.search(r"inversion round-trips: (\d+) extrinsic inputs recovered, (\d+) choices and (\d+) events confirmed",
                  text)
    return tuple(int(x) for x in m.groups()) if m else None


def page_model(page, name):
    """The body of the `yaml file=NAME` block of a docs page."""
    with open(os.path.join(ROOT, "docs", page), encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"^```yaml file=" + re.escape(name) + r"\n(.*?)^```", text, flags=re.S | re.M)
    return m[1]


class Semantics(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.dir = self.tmp.__enter__()

    def tearDown(self):
        self.tmp.__exit__(None, None, None)

    def model(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def holds_on_every_schedule(self, model, seeds):
        """The model's checks pass on `seeds` under random and PCT, and on
        every schedule of an exhaustive search (the space exhausted)."""
        for strategy in ("random", "pct:2"):
            code, out, err = run([RUN, model, "--seeds", seeds, "--strategy", strategy])
            self.assertEqual(code, 0, out.decode() + err)
        code, out, err = run([RUN, model, "--strategy", "exhaustive", "--seed", "0"])
        self.assertEqual(code, 0, out.decode() + err)
        self.assertIn("the space is exhausted", out.decode())

    def record(self, model, *args, defines=()):
        trace = os.path.join(self.dir, "run.trace")
        code, out, err = run([RUN, model, *defines, *args, "--trace", trace], timeout=300)
        self.assertIn(code, (0, 1), out.decode() + err)
        return trace

    def events(self, trace):
        code, out, err = run([TRACE, "export", trace, "--format", "jsonl"])
        self.assertEqual(code, 0, err)
        return jsonl_parts(out)[1]

    def inverts_completely(self, model, *args, defines=(), inputs=None):
        """Records a run, inverts it, and asserts every event is confirmed and
        (when given) that many extrinsic inputs come back."""
        trace = self.record(model, *args, defines=defines)
        code, out, err = run([TRACE, "invert", *defines, model, trace], timeout=300)
        self.assertEqual(code, 0, out.decode() + err)
        counts = inversion_counts(out.decode())
        self.assertIsNotNone(counts, out.decode())
        recovered, _, confirmed = counts
        self.assertEqual(confirmed, len(self.events(trace)), out.decode())
        if inputs is not None:
            self.assertEqual(recovered, inputs, out.decode())
        return trace


class NothingLost(Semantics):
    def test_a_line_sent_to_drop_is_recorded_and_inverts(self):
        m = self.model("add.rdc.yaml", """rdc: 1
system:
  body:
    - Sum add:
        x: input a as Int -> drop
        y: input b as Int -> output s
""")
        trace = self.inverts_completely(m, "--input", "a=2", "--input", "b=3", inputs=2)
        dropped = [e for e in self.events(trace) if e["line"] == "add.x" and e["end"] == "out"]
        self.assertEqual([e["value"] for e in dropped], ["2"])

    def test_an_fn_argument_sent_to_drop_inverts(self):
        m = self.model("fn.rdc.yaml", """rdc: 1
system:
  body:
    - Fn double:
        expr: "a * 2 + b"
        a: input a as Int -> drop
        b: input b as Int -> drop
        r: choose -> output r
""")
        self.inverts_completely(m, "--input", "a=5", "--input", "b=1", inputs=2)

    def test_a_fredkin_circuit_with_garbage_to_drop_inverts(self):
        # Two CSwap (Fredkin) gates: only t1 of the second is an output; the
        # controls and the other targets are garbage, dropped.
        m = self.model("fredkin.rdc.yaml", """rdc: 1
system:
  body:
    - CSwap g0:
        c: input c0 as Bool -> drop
        t1: input a as Int -> mid
        t2: input b as Int -> drop
    - CSwap g1:
        c: input c1 as Bool -> drop
        t1: mid -> output out
        t2: input d as Int -> drop
""")
        for c0 in ("true", "false"):
            for c1 in ("true", "false"):
                with self.subTest(c0=c0, c1=c1):
                    self.inverts_completely(m, "--input", "c0=" + c0, "--input", "c1=" + c1, "--input", "a=1",
                                            "--input", "b=2", "--input", "d=3", inputs=5)

    def test_a_value_resting_at_a_component_that_never_interacts_is_recorded(self):
        # Nothing demands `unused`'s output: its input still arrives, is
        # recorded, and the inverse gives the input back from it.
        m = self.model("rest.rdc.yaml", """rdc: 1
system:
  body:
    - Inc<1> used:
        x: input a as Int -> output b
    - Inc<1> unused:
        x: input c as Int -> drop
""")
        trace = self.inverts_completely(m, "--input", "a=1", "--input", "c=7", inputs=2)
        lines = {(e["line"], e["end"]) for e in self.events(trace)}
        self.assertIn(("unused.x", "in"), lines)
        self.assertNotIn(("unused.x", "out"), lines)

    def test_the_tutorials_models_invert(self):
        chain = self.model("chain.rdc.yaml", page_model("tutorial.md", "chain.rdc.yaml"))
        self.inverts_completely(chain, "--input", "a=2", "--input", "b=1", inputs=2)
        vote = self.model("vote.rdc.yaml", page_model("tutorial.md", "vote.rdc.yaml"))
        votes = ["--input", "vote[0]=7", "--input", "vote[1]=7", "--input", "vote[2]=7", "--input", "vote[3]=9"]
        for faults in ([], ["--byzantine", "node[3]"], ["--crash", "node[1]@2ms"]):
            with self.subTest(faults=faults):
                self.inverts_completely(vote, *votes, *NET, *faults, "--seed", "3", inputs=4)

    def test_every_example_confirms_every_event(self):
        runs = [(example("basics"), ["--input", "a=3", "--input", "b=4", "--input", "first=9", "--input", "second=2"]),
                (example("rb-over-cb"), [*NET, "--input", "bc=1", "--byzantine", "node[1]"])]
        for faults in ([], ["--byzantine", "node[0]"], ["--crash", "node[2]@3ms", "--byzantine", "node[3]"]):
            runs.append((example("bracha"), [*NET, "--input", "bc=1", *faults, "--seed", "5"]))
        for model, args in runs:
            with self.subTest(model=os.path.basename(model), args=args):
                self.inverts_completely(model, *args)

    def test_tendermint_confirms_every_event(self):
        tm = example("tendermint")
        scenarios = os.path.join(EXAMPLES, "tendermint", "scenarios")
        for extra in ([], ["--faults", os.path.join(scenarios, "crashed-proposer.yaml")],
                      ["--faults", os.path.join(scenarios, "equivocating-proposer.yaml")]):
            with self.subTest(extra=extra):
                self.inverts_completely(tm, "--seed", "3", *extra)


QUORUM = """rdc: 1
params: {k: 2}
system:
  body:
    - for: i in 0..3
      body:
        - Delay wait[i]:
            d: const (i + 1) * 1ms -> drop
            v: input vote[i] as Bool -> votes[i]
    - Quorum<3, k> q:
        votes: votes -> drop
        value: VALUE -> output decided
"""


class Forcing(Semantics):
    """A choosable input bound to a value source is forced: a constant, a
    wire, --force and a faults file all give the same outputs at the same
    times (a forced Quorum value once k votes equal it)."""

    def decided(self, model, *args):
        trace = self.record(model, "--input", "vote[0]=true", "--input", "vote[1]=false", "--input", "vote[2]=true",
                            *args)
        return [(e["value"], e["time_ns"]) for e in self.events(trace) if e["line"] == "q.value" and e["end"] == "out"]

    def test_five_ways_to_force_a_quorum_value_agree(self):
        const = self.model("const.rdc.yaml", QUORUM.replace("VALUE", "const true"))
        wire = self.model("wire.rdc.yaml", QUORUM.replace("VALUE", "w") + """    - Def copy:
        x: const true -> w
        y: choose -> drop
""")
        chosen = self.model("choose.rdc.yaml", QUORUM.replace("VALUE", "choose"))
        faults = self.model("faults.yaml", "force:\n  q.value: true\n")
        results = {
            "const": self.decided(const),
            "wire": self.decided(wire),
            "--force": self.decided(chosen, "--force", "q.value=true"),
            "faults": self.decided(chosen, "--faults", faults),
        }
        # The third vote is the second `true`: the quorum of 2 is reached at 3ms.
        for how, got in results.items():
            with self.subTest(how=how):
                self.assertEqual(got, [("true", 3_000_000)])
        # Unforced, the rule picks the first value with 2 votes, `true` at 3ms too;
        # forced to `false` it never has 2 votes.
        self.assertEqual(self.decided(chosen), [("true", 3_000_000)])
        self.assertEqual(self.decided(chosen, "--force", "q.value=false"), [])
        self.assertEqual(self.decided(self.model("f.rdc.yaml", QUORUM.replace("VALUE", "const false"))), [])

    def test_every_choosable_input_bound_to_a_constant_acts_as_forced(self):
        # Each choosable input of each base component, bound once to `const`
        # and once to `choose` with --force: every output end is the same
        # value at the same time.
        cases = {
            "q.value": ("Quorum<2, 1> q", "votes[0]: input a as Int -> drop\n        votes[1]: input b as Int -> drop",
                        "value", "Int", "7"),
            "d.y": ("Def d", "x: late -> drop", "y", "Int", "7"),
            "f.r": ("Fn f", "expr: \"x + 1\"\n        x: late -> drop", "r", "Int", "7"),
            "g.r": ("Filter g", "when: \"x > 100\"\n        x: late -> drop", "r", "Int", "7"),  # blocks 5
            "l.rcv": ("Link l", "snd: late -> drop", "rcv", "Int", "7"),
            "s.choice": ("Select<2> s", "options[0]: late -> drop\n        options[1]: input b as Int -> drop\n"
                         "        chosen: choose -> drop", "choice", "Int", "1"),
            "s.chosen": ("Select<2> s", "choice: choose -> drop\n        options[0]: late -> drop\n"
                         "        options[1]: input b as Int -> drop", "chosen", "Int", "7"),
            "c.c": ("CSwap c", "t1: late -> drop\n        t2: input b as Int -> drop", "c", "Bool", "true"),
        }
        for path, (head, lines, line, kind, value) in cases.items():
            with self.subTest(line=path):
                late = "late" if "late" in lines else "drop"
                body = f"""rdc: 1
system:
  body:
    - Delay wait:
        d: const 2ms -> drop
        v: input z as Int -> {late}
    - {head}:
        {lines}
        {line}: VALUE -> output out
"""
                const = self.model("const.rdc.yaml", body.replace("VALUE", f"const {value}"))
                chosen = self.model("choose.rdc.yaml", body.replace("VALUE", "choose"))
                ins = ["--input", "z=5"]
                for name, v in (("a", "7"), ("b", "4")):  # a vote for 7 lets the forced Quorum value through
                    if f"input {name} " in body:
                        ins += ["--input", f"{name}={v}"]
                outs = []
                for model, extra in ((const, []), (chosen, ["--force", f"{path}={value}"])):
                    trace = self.record(model, *ins, *extra)
                    outs.append(sorted((e["line"], e["value"], e["time_ns"]) for e in self.events(trace)
                                       if e["end"] == "out"))
                self.assertEqual(outs[0], outs[1])
                self.assertIn(path, [line for line, v, _ in outs[0] if v == value])

    def test_a_byzantine_lie_waits_like_any_forced_value(self):
        model = self.model("byz.rdc.yaml", "domains: {node: 1}\n" + QUORUM.replace("VALUE", "choose @ node[0]")
                           .replace("Quorum<3, k> q:", "Quorum<3, k> q @ node[0]:")
                           .replace("Delay wait[i]:", "Delay wait[i] @ node[0]:"))
        for seed in range(6):
            with self.subTest(seed=seed):
                trace = self.record(model, "--input", "vote[0]=true", "--input", "vote[1]=false", "--input",
                                    "vote[2]=true", "--byzantine", "node[0]", "--seed", str(seed))
                events = self.events(trace)
                lie = [e for e in events if e["line"] == "q.value" and e["end"] == "in"]
                out = [e for e in events if e["line"] == "q.value" and e["end"] == "out"]
                if lie and lie[0]["value"] == "true":
                    self.assertEqual([e["time_ns"] for e in out], [3_000_000])
                else:
                    self.assertEqual(out, [])


class Time(Semantics):
    def test_a_delay_past_the_largest_time_is_a_runtime_failure(self):
        m = self.model("late.rdc.yaml", """rdc: 1
system:
  body:
    - Delay first:
        d: const 1ms -> drop
        v: input v as Int -> mid
    - Delay second:
        d: input far as Duration -> drop
        v: mid -> output out
""")
        code, out, err = run([RUN, m, "--input", "far=9223372036854775807ns"])
        self.assertEqual(code, 1, out.decode() + err)
        self.assertIn("past the largest time", out.decode() + err)
        # Exactly INT64_MAX is "never" in a trace: reaching it is a failure too.
        code, out, err = run([RUN, m, "--input", "far=9223372036853775807ns"])
        self.assertEqual(code, 1, out.decode() + err)
        self.assertIn("past the largest time", out.decode() + err)
        # One nanosecond before it is the last time a run can hold.
        code, out, err = run([RUN, m, "--input", "far=9223372036853775806ns"])
        self.assertEqual(code, 0, out.decode() + err)
        self.assertIn(b"out = 0 @ 9223372036854.775806ms", out)
        # A network delay likewise: a draw may be the largest time, a delivery may not.
        link = self.model("far.rdc.yaml", """rdc: 1
domains:
  node: 2
system:
  body:
    - Link hop @ node[0]:
        snd: input v as Int @ node[0] -> drop
        rcv: choose -> got
    - Inc<1> bump @ node[1]:
        x: got -> output out
""")
        for delay, code_wanted in (("9223372036854775806ns", 0), ("9223372036854775807ns", 1)):
            code, out, err = run([RUN, link, "--latency", f"constant:{delay}"])
            self.assertEqual(code, code_wanted, out.decode() + err)
        self.assertIn("a network delay of 9223372036854775807ns after 0ns is past the largest time", out.decode())
        code, out, err = run([RUN, m, "--input", "far=-5ms"])
        self.assertEqual(code, 1, out.decode() + err)
        self.assertIn("negative delay", out.decode() + err)
        code, out, err = run([RUN, m, "--input", "far=5ms"])
        self.assertEqual(code, 0, out.decode() + err)

    def test_durations_follow_the_type_rules_everywhere(self):
        # An Fn refuses `x + 1ns` for an Int x; a time computed outside one
        # (an `at`, a flag, an input value) follows the same rules: it once
        # read `1ns + 5` as 6ns.
        for at, why in (("1ns + 5", "a Duration adds only to a Duration"), ("5 - 1ns", "adds only to a Duration"),
                        ("1ms * 2ms", "cannot multiply two Durations"), ("4ms / 2ms", "the divisor must be an Int")):
            with self.subTest(at=at):
                m = self.model("at.rdc.yaml", "rdc: 1\nsystem:\n  body:\n    - Recv r:\n"
                               "        rcv: input x as Int = 1 at %s -> output y\n" % at)
                code, _, err = run([LINT, m])
                self.assertEqual(code, 1, err)
                self.assertIn(why, err)
                self.assertIn("[type-mismatch]", err)
        for flags in (["--until", "5+1ns"], ["--input", "bc=1 at 1ns+5"], ["--crash", "node[0]@5+1ns"]):
            with self.subTest(flags=flags):
                code, _, err = run([RUN, example("bracha"), *flags])
                self.assertEqual(code, 2, err)
                self.assertIn("a Duration adds only to a Duration", err)
        # Durations with Durations, and times Ints, as ever.
        code, out, err = run([RUN, example("bracha"), "--input", "bc=1 at 1ms + 2 * 500us", "--until", "20ms / 2"])
        self.assertEqual(code, 0, err)
        self.assertIn(b"bc = 1 @ 2ms", out)


# Node 0 sends v to nodes 0, 1 and 2 over a WB (a Def chain and one Link each).
BROADCAST = """rdc: 1
domains: {node: 3}
use: [std]
system:
  body:
    - WB<3> b:
        bc: input v as Int = 7 @ node[0] -> drop
        dlvr[i]: choose -> output got[i] @ node[i]
"""


class EndOfInstant(Semantics):
    """An end-of-instant decision comes after those upstream of it: a Select
    whose option 0 is made, in the same instant, by a Mailbox's decision
    takes option 0 (ties: lowest) on every seed, under every strategy."""

    MODEL = """rdc: 1
model: tie
system:
  body:
    - Mailbox<1, 1> mb:
        msgs[0]: input a as Int -> drop
        got: choose -> m
    - Fn f:
        expr: "size(m)"
        m: m -> drop
        r: choose -> viaMailbox
    - Select<2> s:
        choice: choose -> output choice
        options[0]: viaMailbox -> drop
        options[1]: const 5 -> drop
        chosen: choose -> output chosen
checks:
  lowest: "choice == 0"
"""

    def test_a_select_sees_the_option_a_mailbox_makes_in_its_instant(self):
        model = self.model("tie.rdc.yaml", self.MODEL)
        self.holds_on_every_schedule(model, breadth("0..63", "0..7"))
        code, out, err = run([RUN, model, "--seed", "7"])
        self.assertIn("choice = 0 @ 0ns\nchosen = 1 @ 0ns", out.decode())


class Steps(Semantics):
    """Each event runs to completion: what it makes available at once (an
    output end, a wire, a pass-through line) comes before the next event.
    Two votes reaching node[2] together each pass through both Quorums in
    one step, so both see the same vote first; when each hop was an event
    of its own, seed 60 (and the search's first schedule) let the second
    Quorum see the other vote first."""

    MODEL = """rdc: 1
model: steps
domains: {node: 3}
system:
  body:
    - Link a:
        snd: input x as Int = 1 @ node[0] -> drop
        rcv: choose -> va
    - Link b:
        snd: input y as Int = 2 @ node[1] -> drop
        rcv: choose -> vb
    - Quorum<2, 1> first @ node[2]:
        votes[0]: va -> pa
        votes[1]: vb -> pb
        value: choose -> output first
    - Quorum<2, 1> second @ node[2]:
        votes[0]: pa -> drop
        votes[1]: pb -> drop
        value: choose -> output second
checks:
  same: "first == second"
"""

    def test_a_delivery_passes_through_both_quorums_before_the_next(self):
        model = self.model("steps.rdc.yaml", self.MODEL)
        self.holds_on_every_schedule(model, breadth("0..127", "0..15"))
        # In the trace, each delivery is followed by its step: its vote's four
        # line ends, before the other delivery.
        for seed in range(breadth(8, 2)):
            rows = [r for r in self.events(self.record(model, "--seed", str(seed))) if r["time_ns"] == 1000000]
            deliveries = [k for k, r in enumerate(rows) if r["line"] in ("a.rcv", "b.rcv") and r["end"] == "in"]
            self.assertEqual(len(deliveries), 2)
            for k in deliveries:
                link, vote = rows[k]["line"][0], rows[k]["value"]
                step = [r["line"] + ("'" if r["end"] == "out" else "") for r in rows[k + 1:k + 6]]
                index = "0" if link == "a" else "1"
                self.assertEqual(step, [f"{link}.rcv'", f"first.votes[{index}]", f"first.votes[{index}]'",
                                        f"second.votes[{index}]", f"second.votes[{index}]'"], (seed, rows))
                self.assertTrue(all(r["value"] == vote for r in rows[k + 1:k + 6]))


class LostLinks(Semantics):
    """A lost link (`--link GLOB=lost`, a faults file's `links`) never
    delivers: message loss, or a Byzantine sender's omissions."""

    def outputs(self, model, *args):
        code, out, err = run([RUN, model, *args])
        self.assertEqual(code, 0, out.decode() + err)
        return out.decode()

    def test_a_lost_link_never_delivers_and_the_report_says_why(self):
        m = self.model("wb.rdc.yaml", BROADCAST)
        out = self.outputs(m, "--link", "b.link[2]=lost", *NET)
        self.assertIn("got[1] = 7 @", out)
        self.assertIn("got[2] never available: waiting for b.link[2].rcv (a lost link: the network loses what it "
                      "carries)", out)
        # The same from a faults file, and projected onto the nodes (constant delays, which a
        # split run draws alike).
        faults = self.model("lost.yaml", "links:\n  b.link[2]: lost\n")
        self.assertEqual(self.outputs(m, "--faults", faults, *NET), out)
        self.assertEqual(self.outputs(m, "--faults", faults, "--split"), self.outputs(m, "--faults", faults))
        # Every Link lost: only what stays in node 0 arrives... nowhere, since even its own copy is a Link.
        out = self.outputs(m, "--latency", "lost")
        self.assertEqual(out.count("never available"), 3, out)

    def test_what_was_sent_is_recorded_the_run_inverts_and_replays(self):
        m = self.model("wb.rdc.yaml", BROADCAST)
        trace = self.inverts_completely(m, "--link", "b.link[2]=lost", *NET, inputs=1)
        ends = {(e["line"], e["end"]) for e in self.events(trace)}
        self.assertIn(("b.link[2].snd", "out"), ends)  # sent, recorded ...
        self.assertNotIn(("b.link[2].rcv", "in"), ends)  # ... and never delivered
        again = os.path.join(self.dir, "again.trace")
        code, _, err = run([RUN, m, "--replay", trace, "--trace", again])
        self.assertEqual(code, 0, err)
        with open(trace, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read())
        split = os.path.join(self.dir, "split.trace")
        code, _, err = run([RUN, m, "--split", "--replay", trace, "--trace", split])
        self.assertEqual(code, 0, err)
        code, out, err = run([TRACE, "diff", trace, split])
        self.assertEqual(code, 0, out.decode() + err)

    def test_strategies_explore_around_a_lost_link(self):
        m = self.model("wb.rdc.yaml", BROADCAST)
        for strategy, seeds in (("pct:2", "--seeds=0..9"), ("exhaustive", "--seed=0")):
            code, out, err = run([RUN, m, "--link", "b.link[0]=lost", "--latency", "uniform:1ms..2ms",
                                  "--strategy", strategy, seeds])
            self.assertEqual(code, 0, out.decode() + err)
        # A lost Link's delay is no choice point: the space is smaller than with it delivering.
        explored = re.search(r"(\d+) schedules explored, none failed; the space is exhausted", out.decode())
        code, out, err = run([RUN, m, "--latency", "uniform:1ms..2ms", "--strategy", "exhaustive", "--seed=0"])
        everything = re.search(r"(\d+) schedules explored, none failed; the space is exhausted", out.decode())
        self.assertLess(int(explored[1]), int(everything[1]))

    def test_bad_link_flags_are_usage_errors(self):
        m = self.model("wb.rdc.yaml", BROADCAST)
        for flag, says in (("b.link[2]=gone", "unknown latency model 'gone'"),
                           ("b.nolink=lost", "names no Link"), ("b.link[2]", "--link"),
                           ("b.def*=lost", "names no Link")):  # instances, but no Link among them
            code, _, err = run([RUN, m, "--link", flag])
            self.assertEqual(code, 2, err)
            self.assertIn(says, err)


# n values gathered into one map output by an Fn; EXPR reads the map.
GATHER = """rdc: 1
params: {n: 128}
system:
  body:
    - for: i in 0..n
      body:
        - Fn src[i]:
            expr: "a + i"
            a: input a[i] as Int = 1 -> drop
            r: choose -> vals[i]
    - Fn f:
        expr: "EXPR"
        m[0..n]: vals -> drop
        r: choose -> output y
checks:
  nested: "maxBy(v in y: maxBy(w in y: maxBy(x in y: v + w + x, 0), 0), 0) > 0"
"""


class Words(Semantics):
    """`at`, `as` and `in` are words: any blanks around them (tabs, several
    spaces) read as one space does."""

    SPACED = """rdc: 1
model: words
system:
  body:
    - Inc<0> start:
        x: const 0 -> total[0]
    - for: k in 0..
      body:
        - Sum add[k]:
            x: input x[k] = k at k * 1ms -> drop
            y: total[k] -> sum[k]
        - Def copy[k]:
            x: sum[k] -> total[k + 1]
            y: choose -> output sum[k] as Int
"""

    def test_tabs_and_spaces_around_words(self):
        spaced = self.model("spaced.rdc.yaml", self.SPACED)
        code, plain, err = run([RUN, spaced, "--until", "2500us"])
        self.assertEqual(code, 0, err)
        self.assertIn(b"sum[2] = 3 @ 2ms", plain)
        blanks = (self.SPACED.replace("k in 0..", "k\tin\t 0..").replace(" at ", "\tat  ")
                  .replace(" as Int", "\tas\tInt"))
        self.assertEqual(run([RUN, self.model("blanks.rdc.yaml", blanks), "--until", "2500us"]), (0, plain, ""))
        # A word inside a longer name is not the word.
        code, _, err = run([RUN, self.model("name.rdc.yaml", self.SPACED.replace("at k * 1ms", "atk * 1ms"))])
        self.assertEqual(code, 2, err)


class Limits(Semantics):
    """Quantifiers over maps count their steps like those over ranges: no
    check or Fn runs for ever on large maps (docs/reference.md, Limits)."""

    def test_a_check_over_a_map_stops_at_the_step_limit(self):
        m = self.model("gather.rdc.yaml", GATHER.replace("EXPR", "m"))
        code, out, err = run([RUN, m], timeout=120)  # 128^3 = 2,097,152 steps
        self.assertEqual(code, 1, out.decode() + err)
        self.assertIn("check nested: fail (stopped after 1000000 quantifier steps", out.decode())
        code, out, err = run([RUN, m, "-D", "n=64"], timeout=120)  # 262,144 steps: within the limit
        self.assertEqual(code, 0, out.decode() + err)

    def test_an_fn_over_a_map_fails_at_the_step_limit(self):
        nested = "maxBy(v in m: maxBy(w in m: maxBy(x in m: v + w + x, 0), 0), 0)"
        m = self.model("gather.rdc.yaml", GATHER.replace("EXPR", nested).split("checks:")[0])
        code, out, err = run([RUN, m], timeout=120)
        self.assertEqual(code, 1, out.decode() + err)
        self.assertIn("stopped after 1000000 steps (evaluations of quantifiers' bodies over maps", out.decode() + err)
        code, out, err = run([RUN, m, "-D", "n=64"], timeout=120)
        self.assertEqual(code, 0, out.decode() + err)
        # Every key ties inside, so each maxBy takes the first entry: m[0], which is 1.
        self.assertIn("y = 1 @", out.decode())


class Counterexamples(Semantics):
    GRID = """rdc: 1
params: {n: 3}
system:
  body:
    - for: t in 0..2, i in 0..n
      body:
        - Inc<0> c[t][i]:
            x: input a[t][i] as Int = i * t -> output o[t][i]
checks:
  %s
"""

    def verdict(self, check):
        code, out, err = run([RUN, self.model("grid.rdc.yaml", self.GRID % check)])
        self.assertEqual(code, 1, err)
        return re.search(r"^check c: fail \((.*)\)$", out.decode(), re.M).group(1)

    def test_a_nested_forall_names_every_quantifiers_values(self):
        # o[0][*] are all 0; o[1][i] = i, so t = 1 fails first, at i = 0, j = 1.
        self.assertEqual(self.verdict('c: "forall t in 0..2: forall i, j in 0..n: o[t][i] == o[t][j]"'),
                         "false for t = 1, i = 0, j = 1")
        self.assertEqual(self.verdict('c: "forall t in 0..2: o[t][0] == 0 && forall i in 0..n: o[t][i] < 2"'),
                         "false for t = 1, i = 2")

    def test_a_quantifier_that_did_not_fail_names_nothing(self):
        # The exists finds no i for t = 1 (its own forall failures are not the reason), and a forall
        # that held inside the body names nothing either.
        self.assertEqual(self.verdict('c: "forall t in 0..2: exists i in 0..n: forall j in 0..n: o[t][j] == o[t][i]"'),
                         "false for t = 1")
        self.assertEqual(self.verdict('c: "forall t in 0..2: (forall i in 0..n: o[0][i] == 0) && t == 0"'),
                         "false for t = 1")


class Explanations(Semantics):
    def test_an_output_a_crash_suppressed_blames_the_crash(self):
        code, out, err = run([RUN, example("bracha"), "--input", "bc=1", "--crash", "node[1]"])
        text = out.decode() + err
        self.assertIn("node[1] crashed at 0ns", text)

    def test_an_explanation_follows_a_choice_to_what_its_rule_waits_for(self):
        # A Select whose options never come: the explanation goes on through
        # the choice to each option, and from there to what is behind it.
        m = self.model("wait.rdc.yaml", """rdc: 1
domains: {node: 2}
system:
  body:
    - Link send @ node[0]:
        snd: input v as Int @ node[0] -> drop
        rcv: choose -> got
    - Select<2> first @ node[1]:
        choice: choose -> drop
        options[0]: got -> drop
        options[1]: never -> drop
        chosen: choose -> output out @ node[1]
""")
        code, out, err = run([RUN, m, "--crash", "node[0]"])
        self.assertIn("out never available: waiting for first.chosen <- first.choice <- any of (first.options[0] <- "
                      "send.rcv <- send.snd (its domain node[0] crashed at 0ns) | first.options[1] (its source is "
                      "`never`))", out.decode() + err)


    def explanation(self, output, *command):
        code, out, err = run(list(command))
        self.assertIn(code, (0, 1), err)
        prefix = output + " never available: waiting for "
        return next(x for x in out.decode().splitlines() if x.startswith(prefix))[len(prefix):]

    QUORUM = ("rb.deliver[{i}].q.value (its rule never chose: the first v (in availability order) with at least k "
              "available votes equal to v; k = 3, and 0 of its 4 inputs arrived) <- 3 more of (")  # (nothing forced)

    def test_a_quorum_short_of_k_names_the_votes_it_waits_for(self):
        # Two of four nodes crashed: node[2]'s quorum is two votes short. The
        # votes from the crashed nodes end their branches (their own outputs say
        # why), its own vote is followed back to its own quorums.
        why = self.explanation("dlvr[2]", RUN, example("bracha"), "--crash", "node[0]", "--crash", "node[1]")
        self.assertTrue(why.startswith(self.QUORUM.format(i=2)), why)
        self.assertIn("(rb.deliver[2].q.votes[0] <- rb.amplify[2].q.votes[0] <- rb.readyCast[0].link[2].rcv (from "
                      "node[0], which crashed at 0ns) | rb.deliver[2].q.votes[1] <- rb.amplify[2].q.votes[1] <- "
                      "rb.readyCast[1].link[2].rcv (from node[1], which crashed at 0ns) | rb.deliver[2].q.votes[2] <- "
                      "rb.amplify[2].q.votes[2] <- rb.readyCast[2].link[2].rcv <- rb.readyCast[2].link[2].snd <- ", why)
        # (All four: a fourth is shown rather than `1 more`.)
        self.assertTrue(why.endswith(" | rb.deliver[2].q.votes[3] <- rb.amplify[2].q.votes[3] <- "
                                     "rb.readyCast[3].link[2].rcv (from node[3]))"), why)
        # A projection run alone names the gateways to give with --input.
        node = os.path.join(self.dir, "node1.ir")
        code, _, err = run([tool("rdc-project"), example("bracha"), "--domain", "node[1]", "-o", node])
        self.assertEqual(code, 0, err)
        why = self.explanation("dlvr[1]", RUN, node)
        self.assertTrue(why.startswith(self.QUORUM.format(i=1)), why)
        self.assertIn("rb.readyCast[0].link[1].rcv (a gateway: run on its own, a projection's gateway delivers only "
                      "what --input gives it: --input 'net:rb.readyCast[0].link[1]=VALUE')", why)
        # A forced value that k votes never matched says it was forced.
        why = self.explanation("dlvr[3]", RUN, example("bracha"), "--force", "rb.deliver[3].q.value=5")
        self.assertTrue(why.startswith("rb.deliver[3].q.value (forced to 5; its rule never chose: "), why)
        self.assertTrue(why.endswith("k = 3, and 4 of its 4 inputs arrived (votes: 1 x4))"), why)
        # Votes that arrived but do not agree are listed.
        m = self.model("split-vote.rdc.yaml", """rdc: 1
domains: {node: 3}
system:
  body:
    - for: i in 0..3
      body:
        - Link send[i] @ node[i]:
            snd: input vote[i] as Int = i at 1ms @ node[i] -> drop
            rcv: choose -> votes[i]
    - Quorum<3, 3> tally @ node[0]:
        votes: votes -> drop
        value: choose -> output decision
""")
        why = self.explanation("decision", RUN, m, "--input", "vote[2]=1")
        self.assertTrue(why.endswith("k = 3, and 3 of its 3 inputs arrived (votes: 0 x1, 1 x2))"), why)
        self.assertEqual(self.explanation("decision", RUN, m), why.replace("0 x1, 1 x2", "0 x1, 1 x1, 2 x1"))


if __name__ == "__main__":
    unittest.main()
