// Stand-in for XRT's xrt/xrt_bo.h: only the declarations the StreamTensor
// host program uses, so that CI can syntax-check the XRT backend without
// XRT installed. Nothing here is defined; linking against it fails.
#pragma once

#include <cstddef>
#include <cstdint>

enum xclBOSyncDirection {
  XCL_BO_SYNC_BO_TO_DEVICE = 0,
  XCL_BO_SYNC_BO_FROM_DEVICE,
};

namespace xrt {

using memory_group = uint32_t;
class device;

class bo {
public:
  enum class flags : uint32_t { normal = 0 };

  bo();
  bo(const device &device, size_t size, flags flags, memory_group group);
  /// A sub-buffer: `size` bytes of `parent` from byte `offset`.
  bo(const bo &parent, size_t size, size_t offset);
  bo(const bo &other);
  bo &operator=(const bo &other);
  ~bo();

  size_t size() const;
  void write(const void *source, size_t size, size_t seek);
  void read(void *destination, size_t size, size_t skip);
  void sync(xclBOSyncDirection direction, size_t size, size_t offset);
  void copy(const bo &source, size_t size, size_t sourceOffset,
            size_t destinationOffset);
};

} // namespace xrt
