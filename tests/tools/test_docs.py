"""Every command shown in README.md and docs/*.md runs, and prints what the
page says it prints.

A page's fenced blocks are read in order, in a scratch directory where
`build/` is the build under test and `examples/` the repository's examples:

- ```yaml file=NAME``` writes the model NAME for the commands below it;
- ```sh test``` holds `$ command` lines, each followed by lines its output
  (stdout and stderr) must contain, `# exit N` for a status other than 0,
  and `# ...` comments; a command of plain `NAME=value` assignments sets
  variables for the commands after it;
- ```sh``` is a script that must exit 0;
- other blocks (synopses, fragments) are not run.

A comment right before a block, `<!-- docs-test: skip REASON -->`, skips it
(installs, builds, fixed TCP ports), and `<!-- docs-test: replace OLD NEW -->`
runs it with OLD replaced by NEW (a benchmark's thousand seeds shortened).
tutorial.md and protocols.md are run by test_tutorial.py.
"""
import glob
import os
import re
import shlex
import subprocess
import unittest

from rdctest import BUILD, ROOT, TempDir
from test_tutorial import PAGES as TUTORIAL_PAGES

PAGES = [os.path.join(ROOT, "README.md")] + sorted(
    p for p in glob.glob(os.path.join(ROOT, "docs", "*.md")) if os.path.basename(p) not in TUTORIAL_PAGES)
TOOL_DIRS = [os.path.join(BUILD, "tools", name) for name in ("rdc-lint", "rdc-run", "rdc-trace", "rdc-dot", "rdc-project")]
BLOCK = re.compile(r"((?:^<!-- docs-test: [^\n]*-->\n)*)^```([^\n]*)\n(.*?)^```", flags=re.S | re.M)
DIRECTIVE = re.compile(r"<!-- docs-test: (skip|replace) ?(.*?) ?-->")
ASSIGNMENTS = re.compile(r"^(\w+=\S+\s*)+$")


def blocks(text):
    """(directives, info string, body) of each fenced block, in order."""
    return [(DIRECTIVE.findall(directives), info.strip(), body) for directives, info, body in BLOCK.findall(text)]


def steps(body):
    """Splits a `sh test` block into (command, [expected lines], status)."""
    found = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append([line[2:], [], 0])
        elif line.startswith("# exit "):
            found[-1][2] = int(line.split()[2])
        elif line.strip() and not line.startswith("#") and found:
            found[-1][1].append(line)
    return found


class Docs(unittest.TestCase):
    def test_every_page(self):
        self.assertIn("semantics.md", [os.path.basename(p) for p in PAGES])
        for page in PAGES:
            with self.subTest(page=os.path.relpath(page, ROOT)):
                self.check_page(page)

    def check_page(self, path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with TempDir() as d:
            for name, target in (("build", BUILD), ("examples", os.path.join(ROOT, "examples"))):
                os.symlink(target, os.path.join(d, name))
            env = dict(os.environ, PATH=os.pathsep.join(TOOL_DIRS + [os.environ.get("PATH", "")]))
            for directives, info, body in blocks(text):
                m = re.match(r"yaml file=(\S+)", info)
                if m:
                    with open(os.path.join(d, m[1]), "w", encoding="utf-8") as f:
                        f.write(body)
                    continue
                if info not in ("sh", "sh test") or any(kind == "skip" for kind, _ in directives):
                    continue
                for kind, argument in directives:
                    old, new = shlex.split(argument)
                    self.assertIn(old, body, f"docs-test replace: '{old}' is not in the block")
                    body = body.replace(old, new)
                if info == "sh":
                    self.run_script(body, d, env)
                else:
                    self.run_steps(body, d, env)

    def run_script(self, body, cwd, env):
        with self.subTest(script=body):
            proc = subprocess.run(["bash", "-e", "-c", body], cwd=cwd, env=env, capture_output=True, timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stdout.decode() + proc.stderr.decode())

    def run_steps(self, body, cwd, env):
        for command, expected, status in steps(body):
            if ASSIGNMENTS.match(command):
                env.update(dict(word.split("=", 1) for word in shlex.split(command)))
                continue
            with self.subTest(command=command):
                proc = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, timeout=300)
                out = proc.stdout.decode() + proc.stderr.decode()
                self.assertEqual(proc.returncode, status, out)
                for line in expected:
                    self.assertIn(line, out)


if __name__ == "__main__":
    unittest.main()
