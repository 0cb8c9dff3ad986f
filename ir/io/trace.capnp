# rdc traces: a stream of framed Cap'n Proto messages, each a TraceChunk.
# The first is the header; then chunks of events; the last a footer. A run
# killed midway leaves a readable prefix (no footer). Inspect one with:
#   capnp decode --packed=false ir/io/trace.capnp TraceChunk < run.trace   (first chunk)
@0xe8a3c1d2f4b60791;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("rdc::schema");

const traceMagic :UInt64 = 0x5244435452303031;  # "RDCTR001"
const traceVersion :UInt32 = 1;

struct TraceChunk {
  union {
    header @0 :TraceHeader;
    events @1 :List(TraceEvent);
    footer @2 :TraceFooter;
    lines @3 :LineTable;       # more lines, before the events that name them
  }
}

# Lines a run adds as it goes: an iteration of an unbounded `for` box
# (its lines continue the header's table, in order).
struct LineTable {
  first @0 :UInt64;            # the number of the first: the lines before it
  paths @1 :List(Text);
  domains @2 :List(UInt32);    # per line: index into the header's domains
}

struct TraceHeader {
  magic @0 :UInt64;
  version @1 :UInt32;
  toolVersion @2 :Text;
  modelName @3 :Text;
  modelHash @4 :UInt64;        # FNV-1a of the model's IR
  params @5 :List(NamedText);  # evaluated global parameters
  seed @6 :UInt64;
  latency @7 :Text;            # the default network model
  crashes @8 :List(NamedText); # domain -> time (a duration literal)
  byzantine @9 :List(Text);
  inputs @10 :List(NamedText); # extrinsic input -> value literal
  forces @11 :List(NamedText); # line path -> value literal
  until @12 :Int64;
  linePaths @13 :List(Text);   # TraceEvent.line indexes this table
  linkLatency @14 :List(NamedText);  # per-link overrides: path glob -> model
  domains @15 :List(Text);     # node[0], ...
  lineDomains @16 :List(UInt32);  # per line (parallel to linePaths): index into domains
  iterations @17 :UInt64 = 0xffffffffffffffff;  # iterations of the unbounded box that could begin (all)
  maxLive @18 :UInt32 = 4096;  # live iterations of the unbounded box at most
  strategy @19 :Text;          # the --strategy that ordered simultaneous events and drew delays ("": random)
  lies @20 :Text;              # "forced": Byzantine domains lie only where forced ("": a seeded lie on every choice)
  wholeModelHash @21 :UInt64;  # a projection's run: modelHash of the whole model it was projected from (0: none)
  checks @22 :List(Text);      # the --check names the run was judged by (none: every check)
  epoch @23 :Int64;            # a node's time 0 as CLOCK_REALTIME ns, fixed as it began (0: none, as in a simulation)
}

struct NamedText {
  name @0 :Text;
  value @1 :Text;
}

enum How {
  computed @0;
  chosen @1;
  forced @2;
  input @3;
}

struct TraceEvent {
  line @0 :UInt32;
  output @1 :Bool;   # the output end (else the input end)
  time @2 :Int64;    # virtual nanoseconds
  how @3 :How;
  value @4 :Value;
}

struct Value {
  union {
    unit @0 :Void;
    bool @1 :Bool;
    int @2 :Int64;
    duration @3 :Int64;
    bytes @4 :Data;
    nil @5 :Void;
    tuple @6 :List(Value);
    map @7 :List(Value);   # keys and values alternating, keys strictly increasing
    signed @8 :SignedValue;
  }
}

# A value signed by a domain (its index in the model's domains).
struct SignedValue {
  signer @0 :UInt32;
  payload @1 :Value;
}

struct TraceFooter {
  events @0 :UInt64;
  endTime @1 :Int64;
  stoppedBy @2 :Text;  # the --invariant check whose violation stopped the run ("": none)
  # A merge of nodes' traces: per header domain, when the run of the node
  # with its lines ended (its trace's end time); none for other traces.
  domainEnds @3 :List(Int64);
}
