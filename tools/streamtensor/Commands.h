//===- Commands.h - The driver's commands -----------------------*- C++ -*-===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_COMMANDS_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_COMMANDS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace streamtensor::driver {

/// Exit codes, documented in docs/cli.md; scripts rely on them.
enum ExitCode {
  Success = 0,
  /// Bad input (a model, a design folder, an option's value) or a failed
  /// check (csim mismatch, deadlock, a design that does not fit).
  Failure = 1,
  /// The command line itself: unknown command or option, an option without
  /// its value, the wrong number of arguments, a missing required option.
  Usage = 2,
  /// Our bug: a pass that failed without saying why or left invalid IR, an
  /// emitter that rejects what the pipeline produced, a crash.
  Internal = 3,
};

int runCompile(llvm::ArrayRef<const char *> args);
int runCSim(llvm::ArrayRef<const char *> args);
int runSimulate(llvm::ArrayRef<const char *> args);

/// One option of a command, for parsing and for --help.
struct OptionSpec {
  llvm::StringLiteral name;
  /// The value's placeholder in the help ("N", "DIR"); empty for a flag.
  llvm::StringLiteral value;
  llvm::StringLiteral help;
  /// Another spelling (-o for --output).
  llvm::StringLiteral alias = "";
};

/// What `streamtensor <command> --help` prints, and the options it parses.
/// --help, --quiet and --json are added to every command.
struct CommandSpec {
  llvm::StringLiteral name;
  llvm::StringLiteral usage;
  /// A few lines on what the command does.
  llvm::StringLiteral description;
  llvm::ArrayRef<OptionSpec> options;
  llvm::ArrayRef<llvm::StringLiteral> examples;
  /// What --json prints.
  llvm::StringLiteral jsonSummary;
};

void printCommandHelp(const CommandSpec &spec, llvm::raw_ostream &os);

/// Command-line arguments of one command: positionals and `--name value`
/// (or `--name=value`) options, some of which may repeat.
class Arguments {
public:
  /// Parses `args` by `spec`. Returns the exit code when the command is
  /// done (Success after --help, Usage after a reported error) and nothing
  /// when it should run. Sets the output mode (--quiet, --json).
  std::optional<int> parse(const CommandSpec &spec,
                           llvm::ArrayRef<const char *> args);

  std::vector<std::string> positionals;
  std::optional<std::string> get(llvm::StringRef name) const;
  std::vector<std::string> getAll(llvm::StringRef name) const;
  bool has(llvm::StringRef name) const;
  /// An integer option in [min, max], or `fallback` when absent. Reports
  /// and returns nothing when it is not one (a Failure: a bad value).
  std::optional<int64_t> getInteger(llvm::StringRef command,
                                    llvm::StringRef name, int64_t fallback,
                                    int64_t min, int64_t max) const;
  /// A word option that must be one of `choices`, or `fallback` when
  /// absent. Reports "--NAME: 'X' is not a, b or c" and returns nothing
  /// for any other word (a Failure: a bad value).
  std::optional<std::string>
  getChoice(llvm::StringRef command, llvm::StringRef name,
            llvm::StringRef fallback,
            llvm::ArrayRef<llvm::StringRef> choices) const;

private:
  std::vector<std::pair<std::string, std::string>> options;
};

/// Prints "streamtensor <command>: <message>" to stderr.
void reportError(llvm::StringRef command, const llvm::Twine &message);

/// Prints "streamtensor <command>: internal error: <message>" and a request
/// to report it, and makes the command exit with Internal.
void reportInternalError(llvm::StringRef command, const llvm::Twine &message);
bool hadInternalError();

/// Human-readable results: stdout, or nothing under --quiet or --json.
llvm::raw_ostream &textOut();
/// Notes and warnings: stderr, or nothing under --quiet.
llvm::raw_ostream &noteOut();
bool isQuiet();
bool wantsJson();
/// Whether MLIR diagnostics show the user's line: only to a person at a
/// terminal; logs and scripts get one line per error.
bool wantsSourceLines();
/// Prints `summary` on stdout when --json was given.
void printJson(llvm::json::Object summary);

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_COMMANDS_H
