//===- HbmChannels.h - Kernel ports onto HBM pseudo-channels ----*- C++ -*-===//
//
// The link step binds each kernel port to one HBM pseudo-channel. Which one
// follows from the buffer the host binds to the port (HostBinding): the
// driver names its role ("hidden", "k_cache.0", a weight), the roles of all
// graphs are placed together (hbm::assignChannels), and each port gets its
// buffer's channel as `dataflow.hbm_channel`, read by the link
// configuration and by the performance model (perf::getHbmChannel).
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_TARGET_HBMCHANNELS_H
#define STREAMTENSOR_TARGET_HBMCHANNELS_H

#include "streamtensor/Analysis/HbmAssignment.h"
#include "streamtensor/Platform/Platform.h"
#include "streamtensor/Target/HLSCpp.h"

#include "llvm/ADT/STLFunctionalExtras.h"

namespace streamtensor {

/// What a buffer bound to a port is: its role, its use, and how many
/// instances of it the host keeps (one per layer for a block's weights).
struct BufferRole {
  std::string name;
  hbm::BufferUse use = hbm::BufferUse::Weight;
  int64_t instances = 1;
};

/// A host function and the role of each buffer it binds.
struct HostFunctionRoles {
  mlir::func::FuncOp entry;
  llvm::function_ref<BufferRole(const HostBinding &)> roleOf;
};

/// Sets `dataflow.hbm_channel` on every buffer port of the kernels the
/// functions call. Fails, with an error on the first function, when the
/// buffers do not fit in the platform's HBM.
mlir::LogicalResult
assignHbmChannels(llvm::ArrayRef<HostFunctionRoles> functions,
                  const Platform &platform);

} // namespace streamtensor

#endif // STREAMTENSOR_TARGET_HBMCHANNELS_H
