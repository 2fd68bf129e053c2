//===- TokenRuns.h - Readers that take several tokens at once ---*- C++ -*-===//
//
// A pipelined loop that computes on more elements per iteration than a
// token holds reads several tokens of its FIFO at the start of each
// iteration, one after the other into one pack buffer
// (dataflow-fuse-tile-reads). Such a FIFO can carry tokens that many times
// wider instead: the reader takes one, and the FIFO moves the same
// elements in fewer, wider tokens.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_TOKENRUNS_H
#define STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_TOKENRUNS_H

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cstdint>
#include <optional>

namespace streamtensor::dataflow {

/// Consecutive reads of one FIFO whose tokens are stored whole, each right
/// after the previous one, into one pack buffer: read i's token goes to
/// elements [first + i*W, first + (i+1)*W) for tokens of W lanes.
struct TokenRun {
  llvm::SmallVector<StreamReadOp> reads;
  llvm::SmallVector<mlir::vector::StoreOp> stores;
};

/// The runs in which `fifo`, a FIFO argument of a process with tokens of
/// one-dimensional vector type, is read: every read of it belongs to one,
/// all runs have the same length, and nothing but pure operations and the
/// run's own stores lies between a run's reads. Nothing when the FIFO is
/// read otherwise, or when a loop around a run touches another FIFO (the
/// task model takes the same number of tokens of every FIFO of a loop per
/// iteration, which joining this one's tokens would break).
std::optional<llvm::SmallVector<TokenRun>> findTokenRuns(mlir::Value fifo);

/// Rewrites every run of `runs` so that each `factor` consecutive reads of
/// it become one read of a token `factor` times as wide (the FIFO's new
/// type, which the caller has given it), stored where the first one was.
/// `factor` divides the runs' length.
void joinTokenRuns(llvm::ArrayRef<TokenRun> runs, int64_t factor);

} // namespace streamtensor::dataflow

#endif // STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_TOKENRUNS_H
