"""Signed values over TCP with per-node keys, as a user runs them: a cluster
of the relay (and of a signature nested in another) gives the simulator's
outputs, and leaves no key behind; nodes started by hand with keys from
`rdc-run --keygen`; a peer with the cluster key that sends another node's
signature without its valid proof has it refused; bad key files and peers
files without public keys are refused with their diagnostics."""
import glob
import os
import re
import signal
import stat
import subprocess
import time
import unittest

from rdctest import ROOT, TempDir, example, read_bytes, run, tool, write
from test_signatures import RELAY
from test_tcp import KEY, FakePeer, free_ports, values

RUN, TRACE = tool("rdc-run"), tool("rdc-trace")

# node[1] endorses node[0]'s signed value inside a tuple it signs itself;
# node[2] takes only an endorsement of node[1] holding node[0]'s signature.
NESTED = """\
rdc: 1
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
    - Fn endorse @ node[1]:
        expr: "sign((s, 1))"
        s: atRelay -> drop
        r: choose -> endorsed
    - Link hop2:
        snd: endorsed -> drop
        rcv: choose -> atDest
    - Filter accept @ node[2]:
        when: "signedBy(e, 1) && signedBy(payload(e).0, 0)"
        expr: "payload(payload(e).0)"
        e: atDest -> output heard
        r: choose -> output got
"""


def keygen(path):
    """A fresh key pair: the secret key in `path`, the public key's hex digits returned."""
    code, out, err = run([RUN, "--keygen", path])
    assert code == 0, err
    line = out.decode().strip()
    assert line.startswith("public-key: ") and len(line) == len("public-key: ") + 64, line
    return line.split()[1]


def keyed_peers(d, domains, order=None):
    """A peers file in the long form with a fresh key pair for each domain (`D.key` in `d`); the domains are
    listed in `order` (default: as given). Returns (path, ports by domain)."""
    ports = dict(zip(domains, free_ports(len(domains))))
    path = os.path.join(d, "peers.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"key: {KEY}\nnodes:\n")
        for domain in order or domains:
            public = keygen(os.path.join(d, f"{domain}.key"))
            f.write(f"  {domain}:\n    address: 127.0.0.1:{ports[domain]}\n    public-key: {public}\n")
    return path, ports


def plain_peers(d, n=3):
    path = os.path.join(d, "plain.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"key: {KEY}\nnodes:\n")
        for i, port in enumerate(free_ports(n)):
            f.write(f"  node[{i}]: 127.0.0.1:{port}\n")
    return path


def log_of(d, domain):
    with open(os.path.join(d, f"{domain}.log"), encoding="utf-8") as f:
        return f.read()


class Cluster(unittest.TestCase):
    """`--cluster` makes each node a key pair, and signed values cross it as in the simulator."""

    def cluster(self, model, *args):
        """A cluster run with its own $TMPDIR and a kept trace: (exit code, stdout, stderr, the nodes' folder)."""
        d = self.d
        tmp = os.path.join(d, "tmp")
        os.makedirs(tmp, exist_ok=True)
        trace = os.path.join(d, "run.trace")
        proc = subprocess.run([RUN, model, "--cluster", plain_peers(d), "--trace", trace, *args], capture_output=True,
                              timeout=120, env=dict(os.environ, TMPDIR=tmp))
        # The nodes' keys are gone (their folder and all), and the kept folder has none.
        self.assertEqual(os.listdir(tmp), [])
        self.assertEqual(glob.glob(trace + ".nodes/*.key"), [])
        return proc.returncode, proc.stdout, proc.stderr.decode(), trace + ".nodes"

    def setUp(self):
        self.dir = TempDir()
        self.d = self.dir.__enter__()

    def tearDown(self):
        self.dir.__exit__(None, None, None)

    def test_the_relay_over_a_cluster_gives_the_simulators_outputs(self):
        model = write(self.d, "relay.rdc.yaml", RELAY)
        code, out, err, nodes = self.cluster(model, "--input", "v=7")
        self.assertEqual(code, 0, out.decode() + err)
        simulated = run([RUN, model, "--input", "v=7"])
        self.assertEqual(values(out), values(simulated[1]))
        self.assertEqual(values(out)["got"], "7")
        self.assertEqual(values(out)["heard"], "sig(0, 7)")
        self.assertIn("check authentic: pass", out.decode())
        # The recorded run replays in the simulator (its signatures pass the forging rule's check).
        code, replayed, err = run([RUN, model, "--replay", os.path.join(self.d, "run.trace")])
        self.assertEqual(code, 0, err)
        self.assertEqual(values(replayed), values(out))
        # A cluster takes no --invariant: a footer saying one stopped its run
        # was edited in, and the replay, which does not fail it, says so.
        schema = os.path.join(ROOT, "ir", "io", "trace.capnp")
        code, text, err = run(["capnp", "decode", "--short", schema, "TraceChunk"],
                              stdin=read_bytes(os.path.join(self.d, "run.trace")))
        self.assertIn(b'stoppedBy = ""', text, err)
        code, edited, err = run(["capnp", "encode", schema, "TraceChunk"],
                                stdin=text.replace(b'stoppedBy = ""', b'stoppedBy = "authentic"'))
        self.assertEqual(code, 0, err)
        stopped = os.path.join(self.d, "stopped.trace")
        with open(stopped, "wb") as f:
            f.write(edited)
        code, _, err = run([RUN, model, "--replay", stopped])
        self.assertEqual(code, 2, err)
        self.assertIn("by its invariant 'authentic', where its model's run ended at", err)
        # Each node's own trace inverts on its projection, where what a peer
        # sent arrives as the cut Link's choice (not a forgery). It replays
        # there only if the network delivered it nothing (node[0] only
        # sends): alone, a projection's gateways have no network to deliver
        # what the trace recorded, and the refusal says to replay the merge.
        for node in ("node[0]", "node[1]", "node[2]"):
            with self.subTest(node=node):
                part, trace = (os.path.join(nodes, f"{node}.{x}") for x in ("ir", "trace"))
                code, inverted, err = run([TRACE, "invert", part, trace])
                self.assertEqual(code, 0, inverted.decode() + err)
                self.assertIn("inversion round-trips", inverted.decode())
                code, _, err = run([RUN, part, "--replay", trace])
                if node == "node[0]":
                    self.assertEqual(code, 0, err)
                else:
                    self.assertEqual(code, 2, err)
                    self.assertIn("rdc-trace merge", err)
                # On the whole model, a node's trace is one node's run, to be
                # merged: not a forgery of the signature its peer made.
                code, _, err = run([RUN, model, "--replay", trace])
                self.assertEqual(code, 2, err)
                self.assertIn("a projection's run (one node's)", err)
                self.assertIn("[usage]", err)
        self.assertIn("1 signatures made, 0 verified, 0 refused", log_of(nodes, "node[0]"))
        self.assertIn("0 signatures made, 1 verified, 0 refused", log_of(nodes, "node[1]"))  # it relays
        self.assertIn("0 signatures made, 1 verified, 0 refused", log_of(nodes, "node[2]"))

    def test_a_byzantine_relay_signs_its_lies_as_itself(self):
        model = write(self.d, "relay.rdc.yaml", RELAY)
        code, out, err, nodes = self.cluster(model, "--input", "v=7", "--byzantine", "node[1]", "--until", "2s")
        self.assertEqual(code, 0, out.decode() + err)
        text = out.decode()
        self.assertIn("got never available", text)  # as simulated: its lie verifies, as node[1]'s
        self.assertRegex(values(out)["heard"], r"^sig\(1, -?\d+\)$")
        for check in ("authentic", "relayed"):
            self.assertIn(f"check {check}: pass", text)
        self.assertIn("1 signatures made", log_of(nodes, "node[1]"))
        self.assertIn("1 verified, 0 refused", log_of(nodes, "node[2]"))

    def test_a_signature_nested_in_another_crosses_the_cluster(self):
        model = write(self.d, "nested.rdc.yaml", NESTED)
        code, out, err, nodes = self.cluster(model, "--input", "v=5")
        self.assertEqual(code, 0, out.decode() + err)
        simulated = run([RUN, model, "--input", "v=5"])
        self.assertEqual(simulated[0], 0, simulated[2])
        self.assertEqual(values(out), values(simulated[1]))
        self.assertEqual(values(out)["got"], "5")
        self.assertIn("0 signatures made, 2 verified, 0 refused", log_of(nodes, "node[2]"))

    def test_an_interrupted_cluster_removes_its_keys(self):
        model = write(self.d, "relay.rdc.yaml", RELAY)
        tmp = os.path.join(self.d, "tmp")
        os.makedirs(tmp)
        # Node[1] Byzantine: node[2] waits for a value it will never accept, until --until.
        proc = subprocess.Popen([RUN, model, "--cluster", plain_peers(self.d), "--byzantine", "node[1]",
                                 "--until", "60s"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=dict(os.environ, TMPDIR=tmp))
        deadline = time.monotonic() + 20
        while not glob.glob(os.path.join(tmp, "rdc-keys-*", "peers.yaml")) and time.monotonic() < deadline:
            time.sleep(0.05)
        keys = glob.glob(os.path.join(tmp, "rdc-keys-*"))
        self.assertEqual(len(keys), 1)
        self.assertEqual(stat.S_IMODE(os.stat(keys[0]).st_mode), 0o700)
        for key in glob.glob(os.path.join(keys[0], "*.key")):
            self.assertEqual(stat.S_IMODE(os.stat(key).st_mode), 0o600)
        time.sleep(1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 128 + signal.SIGINT, err.decode())
        self.assertEqual(os.listdir(tmp), [])


class HandMade(unittest.TestCase):
    """Nodes started one by one with keys made by `rdc-run --keygen`."""

    def setUp(self):
        self.dir = TempDir()
        self.d = self.dir.__enter__()
        self.model = write(self.d, "relay.rdc.yaml", RELAY)

    def tearDown(self):
        self.dir.__exit__(None, None, None)

    def start(self, domain, peers, ports, *extra, until="10s"):
        args = [RUN, self.model, "--domain", domain, "--listen", f"127.0.0.1:{ports[domain]}", "--peers", peers,
                "--until", until, *extra]
        with open(os.path.join(self.d, f"{domain}.log"), "wb") as log:
            return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)

    def key(self, domain):
        return ["--key", os.path.join(self.d, f"{domain}.key")]

    def seed(self, domain):
        """The 32 bytes of a secret key file."""
        with open(os.path.join(self.d, f"{domain}.key"), encoding="utf-8") as f:
            return bytes.fromhex([line for line in f if not line.startswith("#")][0].strip())

    def test_a_holder_of_the_cluster_key_cannot_pass_for_another_node(self):
        # A process with the cluster key answers at node[1]'s address as node[1], signing its handshake with
        # another key, or with none: the nodes that dial it refuse it as a stranger, and take nothing from it.
        for seed in (bytes(range(32)), None):
            with self.subTest(signed=seed is not None):
                peers, ports = keyed_peers(self.d, ["node[0]", "node[1]", "node[2]"],
                                           order=["node[0]", "node[2]", "node[1]"])
                forged = '(signed = (signer = 1, payload = (int = 9), proof = 0x"' + "00" * 64 + '"))'
                liar = FakePeer(ports["node[1]"], KEY, lambda dialler: [f"(batch = [(gateway = 0, value = {forged})])"],
                                domain="node[1]", seed=seed)
                try:
                    procs = [self.start(d, peers, ports, *self.key(d), until="3s") for d in ("node[0]", "node[2]")]
                    codes = [p.wait(timeout=30) for p in procs]
                finally:
                    liar.close()
                    for name in ("node[0]", "node[1]", "node[2]"):
                        os.remove(os.path.join(self.d, f"{name}.key"))
                self.assertEqual(codes, [0, 0])  # strangers are warned about, not a failure
                log = log_of(self.d, "node[2]")
                self.assertRegex(log, r"warning: the node at 127\.0\.0\.1:\d+ \(dialled as node\[1\]\): its answer is "
                                      r"not signed by node\[1\]'s key \(it holds the cluster key, but is not node\[1\]\) "
                                      r"\[stranger\]")
                self.assertNotIn("verified", log)  # nothing it sent was even looked at
                self.assertIn("got never available", log)

    def test_nodes_with_their_keys_relay_a_signed_value(self):
        domains = ["node[0]", "node[1]", "node[2]"]
        peers, ports = keyed_peers(self.d, domains)
        procs = [self.start("node[0]", peers, ports, "--input", "v=7", *self.key("node[0]")),
                 self.start("node[1]", peers, ports, *self.key("node[1]")),
                 self.start("node[2]", peers, ports, *self.key("node[2]"))]
        self.assertEqual([p.wait(timeout=30) for p in procs], [0, 0, 0])
        self.assertIn("got = 7 @", log_of(self.d, "node[2]"))
        self.assertIn("1 verified, 0 refused", log_of(self.d, "node[2]"))

    def test_another_nodes_signature_without_its_proof_is_refused(self):
        # node[1] is a liar with the cluster key, listed last so that the others dial it; node[2] is sent
        # values signed by node[0] (and others) whose proofs are missing or made up.
        peers, ports = keyed_peers(self.d, ["node[0]", "node[1]", "node[2]"], order=["node[0]", "node[2]", "node[1]"])
        forged = [
            '(signed = (signer = 0, payload = (int = 9), proof = 0x"' + "00" * 64 + '"))',  # made up
            '(signed = (signer = 0, payload = (int = 9)))',  # none
            '(signed = (signer = 2, payload = (int = 9), proof = 0x"' + "ab" * 64 + '"))',  # node[2]'s, made up
            '(signed = (signer = 7, payload = (int = 9), proof = 0x"' + "00" * 64 + '"))',  # no such domain
        ]

        def script(dialler):
            if dialler != "node[2]":
                return []
            return [f"(first = {n}, batch = [(gateway = 0, value = {value})])" for n, value in enumerate(forged)]

        # It is node[1], with node[1]'s key (a Byzantine relay): its handshakes hold.
        liar = FakePeer(ports["node[1]"], KEY, script, domain="node[1]", seed=self.seed("node[1]"))
        try:
            procs = [self.start("node[0]", peers, ports, "--input", "v=7", *self.key("node[0]"), until="3s"),
                     self.start("node[2]", peers, ports, *self.key("node[2]"), until="3s")]
            codes = [p.wait(timeout=30) for p in procs]
        finally:
            liar.close()
        self.assertEqual(codes[1], 2)  # a hostile peer's frames make the node fail
        log = log_of(self.d, "node[2]")
        self.assertIn("got never available", log)  # none of them entered the engine
        self.assertNotIn("heard = ", log)
        for why in ("a value signed by node[0] whose proof fails (forged, altered, or made for another model or "
                    "cluster) for net:hop2",
                    "a value signed by node[0] without its proof for net:hop2",
                    "a value signed by node[2] whose proof fails",
                    "a value signed by domain #7, which has no public key in the peers file"):
            self.assertIn(why, log)
        self.assertIn("error: node[1]: sent a value signed by node[0] whose proof fails", log)  # blamed on its sender
        self.assertIn("4 refused", log)


class BadKeys(unittest.TestCase):
    """Bad key files and peers files are refused before a node starts, with their diagnostics and exit 2."""

    def setUp(self):
        self.dir = TempDir()
        self.d = self.dir.__enter__()
        self.model = write(self.d, "relay.rdc.yaml", RELAY)

    def tearDown(self):
        self.dir.__exit__(None, None, None)

    def node(self, domain, peers, *extra):
        return run([RUN, self.model, "--domain", domain, "--listen", "127.0.0.1:0", "--peers", peers, *extra,
                    "--until", "300ms"])

    def test_keygen(self):
        path = os.path.join(self.d, "n.key")
        public = keygen(path)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertRegex(public, r"^[0-9a-f]{64}$")
        self.assertNotEqual(keygen(os.path.join(self.d, "m.key")), public)  # fresh each time
        with open(path, encoding="utf-8") as f:
            before = f.read()
        code, _, err = run([RUN, "--keygen", path])
        self.assertEqual(code, 2)
        self.assertIn("it exists already (remove it first: a key is never overwritten)", err)
        with open(path, encoding="utf-8") as f:
            self.assertEqual(f.read(), before)
        code, _, err = run([RUN, "--keygen", os.path.join(self.d, "no", "such", "dir.key")])
        self.assertEqual(code, 2)
        self.assertIn("cannot create it", err)
        # It runs nothing, so a model or a run's flag beside it is refused, not ignored.
        for extra in ([example("bracha")], ["--seed", "3"], ["--cluster", "peers.yaml"]):
            with self.subTest(extra=extra):
                fresh = os.path.join(self.d, "fresh.key")
                code, _, err = run([RUN, "--keygen", fresh, *extra])
                self.assertEqual(code, 2, err)
                self.assertRegex(err, r"(--keygen excludes|excludes --keygen)")
                self.assertFalse(os.path.exists(fresh))

    def test_bad_key_files(self):
        peers, _ = keyed_peers(self.d, ["node[0]", "node[1]", "node[2]"])

        def key_file(name, content, mode=0o600):
            path = os.path.join(self.d, name)
            with open(path, "wb") as f:
                f.write(content)
            os.chmod(path, mode)
            return path

        good = os.path.join(self.d, "node[0].key")
        with open(good, "rb") as f:
            secret = f.read()
        cases = [
            (key_file("open.key", secret, 0o644), "its mode is 0644: a secret key must be readable by its owner only"),
            (key_file("group.key", secret, 0o620), "its mode is 0620"),
            (key_file("short.key", b"abcd\n"), "line 1: not a secret key (expected 64 hexadecimal digits, 4 characters"),
            (key_file("garbage.key", b"\x00\xff" * 40), "line 1: not a secret key (expected 64 hexadecimal digits"),
            (key_file("two.key", b"ab" * 32 + b"\n" + b"cd" * 32 + b"\n"), "line 2: a second key"),
            (key_file("empty.key", b"# nothing\n"), "no key in it"),
            (key_file("huge.key", b"#" * 100000), "100000 bytes, more than a key file has (at most 4096)"),
            (os.path.join(self.d, "missing.key"), "cannot read it: No such file or directory"),
            (self.d, "not a regular file"),
            ("/dev/zero", "not a regular file"),
            (os.path.join(self.d, "node[1].key"), "not node[0]'s key (its public key is"),
        ]
        for path, message in cases:
            with self.subTest(path=os.path.basename(path)):
                code, _, err = self.node("node[0]", peers, "--key", path)
                self.assertEqual(code, 2, err)
                self.assertIn(f"--key {path}: {message}", err)

    def test_peers_files_and_signed_values(self):
        plain = plain_peers(self.d)
        # A model that signs needs public keys, whichever node it is, and says what to add.
        for domain in ("node[0]", "node[1]", "node[2]"):
            code, _, err = self.node(domain, plain)
            self.assertEqual(code, 2)
            self.assertIn(f"--peers {plain}: no public keys, but ", err)
            self.assertIn("give every node `address:` and `public-key:` (rdc-run --keygen FILE", err)
        peers, _ = keyed_peers(self.d, ["node[0]", "node[1]", "node[2]"])
        for domain in ("node[0]", "node[1]", "node[2]"):  # each signs its handshakes: each needs its key
            code, _, err = self.node(domain, peers)
            self.assertEqual(code, 2)
            self.assertIn(f"--key: the peers file gives the nodes' public keys, so {domain} proves it is itself", err)
        code, _, err = self.node("node[2]", peers, "--key", os.path.join(self.d, "node[2].key"))
        self.assertEqual(code, 0, err)
        # Public keys for some nodes only.
        mixed = os.path.join(self.d, "mixed.yaml")
        with open(peers, encoding="utf-8") as f:
            text = f.read()
        with open(mixed, "w", encoding="utf-8") as f:
            f.write(text.split("  node[2]:")[0] + "  node[2]: 127.0.0.1:9\n")
        code, _, err = self.node("node[0]", mixed, "--key", os.path.join(self.d, "node[0].key"))
        self.assertEqual(code, 2)
        self.assertIn("node[2] has no public-key, but other nodes have one", err)
        # Two nodes with one key (either could sign as the other), or a key that is no Ed25519 point.
        keys = re.findall(r"public-key: ([0-9a-f]{64})", text)
        for name, bad, says in (("twice", keys[0], "the same as node[0]'s"),
                                ("zero", "0" * 64, "not an Ed25519 public key")):
            path = os.path.join(self.d, name + ".yaml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.replace(keys[2], bad))
            code, _, err = self.node("node[0]", path, "--key", os.path.join(self.d, "node[0].key"))
            self.assertEqual(code, 2, err)
            self.assertIn(says, err)


if __name__ == "__main__":
    unittest.main()
