//===- ReportHtml.h - report.html, the design for people --------*- C++ -*-===//
//
// report.html restates a compile folder's report.json and lowered IR for
// people: the dataflow graph drawn by Graphviz, the tables, a roofline.
// It is one file, with inline CSS and SVG, that any browser shows offline.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_REPORTHTML_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_REPORTHTML_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace streamtensor::driver {

/// Writes <folder>/report.html (and the graphs' ir/<name>.dot) from
/// <folder>/report.json and <folder>/ir/*.mlir. Without Graphviz the page
/// says so and one warning goes to stderr. Reports one line naming the
/// file and returns false when report.json is missing or unreadable or the
/// page cannot be written; `command` prefixes messages.
bool writeReportHtml(llvm::StringRef folder, llvm::StringRef command);

/// streamtensor report <out-dir>: writes report.html again.
int runReport(llvm::ArrayRef<const char *> args);

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_REPORTHTML_H
