//===- DesignAnalysis.h - Models of a lowered module ------------*- C++ -*-===//
//
// What the resource-allocation passes and the driver share: the platform a
// pass option names, and the model and profiles of every kernel.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_PERFORMANCE_DESIGNANALYSIS_H
#define STREAMTENSOR_PERFORMANCE_DESIGNANALYSIS_H

#include "streamtensor/Analysis/MemoryAssignment.h"
#include "streamtensor/Analysis/TaskProfile.h"
#include "streamtensor/Performance/KernelModel.h"

#include "mlir/IR/BuiltinOps.h"

namespace streamtensor::perf {

/// The module attribute that says how a design implements its float adds
/// and subtracts: "fabric" (LUTs) or "dsp" (the default when absent).
/// dataflow-bind-float-adders sets it; the model prices the adders by it
/// and the emitter binds them by it.
constexpr llvm::StringLiteral kFloatAddersAttr = "dataflow.float_adders";

/// The implementation of the float adders of the module `anchor` is or
/// sits in: the value of kFloatAddersAttr, or "dsp".
llvm::StringRef getFloatAdders(mlir::Operation *anchor);

/// Prices `platform`'s operators as the module of `anchor` implements them
/// (Platform::bindOperator); on failure reports it on `anchor`.
mlir::LogicalResult bindDesignOperators(Platform &platform,
                                        mlir::Operation *anchor);

/// Loads the platform `name` (or .json path), priced as the module of
/// `anchor` implements its operators; on failure reports the loader's
/// message on `anchor`.
mlir::FailureOr<Platform> loadPlatformFor(mlir::Operation *anchor,
                                          llvm::StringRef name);

/// getModelParameters of `platform` priced as the module of `anchor`
/// implements its operators.
mlir::FailureOr<ModelParameters> getModelParametersFor(const Platform &platform,
                                                       mlir::Operation *anchor);

struct AnalyzedKernel {
  mlir::func::FuncOp kernel;
  KernelModel model;
  /// Indexed like model.processes.
  std::vector<TaskProfile> profiles;
};

/// A module's platform, the model parameters drawn from it, and its kernels.
struct AnalyzedDesign {
  Platform platform;
  ModelParameters params;
  std::vector<AnalyzedKernel> kernels;
};

/// Loads the platform `platformName` and builds and profiles every kernel
/// of `module`: what every resource-allocation pass starts from.
mlir::FailureOr<AnalyzedDesign> analyzeDesign(mlir::ModuleOp module,
                                              llvm::StringRef platformName);

/// Builds and profiles every kernel of `module`, in order.
mlir::FailureOr<std::vector<AnalyzedKernel>>
analyzeKernels(mlir::ModuleOp module, const ModelParameters &params);

/// An on-chip array of a kernel: a FIFO, a ping-pong buffer or a
/// process's local buffer, and the process it belongs to (a FIFO's writer).
struct MemoryItem {
  mlir::Operation *op = nullptr;
  int process = -1;
  memory::MemoryRequest request;
};
std::vector<MemoryItem> collectMemories(const AnalyzedKernel &kernel);

/// The storage the assign-memories pass chose for `op`, or the policy's
/// preference when it has not run.
memory::Storage getStorage(const MemoryItem &item,
                           const memory::MemoryPolicy &policy);
memory::MemoryPolicy getMemoryPolicy(const Platform &platform);

/// The kernels of a lowered module: functions marked `dataflow.kernel`.
std::vector<mlir::func::FuncOp> getKernelFunctions(mlir::ModuleOp module);

/// The HBM pseudo-channel a kernel's port `argument` is bound to: the one
/// the compiler assigned by buffer role (`dataflow.hbm_channel`), else
/// argument number mod `channels`. The link configuration and the
/// performance model both read it, so that estimates match the binding.
int64_t getHbmChannel(mlir::func::FuncOp kernel, unsigned argument,
                      int64_t channels);
/// How many adjacent channels, from getHbmChannel on, the port's buffer
/// spans (`dataflow.hbm_channel_count`, else 1).
int64_t getHbmChannelCount(mlir::func::FuncOp kernel, unsigned argument);

} // namespace streamtensor::perf

#endif // STREAMTENSOR_PERFORMANCE_DESIGNANALYSIS_H
