// The outputs of a stream's iterations that a report lists, kept in the
// order they are added and read back once, in memory that does not follow
// their number: past a buffer of 1 MiB they go to a temporary file (a
// stream of 300,000 broadcasts lists 1.5 million outputs).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

namespace rdc::run {

class ListedOutputs {
 public:
  /// One listed output, as the report shows it: its name (`dlvr[5][1]`),
  /// and when available, its value's text and its time (ns).
  struct Entry {
    std::string name;
    bool available = false;
    std::string value;
    int64_t time = 0;
  };

  void add(const Entry& entry);
  /// Every entry added, in order. Without a temporary file (none could be
  /// made) they were all kept in memory.
  void forEach(const std::function<void(const Entry&)>& visit) const;
  uint64_t size() const { return count_; }

 private:
  static constexpr size_t kBuffer = 1 << 20;
  std::string buffer_;  // the entries not yet in the file, encoded
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file_{nullptr, &std::fclose};
  bool noFile_ = false;  // tmpfile() failed: everything stays in buffer_
  uint64_t count_ = 0;
};

}  // namespace rdc::run
