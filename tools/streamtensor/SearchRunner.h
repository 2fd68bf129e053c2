//===- SearchRunner.h - The design space search, run by compile -*- C++ -*-===//
//
// Runs search::Search (Analysis/DesignSearch.h) on real compiles: each
// proposed point is compiled and simulated on a worker thread, several at
// once, in the command's MLIRContext (which is thread-safe for this). The
// candidates' diagnostics are held: a candidate that fails is only an
// infeasible point of the report.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_SEARCHRUNNER_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_SEARCHRUNNER_H

#include "Progress.h"

#include "streamtensor/Analysis/DesignSearch.h"
#include "streamtensor/Pipeline/Pipeline.h"
#include "streamtensor/Platform/Platform.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <thread>

namespace streamtensor::driver {

class Arguments;

/// The search's command-line options.
struct SearchSettings {
  /// Design points compiled per design (per graph of an LLM); 1 compiles
  /// the options as given, without a search.
  int64_t budget = 6;
  /// Wall-clock seconds the whole search may take (0: no limit). A limit
  /// cuts the search where time runs out, so it is not reproducible.
  int64_t seconds = 0;
  uint64_t seed = 1;
  /// Candidates compiled at once (0: one per core).
  unsigned jobs = 0;
};

/// Reads --dse-budget (`defaultBudget` when absent), --dse-seconds,
/// --dse-seed and --jobs; reports and returns nothing on a bad value.
std::optional<SearchSettings> readSearchSettings(const Arguments &arguments,
                                                 llvm::StringRef command,
                                                 int64_t defaultBudget);

/// `fabric` times `share`, per kind: what a design that shares the device
/// may use.
Resources getShareOf(const FabricResources &fabric, double share);

/// The MAC packings the search tries: the one asked for when it is "all"
/// or "none"; "reused" (the default) and "all" otherwise.
std::vector<std::string> getPackModes(const CompileOptions &options);

/// The float adders the search tries: the one the options fix, or with
/// `auto` DSPs and, when `platform` has a figure for them, LUTs.
std::vector<std::string> getFloatAdderModes(const CompileOptions &options,
                                            const Platform &platform);

/// The point the options ask for, where the search starts.
search::Point getStartPoint(const CompileOptions &options);

/// `options` with the point's dimensions.
CompileOptions applyPoint(CompileOptions options, const search::Point &point);

/// The search's outcome for a compiled design: its estimated cycles (the
/// simulator's, summed over kernels; a deadlock makes it infeasible) and
/// resources, which must stay within `available`. `kernels` receives
/// describeKernels of the design, for its report.
search::Outcome measureDesign(mlir::ModuleOp module, llvm::json::Object &fusion,
                              const Platform &platform,
                              const CompileOptions &options,
                              const Resources &available,
                              llvm::json::Array &kernels);

/// The search's in-order point of `linalgToDataflow` (the design at the
/// linalg-to-dataflow stage), if it has one: the integer matmuls fed by
/// another integer matmul get their parallel loops as one tile each, at the
/// tile size their reduction tiles have (search::Space::InOrder).
void addInOrderPoint(mlir::ModuleOp linalgToDataflow, search::Space &space);

/// The kernel dimensions of the space of `module` (the design as built,
/// converted to kernels on a copy with `options`): the kernels whose tiles
/// matter most, the ones that reduce (a matmul, a dot, a norm's
/// statistic), get a tile size of their own; the kernels with at least two
/// parallel loops longer than 1 may have them reordered.
void addKernelDimensions(mlir::ModuleOp module, const CompileOptions &options,
                         search::Space &space);

/// Compiles one point into a design of its own; runs on a worker thread.
/// The designs of the feasible points are kept until the search has chosen
/// one.
template <typename Design>
using Evaluate =
    std::function<search::Outcome(const search::Point &, Design &)>;

/// The search of one design for the report: every trial, the chosen one
/// and the front (cycles against utilization).
llvm::json::Object describeSearch(const search::Search &search,
                                  std::optional<size_t> chosen,
                                  const SearchSettings &settings);

/// Runs `evaluate(i)` for every i below `count` on `jobs` worker threads
/// (0: one per core), holding their diagnostics; `outcomes[i]` is its
/// result. Used by runSearch, where `evaluate(i)` compiles point i.
void evaluateInParallel(mlir::MLIRContext &context, unsigned jobs,
                        size_t count,
                        llvm::function_ref<search::Outcome(size_t)> evaluate,
                        std::vector<search::Outcome> &outcomes);

/// Starts the clock of --dse-seconds, once per command.
void startSearchClock();

/// Whether --dse-seconds have passed since the clock started.
bool searchTimeIsUp(const SearchSettings &settings);

/// Runs the search until its budget, its time or its space runs out,
/// showing progress as `label`. Returns the chosen trial and moves its
/// design into `chosen`; nothing if no point was feasible.
template <typename Design>
std::optional<size_t> runSearch(search::Search &search,
                                const SearchSettings &settings,
                                llvm::StringRef label,
                                mlir::MLIRContext &context,
                                const Evaluate<Design> &evaluate,
                                Design &chosen) {
  startSearchClock();
  unsigned jobs = settings.jobs;
  std::optional<size_t> best;
  std::map<size_t, Design> kept;
  while (int64_t(search.getTrials().size()) < settings.budget) {
    // The first batch always runs: it holds the start point.
    if (!search.getTrials().empty() && searchTimeIsUp(settings))
      break;
    size_t room = size_t(settings.budget) - search.getTrials().size();
    size_t width =
        jobs ? jobs : std::max(1u, std::thread::hardware_concurrency());
    std::vector<search::Point> batch =
        search.propose(std::min<size_t>(room, width));
    if (batch.empty())
      break;
    std::vector<Design> designs(batch.size());
    std::vector<search::Outcome> outcomes;
    {
      size_t first = search.getTrials().size() + 1;
      planProgress(1);
      ProgressStep step(llvm::formatv("{0}: search, designs {1}-{2} of {3}",
                                      label, first, first + batch.size() - 1,
                                      settings.budget));
      evaluateInParallel(
          context, jobs, batch.size(),
          [&](size_t index) { return evaluate(batch[index], designs[index]); },
          outcomes);
    }
    size_t first = search.getTrials().size();
    for (size_t index = 0; index < batch.size(); ++index) {
      bool feasible = outcomes[index].feasible;
      search.record(batch[index], std::move(outcomes[index]));
      if (feasible)
        kept.emplace(first + index, std::move(designs[index]));
    }
    // A faster point can make an earlier one the best (one nearly as fast
    // that leaves the other graphs more, Search::getBest): the designs of
    // the feasible points are kept until the search ends.
    best = search.getBest();
  }
  if (best)
    chosen = std::move(kept.at(*best));
  return best;
}

} // namespace streamtensor::driver

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_SEARCHRUNNER_H
