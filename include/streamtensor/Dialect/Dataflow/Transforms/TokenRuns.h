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

#include "mlir/Dialect/SCF/IR/SCF.h"
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

/// The reads of a FIFO in a pipelined loop unrolled in part by `factor`
/// (its `dataflow.unroll`): one run that fills a pack buffer the loop only
/// loads from otherwise, from its first element to its last. Each pipelined
/// iteration takes `factor` times the run's tokens, one run per copy of the
/// body, which the run alone does not show.
struct UnrolledRead {
  mlir::scf::ForOp loop;
  TokenRun run;
  int64_t factor = 1;
};

/// The unrolled read of `fifo` (a FIFO argument of a process with tokens of
/// one-dimensional vector type), if it is read that way and the loop
/// touches no other FIFO.
std::optional<UnrolledRead> findUnrolledRead(mlir::Value fifo);

/// Makes the copies' runs one run: the loop steps `factor` times as far,
/// each iteration reads `factor` runs of tokens one after the other into a
/// pack buffer `factor` times as wide, and the body runs in a loop of
/// `factor` iterations unrolled completely, copy j on part j of that
/// buffer. The same elements in the same order, so findTokenRuns then
/// finds runs `factor` times as long.
void expandUnrolledRead(UnrolledRead unrolled);

} // namespace streamtensor::dataflow

#endif // STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_TOKENRUNS_H
