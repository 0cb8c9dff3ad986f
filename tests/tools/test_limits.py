"""Bounded memory and time: absurd sizes are refused at once, at the model's own position."""
import json
import os
import re
import subprocess
import time
import unittest

from rdctest import SANITIZED, TempDir, example, run, tool, write

LINT, RUN, PROJECT, DOT, TRACE = (tool(t) for t in ("rdc-lint", "rdc-run", "rdc-project", "rdc-dot", "rdc-trace"))
BRACHA = example("bracha")
STREAM = example("rb-stream")
# A refusal must not elaborate first: seconds, where elaborating took minutes
# (ten times as long in the sanitizers' unoptimised build).
QUICK = 50.0 if SANITIZED else 5.0


def timed(args, **kwargs):
    start = time.monotonic()
    code, out, err = run(args, **kwargs)
    return code, out, err, time.monotonic() - start


def only(err, code):
    """The one error diagnostic of `--diagnostics=json` output, which must have this code."""
    errors = [d for d in json.loads(err) if d["severity"] == "error"]
    assert len(errors) == 1 and errors[0]["code"] == code, err
    return errors[0]


def position_of(path, text):
    """(line, col) of the first occurrence of `text` in a file, 1-based."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if text in line:
                return number, line.index(text) + 1
    raise AssertionError(f"{text!r} not in {path}")


def flat_model(instances):
    """A model of many Sum instances side by side (no loops to multiply)."""
    body = "".join(f"    - Sum s{i}: {{x: input a{i} -> output a{i}, y: input b{i} -> output c{i}}}\n"
                   for i in range(instances))
    return "rdc: 1\nmodel: flat\nsystem:\n  body:\n" + body



class SizeBeforeBuilding(unittest.TestCase):
    """The product of loop ranges and line counts is known before elaborating."""

    def test_parameter_beyond_the_line_limit_is_refused_at_the_loop(self):
        code, _, err, secs = timed([LINT, BRACHA, "-D", "n=100000", "--diagnostics=json"])
        self.assertEqual(code, 2, err)
        d = only(err, "size-limit")
        self.assertEqual(d["file"], BRACHA)  # the model's loop, not the standard library
        self.assertEqual((d["line"], d["col"]), position_of(BRACHA, "j in 0..n"))
        self.assertIn("50000100000 scalar lines", d["message"])
        self.assertLess(secs, QUICK)
        # Larger still, the domain family is the first thing over the limit.
        code, _, err, secs = timed([LINT, BRACHA, "-D", "n=1000000000", "--diagnostics=json"])
        self.assertEqual(code, 2, err)
        self.assertEqual(only(err, "size-limit")["line"], position_of(BRACHA, "node: n")[0])
        self.assertLess(secs, QUICK)

    def test_raised_line_limit_is_held_by_the_memory_budget(self):
        code, _, err, secs = timed([LINT, BRACHA, "-D", "n=3000", "--max-lines", "500000000",
                                    "--diagnostics=json"])
        self.assertEqual(code, 2, err)
        d = only(err, "memory-limit")
        self.assertEqual((d["file"], d["line"]), (BRACHA, position_of(BRACHA, "j in 0..n")[0]))
        self.assertIn("--max-memory", d["message"])
        self.assertLess(secs, QUICK)
        # A budget that holds the lines lets the line limit decide again.
        code, _, err = run([LINT, BRACHA, "-D", "n=3000", "--max-memory", "64G", "--diagnostics=json"])
        self.assertEqual(only(err, "size-limit")["line"], position_of(BRACHA, "j in 0..n")[0])

    def test_nested_loops_are_multiplied_not_walked(self):
        with TempDir() as d:
            path = write(d, "nested.rdc.yaml", """rdc: 1
system:
  body:
    - for: i in 0..100000
      body:
        - for: j in 0..100000
          body:
            - for: k in 0..100000
              body:
                - Sum s[i][j][k]:
                    x: const 1 -> drop
                    y: const 2 -> drop
""")
            code, _, err, secs = timed([LINT, path, "--diagnostics=json"])
            self.assertEqual(code, 2, err)
            d = only(err, "size-limit")
            self.assertEqual((d["line"], d["col"]), position_of(path, "j in 0..100000"))
            self.assertIn("20000000000 scalar lines", d["message"])  # 100000^2 Sums of 2 lines
            self.assertLess(secs, QUICK)

    def test_loops_that_make_nothing_still_cost_steps(self):
        with TempDir() as d:
            path = write(d, "empty.rdc.yaml", """rdc: 1
system:
  body:
    - Sum add:
        x: input a as Int -> output a
        y: input b as Int -> output total
    - for: i in 0..1000000000
      body: []
""")
            code, _, err, secs = timed([LINT, path, "--diagnostics=json"])
            self.assertEqual(code, 2, err)
            self.assertEqual(only(err, "size-limit")["line"], 7)
            self.assertLess(secs, QUICK)

    def test_a_large_condition_costs_steps_by_its_size(self):
        # An `if` in a loop evaluates its condition each iteration: 8,004 nodes
        # (with the `if`'s own) are 1 + 8004 // 16 steps an iteration, so that
        # under --max-lines 100000 (1,800,000 steps) it is refused after some
        # 3,600 of 100,000 iterations, not after all of them, each 8,004 nodes
        # of work.
        body = "if: \"" + LARGE + " >= i\"\n          body: []"
        with TempDir() as d:
            for n, code in ((100000, 2), (1000, 0)):
                path = write(d, "if.rdc.yaml", f"""rdc: 1
system:
  body:
    - Sum add:
        x: input a as Int -> output a
        y: input b as Int -> output total
    - for: i in 0..{n}
      body:
        - {body}
""")
                with self.subTest(n=n):
                    status, _, err, secs = timed([LINT, path, "--max-lines", "100000", "--diagnostics=json", "-o",
                                                  os.devnull])
                    self.assertEqual(status, code, err)
                    if code:
                        self.assertEqual(only(err, "size-limit")["line"], 7)
                    self.assertLess(secs, QUICK)

    def test_an_fn_costs_steps_by_its_expression_for_each_instance(self):
        # Each Fn instance copies, walks and types its expression: 7,999 nodes
        # (LARGE over the argument x) are 7,999 steps an instance, so that
        # under --max-lines 100000 (1,800,000 steps) 1,000 instances are
        # refused at their loop, before 8 million nodes are typed, and 100 fit.
        with TempDir() as d:
            for n, code in ((1000, 2), (100, 0)):
                path = write(d, "fn.rdc.yaml", f"""rdc: 1
system:
  body:
    - for: i in 0..{n}
      body:
        - Fn f[i]:
            expr: "{LARGE.replace('i', 'x')}"
            x: const 1 -> drop
            r: choose -> drop
""")
                with self.subTest(n=n):
                    status, _, err, secs = timed([LINT, path, "--max-lines", "100000", "--diagnostics=json", "-o",
                                                  os.devnull])
                    self.assertEqual(status, code, err)
                    if code:
                        error = only(err, "size-limit")
                        self.assertEqual(error["line"], 4)
                        self.assertIn("steps to elaborate", error["message"])
                    self.assertLess(secs, QUICK)

    def test_a_model_within_the_limits_still_builds(self):
        code, out, err = run([LINT, BRACHA, "-D", "n=20", "--stats"])
        self.assertEqual(code, 0, err)
        lines = int(next(l for l in out.decode().splitlines() if l.startswith("scalar lines")).split(":")[1])
        # Just under and just over the exact count: the count before building is exact.
        self.assertEqual(run([LINT, BRACHA, "-D", "n=20", "--max-lines", str(lines), "--stats"])[0], 0)
        code, _, err = run([LINT, BRACHA, "-D", "n=20", "--max-lines", str(lines - 1), "--diagnostics=json"])
        self.assertEqual(code, 2, err)
        self.assertIn(str(lines), only(err, "size-limit")["message"])

    def test_every_tool_that_elaborates_takes_the_limit_it_names(self):
        code, out, err = run([LINT, BRACHA, "--stats"])
        self.assertEqual(code, 0, err)
        lines = int(next(l for l in out.decode().splitlines() if l.startswith("scalar lines")).split(":")[1])
        with TempDir() as d:
            trace = os.path.join(d, "run.trace")
            self.assertIn(run([RUN, BRACHA, "--trace", trace])[0], (0, 1))
            for command in ([RUN, BRACHA], [PROJECT, BRACHA, "--list"], [DOT, BRACHA, "-o", os.devnull],
                            [TRACE, "show", trace, "--model", BRACHA], [TRACE, "invert", BRACHA, trace]):
                code, _, err = run(command + ["--max-lines", str(lines - 1), "--diagnostics=json"])
                self.assertEqual(code, 2, command)
                self.assertIn("--max-lines", only(err, "size-limit")["message"])
                code, _, err = run(command + ["--max-lines", str(lines)])
                self.assertEqual(code, 0, (command, err))

    def test_a_long_stream_is_inverted_on_the_lines_it_unrolls_to_given_the_limit(self):
        with TempDir() as d:
            trace = os.path.join(d, "stream.trace")
            code, _, err = run([RUN, STREAM, "--iterations", "40", "--outputs", "summary", "--trace", trace])
            self.assertEqual(code, 0, err)
            # The 40 iterations as one graph: more lines than the limit given, which the refusal counts.
            code, _, err = run([TRACE, "invert", STREAM, trace, "--max-lines", "1000", "--diagnostics=json"])
            self.assertEqual(code, 2, err)
            message = only(err, "size-limit")["message"]
            unrolled = int(re.search(r"elaborates to (\d+) scalar lines", message)[1])
            self.assertGreater(unrolled, 1000)
            code, out, err = run([TRACE, "invert", STREAM, trace, "--max-lines", str(unrolled)])
            self.assertEqual(code, 0, err)


class MemoryBudget(unittest.TestCase):
    """--max-memory on every tool: refusals are diagnostics and exit 2, never an abort."""

    def test_a_yaml_model_too_big_for_the_budget_is_not_read(self):
        with TempDir() as d:
            path = write(d, "flat.rdc.yaml", flat_model(20000))  # about 1.5 MB
            code, _, err, secs = timed([LINT, path, "--max-memory", "32M", "--diagnostics=json"])
            self.assertEqual(code, 2, err)
            d = only(err, "memory-limit")
            self.assertEqual((d["file"], d["line"]), (path, 0))
            self.assertLess(secs, QUICK)
            self.assertEqual(run([LINT, path, "--max-memory", "1G", "-o", os.devnull])[0], 0)

    @unittest.skipIf(SANITIZED, "sanitizer builds cannot cap the heap")
    def test_a_bundle_whose_elements_each_need_it_whole_fits_the_estimate(self):
        # Each of Sync<k>'s outputs waits for all k inputs: the deadlock
        # check made k^2 edges (270 MB at k = 8192, refused past 16,384),
        # where the estimate allows 256 bytes a line.
        sync = ("rdc: 1\nmodel: barrier\nparams:\n  k: 8192\nsystem:\n  body:\n"
                "    - for: j in 0..k\n      body:\n        - Inc<0> src[j]:\n            x: const j -> w[j]\n"
                "    - Sync<k> s:\n        l[j]: w[j] -> v[j]\n"
                "    - for: j in 0..k\n      body:\n        - Inc<0> out[j]:\n            x: v[j] -> output v[j]\n")
        with TempDir() as d:
            path = write(d, "barrier.rdc.yaml", sync)
            code, _, err = run([LINT, path, "--max-memory", "64M", "-o", os.devnull])
            self.assertEqual(code, 0, err)
            code, out, err = run([RUN, path, "--max-memory", "64M"])
            self.assertEqual(code, 0, err)
            self.assertIn(b"v[8191] = 8191 @ 0ns", out)

    @unittest.skipIf(SANITIZED, "sanitizer builds cannot cap the heap")
    def test_running_out_of_the_budget_is_a_diagnostic(self):
        # No estimate guards reading a trace: the allocation that fails
        # unwinds to the tool, which says so. (Elaborating, linting and
        # running now fit within the estimate's 256 bytes a line.)
        with TempDir() as d:
            trace = os.path.join(d, "run.trace")
            self.assertEqual(run([RUN, BRACHA, "-D", "n=64", "--input", "bc=1", "--trace", trace])[0], 0)
            code, _, err = run([tool("rdc-trace"), "--max-memory", "4M", "show", trace])
            self.assertEqual(code, 2, err)
            self.assertIn("[memory-limit]", err)
            self.assertIn("--max-memory", err)
            self.assertEqual(run([tool("rdc-trace"), "--max-memory", "1G", "show", trace])[0], 0)

    @unittest.skipIf(SANITIZED, "sanitizer builds cannot cap the heap")
    def test_reports_and_exports_run_out_of_the_budget_with_a_diagnostic(self):
        # JSON built whole as nlohmann-json values aborted when the budget ran
        # out while building it (its destructor allocates); at any budget the
        # outcome is the document or a diagnostic.
        with TempDir() as d:
            trace = os.path.join(d, "stream.trace")
            stream = [RUN, example("rb-stream"), "--iterations", "200"]
            self.assertEqual(run(stream + ["--trace", trace])[0], 0)
            commands = [[tool("rdc-trace"), "export", trace, "--format", f] for f in ("chrome", "jsonl", "itf")]
            commands.append(stream[:2] + ["--iterations", "10000", "--json"])
            for command in commands:
                for budget in range(12, 44, 4):
                    with self.subTest(command=command[1:], budget=budget):
                        code, out, err = run(command + ["--max-memory", "%dM" % budget])
                        self.assertIn(code, (0, 2), err)
                        if code == 2:
                            self.assertIn("[memory-limit]", err)

    @unittest.skipIf(SANITIZED, "sanitizer builds cannot cap the heap")
    def test_a_callers_lower_limit_is_the_budget_named(self):
        # `ulimit -d` below --max-memory: the diagnostic names that limit, and
        # how to raise it, not the 4096 MiB budget --max-memory cannot give.
        for command, limit in (([RUN, example("basics")], "600 KiB"),
                               ([LINT, example("bracha"), "-D", "n=64", "-o", os.devnull], "2000 KiB")):
            with self.subTest(command=command[1:]):
                kib = limit.split()[0]
                code, _, err = run(["sh", "-c", 'ulimit -d %s && exec "$@"' % kib, "sh"] + command)
                self.assertEqual(code, 2, err)
                self.assertIn("the %s memory limit its caller set (RLIMIT_DATA)" % limit, err)
                self.assertIn("raise it with `ulimit -d`; --max-memory cannot", err)
                self.assertNotIn("4096 MiB", err)

    @unittest.skipIf(SANITIZED, "sanitizer builds cannot cap the heap")
    def test_an_endless_input_is_refused_at_the_input_limit_not_past_it(self):
        # Read by doubling, /dev/zero held 2 GiB (3 GiB while copied) when
        # refused at 1 GiB: under a 1.75 GiB heap it ran out of memory
        # instead of saying what was wrong.
        code, _, err = run(["sh", "-c", 'ulimit -d 1835008 && exec "$@"', "sh", LINT, "/dev/zero"])
        self.assertEqual(code, 2, err)
        self.assertIn("input larger than 1 GiB [io]", err)

    def test_a_file_over_the_input_limit_is_refused_before_it_is_read(self):
        with TempDir() as d:
            sparse = os.path.join(d, "huge.rdc.yaml")
            with open(sparse, "wb") as f:
                f.truncate(64 << 30)  # 64 GiB of holes: reading it through took minutes
            for tool_args in ([LINT, sparse], [RUN, sparse], [DOT, sparse], [PROJECT, "--all", sparse]):
                code, _, err, took = timed(tool_args)
                self.assertEqual(code, 2, err)
                self.assertLess(took, QUICK)
                self.assertIn("input larger than 1 GiB [io]", err)
            with open(sparse, "rb") as stdin:  # standard input redirected from it, too
                started = time.monotonic()
                result = subprocess.run([LINT, "-"], stdin=stdin, capture_output=True, timeout=60)
                self.assertLess(time.monotonic() - started, QUICK)
            self.assertEqual(result.returncode, 2)
            self.assertIn(b"<stdin>: error: input larger than 1 GiB [io]", result.stderr)

    @unittest.skipIf(SANITIZED, "sanitizer builds cannot cap the heap")
    def test_a_larger_budget_never_fails_where_a_smaller_one_runs(self):
        # A budget of a few KiB left no memory to say so (an abort); a run's
        # slot tables reserved ahead of need took what later allocations needed
        # (24M and 44-64M failed where 8M ran).
        for budget, text in (("1K", "1 KiB"), ("64K", "64 KiB"), ("400K", "400 KiB")):
            code, _, err = run([RUN, example("basics"), "--max-memory", budget])
            self.assertEqual(code, 2, err)
            self.assertIn("the %s memory budget" % text, err)
            self.assertIn("raise it with --max-memory) [memory-limit]", err)
        for command in ([RUN, example("rb-bounded")], [RUN, example("rb-stream"), "--iterations", "1000"]):
            ran = False
            for budget in range(4, 100, 4):
                with self.subTest(command=command[1:], budget=budget):
                    code, _, err = run(command + ["--max-memory", "%dM" % budget])
                    self.assertIn(code, (0, 2) if not ran else (0,), err)
                    ran = ran or code == 0
            self.assertTrue(ran)

    def test_every_tool_takes_the_flag(self):
        with TempDir() as d:
            trace = os.path.join(d, "run.trace")
            run([RUN, BRACHA, "--input", "bc=1", "--trace", trace])
            for args in ([RUN, BRACHA, "--input", "bc=1"], [tool("rdc-dot"), BRACHA],
                         [tool("rdc-project"), BRACHA, "--list"], [tool("rdc-trace"), "show", trace]):
                with self.subTest(tool=os.path.basename(args[0])):
                    # A generous budget changes nothing, on either side of a subcommand.
                    expected = run(args)
                    self.assertEqual(run(args + ["--max-memory", "1G"]), expected)
                    self.assertEqual(run(args[:1] + ["--max-memory", "1G"] + args[1:]), expected)
            for bad in ("lots", "-1", "99999999999999999999999G"):
                with self.subTest(bad=bad):
                    code, _, err = run([LINT, BRACHA, "--max-memory", bad, "-o", os.devnull])
                    self.assertEqual(code, 2, err)
                    self.assertIn("--max-memory", err)


# An expression of 7,999 nodes, 100 groups of 40 terms (a chain of 4,000
# would be deeper than expressions may be).
LARGE = " + ".join(["(" + " + ".join(["i"] * 40) + ")"] * 100)


class QuantifierWork(unittest.TestCase):
    """A check's quantifiers take at most a million steps per run."""

    CHECK = "forall i in 0..{n}: forall j in 0..{n}: i + j >= 0 || total == 0"

    def model(self, d, n, check=CHECK):
        return write(d, "check.rdc.yaml", f"""rdc: 1
params: {{n: 10}}
system:
  body:
    - Sum add:
        x: input a as Int -> output a
        y: input b as Int -> output total
checks:
  quadratic: "{check.format(n=n)}"
""")

    def test_constant_ranges_are_refused_by_lint(self):
        with TempDir() as d:
            path = self.model(d, "100000")
            code, _, err, secs = timed([LINT, path, "--diagnostics=json"])
            self.assertEqual(code, 1, err)
            diag = only(err, "check-limit")
            self.assertEqual((diag["line"], diag["col"]), position_of(path, "forall i"))
            self.assertIn(str(100000 * 100000 + 100000), diag["message"])
            self.assertLess(secs, QUICK)
            # Parameters are constants too, and -D changes them.
            path = self.model(d, "n")
            self.assertEqual(run([LINT, path, "-o", os.devnull])[0], 0)
            self.assertEqual(run([LINT, path, "-D", "n=1000", "-o", os.devnull])[0], 1)
            self.assertEqual(run([LINT, path, "-D", "n=999", "-o", os.devnull])[0], 0)

    def test_ranges_known_only_in_the_run_are_stopped(self):
        with TempDir() as d:
            path = self.model(d, "a")
            for a in ("100000", "2000000"):  # a range longer than the budget is refused before it is listed
                with self.subTest(a=a):
                    code, out, err, secs = timed([RUN, path, "--input", f"a={a}", "--input", "b=1"])
                    self.assertEqual(code, 1, err)
                    self.assertIn("check quadratic: fail (stopped after 1000000 quantifier steps", out.decode())
                    self.assertLess(secs, QUICK)
            code, out, err = run([RUN, path, "--input", "a=100", "--input", "b=1"])
            self.assertEqual(code, 0, err + out.decode())

    def test_a_large_body_costs_steps_by_its_size(self):
        # Each evaluation of a body of 8,001 nodes is 1 + 8001 // 16 = 501
        # steps: 1,996 of them fit in the million, 2,000 do not, and a range
        # known only in the run stops as soon, not after a million bodies.
        body = LARGE.replace("i", "total") + " >= i"
        with TempDir() as d:
            for n, code in (("2000", 1), ("1996", 0)):
                with self.subTest(n=n):
                    path = self.model(d, n, "forall i in 0..{n}: " + body)
                    status, _, err = run([LINT, path, "--diagnostics=json", "-o", os.devnull])
                    self.assertEqual(status, code, err)
                    if code:
                        self.assertIn("takes 1002000 quantifier steps", only(err, "check-limit")["message"])
            path = self.model(d, "a", "forall i in 0..{n}: " + body)
            code, out, err, secs = timed([RUN, path, "--input", "a=1000000", "--input", "b=1"])
            self.assertEqual(code, 1, err)
            self.assertIn("check quadratic: fail (stopped after 1000000 quantifier steps", out.decode())
            self.assertLess(secs, QUICK)
            code, out, err = run([RUN, path, "--input", "a=1996", "--input", "b=1"])
            self.assertEqual(code, 0, err + out.decode())


if __name__ == "__main__":
    unittest.main()


class FullDisk(unittest.TestCase):
    """A write that fails (/dev/full: a full disk) is an `io` diagnostic and exit 2, never an abort
    nor a success that wrote nothing: to a trace, to an output file, to the standard output."""

    def full_stdout(self, command):
        with open("/dev/full", "wb") as full:
            proc = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, timeout=60)
        return proc.returncode, proc.stderr.decode()

    def test_every_tool_says_its_output_was_not_written(self):
        with TempDir() as d:
            trace = os.path.join(d, "run.trace")
            self.assertIn(run([RUN, BRACHA, "--trace", trace])[0], (0, 1))
            for command in ([LINT, BRACHA, "-o", "-"], [RUN, BRACHA], [RUN, BRACHA, "--seeds", "0..3", "--json"],
                            [PROJECT, BRACHA, "--list"], [DOT, BRACHA], [TRACE, "show", trace],
                            [TRACE, "export", trace, "--format", "jsonl"], [TRACE, "diff", trace, trace]):
                code, err = self.full_stdout(command + ["--diagnostics=json"])
                self.assertEqual(code, 2, (command, err))
                self.assertEqual([d["code"] for d in json.loads(err)], ["io"], command)
            for command in ([RUN, BRACHA, "--trace", "/dev/full"], [TRACE, "merge", trace, "-o", "/dev/full"],
                            [TRACE, "invert", BRACHA, trace, "-o", "/dev/full"]):
                code, _, err = run(command + ["--diagnostics=json"])
                self.assertEqual(code, 2, (command, err))
                self.assertIn("No space left on device", only(err, "io")["message"])
            # The trace's file is named (it was 'input/output failed'), for a split run too.
            for split in ([], ["--split"]):
                code, _, err = run([RUN, BRACHA, "--trace", "/dev/full", *split, "--diagnostics=json"])
                self.assertEqual(code, 2, err)
                problem = only(err, "io")
                self.assertEqual((problem["file"], problem["message"]),
                                 ("/dev/full", "cannot write the trace: No space left on device"))
            # A cluster keeps its nodes' traces beside the merged one: a device is no place for them.
            peers = write(d, "peers.yaml", "key: " + "ab" * 32 + "\nnodes:\n" +
                          "".join(f"  node[{i}]: 127.0.0.1:{29100 + i}\n" for i in range(4)))
            code, _, err = run([RUN, BRACHA, "--trace", "/dev/full", "--cluster", peers])
            self.assertEqual(code, 2, err)
            self.assertIn("--trace: /dev/full is not a regular file", err)
            self.assertFalse(os.path.exists("/dev/full.nodes"))


class FaultsFile(unittest.TestCase):
    """A faults file's entry is named as the file writes it, at its line; a flag's by the flag."""

    def test_a_bad_entry_points_at_its_line(self):
        with TempDir() as d:
            faults = write(d, "faults.yaml", "byzantine:\n  - node[1]\ncrash:\n  node[2]: 0\n")
            code, _, err = run([RUN, BRACHA, "--faults", faults, "--diagnostics=json"])
            self.assertEqual(code, 2, err)
            problem = only(err, "usage")
            self.assertEqual((problem["line"], problem["col"]), (4, 3))
            self.assertTrue(problem["message"].startswith("crash node[2]: expected a duration"), problem)
            faults = write(d, "faults.yaml", "crash:\n  node[1]: 1ms\nbyzantine:\n  - nod[3]\n")
            code, _, err = run([RUN, BRACHA, "--faults", faults, "--diagnostics=json"])
            problem = only(err, "usage")
            self.assertEqual(problem["line"], 4)
            self.assertIn("byzantine: no domain 'nod[3]' (did you mean 'node[3]'?) (the model's domains: "
                          "node[0] .. node[3])", problem["message"])
            # The same mistake as a flag is the flag's.
            code, _, err = run([RUN, BRACHA, "--crash", "node[2]@0", "--diagnostics=json"])
            problem = only(err, "usage")
            self.assertEqual(problem["line"], 0)
            self.assertTrue(problem["message"].startswith("--crash node[2]: expected a duration"), problem)


TYPE_PARTS_LIMIT = 65536  # docs/reference.md, Limits: parts of a type
VALUE_PARTS_LIMIT = 1 << 20  # docs/reference.md, Limits: parts of a value a model makes


def doubling_model(stages, expr):
    """Fns f0, f1, ... each applying `expr` to the previous one's result (f0 to input a)."""
    body, source = [], "input a as Int"
    for i in range(stages):
        body.append(f"    - Fn f{i}:\n        expr: \"{expr}\"\n        x: {source} -> drop\n"
                    f"        r: choose -> v{i}\n")
        source = f"v{i}"
    body.append(f"    - Fn same:\n        expr: \"x == x\"\n        x: {source} -> drop\n        r: choose -> output same\n")
    return "rdc: 1\nmodel: doubling\nsystem:\n  body:\n" + "".join(body)


def first_stage_past(limit, parts_of_next, parts=1):
    """The first stage whose result has more than `limit` parts, each stage's from the last's."""
    stage = 0
    while True:
        parts = parts_of_next(parts)
        if parts > limit:
            return stage
        stage += 1


class SharedParts(unittest.TestCase):
    """A value that shares its parts, as `(x, x)` does, doubles in size at each step without costing
    its size to make; comparing, printing or recording it would: types and values are bounded in parts."""

    def test_a_type_that_doubles_is_refused_where_it_passes_the_limit(self):
        stage = first_stage_past(TYPE_PARTS_LIMIT, lambda p: 2 * p + 1)
        with TempDir() as d:
            model = write(d, "pairs.rdc.yaml", doubling_model(40, "(x, x)"))
            line, col = position_of(model, f"Fn f{stage}:")
            for tool_args in ([LINT, model, "-o", os.path.join(d, "ir")], [RUN, model], [DOT, model]):
                code, _, err, took = timed(tool_args + ["--diagnostics=json"])
                self.assertEqual(code, 1 if tool_args[0] == LINT else 2, err)  # a model with errors
                self.assertLess(took, QUICK)
                problem = only(err, "type-mismatch")
                self.assertEqual(problem["line"], line + 1, problem)  # the `expr:` under the Fn
                self.assertIn(f"more than {TYPE_PARTS_LIMIT} parts", problem["message"])

    def test_a_value_that_doubles_fails_the_run_where_it_passes_the_limit(self):
        # Nested maps keep the type small (one level a step) while the value doubles.
        stage = first_stage_past(VALUE_PARTS_LIMIT, lambda p: 1 + 2 * (1 + p))
        with TempDir() as d:
            model = write(d, "maps.rdc.yaml", doubling_model(40, "{0: x, 1: x}"))
            code, out, err, took = timed([RUN, model, "--trace", os.path.join(d, "t.trace")])
            self.assertEqual(code, 1, err)
            self.assertLess(took, QUICK)
            self.assertIn(f"failure: f{stage}: Fn expression failed: the value would have more than "
                          f"{VALUE_PARTS_LIMIT} parts", out.decode())
            # The wait it leaves quotes the last value made, shortened, not its megabytes.
            self.assertLess(len(out), 4096, out[:300])
            self.assertIn(b"parts)", out)

    def test_comparing_large_values_costs_steps(self):
        # Two maps of 2^18 parts built apart (no part shared), compared a
        # million times: within the step limits, for hours, until comparing
        # counted too.
        body = ["    - Def d:\n        x: input a as Int -> w0\n        y: choose -> u0\n"]
        for i in range(18):
            for chain in "wu":
                body.append(f"    - Fn {chain}f{i}:\n        expr: \"{{0: x, 1: x}}\"\n        x: {chain}{i} -> drop\n"
                            f"        r: choose -> {chain}{i + 1}\n")
        ends = "    - Def z:\n        x: w18 -> drop\n        y: choose -> output z\n" \
               "    - Def y:\n        x: u18 -> drop\n        y: choose -> output y\n"
        small = "{" + ", ".join(f"{k}: {k}" for k in range(32)) + "}"
        compare = (f"    - Fn many:\n        expr: \"forall a in {small}: forall b in {small}: forall c in {small}: "
                   f"forall d in {small}: x == y\"\n        x: w18 -> drop\n        y: u18 -> drop\n"
                   f"        r: choose -> output many\n")
        model = "rdc: 1\nmodel: compare\nsystem:\n  body:\n" + "".join(body)
        with TempDir() as d:
            for name, text, expected in (
                    ("check", model + ends + "checks:\n  c: \"forall i in 0..1000000: z == y\"\n",
                     "check c: fail (stopped after 1000000 quantifier steps"),
                    ("fn", model + compare, "failure: many: Fn expression failed: stopped after 1000000 steps")):
                with self.subTest(name):
                    code, out, err, took = timed([RUN, write(d, name + ".rdc.yaml", text)])
                    self.assertEqual(code, 1, err)
                    self.assertLess(took, QUICK)
                    self.assertIn(expected, out.decode())

    def test_an_alias_bomb_is_refused_before_it_is_read(self):
        levels = ["  C0:\n    lines: {x: Int}\n    body: &b0\n      - wire: x -> x'\n"]
        for i in range(1, 10):
            uses = "".join(f"      - for: k{j} in 0..1\n        body: *b{i - 1}\n" for j in range(10))
            levels.append(f"  C{i}:\n    lines: {{x: Int}}\n    body: &b{i}\n" + uses)
        bomb = "rdc: 1\nmodel: bomb\ncomponents:\n" + "".join(levels) + "system:\n  body: *b9\n"
        with TempDir() as d:
            model = write(d, "bomb.rdc.yaml", bomb)
            for tool_args in ([LINT, model], [RUN, model], [DOT, model]):
                code, _, err, took = timed(tool_args + ["--diagnostics=json"])
                self.assertEqual(code, 2, err)
                self.assertLess(took, QUICK)
                self.assertIn("each use of an alias", only(err, "size-limit")["message"])
            # Every YAML file is read so: a faults file too.
            faults = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
            code, _, err, took = timed([RUN, BRACHA, "--faults", write(d, "f.yaml", faults), "--diagnostics=json"])
            self.assertEqual(code, 2, err)
            self.assertLess(took, QUICK)
            self.assertIn("each use of an alias", only(err, "size-limit")["message"])
