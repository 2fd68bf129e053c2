//===- CompileChecks.cpp - What compile checks before it starts -----------===//
//
// A compile of a large model runs for minutes before it writes anything, so
// what the command line names is checked first: the input exists, the
// output folder can be created, and the options the pipeline reads only
// late are well formed. Each problem is one line naming the option or the
// file, and nothing is left behind.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "CompileCommon.h"

#include "streamtensor/Model/ModelConfig.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace streamtensor;
using namespace streamtensor::driver;

namespace {

constexpr llvm::StringLiteral command = "compile";

/// An input that is neither a file nor a model folder nor a preset.
bool checkInput(const std::string &input) {
  if (input == "-" || !findModelConfig(input).empty())
    return true;
  if (llvm::sys::fs::is_directory(input)) {
    reportError(command, input + ": a folder without config.json; a model "
                                 "folder holds the HuggingFace config.json");
    return false;
  }
  if (llvm::sys::fs::exists(input))
    return true;
  reportError(command, input +
                           ": no such file, model folder or preset "
                           "(presets: " +
                           llvm::join(model::listPresets(), ", ") + ")");
  return false;
}

/// The output folder is replaced only if an earlier compile wrote it (it
/// has a report.json) or it is empty; and the compile must be able to
/// create `<output>.partial`. Trying that now costs nothing: the first
/// missing folder on the way is created and removed again.
bool checkOutput(const std::string &output) {
  namespace fs = llvm::sys::fs;
  if (fs::exists(output) &&
      (!fs::is_directory(output) || !fs::exists(output + "/report.json"))) {
    std::error_code error;
    bool empty =
        fs::is_directory(output) &&
        fs::directory_iterator(output, error) == fs::directory_iterator();
    if (!empty) {
      reportError(command, "output " + output +
                               " exists and is not a design written by "
                               "streamtensor; choose another folder");
      return false;
    }
  }
  std::string first = output + ".partial";
  if (fs::exists(first))
    return true;
  for (std::string parent = llvm::sys::path::parent_path(first).str();
       !parent.empty() && !fs::exists(parent);
       parent = llvm::sys::path::parent_path(parent).str())
    first = parent;
  std::string parent = llvm::sys::path::parent_path(first).str();
  if (!parent.empty() && !fs::is_directory(parent)) {
    reportError(command, "-o " + output + ": " + parent + " is not a folder");
    return false;
  }
  if (std::error_code error = fs::create_directory(first)) {
    reportError(command, "-o " + output + ": cannot create " + first + ": " +
                             error.message());
    return false;
  }
  fs::remove(first);
  return true;
}

/// --fifo-depth [KERNEL/]FIFO=DEPTH, as the FIFO sizing pass reads it; the
/// pass itself sees it only at the end of the pipeline.
bool checkFifoDepths(const Arguments &arguments) {
  for (const std::string &entry : arguments.getAll("fifo-depth")) {
    auto [name, depthText] = llvm::StringRef(entry).split('=');
    int64_t depth;
    if (name.empty() || name.ends_with("/") ||
        depthText.getAsInteger(10, depth) || depth < 1) {
      reportError(command, "--fifo-depth: '" + entry +
                               "' is not [KERNEL/]FIFO=DEPTH with a depth of "
                               "at least 1");
      return false;
    }
  }
  return true;
}

/// Folders named by options: --profiles must exist, --dump-ir may not be a
/// file.
bool checkFolders(const Arguments &arguments) {
  std::optional<std::string> profiles = arguments.get("profiles");
  if (profiles && !llvm::sys::fs::is_directory(*profiles)) {
    reportError(command, "--profiles: " + *profiles + " is not a folder");
    return false;
  }
  std::optional<std::string> dump = arguments.get("dump-ir");
  if (dump && llvm::sys::fs::exists(*dump) &&
      !llvm::sys::fs::is_directory(*dump)) {
    reportError(command, "--dump-ir: " + *dump + " is not a folder");
    return false;
  }
  return true;
}

} // namespace

bool streamtensor::driver::checkCompileArguments(const Arguments &arguments,
                                                 const std::string &input,
                                                 const std::string &output) {
  return checkInput(input) && checkFifoDepths(arguments) &&
         checkFolders(arguments) && checkOutput(output);
}
