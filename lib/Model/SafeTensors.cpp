//===- SafeTensors.cpp - Reading and writing .safetensors files -----------===//
//
// Only headers are read when a model is opened: weights run to gigabytes, and
// a compile that needs a handful of tensors (or only their shapes) must not
// pay for all of them. Everything that can be checked from a header is checked
// there, so that a truncated download fails at open, naming the tensor, rather
// than half-way through a compile.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Model/SafeTensors.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/Twine.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

using namespace streamtensor;
using namespace streamtensor::model;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

namespace {

constexpr StringRef kSingleFile = "model.safetensors";
constexpr StringRef kIndexFile = "model.safetensors.index.json";
constexpr StringRef kMetadataKey = "__metadata__";

/// The reference implementation refuses larger headers; so do we, so that a
/// corrupt length cannot make us read gigabytes of tensor data as JSON.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

Error fail(const Twine &message) {
  return llvm::make_error<llvm::StringError>(message,
                                             llvm::inconvertibleErrorCode());
}

/// Tensor names come from the file; escaping keeps every error on one line
/// whatever bytes the name holds.
std::string quoted(StringRef name) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '\'';
  llvm::printEscapedString(name, os);
  os << '\'';
  return text;
}

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '[';
  llvm::interleaveComma(shape, os);
  os << ']';
  return text;
}

/// Bytes per element of the dtypes the format defines; std::nullopt for the
/// others, which are listed but never read (newer writers add dtypes, and
/// refusing the whole file for a tensor nobody asks for would be needless).
std::optional<uint64_t> getDTypeBytes(StringRef dtype) {
  return llvm::StringSwitch<std::optional<uint64_t>>(dtype)
      .Cases({"F64", "I64", "U64"}, 8)
      .Cases({"F32", "I32", "U32"}, 4)
      .Cases({"F16", "BF16", "I16", "U16"}, 2)
      .Cases({"I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2"}, 1)
      .Default(std::nullopt);
}

/// Closes a native file handle on every return path.
class FileCloser {
public:
  explicit FileCloser(llvm::sys::fs::file_t file) : file(file) {}
  FileCloser(const FileCloser &) = delete;
  FileCloser &operator=(const FileCloser &) = delete;
  ~FileCloser() { (void)llvm::sys::fs::closeFile(file); }

private:
  llvm::sys::fs::file_t file;
};

/// An open safetensors file whose header length has been read and bounded.
struct OpenedFile {
  llvm::sys::fs::file_t file;
  uint64_t fileBytes = 0;
  uint64_t headerBytes = 0;
  uint64_t dataStart() const { return 8 + headerBytes; }
  uint64_t dataBytes() const { return fileBytes - dataStart(); }
};

/// Reads the length prefix of `path` (opened as `file`) and checks that the
/// header fits in the file.
Expected<OpenedFile> readPrefix(StringRef path, llvm::sys::fs::file_t file) {
  OpenedFile opened;
  opened.file = file;
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(file, status))
    return fail(path + ": " + ec.message());
  if (status.type() != llvm::sys::fs::file_type::regular_file)
    return fail(path + ": not a regular file");
  opened.fileBytes = status.getSize();
  if (opened.fileBytes < 8)
    return fail(path + ": the file holds " + Twine(opened.fileBytes) +
                " bytes, fewer than the 8-byte header length");

  char prefix[8];
  Expected<size_t> got =
      llvm::sys::fs::readNativeFileSlice(file, prefix, /*Offset=*/0);
  if (!got)
    return fail(path + ": " + llvm::toString(got.takeError()));
  if (*got != sizeof(prefix))
    return fail(path + ": could not read the 8-byte header length");
  opened.headerBytes = llvm::support::endian::read64le(prefix);
  if (opened.headerBytes > opened.fileBytes - 8)
    return fail(path + ": header length " + Twine(opened.headerBytes) +
                " is larger than the file (" + Twine(opened.fileBytes) +
                " bytes)");
  if (opened.headerBytes > kMaxHeaderBytes)
    return fail(path + ": header length " + Twine(opened.headerBytes) +
                " exceeds the format's limit of " + Twine(kMaxHeaderBytes) +
                " bytes");
  return opened;
}

/// A JSON number that must be a non-negative integer.
Expected<uint64_t> getCount(const llvm::json::Value &value,
                            const Twine &context) {
  if (std::optional<uint64_t> count = value.getAsUINT64())
    return *count;
  if (std::optional<int64_t> integer = value.getAsInteger()) {
    if (*integer < 0)
      return fail(context + " is negative (" + Twine(*integer) + ")");
    return static_cast<uint64_t>(*integer);
  }
  return fail(context + " is not an integer");
}

/// Parses one header entry into `tensor` and checks it against the data
/// section's size.
Error parseEntry(StringRef path, StringRef name,
                 const llvm::json::Value &entryValue, uint64_t dataBytes,
                 StoredTensor &tensor) {
  std::string where = (path + ": tensor " + quoted(name)).str();
  const llvm::json::Object *entry = entryValue.getAsObject();
  if (!entry)
    return fail(where + ": header entry is not a JSON object");

  const llvm::json::Value *dtype = entry->get("dtype");
  if (!dtype)
    return fail(where + ": missing field 'dtype'");
  std::optional<StringRef> dtypeName = dtype->getAsString();
  if (!dtypeName)
    return fail(where + ": field 'dtype' is not a string");

  const llvm::json::Value *shapeValue = entry->get("shape");
  if (!shapeValue)
    return fail(where + ": missing field 'shape'");
  const llvm::json::Array *shape = shapeValue->getAsArray();
  if (!shape)
    return fail(where + ": field 'shape' is not an array");

  const llvm::json::Value *offsetsValue = entry->get("data_offsets");
  if (!offsetsValue)
    return fail(where + ": missing field 'data_offsets'");
  const llvm::json::Array *offsets = offsetsValue->getAsArray();
  if (!offsets || offsets->size() != 2)
    return fail(where + ": field 'data_offsets' is not an array of two "
                        "integers");

  tensor.name = name.str();
  tensor.dtype = dtypeName->str();
  tensor.file = path.str();
  tensor.shape.clear();
  // Unsigned so that an absurd shape is caught as overflow rather than
  // wrapping into a plausible element count.
  uint64_t elements = 1;
  bool overflow = false;
  for (auto [dim, value] : llvm::enumerate(*shape)) {
    Expected<uint64_t> size =
        getCount(value, where + ": shape dimension " + Twine(dim));
    if (!size)
      return size.takeError();
    if (*size > uint64_t(std::numeric_limits<int64_t>::max()))
      return fail(where + ": shape dimension " + Twine(dim) + " is too large");
    tensor.shape.push_back(static_cast<int64_t>(*size));
    if (*size != 0 && elements > std::numeric_limits<uint64_t>::max() / *size)
      overflow = true;
    elements *= *size;
  }

  Expected<uint64_t> begin = getCount((*offsets)[0], where + ": data_offsets");
  if (!begin)
    return begin.takeError();
  Expected<uint64_t> end = getCount((*offsets)[1], where + ": data_offsets");
  if (!end)
    return end.takeError();
  tensor.begin = *begin;
  tensor.end = *end;
  std::string offsetsText =
      ("[" + Twine(tensor.begin) + ", " + Twine(tensor.end) + "]").str();
  if (tensor.end < tensor.begin)
    return fail(where + ": data_offsets " + offsetsText + " decrease");
  if (tensor.end > dataBytes)
    return fail(where + ": data ends at byte " + Twine(tensor.end) +
                " but the file holds only " + Twine(dataBytes) +
                " bytes of data");

  std::optional<uint64_t> elementBytes = getDTypeBytes(tensor.dtype);
  if (!elementBytes)
    return Error::success();
  uint64_t held = tensor.end - tensor.begin;
  if (overflow ||
      (elements != 0 &&
       *elementBytes > std::numeric_limits<uint64_t>::max() / elements))
    return fail(where + ": shape " + formatShape(tensor.shape) +
                " is too large");
  uint64_t needed = elements * *elementBytes;
  if (needed != held)
    return fail(where + ": dtype " + tensor.dtype + " and shape " +
                formatShape(tensor.shape) + " need " + Twine(needed) +
                " bytes but data_offsets " + offsetsText + " hold " +
                Twine(held));
  return Error::success();
}

/// The format forbids overlaps and holes. Overlaps mean two tensors alias
/// the same bytes, almost surely a broken writer; holes only waste space, and
/// some writers align tensors, so they pass.
Error checkOverlaps(StringRef path, std::vector<const StoredTensor *> order) {
  // Empty tensors occupy no bytes and overlap nothing.
  llvm::erase_if(order,
                 [](const StoredTensor *t) { return t->begin == t->end; });
  llvm::sort(order, [](const StoredTensor *a, const StoredTensor *b) {
    return std::tie(a->begin, a->end, a->name) <
           std::tie(b->begin, b->end, b->name);
  });
  for (size_t i = 1; i < order.size(); ++i) {
    const StoredTensor *prev = order[i - 1];
    const StoredTensor *next = order[i];
    if (next->begin < prev->end)
      return fail(path + ": tensors " + quoted(prev->name) + " (bytes [" +
                  Twine(prev->begin) + ", " + Twine(prev->end) + ")) and " +
                  quoted(next->name) + " (bytes [" + Twine(next->begin) + ", " +
                  Twine(next->end) + ")) overlap");
  }
  return Error::success();
}

/// Reads and checks the header of one safetensors file.
Expected<std::map<std::string, StoredTensor>> readHeader(StringRef path) {
  Expected<llvm::sys::fs::file_t> file =
      llvm::sys::fs::openNativeFileForRead(path);
  if (!file)
    return fail(path + ": " + llvm::toString(file.takeError()));
  FileCloser closer(*file);
  Expected<OpenedFile> opened = readPrefix(path, *file);
  if (!opened)
    return opened.takeError();

  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> headerBuffer =
      llvm::MemoryBuffer::getOpenFileSlice(*file, path, opened->headerBytes,
                                           /*Offset=*/8);
  if (!headerBuffer)
    return fail(path + ": cannot read the header: " +
                headerBuffer.getError().message());
  Expected<llvm::json::Value> header =
      llvm::json::parse((*headerBuffer)->getBuffer());
  if (!header)
    return fail(path + ": header is not valid JSON: " +
                llvm::toString(header.takeError()));
  const llvm::json::Object *entries = header->getAsObject();
  if (!entries)
    return fail(path + ": header is not a JSON object");

  // Sorted names keep the first reported error the same from run to run
  // (json::Object iterates in hash order).
  std::vector<StringRef> names;
  for (const auto &entry : *entries)
    names.push_back(entry.first);
  llvm::sort(names);

  std::map<std::string, StoredTensor> tensors;
  for (StringRef name : names) {
    const llvm::json::Value &value = *entries->get(name);
    if (name == kMetadataKey) {
      const llvm::json::Object *metadata = value.getAsObject();
      if (!metadata)
        return fail(path + ": " + kMetadataKey + " is not a JSON object");
      for (const auto &item : *metadata)
        if (!item.second.getAsString())
          return fail(path + ": " + kMetadataKey + " entry " +
                      quoted(item.first) + " is not a string");
      continue;
    }
    StoredTensor tensor;
    if (Error error =
            parseEntry(path, name, value, opened->dataBytes(), tensor))
      return std::move(error);
    tensors.emplace(tensor.name, std::move(tensor));
  }

  std::vector<const StoredTensor *> order;
  for (const auto &entry : tensors)
    order.push_back(&entry.second);
  if (Error error = checkOverlaps(path, std::move(order)))
    return std::move(error);
  return tensors;
}

std::string joinPath(StringRef dir, StringRef file) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, file);
  return std::string(path);
}

/// A shard name must be a bare file name: the index is data from the
/// internet, and must not make us read files outside the model folder.
bool isPlainFileName(StringRef name) {
  return !name.empty() && name != "." && name != ".." &&
         llvm::sys::path::filename(name) == name && !name.contains('/') &&
         !name.contains('\\');
}

Expected<std::map<std::string, StoredTensor>> readSharded(StringRef dir,
                                                          StringRef indexPath) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> indexBuffer =
      llvm::MemoryBuffer::getFile(indexPath, /*IsText=*/true);
  if (!indexBuffer)
    return fail(indexPath + ": " + indexBuffer.getError().message());
  Expected<llvm::json::Value> index =
      llvm::json::parse((*indexBuffer)->getBuffer());
  if (!index)
    return fail(indexPath +
                ": not valid JSON: " + llvm::toString(index.takeError()));
  const llvm::json::Object *root = index->getAsObject();
  if (!root)
    return fail(indexPath + ": not a JSON object");
  const llvm::json::Value *weightMapValue = root->get("weight_map");
  if (!weightMapValue)
    return fail(indexPath + ": missing field 'weight_map'");
  const llvm::json::Object *weightMap = weightMapValue->getAsObject();
  if (!weightMap)
    return fail(indexPath + ": field 'weight_map' is not a JSON object");

  std::vector<StringRef> names;
  for (const auto &entry : *weightMap)
    names.push_back(entry.first);
  llvm::sort(names);

  // Shards hold many tensors each: parse each header once.
  std::map<std::string, std::map<std::string, StoredTensor>> shards;
  std::map<std::string, StoredTensor> tensors;
  for (StringRef name : names) {
    std::optional<StringRef> shard = weightMap->get(name)->getAsString();
    if (!shard)
      return fail(indexPath + ": weight_map entry for tensor " + quoted(name) +
                  " is not a string");
    if (!isPlainFileName(*shard))
      return fail(indexPath + ": shard " + quoted(*shard) +
                  " (named for tensor " + quoted(name) +
                  ") is not a plain file name");
    auto found = shards.find(shard->str());
    if (found == shards.end()) {
      std::string shardPath = joinPath(dir, *shard);
      if (!llvm::sys::fs::exists(shardPath))
        return fail(indexPath + ": shard " + quoted(*shard) +
                    " (named for tensor " + quoted(name) + ") does not exist");
      Expected<std::map<std::string, StoredTensor>> header =
          readHeader(shardPath);
      if (!header)
        return header.takeError();
      found = shards.emplace(shard->str(), std::move(*header)).first;
    }
    auto tensor = found->second.find(name.str());
    if (tensor == found->second.end())
      return fail(indexPath + ": tensor " + quoted(name) +
                  " is mapped to shard " + quoted(*shard) +
                  " which does not hold it");
    tensors.emplace(tensor->first, tensor->second);
  }
  return tensors;
}

/// The file to blame for a missing tensor. WeightStore keeps only the tensor
/// list, so the source is recovered from it: one file, or the index beside
/// the shards (shard names are plain file names, so all share a folder).
std::string describeSource(const std::map<std::string, StoredTensor> &tensors) {
  if (tensors.empty())
    return "(empty weight store)";
  StringRef first = tensors.begin()->second.file;
  bool oneFile = llvm::all_of(
      tensors, [&](const auto &entry) { return entry.second.file == first; });
  if (oneFile)
    return first.str();
  return joinPath(llvm::sys::path::parent_path(first), kIndexFile);
}

} // namespace

//===----------------------------------------------------------------------===//
// Half-precision decoding
//===----------------------------------------------------------------------===//

float streamtensor::model::convertHalfToFloat(uint16_t bits) {
  uint32_t sign = uint32_t(bits >> 15) << 31;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t mantissa = bits & 0x3ff;
  if (exponent == 0) {
    // Zero or subnormal: mantissa * 2^-24, exact in float's wider range.
    float magnitude = std::ldexp(static_cast<float>(mantissa), -24);
    return sign ? -magnitude : magnitude;
  }
  if (exponent == 0x1f)
    // Infinity, or NaN with its payload kept in the top mantissa bits.
    return llvm::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  return llvm::bit_cast<float>(sign | ((exponent - 15 + 127) << 23) |
                               (mantissa << 13));
}

float streamtensor::model::convertBFloat16ToFloat(uint16_t bits) {
  return llvm::bit_cast<float>(uint32_t(bits) << 16);
}

//===----------------------------------------------------------------------===//
// WeightStore
//===----------------------------------------------------------------------===//

bool WeightStore::hasWeights(StringRef dir) {
  return llvm::sys::fs::exists(joinPath(dir, kIndexFile)) ||
         llvm::sys::fs::exists(joinPath(dir, kSingleFile));
}

Expected<WeightStore> WeightStore::open(StringRef dir) {
  std::string indexPath = joinPath(dir, kIndexFile);
  std::string singlePath = joinPath(dir, kSingleFile);
  // The index wins when both exist: a folder converted to shards may keep
  // a stale single file.
  bool sharded = llvm::sys::fs::exists(indexPath);
  if (!sharded && !llvm::sys::fs::exists(singlePath))
    return fail(dir + ": no " + kSingleFile + " or " + kIndexFile);
  Expected<std::map<std::string, StoredTensor>> tensors =
      sharded ? readSharded(dir, indexPath) : readHeader(singlePath);
  if (!tensors)
    return tensors.takeError();
  WeightStore store;
  store.tensors = std::move(*tensors);
  return store;
}

const StoredTensor *WeightStore::find(StringRef name) const {
  auto found = tensors.find(name.str());
  return found == tensors.end() ? nullptr : &found->second;
}

Expected<std::vector<float>>
WeightStore::readFloat32(StringRef name,
                         const std::vector<int64_t> &expectedShape) const {
  const StoredTensor *tensor = find(name);
  if (!tensor)
    return fail(describeSource(tensors) + ": no tensor " + quoted(name));
  std::string where = tensor->file + ": tensor " + quoted(name);
  if (tensor->shape != expectedShape)
    return fail(where + " has shape " + formatShape(tensor->shape) +
                ", expected " + formatShape(expectedShape));
  uint64_t elementBytes;
  if (tensor->dtype == "F32")
    elementBytes = 4;
  else if (tensor->dtype == "F16" || tensor->dtype == "BF16")
    elementBytes = 2;
  else
    return fail(where + " has dtype " + tensor->dtype +
                "; only F32, F16 and BF16 weights are read");

  // open() checked the byte count against the shape for these dtypes, so
  // the element count is bounded by the file's size.
  uint64_t bytes = tensor->end - tensor->begin;
  uint64_t elements = bytes / elementBytes;
  std::vector<float> values;
  if (elements == 0)
    return values;

  Expected<llvm::sys::fs::file_t> file =
      llvm::sys::fs::openNativeFileForRead(tensor->file);
  if (!file)
    return fail(tensor->file + ": " + llvm::toString(file.takeError()));
  FileCloser closer(*file);
  // The file may have changed since open(); a mapping past its end would
  // fault (or read zeros), so the bounds are checked again on this handle.
  Expected<OpenedFile> opened = readPrefix(tensor->file, *file);
  if (!opened)
    return opened.takeError();
  if (tensor->end > opened->dataBytes())
    return fail(where + ": data ends at byte " + Twine(tensor->end) +
                " but the file now holds only " + Twine(opened->dataBytes()) +
                " bytes of data (changed since it was opened?)");
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getOpenFileSlice(
          *file, tensor->file, bytes,
          static_cast<int64_t>(opened->dataStart() + tensor->begin));
  if (!buffer)
    return fail(where +
                ": cannot read the data: " + buffer.getError().message());

  const char *data = (*buffer)->getBufferStart();
  values.resize(elements);
  using llvm::support::endian::read16le;
  using llvm::support::endian::read32le;
  if (tensor->dtype == "F32") {
    for (uint64_t i = 0; i < elements; ++i)
      values[i] = llvm::bit_cast<float>(read32le(data + 4 * i));
  } else if (tensor->dtype == "F16") {
    for (uint64_t i = 0; i < elements; ++i)
      values[i] = convertHalfToFloat(read16le(data + 2 * i));
  } else {
    for (uint64_t i = 0; i < elements; ++i)
      values[i] = convertBFloat16ToFloat(read16le(data + 2 * i));
  }
  return values;
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

Error streamtensor::model::writeSafeTensors(
    StringRef path, const std::vector<TensorToWrite> &tensors) {
  // Validate everything first so that a bad argument leaves no temporary.
  std::vector<uint64_t> elementCounts;
  std::map<std::string, size_t> seen;
  for (const TensorToWrite &tensor : tensors) {
    std::string where = (path + ": tensor " + quoted(tensor.name)).str();
    if (tensor.name.empty() || tensor.name == kMetadataKey)
      return fail(path + ": invalid tensor name " + quoted(tensor.name));
    if (!seen.emplace(tensor.name, seen.size()).second)
      return fail(where + " is listed twice");
    uint64_t elements = 1;
    for (int64_t dim : tensor.shape) {
      if (dim < 0)
        return fail(where + " has negative shape " + formatShape(tensor.shape));
      if (dim != 0 &&
          elements > std::numeric_limits<uint64_t>::max() / 4 / uint64_t(dim))
        return fail(where + " has shape " + formatShape(tensor.shape) +
                    ", too large");
      elements *= uint64_t(dim);
    }
    if (elements != 0 && !tensor.data)
      return fail(where + " has no data");
    elementCounts.push_back(elements);
  }

  std::string header;
  {
    llvm::raw_string_ostream os(header);
    llvm::json::OStream json(os);
    uint64_t offset = 0;
    json.object([&] {
      for (auto [tensor, elements] : llvm::zip_equal(tensors, elementCounts)) {
        uint64_t end = offset + 4 * elements;
        // A lambda may not capture a structured binding before C++20.
        const std::vector<int64_t> &shape = tensor.shape;
        json.attributeObject(tensor.name, [&] {
          json.attribute("dtype", "F32");
          json.attributeArray("shape", [&] {
            for (int64_t dim : shape)
              json.value(dim);
          });
          json.attributeArray("data_offsets", [&] {
            json.value(offset);
            json.value(end);
          });
        });
        offset = end;
      }
    });
  }
  // The data section then starts 8-byte aligned, as the format recommends,
  // so that readers may map F64/I64 data in place.
  header.append((8 - header.size() % 8) % 8, ' ');

  std::string tempPath =
      (path + ".tmp-" + Twine(llvm::sys::Process::getProcessId())).str();
  std::error_code ec;
  {
    llvm::raw_fd_ostream os(tempPath, ec, llvm::sys::fs::OF_None);
    if (ec)
      return fail(path + ": cannot create " + tempPath + ": " + ec.message());
    char prefix[8];
    llvm::support::endian::write64le(prefix, header.size());
    os.write(prefix, sizeof(prefix));
    os << header;
    // Converted in chunks: byte order must not depend on the host, and a
    // copy of a whole multi-gigabyte tensor would double peak memory.
    constexpr size_t kChunk = 16384;
    std::vector<char> chunk(4 * kChunk);
    for (auto [tensor, elements] : llvm::zip_equal(tensors, elementCounts)) {
      for (uint64_t first = 0; first < elements; first += kChunk) {
        size_t count = std::min<uint64_t>(kChunk, elements - first);
        for (size_t i = 0; i < count; ++i)
          llvm::support::endian::write32le(
              chunk.data() + 4 * i,
              llvm::bit_cast<uint32_t>(tensor.data[first + i]));
        os.write(chunk.data(), 4 * count);
      }
    }
    os.close();
    if (os.has_error()) {
      ec = os.error();
      // raw_fd_ostream aborts on destruction with an unhandled error.
      os.clear_error();
    }
  }
  if (ec) {
    (void)llvm::sys::fs::remove(tempPath);
    return fail(path + ": cannot write " + tempPath + ": " + ec.message());
  }
  if ((ec = llvm::sys::fs::rename(tempPath, path))) {
    (void)llvm::sys::fs::remove(tempPath);
    return fail(path + ": cannot rename " + tempPath +
                " into place: " + ec.message());
  }
  return Error::success();
}
