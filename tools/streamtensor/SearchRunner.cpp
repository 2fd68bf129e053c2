//===- SearchRunner.cpp - The design space search, run by compile ---------===//

#include "SearchRunner.h"

#include "Commands.h"
#include "CompileCommon.h"

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"
#include "streamtensor/Dialect/Dataflow/Transforms/AdderTree.h"
#include "streamtensor/Analysis/MemoryAssignment.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <chrono>
#include <limits>
#include <cmath>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::driver;

namespace {

using Clock = std::chrono::steady_clock;

/// When the first search of the command began.
std::optional<Clock::time_point> searchStart;

/// The failure text of the candidate compiling on this thread.
thread_local std::string *candidateFailure = nullptr;

} // namespace

std::optional<SearchSettings>
streamtensor::driver::readSearchSettings(const Arguments &arguments,
                                         llvm::StringRef command,
                                         int64_t defaultBudget) {
  SearchSettings settings;
  std::optional<int64_t> budget =
      arguments.getInteger(command, "dse-budget", defaultBudget, 1, 100000);
  std::optional<int64_t> seconds =
      arguments.getInteger(command, "dse-seconds", 0, 0, 1 << 24);
  std::optional<int64_t> seed =
      arguments.getInteger(command, "dse-seed", 1, 0, INT64_MAX);
  std::optional<int64_t> jobs = arguments.getInteger(command, "jobs", 0, 0, 1024);
  if (!budget || !seconds || !seed || !jobs)
    return std::nullopt;
  settings.budget = *budget;
  settings.seconds = *seconds;
  settings.seed = uint64_t(*seed);
  settings.jobs = unsigned(*jobs);
  return settings;
}

Resources streamtensor::driver::getShareOf(const FabricResources &fabric,
                                          double share) {
  Resources part;
  part.dsp = share * double(fabric.dsp);
  part.lut = share * double(fabric.lut);
  part.ff = share * double(fabric.ff);
  part.bram18k = share * double(fabric.bram18k);
  part.uram = share * double(fabric.uram);
  return part;
}

search::Point streamtensor::driver::getStartPoint(const CompileOptions &options) {
  search::Point point;
  point.tileSize = options.tileSize;
  for (const std::string &entry : options.kernelTileSizes) {
    auto [name, size] = llvm::StringRef(entry).split('=');
    int64_t value;
    if (!size.getAsInteger(10, value))
      point.kernelTileSizes[name.str()] = value;
  }
  for (const std::string &entry : options.kernelTileOrders) {
    auto [name, list] = llvm::StringRef(entry).split('=');
    SmallVector<llvm::StringRef> items;
    list.split(items, ',');
    std::vector<int64_t> order;
    for (llvm::StringRef item : items) {
      int64_t value;
      if (item.trim().getAsInteger(10, value))
        break;
      order.push_back(value);
    }
    if (order.size() == items.size())
      point.kernelTileOrders[name.str()] = order;
  }
  point.unrollShare = 1.0;
  point.fifoMode = options.fifoMode;
  point.fifoWidth = options.fifoWidth;
  point.packMacs = options.packMacs;
  // With `auto`, the search starts from DSPs and tries LUTs as a step.
  point.floatAdders = options.floatAdders == "fabric" ? "fabric" : "dsp";
  return point;
}

std::vector<std::string>
streamtensor::driver::getFloatAdderModes(const CompileOptions &options,
                                         const Platform &platform) {
  if (options.floatAdders != "auto")
    return {options.floatAdders};
  if (!platform.lookupOperator("fadd_fabric"))
    return {"dsp"};
  return {"dsp", "fabric"};
}

std::vector<std::string>
streamtensor::driver::getPackModes(const CompileOptions &options) {
  if (options.packMacs != "reused")
    return {options.packMacs};
  return {"reused", "all"};
}

CompileOptions streamtensor::driver::applyPoint(CompileOptions options,
                                                const search::Point &point) {
  options.tileSize = point.tileSize;
  options.kernelTileSizes.clear();
  for (const auto &[name, size] : point.kernelTileSizes)
    options.kernelTileSizes.push_back(name + "=" + std::to_string(size));
  options.kernelTileOrders.clear();
  for (const auto &[name, order] : point.kernelTileOrders) {
    std::string entry = name + "=";
    for (auto [index, loop] : llvm::enumerate(order))
      entry += (index ? "," : "") + std::to_string(loop);
    options.kernelTileOrders.push_back(entry);
  }
  options.fifoMode = point.fifoMode;
  options.fifoWidth = point.fifoWidth;
  options.packMacs = point.packMacs;
  options.floatAdders = point.floatAdders;
  options.runAheadCap = point.capRunAhead ? memory::kUramSliceDepth : 0;
  options.maxOnChipBytes =
      int64_t(double(options.maxOnChipBytes) * point.fusionShare);
  // The unrolling fills that part of the design's share; an explicit DSP
  // budget shrinks with it.
  options.resourceShare *= point.unrollShare;
  if (options.dspBudget >= 0)
    options.dspBudget = int64_t(double(options.dspBudget) * point.unrollShare);
  return options;
}

search::Outcome streamtensor::driver::measureDesign(
    ModuleOp module, llvm::json::Object &fusion, const Platform &platform,
    const CompileOptions &options, const Resources &available,
    llvm::json::Array &kernels) {
  search::Outcome outcome;
  int64_t cycles = 0;
  Resources used;
  kernels = describeKernels(module, fusion, platform, options, cycles, used);
  outcome.cycles = cycles;
  outcome.used = used;
  outcome.utilization = search::getUtilization(used, available);
  if (kernels.empty()) {
    outcome.failure = "the design could not be analyzed";
    return outcome;
  }
  for (const llvm::json::Value &kernel : kernels) {
    const llvm::json::Object *performance =
        kernel.getAsObject()->getObject("performance");
    if (!performance || !performance->get("estimated_cycles")) {
      outcome.failure = ("kernel " +
                         kernel.getAsObject()->getString("name").value_or("?") +
                         " deadlocks in simulation")
                            .str();
      return outcome;
    }
  }
  for (int kind = 0; kind < Resources::kNumKinds; ++kind)
    if (used.get(kind) > available.get(kind)) {
      outcome.failure = llvm::formatv("needs {0:F0} {1}, over its {2:F0}",
                                      used.get(kind),
                                      Resources::kindName(kind),
                                      available.get(kind))
                            .str();
      outcome.overResources = true;
      outcome.overMemory = Resources::isBlockMemory(kind);
      return outcome;
    }
  outcome.feasible = true;
  return outcome;
}

void streamtensor::driver::addKernelDimensions(ModuleOp module,
                                               const CompileOptions &options,
                                               search::Space &space) {
  OwningOpRef<ModuleOp> copy = module.clone();
  // The diagnostics of a failure here come again from the real compile.
  ScopedDiagnosticHandler silence(module.getContext(),
                                  [](Diagnostic &) { return success(); });
  for (const PipelineStage &stage : getPipelineStages()) {
    PassManager pm(module.getContext(), ModuleOp::getOperationName());
    stage.build(pm, options);
    if (failed(pm.run(*copy)))
      return;
    if (llvm::StringRef(stage.name) == "linalg-to-dataflow")
      break;
  }
  copy->walk([&](dataflow::KernelOp kernel) {
    if (!kernel.getName())
      return;
    std::string name = kernel.getName()->str();
    bool reduces = false;
    kernel.walk([&](linalg::LinalgOp op) {
      reduces |= op.getNumReductionLoops() > 0;
      // The parallel loops in the op's order, as kernel-tile-orders counts
      // them.
      search::Space::Reorderable loops;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      for (auto [index, type] : llvm::enumerate(op.getIteratorTypesArray())) {
        if (type != utils::IteratorType::parallel)
          continue;
        if (ranges[index] != 1)
          loops.movable.push_back(loops.parallelLoops);
        ++loops.parallelLoops;
      }
      if (loops.movable.size() > 1)
        space.reorderable[name] = loops;
    });
    if (reduces)
      space.kernels.push_back(name);
  });
  addInOrderPoint(*copy, space);
}

/// The linalg op a kernel of the linalg-to-dataflow stage computes, if one.
static linalg::LinalgOp getKernelOp(dataflow::KernelOp kernel) {
  linalg::LinalgOp found;
  int count = 0;
  kernel.walk([&](linalg::LinalgOp op) {
    // The zero fill of an accumulator is not what the kernel computes.
    if (op.getNumDpsInputs() == 0)
      return;
    found = op;
    ++count;
  });
  return count == 1 ? found : linalg::LinalgOp();
}

/// The loop ranges of the whole computation of `kernel`, whose body `op`
/// computes one tile of it: each loop's range read off the kernel's tensors
/// through `op`'s indexing maps (operands in the same order).
static std::optional<SmallVector<int64_t>>
getFullLoopRanges(dataflow::KernelOp kernel, linalg::LinalgOp op) {
  SmallVector<Value> tensors(kernel.getInputs());
  llvm::append_range(tensors, kernel.getInits());
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (tensors.size() != maps.size())
    return std::nullopt;
  SmallVector<int64_t> ranges(op.getNumLoops(), ShapedType::kDynamic);
  for (auto [tensor, map] : llvm::zip(tensors, maps)) {
    auto type = dyn_cast<RankedTensorType>(tensor.getType());
    if (!type || type.getRank() != map.getNumResults())
      return std::nullopt;
    for (auto [dim, result] : llvm::enumerate(map.getResults()))
      if (auto loop = dyn_cast<AffineDimExpr>(result))
        ranges[loop.getPosition()] = type.getDimSize(dim);
  }
  return ranges;
}

/// Whether `value` is the result of an integer matrix product, directly or
/// through kernels that reduce nothing and read nothing else computed (a
/// requantization by constant scales, say; not a norm, whose statistic is a
/// reduction of its own).
static bool comesFromIntegerProduct(Value value, int depth = 0) {
  auto producer = value.getDefiningOp<dataflow::KernelOp>();
  if (!producer || depth > 8)
    return false;
  linalg::LinalgOp op = getKernelOp(producer);
  if (!op)
    return false;
  if (op.getNumReductionLoops() > 0)
    return dataflow::accumulatesIntegers(op);
  bool fed = false;
  for (Value input : producer.getInputs()) {
    if (!input.getDefiningOp<dataflow::KernelOp>())
      continue; // a weight or a scale
    if (!comesFromIntegerProduct(input, depth + 1))
      return false;
    fed = true;
  }
  return fed;
}

void streamtensor::driver::addInOrderPoint(ModuleOp linalgToDataflow,
                                           search::Space &space) {
  // An integer matmul fed by another one (fc2 after fc1 in an MLP) reads
  // its input once, as it is written, when its parallel loops are one tile
  // each: its reduction loop is then the only one, and it runs beside its
  // producer instead of after it. Its producer's output tiles must be its
  // reduction tiles for no converter to sit between them: the tile size
  // that the integer reduction gets (at most one adder tree's leaves,
  // innermost loop first, as dataflow-convert-linalg-to-kernel tiles it).
  std::map<std::string, int64_t> whole;
  int64_t tileSize = 0;
  linalgToDataflow.walk([&](dataflow::KernelOp kernel) {
    linalg::LinalgOp op = getKernelOp(kernel);
    if (!kernel.getName() || !op || !dataflow::accumulatesIntegers(op))
      return;
    bool fed = false;
    for (Value input : kernel.getInputs())
      fed |= comesFromIntegerProduct(input);
    if (!fed)
      return;
    std::optional<SmallVector<int64_t>> fullRanges =
        getFullLoopRanges(kernel, op);
    if (!fullRanges)
      return;
    SmallVector<int64_t> ranges = std::move(*fullRanges);
    if (llvm::any_of(ranges, ShapedType::isDynamic))
      return;
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    SmallVector<int64_t> tiles(ranges.size(), 0);
    dataflow::capIntegerReductionTiles(
        ranges, iterators, std::numeric_limits<int64_t>::max(), tiles);
    int64_t largestParallel = 1, outerReductionTile = 0;
    for (auto [range, iterator, tile] : llvm::zip(ranges, iterators, tiles)) {
      if (iterator == utils::IteratorType::parallel)
        largestParallel = std::max(largestParallel, range);
      else if (outerReductionTile == 0)
        outerReductionTile = tile;
    }
    // At least an adder tree's leaves, so that the reduction tiles stay.
    whole[kernel.getName()->str()] =
        std::max(largestParallel, dataflow::kMaxAdderTreeLeaves);
    if (outerReductionTile > 0)
      tileSize = tileSize == 0 ? outerReductionTile
                               : std::min(tileSize, outerReductionTile);
  });
  if (whole.empty() || tileSize == 0)
    return;
  space.inOrder.tileSize = tileSize;
  space.inOrder.kernelTileSizes = std::move(whole);
}

llvm::json::Object
streamtensor::driver::describeSearch(const search::Search &search,
                                     std::optional<size_t> chosen,
                                     const SearchSettings &settings) {
  llvm::json::Array trials;
  for (const search::Trial &trial : search.getTrials()) {
    llvm::json::Object kernelTiles;
    for (const auto &[name, size] : trial.point.kernelTileSizes)
      kernelTiles[name] = size;
    llvm::json::Object kernelOrders;
    for (const auto &[name, order] : trial.point.kernelTileOrders)
      kernelOrders[name] = llvm::json::Array(order);
    llvm::json::Object entry{{"point", trial.point.describe()},
                             {"tile_size", trial.point.tileSize},
                             {"kernel_tile_sizes", std::move(kernelTiles)},
                             {"kernel_tile_orders", std::move(kernelOrders)},
                             {"unroll_share", trial.point.unrollShare},
                             {"fifo_mode", trial.point.fifoMode},
                             {"fifo_width", trial.point.fifoWidth},
                             {"pack_macs", trial.point.packMacs},
                             {"float_adders", trial.point.floatAdders},
                             {"fusion_share", trial.point.fusionShare},
                             {"run_ahead_capped", trial.point.capRunAhead},
                             {"feasible", trial.outcome.feasible}};
    if (trial.outcome.feasible || trial.outcome.cycles > 0) {
      entry["estimated_cycles"] = trial.outcome.cycles;
      entry["utilization"] = trial.outcome.utilization;
      entry["dsp"] = trial.outcome.used.dsp;
      entry["lut"] = trial.outcome.used.lut;
      entry["ff"] = trial.outcome.used.ff;
      entry["bram18k"] = trial.outcome.used.bram18k;
      entry["uram"] = trial.outcome.used.uram;
    }
    if (!trial.outcome.feasible)
      entry["failure"] = trial.outcome.failure;
    trials.push_back(std::move(entry));
  }
  llvm::json::Array front;
  for (size_t index : search.getFront())
    front.push_back(int64_t(index));
  llvm::json::Object report{
      {"method", "seeded black-box search: a tile-size sweep around the "
                 "options given, then one-dimension changes of the best "
                 "point; objective: the simulator's estimated cycles "
                 "(an estimate), within the design's resources"},
      {"budget", settings.budget},
      {"seed", int64_t(settings.seed)},
      {"trials", std::move(trials)},
      {"start", 0},
      {"front", std::move(front)}};
  if (chosen)
    report["chosen"] = int64_t(*chosen);
  return report;
}

void streamtensor::driver::evaluateInParallel(
    MLIRContext &context, unsigned jobs, size_t count,
    llvm::function_ref<search::Outcome(size_t)> evaluate,
    std::vector<search::Outcome> &outcomes) {
  outcomes.assign(count, {});
  std::vector<std::string> failures(count);
  // A pass manager loads the dialects its passes depend on when it starts,
  // and loading a dialect is not safe while another thread uses the
  // context: every dialect is loaded before the workers start.
  context.loadAllAvailableDialects();
  // Candidates' diagnostics go to their own failure text, not the user:
  // a candidate that does not fit is an ordinary point of the search.
  ScopedDiagnosticHandler hold(&context, [](Diagnostic &diag) {
    if (candidateFailure && candidateFailure->empty() &&
        diag.getSeverity() == DiagnosticSeverity::Error)
      *candidateFailure = diag.str();
    return success();
  });
  auto run = [&](size_t index) {
    candidateFailure = &failures[index];
    outcomes[index] = evaluate(index);
    candidateFailure = nullptr;
    if (!outcomes[index].feasible && outcomes[index].failure.empty())
      outcomes[index].failure =
          failures[index].empty() ? "the compile failed" : failures[index];
  };
  if (count == 1 || jobs == 1) {
    for (size_t index = 0; index < count; ++index)
      run(index);
    return;
  }
  llvm::StdThreadPool pool(llvm::hardware_concurrency(jobs));
  for (size_t index = 0; index < count; ++index)
    pool.async([&run, index] { run(index); });
  pool.wait();
}

void streamtensor::driver::startSearchClock() {
  if (!searchStart)
    searchStart = Clock::now();
}

bool streamtensor::driver::searchTimeIsUp(const SearchSettings &settings) {
  if (!searchStart || settings.seconds <= 0)
    return false;
  return Clock::now() - *searchStart >= std::chrono::seconds(settings.seconds);
}
