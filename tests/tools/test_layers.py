"""The layering check fails on each kind of include the layers forbid, and
passes on the repository itself."""
import os
import sys
import unittest

from rdctest import ROOT, TempDir, run

CHECK = os.path.join(ROOT, "tests", "layering.py")


def tree(tmp, files):
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(tmp, path)), exist_ok=True)
        with open(os.path.join(tmp, path), "w", encoding="utf-8") as f:
            f.write(text)


class Layers(unittest.TestCase):
    def test_the_repository_keeps_its_layers(self):
        code, out, _ = run([sys.executable, CHECK])
        self.assertEqual(code, 0, out.decode())

    def test_each_forbidden_include_is_reported(self):
        cases = {
            "an upper layer from a lower": ("ir/lang/value.cpp", '#include "ir/graph/graph.h"\n',
                                            "ir/lang is below ir/graph"),
            "a tool from the libraries": ("ir/io/x.cpp", '#include "tools/rdc-run/engine/engine.h"\n',
                                          "do not use the tools"),
            "another tool's code": ("tools/rdc-run/driver/x.cpp", '#include "tools/rdc-trace/invert.h"\n',
                                    "another tool's code"),
            "Cap'n Proto in the engine": ("tools/rdc-run/engine/x.cpp", "#include <capnp/message.h>\n",
                                          "does not see Cap'n Proto"),
            "the driver from the engine": ("tools/rdc-run/engine/y.cpp", '#include "tools/rdc-run/driver/run.h"\n',
                                           "tools/rdc-run/engine is below tools/rdc-run/driver"),
            "an ir file outside the layers": ("ir/graph/z.cpp", '#include "ir/stray.h"\n', "not in a layer folder"),
        }
        for name, (path, text, says) in cases.items():
            with self.subTest(name), TempDir() as tmp:
                tree(tmp, {"ir/support/ok.h": "#include <vector>\n", path: text})
                code, out, _ = run([sys.executable, CHECK, tmp])
                self.assertEqual(code, 1, name)
                self.assertIn(path, out.decode())
                self.assertIn(says, out.decode())

    def test_includes_downwards_pass(self):
        with TempDir() as tmp:
            tree(tmp, {"ir/graph/a.cpp": '#include "ir/lang/value.h"\n#include "ir/components/catalog.h"\n',
                       "tools/rdc-run/driver/b.cpp": '#include "tools/rdc-run/engine/engine.h"\n#include "ir/io/x.h"\n'})
            code, out, _ = run([sys.executable, CHECK, tmp])
            self.assertEqual(code, 0, out.decode())


if __name__ == "__main__":
    unittest.main()
