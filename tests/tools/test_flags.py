"""Every numeric or time flag of every tool, given a value it cannot honour
(negative, out of range, empty, not a number) or beside a flag it conflicts
with, is a usage error: exit 2 and one diagnostic line, never a run."""
import json
import os
import re
import subprocess
import unittest

from rdctest import BREADTH, SANITIZED, TempDir, example, read_bytes, run, tool, write

LINT, RUN, PROJECT, DOT, TRACE = (tool(t) for t in ("rdc-lint", "rdc-run", "rdc-project", "rdc-dot", "rdc-trace"))
BRACHA = example("bracha")
BIG = "99999999999999999999999"
TOO_LONG = "9223372036854775808ns"  # one past the largest time


def sweeps(trace):
    """(command, flag) pairs; the flag must appear in the diagnostic."""
    cases = []
    for value in ("-5", "0", BIG, "", "4294967295", "536870912", "ten", "0x10", "1e3"):
        cases.append(([LINT, BRACHA, "--max-lines", value], "--max-lines"))
        cases.append(([RUN, BRACHA, "--max-lines", value], "--max-lines"))
        cases.append(([PROJECT, BRACHA, "--list", "--max-lines", value], "--max-lines"))
        cases.append(([DOT, BRACHA, "--max-lines", value], "--max-lines"))
        cases.append(([TRACE, "invert", BRACHA, trace, "--max-lines", value], "--max-lines"))
        cases.append(([TRACE, "show", trace, "--model", BRACHA, "--max-lines", value], "--max-lines"))
    for value in ("-1", "18446744073709551616", BIG, "", "+-3", "seven", "1.5"):
        cases.append(([RUN, BRACHA, "--seed", value], "--seed"))
    # (2^64 + 1 bytes was taken as 1: an unsigned parse wraps)
    # (0G was taken as 0, which means no budget of the tool's own)
    for value in ("-1", "18446744073709551617", "99999999999999999999999", "17179869184G", BIG, "lots", "0G", "0kib"):
        cases.append(([LINT, BRACHA, "--max-memory", value], "--max-memory"))
        cases.append(([RUN, BRACHA, "--max-memory", value], "--max-memory"))
        cases.append(([DOT, BRACHA, "--max-memory", value], "--max-memory"))
        cases.append(([TRACE, "show", trace, "--max-memory", value], "--max-memory"))
    for value in ("0", "-1", "18446744073709551617", BIG):
        cases.append(([RUN, BRACHA, "--seeds", "0..3", "--jobs", value], "--jobs"))
    for value in ("0..18446744073709551615", "9..2", "-1..3", "0..-1", "..", "", "3", "1..2..3", " 1..2"):
        cases.append(([RUN, BRACHA, "--seeds", value], "--seeds"))
    for value in ("3/3", "-1/3", "1/-1", "1/0", "1/", "/3", "1/2x", ""):
        cases.append(([RUN, BRACHA, "--seeds", "0..3", "--shard", value], "--shard"))
    cases.append(([RUN, BRACHA, "--shard", "0/2"], "--shard"))  # without --seeds
    for value in ("-1", BIG, "", "now"):
        cases.append(([RUN, BRACHA, "--epoch", value], "--epoch"))
    for value in ("-1ms", TOO_LONG, "", "soon", "5"):
        cases.append(([RUN, BRACHA, "--until", value], "--until"))
        cases.append(([RUN, BRACHA, "--crash", "node[1]@" + value], "--crash"))
        cases.append(([RUN, BRACHA, "--latency", "constant:" + value], "--latency"))
        cases.append(([RUN, BRACHA, "--latency", "exponential:" + value], "--latency"))
        cases.append(([RUN, BRACHA, "--latency", "uniform:1ms.." + value], "--latency"))
        cases.append(([RUN, BRACHA, "--latency", "uniform:" + value + "..1ms"], "--latency"))
        cases.append(([TRACE, "show", trace, "--from", value], "--from"))
        cases.append(([TRACE, "show", trace, "--to", value], "--to"))
    cases.append(([RUN, BRACHA, "--latency", "uniform:5ms..1ms"], "--latency"))
    for value in ("0", "-1", BIG, "", "two"):
        cases.append(([DOT, BRACHA, "--depth", value], "--depth"))
    for flag, value in (("--seed", "3"), ("--seeds", "0..3"), ("--latency", "constant:2ms"), ("--until", "5ms"),
                        ("--input", "bc=1"), ("--crash", "node[1]"), ("--byzantine", "node[1]")):
        cases.append(([RUN, BRACHA, "--replay", trace, flag, value], flag))
    cases.append(([PROJECT, BRACHA, "--list", "--all"], ""))
    # (-o was ignored beside --all or --list, -O without --all)
    cases.append(([PROJECT, BRACHA, "--all", "-O", trace + ".d", "-o", trace + ".ir"], "-o"))
    cases.append(([PROJECT, BRACHA, "--list", "-o", trace + ".ir"], "-o"))
    cases.append(([PROJECT, BRACHA, "--domain", "node[0]", "-O", trace + ".d"], "-O"))
    return cases


class Flags(unittest.TestCase):
    def test_values_a_flag_cannot_honour_are_usage_errors(self):
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            code, _, err = run([RUN, BRACHA, "--trace", trace])
            self.assertEqual(code, 0, err)
            for args, flag in sweeps(trace):
                with self.subTest(args=args[1:] if args[0] != TRACE else args[1:]):
                    code, out, err = run(args)
                    self.assertEqual(code, 2, out.decode() + err)
                    self.assertEqual(out, b"")
                    lines = err.strip().splitlines()
                    self.assertEqual(len(lines), 1, err)
                    self.assertIn("error:", lines[0])
                    self.assertIn(flag, lines[0])

    def test_a_leading_zero_is_decimal_not_octal(self):
        # 010 was taken as eight (and 08 refused in the library's words): the
        # check's decimal reading was lost, and CLI11 read the text itself.
        code, out, _ = run([RUN, BRACHA, "--seed", "010", "--json"])
        self.assertEqual((code, json.loads(out)["seed"]), (0, 10))
        code, out, _ = run([RUN, BRACHA, "--seed", "08", "--json"])
        self.assertEqual((code, json.loads(out)["seed"]), (0, 8))
        lines = int(re.search(r"scalar lines: (\d+)", run([LINT, BRACHA, "--stats", "-o", os.devnull])[1].decode())[1])
        for limit in (lines, lines - 1):  # written with leading zeros, as decimal
            code, _, err = run([LINT, BRACHA, "--max-lines", "0%d" % limit, "-o", os.devnull])
            self.assertEqual(code, 0 if limit == lines else 2, err)
        code, out, err = run([RUN, example("rb-stream"), "--iterations", "010", "--outputs", "summary"])
        self.assertIn("iterations: 10 ", out.decode(), err)
        for size in ("09M", "0512M", "4GiB", "4gb", "1T"):
            self.assertEqual(run([LINT, BRACHA, "--max-memory", size, "-o", os.devnull])[0], 0, size)

    def test_the_largest_values_are_honoured(self):
        for args in ([LINT, BRACHA, "--max-lines", "536870911", "-o", os.devnull],
                     [RUN, BRACHA, "--seed", "18446744073709551615", "--until", "9223372036854775807ns"],
                     [RUN, BRACHA, "--seeds", "18446744073709551614..18446744073709551615"]):
            with self.subTest(args=args[1:]):
                code, out, err = run(args)
                self.assertEqual(code, 0, out.decode() + err)
        code, out, _ = run([RUN, BRACHA, "--seeds", "18446744073709551614..18446744073709551615"])
        self.assertIn("2 seeds: 2 passed", out.decode())

    def test_a_latency_as_long_as_time_is_a_reported_failure_not_a_time_in_the_past(self):
        # Issue 11: uniform:1ms..9223372036854775807ns delivered at a negative time.
        for mode in ([], ["--split"]):
            with self.subTest(mode=mode), TempDir() as d:
                trace = os.path.join(d, "t.trace")
                args = [RUN, BRACHA, *mode, "--latency", "uniform:1ms..9223372036854775807ns", "--seed", "1",
                        "--trace", trace]
                code, out, err = run(args)
                self.assertIn(code, (0, 1), out.decode() + err)
                code, shown, err = run([TRACE, "show", trace])
                self.assertEqual(code, 0, err)
                for line in shown.decode().splitlines():
                    self.assertFalse(line.startswith("-"), line)


def bad_command_lines(trace):
    """(tool name, argv) of each tool given flags CLI11 itself refuses (an
    unknown flag, a missing value or argument, a value outside a set) or a
    value the tool refuses."""
    return [
        ("rdc-lint", [LINT, BRACHA, "--no-such-flag"]),
        ("rdc-lint", [LINT, BRACHA, "--max-lines"]),
        ("rdc-run", [RUN, BRACHA, "--outputs", "some"]),
        ("rdc-run", [RUN, BRACHA, "--seed", "-1"]),
        ("rdc-run", [RUN, BRACHA, "--latency", "uniform:1ms..1.0000001ms"]),
        ("rdc-project", [PROJECT, BRACHA, "--bogus"]),
        ("rdc-project", [PROJECT, BRACHA, "--list", "--all"]),
        ("rdc-dot", [DOT, BRACHA, "-T", "gif"]),
        ("rdc-dot", [DOT, BRACHA, "--layout", "diagonal"]),
        ("rdc-dot", [DOT, BRACHA, "--layout", "1"]),  # (not the number of a layout)
        ("rdc-trace", [TRACE, "frobnicate"]),
        ("rdc-trace", [TRACE, "show"]),
        ("rdc-trace", [TRACE, "show", trace, "--from", "1.5ns"]),
        ("rdc-trace", [TRACE, "export", trace, "--format", "csv"]),
        # No option takes an empty value (each was taken as none).
        ("rdc-run", [RUN, BRACHA, "--trace", ""]),
        ("rdc-run", [RUN, BRACHA, "--faults", ""]),
        ("rdc-lint", [LINT, BRACHA, "-o", ""]),
        ("rdc-dot", [DOT, BRACHA, "--component", ""]),
        ("rdc-dot", [DOT, BRACHA, "--trace", ""]),
        ("rdc-trace", [TRACE, "show", trace, "--line", ""]),
        ("rdc-trace", [TRACE, "show", trace, "--model", ""]),
        ("rdc-project", [PROJECT, BRACHA, "--domain", ""]),
        ("rdc-run", [RUN, BRACHA, "--listen", "127.0.0.1:1", "--peers", "p.yaml", "--epoch", "0"]),
    ]


class UsageDiagnostics(unittest.TestCase):
    @unittest.skipIf(SANITIZED, BREADTH)
    def test_every_tool_reports_a_bad_command_line_as_its_own_usage_diagnostic(self):
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            code, _, err = run([RUN, BRACHA, "--trace", trace])
            self.assertEqual(code, 0, err)
            for name, args in bad_command_lines(trace):
                with self.subTest(args=args[1:]):
                    code, out, err = run(args)
                    self.assertEqual((code, out), (2, b""), err)
                    lines = err.strip().splitlines()
                    self.assertEqual(len(lines), 1, err)
                    self.assertTrue(lines[0].startswith(name + ": error: "), err)
                    self.assertTrue(lines[0].endswith(" [usage]"), err)
                    self.assertNotIn("Run with --help", err)
                    # JSON mode, with --diagnostics=json first, last, or as two words.
                    for extra in (["--diagnostics=json"], ["--diagnostics", "json"]):
                        for argv in (args + extra, [args[0]] + extra + args[1:]):
                            code, out, err = run(argv)
                            self.assertEqual((code, out), (2, b""), err)
                            diagnostics = json.loads(err)
                            self.assertEqual(len(diagnostics), 1, err)
                            self.assertEqual(diagnostics[0]["code"], "usage")
                            self.assertEqual(diagnostics[0]["severity"], "error")
                            self.assertEqual(diagnostics[0]["file"], "")

    def test_json_diagnostics_in_every_tool_for_an_unusable_input(self):
        with TempDir() as d:
            missing = os.path.join(d, "missing.rdc.yaml")
            for args in ([LINT, missing], [RUN, missing], [PROJECT, missing, "--list"], [DOT, missing],
                         [TRACE, "show", missing], [TRACE, "diff", missing, missing],
                         [TRACE, "export", missing, "--format", "jsonl"]):
                with self.subTest(args=args[1:]):
                    for argv in (args + ["--diagnostics=json"], [args[0], "--diagnostics=json"] + args[1:]):
                        code, _, err = run(argv)
                        self.assertEqual(code, 2, err)
                        diagnostics = json.loads(err)
                        self.assertEqual([x["code"] for x in diagnostics], ["io"], err)
                    code, _, err = run(args)
                    self.assertEqual(code, 2, err)
                    self.assertTrue(err.startswith(missing + ": error: cannot open"), err)

    @unittest.skipIf(SANITIZED, BREADTH)
    def test_a_diagnostic_stays_short_whatever_it_quotes(self):
        # A 100 kB value in each kind of flag (and a model's name): the
        # diagnostic keeps the quoted text's head and tail, not all of it.
        big = "x" * 100_000
        with TempDir() as d:
            model = os.path.join(d, "long.rdc.yaml")
            with open(model, "w", encoding="utf-8") as f:
                f.write(f"rdc: 1\nmodel: m\nparams:\n  n: 1 + {big}\nsystem:\n  body: []\n")
            for args in ([RUN, BRACHA, "--input", "bc=" + big], [RUN, BRACHA, "--input", "bc=1+" + big],
                         [RUN, BRACHA, "-D", "n=" + big], [RUN, BRACHA, "--until", big],
                         [RUN, BRACHA, "--crash", big], [RUN, BRACHA, "--seed", big], [RUN, BRACHA, "--latency", big],
                         [LINT, BRACHA, "-D", "n=" + big], [DOT, BRACHA, "--highlight", big],
                         [TRACE, "show", big], [LINT, model]):
                with self.subTest(args=[a[:20] for a in args[1:]]):
                    code, out, err = run(args)
                    self.assertIn(code, (1, 2), err[:300])
                    self.assertLess(len(err), 1500, err[:300])
                    self.assertIn("bytes...]", err)

    def test_an_unknown_name_gets_the_names_there_are(self):
        code, _, err = run([RUN, BRACHA, "--input", "bcc=1"])
        self.assertEqual(code, 2, err)
        self.assertIn("the model has no input 'bcc' (did you mean 'bc'?) (its inputs: bc)", err)
        code, _, err = run([RUN, BRACHA, "--force", "rb.send.def[1].yy=1"])
        self.assertEqual(code, 2, err)
        self.assertIn("no line 'rb.send.def[1].yy' (did you mean 'rb.send.def[1].y'?)", err)

    def test_standard_input_names_one_input_only(self):
        # A second reader of `-` found it read already: `rdc-trace diff - -`
        # said "too many segments", `rdc-run - --replay -` that a model was a
        # malformed trace. Whichever input is read first, the command line is
        # refused, naming the second.
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            self.assertEqual(run([RUN, BRACHA, "--trace", trace])[0], 0)
            model, recorded = read_bytes(BRACHA), read_bytes(trace)
            for args, stdin, second in (([TRACE, "diff", "-", "-"], recorded, "B"),
                                        ([TRACE, "invert", "-", "-"], model, "TRACE"),
                                        ([TRACE, "show", "-", "--model", "-"], recorded, "--model"),
                                        ([TRACE, "merge", trace, "-", "-", "-o", os.path.join(d, "m")], recorded, "TRACE"),
                                        ([RUN, "-", "--replay", "-"], model, "--replay"),
                                        ([RUN, "-", "--faults", "-"], model, "--faults"),
                                        ([RUN, "--merge", "-", "-"], b"{}", "--merge"),
                                        ([DOT, "-", "--trace", "-"], model, "--trace")):
                with self.subTest(args=args[1:]):
                    code, out, err = run(args, stdin=stdin)
                    self.assertEqual((code, out), (2, b""), err)
                    self.assertIn(f"error: {second}: standard input ('-') is named for another input already", err)
                    self.assertIn("[usage]", err)
            # One `-` still reads it.
            self.assertEqual(run([TRACE, "diff", "-", trace], stdin=recorded)[0], 0)
            self.assertEqual(run([RUN, "-", "--replay", trace], stdin=model)[0], 0)

    def test_a_directory_is_not_a_readable_input(self):
        # A directory as a trace was a malformed trace; as a model, a read error.
        d = os.path.dirname(BRACHA)
        for args in ([LINT, d], [RUN, BRACHA, "--replay", d], [RUN, BRACHA, "--faults", d], [TRACE, "show", d],
                     [TRACE, "diff", d, d], [DOT, BRACHA, "--trace", d]):
            with self.subTest(args=args[1:]):
                code, out, err = run(args)
                self.assertEqual((code, out), (2, b""), err)
                self.assertIn(f"{d}: error: cannot read: Is a directory [io]", err)

    def test_a_blank_a_terminal_hides_is_named(self):
        code, _, err = run([RUN, BRACHA, "--input", "bc=1\u00a0at 2ms"])
        self.assertEqual(code, 2, err)
        self.assertIn("unexpected character '\\u{00A0}'", err)
        code, _, err = run([RUN, BRACHA, "--input", b"bc=1\xa0at 2ms"])  # not UTF-8: the byte itself
        self.assertEqual(code, 2, err)
        self.assertIn("'\\xA0'", err)

    def test_a_flag_given_twice_or_off_its_choices_is_said_in_plain_words(self):
        for args, message in ((["--seed", "1", "--seed", "2"], "--seed is given 2 times: give it once"),
                              (["--until", "1ms", "--until", "2ms"], "--until is given 2 times: give it once"),
                              (["--outputs", "none"], "--outputs: 'none' is not one of list, summary")):
            with self.subTest(args=args):
                code, _, err = run([RUN, BRACHA, *args])
                self.assertEqual(code, 2, err)
                self.assertIn(message, err)
                self.assertNotIn("At Most", err)

    def test_a_bytes_escape_is_one_of_those_documented(self):
        with TempDir() as d:
            model = write(d, "b.rdc.yaml", "rdc: 1\nsystem:\n  body:\n    - Def d:\n"
                                           "        x: input b as Bytes -> output x\n        y: choose -> output y\n")
            code, out, err = run([RUN, model, "--input", 'b="a\\tb\\x41\\"\\\\\\n"'])
            self.assertEqual(code, 0, err)
            self.assertIn('x = "a\\x09bA\\"\\\\\\x0a" @ 0ns', out.decode())
            for bad in ('"\\q"', '"\\x4"', '"\\x"', '"\\u{41}"'):
                with self.subTest(value=bad):
                    code, _, err = run([RUN, model, "--input", "b=" + bad])
                    self.assertEqual(code, 2, err)
                    self.assertIn("unknown escape", err)

    def test_decimal_durations_are_exact(self):
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            code, out, err = run([RUN, BRACHA, "--latency", "uniform:1ms..1.01ms", "--until", "1.5s", "--seed", "3",
                                  "--trace", trace])
            self.assertEqual(code, 0, err)
            code, shown, err = run([TRACE, "show", trace])
            self.assertEqual(code, 0, err)
            same = os.path.join(d, "same.trace")
            code, out, err = run([RUN, BRACHA, "--latency", "uniform:1000us..1010us", "--until", "1500ms", "--seed",
                                  "3", "--trace", same])
            self.assertEqual(code, 0, err)
            code, same_shown, err = run([TRACE, "show", same])
            self.assertEqual(code, 0, err)
            self.assertEqual(shown, same_shown)
            self.assertIn(b"1010us", run([TRACE, "export", trace, "--format", "jsonl"])[1])
            for value, why in (("uniform:1ms..1.0000001ms", "not a whole number of nanoseconds"),
                               ("constant:9223372036.854775808s", "too large")):
                code, out, err = run([RUN, BRACHA, "--latency", value])
                self.assertEqual(code, 2, err)
                self.assertIn(why, err)


if __name__ == "__main__":
    unittest.main()


STREAM = example("rb-stream")
ON_DEMAND = example("rb-bounded")


class FlagsOfOneRun(unittest.TestCase):
    """A flag that applies to one run, or to one way of running, is refused
    (usage, exit 2, nothing written) where the command does not do that
    run, never silently ignored."""

    def refused(self, args, flag):
        code, out, err = run([RUN, *args])
        self.assertEqual((code, out), (2, b""), err)
        lines = err.strip().splitlines()
        self.assertEqual(len(lines), 1, err)
        self.assertTrue(lines[0].startswith("rdc-run: error: "), err)
        self.assertIn(flag, lines[0])
        self.assertTrue(lines[0].endswith(" [usage]"), err)
        return lines[0]

    def test_a_sweep_refuses_the_flags_of_one_run(self):
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            for model in (BRACHA, STREAM):
                with self.subTest(model=model):
                    line = self.refused([model, "--seeds", "0..9", "--trace", trace], "--trace")
                    self.assertIn("--seed N --trace FILE", line)
                    self.assertFalse(os.path.exists(trace))
                    self.refused([model, "--seeds", "0..9", "--seed", "3"], "--seed")
                    for outputs in ("list", "summary"):
                        self.refused([model, "--seeds", "0..9", "--outputs", outputs], "--outputs")
                    # With --shrink too: the sweep's first failing seed is shrunk, not traced.
                    self.refused([model, "--seeds", "0..9", "--shrink", os.path.join(d, "s.yaml"), "--trace", trace],
                                 "--trace")

    def test_the_flags_of_one_way_of_running_need_it(self):
        with TempDir() as d:
            for args, flag in ((["--seed", "3", "--jobs", "2"], "--jobs"),
                               (["--strategy", "exhaustive", "--jobs", "2"], "--jobs"),
                               (["--budget", "5"], "--budget"),
                               (["--strategy", "pct:3", "--budget", "5"], "--budget"),
                               (["--seeds", "0..3", "--budget", "5"], "--budget"),
                               (["--kill", "node[1]@1ms"], "--kill"),
                               (["--leave-out", "node[1]"], "--leave-out"),
                               (["--epoch", "5"], "--epoch"),
                               (["--outputs-file", os.path.join(d, "o")], "--outputs-file"),
                               (["--ready-fd", "5"], "--ready-fd"),
                               (["--key", os.path.join(d, "k")], "--key"),
                               (["--peers", os.path.join(d, "p.yaml")], "--peers")):
                with self.subTest(args=args):
                    self.refused([BRACHA, *args], flag)
            self.assertEqual(os.listdir(d), [])
            # --merge runs no model: anything of a run beside it is refused.
            for args in ([BRACHA, "--merge", "a.json"], ["--merge", "a.json", "--trace", "t"],
                         ["--merge", "a.json", "--until", "5ms"], ["--merge", "a.json", "-D", "n=7"]):
                with self.subTest(args=args):
                    self.refused(args, "--merge")

    def test_an_exhaustive_search_traces_its_failing_run_even_with_json(self):
        broken = [BRACHA, "-D", "f=2", "--byzantine", "node[0]", "--latency", "uniform:1ms..5ms",
                  "--strategy", "exhaustive", "--budget", "300", "--seed", "5"]
        with TempDir() as d:
            text, js = os.path.join(d, "text.trace"), os.path.join(d, "json.trace")
            code, _, err = run([RUN, *broken, "--trace", text])
            self.assertEqual(code, 1, err)
            code, out, err = run([RUN, *broken, "--trace", js, "--json"])
            self.assertEqual(code, 1, err)
            self.assertIsNotNone(json.loads(out)["failed"])
            self.assertEqual(read_bytes(js), read_bytes(text))
            # No schedule fails: nothing to trace, and a warning says so.
            passing = os.path.join(d, "none.trace")
            code, out, err = run([RUN, BRACHA, "--strategy", "exhaustive", "--budget", "3", "--trace", passing])
            self.assertEqual(code, 0, err)
            self.assertIn("none failed", out.decode())
            self.assertIn("--trace: no schedule failed, so no run was traced", err)
            self.assertIn("[unused-flag]", err)
            self.assertFalse(os.path.exists(passing))


class FlagsWithNothingToDo(unittest.TestCase):
    """--shrink on a run whose checks pass, and --lies or --lie-bound without
    a Byzantine domain, change nothing: the run is the same, with a warning."""

    def test_shrink_on_a_passing_run_writes_nothing_and_says_so(self):
        for extra in ([], ["--seeds", "0..3"], ["--strategy", "exhaustive", "--budget", "3"]):
            with self.subTest(extra=extra), TempDir() as d:
                faults = os.path.join(d, "shrunk.yaml")
                code, plain, _ = run([RUN, BRACHA, *extra])
                code, out, err = run([RUN, BRACHA, *extra, "--shrink", faults])
                self.assertEqual((code, out), (0, plain), err)
                self.assertIn("--shrink: every check passed, so there is no failing run to shrink; %s was not "
                              "written [unused-flag]" % faults, err)
                self.assertFalse(os.path.exists(faults))

    def test_lies_without_a_byzantine_domain(self):
        code, plain, _ = run([RUN, BRACHA, "--strategy", "exhaustive", "--budget", "3"])
        code, out, err = run([RUN, BRACHA, "--strategy", "exhaustive", "--budget", "3", "--lies", "forced",
                              "--lie-bound", "1"])
        self.assertEqual((code, out), (0, plain), err)
        for flag in ("--lies", "--lie-bound"):
            self.assertIn("%s: no domain is Byzantine (--byzantine, or a faults file's byzantine:), so nothing lies; "
                          "the flag changes nothing [unused-flag]" % flag, err)
        code, out, err = run([RUN, BRACHA, "--byzantine", "node[3]", "--lies", "forced"])
        self.assertEqual((code, err), (0, ""))


class FlagsOfABox(unittest.TestCase):
    """--iterations, --max-live and --outputs summary bound or count a box's
    iterations: they apply to an unbounded box and to an on-demand box of more
    than three iterations, and a model without one (an on-demand box of
    K <= 3 is elaborated whole) runs as without them, with a warning."""

    FLAGS = (["--iterations", "1"], ["--max-live", "2"], ["--outputs", "summary"])

    def test_they_apply_to_a_box_run_as_it_goes(self):
        for model, defines in ((STREAM, []), (ON_DEMAND, []), (ON_DEMAND, ["-D", "K=4"])):
            with self.subTest(model=model, defines=defines):
                code, out, err = run([RUN, model, *defines, "--iterations", "1", "--outputs", "summary"])
                self.assertEqual(code, 0, err)
                self.assertNotIn("unused-flag", err)
                self.assertIn("iterations: 1 (at most 1 live)", out.decode())
                self.assertNotIn("dlvr[0][0] =", out.decode())  # summary: counts only

    def test_where_they_mean_nothing_the_run_is_the_same_with_a_warning(self):
        for model, defines, why in ((BRACHA, [], "the model has no unbounded or on-demand `for`"),
                                    (ON_DEMAND, ["-D", "K=3"], "the on-demand `for: k in 0..K on demand` has at most "
                                                               "three iterations here, so it is elaborated whole")):
            code, plain, err = run([RUN, model, *defines])
            self.assertEqual((code, err), (0, ""))
            for flag in self.FLAGS:
                with self.subTest(model=model, defines=defines, flag=flag):
                    code, out, err = run([RUN, model, *defines, *flag])
                    self.assertEqual((code, out), (0, plain), err)
                    lines = err.strip().splitlines()
                    self.assertEqual(len(lines), 1, err)
                    name = flag[0] if flag[0] != "--outputs" else "--outputs summary"
                    self.assertTrue(lines[0].startswith("rdc-run: warning: %s: %s" % (name, why)), err)
                    self.assertTrue(lines[0].endswith("the flag changes nothing [unused-flag]"), err)
            # --outputs list is what such a run does: no warning.
            self.assertEqual(run([RUN, model, *defines, "--outputs", "list"]), (0, plain, ""))


class OutputsThatWouldDestroy(unittest.TestCase):
    """No tool writes an output onto a file it reads, or two outputs onto one file: exit 2 before
    anything runs, and the file is as it was."""

    def test_an_output_that_is_an_input_or_another_output_is_refused(self):
        with TempDir() as d:
            model = write(d, "m.rdc.yaml", read_bytes(BRACHA).decode())
            os.symlink(model, os.path.join(d, "link.rdc.yaml"))
            trace = os.path.join(d, "run.trace")
            code, _, err = run([RUN, model, "--trace", trace])
            self.assertIn(code, (0, 1), err)
            kept = {path: read_bytes(path) for path in (model, trace)}
            same_model = [model, os.path.join(d, "link.rdc.yaml"), os.path.join(d, ".", "m.rdc.yaml")]
            cases = [([LINT, model, "-o", other], "-o and MODEL") for other in same_model]
            cases += [
                ([RUN, model, "--trace", same_model[1]], "--trace and MODEL"),
                ([RUN, model, "--seeds", "0..3", "--shrink", same_model[2]], "--shrink and MODEL"),
                ([RUN, model, "--replay", trace, "--trace", trace], "--trace and --replay"),
                ([RUN, model, "--trace", os.path.join(d, "new"), "--shrink", os.path.join(d, ".", "new")],
                 "--shrink and --trace"),
                ([PROJECT, model, "--domain", "node[0]", "-o", model], "-o and MODEL"),
                ([DOT, model, "--trace", trace, "-o", trace], "-o and --trace"),
                ([TRACE, "invert", model, trace, "-o", model], "-o and MODEL"),
                ([TRACE, "export", trace, "--format", "jsonl", "-o", trace], "-o and TRACE"),
                ([TRACE, "merge", trace, "-o", trace], "-o and TRACE"),
            ]
            for args, clash in cases:
                with self.subTest(args=args[0:1] + args[2:]):
                    code, out, err = run(args)
                    self.assertEqual(code, 2, err)
                    self.assertIn(f"{clash} name one file", err)
                    self.assertEqual(out, b"")
                    self.assertFalse(os.path.exists(os.path.join(d, "new")))
                    for path, data in kept.items():
                        self.assertEqual(read_bytes(path), data, path)
            # Standard input redirected from the model is the model; an
            # output through a link lands on the file it names, and the link stays.
            # Nor may a default output on standard output be redirected onto an input.
            for args, onto in (([LINT, model], model), ([DOT, model], model), ([PROJECT, model, "--list"], model),
                               ([TRACE, "show", trace], trace), ([TRACE, "export", trace, "--format", "jsonl"], trace)):
                with self.subTest(args=args), open(onto, "ab") as out:
                    proc = subprocess.run(args, stdout=out, stderr=subprocess.PIPE, timeout=60)
                    self.assertEqual(proc.returncode, 2, proc.stderr)
                    self.assertIn(b"name one file", proc.stderr)
                    for path, data in kept.items():
                        self.assertEqual(read_bytes(path), data, path)
            # So is standard input when no MODEL is named: nothing means `-`.
            for args in ([RUN, "-", "--trace", "/dev/stdin"], [LINT, "-o", model], [LINT, "-o", "/dev/fd/0"],
                         [PROJECT, "--domain", "node[1]", "-o", model], [DOT, "-o", model], [RUN, "--trace", model]):
                with self.subTest(args=args), open(model, "rb") as stdin:
                    proc = subprocess.run(args, stdin=stdin, capture_output=True, timeout=60)
                    self.assertEqual(proc.returncode, 2, proc.stderr)
                    self.assertIn(b"and MODEL name one file", proc.stderr)
                    self.assertEqual(read_bytes(model), kept[model])
            # Two outputs on standard output would interleave, whatever it is: the
            # trace and the run's report, the IR and lint's counts, a trace and invert's verdict.
            for args, clash in (([RUN, model, "--trace", "-"], "--trace and the report"),
                                ([RUN, model, "--trace", "/dev/stdout"], "--trace and the report"),
                                ([RUN, model, "--seeds", "0..3", "--shrink", "-"], "--shrink and the report"),
                                ([LINT, model, "--stats", "-o", "-"], "-o and --stats"),
                                ([TRACE, "invert", model, trace, "-o", "-"], "-o and invert's verdict")):
                with self.subTest(args=args[0:1] + args[2:]):
                    code, out, err = run(args)
                    self.assertEqual(code, 2, err)
                    self.assertIn(f"{clash} both write standard output", err)
                    self.assertEqual(out, b"")
            parts = os.path.join(d, "parts")
            os.mkdir(parts)
            code, _, err = run([LINT, model, "-o", os.path.join(parts, "node[1].ir")])
            self.assertEqual(code, 0, err)
            whole = read_bytes(os.path.join(parts, "node[1].ir"))
            code, _, err = run([PROJECT, os.path.join(parts, "node[1].ir"), "--all", "-O", parts])
            self.assertEqual(code, 2, err)
            self.assertIn("-O and MODEL name one file", err)
            self.assertEqual(read_bytes(os.path.join(parts, "node[1].ir")), whole)
            target = write(d, "target.ir", "old")
            os.symlink(target, os.path.join(d, "out.ir"))
            code, _, err = run([LINT, model, "-o", os.path.join(d, "out.ir")])
            self.assertEqual(code, 0, err)
            self.assertTrue(os.path.islink(os.path.join(d, "out.ir")))
            self.assertEqual(read_bytes(target), whole)
            # Standard output alone and devices are never a clash: `-o /dev/stdout` is `-o -`.
            code, out, err = run([LINT, model, "-o", "/dev/stdout"])
            self.assertEqual((code, out[:4]), (0, read_bytes(os.path.join(parts, "node[1].ir"))[:4]), err)
            for args in ([LINT, model, "-o", "/dev/null"], [RUN, model, "--trace", "/dev/null", "--shrink", "/dev/null"]):
                code, _, err = run(args)
                self.assertIn(code, (0, 1), err)
