"""Readers that trust nothing: every tool refuses a corrupt IR file or a
truncated trace with a diagnostic and exit 2, and nothing else reaches stderr."""
import json
import os
import re
import unittest

from rdctest import ROOT, TempDir, example, read_bytes, run, tool

LINT, RUN, DOT, PROJECT, TRACE = (tool(t) for t in ("rdc-lint", "rdc-run", "rdc-dot", "rdc-project", "rdc-trace"))
BRACHA = example("bracha")
IR_SCHEMA, TRACE_SCHEMA = (os.path.join(ROOT, "ir", "io", f) for f in ("rdc_ir.capnp", "trace.capnp"))
NET = ["--latency", "uniform:1ms..10ms", "--input", "bc=1"]


def capnp(verb, schema, root, data):
    code, out, err = run(["capnp", verb, *(["--short"] if verb == "decode" else []), schema, root], stdin=data)
    assert code == 0, err
    return out


class Readers(unittest.TestCase):
    def setUp(self):
        self.tmp = TempDir()
        self.dir = self.tmp.__enter__()
        self.ir = os.path.join(self.dir, "bracha.ir")
        code, _, err = run([LINT, BRACHA, "-o", self.ir])
        self.assertEqual(code, 0, err)
        self.trace = os.path.join(self.dir, "bracha.trace")
        code, _, err = run([RUN, BRACHA, *NET, "--trace", self.trace])
        self.assertIn(code, (0, 1), err)

    def tearDown(self):
        self.tmp.__exit__(None, None, None)

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def every_tool_on(self, model):
        return {
            "lint --stats": [LINT, "--stats", model], "dot --flat": [DOT, "--flat", model],
            "project --all": [PROJECT, "--all", model, "-O", os.path.join(self.dir, "parts")],
            "run": [RUN, model, *NET], "run --split": [RUN, model, *NET, "--split"],
            "run --replay": [RUN, model, "--replay", self.trace],
        }

    def test_a_select_argument_patched_in_the_ir_is_refused_by_every_tool(self):
        # The one-byte change: a Select's `[2]` becomes `[11599874]`.
        # Instances share argument lists: patching the Selects' list patches every Select.
        text = capnp("decode", IR_SCHEMA, "IrFile", read_bytes(self.ir)).decode()
        bases = json.loads(re.search(r"bases = (\[[^]]*\])", text)[1])
        select = re.search(rf"base = {bases.index('Select')}, args = (\d+)", text)
        sets = re.search(r"argSets = (\[\[.*?\]\])", text)
        args = json.loads(sets[1])
        self.assertEqual(args[int(select[1])], [2])
        args[int(select[1])] = [11599874]
        text = text.replace(sets[0], "argSets = " + json.dumps(args), 1)
        corrupt = self.write("corrupt.ir", capnp("encode", IR_SCHEMA, "IrFile", text.encode()))
        for what, cmd in self.every_tool_on(corrupt).items():
            with self.subTest(cmd=what):
                code, _, err = run(cmd)
                self.assertEqual(code, 2, err)
                self.assertRegex(err, r"error: not a valid rdc IR file: .*11599874.*\[ir-malformed\]")

    def test_a_wire_patched_in_the_ir_is_refused(self):
        text = capnp("decode", IR_SCHEMA, "IrFile", read_bytes(self.ir)).decode()
        ref = re.search(r"sinkKind = wire, sinkRef = (\d+)", text)
        self.assertTrue(ref)
        text = text.replace(ref[0], "sinkKind = wire, sinkRef = 8323175", 1)
        corrupt = self.write("wire.ir", capnp("encode", IR_SCHEMA, "IrFile", text.encode()))
        code, _, err = run([RUN, corrupt, *NET])
        self.assertEqual(code, 2, err)
        self.assertIn("[ir-malformed]", err)

    # An on-demand box of K = 20 iterations, without checks over them (which
    # would fail lint on a box of another end).
    TICKS = ("rdc: 1\nmodel: ticks\nparams:\n  K: 20\nsystem:\n  body:\n    - for: k in 0..K on demand\n"
             "      body:\n        - Inc<1> step[k]:\n            x: input x[k] = k at k * 1ms -> output y[k]\n")

    def test_an_unbounded_box_patched_to_contradict_its_model_is_refused(self):
        model = self.write("ticks.rdc.yaml", self.TICKS.encode())
        ir = os.path.join(self.dir, "ticks.ir")
        code, _, err = run([LINT, model, "-o", ir])
        self.assertEqual(code, 0, err)
        text = capnp("decode", IR_SCHEMA, "IrFile", read_bytes(ir)).decode()
        self.assertIn("end = 20)", text)
        self.assertIn('unbounded = (var = "k", pos = 0,', text)  # the `for`'s position; 1 is its instance's
        # The variable renamed in the box and its stream alike: the graph agrees with itself, not with the model.
        renamed = [('var = "k"', 'var = "j"'), ('value = "k", arrival = "k * 1ms"', 'value = "j", arrival = "j * 1ms"'),
                   ('(name = "k", value = 1)', '(name = "j", value = 1)')]
        box = "`k in 0..K on demand`"
        patches = {
            "more iterations": ([("end = 20)", "end = 30)")], f"{box} has 20 iterations, but the box's end says 30 iterations"),
            "no end": ([("end = 20)", "end = 18446744073709551615)")], f"{box} has 20 iterations, but the box's end says no end"),
            "another variable": (renamed, f"{box} has the variable k, not 'j'"),
            "another position": ([('var = "k", pos = 0,', 'var = "k", pos = 1,')], f"{box}: the box's position is not the `for`'s"),
            # The same arrivals in the window (k < 3), later ones a second late.
            "a stream's arrival": ([('arrival = "k * 1ms"', 'arrival = "k * 1ms + k / 3 * 1s"')],
                                   "stream 'x[1]': its value and arrival are not the model's input's"),
            "a stream's parameters": ([('(name = "K", value = 20), (name = "k"', '(name = "K", value = 30), (name = "k"')],
                                      "stream 'x[1]' is not in the scope of the model's parameters"),
        }
        for what, (edits, message) in patches.items():
            patched = text
            for old, new in edits:
                self.assertIn(old, patched)
                patched = patched.replace(old, new, 1)
            corrupt = self.write("ticks-patched.ir", capnp("encode", IR_SCHEMA, "IrFile", patched.encode()))
            for cmd in ([LINT, "--stats", corrupt], [RUN, corrupt, "--until", "100ms"], [DOT, corrupt]):
                with self.subTest(patch=what, tool=os.path.basename(cmd[0])):
                    code, out, err = run(cmd)
                    self.assertEqual(code, 2, out.decode() + err)
                    self.assertIn(f"error: not a valid rdc IR file: unbounded box: {message} [ir-malformed]", err)

    def assertOnlyJsonOnStderr(self, cmd, code_wanted, diagnostic):
        code, _, err = run(cmd)
        self.assertEqual(code, code_wanted, err)
        diagnostics = json.loads(err)  # fails on any raw library log line
        self.assertIn(diagnostic, {d["code"] for d in diagnostics})

    def test_an_ir_quotes_only_model_files_it_names(self):
        # An IR names its model's files, and a tool quotes the line of a
        # diagnostic from them; but anyone can write an IR naming any file.
        model = read_bytes(example("basics"))
        too_large = ["-D", "k=100000000"]
        box = "      - for: i in 0..k"
        line = model.decode().splitlines().index(box) + 1
        self.write("basics.txt", model)
        os.symlink(os.path.join(self.dir, "basics.txt"), os.path.join(self.dir, "link.yaml"))
        for name, quoted in (("basics.rdc.yaml", True), ("basics.txt", False), ("link.yaml", False)):
            with self.subTest(file=name):
                source = os.path.join(self.dir, name)
                if not os.path.exists(source):
                    self.write(name, model)
                ir = os.path.join(self.dir, name + ".ir")
                code, _, err = run([LINT, source, "-o", ir])
                self.assertEqual(code, 0, err)
                code, _, err = run([RUN, ir, *too_large])
                self.assertEqual(code, 2, err)
                self.assertIn(f"{source}:{line}:{box.index('i in') + 1}: error:", err)
                self.assertEqual(box in err, quoted, err)

    def test_truncated_files_give_json_diagnostics_only(self):
        ir = read_bytes(self.ir)
        trace = read_bytes(self.trace)
        header = len(capnp("encode", TRACE_SCHEMA, "TraceChunk",
                           capnp("decode", TRACE_SCHEMA, "TraceChunk", trace).splitlines()[0]))
        # Cuts inside the first events chunk (where the reader used to log a
        # second failure with stack addresses), and inside the IR.
        for cut in (header + 8, header + 16, header + 1000, len(trace) - 8):
            path = self.write(f"cut{cut}.trace", trace[:cut])
            for cmd in ([RUN, BRACHA, "--replay", path, "--diagnostics=json"],
                        [DOT, BRACHA, "--trace", path, "--diagnostics=json"]):
                with self.subTest(cut=cut, tool=os.path.basename(cmd[0])):
                    self.assertOnlyJsonOnStderr(cmd, 2, "trace-malformed")
            with self.subTest(cut=cut, tool="rdc-trace"):
                code, _, err = run([TRACE, "show", path])
                self.assertEqual(code, 2, err)
                self.assertEqual([l for l in err.splitlines() if "[trace-malformed]" not in l], [])
        for cut in (16, len(ir) // 2, len(ir) - 8):
            path = self.write(f"cut{cut}.ir", ir[:cut])
            for cmd in ([LINT, path, "--diagnostics=json"], [RUN, path, "--diagnostics=json"]):
                with self.subTest(cut=cut, tool=os.path.basename(cmd[0])):
                    self.assertOnlyJsonOnStderr(cmd, 2, "ir-malformed")


if __name__ == "__main__":
    unittest.main()
