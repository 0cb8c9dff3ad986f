"""`cmake --install` as a user would: install into a temporary prefix, then
run the installed tools on a model outside the source tree, format the man
pages, complete flags with the bash completion, and run examples/Makefile's
`check` with the installed tools."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from rdctest import BUILD, ROOT, run

TOOLS = ["rdc-lint", "rdc-run", "rdc-trace", "rdc-dot", "rdc-project"]


def built_with_help2man():
    with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
        return not re.search(r"^RDC_HELP2MAN:FILEPATH=.*NOTFOUND", f.read(), flags=re.M)


class Installed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.TemporaryDirectory()
        cls.prefix = os.path.join(cls.scratch.name, "prefix")
        code, _, err = run(["cmake", "--install", BUILD, "--prefix", cls.prefix], timeout=300)
        if code != 0:
            raise AssertionError(err)
        cls.bin = os.path.join(cls.prefix, "bin")
        # The installed tools first, and no build tree on the way.
        cls.env = dict(os.environ, PATH=cls.bin + os.pathsep + "/usr/bin:/bin", MANWIDTH="100")
        # Work outside the source tree: a copy of the examples.
        cls.work = os.path.join(cls.scratch.name, "work")
        shutil.copytree(os.path.join(ROOT, "examples"), os.path.join(cls.work, "examples"),
                        ignore=shutil.ignore_patterns("diagrams", "checks"))

    @classmethod
    def tearDownClass(cls):
        cls.scratch.cleanup()

    def sh(self, args, timeout=120, cwd=None):
        proc = subprocess.run(args, capture_output=True, timeout=timeout, cwd=cwd or self.work, env=self.env)
        return proc.returncode, proc.stdout.decode(), proc.stderr.decode()

    def test_the_five_tools_run_from_the_prefix(self):
        model = os.path.join("examples", "bracha", "bracha.rdc.yaml")
        for tool in TOOLS:
            with self.subTest(tool):
                code, out, err = self.sh([tool, "--version"])
                self.assertEqual(code, 0, err)
                self.assertIn("0.", out)
        # Each tool does its job on a model the tools have never seen the path of;
        # `use: [std]` is resolved without the source tree.
        code, out, err = self.sh(["rdc-lint", "--werror", "--stats", model])
        self.assertEqual(code, 0, err)
        code, out, err = self.sh(["rdc-run", model, "--seeds", "0..9", "--json"])
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["passed"], 10)
        code, out, err = self.sh(["rdc-run", model, "--seed", "3", "--trace", "b.trace"])
        self.assertEqual(code, 0, err)
        code, out, err = self.sh(["rdc-trace", "show", "b.trace", "--line", "rb.deliver[*].q.value"])
        self.assertEqual(code, 0, err)
        self.assertIn("rb.deliver[0].q.value", out)
        code, out, err = self.sh(["rdc-dot", model, "--trace", "b.trace", "-T", "svg"])
        self.assertEqual(code, 0, err)
        self.assertIn("<svg", out)
        code, out, err = self.sh(["rdc-project", model, "--all", "-O", "parts"])
        self.assertEqual(code, 0, err)
        self.assertEqual(len(os.listdir(os.path.join(self.work, "parts"))), 4)

    def test_standard_library_and_schema_are_installed(self):
        share = os.path.join(self.prefix, "share", "rdc")
        with open(os.path.join(share, "stdlib", "std.rdc.yaml")) as f, \
                open(os.path.join(ROOT, "ir", "model", "stdlib", "std.rdc.yaml")) as g:
            self.assertEqual(f.read(), g.read())
        with open(os.path.join(share, "schema", "rdc-model.schema.json")) as f:
            installed = json.load(f)
        code, out, err = self.sh(["rdc-lint", "--schema"])
        self.assertEqual(code, 0, err)
        self.assertEqual(installed, json.loads(out))

    @unittest.skipUnless(built_with_help2man(), "built without help2man: no man pages")
    def test_man_pages_format_with_each_tools_flags(self):
        flags = {"rdc-lint": "--werror", "rdc-run": "--seeds", "rdc-trace": "--max-memory", "rdc-dot": "--layout",
                 "rdc-project": "--all"}
        for tool in TOOLS:
            with self.subTest(tool):
                page = os.path.join(self.prefix, "share", "man", "man1", tool + ".1")
                code, out, err = self.sh(["man", "-l", "-P", "cat", page])
                self.assertEqual(code, 0, err)
                self.assertRegex(out, rf"NAME\s+{tool} - \S")
                self.assertIn(flags[tool], out)
                self.assertNotIn(BUILD, out)  # usage lines name the tool, not the build path
        # rdc-trace's page holds its subcommands' own flags.
        code, out, _ = self.sh(["man", "-l", "-P", "cat", os.path.join(self.prefix, "share", "man", "man1",
                                                                       "rdc-trace.1")])
        self.assertIn("rdc-trace export", out)
        self.assertIn("--format", out)

    def complete(self, *words):
        """What the installed completion offers for the last of `words`."""
        script = os.path.join(self.prefix, "share", "bash-completion", "completions", words[0])
        line = " ".join(f"'{w}'" for w in words)
        code, out, err = self.sh(["bash", "-c", f'source "{script}"; COMP_WORDS=({line}); '
                                  f'COMP_CWORD={len(words) - 1}; _rdc_complete {words[0]}; '
                                  'printf "%s\\n" "${COMPREPLY[@]}"'])
        self.assertEqual(code, 0, err)
        return sorted(w for w in out.split("\n") if w)

    def test_bash_completion_completes_flags_and_subcommands(self):
        self.assertEqual(self.complete("rdc-run", "--see"), ["--seed", "--seeds"])
        self.assertEqual(self.complete("rdc-dot", "--lay"), ["--layout"])
        self.assertEqual(self.complete("rdc-trace", "ex"), ["export"])
        self.assertEqual(self.complete("rdc-trace", "export", "--form"), ["--format"])
        self.assertEqual(self.complete("rdc-lint", "exa"), ["examples"])  # files elsewhere

    def test_make_check_passes_with_the_installed_tools_and_fails_on_a_warning(self):
        examples = os.path.join(self.work, "examples")
        code, out, err = self.sh(["make", "-C", examples, "-j2", "check", "BIN=" + self.bin], timeout=600)
        self.assertEqual(code, 0, out + err)
        summary = os.path.join(examples, "bracha", "checks", "seeds.json")
        with open(summary) as f:
            result = json.load(f)
        self.assertEqual((int(result["passed"]), result["failed"]), (100, []))
        self.assertTrue(os.path.exists(os.path.join(examples, "bracha", "diagrams", "run.svg")))
        # A model with a warning (an unused component) fails the lint step.
        os.makedirs(os.path.join(examples, "warned"), exist_ok=True)
        shutil.copy(os.path.join(ROOT, "tests", "lint", "bad", "unused-component.rdc.yaml"),
                    os.path.join(examples, "warned", "warned.rdc.yaml"))
        code, out, err = self.sh(["make", "-C", examples, "lint", "BIN=" + self.bin])
        self.assertNotEqual(code, 0, out)
        self.assertIn("unused-component", err)


if __name__ == "__main__":
    unittest.main()
