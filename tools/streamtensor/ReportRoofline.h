//===- ReportRoofline.h - The roofline chart of report.html -----*- C++ -*-===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_REPORTROOFLINE_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_REPORTROOFLINE_H

#include <string>
#include <vector>

namespace streamtensor::driver::report {

/// A compute ceiling of the platform, in operations per second.
struct Roof {
  std::string label;
  double opsPerSecond = 0;
};

/// One kernel: operations per HBM byte, and operations per second.
struct RooflinePoint {
  std::string label;
  double intensity = 0;
  double opsPerSecond = 0;
};

/// An inline SVG, log-log: attainable operations per second against
/// arithmetic intensity under the HBM bandwidth (bytes per second) and the
/// compute roofs, with the points. Every value must be positive.
std::string drawRoofline(double bytesPerSecond, const std::vector<Roof> &roofs,
                         const std::vector<RooflinePoint> &points);

} // namespace streamtensor::driver::report

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_REPORTROOFLINE_H
