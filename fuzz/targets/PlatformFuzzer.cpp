//===- PlatformFuzzer.cpp - Fuzz the platform file reader -----------------===//
//
// The input is the text of a platforms/<name>.json file. A platform the
// reader accepts must be what it promises: SLRs that sum to the device,
// reserves within capacity, positive finite figures, composite operators
// whose parts exist.
//
//===----------------------------------------------------------------------===//

#include "FuzzCheck.h"

#include "streamtensor/Platform/Platform.h"

#include <cmath>
#include <cstddef>
#include <cstdint>

using namespace streamtensor;
using fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<Platform> platform = parsePlatform(text, "fuzz.json");
  if (!platform) {
    fuzz::checkErrorMessage(platform.takeError(), "fuzz.json: ");
    return 0;
  }

  check(!platform->slrs.empty(), "accepted a platform without SLRs");
  check(platform->getTotalCapacity() == platform->deviceTotals,
        "SLRs do not sum to the device totals");
  FabricResources available = platform->getTotalAvailable();
  for (int64_t count : {available.dsp, available.bram18k, available.uram,
                        available.lut, available.ff})
    check(count >= 0, "the shell reserves more than the device holds");

  // Every figure is checked finite and in range one by one; products of
  // them (bytes per cycle, the clock period) are not bounded by the reader.
  for (double figure :
       {platform->kernelClockMHz, platform->hbm.capacityGiB,
        platform->hbm.peakGBps, platform->hbm.streamingEfficiency,
        platform->hbm.switchPortMHz})
    check(std::isfinite(figure) && figure > 0, "figure not positive");
  check(platform->hbm.streamingEfficiency <= 1, "efficiency above 1");
  check(platform->hbm.pseudoChannels > 0, "no HBM pseudo-channels");

  for (const auto &[name, op] : platform->operators) {
    check(platform->lookupOperator(name) == &op, "operator lookup");
    for (const std::string &part : op.composedOf)
      check(platform->lookupOperator(part) != nullptr,
            "composite operator with an unknown part");
    check(platform->getMacsPerDsp(name) > 0, "MACs per DSP not positive");
  }
  return 0;
}
