//===- EmitKernelTest.cpp - Pragmas of the emitted HLS loops --------------===//

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"
#include "streamtensor/Target/HLSCpp.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace streamtensor;

namespace {

// A process with two loops unrolled in part by 2: one computes on a local
// buffer, one reads a FIFO (two tokens an iteration, as after
// dataflow-fuse-tile-reads).
constexpr const char *kKernel = R"mlir(
func.func @k_scale(%x: !dataflow.stream<vector<4xf32>, 2>, %out: memref<64xf32>) attributes {dataflow.process = "scale"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %a = arith.constant 2.0 : f32
  %pack = memref.alloca() {dataflow.lanes = 8 : i64} : memref<8xf32>
  %buf = memref.alloca() : memref<64xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    %t0 = dataflow.stream_read %x : !dataflow.stream<vector<4xf32>, 2>
    vector.store %t0, %pack[%c0] : memref<8xf32>, vector<4xf32>
    %t1 = dataflow.stream_read %x : !dataflow.stream<vector<4xf32>, 2>
    vector.store %t1, %pack[%c4] : memref<8xf32>, vector<4xf32>
    scf.for %l = %c0 to %c8 step %c1 {
      %v = memref.load %pack[%l] : memref<8xf32>
      %m = arith.mulf %v, %a : f32
      %e = arith.muli %i, %c8 : index
      %p = arith.addi %e, %l : index
      memref.store %m, %buf[%p] : memref<64xf32>
    } {dataflow.unroll = 8 : i64}
  } {dataflow.unroll = 2 : i64}
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %buf[%i] : memref<64xf32>
    %m = arith.mulf %v, %a : f32
    memref.store %m, %out[%i] : memref<64xf32>
  } {dataflow.unroll = 2 : i64}
  return
}
func.func @k(%out: memref<64xf32>, %x: !dataflow.stream<vector<4xf32>, 2>) attributes {dataflow.kernel} {
  call @k_scale(%x, %out) : (!dataflow.stream<vector<4xf32>, 2>, memref<64xf32>) -> ()
  return
}
)mlir";

// A FIFO passes one token a cycle: copies of a loop that reads one would
// wait their turn, so HLS gets no unroll factor for it (the task model
// counts one copy); the compute loop keeps its factor.
TEST(EmitKernel, NoUnrollFactorOnLoopsThatStream) {
  MLIRContext context;
  context.loadDialect<dataflow::DataflowDialect, func::FuncDialect,
                      arith::ArithDialect, memref::MemRefDialect,
                      scf::SCFDialect, vector::VectorDialect>();
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(kKernel, ParserConfig(&context));
  ASSERT_TRUE(module);
  auto kernel = module->lookupSymbol<func::FuncOp>("k");
  std::string text;
  llvm::raw_string_ostream os(text);
  ASSERT_TRUE(succeeded(emitKernel(kernel, os)));
  size_t first = text.find("HLS unroll factor=2");
  ASSERT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("HLS unroll factor=", first + 1), std::string::npos)
      << text;
  // The one factor is the compute loop's, after the loop that streams.
  size_t read = text.find(".read()");
  ASSERT_NE(read, std::string::npos) << text;
  EXPECT_LT(read, first) << text;
}

} // namespace
