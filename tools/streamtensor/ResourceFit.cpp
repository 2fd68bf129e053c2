//===- ResourceFit.cpp - A design that does not fit, explained ------------===//
//
// The resource-allocation stage refuses a design that needs more of some
// resource than the platform has. What the user needs to know next is
// whether smaller tiles would do, so the driver builds the model again at
// tile size 1, without unrolling and with the shallowest FIFOs
// (buildLeastResources: the smallest design), and says what that needs:
// "try a smaller --tile-size", or what even the smallest tiles need. The
// stage's own error is held back and replaced by that one line.
//
// A model far too large is refused before the stage: its FIFO sizing
// simulates every token, which for such a model takes minutes and
// gigabytes.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "CompileCommon.h"

#include "streamtensor/Performance/ResourceNeed.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::driver;

namespace {

constexpr llvm::StringLiteral kSmallest =
    "--tile-size 1, no unrolling and the shallowest FIFOs";

/// A diagnostic held back, emitted again unless it is replaced.
struct HeldDiagnostic {
  Location loc;
  DiagnosticSeverity severity;
  std::string message;
  SmallVector<std::pair<Location, std::string>> notes;
};

/// Drops every diagnostic while it lives: those of the smallest design
/// would explain a design nobody asked for.
struct Silence : ScopedDiagnosticHandler {
  explicit Silence(MLIRContext *context)
      : ScopedDiagnosticHandler(context,
                                [](Diagnostic &) { return success(); }) {}
};

/// The processes' needs of a lowered module, if it can be analyzed.
std::optional<perf::ProcessNeeds> getNeeds(ModuleOp module,
                                           const CompileOptions &options) {
  Silence silence(module.getContext());
  FailureOr<perf::AnalyzedDesign> design =
      perf::analyzeDesign(module, options.platform);
  if (failed(design))
    return std::nullopt;
  return perf::collectProcessNeeds(*design);
}

/// What a copy of the lowered `module` needs after buildLeastResources:
/// the design at its tiles without unrolling and with the shallowest FIFOs.
std::optional<perf::ProcessNeeds>
getUnsizedNeeds(ModuleOp module, const CompileOptions &options) {
  Silence silence(module.getContext());
  OwningOpRef<ModuleOp> copy = module.clone();
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  buildLeastResources(pm, options);
  if (failed(pm.run(*copy)))
    return std::nullopt;
  return getNeeds(*copy, options);
}

/// What the smallest design of `original` (the module before the pipeline)
/// needs: every stage but resource allocation at tile size 1, then
/// getUnsizedNeeds.
std::optional<perf::ProcessNeeds>
getSmallestNeeds(ModuleOp original, const CompileOptions &options) {
  MLIRContext *context = original.getContext();
  Silence silence(context);
  OwningOpRef<ModuleOp> module = original.clone();
  CompileOptions smallest = options;
  smallest.tileSize = 1;
  smallest.unrollFactor = 1;
  // The last stage is resource allocation.
  for (const PipelineStage &stage : llvm::drop_end(getPipelineStages())) {
    PassManager pm(context, ModuleOp::getOperationName());
    stage.build(pm, smallest);
    if (failed(pm.run(*module)))
      return std::nullopt;
  }
  return getUnsizedNeeds(*module, smallest);
}

/// "N over; largest users: ..." of a shortfall.
std::string describeOver(const perf::Shortfall &shortfall) {
  return llvm::formatv("{0:F0} are available ({1:F0} over; largest users: "
                       "{2})",
                       shortfall.available,
                       shortfall.need - shortfall.available,
                       shortfall.largestUsers);
}

/// The line for a model whose smallest design does not fit either.
std::string explainAlways(llvm::StringRef what, const perf::Shortfall &always,
                          const Platform &platform) {
  return llvm::formatv("{0} does not fit {1}, even with the smallest tiles: "
                       "with {2} it needs {3:F0} {4}, {5}",
                       what, platform.name, kSmallest, always.need,
                       Resources::kindName(always.kind), describeOver(always));
}

/// The line for a design that does not fit with the chosen tiles (`now`;
/// `unsized`: measured without unrolling and with the shallowest FIFOs)
/// while its smallest design does.
std::string explainTiles(llvm::StringRef what, const perf::Shortfall &now,
                         bool unsized, const perf::ProcessNeeds &smallest,
                         const CompileOptions &options,
                         const Platform &platform) {
  return llvm::formatv(
      "{0} does not fit {1} with --tile-size {2}: {3}it needs {4:F0} {5}, "
      "{6}; with {7} it needs {8:F0}: try a smaller --tile-size",
      what, platform.name, options.tileSize,
      unsized ? "even without unrolling and with the shallowest FIFOs " : "",
      now.need, Resources::kindName(now.kind), describeOver(now), kSmallest,
      perf::getTotalNeed(smallest.tasks).get(now.kind));
}

/// Whether `needs` asks for more than twice some resource of the platform.
/// No design with larger tiles, unrolling or deeper FIFOs needs less than
/// half of that (memories move between LUTRAM, BRAM and URAM with their
/// sizes, so a kind can shrink a little as the arrays grow, not by half).
bool isFarBeyond(const perf::ProcessNeeds &needs, const Platform &platform) {
  Resources total = perf::getTotalNeed(needs.tasks);
  FabricResources fabric = platform.getTotalAvailable();
  const double available[Resources::kNumKinds] = {
      double(fabric.dsp), double(fabric.lut), double(fabric.ff),
      double(fabric.bram18k), double(fabric.uram)};
  for (int kind = 0; kind < Resources::kNumKinds; ++kind)
    if (total.get(kind) > 2 * available[kind])
      return true;
  return false;
}

/// Emits `diag` again.
void emitAgain(MLIRContext *context, const HeldDiagnostic &diag) {
  InFlightDiagnostic again =
      context->getDiagEngine().emit(diag.loc, diag.severity);
  again << diag.message;
  for (const auto &[loc, message] : diag.notes)
    again.attachNote(loc) << message;
}

/// The line for a model refused before the stage, if it is far too large.
std::optional<std::string> refuseEarly(ModuleOp module, ModuleOp original,
                                       const CompileOptions &options,
                                       const Platform &platform,
                                       llvm::StringRef what) {
  std::optional<perf::ProcessNeeds> unsized = getUnsizedNeeds(module, options);
  if (!unsized || !isFarBeyond(*unsized, platform))
    return std::nullopt;
  std::optional<perf::ProcessNeeds> smallest =
      getSmallestNeeds(original, options);
  if (!smallest)
    return std::nullopt;
  if (std::optional<perf::Shortfall> always =
          perf::findShortfall(smallest->tasks, platform))
    return explainAlways(what, *always, platform);
  return explainTiles(what, *perf::findShortfall(unsized->tasks, platform),
                      /*unsized=*/true, *smallest, options, platform);
}

} // namespace

LogicalResult streamtensor::driver::runResourceStage(
    PassManager &pm, ModuleOp module, ModuleOp original,
    const CompileOptions &options, llvm::StringRef what) {
  llvm::Expected<Platform> platform = loadPlatform(options.platform);
  if (!platform) {
    // The driver loaded it already; the passes say what is wrong.
    llvm::consumeError(platform.takeError());
    return runPipelineStage(pm, module, "resource-allocation");
  }
  if (std::optional<std::string> line =
          refuseEarly(module, original, options, *platform, what)) {
    module.emitError(*line);
    return failure();
  }

  std::vector<HeldDiagnostic> held;
  LogicalResult result = failure();
  {
    ScopedDiagnosticHandler holder(module.getContext(), [&](Diagnostic &diag) {
      HeldDiagnostic copy{
          diag.getLocation(), diag.getSeverity(), diag.str(), {}};
      for (Diagnostic &note : diag.getNotes())
        copy.notes.emplace_back(note.getLocation(), note.str());
      held.push_back(std::move(copy));
      return success();
    });
    result = runPipelineStage(pm, module, "resource-allocation");
  }
  // A design that does not fit fails the stage with its needs intact: the
  // die assignment refuses it before changing anything. Whatever failed,
  // a model whose smallest design does not fit is told so: that is the
  // problem to solve first.
  std::optional<perf::Shortfall> shortfall, always;
  std::optional<perf::ProcessNeeds> smallest;
  if (failed(result) && !hadInternalError()) {
    if (std::optional<perf::ProcessNeeds> needs = getNeeds(module, options))
      shortfall = perf::findShortfall(needs->tasks, *platform);
    smallest = getSmallestNeeds(original, options);
    if (smallest)
      always = perf::findShortfall(smallest->tasks, *platform);
  }
  if (always) {
    module.emitError(explainAlways(what, *always, *platform));
    return failure();
  }
  if (shortfall && smallest) {
    module.emitError(explainTiles(what, *shortfall, /*unsized=*/false,
                                  *smallest, options, *platform));
    return failure();
  }
  for (const HeldDiagnostic &diag : held)
    emitAgain(module.getContext(), diag);
  return result;
}
