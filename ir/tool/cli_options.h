// Command-line conventions shared by every tool (docs/tools.md): the
// positional input, -D, --diagnostics, --version, and exit code 2 on a
// usage error. Header-only so that the IR library does not depend on CLI11.
#pragma once

#include <sys/resource.h>

#include <kj/exception.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ir/graph/elaborate.h"
#include "ir/io/ir_io.h"
#include "ir/support/standard_input.h"
#include "ir/tool/cli_numbers.h"
#include "ir/tool/named_files.h"
#include "ir/tool/tool_io.h"

namespace rdc {

/// `-D name=value`, repeatable.
inline CLI::Option* addDefineOption(CLI::App& app, std::vector<std::pair<std::string, std::string>>& defines) {
  return app
      .add_option_function<std::vector<std::string>>(
          "-D",
          [&defines](const std::vector<std::string>& values) {
            for (const std::string& v : values) {
              auto eq = v.find('=');
              if (eq == std::string::npos || eq == 0)
                throw CLI::ValidationError("-D", "expected name=value, got '" + v + "'");
              defines.emplace_back(v.substr(0, eq), v.substr(eq + 1));
            }
          },
          "Override a model parameter: -D n=7")
      ->type_name("NAME=VALUE")
      ->allow_extra_args(false);
}

/// Makes `option` exclude every other option of `app` but those named in
/// `alongside`: a mode that runs nothing else refuses the rest rather than
/// ignoring them. Call it once every option is added.
inline void excludeAllBut(CLI::App& app, CLI::Option* option, std::initializer_list<std::string_view> alongside) {
  for (CLI::Option* other : app.get_options()) {
    if (other == option || std::find(alongside.begin(), alongside.end(), other->get_name()) != alongside.end())
      continue;
    option->excludes(other);
  }
}

/// `--diagnostics text|json`, which every tool takes.
inline void addDiagnosticsOption(CLI::App& app, bool& jsonDiagnostics) {
  app.add_option_function<std::string>(
         "--diagnostics", [&jsonDiagnostics](const std::string& format) { jsonDiagnostics = format == "json"; },
         "Diagnostic format: text (default) or json")
      ->check(CLI::IsMember({"text", "json"}))
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);  // the last counts, before a subcommand or after
}

/// For an option naming a file to read: `-` (standard input) may name one
/// input of a command line only (a second reader would find it read
/// already). Checked as the command line is parsed, whichever input would
/// be read first; readInput refuses a second read too.
inline CLI::Validator standardInputOnce() {
  return CLI::Validator(
      [](const std::string& value) {
        static int named = 0;  // (one command line a process)
        return value == "-" && ++named > 1 ? std::string(kStandardInputTaken) : std::string();
      },
      "");
}

/// An option of this process's command line that names files it reads or
/// writes, checked by parseCommandLine: no output may be an input or
/// another output (clashingFiles).
struct FileOption {
  const CLI::Option* option;
  bool written;
  bool absentIsStandardInput;  ///< given no value, the tool reads standard input (MODEL)
};
inline std::vector<FileOption>& fileOptions() {
  static std::vector<FileOption> options;
  return options;
}
/// Marks an option as naming files the tool reads; returns it.
inline CLI::Option* readsFiles(CLI::Option* option, bool absentIsStandardInput = false) {
  fileOptions().push_back({option, false, absentIsStandardInput});
  return option;
}
/// Marks an option as naming a file the tool writes; returns it.
inline CLI::Option* writesFile(CLI::Option* option) {
  fileOptions().push_back({option, true, false});
  return option;
}
/// What the tool prints on standard output, when `prints()` holds once the
/// command line is parsed: an output option given `-` would be
/// interleaved with it (`rdc-run m.yaml --trace -`, the trace in the
/// report), a clash parseCommandLine refuses.
struct StandardOutputUse {
  std::string what;
  std::function<bool()> prints;
};
inline std::vector<StandardOutputUse>& standardOutputUses() {
  static std::vector<StandardOutputUse> uses;
  return uses;
}
inline void printsOnStandardOutput(
    std::string what, std::function<bool()> prints = [] { return true; }) {
  standardOutputUses().push_back({std::move(what), std::move(prints)});
}

/// The positional model, -D, --diagnostics and --version.
inline void addCommonOptions(CLI::App& app, std::string& input,
                             std::vector<std::pair<std::string, std::string>>& defines, bool& jsonDiagnostics) {
  readsFiles(app.add_option("MODEL", input, "Model file, YAML or IR ('-' or nothing: standard input)"), true)
      ->check(standardInputOnce());
  addDefineOption(app, defines);
  addDiagnosticsOption(app, jsonDiagnostics);
  app.set_version_flag("--version", std::string(toolVersion()));
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RDC_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define RDC_SANITIZED 1
#endif
#endif

/// The memory budget every tool keeps to unless given `--max-memory`: well
/// under the machine, so that a hostile or absurd input is refused with a
/// diagnostic rather than by the kernel's OOM killer.
inline constexpr uint64_t kDefaultMaxMemory = uint64_t{4} << 30;

/// `--max-memory SIZE`, in bytes or with a unit (512M, 4G: powers of 1024);
/// 0 keeps the limits the process was started with.
inline void addMemoryOption(CLI::App& app, uint64_t& bytes) {
  app.add_option("--max-memory", bytes, "Memory budget: bytes, or 512M, 4G (0: no budget of its own)")
      ->transform(memorySize())
      ->default_str("4G");
}

/// The heap's limit before applyMemoryBudget lowered it (none when it did
/// not: a caller's lower limit stays), for liftMemoryBudget.
inline std::optional<rlim_t>& heapLimitBeforeBudget() {
  static std::optional<rlim_t> before;
  return before;
}

/// Caps the heap (RLIMIT_DATA: brk and private writable mappings) at
/// `bytes`, so that an allocation beyond the budget fails with
/// std::bad_alloc instead of exhausting the machine. A lower limit set by
/// the caller is kept, and is then the budget diagnostics name. Sanitizer
/// builds reserve terabytes of shadow memory and keep their own limits.
inline void applyMemoryBudget(uint64_t bytes) {
#ifndef RDC_SANITIZED
  rlimit limit{};
  if (getrlimit(RLIMIT_DATA, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY && (bytes == 0 || limit.rlim_cur <= bytes))
    return setProcessMemoryBudget(limit.rlim_cur, true);
  setProcessMemoryBudget(bytes);
  if (bytes == 0) return;
  heapLimitBeforeBudget() = limit.rlim_cur;
  limit.rlim_cur = bytes;
  setrlimit(RLIMIT_DATA, &limit);
#else
  setProcessMemoryBudget(bytes);
#endif
}

/// Gives the heap back the limit it had before applyMemoryBudget: once the
/// body has unwound from a failed allocation, saying so takes memory too,
/// which a budget of a few KiB does not leave (the report would throw).
inline void liftMemoryBudget() {
#ifndef RDC_SANITIZED
  rlimit limit{};
  if (!heapLimitBeforeBudget() || getrlimit(RLIMIT_DATA, &limit) != 0) return;
  limit.rlim_cur = *heapLimitBeforeBudget();
  setrlimit(RLIMIT_DATA, &limit);
#endif
}

/// Whether a KJ exception is an allocation failure that KJ caught and
/// wrapped (its event loop and runCatchingExceptions turn std::bad_alloc
/// into a kj::Exception).
inline bool isAllocationFailure(const kj::Exception& e) {
  return std::string_view(e.getDescription().cStr()).find("bad_alloc") != std::string_view::npos;
}

/// Whether what the tool printed reached its standard output; if not, an
/// `io` diagnostic says so (printDiagnostics did, or does now).
inline bool standardOutputWritten(bool jsonDiagnostics) {
  if (standardOutputFailureReported()) return false;
  if (!standardOutputFailed()) return true;
  printDiagnostics(DiagnosticSink(), jsonDiagnostics);  // (which reports it)
  return false;
}

/// Runs a tool's body within a memory budget: an allocation beyond it
/// unwinds to here (freeing what the body held) and becomes a
/// `memory-limit` diagnostic and exit 2, never an abort. So does a write
/// that fails (KJ's file streams throw: a full disk) as an `io`
/// diagnostic, and output that did not reach the standard output.
template <typename Body>
int runWithinMemoryBudget(uint64_t bytes, bool jsonDiagnostics, Body body) {
  applyMemoryBudget(bytes);
  DiagnosticSink diags;
  try {
    int code = body();
    return standardOutputWritten(jsonDiagnostics) ? code : kExitBadInput;
  } catch (const std::bad_alloc&) {
  } catch (const std::system_error& e) {  // a thread that could not start: no memory for its stack
    if (e.code() != std::errc::resource_unavailable_try_again && e.code() != std::errc::not_enough_memory) throw;
  } catch (const kj::Exception& e) {
    liftMemoryBudget();
    if (!isAllocationFailure(e)) {
      diags.error("io", {}, "input/output failed: " + systemReason(e.getDescription().cStr()));
      printDiagnostics(diags, jsonDiagnostics);
      return kExitBadInput;
    }
  }
  liftMemoryBudget();
  uint64_t budget = memoryBudget(ElabOptions{});
  BudgetWords words = memoryBudgetWords(budget);
  diags.error("memory-limit", {},
              budget == UINT64_MAX
                  ? std::string("out of memory")
                  : "out of memory: the input needs more than " + words.name + " (" + words.raise + ")");
  printDiagnostics(diags, jsonDiagnostics);
  return kExitBadInput;
}

/// The name a tool's diagnostics carry: its executable's base name.
inline std::string toolNameOf(const char* argv0) {
  std::string path = argv0 ? argv0 : "";
  size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return name.empty() ? "rdc" : name;
}

/// The first option of `app` or its subcommands given an empty value (no
/// option takes one: `--trace ''` would silently trace nothing), as
/// "--trace"; "" if none.
inline std::string optionGivenEmpty(const CLI::App& app) {
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_type_size_max() == 0) continue;  // a flag
    for (const std::string& value : option->results()) {
      if (value.empty()) return option->get_name();
    }
  }
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (std::string name = optionGivenEmpty(*sub); !name.empty()) return name;
  }
  return "";
}

/// A CLI11 error in the tools' words where CLI11's read as its own
/// internals: "--seed: At Most 1 required but received 2" is said as
/// "--seed is given 2 times: give it once", "--outputs: none not in
/// {list,summary}" as "--outputs: 'none' is not one of list, summary".
inline std::string usageText(const CLI::ParseError& e) {
  std::string text = e.what();
  size_t colon = text.find(": ");
  if (colon == std::string::npos) return text;
  std::string name = text.substr(0, colon), rest = text.substr(colon + 2);
  if (rest.rfind("At Most 1 required but received ", 0) == 0)
    return name + " is given " + rest.substr(32) + " times: give it once";
  size_t notIn = rest.find(" not in {");
  if (notIn != std::string::npos && rest.back() == '}') {
    std::string choices = rest.substr(notIn + 9, rest.size() - notIn - 10);
    for (size_t comma = choices.find(','); comma != std::string::npos; comma = choices.find(',', comma + 2))
      choices.replace(comma, 1, ", ");
    return name + ": '" + rest.substr(0, notIn) + "' is not one of " + choices;
  }
  return text;
}

/// Parses argv: -1 to go on, or the exit code to return now: 0 after
/// --help or --version, kExitBadInput after a usage error, which is
/// reported as a `usage` diagnostic like the tool's own (JSON too when the
/// command line asks for it, wherever `--diagnostics=json` stands in it).
inline int parseCommandLine(CLI::App& app, int argc, char** argv) {
  bool json = argvRequestsJsonDiagnostics(argc, argv);
  setDiagnosticsStyle(toolNameOf(argc > 0 ? argv[0] : nullptr), json);
  try {
    app.parse(argc, argv);
    if (std::string name = optionGivenEmpty(app); !name.empty())
      throw CLI::ValidationError(name, "expected a value, got ''");
    std::vector<NamedFile>& files = commandLineFiles();
    for (const FileOption& f : fileOptions()) {
      for (const std::string& path : f.option->results()) files.push_back({f.option->get_name(), path, f.written});
      if (f.absentIsStandardInput && f.option->count() == 0) files.push_back({f.option->get_name(), "-", false});
    }
    for (const StandardOutputUse& use : standardOutputUses()) {
      if (use.prints()) files.push_back({use.what, "-", true});
    }
    if (auto clash = clashingFiles(files)) throw CLI::ValidationError(*clash);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version: CLI11 prints them
    DiagnosticSink diags;
    diags.error("usage", {}, usageText(e) + " (see --help)");
    printDiagnostics(diags);
    return kExitBadInput;
  }
  return -1;
}

}  // namespace rdc

/// Parses argv (rdc::parseCommandLine) and returns from main if it is
/// done. From here to the end of main, the libraries' log lines are kept off
/// standard error (LibraryLogCapture).
#define RDC_PARSE_CLI(app, argc, argv)                                                        \
  rdc::LibraryLogCapture rdcLibraryLogCapture_;                                               \
  if (int rdcParseExit_ = rdc::parseCommandLine((app), (argc), (argv)); rdcParseExit_ >= 0) { \
    return rdcParseExit_;                                                                     \
  }
