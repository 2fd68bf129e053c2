//===- ReportRoofline.cpp - The roofline chart of report.html -------------===//
//
// Drawn by hand as SVG so that the page needs nothing but a browser. The
// axes span whole decades around the roofs' ridge points and the kernels'
// points; roofs are clipped to the plot.
//
//===----------------------------------------------------------------------===//

#include "ReportRoofline.h"
#include "TextFormat.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace streamtensor::driver;
using namespace streamtensor::driver::report;

namespace {

constexpr double plotLeft = 90, plotTop = 20, plotWidth = 560, plotHeight = 360;
constexpr double chartWidth = 980, chartHeight = 440;
const char *const colors[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd",
                              "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};


/// 1e9 as "1G", 0.01 as "0.01".
std::string formatDecade(int exponent) {
  static const char *const prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  if (exponent < 0)
    return "0." + std::string(-exponent - 1, '0') + "1";
  int group = std::min(exponent / 3, 6);
  return std::to_string(int64_t(std::pow(10.0, exponent - 3 * group))) +
         prefixes[group];
}

struct LogAxis {
  int low, high;
  double map(double value, double length) const {
    return (std::log10(value) - low) / double(high - low) * length;
  }
};

LogAxis spanDecades(double low, double high) {
  LogAxis axis{int(std::floor(std::log10(low))),
               int(std::ceil(std::log10(high)))};
  if (axis.high - axis.low < 2)
    axis.high = axis.low + 2;
  return axis;
}

} // namespace

std::string report::drawRoofline(double bytesPerSecond,
                                 const std::vector<Roof> &roofs,
                                 const std::vector<RooflinePoint> &points) {
  double xLow = HUGE_VAL, xHigh = 0, yLow = HUGE_VAL, yHigh = 0;
  auto extend = [](double value, double &low, double &high) {
    low = std::min(low, value);
    high = std::max(high, value);
  };
  for (const Roof &roof : roofs) {
    extend(roof.opsPerSecond / bytesPerSecond, xLow, xHigh);
    extend(roof.opsPerSecond, yLow, yHigh);
  }
  for (const RooflinePoint &point : points) {
    extend(point.intensity, xLow, xHigh);
    extend(point.opsPerSecond, yLow, yHigh);
  }
  // A decade of room on each side of the ridge points.
  LogAxis x = spanDecades(xLow / 10, xHigh * 10);
  LogAxis y = spanDecades(yLow / 10, yHigh * 2);
  auto px = [&](double value) { return plotLeft + x.map(value, plotWidth); };
  auto py = [&](double value) {
    return plotTop + plotHeight - y.map(value, plotHeight);
  };

  std::string svg;
  llvm::raw_string_ostream os(svg);
  os << llvm::formatv("<svg class=\"roofline\" xmlns=\"http://www.w3.org/2000/"
                      "svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
                      "{1}\" font-family=\"Helvetica, Arial, sans-serif\" "
                      "font-size=\"11\">\n",
                      chartWidth, chartHeight);
  os << llvm::formatv("<defs><clipPath id=\"roofline-plot\"><rect x=\"{0}\" "
                      "y=\"{1}\" width=\"{2}\" height=\"{3}\"/></clipPath>"
                      "</defs>\n",
                      plotLeft, plotTop, plotWidth, plotHeight);
  os << llvm::formatv("<rect x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{3}\" "
                      "fill=\"#fcfcfc\" stroke=\"#888\"/>\n",
                      plotLeft, plotTop, plotWidth, plotHeight);
  for (int e = x.low; e <= x.high; ++e) {
    double at = px(std::pow(10.0, e));
    os << llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" "
                        "stroke=\"#e4e4e4\"/><text x=\"{0}\" y=\"{3}\" "
                        "text-anchor=\"middle\">{4}</text>\n",
                        at, plotTop, plotTop + plotHeight,
                        plotTop + plotHeight + 16, formatDecade(e));
  }
  for (int e = y.low; e <= y.high; ++e) {
    double at = py(std::pow(10.0, e));
    os << llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
                        "stroke=\"#e4e4e4\"/><text x=\"{3}\" y=\"{4}\" "
                        "text-anchor=\"end\">{5}</text>\n",
                        plotLeft, at, plotLeft + plotWidth, plotLeft - 6,
                        at + 4, formatDecade(e));
  }
  os << llvm::formatv(
      "<text x=\"{0}\" y=\"{1}\" text-anchor=\"middle\">arithmetic intensity "
      "(operations per HBM byte; a MAC is 2 operations)</text>\n",
      plotLeft + plotWidth / 2, plotTop + plotHeight + 38);
  os << llvm::formatv("<text transform=\"translate(22,{0}) rotate(-90)\" "
                      "text-anchor=\"middle\">attainable operations per "
                      "second</text>\n",
                      plotTop + plotHeight / 2);

  // Roofs: the bandwidth slope up to each compute ceiling.
  double legendY = plotTop + 10;
  auto legend = [&](const std::string &swatch, llvm::StringRef text) {
    os << swatch
       << llvm::formatv("<text x=\"{0}\" y=\"{1}\">{2}</text>\n",
                        plotLeft + plotWidth + 34, legendY + 4, escapeHtml(text));
    legendY += 18;
  };
  os << "<g clip-path=\"url(#roofline-plot)\">\n";
  double xMin = std::pow(10.0, x.low), xMax = std::pow(10.0, x.high);
  for (const Roof &roof : roofs) {
    double ridge = roof.opsPerSecond / bytesPerSecond;
    os << llvm::formatv("<polyline class=\"roof\" fill=\"none\" "
                        "stroke=\"#333\" stroke-width=\"2\" points=\"{0},{1} "
                        "{2},{3} {4},{3}\"/>\n",
                        px(xMin), py(xMin * bytesPerSecond), px(ridge),
                        py(roof.opsPerSecond), px(xMax));
  }
  for (auto [index, point] : llvm::enumerate(points))
    os << llvm::formatv("<circle class=\"point\" cx=\"{0}\" cy=\"{1}\" "
                        "r=\"5\" fill=\"{2}\"><title>{3}</title></circle>\n",
                        px(point.intensity), py(point.opsPerSecond),
                        colors[index % std::size(colors)], escapeHtml(point.label));
  os << "</g>\n";
  for (const Roof &roof : roofs)
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" text-anchor=\"end\" "
                        "fill=\"#333\">{2}</text>\n",
                        plotLeft + plotWidth - 6, py(roof.opsPerSecond) - 5,
                        escapeHtml(roof.label));
  legend(llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" "
                       "stroke=\"#333\" stroke-width=\"2\"/>",
                       plotLeft + plotWidth + 12, legendY,
                       plotLeft + plotWidth + 28)
             .str(),
         llvm::formatv("HBM peak {0:F0} GB/s (platform)", bytesPerSecond / 1e9)
             .str());
  for (auto [index, point] : llvm::enumerate(points))
    legend(llvm::formatv("<circle cx=\"{0}\" cy=\"{1}\" r=\"5\" fill=\"{2}\"/>",
                         plotLeft + plotWidth + 20, legendY,
                         colors[index % std::size(colors)])
               .str(),
           point.label + " (estimate)");
  os << "</svg>\n";
  return svg;
}
