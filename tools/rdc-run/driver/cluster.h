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
};

/// Runs the processes; `epoch` and `deadline` are CLOCK_REALTIME nanoseconds.
std::vector<NodeExit> runProcesses(const std::vector<NodeProcess>& nodes, int64_t epoch, int64_t deadline);

/// The running program's own path, to start more of itself.
std::string selfExecutable();

}  // namespace rdc::run
