//===- PlatformTest.cpp - The shipped platform files and their loader -----===//

#include "streamtensor/Platform/Platform.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <functional>
#include <optional>

using namespace streamtensor;
namespace json = llvm::json;

namespace {

/// Runs a test with $STREAMTENSOR_PLATFORMS_DIR set to `dir` (or unset), and
/// puts back what was there before, so that the tests do not depend on the
/// caller's environment or on each other.
class ScopedPlatformsDir {
public:
  explicit ScopedPlatformsDir(const char *dir) {
    if (const char *old = std::getenv(kVariable))
      saved = old;
    if (dir)
      ::setenv(kVariable, dir, /*overwrite=*/1);
    else
      ::unsetenv(kVariable);
  }
  ~ScopedPlatformsDir() {
    if (saved)
      ::setenv(kVariable, saved->c_str(), /*overwrite=*/1);
    else
      ::unsetenv(kVariable);
  }

private:
  static constexpr const char *kVariable = "STREAMTENSOR_PLATFORMS_DIR";
  std::optional<std::string> saved;
};

Platform loadOrDie(llvm::StringRef name) {
  ScopedPlatformsDir useDefault(nullptr);
  llvm::Expected<Platform> platform = loadPlatform(name);
  if (!platform) {
    ADD_FAILURE() << llvm::toString(platform.takeError());
    return Platform();
  }
  return std::move(*platform);
}

std::string readShipped(llvm::StringRef name) {
  ScopedPlatformsDir useDefault(nullptr);
  llvm::SmallString<256> path(getPlatformsDir());
  llvm::sys::path::append(path, name + ".json");
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    ADD_FAILURE() << "cannot read " << std::string(path);
    return "{}";
  }
  return (*buffer)->getBuffer().str();
}

/// u55c.json with one change applied, as text.
std::string editU55c(const std::function<void(json::Object &)> &edit) {
  json::Value value = llvm::cantFail(json::parse(readShipped("u55c")));
  edit(*value.getAsObject());
  std::string text;
  llvm::raw_string_ostream(text) << value;
  return text;
}

/// The error parsing the edited u55c.json gives ("" when it parses).
std::string errorAfter(const std::function<void(json::Object &)> &edit) {
  llvm::Expected<Platform> platform =
      parsePlatform(editU55c(edit), "u55c.json");
  if (platform)
    return "";
  return llvm::toString(platform.takeError());
}

json::Object &field(json::Object &object, llvm::StringRef key) {
  return *object.getObject(key);
}

json::Object &slr(json::Object &root, size_t index) {
  return *(*root.getArray("slrs"))[index].getAsObject();
}

//===----------------------------------------------------------------------===//
// The shipped files
//===----------------------------------------------------------------------===//

TEST(PlatformShipped, U55cFigures) {
  Platform p = loadOrDie("u55c");
  EXPECT_EQ(p.name, "u55c");
  EXPECT_EQ(p.part, "xcu55c-fsvh2892-2L-e");
  EXPECT_EQ(p.vitisPlatform, "xilinx_u55c_gen3x16_xdma_3_202210_1");
  EXPECT_FALSE(p.vitisPlatformSource.empty());
  // The StreamTensor paper's clock: 250 MHz on the U55C.
  EXPECT_DOUBLE_EQ(p.kernelClockMHz, 250);
  EXPECT_DOUBLE_EQ(p.getClockPeriodNs(), 4.0);

  ASSERT_EQ(p.slrs.size(), 3u);
  // xcu280/xcu55c device model per clock-region row (AutoBridge DeviceU280):
  // SLR0 sits on the HBM interface and has 3/4 of the DSPs in its bottom row.
  EXPECT_EQ(p.slrs[0].capacity.dsp, 2880);
  EXPECT_EQ(p.slrs[1].capacity.dsp, 3072);
  EXPECT_EQ(p.slrs[2].capacity.dsp, 3072);
  // 320 URAM per SLR, 1344 BRAM_18K per SLR.
  for (const SlrSpec &slr : p.slrs) {
    EXPECT_EQ(slr.capacity.uram, 320);
    EXPECT_EQ(slr.capacity.bram18k, 1344);
  }

  // UG1393 'HBM Configuration and Use': 16 GB in 32 pseudo-channels of
  // 512 MB, 460 GB/s.
  EXPECT_EQ(p.getHbmCapacityBytes(), 16LL << 30);
  EXPECT_EQ(p.hbm.pseudoChannels, 32);
  EXPECT_DOUBLE_EQ(p.hbm.peakGBps, 460);
  // PG276: 256-bit switch ports; UG1399: 512-bit kernel ports, m_axi latency
  // 64.
  EXPECT_EQ(p.hbm.switchPortBits, 256);
  EXPECT_EQ(p.hbm.kernelPortBits, 512);
  EXPECT_EQ(p.hbm.readLatencyCycles, 64);
  EXPECT_EQ(p.hbm.slr, 0); // UG1120: the HBM is attached to SLR0
  // 460e9 B/s * 0.92 (Shuhai) / 32 channels / 250e6 cycles/s.
  EXPECT_NEAR(p.getHbmBytesPerCyclePerChannel(), 460e9 * 0.92 / 32 / 250e6,
              1e-9);

  // UG573: RAMB18E2 is 18 Kb, URAM288 is 4K x 72.
  EXPECT_EQ(p.memories.bram18kBits, 18 * 1024);
  EXPECT_EQ(p.memories.uramBits, 288 * 1024);
  EXPECT_EQ(p.memories.uramWidth, 72);

  EXPECT_FALSE(p.source.empty());
  EXPECT_FALSE(p.kernelClockSource.empty());
  EXPECT_FALSE(p.hbm.efficiencySource.empty());
  EXPECT_FALSE(p.host.source.empty());
}

TEST(PlatformShipped, U280Figures) {
  Platform p = loadOrDie("u280");
  EXPECT_EQ(p.part, "xcu280-fsvh2892-2L-e");
  // UG1120: the shell the shellReserve figures are for.
  EXPECT_EQ(p.vitisPlatform, "xilinx_u280_xdma_201920_3");
  // The Stream-HLS corpus designs target 3.33 ns on xcu280.
  EXPECT_DOUBLE_EQ(p.kernelClockMHz, 300);
  EXPECT_NEAR(p.getClockPeriodNs(), 3.333, 1e-3);
  // UG1393: 8 GB, 256 MB per pseudo-channel.
  EXPECT_EQ(p.getHbmCapacityBytes(), 8LL << 30);
  EXPECT_EQ(p.getHbmCapacityBytes() / p.hbm.pseudoChannels, 256LL << 20);
  ASSERT_EQ(p.slrs.size(), 3u);
  // UG1120 (via FINN platforms.py): 2733 DSPs left for kernels in SLR0.
  EXPECT_EQ(p.slrs[0].getAvailable().dsp, 2733);
  EXPECT_EQ(p.slrs[1].getAvailable().dsp, 2877);
  EXPECT_EQ(p.slrs[2].getAvailable().dsp, 2880);
}

TEST(PlatformShipped, SlrsSumToDeviceTotals) {
  for (const char *name : {"u55c", "u280"}) {
    SCOPED_TRACE(name);
    Platform p = loadOrDie(name);
    // Vitis HLS 2023.2 csynth, 'Available' row for xcu280 (the corpus
    // reports): 9024 DSP, 4032 BRAM_18K, 960 URAM, 1303680 LUT, 2607360 FF.
    FabricResources expected;
    expected.dsp = 9024;
    expected.bram18k = 4032;
    expected.uram = 960;
    expected.lut = 1303680;
    expected.ff = 2607360;
    EXPECT_EQ(p.getTotalCapacity(), expected);
    EXPECT_EQ(p.deviceTotals, expected);
    // The shell's share: 147 + 195 + 192 DSPs.
    EXPECT_EQ(p.getTotalShellReserve().dsp, 534);
    EXPECT_EQ(p.getAvailableDsps(), 9024 - 534);
    EXPECT_EQ(p.getTotalAvailable(),
              p.getTotalCapacity() - p.getTotalShellReserve());
  }
}

TEST(PlatformShipped, Operators) {
  Platform p = loadOrDie("u280");
  // Vitis HLS at 3.33 ns: fadd_32ns_32ns_32_7_full_dsp_1 (LATENCY 6),
  // fmul_32ns_32ns_32_4_max_dsp_1 (LATENCY 3).
  const OperatorSpec *fadd = p.lookupOperator("fadd");
  ASSERT_NE(fadd, nullptr);
  EXPECT_EQ(fadd->latency, 6);
  EXPECT_EQ(fadd->dsp, 2);
  const OperatorSpec *fmul = p.lookupOperator("fmul");
  ASSERT_NE(fmul, nullptr);
  EXPECT_EQ(fmul->latency, 3);
  EXPECT_EQ(fmul->dsp, 3);

  // A float MAC is the two chained: 5 DSPs per lane, as in the Stream-HLS
  // FeedForward report (1280 DSPs for 256 lanes).
  const OperatorSpec *fmac = p.lookupOperator("fmac");
  ASSERT_NE(fmac, nullptr);
  EXPECT_TRUE(fmac->isComposite());
  EXPECT_EQ(fmac->latency, 9);
  EXPECT_EQ(fmac->dsp, 5);
  EXPECT_EQ(fmac->lut, fadd->lut + fmul->lut);

  // fmax is an fcmp plus a 32-bit select.
  const OperatorSpec *fcmp = p.lookupOperator("fcmp");
  const OperatorSpec *fmax = p.lookupOperator("fmax");
  ASSERT_TRUE(fcmp && fmax);
  EXPECT_EQ(fmax->lut, fcmp->lut + 32);
  EXPECT_EQ(fmax->latency, fcmp->latency);

  for (const char *name : {"fdiv", "fexp", "mac_i8i8", "mac_i8i4", "add_i32"})
    EXPECT_NE(p.lookupOperator(name), nullptr) << name;
  EXPECT_EQ(p.lookupOperator("fsqrt"), nullptr);

  // WP486: two INT8 MACs per DSP48E2.
  EXPECT_EQ(p.getMacsPerDsp("mac_i8i8"), 2);
  EXPECT_EQ(p.getMacsPerDsp("fmac"), 1);

  for (const auto &[name, op] : p.operators)
    EXPECT_FALSE(op.source.empty()) << name;
}

// A float adder in LUTs (bind_op impl=fabric): the U55C's fadd_fabric
// figure replaces fadd's, and a float MAC keeps only its multiplier's DSPs.
TEST(PlatformShipped, FloatAddersInFabric) {
  Platform p = loadOrDie("u55c");
  const OperatorSpec *fabric = p.lookupOperator("fadd_fabric");
  ASSERT_NE(fabric, nullptr);
  EXPECT_EQ(fabric->dsp, 0);
  EXPECT_EQ(fabric->lut, 338);
  EXPECT_EQ(fabric->ff, 243);
  EXPECT_EQ(fabric->latency, 4);
  const OperatorSpec fmul = *p.lookupOperator("fmul");
  OperatorSpec fmacBefore = *p.lookupOperator("fmac");
  EXPECT_EQ(fmacBefore.dsp, 5);

  ASSERT_FALSE(bool(p.bindOperator("fadd", "fabric")));
  const OperatorSpec *fadd = p.lookupOperator("fadd");
  EXPECT_EQ(fadd->name, "fadd");
  EXPECT_EQ(fadd->dsp, 0);
  EXPECT_EQ(fadd->lut, 338);
  EXPECT_EQ(fadd->ff, 243);
  EXPECT_EQ(fadd->latency, 4);
  EXPECT_EQ(fadd->source, fabric->source);
  // The MAC: the multiplier's 3 DSPs; latency and fabric follow the parts.
  const OperatorSpec *fmac = p.lookupOperator("fmac");
  EXPECT_EQ(fmac->dsp, fmul.dsp);
  EXPECT_EQ(fmac->latency, fmul.latency + 4);
  EXPECT_EQ(fmac->lut, fmul.lut + 338);
  EXPECT_EQ(fmac->ff, fmul.ff + 243);
  // Operators not built from fadd stay as they were.
  EXPECT_EQ(p.lookupOperator("fmax")->lut,
            loadOrDie("u55c").lookupOperator("fmax")->lut);

  // An implementation the file has no figure for is an error that names
  // the missing entry, and changes nothing.
  llvm::Error error = p.bindOperator("fmul", "fabric");
  ASSERT_TRUE(bool(error));
  EXPECT_NE(llvm::toString(std::move(error)).find("fmul_fabric"),
            std::string::npos);
  EXPECT_EQ(p.lookupOperator("fmul")->dsp, fmul.dsp);
}

// The power figures (docs/power.md): the paper's TDPs, the idle readings,
// XPE's default toggle rate, O'Connor's 3.97 pJ per HBM2 bit, and the
// fabric figures derived from the U55C's TDP and shared by the same die.
TEST(PlatformShipped, PowerFigures) {
  Platform u55c = loadOrDie("u55c");
  ASSERT_TRUE(u55c.power.has_value());
  const power::PowerFigures &figures = u55c.power->figures;
  EXPECT_DOUBLE_EQ(u55c.power->tdpWatts, 150);
  EXPECT_DOUBLE_EQ(figures.staticWatts, 14.77);
  EXPECT_DOUBLE_EQ(figures.referenceClockMHz, 250);
  EXPECT_DOUBLE_EQ(figures.toggleRate, 0.125);
  EXPECT_DOUBLE_EQ(figures.hbmPicojoulesPerBit, 3.97);
  for (const std::string *source :
       {&u55c.power->tdpSource, &u55c.power->staticSource,
        &u55c.power->activitySource, &u55c.power->fabricSource,
        &u55c.power->hbmSource})
    EXPECT_FALSE(source->empty());

  // The derivation in the file: the whole device busy at 250 MHz, HBM at
  // its 460 GB/s peak (460e9 * 8 * 3.97e-12 = 14.6096 W) and the idle power
  // add up to the TDP, within the rounding of the per-resource figures.
  double fabricWatts =
      figures.wattsPerDsp * 9024 + figures.wattsPerLut * 1303680 +
      figures.wattsPerFf * 2607360 + figures.wattsPerBram18k * 4032 +
      figures.wattsPerUram * 960;
  EXPECT_NEAR(figures.staticWatts + fabricWatts + 14.6096, 150, 0.01);

  Platform u280 = loadOrDie("u280");
  ASSERT_TRUE(u280.power.has_value());
  EXPECT_DOUBLE_EQ(u280.power->tdpWatts, 225);
  EXPECT_DOUBLE_EQ(u280.power->figures.staticWatts, 39.22);
  // Same die, same per-resource figures at the same reference clock.
  EXPECT_DOUBLE_EQ(u280.power->figures.wattsPerDsp, figures.wattsPerDsp);
  EXPECT_DOUBLE_EQ(u280.power->figures.wattsPerUram, figures.wattsPerUram);
  EXPECT_DOUBLE_EQ(u280.power->figures.referenceClockMHz, 250);
}

TEST(PlatformShipped, ListedAndLoadableByPath) {
  ScopedPlatformsDir useDefault(nullptr);
  std::vector<std::string> names = listPlatforms();
  EXPECT_EQ(names, std::vector<std::string>({"u280", "u55c"}));

  llvm::SmallString<256> path(getPlatformsDir());
  llvm::sys::path::append(path, "u280.json");
  llvm::Expected<Platform> platform = loadPlatform(path);
  ASSERT_TRUE(bool(platform)) << llvm::toString(platform.takeError());
  EXPECT_EQ(platform->name, "u280");
  EXPECT_EQ(platform->fileName, path.str());
}

//===----------------------------------------------------------------------===//
// Malformed input: one test per kind of problem, each message checked
//===----------------------------------------------------------------------===//

TEST(PlatformParse, UnchangedFileParses) {
  EXPECT_EQ(errorAfter([](json::Object &) {}), "");
}

TEST(PlatformParse, InvalidJson) {
  llvm::Expected<Platform> platform =
      parsePlatform("{\"name\": \"u55c\",", "u55c.json");
  ASSERT_FALSE(bool(platform));
  std::string message = llvm::toString(platform.takeError());
  EXPECT_EQ(message.rfind("u55c.json: invalid JSON: ", 0), 0u) << message;
}

TEST(PlatformParse, NotAnObject) {
  llvm::Expected<Platform> platform = parsePlatform("[1, 2]", "u55c.json");
  ASSERT_FALSE(bool(platform));
  EXPECT_EQ(llvm::toString(platform.takeError()),
            "u55c.json: expected a JSON object at the top level");
}

TEST(PlatformParse, MissingField) {
  EXPECT_EQ(errorAfter([](json::Object &root) { root.erase("part"); }),
            "u55c.json: part: missing required field");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "hbm"), "efficiency").erase("source");
            }),
            "u55c.json: hbm.efficiency.source: missing required field");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "operators").getObject("fadd")->erase("latency");
            }),
            "u55c.json: operators.fadd.latency: missing required field");
}

TEST(PlatformParse, WrongType) {
  EXPECT_EQ(
      errorAfter([](json::Object &root) { slr(root, 1)["dsp"] = "many"; }),
      "u55c.json: slrs[1].dsp: expected a non-negative integer");
  EXPECT_EQ(errorAfter([](json::Object &root) { root["kernelClock"] = 250; }),
            "u55c.json: kernelClock: expected an object");
  EXPECT_EQ(errorAfter([](json::Object &root) { root["slrs"] = "three"; }),
            "u55c.json: slrs: expected an array");
  EXPECT_EQ(errorAfter([](json::Object &root) { root["card"] = 55; }),
            "u55c.json: card: expected a non-empty string");
}

// The name is written unquoted into the generated Makefile: anything a shell
// or make would interpret is refused, naming the file and the field.
TEST(PlatformParse, BadVitisPlatform) {
  EXPECT_EQ(errorAfter([](json::Object &root) { root.erase("vitisPlatform"); }),
            "u55c.json: vitisPlatform: missing required field");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "vitisPlatform")["name"] = "xilinx u55c";
            }),
            "u55c.json: vitisPlatform.name: expected a Vitis platform name "
            "(letters, digits, '_', '.', ':', '/', '-'), got 'xilinx u55c'");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "vitisPlatform")["name"] = "$(shell rm -rf /)";
            }),
            "u55c.json: vitisPlatform.name: expected a Vitis platform name "
            "(letters, digits, '_', '.', ':', '/', '-'), got '$(shell rm -rf "
            "/)'");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "vitisPlatform")["name"] = "";
            }),
            "u55c.json: vitisPlatform.name: expected a non-empty string");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "vitisPlatform").erase("source");
            }),
            "u55c.json: vitisPlatform.source: missing required field");
  // A VLNV and an .xpfm path are what v++ --platform also takes.
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "vitisPlatform")["name"] =
                  "/opt/xilinx/platforms/x/x.xpfm";
            }),
            "");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "vitisPlatform")["name"] =
                  "xilinx:u55c:gen3x16_xdma_3:202210.1";
            }),
            "");
}

TEST(PlatformParse, NegativeOrFractionalCount) {
  EXPECT_EQ(errorAfter([](json::Object &root) { slr(root, 1)["dsp"] = -1; }),
            "u55c.json: slrs[1].dsp: expected a non-negative integer");
  EXPECT_EQ(errorAfter([](json::Object &root) { slr(root, 0)["uram"] = 2.5; }),
            "u55c.json: slrs[0].uram: expected a non-negative integer");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "hbm"), "capacity")["pseudoChannels"] = 0;
            }),
            "u55c.json: hbm.capacity.pseudoChannels: expected a positive "
            "integer");
  EXPECT_EQ(errorAfter([](json::Object &root) { slr(root, 0)["lut"] = 1e15; }),
            "u55c.json: slrs[0].lut: out of range (above 2^40)");
}

TEST(PlatformParse, NumberOutOfRange) {
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "kernelClock")["mhz"] = 0;
            }),
            "u55c.json: kernelClock.mhz: expected a positive number");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "hbm"), "efficiency")["streamingRead"] = 1.5;
            }),
            "u55c.json: hbm.efficiency.streamingRead: expected a number in "
            "(0, 1]");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "host")["invocationOverheadUs"] = -3;
            }),
            "u55c.json: host.invocationOverheadUs: expected a non-negative "
            "number");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "hbm"), "axi")["kernelPortBits"] = 500;
            }),
            "u55c.json: hbm.axi.kernelPortBits: expected a positive multiple "
            "of 8");
}

TEST(PlatformParse, EmptySource) {
  EXPECT_EQ(errorAfter([](json::Object &root) { slr(root, 2)["source"] = ""; }),
            "u55c.json: slrs[2].source: expected a non-empty string");
}

TEST(PlatformParse, UnknownField) {
  EXPECT_EQ(errorAfter([](json::Object &root) { slr(root, 0)["dps"] = 1; }),
            "u55c.json: slrs[0].dps: unknown field");
  EXPECT_EQ(errorAfter([](json::Object &root) { root["clock"] = 250; }),
            "u55c.json: clock: unknown field");
}

TEST(PlatformParse, UnknownOperatorReferenced) {
  EXPECT_EQ(errorAfter([](json::Object &root) {
              json::Object &fmac = *field(root, "operators").getObject("fmac");
              fmac["composedOf"] = json::Array{"fmul", "fadd2"};
            }),
            "u55c.json: operators.fmac.composedOf[1]: unknown operator "
            "'fadd2'");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "dspPacking")["mac_i9i9"] =
                  json::Object{{"macsPerDsp", 2}, {"source", "WP486"}};
            }),
            "u55c.json: dspPacking.mac_i9i9: unknown operator 'mac_i9i9'");
}

TEST(PlatformParse, CompositeOfComposite) {
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "operators")["fmac2"] = json::Object{
                  {"composedOf", json::Array{"fmac"}}, {"source", "test"}};
            }),
            "u55c.json: operators.fmac2.composedOf[0]: 'fmac' is itself "
            "composed; parts must be primitive operators");
}

TEST(PlatformParse, BadOperatorName) {
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "operators")["FAdd"] =
                  json::Object{{"latency", 1},
                               {"dsp", 0},
                               {"lut", 0},
                               {"ff", 0},
                               {"source", "test"}};
            }),
            "u55c.json: operators.FAdd: expected an operator name of "
            "lowercase letters, digits and '_'");
}

TEST(PlatformParse, ReserveExceedsCapacity) {
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(slr(root, 0), "shellReserve")["dsp"] = 3000;
            }),
            "u55c.json: slrs[0].shellReserve.dsp: 3000 exceeds the SLR's "
            "2880");
}

TEST(PlatformParse, SlrsDoNotSumToTotals) {
  EXPECT_EQ(
      errorAfter([](json::Object &root) { slr(root, 2)["lut"] = 431000; }),
      "u55c.json: deviceTotals.lut: 1303680, but the SLRs sum to "
      "1302680");
  EXPECT_EQ(
      errorAfter([](json::Object &root) { root["slrs"] = json::Array(); }),
      "u55c.json: slrs: expected at least one SLR");
}

TEST(PlatformParse, MappingThresholdsOutOfOrder) {
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "memories"), "mapping")["uramMinBits"] = 4096;
            }),
            "u55c.json: memories.mapping.uramMinBits: 4096 does not exceed "
            "lutramMaxBits (4096)");
}

TEST(PlatformParse, UnsupportedVersion) {
  EXPECT_EQ(errorAfter([](json::Object &root) { root["formatVersion"] = 2; }),
            "u55c.json: formatVersion: unsupported version 2; this build "
            "reads version 1");
}

// A file without a "power" section still loads, with no power estimate.
TEST(PlatformParse, PowerIsOptional) {
  llvm::Expected<Platform> platform = parsePlatform(
      editU55c([](json::Object &root) { root.erase("power"); }), "u55c.json");
  ASSERT_TRUE(bool(platform)) << llvm::toString(platform.takeError());
  EXPECT_FALSE(platform->power.has_value());
}

TEST(PlatformParse, BadPowerFigures) {
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "power"), "fabric")["wattsPerDsp"] = -0.001;
            }),
            "u55c.json: power.fabric.wattsPerDsp: expected a non-negative "
            "number");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "power"), "hbm").erase("picojoulesPerBit");
            }),
            "u55c.json: power.hbm.picojoulesPerBit: missing required field");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "power"), "activity")["toggleRate"] = 12.5;
            }),
            "u55c.json: power.activity.toggleRate: expected a number in "
            "(0, 1]");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "power"), "fabric")["referenceClockMHz"] = 0;
            }),
            "u55c.json: power.fabric.referenceClockMHz: expected a positive "
            "number");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "power"), "static").erase("source");
            }),
            "u55c.json: power.static.source: missing required field");
  EXPECT_EQ(errorAfter([](json::Object &root) { root["power"] = 150; }),
            "u55c.json: power: expected an object");
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(root, "power")["dynamic"] = 1;
            }),
            "u55c.json: power.dynamic: unknown field");
}

// Idle power above the TDP is a typo (or mixed units).
TEST(PlatformParse, StaticPowerAboveTdp) {
  EXPECT_EQ(errorAfter([](json::Object &root) {
              field(field(root, "power"), "static")["watts"] = 1500;
            }),
            "u55c.json: power.static.watts: 1500 exceeds the TDP (150 W)");
}

//===----------------------------------------------------------------------===//
// Loading by name
//===----------------------------------------------------------------------===//

TEST(PlatformLoad, UnknownName) {
  ScopedPlatformsDir useDefault(nullptr);
  llvm::Expected<Platform> platform = loadPlatform("u99");
  ASSERT_FALSE(bool(platform));
  EXPECT_EQ(llvm::toString(platform.takeError()),
            "unknown platform 'u99'; known: u280, u55c");
  // Not a way to reach files outside the folder.
  platform = loadPlatform("../platforms/u55c");
  ASSERT_FALSE(bool(platform));
  EXPECT_EQ(llvm::toString(platform.takeError()),
            "unknown platform '../platforms/u55c'; known: u280, u55c");
}

TEST(PlatformLoad, MissingFile) {
  llvm::Expected<Platform> platform = loadPlatform("/nonexistent/card.json");
  ASSERT_FALSE(bool(platform));
  EXPECT_EQ(llvm::toString(platform.takeError()),
            "cannot read '/nonexistent/card.json': No such file or directory");
}

/// A temporary folder of platform files, removed with its contents.
class TempPlatformsDir {
public:
  TempPlatformsDir() {
    llvm::SmallString<256> path;
    std::error_code ec =
        llvm::sys::fs::createUniqueDirectory("streamtensor-platforms", path);
    EXPECT_FALSE(ec) << ec.message();
    dir = std::string(path);
  }
  ~TempPlatformsDir() { llvm::sys::fs::remove_directories(dir); }

  void write(llvm::StringRef fileName, llvm::StringRef text) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, fileName);
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    ASSERT_FALSE(ec) << ec.message();
    out << text;
  }
  const char *getPath() const { return dir.c_str(); }

private:
  std::string dir;
};

TEST(PlatformLoad, EnvironmentOverridesTheFolder) {
  TempPlatformsDir temp;
  temp.write("mycard.json", editU55c([](json::Object &root) {
               root["name"] = "mycard";
               field(root, "kernelClock")["mhz"] = 200;
             }));
  // Not a platform file: ignored by listPlatforms().
  temp.write("notes.txt", "not json");

  ScopedPlatformsDir useTemp(temp.getPath());
  EXPECT_EQ(getPlatformsDir(), temp.getPath());
  EXPECT_EQ(listPlatforms(), std::vector<std::string>({"mycard"}));

  llvm::Expected<Platform> platform = loadPlatform("mycard");
  ASSERT_TRUE(bool(platform)) << llvm::toString(platform.takeError());
  EXPECT_DOUBLE_EQ(platform->kernelClockMHz, 200);
  EXPECT_DOUBLE_EQ(platform->getClockPeriodNs(), 5.0);

  // The shipped cards are not visible from there.
  platform = loadPlatform("u55c");
  ASSERT_FALSE(bool(platform));
  EXPECT_EQ(llvm::toString(platform.takeError()),
            "unknown platform 'u55c'; known: mycard");
}

TEST(PlatformLoad, NameMustMatchTheFile) {
  TempPlatformsDir temp;
  temp.write("other.json", readShipped("u55c"));
  ScopedPlatformsDir useTemp(temp.getPath());
  llvm::Expected<Platform> platform = loadPlatform("other");
  ASSERT_FALSE(bool(platform));
  EXPECT_EQ(llvm::toString(platform.takeError()),
            "other.json: name: 'u55c' does not match the file name");
}

TEST(PlatformLoad, ErrorsNameTheFile) {
  TempPlatformsDir temp;
  temp.write("u55c.json",
             editU55c([](json::Object &root) { slr(root, 1)["dsp"] = -5; }));
  ScopedPlatformsDir useTemp(temp.getPath());
  llvm::Expected<Platform> platform = loadPlatform("u55c");
  ASSERT_FALSE(bool(platform));
  EXPECT_EQ(llvm::toString(platform.takeError()),
            "u55c.json: slrs[1].dsp: expected a non-negative integer");
}

TEST(PlatformLoad, EmptyFolder) {
  TempPlatformsDir temp;
  ScopedPlatformsDir useTemp(temp.getPath());
  EXPECT_TRUE(listPlatforms().empty());
  llvm::Expected<Platform> platform = loadPlatform("u55c");
  ASSERT_FALSE(bool(platform));
  EXPECT_EQ(llvm::toString(platform.takeError()),
            "unknown platform 'u55c'; no platform files in '" +
                std::string(temp.getPath()) + "'");
}

} // namespace
