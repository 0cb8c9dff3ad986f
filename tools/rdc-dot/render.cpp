// In-process rendering with the Graphviz library (cgraph + gvc), so that no
// `dot` binary is needed.
//
// Graphviz and the libraries under it (pango, cairo, GLib) do not survive
// running out of memory: GLib aborts when it cannot start a thread, cairo
// crashes on a surface it could not make. Under the tool's memory budget
// they would, so the rendering runs in a child process: the tool itself
// reads what it made, and turns its dying into a diagnostic.
#include <fcntl.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>
#include <vector>

#include "ir/graph/elaborate.h"
#include "ir/tool/tool_io.h"
#include "tools/rdc-dot/dot.h"

namespace rdc::dot {

namespace {

// What Graphviz reported, instead of its own printing to standard error:
// whole lines (it hands them over in pieces: "Warning", ": ", the text).
struct GraphvizLog {
  std::vector<std::string> lines;
  std::string partial;
};

GraphvizLog& graphvizLog() {
  static GraphvizLog log;
  return log;
}

int keepGraphvizMessage(char* message) {
  GraphvizLog& log = graphvizLog();
  for (const char* c = message; *c; ++c) {
    if (*c != '\n') {
      if (log.partial.size() < 1000) log.partial += *c;
      continue;
    }
    if (!log.partial.empty() && log.lines.size() < 20) log.lines.push_back(log.partial);
    log.partial.clear();
  }
  return 0;
}

// The child's report, written to the pipe: a status byte, then its
// Graphviz lines (each ending in '\n'), a NUL, then the rendered bytes.
enum Status : char { kRendered = 'R', kParseFailed = 'P', kLayoutFailed = 'L' };

void writeAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n, size -= static_cast<size_t>(n);
  }
}

// The stack of a thread the libraries start without a size of their own
// (pango's; by default as large as the main thread's, 8 MiB), in bytes: it
// counts against the memory budget.
constexpr size_t kThreadStack = size_t{1} << 20;

// The child: lays out and renders, reports, and exits (never returns).
// What the libraries print themselves (GLib's last words) goes nowhere:
// the parent says what became of the child.
[[noreturn]] void renderInChild(int fd, const std::string& dot, const std::string& format) {
  if (int null = ::open("/dev/null", O_WRONLY); null >= 0) ::dup2(null, STDERR_FILENO);
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) == 0) {
    pthread_attr_setstacksize(&attr, kThreadStack);
    pthread_setattr_default_np(&attr);
    pthread_attr_destroy(&attr);
  }
  Status status = kLayoutFailed;
  std::string data;
  try {
    agseterrf(keepGraphvizMessage);
    GVC_t* gvc = gvContext();
    if (Agraph_t* graph = agmemread(dot.c_str())) {
      // Graphviz reports some layout failures ("trouble in init_rank") only
      // as errors on stderr and still returns success with a broken layout:
      // its error count says so.
      agreseterrors();
      if (gvLayout(gvc, graph, "dot") == 0 && agerrors() == 0) {
        char* bytes = nullptr;
        unsigned int length = 0;
        if (gvRenderData(gvc, graph, format.c_str(), &bytes, &length) == 0 && bytes) {
          data.assign(bytes, length);
          status = kRendered;
        }
        gvFreeRenderData(bytes);
      }
      // Not gvFreeLayout: Graphviz 2.42's flat-edge code leaves a stale
      // pointer in the layout of some graphs (Tendermint's rounds at depth
      // 3), which gvFreeLayout frees twice; the process exits instead.
    } else {
      status = kParseFailed;
    }
    std::string report(1, status);
    for (const std::string& line : graphvizLog().lines) report += line + "\n";
    report += '\0';
    writeAll(fd, report.data(), report.size());
    writeAll(fd, data.data(), data.size());
  } catch (...) {  // (out of memory: the parent says so)
    ::_exit(3);
  }
  ::_exit(0);
}

// Why Graphviz failed, as it said last ("Error: renderer for png is unavailable").
std::string graphvizReason(const std::vector<std::string>& lines) {
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->rfind("Error: ", 0) == 0) return ": " + it->substr(7);
  }
  return "";
}

bool pluginFailedToLoad(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    if (line.find("Could not load") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> render(const std::string& dot, const std::string& format, DiagnosticSink& diags) {
  uint64_t budget = memoryBudget(ElabOptions{});
  BudgetWords words = memoryBudgetWords(budget);
  auto outOfMemory = [&](const std::string& what) {
    diags.error("memory-limit", {}, "Graphviz " + what + " within " + words.name + " (" + words.raise + ")");
  };
  int fds[2];
  if (::pipe(fds) != 0) throw std::bad_alloc();  // (no descriptors or memory left for one)
  pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]), ::close(fds[1]);
    throw std::bad_alloc();
  }
  if (child == 0) {
    ::close(fds[0]);
    renderInChild(fds[1], dot, format);
  }
  ::close(fds[1]);
  std::string report;
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    report.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int wait = 0;
  while (::waitpid(child, &wait, 0) < 0 && errno == EINTR) {
  }
  size_t end = report.find('\0');
  if (!WIFEXITED(wait) || WEXITSTATUS(wait) != 0 || report.empty() || end == std::string::npos) {
    std::string how = WIFSIGNALED(wait) ? std::string("died of signal ") + std::to_string(WTERMSIG(wait))
                                        : "failed (exit " + std::to_string(WEXITSTATUS(wait)) + ")";
    if (budget != UINT64_MAX) {
      outOfMemory("ran out of memory laying out or rendering the diagram as " + format + " (it " + how + ")");
    } else {
      diags.error("internal", {}, "Graphviz " + how + " laying out or rendering the diagram as " + format);
    }
    return std::nullopt;
  }
  std::vector<std::string> lines;
  for (size_t at = 1; at < end;) {
    size_t newline = report.find('\n', at);
    lines.push_back(report.substr(at, newline - at));
    at = newline + 1;
  }
  std::optional<std::string> result;
  if (report[0] == kRendered) {
    result = report.substr(end + 1);
  } else if (report[0] == kParseFailed) {
    diags.error("internal", {}, "Graphviz could not parse the generated DOT" + graphvizReason(lines));
  } else if (pluginFailedToLoad(lines) && budget != UINT64_MAX) {
    // (A plugin's library is mapped within the heap's limit: under a small budget, loading it fails.)
    outOfMemory("could not load its " + format + " renderer");
  } else {
    diags.error("internal", {},
                "Graphviz could not lay out or render the diagram as " + format + graphvizReason(lines));
  }
  for (std::string& line : lines) logLibraryLine(std::move(line));
  return result;
}

}  // namespace rdc::dot
