//===- Simulate.cpp - streamtensor simulate -------------------------------===//
//
// Reads the lowered design a compile wrote (out/ir/design.mlir), rebuilds
// the performance model of every kernel on the platform it was compiled
// for, and runs the cycle-level simulator: total latency, per-process busy
// and stall cycles, per-FIFO peak occupancy, each kernel beside its bounds.
// Every figure is an estimate of the simulator, and says so.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "TextFormat.h"

#include "streamtensor/Frontend/DiagnosticPrinter.h"
#include "streamtensor/Performance/Estimate.h"
#include "streamtensor/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::driver;

namespace {

constexpr llvm::StringLiteral command = "simulate";

const OptionSpec simulateOptions[] = {
    {"platform", "NAME|FILE",
     "simulate on another card than the design was compiled for"},
    {"unbounded", "", "make every FIFO unbounded (what the depths cost)"},
};

const llvm::StringLiteral simulateExamples[] = {
    "streamtensor simulate out/attention",
    "streamtensor simulate out/gpt2 --platform u280",
    "streamtensor simulate out/attention --unbounded --json > sim.json",
};

const CommandSpec simulateSpec{
    "simulate",
    "simulate <out-dir> [options]",
    "Runs the cycle-level simulator on the design a compile wrote\n"
    "(ir/*.mlir): per kernel the estimated cycles beside the bounds no\n"
    "design can beat on the platform, per process busy and stall cycles, per\n"
    "FIFO its depth and peak occupancy; a deadlock names its processes and\n"
    "FIFOs (exit code 1). Every figure is an estimate.",
    simulateOptions,
    simulateExamples,
    "the platform, total cycles, host overhead and per kernel its cycles, "
    "bounds, processes and FIFOs"};


/// The platform the design was compiled for, from its report.
std::optional<std::string> readPlatform(const std::string &reportPath) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(reportPath);
  if (!file) {
    reportError(command, "cannot read " + reportPath);
    return std::nullopt;
  }
  llvm::Expected<llvm::json::Value> report =
      llvm::json::parse((*file)->getBuffer());
  if (!report) {
    reportError(command,
                reportPath + ": " + llvm::toString(report.takeError()));
    return std::nullopt;
  }
  const llvm::json::Object *root = report->getAsObject();
  const llvm::json::Object *platform =
      root ? root->getObject("platform") : nullptr;
  std::optional<llvm::StringRef> spec =
      platform ? platform->getString("spec") : std::nullopt;
  if (!spec) {
    reportError(command, reportPath + ": platform.spec: missing (compile the "
                                      "design again with this version)");
    return std::nullopt;
  }
  return spec->str();
}

llvm::json::Object describe(const perf::KernelEstimate &estimate,
                            const perf::AnalyzedKernel &kernel) {
  llvm::json::Array processes, fifos;
  const perf::SimulationResult &result = estimate.simulation;
  for (size_t p = 0; p < result.processes.size(); ++p) {
    const perf::ProcessStats &stats = result.processes[p];
    processes.push_back(
        llvm::json::Object{{"name", kernel.model.processes[p].name},
                           {"finish_cycle", stats.cycle},
                           {"busy_cycles", stats.busyCycles},
                           {"data_stall_cycles", stats.dataStallCycles},
                           {"room_stall_cycles", stats.roomStallCycles}});
  }
  for (size_t f = 0; f < result.fifos.size(); ++f)
    fifos.push_back(llvm::json::Object{
        {"name", kernel.model.design.fifos[f].name},
        {"depth", kernel.model.design.fifos[f].depth},
        {"token_bits", kernel.model.design.fifos[f].tokenBits},
        {"tokens", result.fifos[f].tokensWritten},
        {"peak_occupancy", result.fifos[f].peakOccupancy}});
  return llvm::json::Object{
      {"name", estimate.name},
      {"cycles", result.totalCycles},
      {"deadlock", estimate.deadlock},
      {"bound_compute_cycles", estimate.bounds.computeCycles},
      {"bound_memory_cycles", estimate.bounds.memoryCycles},
      {"macs", estimate.bounds.macs},
      {"hbm_bytes", estimate.bounds.hbmBytes},
      {"processes", std::move(processes)},
      {"fifos", std::move(fifos)}};
}

} // namespace

int streamtensor::driver::runSimulate(llvm::ArrayRef<const char *> args) {
  Arguments arguments;
  if (std::optional<int> exit = arguments.parse(simulateSpec, args))
    return *exit;
  if (arguments.positionals.size() != 1) {
    reportError(command,
                "expects one design folder (written by streamtensor compile)" +
                    llvm::Twine(arguments.has("json") &&
                                        arguments.positionals.size() == 2
                                    ? "; --json takes no file now, it prints "
                                      "to stdout (--json > FILE)"
                                    : ""));
    return Usage;
  }
  std::string folder = arguments.positionals.front();
  std::string reportPath = folder + "/report.json";
  // An MLIR model's design, or an LLM's graphs (one call of each).
  std::vector<std::string> designPaths;
  for (const char *name : {"design", "embed_prefill", "block_prefill",
                           "embed_decode", "block_decode", "lm_head"}) {
    std::string path = folder + "/ir/" + name + ".mlir";
    if (llvm::sys::fs::exists(path))
      designPaths.push_back(path);
  }
  if (!llvm::sys::fs::exists(reportPath) || designPaths.empty()) {
    reportError(command, folder + " is not a design written by streamtensor "
                                  "compile (no report.json or ir/design.mlir)");
    return Failure;
  }
  std::optional<std::string> spec = arguments.get("platform");
  // Where the platform comes from, for its errors.
  std::string source = spec ? "--platform: " : reportPath + ": platform.spec: ";
  if (!spec)
    spec = readPlatform(reportPath);
  if (!spec)
    return Failure;
  llvm::Expected<Platform> platform = loadPlatform(*spec);
  if (!platform) {
    reportError(command, source + llvm::toString(platform.takeError()));
    return Failure;
  }

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  DiagnosticPrinter diagnostics(context, wantsSourceLines());
  std::vector<OwningOpRef<ModuleOp>> modules;
  std::vector<perf::AnalyzedKernel> analyzed;
  for (const std::string &designPath : designPaths) {
    modules.push_back(parseSourceFile<ModuleOp>(designPath, &context));
    if (!modules.back())
      return Failure;
    FailureOr<perf::ModelParameters> params =
        perf::getModelParametersFor(*platform, *modules.back());
    if (failed(params))
      return Failure;
    FailureOr<std::vector<perf::AnalyzedKernel>> kernels =
        perf::analyzeKernels(*modules.back(), *params);
    if (failed(kernels))
      return Failure;
    for (perf::AnalyzedKernel &kernel : *kernels)
      analyzed.push_back(std::move(kernel));
  }
  std::vector<perf::AnalyzedKernel> *kernels = &analyzed;

  bool unbounded = arguments.has("unbounded");
  double mhz = platform->kernelClockMHz;
  textOut() << "streamtensor simulate: " << folder << " on "
               << platform->name << " (" << platform->card << ", "
               << llvm::formatv(mhz == std::floor(mhz) ? "{0:F0}" : "{0:F2}",
                                mhz)
               << " MHz)" << (unbounded ? ", every FIFO unbounded" : "")
               << "\nAll figures are estimates of the cycle-level simulator, "
                  "not measurements.\n";
  int64_t totalCycles = 0;
  bool failedRun = false;
  std::vector<std::string> problems, modelErrors;
  llvm::json::Array kernelReports;
  for (const perf::AnalyzedKernel &kernel : *kernels) {
    // Priced as the kernel's module implements its operators (bound above).
    Platform bound = *platform;
    (void)perf::bindDesignOperators(bound, kernel.kernel);
    perf::KernelEstimate estimate =
        perf::estimateKernel(kernel, bound, unbounded);
    const perf::SimulationResult &result = estimate.simulation;
    kernelReports.push_back(describe(estimate, kernel));
    textOut() << "\nkernel " << estimate.name << ": ";
    if (result.status != perf::SimulationStatus::Completed) {
      std::string problem =
          estimate.deadlock.empty() ? result.error : estimate.deadlock;
      textOut() << problem << "\n";
      // On stderr too: under --quiet or --json it is the only trace.
      problems.push_back("kernel " + estimate.name + ": " + problem);
      failedRun = true;
      continue;
    }
    totalCycles += result.totalCycles;
    const perf::Bounds &bounds = estimate.bounds;
    textOut() << llvm::formatv(
        "{0} cycles = {1:F2} us (estimate)\n  bound: compute {2} cycles "
        "({3} MACs x {4:F0} DSP over {5} DSPs), memory {6} cycles ({7} bytes "
        "at {8:F1} bytes/cycle)\n",
        groupDigits(result.totalCycles), double(result.totalCycles) / mhz,
        groupDigits(int64_t(std::ceil(bounds.computeCycles))), groupDigits(bounds.macs),
        bounds.dspsPerMac, groupDigits(platform->getAvailableDsps()),
        groupDigits(int64_t(std::ceil(bounds.memoryCycles))),
        groupDigits(bounds.hbmBytes), bounds.reachableBytesPerCycle);
    if (double(result.totalCycles) < bounds.cycles()) {
      textOut() << "  model error: the estimate is below its bound\n";
      // The bound holds for every design: the performance model is wrong.
      modelErrors.push_back(estimate.name);
      failedRun = true;
    }
    textOut() << llvm::formatv("  {0,-32} {1,10} {2,10} {3,10} {4,10}\n",
                                  "process", "finish", "busy", "data-stall",
                                  "room-stall");
    for (size_t p = 0; p < result.processes.size(); ++p) {
      const perf::ProcessStats &stats = result.processes[p];
      textOut() << llvm::formatv("  {0,-32} {1,10} {2,10} {3,10} {4,10}\n",
                                    kernel.model.processes[p].name, stats.cycle,
                                    stats.busyCycles, stats.dataStallCycles,
                                    stats.roomStallCycles);
    }
    textOut() << llvm::formatv("  {0,-32} {1,10} {2,10}\n", "fifo", "depth",
                                  "peak");
    for (size_t f = 0; f < result.fifos.size(); ++f) {
      int64_t depth = kernel.model.design.fifos[f].depth;
      textOut() << llvm::formatv(
          "  {0,-32} {1,10} {2,10}\n", kernel.model.design.fifos[f].name,
          unbounded ? std::string("-") : std::to_string(depth),
          result.fifos[f].peakOccupancy);
    }
  }
  double hostUs = platform->host.invocationOverheadUs * double(kernels->size());
  double kernelUs = double(totalCycles) / mhz;
  textOut() << llvm::formatv(
      "\ntotal (estimate): {0} cycles = {1:F3} ms in {2} kernel(s), plus "
      "{3:F3} ms of host invocations ({4} x {5:F0} us, a platform figure) = "
      "{6:F3} ms\n",
      groupDigits(totalCycles), kernelUs / 1000, kernels->size(), hostUs / 1000,
      kernels->size(), platform->host.invocationOverheadUs,
      (kernelUs + hostUs) / 1000);

  printJson(llvm::json::Object{
      {"command", "simulate"},
      {"status", failedRun ? "fail" : "ok"},
      {"design", folder},
      {"platform", platform->name},
      {"clock_mhz", mhz},
      {"unbounded_fifos", unbounded},
      {"estimate", "cycle-level simulation"},
      {"total_cycles", totalCycles},
      {"total_kernel_us", kernelUs},
      {"host_overhead_us", hostUs},
      {"kernels", std::move(kernelReports)}});
  for (const std::string &problem : problems)
    reportError(command, problem);
  for (const std::string &name : modelErrors)
    reportInternalError(command, "kernel " + name +
                                     ": the estimate is below its bound");
  return failedRun ? Failure : Success;
}
