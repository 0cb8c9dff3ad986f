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
import select
import shutil
import subprocess
import time
import unittest

from rdctest import ROOT, TempDir, jsonl_parts, run, tool

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
        """The model above with every name it carries made hostile (but its check's: an IR's check
        names are identifiers, as in YAML, and refused otherwise)."""
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
        self.assertEqual(list(doc["checks"]), ["big"])
        self.assertFalse(doc["checks"]["big"]["pass"])
        summary = self.json_of([RUN, self.ir, "--input", "a=1", "--input", "b=2", "--seeds", "0..1", "--json"], 1)
        self.assertEqual([f["seed"] for f in summary["failed"]], [0, 1])
        self.assertTrue(summary["failed"][0]["why"].startswith("big: "))

    def test_trace_listing_and_exports(self):
        trace = os.path.join(self.dir, "m.trace")
        self.json_of([RUN, self.ir, "--input", "a=1", "--input", "b=2", "--trace", trace, "--json"], 1)
        instance = "instance " + PATH_DECODED
        paths = {instance + ".x", instance + ".y"}
        rows = self.json_of([TRACE, "show", "--json", trace])
        self.assertEqual({r["line"] for r in rows}, paths)
        code, out, err = run([TRACE, "export", trace, "--format", "jsonl"])
        self.assertEqual(code, 0, err)
        header, rows, _ = jsonl_parts(out, strict_json)
        self.assertEqual(header["model"], "model " + DECODED)
        self.assertEqual({r["line"] for r in rows}, paths)
        chrome = self.json_of([TRACE, "export", trace, "--format", "chrome"])
        firing = [e for e in chrome["traceEvents"] if e["ph"] == "X"]
        self.assertEqual([e["name"] for e in firing], [instance])
        self.assertEqual(firing[0]["args"], {"x'": "1", "y'": "3"})
        itf = self.json_of([TRACE, "export", trace, "--format", "itf"])
        self.assertEqual(itf["#meta"]["source"], "model " + DECODED)
        self.assertEqual(set(itf["vars"]), paths)
        self.assertEqual(itf["states"][-1][instance + ".y"], {"tag": "Some", "value": {"#bigint": "3"}})

    def test_diagnostics(self):
        # A file name and a key that the message quotes, both hostile (a
        # key's control character is refused before any message quotes it).
        path = os.path.join(self.dir, 'bad "q\\ é \x01 ').encode() + b"\xff.rdc.yaml"
        with open(path, "wb") as f:
            f.write('rdc: 1\n"k\\"\\\\é": 1\n'.encode("utf-8"))
        for cmd in ([LINT, path, "--diagnostics=json"], [RUN, path, "--diagnostics=json"]):
            with self.subTest(tool=os.path.basename(cmd[0])):
                proc = subprocess.run(cmd, capture_output=True, timeout=60)
                self.assertEqual(proc.returncode, 2)
                diagnostics = strict_json(proc.stderr)
                self.assertEqual(diagnostics[0]["file"], os.path.join(self.dir, 'bad "q\\ é \x01 \ufffd.rdc.yaml'))
                self.assertEqual((diagnostics[0]["line"], diagnostics[0]["col"]), (2, 2))
                self.assertIn("'k\"\\é'", diagnostics[0]["message"])
        # As text, the same diagnostic shows the file name's control byte escaped, never raw.
        proc = subprocess.run([LINT, path], capture_output=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertNotIn(b"\x01", proc.stderr)
        self.assertIn(b"bad \"q", proc.stderr)


SCHEMA = os.path.join(ROOT, "ir", "model", "schema", "rdc-model.schema.json")


def language_server():
    """The yaml-language-server command: $RDC_YAML_LANGUAGE_SERVER, or on PATH
    (.ci/setup installs it with npm)."""
    return os.environ.get("RDC_YAML_LANGUAGE_SERVER") or shutil.which("yaml-language-server")


class LanguageServer:
    """yaml-language-server driven over LSP on stdio, as an editor drives it."""

    def __init__(self, command):
        self.process = subprocess.Popen([command, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.next_id = 0
        self.notifications = []

    def close(self):
        self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()

    def send(self, message):
        body = json.dumps(dict(jsonrpc="2.0", **message)).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self, deadline):
        ready, _, _ = select.select([self.process.stdout], [], [], max(0, deadline - time.monotonic()))
        if not ready:
            raise TimeoutError("yaml-language-server said nothing")
        length = None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise EOFError("yaml-language-server ended")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.process.stdout.read(length))

    def request(self, method, params, timeout=30):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            message = self.receive(deadline)
            if message.get("id") == self.next_id and "method" not in message:
                return message.get("result")
            if "method" in message and "id" in message:  # the server asks (configuration): no settings
                self.send({"id": message["id"], "result": [None] * len(message["params"].get("items", [1]))})
            elif "method" in message:
                self.notifications.append(message)

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def diagnostics(self, uri, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for n in self.notifications:
                if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri:
                    if n["params"]["diagnostics"]:
                        return n["params"]["diagnostics"]
            message = self.receive(deadline)
            if "method" in message and "id" in message:
                self.send({"id": message["id"], "result": [None] * len(message["params"].get("items", [1]))})
            elif "method" in message:
                self.notifications.append(message)


@unittest.skipUnless(shutil.which("node"), "node is not installed")
class EditorSchema(unittest.TestCase):
    """The model schema as an editor sees it through yaml-language-server:
    component names complete, and a malformed name reads as a sentence."""

    def setUp(self):
        command = language_server()
        self.assertTrue(command, "yaml-language-server is not installed (npm install -g yaml-language-server)")
        self.server = LanguageServer(command)
        self.addCleanup(self.server.close)
        self.server.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {
            "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}}}})
        self.server.notify("initialized", {})
        self.server.notify("workspace/didChangeConfiguration", {"settings": {"yaml": {
            "validate": True, "completion": True, "schemas": {}}}})

    def open(self, directory, text):
        path = os.path.join(directory, "m.rdc.yaml")
        with open(path, "w") as f:
            f.write(text)
        uri = "file://" + path
        header = "# yaml-language-server: $schema=file://" + SCHEMA + "\n"
        self.server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": header + text}})
        return uri

    def test_component_names_complete_in_a_body(self):
        with TempDir() as d:
            uri = self.open(d, "rdc: 1\nuse: [std]\nsystem:\n  body:\n    - \n")
            result = self.server.request("textDocument/completion", {
                "textDocument": {"uri": uri}, "position": {"line": 5, "character": 6}})
            items = result["items"] if isinstance(result, dict) else result
            labels = {item["label"] for item in items}
            for name in ("Sum", "Quorum", "Link", "Fn", "Filter", "Mailbox", "WB", "Timer", "StrongQuorum"):
                self.assertIn(name, labels)
            sum_item = next(item for item in items if item["label"] == "Sum")
            text = sum_item.get("insertText") or sum_item["textEdit"]["newText"]
            self.assertIn("Sum ${1:name}", text)

    def test_a_malformed_name_gets_a_readable_message(self):
        with TempDir() as d:
            uri = self.open(d, "rdc: 1\nparams:\n  2n: 4\nsystem:\n  body:\n    - wire: a b\n")
            messages = [x["message"] for x in self.server.diagnostics(uri)]
            self.assertTrue(any("A name starts with a letter" in m for m in messages), messages)
            self.assertTrue(any("A wire joins two ends" in m for m in messages), messages)
            self.assertFalse(any("^[A-Za-z_]" in m for m in messages), messages)


if __name__ == "__main__":
    unittest.main()
