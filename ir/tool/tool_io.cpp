#include "ir/tool/tool_io.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>

#include <set>

#include <kj/exception.h>

#include "ir/io/ir_io.h"
#include "ir/model/frontend.h"
#include "ir/support/replace_file.h"
#include "ir/support/standard_input.h"

namespace rdc {

std::string displayName(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::optional<std::string> readInput(const std::string& path, DiagnosticSink& diags) {
  if (path == "-" && !claimStandardInput()) {
    diags.error("usage", {}, kStandardInputTaken);
    return std::nullopt;
  }
  std::string bytes;
  char buffer[1 << 16];
  FILE* file = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (!file) {
    diags.error("io", {diags.addFile(path), 0, 0}, "cannot open: " + std::string(std::strerror(errno)));
    return std::nullopt;
  }
  // A regular file is read in one go into a string of its size: growing
  // one by appending copies a 40 MB IR file several times over.
  struct stat st {};
  bool known = ::fstat(::fileno(file), &st) == 0;  // (standard input too: it may be redirected from a file)
  if (file != stdin && known && S_ISDIR(st.st_mode)) {
    std::fclose(file);
    diags.error("io", {diags.addFile(path), 0, 0}, "cannot read: " + std::string(std::strerror(EISDIR)));
    return std::nullopt;
  }
  bool regular = known && S_ISREG(st.st_mode);
  if (regular && static_cast<uint64_t>(st.st_size) > kMaxInputBytes) {  // refused before a byte is read
    if (file != stdin) std::fclose(file);
    diags.error("io", {diags.addFile(displayName(path)), 0, 0}, "input larger than 1 GiB");
    return std::nullopt;
  }
  if (regular && file != stdin) {
    bytes.resize(static_cast<size_t>(st.st_size));
    bytes.resize(std::fread(bytes.data(), 1, bytes.size(), file));  // a file that shrank meanwhile is read as it is
  }
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    // Refused before it is appended, and grown by doubling only up to the
    // limit: an endless stream (/dev/zero, a pipe) held twice the limit
    // when refused (three times while the last doubling copied).
    if (bytes.size() + n > kMaxInputBytes) {
      if (file != stdin) std::fclose(file);
      diags.error("io", {diags.addFile(displayName(path)), 0, 0}, "input larger than 1 GiB");
      return std::nullopt;
    }
    if (bytes.size() + n > bytes.capacity())
      bytes.reserve(std::min(std::max(2 * bytes.capacity(), bytes.size() + n), kMaxInputBytes));
    bytes.append(buffer, n);
  }
  bool failed = std::ferror(file);
  if (file != stdin) std::fclose(file);
  if (failed) {
    diags.error("io", {diags.addFile(displayName(path)), 0, 0}, "read error");
    return std::nullopt;
  }
  return bytes;
}

bool writeOutput(const std::string& path, const std::string& bytes, DiagnosticSink& diags) {
  return writeOutput(
      path,
      [&bytes](std::ostream& out) {
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        return true;
      },
      diags);
}

bool writeOutput(const std::string& path, const std::function<bool(std::ostream&)>& write, DiagnosticSink& diags) {
  if (path == "-") {
    bool made = write(std::cout);
    std::cout.flush();
    return made && static_cast<bool>(std::cout);
  }
  std::string target = outputTarget(path);
  std::string replacement = replacementPath(target);
  bool special = replacement.empty();
  std::string temp = special ? target : replacement;
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    bool opened = out.is_open();
    bool made = opened && write(out);
    out.close();
    if (!made || !out) {
      if (!special) std::remove(temp.c_str());
      // (A `write` that could not make its bytes has said why: its input's fault, not the file's.)
      if (!opened || !out) diags.error("io", {diags.addFile(path), 0, 0}, "cannot write the output file");
      return false;
    }
  }
  if (!special && std::rename(temp.c_str(), target.c_str()) != 0) {
    std::remove(temp.c_str());
    diags.error("io", {diags.addFile(path), 0, 0}, "cannot rename the output into place");
    return false;
  }
  return true;
}

bool stdoutIsTerminal() { return ::isatty(STDOUT_FILENO) != 0; }

namespace {

// What the libraries logged while a LibraryLogCapture lived.
std::vector<std::string>& libraryLog() {
  static std::vector<std::string> lines;
  return lines;
}

}  // namespace

void LibraryLogCapture::logMessage(kj::LogSeverity, const char*, int, int, kj::String&& text) {
  std::string message(text.cStr());
  logLibraryLine(message.substr(0, message.find('\n')));  // the stack addresses follow on their own line
}

void logLibraryLine(std::string line) {
  if (libraryLog().size() < 20) libraryLog().push_back(std::move(line));
}

namespace {

struct DiagnosticsStyle {
  std::string tool = "rdc";
  bool json = false;
};

DiagnosticsStyle& diagnosticsStyle() {
  static DiagnosticsStyle style;
  return style;
}

// Line `line` (1-based) of `text`, without its newline.
std::optional<std::string> lineOf(std::string_view text, uint32_t line) {
  size_t start = 0;
  for (uint32_t k = 1; k < line; ++k) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return std::nullopt;
    ++start;
  }
  size_t end = std::min(text.find('\n', start), text.size());
  std::string_view found = text.substr(start, end - start);
  if (!found.empty() && found.back() == '\r') found.remove_suffix(1);
  return std::string(found);
}

// Source lines longer than this are not read (a diagnostic shows the 160
// bytes around its caret of those it reads): a caret under column 400,000
// of a generated one-line model helps nobody.
constexpr size_t kLongestSourceLine = 64 * 1024;

std::optional<std::string> shown(std::optional<std::string> line) {
  if (!line || line->size() > kLongestSourceLine) return std::nullopt;
  return line;
}

// The source line of a diagnostic: the standard library's from the text
// built in, a file's read again (up to the line wanted, so a huge file
// costs only what precedes it). Standard input cannot be read twice.
// `named`: the file is only named by an input (an IR's file table), which
// anyone could have written: it is read only if its real name (links
// followed) is a model's (`.yaml`, `.yml`), so that an IR cannot make a
// tool print a line of any file it can read.
std::optional<std::string> sourceLine(const std::string& file, uint32_t line, bool named) {
  if (file == "<std>") return shown(lineOf(standardLibraryText(), line));
  if (file.empty() || file.front() == '<' || file.rfind("-D ", 0) == 0) return std::nullopt;
  if (named) {  // (by the file's real name: `pw.yaml` may be a link to /etc/passwd)
    char* real = ::realpath(file.c_str(), nullptr);
    std::string name = real ? real : "";
    std::free(real);
    auto endsWith = [&](std::string_view suffix) {
      return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (!endsWith(".yaml") && !endsWith(".yml")) return std::nullopt;
  }
  // Only a regular file no larger than an input may be is read again (a
  // FIFO would hang, /dev/zero never end, a sparse 64 GiB file take minutes).
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) > kMaxInputBytes)
    return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  for (uint32_t k = 1; k < line && in; ++k) in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  std::string text(kLongestSourceLine + 2, '\0');  // one byte more than shown, and the terminating NUL
  if (!in || !in.getline(text.data(), static_cast<std::streamsize>(text.size()))) return std::nullopt;
  text.resize(std::char_traits<char>::length(text.data()));
  return shown(lineOf(text, 1));
}

bool colourWanted() { return ::isatty(STDERR_FILENO) != 0 && std::getenv("NO_COLOR") == nullptr; }

}  // namespace

void setDiagnosticsStyle(std::string toolName, bool json) { diagnosticsStyle() = {std::move(toolName), json}; }

bool jsonDiagnosticsRequested() { return diagnosticsStyle().json; }

bool argvRequestsJsonDiagnostics(int argc, const char* const* argv) {
  bool json = false;  // the last --diagnostics counts, as in parsing
  for (int k = 1; k < argc; ++k) {
    std::string_view arg = argv[k];
    if (arg == "--") break;
    if (arg.rfind("--diagnostics=", 0) == 0) json = arg == "--diagnostics=json";
    if (arg == "--diagnostics" && k + 1 < argc) json = std::string_view(argv[k + 1]) == "json";
  }
  return json;
}

void printDiagnostics(const DiagnosticSink& diags) { printDiagnostics(diags, false); }

namespace {

bool& outputFailureReported() {
  static bool reported = false;
  return reported;
}

}  // namespace

bool standardOutputFailed() {
  std::cout.flush();
  return std::fflush(stdout) != 0 || std::ferror(stdout) || std::cout.fail();
}

bool standardOutputFailureReported() { return outputFailureReported(); }

void printDiagnostics(const DiagnosticSink& diags, bool json) {
  json = json || diagnosticsStyle().json;
  const DiagnosticSink* shown = &diags;
  DiagnosticSink withLog;
  // A truncated file's read fails in the library too; an error, or the
  // warning that a trace was cut short, already says so.
  bool explained = diags.hasErrors() || std::any_of(diags.all().begin(), diags.all().end(),
                                                    [](const Diagnostic& d) { return d.code == "trace-incomplete"; });
  if (!explained && !libraryLog().empty()) {
    withLog = diags;
    for (const std::string& line : libraryLog()) withLog.warning("library", {}, line);
    shown = &withLog;
  }
  if (!outputFailureReported() && standardOutputFailed()) {
    if (shown != &withLog) withLog = diags, shown = &withLog;
    withLog.error("io", {}, "cannot write the standard output");
    outputFailureReported() = true;
  }
  libraryLog().clear();
  if (json) {
    std::cerr << shown->formatJson();
    return;
  }
  TextStyle style{diagnosticsStyle().tool, colourWanted(), [shown](uint32_t file, uint32_t line) {
                    return sourceLine(shown->files()[file], line, shown->onlyNamed(file));
                  }};
  std::cerr << shown->formatText(style);
}

bool isInputError(const std::string& code) {
  static const std::set<std::string> codes = {"parse-error", "schema",          "syntax",       "expr-syntax",
                                              "size-limit",  "recursion-limit", "ir-malformed", "bad-param",
                                              "div-zero",    "overflow",        "io",           "trace-malformed",
                                              "usage",       "internal",        "memory-limit", "projection"};
  return codes.count(code) > 0;
}

int exitCodeFor(const DiagnosticSink& diags) {
  bool anyError = false;
  for (const Diagnostic& d : diags.all()) {
    if (d.severity != Severity::Error) continue;
    // (A value given by `-D NAME=...` is the command line's: unusable input.)
    bool fromDefine = d.pos.file < diags.files().size() && diags.files()[d.pos.file].rfind("-D ", 0) == 0;
    if (isInputError(d.code) || fromDefine) return kExitBadInput;
    anyError = true;
  }
  return anyError ? kExitNo : kExitOk;
}

}  // namespace rdc
