//===- TextFormat.h - Small text helpers of the driver's outputs -*- C++ -*-===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_TEXTFORMAT_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_TEXTFORMAT_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace streamtensor::driver {

/// `text` with the characters HTML gives a meaning to escaped.
std::string escapeHtml(llvm::StringRef text);

/// 1234567 as "1,234,567".
std::string groupDigits(int64_t value);

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_TEXTFORMAT_H
