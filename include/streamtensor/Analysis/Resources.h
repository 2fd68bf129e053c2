//===- Resources.h - FPGA resource counts -----------------------*- C++ -*-===//

#ifndef STREAMTENSOR_ANALYSIS_RESOURCES_H
#define STREAMTENSOR_ANALYSIS_RESOURCES_H

#include <array>

namespace streamtensor {

/// Counts of the FPGA fabric resources a design uses or a die offers.
struct Resources {
  double dsp = 0;
  double lut = 0;
  double ff = 0;
  double bram18k = 0;
  double uram = 0;

  static constexpr int kNumKinds = 5;
  static const char *kindName(int kind) {
    static const char *const names[kNumKinds] = {"DSP", "LUT", "FF", "BRAM_18K",
                                                 "URAM"};
    return names[kind];
  }
  /// BRAM_18K and URAM: what FIFOs and buffers are made of.
  static bool isBlockMemory(int kind) { return kind == 3 || kind == 4; }
  double get(int kind) const {
    const double values[kNumKinds] = {dsp, lut, ff, bram18k, uram};
    return values[kind];
  }
  double &at(int kind) {
    std::array<double *, kNumKinds> fields = {&dsp, &lut, &ff, &bram18k, &uram};
    return *fields[kind];
  }

  Resources &operator+=(const Resources &other) {
    for (int kind = 0; kind < kNumKinds; ++kind)
      at(kind) += other.get(kind);
    return *this;
  }
  Resources &operator-=(const Resources &other) {
    for (int kind = 0; kind < kNumKinds; ++kind)
      at(kind) -= other.get(kind);
    return *this;
  }
  /// Whether every kind is at most `limit`'s.
  bool isWithin(const Resources &limit) const {
    for (int kind = 0; kind < kNumKinds; ++kind)
      if (get(kind) > limit.get(kind))
        return false;
    return true;
  }
};

} // namespace streamtensor

#endif // STREAMTENSOR_ANALYSIS_RESOURCES_H
