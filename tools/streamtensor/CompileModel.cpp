//===- CompileModel.cpp - streamtensor compile of an LLM ------------------===//
//
// A HuggingFace model folder (config.json, optionally safetensors) or a
// preset becomes five graphs: the token embedding (a gather from the tables
// in device memory) and the transformer block, each for prefill and for
// decode, and the LM head. Each runs through the ordinary pipeline; the
// kernels are named after their graph. The output folder holds the HLS
// kernels, the weights packed per layer in the layout the DMAs read, a host
// program for C simulation that runs prefill and decode layer by layer, and
// report.json with the estimated time to first token and decode speed.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "CompileCommon.h"
#include "ReportHtml.h"
#include "LayerLoopEstimate.h"
#include "ModelOutputs.h"
#include "Progress.h"
#include "SearchRunner.h"

#include "streamtensor/Analysis/PowerModel.h"
#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"
#include "streamtensor/Frontend/Calibration.h"
#include "streamtensor/Frontend/DiagnosticPrinter.h"
#include "streamtensor/Frontend/ModelWeights.h"
#include "streamtensor/Frontend/TransformerGraph.h"
#include "streamtensor/Performance/DesignAnalysis.h"
#include "streamtensor/Performance/ResourceNeed.h"
#include "streamtensor/Registration.h"
#include "streamtensor/Target/HLSCpp.h"
#include "streamtensor/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <set>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::driver;
using frontend::GraphKind;
using frontend::GraphSignature;

namespace {

constexpr llvm::StringLiteral command = "compile";

/// Packed weights above this size are written only on request: seeded
/// random weights of a full preset are gigabytes nobody will read.
constexpr int64_t autoParamsLimitBytes = int64_t(256) << 20;

/// The part of the device one graph may fill: the graphs sit side by side
/// on it. The two layer graphs and the LM head do the work (prefill bounds
/// the time to the first token, decode and the head every later token):
/// prefill 30%, decode 40%, the head 20%; the embedding lookups, which only
/// gather rows, 5% each. The head's design streams its weights and used
/// 16% of the DSPs and 10% of the LUTs at 30% (GPT-2 Medium); decode, run
/// once per layer for every token, turns each tenth of the device into
/// speed (estimates at [32:32], 30/30/30 -> 30/40/20: GPT-2 Medium's
/// decode 99.6 -> 113.6 tokens/s, TTFT 91.6 -> 97.1 ms, total 403 -> 370
/// ms; Qwen2.5-0.5B total 432 -> 412 ms, TinyLlama-1.1B 875 -> 825 ms; the
/// heads' cycles unchanged). The unrolling's DSP, LUT and FF limits and the
/// search's resource check both take this share.
double getGraphShare(GraphKind kind) {
  switch (kind) {
  case GraphKind::Prefill:
    return 0.30;
  case GraphKind::Decode:
    return 0.40;
  case GraphKind::LMHead:
    return 0.20;
  case GraphKind::EmbedPrefill:
  case GraphKind::EmbedDecode:
    return 0.05;
  }
  llvm_unreachable("every graph kind has a share");
}

/// What builds one graph of the model, whatever the pipeline's options.
/// The graphs of an LLM, by the names the per-graph options use.
std::vector<std::string> getGraphNames() {
  std::vector<std::string> names;
  for (GraphKind kind : {GraphKind::Prefill, GraphKind::Decode,
                         GraphKind::LMHead, GraphKind::EmbedPrefill,
                         GraphKind::EmbedDecode})
    names.push_back(frontend::getGraphName(kind).str());
  return names;
}

/// The entries `GRAPH/rest` of `entries` for `graph`, as `rest`.
std::vector<std::string> getGraphEntries(const std::vector<std::string> &entries,
                                         llvm::StringRef graph) {
  std::vector<std::string> own;
  for (const std::string &entry : entries) {
    auto [name, rest] = llvm::StringRef(entry).split('/');
    if (name == graph)
      own.push_back(rest.str());
  }
  return own;
}

/// The --fifo-depth entries for `graph`: `GRAPH/[KERNEL/]FIFO=D` for this
/// graph, as `[KERNEL/]FIFO=D`, and those that name no graph (every
/// graph's).
std::vector<std::string>
getFifoDepthEntries(const std::vector<std::string> &entries,
                    llvm::StringRef graph) {
  std::vector<std::string> own = getGraphEntries(entries, graph);
  llvm::copy_if(entries, std::back_inserter(own), [](const std::string &entry) {
    return !llvm::is_contained(getGraphNames(),
                               llvm::StringRef(entry).split('/').first);
  });
  return own;
}

struct GraphRecipe {
  MLIRContext &context;
  const model::ModelConfig &config;
  GraphKind kind;
  int64_t seqLen;
  int64_t maxLen;
  frontend::Precision precision;
  int64_t groupSize;
  /// The design must be one kernel (a block whose kernel walks the layers).
  bool oneKernel = false;

  /// The graph as the frontend builds it, into a new module; `function`
  /// gets its function.
  OwningOpRef<ModuleOp> build(GraphSignature &signature,
                              func::FuncOp *function = nullptr) const {
    // Errors about the graph (it does not fit the platform) name the model.
    OwningOpRef<ModuleOp> module =
        ModuleOp::create(FileLineColLoc::get(&context, config.path, 0, 0));
    func::FuncOp built = frontend::buildTransformerGraph(
        *module, config, kind, seqLen, maxLen, precision, groupSize,
        signature);
    if (function)
      *function = built;
    return module;
  }
};

/// The weight file of a stripe: "<weight>.stripe<i>of<S>x<chunk bytes>".
std::string getStripeName(const frontend::WeightStripe &stripe) {
  return llvm::formatv("{0}.stripe{1}of{2}x{3}", stripe.of, stripe.index,
                       stripe.count, stripe.chunkBytes)
      .str();
}

/// Prefill and decode read the same layer weights, each packed in the order
/// of its own DMAs (decode's stream every weight once per token; prefill's
/// reuse it over many tokens). A weight the two read in different layouts
/// is stored twice: prefill's copy is renamed "<weight>.prefill".
void separateWeightLayouts(CompiledGraph &prefill,
                           const CompiledGraph &decode) {
  WeightLayouts prefillLayouts = getWeightLayouts(prefill);
  WeightLayouts decodeLayouts = getWeightLayouts(decode);
  std::set<std::string> decodeWeights;
  for (const frontend::GraphArgument &argument : decode.signature.arguments)
    if (argument.kind == frontend::ArgumentKind::Weight)
      decodeWeights.insert(argument.getWeightName());
  auto layoutOf = [](const WeightLayouts &layouts, const std::string &name) {
    auto found = layouts.find(name);
    return found == layouts.end() ? DictionaryAttr() : found->second;
  };
  for (frontend::GraphArgument &argument : prefill.signature.arguments) {
    if (argument.kind != frontend::ArgumentKind::Weight)
      continue;
    std::string weight = argument.getWeightName();
    if (!decodeWeights.count(weight) ||
        layoutOf(prefillLayouts, weight) == layoutOf(decodeLayouts, weight))
      continue;
    if (argument.stripe) {
      argument.stripe->of = weight + ".prefill";
      argument.name = getStripeName(*argument.stripe);
    } else {
      argument.name = weight + ".prefill";
    }
  }
}

/// The graph function's arguments after StripeWeights: a striped weight's
/// argument became one per stripe, each marked `dataflow.stripe`; each
/// becomes a weight of its own, named after the stripe.
LogicalResult applyWeightStripes(CompiledGraph &compiled) {
  GraphSignature &signature = compiled.signature;
  auto entry =
      compiled.module->lookupSymbol<func::FuncOp>(signature.function);
  if (!entry)
    return compiled.module->emitError("the graph function '")
           << signature.function << "' is gone";
  std::vector<frontend::GraphArgument> arguments;
  size_t original = 0;
  for (unsigned index = 0; index < entry.getNumArguments(); ++index) {
    if (original >= signature.arguments.size())
      break;
    const frontend::GraphArgument &argument = signature.arguments[original];
    auto stripe =
        entry.getArgAttrOfType<DictionaryAttr>(index, "dataflow.stripe");
    if (!stripe) {
      arguments.push_back(argument);
      ++original;
      continue;
    }
    auto field = [&](llvm::StringRef name) {
      auto value = stripe.getAs<IntegerAttr>(name);
      return value ? value.getInt() : 0;
    };
    frontend::WeightStripe part{argument.name, argument.shape,
                                field("index"), field("count"),
                                field("chunk_bytes")};
    if (part.count < 1 ||
        model::getNumElements(argument.shape) % part.count)
      return entry.emitError("argument ")
             << index << " is a stripe the weight '" << argument.name
             << "' cannot have";
    frontend::GraphArgument striped = argument;
    striped.name = getStripeName(part);
    striped.shape = {model::getNumElements(argument.shape) / part.count};
    striped.stripe = part;
    arguments.push_back(std::move(striped));
    if (part.index == part.count - 1)
      ++original;
  }
  if (original != signature.arguments.size() ||
      arguments.size() != entry.getNumArguments())
    return entry.emitError("has ")
           << entry.getNumArguments()
           << " arguments, which do not match its graph's "
           << signature.arguments.size();
  signature.arguments = std::move(arguments);
  return success();
}

/// Builds and compiles one graph; kernels are renamed `<graph>_<kernel>` so
/// that the graphs' kernels live side by side. A `candidate` of the search
/// shows no progress and leaves its diagnostics to the search.
LogicalResult compileGraph(const GraphRecipe &recipe,
                           const CompileOptions &options,
                           std::optional<std::string> dumpDir,
                           CompiledGraph &compiled, bool candidate) {
  MLIRContext &context = recipe.context;
  GraphKind kind = recipe.kind;
  func::FuncOp function;
  compiled.module = recipe.build(compiled.signature, &function);
  if (failed(verify(*compiled.module)))
    return failure();
  unsigned dumpIndex = 0;
  auto dump = [&](llvm::StringRef stage) {
    if (!dumpDir)
      return true;
    std::string text;
    llvm::raw_string_ostream os(text);
    compiled.module->print(os);
    return writeFile(llvm::formatv("{0}/{1}-{2}-{3}.mlir", *dumpDir,
                                   compiled.signature.function, dumpIndex++,
                                   stage),
                     text);
  };
  if (!dump("import"))
    return failure();
  CompileOptions graphOptions = options;
  graphOptions.foldUnitDims = false;
  // The graph as built, in case it does not fit: runResourceStage builds it
  // again with the smallest tiles.
  OwningOpRef<ModuleOp> built;
  if (!candidate)
    built = compiled.module->clone();
  std::string what = ("graph " + frontend::getGraphName(kind)).str();
  for (const PipelineStage &stage : getPipelineStages()) {
    std::optional<ProgressStep> step;
    if (!candidate)
      step.emplace(frontend::getGraphName(kind) + ": " + stage.name);
    PassManager pm(&context, ModuleOp::getOperationName());
    stage.build(pm, graphOptions);
    // A candidate of the design space search runs on a worker thread: its
    // errors only make it infeasible, and go to the search's handler.
    LogicalResult ran =
        candidate ? pm.run(*compiled.module)
        : llvm::StringRef(stage.name) == "resource-allocation"
            ? runResourceStage(pm, *compiled.module, *built, graphOptions, what)
            : runPipelineStage(pm, *compiled.module, stage.name);
    if (failed(ran) || !dump(stage.name))
      return failure();
    if (llvm::StringRef(stage.name) == "linalg-to-dataflow")
      compiled.unfusedIntermediateBytes =
          getUnfusedIntermediateBytes(*compiled.module);
    if (llvm::StringRef(stage.name) == "kernel-fusion")
      compiled.fusion = describeFusion(*compiled.module);
  }
  if (failed(applyWeightStripes(compiled)))
    return failure();
  std::string prefix = frontend::getGraphName(kind).str() + "_";
  llvm::json::Object renamedFusion;
  for (func::FuncOp kernel : perf::getKernelFunctions(*compiled.module)) {
    std::string oldName = kernel.getName().str();
    auto newName = StringAttr::get(&context, prefix + oldName);
    if (failed(SymbolTable::replaceAllSymbolUses(kernel, newName,
                                                 *compiled.module)))
      return failure();
    SymbolTable::setSymbolName(kernel, newName);
    if (llvm::json::Value *entry = compiled.fusion.get(oldName))
      renamedFusion[newName.getValue()] = std::move(*entry);
  }
  compiled.fusion = std::move(renamedFusion);
  return success();
}

/// The kernels of a graph whose tiles the search may set one by one.
void addGraphKernels(const GraphRecipe &recipe, CompileOptions options,
                     search::Space &space) {
  GraphSignature signature;
  OwningOpRef<ModuleOp> module = recipe.build(signature);
  options.foldUnitDims = false;
  addKernelDimensions(*module, options, space);
}

/// The design space search of one graph (docs/design-space-search.md):
/// moves the fastest design that fits in `available`, and on each die in
/// `dieAllowance`, into `graph` (placed on the dies) and
/// returns its point, or nothing when no point fits; a point within
/// `ownShare`, when given, before a faster one beyond it. `report` gets the
/// search's section; `startCycles` the cycles of the options as given, when
/// they fit.
std::optional<search::Point>
searchGraph(const GraphRecipe &recipe, const CompileOptions &options,
            const Resources &available,
            const std::optional<Resources> &ownShare,
            const std::vector<Resources> &dieAllowance,
            const Platform &platform,
            const SearchSettings &settings, CompiledGraph &graph,
            llvm::json::Object &report, std::optional<int64_t> &startCycles) {
  search::Space space;
  space.ownShare = ownShare;
  space.packModes = getPackModes(options);
  space.floatAdders = getFloatAdderModes(options, platform);
  addGraphKernels(recipe, options, space);
  search::Search search(space, getStartPoint(options), settings.seed);
  Evaluate<CompiledGraph> evaluate = [&](const search::Point &point,
                                         CompiledGraph &candidate) {
    CompileOptions pointOptions = applyPoint(options, point);
    if (failed(compileGraph(recipe, pointOptions, std::nullopt, candidate,
                            /*candidate=*/true)))
      return search::Outcome{};
    if (recipe.oneKernel &&
        perf::getKernelFunctions(*candidate.module).size() != 1) {
      search::Outcome split;
      split.failure = "--layer-loop device needs the block in one kernel; "
                      "this fusion cap splits it";
      return split;
    }
    candidate.measured.emplace();
    search::Outcome outcome =
        measureDesign(*candidate.module, candidate.fusion, platform,
                      pointOptions, available, candidate.measured->kernels);
    candidate.measured->cycles = outcome.cycles;
    candidate.measured->resources = outcome.used;
    if (!outcome.feasible)
      return outcome;
    // The graphs are on the device together: this one must fit each die
    // beside the graphs searched before and leave the ones after their
    // shares.
    std::string overDies =
        placeGraphWithin(candidate, platform, dieAllowance,
                         candidate.measured->perDie, outcome.overMemory);
    if (!overDies.empty()) {
      outcome.feasible = false;
      outcome.overResources = true;
      outcome.failure = "beside the other graphs: " + overDies;
    }
    return outcome;
  };
  std::optional<size_t> chosen =
      runSearch(search, settings, frontend::getGraphName(recipe.kind),
                recipe.context, evaluate, graph);
  report = describeSearch(search, chosen, settings);
  const search::Trial &start = search.getTrials().front();
  if (start.outcome.feasible)
    startCycles = start.outcome.cycles;
  if (!chosen)
    return std::nullopt;
  return search.getTrials()[*chosen].point;
}

/// `amounts` per resource kind, whole units.
llvm::json::Object describeAmounts(const Resources &amounts) {
  llvm::json::Object object;
  for (int kind = 0; kind < Resources::kNumKinds; ++kind)
    object[getResourceKey(kind)] = int64_t(std::floor(amounts.get(kind)));
  return object;
}

/// What one call of a graph keeps busy and moves, for its energy.
struct CallActivity {
  /// Each task's resources times the fraction of the call it runs (its
  /// latency over the call's cycles): a task done early, or not yet
  /// started, switches nothing.
  Resources weightedResources;
  double hbmBytes = 0;
};

CallActivity getCallActivity(const llvm::json::Array &kernels,
                             int64_t callCycles) {
  CallActivity call;
  for (const llvm::json::Value &kernelValue : kernels) {
    const llvm::json::Object &kernel = *kernelValue.getAsObject();
    if (const llvm::json::Object *performance = kernel.getObject("performance"))
      call.hbmBytes += performance->getNumber("hbm_bytes").value_or(0);
    const llvm::json::Array *processes = kernel.getArray("processes");
    if (!processes || callCycles <= 0)
      continue;
    for (const llvm::json::Value &processValue : *processes) {
      const llvm::json::Object &process = *processValue.getAsObject();
      double busy = std::min(
          1.0, process.getNumber("latency_cycles").value_or(0) /
                   double(callCycles));
      call.weightedResources.dsp += busy * process.getNumber("dsp").value_or(0);
      call.weightedResources.lut += busy * process.getNumber("lut").value_or(0);
      call.weightedResources.ff += busy * process.getNumber("ff").value_or(0);
      call.weightedResources.bram18k +=
          busy * process.getNumber("bram18k").value_or(0);
      call.weightedResources.uram +=
          busy * process.getNumber("uram").value_or(0);
    }
  }
  return call;
}

} // namespace

std::string streamtensor::driver::findModelConfig(llvm::StringRef input) {
  if (llvm::sys::fs::is_directory(input)) {
    std::string path = (input + "/config.json").str();
    return llvm::sys::fs::exists(path) ? path : "";
  }
  if (llvm::sys::path::filename(input) == "config.json")
    return input.str();
  if (llvm::sys::fs::exists(input))
    return "";
  return model::findPreset(input);
}

int streamtensor::driver::compileModel(const Arguments &arguments,
                                       llvm::StringRef input,
                                       llvm::StringRef configPath,
                                       const CompileOptions &options,
                                       const Platform &platform,
                                       llvm::StringRef outputRef) {
  std::string output = outputRef.str();
  llvm::Expected<model::ModelConfig> config =
      model::readModelConfig(configPath);
  if (!config) {
    reportError(command, llvm::toString(config.takeError()));
    return Failure;
  }
  // The paper's format on the device; csim checks any of the three.
  std::optional<std::string> precisionName = arguments.getChoice(
      command, "precision", "w4a8", {"fp32", "w8a8", "w4a8"});
  if (!precisionName)
    return Failure;
  frontend::Precision precision = frontend::Precision::W4A8;
  if (*precisionName == "fp32")
    precision = frontend::Precision::FP32;
  else if (*precisionName == "w8a8")
    precision = frontend::Precision::W8A8;
  if (precision == frontend::Precision::W4A8) {
    std::pair<llvm::StringRef, int64_t> packedSizes[] = {
        {"hidden_size", config->hiddenSize},
        {"head_dim", config->headDim},
        {"intermediate_size", config->intermediateSize}};
    for (auto [field, size] : packedSizes)
      if (size % 2) {
        reportError(command, configPath + ": field '" + field +
                                 "': " + llvm::Twine(size) +
                                 " is odd; w4a8 packs int4 weights two per "
                                 "byte along it (use --precision w8a8)");
        return Failure;
      }
  }
  std::optional<int64_t> groupOption =
      arguments.getInteger(command, "group-size", 0, 0, 1 << 20);
  if (!groupOption)
    return Failure;
  int64_t groupSize = *groupOption;
  if (groupSize && precision != frontend::Precision::W4A8) {
    reportError(command, "--group-size applies to w4a8 (int4 weights)");
    return Failure;
  }
  if (groupSize &&
      (groupSize % 2 || config->hiddenSize % groupSize ||
       config->headDim % groupSize || config->intermediateSize % groupSize)) {
    reportError(command,
                llvm::formatv("--group-size {0} must be even and divide "
                              "hidden_size {1}, head_dim {2} and "
                              "intermediate_size {3}",
                              groupSize, config->hiddenSize, config->headDim,
                              config->intermediateSize));
    return Failure;
  }
  std::optional<int64_t> seqLen =
      arguments.getInteger(command, "seq-len", 32, 1, 1 << 20);
  if (!seqLen)
    return Failure;
  std::optional<int64_t> maxLen =
      arguments.getInteger(command, "max-len", *seqLen + 32, 2, 1 << 22);
  std::optional<int64_t> seed =
      arguments.getInteger(command, "seed", 0, 0, INT64_MAX);
  if (!maxLen || !seed)
    return Failure;
  if (*maxLen <= *seqLen) {
    reportError(command, llvm::formatv("--max-len {0} leaves no room to decode "
                                       "after --seq-len {1}",
                                       *maxLen, *seqLen));
    return Failure;
  }
  if (*maxLen > config->maxPositions) {
    reportError(command,
                llvm::formatv("--max-len {0} is beyond the model's {1} "
                              "positions ({2})",
                              *maxLen, config->maxPositions, configPath));
    return Failure;
  }
  // Tokens generated, for the estimate of the whole [in:out] request.
  std::optional<int64_t> outOption = arguments.getInteger(
      command, "out-tokens", *maxLen - *seqLen, 1, *maxLen - *seqLen);
  if (!outOption)
    return Failure;
  int64_t outTokens = *outOption;
  std::optional<SearchSettings> searchSettings =
      readSearchSettings(arguments, command, /*defaultBudget=*/8);
  if (!searchSettings)
    return Failure;
  // Kernel names repeat between graphs: an LLM's per-kernel options name
  // the graph too.
  for (const auto &[option, entries] :
       {std::pair<const char *, const std::vector<std::string> *>{
            "kernel-tile-size", &options.kernelTileSizes},
        {"kernel-tile-order", &options.kernelTileOrders}})
    for (const std::string &entry : *entries) {
      llvm::StringRef graph = llvm::StringRef(entry).split('/').first;
      if (graph == entry || !llvm::is_contained(getGraphNames(), graph)) {
        reportError(command,
                    llvm::formatv("--{0} {1}: name the graph first, one of "
                                  "{2} (such as block_decode/matmul_5=32)",
                                  option, entry,
                                  llvm::join(getGraphNames(), ", ")));
        return Failure;
      }
    }
  std::optional<std::string> layerLoopChoice = arguments.getChoice(
      command, "layer-loop", "auto", {"auto", "host", "device"});
  if (!layerLoopChoice)
    return Failure;
  std::string requestedLayerLoop = *layerLoopChoice;
  // auto becomes host or device once the graphs are compiled.
  std::string layerLoop = requestedLayerLoop;
  std::optional<std::string> paramsChoice =
      arguments.getChoice(command, "params", "auto", {"auto", "yes", "no"});
  if (!paramsChoice)
    return Failure;
  std::string paramsMode = *paramsChoice;

  // The prompt whose activations set the static int8 scales: by default a
  // fixed spread of token ids, as long as the prefill.
  std::vector<int64_t> calibrationPrompt;
  if (std::optional<std::string> ids = arguments.get("calibration-prompt")) {
    llvm::SmallVector<llvm::StringRef> items;
    llvm::StringRef(*ids).split(items, ',');
    for (llvm::StringRef item : items) {
      int64_t id;
      if (item.trim().getAsInteger(10, id) || id < 0 ||
          id >= config->vocabSize) {
        reportError(command, "--calibration-prompt: '" + item +
                                 "' is not a token id of the vocabulary");
        return Failure;
      }
      calibrationPrompt.push_back(id);
    }
  } else {
    for (int64_t index = 0; index < std::min<int64_t>(*seqLen, 16); ++index)
      calibrationPrompt.push_back((index * 7919 + 13) % config->vocabSize);
  }

  // Weights: the folder's safetensors, or seeded random ones.
  std::optional<model::WeightStore> store;
  std::string modelDir = llvm::sys::path::parent_path(configPath).str();
  if (model::WeightStore::hasWeights(modelDir)) {
    llvm::Expected<model::WeightStore> opened =
        model::WeightStore::open(modelDir);
    if (!opened) {
      reportError(command, llvm::toString(opened.takeError()));
      return Failure;
    }
    store = std::move(*opened);
  }
  frontend::WeightSource source(*config, std::move(store), uint64_t(*seed));
  if (llvm::Error error = source.checkTensors()) {
    reportError(command, llvm::toString(std::move(error)));
    return Failure;
  }
  int64_t parameterCount = 0;
  for (const model::TensorSpec &spec : source.getSpecs())
    parameterCount += model::getNumElements(spec.shape);

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  context.printOpOnDiagnostic(false);
  DiagnosticPrinter diagnostics(context, wantsSourceLines());

  std::optional<std::string> dumpDir = arguments.get("dump-ir");
  if (dumpDir)
    if (std::error_code error = llvm::sys::fs::create_directories(*dumpDir)) {
      reportError(command,
                  "cannot create " + *dumpDir + ": " + error.message());
      return Failure;
    }
  GraphKind kinds[] = {GraphKind::Prefill, GraphKind::Decode,
                       GraphKind::LMHead, GraphKind::EmbedPrefill,
                       GraphKind::EmbedDecode};
  planProgress(std::size(kinds) * getPipelineStages().size() + 1);
  std::vector<CompiledGraph> graphs(std::size(kinds));
  // Each graph packs the weights in the order its own DMAs read them; a
  // weight prefill reads in another layout than decode gets a file of its
  // own (separateWeightLayouts).
  llvm::json::Object searchReports;
  // The estimates of the design the options ask for (each search's start
  // point), to show what the search gained.
  std::map<std::string, int64_t> startCycles;
  // The graphs are searched smallest share first, and what a chosen design
  // leaves of its graph's share is lent to the graphs searched after it:
  // each search may fill its own share plus what the earlier ones left,
  // so the chosen designs still fit side by side. Prefill comes last: its
  // 32-token tiles need the most memory (GPT-2 Medium's tile-64 prefill
  // needs 1.3x its own share of BRAM, decode uses a sixth of its own).
  const size_t searchOrder[] = {4, 3, 2, 1, 0};
  static_assert(std::size(searchOrder) == std::size(kinds));
  auto getGraphOptions = [&](GraphKind kind) {
    double share = getGraphShare(kind);
    CompileOptions graphOptions = options;
    graphOptions.resourceShare = share;
    graphOptions.kernelTileSizes = getGraphEntries(
        options.kernelTileSizes, frontend::getGraphName(kind));
    graphOptions.kernelTileOrders = getGraphEntries(
        options.kernelTileOrders, frontend::getGraphName(kind));
    graphOptions.fifoDepthOverrides = getFifoDepthEntries(
        options.fifoDepthOverrides, frontend::getGraphName(kind));
    if (options.dspBudget >= 0)
      graphOptions.dspBudget = int64_t(double(options.dspBudget) * share);
    return graphOptions;
  };
  auto getRecipe = [&](GraphKind kind) {
    GraphRecipe recipe{context,  *config, kind,     *seqLen,
                       *maxLen,  precision, groupSize};
    recipe.oneKernel =
        layerLoop == "device" &&
        (kind == GraphKind::Prefill || kind == GraphKind::Decode);
    return recipe;
  };
  std::optional<search::Point> chosenPoints[std::size(kinds)];
  // The unrolling's share of each graph searched (0: the graph's own).
  double unrollShares[std::size(kinds)] = {};
  // Per die, what the graphs chosen so far use, and what each searched
  // graph may use of it: what the ones before left. On the die by the HBM,
  // where every graph's DMAs must sit, the shares of the graphs searched
  // after it are kept for them too (as `available` keeps them on the
  // device). Elsewhere a graph may take more of one die and less of
  // another: `available` still caps its total, and a share of every die
  // would cap its largest process (GPT-2 Medium's LM head, 1223 DSPs in
  // one process, could not have sat on 30% of any die).
  std::vector<Resources> dieCapacity = perf::getDieCapacities(platform);
  std::vector<Resources> dieUsed(dieCapacity.size());
  std::vector<Resources> dieAllowances[std::size(kinds)];
  if (searchSettings->budget > 1) {
    Resources lent;
    // The shares of the graphs not searched yet.
    double sharesAfter = 0.0;
    for (size_t index : searchOrder)
      sharesAfter += getGraphShare(kinds[index]);
    for (size_t index : searchOrder) {
      GraphKind kind = kinds[index];
      CompiledGraph &graph = graphs[index];
      std::string name = frontend::getGraphName(kind).str();
      llvm::json::Object report;
      std::optional<int64_t> start;
      Resources own =
          getShareOf(platform.getTotalAvailable(), getGraphShare(kind));
      Resources available = own;
      available += lent;
      // The graph searched last may also unroll into all it may use: no
      // graph after it needs what is left. The others unroll within their
      // own share: given all it may use (53% of the device), GPT-2
      // Medium's decode took 68.2K estimated cycles a layer instead of
      // 67.6K, and left prefill, last, 1.13M instead of 0.99M (TTFT 111
      // instead of 97 ms).
      CompileOptions graphOptions = getGraphOptions(kind);
      // A graph searched before another borrows what the earlier ones left
      // only for a point that fits no other way: Qwen2.5-0.5B's decode took
      // 35% more LUTs for 5% fewer cycles (FIFO width axi) at --dse-budget
      // 5, and its prefill, last, lacked them (TTFT 73.1 -> 122.8 ms).
      std::optional<Resources> ownShare = own;
      if (index == searchOrder[std::size(searchOrder) - 1]) {
        ownShare.reset();
        Resources device = getShareOf(platform.getTotalAvailable(), 1.0);
        double part = 1.0;
        for (int resource = 0; resource < Resources::kNumKinds; ++resource)
          if (device.get(resource) > 0)
            part = std::min(part, available.get(resource) /
                                      device.get(resource));
        graphOptions.resourceShare = std::max(graphOptions.resourceShare, part);
      }
      unrollShares[index] = graphOptions.resourceShare;
      sharesAfter -= getGraphShare(kind);
      std::vector<Resources> &dieAllowance = dieAllowances[index];
      for (size_t die = 0; die < dieCapacity.size(); ++die) {
        Resources allowance;
        double kept = int64_t(die) == platform.hbm.slr ? sharesAfter : 0.0;
        for (int resource = 0; resource < Resources::kNumKinds; ++resource)
          allowance.at(resource) = std::max(
              0.0, dieCapacity[die].get(resource) * (1.0 - kept) -
                       dieUsed[die].get(resource));
        dieAllowance.push_back(allowance);
      }
      chosenPoints[index] = searchGraph(
          getRecipe(kind), graphOptions, available, ownShare, dieAllowance,
          platform, *searchSettings, graph, report, start);
      if (chosenPoints[index] && graph.measured)
        for (size_t die = 0; die < dieUsed.size(); ++die)
          dieUsed[die] += graph.measured->perDie[die];
      report["available"] = describeAmounts(available);
      report["unroll_share"] = unrollShares[index];
      report["lent"] = describeAmounts(lent);
      if (chosenPoints[index] && graph.measured) {
        // What this graph leaves of all it could use goes on to the next.
        for (int resource = 0; resource < Resources::kNumKinds; ++resource)
          lent.at(resource) =
              std::max(0.0, available.get(resource) -
                                graph.measured->resources.get(resource));
      } else {
        // Nothing fits (the options as given are compiled below, at
        // whatever size): nothing is lent on.
        lent = Resources();
      }
      searchReports[name] = std::move(report);
      if (start)
        startCycles[name] = *start;
    }
  }
  // Then, in the graphs' own order (so that an error is the one of the
  // first graph that fails, prefill's before decode's):
  for (size_t index = 0; index < std::size(kinds); ++index) {
    GraphKind kind = kinds[index];
    CompiledGraph &graph = graphs[index];
    GraphRecipe recipe = getRecipe(kind);
    CompileOptions graphOptions = getGraphOptions(kind);
    if (unrollShares[index] > 0)
      graphOptions.resourceShare = unrollShares[index];
    const std::optional<search::Point> &chosenPoint = chosenPoints[index];
    // --dump-ir shows the chosen design's stages: it is compiled again,
    // with the dumps.
    if (chosenPoint && dumpDir) {
      if (failed(compileGraph(recipe, applyPoint(graphOptions, *chosenPoint),
                              dumpDir, graph, /*candidate=*/false)))
        return Failure;
      // The same design: the same place beside the others.
      std::vector<Resources> usage;
      bool overMemory;
      std::string overDies = placeGraphWithin(
          graph, platform, dieAllowances[index], usage, overMemory);
      if (!overDies.empty()) {
        graph.module->emitError("the chosen design, compiled again, no "
                                "longer fits beside the other graphs: ")
            << overDies;
        return Failure;
      }
    }
    // No search, or no point of it fits: the options as given, with the
    // compile's own diagnostics.
    if (!chosenPoint && failed(compileGraph(recipe, graphOptions, dumpDir,
                                            graph, /*candidate=*/false)))
      return Failure;
  }
  separateWeightLayouts(graphs[0], graphs[1]);
  if (failed(assignModelHbmChannels(graphs, config->numLayers, platform)))
    return Failure;
  // Both layer loops, so that they can be compared: the host starting the
  // block kernel once per layer, and the kernel walking the layers itself
  // (one start per token; its layers simulated back to back).
  // A block of several kernels (a fusion cap split it) cannot walk the
  // layers: no device estimate then.
  std::map<std::string, LayerLoopCycles> deviceLoop;
  bool deviceLoopPossible = true;
  for (CompiledGraph &graph : graphs)
    if (graph.signature.kind == GraphKind::Prefill ||
        graph.signature.kind == GraphKind::Decode) {
      if (perf::getKernelFunctions(*graph.module).size() != 1) {
        deviceLoopPossible = false;
        continue;
      }
      FailureOr<LayerLoopCycles> layered =
          estimateLayerLoop(graph, config->numLayers, platform);
      if (failed(layered))
        return Failure;
      deviceLoop[graph.signature.function] = *layered;
    }
  if (layerLoop == "auto")
    layerLoop =
        deviceLoopPossible && isDeviceLoopFaster(deviceLoop, config->numLayers,
                                                 outTokens, platform)
            ? "device"
            : "host";
  if (layerLoop == "device")
    for (CompiledGraph &graph : graphs)
      if ((graph.signature.kind == GraphKind::Prefill ||
           graph.signature.kind == GraphKind::Decode) &&
          failed(markLayerLoop(graph, config->numLayers)))
        return Failure;
  // Each graph the search chose is placed beside the others already (its
  // chosen design is the measured one); the graphs compiled as given are
  // placed all together here.
  std::vector<Resources> perDie = dieUsed;
  bool everyGraphPlaced =
      llvm::all_of(chosenPoints, [](const std::optional<search::Point> &point) {
        return point.has_value();
      });
  if (!everyGraphPlaced) {
    ProgressStep placeStep("placing the graphs on the dies");
    if (failed(assignModelDies(graphs, platform, perDie)))
      return Failure;
  }

  ProgressStep writeStep("writing " + output);
  std::string partial = output + ".partial";
  if (!createPartialOutput(
          partial, {"hls", "host", "csim/include", "params", "ir", "link"}))
    return Failure;
  auto cleanUp = [&] {
    llvm::sys::fs::remove_directories(partial);
    return Failure;
  };

  // Kernels, the lowered IR of each graph, link configuration.
  std::string declarations =
      "// Generated by StreamTensor: the kernels' top functions.\n"
      "#pragma once\n#include <cstdint>\n\n";
  llvm::raw_string_ostream declarationStream(declarations);
  unsigned numKernels = 0;
  std::vector<std::string> kernelNames;
  for (CompiledGraph &graph : graphs) {
    for (func::FuncOp kernel : perf::getKernelFunctions(*graph.module)) {
      std::string code;
      llvm::raw_string_ostream os(code);
      if (failed(emitKernel(kernel, os)) ||
          failed(emitKernelDeclaration(kernel, declarationStream)) ||
          !writeFile(partial + "/hls/" + kernel.getName() + ".cpp", code))
        return cleanUp();
      ++numKernels;
      kernelNames.push_back(kernel.getName().str());
    }
    std::string text;
    llvm::raw_string_ostream os(text);
    graph.module->print(os);
    if (!writeFile(partial + "/ir/" + graph.signature.function + ".mlir", text))
      return cleanUp();
  }
  std::string linkConfig, floorplans;
  llvm::raw_string_ostream configStream(linkConfig),
      floorplanStream(floorplans);
  SmallVector<ModuleOp> modules;
  for (CompiledGraph &graph : graphs)
    modules.push_back(*graph.module);
  if (failed(emitLinkConfig(modules, platform, configStream, floorplanStream)))
    return cleanUp();
  if (!writeFile(partial + "/hls/kernels.h", declarations) ||
      !writeMakefile(partial, kernelNames, platform, /*llm=*/true) ||
      !writeFile(partial + "/link/connectivity.cfg", linkConfig) ||
      !writeFile(partial + "/link/floorplan.tcl", floorplans))
    return cleanUp();

  // The host program, for XRT (make host) and for C simulation.
  {
    std::string code;
    llvm::raw_string_ostream os(code);
    if (failed(emitGraphsSource(*config, graphs, *seqLen, *maxLen, os)) ||
        !writeFile(partial + "/host/llm_graphs.cpp", code))
      return cleanUp();
    for (const std::string &file : getHostRuntimeFiles()) {
      std::string from =
          std::string(STREAMTENSOR_HOST_RUNTIME_DIR) + "/" + file;
      if (std::error_code error =
              llvm::sys::fs::copy_file(from, partial + "/host/" + file)) {
        reportError(command, "cannot copy " + from + ": " + error.message());
        return cleanUp();
      }
    }
    if (!copySimulationHeaders(partial))
      return cleanUp();
  }

  int64_t parameterBytes = parameterCount * int64_t(sizeof(float));
  bool writeWeights =
      paramsMode == "yes" ||
      (paramsMode == "auto" &&
       (!source.isRandom() || parameterBytes <= autoParamsLimitBytes));
  frontend::QuantizationScheme scheme;
  scheme.precision = precision;
  scheme.groupSize = groupSize;
  if (writeWeights && precision != frontend::Precision::FP32) {
    llvm::Expected<std::map<std::string, float>> scales =
        frontend::calibrateInputScales(*config, source, calibrationPrompt);
    if (!scales) {
      reportError(command, llvm::toString(scales.takeError()));
      return cleanUp();
    }
    scheme.inputScales = std::move(*scales);
  }
  if (writeWeights && !writeParams(*config, *maxLen, source, scheme, graphs,
                                   partial + "/params"))
    return cleanUp();

  // Report: per graph kernels and estimates; prefill and decode times.
  llvm::json::Object graphReports;
  int64_t deviceParameterBytes = 0;
  Resources used;
  std::map<std::string, int64_t> cycles;
  std::map<std::string, CallActivity> activity;
  for (CompiledGraph &graph : graphs) {
    int64_t graphCycles = 0;
    Resources graphResources;
    // Simulated again: the search measured each graph with ports bound
    // graph by graph, and the model's HBM plan (assignModelHbmChannels)
    // has since moved them, which changes how ports share channels.
    llvm::json::Array kernels =
        describeKernels(*graph.module, graph.fusion, platform, options,
                        graphCycles, graphResources);
    cycles[graph.signature.function] = graphCycles;
    activity[graph.signature.function] =
        getCallActivity(kernels, graphCycles);
    // The graphs are separate kernels on the device, side by side.
    used += graphResources;
    llvm::json::Object onChipBytes =
        describeOnChipBytes(*graph.module, graph.fusion);
    onChipBytes["unfused_intermediates"] = graph.unfusedIntermediateBytes;
    int64_t weightBytes = 0;
    for (const frontend::GraphArgument &arg : graph.signature.arguments)
      if (arg.kind == frontend::ArgumentKind::Weight)
        weightBytes += model::getNumElements(arg.shape) * arg.getElementBytes();
    // In device memory: every layer's block weights (prefill's, and
    // decode's where it reads them in another layout), the LM head's, the
    // embedding tables (both embedding graphs read the same).
    if (graph.signature.kind == GraphKind::Prefill)
      deviceParameterBytes += config->numLayers * weightBytes;
    else if (graph.signature.kind == GraphKind::Decode) {
      for (const frontend::GraphArgument &arg : graph.signature.arguments) {
        bool prefillReadsIt = llvm::any_of(
            graphs[0].signature.arguments,
            [&](const frontend::GraphArgument &other) {
              return other.name == arg.name;
            });
        if (arg.kind == frontend::ArgumentKind::Weight && !prefillReadsIt)
          deviceParameterBytes += config->numLayers *
                                  model::getNumElements(arg.shape) *
                                  arg.getElementBytes();
      }
    }
    else if (graph.signature.kind == GraphKind::LMHead ||
             graph.signature.kind == GraphKind::EmbedPrefill)
      deviceParameterBytes += weightBytes;
    graphReports[graph.signature.function] = llvm::json::Object{
        {"tokens", graph.signature.tokens},
        {"keys", graph.signature.keys},
        {"kernels", std::move(kernels)},
        {"estimated_cycles", graphCycles},
        {"weight_bytes_per_call", weightBytes},
        {"search_estimated_cycles",
         graph.measured ? llvm::json::Value(graph.measured->cycles)
                        : llvm::json::Value(nullptr)},
        {"on_chip_bytes", std::move(onChipBytes)}};
    if (llvm::json::Object *searched =
            searchReports.getObject(graph.signature.function))
      (*graphReports.getObject(graph.signature.function))["search"] =
          std::move(*searched);
  }
  double clockMHz = platform.kernelClockMHz;
  double invocationUs = platform.host.invocationOverheadUs;
  // Times from the cycles per call of each graph (`cyclesOf`: the chosen
  // designs' or the start points').
  using GraphCycles = std::map<std::string, int64_t>;
  auto graphUs = [&](GraphCycles &cyclesOf, const char *name, int64_t calls) {
    return double(calls) * (double(cyclesOf[name]) / clockMHz + invocationUs);
  };
  auto blockUs = [&](GraphCycles &cyclesOf, const char *name, bool onDevice) {
    if (onDevice)
      return double(deviceLoop[name].allLayers) / clockMHz + invocationUs;
    return graphUs(cyclesOf, name, config->numLayers);
  };
  // [in:out]: the prompt is the prefill, which yields the first token, then
  // out - 1 decode steps.
  auto prefillUsFor = [&](GraphCycles &cyclesOf, bool onDevice) {
    return graphUs(cyclesOf, "embed_prefill", 1) +
           blockUs(cyclesOf, "block_prefill", onDevice) +
           graphUs(cyclesOf, "lm_head", 1);
  };
  auto decodeUsFor = [&](GraphCycles &cyclesOf, bool onDevice) {
    return graphUs(cyclesOf, "embed_decode", 1) +
           blockUs(cyclesOf, "block_decode", onDevice) +
           graphUs(cyclesOf, "lm_head", 1);
  };
  bool onDevice = layerLoop == "device";
  double prefillUs = prefillUsFor(cycles, onDevice);
  double decodeUs = decodeUsFor(cycles, onDevice);
  double totalUs = prefillUs + double(outTokens - 1) * decodeUs;
  auto describeLoop = [&](bool device) {
    double prefill = prefillUsFor(cycles, device);
    double decode = decodeUsFor(cycles, device);
    llvm::json::Object loop{
        {"kernel_starts_per_token", device ? 3 : config->numLayers + 2},
        {"estimated_ttft_ms", prefill / 1000.0},
        {"estimated_decode_tokens_per_s", 1e6 / decode},
        {"estimated_total_ms",
         (prefill + double(outTokens - 1) * decode) / 1000.0}};
    if (device)
      for (const char *name : {"block_prefill", "block_decode"})
        loop[std::string(name) + "_cycles"] = llvm::json::Object{
            {"one_layer", deviceLoop[name].oneLayer},
            {"two_layers", deviceLoop[name].twoLayers},
            {"all_layers", deviceLoop[name].allLayers}};
    return loop;
  };
  llvm::json::Object layerLoopReport{
      {"mode", layerLoop},
      {"requested", requestedLayerLoop},
      {"method",
       "host: the block graph's simulated cycles per layer, plus the "
       "platform's host invocation overhead per kernel start; device: the "
       "block kernel with every process looping over the layers (a table "
       "process hands out each layer's addresses, the activation loads wait "
       "for the previous layer's store, the weight DMAs run ahead), "
       "simulated for 1 and 2 layers and extrapolated (the first layer, "
       "then the second one's increment per layer), one start per graph "
       "and token (estimates)"},
      {"host", describeLoop(false)},
      {"device", deviceLoopPossible ? llvm::json::Value(describeLoop(true))
                                    : llvm::json::Value(nullptr)}};
  // The same for the options as given (each search's start point), when
  // every graph had one that fits.
  std::optional<double> startPrefillUs, startDecodeUs;
  // Only simulated one layer per start: the host starts the layers.
  if (startCycles.size() == std::size(kinds)) {
    startPrefillUs = prefillUsFor(startCycles, /*onDevice=*/false);
    startDecodeUs = decodeUsFor(startCycles, /*onDevice=*/false);
  }
  // Energy of the request, when the platform has power figures.
  std::optional<llvm::json::Object> energyReport;
  if (platform.power) {
    std::vector<power::Phase> phases;
    // Energy is linear in time and bytes, so `calls` calls of a graph are
    // one phase that long; each call is followed by the host starting the
    // next, when only the card's idle power is drawn.
    auto addCalls = [&](const char *name, int64_t calls) {
      const CallActivity &call = activity[name];
      phases.push_back({double(calls) * double(cycles[name]) / (clockMHz * 1e6),
                        call.weightedResources, 1.0,
                        double(calls) * call.hbmBytes});
      phases.push_back(
          {double(calls) * invocationUs / 1e6, Resources{}, 0.0, 0.0});
    };
    // A block's calls: one per layer, or one walking every layer (the same
    // bytes, in the layered run's time, at the per-layer call's activity).
    auto addBlockCalls = [&](const char *name, int64_t tokens) {
      if (!onDevice) {
        addCalls(name, tokens * config->numLayers);
        return;
      }
      const CallActivity &call = activity[name];
      phases.push_back(
          {double(tokens) * double(deviceLoop[name].allLayers) /
               (clockMHz * 1e6),
           call.weightedResources, 1.0,
           double(tokens * config->numLayers) * call.hbmBytes});
      phases.push_back(
          {double(tokens) * invocationUs / 1e6, Resources{}, 0.0, 0.0});
    };
    int64_t decodeSteps = outTokens - 1;
    addCalls("embed_prefill", 1);
    addBlockCalls("block_prefill", 1);
    addCalls("embed_decode", decodeSteps);
    addBlockCalls("block_decode", decodeSteps);
    addCalls("lm_head", 1 + decodeSteps);
    power::Energy energy =
        power::estimateEnergy(platform.power->figures, clockMHz, phases);
    double seconds = totalUs / 1e6;
    energyReport = llvm::json::Object{
        {"method", "power model of docs/power.md on the simulated cycles: "
                   "the card's idle power over the request, each graph's "
                   "resources weighted by how long each task is busy, and "
                   "the HBM bytes moved (an estimate)"},
        {"joules", energy.joules()},
        {"static_joules", energy.staticJoules},
        {"fabric_joules", energy.fabricJoules},
        {"hbm_joules", energy.hbmJoules},
        {"average_watts", energy.averageWatts(seconds)},
        {"tokens_per_j", energy.perJoule(double(outTokens))},
        {"card_tdp_watts", platform.power->tdpWatts}};
  }
  llvm::json::Object searchReport{
      {"budget_per_graph", searchSettings->budget},
      {"seed", int64_t(searchSettings->seed)},
      {"start_design", nullptr}};
  if (startPrefillUs)
    searchReport["start_design"] = llvm::json::Object{
        {"note", "the design of the options as given, without the search "
                 "(an estimate, same method, with the layers started by the "
                 "host)"},
        {"estimated_ttft_ms", *startPrefillUs / 1000.0},
        {"estimated_decode_tokens_per_s", 1e6 / *startDecodeUs},
        {"estimated_total_ms",
         (*startPrefillUs + double(outTokens - 1) * *startDecodeUs) / 1000.0}};
  FabricResources available = platform.getTotalAvailable();
  bool fits;
  llvm::json::Object resources = describeResources(
      used, available,
      "estimates of the task profiler, all graphs' kernels together",
      fits);
  llvm::json::Array dies;
  for (auto [index, die] : llvm::enumerate(platform.slrs)) {
    FabricResources capacity = die.getAvailable();
    bool dieFits;
    llvm::json::Object entry = describeResources(
        index < perDie.size() ? perDie[index] : Resources(), capacity,
        "the graphs' processes placed on this die together", dieFits);
    fits &= dieFits;
    entry["name"] = die.name;
    dies.push_back(std::move(entry));
  }
  resources["slrs"] = std::move(dies);
  resources["fits"] = fits;
  llvm::json::Object report{
      {"generator", "streamtensor " STREAMTENSOR_VERSION_STRING},
      {"input", input},
      {"model",
       llvm::json::Object{
           {"family", model::getModelType(config->family)},
           {"config", configPath},
           {"layers", config->numLayers},
           {"hidden", config->hiddenSize},
           {"intermediate", config->intermediateSize},
           {"heads", config->numHeads},
           {"kv_heads", config->numKeyValueHeads},
           {"head_dim", config->headDim},
           {"vocab", config->vocabSize},
           {"parameters", parameterCount},
           {"weights",
            source.isRandom()
                ? llvm::formatv("seeded random (seed {0})", *seed).str()
                : std::string("safetensors in ") + modelDir},
           {"precision", *precisionName},
           {"group_size", groupSize},
           {"parameter_bytes", parameterBytes},
           {"device_parameter_bytes", deviceParameterBytes},
           {"params_written", writeWeights}}},
      {"options",
       llvm::json::Object{{"seq_len", *seqLen},
                          {"max_len", *maxLen},
                          {"tile_size", options.tileSize},
                          {"unroll_factor", options.unrollFactor},
                          {"max_on_chip_bytes", options.maxOnChipBytes},
                          {"fifo_mode", options.fifoMode},
                          {"fifo_width", options.fifoWidth},
                          {"pack_macs", options.packMacs},
                          {"float_adders", options.floatAdders},
                          {"unroll_order", options.unrollOrder},
                          {"dsp_budget", options.dspBudget}}},
      {"platform", llvm::json::Object{{"name", platform.name},
                                      {"spec", options.platform},
                                      {"card", platform.card},
                                      {"part", platform.part},
                                      {"clock_mhz", clockMHz}}},
      {"resources", std::move(resources)},
      {"graphs", std::move(graphReports)},
      {"performance",
       llvm::json::Object{
           {"method", "cycle-level simulation of each kernel plus the "
                      "platform's host invocation overhead per call (an "
                      "estimate)"},
           {"estimated_ttft_ms", prefillUs / 1000.0},
           {"estimated_decode_ms_per_token", decodeUs / 1000.0},
           {"estimated_decode_tokens_per_s", 1e6 / decodeUs},
           {"in_tokens", *seqLen},
           {"out_tokens", outTokens},
           {"estimated_total_ms", totalUs / 1000.0},
           {"host_invocation_us_per_kernel", invocationUs},
           {"layer_loop", std::move(layerLoopReport)},
           {"estimated_energy",
            energyReport ? llvm::json::Value(std::move(*energyReport))
                         : llvm::json::Value(nullptr)}}},
      {"search", std::move(searchReport)},
      {"csim", llvm::json::Object{{"available", writeWeights},
                                  {"host", "host/llm_main.cpp"}}}};
  llvm::json::Object summary = summarizeCompile(report, output);
  std::string reportText;
  llvm::raw_string_ostream(reportText)
      << llvm::formatv("{0:2}", llvm::json::Value(std::move(report))) << "\n";
  if (!writeFile(partial + "/report.json", reportText))
    return cleanUp();
  if (!writeReportHtml(partial, command))
    return cleanUp();

  llvm::sys::fs::remove_directories(output);
  if (std::error_code error = llvm::sys::fs::rename(partial, output)) {
    reportError(command,
                "cannot move the design to " + output + ": " + error.message());
    return cleanUp();
  }
  textOut() << llvm::formatv(
      "streamtensor compile: wrote {0} ({1}, {2} layers, {3} kernels; "
      "estimated TTFT {4:f2} ms for {5} tokens, decode {6:f1} tokens/s; "
      "layers started by the {7})\n",
      output, model::getModelType(config->family), config->numLayers,
      numKernels, prefillUs / 1000.0, *seqLen, 1e6 / decodeUs, layerLoop);
  // The start designs are only simulated one layer per start: beside a
  // device loop, the chosen designs are compared as the host starts them.
  if (startPrefillUs && searchSettings->budget > 1) {
    if (!onDevice)
      textOut() << llvm::formatv(
          "  (searched {0} designs per graph; the options as given: "
          "estimated TTFT {1:f2} ms, decode {2:f1} tokens/s)\n",
          searchSettings->budget, *startPrefillUs / 1000.0,
          1e6 / *startDecodeUs);
    else
      textOut() << llvm::formatv(
          "  (searched {0} designs per graph; with the layers started by the "
          "host, the options as given: estimated TTFT {1:f2} ms, decode "
          "{2:f1} tokens/s; the chosen designs: {3:f2} ms, {4:f1} "
          "tokens/s)\n",
          searchSettings->budget, *startPrefillUs / 1000.0,
          1e6 / *startDecodeUs, prefillUsFor(cycles, false) / 1000.0,
          1e6 / decodeUsFor(cycles, false));
  }
  printJson(std::move(summary));
  return Success;
}
