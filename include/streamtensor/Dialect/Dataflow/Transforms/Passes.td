#ifndef STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_PASSES_TD
#define STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLinalgToKernel : Pass<"dataflow-convert-linalg-to-kernel",
                                 "::mlir::func::FuncOp"> {
  let summary = "Tile every linalg op and turn it into a dataflow kernel";
  let description = [{
    Each linalg op at the top level of the function becomes a
    `dataflow.kernel` holding one `dataflow.task`. The task walks the op's
    iteration domain tile by tile: parallel tile loops outside, reduction
    tile loops inside them, so that each output tile is complete when it is
    written. Every input is read, and the output written, through an
    itensor whose type follows from the tile loops (trip counts and steps)
    and the operand's indexing map. A `linalg.fill`-like producer of the
    output's init is recomputed on each tile instead of being streamed in.

    Each loop is tiled by the largest divisor of its range that is at most
    `tile-size`, so every tile is whole. `unroll-factor` is recorded on each
    task (`dataflow.unroll_factor`) for the lowering and the emitter.
  }];
  let options = [
    Option<"tileSize", "tile-size", "int64_t", /*default=*/"16",
           "Largest tile size on any loop">,
    Option<"unrollFactor", "unroll-factor", "int64_t", /*default=*/"1",
           "Elements of a tile each task computes per cycle: the innermost "
           "loop of the tile computation is unrolled this many times (and "
           "the tile buffers partitioned to match)">
  ];
  let dependentDialects = [
    "::streamtensor::dataflow::DataflowDialect", "::mlir::scf::SCFDialect",
    "::mlir::arith::ArithDialect", "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect"
  ];
}

def FuseKernels : Pass<"dataflow-fuse-kernels", "::mlir::func::FuncOp"> {
  let summary = "Fuse dataflow kernels so that they stream to each other";
  let description = [{
    The paper's Algorithm 2: kernels are visited in topological order and
    each joins the fusion group of its latest producer when the layout
    converters it needs fit in the remaining on-chip budget. Inside a fused
    kernel, a producer feeds its consumer directly when their itensor types
    are equal and through a minimal `itensor_converter` otherwise; a value
    with several consumers inside the kernel goes through `itensor_fork`.
    Values still needed outside the fused kernel remain its results.
  }];
  let options = [
    Option<"maxOnChipBytes", "max-on-chip-bytes", "int64_t",
           /*default=*/"42991616",
           "On-chip memory (bytes) the converters of one fused kernel may use "
           "(default: 41 MiB, the U55C)">
  ];
  let dependentDialects = ["::streamtensor::dataflow::DataflowDialect"];
}

def LowerKernelToFunc : Pass<"dataflow-lower-kernel-to-func",
                             "::mlir::ModuleOp"> {
  let summary = "Materialise DMAs, converters and forks; tasks become "
                "functions over FIFOs";
  let description = [{
    Every `dataflow.kernel` becomes a function over memrefs (its inputs and
    outputs in external memory) whose body declares one `dataflow.stream`
    per itensor edge and calls one function per process: a load DMA per
    input, the tasks, a converter process per `itensor_converter` (the
    ping-pong buffer inside the shared loops), a fork process per
    `itensor_fork`, and a store DMA per output. Streams carry the scalars of
    each tile in row-major order, tile after tile in itensor order. Inside
    the tasks, tiles become local buffers and linalg ops become loops over
    them, reduction loops outermost (the paper's permutation heuristic) so
    that the innermost, pipelined loop carries no dependence; that loop is
    marked with the task's `dataflow.unroll_factor`. DMAs move one tile at a
    time through a local buffer. The kernel op is replaced by a call of the
    new function.
  }];
  let dependentDialects = [
    "::streamtensor::dataflow::DataflowDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect"
  ];
}

def SizeFifos : Pass<"dataflow-size-fifos", "::mlir::ModuleOp"> {
  let summary = "Choose the depth of every FIFO";
  let description = [{
    Sets the depth of every `dataflow.stream` to the number of entries that
    cross it: a safe upper bound under which no FIFO can fill up. A later
    resource-allocation pass replaces it with the paper's LP sizing.
    `override` forces the depth of named FIFOs, to try out smaller ones:
    `fifo=depth` in every kernel that has a FIFO of that name,
    `kernel/fifo=depth` in one kernel.
  }];
  let options = [
    ListOption<"overrides", "override", "std::string",
               "FIFO depths to force, as fifo=depth or kernel/fifo=depth">
  ];
}

#endif // STREAMTENSOR_DIALECT_DATAFLOW_TRANSFORMS_PASSES_TD
