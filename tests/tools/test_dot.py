"""rdc-dot driven as a user would: DOT that Graphviz accepts, in the sketch's notation."""
import glob
import json
import os
import re
import unittest

from rdctest import ROOT, TempDir, example, read_bytes, run, tool, write

DOT, RUN = tool("rdc-dot"), tool("rdc-run")
PAIR = os.path.join(ROOT, "tests", "dot", "pair.rdc.yaml")
GOLDEN = os.path.join(ROOT, "tests", "dot", "golden")
MODELS = sorted(glob.glob(os.path.join(ROOT, "examples", "*", "*.rdc.yaml"))) + [PAIR]
VIEWS = [[], ["--depth", "3"], ["--flat"]]
# Graphviz's layout time grows faster than the graph: big models are drawn smaller.
SMALLER = {"tendermint.rdc.yaml": ["-D", "heights=1", "-D", "rounds=2"], "ben-or.rdc.yaml": ["-D", "rounds=2"], "tendermint-heights.rdc.yaml": ["-D", "rounds=1"],
           "tendermint-gossip.rdc.yaml": ["-D", "n=2", "-D", "rounds=1"]}


def dot_of(*args):
    code, out, err = run([DOT, *args])
    if code != 0:
        raise AssertionError(err)
    return out.decode()


class Graphviz(unittest.TestCase):
    def test_every_example_is_accepted_by_dot_and_the_library(self):
        for model in MODELS:
            for view in VIEWS:
                with self.subTest(model=os.path.basename(model), view=view):
                    view = view + SMALLER.get(os.path.basename(model), [])
                    text = dot_of(model, *view)
                    code, svg, err = run(["dot", "-Tsvg"], stdin=text.encode())
                    self.assertEqual(code, 0, err)
                    self.assertIn(b"<svg", svg)
                    code, svg, err = run([DOT, model, *view, "-T", "svg"])
                    self.assertEqual(code, 0, err)
                    self.assertIn(b"<svg", svg)

    def test_tendermint_at_depth_3_renders_in_process(self):
        # Regression: Graphviz 2.42 double-freed this layout in gvFreeLayout.
        code, svg, err = run([DOT, example("tendermint"), "--depth", "3", "-T", "svg"])
        self.assertEqual(code, 0, err)
        self.assertIn(b"<svg", svg)

    def test_png_and_pdf_render_in_process(self):
        with TempDir() as d:
            for fmt, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
                out = os.path.join(d, "b." + fmt)
                code, _, err = run([DOT, example("bracha"), "-T", fmt, "-o", out])
                self.assertEqual(code, 0, err)
                self.assertTrue(read_bytes(out).startswith(magic))


    def test_a_small_memory_budget_is_a_diagnostic_not_a_crash(self):
        # Under a budget GLib aborted (SIGTRAP: no room for pango's thread)
        # and cairo crashed (SIGSEGV on a surface it could not make); the
        # libraries' own words reached standard error.
        for budget in ("1M", "2M", "4M", "8M", "16M", "64M"):
            for fmt in ("svg", "png"):
                with self.subTest(budget=budget, fmt=fmt):
                    code, out, err = run([DOT, example("bracha"), "-T", fmt, "--max-memory", budget])
                    self.assertIn(code, (0, 2), err)
                    if code == 2:
                        self.assertIn("[memory-limit]", err)
                        self.assertIn(f"the {budget[:-1]} MiB memory budget", err)
                        self.assertFalse(out)
                    self.assertNotIn("GLib", err)
                    for line in err.splitlines():
                        self.assertTrue(line.startswith("rdc-dot: "), err)
        code, out, err = run([DOT, example("bracha"), "-T", "png", "--max-memory", "64M"])
        self.assertEqual((code, err), (0, ""))
        self.assertTrue(out.startswith(b"\x89PNG"))


class Structure(unittest.TestCase):
    def test_a_wire_item_shows_its_token(self):
        # `wire: const ... -> s` and `wire: t -> drop` were bare points.
        with TempDir() as d:
            model = os.path.join(d, "wires.rdc.yaml")
            with open(model, "w") as f:
                f.write("rdc: 1\nsystem:\n  body:\n    - wire: const (0, 0, -1) -> s\n    - Def d:\n"
                        "        x: s -> t\n        y: choose -> y\n    - wire: t -> drop\n    - wire: y -> u\n"
                        "    - Def e:\n        x: u -> output v\n        y: choose -> output w\n")
            code, dot, err = run([DOT, model])
            self.assertEqual(code, 0, err)
            text = dot.decode()
            self.assertIn('[shape=plaintext, fontsize=10, label="(0, 0, -1)"]', text)
            self.assertIn('[shape=plaintext, fontsize=10, label="|"]', text)
            self.assertEqual(text.count("shape=point"), 1, text)  # the wire between names

    def test_flat_ports_sections_and_edges(self):
        text = dot_of(PAIR, "--flat")
        # A box per base instance, a section per line, ports on both sides.
        self.assertIn("<b>Link</b> hop.link", text)
        self.assertIn('<td port="i0" width="14">', text)
        self.assertIn("snd: Int", text)
        self.assertIn("rcv: Int", text)
        # The choice glyph in rcv's input cell, a drop bar in snd's output cell.
        self.assertIn('<td port="i1" width="14">?</td>', text)
        self.assertIn('<td port="o0" width="14">|</td>', text)
        # The wire from the Link's rcv output to Inc's input, port to port.
        self.assertRegex(text, r'"n0":o1 -> "n1":i0')
        # Domains as clusters, extrinsics at the edges.
        self.assertIn('subgraph "cluster_node[0]"', text)
        self.assertIn('subgraph "cluster_node[1]"', text)
        self.assertIn("rank=source", text)

    def test_golden_diagrams(self):
        for name, args in (("pair-flat", [PAIR, "--flat"]), ("pair-system", [PAIR]), ("pair-depth2", [PAIR, "--depth", "2"])):
            with self.subTest(name):
                text = dot_of(*args)
                path = os.path.join(GOLDEN, name + ".dot")
                if os.environ.get("RDC_UPDATE_GOLDEN"):
                    with open(path, "w") as f:
                        f.write(text)
                with open(path) as f:
                    self.assertEqual(text, f.read(), f"regenerate with RDC_UPDATE_GOLDEN=1 if the change is intended")

    def test_replication_boxes_are_clusters_with_their_range(self):
        text = dot_of(example("bracha"), "--component", "RB")
        self.assertIn('label="for j in 0..n"', text)
        # One instance stands for the box (its title on one line or two).
        self.assertEqual(len(re.findall(r"<b>WB&lt;n&gt;</b>(?: |<br/>)echo\[j\]", text)), 1)

    CHAIN = """rdc: 1
params:
  rounds: 3
system:
  body:
    - Inc<0> first:
        x: input a as Int -> s[0]
    - for: r in 1..rounds + 1
      body:
        - Inc<1> step[r]:
            x: s[r - 1] -> s[r]
    - Inc<0> last:
        x: s[rounds] -> output z
"""

    NESTED = """rdc: 1
params:
  n: 2
components:
  Pass:
    lines:
      x: Int
    body:
      - Inc<0> i:
          x: x -> x'
system:
  body:
    - Pass head:
        x: input a as Int -> output b
    - for: j in 0..n
      body:
        - Pass p[j]:
            x: input c[j] as Int -> output d[j]
"""

    def test_an_extrinsic_edge_is_drawn_in_its_own_scope(self):
        # head's output edge was drawn inside the last cluster expanded (p[j]'s),
        # which pulled head's end and `output b` into it.
        with TempDir() as d:
            path = os.path.join(d, "nested.rdc.yaml")
            with open(path, "w") as f:
                f.write(self.NESTED)
            text = dot_of(path, "--depth", "2")
        depth, seen = 0, False
        for line in text.splitlines():
            if line.strip().startswith("subgraph"):
                depth += 1
            elif line.strip() == "}":
                depth -= 1
            elif '-> "x:0xo"' in line:  # head's x' to `output b`
                self.assertEqual(depth, 0, line)  # the graph's own level, in no cluster
                seen = True
        self.assertTrue(seen, text)

    def test_wires_of_one_name_join_only_where_the_parameters_let_them(self):
        with TempDir() as d:
            model = os.path.join(d, "chain.rdc.yaml")
            with open(model, "w", encoding="utf-8") as f:
                f.write(self.CHAIN)
            labels = re.findall(r'-> \S+ \[label="([^"]*)"\]', dot_of(model))
            # s[0] feeds the chain, which feeds s[rounds]: with rounds = 3, s[0] never reaches `last`.
            self.assertIn("s[0] → s[r - 1]", labels)
            self.assertIn("s[r] → s[rounds]", labels)
            self.assertNotIn("s[0] → s[rounds]", labels)
            # With rounds = 0 it does.
            self.assertIn("s[0] → s[rounds]", re.findall(r'-> \S+ \[label="([^"]*)"\]', dot_of(model, "-D", "rounds=0")))

    def test_domain_restricts_to_one(self):
        text = dot_of(example("bracha"), "--domain", "node[2]")
        self.assertIn('cluster_node[2]', text)
        self.assertNotIn('cluster_node[1]', text)

    def test_trace_overlay_colours_and_values(self):
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            run([RUN, PAIR, "--input", "v=41", "--trace", trace])
            text = dot_of(PAIR, "--trace", trace)
            self.assertIn('label="41"', text)
            self.assertRegex(text, r'bgcolor="#[0-9a-f]{6}"')
            # The extrinsics carry their values: v in, v + 1 out.
            self.assertIn('label="v = 41"', text)
            self.assertIn('label="out = 42"', text)

    def test_trace_legend_maps_colours_to_times(self):
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            run([RUN, example("bracha"), "--latency", "constant:4ms", "--trace", trace])
            code, out, err = run([tool("rdc-trace"), "show", trace, "--json"])
            self.assertEqual(code, 0, err)
            last = max(int(e["time_ns"]) for e in json.loads(out))
            text = dot_of(example("bracha"), "--trace", trace)
            legend = re.search(r'"legend" \[label=<(.*)>\];', text)
            self.assertIsNotNone(legend)
            rows = re.findall(r'<td width="14" bgcolor="(#[0-9a-f]{6})"></td><td align="left">([^<]*)</td>', legend[1])
            self.assertEqual(len(rows), 6)
            self.assertEqual(rows[0][1], "0ns")
            self.assertEqual(rows[-1], ("#cccccc", "never"))
            # The last step is the run's last event, and its colour is a late one found on the ports.
            self.assertEqual(rows[-2][1], f"{last / 1e6:.3g}ms")
            self.assertIn(f'bgcolor="{rows[-2][0]}"', text.replace(legend[0], ""))

    def test_cut_links_name_the_domain_at_their_other_end(self):
        text = dot_of(example("bracha"), "--domain", "node[2]", "--layout", "lr")
        # node[0]'s SEND reaches node[2] over a Link cut by the view; node[2]'s echo leaves for node[3].
        self.assertIn("<b>Link</b> rb.send.link[2] <i>from node[0]</i>", text)
        self.assertIn("<b>Link</b> rb.echo[2].link[3] <i>to node[3]</i>", text)
        self.assertNotIn("rb.echo[2].link[2] <i>", text)  # the Link to itself is not cut


def renders(test, text, *args):
    """Real Graphviz accepts the DOT, and the in-process library renders the same view."""
    code, svg, err = run(["dot", "-Tsvg"], stdin=text.encode(), timeout=120)
    test.assertEqual(code, 0, err)
    test.assertIn(b"<svg", svg)
    if args:
        code, svg, err = run([DOT, *args, "-T", "svg"], timeout=120)
        test.assertEqual(code, 0, err)
        test.assertIn(b"<svg", svg)


class Projection(unittest.TestCase):
    """A projection is drawn as what its domains run: its part of the model, its gateways, and a title."""

    @classmethod
    def setUpClass(cls):
        cls.dir = TempDir()
        d = cls.dir.__enter__()
        cls.node1 = os.path.join(d, "node1.ir")
        cls.part0 = os.path.join(d, "part0.ir")
        for model, domain, out in ((example("bracha"), "node[1]", cls.node1),
                                   (example("two-phase-commit"), "part[0]", cls.part0)):
            code, _, err = run([tool("rdc-project"), model, "--domain", domain, "-o", out])
            if code != 0:
                raise AssertionError(err)

    @classmethod
    def tearDownClass(cls):
        cls.dir.__exit__(None, None, None)

    def test_every_view_differs_from_the_whole_model_and_renders(self):
        for view in ([], ["--depth", "2"], ["--depth", "3"], ["--component", "RB"], ["--flat"]):
            with self.subTest(view=view):
                whole, part = dot_of(example("bracha"), *view), dot_of(self.node1, *view)
                self.assertNotEqual(whole, part)
                self.assertIn('label="projection of bracha onto node[1]: what node[1] runs;', part)
                self.assertNotIn("projection of", whole)
                renders(self, part, self.node1, *view)

    def test_gateways_are_drawn_with_their_peers(self):
        text = dot_of(self.node1, "--layout", "lr")
        # The one RB box: what comes in from the three peers, what leaves for them.
        self.assertRegex(text, r'"gw:0:in" \[shape=cds, style="filled,dashed", fillcolor="#e0f2f1", '
                               r'label="net from node\[0\], node\[2\], node\[3\]\\n\d+ gateways"\]')
        self.assertRegex(text, r'"gw:0:out" \[[^]]*label="net to node\[0\], node\[2\], node\[3\]\\n\d+ gateways"\]')
        self.assertIn('"gw:0:in" -> "0" [style=dashed]', text)
        self.assertIn('"0" -> "gw:0:out" [style=dashed]', text)
        # Inside RB, each collapsed instance carries its own; node[0]'s SEND only arrives (from node[0]).
        rb = dot_of(self.node1, "--component", "RB", "--layout", "lr")
        self.assertIn('label="net from node[0]\\nnet:rb.send.link[1]"', rb)
        self.assertNotRegex(rb, r'net to [^"]*\\nnet:rb\.send\.')
        # The flat view names the peer of each gateway.
        flat = dot_of(self.node1, "--flat", "--layout", "lr")
        self.assertIn('label="net:rb.send.link[1] (from node[0])"', flat)
        self.assertIn('label="net:rb.echo[1].link[2] (to node[2])"', flat)

    def test_only_what_the_domain_runs_is_drawn(self):
        whole = dot_of(example("two-phase-commit"))
        part = dot_of(self.part0, "--layout", "lr")
        self.assertIn("<b>Participant</b> participant[k] @ part[k]", whole)
        # part[0] runs its participant, the sending half of its vote's Link, and of the coordinator only
        # the receiving halves of the Links that bring it PREPARE and the decision.
        self.assertIn("<b>Coordinator</b> coordinator @ coord<br/><i>only halves of its cut Links run here</i>", part)
        self.assertIn("<b>Participant</b> participant[0] @ part[0]", part)
        self.assertNotIn("participant[k]", part)
        self.assertIn("<b>Send</b> send[0] @ part[0]", part)  # the half of the cut Link it runs
        self.assertIn("net to coord", part)
        self.assertIn("net from coord", part)
        renders(self, part, self.part0)
        expanded = dot_of(self.part0, "--depth", "2", "--layout", "lr")
        for runs_elsewhere in ("<b>Timer</b>", "<b>Select&lt;3&gt;</b>", "<b>Mailbox"):
            self.assertNotIn(runs_elsewhere, expanded)
        self.assertIn('label="net from coord\\nnet:coordinator.prepares.link[0]"', expanded)
        self.assertIn("<b>Select&lt;2&gt;</b>", expanded)  # the participant's own
        renders(self, expanded, self.part0, "--depth", "2")
        # A component is drawn as much of it as its instances there run; one with none says so.
        coordinator = dot_of(self.part0, "--component", "Coordinator")
        self.assertNotIn("<b>Select&lt;3&gt;</b>", coordinator)
        self.assertIn("<b>WB&lt;n&gt;</b> announce", coordinator)
        timer = dot_of(self.part0, "--component", "Timer")
        self.assertIn("(no instance of Timer runs there)", timer)
        self.assertNotIn("<b>Sync", timer)
        renders(self, timer, self.part0, "--component", "Timer")


class Types(unittest.TestCase):
    """Instances show the types and sizes they have, not their component's T and parameter names."""

    def test_instances_are_typed_and_sized_as_elaborated(self):
        text = dot_of(example("two-phase-commit"), "--component", "Coordinator", "--layout", "lr")
        # A Quorum's votes are three Bools (not `T[n]`, whose n reads as the model's n).
        self.assertIn("votes: Bool[3]", text)
        # Select<3>'s options, bound one by one, are a Bool each.
        for k in range(3):
            self.assertIn(f"options[{k}]: Bool", text)
        self.assertIn("chosen: Bool", text)
        self.assertNotIn(": T", text)
        self.assertNotIn("T[", text)
        # A composite's type variable, read off its instance: WB<n> prepares carries Unit to the 3 participants.
        self.assertRegex(text, r"<b>WB&lt;n&gt;</b> prepares</td></tr><tr>.*?bc: Unit</td>.*?dlvr: Unit\[3\]</td>")
        # Timer's two type variables are told apart (trigger Unit, signal Bool).
        self.assertIn("trigger: Unit", text)
        self.assertIn("signal: Bool", text)

    def test_system_and_expanded_instances_are_concrete(self):
        text = dot_of(example("bracha"), "--depth", "2", "--layout", "lr")
        self.assertIn("bc: Int", text)
        self.assertIn("dlvr: Int[4]", text)
        self.assertIn("votes: Int[4]", text)  # StrongQuorum<n, f>
        # Select<2>'s options are bound one by one: a row, and a port, each.
        self.assertIn("options[0]: Int", text)
        self.assertIn("options[1]: Int", text)
        self.assertNotIn("options: Int[2]", text)
        select = re.search(r'"([^"]+)" \[label=<<table[^\n]*<b>Select&lt;2&gt;</b>', text)[1]
        self.assertRegex(text, rf'-> "{re.escape(select)}":i1 \[label="echoed\[j\]"\]')
        self.assertRegex(text, rf'-> "{re.escape(select)}":i2 \[label="amplified\[j\]"\]')
        self.assertNotIn(": T", text)
        # With -D the sizes follow.
        self.assertIn("dlvr: Int[7]", dot_of(example("bracha"), "--depth", "2", "-D", "n=7"))
        # An Fn's arguments and result are typed too (they were drawn as bare names).
        coordinator = dot_of(example("two-phase-commit"), "--component", "Coordinator")
        self.assertIn("m: Map&lt;Int, Bool&gt;", coordinator)
        self.assertIn("r: Bool = count(m, false) == 0", coordinator)

    def test_an_fn_bundle_argument_is_drawn_with_its_size(self):
        # `votes[0..n]`: n lines, drawn as a bundle sized as its instance has it (they were drawn as one Int).
        tally = """rdc: 1
params: {n: 3}
system:
  body:
    - for: i in 0..n
      body:
        - wire: input vote[i] as Bool -> ballots[i]
    - Fn tally:
        expr: "count(votes, true) >= 2"
        votes[0..n]: ballots -> drop
        r: choose -> output decided
"""
        with TempDir() as d:
            model = write(d, "tally.rdc.yaml", tally)
            self.assertIn("votes: Bool[3]</td>", dot_of(model))
            self.assertIn("votes: Bool[5]</td>", dot_of(model, "-D", "n=5"))

    BRANCHES = """rdc: 1
params:
  wide: 0
system:
  body:
    - if: wide == 1
      body:
        - Select<3> pick:
            choice: choose -> drop
            options[k]: input o[k] as Bool -> drop
            chosen: choose -> output c
      else:
        - Select<2> pick:
            choice: choose -> drop
            options[k]: input o[k] as Int -> drop
            chosen: choose -> output c
"""

    ELEMENTS = """rdc: 1
domains:
  node: 2
components:
  Grid:
    lines:
      x: Int[2][2]
      s: Set<Int[0..2]>[2]
    body:
      - for: i in 0..2, j in 0..2
        body:
          - Def d[i][j]:
              x: x[i][j] -> x'[i][j]
              y: choose -> drop
      - for: i in 0..2, v in 0..2
        body:
          - Def e[i][v]:
              x: s[i]{v} -> s'[i]{v}
              y: choose -> drop
system:
  body:
    - Grid g @ node[0]:
        x[0][k]: input a[k] as Int -> output b[k]
        x[1][0]: input c as Int -> output d
        x[1][1]: input e as Int -> output f
        s[0]: never -> drop
        s[1]: never -> drop
"""

    def test_elements_bound_one_by_one_are_rows_typed_as_what_they_name(self):
        with TempDir() as d:
            model = write(d, "elements.rdc.yaml", self.ELEMENTS)
            rows = re.findall(r'<td align="left">([^<]*)</td>', dot_of(model))
            # A fresh name (k) ranges over its dimension: x[0][k] is a row of
            # x; the type's own brackets (Set<Int[0..2]>) are not a dimension.
            self.assertEqual(rows, ["x[0][k]: Int[2]", "x[1][0]: Int", "x[1][1]: Int",
                                    "s[0]: Set&lt;Int[0..2]&gt;", "s[1]: Set&lt;Int[0..2]&gt;"])
            # Expanded, each element's extrinsics are arrows of their own.
            expanded = dot_of(model, "--depth", "2")
            for name in ("input a[k]", "output b[k]", "input c", "output d", "input e", "output f"):
                self.assertEqual(expanded.count(f'label="{name}"'), 1, name)
            renders(self, expanded, model, "--depth", "2")

    def test_elements_of_their_own_types_are_each_typed(self):
        # Sync's elements each have their own type: bound one by one, each
        # row reads its element's (they read Sync's `T`, the line's).
        with TempDir() as d:
            model = write(d, "sync.rdc.yaml", """rdc: 1
system:
  body:
    - Sync<2> gate:
        l[0]: input a as Bool -> output b
        l[1]: input c as Int -> output e
""")
            rows = re.findall(r'<td align="left">([^<]*)</td>', dot_of(model))
            self.assertEqual(rows, ["l[0]: Bool", "l[1]: Int"])
            renders(self, dot_of(model), model)

    def test_an_item_is_typed_by_its_own_instances_only(self):
        # Two items named pick, one per branch: only the elaborated one has instances to type it.
        with TempDir() as d:
            model = os.path.join(d, "branches.rdc.yaml")
            with open(model, "w", encoding="utf-8") as f:
                f.write(self.BRANCHES)
            rows = re.findall(r'<td align="left">([^<]*)</td>', dot_of(model))
            self.assertEqual(rows, ["choice: Int", "options: T[3]", "chosen: T", "choice: Int", "options: Int[2]", "chosen: Int"])
            rows = re.findall(r'<td align="left">([^<]*)</td>', dot_of(model, "-D", "wide=1"))
            self.assertEqual(rows, ["choice: Int", "options: Bool[3]", "chosen: Bool", "choice: Int", "options: T[2]", "chosen: T"])

    def test_a_generic_definition_stays_generic(self):
        text = dot_of(example("bracha"), "--component", "WB", "--layout", "lr")
        self.assertIn("x: T", text)  # Def def[j]: WB's T, whatever its instances carry
        self.assertIn("bc: T", text)
        self.assertIn('label="WB is generic in T: its definition is drawn with the types as declared"', text)
        renders(self, text)
        # A component without type variables says nothing of the kind.
        self.assertNotIn("generic in", dot_of(example("bracha"), "--component", "RB"))


def width_in_points(text):
    """The width of a diagram as real Graphviz lays it out (its bounding box)."""
    code, out, err = run(["dot", "-Tjson"], stdin=text.encode(), timeout=120)
    if code != 0:
        raise AssertionError(err)
    return float(json.loads(out)["bb"].split(",")[2])


# 1,600 px at 96 dpi: a page's width, with margins, in a browser or a PDF.
PAGE = 1200


class Layout(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = TempDir()
        d = cls.scratch.__enter__()
        cls.trace = os.path.join(d, "b.trace")
        code, _, err = run([RUN, example("bracha"), "--latency", "uniform:1ms..10ms", "--seed", "7", "--trace", cls.trace])
        assert code == 0, err

    @classmethod
    def tearDownClass(cls):
        cls.scratch.__exit__(None, None, None)

    def test_wide_diagrams_fit_a_page_by_default(self):
        for name, args in (("RB", [example("bracha"), "--component", "RB"]),
                           ("flat Bracha with a trace", [example("bracha"), "--trace", self.trace])):
            with self.subTest(name):
                wide = width_in_points(dot_of(*args, "--layout", "lr"))
                self.assertGreater(wide, PAGE)  # so the default has something to fix
                self.assertIn("rankdir=TB", dot_of(*args))
                self.assertLessEqual(width_in_points(dot_of(*args)), PAGE)

    def test_narrow_diagrams_stay_left_to_right(self):
        for args in ([PAIR], [PAIR, "--flat"], [example("basics")]):
            with self.subTest(args=args):
                self.assertIn("rankdir=LR", dot_of(*args))

    def test_layout_can_be_chosen(self):
        self.assertIn("rankdir=TB", dot_of(PAIR, "--layout", "tb"))
        self.assertIn("rankdir=LR", dot_of(example("bracha"), "--component", "RB", "--layout", "lr"))

    def test_top_to_bottom_keeps_extrinsics_in_their_domain_column(self):
        text = dot_of(PAIR, "--flat", "--layout", "tb")
        column = text[text.index('subgraph "cluster_node[1]"'):]
        column = column[:column.index("\n  }\n")]
        self.assertIn('"out0" [shape=cds', column)
        self.assertNotIn("rank=sink", text)


class BadUse(unittest.TestCase):
    def test_errors_exit_2(self):
        with TempDir() as d:
            trace = os.path.join(d, "t.trace")
            run([RUN, example("basics"), "--trace", trace])
            bare = os.path.join(d, "bare.rdc.yaml")  # no components of its own, no library
            with open(bare, "w") as f:
                f.write("rdc: 1\nsystem:\n  body:\n    - Def d:\n        x: input x as Int -> output x\n"
                        "        y: choose -> output y\n")
            for args, message in (([example("bracha"), "--component", "Nope"], "no component 'Nope' (the model's: "
                                                                               "system, RB, WB"),
                                  ([example("bracha"), "--component", "RBB"], "(did you mean 'RB'?)"),
                                  ([bare, "--component", "Nope"], "(the model's: system) [usage]"),
                                  ([example("bracha"), "-T", "gif"], ""),
                                  ([example("bracha"), "--trace", trace], "not recorded from this model"),
                                  ([example("bracha"), "--domain", "node[9]"], "no domain"),
                                  ([example("bracha"), "--depth", "0"], "1..2147483647"),
                                  ([example("bracha"), "--layout", "diagonal"], "--layout"),
                                  ([example("bracha"), "--bogus"], "")):
                with self.subTest(args=args[1:]):
                    code, _, err = run([DOT, *args])
                    self.assertEqual(code, 2, err)
                    self.assertIn(message, err)


if __name__ == "__main__":
    unittest.main()
