//===- Platform.h - FPGA cards described by data files ----------*- C++ -*-===//
//
// Everything the compiler assumes about a target card (fabric per SLR, the
// platform shell's share, HBM, operator latencies and costs, memory mapping
// thresholds, host overheads, power figures) lives in platforms/<name>.json,
// each figure with the document it comes from. This is the typed view of such
// a file and its loader. The format is described field by field in
// docs/platforms.md (the power section in docs/power.md).
//
// Plain C++ on LLVMSupport (llvm::json, llvm::Expected): no MLIR dependency,
// so analyses and tools can use it directly.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_PLATFORM_PLATFORM_H
#define STREAMTENSOR_PLATFORM_PLATFORM_H

#include "streamtensor/Analysis/PowerModel.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace streamtensor {

/// Counts of the five fabric resources Vitis reports, in its units: DSP48E2
/// slices, 18 Kb block RAMs, UltraRAMs, LUTs and flip-flops.
struct FabricResources {
  int64_t dsp = 0;
  int64_t bram18k = 0;
  int64_t uram = 0;
  int64_t lut = 0;
  int64_t ff = 0;

  FabricResources &operator+=(const FabricResources &other);
  FabricResources &operator-=(const FabricResources &other);
  friend FabricResources operator+(FabricResources lhs,
                                   const FabricResources &rhs) {
    return lhs += rhs;
  }
  friend FabricResources operator-(FabricResources lhs,
                                   const FabricResources &rhs) {
    return lhs -= rhs;
  }
  bool operator==(const FabricResources &other) const;
  bool operator!=(const FabricResources &other) const {
    return !(*this == other);
  }
};

/// One super logic region (die) of the device.
struct SlrSpec {
  std::string name;
  /// What the die holds.
  FabricResources capacity;
  std::string source;
  /// What the platform shell (static region) takes from it.
  FabricResources shellReserve;
  std::string shellReserveSource;

  /// What is left for kernels.
  FabricResources getAvailable() const { return capacity - shellReserve; }
};

struct HbmSpec {
  double capacityGiB = 0;
  int64_t pseudoChannels = 0;
  std::string capacitySource;

  /// Theoretical peak over all pseudo-channels, in 10^9 bytes per second.
  double peakGBps = 0;
  std::string peakSource;

  /// The fraction of the peak a long streaming read reaches, in (0, 1].
  double streamingEfficiency = 0;
  std::string efficiencySource;

  /// Width and clock of the HBM switch's AXI port per pseudo-channel, and the
  /// width of a kernel's m_axi port.
  int64_t switchPortBits = 0;
  double switchPortMHz = 0;
  int64_t kernelPortBits = 0;
  std::string axiSource;

  /// Read latency seen by a kernel, in kernel clock cycles.
  int64_t readLatencyCycles = 0;
  std::string readLatencySource;

  /// The SLR whose edge the HBM stacks attach to: DMAs belong there.
  int64_t slr = 0;
  std::string slrSource;
};

/// Latency and cost of one operator instance at the kernel clock.
struct OperatorSpec {
  std::string name;
  /// Cycles from issuing the operands to using the result.
  int64_t latency = 0;
  int64_t dsp = 0;
  int64_t lut = 0;
  int64_t ff = 0;
  /// For an operator built from others (a float MAC is an fmul and an fadd),
  /// its primitive parts; the figures above are then the parts' sums plus
  /// what the file adds. Empty for a primitive operator.
  std::vector<std::string> composedOf;
  std::string source;

  bool isComposite() const { return !composedOf.empty(); }
};

/// How many narrow MACs one DSP48E2 computes at once.
struct DspPackingSpec {
  int64_t macsPerDsp = 1;
  std::string source;
};

struct MemorySpec {
  int64_t bram18kBits = 0;
  int64_t bram18kMaxWidth = 0;
  int64_t bram18kPorts = 0;
  std::string bram18kSource;

  int64_t uramBits = 0;
  int64_t uramWidth = 0;
  int64_t uramPorts = 0;
  std::string uramSource;
};

/// Where a buffer or FIFO goes, by size: a policy, not a device fact.
struct BufferMappingPolicy {
  /// FIFOs at most this deep are registers.
  int64_t registerMaxDepth = 0;
  /// Then FIFOs at most this deep are shift-register LUTs.
  int64_t srlMaxDepth = 0;
  /// Then anything of at most this many bits is LUTRAM; larger ones are
  /// BRAM_18K,
  int64_t lutramMaxBits = 0;
  /// and from this many bits on, URAM.
  int64_t uramMinBits = 0;
  std::string source;
};

struct HostSpec {
  /// One kernel invocation from the host (enqueue, start, wait), in
  /// microseconds.
  double invocationOverheadUs = 0;
  std::string source;
};

/// What the power estimate needs (docs/power.md), each figure with its
/// source. The figures are the power model's own struct (Analysis/
/// PowerModel.h), so the estimate takes them as read; this library only
/// stores them and needs that header, not the Analysis library.
struct PowerSpec {
  power::PowerFigures figures;
  /// The card's thermal design power. The estimate does not use it; reports
  /// set the estimated average power beside it.
  double tdpWatts = 0;
  std::string tdpSource;
  std::string staticSource;
  /// Where the toggle rate the fabric figures assume comes from.
  std::string activitySource;
  /// Where the per-resource figures and their reference clock come from.
  std::string fabricSource;
  std::string hbmSource;
};

/// A target card, as read from platforms/<name>.json.
struct Platform {
  std::string name;
  std::string card;
  std::string part;
  std::string source;
  /// The file it was read from, as given to the parser.
  std::string fileName;

  /// The Vitis platform (shell) v++ builds for, as `v++ --platform` takes
  /// it: a name such as xilinx_u55c_gen3x16_xdma_3_202210_1.
  std::string vitisPlatform;
  std::string vitisPlatformSource;

  double kernelClockMHz = 0;
  std::string kernelClockSource;

  /// The data sheet's device totals; the loader checks that the SLRs sum to
  /// them.
  FabricResources deviceTotals;
  std::string deviceTotalsSource;
  std::vector<SlrSpec> slrs;

  HbmSpec hbm;
  /// By name; ordered so that reports list them the same way every time.
  std::map<std::string, OperatorSpec> operators;
  /// By operator name (each names an entry of `operators`).
  std::map<std::string, DspPackingSpec> dspPacking;
  MemorySpec memories;
  BufferMappingPolicy bufferMapping;
  HostSpec host;
  /// Absent when the file has no "power" section: no power estimate then.
  std::optional<PowerSpec> power;

  /// Sums over the SLRs.
  FabricResources getTotalCapacity() const;
  FabricResources getTotalShellReserve() const;
  FabricResources getTotalAvailable() const;
  /// DSPs left for kernels on the whole device.
  int64_t getAvailableDsps() const { return getTotalAvailable().dsp; }

  double getClockPeriodNs() const { return 1000.0 / kernelClockMHz; }
  int64_t getHbmCapacityBytes() const;
  /// Bytes one pseudo-channel delivers per kernel cycle in a streaming read:
  /// the peak bandwidth times the efficiency, shared by the channels.
  double getHbmBytesPerCyclePerChannel() const;

  /// The operator called `name`, or nullptr when the file has none.
  const OperatorSpec *lookupOperator(llvm::StringRef name) const;
  /// MACs of operator `name` one DSP computes at once (1 without packing).
  int64_t getMacsPerDsp(llvm::StringRef name) const;

  /// Prices operator `name` as its implementation `impl`, the file's entry
  /// `<name>_<impl>` (fadd_fabric: a float adder in LUTs instead of DSPs),
  /// and the composites built from it (fmac) with it. Fails, naming the
  /// missing entry, when the file has no figure for that implementation.
  llvm::Error bindOperator(llvm::StringRef name, llvm::StringRef impl);
};

/// Reads a platform from JSON text. `fileName` only names the input in error
/// messages, which have the form "<fileName>: <field path>: <problem>", e.g.
/// "u55c.json: slrs[1].dsp: expected a non-negative integer".
llvm::Expected<Platform> parsePlatform(llvm::StringRef jsonText,
                                       llvm::StringRef fileName);

/// Loads a platform. A name ending in ".json" is a file path, read as is; any
/// other name is looked up as <name>.json in getPlatformsDir(), and the file's
/// "name" field must equal it.
llvm::Expected<Platform> loadPlatform(llvm::StringRef nameOrPath);

/// $STREAMTENSOR_PLATFORMS_DIR if set and not empty, else the platforms/
/// folder of the source tree this was built from.
std::string getPlatformsDir();

/// The names of the platforms in getPlatformsDir() (the stems of its *.json
/// files), sorted; empty when the folder cannot be read.
std::vector<std::string> listPlatforms();

} // namespace streamtensor

#endif // STREAMTENSOR_PLATFORM_PLATFORM_H
