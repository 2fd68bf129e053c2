//===- Arguments.cpp - Command-line arguments of the driver's commands ----===//

#include "Commands.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/raw_ostream.h"

using namespace streamtensor::driver;

void streamtensor::driver::reportError(llvm::StringRef command,
                                       const llvm::Twine &message) {
  llvm::errs() << "streamtensor " << command << ": " << message << "\n";
}

bool Arguments::parse(llvm::StringRef command,
                      llvm::ArrayRef<const char *> args,
                      llvm::ArrayRef<llvm::StringRef> withValue,
                      llvm::ArrayRef<llvm::StringRef> flags) {
  for (size_t index = 0; index < args.size(); ++index) {
    llvm::StringRef arg = args[index];
    if (!arg.starts_with("-") || arg == "-") {
      positionals.push_back(arg.str());
      continue;
    }
    llvm::StringRef name = arg.ltrim('-'), value;
    bool hasInlineValue = name.contains('=');
    if (hasInlineValue)
      std::tie(name, value) = name.split('=');
    if (llvm::is_contained(flags, name) && !hasInlineValue) {
      options.push_back({name.str(), ""});
      continue;
    }
    if (!llvm::is_contained(withValue, name)) {
      reportError(command,
                  "unknown option '" + arg + "' (see streamtensor --help)");
      return false;
    }
    if (!hasInlineValue) {
      if (index + 1 >= args.size()) {
        reportError(command, "option '" + arg + "' needs a value");
        return false;
      }
      value = args[++index];
    }
    options.push_back({name.str(), value.str()});
  }
  return true;
}

std::optional<std::string> Arguments::get(llvm::StringRef name) const {
  std::optional<std::string> found;
  for (const auto &[key, value] : options)
    if (key == name)
      found = value;
  return found;
}

std::vector<std::string> Arguments::getAll(llvm::StringRef name) const {
  std::vector<std::string> found;
  for (const auto &[key, value] : options)
    if (key == name)
      found.push_back(value);
  return found;
}

bool Arguments::has(llvm::StringRef name) const {
  return get(name).has_value();
}

std::optional<int64_t> Arguments::getInteger(llvm::StringRef command,
                                             llvm::StringRef name,
                                             int64_t fallback, int64_t min,
                                             int64_t max) const {
  std::optional<std::string> text = get(name);
  if (!text)
    return fallback;
  int64_t value;
  if (llvm::StringRef(*text).getAsInteger(10, value) || value < min ||
      value > max) {
    reportError(command, "--" + name + " must be an integer from " +
                             llvm::Twine(min) + " to " + llvm::Twine(max) +
                             ", got '" + *text + "'");
    return std::nullopt;
  }
  return value;
}
