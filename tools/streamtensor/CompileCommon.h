//===- CompileCommon.h - What both compile paths write ----------*- C++ -*-===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_COMPILECOMMON_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_COMPILECOMMON_H

#include "streamtensor/Analysis/Resources.h"
#include "streamtensor/Pipeline/Pipeline.h"
#include "streamtensor/Platform/Platform.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/JSON.h"

namespace streamtensor::driver {

/// Writes `contents` to `path`; reports and returns false on failure.
bool writeFile(const llvm::Twine &path, llvm::StringRef contents);

/// Creates the folder a compile writes into (`<output>.partial`, replaced
/// if it exists) with these subfolders. Reports and returns false on
/// failure.
bool createPartialOutput(const std::string &partial,
                         llvm::ArrayRef<const char *> folders);

/// Copies the C-simulation headers (runtime/hls) to `<partial>/csim/include`.
bool copySimulationHeaders(const std::string &partial);

/// The report's key of resource kind `kind` (Resources' order): "dsp",
/// "lut", "ff", "bram18k", "uram".
llvm::StringRef getResourceKey(int kind);

/// Used against available, per resource, with a note on where the figures
/// come from; `fits` says whether every resource is within the platform's.
llvm::json::Object describeResources(const Resources &used,
                                     const FabricResources &available,
                                     llvm::StringRef note, bool &fits);

/// What fusion decided, per kernel: tasks, forks and converters.
llvm::json::Object describeFusion(mlir::ModuleOp module);

/// The report of the lowered design: kernels, processes, FIFOs, and the
/// simulator's estimate beside the bounds. Adds each kernel's estimated
/// cycles to `totalCycles` and its resources to `total`.
llvm::json::Array describeKernels(mlir::ModuleOp module,
                                  llvm::json::Object &fusion,
                                  const Platform &platform,
                                  const CompileOptions &options,
                                  int64_t &totalCycles, Resources &total);

/// Runs one pipeline stage. The IR is verified after every pass; a pass
/// whose output does not verify, or a stage that fails without an error
/// diagnostic, is reported as an internal error (our bug); a failure with
/// diagnostics is the input's (they were printed).
mlir::LogicalResult runPipelineStage(mlir::PassManager &pm,
                                     mlir::ModuleOp module,
                                     llvm::StringRef stage);

/// Runs the resource-allocation stage like runPipelineStage. When the
/// design does not fit the platform, the stage's error is replaced by one
/// line that also says what the smallest tiles need: `original`, the
/// module before the pipeline, is built again at tile size 1. `what` names
/// the design in the line.
mlir::LogicalResult runResourceStage(mlir::PassManager &pm,
                                     mlir::ModuleOp module,
                                     mlir::ModuleOp original,
                                     const CompileOptions &options,
                                     llvm::StringRef what);

/// On-chip bytes of a lowered design: FIFOs (depth x token bytes) and
/// converters (both ping-pong blocks, from `fusion`).
llvm::json::Object describeOnChipBytes(mlir::ModuleOp module,
                                       const llvm::json::Object &fusion);

/// On-chip bytes the intermediate results would take without fusion:
/// every tensor one kernel passes to another, whole (the paper's Figure
/// 10a baseline, weights excluded). `module` is the design right after
/// linalg-to-dataflow, one kernel per op; reshapes between kernels are
/// views of the same tensor.
int64_t getUnfusedIntermediateBytes(mlir::ModuleOp module);

/// Writes `<partial>/Makefile` for `kernels` (the top functions of
/// hls/kernels.h) on `platform`.
bool writeMakefile(const std::string &partial,
                   llvm::ArrayRef<std::string> kernels,
                   const Platform &platform, bool llm);

/// What `compile --json` prints, taken from the report: the output folder,
/// kernels, on-chip and FIFO bytes, resources and the estimates.
llvm::json::Object summarizeCompile(const llvm::json::Object &report,
                                    llvm::StringRef output);

class Arguments;

/// Checks what compile's command line names before any work: the input
/// exists, the output folder can be written, the options that the pipeline
/// reads late are well formed. Reports the first problem and returns false.
bool checkCompileArguments(const Arguments &arguments, const std::string &input,
                           const std::string &output);

/// The config.json of an LLM input (a folder holding one, the file itself,
/// or a preset name), or an empty string when `input` is none of these.
std::string findModelConfig(llvm::StringRef input);

/// `streamtensor compile` of an LLM: the block graphs for prefill and
/// decode and the LM head, each through the pipeline, with the packed
/// weights and the host program for C simulation.
int compileModel(const Arguments &arguments, llvm::StringRef input,
                 llvm::StringRef configPath, const CompileOptions &options,
                 const Platform &platform, llvm::StringRef output);

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_COMPILECOMMON_H
