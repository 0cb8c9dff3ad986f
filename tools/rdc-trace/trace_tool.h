// rdc-trace as a library: one function per subcommand.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/components/catalog.h"
#include "ir/graph/elaborate.h"
#include "ir/io/trace_io.h"
#include "tools/rdc-trace/export/export.h"

namespace rdc::trace {

struct ShowOptions {
  std::string trace;
  std::string lineGlob;  ///< only lines whose path matches (`*`, `?`)
  std::string from, to;  ///< time window (durations)
  std::string model;     ///< with the model at hand, show each line's source position
  std::vector<std::pair<std::string, std::string>> defines;  ///< the model's -D, as the run had them
  ElabOptions elab;                                          ///< --max-lines
  bool json = false;
  bool partial = false;  ///< accept the readable prefix of a run that was cut short
};
int show(const ShowOptions& options, const Catalog& catalog);

int diff(const std::string& a, const std::string& b);

struct InvertOptions {
  std::string model;
  std::string trace;
  std::string output;  ///< the backward trace
  std::vector<std::pair<std::string, std::string>> defines;
  ElabOptions elab;  ///< --max-lines: the model unrolled to the trace's iterations is elaborated whole
};
int invertTrace(const InvertOptions& options, const Catalog& catalog);

int merge(const std::vector<std::string>& traces, const std::string& output);

int exportTrace(const std::string& trace, const std::string& format, const std::string& output, const Catalog& catalog);

// The pieces the subcommands are made of, on readers and streams rather than
// paths (the trace fuzz harness drives each on bytes). Readers check what
// they read (see Trace); these trust it and never index past it.

/// show's listing: the events in [from, to] on the lines whose path matches
/// `lineGlob` (empty: all), with their source from `where` (by path; null:
/// none; a later iteration of an unbounded box has the general one's);
/// false if the reader fails midway. Lines a trace adds as it goes (an
/// unbounded box's iterations) are matched as they come.
bool listEvents(TraceReader& reader, bool json, int64_t from, int64_t to, const std::string& lineGlob,
                const std::unordered_map<std::string, std::string>* where, std::ostream& out);
/// diff's report on two readers: kExitOk when they agree, kExitNo when they
/// differ, kExitBadInput when either fails midway.
int diffReaders(TraceReader& a, TraceReader& b, std::ostream& out);
// The exporters: tools/rdc-trace/export/export.h.

}  // namespace rdc::trace
