// Processes of a TCP cluster on this machine: start them, kill the ones a
// scenario kills at their time, and wait for all of them with a deadline.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace rdc::run {

struct NodeProcess {
  std::string domain;
  std::vector<std::string> argv;  ///< argv[0] is the program
  std::string log;                ///< stdout and stderr go here
  int64_t killAt = -1;            ///< SIGKILL at this time after the epoch (ns); -1: never
};

struct NodeExit {
  std::string domain;
  int status = 0;        ///< exit code, or -signal
  bool killed = false;   ///< by the scenario
  bool overdue = false;  ///< still running at the deadline, killed then
  /// Killed because the cluster stopped: another node failed before the
  /// start, or the cluster was interrupted.
  bool stopped = false;
};

/// The descriptor on which a node says it is ready (--ready-fd); it reads
/// its epoch from its standard input.
constexpr int kReadyFd = 3;
/// The epoch (virtual time 0 of every node) is this long after the last
/// node said it is ready, in ns; a node that says nothing for kReadyTimeout
/// is started anyway (it failed, or it will find its peers late).
constexpr int64_t kClusterStartup = 20'000'000, kReadyTimeout = 60'000'000'000;

/// Runs the processes: starts them, waits until each is ready (or exited),
/// gives them one epoch, kills the ones the scenario kills (NodeProcess::killAt
/// after the epoch) and waits for all of them, killing those still running
/// `runFor` ns after the epoch.
std::vector<NodeExit> runProcesses(const std::vector<NodeProcess>& nodes, int64_t runFor);

/// The signal (SIGINT, SIGTERM) that interrupted the last runProcesses, or 0.
int clusterInterruptedBy();

/// The running program's own path, to start more of itself.
std::string selfExecutable();

}  // namespace rdc::run
