// Whether the files a command line names are distinct where they must be:
// no output may be an input (`rdc-lint m.yaml -o m.yaml` would replace the
// model by its IR) or another output (`--trace x --shrink x`).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rdc {

/// A file named on a command line: the option that names it (`--trace`,
/// `MODEL`), its path, and whether the tool writes it or reads it.
struct NamedFile {
  std::string option;
  std::string path;
  bool written = false;
};

/// The first clash among `files`, as a usage message (`--shrink and MODEL
/// name one file, m.yaml: writing it would destroy it`); nullopt if none.
/// Two paths are one file when they are the same existing file (device
/// and inode: a link or another spelling of the path is caught) or, for a
/// file not yet there, the same name in the same real directory. `-` is
/// standard input (read) or output (written), the file it was redirected
/// from when it is a regular one; two outputs to standard output (`-`,
/// `/dev/stdout`) always clash, whatever it is: one stream would hold both. Other files that are not regular
/// (`/dev/null`, a FIFO, a terminal) are never a clash.
std::optional<std::string> clashingFiles(const std::vector<NamedFile>& files);

/// The files the tool's command line names, as parseCommandLine found them
/// (its options' values and what goes to standard output), for the tool to
/// check the files it writes beside them against (a cluster's FILE.nodes/,
/// rdc-project's -O DIR).
std::vector<NamedFile>& commandLineFiles();

}  // namespace rdc
