"""Behaviour is unchanged by refactoring: every example's runs, traces,
inversions, projections and diagrams compared with recorded listings.

The listings in tests/golden/behaviour/ were recorded by the tools themselves
(RDC_UPDATE_GOLDEN=1 rewrites them). A change that means to alter behaviour
(a new schedule, a new trace field) rewrites them in the same commit, so the
diff shows what changed; a refactoring must leave them byte for byte.
"""
import gzip
import hashlib
import os
import re
import unittest

from rdctest import ROOT, TempDir, read_bytes, tool
from rdctest import run as run_anywhere

GOLDEN = os.path.join(ROOT, "tests", "golden", "behaviour")
UPDATE = os.environ.get("RDC_UPDATE_GOLDEN") == "1"
# Paths relative to the repository's root, where the tools run: the IR
# records the model's file name, and the listings must not depend on where
# the repository is checked out.
SCENARIOS = os.path.join("examples", "tendermint", "scenarios")
UNIFORM = ["--latency", "uniform:1ms..10ms"]

# name: (model, arguments of rdc-run and of every tool that reads the model)
RUNS = {
    "basics": ("basics", ["--seed", "1"]),
    "basics-uniform": ("basics", UNIFORM + ["--seed", "7"]),
    "bracha": ("bracha", ["--seed", "3"]),
    "bracha-uniform": ("bracha", UNIFORM + ["--seed", "7"]),
    "bracha-exponential": ("bracha", ["--latency", "exponential:3ms", "--seed", "12"]),
    "bracha-byzantine": ("bracha", ["--byzantine", "node[0]", "--seed", "5"]),
    "bracha-crash": ("bracha", ["--crash", "node[1]@2ms", "--byzantine", "node[3]", "--seed", "9"]),
    "bracha-forced": ("bracha", ["--force", "rb.send.link[2].rcv=7", "--seed", "4"]),
    "bracha-until": ("bracha", UNIFORM + ["--until", "4ms", "--seed", "2"]),
    "bracha-7": ("bracha", ["-D", "n=7", "--seed", "2"] + UNIFORM),
    "bracha-split": ("bracha", ["--split", "--byzantine", "node[2]", "--seed", "7"] + UNIFORM),
    "rb-over-cb": ("rb-over-cb", UNIFORM + ["--seed", "1"]),
    "rb-over-cb-byzantine": ("rb-over-cb", ["--byzantine", "node[0]", "--seed", "3"]),
    "tendermint": ("tendermint", ["--seed", "3"]),
    "tendermint-split": ("tendermint", ["--split", "--seed", "5"] + UNIFORM),
    "tendermint-lost-lock": ("tendermint", ["-D", "lockRule=0", "--seed", "184",
                                            "--faults", os.path.join(SCENARIOS, "lost-lock.yaml")]),
    "tendermint-byzantine-votes-7": ("tendermint", ["-D", "n=7", "--seed", "1", "--faults",
                                                    os.path.join(SCENARIOS, "byzantine-votes-7.yaml")]),
}
for scenario in ("byzantine-votes", "crashed-proposer", "equivocating-proposer",
                 "lagging-node", "slow-start"):
    RUNS["tendermint-" + scenario] = (
        "tendermint", ["--seed", "2", "--faults", os.path.join(SCENARIOS, scenario + ".yaml")])

# Diagrams (rdc-dot arguments) of the models small enough to draw flat.
DIAGRAMS = {
    "basics": ("basics", []),
    "basics-flat": ("basics", ["--flat"]),
    "bracha": ("bracha", ["--depth", "3"]),
    "bracha-flat": ("bracha", ["--flat"]),
    "bracha-domain": ("bracha", ["--domain", "node[1]"]),
    "rb-over-cb": ("rb-over-cb", ["--depth", "2"]),
    "tendermint": ("tendermint", ["--depth", "2"]),
}


def example(name):
    return os.path.join("examples", name, name + ".rdc.yaml")


def run(args, timeout=60):
    return run_anywhere(args, timeout=timeout, cwd=ROOT)


def model_args(args):
    """The -D overrides among a run's arguments (what invert and project need)."""
    out = []
    for i, a in enumerate(args):
        if a == "-D":
            out += ["-D", args[i + 1]]
    return out


def section(title, code, out, err=""):
    text = out.decode("utf-8", "replace") if isinstance(out, bytes) else out
    return f"== {title} (exit {code})\n{text}{err}"


SCALE = {"ns": 1, "us": 1000, "ms": 1000000, "s": 1000000000}


def shown_in_exact_units(listing):
    """`rdc-trace show`'s rows with their times in their largest exact unit
    (`4431844ns`, `5ms`), as the goldens hold them (show says times as
    rdc-run reports them, `4.431844ms`): the goldens compare events, not
    how a time is spelt."""
    def row(line):
        time, tab, rest = line.partition(b"\t")
        m = re.fullmatch(rb"(\d+)(?:\.(\d+))?(ns|us|ms|s)", time)
        if not tab or not m:
            return line
        scale = SCALE[m.group(3).decode()]
        fraction = m.group(2) or b""
        ns = int(m.group(1)) * scale + int(fraction or b"0") * scale // 10 ** len(fraction)
        unit = next((u for u in ("s", "ms", "us") if ns and ns % SCALE[u] == 0), "ns")
        return b"%d%s\t" % (ns // SCALE[unit], unit.encode()) + rest
    return b"\n".join(row(line) for line in listing.split(b"\n"))


def run_listing(model_name, args, tmp):
    model = example(model_name)
    trace = os.path.join(tmp, "run.trace")
    parts = []
    code, out, err = run([tool("rdc-run"), model, "--trace", trace] + args)
    parts.append(section("rdc-run " + " ".join(os.path.basename(a) for a in args), code, out, err))
    code, out, err = run([tool("rdc-trace"), "show", trace])
    parts.append(section("rdc-trace show", code, shown_in_exact_units(out), err))
    backward = os.path.join(tmp, "back.trace")
    code, out, err = run([tool("rdc-trace"), "invert", model, trace, "-o", backward]
                         + model_args(args))
    parts.append(section("rdc-trace invert", code, out, err))
    code, out, err = run([tool("rdc-trace"), "show", backward])
    parts.append(section("rdc-trace show (backward)", code, shown_in_exact_units(out), err))
    code, out, err = run([tool("rdc-trace"), "export", "--format", "jsonl", trace])
    parts.append(section("rdc-trace export jsonl", code, out, err))
    replayed = os.path.join(tmp, "replay.trace")
    code, out, err = run([tool("rdc-run"), model, "--replay", trace, "--trace", replayed]
                         + model_args(args) + (["--split"] if "--split" in args else []))
    parts.append(section("rdc-run --replay", code, out, err))
    same = os.path.exists(replayed) and read_bytes(replayed) == read_bytes(trace)
    parts.append(f"== replay byte for byte: {same}\n")
    return "".join(parts)


def project_listing(model_name, args, tmp):
    """Every domain's projection, as the digest of its IR and its lint summary."""
    model = example(model_name)
    outdir = os.path.join(tmp, "proj")
    code, out, err = run([tool("rdc-project"), model, "--all", "-O", outdir] + args)
    parts = [section("rdc-project --all", code, out, err)]
    for name in sorted(os.listdir(outdir)) if code == 0 else []:
        digest = hashlib.sha256(read_bytes(os.path.join(outdir, name))).hexdigest()
        parts.append(f"{name} sha256 {digest}\n")
    return "".join(parts)


def dot_listing(model_name, args):
    code, out, err = run([tool("rdc-dot"), example(model_name)] + args, timeout=300)
    return section("rdc-dot " + " ".join(args), code, out, err)


class Behaviour(unittest.TestCase):
    def check(self, name, text):
        path = os.path.join(GOLDEN, name + ".txt.gz")
        if UPDATE:
            os.makedirs(GOLDEN, exist_ok=True)
            with gzip.GzipFile(path, "wb", mtime=0) as f:
                f.write(text.encode())
            return
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            expected = f.read()
        if text != expected:
            got, want = text.splitlines(), expected.splitlines()
            first = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b),
                         min(len(got), len(want)))
            self.fail(f"{name}: listing differs from {path} at line {first + 1}:\n"
                      f"  recorded: {want[first] if first < len(want) else '<end>'}\n"
                      f"  now:      {got[first] if first < len(got) else '<end>'}")

    def test_runs(self):
        for name, (model, args) in RUNS.items():
            with self.subTest(name), TempDir() as tmp:
                self.check("run-" + name, run_listing(model, args, tmp))

    def test_projections(self):
        for name, args in (("bracha", []), ("rb-over-cb", []), ("tendermint", []),
                           ("bracha-7", ["-D", "n=7"])):
            model = name.split("-7")[0]
            with self.subTest(name), TempDir() as tmp:
                self.check("project-" + name, project_listing(model, args, tmp))

    def test_diagrams(self):
        for name, (model, args) in DIAGRAMS.items():
            with self.subTest(name):
                self.check("dot-" + name, dot_listing(model, args))

    def test_projection_diagrams(self):
        # What node[1] of Bracha runs, with its gateways: the system, expanded, and flat.
        with TempDir() as tmp:
            ir = os.path.join(tmp, "node1.ir")
            code, _, err = run([tool("rdc-project"), example("bracha"), "--domain", "node[1]", "-o", ir])
            self.assertEqual(code, 0, err)
            for name, args in (("", []), ("-depth3", ["--depth", "3"]), ("-flat", ["--flat"])):
                with self.subTest(name):
                    code, out, err = run([tool("rdc-dot"), ir] + args, timeout=300)
                    self.check("dot-bracha-node1" + name, section("rdc-dot node1.ir " + " ".join(args), code, out, err))

    def test_lint(self):
        for model in ("basics", "bracha", "rb-over-cb", "tendermint"):
            with self.subTest(model):
                code, out, err = run([tool("rdc-lint"), example(model), "--diagnostics", "json"])
                digest = hashlib.sha256(out).hexdigest()
                self.check("lint-" + model, section("rdc-lint", code, f"IR sha256 {digest}\n", err))


if __name__ == "__main__":
    unittest.main()
