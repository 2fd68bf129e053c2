//===- SafeTensors.h - Reading and writing .safetensors files ---*- C++ -*-===//
//
// The safetensors format: an 8-byte little-endian header length, a JSON
// header mapping tensor names to {dtype, shape, data_offsets}, then the raw
// little-endian data. Models come as one model.safetensors or as shards
// listed by model.safetensors.index.json ({"weight_map": {name: file}}).
//
// Plain C++ on LLVMSupport: no MLIR dependency.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_MODEL_SAFETENSORS_H
#define STREAMTENSOR_MODEL_SAFETENSORS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace streamtensor::model {

struct StoredTensor {
  std::string name;
  /// "F32", "F16" or "BF16" (others are listed but refused when read).
  std::string dtype;
  std::vector<int64_t> shape;
  /// The file holding it, and its bytes within the data section.
  std::string file;
  uint64_t begin = 0;
  uint64_t end = 0;
};

/// The tensors of one model folder. Files are memory-mapped lazily.
class WeightStore {
public:
  /// Opens `dir`/model.safetensors.index.json (sharded) or
  /// `dir`/model.safetensors. Headers of every file are read and checked
  /// here (header length within the file, valid JSON, known fields, offsets
  /// in order and within the file, byte counts matching dtype and shape, a
  /// shard named in the index that does not exist); errors name the file and
  /// the tensor. Returns an error when neither file exists.
  static llvm::Expected<WeightStore> open(llvm::StringRef dir);

  /// Whether `dir` holds weights at all (either file exists).
  static bool hasWeights(llvm::StringRef dir);

  const StoredTensor *find(llvm::StringRef name) const;
  const std::map<std::string, StoredTensor> &getTensors() const {
    return tensors;
  }

  /// The tensor as float32 (F16 and BF16 converted exactly), checked
  /// against `expectedShape`: "<file>: tensor '<name>' has shape [a, b],
  /// expected [c, d]".
  llvm::Expected<std::vector<float>>
  readFloat32(llvm::StringRef name,
              const std::vector<int64_t> &expectedShape) const;

private:
  std::map<std::string, StoredTensor> tensors;
};

struct TensorToWrite {
  std::string name;
  std::vector<int64_t> shape;
  const float *data = nullptr;
};

/// Writes an F32 safetensors file (tensors in the given order, 8-byte
/// aligned header as the format recommends). The file appears complete or
/// not at all (written to a temporary then renamed).
llvm::Error writeSafeTensors(llvm::StringRef path,
                             const std::vector<TensorToWrite> &tensors);

/// Decoding of the two half-precision formats (exact).
float convertHalfToFloat(uint16_t bits);
float convertBFloat16ToFloat(uint16_t bits);

} // namespace streamtensor::model

#endif // STREAMTENSOR_MODEL_SAFETENSORS_H
