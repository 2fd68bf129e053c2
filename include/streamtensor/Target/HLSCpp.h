//===- HLSCpp.h - Vitis HLS C++ and its C-simulation testbench -*- C++ -*-===//
//
// Emission of the lowered design (stage 9 of DESIGN.md): one C++ file per
// dataflow kernel for Vitis HLS, and a testbench that runs the host program
// (the model's function, calling the kernels in order) in C simulation.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_TARGET_HLSCPP_H
#define STREAMTENSOR_TARGET_HLSCPP_H

#include "streamtensor/Platform/Platform.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace streamtensor {

/// Emits the HLS C++ of one kernel: its process functions, then the top
/// function with the interface and dataflow pragmas.
mlir::LogicalResult emitKernel(mlir::func::FuncOp kernel,
                               llvm::raw_ostream &os);

/// Emits the v++ link configuration of the kernels of `modules` (compute
/// units, HBM channel of every port, the die of every compute unit) and a
/// floorplan script that puts every process on the die resource allocation
/// chose.
mlir::LogicalResult emitLinkConfig(llvm::ArrayRef<mlir::ModuleOp> modules,
                                   const Platform &platform,
                                   llvm::raw_ostream &config,
                                   llvm::raw_ostream &floorplan);

/// How a design's C simulation is built and run: g++ of hls/*.cpp and
/// `sources` into `program`, all relative to the design folder. Shared by
/// `streamtensor csim` and the design's Makefile so that both build the same
/// thing.
struct CSimProgram {
  std::vector<std::string> sources;
  std::string program;
};

/// The testbench of an MLIR model's design, or the host program of an LLM's.
CSimProgram getCSimProgram(bool llm);

/// The files of the LLM host runtime (runtime/host/) that a design's host/
/// folder holds next to the generated llm_graphs.cpp.
std::vector<std::string> getHostRuntimeFiles();

/// The g++ flags of the C simulation of the design in `designDir` (given as
/// is, e.g. an absolute path or a make variable), before the sources.
std::vector<std::string> getCSimFlags(llvm::StringRef designDir);

/// Emits the design's Makefile: csim (g++, runs here), hls (v++ -c --mode
/// hls, one .xo per kernel), link (v++ -l with link/connectivity.cfg), host
/// (the XRT host program), all, clean and help. `kernels` are the top
/// functions of hls/kernels.h, one hls/<name>.cpp each; the Vitis platform,
/// part and clock come from `platform`.
void emitMakefile(llvm::ArrayRef<std::string> kernels, const Platform &platform,
                  bool llm, llvm::StringRef generator, llvm::raw_ostream &os);

/// Emits the declaration of a kernel's top function (the header the host and
/// the testbench include).
mlir::LogicalResult emitKernelDeclaration(mlir::func::FuncOp kernel,
                                          llvm::raw_ostream &os);

/// One tensor the testbench reads from a file: a model input or a constant.
struct TestbenchTensor {
  std::string fileName; // relative to the csim directory
  int64_t numElements;
};

/// Why the testbench cannot run the host function `entry`, or nothing when
/// it can (it handles static float32 tensors only).
std::optional<std::string> getTestbenchLimitation(mlir::func::FuncOp entry);

/// The result of the host function `ret` ends that `alloc` is returned as,
/// when it is returned once and otherwise only passed to kernels: then it
/// is the caller's result memory, which the kernel writes directly.
std::optional<unsigned> getReturnedResult(mlir::memref::AllocOp alloc,
                                          mlir::func::ReturnOp ret);

/// Emits the host function `entry` (calls to the kernels, in order, on
/// buffers in external memory) as the C++ function
///   void <name>(const float *const *args, float *const *results);
/// for C simulation; `constants` receives the constants it loads from
/// STREAMTENSOR_PARAMS_DIR. Needs readTensor and the kernels' declarations.
mlir::LogicalResult
emitHostFunction(mlir::ModuleOp module, mlir::func::FuncOp entry,
                 llvm::StringRef name, llvm::raw_ostream &os,
                 std::vector<std::pair<std::string, mlir::DenseElementsAttr>>
                     &constants);

/// One buffer a step of a host function uses: a graph argument (or scalar,
/// passed by value), a graph result, a buffer internal to the function, or
/// a constant (a memref.global, by its index in HostSteps::constants).
struct HostBinding {
  enum Kind { Argument, Scalar, Result, Buffer, Constant } kind;
  unsigned index;
  /// The kernel port it is bound to (a call's binding), e.g. "in3".
  std::string port;
  /// Whether the step stores to it.
  bool written;
};

/// A kernel call, or (no kernel) a copy of `bindings[0]` to `bindings[1]`.
struct HostStep {
  std::string kernel;
  std::vector<HostBinding> bindings;
  int64_t copyBytes;
};

/// The steps of a host function and the sizes of its internal buffers.
struct HostSteps {
  std::vector<HostStep> steps;
  std::vector<int64_t> bufferBytes;
  /// The globals the steps read, by symbol name.
  std::vector<std::string> constants;
};

/// Bytes of a static buffer in external memory (whole bytes per element).
int64_t getBufferBytes(mlir::MemRefType type);

/// What the host function `entry` binds to every kernel port, in call
/// order, for host programs that bind device buffers themselves (XRT).
mlir::FailureOr<HostSteps> getHostSteps(mlir::func::FuncOp entry);

/// Emits the C-simulation testbench: it reads the inputs
/// (`<inputs>/input_<i>.bin`) and constants (`params/<name>.bin`), runs the
/// host function `entry` (calls to the kernels, in order), writes
/// `<outputs>/output_<i>.bin` and compares them with goldens when given.
/// `constants` receives the constants the testbench loads, to be written by
/// the caller.
mlir::LogicalResult
emitTestbench(mlir::ModuleOp module, mlir::func::FuncOp entry,
              llvm::raw_ostream &os,
              std::vector<std::pair<std::string, mlir::DenseElementsAttr>>
                  &constants);

} // namespace streamtensor

#endif // STREAMTENSOR_TARGET_HLSCPP_H
