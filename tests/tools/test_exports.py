"""Every export read by a real client, for every value a trace can hold.

Random values of every type (Bytes with every byte 0..255, extreme Ints and
Durations, nested tuples, Maps, options) travel over Links and are exported
in every format; each export is then read as its consumers would: Python's
json on strictly decoded UTF-8, Chrome DevTools' trace engine (node, when
installed: .ci/setup installs it and sets RDC_REAL_CLIENTS=1, so CI never
skips it) and a strict checker of the trace-event rules a viewer relies on,
Graphviz for the DOT overlay. What each export must say is worked out here,
independently of the exporters, from the values fed in.
"""
import json
import os
import random
import shutil
import subprocess
import unittest
import xml.etree.ElementTree as ElementTree

from rdctest import ROOT, TempDir, example, jsonl_parts, run, tool

LINT, RUN, TRACE, DOT = tool("rdc-lint"), tool("rdc-run"), tool("rdc-trace"), tool("rdc-dot")
BRACHA = example("bracha")
CLIENTS = os.path.join(ROOT, "tests", "tools", "clients")
IR_SCHEMA = os.path.join(ROOT, "ir", "io", "rdc_ir.capnp")
INT64_MAX = 2**63 - 1
SAFE = 2**53


def strict_json(data):
    """Parses bytes as JSON after decoding them as UTF-8, refusing any invalid byte."""
    return json.loads(data.decode("utf-8"))


# Values in Python: int, bool, bytes, Duration, tuple, dict (a Map), None (nil).
class Duration(int):
    pass


def spell(v):
    """The expression language's spelling of a value, as docs/reference.md gives it."""
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Duration):
        for scale, unit in ((10**9, "s"), (10**6, "ms"), (10**3, "us")):
            if v != 0 and v % scale == 0:
                return f"{v // scale}{unit}"
        return f"{int(v)}ns"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, bytes):
        out = ""
        for b in v:
            c = chr(b)
            out += "\\" + c if c in '"\\' else c if 0x20 <= b < 0x7F else f"\\x{b:02x}"
        return '"' + out + '"'
    if isinstance(v, tuple):
        return "(" + ", ".join(spell(x) for x in v) + ")"
    return "{" + ", ".join(f"{spell(k)}: {spell(v[k])}" for k in sorted(v)) + "}"


def itf(v, optional):
    """ITF as docs/tools.md gives it; `optional(path)` says where the line's type is an Opt."""

    def walk(v, path):
        if v is None:
            return {"tag": "None", "value": {"#tup": []}}
        if isinstance(v, bool):
            out = v
        elif isinstance(v, int):
            out = {"#bigint": str(int(v))}
        elif isinstance(v, bytes):
            out = v.hex()
        elif isinstance(v, tuple):
            out = {"#tup": [walk(x, path + (k,)) for k, x in enumerate(v)]}
        else:
            out = {"#map": [[walk(k, path + ("key",)), walk(v[k], path + ("value",))] for k in sorted(v)]}
        return {"tag": "Some", "value": out} if optional(path) else out

    return walk(v, ())


def random_bytes(rnd):
    return bytes(rnd.randrange(256) for _ in range(rnd.randrange(6)))


def extreme_int(rnd):
    return rnd.choice([0, 1, -1, INT64_MAX, -INT64_MAX, SAFE, SAFE + 1, -SAFE - 1, rnd.randrange(-INT64_MAX, INT64_MAX)])


# Each carried type: its name, a generator, and where its values may be nil.
TYPES = [
    ("Int", extreme_int, ()),
    ("Duration", lambda r: Duration(r.choice([0, 1, 999, 1000, 1500, 10**9, INT64_MAX, r.randrange(INT64_MAX)])), ()),
    ("Bool", lambda r: r.random() < 0.5, ()),
    ("Bytes", random_bytes, ()),
    ("(Int, Bytes, (Bool, Duration))",
     lambda r: (extreme_int(r), random_bytes(r), (r.random() < 0.5, Duration(r.randrange(INT64_MAX)))), ()),
    ("Map<Int, Bytes>", lambda r: {extreme_int(r): random_bytes(r) for _ in range(r.randrange(4))}, ()),
    ("Opt<Int>", lambda r: None if r.random() < 0.5 else extreme_int(r), ((),)),
    ("Map<Int, Opt<(Int, Bytes)>>",
     lambda r: {extreme_int(r): None if r.random() < 0.5 else (extreme_int(r), random_bytes(r))
                for _ in range(r.randrange(4))}, (("value",),)),
]


def carrier_model():
    """One Link per type, node[0] to node[1], and a wire from each to a Def
    (whose label the DOT overlay gives the value): each value is sent,
    delivered and output."""
    body = ""
    for k, (name, _, _) in enumerate(TYPES):
        body += (f"    - Link l{k} @ node[0]:\n        snd: input v{k} as {name} @ node[0] -> drop\n"
                 f"        rcv: choose -> w{k}\n"
                 f"    - Def d{k} @ node[1]:\n        x: w{k} -> output o{k} @ node[1]\n        y: choose -> drop\n")
    return "rdc: 1\nmodel: carriers\ndomains: {node: 2}\nsystem:\n  body:\n" + body


def nil_paths(v, path=()):
    """Where a value holds nil: there a trace shows its line's type is an Opt."""
    if v is None:
        return {path}
    if isinstance(v, tuple):
        return set().union(*(nil_paths(x, path + (k,)) for k, x in enumerate(v)))
    if isinstance(v, dict):
        return set().union(*(nil_paths(k, path + ("key",)) | nil_paths(x, path + ("value",)) for k, x in v.items()))
    return set()


def overlapping_slices(events):
    """Pairs of X slices on one track (pid, tid) that overlap without nesting."""
    tracks = {}
    for e in events:
        if e["ph"] == "X":
            tracks.setdefault((e["pid"], e["tid"]), []).append(e)
    bad = []
    for slices in tracks.values():
        open_ = []  # the enclosing slices, innermost last
        for s in sorted(slices, key=lambda e: (e["ts"], -e["dur"])):
            end = s["ts"] + s["dur"]
            while open_ and open_[-1]["ts"] + open_[-1]["dur"] <= s["ts"]:
                open_.pop()
            if open_ and end > open_[-1]["ts"] + open_[-1]["dur"]:
                bad.append((open_[-1], s))
            open_.append(s)
    return bad


def unbound_flow_ends(events):
    """Flow ends that bind to no slice by the rule Chrome's trace engine applies:
    a slice (X) with the same ts, pid, tid and cat."""
    slices = {(e["ts"], e["pid"], e["tid"], e["cat"]) for e in events if e["ph"] == "X"}
    return [e for e in events if e["ph"] in "sf" and (e["ts"], e["pid"], e["tid"], e["cat"]) not in slices]


def trace_engine_flows(test, path):
    """The flows Chrome DevTools' trace engine binds in a Chrome export, or skips
    (never when RDC_REAL_CLIENTS=1) when node or the engine is missing."""
    engine = os.path.join(CLIENTS, "node_modules", "@paulirish", "trace_engine")
    node = shutil.which("node")
    if not node or not os.path.isdir(engine):
        if os.environ.get("RDC_REAL_CLIENTS") == "1":
            test.fail("node or Chrome's trace engine is missing: .ci/setup installs them")
        test.skipTest("node or Chrome's trace engine is missing (npm ci --prefix tests/tools/clients)")
    proc = subprocess.run([node, os.path.join(CLIENTS, "chrome_flows.mjs"), path], capture_output=True, timeout=120)
    test.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
    return strict_json(proc.stdout)["flows"]


class Exports(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.dir = self.tmp.__enter__()

    def tearDown(self):
        self.tmp.__exit__(None, None, None)

    def path(self, name):
        return os.path.join(self.dir, name)

    def export(self, trace, fmt):
        code, out, err = run([TRACE, "export", trace, "--format", fmt])
        self.assertEqual(code, 0, err)
        return out

    def check_chrome(self, trace):
        """The Chrome export of `trace` as a viewer needs it; returns its events."""
        out = self.export(trace, "chrome")
        events = strict_json(out)["traceEvents"]
        self.assertEqual(overlapping_slices(events), [])
        self.assertEqual(unbound_flow_ends(events), [])
        starts = {e["id"]: e for e in events if e["ph"] == "s"}
        ends = {e["id"]: e for e in events if e["ph"] == "f"}
        self.assertEqual(set(starts), set(ends))
        path = self.path("chrome.json")
        with open(path, "wb") as f:
            f.write(out)
        flows = trace_engine_flows(self, path)
        self.assertEqual(len(flows), len(starts), "Chrome's trace engine binds every flow")
        bound = sorted((a[1], a[2], a[3], b[1], b[2], b[3]) for a, b in flows)
        wanted = sorted((starts[i]["ts"], starts[i]["pid"], starts[i]["tid"], ends[i]["ts"], ends[i]["pid"],
                         ends[i]["tid"]) for i in starts)
        self.assertEqual(bound, wanted)
        self.assertTrue(all(a[4] == "X" and b[4] == "X" for a, b in flows))
        return events

    def test_random_values_of_every_type_through_every_exporter(self):
        model = self.path("carriers.rdc.yaml")
        with open(model, "w", encoding="utf-8") as f:
            f.write(carrier_model())
        rnd = random.Random(18)
        # Every byte 0..255 goes through a Bytes line at least once.
        every_byte = bytes(range(256))
        for case in range(8):
            values = [gen(rnd) for _, gen, _ in TYPES]
            if case == 0:
                values[3] = every_byte
            with self.subTest(case=case, values=[spell(v) for v in values]):
                trace = self.path(f"c{case}.trace")
                inputs = [a for k, v in enumerate(values) for a in ("--input", f"v{k}={spell(v)}")]
                code, _, err = run([RUN, model, *inputs, "--latency", "uniform:1ms..5ms", "--seed", str(case),
                                    "--trace", trace])
                self.assertEqual(code, 0, err)
                self.check_values(model, trace, values)

    def check_values(self, model, trace, values):
        delivered = {f"l{k}.rcv": v for k, v in enumerate(values)}
        # JSON Lines: every event's value spelled as the language spells it.
        _, rows, _ = jsonl_parts(self.export(trace, "jsonl"), strict_json)
        outs = {r["line"]: r["value"] for r in rows if r["end"] == "out"}
        for line, v in delivered.items():
            self.assertEqual(outs[line], spell(v))
        # ITF: typed values, each variable an option of one shape in every state.
        doc = strict_json(self.export(trace, "itf"))
        last = doc["states"][-1]
        # The trace holds one value per line: where it is nil, the line is an Opt.
        for k, v in enumerate(values):
            nil_at = nil_paths(v)
            wanted = itf(v, lambda path: path in nil_at)
            self.assertEqual(last[f"l{k}.rcv"], {"tag": "Some", "value": wanted}, TYPES[k][0])
        self.assertEqual(doc["states"][0]["l0.rcv"], {"tag": "None", "value": {"#tup": []}})
        for state in doc["states"]:
            self.assertEqual(set(state) - {"#meta"}, set(doc["vars"]))
        # Chrome: the delivery's slice carries the value; flows bind.
        events = self.check_chrome(trace)
        args = {}
        for e in events:
            if e["ph"] == "X":
                args.update({e["name"] + "." + k[:-1]: v for k, v in e["args"].items()})
        for line, v in delivered.items():
            self.assertEqual(args[line], spell(v))
        # DOT: Graphviz parses the overlay and shows each value as it is spelled.
        labels = self.dot_texts(model, trace)
        for v in values:
            self.assertIn(spell(v), labels)

    def dot_texts(self, model, trace):
        code, text, err = run([DOT, model, "--trace", trace])
        self.assertEqual(code, 0, err)
        code, svg, err = run(["dot", "-Tsvg"], stdin=text)
        self.assertEqual((code, err), (0, ""))
        root = ElementTree.fromstring(svg)
        return ["".join(t.itertext()).replace("\u00a0", " ")
                for t in root.iter("{http://www.w3.org/2000/svg}text")]

    def test_bracha_slices_never_overlap_and_every_flow_binds(self):
        # The case: latencies 1..3 µs apart put firings less than 1 µs apart.
        for args in (["--latency", "uniform:1000us..1003us", "--seed", "0"],
                     ["--latency", "uniform:1ms..10ms", "--byzantine", "node[0]", "--seed", "3"]):
            with self.subTest(args=args):
                trace = self.path("b.trace")
                code, _, err = run([RUN, BRACHA, "--input", "bc=1", *args, "--trace", trace])
                self.assertIn(code, (0, 1), err)
                events = self.check_chrome(trace)
                self.assertGreater(sum(e["ph"] == "s" for e in events), 10)

    def test_big_seeds_are_strings_and_the_header_reproduces_the_run(self):
        seed = 2**64 - 1
        trace, again = self.path("a.trace"), self.path("b.trace")
        code, out, err = run([RUN, BRACHA, "--seed", str(seed), "-D", "sender=1", "--latency", "uniform:1ms..3ms",
                              "--input", "bc=5", "--force", "rb.send.link[2].rcv=7", "--crash", "node[3]@4ms",
                              "--crash", "node[3]@9ms", "--byzantine", "node[2]", "--byzantine", "node[2]",
                              "--until", "1s", "--trace", trace, "--json"])
        self.assertIn(code, (0, 1), err)
        self.assertEqual(strict_json(out)["seed"], str(seed))
        header = strict_json(self.export(trace, "jsonl").splitlines()[0])["header"]
        self.assertEqual(header["seed"], str(seed))
        # A fault given twice is in the header once, as the run took it: the earlier crash.
        self.assertEqual(header["crashes"], {"node[3]": "4ms"})
        self.assertEqual(header["byzantine"], ["node[2]"])
        self.assertEqual(strict_json(self.export(trace, "itf"))["#meta"]["run"], header)
        # The header alone says how to make the run again.
        faults = self.path("faults.json")  # JSON is YAML
        with open(faults, "w", encoding="utf-8") as f:
            json.dump({"inputs": header["inputs"], "force": header["forces"], "latency": header["latency"],
                       "links": header["links"], "crash": header["crashes"], "byzantine": header["byzantine"],
                       "lies": header["lies"]}, f)
        command = [RUN, BRACHA, "--seed", str(int(header["seed"])), "--faults", faults, "--trace", again]
        command += [a for k, v in header["params"].items() for a in ("-D", f"{k}={v}")]
        if header["until_ns"] is not None:
            command += ["--until", f"{int(header['until_ns'])}ns"]
        if header["iterations"] is not None:
            command += ["--iterations", str(int(header["iterations"]))]
        command += ["--max-live", str(header["max_live"])]
        code, _, err = run(command)
        self.assertIn(code, (0, 1), err)
        self.assertEqual(self.export(again, "jsonl"), self.export(trace, "jsonl"))
        code, out, err = run([TRACE, "diff", trace, again])
        self.assertEqual(code, 0, out)

    def test_seed_sweep_json_keeps_big_seeds_exact(self):
        first = 2**64 - 3
        code, out, err = run([RUN, BRACHA, "--input", "bc=1", "--byzantine", "node[0]", "--byzantine", "node[1]",
                              "--seeds", f"{first}..{2**64 - 1}", "--json"])
        self.assertIn(code, (0, 1), err)
        for failure in strict_json(out)["failed"]:
            self.assertIsInstance(failure["seed"], str)
            self.assertIn("--seed " + failure["seed"], failure["repro"])


class DotEscaping(unittest.TestCase):
    """Names patched into the IR (the YAML front end takes identifiers only)
    carry every character DOT, HTML-like labels or Graphviz treat specially:
    an instance's (in an HTML-like label; IR readers refuse control
    characters and dots there) and an output's (in a plain label)."""

    ALPHABET = ['\\', '"', '{', '}', '|', '<', '>', '&', ';', '#', ' ', '\n', '\t', '\x01', 'é', 'a', 'N', 'n',
                '[', ']', ':', "'", '&amp;', '\\n', '\\N', '<br/>', '&#92;']

    def capnp_text(self, s):
        """Cap'n Proto text for `s`, whose lone surrogates U+DC80..U+DCFF stand for raw bytes."""

        def escaped(c):
            if 0xDC80 <= ord(c) <= 0xDCFF:
                return f"\\x{ord(c) - 0xDC00:02x}"
            if c.isascii() and c.isprintable() and c not in '"\\':
                return c
            return "".join(f"\\x{b:02x}" for b in c.encode())

        return "".join(escaped(c) for c in s)

    def shown(self, s):
        """What a reader sees: control characters as their control pictures."""
        return "".join(chr(0x2400 + ord(c)) if ord(c) < 0x20 and c != "\n" else c for c in s)

    def test_random_names_render_and_read_back(self):
        rnd = random.Random(7)
        with TempDir() as d:
            source, ir = os.path.join(d, "m.rdc.yaml"), os.path.join(d, "m.ir")
            with open(source, "w", encoding="utf-8") as f:
                f.write("rdc: 1\nmodel: m\nsystem:\n  body:\n    - Sum s:\n"
                        "        x: input a as Int -> output total\n        y: input b as Int -> drop\n")
            code, _, err = run([LINT, source, "-o", ir])
            self.assertEqual(code, 0, err)
            with open(ir, "rb") as f:
                code, decoded, err = run(["capnp", "decode", "--short", IR_SCHEMA, "IrFile"], stdin=f.read())
            self.assertEqual(code, 0, err)
            names = ["".join(rnd.choice(self.ALPHABET) for _ in range(rnd.randrange(1, 12))) for _ in range(12)]
            names += ["\\", '"}', '"\\\\"', "a\\", "x" + b"\xff\xfe".decode("utf-8", "surrogateescape") + "y"]
            for name in names:
                with self.subTest(name=name):
                    segment = "".join(c for c in name if c >= " ")
                    text = decoded.decode().replace('segments = ["s"', f'segments = ["{self.capnp_text(segment)}"', 1)
                    text = text.replace('outputs = [(name = "total"', f'outputs = [(name = "{self.capnp_text(name)}"', 1)
                    code, out, err = run(["capnp", "encode", IR_SCHEMA, "IrFile"], stdin=text.encode())
                    self.assertEqual(code, 0, err)
                    patched = os.path.join(d, "p.ir")
                    with open(patched, "wb") as f:
                        f.write(out)
                    code, dot, err = run([DOT, patched, "--flat"])
                    self.assertEqual(code, 0, err)
                    code, svg, err = run(["dot", "-Tsvg"], stdin=dot)
                    self.assertEqual((code, err), (0, ""))
                    texts = ["".join(t.itertext()).replace("\u00a0", " ")
                             for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
                    # A line break splits a label into one text element per line.
                    for shown in (self.shown(segment), self.shown(name)):
                        for part in shown.replace("\udcff\udcfe", "\ufffd\ufffd").split("\n"):
                            if part.strip():
                                self.assertTrue(any(part.strip() in t for t in texts), (part, texts))

if __name__ == "__main__":
    unittest.main()
