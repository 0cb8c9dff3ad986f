"""Signed values: a correct node relays another's signed value, a Byzantine
relay cannot forge it (over 500 seeds the checks hold); values given from
outside the model may hold only their line's domain's signatures; a trace
with a forged signature is refused by replay and inversion, while honest
traces replay byte for byte and invert."""
import os
import re
import unittest

from rdctest import ROOT, TempDir, read_bytes, run, tool, write

SCHEMA = os.path.join(ROOT, "ir", "io", "trace.capnp")

RUN, TRACE, LINT, DOT = tool("rdc-run"), tool("rdc-trace"), tool("rdc-lint"), tool("rdc-dot")

# Node 0 signs its input, node 1 relays it, node 2 accepts only what node 0
# signed. With `forge: 1`, node 2 accepts any signed value (the broken variant).
RELAY = """\
rdc: 1
params:
  forge: 0
domains:
  node: 3
system:
  body:
    - Fn seal @ node[0]:
        expr: "sign(x)"
        x: input v as Int @ node[0] -> drop
        r: choose -> sealed
    - Link hop1:
        snd: sealed -> drop
        rcv: choose -> atRelay
    - Fn relay @ node[1]:
        expr: "s"
        s: atRelay -> drop
        r: choose -> forwarded
    - Link hop2:
        snd: forwarded -> drop
        rcv: choose -> atDest
    - Filter accept @ node[2]:
        when: "forge == 1 || signedBy(s, 0)"
        expr: "payload(s)"
        s: atDest -> output heard
        r: choose -> output got
checks:
  authentic: "correct(node[0]) => (has(got) => got == v)"
  relayed: "correct(node[0]) && correct(node[1]) => has(got)"
"""


class Signatures(unittest.TestCase):
    def model(self, d, text=RELAY):
        return write(d, "relay.rdc.yaml", text)

    def test_correct_relay_delivers_the_signed_value(self):
        with TempDir() as d:
            code, out, err = run([RUN, self.model(d), "--input", "v=3"])
            self.assertEqual(code, 0, err)
            text = out.decode()
            self.assertIn("got = 3 @", text)
            self.assertIn("heard = sig(0, 3) @", text)
            self.assertIn("check authentic: pass", text)

    def test_each_iteration_of_an_unbounded_box_signs_in_its_domain(self):
        # Later iterations run on lines made as they begin: each signs in node[2] as the first does.
        text = """rdc: 1
domains: {node: 3}
system:
  body:
    - for: k in 0..
      body:
        - Fn s[k] @ node[2]:
            expr: sign(x)
            x: input x[k] as Int = k at k * 1ms @ node[2] -> drop
            r: choose -> output signed[k]
"""
        with TempDir() as d:
            code, out, err = run([RUN, self.model(d, text), "--iterations", "50"])
            self.assertEqual(code, 0, err)
            got = re.findall(r"^signed\[(\d+)\] = (.*) @", out.decode(), re.M)
            self.assertEqual(got, [(str(k), f"sig(2, {k})") for k in range(50)])

    def test_byzantine_relay_cannot_forge_over_500_seeds(self):
        with TempDir() as d:
            m = self.model(d)
            for faults in (["--byzantine", "node[1]"], ["--byzantine", "node[1]", "--latency", "uniform:1ms..5ms"]):
                code, out, err = run([RUN, m, "--input", "v=3", "--seeds", "0..499", *faults], timeout=300)
                self.assertEqual(code, 0, out.decode() + err)
                self.assertIn("500 seeds: 500 passed, 0 failed", out.decode())

    def test_lies_are_signed_by_the_liar(self):
        with TempDir() as d:
            m, t = self.model(d), os.path.join(d, "t.trace")
            code, out, err = run([RUN, m, "--input", "v=3", "--byzantine", "node[1]", "--trace", t])
            self.assertEqual(code, 0, err)
            self.assertIn("heard = sig(1, ", out.decode())
            code, shown, err = run([TRACE, "show", t])
            self.assertEqual(code, 0, err)
            forced = [line for line in shown.decode().splitlines() if "relay.r\t" in line]
            self.assertTrue(forced and all("sig(1, " in line for line in forced), shown.decode())

    def test_the_broken_variant_fails_and_its_command_reproduces_it(self):
        with TempDir() as d:
            m = self.model(d)
            code, out, err = run([RUN, m, "-D", "forge=1", "--input", "v=3", "--byzantine", "node[1]",
                                  "--seeds", "0..99"], timeout=300)
            self.assertEqual(code, 1, out.decode() + err)
            repro = [line.split("reproduce: ", 1)[1] for line in out.decode().splitlines() if "reproduce: " in line]
            self.assertTrue(repro, out.decode())
            code, again, err = run(["sh", "-c", repro[0]], cwd=d)
            self.assertEqual(code, 1, again.decode() + err)
            self.assertIn("check authentic: fail", again.decode())

    def test_forced_forgeries_are_refused(self):
        with TempDir() as d:
            m = self.model(d)
            for flags in (["--force", "relay.r=sig(0, 9)"], ["--force", "hop2.rcv=sig(1, 1)"],
                          ["--force", "relay.r=sig(7, 9)"], ["--input", "v=3", "--force", "relay.r=sig(0, 3)"]):
                code, out, err = run([RUN, m, *flags])
                self.assertEqual(code, 2, flags)
                self.assertIn("[forged-signature]", err, flags)
            faults = write(d, "faults.yaml", "force:\n  relay.r: sig(0, 9)\n")
            code, out, err = run([RUN, m, "--faults", faults])
            self.assertEqual(code, 2, err)
            self.assertIn("[forged-signature]", err)
            # Its own signature is the liar's to force, and fools no one.
            code, out, err = run([RUN, m, "--input", "v=3", "--force", "relay.r=sig(1, 9)"])
            self.assertEqual(code, 1, err)
            self.assertIn("got never available", out.decode())
            self.assertIn("check authentic: pass", out.decode())

    def test_a_projection_takes_a_relayed_signature_from_the_network(self):
        with TempDir() as d:
            part = os.path.join(d, "n2.ir")
            code, _, err = run([tool("rdc-project"), self.model(d), "--domain", "node[2]", "-o", part])
            self.assertEqual(code, 0, err)
            code, out, err = run([RUN, part, "--input", "net:hop2=sig(0, 5)"])
            self.assertEqual(code, 0, err)
            self.assertIn("got = 5 @", out.decode())
            code, out, err = run([RUN, part, "--force", "hop2.rcv=sig(0, 5)"])
            self.assertEqual(code, 2, out.decode() + err)
            self.assertIn("[forged-signature]", err)

    def test_honest_traces_replay_and_invert(self):
        with TempDir() as d:
            m, t, again = self.model(d), os.path.join(d, "t.trace"), os.path.join(d, "again.trace")
            for faults in ([], ["--byzantine", "node[1]"], ["--seed", "5", "--latency", "uniform:1ms..9ms"]):
                code, out, err = run([RUN, m, "--input", "v=4", *faults, "--trace", t])
                self.assertEqual(code, 0, err)
                code, out2, err = run([RUN, m, "--replay", t, "--trace", again])
                self.assertEqual(code, 0, err)
                self.assertEqual(out, out2)
                self.assertEqual(read_bytes(t), read_bytes(again), faults)
                code, inv, err = run([TRACE, "invert", m, t])
                self.assertEqual(code, 0, inv.decode() + err)
                self.assertIn("inversion round-trips", inv.decode())
            for fmt in ("jsonl", "itf", "chrome"):
                code, exported, err = run([TRACE, "export", "--format", fmt, t])
                self.assertEqual(code, 0, err)
                self.assertIn(b"sig", exported, fmt)

    def test_a_trace_with_a_forged_signature_is_refused(self):
        with TempDir() as d:
            m, t = self.model(d), os.path.join(d, "t.trace")
            code, out, err = run([RUN, m, "--input", "v=4", "--byzantine", "node[1]", "--trace", t])
            self.assertEqual(code, 0, err)
            forged = self.forge(t, d)
            code, out, err = run([RUN, m, "--replay", forged])
            self.assertEqual(code, 2, out.decode() + err)
            self.assertIn("[forged-signature]", err)
            self.assertRegex(err, r"sig\(0, 99\) \(signed by node\[0\]\) first appears forced at (hop1.rcv|relay.r), in node\[1\]")
            code, out, err = run([TRACE, "invert", m, forged])
            self.assertEqual(code, 2, out.decode() + err)
            self.assertIn("[forged-signature]", err)

    def forge(self, trace, d):
        """The trace with the Byzantine relay's first lie (signed by node 1)
        rewritten into node 0's signature of 99, which node 0 never signed."""
        code, text, err = run(["capnp", "decode", "--short", SCHEMA, "TraceChunk"], stdin=read_bytes(trace))
        self.assertEqual(code, 0, err)
        lie = re.compile(rb"how = forced,\s*value = \(\s*signed = \(signer = 1, payload = \(int = -?\d+\)\)\s*\)")
        self.assertTrue(lie.search(text), text.decode()[:2000])
        forged = lie.sub(b"how = forced, value = (signed = (signer = 0, payload = (int = 99)))", text, count=1)
        code, data, err = run(["capnp", "encode", SCHEMA, "TraceChunk"], stdin=forged)
        self.assertEqual(code, 0, err)
        path = os.path.join(d, "forged.trace")
        with open(path, "wb") as f:
            f.write(data)
        return path


if __name__ == "__main__":
    unittest.main()
