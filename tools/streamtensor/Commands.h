//===- Commands.h - The driver's commands -----------------------*- C++ -*-===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_COMMANDS_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_COMMANDS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace streamtensor::driver {

/// Exit codes: 0 success, 1 bad input or a failed run, 2 not available.
enum ExitCode { Success = 0, Failure = 1, NotAvailable = 2 };

int runCompile(llvm::ArrayRef<const char *> args);
int runCSim(llvm::ArrayRef<const char *> args);
int runSimulate(llvm::ArrayRef<const char *> args);

/// Command-line arguments of one command: positionals and `--name value`
/// (or `--name=value`) options, some of which may repeat.
class Arguments {
public:
  /// Parses `args`; `withValue` lists the options that take a value and
  /// `flags` those that do not. Unknown options are errors.
  bool parse(llvm::StringRef command, llvm::ArrayRef<const char *> args,
             llvm::ArrayRef<llvm::StringRef> withValue,
             llvm::ArrayRef<llvm::StringRef> flags);

  std::vector<std::string> positionals;
  std::optional<std::string> get(llvm::StringRef name) const;
  std::vector<std::string> getAll(llvm::StringRef name) const;
  bool has(llvm::StringRef name) const;
  /// An integer option in [min, max], or `fallback` when absent. Reports
  /// and returns nothing when it is not one.
  std::optional<int64_t> getInteger(llvm::StringRef command,
                                    llvm::StringRef name, int64_t fallback,
                                    int64_t min, int64_t max) const;

private:
  std::vector<std::pair<std::string, std::string>> options;
};

/// Prints "streamtensor <command>: <message>" to stderr.
void reportError(llvm::StringRef command, const llvm::Twine &message);

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_COMMANDS_H
