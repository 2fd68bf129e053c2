// Stand-in for XRT's xrt/xrt_device.h (declarations only, see xrt_bo.h).
#pragma once

#include <string>

namespace xrt {

class uuid {
public:
  uuid();
  uuid(const uuid &other);
  ~uuid();
};

class device {
public:
  explicit device(unsigned int index);
  device(const device &other);
  ~device();
  uuid load_xclbin(const std::string &path);
};

} // namespace xrt
