#include "tools/rdc-run/driver/listed_outputs.h"

#include <cstring>

namespace rdc::run {

namespace {

// An entry's encoding: the name's and the value's lengths (4 bytes each),
// availability (1), time (8), then the name's and the value's bytes.
constexpr size_t kHead = 4 + 4 + 1 + 8;

void put(std::string& out, const void* data, size_t size) { out.append(static_cast<const char*>(data), size); }

}  // namespace

void ListedOutputs::add(const Entry& entry) {
  uint32_t name = static_cast<uint32_t>(entry.name.size()), value = static_cast<uint32_t>(entry.value.size());
  uint8_t available = entry.available;
  put(buffer_, &name, 4);
  put(buffer_, &value, 4);
  put(buffer_, &available, 1);
  put(buffer_, &entry.time, 8);
  buffer_ += entry.name;
  buffer_ += entry.value;
  ++count_;
  if (buffer_.size() < kBuffer || noFile_) return;
  if (!file_) file_.reset(std::tmpfile());
  if (!file_ || std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get()) != buffer_.size()) {
    noFile_ = true;  // (what a failed write put in the file is read back no more)
    file_.reset();
    return;
  }
  buffer_.clear();
}

void ListedOutputs::forEach(const std::function<void(const Entry&)>& visit) const {
  Entry entry;
  auto decode = [&](const char* at, const char* end) {
    while (end - at >= static_cast<ptrdiff_t>(kHead)) {
      uint32_t name, value;
      std::memcpy(&name, at, 4);
      std::memcpy(&value, at + 4, 4);
      entry.available = at[8] != 0;
      std::memcpy(&entry.time, at + 9, 8);
      if (static_cast<size_t>(end - at) < kHead + name + value) break;
      entry.name.assign(at + kHead, name);
      entry.value.assign(at + kHead + name, value);
      visit(entry);
      at += kHead + name + value;
    }
    return at;
  };
  if (file_) {
    std::fflush(file_.get());
    std::rewind(file_.get());
    std::string chunk, carry;
    chunk.resize(kBuffer);
    for (size_t got; (got = std::fread(chunk.data(), 1, kBuffer, file_.get())) > 0;) {
      carry.append(chunk.data(), got);
      const char* rest = decode(carry.data(), carry.data() + carry.size());
      carry.erase(0, static_cast<size_t>(rest - carry.data()));
    }
    std::fseek(file_.get(), 0, SEEK_END);  // (where the next add writes)
  }
  decode(buffer_.data(), buffer_.data() + buffer_.size());
}

}  // namespace rdc::run
