//===- SafeTensorsFuzzer.cpp - Fuzz the safetensors reader ----------------===//
//
// The reader works on files (it reads a header slice and maps tensor data on
// demand), so the input is written to a file in a scratch folder and read
// back the way a compile does: WeightStore::open, then readFloat32 of every
// tensor it lists.
//
// An input starting with '{' is written as model.safetensors.index.json
// instead, beside a fixed valid shard (shard.safetensors, holding "a" and
// "b"), so that the index reader is fuzzed too, its shard-name checks
// included.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "streamtensor/Model/SafeTensors.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace streamtensor;
using namespace streamtensor::model;
using fuzz::check;

namespace {

std::string scratchDir;

std::string pathIn(llvm::StringRef name) {
  llvm::SmallString<128> path(scratchDir);
  llvm::sys::path::append(path, name);
  return std::string(path);
}

void writeFile(llvm::StringRef name, llvm::StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(pathIn(name), ec);
  check(!ec, "cannot write " + pathIn(name) + ": " + ec.message());
  os << bytes;
}

void removeScratchDir() {
  for (const char *name : {"model.safetensors", "model.safetensors.index.json",
                           "shard.safetensors"})
    (void)llvm::sys::fs::remove(pathIn(name));
  (void)llvm::sys::fs::remove(scratchDir);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  // In memory when possible: a disk mounted with `discard` makes every
  // rewrite of the file wait for the device, ten times slower.
  llvm::SmallString<128> dir;
  std::error_code ec =
      llvm::sys::fs::is_directory("/dev/shm")
          ? llvm::sys::fs::createUniqueDirectory("/dev/shm/streamtensor-fuzz",
                                                 dir)
          : llvm::sys::fs::createUniqueDirectory("streamtensor-fuzz", dir);
  check(!ec, "cannot create a scratch folder: " + ec.message());
  scratchDir = std::string(dir);
  std::atexit(removeScratchDir);

  float values[] = {1, 2, 3, 4, 5, 6};
  check(!writeSafeTensors(pathIn("shard.safetensors"),
                          {{"a", {2, 2}, values}, {"b", {2}, values + 4}}),
        "cannot write the fixed shard");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  bool isIndex = bytes.starts_with("{");
  // The index wins when both files exist: only one is there at a time.
  (void)llvm::sys::fs::remove(
      pathIn(isIndex ? "model.safetensors" : "model.safetensors.index.json"),
      /*IgnoreNonExisting=*/true);
  std::string file =
      pathIn(isIndex ? "model.safetensors.index.json" : "model.safetensors");
  writeFile(llvm::sys::path::filename(file), bytes);

  llvm::Expected<WeightStore> store = WeightStore::open(scratchDir);
  if (!store) {
    // Errors about a shard name the shard's path; all are in the folder.
    fuzz::checkErrorMessage(store.takeError(), scratchDir + "/");
    return 0;
  }
  for (const auto &[name, tensor] : store->getTensors()) {
    check(store->find(name) == &tensor, "tensor lookup");
    check(tensor.begin <= tensor.end, "data offsets decrease");
    llvm::Expected<std::vector<float>> values =
        store->readFloat32(name, tensor.shape);
    if (!values) {
      check(tensor.dtype != "F32" && tensor.dtype != "F16" &&
                tensor.dtype != "BF16",
            "a readable tensor of an accepted file could not be read");
      fuzz::checkErrorMessage(values.takeError(), scratchDir + "/");
      continue;
    }
    uint64_t elements = 1;
    for (int64_t dim : tensor.shape)
      elements *= static_cast<uint64_t>(dim);
    check(values->size() == elements, "element count differs from the shape");
  }
  return 0;
}
