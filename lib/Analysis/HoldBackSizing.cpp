//===- HoldBackSizing.cpp - FIFO depths from the held-back schedule -------===//

#include "streamtensor/Analysis/HoldBackSizing.h"

#include "streamtensor/Simulation/Simulator.h"

#include <algorithm>

using namespace streamtensor;
using namespace streamtensor::fifo;
using namespace streamtensor::perf;

namespace {

/// A leaf that only takes time: one iteration of `cycles` latency.
LoopTree makeIdle(int64_t cycles) { return LoopTree::makeLeaf(1, 1, cycles); }

/// Mirrors `tree` in time. A leaf stays a leaf: iteration k of n, reading
/// at s_k and writing at s_k + latency, becomes iteration n - 1 - k of a
/// leaf reading (the old writes) at C - s_k - latency and writing (the old
/// reads) latency cycles later; the II and the latency are the same, and
/// the leaf ends where the original started. A sequence runs its children
/// in reverse order and pays each repetition's overhead at its end.
LoopTree reverseTree(const LoopTree &tree) {
  if (tree.isLeaf) {
    LoopTree reversed = tree;
    std::swap(reversed.leaf.reads, reversed.leaf.writes);
    // A paced leaf's intervals in reverse order: the longer ones first.
    PipelinedLoop &loop = reversed.leaf;
    if (loop.iiFraction > 0 && loop.tripCount > 1) {
      int64_t gaps = loop.tripCount - 1;
      int64_t carried =
          (tree.leaf.iiCarry + gaps % kCycleFractions * loop.iiFraction) %
          kCycleFractions;
      loop.iiCarry = kCycleFractions - 1 - carried;
    }
    return reversed;
  }
  std::vector<LoopTree> children;
  for (auto it = tree.children.rbegin(); it != tree.children.rend(); ++it)
    children.push_back(reverseTree(*it));
  if (tree.overhead > 0)
    children.push_back(makeIdle(tree.overhead));
  return LoopTree::makeSequence(tree.repeat, std::move(children));
}

/// Whether `tree` writes any FIFO.
bool writesAny(const LoopTree &tree) {
  if (tree.isLeaf)
    return tree.leaf.tripCount > 0 && !tree.leaf.writes.empty();
  if (tree.repeat <= 0)
    return false;
  return std::any_of(tree.children.begin(), tree.children.end(), writesAny);
}

void collectEnds(const LoopTree &tree, int process,
                 std::vector<std::vector<int>> &writers,
                 std::vector<std::vector<int>> &readers) {
  if (!tree.isLeaf) {
    for (const LoopTree &child : tree.children)
      collectEnds(child, process, writers, readers);
    return;
  }
  auto add = [&](std::vector<std::vector<int>> &ends, int fifo) {
    if (fifo < 0 || fifo >= static_cast<int>(ends.size()))
      return; // the simulator's validation names it
    if (std::find(ends[fifo].begin(), ends[fifo].end(), process) ==
        ends[fifo].end())
      ends[fifo].push_back(process);
  };
  for (int fifo : tree.leaf.writes)
    add(writers, fifo);
  for (int fifo : tree.leaf.reads)
    add(readers, fifo);
}

/// For every FIFO, the most iterations of a loop writing it that can be in
/// flight at once, started and not yet written: ceil(latency / II).
void collectInFlight(const LoopTree &tree, std::vector<int64_t> &inFlight) {
  if (!tree.isLeaf) {
    for (const LoopTree &child : tree.children)
      collectInFlight(child, inFlight);
    return;
  }
  const PipelinedLoop &loop = tree.leaf;
  if (loop.tripCount <= 0 || loop.ii <= 0)
    return;
  int64_t iterations =
      std::min(loop.tripCount, (loop.latency + loop.ii - 1) / loop.ii);
  for (int fifo : loop.writes)
    if (fifo >= 0 && fifo < static_cast<int>(inFlight.size()))
      inFlight[fifo] = std::max(inFlight[fifo], iterations);
}

/// Renumbers the FIFOs of `tree` by `newId` (-1: drop the access).
void renumber(LoopTree &tree, const std::vector<int> &newId) {
  if (!tree.isLeaf) {
    for (LoopTree &child : tree.children)
      renumber(child, newId);
    return;
  }
  auto apply = [&](std::vector<int> &fifos) {
    std::vector<int> kept;
    for (int fifo : fifos) {
      if (fifo < 0 || fifo >= static_cast<int>(newId.size()))
        kept.push_back(fifo); // left for the validation to report
      else if (newId[fifo] >= 0)
        kept.push_back(newId[fifo]);
    }
    fifos = std::move(kept);
  };
  apply(tree.leaf.reads);
  apply(tree.leaf.writes);
}

std::string describeFailure(const Design &design,
                            const SimulationResult &result) {
  if (result.status == SimulationStatus::InvalidDesign)
    return result.error;
  if (result.status == SimulationStatus::Deadlocked)
    return formatDeadlockReport(design, result.deadlock);
  return "the simulation stopped at a limit";
}

} // namespace

Design fifo::reverseDesign(const Design &design,
                           const std::vector<int64_t> &startDelays) {
  Design reversed;
  reversed.fifos = design.fifos;
  for (size_t p = 0; p < design.processes.size(); ++p) {
    std::vector<LoopTree> children;
    int64_t delay = p < startDelays.size() ? startDelays[p] : 0;
    if (delay > 0)
      children.push_back(makeIdle(delay));
    children.push_back(reverseTree(design.processes[p].body));
    reversed.processes.push_back(
        {design.processes[p].name,
         LoopTree::makeSequence(1, std::move(children))});
  }
  return reversed;
}

HoldBackResult fifo::sizeByHoldBack(const Design &design,
                                    const std::vector<bool> &sizable) {
  HoldBackResult result;
  size_t numFifos = design.fifos.size();
  size_t numProcesses = design.processes.size();
  result.depths.resize(numFifos);
  result.referencePeaks.assign(numFifos, 0);
  result.heldBackPeaks.assign(numFifos, 0);
  for (size_t f = 0; f < numFifos; ++f)
    result.depths[f] = design.fifos[f].depth;

  // FIFOs with both ends take part; the reference run has every sizable
  // one unbounded.
  std::vector<std::vector<int>> writers(numFifos), readers(numFifos);
  for (size_t p = 0; p < numProcesses; ++p)
    collectEnds(design.processes[p].body, static_cast<int>(p), writers,
                readers);
  std::vector<int> newId(numFifos, -1);
  std::vector<int> oldId;
  Design reference;
  for (size_t f = 0; f < numFifos; ++f) {
    if (writers[f].empty() || readers[f].empty())
      continue;
    newId[f] = static_cast<int>(oldId.size());
    oldId.push_back(static_cast<int>(f));
    Fifo fifo = design.fifos[f];
    if (f < sizable.size() && sizable[f])
      fifo.depth = kUnboundedDepth;
    reference.fifos.push_back(fifo);
  }
  reference.processes = design.processes;
  for (Process &process : reference.processes)
    renumber(process.body, newId);

  SimulationOptions bounded;
  bounded.maxKeptTokens = kMaxSizingTokens;
  SimulationResult forward = simulate(reference, bounded);
  // No cycle or iteration limit is set: the memory one stopped it.
  const std::string tooLarge =
      "with unbounded FIFOs the design keeps more than " +
      std::to_string(kMaxSizingTokens) +
      " tokens waiting in them (16 bytes each), too many to size them by "
      "simulation; --fifo-mode conservative sizes them without it, a larger "
      "--tile-size moves fewer tokens";
  if (forward.status == SimulationStatus::LimitReached) {
    result.error = tooLarge;
    return result;
  }
  if (forward.status != SimulationStatus::Completed) {
    result.error = "the design does not complete even with unbounded FIFOs: " +
                   describeFailure(reference, forward);
    return result;
  }
  result.referenceCycles = forward.totalCycles;
  result.referenceFinish.resize(numProcesses);
  for (size_t p = 0; p < numProcesses; ++p)
    result.referenceFinish[p] = forward.processes[p].cycle;

  // The held-back schedule, reversed: sinks may not finish later than in
  // the reference run, the others not after it ends.
  std::vector<int64_t> delays(numProcesses, 0);
  for (size_t p = 0; p < numProcesses; ++p)
    if (!writesAny(reference.processes[p].body))
      delays[p] = forward.totalCycles - forward.processes[p].cycle;
  Design reversed = reverseDesign(reference, delays);
  SimulationResult backward = simulate(reversed, bounded);
  if (backward.status == SimulationStatus::LimitReached) {
    result.error = tooLarge;
    return result;
  }
  if (backward.status != SimulationStatus::Completed ||
      backward.totalCycles > forward.totalCycles) {
    // The reversed reference schedule is a schedule of the reversed
    // design, so its earliest one completes by then.
    result.error =
        "internal error: the held-back schedule is not a schedule (" +
        (backward.status == SimulationStatus::Completed
             ? std::to_string(backward.totalCycles) + " cycles reversed, " +
                   std::to_string(forward.totalCycles) + " forward"
             : describeFailure(reversed, backward)) +
        ")";
    return result;
  }
  result.heldBackStart.resize(numProcesses);
  for (size_t p = 0; p < numProcesses; ++p)
    result.heldBackStart[p] = forward.totalCycles - backward.processes[p].cycle;
  std::vector<bool> isSizable(oldId.size(), false);
  std::vector<int64_t> asap(oldId.size()), heldBack(oldId.size());
  for (size_t id = 0; id < oldId.size(); ++id) {
    int f = oldId[id];
    isSizable[id] = static_cast<size_t>(f) < sizable.size() && sizable[f];
    result.referencePeaks[f] = forward.fifos[id].peakOccupancy;
    result.heldBackPeaks[f] = backward.fifos[id].peakOccupancy;
    asap[id] = std::max<int64_t>(1, forward.fifos[id].peakOccupancy);
    heldBack[id] = std::max<int64_t>(1, backward.fifos[id].peakOccupancy);
  }
  std::vector<int64_t> inFlight(numFifos, 0);
  for (const Process &process : design.processes)
    collectInFlight(process.body, inFlight);

  // Each candidate is checked by simulating the design with its depths.
  // Both schedules meet every timing constraint of the design with their
  // peaks as depths. The simulator, like the C simulation, also needs the
  // waits to resolve in causal order: an iteration starts once the room its
  // writes need is known (in the C simulation, a process writes before it
  // reads on). Where a schedule starts an iteration before the read that
  // makes its room (allowed: it writes `latency` cycles later), the waits
  // can close a cycle, a deadlock. Counting a token from the start of the
  // iteration that writes it rules that out (every wait of the schedule is
  // then forward in time); that costs the iterations in flight,
  // ceil(latency / II) slots more. Only FIFOs found full in a deadlock get
  // them, until the check passes; every FIFO at worst. With every FIFO
  // padded, a candidate taken from a schedule passes, so the search ends.
  auto check = [&](const std::vector<int64_t> &depths, Design &sized,
                   int &paddedFifos, bool &paddedAll, int64_t &cycles) -> bool {
    sized = reference;
    for (size_t id = 0; id < oldId.size(); ++id)
      if (isSizable[id])
        sized.fifos[id].depth = depths[id];
    std::vector<bool> padded(oldId.size(), false);
    auto pad = [&](size_t id) {
      padded[id] = true;
      ++paddedFifos;
      int64_t tokens = forward.fifos[id].tokensWritten;
      sized.fifos[id].depth = std::max<int64_t>(
          1, std::min(tokens, sized.fifos[id].depth + inFlight[oldId[id]]));
    };
    paddedFifos = 0;
    paddedAll = false;
    for (;;) {
      SimulationResult run = simulate(sized, bounded);
      ++result.checks;
      if (run.status == SimulationStatus::Completed) {
        cycles = run.totalCycles;
        return run.totalCycles <= forward.totalCycles;
      }
      if (run.status != SimulationStatus::Deadlocked)
        return false;
      bool progress = false;
      for (const BlockedProcess &blocked : run.deadlock.blocked) {
        size_t id = static_cast<size_t>(blocked.fifo);
        if (blocked.reason == WaitReason::Room && id < padded.size() &&
            isSizable[id] && !padded[id]) {
          pad(id);
          progress = true;
        }
      }
      if (!progress) {
        // Not on a FIFO that can grow alone: pad them all.
        for (size_t id = 0; id < padded.size(); ++id)
          if (isSizable[id] && !padded[id]) {
            pad(id);
            progress = true;
          }
        paddedAll = progress;
      }
      if (!progress)
        return false;
    }
  };

  // Candidates: the smaller of the two peaks of every FIFO (no schedule
  // has them all; the check decides), then the schedule whose peaks take
  // fewer bits, then the other.
  std::vector<int64_t> mixed(oldId.size());
  int64_t asapBits = 0, heldBackBits = 0;
  for (size_t id = 0; id < oldId.size(); ++id) {
    mixed[id] = std::min(asap[id], heldBack[id]);
    if (!isSizable[id])
      continue;
    asapBits += asap[id] * reference.fifos[id].tokenBits;
    heldBackBits += heldBack[id] * reference.fifos[id].tokenBits;
  }
  std::vector<std::pair<Schedule, const std::vector<int64_t> *>> candidates = {
      {Schedule::Mixed, &mixed}};
  if (heldBackBits <= asapBits)
    candidates.insert(candidates.end(), {{Schedule::HeldBack, &heldBack},
                                         {Schedule::Earliest, &asap}});
  else
    candidates.insert(candidates.end(), {{Schedule::Earliest, &asap},
                                         {Schedule::HeldBack, &heldBack}});
  // Last, every FIFO as deep as its traffic: the reference run itself (the
  // ping-pong buffers, which keep their blocks, could in principle close a
  // wait cycle with the padded FIFOs of a schedule).
  std::vector<int64_t> traffic(oldId.size());
  for (size_t id = 0; id < oldId.size(); ++id)
    traffic[id] = std::max<int64_t>(1, forward.fifos[id].tokensWritten);
  candidates.push_back({Schedule::Traffic, &traffic});
  for (auto [schedule, depths] : candidates) {
    Design sized;
    int paddedFifos = 0;
    bool paddedAll = false;
    int64_t cycles = 0;
    if (!check(*depths, sized, paddedFifos, paddedAll, cycles))
      continue;
    result.schedule = schedule;
    result.checkedCycles = cycles;
    result.paddedFifos = paddedFifos;
    result.paddedAll = paddedAll;
    for (size_t id = 0; id < oldId.size(); ++id)
      if (isSizable[id])
        result.depths[oldId[id]] = sized.fifos[id].depth;
    return result;
  }
  // The reference run passes.
  result.error = "internal error: no FIFO depths pass the simulation";
  return result;
}
