"""The base components added for classic protocols, driven through the real
tools as a user would: what each passes and when, forcing, inversion,
projection and drawing. Each model here is one a reader of
docs/reference.md could write."""
import os
import unittest

from rdctest import TempDir, read_bytes, run, tool
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
        self.assertIn("r: (Int, Int) = (v, vr) when vr == round", text.decode())
        self.assertIn("r: Int = x when x &gt; 3", text.decode())
        code, svg, err = run(["dot", "-Tsvg"], stdin=text)
        self.assertEqual(code, 0, err)


# Four promises (lastBallot, lastValue) arrive after delays 0, 3, 2, 1 ms (or
# all at once with -D spread=0); a majority-and-one Mailbox takes the first
# three, and the Fn reads the map the way a Paxos leader does.
MAILBOX = """rdc: 1
params: {spread: 1}
system:
  body:
    - for: i in 0..4
      body:
        - Delay d[i]:
            d: const (i * 3 % 4) * spread * 1ms -> drop
            v: input p[i] as (Int, Int) -> m[i]
    - Mailbox<4, 3> box:
        msgs[i]: m[i] -> drop
        got: choose -> gotm
    - Fn pick:
        expr: "(size(g), max(g, (-1, 0)).1, count(g, (1, 5)), contains(g, 1), get(g, 3, (9, 9)))"
        g: gotm -> output promises
        r: choose -> output summary
"""
PROMISES = ["--input", "p[0]=(1, 5)", "--input", "p[1]=(3, 7)", "--input", "p[2]=(1, 5)", "--input", "p[3]=(2, 9)"]


class MailboxGathers(Semantics):
    def outputs(self, model, *args):
        code, out, err = run([RUN, model, *args])
        self.assertEqual(code, 0, err)
        return {name: rest.rsplit(" @ ", 1) for name, rest in
                (line.split(" = ", 1) for line in out.decode().splitlines() if " = " in line)}

    def test_the_first_k_to_arrive_whatever_their_values(self):
        got = self.outputs(self.model("mb.rdc.yaml", MAILBOX), *PROMISES)
        # Arrivals: 0 at 0ms, 3 at 1ms, 2 at 2ms, 1 at 3ms: the third arrival decides, at 2ms.
        self.assertEqual(got["promises"], ["{0: (1, 5), 2: (1, 5), 3: (2, 9)}", "2ms"])
        # size 3; the highest (ballot, value) is (2, 9); two (1, 5); sender 1 not in; sender 3's is (2, 9).
        self.assertEqual(got["summary"], ["(3, 9, 2, false, (2, 9))", "2ms"])

    def test_ties_in_an_instant_go_to_the_lowest_senders(self):
        got = self.outputs(self.model("mb.rdc.yaml", MAILBOX), *PROMISES, "-D", "spread=0")
        self.assertEqual(got["promises"], ["{0: (1, 5), 1: (3, 7), 2: (1, 5)}", "0ns"])

    def test_a_forced_map_is_released_when_the_kth_message_arrives(self):
        got = self.outputs(self.model("mb.rdc.yaml", MAILBOX), *PROMISES, "--force", "box.got={1: (8, 8)}")
        self.assertEqual(got["promises"], ["{1: (8, 8)}", "2ms"])
        self.assertEqual(got["summary"], ["(1, 8, 0, true, (9, 9))", "2ms"])

    def test_a_run_inverts_completely_and_its_trace_replays(self):
        m = self.model("mb.rdc.yaml", MAILBOX)
        trace = self.inverts_completely(m, *PROMISES, inputs=4)
        again = os.path.join(self.dir, "again.trace")
        code, _, err = run([RUN, m, "--replay", trace, "--trace", again])
        self.assertEqual(code, 0, err)
        with open(trace, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_max_by_a_key_reads_the_highest_ballots_value_in_an_fn_and_a_check(self):
        m = self.model("mb.rdc.yaml", MAILBOX.replace(
            '"(size(g), max(g, (-1, 0)).1, count(g, (1, 5)), contains(g, 1), get(g, 3, (9, 9)))"',
            '"(maxBy(p in g: p.0, (-1, 0)).1, minBy(k, p in g: -k, (-1, 0)), maxBy(p in {q in g: q.0 > 5}: p, (7, 7)))"') +
            'checks:\n  highest: "maxBy(p in promises: p.0, (0, 0)) == (2, 9)"\n')
        got = self.outputs(m, *PROMISES)
        # Among (1, 5) from 0, (1, 5) from 2 and (2, 9) from 3: ballot 2's value; the highest
        # sender's promise; the default when no promise is above ballot 5.
        self.assertEqual(got["summary"], ["(9, (2, 9), (7, 7))", "2ms"])
        code, out, err = run([RUN, m, *PROMISES, "--force", "box.got={1: (8, 8)}"])
        self.assertEqual(code, 1, err)
        self.assertIn("check highest: fail", out.decode())

    def test_map_values_round_trip_through_inputs_and_traces(self):
        m = self.model("maps.rdc.yaml", """rdc: 1
system:
  body:
    - Fn grow:
        expr: 'insert(m, size(m), "x")'
        m: input m as Map<Int, Bytes> -> drop
        r: choose -> output grown
""")
        got = self.outputs(m, "--input", 'm={2: "b", 0: "a"}')
        self.assertEqual(got["grown"][0], '{0: "a", 2: "x"}')  # size 2 replaces key 2
        trace = self.record(m, "--input", 'm={2: "b", 0: "a"}')
        values = {e["line"]: e["value"] for e in self.events(trace) if e["end"] == "out"}
        self.assertEqual(values["grow.r"], '{0: "a", 2: "x"}')
        code, _, err = run([RUN, m, "--input", 'm={1: "a", 1: "b"}'])
        self.assertEqual(code, 2, err)
        self.assertIn("one key twice", err)

    def test_a_mailbox_across_nodes_runs_the_same_split_into_projections(self):
        # Node 0 gathers the first two of three nodes' messages sent over Links.
        m = self.model("nodes.rdc.yaml", """rdc: 1
domains: {node: 3}
system:
  body:
    - for: i in 0..3
      body:
        - Link send[i] @ node[i]:
            snd: input v[i] as Int @ node[i] -> drop
            rcv: choose -> m[i]
    - Mailbox<3, 2> box @ node[0]:
        msgs[i]: m[i] -> drop
        got: choose -> output got @ node[0]
""")
        flags = ["--input", "v[0]=10", "--input", "v[1]=11", "--input", "v[2]=12", "--latency", "uniform:1ms..9ms"]
        gathered = set()
        for seed in ("1", "5", "7"):
            with self.subTest(seed=seed):
                whole = self.outputs(m, *flags, "--seed", seed)
                trace = self.record(m, *flags, "--seed", seed)
                split = self.outputs(m, "--split", "--replay", trace)
                self.assertEqual(whole["got"], split["got"])
                self.assertRegex(whole["got"][0], r"^\{\d: 1\d, \d: 1\d\}$")
                gathered.add(whole["got"][0])
        self.assertGreater(len(gathered), 1)  # the latencies decide who is in

    def test_quantifiers_and_filters_read_the_gathered_map(self):
        # The same gathering, read with a filter and quantifiers (in an Fn and in a check);
        # `spread`, a parameter, is hidden inside the filter by its bound variable.
        model = MAILBOX.replace(
            '"(size(g), max(g, (-1, 0)).1, count(g, (1, 5)), contains(g, 1), get(g, 3, (9, 9)))"',
            '"(size({spread in g: spread.0 == 1}), forall p in g: p.0 >= spread, exists k, p in g: k == 3 && p.1 == 9)"'
        ) + """checks:
  majority: "size(promises) == 3 && forall k, p in promises: k != 1"
  highBallot: "exists p in promises: p.0 > 2"
"""
        m = self.model("mbq.rdc.yaml", model)
        code, out, err = run([RUN, m, *PROMISES])
        self.assertEqual(code, 1, err)  # highBallot fails: sender 1's ballot 3 is not among the first three
        text = out.decode()
        self.assertIn("summary = (2, true, true)", text)
        self.assertIn("check majority: pass", text)
        self.assertIn("check highBallot: fail", text)
        # With all four at once, the first three by index include sender 1.
        code, out, err = run([RUN, m, *PROMISES, "-D", "spread=0"])
        self.assertIn("summary = (2, true, false)", out.decode())
        self.assertIn("check highBallot: pass", out.decode())
        self.inverts_completely(m, *PROMISES, inputs=4)

    def test_dot_draws_the_map_line_and_graphviz_reads_it(self):
        code, text, err = run([DOT, self.model("mb.rdc.yaml", MAILBOX)])
        self.assertEqual(code, 0, err)
        # Typed as the instance is: a Map from sender to the gathered (Int, Int) messages.
        self.assertIn("got: Map&lt;Int, (Int, Int)&gt;", text.decode())
        self.assertIn("msgs: (Int, Int)[4]", text.decode())
        code, _, err = run(["dot", "-Tsvg"], stdin=text)
        self.assertEqual(code, 0, err)


# Node 0 tallies every node's vote, sent over Links, in one Fn that reads the
# received votes as a bundle (a Map<Int, Bool> from sender to vote).
TALLY = """rdc: 1
params: {n: 4, q: 3}
domains: {node: n}
system:
  body:
    - for: i in 0..n
      body:
        - Link send[i] @ node[i]:
            snd: input vote[i] as Bool @ node[i] -> drop
            rcv: choose -> ballots[i]
    - Fn tally @ node[0]:
        expr: "(count(votes, true) >= q, {i, v in votes: v})"
        votes[0..n]: ballots -> drop
        r: choose -> output decided
"""


class FnBundleArguments(Semantics):
    def votes(self, *yes):
        return [a for i in range(4) for a in ("--input", f"vote[{i}]={'true' if i in yes else 'false'}")]

    def decided(self, model, *args):
        code, out, err = run([RUN, model, *args])
        self.assertEqual(code, 0, err)
        line = next(line for line in out.decode().splitlines() if line.startswith("decided = "))
        return line[len("decided = "):].rsplit(" @ ", 1)

    def test_the_expression_reads_every_element_as_a_map_once_all_have_arrived(self):
        m = self.model("tally.rdc.yaml", TALLY)
        latency = ["--latency", "uniform:1ms..9ms"]
        value, _ = self.decided(m, *self.votes(0, 2, 3), *latency, "--seed", "3")
        self.assertEqual(value, "(true, {0: true, 2: true, 3: true})")
        trace = self.record(m, *self.votes(0, 2, 3), *latency, "--seed", "3")
        events = self.events(trace)
        arrivals = {e["line"]: e["time_ns"] for e in events if e["line"].startswith("tally.votes[") and e["end"] == "in"}
        self.assertEqual(sorted(arrivals), [f"tally.votes[{i}]" for i in range(4)])  # a line per element
        chosen = [e["time_ns"] for e in events if e["line"] == "tally.r" and e["end"] == "out"]
        self.assertEqual(chosen, [max(arrivals.values())])  # the result waits for the last
        self.assertEqual(self.decided(m, *self.votes(1), *latency)[0], "(false, {1: true})")

    def test_a_run_inverts_completely_and_splits_into_projections(self):
        m = self.model("tally.rdc.yaml", TALLY)
        self.inverts_completely(m, *self.votes(1, 2), inputs=4)
        trace = self.record(m, *self.votes(1, 2, 3), "--latency", "uniform:1ms..9ms", "--seed", "5")
        self.assertEqual(self.decided(m, "--split", "--replay", trace)[0], "(true, {1: true, 2: true, 3: true})")

    def test_the_ir_round_trip_keeps_the_bundle(self):
        m = self.model("tally.rdc.yaml", TALLY)
        ir = os.path.join(self.dir, "tally.ir")
        code, _, err = run([tool("rdc-lint"), m, "-o", ir])
        self.assertEqual(code, 0, err)
        self.assertEqual(self.decided(ir, *self.votes(0, 1, 2, 3))[0],
                         "(true, {0: true, 1: true, 2: true, 3: true})")

    def test_an_ir_whose_bundle_lines_are_misnamed_is_refused(self):
        from test_readers import IR_SCHEMA, capnp
        ir = os.path.join(self.dir, "tally.ir")
        code, _, err = run([tool("rdc-lint"), self.model("tally.rdc.yaml", TALLY), "-o", ir])
        self.assertEqual(code, 0, err)
        with open(ir, "rb") as f:
            text = capnp("decode", IR_SCHEMA, "IrFile", f.read()).decode()
        for patch in ('"votes[7]"', '"q"'):  # a gap in the indices; a scalar between the elements
            with self.subTest(patch=patch):
                self.assertIn('"votes[2]"', text)
                bad = os.path.join(self.dir, "bad.ir")
                with open(bad, "wb") as f:
                    f.write(capnp("encode", IR_SCHEMA, "IrFile", text.replace('"votes[2]"', patch, 1).encode()))
                code, _, err = run([RUN, bad])
                self.assertEqual(code, 2, err)
                self.assertIn("[ir-malformed]", err)

    def test_dot_draws_it_and_graphviz_reads_it(self):
        code, text, err = run([DOT, self.model("tally.rdc.yaml", TALLY)])
        self.assertEqual(code, 0, err)
        self.assertIn("votes", text.decode())
        code, _, err = run(["dot", "-Tsvg"], stdin=text)
        self.assertEqual(code, 0, err)


# The leader's proposal is kept at home; every other node's goes to the leader
# over a Link: role-specific wiring inside one loop.
ROLES = """rdc: 1
params: {n: 3, leader: 1}
domains: {node: n}
system:
  body:
    - for: i in 0..n
      body:
        - if: i == leader
          body:
            - Inc<100> keep[i] @ node[i]:
                x: input proposal[i] as Int -> output got[i]
          else:
            - Link send[i] @ node[i]:
                snd: input proposal[i] as Int -> drop
                rcv: choose -> output got[i] @ node[leader]
"""


class ConditionalBoxes(Semantics):
    FLAGS = ["--input", "proposal[0]=10", "--input", "proposal[1]=11", "--input", "proposal[2]=12"]

    def test_each_branch_is_elaborated_where_its_condition_holds(self):
        m = self.model("roles.rdc.yaml", ROLES)
        for leader, kept in (("1", "got[1] = 111"), ("0", "got[0] = 110"), ("2", "got[2] = 112")):
            with self.subTest(leader=leader):
                code, out, err = run([RUN, m, *self.FLAGS, "-D", f"leader={leader}"])
                self.assertEqual(code, 0, err)
                text = out.decode()
                self.assertIn(kept, text)
                others = [i for i in "012" if i != leader]
                for i in others:
                    self.assertIn(f"got[{i}] = 1{i}", text)  # sent over a Link, unchanged

    def test_the_ir_keeps_both_branches(self):
        m = self.model("roles.rdc.yaml", ROLES)
        ir = os.path.join(self.dir, "roles.ir")
        code, _, err = run([tool("rdc-lint"), m, "-o", ir])
        self.assertEqual(code, 0, err)
        from_yaml = run([RUN, m, *self.FLAGS])[1]
        code, from_ir, err = run([RUN, ir, *self.FLAGS])
        self.assertEqual(code, 0, err)
        self.assertEqual(from_ir, from_yaml)
        self.assertIn(b"got[1] = 111", from_ir)

    def test_runs_invert_project_and_replay_split(self):
        m = self.model("roles.rdc.yaml", ROLES)
        self.inverts_completely(m, *self.FLAGS, inputs=3)
        trace = self.record(m, *self.FLAGS)
        code, out, err = run([RUN, m, "--split", "--replay", trace])
        self.assertEqual(code, 0, err)
        self.assertIn("got[1] = 111", out.decode())
        with TempDir() as d:
            code, _, err = run([PROJECT, m, "--all", "-O", d])
            self.assertEqual(code, 0, err)
            self.assertEqual(len(os.listdir(d)), 3)

    def test_dot_labels_both_branches_and_graphviz_reads_it(self):
        code, text, err = run([DOT, self.model("roles.rdc.yaml", ROLES)])
        self.assertEqual(code, 0, err)
        self.assertIn('label="if i == leader"', text.decode())
        self.assertIn('label="else: not (i == leader)"', text.decode())
        code, _, err = run(["dot", "-Tsvg"], stdin=text)
        self.assertEqual(code, 0, err)

    def test_a_condition_that_is_not_a_bool_or_reads_the_run_is_refused(self):
        bad = self.model("bad.rdc.yaml", ROLES.replace("if: i == leader", "if: i + leader"))
        code, _, err = run([tool("rdc-lint"), bad])
        self.assertEqual(code, 1, err)
        self.assertEqual(err.count("condition must be a Bool"), 1, err)  # once, not once per iteration
        unbounded = """rdc: 1
system:
  body:
    - for: k in 0..
      body:
        - if: k == 0
          body:
            - Inc<1> d[k]:
                x: input v[k] = k at k * 1ms -> output w[k]
"""
        code, _, err = run([tool("rdc-lint"), self.model("k.rdc.yaml", unbounded.replace("k == 0", "true"))])
        self.assertEqual(code, 0, err)
        code, _, err = run([tool("rdc-lint"), self.model("k.rdc.yaml", unbounded)])
        self.assertEqual(code, 1, err)
        self.assertIn("an `if` condition cannot use `k`", err)


# Each of two nodes flips a fair coin when its go arrives; node 1 rolls a
# three-sided one too.
COIN = """rdc: 1
domains: {node: 2}
system:
  body:
    - for: j in 0..2
      body:
        - Coin<2> coin[j] @ node[j]:
            x: input go[j] as Unit @ node[j] -> drop
            flip: choose -> output flip[j] @ node[j]
    - Coin<3> die @ node[1]:
        x: input roll as Int @ node[1] -> drop
        flip: choose -> output face
"""


class CoinFlips(Semantics):
    def flips(self, model, *args):
        code, out, err = run([RUN, model, *args])
        self.assertEqual(code, 0, err)
        return {name: value.split(" @ ")[0] for name, value in
                (line.split(" = ", 1) for line in out.decode().splitlines() if " = " in line)}

    def test_flips_are_fair_independent_and_fixed_by_the_seed(self):
        model = self.model("coin.rdc.yaml", COIN)
        runs = [self.flips(model, "--seed", str(seed)) for seed in range(400)]
        self.assertEqual(runs[:20], [self.flips(model, "--seed", str(seed)) for seed in range(20)])
        for name, sides in (("flip[0]", 2), ("flip[1]", 2), ("face", 3)):
            counts = [sum(r[name] == str(v) for r in runs) for v in range(sides)]
            for c in counts:  # 400/sides each, within five standard deviations
                self.assertLess(abs(c - 400 / sides), 5 * (400 / sides) ** 0.5, (name, counts))
        both = sum(r["flip[0]"] == r["flip[1]"] for r in runs)
        self.assertLess(abs(both - 200), 50, "the two nodes' coins are not independent")

    def test_forcing_one_coin_leaves_the_others_draws(self):
        model = self.model("coin.rdc.yaml", COIN)
        for seed in range(10):
            free = self.flips(model, "--seed", str(seed))
            forced = self.flips(model, "--seed", str(seed), "--force", "coin[0].flip=1")
            self.assertEqual(forced["flip[0]"], "1")
            self.assertEqual((forced["flip[1]"], forced["face"]), (free["flip[1]"], free["face"]))

    def test_a_trace_records_the_flips_replays_and_inverts_them(self):
        model = self.model("coin.rdc.yaml", COIN)
        trace = self.record(model, "--seed", "5")
        flips = [e for e in self.events(trace) if e["line"].endswith(".flip") and e["end"] == "in"]
        self.assertEqual(len(flips), 3)
        self.assertTrue(all(e["how"] == "chosen" for e in flips), flips)
        again = os.path.join(self.dir, "again.trace")
        code, _, err = run([RUN, model, "--replay", trace, "--trace", again])
        self.assertEqual(code, 0, err)
        self.assertEqual(read_bytes(trace), read_bytes(again))
        self.inverts_completely(model, "--seed", "5", inputs=3)

    def test_a_coin_of_no_sides_is_refused_and_dot_draws_one(self):
        code, _, err = run([RUN, self.model("none.rdc.yaml", COIN.replace("Coin<3>", "Coin<0>"))])
        self.assertEqual(code, 2, err)
        self.assertIn("a coin has k >= 1 sides, got 0", err)
        code, svg, err = run([DOT, self.model("coin.rdc.yaml", COIN), "--flat", "-T", "svg"])
        self.assertEqual(code, 0, err)
        self.assertIn(b"Coin", svg)


if __name__ == "__main__":
    unittest.main()
