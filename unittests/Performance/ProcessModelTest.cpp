//===- ProcessModelTest.cpp - One process's model, rebuilt alone ----------===//

#include "streamtensor/Analysis/TaskProfile.h"
#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"
#include "streamtensor/Performance/KernelModel.h"
#include "streamtensor/Platform/Platform.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace streamtensor;

namespace {

/// `text` parsed in `context`, with the dialects the processes use.
OwningOpRef<ModuleOp> parseProcesses(MLIRContext &context, const char *text) {
  context.loadDialect<dataflow::DataflowDialect, func::FuncDialect,
                      arith::ArithDialect, memref::MemRefDialect,
                      scf::SCFDialect>();
  return parseSourceString<ModuleOp>(text, ParserConfig(&context));
}

// A DMA read, a process that computes on a local buffer (unrolled by 4)
// and a DMA write: the three kinds a model builds, FIFOs and HBM ports.
constexpr const char *kKernel = R"mlir(
func.func @k_load(%in: memref<64xf32>, %x: !dataflow.stream<f32, 2>) attributes {dataflow.process = "load"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %in[%i] : memref<64xf32>
    dataflow.stream_write %v into %x : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_scale(%x: !dataflow.stream<f32, 2>, %y: !dataflow.stream<f32, 2>) attributes {dataflow.process = "scale"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %a = arith.constant 2.0 : f32
  %buf = memref.alloca() : memref<64xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    %v = dataflow.stream_read %x : !dataflow.stream<f32, 2>
    memref.store %v, %buf[%i] : memref<64xf32>
  }
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %buf[%i] : memref<64xf32>
    %m = arith.mulf %v, %a : f32
    memref.store %m, %buf[%i] : memref<64xf32>
  } {dataflow.unroll = 4 : i64}
  scf.for %i = %c0 to %c64 step %c1 {
    %v = memref.load %buf[%i] : memref<64xf32>
    dataflow.stream_write %v into %y : !dataflow.stream<f32, 2>
  }
  return
}
func.func @k_store(%y: !dataflow.stream<f32, 2>, %out: memref<64xf32>) attributes {dataflow.process = "store"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %v = dataflow.stream_read %y : !dataflow.stream<f32, 2>
    memref.store %v, %out[%i] : memref<64xf32>
  }
  return
}
func.func @k(%in: memref<64xf32>, %out: memref<64xf32>) attributes {dataflow.kernel} {
  %x = dataflow.stream {entries = 64 : i64, name = "x"} : !dataflow.stream<f32, 2>
  %y = dataflow.stream {entries = 64 : i64, name = "y"} : !dataflow.stream<f32, 2>
  call @k_load(%in, %x) : (memref<64xf32>, !dataflow.stream<f32, 2>) -> ()
  call @k_scale(%x, %y) : (!dataflow.stream<f32, 2>, !dataflow.stream<f32, 2>) -> ()
  call @k_store(%y, %out) : (!dataflow.stream<f32, 2>, memref<64xf32>) -> ()
  return
}
)mlir";

// dataflow-unroll-by-intensity rebuilds only the process a step changes:
// each process's model built alone must be the one the whole kernel's
// model holds (same resources, DMAs, latency and FIFO traffic).
TEST(ProcessModel, BuiltAloneAsInItsKernel) {
  MLIRContext context;
  OwningOpRef<ModuleOp> module = parseProcesses(context, kKernel);
  ASSERT_TRUE(module);
  auto kernel = module->lookupSymbol<func::FuncOp>("k");
  llvm::Expected<Platform> platform = loadPlatform("u55c");
  ASSERT_TRUE(bool(platform)) << llvm::toString(platform.takeError());
  perf::ModelParameters params = perf::getModelParameters(*platform);
  params.shareChannelsByActivity = false;

  FailureOr<perf::KernelModel> whole = perf::buildKernelModel(kernel, params);
  ASSERT_TRUE(succeeded(whole));
  ASSERT_EQ(whole->processes.size(), 3u);
  for (size_t index = 0; index < whole->processes.size(); ++index) {
    FailureOr<std::pair<perf::ProcessInfo, perf::Process>> alone =
        perf::buildProcessModel(kernel, params, index);
    ASSERT_TRUE(succeeded(alone));
    const perf::ProcessInfo &expected = whole->processes[index];
    EXPECT_EQ(alone->first.name, expected.name);
    EXPECT_EQ(alone->first.func, expected.func);
    for (int kind = 0; kind < Resources::kNumKinds; ++kind)
      EXPECT_EQ(alone->first.operators.get(kind),
                expected.operators.get(kind));
    ASSERT_EQ(alone->first.dmas.size(), expected.dmas.size());
    for (size_t d = 0; d < expected.dmas.size(); ++d) {
      EXPECT_EQ(alone->first.dmas[d].port, expected.dmas[d].port);
      EXPECT_EQ(alone->first.dmas[d].hbmChannel, expected.dmas[d].hbmChannel);
      EXPECT_EQ(alone->first.dmas[d].bytesPerCycle,
                expected.dmas[d].bytesPerCycle);
    }
    perf::TaskProfile fromAlone = perf::profileProcess(alone->second);
    perf::TaskProfile fromWhole =
        perf::profileProcess(whole->design.processes[index]);
    EXPECT_EQ(fromAlone.latency, fromWhole.latency);
    EXPECT_EQ(fromAlone.initialDelay, fromWhole.initialDelay);
    ASSERT_EQ(fromAlone.reads.size(), fromWhole.reads.size());
    for (const auto &[fifo, port] : fromWhole.reads) {
      ASSERT_TRUE(fromAlone.reads.count(fifo)) << "FIFO " << fifo;
      EXPECT_EQ(fromAlone.reads.at(fifo).tokens, port.tokens);
      EXPECT_EQ(fromAlone.reads.at(fifo).lastCycle, port.lastCycle);
    }
    ASSERT_EQ(fromAlone.writes.size(), fromWhole.writes.size());
    for (const auto &[fifo, port] : fromWhole.writes) {
      ASSERT_TRUE(fromAlone.writes.count(fifo)) << "FIFO " << fifo;
      EXPECT_EQ(fromAlone.writes.at(fifo).tokens, port.tokens);
      EXPECT_EQ(fromAlone.writes.at(fifo).lastCycle, port.lastCycle);
    }
  }
  // The computing process does work (the test would hold of empty models).
  EXPECT_GT(whole->processes[1].operators.dsp, 0);
  EXPECT_EQ(whole->processes[0].dmas.size(), 1u);
}

// Three processes: a pipelined loop unrolled by 4 over a pair unrolled
// completely (8 lanes); a nest unrolled completely beside a FIFO loop in a
// tile loop (16 x 2 = 32 lanes, a matmul's MACs over a tile); and one that
// unrolls nothing, its loop inside a loop of one iteration (a tile loop of
// decode's one token), which is no unrolled nest of 64 lanes.
constexpr const char *kLanes = R"mlir(
func.func @pairs(%x: !dataflow.stream<f32, 2>) attributes {dataflow.process = "pairs"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %buf = memref.alloca() : memref<64x2xf32>
  scf.for %i = %c0 to %c64 step %c1 {
    scf.for %j = %c0 to %c2 step %c1 {
      %v = memref.load %buf[%i, %j] : memref<64x2xf32>
      %w = arith.mulf %v, %v : f32
      memref.store %w, %buf[%i, %j] : memref<64x2xf32>
    } {dataflow.unroll = 2 : i64}
  } {dataflow.unroll = 4 : i64}
  return
}
func.func @tiles(%x: !dataflow.stream<f32, 2>) attributes {dataflow.process = "tiles"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %buf = memref.alloca() : memref<16x2xf32>
  scf.for %t = %c0 to %c4 step %c1 {
    scf.for %i = %c0 to %c16 step %c1 {
      %v = dataflow.stream_read %x : !dataflow.stream<f32, 2>
      memref.store %v, %buf[%i, %c0] : memref<16x2xf32>
    }
    scf.for %i = %c0 to %c16 step %c1 {
      scf.for %j = %c0 to %c2 step %c1 {
        %v = memref.load %buf[%i, %j] : memref<16x2xf32>
        %w = arith.addf %v, %v : f32
        memref.store %w, %buf[%i, %j] : memref<16x2xf32>
      } {dataflow.unroll = 2 : i64}
    } {dataflow.unroll = 16 : i64}
  }
  return
}
func.func @plain(%x: !dataflow.stream<f32, 2>) attributes {dataflow.process = "plain"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %t = %c0 to %c1 step %c1 {
    scf.for %i = %c0 to %c64 step %c1 {
      %v = dataflow.stream_read %x : !dataflow.stream<f32, 2>
    }
  }
  return
}
)mlir";

TEST(ProcessModel, LanesPerCycleCountEveryLaneOfAStep) {
  MLIRContext context;
  OwningOpRef<ModuleOp> module = parseProcesses(context, kLanes);
  ASSERT_TRUE(module);
  auto lanesOf = [&](llvm::StringRef name) {
    return perf::getLanesPerCycle(module->lookupSymbol<func::FuncOp>(name));
  };
  EXPECT_EQ(lanesOf("pairs"), 8);
  EXPECT_EQ(lanesOf("tiles"), 32);
  EXPECT_EQ(lanesOf("plain"), 1);
}

} // namespace
