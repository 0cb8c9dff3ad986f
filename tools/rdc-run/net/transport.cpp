#include "tools/rdc-run/net/transport.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <cstring>

#include <kj/debug.h>
#include <kj/timer.h>

namespace rdc::net {

namespace {

constexpr const char* kHostile = "rdc-hostile: ";
constexpr size_t kBatchDeliveries = 16384;
// A receiver acknowledges after this many deliveries, so that a sender
// keeps at most about this many (plus what is in flight) for a resend.
constexpr uint64_t kAckEvery = 256;
// How much more than a frame's missing bytes one read may take.
constexpr size_t kReadAhead = 256 * 1024;
constexpr size_t kBatchBytes = kMaxMessageBytes / 2;

// Problems caused by the other end travel as exceptions with this prefix,
// so that they can be told from a connection that merely went away.
kj::Exception hostileError(const std::string& why) {
  return kj::Exception(kj::Exception::Type::FAILED, __FILE__, __LINE__, kj::str(kHostile, why.c_str()));
}

std::optional<std::string> hostileReason(const kj::Exception& e) {
  std::string text = e.getDescription().cStr();
  size_t at = text.find(kHostile);
  if (at == std::string::npos) return std::nullopt;
  return text.substr(at + std::string(kHostile).size());
}

}  // namespace

struct Transport::Connection {
  kj::Own<kj::AsyncIoStream> stream;
  std::string remote;                          // the address at the other end
  kj::Own<kj::PromiseFulfiller<void>> closer;  // fulfilled to cancel the read loop
  SessionAuth session;
  uint8_t out = 0;  // our direction: 0 when we dialled
  uint64_t sent = 0, received = 0;
  // What has been read and not yet taken as frames: inbox[inboxStart,
  // inboxEnd) of inboxCapacity bytes (never zero-filled: a read fills it).
  std::unique_ptr<char[]> inbox;
  size_t inboxCapacity = 0, inboxStart = 0, inboxEnd = 0;
  size_t inboxFrame = 0;  // the size of the whole frame at inboxStart, once buffered
};

struct Transport::Peer {
  size_t index = 0;  // in others_
  std::string domain, address;
  bool dial = false;  // we connect to it (it comes after us in the peers file)
  // What we send it, numbered 0, 1, ...: the log holds those from number
  // `acked` on (the peer has the ones before), `written` is the next to
  // write on the current connection (a new one starts again at `acked`).
  // The log is log[logFront..]: acknowledged ones are dropped from the
  // front in bulk, so that a batch is one contiguous span.
  std::vector<Delivery> log;
  size_t logFront = 0;
  uint64_t acked = 0, written = 0;
  // What it sends us: the number of the next delivery we have not had, and
  // the last number we acknowledged.
  uint64_t received = 0, ackSent = 0;
  bool byeWritten = false, saidBye = false, writing = false;
  bool gone = false;  // treated as crashed (TransportEvents::gone): sent nothing more
  // Since when it has acknowledged nothing while it had deliveries to
  // acknowledge (its last acknowledgement, or the send that found it owing none).
  kj::TimePoint ackedAt = kj::origin<kj::TimePoint>();
  bool everConnected = false;
  std::shared_ptr<Connection> conn;
  kj::Maybe<kj::TimePoint> lostAt;  // when its connection was lost, while it has none
  kj::Duration backoff = 20 * kj::MILLISECONDS;
};

Transport::Transport(kj::AsyncIoProvider& io, const Peers& peers, std::string self, uint64_t modelHash,
                     TransportEvents& events)
    : io_(io), peers_(peers), self_(std::move(self)), modelHash_(modelHash), events_(events), tasks_(*this) {
  bool after = false;
  for (const auto& [domain, address] : peers_.nodes) {
    if (domain == self_) {
      after = true;
      continue;
    }
    auto peer = std::make_unique<Peer>();
    peer->index = others_.size();
    peer->domain = domain;
    peer->address = address;
    peer->dial = after;
    if (!after) maxHandshakes_ += 2;
    others_.push_back(std::move(peer));
  }
}

Transport::~Transport() = default;

bool Transport::start(kj::WaitScope& waitScope, std::string* why) {
  auto address = peers_.address(self_);
  if (!address) {
    *why = self_ + " is not in the peers file";
    return false;
  }
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&]() {
                 auto addr = io_.getNetwork().parseAddress(*address).wait(waitScope);
                 listener_ = addr->listen();
               })) {
    std::string_view description = e->getDescription().cStr();
    *why = "cannot listen on " + *address + ": " +
           (description.find("DNS lookup failed") != std::string_view::npos ? "the name does not resolve"
                                                                            : systemReason(description));
    return false;
  }
  tasks_.add(acceptLoop());
  for (auto& peer : others_) {
    if (peer->dial) dial(*peer);
  }
  return true;
}

std::optional<size_t> Transport::peerIndex(const std::string& domain) const {
  for (const auto& peer : others_) {
    if (peer->domain == domain) return peer->index;
  }
  return std::nullopt;
}

const std::string& Transport::peerDomain(size_t peer) const { return others_[peer]->domain; }

void Transport::send(size_t peer, Delivery delivery) {
  Peer& p = *others_[peer];
  if (p.gone) return;
  if (unacknowledged(p) >= kMaxUnacknowledged) {
    // A peer that acknowledges nothing for this long is down (killed) or
    // will not read: keeping on would take this node's memory with it.
    return forget(p, std::to_string(unacknowledged(p)) + " deliveries unacknowledged");
  }
  if (unacknowledged(p) == 0) p.ackedAt = io_.getTimer().now();
  p.log.push_back(std::move(delivery));
}

void Transport::forget(Peer& peer, const std::string& why) {
  events_.gone(peer.domain, why + "; treated as crashed from now on");
  peer.gone = true;
  peer.log = {};
  peer.logFront = 0;
  peer.acked = peer.written = 0;
}

void Transport::flush() {
  kj::TimePoint now = io_.getTimer().now();
  for (auto& peer : others_) {
    // Connected but not reading (stopped, or hostile): it would hold the
    // stream for ever.
    if (!peer->gone && peer->conn && unacknowledged(*peer) >= kSendWindow && now - peer->ackedAt >= kStalledFor) {
      forget(*peer, "its send window full (" + std::to_string(unacknowledged(*peer)) +
                        " deliveries unacknowledged) and nothing acknowledged for " +
                        std::to_string(kStalledFor / kj::SECONDS) + " s");
    }
    pump(*peer);
  }
}

bool Transport::windowFull() const {
  for (const auto& peer : others_) {
    if (!peer->gone && peer->conn && unacknowledged(*peer) >= kSendWindow) return true;
  }
  return false;
}

size_t Transport::unacknowledged(const Peer& peer) { return peer.log.size() - peer.logFront; }

// The peer has every delivery numbered below `ack`: they are forgotten (an
// older acknowledgement is no news).
void Transport::acknowledged(Peer& peer, uint64_t ack) {
  if (peer.gone || ack <= peer.acked) return;
  if (ack > peer.acked + unacknowledged(peer)) throw hostileError("an acknowledgement of what was not sent");
  peer.logFront += ack - peer.acked;
  peer.acked = ack;
  peer.ackedAt = io_.getTimer().now();
  if (peer.logFront >= 4096 && peer.logFront * 2 >= peer.log.size()) {
    peer.log.erase(peer.log.begin(), peer.log.begin() + static_cast<ptrdiff_t>(peer.logFront));
    peer.logFront = 0;
  }
}

void Transport::finish() {
  finishing_ = true;
  for (auto& peer : others_) pump(*peer);
}

bool Transport::done() const {
  kj::TimePoint now = io_.getTimer().now();
  for (const auto& peer : others_) {
    if (peer->gone) continue;
    KJ_IF_MAYBE (lost, peer->lostAt) {
      if (now - *lost >= kLostFor) continue;
    }
    if (!peer->saidBye || !peer->byeWritten || peer->written < peer->acked + unacknowledged(*peer)) return false;
  }
  return true;
}

std::vector<std::string> Transport::neverConnected() const {
  std::vector<std::string> never;
  for (const auto& peer : others_) {
    if (!peer->everConnected) never.push_back(peer->domain);
  }
  return never;
}

bool Transport::connectedToAll() const {
  for (const auto& peer : others_) {
    if (!peer->conn) return false;
  }
  return true;
}

void Transport::taskFailed(kj::Exception&& exception) {
  events_.hostile(self_, std::string("transport: ") + exception.getDescription().cStr());
}

Transport::Peer* Transport::peerNamed(const std::string& domain) {
  auto index = peerIndex(domain);
  return index ? others_[*index].get() : nullptr;
}

HandshakeSetup Transport::handshakeSetup() const {
  HandshakeSetup setup{peers_.key, self_, modelHash_, gatewayDigest_, keys_, {}};
  if (!peers_.publicKeys.empty()) {
    setup.publicKey = [this](const std::string& domain) -> std::optional<PublicKey> {
      auto key = peers_.publicKeys.find(domain);
      if (key == peers_.publicKeys.end()) return std::nullopt;
      return key->second;
    };
  }
  return setup;
}

// Accepts for ever; a failed accept (out of file descriptors under a flood
// of connections, say) is reported and retried, so the node stays reachable.
kj::Promise<void> Transport::acceptLoop() {
  return listener_->acceptAuthenticated()
      .then([this](kj::AuthenticatedStream accepted) {
        std::string from = accepted.peerIdentity->toString().cStr();
        if (handshakes_.size() >= maxHandshakes_) evictOldestHandshake();
        tasks_.add(handshakeIn(kj::mv(accepted.stream), std::move(from)));
      })
      .catch_([this](kj::Exception&& e) -> kj::Promise<void> {
        ++stats_.strangers;
        events_.stranger(self_, std::string("accepting a connection: ") + e.getDescription().cStr());
        return io_.getTimer().afterDelay(100 * kj::MILLISECONDS);
      })
      .then([this]() { return acceptLoop(); });
}

// At the bound, the oldest handshake goes: a real peer's handshake takes a
// round trip, so strangers that stall crowd out only each other.
void Transport::evictOldestHandshake() {
  auto oldest = handshakes_.begin();
  oldest->second->fulfill();
  handshakes_.erase(oldest);
}

// A handshake ends within kHandshakeTimeout, or when it is evicted.
kj::Promise<void> Transport::withinLimits(kj::Promise<void> steps, kj::Promise<void> evicted) {
  auto late = io_.getTimer().afterDelay(kHandshakeTimeout).then([]() {
    throw hostileError("did not finish its handshake within " + std::to_string(kHandshakeTimeout / kj::SECONDS) + " s");
  });
  auto dropped = evicted.then([this]() {
    throw hostileError("dropped unfinished: " + std::to_string(maxHandshakes_) +
                       " handshakes were under way, the most this node allows");
  });
  return steps.exclusiveJoin(kj::mv(late)).exclusiveJoin(kj::mv(dropped));
}

// Reports a handshake that did not complete: a failure of a peer that
// proved its key is a real peer's; anything else is a stranger's, reported
// as the connection (never as the node it claims to be). A connection that
// closes before saying anything (a peer killed while connecting, a port
// probe) is not reported.
void Transport::handshakeFailed(const std::string& who, const Handshake& handshake, const kj::Exception& e) {
  std::optional<std::string> why = hostileReason(e);
  if (!why && handshake.claimed().empty()) return;
  if (!why) why = "went away during its handshake";
  if (handshake.peerAuthenticated()) {
    events_.hostile(who, *why);
  } else {
    ++stats_.strangers;
    events_.stranger(who, *why);
  }
}

// Dials until connected; after a failure (the peer is not up yet, or what
// answers is not the peer), again with a growing delay up to a second.
void Transport::dial(Peer& peer) {
  kj::Promise<bool> attempt =
      io_.getNetwork()
          .parseAddress(peer.address)
          .then([](kj::Own<kj::NetworkAddress> addr) { return addr->connect().attach(kj::mv(addr)); })
          .then([this, &peer](kj::Own<kj::AsyncIoStream> stream) { return handshakeOut(peer, kj::mv(stream)); });
  tasks_.add(attempt.catch_([](kj::Exception&&) { return false; }).then([this, &peer](bool ok) -> kj::Promise<void> {
    if (ok) {
      peer.backoff = 20 * kj::MILLISECONDS;
      return kj::READY_NOW;
    }
    kj::Duration wait = peer.backoff;
    peer.backoff = std::min(peer.backoff * 2, 1 * kj::SECONDS);
    return io_.getTimer().afterDelay(wait).then([this, &peer]() {
      if (!peer.conn) dial(peer);
    });
  }));
}

// Our hello, the peer's answer to it, our proof; true once connected.
kj::Promise<bool> Transport::handshakeOut(Peer& peer, kj::Own<kj::AsyncIoStream> stream) {
  auto conn = std::make_shared<Connection>();
  conn->stream = kj::mv(stream);
  conn->remote = peer.address;
  conn->out = 0;
  auto handshake = std::make_shared<Handshake>(Handshake::dialing(handshakeSetup(), peer.domain, freshNonce()));
  kj::Promise<void> steps = write(conn, handshake->opening())
                                .then([this, conn]() { return readRaw(conn, kMaxHandshakeMessageBytes); })
                                .then([this, conn, handshake](RawFrame answer) {
                                  std::string proof = handshake->receive(answer);
                                  if (handshake->failed()) throw hostileError(handshake->why());
                                  return write(conn, std::move(proof));
                                })
                                .then([this, &peer, conn, handshake]() {
                                  conn->session = SessionAuth(handshake->session());
                                  conn->sent = Handshake::kProofFrames;
                                  connected(peer, conn);
                                });
  return withinLimits(kj::mv(steps), kj::NEVER_DONE)
      .then([]() { return true; },
            [this, &peer, handshake](kj::Exception&& e) {
              handshakeFailed("the node at " + peer.address + " (dialled as " + peer.domain + ")", *handshake, e);
              return false;
            });
}

// The dialer's hello, our answer, its proof: only then is it a peer.
kj::Promise<void> Transport::handshakeIn(kj::Own<kj::AsyncIoStream> stream, std::string from) {
  auto conn = std::make_shared<Connection>();
  conn->stream = kj::mv(stream);
  conn->remote = from;
  conn->out = 1;
  auto dialsUs = [this](const std::string& domain) {
    Peer* peer = peerNamed(domain);
    return peer && !peer->dial;
  };
  auto handshake = std::make_shared<Handshake>(Handshake::accepting(handshakeSetup(), dialsUs, freshNonce()));
  uint64_t id = nextHandshake_++;
  auto evicted = kj::newPromiseAndFulfiller<void>();
  handshakes_.emplace(id, kj::mv(evicted.fulfiller));
  kj::Promise<void> steps = readRaw(conn, kMaxHandshakeMessageBytes)
                                .then([this, conn, handshake](RawFrame hello) {
                                  std::string answer = handshake->receive(hello);
                                  if (handshake->failed()) throw hostileError(handshake->why());
                                  return write(conn, std::move(answer));
                                })
                                .then([this, conn]() { return readRaw(conn, kMaxHandshakeMessageBytes); })
                                .then([this, conn, handshake](RawFrame proof) {
                                  handshake->receive(proof);
                                  if (handshake->failed()) throw hostileError(handshake->why());
                                  conn->session = SessionAuth(handshake->session());
                                  conn->received = Handshake::kProofFrames;
                                  connected(*peerNamed(handshake->claimed()), conn);
                                });
  return withinLimits(kj::mv(steps), kj::mv(evicted.promise))
      .catch_([this, from, handshake](kj::Exception&& e) {
        std::string claim = handshake->claimed().empty() ? "" : " claiming to be " + handshake->claimed();
        handshakeFailed(from + claim, *handshake, e);
      })
      .then([this, id]() { handshakes_.erase(id); });
}

// A fresh connection replaces the old one, and everything queued for the
// peer is sent again from the start.
void Transport::connected(Peer& peer, std::shared_ptr<Connection> conn) {
  if (peer.conn) close(peer);
  ++stats_.connections;
  // A frame goes out as soon as it is written: Nagle's algorithm would hold
  // a small frame back until the last one is acknowledged (with delayed
  // acknowledgements, about 40 ms a round of the protocol).
  int on = 1;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions(
                      [&]() { conn->stream->setsockopt(IPPROTO_TCP, TCP_NODELAY, &on, sizeof on); })) {
    (void)e;  // a stream that is no socket (a test's pipe) has no delay to turn off
  }
  peer.conn = conn;
  peer.lostAt = nullptr;
  peer.ackedAt = io_.getTimer().now();  // (it has had no chance to acknowledge on this connection)
  peer.everConnected = true;
  peer.written = peer.acked;
  peer.ackSent = 0;  // (acknowledge again on the new connection)
  peer.byeWritten = false;
  peer.writing = false;
  auto closed = kj::newPromiseAndFulfiller<void>();
  conn->closer = kj::mv(closed.fulfiller);
  tasks_.add(readLoop(peer, conn)
                 .catch_([this, &peer, conn](kj::Exception&& e) {
                   if (auto why = hostileReason(e)) events_.hostile(peer.domain + " at " + conn->remote, *why);
                   lost(peer, conn);
                 })
                 .exclusiveJoin(kj::mv(closed.promise)));
  pump(peer);
  events_.wake();
}

// Drops a connection (if it is still the peer's) and, when we are the one
// who dials and the peer has not said bye, dials again.
void Transport::lost(Peer& peer, const std::shared_ptr<Connection>& conn) {
  if (peer.conn != conn) return;
  close(peer);
  if (peer.dial && !peer.saidBye) dial(peer);
  events_.wake();
}

// Ends the peer's current connection: its read loop is cancelled, and a
// write in flight finds that it is no longer the peer's connection.
void Transport::close(Peer& peer) {
  std::shared_ptr<Connection> conn = std::move(peer.conn);
  peer.conn = nullptr;
  peer.writing = false;
  if (conn) peer.lostAt = io_.getTimer().now();
  if (conn && conn->closer && conn->closer->isWaiting()) conn->closer->fulfill();
}

kj::Promise<void> Transport::readLoop(Peer& peer, std::shared_ptr<Connection> conn) {
  return readRaw(conn, kMaxMessageBytes).then([this, &peer, conn](RawFrame raw) -> kj::Promise<void> {
    if (!sessionAuthentic(raw.message, raw.mac.data(), conn->session, 1 - conn->out, conn->received)) {
      throw hostileError("a frame that fails authentication (altered, replayed or forged)");
    }
    ++conn->received;
    std::string why;
    auto frame = decodeMessage(raw.message, &why);
    if (!frame) throw hostileError(why);
    switch (frame->kind) {
      case Frame::Kind::Hello:
        throw hostileError("a second hello");
      case Frame::Kind::Proof:
        throw hostileError("a second proof");
      case Frame::Kind::Batch: {
        // A resend after a reconnection repeats what we have; a gap would
        // lose deliveries.
        if (frame->first > peer.received) throw hostileError("a batch that skips deliveries");
        acknowledged(peer, frame->ack);
        uint64_t seen = peer.received - frame->first;
        if (seen < frame->batch.size()) {
          events_.received(peer.index, std::span<Delivery>(frame->batch).subspan(seen));
          peer.received = frame->first + frame->batch.size();
        }
        // (An acknowledgement that is due goes with the node's next flush,
        // in the frame of what it answers, rather than in a frame of its own
        // now.)
        break;
      }
      case Frame::Kind::Bye:
        acknowledged(peer, frame->ack);
        peer.saidBye = true;
        break;
    }
    events_.wake();
    return readLoop(peer, conn);
  });
}

// Writes the next frame when nothing is in flight (one frame per peer at a
// time bounds what is buffered for a slow peer): the next batch of what is
// queued (all of it, up to the batch limits), else the bye, else an
// acknowledgement that is due. Every frame acknowledges what has arrived.
void Transport::pump(Peer& peer) {
  std::shared_ptr<Connection> conn = peer.conn;
  if (!conn || peer.writing) return;
  peer.written = std::max(peer.written, peer.acked);  // (the peer had these on an earlier connection)
  uint64_t end = peer.acked + unacknowledged(peer);
  uint64_t ack = peer.received;
  size_t count = 0;
  bool bye = false;
  std::string message;
  if (peer.written < end) {
    size_t from = peer.logFront + static_cast<size_t>(peer.written - peer.acked), bytes = 0;
    while (peer.written + count < end && count < kBatchDeliveries && bytes < kBatchBytes)
      bytes += wireBytes(peer.log[from + count++]);
    message = encodeBatch(peer.written, ack, std::span<const Delivery>(peer.log).subspan(from, count));
  } else if (finishing_ && !peer.byeWritten) {
    Frame frame;
    frame.kind = Frame::Kind::Bye;
    frame.ack = ack;
    message = encodeMessage(frame);
    bye = true;
  } else if (peer.received - peer.ackSent >= kAckEvery) {
    message = encodeBatch(peer.written, ack, {});
  } else {
    return;
  }
  std::string bytes = sessionFrame(message, conn->session, conn->out, conn->sent++);
  ++stats_.frames;
  stats_.deliveries += count;
  stats_.bytes += bytes.size();
  peer.writing = true;
  tasks_.add(write(conn, std::move(bytes))
                 .then(
                     [this, &peer, conn, count, bye, ack]() {
                       if (peer.conn != conn) return;
                       peer.writing = false;
                       peer.written += count;
                       peer.ackSent = std::max(peer.ackSent, ack);
                       if (bye) peer.byeWritten = true;
                       pump(peer);
                       events_.wake();
                     },
                     [this, &peer, conn](kj::Exception&&) { lost(peer, conn); }));
}

// Reads one frame whose message is at most `maxMessage` bytes.
kj::Promise<RawFrame> Transport::readRaw(std::shared_ptr<Connection> conn, size_t maxMessage) {
  return buffer(conn, maxMessage).then([conn]() {
    RawFrame raw;
    size_t length = conn->inboxFrame - kLengthBytes - kMacBytes;
    const char* message = conn->inbox.get() + conn->inboxStart + kLengthBytes;
    raw.message.assign(message, length);
    std::memcpy(raw.mac.data(), message + length, kMacBytes);
    conn->inboxStart += conn->inboxFrame;
    return raw;
  });
}

// Resolves once the inbox holds a whole frame (its size in inboxFrame),
// reading what is missing, and as much more as the socket has (up to
// kReadAhead), so that a burst of frames costs one read, not two a frame.
kj::Promise<void> Transport::buffer(std::shared_ptr<Connection> conn, size_t maxMessage) {
  size_t have = conn->inboxEnd - conn->inboxStart, need = kLengthBytes;
  if (have >= kLengthBytes) {
    auto length = messageLength(reinterpret_cast<const uint8_t*>(conn->inbox.get() + conn->inboxStart), maxMessage);
    if (!length) {
      throw hostileError("a frame that is empty, not a whole number of words, or longer than " +
                         (maxMessage < kMaxMessageBytes ? std::to_string(maxMessage) + " bytes (a handshake's limit)"
                                                        : std::string("1 MiB")));
    }
    need = kLengthBytes + *length + kMacBytes;
    if (have >= need) {
      conn->inboxFrame = need;
      return kj::READY_NOW;
    }
  }
  // The unread bytes to the front, in a buffer with room for the frame and
  // the read-ahead (it grows only for a frame longer than any before).
  size_t room = need + kReadAhead;
  if (conn->inboxCapacity < room) {
    auto bigger = std::make_unique_for_overwrite<char[]>(room);
    if (have) std::memcpy(bigger.get(), conn->inbox.get() + conn->inboxStart, have);
    conn->inbox = std::move(bigger);
    conn->inboxCapacity = room;
  } else if (conn->inboxStart) {
    std::memmove(conn->inbox.get(), conn->inbox.get() + conn->inboxStart, have);
  }
  conn->inboxStart = 0, conn->inboxEnd = have;
  size_t missing = need - have;
  auto& stream = *conn->stream;
  char* into = conn->inbox.get() + have;
  size_t most = conn->inboxCapacity - have;
  return kj::evalNow([&stream, into, missing, most]() { return stream.tryRead(into, missing, most); })
      .then([this, conn, missing, maxMessage](size_t got) {
        conn->inboxEnd += got;
        if (got < missing) throw KJ_EXCEPTION(DISCONNECTED, "the peer closed the connection");
        return buffer(conn, maxMessage);
      });
}

kj::Promise<void> Transport::write(std::shared_ptr<Connection> conn, std::string bytes) {
  auto buffer = kj::heap<std::string>(std::move(bytes));  // (its characters stay put while it is written)
  const char* ptr = buffer->data();
  size_t size = buffer->size();
  // evalNow: a write to a peer that has gone (EPIPE) can fail at once; it
  // must reach the caller's error handler as a broken promise.
  auto& stream = *conn->stream;
  return kj::evalNow([&stream, ptr, size]() { return stream.write(ptr, size); }).attach(kj::mv(buffer), kj::mv(conn));
}

}  // namespace rdc::net
