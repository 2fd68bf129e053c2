//===- PowerModelTest.cpp - Energy of a design from its resources ---------===//
//
// Expected values are worked out by hand in the comments, from round
// figures chosen so that the arithmetic is easy to check, not from the code.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Analysis/PowerModel.h"

#include "gtest/gtest.h"

using namespace streamtensor;
using namespace streamtensor::power;

namespace {

/// Round figures: 20 W idle; per resource at 250 MHz: 2 mW per DSP, 10 uW
/// per LUT, 5 uW per FF, 4 mW per BRAM_18K, 20 mW per URAM; 4 pJ per HBM bit.
PowerFigures roundFigures() {
  PowerFigures figures;
  figures.staticWatts = 20;
  figures.referenceClockMHz = 250;
  figures.toggleRate = 0.125;
  figures.wattsPerDsp = 2e-3;
  figures.wattsPerLut = 10e-6;
  figures.wattsPerFf = 5e-6;
  figures.wattsPerBram18k = 4e-3;
  figures.wattsPerUram = 20e-3;
  figures.hbmPicojoulesPerBit = 4;
  return figures;
}

/// 1000 DSP, 100000 LUT, 200000 FF, 500 BRAM_18K, 50 URAM. At the round
/// figures: 1000 * 2 mW = 2 W; 100000 * 10 uW = 1 W; 200000 * 5 uW = 1 W;
/// 500 * 4 mW = 2 W; 50 * 20 mW = 1 W; in all 7 W busy at 250 MHz.
Resources kernel() {
  Resources resources;
  resources.dsp = 1000;
  resources.lut = 100000;
  resources.ff = 200000;
  resources.bram18k = 500;
  resources.uram = 50;
  return resources;
}

Phase call(double seconds, double busy, double hbmBytes) {
  Phase phase;
  phase.seconds = seconds;
  phase.active = kernel();
  phase.busyFraction = busy;
  phase.hbmBytes = hbmBytes;
  return phase;
}

Phase hostGap(double seconds) {
  Phase phase;
  phase.seconds = seconds;
  return phase;
}

} // namespace

TEST(PowerModel, FabricWattsSumOverResourceKinds) {
  // 2 + 1 + 1 + 2 + 1 = 7 W (see kernel()).
  EXPECT_NEAR(roundFigures().getFabricWatts(kernel()), 7.0, 1e-12);
  EXPECT_EQ(roundFigures().getFabricWatts(Resources()), 0.0);
}

// One call of 2 s, busy half the time, moving 1e9 bytes, at the reference
// clock:
//   static 20 W * 2 s = 40 J
//   fabric 7 W * 0.5 * 2 s = 7 J
//   HBM 1e9 B * 8 b/B * 4 pJ/b = 32e9 pJ = 0.032 J
//   total 47.032 J, 23.516 W on average over the 2 s.
TEST(PowerModel, OneCallAtTheReferenceClock) {
  Energy energy = estimateEnergy(roundFigures(), 250, {call(2, 0.5, 1e9)});
  EXPECT_NEAR(energy.staticJoules, 40.0, 1e-9);
  EXPECT_NEAR(energy.fabricJoules, 7.0, 1e-9);
  EXPECT_NEAR(energy.hbmJoules, 0.032, 1e-12);
  EXPECT_NEAR(energy.joules(), 47.032, 1e-9);
  EXPECT_NEAR(energy.averageWatts(2), 23.516, 1e-9);
}

// Dynamic power is linear in the clock: at 300 MHz the 7 W become
// 7 * 300 / 250 = 8.4 W, so 8.4 W * 0.5 * 2 s = 8.4 J. Static and HBM energy
// do not change with the clock (same seconds, same bytes).
TEST(PowerModel, FabricScalesWithTheClock) {
  Energy energy = estimateEnergy(roundFigures(), 300, {call(2, 0.5, 1e9)});
  EXPECT_NEAR(energy.fabricJoules, 8.4, 1e-9);
  EXPECT_NEAR(energy.staticJoules, 40.0, 1e-9);
  EXPECT_NEAR(energy.hbmJoules, 0.032, 1e-12);

  Energy half = estimateEnergy(roundFigures(), 125, {call(2, 0.5, 1e9)});
  // 7 W * 125 / 250 = 3.5 W; 3.5 W * 0.5 * 2 s = 3.5 J.
  EXPECT_NEAR(half.fabricJoules, 3.5, 1e-9);
}

// Linear in the busy fraction: 7 W * 2 s = 14 J busy all the time, 0 J when
// the kernel never switches.
TEST(PowerModel, FabricScalesWithTheBusyFraction) {
  EXPECT_NEAR(estimateEnergy(roundFigures(), 250, {call(2, 1, 0)}).fabricJoules,
              14.0, 1e-9);
  EXPECT_NEAR(
      estimateEnergy(roundFigures(), 250, {call(2, 0.25, 0)}).fabricJoules, 3.5,
      1e-9);
  EXPECT_EQ(estimateEnergy(roundFigures(), 250, {call(2, 0, 0)}).fabricJoules,
            0.0);
}

// A fraction a rounding error past 1 counts as 1 (14 J, not 14.0014 J).
TEST(PowerModel, BusyFractionIsClampedToOne) {
  EXPECT_NEAR(
      estimateEnergy(roundFigures(), 250, {call(2, 1.0001, 0)}).fabricJoules,
      14.0, 1e-9);
}

// A host gap of 0.5 s draws only the idle power: 20 W * 0.5 s = 10 J.
TEST(PowerModel, HostGapIsStaticOnly) {
  Energy energy = estimateEnergy(roundFigures(), 250, {hostGap(0.5)});
  EXPECT_NEAR(energy.staticJoules, 10.0, 1e-12);
  EXPECT_EQ(energy.fabricJoules, 0.0);
  EXPECT_EQ(energy.hbmJoules, 0.0);
  EXPECT_NEAR(energy.averageWatts(0.5), 20.0, 1e-12);
}

// HBM energy is bytes * 8 * pJ/bit: 3 GB at 3.97 pJ/bit is
// 3e9 * 8 * 3.97e-12 J = 0.09528 J, whether moved in one phase or two, and
// whatever the clock.
TEST(PowerModel, HbmEnergyIsBitsTimesEnergyPerBit) {
  PowerFigures figures = roundFigures();
  figures.hbmPicojoulesPerBit = 3.97;
  EXPECT_NEAR(estimateEnergy(figures, 250, {call(1, 0, 3e9)}).hbmJoules,
              0.09528, 1e-12);
  EXPECT_NEAR(estimateEnergy(figures, 400, {call(1, 0, 1e9), call(1, 0, 2e9)})
                  .hbmJoules,
              0.09528, 1e-12);
}

// Static power counts over every phase, gaps included. A decode step of two
// calls of 1 ms (busy 0.8, 1e8 bytes each) with a 0.05 ms gap between them:
//   static 20 W * (1 + 0.05 + 1) ms = 20 W * 2.05e-3 s = 0.041 J
//   fabric 7 W * 0.8 * 1e-3 s * 2 calls = 0.0112 J
//   HBM 2e8 B * 8 * 4 pJ = 6.4e9 pJ = 0.0064 J
//   total 0.0586 J; 10 tokens / 0.0586 J = 170.6485... tokens/J.
TEST(PowerModel, CallsAndGapsAddUp) {
  Energy energy = estimateEnergy(
      roundFigures(), 250,
      {call(1e-3, 0.8, 1e8), hostGap(0.05e-3), call(1e-3, 0.8, 1e8)});
  EXPECT_NEAR(energy.staticJoules, 0.041, 1e-12);
  EXPECT_NEAR(energy.fabricJoules, 0.0112, 1e-12);
  EXPECT_NEAR(energy.hbmJoules, 0.0064, 1e-12);
  EXPECT_NEAR(energy.joules(), 0.0586, 1e-12);
  EXPECT_NEAR(energy.perJoule(10), 10 / 0.0586, 1e-9);
  // 0.0586 J over 2.05 ms is 28.585... W.
  EXPECT_NEAR(energy.averageWatts(2.05e-3), 0.0586 / 2.05e-3, 1e-9);
}

// Energies of separate runs (say the prefill and decode graphs) add up part
// by part: 40 + 10 = 50 J static, 7 + 0 = 7 J fabric, 0.032 J HBM.
TEST(PowerModel, EnergiesAdd) {
  Energy total = estimateEnergy(roundFigures(), 250, {call(2, 0.5, 1e9)});
  total += estimateEnergy(roundFigures(), 250, {hostGap(0.5)});
  EXPECT_NEAR(total.staticJoules, 50.0, 1e-9);
  EXPECT_NEAR(total.fabricJoules, 7.0, 1e-9);
  EXPECT_NEAR(total.hbmJoules, 0.032, 1e-12);
}

TEST(PowerModel, NothingRunNothingDrawn) {
  Energy energy = estimateEnergy(roundFigures(), 250, {});
  EXPECT_EQ(energy.joules(), 0.0);
  EXPECT_EQ(energy.averageWatts(0), 0.0);
  EXPECT_EQ(energy.perJoule(10), 0.0);
}
