"""Every JSON the tools print is valid UTF-8 JSON whatever the names in it hold.

Check, output, instance (so line path) and model names and file names carry a
quote, a backslash, a control character, non-ASCII and a byte that is not
UTF-8 through `rdc-run --json`, `rdc-trace show --json`, every export and
`--diagnostics=json`; Python's json module, on strictly decoded UTF-8, is the
judge. The YAML front end only takes identifiers, so the names are patched
into the IR as Cap'n Proto text; a byte that is not UTF-8 comes out as U+FFFD.
"""
import json
import os
import subprocess
import unittest

from rdctest import ROOT, TempDir, run, tool

LINT, RUN, TRACE = tool("rdc-lint"), tool("rdc-run"), tool("rdc-trace")
IR_SCHEMA = os.path.join(ROOT, "ir", "io", "rdc_ir.capnp")

# A hostile name as Cap'n Proto text, and what a JSON reader must get back;
# an instance's without the control character, which trace readers refuse in
# line paths.
HOSTILE = r'q\"b\\s\x01' + "é" + r"\xff"
DECODED = 'q"b\\s\x01é\ufffd'
PATH_HOSTILE, PATH_DECODED = HOSTILE.replace(r"\x01", ""), DECODED.replace("\x01", "")

MODEL = """rdc: 1
model: m
system:
  body:
    - Sum s:
        x: input a as Int -> output total
        y: input b as Int -> drop
checks:
  big: a > 100
"""


def strict_json(data):
    """Parses bytes as JSON after decoding them as UTF-8, refusing any invalid byte."""
    return json.loads(data.decode("utf-8"))


def patched(text, old, new):
    assert old in text, old
    return text.replace(old, new, 1)


class HostileNames(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.dir = self.tmp.__enter__()
        self.ir = self.hostile_ir()

    def tearDown(self):
        self.tmp.__exit__(None, None, None)

    def hostile_ir(self):
        """The model above with every name it carries made hostile."""
        source, ir = os.path.join(self.dir, "m.rdc.yaml"), os.path.join(self.dir, "m.ir")
        with open(source, "w", encoding="utf-8") as f:
            f.write(MODEL)
        code, _, err = run([LINT, source, "-o", ir])
        self.assertEqual(code, 0, err)
        with open(ir, "rb") as f:
            code, out, err = run(["capnp", "decode", "--short", IR_SCHEMA, "IrFile"], stdin=f.read())
        self.assertEqual(code, 0, err)
        text = out.decode("utf-8")
        for old, new in (('model = (name = "m"', 'model = (name = "model ' + HOSTILE + '"'),
                         ('checks = [(name = "big"', 'checks = [(name = "check ' + HOSTILE + '"'),
                         ('outputs = [(name = "total"', 'outputs = [(name = "output ' + HOSTILE + '"'),
                         ('segments = ["s"', 'segments = ["instance ' + PATH_HOSTILE + '"')):
            text = patched(text, old, new)
        code, out, err = run(["capnp", "encode", IR_SCHEMA, "IrFile"], stdin=text.encode("utf-8"))
        self.assertEqual(code, 0, err)
        with open(ir, "wb") as f:
            f.write(out)
        return ir

    def json_of(self, cmd, code_wanted=0):
        code, out, err = run(cmd)
        self.assertEqual(code, code_wanted, err)
        return strict_json(out)

    def test_run_results(self):
        doc = self.json_of([RUN, self.ir, "--input", "a=1", "--input", "b=2", "--json"], 1)
        self.assertEqual(doc["outputs"], {"output " + DECODED: {"value": "1", "time_ns": 0}})
        self.assertEqual(list(doc["checks"]), ["check " + DECODED])
        self.assertFalse(doc["checks"]["check " + DECODED]["pass"])
        summary = self.json_of([RUN, self.ir, "--input", "a=1", "--input", "b=2", "--seeds", "0..1", "--json"], 1)
        self.assertEqual([f["seed"] for f in summary["failed"]], [0, 1])
        self.assertTrue(summary["failed"][0]["why"].startswith("check " + DECODED + ": "))

    def test_trace_listing_and_exports(self):
        trace = os.path.join(self.dir, "m.trace")
        self.json_of([RUN, self.ir, "--input", "a=1", "--input", "b=2", "--trace", trace, "--json"], 1)
        instance = "instance " + PATH_DECODED
        paths = {instance + ".x", instance + ".y"}
        rows = self.json_of([TRACE, "show", "--json", trace])
        self.assertEqual({r["line"] for r in rows}, paths)
        code, out, err = run([TRACE, "export", trace, "--format", "jsonl"])
        self.assertEqual(code, 0, err)
        lines = [strict_json(line) for line in out.splitlines()]
        self.assertEqual(lines[0]["header"]["model"], "model " + DECODED)
        self.assertEqual({r["line"] for r in lines[1:]}, paths)
        chrome = self.json_of([TRACE, "export", trace, "--format", "chrome"])
        firing = [e for e in chrome["traceEvents"] if e["ph"] == "X"]
        self.assertEqual([e["name"] for e in firing], [instance])
        self.assertEqual(firing[0]["args"], {"x'": "1", "y'": "3"})
        itf = self.json_of([TRACE, "export", trace, "--format", "itf"])
        self.assertEqual(itf["#meta"]["source"], "model " + DECODED)
        self.assertEqual(set(itf["vars"]), paths)
        self.assertEqual(itf["states"][-1][instance + ".y"], {"tag": "Some", "value": {"#bigint": "3"}})

    def test_diagnostics(self):
        # A file name and a key that the message quotes, both hostile.
        path = os.path.join(self.dir, 'bad "q\\ é \x01 ').encode() + b"\xff.rdc.yaml"
        with open(path, "wb") as f:
            f.write('rdc: 1\n"k\\"\\\\\\x01é": 1\n'.encode("utf-8"))
        for cmd in ([LINT, path, "--diagnostics=json"], [RUN, path, "--diagnostics=json"]):
            with self.subTest(tool=os.path.basename(cmd[0])):
                proc = subprocess.run(cmd, capture_output=True, timeout=60)
                self.assertEqual(proc.returncode, 2)
                diagnostics = strict_json(proc.stderr)
                self.assertEqual(diagnostics[0]["file"], os.path.join(self.dir, 'bad "q\\ é \x01 \ufffd.rdc.yaml'))
                self.assertEqual((diagnostics[0]["line"], diagnostics[0]["col"]), (2, 2))
                self.assertIn("'k\"\\\x01é'", diagnostics[0]["message"])
        # As text, the same diagnostic shows the file name's control byte escaped, never raw.
        proc = subprocess.run([LINT, path], capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertNotIn(b"\x01", proc.stderr)
        self.assertIn(b"bad \"q", proc.stderr)


if __name__ == "__main__":
    unittest.main()
