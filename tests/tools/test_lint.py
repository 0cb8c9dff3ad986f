"""rdc-lint driven as a user would: models in, diagnostics and exit codes out."""
import glob
import json
import os
import unittest

import jsonschema
import yaml

from rdctest import ROOT, TempDir, example, expectations, read_bytes, run, tool

LINT = tool("rdc-lint")
BAD = sorted(glob.glob(os.path.join(ROOT, "tests", "lint", "bad", "*.rdc.yaml")))
EXAMPLE_MODELS = sorted(glob.glob(os.path.join(ROOT, "examples", "*", "*.rdc.yaml")))


def diagnostics(stderr):
    return json.loads(stderr)


class BadModels(unittest.TestCase):
    """One bad model per diagnostic, each with its expected position."""

    def test_every_bad_model_reports_its_diagnostic(self):
        self.assertGreaterEqual(len(BAD), 20)
        for path in BAD:
            with self.subTest(model=os.path.basename(path)):
                expected = expectations(path)
                self.assertTrue(expected, "missing # expect: header")
                code, out, err = run([LINT, "--diagnostics=json", path, "-o", os.devnull])
                diags = diagnostics(err)
                for line, col, what, status in expected:
                    self.assertEqual(code, status, err)
                    hits = [d for d in diags if d["code"] == what and d["line"] == line and d["col"] == col]
                    self.assertTrue(hits, f"no {what} at {line}:{col} in {json.dumps(diags, indent=1)}")
                    self.assertEqual(hits[0]["file"], path)

    def test_text_diagnostics_use_file_line_col(self):
        path = os.path.join(ROOT, "tests", "lint", "bad", "not-choosable.rdc.yaml")
        code, _, err = run([LINT, path, "-o", os.devnull])
        self.assertEqual(code, 1)
        self.assertIn(f"{path}:6:12: error: input 'x' of Sum s is not choosable [not-choosable]", err)

    def test_werror_turns_warnings_into_failure(self):
        path = os.path.join(ROOT, "tests", "lint", "bad", "unused-component.rdc.yaml")
        self.assertEqual(run([LINT, path, "-o", os.devnull])[0], 0)
        self.assertEqual(run([LINT, "--werror", path, "-o", os.devnull])[0], 1)


class Examples(unittest.TestCase):
    def test_examples_are_lint_clean(self):
        self.assertTrue(EXAMPLE_MODELS)
        for path in EXAMPLE_MODELS:
            with self.subTest(model=path):
                code, _, err = run([LINT, "--werror", "--stats", path])
                self.assertEqual(code, 0, err)
                self.assertEqual(err, "")

    def test_bracha_stats(self):
        code, out, _ = run([LINT, "--stats", example("bracha")])
        self.assertEqual(code, 0)
        stats = dict(line.split(": ", 1) for line in out.decode().splitlines())
        self.assertEqual(stats["base instances"], "88")
        self.assertEqual(stats["scalar lines"], "220")
        self.assertEqual(stats["domains"], "4")
        self.assertEqual(stats["outputs"], "5")

    def test_define_overrides_parameters(self):
        # Bracha's size: 2n+1 weak broadcasts of 4n lines, 3n quorums of n+1 lines, n selects of 4.
        for n in (4, 7, 10):
            code, out, err = run([LINT, "--stats", "-D", f"n={n}", example("bracha")])
            self.assertEqual(code, 0, err)
            self.assertIn(f"scalar lines: {(2*n+1)*4*n + 3*n*(n+1) + 4*n}\n", out.decode())

    def test_unknown_define_is_a_usage_error(self):
        code, _, err = run([LINT, "-D", "nodes=4", example("bracha"), "-o", os.devnull])
        self.assertEqual(code, 2)
        self.assertIn("no parameter 'nodes'", err)


class IrRoundTrip(unittest.TestCase):
    def test_yaml_to_ir_to_ir_is_byte_identical(self):
        with TempDir() as d:
            for path in EXAMPLE_MODELS:
                a, b = os.path.join(d, "a.ir"), os.path.join(d, "b.ir")
                self.assertEqual(run([LINT, path, "-o", a])[0], 0)
                code, _, err = run([LINT, a, "-o", b])
                self.assertEqual(code, 0, err)
                with open(a, "rb") as fa, open(b, "rb") as fb:
                    self.assertEqual(fa.read(), fb.read(), path)

    def test_stdin_pipeline(self):
        with open(example("bracha"), "rb") as f:
            code, ir, _ = run([LINT, "-"], stdin=f.read())
        self.assertEqual(code, 0)
        code, out, err = run([LINT, "--stats"], stdin=ir)
        self.assertEqual(code, 0, err)
        self.assertIn(b"scalar lines: 220", out)

    def test_define_on_ir_re_elaborates(self):
        with TempDir() as d:
            ir = os.path.join(d, "b.ir")
            run([LINT, example("bracha"), "-o", ir])
            code, out, err = run([LINT, "--stats", "-D", "n=7", ir])
            self.assertEqual(code, 0, err)
            self.assertIn(b"scalar lines: 616", out)

    def test_capnp_tool_reads_the_ir(self):
        with TempDir() as d:
            ir = os.path.join(d, "b.ir")
            run([LINT, example("bracha"), "-o", ir])
            with open(ir, "rb") as f:
                code, out, err = run(["capnp", "convert", "binary:json",
                                      os.path.join(ROOT, "ir", "rdc_ir.capnp"), "IrFile"], stdin=f.read())
            self.assertEqual(code, 0, err)
            doc = json.loads(out)
            self.assertEqual(len(doc["graph"]["lines"]), 220)
            self.assertEqual(doc["model"]["name"], "bracha")
            self.assertIn("rb.echo[2].link[3]", [i["path"] for i in doc["graph"]["instances"]])

    def test_failed_lint_leaves_no_output_file(self):
        with TempDir() as d:
            out = os.path.join(d, "out.ir")
            bad = os.path.join(ROOT, "tests", "lint", "bad", "linearity-unbound.rdc.yaml")
            self.assertEqual(run([LINT, bad, "-o", out])[0], 1)
            self.assertFalse(os.path.exists(out))
            self.assertEqual(os.listdir(d), [])


class HostileInput(unittest.TestCase):
    """Anything gets a diagnostic and exit 2: never a crash or a hang."""

    def lint_bytes(self, data, *flags):
        code, _, err = run([LINT, *flags, "-", "-o", os.devnull], stdin=data, timeout=30)
        self.assertEqual(code, 2, err)
        self.assertIn("error:", err)
        return err

    def test_binary_junk(self):
        self.lint_bytes(bytes(range(256)) * 64)
        self.lint_bytes(b"\x00\x00\x00\x00" + os.urandom(4000))

    def test_truncated_ir(self):
        with TempDir() as d:
            ir = os.path.join(d, "b.ir")
            run([LINT, example("bracha"), "-o", ir])
            data = read_bytes(ir)
            for cut in (8, 16, len(data) // 2 // 8 * 8, len(data) - 8, len(data) - 3):
                with self.subTest(cut=cut):
                    self.assertIn("ir-malformed", self.lint_bytes(data[:cut]))

    def test_corrupted_ir(self):
        with TempDir() as d:
            ir = os.path.join(d, "b.ir")
            run([LINT, example("basics"), "-o", ir])
            data = bytearray(read_bytes(ir))
            for offset in range(8, len(data), max(1, len(data) // 200)):
                corrupted = bytearray(data)
                corrupted[offset] ^= 0xFF
                code, _, err = run([LINT, "-", "-o", os.devnull], stdin=bytes(corrupted), timeout=30)
                self.assertIn(code, (0, 1, 2), err)  # some bytes are free-form text; never a crash

    def test_deep_nesting(self):
        self.lint_bytes(b"[" * 10000 + b"]" * 10000)
        self.lint_bytes(b"rdc: 1\nsystem:\n" + b"".join(b" " * i + b"- \n" for i in range(1, 3000)))

    def test_absurd_parameters(self):
        model = read_bytes(example("bracha"))
        err = self.lint_bytes(model, "-D", "n=1000000000")
        self.assertIn("size-limit", err)
        self.assertIn("div-zero", self.lint_bytes(model, "-D", "n=1/0"))
        self.assertIn("overflow", self.lint_bytes(model, "-D", "n=9223372036854775807 * 2"))

    def test_alias_bomb(self):
        bomb = b"rdc: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for i in range(1, 9):
            prev = chr(ord("a") + i - 1).encode()
            cur = chr(ord("a") + i).encode()
            bomb += cur + b": &" + cur + b" [" + b", ".join([b"*" + prev] * 10) + b"]\n"
        bomb += b"system:\n  body: *i\n"
        self.lint_bytes(bomb)

    def test_empty_and_missing_files(self):
        self.lint_bytes(b"")
        code, _, err = run([LINT, "/nonexistent/model.rdc.yaml"])
        self.assertEqual(code, 2)
        self.assertIn("cannot open", err)

    def test_bad_flags(self):
        self.assertEqual(run([LINT, "--no-such-flag"])[0], 2)
        self.assertEqual(run([LINT, "-D", "novalue", example("basics")])[0], 2)


class Schema(unittest.TestCase):
    def test_schema_flag_prints_the_schema_kept_in_the_repo(self):
        code, out, _ = run([LINT, "--schema"])
        self.assertEqual(code, 0)
        with open(os.path.join(ROOT, "ir", "schema", "rdc-model.schema.json"), "rb") as f:
            self.assertEqual(out, f.read())
        jsonschema.Draft7Validator.check_schema(json.loads(out))

    def test_examples_and_stdlib_validate_against_the_schema(self):
        schema = json.loads(run([LINT, "--schema"])[1])
        models = EXAMPLE_MODELS + [os.path.join(ROOT, "ir", "stdlib", "std.rdc.yaml")]
        models += glob.glob(os.path.join(ROOT, "tests", "lint", "good", "*.rdc.yaml"))
        for path in models:
            with self.subTest(model=path):
                with open(path, encoding="utf-8") as f:
                    jsonschema.validate(yaml.safe_load(f), schema)

    def test_schema_rejects_a_misspelt_key(self):
        schema = json.loads(run([LINT, "--schema"])[1])
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate({"rdc": 1, "sytem": {}}, schema)


if __name__ == "__main__":
    unittest.main()
