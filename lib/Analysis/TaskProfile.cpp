//===- TaskProfile.cpp - L, D and II of a process in isolation ------------===//

#include "streamtensor/Analysis/TaskProfile.h"

#include <algorithm>

using namespace streamtensor;
using namespace streamtensor::perf;

namespace {

/// Accesses of one FIFO within some span of the walk, relative to its start.
struct Accesses {
  int64_t count = 0;
  int64_t first = 0;
  int64_t last = 0;
};

/// What one walk of a tree does: its duration and its accesses.
struct Walk {
  int64_t duration = 0;
  std::map<int, Accesses> reads, writes;
};

/// Records `other` (which started `offset` cycles into `into`) in `into`.
void merge(std::map<int, Accesses> &into, const std::map<int, Accesses> &other,
           int64_t offset) {
  for (const auto &[fifo, access] : other) {
    Accesses &target = into[fifo];
    if (target.count == 0)
      target.first = access.first + offset;
    target.last = access.last + offset;
    target.count += access.count;
  }
}

Walk walkTree(const LoopTree &tree) {
  Walk walk;
  if (tree.isLeaf) {
    const PipelinedLoop &loop = tree.leaf;
    if (loop.tripCount <= 0)
      return walk;
    int64_t lastStart = loop.getIssueCycles(loop.tripCount - 1);
    walk.duration = lastStart + loop.latency;
    for (int fifo : loop.reads) {
      Accesses &access = walk.reads[fifo];
      access.count += loop.tripCount;
      access.first = 0;
      access.last = lastStart;
    }
    for (int fifo : loop.writes) {
      Accesses &access = walk.writes[fifo];
      access.count += loop.tripCount;
      access.first = loop.latency;
      access.last = lastStart + loop.latency;
    }
    return walk;
  }
  if (tree.repeat <= 0)
    return walk;
  // One repetition, then the same shifted by its duration: the last
  // repetition's accesses are the first's plus (repeat - 1) durations.
  Walk once;
  once.duration = tree.overhead;
  for (const LoopTree &child : tree.children) {
    Walk inner = walkTree(child);
    merge(once.reads, inner.reads, once.duration);
    merge(once.writes, inner.writes, once.duration);
    once.duration += inner.duration;
  }
  walk.duration = once.duration * tree.repeat;
  auto repeat = [&](std::map<int, Accesses> &into,
                    const std::map<int, Accesses> &from) {
    for (const auto &[fifo, access] : from) {
      // The access count per repetition is `count`; its last access moves
      // to the last repetition.
      int64_t period = once.duration;
      Accesses repeated = access;
      repeated.count = access.count * tree.repeat;
      repeated.last = access.last + period * (tree.repeat - 1);
      into[fifo] = repeated;
    }
  };
  repeat(walk.reads, once.reads);
  repeat(walk.writes, once.writes);
  return walk;
}

/// Walks `tree` from cycle `start` up to its first write, counting reads
/// into `reads`; returns the cycle the writing iteration starts, or -1 (and
/// all of the tree's reads counted) when the tree writes nothing.
int64_t findFirstWrite(const LoopTree &tree, int64_t start,
                       std::map<int, int64_t> &reads) {
  if (tree.isLeaf) {
    const PipelinedLoop &loop = tree.leaf;
    if (loop.tripCount <= 0)
      return -1;
    if (!loop.writes.empty()) {
      for (int fifo : loop.reads)
        reads[fifo] += 1;
      return start;
    }
    for (int fifo : loop.reads)
      reads[fifo] += loop.tripCount;
    return -1;
  }
  if (tree.repeat <= 0)
    return -1;
  // If the first repetition does not write, none does.
  std::map<int, int64_t> once;
  int64_t cycle = start + tree.overhead;
  for (const LoopTree &child : tree.children) {
    int64_t found = findFirstWrite(child, cycle, once);
    if (found >= 0) {
      for (const auto &[fifo, count] : once)
        reads[fifo] += count;
      return found;
    }
    cycle += walkTree(child).duration;
  }
  for (const auto &[fifo, count] : once)
    reads[fifo] += count * tree.repeat;
  return -1;
}

PortProfile toPort(const Accesses &access) {
  return {access.count, access.first, access.last};
}

} // namespace

TaskProfile perf::profileProcess(const Process &process) {
  Walk walk = walkTree(process.body);
  TaskProfile profile;
  profile.latency = walk.duration;
  profile.initialDelay = walk.duration;
  for (const auto &[fifo, access] : walk.reads)
    profile.reads[fifo] = toPort(access);
  for (const auto &[fifo, access] : walk.writes) {
    profile.writes[fifo] = toPort(access);
    profile.initialDelay = std::min(profile.initialDelay, access.first);
    profile.ii = std::max(profile.ii, profile.writes[fifo].interval());
  }
  profile.firstWriteStart = std::max<int64_t>(
      0, findFirstWrite(process.body, 0, profile.readsBeforeFirstWrite));
  if (profile.writes.empty())
    profile.readsBeforeFirstWrite.clear();
  return profile;
}

std::vector<fifo::SizingEdge>
perf::sizingEdges(const Design &design,
                  const std::vector<TaskProfile> &profiles,
                  std::vector<int> &edgeFifo) {
  std::vector<int> writer(design.fifos.size(), -1),
      reader(design.fifos.size(), -1);
  for (size_t process = 0; process < profiles.size(); ++process) {
    for (const auto &entry : profiles[process].writes)
      writer[entry.first] = static_cast<int>(process);
    for (const auto &entry : profiles[process].reads)
      reader[entry.first] = static_cast<int>(process);
  }
  std::vector<fifo::SizingEdge> edges;
  edgeFifo.clear();
  for (size_t fifo = 0; fifo < design.fifos.size(); ++fifo) {
    if (writer[fifo] < 0 || reader[fifo] < 0)
      continue;
    const PortProfile &write = profiles[writer[fifo]].writes.at(fifo);
    const PortProfile &read = profiles[reader[fifo]].reads.at(fifo);
    fifo::SizingEdge edge;
    edge.source = writer[fifo];
    edge.target = reader[fifo];
    edge.timing.tokens = std::max<int64_t>(1, write.tokens);
    // A token written at cycle w can be read from w + 1: D and L are the
    // cycles the first and the last token become available.
    edge.timing.sourceDelay = double(write.firstCycle + 1);
    edge.timing.sourceLatency = double(write.lastCycle + 1);
    edge.timing.sourceII = write.interval();
    edge.timing.targetII = read.interval();
    edge.targetFirstRead = double(read.firstCycle);
    const TaskProfile &source = profiles[writer[fifo]];
    for (const auto &entry : source.reads)
      edge.sourceLastRead =
          std::max(edge.sourceLastRead, double(entry.second.lastCycle));
    const TaskProfile &target = profiles[reader[fifo]];
    auto before = target.readsBeforeFirstWrite.find(static_cast<int>(fifo));
    if (before != target.readsBeforeFirstWrite.end()) {
      edge.targetReadsBeforeFirstWrite = before->second;
      edge.targetFirstWriteStart = double(target.firstWriteStart);
    }
    edges.push_back(edge);
    edgeFifo.push_back(static_cast<int>(fifo));
  }
  return edges;
}
