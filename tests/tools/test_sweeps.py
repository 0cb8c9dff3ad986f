"""Seed sweeps: --jobs, shards merged with --merge (by hand and with GNU parallel), --shrink."""
import json
import os
import re
import shlex
import shutil
import subprocess
import unittest

import yaml

from rdctest import ROOT, TempDir, breadth, example, read_bytes, run, tool, write

RUN = tool("rdc-run")
BROKEN = os.path.join(ROOT, "tests", "run", "bracha-broken.rdc.yaml")
BROKEN_SWEEP = [RUN, BROKEN, "--latency", "uniform:1ms..10ms", "--input", "bc=1", "--byzantine", "node[0]"]
TENDERMINT = example("tendermint")
LOST_LOCK = os.path.join(ROOT, "examples", "tendermint", "scenarios", "lost-lock.yaml")
NO_LOCK = [RUN, TENDERMINT, "-D", "lockRule=0", "--faults", LOST_LOCK]


# b's input arrives at 50ms; crashed by then, b never passes it on.
CRASH_RACE = """rdc: 1
domains:
  b: 1
system:
  body:
    - Def d @ b[0]:
        x: input v as Int = 1 at 50ms -> drop
        y: choose -> output got
checks:
  late: has(got)
"""

# The check fails when b[0] crashes between its first output (100us) and
# its second (50ms).
CRASH_BETWEEN = """rdc: 1
domains:
  b: 1
system:
  body:
    - Def first @ b[0]:
        x: input u as Int = 1 at 100us -> drop
        y: choose -> output early
    - Def second @ b[0]:
        x: input v as Int = 1 at 50ms -> drop
        y: choose -> output late
checks:
  both: has(early) => has(late)
"""


def failing_seeds(stdout):
    return [int(line.split()[1].rstrip(":")) for line in stdout.decode().splitlines() if line.startswith("seed ")]


class Jobs(unittest.TestCase):
    """--jobs N gives what --jobs 1 gives, byte for byte, exit code included."""

    def assert_same_for_jobs(self, command, seeds):
        results = [run([*command, "--seeds", seeds, "--jobs", str(jobs), *fmt], timeout=300)
                   for fmt in ([], ["--json"]) for jobs in (1, 2, 3)]
        for k in range(0, len(results), 3):
            one = results[k]
            self.assertIn(one[0], (0, 1), one[2])
            for other in results[k + 1:k + 3]:
                self.assertEqual(other[:2], one[:2])
        return results[0]

    def test_broken_bracha_same_failures_in_seed_order(self):
        code, out, _ = self.assert_same_for_jobs(BROKEN_SWEEP, "0..299")
        self.assertEqual(code, 1)
        seeds = failing_seeds(out)
        self.assertTrue(seeds)
        self.assertEqual(seeds, sorted(seeds))
        self.assertNotIn("--jobs", out.decode())  # reproduce commands leave it out

    def test_each_seeds_verdict_is_that_of_its_run_alone(self):
        # A worker takes the verdicts of a run that ends with the outputs of
        # the one before it judged (most seeds here pass alike) from that
        # one: every seed's verdict, and why it fails, must still be its own.
        code, out, _ = run([*BROKEN_SWEEP, "--seeds", "0..79", "--jobs", "1"])
        self.assertEqual(code, 1)
        swept = {int(seed): why for seed, why in re.findall(r"^seed (\d+): (.*)$", out.decode(), re.M)}
        self.assertTrue(swept)
        for seed in range(80):
            _, alone, _ = run([*BROKEN_SWEEP, "--seed", str(seed), "--json"])
            checks = json.loads(alone)["checks"]
            why = "; ".join(f"{name}: {c['why']}" for name, c in checks.items() if not c["pass"])
            self.assertEqual(swept.get(seed, ""), why, f"seed {seed}")

    def test_tendermint_without_the_lock_rule(self):
        code, _, _ = self.assert_same_for_jobs(NO_LOCK, "0..199")
        self.assertEqual(code, 1)

    def test_a_passing_sweep_and_an_unbounded_model(self):
        last = breadth(150, 40)
        code, out, _ = self.assert_same_for_jobs([RUN, example("bracha")], f"0..{last}")
        self.assertEqual((code, out), (0, f"{last + 1} seeds: {last + 1} passed, 0 failed\n".encode()))
        # (a sweep keeps no outputs of retired iterations: --outputs, one run's, is refused there)
        code, _, _ = self.assert_same_for_jobs([RUN, example("rb-stream"), "--latency", "uniform:1ms..4ms"],
                                               breadth("0..99", "0..19"))
        self.assertEqual(code, 0)

    def test_strategies_and_invariants_on_several_threads(self):
        # Each thread keeps its own PCT priorities, schedule and invariant watch.
        for extra in (["--strategy", "pct:3"], ["--strategy", "schedule:1.0.1"], ["--invariant", "agreement"],
                      ["--strategy", "pct:2", "--invariant", "agreement"]):
            with self.subTest(extra):
                code, out, _ = self.assert_same_for_jobs([*BROKEN_SWEEP, *extra], breadth("0..299", "0..99"))
                self.assertEqual(code, 1)
                self.assertTrue(failing_seeds(out))
        code, _, _ = self.assert_same_for_jobs([*NO_LOCK, "--strategy", "pct:2"], breadth("0..199", "0..49"))
        self.assertIn(code, (0, 1))

    def test_a_shard_smaller_than_a_chunk_and_bad_values(self):
        one = run([*BROKEN_SWEEP, "--seeds", "5..9", "--shard", "1/2", "--jobs", "1"])
        two = run([*BROKEN_SWEEP, "--seeds", "5..9", "--shard", "1/2", "--jobs", "2"])
        self.assertEqual(one[:2], two[:2])
        self.assertTrue(one[1].startswith(b"2 seeds: "))
        for bad in ("0", "-1", "x", "1025"):
            code, _, err = run([*BROKEN_SWEEP, "--seeds", "0..9", "--jobs", bad])
            self.assertEqual(code, 2, bad)
            self.assertIn("--jobs", err)


class Merge(unittest.TestCase):
    """Shards' --json summaries merge into the unsharded sweep's summary."""

    def shards(self, directory, n, command=BROKEN_SWEEP, seeds="0..299"):
        paths = []
        for i in range(n):
            code, out, err = run([*command, "--seeds", seeds, "--shard", f"{i}/{n}", "--json"], timeout=120)
            self.assertIn(code, (0, 1), err)
            paths.append(write(directory, f"shard{i}.json", out.decode()))
        return paths

    def test_merged_shards_equal_the_unsharded_sweep(self):
        whole_json = run([*BROKEN_SWEEP, "--seeds", "0..299", "--json"], timeout=120)
        whole_text = run([*BROKEN_SWEEP, "--seeds", "0..299"], timeout=120)
        self.assertEqual(whole_json[0], 1)
        with TempDir() as d:
            paths = self.shards(d, 3)
            self.assertEqual(run([RUN, "--merge", *reversed(paths), "--json"])[:2], whole_json[:2])
            self.assertEqual(run([RUN, "--merge", *paths])[:2], whole_text[:2])
        doc = json.loads(whole_json[1])
        self.assertEqual((doc["range"], doc["shard"]), ("0..299", "0/1"))
        for failed in doc["failed"]:  # each reproduce command reruns its seed alone
            self.assertTrue(failed["repro"].endswith(f" --seed {failed['seed']}"))
            self.assertNotIn("--shard", failed["repro"])

    def test_text_lists_the_first_20_failing_seeds_and_json_all(self):
        doc = json.loads(run([*BROKEN_SWEEP, "--seeds", "0..999", "--json"], timeout=120)[1])
        self.assertGreater(len(doc["failed"]), 20)
        text = run([*BROKEN_SWEEP, "--seeds", "0..999"], timeout=120)[1].decode()
        listed = re.findall(r"^seed (\d+): ", text, re.M)
        self.assertEqual(listed, [str(f["seed"]) for f in doc["failed"][:20]])
        self.assertIn(f"... and {len(doc['failed']) - 20} more failing seeds (--json lists them all)", text)

    def test_a_range_written_with_leading_zeros_is_the_same_sweep(self):
        with TempDir() as d:
            a, b = os.path.join(d, "a.json"), os.path.join(d, "b.json")
            for path, seeds, shard in ((a, "0..99", "0/2"), (b, "000..099", "01/02")):
                code, out, _ = run([RUN, example("bracha"), "--seeds", seeds, "--shard", shard, "--json"])
                with open(path, "wb") as f:
                    f.write(out)
            self.assertEqual(json.loads(read_bytes(b))["range"], "0..99")
            code, out, err = run([RUN, "--merge", a, b])
            self.assertEqual(code, 0, err)
            self.assertIn("100 seeds: 100 passed", out.decode())

    def test_a_passing_sweep_merges_to_exit_0(self):
        command = [RUN, example("bracha")]
        with TempDir() as d:
            merged = run([RUN, "--merge", *self.shards(d, 2, command, "10..49")])
        self.assertEqual(merged[:2], run([*command, "--seeds", "10..49"])[:2])
        self.assertEqual(merged[0], 0)

    def test_shards_that_do_not_make_one_sweep_are_refused(self):
        with TempDir() as d:
            paths = self.shards(d, 3, seeds="0..29")
            code, _, err = run([RUN, "--merge", paths[0], paths[2]])
            self.assertEqual(code, 2)
            self.assertIn("1 of the sweep's 3 shards missing: 1/3", err)
            code, _, err = run([RUN, "--merge", paths[0], paths[0], paths[1], paths[2]])
            self.assertEqual(code, 2)
            self.assertIn("given twice", err)
            os.mkdir(os.path.join(d, "other"))
            other = self.shards(os.path.join(d, "other"), 1, [RUN, example("bracha")], "0..29")[0]
            code, _, err = run([RUN, "--merge", paths[0], other])
            self.assertEqual(code, 2)
            self.assertIn("not of the same sweep", err)
            with open(paths[1], encoding="utf-8") as f:
                doc = json.load(f)
            doc["seeds"] += 1
            doc["passed"] += 1
            forged = write(d, "forged.json", json.dumps(doc))
            code, _, err = run([RUN, "--merge", paths[0], forged, paths[2]])
            self.assertEqual(code, 2)
            self.assertIn("is not what shard 1/3 of 0..29 runs", err)
            code, _, err = run([RUN, "--merge", write(d, "junk.json", "{")])
            self.assertEqual(code, 2)
            self.assertIn("not JSON", err)
            code, _, err = run([RUN, "--merge", write(d, "other.json", '{"seeds": 1}')])
            self.assertEqual(code, 2)
            self.assertIn("not a sweep summary", err)
            shard = {"range": "0..9", "shard": "1/2", "command": "rdc-run x"}
            failing = lambda *seeds: [{"seed": s, "why": "w", "repro": "r"} for s in seeds]
            for doc, message in (
                    ({"seeds": 5, "passed": 2**64 - 1, "failed": failing(1, 3)}, "its counts do not add up"),
                    ({"seeds": 5, "passed": 2, "failed": failing(1, 3, 3)}, "not in increasing order, each once (seed 3)"),
                    ({"seeds": 5, "passed": 4, "failed": failing(2)}, "its failing seed 2 is not one shard 1/2 of 0..9"),
                    ({"seeds": 5, "passed": 4, "failed": failing(-3)}, "not a sweep summary")):
                with self.subTest(doc=doc):
                    code, _, err = run([RUN, "--merge", write(d, "bad.json", json.dumps({**doc, **shard}))])
                    self.assertEqual(code, 2, err)
                    self.assertIn(message, err)

    def test_seeds_past_2_to_the_53_are_strings_that_merge(self):
        # A reader whose numbers are doubles rounds 18446744073709551126: the
        # failing seed, the counts and a shrunk seed are strings there.
        with TempDir() as d:
            command = [RUN, example("bracha"), "-D", "f=2", "--byzantine", "node[0]", "--latency", "uniform:1ms..5ms"]
            paths = self.shards(d, 2, command, "18446744073709551000..18446744073709551615")
            docs = [json.loads(read_bytes(p)) for p in paths]
            seeds = [f["seed"] for doc in docs for f in doc["failed"]]
            self.assertTrue(seeds)
            self.assertTrue(all(isinstance(s, str) and int(s) > 2**53 for s in seeds), seeds)
            code, merged, err = run([RUN, "--merge", *paths, "--json"])
            self.assertEqual(code, 1, err)
            self.assertEqual(sorted(f["seed"] for f in json.loads(merged)["failed"]), sorted(seeds, key=int))
            docs[0]["seeds"] = str(docs[0]["seeds"])  # a reader takes either form
            code, _, err = run([RUN, "--merge", write(d, "strings.json", json.dumps(docs[0])), paths[1]])
            self.assertEqual(code, 1, err)
            code, out, err = run([*command, "--seed", seeds[0], "--shrink", os.path.join(d, "s.yaml"), "--json"],
                                 timeout=120)
            self.assertEqual(code, 1, err)
            shrunk = json.loads(out.decode().splitlines()[-1])["shrunk"]
            self.assertEqual(shrunk["seed"], seeds[0])

    @unittest.skipUnless(shutil.which("parallel"), "GNU parallel (Debian package parallel) is not installed")
    def test_a_sweep_run_with_gnu_parallel(self):
        # docs/tools.md's recipe: one shard per job, then --merge.
        whole = run([*BROKEN_SWEEP, "--seeds", "0..399", "--json"], timeout=120)
        with TempDir() as d:
            command = " ".join(shlex.quote(a) for a in BROKEN_SWEEP)
            script = (f"parallel --will-cite -j 2 '{command} --seeds 0..399 --shard {{}}/4 --json "
                      f"> {d}/shard{{}}.json' ::: 0 1 2 3")
            proc = subprocess.run(["bash", "-c", script], capture_output=True, timeout=300)
            self.assertEqual(proc.returncode, 4, proc.stderr)  # parallel: how many jobs failed (each found one)
            shards = sorted(os.path.join(d, f) for f in os.listdir(d))
            self.assertEqual(len(shards), 4)
            self.assertEqual(run([RUN, "--merge", *shards, "--json"])[:2], whole[:2])


class Shrink(unittest.TestCase):
    """--shrink finds a smaller run that fails the same check, and never one that passes."""

    def shrink(self, command, directory, name="shrunk.yaml"):
        faults = os.path.join(directory, name)
        code, out, err = run([*command, "--shrink", faults], timeout=300)
        self.assertEqual(code, 1, err)
        text = out.decode()
        repro = next(line for line in text.splitlines() if line.startswith("reproduce: "))[len("reproduce: "):]
        return text, repro, faults

    def assert_fails_again(self, repro, check):
        code, out, err = run(shlex.split(repro), timeout=120)
        self.assertEqual(code, 1, err)
        self.assertIn(f"check {check}: fail", out.decode())

    def first_failing(self, command, seeds, check):
        """The first seed of a sweep that fails `check`."""
        code, out, _ = run([*command, "--seeds", seeds, "--json"], timeout=300)
        self.assertEqual(code, 1)
        return next(f["seed"] for f in json.loads(out)["failed"] if f["why"].startswith(check + ":"))

    def test_a_large_parameter_shrinks_to_its_smallest_failing_value_in_few_runs(self):
        # z = D fails `small` for every D >= 1000: halving, then ever smaller
        # drops, find 1000 in tens of runs (lowering by one took thousands).
        with TempDir() as d:
            model = write(d, "big.rdc.yaml", """rdc: 1
params:
  D: 10000
system:
  body:
    - Fn f:
        expr: "x + D"
        x: input a as Int -> drop
        r: choose -> output z
checks:
  small: z < 1000
""")
            text, repro, _ = self.shrink([RUN, model], d)
            self.assertIn("lowered -D D=10000 to 1000", text)
            runs = int(re.search(r"which fails small: (\d+) runs tried", text).group(1))
            self.assertLess(runs, 100, text)
            self.assert_fails_again(repro, "small")

    def test_a_kept_parameter_is_not_lowered(self):
        # `safe` switches the check's bug off at 0: lowering it would fail
        # `small` no more, but `wrong` (a switch to another bug) fails it at 0.
        with TempDir() as d:
            model = write(d, "switch.rdc.yaml", """rdc: 1
params:
  D: 64
  wrong: 1
system:
  body:
    - Fn f:
        expr: "wrong == 1 ? x + D : x + 1000"
        x: input a as Int -> drop
        r: choose -> output z
checks:
  small: z < 10
""")
            text, repro, _ = self.shrink([RUN, model], d)
            self.assertIn("lowered -D wrong=1 to 0", text)  # another bug: a switch taken for a size
            text, repro, _ = self.shrink([RUN, model, "--shrink-keep", "wrong"], d)
            self.assertNotIn("wrong", text.split("reproduce:")[0])
            self.assertIn("lowered -D D=64 to 10", text)
            self.assertNotIn("--shrink-keep", repro)
            self.assert_fails_again(repro, "small")
            code, _, err = run([RUN, model, "--shrink", os.path.join(d, "x.yaml"), "--shrink-keep", "nosuch"])
            self.assertEqual(code, 2)
            self.assertIn("--shrink-keep: the model has no parameter 'nosuch'", err)
            # Names are checked before the run, so a passing run refuses them too.
            passing = [RUN, model, "-D", "D=1", "--shrink", os.path.join(d, "x.yaml")]
            for flag, message in (("--shrink-keep", "no parameter 'nosuch'"), ("--shrink-check", "no check 'nosuch'")):
                code, _, err = run([*passing, flag, "nosuch"])
                self.assertEqual(code, 2, err)
                self.assertIn(f"{flag}: the model has {message}", err)

    def test_a_derived_parameter_follows_the_ones_it_is_made_of(self):
        # `limit: 2 * D` lowered on its own (to 0) would fail `small` by
        # another bug; it follows D down instead, unless given with -D.
        with TempDir() as d:
            model = write(d, "derived.rdc.yaml", """rdc: 1
params:
  D: 64
  limit: 2 * D
system:
  body:
    - Fn f:
        expr: "x + D"
        x: input a as Int -> drop
        r: choose -> output z
checks:
  small: z < 10 && limit > 0
""")
            text, repro, _ = self.shrink([RUN, model], d)
            self.assertIn("lowered -D D=64 to 10", text)
            self.assertNotIn("limit", text.split("reproduce:")[0])
            self.assert_fails_again(repro, "small")
            text, repro, _ = self.shrink([RUN, model, "-D", "limit=128"], d)
            self.assertIn("lowered -D limit=128 to 0", text)  # given: a size like any other

    def test_a_smaller_run_fails_for_no_new_reason(self):
        # Lowering rb-stream's spacing to 0 kept totality failing, and added
        # a run failure (4096 live iterations at 0ns): another run.
        with TempDir() as d:
            text, repro, _ = self.shrink([RUN, example("rb-stream"), "-D", "f=2", "--byzantine", "node[0]",
                                          "--latency", "uniform:1ms..5ms", "--outputs", "summary", "--until", "20ms",
                                          "--seed", "1"], d)
            check = re.search(r"which fails (\w+)", text).group(1)
            code, out, err = run(shlex.split(repro), timeout=120)
            self.assertEqual(code, 1, err)
            self.assertIn(f"check {check}: fail", out.decode())
            self.assertNotIn("failure:", out.decode())

    def test_broken_bracha_loses_its_extra_faults(self):
        # With node[0] Byzantine the f+1 quorums break agreement; a late
        # crash, a forced value and a slow link are not needed for it.
        with TempDir() as d:
            scenario = write(d, "extra.yaml", "links:\n  rb.send.link[3]*: constant:3ms\n")
            command = [*BROKEN_SWEEP, "--crash", "node[3]@500ms", "--force", "rb.send.def[1].y=1",
                       "--link", "rb.send.link[2]*=constant:4ms", "--faults", scenario]
            seed = self.first_failing(command, "0..299", "agreement")
            text, repro, faults = self.shrink([*command, "--seed", str(seed)], d)
            self.assertIn(f"shrinking seed {seed}, which fails agreement", text)
            with open(faults, encoding="utf-8") as f:
                shrunk = yaml.safe_load(f)
            # The crash, the slow links and the force of 1 are gone; node[0] stays, with
            # the few of its lies (forced values under lies: forced) agreement needs.
            # (A link may stay, shortened to 0ns: without an override of its own a
            # link draws its delays, which moves every later draw: another run.)
            self.assertIsNone(shrunk.get("crash"))
            self.assertEqual({spec for spec in (shrunk.get("links") or {}).values()} - {"constant:0ns"}, set())
            self.assertEqual(shrunk.get("lies"), "forced")
            self.assertEqual(shrunk["byzantine"], ["node[0]"])
            self.assertNotEqual(shrunk.get("force", {}).get("rb.send.def[1].y"), 1)
            lies = int(re.search(r"turned (\d+) lies into forced values", text).group(1))
            self.assertLess(len(shrunk.get("force", {})), lies)
            self.assertIn("--faults", repro)
            self.assertNotIn("--crash", repro)
            self.assertNotIn("--link", repro)  # the faults file says every link's (it brought back a removed one)
            self.assert_fails_again(repro, "agreement")

    def test_tendermint_without_the_lock_rule(self):
        seed = self.first_failing(NO_LOCK, "0..199", "agreement")
        with TempDir() as d:
            text, repro, _ = self.shrink([*NO_LOCK, "--seed", str(seed)], d)
            self.assertIn("which fails agreement", text)
            self.assertIn("-D lockRule=0", repro)
            self.assert_fails_again(repro, "agreement")
            # Shrinking the shrunk run again keeps it failing.
            _, repro2, _ = self.shrink(shlex.split(repro), d, "again.yaml")
            self.assert_fails_again(repro2, "agreement")

    def test_a_sweep_shrinks_its_first_failing_seed(self):
        with TempDir() as d:
            text, repro, _ = self.shrink([*BROKEN_SWEEP, "--seeds", "0..99", "--jobs", "2"], d)
            seeds = failing_seeds(text.encode())
            check = text.split(f"shrinking seed {seeds[0]}, which fails ", 1)[1].split(":", 1)[0]
            self.assertNotIn("--seeds", repro)
            self.assertNotIn("--shrink", text.split("\nshrinking seed")[0])  # the sweep's reproduce commands
            self.assert_fails_again(repro, check)

    def test_a_pct_failure_shrinks_under_its_strategy(self):
        command = [*NO_LOCK, "--strategy", "pct:3"]
        seed = self.first_failing(command, "0..199", "agreement")
        with TempDir() as d:
            text, repro, _ = self.shrink([*command, "--seed", str(seed)], d)
            self.assertIn("which fails agreement", text)
            self.assertRegex(repro, r"--strategy pct:[123] --seed %d$" % seed)
            self.assert_fails_again(repro, "agreement")

    def test_an_exhaustive_failure_shrinks_its_schedule(self):
        # Its failing schedule is shrunk (choices back to 0) and still fails.
        for seed in range(40):
            code, out, _ = run([*BROKEN_SWEEP, "--strategy", "exhaustive", "--budget", "30", "--seed", str(seed),
                                "--json"], timeout=120)
            report = json.loads(out)
            if report["failed"] and report["failed"]["why"].startswith("agreement"):
                break
        else:
            self.fail("no exhaustive failure within 30 schedules of seeds 0..39")
        with TempDir() as d:
            _, repro, _ = self.shrink([*BROKEN_SWEEP, "--strategy", "exhaustive", "--budget", "30",
                                       "--seed", str(seed), "--shrink-check", "agreement"], d)
            self.assertRegex(repro, r"--strategy schedule:[0-9.]* --seed %d$" % seed)
            self.assertNotIn("--budget", repro)
            self.assert_fails_again(repro, "agreement")

    def test_the_check_to_keep_failing_can_be_picked(self):
        seed = self.first_failing(BROKEN_SWEEP, "0..299", "agreement")
        with TempDir() as d:
            text, repro, _ = self.shrink([*BROKEN_SWEEP, "--seed", str(seed), "--shrink-check", "agreement"], d)
            self.assertIn("which fails agreement", text)
            self.assertNotIn("--shrink-check", repro)
            # A sweep's reproduce commands leave it out too (a single run takes no --shrink-check).
            sweep, _, _ = self.shrink([*BROKEN_SWEEP, "--seeds", "0..99", "--shrink-check", "agreement"], d, "s.yaml")
            self.assertNotIn("--shrink-check", sweep)
            self.assert_fails_again(repro, "agreement")
            faults = os.path.join(d, "no.yaml")
            code, _, err = run([*BROKEN_SWEEP, "--seed", str(seed), "--shrink", faults, "--shrink-check", "nosuch"])
            self.assertEqual(code, 2)
            self.assertIn("the model has no check 'nosuch'", err)
            self.assertFalse(os.path.exists(faults))
            code, _, err = run([*BROKEN_SWEEP, "--seed", str(seed), "--shrink", faults, "--shrink-check", "validity"])
            self.assertEqual(code, 2)
            self.assertIn("does not fail 'validity'", err)
            self.assertFalse(os.path.exists(faults))

    def test_a_crash_moves_earlier(self):
        # A crash at 40ms, before b's input arrives, fails the check; so does
        # one at 0, which the shrunk faults file has.
        with TempDir() as d:
            model = write(d, "late.rdc.yaml", CRASH_RACE)
            text, repro, faults = self.shrink([RUN, model, "--crash", "b[0]@40ms", "--seed", "0"], d)
            with open(faults, encoding="utf-8") as f:
                shrunk = yaml.safe_load(f)
            self.assertIn("moved crash b[0] from 40ms to 0ns", text)
            self.assertEqual(shrunk["crash"], {"b[0]": "0ns"})
            self.assert_fails_again(repro, "late")

    def test_check_restricts_what_a_sweep_fails_by(self):
        # Crashing two of four nodes leaves no quorum: validity fails; agreement holds.
        crash = [RUN, example("bracha"), "--latency", "uniform:1ms..10ms", "--crash", "node[1]@2ms",
                 "--crash", "node[2]@2ms", "--seeds", "0..49"]
        code, out, _ = run(crash)
        self.assertEqual(code, 1)
        self.assertIn(": validity: false", out.decode())
        code, out, err = run(crash + ["--check", "agreement"])
        self.assertEqual(code, 0, out.decode() + err)
        self.assertIn("50 seeds: 50 passed, 0 failed", out.decode())
        code, out, _ = run(crash[:-2] + ["--seed", "1", "--check", "agreement", "--json"])
        self.assertEqual(list(json.loads(out)["checks"]), ["agreement"])
        with TempDir() as d:
            peers = os.path.join(d, "peers.yaml")
            with open(peers, "w") as f:
                f.write("key: " + "ab" * 32 + "\nnodes:\n" + "".join(f"  node[{i}]: 127.0.0.1:{31790 + i}\n" for i in range(4)))
            code, _, err = run([RUN, example("bracha"), "--domain", "node[0]", "--listen", "127.0.0.1:31790",
                                "--peers", peers, "--check", "agreement"])
            self.assertEqual(code, 2)
            self.assertIn("--check: not for --listen", err)
        code, _, err = run(crash + ["--check", "nosuch"])
        self.assertEqual(code, 2)
        self.assertIn("--check: the model has no check named 'nosuch'", err)
        with TempDir() as d:
            code, _, err = run(crash[:-2] + ["--seed", "1", "--check", "agreement", "--shrink",
                                             os.path.join(d, "s.yaml"), "--shrink-check", "validity"])
            self.assertEqual(code, 2)
            self.assertIn("'validity' is not one of the checks --check evaluates", err)

    def test_a_crash_halved_reads_in_a_round_unit(self):
        # 40ms halved to 20ms, ..., 2500us, then 1250us cut to its two leading
        # digits, 1200us, ..., 150us (not 156250ns); 75us is before the first output.
        with TempDir() as d:
            model = write(d, "between.rdc.yaml", CRASH_BETWEEN)
            text, repro, faults = self.shrink([RUN, model, "--crash", "b[0]@40ms", "--seed", "0"], d)
            self.assertIn("moved crash b[0] from 40ms to 150us", text)
            self.assert_fails_again(repro, "both")

    def test_a_passing_run_is_not_shrunk_and_bad_uses(self):
        with TempDir() as d:
            faults = os.path.join(d, "shrunk.yaml")
            code, _, err = run([RUN, example("bracha"), "--shrink", faults])
            self.assertEqual(code, 0, err)
            self.assertFalse(os.path.exists(faults))
            code, _, err = run([RUN, example("bracha"), "--split", "--shrink", faults])
            self.assertEqual(code, 2)
            self.assertIn("--shrink", err)
            with open(BROKEN, "rb") as f:
                code, _, err = run([RUN, "-", "--shrink", faults], stdin=f.read())
            self.assertEqual(code, 2)
            self.assertIn("give the model as a file", err)


if __name__ == "__main__":
    unittest.main()
