#include "ir/support/diagnostics.h"

#include <cstdio>

#include "ir/support/json.h"

namespace rdc {

uint32_t DiagnosticSink::addFile(std::string name) {
  files_.push_back(std::move(name));
  return static_cast<uint32_t>(files_.size() - 1);
}

bool DiagnosticSink::firstTime(Severity severity, const std::string& code, Pos pos, const std::string& message) {
  repeated_ = !reported_.emplace(severity, code, pos.file, pos.line, pos.col, message).second;
  return !repeated_;
}

void DiagnosticSink::error(std::string code, Pos pos, std::string message) {
  if (!firstTime(Severity::Error, code, pos, message)) return;
  diagnostics_.push_back({Severity::Error, std::move(code), pos, std::move(message)});
  ++errors_;
}

void DiagnosticSink::warning(std::string code, Pos pos, std::string message) {
  if (!firstTime(Severity::Warning, code, pos, message)) return;
  diagnostics_.push_back({Severity::Warning, std::move(code), pos, std::move(message)});
  ++warnings_;
}

void DiagnosticSink::note(Pos pos, std::string message) {
  if (repeated_) return;  // the note of a repeated problem was given with its first report
  diagnostics_.push_back({Severity::Note, "note", pos, std::move(message)});
}

static const char* severityName(Severity severity) {
  switch (severity) {
    case Severity::Note:
      return "note";
    case Severity::Warning:
      return "warning";
    case Severity::Error:
      return "error";
  }
  return "error";
}

std::string DiagnosticSink::location(const Pos& pos) const {
  std::string file = pos.file < files_.size() ? files_[pos.file] : "rdc";  // no file: the tool itself
  if (pos.line == 0) return file;
  return file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.col);
}

std::string DiagnosticSink::formatText() const {
  std::string out;
  for (const Diagnostic& d : diagnostics_) {
    out += printable(location(d.pos)) + ": " + severityName(d.severity) + ": " + printable(d.message);
    if (d.severity != Severity::Note) out += " [" + d.code + "]";
    out += "\n";
  }
  return out;
}

std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", byte);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string libraryReason(std::string_view description) {
  size_t cut = description.rfind("; ");
  return std::string(cut == std::string_view::npos ? description : description.substr(cut + 2));
}

std::string DiagnosticSink::formatJson() const {
  Json all = Json::array();
  for (const Diagnostic& d : diagnostics_) {
    all.push_back({{"file", d.pos.file < files_.size() ? files_[d.pos.file] : ""},
                   {"line", d.pos.line},
                   {"col", d.pos.col},
                   {"severity", severityName(d.severity)},
                   {"code", d.code},
                   {"message", d.message}});
  }
  return jsonText(all) + "\n";
}

}  // namespace rdc
