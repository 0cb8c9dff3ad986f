"""Every model in docs/tutorial.md and docs/protocols.md lints, and every
command shown there prints what the page says it prints."""
import os
import re
import shlex
import subprocess
import unittest

from rdctest import BUILD, ROOT, TempDir

# Each page, with the least number of models and commands it must hold.
PAGES = {"tutorial.md": (6, 12), "protocols.md": (0, 7)}
TOOLS = {name: os.path.join(BUILD, "tools", name, name) for name in ("rdc-lint", "rdc-run", "rdc-trace", "rdc-dot")}


def blocks(text):
    """(info string, body) of each fenced block, in order."""
    return re.findall(r"^```([^\n]*)\n(.*?)^```", text, flags=re.S | re.M)


class Tutorial(unittest.TestCase):
    def test_models_and_commands(self):
        for page, (least_models, least_commands) in PAGES.items():
            with self.subTest(page=page):
                self.check_page(os.path.join(ROOT, "docs", page), least_models, least_commands)

    def check_page(self, path, least_models, least_commands):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        with TempDir() as d:
            work = os.path.join(d, "work")
            os.makedirs(work)
            os.symlink(os.path.join(ROOT, "examples"), os.path.join(d, "examples"))
            models = commands = 0
            for info, body in blocks(text):
                m = re.match(r"yaml file=(\S+)", info)
                if m:
                    with open(os.path.join(work, m[1]), "w", encoding="utf-8") as f:
                        f.write(body)
                    models += 1
                    continue
                if info.strip() != "sh test":
                    continue
                for command, expected in self.steps(body):
                    commands += 1
                    with self.subTest(command=command):
                        argv = shlex.split(command)
                        argv[0] = TOOLS[argv[0]]
                        status = 0
                        lines = []
                        for line in expected:
                            if line.startswith("# exit "):
                                status = int(line.split()[-1])
                            else:
                                lines.append(line)
                        proc = subprocess.run(argv, cwd=work, capture_output=True, timeout=300)
                        out = proc.stdout.decode() + proc.stderr.decode()
                        self.assertEqual(proc.returncode, status, out)
                        for line in lines:
                            self.assertIn(line, out)
            self.assertGreaterEqual(models, least_models)
            self.assertGreaterEqual(commands, least_commands)

    @staticmethod
    def steps(body):
        """Splits a `sh test` block into ($ command, [expected lines])."""
        steps = []
        for line in body.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif line.strip() and steps:
                steps[-1][1].append(line)
        return steps


if __name__ == "__main__":
    unittest.main()
