"""rdc-project: projections are valid IR, and put back together through the
network they reproduce the whole model's values."""
import json
import os
import random
import unittest

from rdctest import ROOT, TempDir, breadth, example, jsonl_parts, read_bytes, run, tool

PROJECT, LINT, RUN, TRACE, DOT = (tool(t) for t in ("rdc-project", "rdc-lint", "rdc-run", "rdc-trace", "rdc-dot"))
NET = ["--latency", "uniform:1ms..10ms"]


def ir_json(path):
    code, out, err = run(["capnp", "convert", "binary:json", os.path.join(ROOT, "ir", "io", "rdc_ir.capnp"), "IrFile"],
                         stdin=read_bytes(path))
    assert code == 0, err
    return json.loads(out)


def events(trace):
    code, out, err = run([TRACE, "export", trace, "--format", "jsonl"])
    assert code == 0, err
    return jsonl_parts(out)[1]


def write_link_delays(model, path, directory):
    """A faults file giving every Link of the model its own constant delay."""
    trace = os.path.join(directory, "probe.trace")
    run([RUN, model, "--trace", trace])
    links = sorted({e["line"][:-len(".rcv")] for e in events(trace) if e["line"].endswith(".rcv")})
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8") as f:
        f.write("links:\n")
        for link in links:
            f.write(f"  {link}: constant:{rng.randint(100, 5000)}us\n")


def event_set(trace):
    """Every event but its `how` (a network delivery is an input in a projection), sorted."""
    return sorted((e["time_ns"], e["line"], e["end"], e["value"]) for e in events(trace))


class Projection(unittest.TestCase):
    def test_list_and_all(self):
        code, out, _ = run([PROJECT, example("bracha"), "--list"])
        self.assertEqual(out.decode().split(), [f"node[{i}]" for i in range(4)])
        with TempDir() as d:
            code, _, err = run([PROJECT, example("bracha"), "--all", "-O", d])
            self.assertEqual(code, 0, err)
            self.assertEqual(sorted(os.listdir(d)), [f"node[{i}].ir" for i in range(4)])
            for part in os.listdir(d):
                path = os.path.join(d, part)
                with self.subTest(part=part):
                    self.assertEqual(run([LINT, "--werror", path, "-o", os.devnull])[0], 0)
                    self.assertEqual(run([DOT, path, "--flat", "-T", "svg", "-o", os.devnull])[0], 0)
                    code, out, err = run([RUN, path])
                    self.assertEqual(code, 0, err)
                    self.assertIn("net:", out.decode())

    def test_gateways_name_the_link_and_the_peer(self):
        with TempDir() as d:
            ir = os.path.join(d, "p.ir")
            run([PROJECT, example("bracha"), "--domain", "node[1]", "-o", ir])
            doc = ir_json(ir)
            self.assertEqual(doc["projection"], ["node[1]"])
            gateways = [x for x in doc["graph"]["inputs"] + doc["graph"]["outputs"] if x.get("gateway")]
            sent = [x for x in gateways if x["gateway"] == "rb.echo[1].link[2]"]
            self.assertEqual(sent[0]["peer"], "node[2]")
            self.assertEqual(sent[0]["name"], "net:rb.echo[1].link[2]")

    def test_recomposition_reproduces_the_whole_model(self):
        # Run the whole model; then run each projection with what the network
        # delivered and the choices made in its domain, and compare values.
        for seed in range(3):
            with TempDir() as d:
                whole = os.path.join(d, "whole.trace")
                code, out, _ = run([RUN, example("bracha"), *NET, "--seed", str(seed), "--json", "--trace", whole])
                whole_outputs = json.loads(out)["outputs"]
                recorded = {(e["line"], e["end"]): e for e in events(whole)}
                run([PROJECT, example("bracha"), "--all", "-O", d])
                for n in range(4):
                    domain = f"node[{n}]"
                    part = os.path.join(d, domain + ".ir")
                    args = []
                    received = set()
                    for name in ir_json(part)["graph"]["inputs"]:
                        if name.get("gateway"):
                            received.add(name["gateway"] + ".rcv")
                            delivered = recorded[(name["gateway"] + ".rcv", "in")]["value"]
                            args += ["--input", f"{name['name']}={delivered}"]
                    for (path, end), e in recorded.items():
                        # A cut Link's delivery comes from the network input, not from a choice.
                        if end == "in" and e["how"] == "chosen" and e["domain"] == domain and path not in received:
                            args += ["--force", f"{path}={e['value']}"]
                    code, out, err = run([RUN, part, *args, "--json"])
                    self.assertEqual(code, 0, err)
                    for name, got in json.loads(out)["outputs"].items():
                        with self.subTest(seed=seed, node=n, output=name):
                            if name.startswith("net:"):
                                self.assertEqual(got["value"], recorded[(name[4:] + ".snd", "in")]["value"])
                            else:
                                self.assertEqual(got["value"], whole_outputs[name]["value"])

    def test_split_runs_are_exact_on_every_example(self):
        # Each cut Link gets its own constant delay (so the two runs agree on
        # the network); the split run replays the whole run's choices and must
        # produce every event of the whole run, at the same times.
        cases = {
            "basics": [[]],
            "bracha": [[], ["--byzantine", "node[2]"], ["--crash", "node[1]@3ms"],
                       ["--force", "rb.echo[1].link[2].rcv=5"]],
            "rb-over-cb": [["--byzantine", "node[0]"]],
            "tendermint": [[], ["--byzantine", "node[1]"], ["--crash", "node[0]"]],
        }
        for name, fault_sets in cases.items():
            model = example(name)
            with TempDir() as d:
                faults = os.path.join(d, "links.yaml")
                write_link_delays(model, faults, d)
                for faults_args in fault_sets[: breadth(len(fault_sets), 2)]:
                    for seed in breadth((1, 2), (1,)):
                        with self.subTest(model=name, faults=faults_args, seed=seed):
                            whole, split = (os.path.join(d, x) for x in ("whole.trace", "split.trace"))
                            code, w_out, err = run([RUN, model, "--faults", faults, *faults_args, "--seed", str(seed),
                                                    "--trace", whole])
                            self.assertIn(code, (0, 1), err)
                            code, s_out, err = run([RUN, model, "--split", "--replay", whole, "--trace", split])
                            self.assertIn(code, (0, 1), err)
                            self.assertEqual(w_out, s_out)
                            self.assertEqual(event_set(whole), event_set(split))

    def test_split_runs_are_deterministic_and_hold_the_checks(self):
        with TempDir() as d:
            a, b = os.path.join(d, "a.trace"), os.path.join(d, "b.trace")
            for path in (a, b):
                code, out, err = run([RUN, example("bracha"), "--split", *NET, "--byzantine", "node[0]", "--seed", "4",
                                      "--trace", path])
                self.assertEqual(code, 0, out.decode() + err)
            self.assertEqual(read_bytes(a), read_bytes(b))
            code, out, err = run([RUN, example("bracha"), "--replay", a])  # a split trace replays on the whole model
            self.assertEqual(code, 0, err)

    def test_bad_use(self):
        for args in (["--domain", "node[7]"], [], ["--list", "--all"], ["--all"]):
            with self.subTest(args=args):
                self.assertEqual(run([PROJECT, example("bracha"), *args, "-o", os.devnull])[0], 2)


if __name__ == "__main__":
    unittest.main()
