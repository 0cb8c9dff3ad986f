"""rdc-trace driven as a user would: show, diff, invert, merge, export."""
import json
import os
import re
import unittest

from rdctest import ROOT, TempDir, breadth, example, jsonl_parts, read_bytes, run, tool

RUN, TRACE, DOT = tool("rdc-run"), tool("rdc-trace"), tool("rdc-dot")
BRACHA, BASICS = example("bracha"), example("basics")
NET = ["--latency", "uniform:1ms..10ms", "--input", "bc=1"]


class Traces(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.dir = self.tmp.__enter__()

    def tearDown(self):
        self.tmp.__exit__(None, None, None)

    def record(self, name, model, *args):
        path = os.path.join(self.dir, name)
        code, _, err = run([RUN, model, *args, "--trace", path])
        self.assertIn(code, (0, 1), err)
        return path

    def events(self, path):
        code, out, err = run([TRACE, "export", path, "--format", "jsonl"])
        self.assertEqual(code, 0, err)
        header, rows, _ = jsonl_parts(out)
        return header, rows


class Invert(Traces):
    def test_every_example_round_trips(self):
        runs = [(BASICS, [], ["--input", "a=3", "--input", "b=4", "--input", "first=9", "--input", "second=2"])]
        for seed in range(breadth(4, 1)):
            for faults in ([], ["--byzantine", "node[0]"], ["--byzantine", "node[3]"], ["--crash", "node[2]@3ms"]):
                runs.append((BRACHA, [], [*NET, *faults, "--seed", str(seed)]))
        runs.append((BRACHA, ["-D", "n=7"], [*NET, "--byzantine", "node[6]", "--crash", "node[5]"]))
        for model, defines, args in runs:
            with self.subTest(args=args):
                trace = self.record("f.trace", model, *defines, *args)
                back = os.path.join(self.dir, "b.trace")
                code, out, err = run([TRACE, "invert", *defines, model, trace, "-o", back])
                self.assertEqual(code, 0, out.decode() + err)
                self.assertIn("inversion round-trips", out.decode())
                self.assertRegex(out.decode(), r"[1-9]\d* extrinsic inputs recovered")
                _, backward = self.events(back)
                times = [e["time_ns"] for e in backward]
                self.assertEqual(times, sorted(times))

    def test_a_trace_of_another_model_is_refused(self):
        trace = self.record("f.trace", BRACHA, *NET)
        code, _, err = run([TRACE, "invert", "-D", "n=7", BRACHA, trace])
        self.assertEqual(code, 2)
        self.assertIn("not recorded from this model (its model hash differs; it was recorded with -D n=4, and this "
                      "model has n=7)", err)
        # Another model altogether is named as such, not as other parameters.
        code, _, err = run([TRACE, "invert", example("paxos"), trace])
        self.assertEqual(code, 2)
        self.assertRegex(err, r"not recorded from this model \(it is a trace of model 'bracha', and this is '[^']+'\)")
        # The same parameters and name, another text: the model changed since the run.
        changed = os.path.join(self.dir, "changed.rdc.yaml")
        with open(BRACHA, encoding="utf-8") as f:
            text = f.read()
        with open(changed, "w", encoding="utf-8") as f:
            f.write(text.replace("WB<n> send @", "WB<n> first @"))  # (an instance renamed)
        code, _, err = run([TRACE, "invert", changed, trace])
        self.assertEqual(code, 2)
        self.assertIn("its model hash differs; the parameters are the recorded ones, so the model's text differs", err)


    def test_a_trace_with_the_right_hash_but_foreign_lines_is_refused(self):
        # The header says "bracha" with its hash, but one of its lines is not
        # Bracha's: every tool that reads a trace against the model says so,
        # whether the line is chosen, an input's or computed.
        trace = self.record("f.trace", BRACHA, *NET)
        schema = os.path.join(ROOT, "ir", "io", "trace.capnp")
        code, text, err = run(["capnp", "decode", schema, "TraceChunk"], stdin=read_bytes(trace))
        self.assertEqual(code, 0, err)
        for renamed in ("rb.deliver[0].q.value", "rb.send.def[0].x", "rb.echo[1].def[0].x"):
            forged = text.replace(f'"{renamed}"'.encode(), b'"rb.bogus"')
            self.assertNotEqual(forged, text)
            code, data, err = run(["capnp", "encode", schema, "TraceChunk"], stdin=forged)
            self.assertEqual(code, 0, err)
            bogus = os.path.join(self.dir, "bogus.trace")
            with open(bogus, "wb") as f:
                f.write(data)
            for args in ([TRACE, "invert", BRACHA, bogus], [tool("rdc-dot"), BRACHA, "--trace", bogus],
                         [RUN, BRACHA, "--replay", bogus]):
                with self.subTest(line=renamed, tool=os.path.basename(args[0])):
                    code, _, err = run(args)
                    self.assertEqual(code, 2)
                    self.assertRegex(err, r"rb\.bogus( is not in this model|, where this model's is)")
        # The model's own names, two of them swapped: each event would replay on the other's line.
        a, b = b'"swap.t1"', b'"swap.t2"'
        trace = self.record("s.trace", example("basics"), "--input", "first=3 at 1ms", "--input", "second=4")
        code, text, err = run(["capnp", "decode", schema, "TraceChunk"], stdin=read_bytes(trace))
        self.assertEqual(code, 0, err)
        self.assertIn(a, text)
        swapped = text.replace(a, b"@").replace(b, a).replace(b"@", b)
        code, data, err = run(["capnp", "encode", schema, "TraceChunk"], stdin=swapped)
        self.assertEqual(code, 0, err)
        with open(os.path.join(self.dir, "swapped.trace"), "wb") as f:
            f.write(data)
        code, _, err = run([RUN, example("basics"), "--replay", os.path.join(self.dir, "swapped.trace")])
        self.assertEqual(code, 2, err)
        self.assertIn("is swap.t2, where this model's is swap.t1: its line table is not this model's", err)

    def test_projections_run_backwards(self):
        # A projection's network deliveries are recorded like the choices of
        # the cut Links they stand for: a node's own trace inverts.
        project = tool("rdc-project")
        part = os.path.join(self.dir, "n2.ir")
        code, _, err = run([project, BRACHA, "--domain", "node[2]", "-o", part])
        self.assertEqual(code, 0, err)
        trace = self.record("n2.trace", part, "--input", "net:rb.send.link[2]=5")
        code, out, err = run([TRACE, "invert", part, trace])
        self.assertEqual(code, 0, out.decode() + err)
        self.assertIn("inversion round-trips", out.decode())


class Diff(Traces):
    def test_identical_traces(self):
        a = self.record("a.trace", BRACHA, *NET, "--seed", "1")
        b = self.record("b.trace", BRACHA, *NET, "--seed", "1")
        code, out, _ = run([TRACE, "diff", a, b])
        self.assertEqual(code, 0)
        self.assertEqual("traces agree: 440 events\n", out.decode())

    def test_agreeing_events_of_other_parameters_say_so(self):
        # A node symmetric to the sender's under a constant latency: the same events.
        a = self.record("a.trace", BRACHA)
        b = self.record("b.trace", BRACHA, "-D", "sender=2")
        code, out, _ = run([TRACE, "diff", a, b])
        self.assertEqual(code, 0)
        self.assertEqual("traces agree: 440 events (though their headers differ: sender = 0 and 2)\n", out.decode())

    def test_two_seeds_name_the_first_divergence(self):
        self.first_divergence(("--seed", "1"), ("--seed", "2"))

    def test_a_split_run_diverges_first_at_a_delivery_not_at_what_follows_it(self):
        # Its own delivery times: the first difference of an instant is the
        # delivery, which the echoes of that instant follow (it was the
        # alphabetically first of them, rb.echo[...]).
        first = self.first_divergence(("--seed", "4"), ("--seed", "4", "--split"))
        self.assertTrue(first.endswith(".rcv"), first)

    def first_divergence(self, args_a, args_b):
        a = self.record("a.trace", BRACHA, *NET, *args_a)
        b = self.record("b.trace", BRACHA, *NET, *args_b)
        code, out, _ = run([TRACE, "diff", a, b])
        self.assertEqual(code, 1)
        # Work out the expected first divergence independently from the JSON
        # exports: the earliest, and of its instant the first in its trace
        # (A's where both are at that time), which the others follow from.
        _, ea = self.events(a)
        _, eb = self.events(b)
        key = lambda e: (e["line"], e["end"])
        ma, mb = ({key(e): (e, n) for n, e in enumerate(es)} for es in (ea, eb))
        diffs = []
        for k in set(ma) | set(mb):
            x, y = ma.get(k), mb.get(k)
            if x is None or y is None or x[0]["value"] != y[0]["value"] or x[0]["time_ns"] != y[0]["time_ns"]:
                earliest = min((e for e in (x, y) if e is not None), key=lambda e: e[0]["time_ns"])
                diffs.append((earliest[0]["time_ns"], earliest[1], k[0] + ("'" if k[1] == "out" else "")))
        first = min(diffs)
        text = out.decode()
        self.assertIn(f"first divergence at ", text)
        self.assertIn(f": {first[2]}\n", text.splitlines()[0] + "\n")
        self.assertIn(f"{len(diffs)} differing line ends", text)
        return first[2]


class ShowMergeExport(Traces):
    def test_show_filters_by_line_and_time(self):
        a = self.record("a.trace", BRACHA, *NET, "--seed", "3")
        code, out, _ = run([TRACE, "show", a, "--line", "rb.deliver[*].q.value", "--json"])
        self.assertEqual(code, 0)
        rows = json.loads(out)
        self.assertEqual({r["line"] for r in rows}, {f"rb.deliver[{i}].q.value" for i in range(4)})
        self.assertEqual({r["end"] for r in rows}, {"in", "out"})  # both ends
        code, out, _ = run([TRACE, "show", a, "--line", "rb.deliver[*].q.value'", "--json"])
        ends = json.loads(out)
        self.assertEqual(ends, [r for r in rows if r["end"] == "out"])  # the output ends alone, as printed
        self.assertEqual(len(ends), 4)
        code, out, _ = run([TRACE, "show", a, "--to", "0ns"])
        self.assertTrue(all(line.startswith("0ns") for line in out.decode().splitlines()))
        code, out, _ = run([TRACE, "show", a, "--model", BRACHA, "--line", "rb.ready[0].chosen"])
        self.assertIn("bracha.rdc.yaml:", out.decode())

    def test_merge_orders_by_time(self):
        # Two nodes' own traces (projections run on their own): disjoint line ends.
        parts = []
        for domain, args in (("node[0]", ["--input", "bc=1"]), ("node[1]", ["--input", "net:rb.send.link[1]=1"])):
            part = os.path.join(self.dir, domain + ".ir")
            code, _, err = run([tool("rdc-project"), BRACHA, "--domain", domain, "-o", part])
            self.assertEqual(code, 0, err)
            parts.append(self.record(domain + ".trace", part, *args))
        a, b = parts
        m = os.path.join(self.dir, "m.trace")
        code, _, err = run([TRACE, "merge", a, b, "-o", m])
        self.assertEqual(code, 0, err)
        _, events = self.events(m)
        self.assertEqual(len(events), len(self.events(a)[1]) + len(self.events(b)[1]))
        times = [e["time_ns"] for e in events]
        self.assertEqual(times, sorted(times))
        m2 = os.path.join(self.dir, "m2.trace")
        run([TRACE, "merge", a, b, "-o", m2])
        self.assertEqual(read_bytes(m), read_bytes(m2))

    def test_exports_are_json(self):
        a = self.record("a.trace", BRACHA, *NET, "--seed", "1")
        code, out, _ = run([TRACE, "export", a, "--format", "chrome"])
        self.assertEqual(code, 0)
        chrome = json.loads(out)
        phases = {e["ph"] for e in chrome["traceEvents"]}
        self.assertTrue({"M", "X", "s", "f"} <= phases)
        for e in chrome["traceEvents"]:
            self.assertTrue({"name", "ph", "pid"} <= set(e))
            if e["ph"] != "M":
                self.assertIn("ts", e)
        processes = {e["args"]["name"] for e in chrome["traceEvents"] if e["name"] == "process_name"}
        self.assertEqual(processes, {f"node[{i}]" for i in range(4)})
        # A track per instance in each domain, named by the instance.
        threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in chrome["traceEvents"] if e["name"] == "thread_name"}
        for e in chrome["traceEvents"]:
            if e["ph"] == "X":
                self.assertEqual(threads[(e["pid"], e["tid"])], e["name"])
        code, out, _ = run([TRACE, "export", a, "--format", "itf"])
        itf = json.loads(out)
        self.assertEqual(itf["#meta"]["format"], "ITF")
        self.assertTrue(itf["vars"])
        self.assertEqual(itf["params"], ["n", "f", "sender"])
        for state in itf["states"]:
            self.assertEqual(set(state) - {"#meta"}, set(itf["vars"]) | set(itf["params"]))
            self.assertEqual(state["n"], {"#bigint": "4"})
        self.assertIn("#bigint", json.dumps(itf["states"][-1]))


class LargeValues(Traces):
    """What a run writes its own readers read back: a tuple of 5,000 items,
    a tuple nested as deep as types go (65), a map of 5,000 entries, and
    values that take more than a chunk's worth of words together. Each was
    refused by every reader (too many items, nesting, traversal limits)."""

    MODEL = """rdc: 1
model: big
system:
  body:
    - for: i in 0..COPIES
      body:
        - Def d[i]:
            x: "SOURCE -> output x[i]"
            y: choose -> output y[i]
"""

    def check_round_trip(self, name, source, copies=1):
        model = os.path.join(self.dir, name + ".rdc.yaml")
        with open(model, "w") as f:
            f.write(self.MODEL.replace("COPIES", str(copies)).replace("SOURCE", source))
        trace = self.record(name + ".trace", model)
        code, out, err = run([TRACE, "show", trace])
        self.assertEqual(code, 0, err)
        self.assertEqual(len(out.decode().splitlines()), 4 * copies)
        code, _, err = run([RUN, model, "--replay", trace])
        self.assertEqual(code, 0, err)
        code, out, err = run([TRACE, "invert", model, trace])
        self.assertEqual(code, 0, err)

    def test_values_as_large_as_a_run_makes_are_read_back(self):
        deep = "Int"
        for _ in range(64):
            deep = f"({deep}, Int)"
        cases = {"tuple": ("input x as (" + ", ".join(["Int"] * 5000) + ")", 1),
                 "deep": (f"input x as {deep}", 1),
                 "map": ("const {" + ", ".join(f"{k}: {k}" for k in range(5000)) + "}", 1),
                 # 150 maps of 5,000 entries: more words (4.5M) than a chunk takes (4M)
                 "chunks": ("const {" + ", ".join(f"{k}: {k}" for k in range(5000)) + "}", 150)}
        for name, (source, copies) in cases.items():
            with self.subTest(value=name):
                self.check_round_trip(name, source, copies)


class BadTraces(Traces):
    def test_a_chunk_claiming_more_than_the_file_holds_is_refused_before_it_is_allocated(self):
        # A segment table of 8 bytes claimed 2^27 - 1 words: a gigabyte allocated, then refused.
        claim = os.path.join(self.dir, "claim.trace")
        with open(claim, "wb") as f:
            f.write((0).to_bytes(4, "little") + (2**27 - 1).to_bytes(4, "little"))
        for args in ([TRACE, "show", claim], [TRACE, "--max-memory", "512M", "show", claim]):
            code, _, err = run(args)
            self.assertEqual(code, 2, err)
            self.assertIn("a chunk claims 134217727 words, more than the file's 8 bytes hold [trace-malformed]", err)
        code, _, err = run([RUN, BRACHA, "--replay", claim])  # (which reads the file whole)
        self.assertEqual(code, 2, err)
        self.assertIn("[trace-malformed]", err)

    def test_truncated_corrupt_and_foreign_files(self):
        a = self.record("a.trace", BRACHA, *NET)
        data = read_bytes(a)
        bad = {"truncated": data[: len(data) // 2], "cut": data[:-8], "junk": os.urandom(2048),
               "empty": b"", "model": read_bytes(BRACHA)}
        for name, content in bad.items():
            path = os.path.join(self.dir, name + ".trace")
            with open(path, "wb") as f:
                f.write(content)
            for cmd in (["show", path], ["diff", path, a], ["invert", BRACHA, path],
                        ["export", path, "--format", "jsonl"], ["merge", path, "-o", os.path.join(self.dir, "x")]):
                with self.subTest(file=name, cmd=cmd[0]):
                    code, _, err = run([TRACE, *cmd])
                    self.assertEqual(code, 2, err)
                    self.assertIn("error:", err)

    def test_show_accepts_the_prefix_of_a_killed_run(self):
        a = self.record("a.trace", BRACHA, *NET, "-D", "n=32")
        data = read_bytes(a)
        path = os.path.join(self.dir, "prefix.trace")
        with open(path, "wb") as f:
            f.write(data[: len(data) * 2 // 3])
        self.assertEqual(run([TRACE, "show", path])[0], 2)
        code, out, err = run([TRACE, "show", "--partial", path])
        self.assertEqual(code, 0, err)
        self.assertIn("cut short", err)
        self.assertTrue(out)

    def test_a_window_that_ends_before_it_begins_is_refused(self):
        a = self.record("a.trace", BRACHA, *NET)
        code, out, err = run([TRACE, "show", a, "--from", "5ms", "--to", "1ms"])
        self.assertEqual(code, 2, err)
        self.assertIn("--from 5ms is after --to 1ms: the window holds no time [usage]", err)
        self.assertFalse(out)

    def test_a_prefix_cut_inside_a_chunk_shows_the_whole_chunks_before(self):
        """Bracha at n=7 makes 1,232 events: one whole chunk of 1,024, then
        one the cut file ends inside, of which some events are lost. The
        library's own complaint about the short read is the warning's to
        explain, not shown beside it."""
        a = self.record("a.trace", BRACHA, *NET, "-D", "n=7")
        path = os.path.join(self.dir, "cut.trace")
        with open(path, "wb") as f:
            f.write(read_bytes(a)[:-120])
        code, out, err = run([TRACE, "show", "--partial", path])
        self.assertEqual(code, 0, err)
        self.assertIn(len(out.decode().splitlines()), range(1024, 1232))
        self.assertIn("inside a chunk of events (a run writes them 1024 at a time), some or all", err)
        self.assertNotIn("[library]", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        exported = os.path.join(self.dir, "cut.jsonl")
        code, _, err = run([TRACE, "export", path, "--format", "jsonl", "-o", exported])
        self.assertEqual(code, 2, err)
        self.assertIn("[trace-malformed]", err)
        self.assertNotIn("[io]", err)  # the trace's fault, not the output file's
        self.assertFalse(os.path.exists(exported))


SCHEMA = os.path.join(ROOT, "ir", "io", "trace.capnp")


def decode(path):
    """A trace's chunks as Cap'n Proto text, one chunk per line (header, events..., footer)."""
    code, out, err = run(["capnp", "decode", "--short", SCHEMA, "TraceChunk"], stdin=read_bytes(path))
    assert code == 0, err
    return out.decode().splitlines()


def encode(chunks, path):
    code, out, err = run(["capnp", "encode", SCHEMA, "TraceChunk"], stdin="\n".join(chunks).encode())
    assert code == 0, err
    with open(path, "wb") as f:
        f.write(out)


def with_end_time(chunks, end):
    """`chunks` with the footer's end time replaced."""
    events = re.search(r"events = (\d+)", chunks[-1])[1]
    return chunks[:-1] + [f"(footer = (events = {events}, endTime = {end}))"]


def patched(chunks, index, old, new, count=1):
    """`chunks` with `old` replaced by `new` in chunk `index` (-1: the footer); `old` must occur."""
    out = list(chunks)
    assert old in out[index], (old, out[index][:200])
    out[index] = out[index].replace(old, new, count)
    return out


class MalformedTraces(Traces):
    """A trace that breaks what the reader promises (ir/io/trace_io.h) is refused by
    every subcommand, exporter and trace-reading tool with exit 2 and a diagnostic."""

    def malformed(self):
        good = self.record("good.trace", BRACHA, *NET, "--seed", "3")
        chunks = decode(good)
        first_path = re.search(r'linePaths = \["([^"]*)"', chunks[0])[1]
        second_path = re.search(r'linePaths = \["[^"]*", "([^"]*)"', chunks[0])[1]
        last_time = re.findall(r"time = (\d+)", chunks[-2])[-1]
        cases = {
            "path-without-dot": patched(chunks, 0, f'"{first_path}"', '"nodot"'),
            "path-with-leading-nul": patched(chunks, 0, f'"{first_path}"', f'"\\x00\\x00{first_path}"'),
            "two-lines-of-one-path": patched(chunks, 0, f'"{second_path}"', f'"{first_path}"'),
            "negative-time": patched(chunks, 1, "time = 0", "time = -5"),
            "int64-max-time": with_end_time(patched(chunks, -2, f"time = {last_time},", "time = 9223372036854775807,"),
                                            9223372036854775807),
            "time-going-back": patched(chunks, 1, "time = 0", "time = 1"),
            "end-before-last-event": with_end_time(chunks, 0),
            "negative-end-time": with_end_time(chunks, -1),
            "value-of-another-type": patched(chunks, 1, "value = (int = 1)", 'value = (bytes = "x")'),
            "line-out-of-range": patched(chunks, 1, "(line = 0,", "(line = 4000000,"),
            "max-live-past-the-flags-range": patched(chunks, 0, "maxLive = 4096,", "maxLive = 4294967295,"),
            "stopped-by-no-name": patched(chunks, -1, "))", ', stoppedBy = "a b"))'),
            "stopped-by-a-name-and-a-nul": patched(chunks, -1, "))", ', stoppedBy = "agreement\\000junk"))'),
            "two-values-for-one-line-end": self.one_end_twice(chunks),
        }
        paths = {}
        for name, text in cases.items():
            paths[name] = os.path.join(self.dir, name + ".trace")
            encode(text, paths[name])
        return good, paths

    @staticmethod
    def one_end_twice(chunks):
        """The first event's line end again, in place of a later event of the same end kind and value."""
        events = re.findall(r"\(line = (\d+), output = (true|false), time = \d+, how = \w+, value = (\([^)]*\))", chunks[1])
        line, output, value = events[0]
        later = next(e for e in events[1:] if e[1] == output and e[2] == value and e[0] != line)
        text = chunks[1].replace(f"(line = {later[0]}, output = {output},", f"(line = {line}, output = {output},", 1)
        return chunks[:1] + [text] + chunks[2:]

    def test_library_wording_and_raw_bytes_stay_out_of_diagnostics(self):
        # Cap'n Proto's "expected COND [VALUES]; MESSAGE": only MESSAGE is shown.
        for name, data in (("zeros", bytes(4096)), ("segments", b"\xff\xff\x00\x00" + bytes(60))):
            with self.subTest(name):
                path = os.path.join(self.dir, name + ".trace")
                with open(path, "wb") as f:
                    f.write(data)
                code, _, err = run([TRACE, "show", path])
                self.assertEqual(code, 2, err)
                self.assertIn("[trace-malformed]", err)
                self.assertNotIn("expected ", err)
                self.assertNotRegex(err, r"[\x00-\x09\x0b-\x1f\x7f]")

    def test_a_merge_of_overlapping_traces_is_refused(self):
        good = self.record("good.trace", BRACHA, *NET, "--seed", "3")
        twice = os.path.join(self.dir, "twice.trace")
        code, _, err = run([TRACE, "merge", good, good, "-o", twice])
        self.assertEqual(code, 2, err)
        self.assertIn("a second value", err)
        # A failed merge leaves no half-written file, nor a temporary one, and
        # a file it would have replaced stays as it was.
        self.assertEqual(os.listdir(self.dir), ["good.trace"])
        with open(twice, "wb") as f:
            f.write(b"before")
        self.assertEqual(run([TRACE, "merge", good, good, "-o", twice])[0], 2)
        self.assertEqual(read_bytes(twice), b"before")
        self.assertEqual(run([TRACE, "merge", good, "-o", twice])[0], 0)
        self.assertEqual(run([TRACE, "show", twice])[0], 0)

    def every_reader(self, good, path, model=BRACHA):
        """Every command that reads `path` (a trace of `model`), by name."""
        out = os.path.join(self.dir, "out")
        return {
            "show": [TRACE, "show", path], "show --json": [TRACE, "show", "--json", path],
            "show --partial": [TRACE, "show", "--partial", path],
            "diff": [TRACE, "diff", good, path], "invert": [TRACE, "invert", model, path],
            "merge": [TRACE, "merge", path, "-o", out], "export jsonl": [TRACE, "export", path, "--format", "jsonl"],
            "export chrome": [TRACE, "export", path, "--format", "chrome"],
            "export itf": [TRACE, "export", path, "--format", "itf"],
            "replay": [RUN, model, "--replay", path], "dot": [DOT, model, "--trace", path],
        }

    def test_every_reader_refuses_each_malformed_trace(self):
        good, paths = self.malformed()
        for name, path in paths.items():
            for what, cmd in self.every_reader(good, path).items():
                with self.subTest(trace=name, cmd=what):
                    code, _, err = run(cmd)
                    self.assertEqual(code, 2, err)
                    self.assertRegex(err, r"error: .*\[trace-malformed\]")
                    self.assertNotIn("kj/", err)

    def test_events_past_the_headers_iterations_are_refused_by_every_reader(self):
        """A header edited to let fewer iterations begin than its events are in."""
        stream = example("rb-stream")
        good = self.record("stream.trace", stream, "--iterations", "4")
        chunks = decode(good)
        self.assertIn('"rb[3].', "\n".join(chunks[1:]))  # iteration 3's lines are added as it begins
        for iterations, expected in ((3, r"an event on rb\[3\]\.\S+ at \d+ ns, in iteration 3, but the header's "
                                         r"`iterations` lets only 3 begin"),
                                     (0, r"an `iterations` of 0")):
            path = os.path.join(self.dir, f"iterations{iterations}.trace")
            encode(patched(chunks, 0, "iterations = 4,", f"iterations = {iterations},"), path)
            for what, cmd in self.every_reader(good, path, stream).items():
                with self.subTest(iterations=iterations, cmd=what):
                    code, _, err = run(cmd)
                    self.assertEqual(code, 2, err)
                    self.assertRegex(err, r"error: not a valid rdc trace: " + expected + r".*\[trace-malformed\]")
        # The window's iterations (0 to 2) are in the header's table: a
        # replay, which knows the model, refuses events in iteration 2 of a
        # trace whose header lets 2 begin.
        path = os.path.join(self.dir, "window.trace")
        three = self.record("three.trace", stream, "--iterations", "3")
        encode(patched(decode(three), 0, "iterations = 3,", "iterations = 2,"), path)
        code, _, err = run([RUN, stream, "--replay", path])
        self.assertEqual(code, 2, err)
        self.assertRegex(err, r"it records an event in iteration 2, where its `iterations` lets only 2 begin "
                              r"\(rb\[2\]\.\S+ at .*\[trace-contradiction\]")

    def test_a_replay_refuses_a_footer_naming_a_check_no_run_takes_as_an_invariant(self):
        """A footer edited to say an invariant stopped the run: a check the
        model lacks, or one over the unbounded box's iterations (which
        --invariant refuses), is the trace's fault, not a flag's."""
        stream = example("rb-stream")
        chunks = decode(self.record("stream.trace", stream, "--iterations", "4"))
        for name, why in (("agreement", "a check over the iterations of the unbounded `for: k in 0..`"),
                          ("nosuch", "a check this model does not have")):
            with self.subTest(check=name):
                path = os.path.join(self.dir, name + ".trace")
                encode(patched(chunks, -1, "))", f', stoppedBy = "{name}"))'), path)
                code, _, err = run([RUN, stream, "--replay", path])
                self.assertEqual(code, 2, err)
                self.assertIn(f"stopped by its invariant '{name}', {why}", err)
                self.assertNotIn("--invariant:", err)

    def test_the_good_trace_passes_every_reader(self):
        good, _ = self.malformed()
        for fmt in ("jsonl", "chrome", "itf"):
            code, _, err = run([TRACE, "export", good, "--format", fmt])
            self.assertEqual(code, 0, err)
        self.assertEqual(run([TRACE, "diff", good, good])[0], 0)


if __name__ == "__main__":
    unittest.main()
