"""Helpers shared by the tool tests: locate binaries, run them, read headers."""
import os
import re
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.abspath(os.environ.get("RDC_BUILD", os.path.join(ROOT, "build")))
EXAMPLES = os.path.join(ROOT, "examples")


# Set by .ci/sanitize: the binaries run 3 to 10 times slower and cannot cap
# their heap, so tests of real-time timeouts and of the heap cap skip.
SANITIZED = os.environ.get("RDC_SANITIZED") == "1"
# Why a test is skipped under a sanitizer: it repeats paths over many cases
# (every tool, every model); the normal build runs it, and CI's time is kept.
BREADTH = "breadth, not memory: the normal build runs it"


def breadth(full, sanitized):
    """The seeds (or cases) a test repeats its check over: `full` in the
    normal build, `sanitized` under a sanitizer. A sanitizer finds a memory
    or UB fault on the paths the fewer cases take; repeating the same paths
    over more seeds is what the normal build is for, and would put the
    sanitized suite past CI's time."""
    return sanitized if SANITIZED else full


def tool(name):
    return os.path.join(BUILD, "tools", name, name)


def run(args, stdin=None, timeout=60, cwd=None):
    """Runs a command; returns (exit code, stdout bytes, stderr text)."""
    proc = subprocess.run(args, input=stdin, capture_output=True, timeout=timeout, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def write(directory, name, text):
    """Writes `text` to a file in `directory`; returns its path."""
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def jsonl_parts(text, loads=None):
    """Splits an `rdc-trace export --format jsonl` text into its header,
    its event rows and its footer (the objects under "header", each row,
    the object under "footer"), checking that the first and last lines are
    those. `loads` parses a line (json.loads unless given)."""
    import json
    rows = [(loads or json.loads)(line) for line in text.splitlines()]  # (bytes or str, as loads takes them)
    assert rows and set(rows[0]) == {"header"} and set(rows[-1]) == {"footer"}, "not a jsonl export"
    return rows[0]["header"], rows[1:-1], rows[-1]["footer"]


def example(name):
    return os.path.join(EXAMPLES, name, name + ".rdc.yaml")


def expectations(path):
    """Parses `# expect: LINE:COL CODE exit=N` header lines of a test model."""
    found = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"# expect: (\d+):(\d+) ([a-z-]+) exit=(\d)", line)
            if not m:
                break
            found.append((int(m[1]), int(m[2]), m[3], int(m[4])))
    return found


class TempDir:
    def __enter__(self):
        self.dir = tempfile.TemporaryDirectory()
        return self.dir.name

    def __exit__(self, *exc):
        self.dir.cleanup()
