# The rdc intermediate representation: the hierarchical model (as written,
# with source positions) and the elaborated flat graph. Written by rdc-lint,
# read by every other tool. Inspect a file with:
#   capnp convert binary:json ir/io/rdc_ir.capnp IrFile < model.rdc.ir
@0xc01089a6a5ec7280;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("rdc::schema");

const irMagic :UInt64 = 0x5244434952303031;  # "RDCIR001"
const irVersion :UInt32 = 3;  # 2: instance paths, arguments and positions as shared tables; 3: arrival times, unbounded boxes

struct IrFile {
  magic @0 :UInt64;        # always irMagic
  version @1 :UInt32;      # irVersion; readers reject other versions
  toolVersion @2 :Text;
  files @3 :List(Text);    # Pos.file indexes this table
  model @4 :Model;
  graph @5 :Graph;
  projection @6 :List(Text);  # the domains this graph was projected onto (empty: the whole model)
  wholeHash @7 :UInt64;       # a projection's: its whole model's graph hash, which the nodes' merged traces carry
}

struct Pos {
  file @0 :UInt32;
  line @1 :UInt32;         # 1-based; 0 = no position
  col @2 :UInt32;
}

struct SourceText {        # an expression or textual form, parsed on reading
  text @0 :Text;
  pos @1 :Pos;
}

# ---- the hierarchical model ----

struct Model {
  name @0 :Text;
  doc @1 :Text;
  params @2 :List(Param);
  domains @3 :List(DomainDecl);
  uses @4 :List(Text);
  components @5 :List(Component);
  system @6 :Component;
  checks @7 :List(Check);
  pos @8 :Pos;
}

struct Param {
  name @0 :Text;
  hasValue @1 :Bool;
  value @2 :SourceText;
  pos @3 :Pos;
}

struct DomainDecl {
  name @0 :Text;
  family @1 :Bool;         # node[0..size-1]; false: a single domain
  size @2 :SourceText;
  pos @3 :Pos;
}

struct Component {
  name @0 :Text;
  doc @1 :Text;
  params @2 :List(Param);
  lines @3 :List(LineDecl);
  body @4 :List(Item);
  pos @5 :Pos;
  fromStd @6 :Bool;
  typeParams @7 :List(Text);
}

struct LineDecl {
  name @0 :Text;
  type @1 :SourceText;     # value type, e.g. Opt<Int>
  dims @2 :List(SourceText);
  pos @3 :Pos;
}

struct Item {
  pos @0 :Pos;
  union {
    instance :group {
      key @1 :Text;        # Component<args> name[idx] @ domain
      bindings @2 :List(BindingText);
      hasExpr @3 :Bool;
      expr @4 :SourceText; # Fn's or Filter's expression
      hasWhen @8 :Bool;
      when @9 :SourceText; # Filter's condition
    }
    wire @5 :SourceText;   # FROM -> TO
    forBox :group {
      header @6 :Text;     # i in 0..n, ...
      body @7 :List(Item);
    }
  }
}

struct BindingText {
  key @0 :Text;            # line or line[idx]
  keyPos @1 :Pos;
  value @2 :SourceText;    # IN -> OUT
}

struct Check {
  name @0 :Text;
  expr @1 :SourceText;
}

# ---- the elaborated graph ----
# A few integers per instance and per line: paths, value parameters, Fn
# bodies and positions are tables that instances and lines index.

struct Graph {
  instances @0 :List(Instance);
  lines @1 :List(Line);
  inputs @2 :List(Extrinsic);
  outputs @3 :List(Extrinsic);
  constants @4 :List(Text);   # literal spelling of each constant value
  domains @5 :List(Text);     # node[0], ...
  types @6 :List(Text);       # canonical type names; Line.type indexes this table
  params @7 :List(NamedInt);  # evaluated global parameters
  bases @8 :List(Text);       # catalog component names; Instance.base indexes this table
  tree @9 :List(PathNode);    # the instance tree, parents first
  segments @10 :List(Text);   # path segments (echo[2]); PathNode.segment indexes this table
  argSets @11 :List(List(Int64));  # distinct value-parameter lists; Instance.args indexes this table
  positions @12 :List(Pos);   # distinct source positions; Instance.pos and Line.pos index this table
  fns @13 :List(FnBody);      # Instance.fn indexes this table
  unbounded @14 :UnboundedBox;  # the model's unbounded `for` box, if any (ir/graph/unbounded.h)
}

struct UnboundedBox {
  var @0 :Text;
  pos @1 :UInt32;                      # in Graph.positions
  window @2 :List(IterationBlock);     # iterations 0, 1 (the general one) and 2
  streams @3 :List(StreamInput);
  openPorts @4 :List(UInt32);          # iteration 2's lines whose output goes to iteration 3
  end @5 :UInt64 = 0xffffffffffffffff; # the iterations there are (K of `k in 0..K on demand`); all ones: unbounded
}

struct IterationBlock {                # ranges [first, first + count) of the graph's tables
  line @0 :UInt32;
  lines @1 :UInt32;
  instance @2 :UInt32;
  instances @3 :UInt32;
  node @4 :UInt32;
  nodes @5 :UInt32;
  input @6 :UInt32;
  inputs @7 :UInt32;
  output @8 :UInt32;
  outputs @9 :UInt32;
}

struct StreamInput {
  input @0 :UInt32;                    # in iteration 1's inputs
  value @1 :Text;                      # expression of the box's variable; "" for none
  arrival @2 :Text;                    # expression (a Duration); "" for the iteration's start
  env @3 :List(NamedInt);              # parameters and loop variables in scope
}

struct NamedInt {
  name @0 :Text;
  value @1 :Int64;
}

struct PathNode {
  parent @0 :UInt32;       # 0xffffffff: a top-level instance
  segment @1 :UInt32;
}

struct FnBody {
  args @0 :List(Text);     # argument line names, before r
  expr @1 :Text;
  consts @2 :List(NamedInt);
  when @3 :Text;           # Filter's condition; empty for Fn
  exprPos @4 :Pos;         # where expr is written (line 0: not known)
  whenPos @5 :Pos;         # where when is written
}

struct Instance {
  node @0 :UInt32;         # its node in Graph.tree: the path rb.echo[2].link[3]
  base @1 :UInt16;
  args @2 :UInt32;
  firstLine @3 :UInt32;
  lineCount @4 :UInt32;
  pos @5 :UInt32;
  fn @6 :UInt32;           # Fn only (else 0xffffffff)
}

enum EndpointKind {
  wire @0;
  choose @1;
  never @2;
  const @3;
  input @4;
  output @5;
  drop @6;
}

# Flat fields (not nested structs) keep a million lines compact.
struct Line {
  instance @0 :UInt32;
  sig @1 :UInt16;          # signature line index (Fn: arguments, then r)
  element @2 :UInt32;      # element of a bundle line
  type @3 :UInt32;
  domain @4 :UInt32;
  sourceKind @5 :EndpointKind;
  sourceRef @6 :UInt32;    # wire: peer line; const: constant; input: input index
  sinkKind @7 :EndpointKind;
  sinkRef @8 :UInt32;
  pos @9 :UInt32;
}

struct Extrinsic {
  name @0 :Text;
  line @1 :UInt32;
  pos @2 :Pos;
  hasDefault @3 :Bool;
  default @4 :Text;          # inputs: the model's default value (a literal)
  gateway @5 :Text;          # projections: the path of the cut Link ("" otherwise)
  peer @6 :Text;             # projections: the domain at the gateway's other end
  arrival @7 :Int64;         # inputs: when it arrives (virtual nanoseconds)
}
