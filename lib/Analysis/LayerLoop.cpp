//===- LayerLoop.cpp - All layers of a block in one invocation ------------===//

#include "streamtensor/Analysis/LayerLoop.h"

#include <algorithm>
#include <limits>
#include <set>

using namespace streamtensor;
using namespace streamtensor::perf;

namespace {

/// A one-cycle leaf that moves one token on each FIFO it lists: the
/// handshakes (table offset, layer done) are single words, so they cost one
/// pipeline stage, not a transfer.
LoopTree makeHandshake(std::vector<int> reads, std::vector<int> writes) {
  return LoopTree::makeLeaf(/*tripCount=*/1, /*ii=*/1, /*latency=*/1,
                            std::move(reads), std::move(writes));
}

int addFifo(Design &design, std::string name, int64_t tokenBits) {
  Fifo fifo;
  fifo.name = std::move(name);
  // Two slots let the writer hand over the next layer's token before the
  // reader has taken the current one, so a handshake does not stall its
  // writer while the reader is still busy with a layer; one word each, so
  // the slots cost next to nothing.
  fifo.depth = 2;
  fifo.tokenBits = tokenBits;
  design.fifos.push_back(std::move(fifo));
  return static_cast<int>(design.fifos.size()) - 1;
}

} // namespace

std::string perf::validateLayerLoopSpec(const Design &design,
                                        const LayerLoopSpec &spec) {
  if (spec.layers < 1)
    return "layers must be at least 1, got " + std::to_string(spec.layers);
  if (spec.tableReadLatency < 0)
    return "tableReadLatency must not be negative, got " +
           std::to_string(spec.tableReadLatency);

  const int numProcesses = static_cast<int>(design.processes.size());
  auto inRange = [&](int process) {
    return process >= 0 && process < numProcesses;
  };
  auto outOfRange = [&](const std::string &what, int process) {
    return what + " " + std::to_string(process) +
           " is not a process (the design has " + std::to_string(numProcesses) +
           ")";
  };

  std::set<int> readers;
  for (size_t i = 0; i < spec.tableReaders.size(); ++i) {
    int reader = spec.tableReaders[i];
    std::string what = "tableReaders[" + std::to_string(i) + "]";
    if (!inRange(reader))
      return outOfRange(what, reader);
    if (!readers.insert(reader).second)
      return what + ": process '" + design.processes[reader].name +
             "' is listed twice";
  }

  std::set<std::pair<int, int>> pairs;
  for (size_t i = 0; i < spec.layerSyncs.size(); ++i) {
    auto [writer, reader] = spec.layerSyncs[i];
    std::string what = "layerSyncs[" + std::to_string(i) + "]";
    if (!inRange(writer))
      return outOfRange(what + " writer", writer);
    if (!inRange(reader))
      return outOfRange(what + " reader", reader);
    // A process cannot wait for its own previous layer through a FIFO
    // (every FIFO needs two ends); it runs its layers in order anyway.
    if (writer == reader)
      return what + ": process '" + design.processes[writer].name +
             "' cannot sync with itself";
    if (!pairs.insert({writer, reader}).second)
      return what + ": pair ('" + design.processes[writer].name + "', '" +
             design.processes[reader].name + "') is listed twice";
  }
  return "";
}

std::optional<Design> perf::loopLayers(const Design &design,
                                       const LayerLoopSpec &spec,
                                       std::string *error) {
  std::string message = validateLayerLoopSpec(design, spec);
  if (!message.empty()) {
    if (error)
      *error = std::move(message);
    return std::nullopt;
  }

  Design layered = design;
  const size_t numProcesses = design.processes.size();
  auto nameOf = [&](int process) { return design.processes[process].name; };

  // The FIFOs each process touches once per layer, besides its own traffic.
  std::vector<int> tableFifoOf(numProcesses, -1);
  std::vector<std::vector<int>> syncWrites(numProcesses);
  std::vector<std::vector<int>> syncReads(numProcesses);

  std::vector<int> tableFifos;
  for (int reader : spec.tableReaders) {
    int fifo = addFifo(layered, "layer_table_to_" + nameOf(reader),
                       /*tokenBits=*/64);
    tableFifoOf[reader] = fifo;
    tableFifos.push_back(fifo);
  }
  for (auto [writer, reader] : spec.layerSyncs) {
    int fifo = addFifo(layered,
                       nameOf(writer) + "_to_" + nameOf(reader) + "_layer_done",
                       /*tokenBits=*/1);
    syncWrites[writer].push_back(fifo);
    syncReads[reader].push_back(fifo);
  }

  for (size_t p = 0; p < numProcesses; ++p) {
    std::vector<LoopTree> layer;
    if (tableFifoOf[p] >= 0)
      layer.push_back(makeHandshake({tableFifoOf[p]}, {}));
    layer.push_back(std::move(layered.processes[p].body));
    if (!syncWrites[p].empty())
      layer.push_back(makeHandshake({}, syncWrites[p]));
    // Read at the end of the layer, not the start of the next one: the
    // writer has no token to give before its first layer, and a FIFO cannot
    // start out holding one.
    if (!syncReads[p].empty())
      layer.push_back(makeHandshake(syncReads[p], {}));
    layered.processes[p].body =
        LoopTree::makeSequence(spec.layers, std::move(layer));
  }

  if (!tableFifos.empty()) {
    // One row read per layer, sent to every reader in the same iteration.
    Process table;
    table.name = "layer_table";
    table.body = LoopTree::makeSequence(
        spec.layers,
        {LoopTree::makeLeaf(/*tripCount=*/1, /*ii=*/1, spec.tableReadLatency,
                            {}, tableFifos)});
    layered.processes.push_back(std::move(table));
  }
  return layered;
}

int64_t perf::extrapolateLayers(int64_t oneLayer, int64_t twoLayers,
                                int64_t layers) {
  if (layers < 1)
    return 0;
  // A second layer that finishes no later than the first alone (not
  // expected from a simulation, but possible from noisy inputs) adds
  // nothing rather than making more layers take less time.
  int64_t increment = std::max<int64_t>(0, twoLayers - oneLayer);
  int64_t extra = 0;
  if (__builtin_mul_overflow(layers - 1, increment, &extra))
    return std::numeric_limits<int64_t>::max();
  int64_t total = 0;
  if (__builtin_add_overflow(oneLayer, extra, &total))
    return std::numeric_limits<int64_t>::max();
  return total;
}
