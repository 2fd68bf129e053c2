//===- Compile.cpp - streamtensor compile ---------------------------------===//
//
// Imports a model, runs the pipeline stage by stage, and writes the design:
// out/hls (Vitis HLS C++), out/csim (testbench, constants, runtime headers)
// out/link (v++ connectivity), out/Makefile and out/report.json. Output is
// written to a temporary folder first and moved into place only when
// everything succeeded.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "CompileCommon.h"
#include "Progress.h"
#include "ReportHtml.h"
#include "SearchRunner.h"

#include "streamtensor/Analysis/ConverterSizing.h"
#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"
#include "streamtensor/Frontend/DiagnosticPrinter.h"
#include "streamtensor/Frontend/ImportMLIR.h"
#include "streamtensor/Performance/Estimate.h"
#include "streamtensor/Pipeline/Pipeline.h"
#include "streamtensor/Registration.h"
#include "streamtensor/Target/HLSCpp.h"
#include "streamtensor/Target/HbmChannels.h"
#include "streamtensor/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::driver;

namespace {

constexpr llvm::StringLiteral command = "compile";

/// The raw little-endian float32 bytes of a constant.
std::string getRawData(DenseElementsAttr value) {
  std::string bytes;
  for (float element : value.getValues<float>())
    bytes.append(reinterpret_cast<const char *>(&element), sizeof(float));
  return bytes;
}

} // namespace

namespace {

const OptionSpec compileOptions[] = {
    {"output", "DIR",
     "the output folder (written as DIR.partial, renamed when complete)", "o"},
    {"platform", "NAME|FILE",
     "target card: a platforms/ name (u55c, u280) or a .json file; default "
     "u55c"},
    {"tile-size", "N", "largest tile size on any loop (default 16)"},
    {"unroll-factor", "U", "elements each task computes per cycle (default 1)"},
    {"max-on-chip-bytes", "B",
     "on-chip bytes the converters of one fused kernel may use (default "
     "42991616)"},
    {"fifo-depth", "[KERNEL/]FIFO=D", "force a FIFO's depth (repeatable)"},
    {"kernel-tile-size", "[GRAPH/]KERNEL=N",
     "largest tile size of one kernel, by the name tiling gives it (such as "
     "matmul_3; LLMs: prefixed with the graph, block_decode/matmul_5); "
     "repeatable"},
    {"kernel-tile-order", "[GRAPH/]KERNEL=I,J,...",
     "order of one kernel's parallel tile loops, outermost first (a "
     "permutation of the op's parallel loops); repeatable"},
    {"weight-stripes", "S",
     "LLMs: HBM pseudo-channels each weight streamed in order is split over "
     "(default 0: as many as keep its DMA at one token per cycle; 1: none)"},
    {"fifo-mode", "MODE",
     "FIFO sizing: normal, conservative (the paper's LP) or upper-bound"},
    {"fifo-width", "W",
     "FIFO widths: lanes (as many elements per token as the tasks compute "
     "per cycle; default) or axi (every FIFO as wide as the AXI port); the "
     "search tries both"},
    {"pack-macs", "WHICH",
     "two int8 MACs that share an activation in one DSP (WP486): reused "
     "(where each weight serves several output rows, a prefill's; "
     "default), all, or none"},
    {"float-adders", "IMPL",
     "float adds and subtracts in fabric (LUTs: none of the DSPs the "
     "matmuls need) or dsp; auto (default): the search tries both when the "
     "platform has a figure for fabric, a compile without one takes dsp"},
    {"dsp-budget", "N",
     "DSPs the unrolling may use, split among an LLM's graphs (default -1: 80% "
     "of the platform's)"},
    {"unroll-order", "ORDER",
     "which unrolling step comes first: cheapest (the most cycles a task "
     "saves per part of the budget; default) or slowest (the paper's: the "
     "slowest task's)"},
    {"profiles", "DIR",
     "Vitis HLS csynth reports to use instead of the profiler's estimates"},
    {"dse-budget", "N",
     "design points the search compiles, per graph of an LLM (default: 8 "
     "for LLMs, 1 for MLIR inputs; 1: the options as given, no search)"},
    {"dse-seconds", "S",
     "stop the search after S seconds (default 0: no limit; a limit makes "
     "the result depend on the machine's speed)"},
    {"dse-seed", "N", "seed of the search (default 1)"},
    {"jobs", "N", "design points compiled at once (default 0: one per core)"},
    {"dump-ir", "DIR", "write the IR after every pipeline stage into DIR"},
    {"entry", "NAME", "MLIR inputs: the model's function (default forward)"},
    {"precision", "P", "LLMs: fp32, w8a8 or w4a8 (default w4a8)"},
    {"seq-len", "N", "LLMs: prefill length in tokens (default 32)"},
    {"max-len", "N", "LLMs: KV-cache length (default seq-len + 32)"},
    {"out-tokens", "N",
     "LLMs: tokens generated in the [in:out] estimate (default max-len - "
     "seq-len)"},
    {"group-size", "G",
     "LLMs, w4a8: one int4 scale per G inputs (default 0: no groups)"},
    {"layer-loop", "WHERE",
     "LLMs: host (the host starts the block kernel once per layer, as the "
     "paper does), device (one start per token: the kernel walks every "
     "layer, reading their addresses from a table) or auto (the one whose "
     "estimated [in:out] latency is lower; default)"},
    {"seed", "S",
     "LLMs: seed of the random weights of a folder without any (default 0)"},
    {"params", "MODE",
     "LLMs: write packed weights: yes, no or auto (real ones, or random up "
     "to 256 MiB)"},
    {"calibration-prompt", "IDS",
     "LLMs: comma-separated token ids that set the int8 activation scales"},
};

const llvm::StringLiteral compileExamples[] = {
    "streamtensor compile gpt2-medium --precision w4a8 -o out/gpt2",
    "streamtensor compile examples/attention/attention.mlir --platform u280 "
    "-o out/attention",
    "streamtensor compile llama-tiny --seq-len 8 --max-len 16 --json -o "
    "out/llama",
};

const CommandSpec compileSpec{
    "compile",
    "compile <input> -o <out-dir> [options]",
    "Builds the dataflow accelerator design of a model. <input> is a\n"
    "linalg-on-tensors .mlir file (as torch-mlir exports it), a HuggingFace\n"
    "model folder (config.json, optionally safetensors) or a preset name\n"
    "(gpt2-medium, qwen2.5-0.5b, tinyllama-1.1b, gemma-3-1b, *-tiny). The\n"
    "output folder holds hls/, link/, csim/, ir/, a Makefile and report.json.",
    compileOptions,
    compileExamples,
    "the output folder, kernels, on-chip and FIFO bytes, resources and the "
    "estimates"};

} // namespace

/// Every kernel port of `module` on the HBM channel of its buffer: the
/// graph's inputs spread over the channels, its results and internal
/// buffers on their own. A function the host cannot run keeps the default
/// binding. The search measures its candidates bound the same way, so that
/// the chosen design's estimate is the one it was chosen by.
static LogicalResult bindHbmChannels(ModuleOp module, llvm::StringRef entry,
                                     const Platform &platform) {
  auto entryFunction = module.lookupSymbol<func::FuncOp>(entry);
  if (!entryFunction || getTestbenchLimitation(entryFunction))
    return success();
  auto roleOf = [](const HostBinding &binding) -> BufferRole {
    switch (binding.kind) {
    case HostBinding::Argument:
      return {"arg" + std::to_string(binding.index), hbm::BufferUse::Weight};
    case HostBinding::Result:
      return {"result" + std::to_string(binding.index),
              hbm::BufferUse::Activation};
    case HostBinding::Constant:
      return {"constant" + std::to_string(binding.index),
              hbm::BufferUse::Weight};
    default:
      return {"buffer" + std::to_string(binding.index),
              hbm::BufferUse::Activation};
    }
  };
  return assignHbmChannels({{entryFunction, roleOf}}, platform);
}

int streamtensor::driver::runCompile(llvm::ArrayRef<const char *> args) {
  Arguments arguments;
  if (std::optional<int> exit = arguments.parse(compileSpec, args))
    return *exit;
  if (arguments.positionals.size() != 1) {
    reportError(command, "expects one input model (a .mlir file, a model "
                         "folder with config.json or a preset name), got " +
                             llvm::Twine(arguments.positionals.size()));
    return Usage;
  }
  std::string input = arguments.positionals.front();
  std::optional<std::string> output = arguments.get("output");
  if (!output || output->empty()) {
    reportError(command, "needs an output folder: -o <out-dir>");
    return Usage;
  }
  CompileOptions options;
  std::optional<int64_t> tileSize =
      arguments.getInteger(command, "tile-size", options.tileSize, 1, 4096);
  std::optional<int64_t> maxOnChip =
      arguments.getInteger(command, "max-on-chip-bytes", options.maxOnChipBytes,
                           0, int64_t(1) << 40);
  std::optional<int64_t> unrollFactor = arguments.getInteger(
      command, "unroll-factor", options.unrollFactor, 1, 1024);
  if (!tileSize || !maxOnChip || !unrollFactor)
    return Failure;
  options.tileSize = *tileSize;
  options.unrollFactor = *unrollFactor;
  options.maxOnChipBytes = *maxOnChip;
  options.fifoDepthOverrides = arguments.getAll("fifo-depth");
  options.kernelTileSizes = arguments.getAll("kernel-tile-size");
  options.kernelTileOrders = arguments.getAll("kernel-tile-order");
  options.platform = arguments.get("platform").value_or("u55c");
  // The first bad word is the one reported.
  std::optional<std::string> fifoMode =
      arguments.getChoice(command, "fifo-mode", "normal",
                          {"normal", "conservative", "upper-bound"});
  if (!fifoMode)
    return Failure;
  options.fifoMode = *fifoMode;
  std::optional<std::string> fifoWidth =
      arguments.getChoice(command, "fifo-width", "lanes", {"lanes", "axi"});
  if (!fifoWidth)
    return Failure;
  options.fifoWidth = *fifoWidth;
  std::optional<std::string> packMacs = arguments.getChoice(
      command, "pack-macs", "reused", {"reused", "all", "none"});
  if (!packMacs)
    return Failure;
  options.packMacs = *packMacs;
  std::optional<std::string> floatAdders = arguments.getChoice(
      command, "float-adders", "auto", {"auto", "fabric", "dsp"});
  if (!floatAdders)
    return Failure;
  options.floatAdders = *floatAdders;
  std::optional<std::string> unrollOrder = arguments.getChoice(
      command, "unroll-order", "cheapest", {"cheapest", "slowest"});
  if (!unrollOrder)
    return Failure;
  options.unrollOrder = *unrollOrder;
  std::optional<int64_t> dspBudget = arguments.getInteger(
      command, "dsp-budget", options.dspBudget, -1, int64_t(1) << 40);
  if (!dspBudget)
    return Failure;
  options.dspBudget = *dspBudget;
  std::optional<int64_t> weightStripes = arguments.getInteger(
      command, "weight-stripes", options.weightStripes, 0, 32);
  if (!weightStripes)
    return Failure;
  options.weightStripes = *weightStripes;
  options.profilesDir = arguments.get("profiles").value_or("");
  llvm::Expected<Platform> platform = loadPlatform(options.platform);
  if (!platform) {
    reportError(command, "--platform: " + llvm::toString(platform.takeError()));
    return Failure;
  }
  std::string entry = arguments.get("entry").value_or("forward");

  if (!checkCompileArguments(arguments, input, *output))
    return Failure;

  std::string modelConfig = findModelConfig(input);
  if (!modelConfig.empty())
    return compileModel(arguments, input, modelConfig, options, *platform,
                        *output);
  for (const char *modelOption :
       {"seq-len", "max-len", "precision", "seed", "params",
        "calibration-prompt", "out-tokens", "group-size", "layer-loop",
        "weight-stripes"})
    if (arguments.has(modelOption)) {
      reportError(command, "--" + llvm::Twine(modelOption) +
                               " applies to LLM inputs (a config.json "
                               "folder or a preset), not to " +
                               input);
      return Failure;
    }

  // MLIR inputs are searched on request only: their compile is the options
  // as given unless --dse-budget asks for more points.
  std::optional<SearchSettings> searchSettings =
      readSearchSettings(arguments, command, /*defaultBudget=*/1);
  if (!searchSettings)
    return Failure;

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  DiagnosticPrinter diagnostics(context, wantsSourceLines());

  planProgress(getPipelineStages().size() + 2);
  OwningOpRef<ModuleOp> module;
  {
    ProgressStep step("importing " + input);
    module = importLinalgModule(input, context, noteOut(), entry);
  }
  if (!module)
    return Failure;
  // The model as imported, in case it does not fit: runResourceStage builds
  // it again with the smallest tiles.
  OwningOpRef<ModuleOp> imported = module->clone();

  std::optional<std::string> dumpDir = arguments.get("dump-ir");
  unsigned dumpIndex = 0;
  auto dump = [&](llvm::StringRef stage) {
    if (!dumpDir)
      return true;
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    std::string name = llvm::formatv("{0:2}-{1}.mlir", dumpIndex++, stage);
    for (char &c : name)
      if (c == ' ')
        c = '0';
    return writeFile(*dumpDir + "/" + name, text);
  };
  if (dumpDir) {
    if (std::error_code error = llvm::sys::fs::create_directories(*dumpDir)) {
      reportError(command,
                  "cannot create " + *dumpDir + ": " + error.message());
      return Failure;
    }
  }
  if (!dump("import"))
    return Failure;

  llvm::json::Object fusion;
  int64_t unfusedIntermediateBytes = 0;
  // The design space search (docs/design-space-search.md), on request: the
  // chosen point's options replace the ones given, and its design is the
  // one compiled below (again, with the dumps and the diagnostics of a
  // normal compile; an MLIR design compiles in seconds).
  std::optional<llvm::json::Object> searchReport;
  std::optional<int64_t> startCycles;
  if (searchSettings->budget > 1) {
    struct Design {
      OwningOpRef<ModuleOp> module;
    };
    Resources device = getShareOf(platform->getTotalAvailable(), 1.0);
    search::Space space;
    addKernelDimensions(*imported, options, space);
    space.packModes = getPackModes(options);
    space.floatAdders = getFloatAdderModes(options, *platform);
    search::Search search(space, getStartPoint(options), searchSettings->seed);
    Evaluate<Design> evaluate = [&](const search::Point &point,
                                    Design &design) {
      CompileOptions pointOptions = applyPoint(options, point);
      design.module = imported->clone();
      for (const PipelineStage &stage : getPipelineStages()) {
        PassManager pm(&context, ModuleOp::getOperationName());
        stage.build(pm, pointOptions);
        if (failed(pm.run(*design.module)))
          return search::Outcome{};
      }
      if (failed(bindHbmChannels(*design.module, entry, *platform)))
        return search::Outcome{};
      llvm::json::Object candidateFusion = describeFusion(*design.module);
      llvm::json::Array kernels;
      return measureDesign(*design.module, candidateFusion, *platform,
                           pointOptions, device, kernels);
    };
    Design chosenDesign;
    std::optional<size_t> chosen = runSearch(
        search, *searchSettings, "design", context, evaluate, chosenDesign);
    searchReport = describeSearch(search, chosen, *searchSettings);
    if (search.getTrials().front().outcome.feasible)
      startCycles = search.getTrials().front().outcome.cycles;
    if (chosen)
      options = applyPoint(options, search.getTrials()[*chosen].point);
  }

  for (const PipelineStage &stage : getPipelineStages()) {
    ProgressStep step(stage.name);
    PassManager pm(&context, ModuleOp::getOperationName());
    stage.build(pm, options);
    LogicalResult ran =
        llvm::StringRef(stage.name) == "resource-allocation"
            ? runResourceStage(pm, *module, *imported, options, "the design")
            : runPipelineStage(pm, *module, stage.name);
    if (failed(ran))
      return Failure;
    if (!dump(stage.name))
      return Failure;
    if (llvm::StringRef(stage.name) == "linalg-to-dataflow")
      unfusedIntermediateBytes = getUnfusedIntermediateBytes(*module);
    if (llvm::StringRef(stage.name) == "kernel-fusion")
      fusion = describeFusion(*module);
  }

  if (failed(bindHbmChannels(*module, entry, *platform)))
    return Failure;

  // Emit everything into a fresh folder beside the output.
  ProgressStep emitStep("writing " + *output);
  std::string partial = *output + ".partial";
  if (!createPartialOutput(
          partial, {"hls", "csim/include", "csim/params", "ir", "link"}))
    return Failure;
  auto cleanUp = [&] {
    llvm::sys::fs::remove_directories(partial);
    return Failure;
  };

  std::vector<func::FuncOp> kernels = perf::getKernelFunctions(*module);
  std::vector<std::string> kernelNames;
  for (func::FuncOp kernel : kernels)
    kernelNames.push_back(kernel.getName().str());
  std::string declarations =
      "// Generated by StreamTensor: the kernels' top functions.\n"
      "#pragma once\n#include <cstdint>\n\n";
  llvm::raw_string_ostream declarationStream(declarations);
  for (func::FuncOp kernel : kernels) {
    std::string code;
    llvm::raw_string_ostream os(code);
    if (failed(emitKernel(kernel, os)) ||
        failed(emitKernelDeclaration(kernel, declarationStream))) {
      reportInternalError(command, "the HLS emitter rejects kernel '" +
                                       kernel.getName() +
                                       "' the pipeline produced");
      return cleanUp();
    }
    if (!writeFile(partial + "/hls/" + kernel.getName() + ".cpp", code))
      return cleanUp();
  }
  if (!writeFile(partial + "/hls/kernels.h", declarations) ||
      !writeMakefile(partial, kernelNames, *platform, /*llm=*/false))
    return cleanUp();

  // The HLS design stands on its own; the C-simulation testbench is written
  // when it can run the model.
  auto entryFunction = module->lookupSymbol<func::FuncOp>(entry);
  if (!entryFunction) {
    reportInternalError(command,
                        "the entry function '" + entry + "' is gone");
    return cleanUp();
  }
  std::optional<std::string> noTestbench =
      getTestbenchLimitation(entryFunction);
  std::vector<std::pair<std::string, DenseElementsAttr>> constants;
  if (noTestbench) {
    noteOut() << "streamtensor compile: note: no C-simulation testbench: "
              << *noTestbench << "\n";
  } else {
    std::string testbench = "#include \"kernels.h\"\n";
    llvm::raw_string_ostream testbenchStream(testbench);
    if (failed(emitTestbench(*module, entryFunction, testbenchStream,
                             constants))) {
      reportInternalError(command, "the testbench emitter rejects the "
                                   "design the pipeline produced");
      return cleanUp();
    }
    if (!writeFile(partial + "/csim/testbench.cpp", testbench))
      return cleanUp();
    for (auto &[name, value] : constants)
      if (!writeFile(partial + "/csim/params/" + name + ".bin",
                     getRawData(value)))
        return cleanUp();
  }
  if (!copySimulationHeaders(partial))
    return cleanUp();

  {
    std::string config, floorplan;
    llvm::raw_string_ostream configStream(config), floorplanStream(floorplan);
    if (failed(emitLinkConfig({*module}, *platform, configStream,
                              floorplanStream)) ||
        !writeFile(partial + "/link/connectivity.cfg", config) ||
        !writeFile(partial + "/link/floorplan.tcl", floorplan))
      return cleanUp();
  }

  // The lowered design, for `streamtensor simulate` and for people.
  {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    if (!writeFile(partial + "/ir/design.mlir", text))
      return cleanUp();
  }

  int64_t totalCycles = 0;
  Resources used;
  llvm::json::Array kernelReports =
      describeKernels(*module, fusion, *platform, options, totalCycles, used);
  FabricResources available = platform->getTotalAvailable();
  bool fits;
  llvm::json::Object resources = describeResources(
      used, available,
      "estimates of the task profiler; FIFOs are counted with their writer; "
      "the platform shell's share is not available",
      fits);
  if (auto crossing =
          (*module)->getAttrOfType<IntegerAttr>("dataflow.slr_crossing_bits"))
    resources["slr_crossing_bits"] = crossing.getInt();

  llvm::json::Object onChipBytes = describeOnChipBytes(*module, fusion);
  onChipBytes["unfused_intermediates"] = unfusedIntermediateBytes;
  if (searchReport) {
    (*searchReport)["start_estimated_kernel_cycles"] =
        startCycles ? llvm::json::Value(*startCycles)
                    : llvm::json::Value(nullptr);
  }
  llvm::json::Object report{
      {"generator", "streamtensor " STREAMTENSOR_VERSION_STRING},
      {"input", input},
      {"entry", entry},
      {"options",
       llvm::json::Object{{"tile_size", options.tileSize},
                          {"unroll_factor", options.unrollFactor},
                          {"max_on_chip_bytes", options.maxOnChipBytes},
                          {"fifo_mode", options.fifoMode},
                          {"fifo_width", options.fifoWidth},
                          {"pack_macs", options.packMacs},
                          {"float_adders", options.floatAdders},
                          {"unroll_order", options.unrollOrder},
                          {"dsp_budget", options.dspBudget},
                          {"profiles", options.profilesDir}}},
      {"platform", llvm::json::Object{{"name", platform->name},
                                      {"spec", options.platform},
                                      {"card", platform->card},
                                      {"part", platform->part},
                                      {"clock_mhz", platform->kernelClockMHz}}},
      {"resources", std::move(resources)},
      {"performance",
       llvm::json::Object{{"method", "cycle-level simulation (an estimate)"},
                          {"estimated_kernel_cycles", totalCycles},
                          {"estimated_kernel_us",
                           double(totalCycles) / platform->kernelClockMHz},
                          {"host_invocation_us_per_kernel",
                           platform->host.invocationOverheadUs}}},
      {"kernels", std::move(kernelReports)},
      {"on_chip_bytes", std::move(onChipBytes)},
      {"constants", int64_t(constants.size())},
      {"csim",
       noTestbench
           ? llvm::json::Value(llvm::json::Object{{"available", false},
                                                  {"reason", *noTestbench}})
           : llvm::json::Value(llvm::json::Object{{"available", true}})}};
  if (searchReport)
    report["search"] = std::move(*searchReport);
  llvm::json::Object summary = summarizeCompile(report, *output);
  std::string reportText;
  llvm::raw_string_ostream(reportText)
      << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  if (!writeFile(partial + "/report.json", reportText))
    return cleanUp();
  if (!writeReportHtml(partial, command))
    return cleanUp();

  llvm::sys::fs::remove_directories(*output);
  if (std::error_code error = llvm::sys::fs::rename(partial, *output)) {
    reportError(command, "cannot move the design to " + *output + ": " +
                             error.message());
    return cleanUp();
  }
  unsigned processes = 0, fifos = 0;
  for (func::FuncOp kernel : kernels) {
    processes += llvm::range_size(kernel.getOps<func::CallOp>());
    fifos += llvm::range_size(kernel.getOps<dataflow::StreamOp>());
  }
  textOut() << "streamtensor compile: wrote " << *output << " ("
            << kernels.size() << " kernel" << (kernels.size() == 1 ? "" : "s")
            << ", " << processes << " processes, " << fifos << " FIFOs)\n";
  printJson(std::move(summary));
  return Success;
}
