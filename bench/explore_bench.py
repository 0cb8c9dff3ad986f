#!/usr/bin/env python3
"""Schedule strategies against uniform random seeds on the broken variants.

For each variant and strategy: the runs it takes to the first agreement failure (a
sweep's position of its first failing seed, or an exhaustive search's
explored schedules), the median over several strategy seeds (each random or
PCT sweep starts at another offset; each exhaustive search from another
--seed). Then the exhaustive search's schedules per second on Bracha n = 4
(a budget that finds no failure: the correct model).

  RDC_BUILD=build python3 bench/explore_bench.py [--trials 7] [--limit 400]
"""
import argparse
import json
import os
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = os.path.join(os.path.abspath(os.environ.get("RDC_BUILD", os.path.join(ROOT, "build"))),
                   "tools", "rdc-run", "rdc-run")
EX = os.path.join(ROOT, "examples")
VARIANTS = {
    "bracha f+1 quorums": [os.path.join(EX, "bracha", "bracha.rdc.yaml"), "-D", "f=2", "--byzantine", "node[0]",
                           "--latency", "uniform:1ms..5ms"],
    "tendermint lockRule=0": [os.path.join(EX, "tendermint", "tendermint.rdc.yaml"), "-D", "lockRule=0",
                              "--faults", os.path.join(EX, "tendermint", "scenarios", "lost-lock.yaml")],
}


def rdc_run(args):
    proc = subprocess.run([RUN, *args, "--json"], capture_output=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr.decode())
    return json.loads(proc.stdout)


def sweep_to_failure(args, strategy, start, limit, chunk=50):
    """Seeds run from `start` until the first failure (None past `limit`)."""
    for first in range(start, start + limit, chunk):
        out = rdc_run([*args, "--strategy", strategy, "--seeds", "%d..%d" % (first, first + chunk - 1)])
        failed = [f["seed"] for f in out["failed"] if f["why"].startswith("agreement")]
        if failed:
            return min(failed) - start + 1
    return None


def exhaustive_to_failure(args, seed, limit):
    # (--invariant agreement: the search stops only at an agreement failure, not at another check's.)
    out = rdc_run([*args, "--strategy", "exhaustive", "--budget", str(limit), "--seed", str(seed),
                   "--invariant", "agreement"])
    return out["explored"] if out["failed"] and out["failed"]["why"].startswith("agreement") else None


def median_text(values, limit):
    found = [v for v in values if v is not None]
    # A miss counts as more than the limit: the median is a bound when misses reach the middle.
    ordered = sorted(v if v is not None else limit + 1 for v in values)
    med = statistics.median(ordered)
    shown = (">%d" % limit) if med > limit else "%g" % med
    return "%s (found in %d of %d trials)" % (shown, len(found), len(values))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=7, help="strategy seeds per median")
    parser.add_argument("--limit", type=int, default=400, help="runs at most per trial")
    a = parser.parse_args()
    print("runs to first failure, median over %d strategy seeds (limit %d runs)" % (a.trials, a.limit))
    for name, args in VARIANTS.items():
        row = {}
        for strategy in ["random", "pct:2", "pct:3"]:
            row[strategy] = [sweep_to_failure(args, strategy, 1000 * t, a.limit) for t in range(a.trials)]
        row["exhaustive"] = [exhaustive_to_failure(args, t, a.limit) for t in range(a.trials)]
        for strategy, values in row.items():
            print("  %-22s %-11s %s" % (name, strategy, median_text(values, a.limit)))
    budget = 2000
    start = time.perf_counter()
    out = rdc_run([os.path.join(EX, "bracha", "bracha.rdc.yaml"), "--strategy", "exhaustive", "--budget",
                   str(budget), "--latency", "uniform:1ms..5ms"])
    seconds = time.perf_counter() - start
    print("exhaustive on bracha n=4 (uniform:1ms..5ms): %d schedules in %.2fs = %.0f schedules/s (exhausted: %s)"
          % (out["explored"], seconds, out["explored"] / seconds, out["exhausted"]))


if __name__ == "__main__":
    main()
