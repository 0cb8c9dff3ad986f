#include "tools/rdc-run/driver/cluster.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <climits>

#include "tools/rdc-run/net/node.h"

namespace rdc::run {

std::string selfExecutable() {
  char buffer[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "rdc-run";
}

namespace {

pid_t spawn(const NodeProcess& node) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(node.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }
  std::vector<char*> argv;
  for (const std::string& a : node.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

}  // namespace

std::vector<NodeExit> runProcesses(const std::vector<NodeProcess>& nodes, int64_t epoch, int64_t deadline) {
  std::vector<NodeExit> exits(nodes.size());
  std::vector<pid_t> pids(nodes.size(), -1);
  for (size_t i = 0; i < nodes.size(); ++i) {
    exits[i].domain = nodes[i].domain;
    pids[i] = spawn(nodes[i]);
    if (pids[i] < 0) exits[i].status = 127;
  }
  size_t running = 0;
  for (pid_t p : pids) running += p > 0;
  while (running > 0) {
    int64_t now = net::realtimeNanos();
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (pids[i] <= 0) continue;
      if (nodes[i].killAt >= 0 && !exits[i].killed && now - epoch >= nodes[i].killAt) {
        kill(pids[i], SIGKILL);
        exits[i].killed = true;
      }
      if (now >= deadline && !exits[i].killed) {
        kill(pids[i], SIGKILL);
        exits[i].overdue = true;
      }
      int status = 0;
      if (waitpid(pids[i], &status, WNOHANG) == pids[i]) {
        exits[i].status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        pids[i] = -1;
        --running;
      }
    }
    timespec pause{0, 2'000'000};
    nanosleep(&pause, nullptr);
  }
  return exits;
}

}  // namespace rdc::run
