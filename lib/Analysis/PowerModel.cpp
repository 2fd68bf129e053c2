//===- PowerModel.cpp - Energy of a design from its resources -------------===//

#include "streamtensor/Analysis/PowerModel.h"

#include <algorithm>

using namespace streamtensor;
using namespace streamtensor::power;

namespace {
constexpr double kJoulesPerPicojoule = 1e-12;
constexpr double kBitsPerByte = 8;
} // namespace

double PowerFigures::getFabricWatts(const Resources &resources) const {
  return resources.dsp * wattsPerDsp + resources.lut * wattsPerLut +
         resources.ff * wattsPerFf + resources.bram18k * wattsPerBram18k +
         resources.uram * wattsPerUram;
}

double Energy::averageWatts(double seconds) const {
  return seconds > 0 ? joules() / seconds : 0;
}

double Energy::perJoule(double count) const {
  double total = joules();
  return total > 0 ? count / total : 0;
}

Energy &Energy::operator+=(const Energy &other) {
  staticJoules += other.staticJoules;
  fabricJoules += other.fabricJoules;
  hbmJoules += other.hbmJoules;
  return *this;
}

Energy power::estimateEnergy(const PowerFigures &figures, double clockMHz,
                             const std::vector<Phase> &phases) {
  // Only a default-constructed PowerFigures has no reference clock (the
  // platform reader requires a positive one); without it there is nothing to
  // scale from, so the fabric contributes nothing rather than infinity.
  double clockScale =
      figures.referenceClockMHz > 0 ? clockMHz / figures.referenceClockMHz : 0;
  Energy energy;
  for (const Phase &phase : phases) {
    energy.staticJoules += figures.staticWatts * phase.seconds;
    // Busy fractions come from cycle counts; rounding may push one a hair
    // past 1, which must not add energy that was never drawn.
    double busy = std::clamp(phase.busyFraction, 0.0, 1.0);
    double fabricWatts = figures.getFabricWatts(phase.active) * clockScale;
    energy.fabricJoules += fabricWatts * busy * phase.seconds;
    energy.hbmJoules += phase.hbmBytes * kBitsPerByte *
                        figures.hbmPicojoulesPerBit * kJoulesPerPicojoule;
  }
  return energy;
}
