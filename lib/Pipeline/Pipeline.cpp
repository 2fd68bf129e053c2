//===- Pipeline.cpp - The compiler's pass pipeline, in one place ----------===//

#include "streamtensor/Pipeline/Pipeline.h"

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace streamtensor;

namespace {

void buildLinalgOptimization(OpPassManager &pm,
                             const CompileOptions &options) {
  pm.addPass(createSymbolDCEPass()); // unused ml_program globals of exports
  OpPassManager &function = pm.nest<func::FuncOp>();
  function.addPass(createLinalgGeneralizeNamedOpsPass());
  function.addPass(dataflow::createFuseElementwise());
  if (options.foldUnitDims)
    function.addPass(createLinalgFoldUnitExtentDimsPass());
  function.addPass(createLinalgInlineScalarOperandsPass());
  function.addPass(createCanonicalizerPass());
  function.addPass(createCSEPass());
}

void buildLinalgToDataflow(OpPassManager &pm, const CompileOptions &options) {
  dataflow::ConvertLinalgToKernelOptions convert;
  convert.tileSize = options.tileSize;
  convert.kernelTileSizes.assign(options.kernelTileSizes.begin(),
                                 options.kernelTileSizes.end());
  convert.kernelTileOrders.assign(options.kernelTileOrders.begin(),
                                  options.kernelTileOrders.end());
  convert.unrollFactor = options.unrollFactor;
  pm.nest<func::FuncOp>().addPass(dataflow::createConvertLinalgToKernel(convert));
  pm.addPass(createCanonicalizerPass());
}

void buildKernelFusion(OpPassManager &pm, const CompileOptions &options) {
  dataflow::FuseKernelsOptions fuse;
  fuse.maxOnChipBytes = options.maxOnChipBytes;
  pm.nest<func::FuncOp>().addPass(dataflow::createFuseKernels(fuse));
  // Duplicate converters of one stream into one layout are one converter.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
}

void buildLowering(OpPassManager &pm, const CompileOptions &options) {
  pm.addPass(dataflow::createLowerKernelToFunc());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Design space 3 (paper section 5.3) on the lowered processes: profiles,
/// unrolling, FIFO depths, memories and dies, then the final profiles.
void buildResourceAllocation(OpPassManager &pm,
                             const CompileOptions &options) {
  dataflow::BindFloatAddersOptions adders;
  adders.platform = options.platform;
  // `auto` is the search's to decide; a compile without one keeps DSPs.
  adders.impl = options.floatAdders == "fabric" ? "fabric" : "dsp";
  pm.addPass(dataflow::createBindFloatAdders(adders));
  pm.addPass(dataflow::createHoistTileReads());
  pm.addPass(dataflow::createHoistInvariants());
  dataflow::ProfileTasksOptions measured;
  measured.platform = options.platform;
  measured.profiles = options.profilesDir;
  pm.addPass(dataflow::createProfileTasks(measured));
  if (options.packMacs != "none") {
    dataflow::PackMacsOptions pack;
    pack.platform = options.platform;
    pack.packOnceUsedWeights = options.packMacs == "all";
    pm.addPass(dataflow::createPackMacs(pack));
  }
  dataflow::UnrollByIntensityOptions unroll;
  unroll.platform = options.platform;
  unroll.dspBudget = options.dspBudget;
  unroll.share = options.resourceShare;
  unroll.order = options.unrollOrder;
  pm.addPass(dataflow::createUnrollByIntensity(unroll));
  dataflow::WidenFifosOptions widen;
  widen.platform = options.platform;
  widen.fifoWidth = options.fifoWidth;
  pm.addPass(dataflow::createWidenFifos(widen));
  pm.addPass(dataflow::createFuseTileReads());
  pm.addPass(dataflow::createUnrollResets());
  pm.addPass(dataflow::createSplitFloatSums());
  dataflow::StripeWeightsOptions stripe;
  stripe.platform = options.platform;
  stripe.stripes = options.weightStripes;
  pm.addPass(dataflow::createStripeWeights(stripe));
  pm.addPass(dataflow::createReadMemoryFirst());
  // The paper's LP prices a FIFO's reader by its own schedule; a prefetch
  // reads at the pace its blocks are taken, which the LP does not see (its
  // depths deadlocked every preset's layer). The held-back schedule and the
  // upper bound simulate or bound it.
  if (options.fifoMode != "conservative")
    pm.addPass(dataflow::createPrefetchTiles());
  dataflow::SizeFifosOptions size;
  size.platform = options.platform;
  size.mode = options.fifoMode;
  size.runAheadCap = options.runAheadCap;
  size.overrides.assign(options.fifoDepthOverrides.begin(),
                        options.fifoDepthOverrides.end());
  pm.addPass(dataflow::createSizeFifos(size));
  dataflow::AssignMemoriesOptions memories;
  memories.platform = options.platform;
  pm.addPass(dataflow::createAssignMemories(memories));
  dataflow::AssignSlrsOptions dies;
  dies.platform = options.platform;
  pm.addPass(dataflow::createAssignSlrs(dies));
  dataflow::ProfileTasksOptions final;
  final.platform = options.platform;
  pm.addPass(dataflow::createProfileTasks(final));
}

} // namespace

void streamtensor::buildLeastResources(OpPassManager &pm,
                                       const CompileOptions &options) {
  dataflow::ProfileTasksOptions profile;
  profile.platform = options.platform;
  pm.addPass(dataflow::createProfileTasks(profile));
  dataflow::WidenFifosOptions widen;
  widen.platform = options.platform;
  pm.addPass(dataflow::createWidenFifos(widen));
  pm.addPass(dataflow::createFuseTileReads());
  dataflow::AssignMemoriesOptions memories;
  memories.platform = options.platform;
  pm.addPass(dataflow::createAssignMemories(memories));
}

const std::vector<PipelineStage> &streamtensor::getPipelineStages() {
  static const std::vector<PipelineStage> stages = {
      {"linalg-optimization", buildLinalgOptimization},
      {"linalg-to-dataflow", buildLinalgToDataflow},
      {"kernel-fusion", buildKernelFusion},
      {"lowering", buildLowering},
      {"resource-allocation", buildResourceAllocation},
  };
  return stages;
}

void streamtensor::buildCompilePipeline(OpPassManager &pm,
                                        const CompileOptions &options) {
  for (const PipelineStage &stage : getPipelineStages())
    stage.build(pm, options);
}

namespace {
struct CompilePipelineOptions
    : public PassPipelineOptions<CompilePipelineOptions> {
  Option<int64_t> tileSize{*this, "tile-size",
                           llvm::cl::desc("Largest tile size on any loop"),
                           llvm::cl::init(16)};
  ListOption<std::string> kernelTileSizes{
      *this, "kernel-tile-sizes",
      llvm::cl::desc("Largest tile size of named kernels (name=size)")};
  ListOption<std::string> kernelTileOrders{
      *this, "kernel-tile-orders",
      llvm::cl::desc("Order of the parallel tile loops of named kernels "
                     "(name=i,j,...)")};
  Option<int64_t> unrollFactor{
      *this, "unroll-factor",
      llvm::cl::desc("Elements each task computes per cycle"),
      llvm::cl::init(1)};
  Option<int64_t> maxOnChipBytes{
      *this, "max-on-chip-bytes",
      llvm::cl::desc("On-chip bytes for the converters of one fused kernel"),
      llvm::cl::init(42991616)};
  ListOption<std::string> fifoDepths{
      *this, "fifo-depth", llvm::cl::desc("FIFO depths to force (name=depth)")};
  Option<std::string> platform{*this, "platform",
                               llvm::cl::desc("Target platform"),
                               llvm::cl::init("u55c")};
  Option<std::string> fifoMode{
      *this, "fifo-mode",
      llvm::cl::desc("FIFO sizing: normal, conservative or upper-bound"),
      llvm::cl::init("normal")};
  Option<std::string> fifoWidth{
      *this, "fifo-width",
      llvm::cl::desc("FIFO widths: lanes (as the processes compute) or axi "
                     "(every FIFO as wide as the AXI port)"),
      llvm::cl::init("lanes")};
  Option<std::string> floatAdders{
      *this, "float-adders",
      llvm::cl::desc("Float adds in fabric (LUTs) or dsp (auto: dsp, as "
                     "without a search)"),
      llvm::cl::init("auto")};
  Option<int64_t> dspBudget{
      *this, "dsp-budget",
      llvm::cl::desc("DSPs for unrolling (-1: 80% of the platform's)"),
      llvm::cl::init(-1)};
  Option<int64_t> weightStripes{
      *this, "weight-stripes",
      llvm::cl::desc("Stripes of each weight streamed in order (0: as many "
                     "as keep up, 1: none)"),
      llvm::cl::init(0)};
  Option<double> resourceShare{
      *this, "share",
      llvm::cl::desc("Part of the device the design may fill, in (0, 1]"),
      llvm::cl::init(1.0)};
  Option<std::string> unrollOrder{
      *this, "unroll-order",
      llvm::cl::desc("Which unrolling step goes first: cheapest (most "
                     "cycles saved per part of the budget) or slowest (the "
                     "paper's)"),
      llvm::cl::init("cheapest")};
};
} // namespace

void streamtensor::registerCompilePipeline() {
  PassPipelineRegistration<CompilePipelineOptions>(
      "streamtensor-compile",
      "The whole StreamTensor pipeline, from linalg to FIFO-connected "
      "processes",
      [](OpPassManager &pm, const CompilePipelineOptions &pipelineOptions) {
        CompileOptions options;
        options.tileSize = pipelineOptions.tileSize;
        options.kernelTileSizes.assign(pipelineOptions.kernelTileSizes.begin(),
                                       pipelineOptions.kernelTileSizes.end());
        options.kernelTileOrders.assign(
            pipelineOptions.kernelTileOrders.begin(),
            pipelineOptions.kernelTileOrders.end());
        options.unrollFactor = pipelineOptions.unrollFactor;
        options.maxOnChipBytes = pipelineOptions.maxOnChipBytes;
        options.fifoDepthOverrides.assign(pipelineOptions.fifoDepths.begin(),
                                          pipelineOptions.fifoDepths.end());
        options.platform = pipelineOptions.platform;
        options.fifoMode = pipelineOptions.fifoMode;
        options.fifoWidth = pipelineOptions.fifoWidth;
        options.floatAdders = pipelineOptions.floatAdders;
        options.dspBudget = pipelineOptions.dspBudget;
        options.resourceShare = pipelineOptions.resourceShare;
        options.unrollOrder = pipelineOptions.unrollOrder;
        options.weightStripes = pipelineOptions.weightStripes;
        buildCompilePipeline(pm, options);
      });
}
