"""rdc-run driven as a user would: outputs, checks, seeds, faults, traces."""
import json
import os
import shlex
import unittest

from rdctest import ROOT, TempDir, example, read_bytes, run, tool, write

RUN = tool("rdc-run")
BRACHA = example("bracha")
BROKEN = os.path.join(ROOT, "tests", "run", "bracha-broken.rdc.yaml")
NET = ["--latency", "uniform:1ms..10ms", "--input", "bc=1"]


def outputs(stdout):
    return dict(line.split(" = ", 1) for line in stdout.decode().splitlines() if " = " in line)


class Basics(unittest.TestCase):
    def test_basics_outputs_and_checks(self):
        code, out, err = run([RUN, example("basics"), "--input", "a=2", "--input", "b=10",
                              "--input", "first=5", "--input", "second=7"])
        self.assertEqual(code, 0, err)
        o = outputs(out)
        self.assertEqual(o["total"], "16 @ 0ns")  # b + k*a with k = 3
        self.assertEqual(o["low"], "5 @ 0ns")
        self.assertEqual(o["alarm"], "() @ 5ms")
        self.assertEqual(out.decode().count(": pass"), 3)

    def test_a_failing_check_exits_1(self):
        # Force the CSwap to swap: its check then fails.
        code, out, _ = run([RUN, example("basics"), "--input", "first=5", "--input", "second=7",
                            "--force", "swap.c=true"])
        self.assertEqual(code, 0)  # swapped == true makes the implication vacuous
        self.assertIn("swapped = true", out.decode())

    def test_json_output(self):
        code, out, _ = run([RUN, BRACHA, "--json", *NET, "--seed", "4"])
        self.assertEqual(code, 0)
        doc = json.loads(out)
        self.assertEqual(doc["seed"], 4)
        self.assertEqual(doc["outputs"]["dlvr[2]"]["value"], "1")
        self.assertTrue(all(c["pass"] for c in doc["checks"].values()))


class Determinism(unittest.TestCase):
    def test_same_seed_same_trace_in_separate_processes(self):
        with TempDir() as d:
            a, b, c = (os.path.join(d, x) for x in ("a.trace", "b.trace", "c.trace"))
            for path in (a, b):
                code, _, err = run([RUN, BRACHA, *NET, "--byzantine", "node[3]", "--seed", "11", "--trace", path])
                self.assertEqual(code, 0, err)
            self.assertEqual(read_bytes(a), read_bytes(b))
            run([RUN, BRACHA, *NET, "--byzantine", "node[3]", "--seed", "12", "--trace", c])
            self.assertNotEqual(read_bytes(a), read_bytes(c))

    def test_different_seeds_change_the_availability_order(self):
        # With a constant latency only the seeded ordering of simultaneous events differs.
        orders = set()
        with TempDir() as d:
            for seed in range(3):
                path = os.path.join(d, f"{seed}.trace")
                run([RUN, BRACHA, "--latency", "constant:1ms", "--input", "bc=1", "--seed", str(seed), "--trace", path])
                code, text, err = run(["capnp", "decode", os.path.join(ROOT, "ir", "io", "trace.capnp"), "TraceChunk"],
                                      stdin=read_bytes(path))
                self.assertEqual(code, 0, err)
                events = text.decode().split("( events = ", 1)[1]
                orders.add(events)
        self.assertEqual(len(orders), 3)

    def test_replay_reproduces_the_identical_trace(self):
        with TempDir() as d:
            a, b = os.path.join(d, "a.trace"), os.path.join(d, "b.trace")
            run([RUN, BRACHA, *NET, "--byzantine", "node[0]", "--seed", "5", "--trace", a])
            code, _, err = run([RUN, BRACHA, "--replay", a, "--trace", b])
            self.assertEqual(code, 0, err)
            self.assertEqual(read_bytes(a), read_bytes(b))


SCENARIOS = {
    4: [["--byzantine", "node[0]"],                       # equivocating sender
        ["--byzantine", "node[3]"],                       # f Byzantine voters
        ["--crash", "node[3]@2ms"]],                      # f crashed nodes
    7: [["--byzantine", "node[0]"],
        ["--byzantine", "node[5]", "--byzantine", "node[6]"],
        ["--crash", "node[5]", "--crash", "node[6]@3ms"]],
}


class Bracha(unittest.TestCase):
    def test_bracha_passes_its_checks_over_1000_seeds_per_scenario(self):
        for n, scenarios in SCENARIOS.items():
            for faults in scenarios:
                with self.subTest(n=n, faults=faults):
                    code, out, err = run([RUN, BRACHA, "-D", f"n={n}", *NET, *faults, "--seeds", "0..999"],
                                         timeout=300)
                    self.assertEqual(code, 0, out.decode() + err)
                    self.assertIn("1000 seeds: 1000 passed, 0 failed", out.decode())

    def test_forced_equivocation(self):
        # The Byzantine sender tells nodes 0, 1 the value 1 and nodes 2, 3 the value 2.
        forces = ["--byzantine", "node[0]"]
        for j, v in enumerate([1, 1, 2, 2]):
            forces += ["--force", f"rb.send.def[{j}].y={v}"]
        code, out, err = run([RUN, BRACHA, *NET, *forces, "--seeds", "0..199"])
        self.assertEqual(code, 0, out.decode() + err)

    def test_a_glob_forces_every_match_and_must_match_something(self):
        code, out, err = run([RUN, BRACHA, *NET, "--byzantine", "node[0]", "--force", "rb.send.def[*].y=2",
                              "--seed", "3"])
        self.assertEqual(code, 0, err)  # validity does not bind a Byzantine sender
        delivered = outputs(out)
        self.assertEqual(delivered["bc"].split(" @ ")[0], "1")
        for j in range(1, 4):  # the correct nodes
            self.assertEqual(delivered[f"dlvr[{j}]"].split(" @ ")[0], "2")
        code, _, err = run([RUN, BRACHA, "--force", "rb.nothing[*].y=2"])
        self.assertEqual(code, 2)
        self.assertIn("no choosable input bound to `choose` matches", err)

    def test_broken_variant_fails_agreement_and_the_repro_reproduces_it(self):
        code, out, _ = run([RUN, BROKEN, *NET, "--byzantine", "node[0]", "--seeds", "0..299"], timeout=120)
        self.assertEqual(code, 1)
        text = out.decode()
        self.assertIn("agreement", text)
        lines = text.splitlines()
        failure = next(k for k, line in enumerate(lines) if line.startswith("seed ") and "agreement" in line)
        repro = lines[failure + 1].split("reproduce: ", 1)[1]
        code, out, _ = run(shlex.split(repro))
        self.assertEqual(code, 1)
        self.assertIn("check agreement: fail", out.decode())

    def test_shards_partition_the_seeds(self):
        failing = set()
        total = 0
        for shard in range(3):
            code, out, _ = run([RUN, BROKEN, *NET, "--byzantine", "node[0]", "--seeds", "0..299",
                                "--shard", f"{shard}/3", "--json"], timeout=120)
            doc = json.loads(out)
            total += doc["seeds"]
            failing |= {f["seed"] for f in doc["failed"]}
        self.assertEqual(total, 300)
        _, out, _ = run([RUN, BROKEN, *NET, "--byzantine", "node[0]", "--seeds", "0..299", "--json"], timeout=120)
        self.assertEqual(failing, {f["seed"] for f in json.loads(out)["failed"]})


class Reports(unittest.TestCase):
    def test_a_failed_check_without_a_quantifier_names_the_values_it_read(self):
        with TempDir() as d:
            model = write(d, "chk.rdc.yaml", """rdc: 1
params:
  two: 2
system:
  body:
    - Def d:
        x: input a as Int = 3 -> output x
        y: choose -> output y
    - Def e:
        x: input b as Int = 4 -> output z
        y: never -> output w
checks:
  same: "x == z && two == 2 && (forall i in 0..2: i < 5)"
  late: "has(w) || z == 5"
  reads: "(has(w) ? w : a) == 4"
""")
            code, out, err = run([RUN, model, "--seed", "1"])
            self.assertEqual(code, 1, err)
            text = out.decode()
            self.assertIn("check same: fail (false with x = 3, z = 4)", text)
            self.assertIn("check late: fail (false with w never available, z = 4)", text)
            self.assertIn("check reads: fail (false with w never available, a = 3)", text)

    def test_a_filter_that_had_all_it_reads_names_its_condition(self):
        with TempDir() as d:
            model = write(d, "filter.rdc.yaml", """rdc: 1
system:
  body:
    - Filter keep:
        when: "!v"
        expr: "false"
        v: input v as Bool = true -> drop
        r: choose -> output kept
""")
            _, out, _ = run([RUN, model])
            self.assertIn("what it reads arrived: v = true, and its condition `!v` is false", out.decode())
            # In a box, with the loop variables and parameters the condition reads.
            model = write(d, "box.rdc.yaml", """rdc: 1
params: {m: 7}
system:
  body:
    - for: p in 0..2
      body:
        - Filter f[p]:
            when: "q == p + m"
            q: input a[p] as Int = 5 -> drop
            r: choose -> output o[p]
""")
            _, out, _ = run([RUN, model])
            self.assertIn("q = 5, and its condition `q == p + m` (p = 1, m = 7) is false", out.decode())

    def test_times_read_in_ms_or_below_a_millisecond_in_us(self):
        _, out, _ = run([RUN, BRACHA, "--input", "bc=1 at 523949ns", "--latency", "constant:1ns"])
        self.assertIn("bc = 1 @ 523.949us\n", out.decode())
        _, out, _ = run([RUN, BRACHA, "--input", "bc=1 at 8282209ns", "--latency", "constant:1ns"])
        self.assertIn("bc = 1 @ 8.282209ms\n", out.decode())
        _, out, _ = run([RUN, BRACHA, "--input", "bc=1 at 999ns", "--latency", "constant:1ns"])
        self.assertIn("bc = 1 @ 999ns\n", out.decode())

    def test_until_reports_what_an_output_waited_for(self):
        code, out, _ = run([RUN, BRACHA, *NET, "--until", "1ms"])
        self.assertEqual(code, 1)
        self.assertIn("dlvr[0] never available: waiting for", out.decode())

    def test_a_wait_in_a_run_bounded_by_until_says_so(self):
        _, out, _ = run([RUN, BRACHA, "--latency", "uniform:1ms..10ms", "--until", "12ms", "--seed", "1"])
        waits = [line for line in out.decode().splitlines() if "never available" in line]
        self.assertTrue(waits, out.decode())
        for line in waits:
            self.assertIn("(its rule never chose by --until 12ms: ", line)
        # A run without --until says nothing of it.
        _, out, _ = run([RUN, BRACHA, "--crash", "node[1]", "--crash", "node[2]", "--seed", "1"])
        self.assertIn("(its rule never chose: ", out.decode())
        self.assertNotIn("--until", out.decode())

    def test_an_input_due_after_the_run_is_named_with_its_time(self):
        _, out, _ = run([RUN, BRACHA, "--input", "bc=5 at 2ms", "--until", "1ms"])
        self.assertIn("<- rb.send.def[0].x <- input bc (due at 2ms, after --until 1ms)\n", out.decode())
        _, out, _ = run([RUN, BRACHA, "--input", "bc=5 at 9223372036854775807ns"])
        self.assertIn("<- input bc (due at 9223372036854775807ns, the largest time, which no run reaches)\n",
                      out.decode())

    def test_a_long_wait_keeps_its_cause(self):
        # Ben-Or's decision waits back through 40 rounds to the first one's Mailbox.
        _, out, _ = run([RUN, example("ben-or"), "--until", "1500us"])
        line = next(x for x in out.decode().splitlines() if x.startswith("decision[0] never available"))
        # The cause, round 0's Mailbox short of 3 proposals, ends the chain, and
        # the proposals it waits for follow: its own (due after --until), and
        # those from other nodes.
        self.assertRegex(line, r"^decision\[0\] never available: waiting for decide\[0\]\.r <- (\S+ <- ){5}"
                               r"\.\.\. \(\d+ more\)( <- \S+){16} <- round\[0\]\.proposalsIn\[0\]\.got \(its rule "
                               r"never chose by --until 1500us: [^|]*; k = 3, and 0 of its 4 inputs arrived\) <- 3 more "
                               r"of \(round\[0\]\.proposalsIn\[0\]\.msgs\[0\] <- [^|]* \| "
                               r"round\[0\]\.proposalsIn\[0\]\.msgs\[1\] <- round\[0\]\.proposalCast\[1\]\.link\[0\]\.rcv "
                               r"\(from node\[1\]\) \| [^|]* \| [^|]*\(from node\[3\]\)\)$")

    def test_an_input_given_a_time_arrives_then_and_replays_so(self):
        def times(out):
            return {line.split(" = ")[0]: line.split(" @ ")[1] for line in out.decode().splitlines() if " @ " in line}
        _, plain, _ = run([RUN, BRACHA])
        with TempDir() as d:
            trace, again = os.path.join(d, "late.trace"), os.path.join(d, "again.trace")
            code, late, err = run([RUN, BRACHA, "--input", "bc=1 at 2ms", "--trace", trace])
            self.assertEqual(code, 0, err)
            faults = os.path.join(d, "faults.yaml")
            with open(faults, "w") as f:
                f.write("inputs:\n  bc: 1 at 2ms\n")
            self.assertEqual(run([RUN, BRACHA, "--faults", faults])[1], late)
            # Under the default constant latency every delivery comes 2ms later.
            self.assertEqual(times(late)["bc"], "2ms")
            for name, t in times(plain).items():
                if name.startswith("dlvr"):
                    self.assertEqual(times(late)[name], f"{int(t.removesuffix('ms')) + 2}ms")
            code, replayed, err = run([RUN, BRACHA, "--replay", trace, "--trace", again])
            self.assertEqual((code, replayed), (0, late), err)
            self.assertEqual(read_bytes(trace), read_bytes(again))
        # `at` is a word: tabs or several spaces around it are blanks too.
        for spaced in ("bc=1\tat\t2ms", "bc=1   at  2ms"):
            self.assertEqual(run([RUN, BRACHA, "--input", spaced]), (0, late, ""), spaced)
        # A later --input of the name replaces the earlier one's value and time.
        code, out, err = run([RUN, BRACHA, "--input", "bc=5 at 2ms", "--input", "bc=7"])
        self.assertIn("bc = 7 @ 0ns\n", out.decode())
        for bad, why in (("bc=1 at -2ms", "negative"), ("bc=1 at 2", "not a duration"), ("bc=1 at 2ms 3", "unexpected '3'")):
            code, _, err = run([RUN, BRACHA, "--input", bad])
            self.assertEqual(code, 2, bad)
            self.assertIn("--input bc: its arrival time", err)
            self.assertIn(why, err)
        for bad in ("bc=at 2ms", "bc=", "bc= \t"):
            code, _, err = run([RUN, BRACHA, "--input", bad])
            self.assertEqual(code, 2, bad)
            self.assertIn("--input bc: no value (NAME=VALUE, or NAME=VALUE at TIME)", err)
        code, _, err = run([RUN, example("rb-stream"), "--iterations", "8", "--input", "bc[5]=1 at 2ms"])
        self.assertEqual(code, 2, err)
        self.assertIn("arrives when its stream says", err)

    def test_faults_file(self):
        with TempDir() as d:
            faults = os.path.join(d, "faults.yaml")
            with open(faults, "w") as f:
                f.write("byzantine:\n  - node[3]\ncrash:\n  node[2]: 5ms\ninputs:\n  bc: 3\n"
                        "latency: uniform:1ms..3ms\nlinks:\n  rb.echo[1].*: constant:20ms\n")
            code, out, err = run([RUN, BRACHA, "-D", "n=7", "--faults", faults, "--seeds", "0..99"])
            self.assertEqual(code, 0, out.decode() + err)


class BadInput(unittest.TestCase):
    def expect_usage_error(self, *args, message=""):
        code, _, err = run([RUN, *args])
        self.assertEqual(code, 2, err)
        self.assertIn(message, err)

    def test_bad_flags_and_values(self):
        self.expect_usage_error(BRACHA, "--input", "bc=true", message="not an Int")
        self.expect_usage_error(BRACHA, "--input", "nope=1", message="no input 'nope'")
        self.expect_usage_error(BRACHA, "--crash", "node[9]", message="no domain")
        self.expect_usage_error(BRACHA, "--latency", "gaussian:5ms", message="unknown latency")
        self.expect_usage_error(BRACHA, "--force", "rb.send.def[0].x=1", message="not a choosable")
        self.expect_usage_error(BRACHA, "--seeds", "9..2")
        self.expect_usage_error(BRACHA, "--seeds", "0..9", "--shard", "3/3")
        self.expect_usage_error(BRACHA, "--until", "soon")

    def test_a_faults_file_key_of_the_wrong_shape_is_a_schema_error(self):
        with TempDir() as d:
            for text in ("links: lost\n", "links: [a]\n", "crash: node[1]\n", "force: 5\n", "byzantine: node[3]\n",
                         "latency: [constant:1ms]\n", "links:\n  rb.send.link[2]: [lost]\n"):
                with self.subTest(text):
                    faults = os.path.join(d, "f.yaml")
                    with open(faults, "w") as f:
                        f.write(text)
                    code, _, err = run([RUN, BRACHA, "--faults", faults])
                    self.assertEqual(code, 2, err)
                    self.assertIn("[schema]", err)

    def test_malformed_traces_are_rejected(self):
        with TempDir() as d:
            good = os.path.join(d, "good.trace")
            run([RUN, BRACHA, *NET, "--trace", good])
            data = read_bytes(good)
            for name, bad in (("truncated", data[: len(data) // 2]), ("junk", os.urandom(4096)),
                              ("empty", b""), ("model", read_bytes(BRACHA))):
                with self.subTest(name):
                    path = os.path.join(d, name + ".trace")
                    with open(path, "wb") as f:
                        f.write(bad)
                    self.expect_usage_error(BRACHA, "--replay", path, message="error:")


class HostileModelsAndFiles(unittest.TestCase):
    """Long expressions and malformed YAML files get a diagnostic and exit 2, never a crash."""
    LIMIT = 256  # docs/reference.md, Limits: levels of one expression

    @staticmethod
    def adder(check):
        return ("rdc: 1\nmodel: chain\nsystem:\n  body:\n    - Sum add:\n"
                "        x: input a as Int -> output a\n        y: input b as Int -> output total\n"
                "checks:\n  c: " + check + "\n")

    def run_model(self, text, *flags):
        with TempDir() as d:
            path = os.path.join(d, "m.rdc.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return run([RUN, path, "--input", "a=1", "--input", "b=2", *flags], timeout=60)

    def test_a_check_as_deep_as_the_limit_runs(self):
        # `total == 3` is two levels deep: LIMIT - 1 of them make a tree exactly LIMIT deep
        code, out, err = self.run_model(self.adder(" && ".join(["total == 3"] * (self.LIMIT - 1))))
        self.assertEqual(code, 0, err)
        self.assertIn("c: pass", out.decode())

    def test_deeper_checks_are_refused(self):
        for terms in (self.LIMIT, 50_000):  # has(total) is two levels: LIMIT of them make LIMIT + 1
            with self.subTest(terms=terms):
                code, _, err = self.run_model(self.adder(" && ".join(["has(total)"] * terms)))
                self.assertEqual(code, 2, err)
                self.assertIn("[expr-syntax]", err)

    def test_faults_files_are_one_document_of_valid_utf8(self):
        with TempDir() as d:
            faults = os.path.join(d, "faults.yaml")
            for name, text, message in (
                    ("two documents", b"crash:\n  node[2]: 5ms\n---\nbyzantine:\n  - node[0]\n", "second YAML document"),
                    ("overlong", b"inputs:\n  bc\xc0\x80: 1\n", "invalid UTF-8"),
                    ("surrogate", b"latency: \xed\xb0\x80\n", "invalid UTF-8")):
                with self.subTest(name):
                    with open(faults, "wb") as f:
                        f.write(text)
                    code, _, err = run([RUN, BRACHA, "--faults", faults])
                    self.assertEqual(code, 2, err)
                    self.assertIn(message, err)
                    self.assertIn("faults.yaml:", err)


if __name__ == "__main__":
    unittest.main()
