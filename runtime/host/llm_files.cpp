// Raw little-endian files: the packed parameters and the host's outputs.
#include "llm_model.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

std::vector<char> llm::readBytes(const std::string &path, size_t bytes) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file)
    throw std::runtime_error("cannot open " + path);
  std::vector<char> data(bytes);
  size_t read = std::fread(data.data(), 1, bytes, file);
  // A longer file is as wrong as a shorter one: it was packed for another
  // design.
  bool extra = std::fgetc(file) != EOF;
  std::fclose(file);
  if (read != bytes || extra)
    throw std::runtime_error(path + " does not hold " + std::to_string(bytes) +
                             " bytes");
  return data;
}

std::vector<float> llm::readTensor(const std::string &path, size_t count) {
  std::vector<char> bytes = readBytes(path, count * sizeof(float));
  std::vector<float> data(count);
  std::memcpy(data.data(), bytes.data(), bytes.size());
  return data;
}

void llm::writeBytes(const std::string &path, const void *data, size_t bytes) {
  std::FILE *file = std::fopen(path.c_str(), "wb");
  bool ok = file && std::fwrite(data, 1, bytes, file) == bytes;
  if (file)
    ok &= std::fclose(file) == 0;
  if (!ok)
    throw std::runtime_error("cannot write " + path);
}
