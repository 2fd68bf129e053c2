//===- SafeTensorsTest.cpp - Reading and writing .safetensors files -------===//
//
// Files are built byte by byte in a temporary folder, so that each malformed
// header the reader must refuse is spelled out next to the message expected.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Model/SafeTensors.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

using namespace streamtensor::model;
using llvm::StringRef;

namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

class SafeTensorsTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::error_code ec =
        llvm::sys::fs::createUniqueDirectory("safetensors-test", dir);
    ASSERT_FALSE(ec) << ec.message();
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string path(StringRef name) const {
    llvm::SmallString<256> result(dir);
    llvm::sys::path::append(result, name);
    return std::string(result);
  }

  /// Writes `bytes` to `name` in the temporary folder; returns its path.
  std::string writeFile(StringRef name, StringRef bytes) const {
    std::string filePath = path(name);
    std::error_code ec;
    llvm::raw_fd_ostream os(filePath, ec);
    EXPECT_FALSE(ec) << ec.message();
    os << bytes;
    return filePath;
  }

  /// Writes model.safetensors from a header and a data section.
  std::string writeModel(StringRef header, StringRef data = "") const {
    return writeFile("model.safetensors", buildFile(header, data));
  }

  static std::string buildFile(StringRef header, StringRef data) {
    char prefix[8];
    llvm::support::endian::write64le(prefix, header.size());
    return std::string(prefix, 8) + header.str() + data.str();
  }

  std::string readBack(StringRef name) const {
    auto buffer = llvm::MemoryBuffer::getFile(path(name));
    EXPECT_TRUE(bool(buffer));
    return buffer ? (*buffer)->getBuffer().str() : std::string();
  }

  llvm::SmallString<128> dir;
};

std::string little16(const std::vector<uint16_t> &values) {
  std::string bytes(2 * values.size(), '\0');
  for (size_t i = 0; i < values.size(); ++i)
    llvm::support::endian::write16le(&bytes[2 * i], values[i]);
  return bytes;
}

std::string little32(const std::vector<float> &values) {
  std::string bytes(4 * values.size(), '\0');
  for (size_t i = 0; i < values.size(); ++i)
    llvm::support::endian::write32le(&bytes[4 * i],
                                     llvm::bit_cast<uint32_t>(values[i]));
  return bytes;
}

/// Expects `result` to fail with a one-line message holding every piece.
template <typename T>
void expectError(llvm::Expected<T> result,
                 const std::vector<std::string> &pieces) {
  ASSERT_FALSE(bool(result)) << "expected an error holding " << pieces[0];
  std::string message = llvm::toString(result.takeError());
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  for (const std::string &piece : pieces)
    EXPECT_NE(message.find(piece), std::string::npos)
        << "'" << piece << "' not in: " << message;
}

void expectError(llvm::Error error, const std::vector<std::string> &pieces) {
  ASSERT_TRUE(bool(error)) << "expected an error holding " << pieces[0];
  std::string message = llvm::toString(std::move(error));
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  for (const std::string &piece : pieces)
    EXPECT_NE(message.find(piece), std::string::npos)
        << "'" << piece << "' not in: " << message;
}

/// Bit equality, so that NaN payloads and the sign of zero count.
void expectSameBits(const std::vector<float> &actual,
                    const std::vector<float> &expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i)
    EXPECT_EQ(llvm::bit_cast<uint32_t>(actual[i]),
              llvm::bit_cast<uint32_t>(expected[i]))
        << "element " << i << ": " << actual[i] << " vs " << expected[i];
}

//===----------------------------------------------------------------------===//
// Writing and reading F32
//===----------------------------------------------------------------------===//

TEST_F(SafeTensorsTest, RoundTripF32) {
  std::vector<float> weight = {
      1.0f, -2.5f, 0.0f, -0.0f, 1e-40f, std::numeric_limits<float>::max()};
  std::vector<float> bias = {std::numeric_limits<float>::infinity(),
                             std::numeric_limits<float>::quiet_NaN(), 3.25f};
  // Written in an order that is not sorted: the header keeps it.
  ASSERT_FALSE(bool(writeSafeTensors(
      path("model.safetensors"),
      {{"z.weight", {2, 3}, weight.data()}, {"a.bias", {3}, bias.data()}})));

  std::string bytes = readBack("model.safetensors");
  ASSERT_GE(bytes.size(), 8u);
  uint64_t headerBytes = llvm::support::endian::read64le(bytes.data());
  EXPECT_EQ((8 + headerBytes) % 8, 0u);
  EXPECT_EQ(bytes.size(), 8 + headerBytes + 4 * (6 + 3));
  StringRef header = StringRef(bytes).substr(8, headerBytes);
  EXPECT_LT(header.find("z.weight"), header.find("a.bias")) << header.str();
  // Little-endian whatever the host: 1.0f is 00 00 80 3f.
  EXPECT_EQ(StringRef(bytes).substr(8 + headerBytes, 4),
            StringRef("\x00\x00\x80\x3f", 4));

  // Only the file itself is left: the temporary was renamed.
  std::error_code ec;
  int entries = 0;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    ++entries;
  EXPECT_EQ(entries, 1);

  ASSERT_TRUE(WeightStore::hasWeights(dir));
  auto store = WeightStore::open(dir);
  ASSERT_TRUE(bool(store)) << llvm::toString(store.takeError());
  ASSERT_EQ(store->getTensors().size(), 2u);
  const StoredTensor *stored = store->find("z.weight");
  ASSERT_NE(stored, nullptr);
  EXPECT_EQ(stored->dtype, "F32");
  EXPECT_EQ(stored->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(stored->file, path("model.safetensors"));
  EXPECT_EQ(stored->begin, 0u);
  EXPECT_EQ(stored->end, 24u);
  EXPECT_EQ(store->find("a.bias")->begin, 24u);
  EXPECT_EQ(store->find("missing"), nullptr);

  auto readWeight = store->readFloat32("z.weight", {2, 3});
  ASSERT_TRUE(bool(readWeight)) << llvm::toString(readWeight.takeError());
  expectSameBits(*readWeight, weight);
  auto readBias = store->readFloat32("a.bias", {3});
  ASSERT_TRUE(bool(readBias)) << llvm::toString(readBias.takeError());
  expectSameBits(*readBias, bias);
}

TEST_F(SafeTensorsTest, ScalarsAndEmptyTensors) {
  float scalar = 7.0f;
  ASSERT_FALSE(bool(
      writeSafeTensors(path("model.safetensors"),
                       {{"empty", {0, 4}, nullptr}, {"scalar", {}, &scalar}})));
  auto store = WeightStore::open(dir);
  ASSERT_TRUE(bool(store)) << llvm::toString(store.takeError());
  auto empty = store->readFloat32("empty", {0, 4});
  ASSERT_TRUE(bool(empty)) << llvm::toString(empty.takeError());
  EXPECT_TRUE(empty->empty());
  auto value = store->readFloat32("scalar", {});
  ASSERT_TRUE(bool(value)) << llvm::toString(value.takeError());
  expectSameBits(*value, {7.0f});
}

TEST_F(SafeTensorsTest, WriteErrorsNameThePath) {
  float value = 1.0f;
  std::string nowhere = path("no-such-folder/model.safetensors");
  expectError(writeSafeTensors(nowhere, {{"x", {1}, &value}}), {nowhere});
  std::string target = path("out.safetensors");
  expectError(
      writeSafeTensors(target, {{"x", {1}, &value}, {"x", {1}, &value}}),
      {target, "'x'", "twice"});
  expectError(writeSafeTensors(target, {{"x", {-1}, &value}}),
              {target, "'x'", "negative"});
  expectError(writeSafeTensors(target, {{"x", {2}, nullptr}}),
              {target, "'x'", "no data"});
  EXPECT_FALSE(llvm::sys::fs::exists(target));
}

//===----------------------------------------------------------------------===//
// Half precision
//===----------------------------------------------------------------------===//

TEST(SafeTensorsHalf, KnownValues) {
  EXPECT_EQ(convertHalfToFloat(0x3c00), 1.0f);
  EXPECT_EQ(convertHalfToFloat(0xc100), -2.5f);
  EXPECT_EQ(convertHalfToFloat(0x7bff), 65504.0f);
  EXPECT_EQ(convertHalfToFloat(0x0400), std::ldexp(1.0f, -14));
  EXPECT_EQ(convertHalfToFloat(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(convertHalfToFloat(0x83ff), -std::ldexp(1023.0f, -24));
  EXPECT_EQ(convertHalfToFloat(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(convertHalfToFloat(0xfc00),
            -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(convertHalfToFloat(0x7e00)));
  EXPECT_TRUE(std::isnan(convertHalfToFloat(0x7c01)));
  EXPECT_TRUE(std::signbit(convertHalfToFloat(0x8000)));
  EXPECT_EQ(convertHalfToFloat(0x8000), 0.0f);
}

/// Every finite half is (-1)^s * 2^(e-15) * (1 + m/1024), or
/// (-1)^s * 2^-14 * m/1024 when e is 0; double holds each exactly.
TEST(SafeTensorsHalf, AllFiniteValuesExact) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    uint32_t exponent = (bits >> 10) & 0x1f;
    if (exponent == 0x1f)
      continue;
    double mantissa = bits & 0x3ff;
    double magnitude =
        exponent == 0 ? std::ldexp(mantissa / 1024.0, -14)
                      : std::ldexp(1.0 + mantissa / 1024.0, int(exponent) - 15);
    double expected = (bits & 0x8000) ? -magnitude : magnitude;
    float actual = convertHalfToFloat(uint16_t(bits));
    ASSERT_EQ(double(actual), expected) << "bits 0x" << std::hex << bits;
    ASSERT_EQ(std::signbit(actual), bool(bits & 0x8000));
  }
}

TEST(SafeTensorsHalf, BFloat16KnownValues) {
  EXPECT_EQ(convertBFloat16ToFloat(0x3f80), 1.0f);
  EXPECT_EQ(convertBFloat16ToFloat(0xc020), -2.5f);
  EXPECT_EQ(convertBFloat16ToFloat(0x477f), 65280.0f);
  EXPECT_EQ(convertBFloat16ToFloat(0x0001), std::ldexp(1.0f, -133));
  EXPECT_EQ(convertBFloat16ToFloat(0x7f80),
            std::numeric_limits<float>::infinity());
  EXPECT_EQ(convertBFloat16ToFloat(0xff80),
            -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(convertBFloat16ToFloat(0x7fc0)));
}

TEST_F(SafeTensorsTest, ReadsF16AndBF16Files) {
  std::vector<uint16_t> half = {0x3c00, 0xc100, 0x7bff, 0x0001, 0x7c00, 0x8000};
  std::vector<uint16_t> brain = {0x3f80, 0xc020, 0x477f,
                                 0x0001, 0x7f80, 0x8000};
  std::string data = little16(half) + little16(brain);
  writeModel(R"({"h":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]},)"
             R"("b":{"dtype":"BF16","shape":[6],"data_offsets":[12,24]}})",
             data);
  auto store = WeightStore::open(dir);
  ASSERT_TRUE(bool(store)) << llvm::toString(store.takeError());
  float inf = std::numeric_limits<float>::infinity();
  auto h = store->readFloat32("h", {2, 3});
  ASSERT_TRUE(bool(h)) << llvm::toString(h.takeError());
  expectSameBits(*h,
                 {1.0f, -2.5f, 65504.0f, std::ldexp(1.0f, -24), inf, -0.0f});
  auto b = store->readFloat32("b", {6});
  ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
  expectSameBits(*b,
                 {1.0f, -2.5f, 65280.0f, std::ldexp(1.0f, -133), inf, -0.0f});
}

//===----------------------------------------------------------------------===//
// Sharded models
//===----------------------------------------------------------------------===//

TEST_F(SafeTensorsTest, ShardedModel) {
  std::vector<float> first = {1, 2, 3, 4};
  std::vector<float> second = {5, 6};
  std::vector<float> third = {7};
  ASSERT_FALSE(bool(writeSafeTensors(path("model-00001-of-00002.safetensors"),
                                     {{"embed", {2, 2}, first.data()}})));
  ASSERT_FALSE(bool(writeSafeTensors(
      path("model-00002-of-00002.safetensors"),
      {{"norm", {2}, second.data()}, {"head", {1}, third.data()}})));
  writeFile("model.safetensors.index.json",
            R"({"metadata": {"total_size": 28}, "weight_map": {)"
            R"("embed": "model-00001-of-00002.safetensors",)"
            R"("norm": "model-00002-of-00002.safetensors",)"
            R"("head": "model-00002-of-00002.safetensors"}})");
  ASSERT_TRUE(WeightStore::hasWeights(dir));
  auto store = WeightStore::open(dir);
  ASSERT_TRUE(bool(store)) << llvm::toString(store.takeError());
  EXPECT_EQ(store->getTensors().size(), 3u);
  EXPECT_EQ(store->find("embed")->file,
            path("model-00001-of-00002.safetensors"));
  EXPECT_EQ(store->find("head")->file,
            path("model-00002-of-00002.safetensors"));

  auto embed = store->readFloat32("embed", {2, 2});
  ASSERT_TRUE(bool(embed)) << llvm::toString(embed.takeError());
  expectSameBits(*embed, first);
  auto norm = store->readFloat32("norm", {2});
  ASSERT_TRUE(bool(norm)) << llvm::toString(norm.takeError());
  expectSameBits(*norm, second);
  auto head = store->readFloat32("head", {1});
  ASSERT_TRUE(bool(head)) << llvm::toString(head.takeError());
  expectSameBits(*head, third);

  // A name absent from every shard is blamed on the index.
  expectError(store->readFloat32("lm_head", {1}),
              {path("model.safetensors.index.json"), "no tensor 'lm_head'"});
}

TEST_F(SafeTensorsTest, ShardedIndexWinsOverSingleFile) {
  float one = 1.0f, two = 2.0f;
  ASSERT_FALSE(bool(
      writeSafeTensors(path("model.safetensors"), {{"stale", {1}, &one}})));
  ASSERT_FALSE(bool(
      writeSafeTensors(path("shard.safetensors"), {{"fresh", {1}, &two}})));
  writeFile("model.safetensors.index.json",
            R"({"weight_map": {"fresh": "shard.safetensors"}})");
  auto store = WeightStore::open(dir);
  ASSERT_TRUE(bool(store)) << llvm::toString(store.takeError());
  EXPECT_NE(store->find("fresh"), nullptr);
  EXPECT_EQ(store->find("stale"), nullptr);
}

TEST_F(SafeTensorsTest, MissingShard) {
  float one = 1.0f;
  ASSERT_FALSE(bool(writeSafeTensors(path("model-00001-of-00002.safetensors"),
                                     {{"embed", {1}, &one}})));
  writeFile("model.safetensors.index.json",
            R"({"weight_map": {"embed": "model-00001-of-00002.safetensors",)"
            R"("head": "model-00002-of-00002.safetensors"}})");
  expectError(WeightStore::open(dir),
              {path("model.safetensors.index.json"),
               "shard 'model-00002-of-00002.safetensors'", "tensor 'head'",
               "does not exist"});
}

TEST_F(SafeTensorsTest, ShardDoesNotHoldTensor) {
  float one = 1.0f;
  ASSERT_FALSE(
      bool(writeSafeTensors(path("a.safetensors"), {{"embed", {1}, &one}})));
  ASSERT_FALSE(
      bool(writeSafeTensors(path("b.safetensors"), {{"head", {1}, &one}})));
  writeFile("model.safetensors.index.json",
            R"({"weight_map": {"embed": "a.safetensors",)"
            R"("head": "a.safetensors"}})");
  expectError(WeightStore::open(dir),
              {path("model.safetensors.index.json"), "tensor 'head'",
               "mapped to shard 'a.safetensors' which does not hold it"});
}

TEST_F(SafeTensorsTest, BadIndex) {
  std::string index = path("model.safetensors.index.json");
  writeFile("model.safetensors.index.json", R"({"weight_map": [1, 2]})");
  expectError(WeightStore::open(dir), {index, "weight_map"});
  writeFile("model.safetensors.index.json", R"({"weight_map": {"x": 3}})");
  expectError(WeightStore::open(dir), {index, "'x'", "not a string"});
  writeFile("model.safetensors.index.json",
            R"({"weight_map": {"x": "../model.safetensors"}})");
  expectError(WeightStore::open(dir),
              {index, "'../model.safetensors'", "plain file name"});
  writeFile("model.safetensors.index.json", R"({"weight_map": {)");
  expectError(WeightStore::open(dir), {index, "JSON"});
}

TEST_F(SafeTensorsTest, ShardHeaderErrorsNameTheShard) {
  writeFile("shard.safetensors", buildFile(R"({"x":{"dtype":"F32"}})", ""));
  writeFile("model.safetensors.index.json",
            R"({"weight_map": {"x": "shard.safetensors"}})");
  expectError(WeightStore::open(dir),
              {path("shard.safetensors"), "'x'", "shape"});
}

//===----------------------------------------------------------------------===//
// Header checks
//===----------------------------------------------------------------------===//

TEST_F(SafeTensorsTest, NoWeights) {
  EXPECT_FALSE(WeightStore::hasWeights(dir));
  expectError(WeightStore::open(dir),
              {std::string(dir),
               "no model.safetensors or model.safetensors.index.json"});
}

TEST_F(SafeTensorsTest, FileShorterThanPrefix) {
  std::string file = writeFile("model.safetensors", "abc");
  expectError(WeightStore::open(dir), {file, "3 bytes", "8-byte"});
}

TEST_F(SafeTensorsTest, HeaderLongerThanFile) {
  char prefix[8];
  llvm::support::endian::write64le(prefix, 1000);
  std::string file =
      writeFile("model.safetensors", std::string(prefix, 8) + "{}");
  expectError(WeightStore::open(dir),
              {file, "header length 1000", "(10 bytes)"});
  // A length near 2^64 must not wrap around the bounds check.
  llvm::support::endian::write64le(prefix, ~uint64_t(0));
  writeFile("model.safetensors", std::string(prefix, 8) + "{}");
  expectError(WeightStore::open(dir), {file, "larger than the file"});
}

TEST_F(SafeTensorsTest, HeaderNotJson) {
  std::string file = writeModel(R"({"x": {"dtype": "F32",)");
  expectError(WeightStore::open(dir), {file, "not valid JSON", "byte="});
  writeModel("[1, 2]");
  expectError(WeightStore::open(dir), {file, "not a JSON object"});
}

TEST_F(SafeTensorsTest, HeaderEntryFields) {
  std::string file = path("model.safetensors");
  struct Case {
    const char *header;
    const char *field;
  };
  Case cases[] = {
      {R"({"x": 3})", "not a JSON object"},
      {R"({"x": {"shape": [1], "data_offsets": [0, 4]}})", "'dtype'"},
      {R"({"x": {"dtype": "F32", "data_offsets": [0, 4]}})", "'shape'"},
      {R"({"x": {"dtype": "F32", "shape": [1]}})", "'data_offsets'"},
      {R"({"x": {"dtype": 1, "shape": [1], "data_offsets": [0, 4]}})",
       "'dtype' is not a string"},
      {R"({"x": {"dtype": "F32", "shape": "1", "data_offsets": [0, 4]}})",
       "'shape' is not an array"},
      {R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4, 8]}})",
       "'data_offsets'"},
      {R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": {}}})",
       "'data_offsets'"},
      {R"({"x": {"dtype": "F32", "shape": ["a"], "data_offsets": [0, 4]}})",
       "shape dimension 0 is not an integer"},
      {R"({"x": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}})",
       "shape dimension 0 is not an integer"},
      {R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": [0, "4"]}})",
       "data_offsets is not an integer"},
      {R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": [-4, 4]}})",
       "data_offsets is negative"},
  };
  for (const Case &c : cases) {
    SCOPED_TRACE(c.header);
    writeModel(c.header, std::string(8, '\0'));
    expectError(WeightStore::open(dir), {file, "tensor 'x'", c.field});
  }
}

TEST_F(SafeTensorsTest, NegativeShape) {
  std::string file = writeModel(
      R"({"x": {"dtype": "F32", "shape": [2, -3], "data_offsets": [0, 0]}})");
  expectError(WeightStore::open(dir),
              {file, "tensor 'x'", "shape dimension 1 is negative (-3)"});
}

TEST_F(SafeTensorsTest, DecreasingOffsets) {
  std::string file = writeModel(
      R"({"x": {"dtype": "F32", "shape": [1], "data_offsets": [8, 4]}})",
      std::string(8, '\0'));
  expectError(WeightStore::open(dir),
              {file, "tensor 'x'", "data_offsets [8, 4] decrease"});
}

TEST_F(SafeTensorsTest, OffsetsPastTheEnd) {
  std::string file = writeModel(
      R"({"x": {"dtype": "F32", "shape": [1024], "data_offsets": [0, 4096]}})",
      std::string(1000, '\0'));
  expectError(WeightStore::open(dir),
              {file, "tensor 'x'",
               "data ends at byte 4096 but the file holds only 1000 bytes of "
               "data"});
}

TEST_F(SafeTensorsTest, ByteCountMismatch) {
  std::string file = writeModel(
      R"({"x": {"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 24]}})",
      std::string(24, '\0'));
  expectError(WeightStore::open(dir), {file, "tensor 'x'", "BF16", "[2, 3]",
                                       "need 12 bytes", "hold 24"});
  writeModel(R"({"x": {"dtype": "I64", "shape": [4294967296, 4294967296],)"
             R"( "data_offsets": [0, 8]}})",
             std::string(8, '\0'));
  expectError(WeightStore::open(dir), {file, "tensor 'x'", "too large"});
}

TEST_F(SafeTensorsTest, OverlapsRefusedHolesAllowed) {
  std::string file = writeModel(
      R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},)"
      R"( "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}})",
      std::string(12, '\0'));
  expectError(WeightStore::open(dir), {file, "'a'", "'b'", "overlap"});

  // A hole between tensors, and an empty tensor inside another's bytes.
  writeModel(
      R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},)"
      R"( "e": {"dtype": "F32", "shape": [0], "data_offsets": [2, 2]},)"
      R"( "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})",
      little32({1.5f, 0.0f, -4.0f}));
  auto store = WeightStore::open(dir);
  ASSERT_TRUE(bool(store)) << llvm::toString(store.takeError());
  auto b = store->readFloat32("b", {1});
  ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
  expectSameBits(*b, {-4.0f});
}

TEST_F(SafeTensorsTest, MetadataAndPadding) {
  // Trailing spaces pad the header, as writers do for alignment.
  std::string file = writeModel(
      R"({"__metadata__": {"format": "pt"},)"
      R"( "x": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}     )",
      little32({0.5f}));
  auto store = WeightStore::open(dir);
  ASSERT_TRUE(bool(store)) << llvm::toString(store.takeError());
  EXPECT_EQ(store->getTensors().size(), 1u);
  EXPECT_EQ(store->find("__metadata__"), nullptr);
  auto x = store->readFloat32("x", {1});
  ASSERT_TRUE(bool(x)) << llvm::toString(x.takeError());
  expectSameBits(*x, {0.5f});

  writeModel(R"({"__metadata__": {"step": 3}})");
  expectError(WeightStore::open(dir), {file, "__metadata__", "'step'"});
}

//===----------------------------------------------------------------------===//
// readFloat32 checks
//===----------------------------------------------------------------------===//

TEST_F(SafeTensorsTest, ReadErrors) {
  std::string file = writeModel(
      R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},)"
      R"( "q": {"dtype": "I8", "shape": [4], "data_offsets": [24, 28]},)"
      R"( "n": {"dtype": "F4_NEW", "shape": [4], "data_offsets": [28, 30]}})",
      std::string(30, '\0'));
  auto store = WeightStore::open(dir);
  ASSERT_TRUE(bool(store)) << llvm::toString(store.takeError());
  // Unknown dtypes are listed, only refused when read.
  ASSERT_NE(store->find("n"), nullptr);
  EXPECT_EQ(store->find("n")->dtype, "F4_NEW");

  expectError(store->readFloat32("v", {2, 3}), {file, "no tensor 'v'"});
  expectError(store->readFloat32("w", {3, 2}),
              {file, "tensor 'w' has shape [2, 3], expected [3, 2]"});
  expectError(store->readFloat32("q", {4}),
              {file, "tensor 'q' has dtype I8; only F32, F16 and BF16 "
                     "weights are read"});
  expectError(store->readFloat32("n", {4}),
              {file, "tensor 'n' has dtype F4_NEW"});
}

TEST_F(SafeTensorsTest, TruncatedFileFailsAtOpen) {
  std::vector<float> first(16, 1.0f), second(16, 2.0f);
  std::string file = path("model.safetensors");
  ASSERT_FALSE(
      bool(writeSafeTensors(file, {{"first", {16}, first.data()},
                                   {"second", {4, 4}, second.data()}})));
  std::string bytes = readBack("model.safetensors");
  writeFile("model.safetensors", StringRef(bytes).drop_back(10));
  expectError(
      WeightStore::open(dir),
      {file, "tensor 'second'", "data ends at byte 128", "only 118 bytes"});
}

TEST_F(SafeTensorsTest, FileChangedAfterOpen) {
  std::vector<float> values(16, 1.0f);
  std::string file = path("model.safetensors");
  ASSERT_FALSE(bool(writeSafeTensors(file, {{"w", {16}, values.data()}})));
  auto store = WeightStore::open(dir);
  ASSERT_TRUE(bool(store)) << llvm::toString(store.takeError());
  std::string bytes = readBack("model.safetensors");
  writeFile("model.safetensors", StringRef(bytes).drop_back(4));
  expectError(store->readFloat32("w", {16}), {file, "tensor 'w'"});
}

} // namespace
