//===- Arguments.cpp - Command-line arguments of the driver's commands ----===//
//
// One table per command (CommandSpec) is both what the parser accepts and
// what --help prints, so that the two cannot drift apart.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace streamtensor::driver;

namespace {

const streamtensor::driver::OptionSpec commonOptions[] = {
    {"quiet", "", "print nothing on success (errors still go to stderr)"},
    {"json", "", "print a machine-readable summary on stdout instead of text"},
    {"help", "", "show this help", "h"},
};

struct OutputMode {
  bool quiet = false;
  bool json = false;
  bool internalError = false;
} outputMode;

const OptionSpec *findOption(const CommandSpec &spec, llvm::StringRef name) {
  for (llvm::ArrayRef<OptionSpec> table :
       {spec.options, llvm::ArrayRef<OptionSpec>(commonOptions)})
    for (const OptionSpec &option : table)
      if (option.name == name || (!option.alias.empty() && option.alias == name))
        return &option;
  return nullptr;
}

std::string describe(const OptionSpec &option) {
  auto dashes = [](llvm::StringRef name) {
    return (name.size() == 1 ? "-" : "--") + name.str();
  };
  std::string text = dashes(option.name);
  if (!option.alias.empty())
    text = dashes(option.alias) + ", " + text;
  if (!option.value.empty())
    text += " " + option.value.str();
  return text;
}

void printOptions(llvm::ArrayRef<OptionSpec> options, llvm::raw_ostream &os) {
  for (const OptionSpec &option : options) {
    std::string left = describe(option);
    if (left.size() > 28)
      os << "  " << left << "\n" << llvm::formatv("  {0,-28}", "");
    else
      os << llvm::formatv("  {0,-28}", left);
    os << "  " << option.help << "\n";
  }
}

} // namespace

void streamtensor::driver::reportError(llvm::StringRef command,
                                       const llvm::Twine &message) {
  llvm::errs() << "streamtensor " << command << ": " << message << "\n";
}

void streamtensor::driver::reportInternalError(llvm::StringRef command,
                                               const llvm::Twine &message) {
  outputMode.internalError = true;
  llvm::errs() << "streamtensor " << command << ": internal error: " << message
               << " (a bug in streamtensor; please report it with the "
                  "command line and the input)\n";
}

bool streamtensor::driver::hadInternalError() {
  return outputMode.internalError;
}

llvm::raw_ostream &streamtensor::driver::textOut() {
  return outputMode.quiet || outputMode.json ? llvm::nulls() : llvm::outs();
}

llvm::raw_ostream &streamtensor::driver::noteOut() {
  return outputMode.quiet ? llvm::nulls() : llvm::errs();
}

bool streamtensor::driver::isQuiet() { return outputMode.quiet; }
bool streamtensor::driver::wantsJson() { return outputMode.json; }

bool streamtensor::driver::wantsSourceLines() {
  return !outputMode.quiet && llvm::errs().is_displayed();
}

void streamtensor::driver::printJson(llvm::json::Object summary) {
  if (outputMode.json)
    llvm::outs() << llvm::formatv("{0:2}",
                                  llvm::json::Value(std::move(summary)))
                 << "\n";
}

void streamtensor::driver::printCommandHelp(const CommandSpec &spec,
                                            llvm::raw_ostream &os) {
  os << "Usage: streamtensor " << spec.usage << "\n\n"
     << spec.description << "\n\nOptions:\n";
  printOptions(spec.options, os);
  os << "\nCommon options:\n";
  printOptions(commonOptions, os);
  os << "  (--json prints " << spec.jsonSummary << ")\n\nExamples:\n";
  for (llvm::StringLiteral example : spec.examples)
    os << "  " << example << "\n";
  os << "\nExit codes: 0 ok, 1 bad input or a failed check, 2 usage error, "
        "3 internal error (docs/cli.md).\n";
}

std::optional<int> Arguments::parse(const CommandSpec &spec,
                                    llvm::ArrayRef<const char *> args) {
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
    const OptionSpec *option = findOption(spec, name);
    if (!option) {
      reportError(spec.name, "unknown option '" + arg +
                                 "' (see streamtensor " + spec.name +
                                 " --help)");
      return Usage;
    }
    if (option->value.empty()) {
      if (hasInlineValue) {
        reportError(spec.name, "option '--" + option->name +
                                   "' takes no value, got '" + arg + "'");
        return Usage;
      }
      options.push_back({option->name.str(), ""});
      continue;
    }
    if (!hasInlineValue) {
      if (index + 1 >= args.size()) {
        reportError(spec.name, "option '" + arg + "' needs a value (" +
                                   option->value + ")");
        return Usage;
      }
      value = args[++index];
    }
    options.push_back({option->name.str(), value.str()});
  }
  if (has("help")) {
    printCommandHelp(spec, llvm::outs());
    return Success;
  }
  outputMode.quiet = has("quiet");
  outputMode.json = has("json");
  return std::nullopt;
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

std::optional<std::string>
Arguments::getChoice(llvm::StringRef command, llvm::StringRef name,
                     llvm::StringRef fallback,
                     llvm::ArrayRef<llvm::StringRef> choices) const {
  std::string word = get(name).value_or(fallback.str());
  if (llvm::is_contained(choices, word))
    return word;
  std::string allowed;
  for (auto [index, choice] : llvm::enumerate(choices)) {
    if (index)
      allowed += index + 1 == choices.size() ? " or " : ", ";
    allowed += choice.str();
  }
  reportError(command, "--" + name + ": '" + word + "' is not " + allowed);
  return std::nullopt;
}
