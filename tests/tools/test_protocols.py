"""The classic protocols of docs/protocols.md run as a user would: Paxos
(examples/paxos), two-phase commit (examples/two-phase-commit), the
eventually perfect failure detector (examples/failure-detector), PBFT
(examples/pbft) and Ben-Or (examples/ben-or), each over 500 seeds of its
fault scenarios; each broken variant (-D broken=1, -D grow=0,
-D viewChangeRule=0, -D verify=0, -D majorityOf=3) fails
and its printed command reproduces the failure; traces replay byte for byte
and invert, and the projected run (--split) agrees; the diagrams parse with
Graphviz."""
import json
import os
import re
import shlex
import shutil
import subprocess
import unittest

from rdctest import ROOT, TempDir, breadth, example, jsonl_parts, read_bytes, run, tool

RUN = tool("rdc-run")
TRACE = tool("rdc-trace")
DOT = tool("rdc-dot")
PAXOS = example("paxos")
TWO_PC = example("two-phase-commit")
FD = example("failure-detector")
PBFT_MODEL = example("pbft")
BEN_OR = example("ben-or")


def scenario(model, name):
    return ["--faults", os.path.join(ROOT, "examples", model, "scenarios", name + ".yaml")]


# The seeds over which a scenario's checks must all hold (a search for a
# violation keeps its 500 under a sanitizer too: where it finds one matters).
PASSING = breadth(500, 50)


def seeds(args, count=500):
    """Runs `count` seeds; returns the JSON summary (seeds, passed, failed)."""
    code, out, err = run([RUN, *args, "--seeds", f"0..{count - 1}", "--json"], timeout=120)
    if code not in (0, 1):
        raise AssertionError(err)
    summary = json.loads(out)
    assert summary["seeds"] == count, summary
    return summary


def assert_reproduced(case, failure, check, variant="broken=1"):
    """Runs a failure's printed reproduce command: it must fail `check` for the same reason."""
    command = shlex.split(failure["repro"])
    case.assertIn(variant, command)
    code, out, err = run(command, cwd=ROOT)
    case.assertEqual(code, 1, err)
    why = [part.strip() for part in failure["why"].split(";") if part.strip().startswith(check + ": ")][0]
    case.assertIn(f"check {check}: fail ({why.split(': ', 1)[1]})", out.decode())


def one_run(args):
    """One run as JSON: ({output: value or None}, {check: passed})."""
    code, out, err = run([RUN, *args, "--json"])
    if code not in (0, 1):
        raise AssertionError(err)
    doc = json.loads(out)
    return ({name: o.get("value") for name, o in doc["outputs"].items()},
            {name: c["pass"] for name, c in doc["checks"].items()})


class Paxos(unittest.TestCase):
    def assert_all_pass(self, args):
        summary = seeds([PAXOS, *args], PASSING)
        self.assertEqual(summary["failed"], [], args)
        self.assertEqual(summary["passed"], PASSING)

    def test_checks_hold_without_faults(self):
        self.assert_all_pass(["--latency", "uniform:200us..1ms"])

    def test_checks_hold_when_the_first_two_coordinators_crash(self):
        self.assert_all_pass(scenario("paxos", "crashed-leaders"))
        self.assert_all_pass(["-D", "n=3", "--crash", "node[0]", "--latency", "uniform:200us..1ms"])

    def test_checks_hold_when_a_decision_comes_late(self):
        self.assert_all_pass(scenario("paxos", "late-decision"))

    def test_a_slow_network_keeps_safety_but_not_termination(self):
        summary = seeds([PAXOS, *scenario("paxos", "slow-network")])
        whys = [f["why"] for f in summary["failed"]]
        self.assertTrue(whys, "links slower than the timeouts never kept a node from deciding")
        for why in whys:
            self.assertTrue(why.startswith("termination: "), why)

    def test_a_crashed_coordinator_costs_one_phase(self):
        values, checks = one_run([PAXOS, "--crash", "node[0]", "--seed", "1"])
        self.assertTrue(all(checks.values()), checks)
        self.assertIsNone(values["decision[0]"])
        for j in range(1, 5):
            self.assertEqual(values[f"decision[{j}]"], "11")  # node[1] coordinates phase 1

    def test_an_accepted_value_outlives_its_crashed_coordinator(self):
        # node[1] crashes after a majority accepted its 11 in phase 1; node[2] must propose 11 again.
        for seed in range(10):
            args = [PAXOS, *scenario("paxos", "crashed-leaders"), "--seed", str(seed)]
            values, _ = one_run(args)
            self.assertEqual([values[f"decision[{j}]"] for j in range(2, 5)], ["11"] * 3)
            values, _ = one_run([*args, "-D", "broken=1"])  # node[2] proposes its own 12
            self.assertEqual([values[f"decision[{j}]"] for j in range(2, 5)], ["12"] * 3)

    def test_the_broken_variant_loses_agreement_and_its_command_reproduces_it(self):
        for name, at_least in (("late-decision", 500), ("slow-network", 100)):
            with self.subTest(scenario=name):
                summary = seeds([PAXOS, "-D", "broken=1", *scenario("paxos", name)])
                agreement = [f for f in summary["failed"] if "agreement: false" in f["why"]]
                self.assertGreaterEqual(len(agreement), at_least, summary["failed"][:3])
                for failure in agreement[:3]:
                    assert_reproduced(self, failure, "agreement")

    def test_the_correct_variant_passes_where_the_broken_one_fails(self):
        args = [PAXOS, *scenario("paxos", "late-decision"), "--seed", "0"]
        _, checks = one_run(args)
        self.assertTrue(all(checks.values()), checks)
        values, checks = one_run([*args, "-D", "broken=1"])
        self.assertFalse(checks["agreement"])
        self.assertEqual((values["decision[1]"], values["decision[3]"]), ("10", "11"))


class TwoPhaseCommit(unittest.TestCase):
    def assert_all_pass(self, args):
        summary = seeds([TWO_PC, *args], PASSING)
        self.assertEqual(summary["failed"], [], args)

    def test_checks_hold_in_every_scenario(self):
        self.assert_all_pass(["--latency", "uniform:200us..5ms"])
        for name in ("crashed-coordinator", "crashed-participant", "no-vote", "slow-no-vote"):
            with self.subTest(scenario=name):
                self.assert_all_pass(scenario("two-phase-commit", name))

    def test_all_yes_commits_everywhere(self):
        values, checks = one_run([TWO_PC, "--latency", "uniform:200us..1ms", "--seed", "3"])
        self.assertTrue(all(checks.values()), checks)
        self.assertEqual(set(values.values()), {"true"})

    def test_a_no_vote_aborts_everywhere(self):
        for seed in range(20):
            values, _ = one_run([TWO_PC, *scenario("two-phase-commit", "no-vote"), "--seed", str(seed)])
            self.assertEqual(set(values.values()), {"false"}, values)

    def test_a_missing_vote_aborts_on_the_timeout(self):
        code, out, err = run([RUN, TWO_PC, *scenario("two-phase-commit", "crashed-participant"), "--seed", "0"])
        self.assertEqual(code, 0, err)
        self.assertIn("decision = false @ 3ms", out.decode())  # the timeout is 3000us

    def test_yes_voters_block_under_a_crashed_coordinator(self):
        for seed in range(20):
            values, checks = one_run([TWO_PC, *scenario("two-phase-commit", "crashed-coordinator"),
                                      "--input", "vote[2]=false", "--seed", str(seed)])
            self.assertTrue(all(checks.values()), checks)
            self.assertIsNone(values["decision"])
            self.assertIsNone(values["outcome[0]"])
            self.assertIsNone(values["outcome[1]"])
            self.assertEqual(values["outcome[2]"], "false")  # the no voter aborts on its own


    def test_the_broken_variant_commits_over_a_late_no_and_its_command_reproduces_it(self):
        summary = seeds([TWO_PC, "-D", "broken=1", *scenario("two-phase-commit", "slow-no-vote")])
        self.assertEqual(summary["passed"], 0)
        for failure in summary["failed"]:
            self.assertIn("atomicity: false", failure["why"])
            self.assertIn("validity: false for k = 1", failure["why"])
        for failure in summary["failed"][:3]:
            assert_reproduced(self, failure, "atomicity")
            assert_reproduced(self, failure, "validity")


def suspected(value):
    """The node indices in a printed suspect set, `{1: true, 3: true}`."""
    return set(int(p) for p in re.findall(r"(\d+): true", value))


class FailureDetector(unittest.TestCase):
    N = 4
    SETTLE = 8  # the model's default `settle`: the checks' "eventually"

    def suspects(self, args):
        """{(k, i): suspected node indices} of one run, for the outputs it made available."""
        outputs, checks = one_run([FD, *args])
        got = {}
        for name, value in outputs.items():
            k, i = map(int, re.fullmatch(r"suspects\[(\d+)\]\[(\d+)\]", name).groups())
            if value is not None:
                got[k, i] = suspected(value)
        return got, checks

    def test_checks_hold_over_500_seeds_in_every_scenario(self):
        for faults in ([], scenario("failure-detector", "crashed-node"),
                       scenario("failure-detector", "slow-links"),
                       scenario("failure-detector", "crash-under-slow-links")):
            with self.subTest(faults=faults):
                self.assertEqual(seeds([FD, *faults], PASSING)["failed"], [])

    def test_a_crashed_node_is_suspected_by_every_correct_node_from_the_round_after_its_crash(self):
        # node[3] crashes at 12ms, in round 2 (rounds are 5ms): its heartbeat of round 2 went out at 10ms.
        got, checks = self.suspects([*scenario("failure-detector", "crashed-node"), "--seed", "3"])
        self.assertEqual(checks, {"completeness": True, "accuracy": True})
        rounds = sorted({k for k, _ in got})
        self.assertGreater(len(rounds), self.SETTLE + 2)
        for k in rounds:
            for i in range(self.N - 1):
                self.assertEqual(got[k, i], {3} if k >= 3 else set(), (k, i))
            # Its own suspicions of round 2 came by 11.5ms (delays are at most 1.5ms); then nothing.
            self.assertEqual((k, 3) in got, k <= 2, k)

    def test_timeouts_grow_under_slow_links_until_no_correct_node_is_suspected(self):
        got, checks = self.suspects([*scenario("failure-detector", "slow-links"), "--seed", "0"])
        self.assertEqual(checks, {"completeness": True, "accuracy": True})
        # Delays of 3ms to 4ms against timeouts of 2ms: round 1 suspects almost everyone...
        self.assertGreater(sum(len(got[1, i]) for i in range(self.N)), self.N)
        # ...and from `settle` on nobody is suspected any more.
        late = [s for (k, _), s in got.items() if k >= self.SETTLE]
        self.assertTrue(late)
        self.assertEqual([s for s in late if s], [])

    def test_without_growing_timeouts_accuracy_fails_and_its_command_reproduces_it(self):
        summary = seeds([FD, "-D", "grow=0", *scenario("failure-detector", "slow-links")])
        self.assertEqual(summary["passed"], 0)
        for failure in summary["failed"]:
            self.assertTrue(failure["why"].startswith("accuracy: false for k = "), failure)
        for failure in summary["failed"][:3]:
            assert_reproduced(self, failure, "accuracy", variant="grow=0")

    def test_replay_is_byte_identical_and_inversion_round_trips(self):
        with TempDir() as d:
            for args in ([*scenario("failure-detector", "crash-under-slow-links"), "--iterations", "12"],
                         ["-D", "grow=0", *scenario("failure-detector", "slow-links")]):
                with self.subTest(args=args):
                    first, again = os.path.join(d, "a.trace"), os.path.join(d, "b.trace")
                    code, _, err = run([RUN, FD, *args, "--seed", "5", "--trace", first])
                    self.assertIn(code, (0, 1), err)
                    defines = args[:2] if args[0] == "-D" else []
                    code, _, err = run([RUN, FD, *defines, "--replay", first, "--trace", again])
                    self.assertIn(code, (0, 1), err)
                    self.assertEqual(read_bytes(first), read_bytes(again))
                    code, out, err = run([TRACE, "invert", FD, first, *defines])
                    self.assertEqual(code, 0, out.decode() + err)
                    self.assertIn("inversion round-trips", out.decode())


class PBFT(unittest.TestCase):
    N = 4

    def decisions(self, args):
        """([decision of each replica, or None], [view it decided in], {check: passed}) of one run."""
        values, checks = one_run([PBFT_MODEL, *args])
        decided = [values[f"decision[{j}]"] for j in range(self.N)]
        views = [values[f"decisionView[{j}]"] for j in range(self.N)]
        return decided, views, checks

    def assert_all_pass(self, args):
        summary = seeds([PBFT_MODEL, *args], PASSING)
        self.assertEqual(summary["failed"], [], args)
        self.assertEqual(summary["passed"], PASSING)

    def test_checks_hold_over_500_seeds_in_every_scenario(self):
        for args in (["--latency", "uniform:200us..1ms"],
                     scenario("pbft", "crashed-primary"),
                     scenario("pbft", "equivocating-primary"),
                     scenario("pbft", "byzantine-backup"),
                     scenario("pbft", "slow-links"),
                     scenario("pbft", "late-commits"),
                     ["-D", "views=3", *scenario("pbft", "byzantine-new-primary")],
                     # Random lies of a Byzantine primary, and of a backup under late commits.
                     ["--byzantine", "node[0]", "--latency", "uniform:200us..1ms"],
                     ["--byzantine", "node[2]", *scenario("pbft", "late-commits")],
                     # n = 7, f = 2: two crashed replicas, the primary of view 0 among them.
                     ["-D", "f=2", "--crash", "node[0]", "--crash", "node[4]@2ms", "--latency", "uniform:200us..1ms"],
                     # n = 7: the primaries of views 0 and 1 both Byzantine, view 2's correct.
                     ["-D", "f=2", "-D", "views=3", "--byzantine", "node[0]", "--byzantine", "node[1]",
                      "--latency", "uniform:200us..1ms"]):
            with self.subTest(args=args):
                self.assert_all_pass(args)

    def test_a_crashed_primary_is_replaced_by_a_view_change(self):
        for seed in range(10):
            decided, views, checks = self.decisions([*scenario("pbft", "crashed-primary"), "--seed", str(seed)])
            self.assertTrue(all(checks.values()), checks)
            self.assertIsNone(decided[0])
            self.assertEqual(decided[1:], ["11"] * 3)  # node[1], view 1's primary, proposes its request
            self.assertEqual(views[1:], ["1"] * 3)

    def test_an_equivocating_primary_cannot_split_the_decision(self):
        for seed in range(10):
            decided, views, checks = self.decisions([*scenario("pbft", "equivocating-primary"), "--seed", str(seed)])
            self.assertTrue(all(checks.values()), checks)
            # Nodes 1 and 2 decide 10 in view 0; node[3], pre-prepared 13, never decides 13 but 10 in view 1.
            self.assertEqual(decided[1:], ["10"] * 3)
            self.assertEqual(views[1:], ["0", "0", "1"])

    def test_a_certificate_outlives_the_view_it_was_made_in(self):
        for name, late in (("late-commits", 3), ("byzantine-backup", 2)):
            for seed in range(10):
                with self.subTest(scenario=name, seed=seed):
                    decided, views, checks = self.decisions([*scenario("pbft", name), "--seed", str(seed)])
                    self.assertTrue(all(checks.values()), checks)
                    self.assertEqual(decided[late], "10")
                    self.assertEqual(views[late], "1")  # it decides what it had prepared, in view 1

    def test_a_byzantine_new_primary_stalls_its_view_but_breaks_no_safety_check(self):
        # Two views: view 1 is the Byzantine node[1]'s, whose forged NEW-VIEW every replica rejects.
        summary = seeds([PBFT_MODEL, *scenario("pbft", "byzantine-new-primary")])
        self.assertEqual(summary["passed"], 0)
        for failure in summary["failed"]:
            self.assertEqual(failure["why"], "termination: false for i = 3", failure)

    def test_the_broken_view_change_rule_loses_agreement_and_its_command_reproduces_it(self):
        for name, at_least in (("late-commits", 500), ("equivocating-primary", 500), ("slow-links", 1)):
            with self.subTest(scenario=name):
                summary = seeds([PBFT_MODEL, "-D", "viewChangeRule=0", *scenario("pbft", name)])
                agreement = [f for f in summary["failed"] if "agreement: false" in f["why"]]
                self.assertGreaterEqual(len(agreement), at_least, summary["failed"][:3])
                for failure in agreement[:3]:
                    assert_reproduced(self, failure, "agreement", variant="viewChangeRule=0")

    def test_a_schedule_search_finds_the_broken_rule_and_not_the_correct_one(self):
        # (A search around seed 9's run: schedule 56 fails.)
        args = [*scenario("pbft", "slow-links"), "--strategy", "exhaustive", "--budget", "500", "--seed", "9"]
        code, out, err = run([RUN, PBFT_MODEL, "-D", "viewChangeRule=0", *args])
        self.assertEqual(code, 1, err)
        found = re.search(r"schedule \d+ fails: agreement: false.*\n\s*reproduce: (.*)", out.decode())
        self.assertTrue(found, out.decode())
        code, again, err = run(shlex.split(found[1]), cwd=ROOT)
        self.assertEqual(code, 1, err)
        self.assertIn("check agreement: fail", again.decode())
        code, out, err = run([RUN, PBFT_MODEL, *args])
        self.assertEqual(code, 0, out.decode() + err)
        self.assertIn("500 schedules explored, none failed", out.decode())

    def test_the_broken_variant_decides_two_values_where_the_correct_one_decides_one(self):
        args = [*scenario("pbft", "late-commits"), "--seed", "0"]
        decided, views, checks = self.decisions(args)
        self.assertTrue(all(checks.values()), checks)
        self.assertEqual(decided, ["10"] * 4)
        decided, views, checks = self.decisions(["-D", "viewChangeRule=0", *args])
        self.assertFalse(checks["agreement"])
        self.assertEqual(decided, ["10", "10", "10", "11"])
        self.assertEqual(views, ["0", "0", "0", "1"])

    def test_without_verification_forged_certificates_and_new_views_break_agreement(self):
        for name, at_least in (("byzantine-backup", 50), ("byzantine-new-primary", 100)):
            with self.subTest(scenario=name):
                summary = seeds([PBFT_MODEL, "-D", "verify=0", *scenario("pbft", name)])
                agreement = [f for f in summary["failed"] if "agreement: false" in f["why"]]
                self.assertGreaterEqual(len(agreement), at_least, summary["failed"][:3])
                assert_reproduced(self, agreement[0], "agreement", variant="verify=0")

    def test_a_forged_signature_is_refused_from_outside_the_model(self):
        # node[1] may not be made to claim node[0]'s signature on a pre-prepare.
        code, _, err = run([RUN, PBFT_MODEL, "--byzantine", "node[1]",
                            "--force", "pbft.view[1].viewChange[1].r=sig(0, (1, (0, 99), {}))"])
        self.assertEqual(code, 2, err)
        self.assertIn("forged-signature", err)


class BenOr(unittest.TestCase):
    RANDOM = ["--latency", "uniform:1ms..10ms"]

    def test_checks_hold_over_500_seeds_in_every_scenario(self):
        for args in (self.RANDOM, scenario("ben-or", "crash-at-start"), scenario("ben-or", "crash-mid-run"),
                     scenario("ben-or", "unanimous"), ["-D", "n=5", *scenario("ben-or", "two-crashes")]):
            with self.subTest(args=args):
                summary = seeds([BEN_OR, *args], PASSING)
                self.assertEqual(summary["passed"], PASSING, summary["failed"][:3])

    def test_coins_decide_the_round_and_the_seed_fixes_them(self):
        # Split inputs need coins: decisions come in various rounds, each
        # seed's the same on every run; unanimous inputs decide in round 0.
        rounds = set()
        for seed in range(40):
            outputs, _ = one_run([BEN_OR, *self.RANDOM, "--seed", str(seed)])
            self.assertEqual(outputs, one_run([BEN_OR, *self.RANDOM, "--seed", str(seed)])[0])
            rounds.add(max(int(outputs[f"decisionRound[{j}]"]) for j in range(4)))
        self.assertGreater(len(rounds), 3, rounds)
        outputs, _ = one_run([BEN_OR, *scenario("ben-or", "unanimous"), "--seed", "0"])
        self.assertEqual([outputs[f"decisionRound[{j}]"] for j in range(4)], ["0"] * 4)

    def test_a_forced_coin_changes_its_node_and_leaves_the_other_coins(self):
        with TempDir() as d:
            free, forced = os.path.join(d, "free.trace"), os.path.join(d, "forced.trace")
            run([RUN, BEN_OR, *self.RANDOM, "--seed", "3", "--trace", free])
            flip = next(e for e in trace_events(free) if e["line"] == "round[0].coin[2].flip")
            other = 1 - int(flip["value"])
            run([RUN, BEN_OR, *self.RANDOM, "--seed", "3", "--force", f"round[0].coin[2].flip={other}", "--trace",
                 forced])
            flips = [{e["line"]: int(e["value"]) for e in trace_events(t) if e["line"].endswith(".flip")
                      and e["end"] == "in" and e["line"].startswith("round[0].")} for t in (free, forced)]
            self.assertEqual(flips[1].pop("round[0].coin[2].flip"), other)
            flips[0].pop("round[0].coin[2].flip")
            self.assertEqual(flips[0], flips[1])  # the others' draws stay as they were

    def test_the_broken_majority_loses_agreement_and_its_command_reproduces_it(self):
        summary = seeds([BEN_OR, "-D", "majorityOf=3", *self.RANDOM])
        failed = [f for f in summary["failed"] if f["why"].startswith("agreement")]
        self.assertGreater(len(failed), 50)
        assert_reproduced(self, failed[0], "agreement", "majorityOf=3")
        # With every survivor waiting for all the others' reports, it passes.
        self.assertEqual(seeds([BEN_OR, "-D", "majorityOf=3", *scenario("ben-or", "crash-at-start")])["passed"], 500)


def trace_events(trace):
    code, out, err = run([TRACE, "export", trace, "--format", "jsonl"])
    assert code == 0, err
    return jsonl_parts(out)[1]


class Traces(unittest.TestCase):
    RUNS = [
        (PAXOS, [*scenario("paxos", "late-decision")]),
        (PAXOS, ["-D", "broken=1", *scenario("paxos", "slow-network")]),
        (TWO_PC, [*scenario("two-phase-commit", "crashed-coordinator")]),
        (TWO_PC, [*scenario("two-phase-commit", "no-vote")]),
        (TWO_PC, ["-D", "broken=1", *scenario("two-phase-commit", "slow-no-vote")]),
        (PBFT_MODEL, [*scenario("pbft", "crashed-primary")]),
        (PBFT_MODEL, [*scenario("pbft", "slow-links")]),
        (PBFT_MODEL, ["-D", "viewChangeRule=0", *scenario("pbft", "late-commits")]),
        (BEN_OR, [*scenario("ben-or", "crash-mid-run")]),
        (BEN_OR, ["-D", "majorityOf=3", "--latency", "uniform:1ms..10ms"]),
    ]
    # Runs with a Byzantine replica replay, invert, and their projected run
    # agrees (a Link demands what it sends, so a Byzantine receiver's lies
    # change nothing its senders do).
    BYZANTINE_RUNS = [
        (PBFT_MODEL, [*scenario("pbft", "equivocating-primary")]),
        (PBFT_MODEL, [*scenario("pbft", "byzantine-backup")]),
        (PBFT_MODEL, ["-D", "views=3", *scenario("pbft", "byzantine-new-primary")]),
        (PBFT_MODEL, ["-D", "verify=0", *scenario("pbft", "byzantine-new-primary")]),
    ]

    def test_replay_is_byte_identical_inversion_round_trips_and_projections_agree(self):
        with TempDir() as d:
            for model, args in self.RUNS:
                for seed in (0, 7):
                    with self.subTest(model=os.path.basename(model), args=args, seed=seed):
                        first, again = os.path.join(d, "a.trace"), os.path.join(d, "b.trace")
                        code, _, err = run([RUN, model, *args, "--seed", str(seed), "--trace", first])
                        self.assertIn(code, (0, 1), err)
                        # The same parameters as the recorded run (docs/tools.md, invert).
                        defines = args[:2] if args[0] == "-D" else []
                        code, _, err = run([RUN, model, *defines, "--replay", first, "--trace", again])
                        self.assertIn(code, (0, 1), err)
                        self.assertEqual(read_bytes(first), read_bytes(again))
                        code, out, err = run([TRACE, "invert", model, first, *defines])
                        self.assertEqual(code, 0, out.decode() + err)
                        self.assertIn("inversion round-trips", out.decode())
                        # Projected onto its domains, the run makes the same events.
                        split = os.path.join(d, "split.trace")
                        code, _, err = run([RUN, model, *defines, "--split", "--replay", first, "--trace", split])
                        self.assertIn(code, (0, 1), err)
                        code, out, err = run([TRACE, "diff", first, split])
                        self.assertEqual(code, 0, out.decode() + err)

    def test_runs_with_a_byzantine_replica_replay_byte_identically_invert_and_project(self):
        with TempDir() as d:
            for model, args in self.BYZANTINE_RUNS:
                for seed in (0, 7):
                    with self.subTest(model=os.path.basename(model), args=args, seed=seed):
                        first, again = os.path.join(d, "a.trace"), os.path.join(d, "b.trace")
                        code, _, err = run([RUN, model, *args, "--seed", str(seed), "--trace", first])
                        self.assertIn(code, (0, 1), err)
                        defines = args[:2] if args[0] == "-D" else []
                        code, _, err = run([RUN, model, *defines, "--replay", first, "--trace", again])
                        self.assertIn(code, (0, 1), err)
                        self.assertEqual(read_bytes(first), read_bytes(again))
                        code, out, err = run([TRACE, "invert", model, first, *defines])
                        self.assertEqual(code, 0, out.decode() + err)
                        self.assertIn("inversion round-trips", out.decode())
                        split = os.path.join(d, "split.trace")
                        code, _, err = run([RUN, model, *defines, "--split", "--replay", first, "--trace", split])
                        self.assertIn(code, (0, 1), err)
                        code, out, err = run([TRACE, "diff", first, split])
                        self.assertEqual(code, 0, out.decode() + err)

    @unittest.skipUnless(shutil.which("dot"), "Graphviz dot is not installed")
    def test_diagrams_parse_with_graphviz(self):
        for model, views in ((PAXOS, [[], ["--flat", "-D", "phases=2"], ["--component", "Phase"]]),
                             (TWO_PC, [[], ["--flat"], ["--component", "Coordinator"]]),
                             (FD, [[], ["--flat"], ["--component", "Round"], ["--component", "Watch"]]),
                             (PBFT_MODEL, [[], ["--flat"], ["--component", "View"], ["--component", "Replica"]]),
                             (BEN_OR, [[], ["--flat", "-D", "rounds=2"], ["--component", "Round"]])):
            for view in views:
                with self.subTest(model=os.path.basename(model), view=view):
                    code, out, err = run([DOT, model, *view])
                    self.assertEqual(code, 0, err)
                    self.assertIn(b"digraph", out)
                    proc = subprocess.run(["dot", "-Tsvg"], input=out, capture_output=True, timeout=60)
                    self.assertEqual(proc.returncode, 0, proc.stderr.decode())
                    self.assertIn(b"<svg", proc.stdout)


if __name__ == "__main__":
    unittest.main()
