"""rdc-lint driven as a user would: models in, diagnostics and exit codes out."""
import glob
import json
import os
import pty
import re
import shutil
import stat
import subprocess
import threading
import unittest

import jsonschema
import yaml

from rdctest import BREADTH, ROOT, SANITIZED, TempDir, example, expectations, read_bytes, run, tool, write

LINT = tool("rdc-lint")
BAD = sorted(glob.glob(os.path.join(ROOT, "tests", "lint", "bad", "*.rdc.yaml")))
EXAMPLE_MODELS = sorted(glob.glob(os.path.join(ROOT, "examples", "*", "*.rdc.yaml")))


def diagnostics(stderr):
    return json.loads(stderr)


def said(path):
    """The `# says: TEXT` header lines of a test model: text its diagnostics must contain."""
    with open(path, encoding="utf-8") as f:
        return [line[len("# says: "):].rstrip("\n") for line in f if line.startswith("# says: ")]


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
                for text in said(path):
                    self.assertTrue(any(text in d["message"] for d in diags), f"no '{text}' in {err}")

    def test_an_fn_that_fails_to_type_is_the_only_error_not_its_readers_uninferable(self):
        # a.r has no type (a bare {} in a tuple), so b, which reads it, cannot type its own
        # result either: one error, not a type-uninferable for each of them as well.
        model = """rdc: 1
system:
  body:
    - Fn a:
        expr: "(-1, {})"
        x: input x as Int -> drop
        r: choose -> m
    - Fn b:
        expr: "size(m.1)"
        m: m -> drop
        r: choose -> output s
    - Def c:
        x: input y -> output untyped
        y: choose -> drop
"""
        with TempDir() as d:
            code, _, err = run([LINT, "--diagnostics=json", write(d, "m.rdc.yaml", model), "-o", os.devnull])
            self.assertEqual(code, 1, err)
            errors = [(x["code"], x["line"]) for x in diagnostics(err) if x["severity"] == "error"]
            # The unrelated untyped input is still reported.
            self.assertEqual(errors, [("type-mismatch", 5), ("type-uninferable", 13)], err)  # at a's expression

    def test_a_refused_instance_is_the_only_error_not_its_wires_linearity(self):
        # Each refused instance reads wires the Links produce, and writes one a Def reads:
        # once refused, those wires are neither consumed nor produced, which is the same error.
        model = """rdc: 1
params: {n: 3}
system:
  body:
    - for: i in 0..n
      body:
        - Link send[i]:
            snd: input v[i] as Int -> drop
            rcv: choose -> m[i]
        - Fn f[i]:
            expr: x + 1
            x[k]: m[i] -> drop
            r: choose -> y[i]
        - Inc<1> g[i]:
            x: y[i] -> output z[i]
    - Quorum<n, 0> q:
        votes: input w as Int -> drop
        value: choose -> out
    - Def d:
        x: out -> drop
        y: choose -> output u
"""
        with TempDir() as d:
            path = os.path.join(d, "refused.rdc.yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(model)
            code, _, err = run([LINT, "--diagnostics=json", path, "-o", os.devnull])
            self.assertEqual(code, 2, err)  # bad-param's exit code
            errors = [(x["code"], x["line"]) for x in diagnostics(err) if x["severity"] == "error"]
            self.assertEqual(errors, [("index-range", 12), ("bad-param", 16)])

    def test_text_diagnostics_use_file_line_col(self):
        path = os.path.join(ROOT, "tests", "lint", "bad", "not-choosable.rdc.yaml")
        code, _, err = run([LINT, path, "-o", os.devnull])
        self.assertEqual(code, 1)
        self.assertIn(f"{path}:6:12: error: input 'x' of Sum s is not choosable [not-choosable]", err)

    def test_text_diagnostics_show_the_source_line_with_a_caret(self):
        path = os.path.join(ROOT, "tests", "lint", "bad", "unknown-component.rdc.yaml")
        code, _, err = run([LINT, path, "-o", os.devnull])
        self.assertEqual(code, 1)
        lines = err.splitlines()
        self.assertEqual(lines[0], f"{path}:6:7: error: unknown component 'Summ' (did you mean 'Sum'?) "
                                   "[unknown-component]")
        self.assertEqual(lines[1:3], ["    - Summ s:", "      ^"])
        self.assertNotIn("\033", err)  # not a terminal: no colour

    def test_colour_only_on_a_terminal_without_no_color(self):
        path = os.path.join(ROOT, "tests", "lint", "bad", "unknown-component.rdc.yaml")
        for no_color, coloured in ((None, True), ("1", False)):
            env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
            if no_color:
                env["NO_COLOR"] = no_color
            main, terminal = pty.openpty()
            try:
                proc = subprocess.run([LINT, path, "-o", os.devnull], stderr=terminal, env=env, timeout=60)
                os.close(terminal)
                terminal = None
                shown = b""
                while True:
                    try:
                        chunk = os.read(main, 4096)
                    except OSError:  # the terminal's other end is closed: all is read
                        break
                    if not chunk:
                        break
                    shown += chunk
            finally:
                os.close(main)
                if terminal is not None:
                    os.close(terminal)
            with self.subTest(no_color=no_color):
                self.assertEqual(proc.returncode, 1)
                self.assertIn(b"did you mean 'Sum'?", shown)
                self.assertEqual(b"\033[1;31merror:" in shown, coloured, shown)

    def test_a_problem_repeated_in_a_for_box_is_counted_and_hides_no_other(self):
        with TempDir() as d:
            path = write(d, "rep.rdc.yaml", """rdc: 1
params: {n: 30}
system:
  body:
    - for: i in 0..n
      body:
        - Sum s[i]:
            x: const true -> output a[i]
            y: input y[i] as Int -> output b[i]
    - Sum other:
        x: const 1ms -> output q
        y: input r as Int -> output t
""")
            code, _, err = run([LINT, path, "-o", os.devnull])
            self.assertEqual(code, 1, err)
            self.assertIn("constant true is not an Int (line s[0].x) (and 29 more like it here)", err)
            self.assertIn("constant 1ms is not an Int (line other.x)", err)  # the type error cap spares it
            self.assertNotIn("stopping here", err)

    def test_werror_turns_warnings_into_failure(self):
        path = os.path.join(ROOT, "tests", "lint", "bad", "unused-component.rdc.yaml")
        self.assertEqual(run([LINT, path, "-o", os.devnull])[0], 0)
        self.assertEqual(run([LINT, "--werror", path, "-o", os.devnull])[0], 1)


# Two-phase commit as a newcomer wrote it from the docs: the model the
# follow-on tests below break one word of at a time.
TPC = """rdc: 1
model: tpc
doc: >
  Two-phase commit: the coordinator sends PREPARE to n participants, each
  votes yes/no; the coordinator commits iff all n votes are yes, aborts on a
  timeout (e.g. a crashed participant); it sends the decision to everyone.
  A no voter aborts on its own.
params:
  n: 3
  timeout: 5    # ms
domains:
  coord:
  part: n
use: [std]
components:
  Coordinator:
    lines:
      begin: Unit
      prepare: Unit[n]
      votes: Bool[n]
      decision: Bool[n]
      outcome: Bool
    body:
      - Def start:
          x: begin -> begin'
          y: choose -> b2
      - Timer timer:
          trigger: b2 -> go
          signal: const false -> expired
          duration: const timeout * 1ms -> drop
      - WB<n> prepares:
          bc: go -> drop
          dlvr[k]: prepare[k] -> prepare'[k]
      # all n votes; commit iff none is no
      - Fn tally:
          expr: "count(v, false) == 0"
          v[0..n]: votes -> votes'
          r: choose -> unanimous
      - Select<2> decide:
          choice: choose -> drop
          options[0]: unanimous -> drop
          options[1]: expired -> drop
          chosen: choose -> decided
      - Def copy:
          x: decided -> announced
          y: outcome -> outcome'
      - WB<n> announce:
          bc: announced -> drop
          dlvr[k]: decision[k] -> decision'[k]
  Participant:
    lines:
      prepare: Unit
      vote: Bool
      voted: Bool
      decision: Bool
      outcome: Bool
    body:
      - Fn ballot:
          expr: v
          p: prepare -> prepare'
          v: vote -> vote'
          r: choose -> cast
      - Def copy:
          x: cast -> own
          y: voted -> voted'
      - Filter unilateral:
          when: "!v"
          v: own -> drop
          r: choose -> aborted
      - Select<2> learn:
          choice: choose -> drop
          options[0]: decision -> decision'
          options[1]: aborted -> drop
          chosen: outcome -> outcome'
system:
  body:
    - Coordinator coordinator @ coord:
        begin: input begin as Unit @ coord -> drop
        prepare[k]: choose -> prep[k]
        votes[k]: votes[k] -> drop
        decision[k]: choose -> dec[k]
        outcome: choose -> output decision @ coord
    - for: k in 0..n
      body:
        - Participant participant[k] @ part[k]:
            prepare: prep[k] -> drop
            vote: input vote[k] as Bool = true @ part[k] -> drop
            voted: choose -> sent[k]
            decision: dec[k] -> drop
            outcome: choose -> output outcome[k] @ part[k]
        - Link send[k] @ part[k]:
            snd: sent[k] -> drop
            rcv: choose -> votes[k]
checks:
  atomicity: >-
    (forall i, j in correct(part): has(outcome[i]) && has(outcome[j]) => outcome[i] == outcome[j])
    && (forall i in correct(part): has(outcome[i]) && has(decision) => outcome[i] == decision)
  validity: "(has(decision) && decision) => forall k in 0..n: vote[k]"
  commitIfAllYes: "(correct(coord) && (forall k in 0..n: vote[k] && correct(part[k]))) => has(decision) && decision"
  termination: "correct(coord) => forall i in correct(part): has(outcome[i])"
"""


class OneErrorPerMistake(unittest.TestCase):
    """One mistake in a model is one diagnostic: nothing that only follows from it."""

    def lint(self, model, *flags, name="tpc.rdc.yaml"):
        with TempDir() as d:
            path = write(d, name, model)
            code, _, err = run([LINT, "--diagnostics=json", path, "-o", os.devnull, *flags])
            found = [(x["code"], x["line"], x["col"], x["severity"], x["message"]) for x in diagnostics(err)]
            for x in diagnostics(err):
                self.assertEqual(x["file"], path)
            return code, found

    def broken(self, old, new):
        self.assertEqual(TPC.count(old), 1, old)
        return self.lint(TPC.replace(old, new))

    def test_the_model_is_clean(self):
        self.assertEqual(self.lint(TPC), (0, []))

    def test_an_unknown_component_leaves_its_wires_unreported(self):
        self.assertEqual(self.broken("- Timer timer:", "- Timr timer:"), (1, [
            ("unknown-component", 27, 9, "error", "unknown component 'Timr' (did you mean 'Timer'?)")]))

    def test_an_unknown_component_in_a_for_box_leaves_every_iterations_wires_unreported(self):
        self.assertEqual(self.broken("- Link send[k] @ part[k]:", "- Lnk send[k] @ part[k]:"), (1, [
            ("unknown-component", 91, 11, "error", "unknown component 'Lnk' (did you mean 'Link'?)")]))

    def test_an_unknown_domain_leaves_the_instances_wires_unreported(self):
        # A composite in a for box: each iteration's instance is refused, and none of their wires is reported.
        self.assertEqual(self.broken("participant[k] @ part[k]:", "participant[k] @ prt[k]:"), (1, [
            ("unknown-domain", 85, 40, "error", "unknown domain 'prt' (did you mean 'part'?)")]))

    def test_an_unknown_line_of_a_base_component_is_not_also_an_unbound_one(self):
        self.assertEqual(self.broken("options[1]: expired", "optons[1]: expired"), (1, [
            ("unknown-line", 42, 11, "error",
             "Select has no line 'optons' (did you mean 'options'? its lines: choice, options, chosen)")]))

    def test_a_value_yaml_reads_as_a_tag_is_not_also_a_bad_expression(self):
        code, found = self.broken('when: "!v"', "when: !v")
        self.assertEqual(code, 2)
        self.assertEqual([f[0] for f in found], ["schema"], found)
        self.assertIn("YAML reads '!v' as a tag", found[0][4])

    def test_an_unknown_line_of_a_composite_is_not_also_an_unbound_one(self):
        code, found = self.broken("prepare: prep[k] -> drop", "prepar: prep[k] -> drop")
        self.assertEqual(code, 1)
        self.assertEqual([f[:4] for f in found], [("unknown-line", 86, 13, "error")], found)
        self.assertIn("component 'Participant' has no line 'prepar' (did you mean 'prepare'?", found[0][4])

    def test_an_unknown_name_in_an_fn_expression_leaves_its_lines_undangling(self):
        self.assertEqual(self.broken("count(v, false)", "count(vv, false)"), (1, [
            ("unknown-name", 36, 18, "error",
             "Fn expression reads 'vv', which is neither an argument line nor a parameter")]))

    def test_an_fn_type_error_points_into_its_expression(self):
        code, found = self.broken("count(v, false)", "count(v, 0)")
        self.assertEqual(code, 1)
        self.assertEqual(found, [
            ("type-mismatch", 36, 27, "error",
             "in Fn coordinator.tally: count's argument 2 must be a Bool, got Int")])

    def test_a_bundle_argument_smaller_than_its_line_is_one_error_at_the_binding(self):
        self.assertEqual(self.broken("v[0..n]: votes", "v[0..2]: votes"), (1, [
            ("index-range", 37, 11, "error",
             "`v[0..2]` binds 2 lines to 'votes', which has 3 (a bundle is bound whole: make the sizes agree)")]))

    def test_a_bundle_larger_than_its_line_is_one_error_at_the_binding(self):
        self.assertEqual(self.broken("v[0..n]: votes", "v[0..4]: votes"), (1, [
            ("index-range", 37, 11, "error",
             "`v[0..4]` binds 4 lines to 'votes', which has 3 (a bundle is bound whole: make the sizes agree)")]))

    def test_a_typo_in_an_indexed_name_in_a_check_is_named_with_a_suggestion(self):
        self.assertEqual(self.broken("forall k in 0..n: vote[k]\"", "forall k in 0..n: vte[k]\""), (1, [
            ("unknown-name", 98, 63, "error",
             "'vte' is not an indexed extrinsic output or input (did you mean 'vote'?)")]))

    def test_a_family_over_an_empty_range_is_still_a_name_in_a_check(self):
        # -D S=0: no request, so no decision[s][i] for the check to read, which is not unknown.
        model = """rdc: 1
params: {S: 2, n: 3}
system:
  body:
    - for: s in 0..S
      body:
        - for: i in 0..n
          body:
            - Inc<1> step[s][i]:
                x: input req[s][i] as Int -> output decision[s][i]
checks:
  agreement: "forall s in 0..S: forall i in 0..n: has(decision[s][i]) => decision[s][i] == req[s][i] + 1"
"""
        for s in ("2", "0"):
            with self.subTest(S=s):
                self.assertEqual(self.lint(model, "-D", f"S={s}"), (0, []))
                code, found = self.lint(model.replace("=> decision[s]", "=> decison[s]"), "-D", f"S={s}")
                self.assertEqual((code, found), (1, [
                    ("unknown-name", 12, 74, "error",
                     "'decison' is not an indexed extrinsic output or input (did you mean 'decision'?)")]))
        with TempDir() as d:
            code, out, err = run([RUN, write(d, "m.rdc.yaml", model), "-D", "S=0"])
            self.assertEqual(code, 0, err)
            self.assertIn(b"check agreement: pass", out)


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
        # Components: the model's own (std's are counted apart, as used).
        for name in ("bracha", "basics", "paxos"):
            with open(example(name), encoding="utf-8") as f:
                own = len(yaml.safe_load(f).get("components", {}))
            code, out, _ = run([LINT, "--stats", example(name)])
            line = out.decode().splitlines()[0]
            self.assertRegex(line, r"^components: %d \(\d+ used\)(; std components used: \d+)?$" % own)

    def test_a_projections_stats_count_its_own_domains(self):
        with TempDir() as d:
            ir = os.path.join(d, "node1.ir")
            code, _, err = run([tool("rdc-project"), example("bracha"), "--domain", "node[1]", "-o", ir])
            self.assertEqual(code, 0, err)
            code, out, err = run([LINT, "--stats", ir])
            self.assertEqual(code, 0, err)
            stats = dict(line.split(": ", 1) for line in out.decode().splitlines())
            self.assertEqual(stats["domains"], "1 (of the model's 4)")

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

    def test_output_to_a_special_file_is_written_in_place(self):
        # A temporary file renamed over a FIFO (or, for root, over /dev/null)
        # would replace it: every tool's output file, when special, is
        # written, never replaced.
        with TempDir() as d:
            trace = os.path.join(d, "run.trace")
            run([tool("rdc-run"), example("bracha"), "--input", "bc=1", "--trace", trace])
            writers = {"rdc-lint": [LINT, example("bracha"), "-o"],
                       "rdc-project": [tool("rdc-project"), example("bracha"), "--domain", "node[0]", "-o"],
                       "rdc-dot": [tool("rdc-dot"), example("bracha"), "-o"],
                       "rdc-trace merge": [tool("rdc-trace"), "merge", trace, "-o"],
                       "rdc-run --trace": [tool("rdc-run"), example("bracha"), "--input", "bc=1", "--trace"]}
            for fmt in ("jsonl", "chrome", "itf"):
                writers["rdc-trace export " + fmt] = [tool("rdc-trace"), "export", trace, "--format", fmt, "-o"]
            for name, argv in writers.items():
                with self.subTest(writer=name):
                    fifo = os.path.join(d, "out.fifo")
                    os.mkfifo(fifo)
                    got = []
                    reader = threading.Thread(target=lambda: got.append(read_bytes(fifo)))
                    reader.start()
                    code, _, err = run([*argv, fifo])
                    reader.join(timeout=30)
                    self.assertEqual(code, 0, err)
                    self.assertTrue(stat.S_ISFIFO(os.stat(fifo).st_mode))
                    self.assertEqual(sorted(os.listdir(d)), ["out.fifo", "run.trace"])
                    self.assertTrue(got and len(got[0]) > 0)
                    os.remove(fifo)

    def test_capnp_tool_reads_the_ir(self):
        with TempDir() as d:
            ir = os.path.join(d, "b.ir")
            run([LINT, example("bracha"), "-o", ir])
            with open(ir, "rb") as f:
                code, out, err = run(["capnp", "convert", "binary:json",
                                      os.path.join(ROOT, "ir", "io", "rdc_ir.capnp"), "IrFile"], stdin=f.read())
            self.assertEqual(code, 0, err)
            doc = json.loads(out)
            self.assertEqual(len(doc["graph"]["lines"]), 220)
            self.assertEqual(doc["model"]["name"], "bracha")
            graph = doc["graph"]

            def path(node):  # the instance tree spells paths, parents first
                n = graph["tree"][node]
                parent, segment = n.get("parent", 0), graph["segments"][n.get("segment", 0)]
                return segment if parent == 0xFFFFFFFF else path(parent) + "." + segment

            self.assertIn("rb.echo[2].link[3]", [path(i.get("node", 0)) for i in graph["instances"]])

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

    def forged_ir(self, d, edit, break_parameter=True):
        """Bracha's IR, its JSON edited by `edit` (and with a bad parameter expression)."""
        schema = os.path.join(ROOT, "ir", "io", "rdc_ir.capnp")
        ir = os.path.join(d, "b.ir")
        run([LINT, example("bracha"), "-o", ir])
        code, out, err = run(["capnp", "convert", "binary:json", schema, "IrFile"], stdin=read_bytes(ir))
        self.assertEqual(code, 0, err)
        doc = json.loads(out)
        if break_parameter:
            doc["model"]["params"][1]["value"]["text"] = "(n - 1) / "
        edit(doc)
        code, data, err = run(["capnp", "convert", "json:binary", schema, "IrFile"], stdin=json.dumps(doc).encode())
        self.assertEqual(code, 0, err)
        return data

    def test_an_ir_names_no_column_or_file_to_trust(self):
        # A forged column gave a 100 MB diagnostic (a caret padded to it); a
        # file table naming /dev/zero or a FIFO hung the tool re-reading it.
        def column(doc):
            doc["model"]["params"][1]["value"]["pos"]["col"] = 4000000000

        def zero(doc):
            doc["files"][0] = "/dev/zero"

        with TempDir() as d:
            fifo = os.path.join(d, "f")
            os.mkfifo(fifo)

            def pipe(doc):
                doc["files"][0] = fifo

            for edit in (column, zero, pipe):
                with self.subTest(edit=edit.__name__):
                    err = self.lint_bytes(self.forged_ir(d, edit))
                    self.assertLess(len(err), 2000, err[:300])

    def test_an_ir_declares_what_yaml_could(self):
        # The YAML reader refuses these; an IR carried them into every tool
        # (two domains of one name, a check declared twice, a library path).
        def graph_domain(name):
            return lambda doc: doc["graph"]["domains"].__setitem__(1, name)

        def model(section, index, key, value):
            return lambda doc: doc["model"][section][index].__setitem__(key, value)

        edits = {"graph domain named twice": graph_domain("node[0]"),
                 "graph domain with a control character": graph_domain("node\x1b[1]"),
                 "graph domain not name[i]": graph_domain("node[1"),
                 "graph domain with an empty index": graph_domain("node[]"),
                 "check named twice": model("checks", 1, "name", "agreement"),
                 "check name not an identifier": model("checks", 1, "name", "a b"),
                 "parameter named twice": model("params", 1, "name", "n"),
                 "domain not an identifier": model("domains", 0, "name", "../x"),
                 "library path": lambda doc: doc["model"].__setitem__("uses", ["../.."]),
                 "negative parameter value": lambda doc: doc["graph"]["params"][1].__setitem__("value", "-5"),
                 "graph parameter the model lacks": lambda doc: doc["graph"]["params"][2].__setitem__("name", "k")}
        with TempDir() as d:
            unedited = self.forged_ir(d, lambda doc: None, False)
            self.assertEqual(run([LINT, "-", "-o", os.devnull], stdin=unedited)[0], 0)
            for what, edit in edits.items():
                with self.subTest(edit=what):
                    err = self.lint_bytes(self.forged_ir(d, edit, False))
                    self.assertIn("[ir-malformed]", err)

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
        # A parameter without a value is reported once, not again where another reads it (`f` reads `n`).
        for bad in ("n=1/0", "n=1.5"):
            code, _, err = run([LINT, "-D", bad, "-", "-o", os.devnull], stdin=model)
            self.assertNotEqual(code, 0, err)
            self.assertEqual(err.count("error:"), 1, err)
            self.assertNotIn("unknown-name", err)
        self.assertIn("1.5 is not a whole number", self.lint_bytes(model, "-D", "n=1.5"))
        self.assertIn("overflow", self.lint_bytes(model, "-D", "n=9223372036854775807 * 2"))
        # A -D value that is no Int is the command line's fault: unusable input
        # (exit 2) for every tool, whatever the kind of the error in it.
        for bad in ("n=1.5ms", "n=true", "n=1/0", "n=1.5"):
            for name in ("rdc-lint", "rdc-run", "rdc-dot", "rdc-project"):
                with self.subTest(bad=bad, tool=name):
                    extra = ["--list"] if name == "rdc-project" else []
                    code, _, err = run([tool(name), example("bracha"), "-D", bad, *extra])
                    self.assertEqual(code, 2, err)

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


EXPR_DEPTH_LIMIT = 256  # docs/reference.md, Limits: levels of one expression
LOOP_NESTING_LIMIT = 64  # docs/reference.md, Limits: for variables nested in one component


def chain(terms, term, op):
    """`term op term op ...`: a left-associative chain as deep as it is long."""
    return op.join([term] * terms)


def adder_model(param="1", check="true"):
    """A one-Sum model whose parameter k and check c are the given texts (k on line 4, col 6)."""
    return ("rdc: 1\nmodel: chain\nparams:\n  k: " + param + "\nsystem:\n  body:\n    - Sum add:\n"
            "        x: input a as Int -> output a\n        y: input b as Int -> output total\n"
            "checks:\n  c: " + check + "\n").encode()


def diagnostic(err, code):
    """(line, col) of the first diagnostic with this code in rdc's text format."""
    m = re.search(r":(\d+):(\d+): error: .*\[" + re.escape(code) + r"\]", err)
    return (int(m[1]), int(m[2])) if m else None


class ExpressionDepth(unittest.TestCase):
    """Expression trees are bounded in depth at parse time, so no later walk overflows the stack."""

    def lint(self, model):
        return run([LINT, "-", "-o", os.devnull], stdin=model, timeout=60)

    def test_a_chain_as_deep_as_the_limit_is_clean(self):
        code, _, err = self.lint(adder_model(param=chain(EXPR_DEPTH_LIMIT, "1", "+"),
                                             # has(total) is two levels: 255 of them make 256
                                             check=chain(EXPR_DEPTH_LIMIT - 1, "has(total)", " && ")))
        self.assertEqual(code, 0, err)

    def test_one_term_more_is_refused_at_the_operator(self):
        text = chain(EXPR_DEPTH_LIMIT + 1, "1", "+")
        code, _, err = self.lint(adder_model(param=text))
        self.assertEqual(code, 2, err)
        self.assertEqual(diagnostic(err, "expr-syntax"), (4, 6 + text.rfind("+")), err)
        self.assertIn(f"more than {EXPR_DEPTH_LIMIT} levels", err)

    def test_the_chains_from_the_issue_are_refused_not_crashed(self):
        for name, model in (("160000-term parameter", adder_model(param=chain(160_000, "1", "+"))),
                            ("50000-term check", adder_model(check=chain(50_000, "has(total)", " && "))),
                            ("-D override", None)):
            with self.subTest(name):
                if model is None:
                    code, _, err = run([LINT, example("basics"), "-D", "k=" + chain(60_000, "1", "+"),
                                        "-o", os.devnull], timeout=60)
                else:
                    code, _, err = self.lint(model)
                self.assertEqual(code, 2, err)
                self.assertIsNotNone(diagnostic(err, "expr-syntax"), err)

    def test_deep_parentheses_unary_and_implications(self):
        for text in ("(" * (EXPR_DEPTH_LIMIT + 1) + "1" + ")" * (EXPR_DEPTH_LIMIT + 1),
                     "-" * 100_000 + "1", chain(EXPR_DEPTH_LIMIT + 1, "true", " => ")):
            with self.subTest(text=text[:20]):
                code, _, err = self.lint(adder_model(param=text))
                self.assertEqual(code, 2, err)
                self.assertIsNotNone(diagnostic(err, "expr-syntax"), err)

    def test_for_loop_variables_are_bounded(self):
        def model(variables):
            header = ", ".join(f"i{v} in 0..1" for v in range(variables))
            return f"rdc: 1\nsystem:\n  body:\n    - for: {header}\n      body:\n".encode()
        self.assertEqual(self.lint(model(LOOP_NESTING_LIMIT))[0], 0)
        for variables in (LOOP_NESTING_LIMIT + 1, 100_000):
            with self.subTest(variables=variables):
                code, _, err = self.lint(model(variables))
                self.assertEqual(code, 2, err)
                self.assertEqual(diagnostic(err, "size-limit"), (4, 12), err)


class YamlInput(unittest.TestCase):
    """A model file is one YAML document of valid UTF-8; anything else is refused with its position."""

    def refused_at(self, model):
        code, _, err = run([LINT, "-", "-o", os.devnull], stdin=model, timeout=30)
        self.assertEqual(code, 2, err)
        return diagnostic(err, "parse-error"), err

    def test_a_second_document_is_refused(self):
        model = read_bytes(example("basics"))
        lines = model.count(b"\n")
        for second in (b"---\nrdc: 1\n", b"---\n", b"...\n---\nsystem: {}\n"):
            with self.subTest(second=second):
                where, err = self.refused_at(model + second)
                self.assertIn("second YAML document", err)
                self.assertGreater(where[0], lines, err)

    def test_a_repeated_key_is_refused_at_its_second_copy(self):
        model = adder_model()
        for name, text, line in (
                ("two systems", model + b"system:\n  body: []\n", model.count(b"\n") + 1),
                ("a parameter twice", b"rdc: 1\nparams:\n  k: 1\n  k: 5\nsystem:\n  body: []\n", 4)):
            with self.subTest(name):
                where, err = self.refused_at(text)
                self.assertIn("appears twice", err)
                self.assertEqual(where[0], line, err)

    def test_invalid_utf8_is_refused_where_it_is(self):
        model = adder_model()
        at = model.index(b"add:")  # line 7, after `    - Sum `
        for reason, bad in (("an overlong encoding", b"\xc0\xae"), ("an overlong encoding", b"\xe0\x80\xaf"),
                            ("a surrogate", b"\xed\xa0\x80"), ("a code point above U+10FFFF", b"\xf4\x90\x80\x80"),
                            ("a code point above U+10FFFF", b"\xf5\x80\x80\x80"),
                            ("a truncated sequence", b"\xe2\x82"),
                            ("a continuation byte without a lead byte", b"\x80"), ("a byte UTF-8 never uses", b"\xff")):
            with self.subTest(bad):
                where, err = self.refused_at(model[:at] + b"add" + bad + model[at + 3:])
                self.assertIn("invalid UTF-8: " + reason, err)
                self.assertEqual(where, (7, 14), err)
        # Valid UTF-8, but no YAML: a control character, named as such, in a quoted scalar too.
        for bad, name in ((b"\x00", "U+0000"), (b"\x01", "U+0001"), (b"\x7f", "U+007F"), (b"\xc2\x9b", "U+009B"),
                          (b"\xc2\x85", "U+0085")):
            with self.subTest(bad):
                where, err = self.refused_at(model[:at] + b"add" + bad + model[at + 3:])
                self.assertIn(f"a control character ({name})", err)
                self.assertEqual(where, (7, 14), err)
        where, err = self.refused_at(b'rdc: 1\nmodel: "a\x00b"\n')
        self.assertEqual(where, (2, 10), err)
        self.assertIn("a control character (U+0000)", err)
        # Nor spelt as an escape of a quoted scalar: a NUL cut the model's name short in its traces.
        for escape, name in ((b"\\0", "U+0000"), (b"\\e", "U+001B"), (b"\\x7f", "U+007F"), (b"\\x9b", "U+009B")):
            with self.subTest(escape):
                code, _, err = run([LINT, "-", "-o", os.devnull], stdin=b'rdc: 1\nmodel: "a' + escape + b'b"\n'
                                   b"system:\n  body: []\n")
                self.assertEqual(code, 2, err)
                self.assertIn(f"2:9: error: a control character ({name}) in a value [schema]", err)
        # `\N`, U+0085, which yaml-cpp spells as a lone byte, not UTF-8.
        code, _, err = run([LINT, "-", "-o", os.devnull], stdin=b'rdc: 1\nmodel: "a\\Nb"\nsystem:\n  body: []\n')
        self.assertEqual(code, 2, err)
        self.assertIn("a value that is not UTF-8", err)
        where, err = self.refused_at(b"rdc: 1\nmodel: \"\\uD800\"\n")  # a surrogate spelt as an escape
        self.assertEqual(where[0], 2, err)

    def test_valid_utf8_names_still_read(self):
        code, _, err = run([LINT, "-", "-o", os.devnull],
                           stdin=adder_model().replace(b"model: chain", "model: caf\u00e9 \U0001F600".encode()))
        self.assertEqual(code, 0, err)


class Schema(unittest.TestCase):
    def test_schema_flag_prints_the_schema_kept_in_the_repo(self):
        code, out, _ = run([LINT, "--schema"])
        self.assertEqual(code, 0)
        with open(os.path.join(ROOT, "ir", "model", "schema", "rdc-model.schema.json"), "rb") as f:
            self.assertEqual(out, f.read())
        jsonschema.Draft7Validator.check_schema(json.loads(out))

    def test_examples_and_stdlib_validate_against_the_schema(self):
        schema = json.loads(run([LINT, "--schema"])[1])
        models = EXAMPLE_MODELS + [os.path.join(ROOT, "ir", "model", "stdlib", "std.rdc.yaml")]
        models += glob.glob(os.path.join(ROOT, "tests", "lint", "good", "*.rdc.yaml"))
        for path in models:
            with self.subTest(model=path):
                with open(path, encoding="utf-8") as f:
                    jsonschema.validate(yaml.safe_load(f), schema)

    def test_ajv_in_strict_mode_reads_the_schema_and_agrees(self):
        # Ajv, the JSON Schema validator of the JavaScript world, refuses keywords it
        # does not know in its default strict mode: the editor ones are declared,
        # as docs/reference.md tells its users to.
        node, script = shutil.which("node"), os.path.join(ROOT, "tests", "tools", "clients", "ajv_validate.mjs")
        if not node or not os.path.isdir(os.path.join(ROOT, "tests", "tools", "clients", "node_modules", "ajv")):
            if os.environ.get("RDC_REAL_CLIENTS") == "1":
                self.fail("node or ajv is missing: .ci/setup installs them")
            self.skipTest("node or ajv is missing (npm ci --prefix tests/tools/clients)")
        schema = os.path.join(ROOT, "ir", "model", "schema", "rdc-model.schema.json")
        documents = []
        for path in EXAMPLE_MODELS + glob.glob(os.path.join(ROOT, "tests", "lint", "good", "*.rdc.yaml")):
            with open(path, encoding="utf-8") as f:
                documents.append({"name": path, "doc": yaml.safe_load(f)})
        documents.append({"name": "misspelt", "doc": {"rdc": 1, "sytem": {}}})
        proc = subprocess.run([node, script, schema], input=json.dumps(documents).encode(), capture_output=True,
                              timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode("utf-8", "replace"))
        results = {r["name"]: r for r in json.loads(proc.stdout)}
        self.assertFalse(results.pop("misspelt")["valid"])
        for name, result in results.items():
            self.assertTrue(result["valid"], (name, result["errors"]))

    def test_schema_rejects_a_misspelt_key(self):
        schema = json.loads(run([LINT, "--schema"])[1])
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate({"rdc": 1, "sytem": {}}, schema)


GOOD = sorted(glob.glob(os.path.join(ROOT, "tests", "lint", "good", "*.rdc.yaml")))
RUN, DOT, PROJECT, TRACE = tool("rdc-run"), tool("rdc-dot"), tool("rdc-project"), tool("rdc-trace")


class Cycles(unittest.TestCase):
    """A cycle fires only through a choice that can wait for an input off it."""

    def test_cycles_through_choice_points_are_clean(self):
        self.assertTrue(GOOD)
        for path in GOOD:
            with self.subTest(model=os.path.basename(path)):
                code, _, err = run([LINT, "--werror", path, "-o", os.devnull])
                self.assertEqual(code, 0, err)

    def test_fixed_choice_deadlock_names_its_cycle(self):
        path = os.path.join(ROOT, "tests", "lint", "bad", "deadlock-fixed-choice.rdc.yaml")
        code, _, err = run([LINT, path, "-o", os.devnull])
        self.assertEqual(code, 1, err)
        cycle = err.split("deadlock): ", 1)[1].split(" [deadlock-cycle]")[0].split(" -> ")
        self.assertEqual(cycle[0], cycle[-1])
        self.assertEqual(set(cycle), {"s.options[1]", "s.chosen", "d.x", "d.y", "i.x"})


def lint_error_models():
    """The bad models whose diagnostic is a lint finding (rdc-lint exits 1)."""
    return [path for path in BAD if expectations(path) and all(status == 1 for *_, status in expectations(path))]


class NoToolRunsALintError(unittest.TestCase):
    """Every tool runs lint's checks on the models it reads, and refuses a
    model with lint errors with exit 2 and lint's own diagnostic."""

    def setUp(self):
        self.dir = TempDir()
        d = self.dir.__enter__()
        self.trace = os.path.join(d, "basics.trace")
        code, _, err = run([RUN, example("basics"), "--trace", self.trace])
        self.assertEqual(code, 0, err)

    def tearDown(self):
        self.dir.__exit__(None, None, None)

    @unittest.skipIf(SANITIZED, BREADTH)
    def test_every_tool_refuses_every_lint_error(self):
        models = lint_error_models()
        self.assertGreaterEqual(len(models), 15)
        for path in models:
            codes = {what for _, _, what, _ in expectations(path)}
            for argv in ([RUN, path], [DOT, path], [PROJECT, path, "--list"], [TRACE, "invert", path, self.trace],
                         [TRACE, "show", self.trace, "--model", path]):
                with self.subTest(model=os.path.basename(path), tool=os.path.basename(argv[0])):
                    code, out, err = run(argv)
                    self.assertEqual(code, 2, err)
                    self.assertEqual(out, b"")
                    self.assertTrue(any(f"[{c}]" in err for c in codes), err)

    def test_ir_is_checked_as_yaml_is(self):
        # Clean with option 0; `-D pick=1` re-elaborates the IR into the fixed-choice deadlock.
        model = b"""rdc: 1
params: {pick: 0}
system:
  body:
    - Select<2> s:
        choice: const pick -> drop
        options[0]: input first as Int -> drop
        options[1]: back -> drop
        chosen: choose -> out
    - Def d:
        x: out -> output result
        y: choose -> back
"""
        with TempDir() as d:
            ir = os.path.join(d, "m.ir")
            code, _, err = run([LINT, "-", "-o", ir], stdin=model)
            self.assertEqual(code, 0, err)
            self.assertEqual(run([RUN, ir])[0], 0)
            for argv in ([LINT, ir, "-o", os.devnull], [RUN, ir], [DOT, ir], [PROJECT, ir, "--list"]):
                with self.subTest(tool=os.path.basename(argv[0])):
                    code, _, err = run(argv + ["-D", "pick=1"])
                    self.assertEqual(code, 1 if argv[0] == LINT else 2, err)
                    self.assertIn("[deadlock-cycle]", err)


class ExitCodes(unittest.TestCase):
    """docs/diagnostics.md#exit-status: 0 yes, 1 no, 2 unusable input, for every tool."""

    def test_each_tool_against_the_rule(self):
        bad = os.path.join(ROOT, "tests", "lint", "bad", "deadlock-cycle.rdc.yaml")
        unreadable = os.path.join(ROOT, "no", "such.rdc.yaml")
        warning = os.path.join(ROOT, "tests", "lint", "bad", "unused-component.rdc.yaml")
        with TempDir() as d:
            a, b = os.path.join(d, "a.trace"), os.path.join(d, "b.trace")
            bracha = [RUN, example("bracha"), "--input", "bc=1", "--latency", "uniform:1ms..10ms"]
            self.assertEqual(run(bracha + ["--seed", "1", "--trace", a])[0], 0)
            self.assertEqual(run(bracha + ["--seed", "2", "--trace", b])[0], 0)
            cases = [
                ([LINT, example("basics"), "-o", os.devnull], 0),
                ([LINT, warning, "-o", os.devnull], 0),
                ([LINT, "--werror", warning, "-o", os.devnull], 1),
                ([LINT, bad, "-o", os.devnull], 1),
                ([LINT, unreadable], 2),
                ([RUN, example("basics")], 0),
                ([RUN, example("bracha"), "--input", "bc=1", "--until", "1ms"], 1),
                ([RUN, bad], 2),
                ([RUN, unreadable], 2),
                ([RUN, example("basics"), "--no-such-flag"], 2),
                ([DOT, example("basics"), "-o", os.devnull], 0),
                ([DOT, bad], 2),
                ([DOT, unreadable], 2),
                ([PROJECT, example("bracha"), "--list"], 0),
                ([PROJECT, bad, "--list"], 2),
                ([PROJECT, unreadable, "--list"], 2),
                ([TRACE, "diff", a, a], 0),
                ([TRACE, "diff", a, b], 1),
                ([TRACE, "diff", a, unreadable], 2),
                ([TRACE, "invert", example("bracha"), a], 0),
                ([TRACE, "invert", example("basics"), a], 2),
                ([TRACE, "invert", bad, a], 2),
                ([TRACE, "show", a, "--model", bad], 2),
            ]
            for argv, status in cases:
                with self.subTest(command=" ".join(os.path.basename(x) for x in argv)):
                    code, _, err = run(argv)
                    self.assertEqual(code, status, err)
                    if status == 2:
                        self.assertIn("error:", err)


if __name__ == "__main__":
    unittest.main()
