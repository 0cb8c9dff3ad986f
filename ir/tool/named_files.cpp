#include "ir/tool/named_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>

namespace rdc {

namespace {

// Whether an output goes to standard output: `-`, or a path naming the
// pipe standard output is (`/dev/stdout`, `/dev/fd/1`; a device such as
// `/dev/null` may take any number of writers).
bool toStandardOutput(const NamedFile& f) {
  if (!f.written || f.path == "-") return f.written;
  struct stat named {
  }, out{};
  return ::stat(f.path.c_str(), &named) == 0 && ::fstat(STDOUT_FILENO, &out) == 0 && !S_ISCHR(out.st_mode) &&
         named.st_dev == out.st_dev && named.st_ino == out.st_ino;
}

// What makes two paths one file (see clashingFiles); nullopt when the
// path can be shared harmlessly.
std::optional<std::string> identity(const NamedFile& f) {
  const std::string& path = f.path;
  if (path.empty()) return std::nullopt;
  struct stat st {};
  // `-`: standard input or output, a file when redirected from one (`< m.yaml`).
  bool exists =
      path == "-" ? ::fstat(f.written ? STDOUT_FILENO : STDIN_FILENO, &st) == 0 : ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISREG(st.st_mode)) return "inode " + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  if (toStandardOutput(f)) return "standard output";  // (a pipe or a terminal: one stream all the same)
  if (exists || path == "-") return std::nullopt;
  size_t slash = path.rfind('/');
  std::string directory = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  char real[PATH_MAX];
  if (::realpath(directory.c_str(), real) == nullptr) return "path " + path;
  return "path " + std::string(real) + "/" + name;
}

}  // namespace

std::optional<std::string> clashingFiles(const std::vector<NamedFile>& files) {
  std::vector<std::optional<std::string>> ids;
  for (const NamedFile& f : files) ids.push_back(identity(f));
  for (size_t w = 0; w < files.size(); ++w) {
    if (!files[w].written || !ids[w]) continue;
    for (size_t o = 0; o < files.size(); ++o) {
      if (o == w || ids[o] != ids[w] || (files[o].written && o < w)) continue;
      if (toStandardOutput(files[w]) && toStandardOutput(files[o]))
        return files[w].option + " and " + files[o].option +
               " both write standard output, where one would corrupt the other: name a file for " + files[w].option;
      return files[w].option + " and " + files[o].option + " name one file, " + files[w].path + ": " +
             (files[o].written ? "one output would replace the other" : "writing it would destroy it");
    }
  }
  return std::nullopt;
}

std::vector<NamedFile>& commandLineFiles() {
  static std::vector<NamedFile> files;
  return files;
}

}  // namespace rdc
