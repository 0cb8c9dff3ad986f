#include "tools/rdc-project/project_tool.h"

#include <sys/stat.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "ir/graph/project.h"
#include "ir/io/ir_io.h"
#include "ir/tool/load.h"
#include "ir/tool/named_files.h"
#include "ir/tool/tool_io.h"

namespace rdc::project {

int run(const Options& o, const Catalog& catalog) {
  DiagnosticSink diags;
  auto finish = [&](int code) {
    printDiagnostics(diags, o.jsonDiagnostics);
    return code;
  };
  int modes = (o.list ? 1 : 0) + (o.all ? 1 : 0) + (o.domains.empty() ? 0 : 1);
  if (modes != 1) {
    diags.error("usage", {}, "give exactly one of --list, --all -O DIR, or --domain D (repeatable)");
    return finish(kExitBadInput);
  }
  auto whole = loadModelFile(o.model, catalog, {o.defines, o.elab}, diags);
  if (!whole) return finish(kExitBadInput);
  if (!whole->projection.empty()) {
    diags.error("usage", {}, "the input is already a projection (onto " + nameList(whole->projection) + ")");
    return finish(kExitBadInput);
  }
  if (o.list) {
    for (const std::string& d : whole->graph.domains) std::cout << d << "\n";
    return finish(kExitOk);
  }
  // A part's IR goes to its file as it is made, never whole in memory.
  auto writePart = [&](const std::string& path, const LoadedModel& part) {
    return writeOutput(
        path,
        [&](std::ostream& out) {
          writeIr(part, catalog, diags, out);
          return true;
        },
        diags);
  };
  if (o.all) {
    if (o.directory.empty()) {
      diags.error("usage", {}, "--all needs -O DIR");
      return finish(kExitBadInput);
    }
    // Every part or none: each is written beside its name and renamed once
    // all are written, so a part refused (or a write that fails) leaves the
    // folder as it was, files of an earlier run included.
    ::mkdir(o.directory.c_str(), 0755);
    std::vector<NamedFile> files = commandLineFiles();
    for (const std::string& d : whole->graph.domains) {
      for (const char* name : {".ir", ".ir.partial"}) files.push_back({"-O", o.directory + "/" + d + name, true});
    }
    if (auto clash = clashingFiles(files)) {  // (-o's clashes are the command line's; these its domains')
      diags.error("usage", {}, *clash);
      return finish(kExitBadInput);
    }
    std::vector<std::string> written;  // the parts' final names
    auto partial = [](const std::string& path) { return path + ".partial"; };
    for (const std::string& d : whole->graph.domains) {
      auto part = projectOnto(*whole, catalog, {d}, diags);
      std::string path = o.directory + "/" + d + ".ir";
      if (!part || !writePart(partial(path), *part)) {
        std::remove(partial(path).c_str());
        for (const std::string& w : written) std::remove(partial(w).c_str());
        return finish(kExitBadInput);
      }
      written.push_back(path);
    }
    for (const std::string& w : written) {
      if (std::rename(partial(w).c_str(), w.c_str()) != 0) {
        diags.error("io", {}, w + ": cannot write the output file");
        return finish(kExitBadInput);
      }
    }
    return finish(kExitOk);
  }
  auto part = projectOnto(*whole, catalog, o.domains, diags);
  if (!part) return finish(kExitBadInput);
  std::string target = o.output.empty() ? (stdoutIsTerminal() ? "" : "-") : o.output;
  if (target.empty()) {
    diags.error("usage", {}, "standard output is a terminal: give -o FILE for the IR");
    return finish(kExitBadInput);
  }
  if (!writePart(target, *part)) return finish(kExitBadInput);
  return finish(kExitOk);
}

}  // namespace rdc::project
