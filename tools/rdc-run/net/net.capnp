# What rdc nodes send each other over TCP. On the wire each frame is
#   length (UInt32, little-endian, of the message) | message | MAC (32 bytes)
# where the message is one unpacked Cap'n Proto NetFrame and the MAC is
# libsodium's crypto_auth (HMAC-SHA-512-256): with the pair key over the
# hello being answered (if any) and the message for a Hello, and over
# (direction, sequence number, message) with the connection's session key
# for everything after the hellos (handshake.h has the whole handshake).
# The session key mixes in an X25519 exchange of ephemeral keys, and with
# node keys in the peers file each end signs the handshake with its own.
@0xc1dc3da4bba1ee5d;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("rdc::schema");

const netMagic :UInt64 = 0x5244434E45543031;  # "RDCNET01"
const netVersion :UInt32 = 5;  # 5: signed values carry their signer node's proof

struct NetFrame {
  union {
    hello @0 :Hello;
    batch @1 :List(Delivery);  # may be empty: a frame that only acknowledges
    bye @2 :Void;      # the sender is done and will send nothing more
    proof @3 :Void;    # the dialer's first session frame: it holds the session key
  }
  signature @6 :Data;  # a proof: the dialer node's Ed25519 signature of both hellos (empty: no node keys)
  first @4 :UInt64;    # a batch: the number of its first delivery (a sender numbers its deliveries
                       # to a peer 0, 1, ... over every connection; a resend repeats numbers)
  ack @5 :UInt64;      # every session frame: the sender has every delivery numbered below this
                       # (the receiver forgets them); no more than it had in earlier frames is news
}

struct Hello {
  magic @0 :UInt64;
  version @1 :UInt32;
  domain @2 :Text;     # who is speaking
  modelHash @3 :UInt64;  # the whole model both projections came from
  nonce @4 :Data;      # fresh random bytes: every connection has its own session key
  ephemeral @5 :Data;  # a fresh X25519 public key (32 bytes): the session key needs its secret
  signature @6 :Data;  # the listener's hello: its node's Ed25519 signature of the dialer's hello
                       # and its own fields (64 bytes; empty: no node keys)
}

# One value crossing a cut Link, in binary: a gateway is named by its index,
# the value by its kind and payload (no text on the path from socket to engine).
struct Delivery {
  gateway @0 :UInt32;    # the gateways from the sender to the receiver, in order of name, counted from 0
  iteration @1 :UInt64;  # of the unbounded `for` (its general iteration names the gateway); 0 outside it
  value :union {         # as Value, inline: a scalar delivery is one struct of four words
    unit @2 :Void;
    bool @3 :Bool;
    int @4 :Int64;
    duration @5 :Int64;  # nanoseconds
    bytes @6 :Data;
    nil @7 :Void;
    tuple @8 :List(Value);
    map @9 :List(Value);   # keys and values alternating, keys strictly increasing
    signed @10 :SignedValue;
  }
}

# A value signed by a domain, with its proof: the signer node's Ed25519
# signature of (model hash, signer, payload bytes), which a receiver verifies
# with the signer's public key from the peers file.
struct SignedValue {
  signer @0 :UInt32;   # the domain's index in the model's domains
  payload @1 :Value;
  proof @2 :Data;      # 64 bytes
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
    map @7 :List(Value);   # as in Delivery
    signed @8 :SignedValue;
  }
}
