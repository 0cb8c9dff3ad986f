#include "ir/support/diagnostics.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "ir/support/json.h"

namespace rdc {

namespace {

// Diagnostics quote what they were given, and a hostile input must not make
// one of a megabyte: a run of non-blank bytes longer than kMostWordShown
// keeps its head and tail, a message at most about kMostMessageShown bytes,
// a source line about kMostSourceShown bytes around its caret.
constexpr size_t kMostWordShown = 400, kWordHead = 240, kWordTail = 120;
constexpr size_t kMostMessageShown = 2000;
constexpr size_t kMostSourceShown = 160;

// The first byte of the UTF-8 character that holds byte `at` (a cut there
// splits no character); `at` itself at or past the end.
size_t utf8Start(std::string_view text, size_t at) {
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

// `message` with each over-long word cut to its head and tail, and cut
// itself after about kMostMessageShown bytes (DiagnosticSink's rule).
std::string boundedMessage(std::string message) {
  if (message.size() <= kMostWordShown) return message;
  std::string out;
  size_t i = 0;
  while (i < message.size() && out.size() <= kMostMessageShown) {
    size_t end = std::min(message.find(' ', i), message.size());
    std::string_view word(message.data() + i, end - i);
    if (word.size() > kMostWordShown) {
      size_t head = utf8Start(word, kWordHead), tail = utf8Start(word, word.size() - kWordTail);
      out.append(word.substr(0, head)) += "[..." + std::to_string(tail - head) + " bytes...]";
      out.append(word.substr(tail));
    } else {
      out.append(word);
    }
    if (end < message.size()) out += ' ';
    i = end + 1;
  }
  if (i < message.size()) out += "[... " + std::to_string(message.size() - i) + " more bytes]";
  return out;
}

// The code point of the well-formed UTF-8 character at text[i], and its
// length; {0, 0} for a byte that begins none (stray, overlong, surrogate,
// past U+10FFFF, cut short).
std::pair<uint32_t, size_t> utf8Char(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  size_t length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
  if (length == 0 || i + length > text.size()) return {0, 0};
  uint32_t code = lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
    code = code << 6 | (byte(i + k) & 0x3F);
  }
  static constexpr uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {0, 0};
  return {code, length};
}

// A character a terminal shows as blank, or not at all, or acts on (C1
// controls): a diagnostic names it instead (`\u{00A0}`), so that a user sees
// why `1\u{00A0}at 2ms` is not `1 at 2ms`.
bool unseen(uint32_t code) {
  return (code >= 0x80 && code <= 0xA0) || code == 0xAD || code == 0x1680 || code == 0x180E ||
         (code >= 0x2000 && code <= 0x200F) || (code >= 0x2028 && code <= 0x202F) ||
         (code >= 0x205F && code <= 0x2069) || code == 0x061C || code == 0x3000 || code == 0xFEFF;
}

}  // namespace

uint32_t DiagnosticSink::addFile(std::string name, bool onlyNamed) {
  files_.push_back(boundedMessage(std::move(name)));
  onlyNamed_.push_back(onlyNamed);
  return static_cast<uint32_t>(files_.size() - 1);
}

bool DiagnosticSink::firstTime(Severity severity, const std::string& code, Pos pos, const std::string& message) {
  repeated_ = false;
  if (pos.line == 0) return true;  // a tool's problems without a place are each their own
  auto [it, first] = reported_.try_emplace({severity, code, pos.file, pos.line, pos.col},
                                           FirstReport{diagnostics_.size(), message.size()});
  FirstReport& report = it->second;
  if (!first && report.seen.insert(message).second) {  // said otherwise: counted on the first report
    std::string& shown = diagnostics_[report.index].message;
    shown.resize(report.message);
    shown += " (and " + std::to_string(++report.others) + " more like it here)";
  }
  if (first) report.seen.insert(message);
  repeated_ = !first;
  return first;
}

void DiagnosticSink::error(std::string code, Pos pos, std::string message) {
  ++errorReports_;
  message = boundedMessage(std::move(message));
  if (!firstTime(Severity::Error, code, pos, message)) return;
  diagnostics_.push_back({Severity::Error, std::move(code), pos, std::move(message)});
  ++errors_;
}

void DiagnosticSink::warning(std::string code, Pos pos, std::string message) {
  message = boundedMessage(std::move(message));
  if (!firstTime(Severity::Warning, code, pos, message)) return;
  diagnostics_.push_back({Severity::Warning, std::move(code), pos, std::move(message)});
  ++warnings_;
}

void DiagnosticSink::note(Pos pos, std::string message) {
  if (repeated_) return;  // the note of a repeated problem was given with its first report
  diagnostics_.push_back({Severity::Note, "note", pos, boundedMessage(std::move(message))});
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

std::string DiagnosticSink::formatText() const { return formatText(TextStyle{}); }

static const char* severityColour(Severity severity) {
  switch (severity) {
    case Severity::Note:
      return "\033[1;36m";
    case Severity::Warning:
      return "\033[1;35m";
    case Severity::Error:
      return "\033[1;31m";
  }
  return "";
}

std::string DiagnosticSink::formatText(const TextStyle& style) const {
  const char* bold = style.colour ? "\033[1m" : "";
  const char* reset = style.colour ? "\033[0m" : "";
  std::string out;
  for (const Diagnostic& d : diagnostics_) {
    std::string where = d.pos.file < files_.size() ? location(d.pos) : style.tool;
    out += bold + printable(where) + ":" + reset + " " + (style.colour ? severityColour(d.severity) : "") +
           severityName(d.severity) + ":" + reset + " " + printable(d.message);
    if (d.severity != Severity::Note) out += " [" + d.code + "]";
    out += "\n";
    if (d.pos.line == 0 || d.pos.file >= files_.size() || !style.sourceLine) continue;
    if (auto source = style.sourceLine(d.pos.file, d.pos.line)) {
      std::string caret = caretLines(*source, d.pos.col);
      size_t at = caret.rfind('^');
      if (style.colour && at != std::string::npos) caret.replace(at, 1, std::string("\033[1;32m^") + reset);
      out += caret;
    }
  }
  return out;
}

std::string caretLines(std::string_view source, uint32_t col) {
  // (Just past the end: a missing token. A column beyond that, as a forged
  // IR may claim, is taken as that.)
  col = std::clamp<uint32_t>(col, 1, static_cast<uint32_t>(std::min<size_t>(source.size() + 1, UINT32_MAX)));
  // A long line is shown around its column only.
  std::string_view before = "", after = "";
  if (source.size() > kMostSourceShown) {
    size_t at = col - 1;
    size_t from = utf8Start(source, at > kMostSourceShown / 2 ? at - kMostSourceShown / 2 : 0);
    size_t to = utf8Start(source, std::min(source.size(), from + kMostSourceShown));
    if (from > 0) before = "...";
    if (to < source.size()) after = "...";
    col = static_cast<uint32_t>(col - from);
    source = source.substr(from, to - from);
  }
  // One column a character; what a terminal would act on or hide (a control
  // character, a byte that is not UTF-8, a bidirectional override) a space.
  std::string line(before), pad(before.size(), ' ');
  for (size_t i = 0; i < source.size();) {
    auto byte = static_cast<unsigned char>(source[i]);
    auto [code, length] = byte < 0x80 ? std::pair<uint32_t, size_t>{byte, 1} : utf8Char(source, i);
    bool shown = length > 0 && code >= 0x20 && code != 0x7F && !unseen(code);
    if (length == 0) length = 1;
    line += shown ? source.substr(i, length) : " ";
    if (i + 1 < col) pad += ' ';
    i += length;
  }
  line += after;
  return line + "\n" + pad + "^\n";
}

size_t editDistance(std::string_view a, std::string_view b) {
  // d[i][j]: the distance between a's first i and b's first j characters.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::string> closestName(std::string_view name, const std::vector<std::string>& candidates) {
  // Names of hundreds of characters are no typo worth a quadratic table.
  constexpr size_t kLongest = 64;
  size_t allowed = std::max<size_t>(1, name.size() / 3);
  std::optional<std::string> best;
  size_t bestDistance = allowed + 1;
  if (name.size() > kLongest) return best;
  for (const std::string& candidate : candidates) {
    if (candidate == name || candidate.size() > kLongest) continue;
    size_t gap = candidate.size() > name.size() ? candidate.size() - name.size() : name.size() - candidate.size();
    if (gap >= bestDistance) continue;
    size_t distance = editDistance(name, candidate);
    // As many edits as the shorter name has characters replace it whole: `z` is no typo of `x`.
    if (distance < bestDistance && distance < std::min(name.size(), candidate.size())) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}

std::string didYouMean(std::string_view name, const std::vector<std::string>& candidates) {
  auto best = closestName(name, candidates);
  return best ? " (did you mean '" + *best + "'?)" : "";
}

namespace {

// `stem[k]` as (stem, k); k = -1 for any other name.
std::pair<std::string_view, int64_t> bundleElement(std::string_view name) {
  if (name.size() < 4 || name.back() != ']') return {name, -1};
  size_t open = name.rfind('[');
  int64_t k = -1;
  if (open == std::string_view::npos || open == 0) return {name, -1};
  auto [end, ec] = std::from_chars(name.data() + open + 1, name.data() + name.size() - 1, k);
  if (ec != std::errc{} || end != name.data() + name.size() - 1 || k < 0) return {name, -1};
  return {name.substr(0, open), k};
}

}  // namespace

std::string nameList(const std::vector<std::string>& names, size_t most) {
  std::string out;
  size_t items = 0, i = 0;
  for (; i < names.size() && items < most; ++items) {
    auto [stem, first] = bundleElement(names[i]);
    size_t last = i;
    while (first >= 0 && last + 1 < names.size()) {
      auto [nextStem, k] = bundleElement(names[last + 1]);
      if (nextStem != stem || k != first + static_cast<int64_t>(last + 1 - i)) break;
      ++last;
    }
    out += (items ? ", " : "") + names[i];
    if (last > i) out += (last > i + 1 ? " .. " : ", ") + names[last];
    i = last + 1;
  }
  if (i < names.size()) out += " and " + std::to_string(names.size() - i) + " more";
  return out;
}

size_t characterLength(std::string_view text, size_t i) { return std::max<size_t>(1, utf8Char(text, i).second); }

std::string printable(std::string_view text) {
  std::string out;
  char buf[16];
  for (size_t i = 0; i < text.size();) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7F) {
      out += text[i++];
      continue;
    }
    auto [code, length] = byte < 0x80 ? std::pair<uint32_t, size_t>{0, 0} : utf8Char(text, i);
    if (length > 0 && !unseen(code)) {
      out.append(text.substr(i, length));
    } else if (length > 0) {
      std::snprintf(buf, sizeof buf, "\\u{%04X}", static_cast<unsigned>(code));
      out += buf;
    } else {
      std::snprintf(buf, sizeof buf, "\\x%02X", byte);
      out += buf;
      length = 1;
    }
    i += length;
  }
  return out;
}

std::string libraryReason(std::string_view description) {
  size_t cut = description.rfind("; ");
  return std::string(cut == std::string_view::npos ? description : description.substr(cut + 2));
}

std::string systemReason(std::string_view description) {
  description = description.substr(0, description.find("; "));
  size_t call = description.rfind("): ");
  return std::string(call == std::string_view::npos ? description : description.substr(call + 3));
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
