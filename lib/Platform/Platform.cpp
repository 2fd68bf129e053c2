//===- Platform.cpp - Reading platforms/<name>.json -----------------------===//
//
// The parser checks every field (type, range, unknown names) and reports the
// first problem as "<file>: <field path>: <problem>". A wrong figure in a
// platform file silently skews every estimate made for that card, so the
// loader rejects anything it does not understand rather than guessing.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Platform/Platform.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>
#include <optional>

#ifndef STREAMTENSOR_PLATFORMS_DIR
#error "the build must define STREAMTENSOR_PLATFORMS_DIR"
#endif

using namespace streamtensor;
using llvm::StringRef;
using llvm::Twine;
namespace json = llvm::json;

//===----------------------------------------------------------------------===//
// FabricResources and Platform
//===----------------------------------------------------------------------===//

namespace {
/// The five resource counts by their field names in the file, so that
/// reading, summing and comparing them is one loop.
struct ResourceField {
  const char *key;
  int64_t FabricResources::*member;
};
constexpr ResourceField kResourceFields[] = {
    {"dsp", &FabricResources::dsp},   {"bram18k", &FabricResources::bram18k},
    {"uram", &FabricResources::uram}, {"lut", &FabricResources::lut},
    {"ff", &FabricResources::ff},
};
} // namespace

FabricResources &FabricResources::operator+=(const FabricResources &other) {
  for (const ResourceField &field : kResourceFields)
    this->*field.member += other.*field.member;
  return *this;
}

FabricResources &FabricResources::operator-=(const FabricResources &other) {
  for (const ResourceField &field : kResourceFields)
    this->*field.member -= other.*field.member;
  return *this;
}

bool FabricResources::operator==(const FabricResources &other) const {
  return llvm::all_of(kResourceFields, [&](const ResourceField &field) {
    return this->*field.member == other.*field.member;
  });
}

FabricResources Platform::getTotalCapacity() const {
  FabricResources total;
  for (const SlrSpec &slr : slrs)
    total += slr.capacity;
  return total;
}

FabricResources Platform::getTotalShellReserve() const {
  FabricResources total;
  for (const SlrSpec &slr : slrs)
    total += slr.shellReserve;
  return total;
}

FabricResources Platform::getTotalAvailable() const {
  return getTotalCapacity() - getTotalShellReserve();
}

int64_t Platform::getHbmCapacityBytes() const {
  return static_cast<int64_t>(std::llround(hbm.capacityGiB * (1LL << 30)));
}

double Platform::getHbmBytesPerCyclePerChannel() const {
  // Only a default-constructed Platform has zeros here; the parser rejects
  // them.
  if (hbm.pseudoChannels <= 0 || kernelClockMHz <= 0)
    return 0;
  double bytesPerSecond = hbm.peakGBps * 1e9 * hbm.streamingEfficiency;
  return bytesPerSecond / hbm.pseudoChannels / (kernelClockMHz * 1e6);
}

const OperatorSpec *Platform::lookupOperator(StringRef name) const {
  auto it = operators.find(name.str());
  return it == operators.end() ? nullptr : &it->second;
}

llvm::Error Platform::bindOperator(StringRef name, StringRef impl) {
  auto bound = operators.find(name.str());
  auto implementation = operators.find((name + "_" + impl).str());
  if (bound == operators.end() || implementation == operators.end())
    return llvm::createStringError(
        llvm::formatv("platform '{0}' has no operator '{1}_{2}' for {1} "
                      "implemented as {2}",
                      this->name, name, impl)
            .str());
  OperatorSpec before = bound->second;
  OperatorSpec &after = bound->second;
  after.latency = implementation->second.latency;
  after.dsp = implementation->second.dsp;
  after.lut = implementation->second.lut;
  after.ff = implementation->second.ff;
  after.source = implementation->second.source;
  // A composite's figures are its parts' sums (see readOperators): each
  // one built from this operator changes by what the operator did.
  for (auto &[compositeName, composite] : operators)
    for (const std::string &part : composite.composedOf)
      if (part == name) {
        composite.latency += after.latency - before.latency;
        composite.dsp += after.dsp - before.dsp;
        composite.lut += after.lut - before.lut;
        composite.ff += after.ff - before.ff;
      }
  return llvm::Error::success();
}

int64_t Platform::getMacsPerDsp(StringRef name) const {
  auto it = dspPacking.find(name.str());
  return it == dspPacking.end() ? 1 : it->second.macsPerDsp;
}

//===----------------------------------------------------------------------===//
// Parsing
//===----------------------------------------------------------------------===//

namespace {

/// The version of the file format this parser reads (the "formatVersion"
/// field), so that a file written for a later format is refused, not misread.
constexpr int64_t kFormatVersion = 1;

/// The largest count a file may hold.
constexpr int64_t kMaxCount = int64_t(1) << 40;

llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Text from the file (a field name, an operator name) as it goes into a
/// message: escaped, so that the message stays on one line whatever bytes
/// the file holds.
std::string escape(StringRef text) {
  std::string escaped;
  llvm::raw_string_ostream os(escaped);
  llvm::printEscapedString(text, os);
  return escaped;
}

/// Keeps the first problem found in one file. Readers become no-ops once it
/// is set, like a stream's fail bit, so the parsing code reads as a plain
/// list of fields and is checked once at the end.
class Diagnostics {
public:
  explicit Diagnostics(StringRef fileName) : fileName(fileName.str()) {}

  void fail(const Twine &path, const Twine &message) {
    if (!error)
      error = (fileName + ": " + path + ": " + message).str();
  }
  bool failed() const { return error.has_value(); }
  llvm::Error takeError() { return makeError(*error); }

private:
  std::string fileName;
  std::optional<std::string> error;
};

enum class Presence { Required, Optional };

/// Reads the fields of one JSON object, knowing its path in the file for
/// error messages, and remembers which fields it was asked for so that
/// finish() can reject the others (a misspelt field would otherwise be
/// silently ignored and its figure left at zero).
class ObjectReader {
public:
  ObjectReader(Diagnostics &diag, const json::Object *object, std::string path)
      : diag(diag), object(object), path(std::move(path)) {}

  std::string getPath(StringRef key) const {
    return path.empty() ? escape(key) : path + "." + escape(key);
  }

  /// A non-empty string (empty sources are as bad as missing ones).
  void readString(StringRef key, std::string &out) {
    if (const json::Value *value = get(key, Presence::Required)) {
      std::optional<StringRef> text = value->getAsString();
      if (!text || text->empty())
        return diag.fail(getPath(key), "expected a non-empty string");
      out = text->str();
    }
  }

  void readCount(StringRef key, int64_t &out,
                 Presence presence = Presence::Required) {
    readInteger(key, out, presence, /*minimum=*/0,
                "expected a non-negative integer");
  }

  void readPositiveCount(StringRef key, int64_t &out) {
    readInteger(key, out, Presence::Required, /*minimum=*/1,
                "expected a positive integer");
  }

  void readPositiveNumber(StringRef key, double &out) {
    readNumber(key, out, isPositive, "expected a positive number");
  }

  void readNonNegativeNumber(StringRef key, double &out) {
    readNumber(key, out, isNonNegative, "expected a non-negative number");
  }

  void readFraction(StringRef key, double &out) {
    readNumber(key, out, isFraction, "expected a number in (0, 1]");
  }

  /// A width in bits that is a whole number of bytes (500 is a typo).
  void readByteWidth(StringRef key, int64_t &out) {
    int64_t bits = 0;
    readInteger(key, bits, Presence::Required, /*minimum=*/1,
                "expected a positive multiple of 8");
    if (diag.failed())
      return;
    if (bits % 8 != 0)
      return diag.fail(getPath(key), "expected a positive multiple of 8");
    out = bits;
  }

  /// The object under `key`. When it is missing or not an object, the
  /// problem is recorded and the returned reader reads nothing.
  ObjectReader readObject(StringRef key) {
    const json::Object *child = nullptr;
    if (const json::Value *value = get(key, Presence::Required)) {
      child = value->getAsObject();
      if (!child)
        diag.fail(getPath(key), "expected an object");
    }
    return ObjectReader(diag, child, getPath(key));
  }

  /// The array under `key`, or nullptr after recording a problem (or when
  /// the key is optional and absent).
  const json::Array *readArray(StringRef key,
                               Presence presence = Presence::Required) {
    const json::Value *value = get(key, presence);
    if (!value)
      return nullptr;
    const json::Array *array = value->getAsArray();
    if (!array)
      diag.fail(getPath(key), "expected an array");
    return array;
  }

  /// The fields of the object, sorted (json::Object's order is unspecified,
  /// and error messages must not depend on it).
  std::vector<std::string> getKeys() const {
    std::vector<std::string> keys;
    if (object)
      for (const auto &entry : *object)
        keys.push_back(StringRef(entry.first).str());
    llvm::sort(keys);
    return keys;
  }

  /// Marks `key` as read by the caller, which handles its value itself.
  const json::Value *take(StringRef key) {
    return get(key, Presence::Optional);
  }

  /// Rejects the fields nobody asked for.
  void finish() {
    if (diag.failed() || !object)
      return;
    for (const std::string &key : getKeys())
      if (!known.contains(key))
        return diag.fail(getPath(key), "unknown field");
  }

  Diagnostics &getDiagnostics() { return diag; }

private:
  const json::Value *get(StringRef key, Presence presence) {
    known.insert(key);
    if (diag.failed() || !object)
      return nullptr;
    const json::Value *value = object->get(key);
    if (!value && presence == Presence::Required)
      diag.fail(getPath(key), "missing required field");
    return value;
  }

  void readInteger(StringRef key, int64_t &out, Presence presence,
                   int64_t minimum, StringRef message) {
    if (const json::Value *value = get(key, presence)) {
      // getAsInteger also accepts doubles with no fractional part (2880.0),
      // which is harmless; it refuses 2.5, strings, booleans and null.
      std::optional<int64_t> number = value->getAsInteger();
      if (!number || *number < minimum)
        return diag.fail(getPath(key), message);
      // No real count comes near this; the bound keeps sums of counts from
      // overflowing.
      if (*number > kMaxCount)
        return diag.fail(getPath(key), "out of range (above 2^40)");
      out = *number;
    }
  }

  static bool isPositive(double x) { return x > 0; }
  static bool isNonNegative(double x) { return x >= 0; }
  static bool isFraction(double x) { return x > 0 && x <= 1; }

  void readNumber(StringRef key, double &out, bool (*isValid)(double),
                  StringRef message) {
    if (const json::Value *value = get(key, Presence::Required)) {
      std::optional<double> number = value->getAsNumber();
      if (!number || !std::isfinite(*number) || !isValid(*number))
        return diag.fail(getPath(key), message);
      out = *number;
    }
  }

  Diagnostics &diag;
  const json::Object *object;
  std::string path;
  llvm::StringSet<> known;
};

/// Platform and operator names end up in file names and field paths: keep
/// them to lowercase letters, digits and '_' (and '-' for platforms).
bool isValidName(StringRef name, bool allowDash) {
  return !name.empty() && llvm::all_of(name, [&](char c) {
    return llvm::isLower(c) || llvm::isDigit(c) || c == '_' ||
           (allowDash && c == '-');
  });
}

/// The name ends up unquoted in a generated Makefile and on v++'s command
/// line; a platform name, a VLNV (xilinx:u55c:gen3x16_xdma_3:202210.1) or an
/// .xpfm path never needs more than these characters.
bool isValidVitisPlatform(StringRef name) {
  return !name.empty() && llvm::all_of(name, [](char c) {
    return llvm::isAlnum(c) || StringRef("_.:/-").contains(c);
  });
}

void readResources(ObjectReader &reader, FabricResources &out) {
  for (const ResourceField &field : kResourceFields)
    reader.readCount(field.key, out.*field.member);
}

void readSlrs(ObjectReader &root, Platform &platform) {
  Diagnostics &diag = root.getDiagnostics();
  const json::Array *slrs = root.readArray("slrs");
  if (!slrs || diag.failed())
    return;
  if (slrs->empty())
    return diag.fail("slrs", "expected at least one SLR");

  for (auto [index, value] : llvm::enumerate(*slrs)) {
    std::string path = llvm::formatv("slrs[{0}]", index).str();
    const json::Object *object = value.getAsObject();
    if (!object)
      return diag.fail(path, "expected an object");

    SlrSpec slr;
    ObjectReader reader(diag, object, path);
    reader.readString("name", slr.name);
    readResources(reader, slr.capacity);
    reader.readString("source", slr.source);
    ObjectReader reserve = reader.readObject("shellReserve");
    readResources(reserve, slr.shellReserve);
    reserve.readString("source", slr.shellReserveSource);
    reserve.finish();
    reader.finish();
    if (diag.failed())
      return;

    for (const ResourceField &field : kResourceFields) {
      int64_t reserved = slr.shellReserve.*field.member;
      int64_t capacity = slr.capacity.*field.member;
      if (reserved > capacity)
        return diag.fail(
            reserve.getPath(field.key),
            llvm::formatv("{0} exceeds the SLR's {1}", reserved, capacity));
    }
    platform.slrs.push_back(std::move(slr));
  }

  // The per-SLR figures rarely come from the same table as the data sheet's
  // totals; summing them catches a transcription error in either.
  FabricResources sum = platform.getTotalCapacity();
  for (const ResourceField &field : kResourceFields) {
    int64_t total = platform.deviceTotals.*field.member;
    if (sum.*field.member != total)
      return diag.fail(Twine("deviceTotals.") + field.key,
                       llvm::formatv("{0}, but the SLRs sum to {1}", total,
                                     sum.*field.member));
  }
}

void readHbm(ObjectReader &root, HbmSpec &hbm) {
  ObjectReader reader = root.readObject("hbm");

  ObjectReader capacity = reader.readObject("capacity");
  capacity.readPositiveNumber("gib", hbm.capacityGiB);
  capacity.readPositiveCount("pseudoChannels", hbm.pseudoChannels);
  capacity.readString("source", hbm.capacitySource);
  capacity.finish();

  ObjectReader bandwidth = reader.readObject("bandwidth");
  bandwidth.readPositiveNumber("peakGBps", hbm.peakGBps);
  bandwidth.readString("source", hbm.peakSource);
  bandwidth.finish();

  ObjectReader efficiency = reader.readObject("efficiency");
  efficiency.readFraction("streamingRead", hbm.streamingEfficiency);
  efficiency.readString("source", hbm.efficiencySource);
  efficiency.finish();

  ObjectReader axi = reader.readObject("axi");
  axi.readByteWidth("switchPortBits", hbm.switchPortBits);
  axi.readPositiveNumber("switchPortMHz", hbm.switchPortMHz);
  axi.readByteWidth("kernelPortBits", hbm.kernelPortBits);
  axi.readString("source", hbm.axiSource);
  axi.finish();

  ObjectReader latency = reader.readObject("readLatency");
  latency.readCount("kernelCycles", hbm.readLatencyCycles);
  latency.readString("source", hbm.readLatencySource);
  latency.finish();

  ObjectReader placement = reader.readObject("placement");
  placement.readCount("slr", hbm.slr);
  placement.readString("source", hbm.slrSource);
  placement.finish();

  reader.finish();
}

void readOperators(ObjectReader &root, Platform &platform) {
  Diagnostics &diag = root.getDiagnostics();
  ObjectReader operators = root.readObject("operators");

  // First every operator with its own figures, then the composites' sums,
  // since a composite may name parts listed after it.
  for (const std::string &name : operators.getKeys()) {
    std::string path = operators.getPath(name);
    if (!isValidName(name, /*allowDash=*/false))
      return diag.fail(path, "expected an operator name of lowercase "
                             "letters, digits and '_'");
    const json::Value *value = operators.take(name);
    const json::Object *object = value ? value->getAsObject() : nullptr;
    if (!object)
      return diag.fail(path, "expected an object");

    OperatorSpec op;
    op.name = name;
    ObjectReader reader(diag, object, path);
    // A composite's own figures are optional extras on top of its parts'.
    Presence presence = Presence::Required;
    if (const json::Array *parts =
            reader.readArray("composedOf", Presence::Optional)) {
      if (parts->empty())
        return diag.fail(reader.getPath("composedOf"),
                         "expected a non-empty array of operator names");
      for (auto [index, part] : llvm::enumerate(*parts)) {
        std::optional<StringRef> partName = part.getAsString();
        if (!partName)
          return diag.fail(
              llvm::formatv("{0}[{1}]", reader.getPath("composedOf"), index)
                  .str(),
              "expected an operator name");
        op.composedOf.push_back(partName->str());
      }
      presence = Presence::Optional;
    }
    reader.readCount("latency", op.latency, presence);
    reader.readCount("dsp", op.dsp, presence);
    reader.readCount("lut", op.lut, presence);
    reader.readCount("ff", op.ff, presence);
    reader.readString("source", op.source);
    reader.finish();
    if (diag.failed())
      return;
    platform.operators.emplace(name, std::move(op));
  }
  operators.finish();
  if (diag.failed())
    return;

  for (auto &[name, op] : platform.operators) {
    for (auto [index, partName] : llvm::enumerate(op.composedOf)) {
      std::string path =
          llvm::formatv("operators.{0}.composedOf[{1}]", name, index).str();
      const OperatorSpec *part = platform.lookupOperator(partName);
      if (!part)
        return diag.fail(path, "unknown operator '" + escape(partName) + "'");
      // One level only: no cycles to detect, and every composite's figures
      // are plain sums of measured ones.
      if (part->isComposite())
        return diag.fail(path, "'" + escape(partName) +
                                   "' is itself composed; parts must be "
                                   "primitive operators");
      // The parts run one after the other (a MAC's add waits for its
      // multiply), so latencies add up like the costs.
      op.latency += part->latency;
      op.dsp += part->dsp;
      op.lut += part->lut;
      op.ff += part->ff;
    }
  }
}

void readDspPacking(ObjectReader &root, Platform &platform) {
  Diagnostics &diag = root.getDiagnostics();
  ObjectReader packing = root.readObject("dspPacking");
  for (const std::string &name : packing.getKeys()) {
    std::string path = packing.getPath(name);
    if (!platform.lookupOperator(name))
      return diag.fail(path, "unknown operator '" + escape(name) + "'");
    const json::Value *value = packing.take(name);
    const json::Object *object = value ? value->getAsObject() : nullptr;
    if (!object)
      return diag.fail(path, "expected an object");
    DspPackingSpec spec;
    ObjectReader reader(diag, object, path);
    reader.readPositiveCount("macsPerDsp", spec.macsPerDsp);
    reader.readString("source", spec.source);
    reader.finish();
    if (diag.failed())
      return;
    platform.dspPacking.emplace(name, std::move(spec));
  }
  packing.finish();
}

void readMemories(ObjectReader &root, Platform &platform) {
  Diagnostics &diag = root.getDiagnostics();
  ObjectReader memories = root.readObject("memories");

  MemorySpec &spec = platform.memories;
  ObjectReader bram = memories.readObject("bram18k");
  bram.readPositiveCount("bits", spec.bram18kBits);
  bram.readPositiveCount("maxWidth", spec.bram18kMaxWidth);
  bram.readPositiveCount("ports", spec.bram18kPorts);
  bram.readString("source", spec.bram18kSource);
  bram.finish();

  ObjectReader uram = memories.readObject("uram");
  uram.readPositiveCount("bits", spec.uramBits);
  uram.readPositiveCount("width", spec.uramWidth);
  uram.readPositiveCount("ports", spec.uramPorts);
  uram.readString("source", spec.uramSource);
  uram.finish();

  BufferMappingPolicy &policy = platform.bufferMapping;
  ObjectReader mapping = memories.readObject("mapping");
  mapping.readCount("registerMaxDepth", policy.registerMaxDepth);
  mapping.readCount("srlMaxDepth", policy.srlMaxDepth);
  mapping.readCount("lutramMaxBits", policy.lutramMaxBits);
  mapping.readCount("uramMinBits", policy.uramMinBits);
  mapping.readString("source", policy.source);
  mapping.finish();
  memories.finish();
  if (diag.failed())
    return;

  // The thresholds are read in order (registers, SRL, LUTRAM, BRAM, URAM);
  // out of order, a band would be empty and the policy not what it says.
  if (policy.srlMaxDepth < policy.registerMaxDepth)
    return diag.fail(mapping.getPath("srlMaxDepth"),
                     llvm::formatv("{0} is below registerMaxDepth ({1})",
                                   policy.srlMaxDepth,
                                   policy.registerMaxDepth));
  if (policy.uramMinBits <= policy.lutramMaxBits)
    return diag.fail(mapping.getPath("uramMinBits"),
                     llvm::formatv("{0} does not exceed lutramMaxBits ({1})",
                                   policy.uramMinBits, policy.lutramMaxBits));
}

/// A number from the file as the file would write it (1500, 14.77), not
/// with formatv's fixed two decimals.
std::string formatNumber(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%g", value);
  return text;
}

/// The optional "power" section. A file without one still loads (platform
/// files written before it existed, cards nobody has figures for): the
/// compiler then makes no power estimate rather than a made-up one.
void readPower(ObjectReader &root, Platform &platform) {
  Diagnostics &diag = root.getDiagnostics();
  const json::Value *value = root.take("power");
  if (!value || diag.failed())
    return;
  const json::Object *object = value->getAsObject();
  if (!object)
    return diag.fail("power", "expected an object");

  PowerSpec spec;
  power::PowerFigures &figures = spec.figures;
  ObjectReader reader(diag, object, "power");

  ObjectReader tdp = reader.readObject("tdp");
  tdp.readPositiveNumber("watts", spec.tdpWatts);
  tdp.readString("source", spec.tdpSource);
  tdp.finish();

  ObjectReader idle = reader.readObject("static");
  idle.readNonNegativeNumber("watts", figures.staticWatts);
  idle.readString("source", spec.staticSource);
  idle.finish();

  ObjectReader activity = reader.readObject("activity");
  activity.readFraction("toggleRate", figures.toggleRate);
  activity.readString("source", spec.activitySource);
  activity.finish();

  ObjectReader fabric = reader.readObject("fabric");
  fabric.readPositiveNumber("referenceClockMHz", figures.referenceClockMHz);
  fabric.readNonNegativeNumber("wattsPerDsp", figures.wattsPerDsp);
  fabric.readNonNegativeNumber("wattsPerLut", figures.wattsPerLut);
  fabric.readNonNegativeNumber("wattsPerFf", figures.wattsPerFf);
  fabric.readNonNegativeNumber("wattsPerBram18k", figures.wattsPerBram18k);
  fabric.readNonNegativeNumber("wattsPerUram", figures.wattsPerUram);
  fabric.readString("source", spec.fabricSource);
  fabric.finish();

  ObjectReader hbm = reader.readObject("hbm");
  hbm.readNonNegativeNumber("picojoulesPerBit", figures.hbmPicojoulesPerBit);
  hbm.readString("source", spec.hbmSource);
  hbm.finish();
  reader.finish();
  if (diag.failed())
    return;

  // The card cannot idle above its thermal design power; a file saying so
  // has a typo (or the two figures in different units).
  if (figures.staticWatts > spec.tdpWatts)
    return diag.fail(idle.getPath("watts"),
                     formatNumber(figures.staticWatts) + " exceeds the TDP (" +
                         formatNumber(spec.tdpWatts) + " W)");
  platform.power = std::move(spec);
}

void readPlatform(ObjectReader &root, Platform &platform) {
  Diagnostics &diag = root.getDiagnostics();

  int64_t version = 0;
  root.readPositiveCount("formatVersion", version);
  if (!diag.failed() && version != kFormatVersion)
    return diag.fail("formatVersion",
                     llvm::formatv("unsupported version {0}; this build reads "
                                   "version {1}",
                                   version, kFormatVersion));

  root.readString("name", platform.name);
  if (!diag.failed() && !isValidName(platform.name, /*allowDash=*/true))
    return diag.fail("name", "expected lowercase letters, digits, '_' or '-'");
  root.readString("card", platform.card);
  root.readString("part", platform.part);
  root.readString("source", platform.source);

  ObjectReader vitis = root.readObject("vitisPlatform");
  vitis.readString("name", platform.vitisPlatform);
  if (!diag.failed() && !isValidVitisPlatform(platform.vitisPlatform))
    return diag.fail(vitis.getPath("name"),
                     "expected a Vitis platform name (letters, digits, '_', "
                     "'.', ':', '/', '-'), got '" +
                         escape(platform.vitisPlatform) + "'");
  vitis.readString("source", platform.vitisPlatformSource);
  vitis.finish();

  ObjectReader clock = root.readObject("kernelClock");
  clock.readPositiveNumber("mhz", platform.kernelClockMHz);
  clock.readString("source", platform.kernelClockSource);
  clock.finish();

  ObjectReader totals = root.readObject("deviceTotals");
  readResources(totals, platform.deviceTotals);
  totals.readString("source", platform.deviceTotalsSource);
  totals.finish();

  readSlrs(root, platform);
  readHbm(root, platform.hbm);
  readOperators(root, platform);
  readDspPacking(root, platform);
  readMemories(root, platform);

  ObjectReader host = root.readObject("host");
  host.readNonNegativeNumber("invocationOverheadUs",
                             platform.host.invocationOverheadUs);
  host.readString("source", platform.host.source);
  host.finish();

  readPower(root, platform);

  root.finish();
}

} // namespace

llvm::Expected<Platform> streamtensor::parsePlatform(StringRef jsonText,
                                                     StringRef fileName) {
  llvm::Expected<json::Value> value = json::parse(jsonText);
  if (!value)
    return makeError(fileName +
                     ": invalid JSON: " + llvm::toString(value.takeError()));
  const json::Object *object = value->getAsObject();
  if (!object)
    return makeError(fileName + ": expected a JSON object at the top level");

  Diagnostics diag(fileName);
  Platform platform;
  platform.fileName = fileName.str();
  ObjectReader root(diag, object, /*path=*/"");
  readPlatform(root, platform);
  if (diag.failed())
    return diag.takeError();
  return platform;
}

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

std::string streamtensor::getPlatformsDir() {
  if (const char *dir = std::getenv("STREAMTENSOR_PLATFORMS_DIR"); dir && *dir)
    return dir;
  return STREAMTENSOR_PLATFORMS_DIR;
}

std::vector<std::string> streamtensor::listPlatforms() {
  std::vector<std::string> names;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(getPlatformsDir(), ec), end;
       !ec && it != end; it.increment(ec)) {
    StringRef path = it->path();
    StringRef stem = llvm::sys::path::stem(path);
    if (llvm::sys::path::extension(path) != ".json" || stem.empty() ||
        stem.starts_with(".") || !llvm::sys::fs::is_regular_file(path))
      continue;
    names.push_back(stem.str());
  }
  llvm::sort(names);
  return names;
}

static llvm::Expected<Platform> readPlatformFile(StringRef path,
                                                 StringRef fileName) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return makeError(llvm::formatv("cannot read '{0}': {1}", path,
                                   buffer.getError().message()));
  return parsePlatform((*buffer)->getBuffer(), fileName);
}

llvm::Expected<Platform> streamtensor::loadPlatform(StringRef nameOrPath) {
  if (nameOrPath.ends_with(".json"))
    return readPlatformFile(nameOrPath, nameOrPath);

  std::string dir = getPlatformsDir();
  std::string fileName = (nameOrPath + ".json").str();
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, fileName);
  // A name with a separator would reach outside the folder; it is no
  // platform name.
  bool isPlainName =
      !nameOrPath.empty() && nameOrPath.find_first_of("/\\") == StringRef::npos;
  if (!isPlainName || !llvm::sys::fs::is_regular_file(path)) {
    std::vector<std::string> known = listPlatforms();
    if (known.empty())
      return makeError(llvm::formatv("unknown platform '{0}'; no platform "
                                     "files in '{1}'",
                                     nameOrPath, dir));
    return makeError(llvm::formatv("unknown platform '{0}'; known: {1}",
                                   nameOrPath, llvm::join(known, ", ")));
  }

  llvm::Expected<Platform> platform = readPlatformFile(path, fileName);
  if (!platform)
    return platform.takeError();
  // listPlatforms() names platforms by their files: a file whose "name"
  // differs would be listed as one card and load as another.
  if (platform->name != nameOrPath)
    return makeError(llvm::formatv("{0}: name: '{1}' does not match the file "
                                   "name",
                                   fileName, platform->name));
  return platform;
}
