#include "tools/rdc-trace/invert.h"

#include <algorithm>
#include <optional>

#include "ir/components/semantics.h"

namespace rdc::trace {

namespace {

struct Recorded {
  std::optional<Value> value;
  int64_t time = 0;
  How how = How::Computed;
};

class InverseRun final : public InverseContext {
 public:
  InverseRun(const Graph& graph, const Catalog& catalog, const Trace& forward)
      : graph_(graph),
        catalog_(catalog),
        forward_(forward),
        in_(graph.lines.size()),
        out_(graph.lines.size()),
        fwdIn_(graph.lines.size()),
        fwdOut_(graph.lines.size()),
        queued_(graph.instances.size(), false) {
    for (const TraceEvent& e : forward.events) {
      Recorded& r = e.output ? fwdOut_[e.line] : fwdIn_[e.line];
      r = {e.value, e.time, e.how};
    }
  }

  Inversion run() {
    // The inverse's sources: what the forward sinks received (extrinsic
    // outputs and drops), the recorded choices, and the values that rested
    // at an input whose output never became available (a component that
    // never interacted, or whose rule never fired). In a projection, what
    // the network delivered to a gateway is recorded like the choice of the
    // cut Link's rcv that it stands for.
    std::vector<uint32_t> resting;
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      const FlatLine& line = graph_.lines[l];
      bool sinkToken = line.sink.kind == Endpoint::Kind::Output || line.sink.kind == Endpoint::Kind::Drop;
      if (sinkToken && fwdOut_[l].value) setOut(l, *fwdOut_[l].value);
      bool gateway = graph_.gatewayIn(l);
      if ((line.source.kind == Endpoint::Kind::Choose || gateway) && fwdIn_[l].value) {
        in_[l] = fwdIn_[l].value;
        given_.push_back(l);
        enqueue(line.instance);
      } else if (fwdIn_[l].value && !fwdOut_[l].value) {
        resting.push_back(l);
      }
    }
    for (uint32_t l : resting) recover(l, *fwdIn_[l].value);
    while (!work_.empty()) {
      uint32_t i = work_.back();
      work_.pop_back();
      queued_[i] = false;
      invertInstance(i);
    }
    return finish();
  }

  // ---- InverseContext ----
  const FlatInstance& instance(uint32_t i) const override { return graph_.instances[i]; }
  const FnBody& fnBody(const FlatInstance& inst) const override { return graph_.fns[inst.fn]; }
  int64_t domainOf(uint32_t line) const override { return graph_.lines[line].domain; }
  std::span<const int64_t> args(const FlatInstance& inst) const override { return graph_.args(inst); }
  const Value* out(uint32_t l) const override { return out_[l] ? &*out_[l] : nullptr; }
  const Value* in(uint32_t l) const override { return in_[l] ? &*in_[l] : nullptr; }
  bool wasForced(uint32_t l) const override { return fwdIn_[l].how == How::Forced; }
  bool wasChosen(uint32_t l) const override { return fwdIn_[l].value && fwdIn_[l].how == How::Chosen; }
  void recover(uint32_t l, Value v) override {
    if (in_[l]) {
      if (*in_[l] != v)
        mismatch(l,
                 "the inverse recovers " + v.brief() + " from the outputs, but the trace records " + in_[l]->brief());
      else if (isGiven(l))
        ++checkedChoices_;
      return;
    }
    in_[l] = v;
    const Endpoint& src = graph_.lines[l].source;
    switch (src.kind) {
      case Endpoint::Kind::Wire:
        setOut(src.ref, std::move(v));
        break;
      case Endpoint::Kind::Const:
        if (v != graph_.constants[src.ref])
          mismatch(l, "the constant " + graph_.constants[src.ref].brief() + " comes back as " + v.brief());
        break;
      case Endpoint::Kind::Never:
        mismatch(l, "a `never` source comes back with " + v.brief());
        break;
      default:
        break;  // inputs and choices are compared with the trace at the end
    }
  }
  void mismatch(uint32_t l, const std::string& message) override {
    int64_t when = fwdIn_[l].value ? fwdIn_[l].time : fwdOut_[l].time;
    if (!firstMismatch_ || when < firstMismatch_->first) firstMismatch_ = {when, linePath(l) + ": " + message};
  }

 private:
  std::string linePath(uint32_t l) const { return forward_.header.linePaths[l]; }
  bool isGiven(uint32_t l) const { return std::binary_search(given_.begin(), given_.end(), l); }

  void enqueue(uint32_t instance) {
    if (!queued_[instance]) queued_[instance] = true, work_.push_back(instance);
  }

  void setOut(uint32_t l, Value v) {
    if (out_[l]) {
      if (*out_[l] != v) mismatch(l, "two values for one output: " + out_[l]->brief() + " and " + v.brief());
      return;
    }
    out_[l] = std::move(v);
    enqueue(graph_.lines[l].instance);
  }

  // Pass-through lines invert by identity; the catalog's rule does the rest.
  void invertInstance(uint32_t i) {
    const FlatInstance& inst = graph_.instances[i];
    for (uint32_t l = inst.firstLine; l < inst.firstLine + inst.lineCount; ++l) {
      const LineSig* sig = graph_.signature(catalog_, l);
      if ((!sig || sig->passThrough) && out_[l]) recover(l, *out_[l]);
    }
    if (InvertFn f = catalog_.at(inst.base).invert) f(*this, i);
  }

  // Compares everything recovered with everything recorded, and builds the
  // backward trace.
  Inversion finish() {
    Inversion result;
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      for (bool output : {false, true}) {
        const Recorded& r = output ? fwdOut_[l] : fwdIn_[l];
        const std::optional<Value>& mine = output ? out_[l] : in_[l];
        if (!r.value || !mine) continue;
        if (*r.value != *mine) {
          mismatch(l, std::string(output ? "output" : "input") + " recovered as " + mine->brief() +
                          " but recorded as " + r.value->brief());
        } else {
          ++result.checkedEvents;
        }
      }
    }
    for (const Extrinsic& x : graph_.inputs) {
      const Recorded& r = fwdIn_[x.line];
      if (!r.value || x.isGateway()) continue;  // not demanded in the forward run; or given
      if (!in_[x.line])
        mismatch(x.line, "input " + x.name + " cannot be recovered from the outputs");
      else if (*in_[x.line] == *r.value)
        ++result.recoveredInputs;
    }
    result.roundTrips = !firstMismatch_;
    if (firstMismatch_) result.firstMismatch = firstMismatch_->second;
    result.checkedChoices = checkedChoices_;
    result.backward = backwardTrace();
    return result;
  }

  // The inverse run's events: line ends in reverse forward order, at
  // backward time (the forward run's end minus the forward time).
  Trace backwardTrace() const {
    Trace t;
    t.header = forward_.header;
    int64_t end = forward_.endTime;
    for (uint32_t l = 0; l < graph_.lines.size(); ++l) {
      const FlatLine& line = graph_.lines[l];
      if (out_[l] && fwdOut_[l].value) {
        bool source = line.sink.kind == Endpoint::Kind::Output || line.sink.kind == Endpoint::Kind::Drop;
        t.events.push_back({l, true, end - fwdOut_[l].time, source ? How::Input : How::Computed, *out_[l]});
      }
      if (in_[l] && fwdIn_[l].value) {
        How how = line.source.kind == Endpoint::Kind::Choose ? fwdIn_[l].how : How::Computed;
        t.events.push_back({l, false, end - fwdIn_[l].time, how, *in_[l]});
      }
    }
    std::stable_sort(t.events.begin(), t.events.end(), [](const TraceEvent& a, const TraceEvent& b) {
      if (a.time != b.time) return a.time < b.time;
      return a.output > b.output;  // in an instant, an output end before the input end it feeds back to
    });
    t.endTime = end;
    t.complete = true;
    return t;
  }

  const Graph& graph_;
  const Catalog& catalog_;
  const Trace& forward_;
  std::vector<std::optional<Value>> in_, out_;
  std::vector<Recorded> fwdIn_, fwdOut_;
  std::vector<bool> queued_;
  std::vector<uint32_t> work_, given_;
  std::optional<std::pair<int64_t, std::string>> firstMismatch_;
  size_t checkedChoices_ = 0;
};

}  // namespace

Inversion invert(const Graph& graph, const Catalog& catalog, const Trace& forward) {
  return InverseRun(graph, catalog, forward).run();
}

}  // namespace rdc::trace
