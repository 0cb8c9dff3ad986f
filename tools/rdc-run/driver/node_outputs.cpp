#include "tools/rdc-run/driver/node_outputs.h"

#include <time.h>

#include <charconv>
#include <utility>

#include "ir/lang/expr.h"

namespace rdc::run {

void NodeOutputsWriter::retired(const RetiredIteration& it) {
  const IterationBlock& block = graph_.unbounded->window[it.k == 0 ? 0 : 1];
  std::fprintf(file_, "iteration %lld %s\n", static_cast<long long>(it.k), it.complete ? "complete" : "cut");
  for (size_t o = 0; o < it.outputs.size(); ++o) {
    const Extrinsic& x = graph_.outputs[block.output + o];
    if (!x.isGateway() && it.outputs[o].available) output(iterationName(x.name, it.k), it.outputs[o]);
  }
  for (size_t i = 0; i < it.inputs.size(); ++i) {
    const Extrinsic& x = graph_.inputs[block.input + i];
    if (x.isGateway()) continue;
    std::fprintf(file_, "input %s %s\n", iterationName(x.name, it.k).c_str(), it.inputs[i].str().c_str());
  }
  if (next_) next_->retired(it);
}

void NodeOutputsWriter::finish(const RunResult& result) {
  std::fprintf(file_, "end %llu %llu\n", static_cast<unsigned long long>(result.iterations),
               static_cast<unsigned long long>(result.peakLiveIterations));
  for (uint32_t o = 0; o < result.outputs.size(); ++o) {
    const Extrinsic& x = graph_.outputs[o];
    if (x.isGateway() || (graph_.unbounded && graph_.unbounded->hasOutput(o))) continue;
    if (result.outputs[o].available) output(x.name, result.outputs[o]);
  }
  std::fflush(file_);
}

void NodeOutputsWriter::output(const std::string& name, const OutputValue& v) {
  std::fprintf(file_, "output %s %lld %s\n", name.c_str(), static_cast<long long>(v.time), v.value.str().c_str());
}

namespace {

// `word rest`: the first word and what follows its space.
std::pair<std::string_view, std::string_view> word(std::string_view s) {
  size_t space = s.find(' ');
  if (space == std::string_view::npos) return {s, {}};
  return {s.substr(0, space), s.substr(space + 1)};
}

std::optional<int64_t> integer(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// `NAME TIME VALUE` of an output record.
std::optional<std::pair<std::string, OutputValue>> outputRecord(std::string_view s) {
  auto [name, rest] = word(s);
  auto [time, value] = word(rest);
  auto t = integer(time);
  ExprError error;
  auto v = parseValue(value, &error);
  if (name.empty() || !t || !v) return std::nullopt;
  return std::make_pair(std::string(name), OutputValue{true, std::move(*v), *t});
}

}  // namespace

bool NodeOutputsReader::readLine(std::string& line) {
  if (pending_) {
    line = std::move(*pending_);
    pending_.reset();
    return true;
  }
  for (;;) {
    // (Asked before reading: what a node wrote before it ended is read.)
    bool writing = writing_ && writing_();
    if (!in_.is_open()) in_.open(path_);
    std::string part;
    if (std::getline(in_, part) && !in_.eof()) {
      line = partial_.empty() ? std::move(part) : std::exchange(partial_, {}) + part;
      return true;
    }
    // A line that does not end in a newline is being written, or was cut
    // short by a kill.
    if (!writing) return false;
    partial_ += part;
    in_.clear();
    timespec pause{0, 1'000'000};
    ::nanosleep(&pause, nullptr);
  }
}

// Reads the next iteration into next_ (or none: the iterations are over).
void NodeOutputsReader::advance() {
  next_.reset();
  std::string line;
  if (over_ || !readLine(line)) return;
  auto [kind, rest] = word(line);
  if (kind == "end") {
    over_ = ended_ = true;
    auto [iterations, peak] = word(rest);
    auto i = integer(iterations), p = integer(peak);
    if (!i || !p || *i < 0 || *p < 0) problem_ = "an unreadable end: '" + line.substr(0, 80) + "'";
    iterations_ = static_cast<uint64_t>(std::max<int64_t>(i.value_or(0), 0));
    peakLive_ = static_cast<uint64_t>(std::max<int64_t>(p.value_or(0), 0));
    return;
  }
  auto [k, how] = word(rest);
  auto index = integer(k);
  if (kind != "iteration" || !index || *index <= lastK_ || (how != "complete" && how != "cut")) {
    problem_ = "an unreadable record after iteration " + std::to_string(lastK_) + ": '" + line.substr(0, 80) + "'";
    over_ = true;
    return;
  }
  lastK_ = *index;
  NodeIteration it;
  it.k = *index;
  it.complete = how == "complete";
  while (readLine(line)) {
    auto [what, record] = word(line);
    bool read = false;
    if (what == "output") {
      auto o = outputRecord(record);
      if ((read = o.has_value())) it.outputs.push_back(std::move(*o));
    } else if (what == "input") {
      auto [name, value] = word(record);
      ExprError error;
      auto v = parseValue(value, &error);
      if ((read = v.has_value())) it.inputs.emplace_back(std::string(name), std::move(*v));
    } else {
      pending_ = std::move(line);
      next_ = std::move(it);
      return;
    }
    if (!read) {
      problem_ = "an unreadable value in iteration " + std::to_string(it.k) + ": '" + line.substr(0, 80) + "'";
      break;
    }
  }
  it.complete = false;  // the file ends (or breaks) inside the iteration: cut off
  next_ = std::move(it);
  over_ = true;
}

NodeIteration NodeOutputsReader::take() {
  NodeIteration it = std::move(*next_);
  advance();
  return it;
}

std::vector<std::pair<std::string, OutputValue>> NodeOutputsReader::rest() {
  while (next_) take();
  std::vector<std::pair<std::string, OutputValue>> outputs;
  if (!ended_) return outputs;
  for (std::string line; readLine(line);) {
    auto [what, record] = word(line);
    auto o = what == "output" ? outputRecord(record) : std::nullopt;
    if (!o) {
      problem_ = "an unreadable output after the end: '" + line.substr(0, 80) + "'";
      break;
    }
    outputs.push_back(std::move(*o));
  }
  return outputs;
}

}  // namespace rdc::run
