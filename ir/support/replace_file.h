// Replacing an output file whole: written to a temporary file beside it and
// renamed over it once complete, so that a failure leaves no half-written
// file (docs/tools.md, "Output files").
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace rdc {

/// The file an output named `path` lands on: the file a symbolic link
/// names (so that the link stays a link, and `/dev/stdin` stays a device's
/// name), else `path` itself.
inline std::string outputTarget(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
  char* real = ::realpath(path.c_str(), nullptr);
  if (real == nullptr) return path;  // a dangling link: written through as the system does
  std::string target = real;
  std::free(real);
  return target;
}

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
