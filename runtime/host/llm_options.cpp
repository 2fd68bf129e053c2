// Parses the command line strictly: a malformed number or id is an error,
// never a silent 0.
#include "llm_options.h"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

const char *const llm::usage =
    "usage: llm_host <params-dir> <out-dir> (--prompt IDS | --prompt-file "
    "FILE) [--steps N] [--top-k K] [--temperature T] [--seed S] [--golden DIR "
    "[--tolerance T]] [--xclbin FILE] [--device N]";

namespace {

long long parseInteger(const std::string &text, const std::string &what,
                       long long low, long long high) {
  errno = 0;
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end || errno || value < low || value > high)
    throw std::runtime_error(what + ": '" + text + "' is not an integer in [" +
                             std::to_string(low) + ", " + std::to_string(high) +
                             "]");
  return value;
}

double parseNumber(const std::string &text, const std::string &what) {
  errno = 0;
  char *end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end || errno || !(value >= 0))
    throw std::runtime_error(what + ": '" + text +
                             "' is not a non-negative number");
  return value;
}

std::string readFile(const std::string &path) {
  std::ifstream file(path);
  if (!file)
    throw std::runtime_error("--prompt-file: cannot open " + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

} // namespace

std::vector<int> llm::parseIds(const std::string &text,
                               const std::string &source) {
  std::vector<int> ids;
  std::stringstream pieces(text);
  bool commas = text.find(',') != std::string::npos;
  for (std::string piece; std::getline(pieces, piece, ',');) {
    std::stringstream items(piece);
    size_t before = ids.size();
    for (std::string item; items >> item;) {
      errno = 0;
      char *end = nullptr;
      long long id = std::strtoll(item.c_str(), &end, 10);
      if (*end || errno || id < 0 || id > 0x7fffffff)
        throw std::runtime_error(source + ": '" + item + "' is not a token id");
      ids.push_back(int(id));
    }
    // "1,,2" or a trailing comma is a typo, not an empty id to skip.
    if (commas && ids.size() == before)
      throw std::runtime_error(source + ": an empty token id between commas");
  }
  if (commas && text.find_last_not_of(" \t\r\n") != std::string::npos &&
      text[text.find_last_not_of(" \t\r\n")] == ',')
    throw std::runtime_error(source + ": an empty token id after the last "
                                      "comma");
  if (ids.empty())
    throw std::runtime_error(source + ": no token ids");
  return ids;
}

llm::Options llm::parseOptions(int argc, char **argv) {
  if (argc < 3)
    throw std::runtime_error(usage);
  Options options;
  options.params = argv[1];
  options.outputs = argv[2];
  bool prompted = false;
  for (int index = 3; index < argc; ++index) {
    std::string name = argv[index];
    if (index + 1 >= argc)
      throw std::runtime_error(name + " needs a value (" + usage + ")");
    std::string value = argv[++index];
    if (name == "--prompt" || name == "--prompt-file") {
      if (prompted)
        throw std::runtime_error("give one of --prompt and --prompt-file");
      prompted = true;
      options.prompt = name == "--prompt" ? parseIds(value, "--prompt")
                                          : parseIds(readFile(value),
                                                     "--prompt-file " + value);
    } else if (name == "--steps") {
      options.steps = int(parseInteger(value, name, 0, 1 << 20));
    } else if (name == "--top-k") {
      options.sampling.topK = int(parseInteger(value, name, 0, 1 << 30));
    } else if (name == "--temperature") {
      options.sampling.temperature = parseNumber(value, name);
    } else if (name == "--seed") {
      options.sampling.seed =
          uint64_t(parseInteger(value, name, 0, 0x7fffffffffffffffLL));
    } else if (name == "--golden") {
      options.golden = value;
    } else if (name == "--tolerance") {
      options.tolerance = parseNumber(value, name);
    } else if (name == "--xclbin") {
      options.backend.xclbin = value;
    } else if (name == "--device") {
      options.backend.device = unsigned(parseInteger(value, name, 0, 1 << 16));
    } else {
      throw std::runtime_error("unknown option " + name + " (" + usage + ")");
    }
  }
  if (!prompted)
    throw std::runtime_error("give the prompt's token ids with --prompt IDS "
                             "or --prompt-file FILE");
  return options;
}
