#include "tools/rdc-run/driver/cluster.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>

#include "tools/rdc-run/net/node.h"

namespace rdc::run {

std::string selfExecutable() {
  char buffer[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "rdc-run";
}

namespace {

// SIGINT or SIGTERM to the cluster: its nodes are stopped and its files
// removed before it exits.
volatile std::sig_atomic_t interrupted = 0;

void interrupt(int signal) { interrupted = signal; }

struct Spawned {
  pid_t pid = -1;
  int ready = -1, epoch = -1;  // our ends of the node's two pipes
};

// Starts a node with its output to its log, kReadyFd writing to `ready`
// and its standard input reading from `epoch`.
Spawned spawn(const NodeProcess& node) {
  int ready[2], epoch[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) return {};
  if (::pipe2(epoch, O_CLOEXEC) != 0) {
    ::close(ready[0]), ::close(ready[1]);
    return {};
  }
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(node.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    dup2(epoch[0], STDIN_FILENO);
    dup2(ready[1], kReadyFd);  // (dup2 clears close-on-exec on the copies)
    std::vector<char*> argv;
    for (const std::string& a : node.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  ::close(ready[1]), ::close(epoch[0]);
  if (pid < 0) {
    ::close(ready[0]), ::close(epoch[1]);
    return {};
  }
  return {pid, ready[0], epoch[1]};
}

// Waits until every node has said ready or closed its end (it exited).
void awaitReady(std::vector<Spawned>& nodes) {
  int64_t limit = net::realtimeNanos() + kReadyTimeout;
  for (;;) {
    std::vector<pollfd> waiting;
    for (const Spawned& n : nodes) {
      if (n.ready >= 0) waiting.push_back({n.ready, POLLIN, 0});
    }
    int64_t left = (limit - net::realtimeNanos()) / 1'000'000;
    if (waiting.empty() || left <= 0 || interrupted) break;
    if (::poll(waiting.data(), waiting.size(), static_cast<int>(std::min<int64_t>(left, 1000))) < 0 && errno != EINTR)
      break;
    for (const pollfd& p : waiting) {
      if (!p.revents) continue;
      for (Spawned& n : nodes) {
        if (n.ready == p.fd) ::close(n.ready), n.ready = -1;  // `ready`, or its end of the pipe closed
      }
    }
  }
  for (Spawned& n : nodes) {
    if (n.ready >= 0) ::close(n.ready), n.ready = -1;
  }
}

}  // namespace

std::vector<NodeExit> runProcesses(const std::vector<NodeProcess>& nodes, int64_t runFor) {
  std::vector<NodeExit> exits(nodes.size());
  std::vector<Spawned> spawned(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    exits[i].domain = nodes[i].domain;
    spawned[i] = spawn(nodes[i]);
    if (spawned[i].pid < 0) exits[i].status = 127;
  }
  interrupted = 0;
  std::signal(SIGINT, interrupt);
  std::signal(SIGTERM, interrupt);
  std::signal(SIGHUP, interrupt);
  awaitReady(spawned);
  // A node that failed before the start (a port in use, a bad flag) stops
  // the cluster: its peers would only wait for it until --until.
  bool failedToStart = false;
  for (size_t i = 0; i < nodes.size(); ++i) {
    int status = 0;
    if (spawned[i].pid > 0 && waitpid(spawned[i].pid, &status, WNOHANG) == spawned[i].pid) {
      exits[i].status = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      spawned[i].pid = -1;
      failedToStart = failedToStart || exits[i].status != 0;
    }
  }
  int64_t epoch = net::realtimeNanos() + kClusterStartup;
  int64_t deadline = runFor > INT64_MAX - epoch ? INT64_MAX : epoch + runFor;
  std::signal(SIGPIPE, SIG_IGN);  // a node that exited does not read its epoch
  for (size_t i = 0; i < nodes.size(); ++i) {
    Spawned& n = spawned[i];
    if (nodes[i].killAt == 0 && n.pid > 0) {  // killed at 0: before it could begin the run
      kill(n.pid, SIGKILL);
      exits[i].killed = true;
    }
    if (n.epoch < 0) continue;
    std::string line = std::to_string(epoch) + "\n";
    (void)!::write(n.epoch, line.data(), line.size());
    ::close(n.epoch);
  }
  std::vector<pid_t> pids;
  for (const Spawned& n : spawned) pids.push_back(n.pid);
  size_t running = 0;
  for (pid_t p : pids) running += p > 0;
  while (running > 0) {
    int64_t now = net::realtimeNanos();
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (pids[i] <= 0) continue;
      if ((failedToStart || interrupted) && !exits[i].stopped && !exits[i].killed) {
        kill(pids[i], SIGKILL);
        exits[i].stopped = true;
      }
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
    // Wakes every 2 ms to reap, and at the next kill's time exactly (a
    // kill is as late as the system schedules this process, not a poll).
    int64_t wake = net::realtimeNanos() + 2'000'000;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (pids[i] > 0 && nodes[i].killAt >= 0 && !exits[i].killed) wake = std::min(wake, epoch + nodes[i].killAt);
    }
    timespec until{static_cast<time_t>(wake / 1'000'000'000), static_cast<long>(wake % 1'000'000'000)};
    while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, nullptr) == EINTR && !interrupted) {
    }
  }
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGHUP, SIG_DFL);
  return exits;
}

int clusterInterruptedBy() { return interrupted; }

}  // namespace rdc::run
