"""Runs over TCP as a user would: clusters of processes on loopback, nodes
started by hand in any order, a restarted node, faults, hostile peers, and
replays of the recorded runs in the simulator."""
import glob
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import unittest

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from rdctest import ROOT, SANITIZED, TempDir, example, jsonl_parts, run, tool, write

RUN, TRACE, PROJECT = tool("rdc-run"), tool("rdc-trace"), tool("rdc-project")
KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
# Real-time timeouts generous enough for a loaded CI machine (in ms).
SLOW_TIMEOUTS = ["-D", "timeoutPropose=60", "-D", "timeoutPrevote=40", "-D", "timeoutPrecommit=40",
                 "-D", "timeoutDelta=20"]
# A Byzantine or forced node leaves some outputs never available, which a
# cluster waits for until --until (10 s when not given). Bracha's and
# gossip's correct nodes deliver within milliseconds or never, and a stream
# of 200 broadcasts a millisecond apart ends within a fifth of a second: 3 s
# is generous on a loaded machine, and a test need not wait out the rest.
SETTLED = ["--until", "3s"]


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def peers_file(directory, n=4, key=KEY, name="peers.yaml"):
    path = os.path.join(directory, name)
    ports = free_ports(n)
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"key: {key}\nnodes:\n")
        for i, port in enumerate(ports):
            f.write(f"  node[{i}]: 127.0.0.1:{port}\n")
    return path, ports


def connect(port, wait=10):
    """A connection to a node's port, once the node listens (it may be slow to start)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=5)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def nanoseconds(text):
    """A duration literal (250us, 3ms, 0ns) in nanoseconds."""
    m = re.fullmatch(r"(\d+)(ns|us|ms|s)", text)
    return int(m.group(1)) * {"ns": 1, "us": 1000, "ms": 1000000, "s": 1000000000}[m.group(2)]


def values(stdout):
    """name -> value of every output line `name = value @ time`."""
    found = {}
    for line in stdout.decode().splitlines():
        m = re.match(r"(\S+) = (.*) @ ", line)
        if m:
            found[m[1]] = m[2]
    return found


class Cluster(unittest.TestCase):
    def cluster(self, model, *args, timeout=60):
        with TempDir() as d:
            peers, _ = peers_file(d)
            trace = os.path.join(d, "run.trace")
            code, out, err = run([RUN, model, "--cluster", peers, "--trace", trace, *args], timeout=timeout)
            defines = [x for k, a in enumerate(args) if a == "-D" for x in ("-D", args[k + 1])]
            replay = run([RUN, model, *defines, "--replay", trace])
            return code, out, err, replay

    def test_bracha_over_tcp_and_its_replay(self):
        code, out, err, (rcode, rout, rerr) = self.cluster(example("bracha"))
        self.assertEqual(code, 0, out.decode() + err)
        got = values(out)
        self.assertEqual([got[f"dlvr[{i}]"] for i in range(4)], ["1"] * 4)
        self.assertEqual(rcode, 0, rerr)
        self.assertEqual(values(rout), got)  # the simulator reproduces the values

    def test_a_replay_of_a_cluster_run_is_judged_by_its_checks(self):
        # Node 1 is forced to deliver 5: validity and totality fail, but the
        # run was judged by agreement alone, and so is its replay (which
        # judged it by every check, and exited 1, before the trace said).
        code, out, err, (rcode, rout, rerr) = self.cluster(example("bracha"), "--force", "rb.deliver[1].q.value=5",
                                                           "--check", "agreement", *SETTLED)
        self.assertEqual(code, 0, out.decode() + err)
        self.assertEqual((rcode, re.findall(rb"check (\w+)", rout)), (0, [b"agreement"]), rerr)

    def test_a_replay_stops_each_node_where_its_run_ended(self):
        # node[0]'s output is the first of its own value and a 3 s timer: it
        # is done at once, and ends with the timer pending, which never
        # fires on the node. A replay fired it at 3 s, whole and split; the
        # merged trace now says when each node ended, and a replay stops
        # each domain there.
        with TempDir() as d:
            model = write(d, "late.rdc.yaml", """rdc: 1
use: [std]
domains: {node: 2}
system:
  body:
    - Link across:
        snd: input a as Int @ node[0] -> x
        rcv: choose -> output got @ node[1]
    - Timer late @ node[0]:
        trigger: x -> armed
        signal: const 7 -> rang
        duration: const 3s -> drop
    - Select<2> first @ node[0]:
        choice: choose -> drop
        options[0]: armed -> drop
        options[1]: rang -> drop
        chosen: choose -> output done @ node[0]
""")
            peers, _ = peers_file(d, n=2)
            recorded, again = os.path.join(d, "run.trace"), os.path.join(d, "again.trace")
            code, out, err = run([RUN, model, "--cluster", peers, "--trace", recorded], timeout=60)
            self.assertEqual(code, 0, out.decode() + err)

            def events(trace):  # (a node's copy for the network is no line of the whole model)
                code, text, err = run([TRACE, "export", "--format", "jsonl", trace])
                self.assertEqual(code, 0, err)
                _, rows, footer = jsonl_parts(text)
                return sorted((r["time_ns"], r["line"], r["end"], r["value"]) for r in rows
                              if not r["line"].endswith(".net")), footer

            ran, footer = events(recorded)
            self.assertLess(footer["domain_ends_ns"]["node[0]"], 3_000_000_000, footer)
            for split in ([], ["--split"]):
                with self.subTest(split=split):
                    code, _, err = run([RUN, model, *split, "--replay", recorded, "--trace", again])
                    self.assertEqual(code, 0, err)
                    self.assertEqual(events(again)[0], ran)

    def test_a_link_a_node_keeps_whole_takes_the_scenarios_latency(self):
        # `self` stays inside node[0], which simulates it: 50ms as given (it
        # was 1ms whatever --latency said), then the real network to node[1].
        with TempDir() as d:
            model = write(d, "self.rdc.yaml", """rdc: 1
domains: {node: 2}
system:
  body:
    - Link self:
        snd: input a as Int @ node[0] -> drop
        rcv: choose -> s
    - Def d @ node[0]:
        x: s -> drop
        y: choose -> t
    - Link across:
        snd: t -> drop
        rcv: choose -> output got @ node[1]
""")
            peers, _ = peers_file(d, n=2)
            trace = os.path.join(d, "run.trace")
            for latency, link in (("constant:50ms", []), ("constant:1ms", ["--link", "self=constant:50ms"])):
                with self.subTest(latency=latency, link=link):
                    code, out, err = run([RUN, model, "--input", "a=3", "--cluster", peers, "--trace", trace,
                                          "--latency", latency, *link], timeout=60)
                    self.assertEqual(code, 0, out.decode() + err)
                    code, shown, err = run([tool("rdc-trace"), "show", trace + ".nodes/node[0].trace", "--line",
                                            "self.rcv"])
                    self.assertEqual(code, 0, err)
                    self.assertEqual(shown.decode().split("\t")[0], "50ms")

    def test_each_node_flips_its_own_coins_as_in_the_simulator(self):
        # Coins are drawn per domain from the seed: a node's flips are the
        # simulated run's, and the nodes' coins are not one shared stream.
        with TempDir() as d:
            model = write(d, "coins.rdc.yaml", """rdc: 1
domains: {node: 3}
system:
  body:
    - for: j in 0..3
      body:
        - Coin<1000> coin[j] @ node[j]:
            x: input go[j] as Unit @ node[j] -> drop
            flip: choose -> output flip[j] @ node[j]
""")
            peers, _ = peers_file(d, n=3)
            for seed in ("0", "1"):
                code, out, err = run([RUN, model, "--cluster", peers, "--seed", seed], timeout=60)
                self.assertEqual(code, 0, out.decode() + err)
                simulated = values(run([RUN, model, "--seed", seed])[1])
                self.assertEqual(values(out), simulated)
                self.assertEqual(len(set(simulated.values())), 3, simulated)

    def test_a_lost_link_is_never_sent_and_the_replay_agrees(self):
        # Node 0's copy for node 2 is lost (a Byzantine sender's omission): its
        # node never sends it; the others deliver as usual.
        with TempDir() as d:
            model = write(d, "wb.rdc.yaml", """rdc: 1
domains: {node: 4}
use: [std]
system:
  body:
    - WB<4> b:
        bc: input v as Int = 7 @ node[0] -> drop
        dlvr[i]: choose -> output got[i] @ node[i]
""")
            peers, _ = peers_file(d)
            trace = os.path.join(d, "run.trace")
            code, out, err = run([RUN, model, "--cluster", peers, "--trace", trace, "--link", "b.link[2]=lost",
                                  "--until", "3s"], timeout=60)
            self.assertEqual(code, 0, out.decode() + err)
            got = values(out)
            self.assertEqual(got, {"got[0]": "7", "got[1]": "7", "got[3]": "7"})
            self.assertIn("got[2] never available", out.decode())
            code, rout, rerr = run([RUN, model, "--replay", trace])
            self.assertEqual(code, 0, rerr)
            self.assertEqual(values(rout), got)

    def test_mailboxes_and_their_maps_cross_tcp(self):
        # Each node gathers a majority of the others' values in a Mailbox and
        # sends the map it got to node 0, which gathers those maps in turn.
        with TempDir() as d:
            model = os.path.join(d, "maps.rdc.yaml")
            with open(model, "w", encoding="utf-8") as f:
                f.write("""rdc: 1
domains: {node: 4}
use: [std]
system:
  body:
    - for: i in 0..4
      body:
        - WB<4> send[i] @ node[i]:
            bc: input v[i] as Int @ node[i] -> drop
            dlvr[j]: choose -> m[i][j]
        - Mailbox<4, 3> gather[i] @ node[i]:
            msgs[j]: m[j][i] -> drop
            got: choose -> g[i]
        - Link report[i] @ node[i]:
            snd: g[i] -> drop
            rcv: choose -> r[i]
    - Mailbox<4, 4> all @ node[0]:
        msgs[i]: r[i] -> drop
        got: choose -> output maps @ node[0]
""")
            code, out, err, (rcode, rout, rerr) = self.cluster(model, *[a for i in range(4) for a in
                                                                        ("--input", f"v[{i}]={10 + i}")])
            self.assertEqual(code, 0, out.decode() + err)
            maps = values(out)["maps"]
            self.assertRegex(maps, r"^\{0: \{(\d: 1\d(, )?){3}\}, 1: \{")
            self.assertEqual(rcode, 0, rerr)
            self.assertEqual(values(rout)["maps"], maps)  # the simulator reproduces the maps

    def test_a_tcp_run_runs_backwards_and_draws(self):
        with TempDir() as d:
            peers, _ = peers_file(d)
            trace = os.path.join(d, "run.trace")
            code, out, err = run([RUN, example("bracha"), "--cluster", peers, "--byzantine", "node[0]", *SETTLED, "--trace", trace])
            self.assertEqual(code, 0, out.decode() + err)
            code, out, err = run([TRACE, "invert", example("bracha"), trace])  # the merged trace, on the whole model
            self.assertEqual(code, 0, out.decode() + err)
            self.assertIn("inversion round-trips", out.decode())
            for i in range(4):  # and each node's own trace, on its projection
                node = os.path.join(d, "run.trace.nodes", f"node[{i}]")
                code, out, err = run([TRACE, "invert", node + ".ir", node + ".trace"])
                self.assertEqual(code, 0, out.decode() + err)
            # A node's trace is not the whole model's, and says so; merged by hand, as the cluster merges
            # them, the nodes' traces are a trace of the whole model, which inverts.
            nodes = [os.path.join(d, "run.trace.nodes", f"node[{i}].trace") for i in range(4)]
            code, out, err = run([TRACE, "invert", example("bracha"), nodes[1]])
            self.assertEqual(code, 2, err)
            self.assertIn("it is a trace of a projection, a node's run", err)
            # Replayed, a node's trace would lose its network deliveries: refused, saying to merge.
            for model in (os.path.join(d, "run.trace.nodes", "node[1].ir"), example("bracha")):
                code, out, err = run([RUN, model, "--replay", nodes[1]])
                self.assertEqual(code, 2, out.decode() + err)
                self.assertIn("replay the whole run on the whole model: a cluster's nodes' traces merged", err)
            merged = os.path.join(d, "merged.trace")
            code, out, err = run([TRACE, "merge", *nodes, "-o", merged])
            self.assertEqual(code, 0, err)
            code, out, err = run([TRACE, "diff", trace, merged])
            self.assertEqual(code, 0, out.decode() + err)
            code, out, err = run([TRACE, "invert", example("bracha"), merged])
            self.assertEqual(code, 0, out.decode() + err)
            self.assertIn("inversion round-trips", out.decode())
            code, svg, err = run([tool("rdc-dot"), example("bracha"), "--trace", trace, "-T", "svg"])
            self.assertEqual(code, 0, err)
            code, out, err = run([TRACE, "show", trace, "--model", example("bracha"), "--line", "rb.deliver[*].q.value"])
            self.assertEqual(code, 0, err)
            self.assertIn("<std>:", out.decode())

    def test_a_byzantine_node_over_tcp_replays_exactly(self):
        for seed in ("1", "2"):
            code, out, err, (rcode, rout, rerr) = self.cluster(example("bracha"), "--byzantine", "node[0]", "--seed", seed, *SETTLED)
            self.assertEqual(code, 0, out.decode() + err)
            self.assertEqual(rcode, 0, rerr)
            self.assertEqual(values(rout), values(out))

    def test_a_byzantine_receiver_over_tcp_makes_the_events_of_the_whole_model(self):
        # node[3]'s lies demand nothing of its senders, yet every node sends
        # it its copy, as a Link in the whole model does: the cluster's trace
        # replayed on the whole model gives every event again; only the
        # gateways' `net` copies, which the whole model has no line for, differ.
        with TempDir() as d:
            peers, _ = peers_file(d)
            recorded, whole = os.path.join(d, "cluster.trace"), os.path.join(d, "whole.trace")
            code, out, err = run([RUN, example("bracha"), "--cluster", peers, "--byzantine", "node[3]", "--seed", "1",
                                  *SETTLED, "--trace", recorded], timeout=60)
            self.assertEqual(code, 0, out.decode() + err)
            code, _, err = run([RUN, example("bracha"), "--replay", recorded, "--trace", whole])
            self.assertEqual(code, 0, err)
            code, diff, err = run([TRACE, "diff", recorded, whole])
            differing = [line.strip().split(":")[0] for line in diff.decode().splitlines()[4:]]
            self.assertTrue(differing, diff.decode())
            self.assertEqual([p for p in differing if not re.search(r"\.net'?$", p)], [], diff.decode())

    def test_gossip_sets_cross_tcp_with_a_byzantine_sender(self):
        # std's Gossip cut across the four nodes: node[3] lies and gossips both values,
        # every correct node delivers both, and the simulator replays the elements.
        code, out, err, (rcode, rout, rerr) = self.cluster(example("gossip"), "--byzantine", "node[3]", "--seed", "3", *SETTLED)
        self.assertEqual(code, 0, out.decode() + err)
        got = values(out)
        for i in range(3):
            self.assertEqual(got[f"delivered[{i}][3][0]"], "()")
            self.assertEqual(got[f"delivered[{i}][3][1]"], "()")
        self.assertIn("check agreement: pass", out.decode())
        self.assertEqual(rcode, 0, rerr)
        self.assertEqual(values(rout), got)

    @unittest.skipIf(SANITIZED, "real-time timeouts under a sanitizer's slowdown")
    def test_tendermint_heights_retire_over_tcp(self):
        # A non-proposer's proposal broadcast is blocked by its Filter and never
        # sent: the nodes must not wait for it, or no height would retire.
        code, out, err, (rcode, rout, _) = self.cluster(example("tendermint-heights"), *SLOW_TIMEOUTS,
                                                        "--byzantine", "node[3]", "--iterations", "12")
        self.assertEqual(code, 0, out.decode() + err)
        self.assertIn("iterations: 12 (at most", out.decode())
        self.assertIn(" 0 cut off", out.decode())
        self.assertEqual(out.decode().count(": pass"), 3)
        self.assertEqual(rcode, 0)
        self.assertEqual(values(rout), values(out))  # the simulator reproduces every height's decision

    @unittest.skipIf(SANITIZED, "real-time timeouts under a sanitizer's slowdown")
    def test_tendermint_over_tcp_with_real_timeouts(self):
        code, out, err, (rcode, rout, _) = self.cluster(example("tendermint"), *SLOW_TIMEOUTS, "--byzantine", "node[3]")
        self.assertEqual(code, 0, out.decode() + err)
        self.assertEqual(out.decode().count(": pass"), 3)
        self.assertEqual(values(rout), values(out))

    @unittest.skipIf(SANITIZED, "real-time timeouts under a sanitizer's slowdown")
    def test_a_killed_node(self):
        code, out, err, _ = self.cluster(example("tendermint"), *SLOW_TIMEOUTS, "--kill", "node[1]@5ms", "--until", "5s")
        self.assertEqual(code, 0, out.decode() + err)
        self.assertIn("node[1]: killed as asked", err)
        self.assertEqual(out.decode().count(": pass"), 3)  # node[1] is not correct, the others decide

    def test_a_node_left_out(self):
        code, out, err, (rcode, rout, rerr) = self.cluster(example("bracha"), "--leave-out", "node[2]", "--until", "1s")
        self.assertEqual(code, 0, out.decode() + err)
        self.assertIn("dlvr[2] never available: waiting for node[2], which was left out", out.decode())
        self.assertEqual(values(out)["dlvr[3]"], "1")
        # The merged trace has node[2] crashed at 0: its replay, not correct(node[2]), passes as the cluster did.
        self.assertEqual(rcode, 0, rout.decode() + rerr)
        self.assertEqual(values(rout), values(out))

    def test_a_killed_nodes_events_and_its_kill_are_in_the_merged_trace(self):
        # The sender is killed once it has sent: every event it made before
        # is in its trace (flushed before each frame leaves, not 1,024 at a
        # time), and the merged trace records the kill as a crash, so that
        # its replay has the sender not correct(...), as the cluster did.
        with TempDir() as d:
            peers, _ = peers_file(d)
            trace = os.path.join(d, "run.trace")
            code, out, err = run([RUN, example("bracha"), "--cluster", peers, "--trace", trace,
                                  "--kill", "node[0]@20ms", "--until", "1s"], timeout=60)
            self.assertEqual(code, 0, out.decode() + err)
            _, own, _ = run([TRACE, "show", "--partial", os.path.join(trace + ".nodes", "node[0].trace")])
            self.assertIn("rb.send.link[1].snd", own.decode())
            _, header, _ = run([TRACE, "export", "--format", "jsonl", trace])
            crashed = json.loads(header.decode().splitlines()[0])["header"]["crashes"]
            self.assertEqual(list(crashed), ["node[0]"])
            self.assertGreaterEqual(nanoseconds(crashed["node[0]"]), 20000000)
            rcode, rout, rerr = run([RUN, example("bracha"), "--replay", trace])
            self.assertEqual(rcode, 0, rout.decode() + rerr)
            self.assertEqual([l for l in rout.decode().splitlines() if l.startswith("check ")],
                             [l for l in out.decode().splitlines() if l.startswith("check ")])


    def test_until_counts_from_when_every_node_is_ready(self):
        # Sixteen processes start slowly on a small machine: --until is the
        # protocol's time, not the start's.
        with TempDir() as d:
            peers, _ = peers_file(d, n=16)
            code, out, err = run([RUN, example("bracha"), "-D", "n=16", "--cluster", peers, "--until", "150ms"],
                                 timeout=120)
            self.assertEqual(code, 0, out.decode() + err)
            self.assertEqual(out.decode().count(": pass"), 3)

    def test_a_node_killed_before_it_recorded_anything(self):
        code, out, err, _ = self.cluster(example("bracha"), "--kill", "node[3]@0ns", "--until", "1s")
        self.assertEqual(code, 0, out.decode() + err)  # whatever it recorded, nothing is an I/O error
        self.assertIn("node[3]: killed as asked", err)


    def test_an_interrupted_cluster_stops_its_nodes_and_removes_its_files(self):
        with TempDir() as d:
            peers, ports = peers_file(d)
            before = set(os.listdir("/tmp"))
            proc = subprocess.Popen([RUN, example("rb-stream"), "-D", "spacing=1000", "--cluster", peers, "--until", "20s"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(1.5)
            proc.terminate()
            out, err = proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 128 + 15, err.decode())
            self.assertIn("[interrupted]", err.decode())
            self.assertEqual([f for f in set(os.listdir("/tmp")) - before if f.startswith("rdc-cluster-")], [])
            for port in ports:  # no node is left listening
                with socket.socket() as s:
                    self.assertNotEqual(s.connect_ex(("127.0.0.1", port)), 0)
            # The whole process group signalled (as `timeout` or a shell's
            # job control may): the nodes end by that signal, which is not
            # a node failing.
            proc = subprocess.Popen([RUN, example("rb-stream"), "-D", "spacing=1000", "--cluster", peers, "--until", "20s"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
            time.sleep(1.5)
            os.killpg(proc.pid, signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 128 + 15, err.decode())
            self.assertIn("[interrupted]", err.decode())
            self.assertNotIn("node-failed", err.decode())

    def test_a_node_that_cannot_listen_stops_the_cluster_at_once(self):
        with TempDir() as d, socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            peers = os.path.join(d, "peers.yaml")
            ports = free_ports(3) + [busy.getsockname()[1]]
            with open(peers, "w", encoding="utf-8") as f:
                f.write(f"key: {KEY}\nnodes:\n" + "".join(f"  node[{i}]: 127.0.0.1:{p}\n" for i, p in enumerate(ports)))
            start = time.monotonic()
            code, out, err = run([RUN, example("bracha"), "--cluster", peers, "--until", "20s"], timeout=60)
            self.assertEqual(code, 2)
            self.assertLess(time.monotonic() - start, 15)  # not --until
            self.assertIn("node[3] exited with status 2", err)
            self.assertIn("a node failed before the start", err)


    def test_the_nodes_files_kept_with_a_trace_never_replace_an_input(self):
        # --trace T keeps each node's files in T.nodes/: a peers file or a
        # model placed there under one of their names is refused, not replaced.
        with TempDir() as d:
            kept = os.path.join(d, "run.trace.nodes")
            os.mkdir(kept)
            peers, _ = peers_file(kept, name="node[2].log")
            with open(example("bracha"), "rb") as f:
                model = write(kept, "node[0].ir", f.read().decode())
            for named, given in ((peers, [example("bracha"), "--cluster", peers]),
                                 (model, [model, "--cluster", peers_file(d)[0]])):
                with self.subTest(clashes=os.path.basename(named)):
                    with open(named, "rb") as f:
                        before = f.read()
                    code, out, err = run([RUN, *given, "--trace", os.path.join(d, "run.trace")], timeout=60)
                    self.assertEqual(code, 2, err)
                    self.assertIn("name one file", err)
                    self.assertIn("FILE.nodes/", err)
                    with open(named, "rb") as f:
                        self.assertEqual(f.read(), before)

class NodeHelpers:
    """Nodes started one by one, as on separate machines."""

    def start(self, d, peers, ports, domain, *extra, until="5s"):
        i = int(domain[5:-1])
        args = [RUN, os.path.join(d, f"{domain}.ir"), "--listen", f"127.0.0.1:{ports[i]}", "--peers", peers,
                "--until", until, "--trace", os.path.join(d, f"{domain}.trace"), *extra]
        with open(os.path.join(d, f"{domain}.log"), "wb") as log:
            return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)

    def output(self, d, domain):
        with open(os.path.join(d, f"{domain}.log"), encoding="utf-8") as f:
            return f.read()

    def setUp(self):
        self.dir = TempDir()
        self.d = self.dir.__enter__()
        code, _, err = run([PROJECT, example("bracha"), "--all", "-O", self.d])
        self.assertEqual(code, 0, err)
        self.peers, self.ports = peers_file(self.d)

    def tearDown(self):
        self.dir.__exit__(None, None, None)


class Nodes(NodeHelpers, unittest.TestCase):

    def test_any_start_order_then_merge_and_replay(self):
        # (One epoch, as --cluster gives its nodes: their traces' times then have one origin, and merged
        # they are one run of the whole model, which replays strictly.)
        epoch = str(time.time_ns())
        procs = []
        for i in (3, 1, 0, 2):
            procs.append(self.start(self.d, self.peers, self.ports, f"node[{i}]", "--epoch", epoch))
            time.sleep(0.2)
        for p in procs:
            self.assertEqual(p.wait(timeout=30), 0)
        for i in range(4):
            self.assertIn(f"dlvr[{i}] = 1", self.output(self.d, f"node[{i}]"))
        merged = os.path.join(self.d, "merged.trace")
        traces = [os.path.join(self.d, f"node[{i}].trace") for i in range(4)]
        code, _, err = run([TRACE, "merge", *traces, "-o", merged])
        self.assertEqual(code, 0, err)
        code, out, err = run([RUN, example("bracha"), "--replay", merged])
        self.assertEqual(code, 0, err)
        self.assertEqual([values(out)[f"dlvr[{i}]"] for i in range(4)], ["1"] * 4)

    def test_traces_of_nodes_without_one_epoch_are_not_merged(self):
        # Each counts time from its own start: their times have no common origin to order them by.
        procs = []
        for i in range(4):
            procs.append(self.start(self.d, self.peers, self.ports, f"node[{i}]"))
            time.sleep(0.05)
        for p in procs:
            self.assertEqual(p.wait(timeout=30), 0)
        traces = [os.path.join(self.d, f"node[{i}].trace") for i in range(4)]
        code, _, err = run([TRACE, "merge", *traces, "-o", os.path.join(self.d, "merged.trace")])
        self.assertEqual(code, 2, err)
        self.assertIn("count time from different epochs (their nodes' time 0): not one run; start the nodes with "
                      "one --epoch [usage]", err)

    def test_a_restarted_node_gets_everything_again(self):
        first = self.start(self.d, self.peers, self.ports, "node[3]")
        time.sleep(0.3)
        first.kill()  # killed before anyone else is up: the others must wait for its replacement
        first.wait()
        procs = [self.start(self.d, self.peers, self.ports, f"node[{i}]") for i in range(3)]
        time.sleep(0.3)
        procs.append(self.start(self.d, self.peers, self.ports, "node[3]"))
        for p in procs:
            self.assertEqual(p.wait(timeout=30), 0)
        for i in range(4):
            self.assertIn(f"dlvr[{i}] = 1", self.output(self.d, f"node[{i}]"))

    def test_a_node_without_the_key_cannot_take_part(self):
        # node[3] has another key, and is listed first so that it dials the
        # others: they refuse its hello, so it can neither inject values nor
        # receive any, and the three others still deliver (n - f = 3).
        lines = [f"  node[{i}]: 127.0.0.1:{self.ports[i]}" for i in (3, 0, 1, 2)]
        for name, key in (("peers.yaml", KEY), ("stranger.yaml", "ff" * 32)):
            with open(os.path.join(self.d, name), "w", encoding="utf-8") as f:
                f.write(f"key: {key}\nnodes:\n" + "\n".join(lines) + "\n")
        procs = [self.start(self.d, self.peers, self.ports, f"node[{i}]", until="1500ms") for i in range(3)]
        stranger = subprocess.Popen([RUN, os.path.join(self.d, "node[3].ir"), "--listen", f"127.0.0.1:{self.ports[3]}",
                                     "--peers", os.path.join(self.d, "stranger.yaml"), "--until", "1500ms"],
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        codes = [p.wait(timeout=30) for p in procs]
        self.assertEqual(codes, [0, 0, 0])  # a stranger is warned about, not a failure of the run
        for i in range(3):
            log = self.output(self.d, f"node[{i}]")
            self.assertIn("claiming to be node[3]: its hello is not signed with the cluster key [stranger]", log)
            self.assertIn(f"dlvr[{i}] = 1", log)
        stranger.wait(timeout=30)
        self.assertNotIn("dlvr[3] = ", stranger.stdout.read().decode())

    def hostile(self, payload, expect, victim=0):
        # Three nodes: they deliver, and stay up for node[3] until --until.
        procs = [self.start(self.d, self.peers, self.ports, f"node[{i}]", until="1500ms") for i in range(3)]
        time.sleep(0.1)
        with connect(self.ports[victim]) as s:
            try:
                s.sendall(payload)
                time.sleep(0.2)
            except OSError:
                pass
        codes = [p.wait(timeout=30) for p in procs]
        self.assertEqual(codes, [0, 0, 0])  # a stranger cannot make the run fail
        log = self.output(self.d, f"node[{victim}]")
        self.assertRegex(log, r"warning: 127\.0\.0\.1:\d+.*" + re.escape(expect))
        self.assertIn(f"dlvr[{victim}] = 1", log)  # the run itself is unharmed
        self.assertIn("1 strangers refused", log)

    def test_junk_from_a_stranger(self):
        self.hostile(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 4, "longer than 1024 bytes (a handshake's limit)")

    def test_an_absurd_frame_length(self):
        self.hostile(b"\xff\xff\xff\x7f" + b"\0" * 64, "longer than 1024 bytes (a handshake's limit)")

    def test_a_forged_hello(self):
        body = hello_message("node[0]", 0)
        self.hostile(len(body).to_bytes(4, "little") + body + b"\0" * 32,
                     "claiming to be node[0]: its hello is not signed with the cluster key", victim=1)

    def capture_hello(self, sender, receiver):
        """The first frame `sender` sends to `receiver` (a hello), recorded by
        a socket at `receiver`'s address."""
        with socket.create_server(("127.0.0.1", self.ports[receiver])) as server:
            server.settimeout(10)
            proc = self.start(self.d, self.peers, self.ports, f"node[{sender}]", until="2s")
            try:
                conn, _ = server.accept()
                with conn:
                    conn.settimeout(5)
                    length = FakePeer.read(conn, 4)
                    return length + FakePeer.read(conn, int.from_bytes(length, "little") + 32)
            finally:
                proc.kill()
                proc.wait()

    def test_a_replayed_hello_completes_no_handshake(self):
        hello = self.capture_hello(0, 1)
        procs = [self.start(self.d, self.peers, self.ports, f"node[{i}]", until="1500ms") for i in range(3)]
        time.sleep(0.3)  # node[0] and node[1] are connected
        strangers = 5
        for k in range(strangers):
            with connect(self.ports[1]) as s:
                s.sendall(hello)
                challenge = FakePeer.read(s, 4)  # node[1] answers with its own hello
                FakePeer.read(s, int.from_bytes(challenge, "little") + 32)
                if k % 2 == 0:  # the proof it cannot make: the hello again, or nothing
                    s.sendall(hello)
                else:
                    s.shutdown(socket.SHUT_WR)
                try:
                    self.assertEqual(s.recv(1), b"")  # refused: closed
                except ConnectionResetError:
                    pass
        codes = [p.wait(timeout=30) for p in procs]
        self.assertEqual(codes, [0, 0, 0])
        log = self.output(self.d, "node[1]")
        self.assertIn("dlvr[1] = 1", log)
        # One diagnostic per stranger, about the connection, not about node[0].
        refusals = re.findall(r"warning: 127\.0\.0\.1:\d+ claiming to be node\[0\]: (.*) \[stranger\]", log)
        self.assertEqual(len(refusals), strangers, log)
        self.assertEqual(refusals.count("did not prove it holds the key (a replayed or forged hello)"), 3)
        self.assertEqual(refusals.count("went away during its handshake"), 2)
        self.assertNotIn("error", log)
        # Its connections are node[0]'s and node[2]'s, and no stranger's.
        self.assertIn(f"tcp node[1]: 2 connections", log)
        self.assertIn(f"{strangers} strangers refused", log)
        self.assertNotIn("error", self.output(self.d, "node[0]"))

    def test_strangers_are_bounded_timed_out_and_counted(self):
        procs = [self.start(self.d, self.peers, self.ports, f"node[{i}]", until="7s") for i in range(3)]
        time.sleep(0.3)
        # node[0] is dialled by no node: it lets 8 handshakes wait at once.
        silent = [connect(self.ports[0]) for _ in range(12)]
        time.sleep(5.6)  # the handshake timeout, and some
        for _ in range(20):  # more strangers than are reported one by one
            with connect(self.ports[0]) as s:
                s.sendall(b"GET / HTTP/1.1\r\n\r\n")
                try:
                    s.recv(1)
                except ConnectionResetError:
                    pass
        codes = [p.wait(timeout=30) for p in procs]
        for s in silent:
            s.close()
        self.assertEqual(codes, [0, 0, 0])
        log = self.output(self.d, "node[0]")
        self.assertEqual(log.count("dropped unfinished: 8 handshakes were under way"), 4, log)
        self.assertEqual(log.count("did not finish its handshake within 5 s"), 8, log)
        self.assertEqual(log.count("[stranger]"), 21)  # 20 reports and how many more there were
        self.assertIn("12 more connections refused before they authenticated", log)
        self.assertIn("32 strangers refused", log)
        self.assertIn("dlvr[0] = 1", log)


class FakePeer:
    """A peer that has the cluster key and speaks the protocol, but lies:
    it plays `domain` (node[3] unless told; listed last, so the others dial
    it) and answers each connection with the frames `script(dialler)` gives
    for that dialler."""

    SCHEMA = os.path.join(ROOT, "tools", "rdc-run", "net", "net.capnp")

    def __init__(self, port, key, script, domain="node[3]", seed=None, linger=0.5):
        """`seed`: the 32-byte seed of `domain`'s node key, to sign its side of each handshake with (a peers
        file with public keys asks for it). `linger`: the seconds each connection stays open after its script,
        reading nothing."""
        self.key, self.script, self.domain, self.seed = bytes.fromhex(key), script, domain, seed
        self.linger = linger
        self.server = socket.create_server(("127.0.0.1", port))
        self.server.settimeout(0.2)
        self.stop = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @classmethod
    def message(cls, text):
        return subprocess.run(["capnp", "encode", cls.SCHEMA, "NetFrame"], input=text.encode(),
                              capture_output=True, check=True).stdout

    def serve(self):
        while not self.stop:
            try:
                conn, _ = self.server.accept()
            except OSError:
                continue
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()

    def answer(self, conn):
        try:
            conn.settimeout(3)
            theirs, _ = self.frame(conn)
            domain = re.search(rb"node\[\d\]", theirs)[0].decode()
            pair = self.blake2b(self.key, b"rdc-pair-2" + self.field(domain.encode()) + self.domain.encode())
            # The model hash a pair's hellos carry mixes in a digest of the pair's gateways: a liar with the
            # key copies the dialer's.
            decoded = json.loads(subprocess.run(["capnp", "convert", "binary:json", self.SCHEMA, "NetFrame"],
                                                input=theirs, capture_output=True, check=True).stdout)["hello"]
            model = int(decoded["modelHash"])
            ephemeral = X25519PrivateKey.generate()
            public = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            nonce, signature = os.urandom(24), b""
            if self.seed:  # handshake.h: the listener signs the dialer's hello and its own hello's fields
                signature = Ed25519PrivateKey.from_private_bytes(self.seed).sign(
                    b"rdc-handshake-listener-1" + self.field(theirs) + self.field(self.domain.encode()) +
                    model.to_bytes(8, "little") + nonce + public)
            mine = hello_message(self.domain, model, nonce, public, signature)
            answer = self.mac(pair, b"rdc-hello-2" + self.field(theirs) + mine)
            conn.sendall(len(mine).to_bytes(4, "little") + mine + answer)
            shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(bytes(decoded["ephemeral"])))
            session = self.blake2b(pair, b"rdc-session-3" + self.field(theirs) + self.field(mine) + shared)
            proof, tag = self.frame(conn)  # the dialer proves it holds the key
            if tag != self.mac(session, bytes([0]) + (0).to_bytes(8, "little") + proof):
                raise OSError("the dialer's proof does not authenticate")
            for seq, text in enumerate(self.script(domain)):
                m = self.message(text)
                tag = self.mac(session, bytes([1]) + seq.to_bytes(8, "little") + m)
                conn.sendall(len(m).to_bytes(4, "little") + m + tag)
            until = time.monotonic() + self.linger
            while not self.stop and time.monotonic() < until:
                time.sleep(0.05)
        except (OSError, TypeError, subprocess.CalledProcessError):
            pass
        finally:
            conn.close()

    @staticmethod
    def read(conn, n):
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise OSError("closed")
            data += chunk
        return data

    @classmethod
    def frame(cls, conn):
        """(message, MAC) of the next frame."""
        length = int.from_bytes(cls.read(conn, 4), "little")
        return cls.read(conn, length), cls.read(conn, 32)

    @staticmethod
    def field(data):  # a variable-length field in hashed bytes: its length first
        return len(data).to_bytes(4, "little") + data

    @staticmethod
    def blake2b(key, data):  # libsodium's crypto_generichash, 32 bytes, keyed
        return hashlib.blake2b(data, digest_size=32, key=key).digest()

    @staticmethod
    def mac(key, data):  # libsodium's crypto_auth: HMAC-SHA-512 cut to 256 bits
        return hmac.new(key, data, hashlib.sha512).digest()[:32]

    def close(self):
        self.stop = True
        self.thread.join()
        self.server.close()


def hello_message(domain, model_hash_value, nonce=None, ephemeral=None, signature=b""):
    nonce, ephemeral = nonce or os.urandom(24), ephemeral or os.urandom(32)
    return FakePeer.message(f'(hello = (magic = 0x5244434E45543031, version = 5, domain = "{domain}", '
                            f'modelHash = {model_hash_value}, nonce = 0x"{nonce.hex()}", '
                            f'ephemeral = 0x"{ephemeral.hex()}"' +
                            (f', signature = 0x"{signature.hex()}"' if signature else '') + '))')


class AuthenticatedLiar(NodeHelpers, unittest.TestCase):
    """A peer with the key cannot crash a node or make it take a bad value."""

    def batch(self, gateway, value, first=0):
        """A batch of one delivery: `gateway` is its index among the gateways from node[3] to the receiver in
        order of name (0: net:rb.echo[3].link[j], 1: net:rb.readyCast[3].link[j]), `value` a Value in Cap'n
        Proto's text form."""
        return f'(first = {first}, batch = [(gateway = {gateway}, value = {value})])'

    def against(self, script):
        """Real node[0..2] of Bracha against a fake node[3] that has the key and plays `script`; their exit codes."""
        peer = FakePeer(self.ports[3], KEY, script)
        try:
            procs = [self.start(self.d, self.peers, self.ports, f"node[{i}]", until="1500ms") for i in range(3)]
            return [p.wait(timeout=30) for p in procs]
        finally:
            peer.close()

    def test_bad_values_from_a_peer_with_the_key(self):
        def script(domain):
            return {
                "node[0]": [self.batch(0, "(bool = true)")],                  # a Bool for an Int
                "node[1]": [self.batch(2, "(int = 1)")],                      # no such gateway
                "node[2]": [self.batch(0, "(int = 1)"),                       # two values, one line
                            self.batch(0, "(int = 2)", first=1)],
            }[domain]
        self.assertEqual(self.against(script), [2, 2, 2])
        expected = {0: "'true' for net:rb.echo[3].link[0], not an Int",
                    1: "sent gateway #2, but node[1] receives only 2 from it",
                    2: "sent two values for net:rb.echo[3].link[2]"}
        for i, message in expected.items():
            log = self.output(self.d, f"node[{i}]")
            self.assertIn(message, log)
            self.assertIn(f"dlvr[{i}] = 1", log)  # the run is unharmed

    def test_a_batch_that_skips_deliveries(self):
        def script(domain):
            return [self.batch(0, "(int = 1)", first=5)]  # deliveries 0..4 never came
        self.assertEqual(self.against(script), [2, 2, 2])
        for i in range(3):
            self.assertIn("a batch that skips deliveries", self.output(self.d, f"node[{i}]"))


class StreamLiar(NodeHelpers, unittest.TestCase):
    """node[0..2] of the stream (examples/rb-stream) against a fake node[3] with the key that floods them, or
    never reads: what it can make a node keep is bounded by the node's windows, whatever the stream's length."""

    def setUp(self):
        self.dir = TempDir()
        self.d = self.dir.__enter__()
        code, _, err = run([PROJECT, example("rb-stream"), "-D", "spacing=20", "--all", "-O", self.d])
        self.assertEqual(code, 0, err)
        self.peers, self.ports = peers_file(self.d)

    def nodes(self, *args, until="60s"):
        """node[0..2] without traces (a trace would bound the stream); their exit codes and peak memory (KiB)."""
        procs = []
        for i in range(3):
            with open(os.path.join(self.d, f"node[{i}].log"), "wb") as log:
                procs.append(subprocess.Popen(
                    [RUN, os.path.join(self.d, f"node[{i}].ir"), "--listen", f"127.0.0.1:{self.ports[i]}",
                     "--peers", self.peers, "--outputs", "summary", "--until", until, *args],
                    stdout=log, stderr=subprocess.STDOUT))
        ends = [os.wait4(p.pid, 0) for p in procs]
        for p in procs:
            p.returncode = 0  # (reaped by wait4)
        return [os.waitstatus_to_exitcode(status) for _, status, _ in ends], [use.ru_maxrss for _, _, use in ends]

    def test_a_peer_that_never_reads_holds_the_stream_then_is_let_go(self):
        count = 20000  # 3 deliveries an iteration to node[3]: far past the send window of 4,096
        peer = FakePeer(self.ports[3], KEY, lambda domain: [], linger=60)
        try:
            codes, _ = self.nodes("--iterations", str(count))
        finally:
            peer.close()
        self.assertEqual(codes, [0, 0, 0])
        for i in range(3):
            log = self.output(self.d, f"node[{i}]")
            # The stream waited for node[3] (its window full) until it was treated as crashed, not for the
            # 65,536 deliveries that would have taken.
            self.assertRegex(log, r"node\[3\]: its send window full \(\d+ deliveries unacknowledged\) and nothing "
                                  r"acknowledged for 5 s; treated as crashed from now on \[peer-gone\]")
            self.assertIn(f"iterations: {count} ", log)
            self.assertIn(" 0 cut off", log)

    def test_a_flood_of_deliveries_is_bounded_by_max_live(self):
        # Echoes of node[3] (gateway 2 from node[3] to each node: net:rb[1].echo[3].link[i], the general
        # iteration's) for 50,000 iterations, in frames of 10,000, as fast as the socket takes them.
        def script(domain):
            return [f"(first = {first}, batch = [" +
                    ", ".join(f"(gateway = 2, iteration = {k}, value = (int = {k}))"
                              for k in range(first + 1, first + 10001)) + "])"
                    for first in range(0, 50000, 10000)]
        peer = FakePeer(self.ports[3], KEY, script, linger=10)
        try:
            # (The flood's iterations take every live place, so the stream waits for them until --until.)
            codes, peaks = self.nodes("--iterations", "20000", "--max-live", "1000", until="4s")
        finally:
            peer.close()
        for i in range(3):
            log = self.output(self.d, f"node[{i}]")
            self.assertNotIn("Traceback", log)
            m = re.search(r"iterations: (\d+) \(at most (\d+) live\)", log)
            self.assertIsNotNone(m, log)
            self.assertLessEqual(int(m[2]), 1000, log)  # the flood began no more than --max-live at once
            self.assertIn("3 connections", log)  # (one flood each: no reconnection)
            self.assertIn("more than --max-live iterations ahead of this node [peer]", log)
        self.assertEqual(codes, [2, 2, 2])  # the flood is a hostile peer's
        if not SANITIZED:  # (AddressSanitizer's shadow memory and quarantine say nothing of the node's own)
            self.assertLess(max(peaks), 100 * 1024)


class Stream(unittest.TestCase):
    """The unbounded stream of broadcasts (examples/rb-stream) over TCP: each
    node makes the iterations it takes part in as the stream and its peers
    bring them, and the cluster checks every iteration from the nodes' outputs."""
    COUNT = 200

    def stream(self, *args):
        with TempDir() as d:
            peers, _ = peers_file(d)
            code, out, err = run([RUN, example("rb-stream"), "-D", "spacing=1000", "--cluster", peers,
                                  "--iterations", str(self.COUNT), *args], timeout=120)
            self.assertEqual(os.listdir(d), ["peers.yaml"])  # the nodes' files are gone
            return code, out.decode(), err

    def test_every_broadcast_is_delivered_and_checked(self):
        code, out, err = self.stream()
        self.assertEqual(code, 0, out + err)
        got = values(out.encode())
        for k in range(self.COUNT):
            self.assertEqual([got.get(f"dlvr[{k}][{i}]") for i in range(4)], [str(k)] * 4)
        self.assertIn(f"iterations: {self.COUNT} ", out)
        self.assertIn(" 0 cut off", out)
        for check in ("agreement", "validity", "totality"):
            self.assertIn(f"check {check}: pass", out)

    def test_a_node_killed_mid_stream_does_not_stall_the_others(self):
        start = time.monotonic()
        code, out, err = self.stream("--kill", "node[3]@80ms", "--outputs", "summary", "--until", "60s")
        self.assertEqual(code, 0, out + err)
        # The others end once their part is done and the killed node's connection has been gone for 2 s,
        # not at --until.
        self.assertLess(time.monotonic() - start, 30)
        self.assertIn("node[3]: killed as asked", err)
        self.assertIn(" 0 cut off", out)  # the other nodes completed every iteration
        for check in ("agreement", "validity", "totality"):
            self.assertIn(f"check {check}: pass", out)

    def test_a_traced_stream_replays_and_runs_backwards(self):
        with TempDir() as d:
            peers, _ = peers_file(d)
            trace = os.path.join(d, "run.trace")
            model = [example("rb-stream"), "-D", "spacing=1000"]
            code, out, err = run([RUN, *model, "--cluster", peers, "--iterations", "40", "--trace", trace], timeout=120)
            self.assertEqual(code, 0, out.decode() + err)
            code, rout, err = run([RUN, *model, "--replay", trace])
            self.assertEqual(code, 0, err)
            outputs = {k: v for k, v in values(out).items() if k.startswith(("bc[", "dlvr["))}
            self.assertEqual(len(outputs), 5 * 40)
            self.assertEqual({k: v for k, v in values(rout).items() if k in outputs}, outputs)  # same values
            code, out, err = run([TRACE, "invert", *model, trace])
            self.assertEqual(code, 0, out.decode() + err)
            self.assertIn("inversion round-trips: 40 extrinsic inputs recovered", out.decode())
            # The streamed merge by hand from the nodes' traces, in the cluster's order: the same events (each
            # node's lines come chunk by chunk as its iterations begin).
            nodes = sorted(glob.glob(trace + ".nodes/*.trace"))
            self.assertEqual(len(nodes), 4)
            by_hand = os.path.join(d, "by-hand.trace")
            code, _, err = run([TRACE, "merge", *nodes, "-o", by_hand])
            self.assertEqual(code, 0, err)
            events = [jsonl_parts(run([TRACE, "export", t, "--format", "jsonl"])[1])[1] for t in (trace, by_hand)]
            self.assertGreater(len(events[0]), 40 * 4 * 20)  # many chunks of events, and of lines
            self.assertEqual(events[0], events[1])

    def test_a_byzantine_node_cannot_break_it(self):
        code, out, err = self.stream("--byzantine", "node[2]", "--outputs", "summary", *SETTLED)
        self.assertEqual(code, 0, out + err)
        for check in ("agreement", "validity", "totality"):
            self.assertIn(f"check {check}: pass", out)


# Each element of a stream crosses from node[0] to node[1] and runs down a chain of 1000 Sums there: about 2,000
# lines an iteration, so that 2,100 iterations number more lines than a trace holds (4,194,304).
WIDE_STREAM = """rdc: 1
model: wide-stream
params:
  width: 1000
domains:
  node: 2
use: [std]
components:
  Chain:
    params: [width]
    lines:
      x: Int
    body:
      - wire: x -> xs[0]
      - for: i in 0..width
        body:
          - Sum add[i]:
              x: xs[i] -> xs[i+1]
              y: const 0 -> drop
      - wire: xs[width] -> x'
system:
  body:
    - for: k in 0..
      body:
        - Link send[k] @ node[0]:
            snd: input v[k] = k at k * 10us @ node[0] -> drop
            rcv: choose -> got[k]
        - Chain<width> chain[k] @ node[1]:
            x: got[k] -> output out[k] @ node[1]
"""


class LongStream(unittest.TestCase):
    def test_a_stream_without_a_trace_runs_past_the_lines_a_trace_holds(self):
        # Without --trace a node keeps no trace, so the trace's limit on lines does not end its stream; with
        # --trace the run stops at the limit, as a simulated one does.
        with TempDir() as d:
            model = write(d, "wide.rdc.yaml", WIDE_STREAM)
            peers, _ = peers_file(d, n=2)
            code, out, err = run([RUN, model, "--cluster", peers, "--iterations", "2500", "--outputs", "summary",
                                  "--until", "60s"], timeout=120)
            self.assertEqual(code, 0, out.decode() + err)
            self.assertIn("iterations: 2500 ", out.decode())
            self.assertIn("outputs: 2500 available, 0 never available", out.decode())
            code, out, err = run([RUN, model, "--iterations", "2500", "--outputs", "summary", "--trace",
                                  os.path.join(d, "run.trace")], timeout=120)
            self.assertIn("would take the trace past 4194304 lines", out.decode() + err)


class Alone(unittest.TestCase):
    def test_a_node_without_peers_says_so(self):
        with TempDir() as d:
            peers, ports = peers_file(d)
            code, out, err = run([RUN, example("bracha"), "--domain", "node[1]", "--listen", f"127.0.0.1:{ports[1]}",
                                  "--peers", peers, "--until", "300ms"])
            self.assertEqual(code, 0, err)
            self.assertIn("never reached node[0], node[2], node[3]", err)
            self.assertIn("dlvr[1] never available", out.decode())


class BadUse(unittest.TestCase):
    def test_bad_peers_files_and_flags(self):
        with TempDir() as d:
            run([PROJECT, example("bracha"), "--domain", "node[0]", "-o", os.path.join(d, "n0.ir")])
            bad = os.path.join(d, "bad.yaml")
            for text, message in (("key: 12\nnodes:\n  node[0]: 127.0.0.1:1\n", "64 hexadecimal digits"),
                                  (f"key: {KEY}\nnodes:\n  node[0]: nowhere\n", "is not host:port"),
                                  (f"key: {KEY}\nnodes: [1, 2\n", "not YAML"),
                                  (f"key: {KEY}\nnodes:\n  node[0]: 127.0.0.1:1\n---\nkey: 12\n", "second YAML document"),
                                  (f"key: {KEY}\nnodes:\n  node[0\udcc0\udc80]: 127.0.0.1:1\n", "invalid UTF-8"),
                                  (f"key: {KEY}\nnodes:\n  node[1]: 127.0.0.1:9\n", "node[0] is not in"),
                                  (f"key: {KEY}\nnodes:\n  node[0]: 127.0.0.1:9\n  node[9]: 127.0.0.1:8\n",
                                   "'node[9]' is no domain of the model"),
                                  (f"key: {KEY}\nnodes:\n  node[0]: 127.0.0.1:9\n  node[1]: 127.0.0.1:9\n",
                                   "node[1]: '127.0.0.1:9' is node[0]'s address too")):
                with open(bad, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(text)  # surrogateescape: \udcXX writes the raw byte XX
                with self.subTest(text=text):
                    code, _, err = run([RUN, os.path.join(d, "n0.ir"), "--listen", "127.0.0.1:0", "--peers", bad])
                    self.assertEqual(code, 2)
                    self.assertIn(message, err)
            peers, _ = peers_file(d)
            code, _, err = run([RUN, example("bracha"), "--listen", "127.0.0.1:0", "--peers", peers])
            self.assertEqual(code, 2)
            self.assertIn("one domain's projection", err)
            for modes in (["--cluster", peers, "--seeds", "0..3"], ["--split", "--seeds", "0..3"],
                          ["--split", "--cluster", peers]):
                code, _, err = run([RUN, example("bracha"), *modes])
                self.assertEqual(code, 2)
                self.assertIn("give one", err)
            for flags, message in ((["--kill", "node[1]@1ms", "--kill", "node[1]@2ms"], "node[1] is killed twice"),
                                   (["--kill", "node[1]@1ms", "--leave-out", "node[1]"], "node[1] is left out")):
                code, _, err = run([RUN, example("bracha"), "--cluster", peers, *flags])
                self.assertEqual(code, 2, err)
                self.assertIn(message, err)
            with socket.socket() as taken:
                taken.bind(("127.0.0.1", 0))
                taken.listen()
                port = taken.getsockname()[1]
                code, _, err = run([RUN, os.path.join(d, "n0.ir"), "--listen", f"127.0.0.1:{port}", "--peers", peers])
                self.assertEqual(code, 2)
                self.assertIn(f"cannot listen on 127.0.0.1:{port}: Address already in use", err)
                self.assertNotIn("sockfd", err)  # the library's call, not the reason
            code, _, err = run([RUN, os.path.join(d, "n0.ir"), "--listen", "no.such.host.invalid:17300",
                                "--peers", peers])
            self.assertEqual(code, 2)
            self.assertIn("cannot listen on no.such.host.invalid:17300: the name does not resolve", err)
            self.assertNotIn("params.host", err)


if __name__ == "__main__":
    unittest.main()
