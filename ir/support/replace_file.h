// Replacing an output file whole: written to a temporary file beside it and
// renamed over it once complete, so that a failure leaves no half-written
// file (docs/tools.md, "Output files").
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace rdc {

/// The temporary file through which `path` is written and then renamed into
/// place; empty when `path` must be written in place: it exists and is not
/// a regular file (/dev/null, a pipe), which renaming would replace (for
/// root, /dev/null itself).
inline std::string replacementPath(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return "";
  return path + ".tmp-" + std::to_string(::getpid());
}

}  // namespace rdc
