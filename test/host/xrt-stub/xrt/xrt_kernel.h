// Stand-in for XRT's xrt/xrt_kernel.h (declarations only, see xrt_bo.h).
#pragma once

#include "xrt/xrt_bo.h"
#include "xrt/xrt_device.h"

#include <string>

enum ert_cmd_state {
  ERT_CMD_STATE_NEW = 1,
  ERT_CMD_STATE_QUEUED = 2,
  ERT_CMD_STATE_RUNNING = 3,
  ERT_CMD_STATE_COMPLETED = 4,
  ERT_CMD_STATE_ERROR = 5,
  ERT_CMD_STATE_ABORT = 6,
};

namespace xrt {

class kernel {
public:
  kernel();
  kernel(const device &device, const uuid &xclbin, const std::string &name);
  kernel(const kernel &other);
  ~kernel();
  int group_id(int argument) const;
};

class run {
public:
  run();
  explicit run(const kernel &kernel);
  run(const run &other);
  run &operator=(const run &other);
  ~run();
  template <typename Arg> void set_arg(int index, Arg &&value);
  void start();
  ert_cmd_state wait() const;
};

} // namespace xrt
