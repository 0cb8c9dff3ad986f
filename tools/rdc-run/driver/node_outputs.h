// What a node of a cluster tells the cluster about its run: its outputs,
// written as it runs (each iteration of the unbounded box as it retires),
// so that the cluster checks the whole run from its nodes' outputs, with
// no merged trace and in memory that follows the live iterations.
//
// The file is text, one record per line, in the order of k:
//   iteration K complete|cut
//   output NAME TIME VALUE     the iteration's available outputs (TIME in ns,
//   input NAME VALUE           VALUE a literal); NAME as iteration K names it
//   end ITERATIONS PEAK        the run is over (the iterations it began, the
//                              most live at once); then the outputs outside the box
// Gateways (what nodes send each other) are not listed.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph/graph.h"
#include "tools/rdc-run/engine/engine.h"

namespace rdc::run {

/// Writes a node's outputs file; forwards each iteration to `next` (the
/// node's own report), if any.
class NodeOutputsWriter final : public IterationSink {
 public:
  NodeOutputsWriter(const Graph& graph, std::FILE* file, IterationSink* next)
      : graph_(graph), file_(file), next_(next) {}

  void retired(const RetiredIteration& iteration) override;
  /// Writes out what is buffered: a node calls it whenever it has done
  /// all it can for now (before it waits), so that a node killed while it
  /// waits has every retired iteration on record, at one write a turn.
  void flush() { std::fflush(file_); }
  /// `end`, then the available outputs outside the box; flushes.
  void finish(const RunResult& result);

 private:
  void output(const std::string& name, const OutputValue& v);

  const Graph& graph_;
  std::FILE* file_;
  IterationSink* next_;
};

/// One iteration as one node ran it.
struct NodeIteration {
  int64_t k = 0;
  bool complete = false;
  std::vector<std::pair<std::string, OutputValue>> outputs;
  std::vector<std::pair<std::string, Value>> inputs;
};

/// Reads a node's outputs file one iteration at a time. A missing file is a
/// node that recorded nothing; a file cut short (a node killed while it
/// wrote) ends where it is readable, its last iteration cut off.
///
/// With `writing`, the file is read as its node writes it: while
/// `writing()` says the node may still write, the end of what is written
/// (or a file not made yet) is waited at, a millisecond at a time, so that
/// a cluster checks the iterations while its nodes run.
class NodeOutputsReader {
 public:
  explicit NodeOutputsReader(const std::string& path, std::function<bool()> writing = {})
      : path_(path), writing_(std::move(writing)) {
    in_.open(path);
    advance();
  }

  /// The k of the next iteration, or nullopt once the iterations are over.
  std::optional<int64_t> peek() const { return next_ ? std::optional<int64_t>(next_->k) : std::nullopt; }
  /// The next iteration (after peek() gave its k).
  NodeIteration take();
  /// After the iterations: the outputs outside the box, and whether the
  /// node wrote its `end` (it finished).
  std::vector<std::pair<std::string, OutputValue>> rest();
  bool ended() const { return ended_; }
  /// What made the reader stop before the end of the file (its iterations
  /// in order of k, its records readable), if anything: the rest is lost.
  const std::string& problem() const { return problem_; }
  /// From `end`: the iterations the node began, and the most live at once.
  uint64_t iterations() const { return iterations_; }
  uint64_t peakLive() const { return peakLive_; }

 private:
  void advance();
  bool readLine(std::string& line);

  std::string path_;
  std::function<bool()> writing_;
  std::ifstream in_;
  std::string partial_;  // (following) the start of a line still being written
  std::optional<NodeIteration> next_;
  std::optional<std::string> pending_;  // a line read ahead
  bool over_ = false;                   // no more iterations to read
  bool ended_ = false;                  // the node wrote `end`
  uint64_t iterations_ = 0, peakLive_ = 0;
  int64_t lastK_ = -1;
  std::string problem_;
};

}  // namespace rdc::run
