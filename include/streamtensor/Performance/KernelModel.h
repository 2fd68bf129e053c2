//===- KernelModel.h - Performance model of a lowered kernel ----*- C++ -*-===//
//
// Reads a kernel of the lowered dataflow IR (a function calling one process
// function per task, DMA, converter and fork, connected by dataflow.stream
// FIFOs and dataflow.buffer ping-pong buffers) into the loop-tree model the
// profiler and the simulator work on, with each process's resource estimate.
// Loop nests become pipelined loops the way Vitis HLS builds them: the
// innermost loop is pipelined at II=1 and perfect nests around it are
// flattened into it; the II then rises for loop-carried accumulations,
// memory ports and DMA bandwidth.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_PERFORMANCE_KERNELMODEL_H
#define STREAMTENSOR_PERFORMANCE_KERNELMODEL_H

#include "streamtensor/Analysis/ProcessModel.h"
#include "streamtensor/Analysis/Resources.h"
#include "streamtensor/Platform/Platform.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/StringRef.h"

#include <functional>
#include <map>
#include <optional>

namespace streamtensor::perf {

/// Latency and cost of one operator at the kernel clock.
struct OperatorCost {
  int64_t latency = 1;
  double dsp = 0;
  double lut = 0;
  double ff = 0;
};

/// The platform figures the model needs.
struct ModelParameters {
  /// Cost of a platform operator by name (fadd, fmul, ...), if known.
  std::function<std::optional<OperatorCost>(llvm::StringRef)> lookupOperator;
  /// Cycles of an on-chip memory read.
  int64_t memoryReadLatency = 2;
  /// HBM: pseudo-channels, bytes per kernel cycle each can deliver, and the
  /// cycles before the first word of a burst arrives.
  int64_t hbmChannels = 32;
  double hbmBytesPerCycle = 57.5;
  int64_t hbmReadLatency = 100;
  /// Bytes per cycle of one AXI port of the kernel.
  double axiBytesPerCycle = 64;
  /// Ports on one channel share it while they are active together, as a
  /// first simulation of the kernel finds them (ChannelSharing.h); without
  /// it, or when that simulation does not complete, all the time.
  bool shareChannelsByActivity = true;
  /// Cycles of loop control paid on each iteration of a loop that is not
  /// pipelined (it contains other loops).
  int64_t loopOverhead = 2;
};

/// An on-chip array of a process (a tile buffer or a ping-pong stage).
struct BufferInfo {
  std::string name;
  int64_t bits = 0;
  int64_t width = 32;
  int64_t elements = 0;
  /// Cyclic partitions (one per unrolled copy).
  int64_t partitions = 1;
};

/// A DMA: a process that reads or writes a kernel argument in HBM.
struct DmaInfo {
  std::string port;
  /// The kernel argument the port is.
  unsigned argument = 0;
  int64_t bytes = 0;
  bool isRead = true;
  int64_t hbmChannel = 0;
  /// The bandwidth this DMA gets, in bytes per kernel cycle: its channel's,
  /// shared with the other ports of the channel while they are active
  /// together (ChannelSharing.h).
  double bytesPerCycle = 0;
};

struct ProcessInfo {
  std::string name;
  mlir::func::FuncOp func;
  /// DSP/LUT/FF of the operators; memories are counted separately, except
  /// for a process measured by csynth, whose figures include its memories.
  Resources operators;
  std::vector<BufferInfo> buffers;
  std::vector<DmaInfo> dmas;
  /// Multiply-accumulates (or other arithmetic) per run, for the bounds.
  int64_t macs = 0;
  int64_t flops = 0;
  /// Operators without a platform figure, estimated from a neighbour.
  std::vector<std::string> notes;
};

struct KernelModel {
  std::string name;
  Design design;
  /// The op defining each FIFO of `design` (a dataflow.stream, or a
  /// dataflow.buffer whose blocks are the tokens).
  std::vector<mlir::Operation *> fifoOps;
  std::vector<ProcessInfo> processes;
};

/// Iterations of a loop with constant bounds, or nothing.
std::optional<int64_t> getConstantTripCount(mlir::scf::ForOp loop);

/// The `dataflow.unroll` factor of a loop (1 without one).
int64_t getUnrollFactor(mlir::Operation *loop);

/// The most elements `process` computes per cycle: over its pipelined
/// loops, the loop's unroll factor times the lanes of the completely
/// unrolled loops inside it, and over the nests unrolled completely outside
/// any pipelined loop, their lanes.
int64_t getLanesPerCycle(mlir::func::FuncOp process);

/// A loop its `dataflow.unroll` factor unrolls completely, or a loop of one
/// iteration: replicated in the body of the loop around it, not a loop in
/// hardware.
bool isFullyUnrolled(mlir::scf::ForOp loop);

/// The loop nested in `loop` when that is all its body holds (besides pure
/// scalar ops) and it is not unrolled completely: HLS flattens the two into
/// one pipeline. Null otherwise.
mlir::scf::ForOp getPerfectlyNested(mlir::scf::ForOp loop);

/// A loop with no loop inside but completely unrolled ones: HLS pipelines
/// it, with the unrolled loops replicated in its body.
bool isInnermostLoop(mlir::scf::ForOp loop);

/// Whether `store` updates an accumulator: `region` also loads the element
/// it writes (the same memref at the same indices).
bool isAccumulatorUpdate(mlir::memref::StoreOp store, mlir::Region &region);

/// Whether the store's address follows `iv`: an index is computed from it.
bool addressFollows(mlir::memref::StoreOp store, mlir::Value iv);

/// Whether `value` is computed from `iv`: is it, or the result of an op
/// with an operand that is.
bool dependsOn(mlir::Value value, mlir::Value iv);

/// Calls `visit(memory, dimension, factor)` for each load and store inside
/// a loop of `process` with a `dataflow.unroll` factor, for each dimension
/// the loop walks: indexed by its induction variable, or by a sum with it
/// among the terms (a widened loop's lanes). The HLS emitter partitions
/// those dimensions by those factors.
void forEachUnrolledAccess(
    mlir::func::FuncOp process,
    llvm::function_ref<void(mlir::Value memory, unsigned dimension,
                            int64_t factor)>
        visit);

/// (memory, dimension) -> cyclic partitions.
using PartitionFactors =
    std::map<std::pair<mlir::Operation *, unsigned>, int64_t>;

/// The cyclic partition factor of each dimension of each buffer (a
/// memref.alloca) the process accesses in unrolled loops, as the HLS
/// emitter derives them: the least common multiple of the unroll factors
/// of the loops that walk the dimension, at most its size.
PartitionFactors getPartitionFactors(mlir::func::FuncOp process);

/// Bits of a value of `type`: all the elements of a shaped type (a vector
/// token, a memref), 64 for an index.
int64_t getBitWidth(mlir::Type type);

/// The bits a signed integer `value` needs at most, from how it is made: a
/// sign extension keeps its source's, an arithmetic right shift by a
/// constant drops as many, a left shift adds them, a sum adds one, a
/// product the sum of both (HLS narrows operators to such widths). At most
/// the type's width; the width for values it cannot see through.
int64_t getSignificantBits(mlir::Value value);

/// The attribute naming the platform operator (`mac_i8i4`, `mac_i8i8`) of a
/// multiply that computes two MACs in one DSP (dataflow-pack-macs).
inline constexpr llvm::StringLiteral kPackedMacAttr = "dataflow.packed_mac";

/// The attribute of the adds around a packed multiply that its DSP48E2
/// computes: the pre-adder that packs two weights, the post-adder that
/// adds the bias (WP486's use of the slice). No operator of their own.
inline constexpr llvm::StringLiteral kPackedMacPartAttr =
    "dataflow.packed_mac_part";

/// The figures of `platform` the model needs.
ModelParameters getModelParameters(const Platform &platform);

/// Builds the model of `kernel`, a function with the dataflow.kernel
/// attribute. Emits an error on what it cannot model.
mlir::FailureOr<KernelModel> buildKernelModel(mlir::func::FuncOp kernel,
                                              const ModelParameters &params);

/// The model of process `index` of `kernel` (its index-th call), as
/// buildKernelModel builds it when `params` shares channels evenly
/// (shareChannelsByActivity false, which it must be): what a pass that
/// changes one process at a time rebuilds.
mlir::FailureOr<std::pair<ProcessInfo, Process>>
buildProcessModel(mlir::func::FuncOp kernel, const ModelParameters &params,
                  size_t index);

} // namespace streamtensor::perf

#endif // STREAMTENSOR_PERFORMANCE_KERNELMODEL_H
