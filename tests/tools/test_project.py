"""rdc-project: projections are valid IR, and put back together through the
network they reproduce the whole model's values."""
import json
import os
import unittest

from rdctest import ROOT, TempDir, example, read_bytes, run, tool

PROJECT, LINT, RUN, TRACE, DOT = (tool(t) for t in ("rdc-project", "rdc-lint", "rdc-run", "rdc-trace", "rdc-dot"))
NET = ["--latency", "uniform:1ms..10ms"]


def ir_json(path):
    code, out, err = run(["capnp", "convert", "binary:json", os.path.join(ROOT, "ir", "rdc_ir.capnp"), "IrFile"],
                         stdin=read_bytes(path))
    assert code == 0, err
    return json.loads(out)


def events(trace):
    code, out, err = run([TRACE, "export", trace, "--format", "jsonl"])
    assert code == 0, err
    return [json.loads(line) for line in out.decode().splitlines()[1:]]


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

    def test_bad_use(self):
        for args in (["--domain", "node[7]"], [], ["--list", "--all"], ["--all"]):
            with self.subTest(args=args):
                self.assertEqual(run([PROJECT, example("bracha"), *args, "-o", os.devnull])[0], 2)


if __name__ == "__main__":
    unittest.main()
