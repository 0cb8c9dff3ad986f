"""The bounded broadcasts of examples/rb-bounded (`for: k in 0..K on demand`)
over TCP with the default flags, as the requirement states it: `rdc-run
MODEL --cluster PEERS` makes each node's broadcasts as they come, ends when
the K are done, and checks every one from the nodes' outputs."""
import os
import re
import unittest

from rdctest import TempDir, example, run, tool
from test_tcp import peers_file, values

RUN = tool("rdc-run")
BOUNDED = example("rb-bounded")


class Cluster(unittest.TestCase):
    def test_every_broadcast_is_delivered_and_checked_with_the_default_flags(self):
        with TempDir() as d:
            peers, _ = peers_file(d)
            code, out, err = run([RUN, BOUNDED, "-D", "K=500", "--cluster", peers], timeout=120)
            self.assertEqual(os.listdir(d), ["peers.yaml"])  # the nodes' files are gone
        self.assertEqual(code, 0, out.decode() + err)
        got = values(out)
        for k in range(500):
            self.assertEqual([got.get(f"dlvr[{k}][{i}]") for i in range(4)], [str(k)] * 4)
        self.assertRegex(out, rb"iterations: 500 \(at most \d+ live\), 0 cut off by the end of the run and not "
                              rb"checked, 0 of 500 never began")
        self.assertEqual(len(re.findall(rb"check \w+: pass", out)), 3, out[-400:])


if __name__ == "__main__":
    unittest.main()
