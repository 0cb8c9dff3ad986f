"""Bracha's RB written over consistent broadcast (examples/rb-over-cb)
behaves exactly like the direct model (examples/bracha): for the same seed
and faults, every event is the same, with rb.cb.* in place of rb.*."""
import json
import os
import unittest

from rdctest import TempDir, example, jsonl_parts, run, tool

RUN = tool("rdc-run")
TRACE = tool("rdc-trace")
DIRECT = example("bracha")
OVER_CB = example("rb-over-cb")
FAULTS = [
    ["--byzantine", "node[0]"],                          # the sender lies to each node
    ["-D", "n=7", "--byzantine", "node[3]", "--crash", "node[2]@4ms"],
    ["-D", "n=7", "--byzantine", "node[0]", "--byzantine", "node[6]"],
    ["--byzantine", "node[0]", "--byzantine", "node[1]"],  # more than f: checks may fail, alike
]


def events(model, faults, seed, directory):
    path = os.path.join(directory, os.path.basename(model) + ".trace")
    code, out, err = run([RUN, model, "--latency", "uniform:1ms..10ms", *faults, "--seed", str(seed),
                          "--trace", path])
    if code not in (0, 1):
        raise AssertionError(err)
    report = out.decode().replace("rb.cb.", "rb.")
    code, out, err = run([TRACE, "export", path, "--format", "jsonl"])
    if code != 0:
        raise AssertionError(err)
    _, rows, _ = jsonl_parts(out)
    for row in rows:
        row["line"] = row["line"].replace("rb.cb.", "rb.", 1)
    return report, rows


class Equivalence(unittest.TestCase):
    def test_same_events_for_the_same_seed_and_faults(self):
        with TempDir() as d:
            for faults in FAULTS:
                for seed in range(20):
                    with self.subTest(faults=faults, seed=seed):
                        direct = events(DIRECT, faults, seed, d)
                        self.assertGreater(len(direct[1]), 100)
                        self.assertEqual(direct, events(OVER_CB, faults, seed, d))

    def test_rb_over_cb_holds_its_checks(self):
        code, out, err = run([RUN, OVER_CB, "--latency", "uniform:1ms..10ms", "--byzantine", "node[0]",
                              "--seeds", "0..299"], timeout=120)
        self.assertEqual(code, 0, out.decode()[-1000:] + err)


if __name__ == "__main__":
    unittest.main()
