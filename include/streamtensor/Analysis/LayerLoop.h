//===- LayerLoop.h - All layers of a block in one invocation ----*- C++ -*-===//
//
// A transformer block compiles into one Design (ProcessModel.h) that the
// host invokes once per layer. In the layer-loop mode the kernel walks the
// layers itself: every process loops over them, a `layer_table` process
// reads one row of a per-layer address table per layer and hands each DMA
// the offset it uses for that layer, and the DMAs that load a layer's input
// activation wait until the DMA that stores the previous layer's output has
// finished it (the activation goes through memory). Nothing else holds the
// weight DMAs back, so they prefetch into the next layer as far as their
// FIFOs let them; simulating the layered design measures that.
//
// Construction of loopLayers(design, spec), for L = spec.layers:
//
//  * Processes and FIFOs of `design` keep their indices. New FIFOs are
//    appended: first one per table reader, in spec.tableReaders order, then
//    one per sync pair, in spec.layerSyncs order. The table process, if any,
//    is appended after the input processes.
//  * Table FIFO "layer_table_to_<reader>": depth 2, tokenBits 64 (an
//    address). Sync FIFO "<writer>_to_<reader>_layer_done": depth 2,
//    tokenBits 1.
//  * "layer_table" (only when spec.tableReaders is not empty): a sequence
//    repeated L times of one leaf (tripCount 1, ii 1, latency
//    spec.tableReadLatency) writing one token to every table FIFO.
//  * Every input process's body becomes a sequence repeated L times whose
//    children are, in order:
//      1. (table readers) a leaf (tripCount 1, ii 1, latency 1) reading its
//         table FIFO: the layer starts once its offset is known;
//      2. the original body;
//      3. (sync writers) a leaf (tripCount 1, ii 1, latency 1) writing one
//         token to each of its sync FIFOs: "layer done";
//      4. (sync readers) a leaf (tripCount 1, ii 1, latency 1) reading each
//         of its sync FIFOs.
//    The sync read sits at the END of the reader's layer: layer l + 1 of the
//    reader starts only after the writer has finished layer l, and layer 0
//    does not wait. The reader's last layer, too, ends by taking the
//    writer's token, so the run ends 3 cycles after the writer's last body
//    (its write leaf, then the read one cycle after the write, which takes
//    one more). That is the same for every layer count, so it stays out of
//    the increment extrapolateLayers uses.
//
// Timing of one layer (layers = 1) compared with the input design: a table
// reader's original body starts at tableReadLatency + 2 instead of 0 (the
// token is written at tableReadLatency, readable one cycle later, and the
// read leaf takes one cycle); a sync writer spends one more cycle after its
// body and a sync reader waits for that token (readable one cycle after it
// is written) and takes one more cycle to read it.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_LAYERLOOP_H
#define STREAMTENSOR_ANALYSIS_LAYERLOOP_H

#include "streamtensor/Analysis/ProcessModel.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace streamtensor::perf {

struct LayerLoopSpec {
  /// >= 1.
  int64_t layers = 1;
  /// Processes (indices into Design::processes) that take one table entry at
  /// the start of every layer. No duplicates.
  std::vector<int> tableReaders;
  /// (writer, reader) process pairs: reader's layer l + 1 may only start
  /// after writer has finished layer l. writer != reader, no duplicate pairs.
  std::vector<std::pair<int, int>> layerSyncs;
  /// Cycles for the table process to read a row (an HBM read). >= 0.
  int64_t tableReadLatency = 64;
};

/// Checks `spec` against `design`: layers >= 1, tableReadLatency >= 0, every
/// index names a process of `design`, no sync pair has writer == reader, and
/// no table reader or sync pair is listed twice (each would get a second
/// FIFO of the same name; the indices come from the compiler, so a
/// duplicate is a bug there). Returns an empty string when the spec is
/// valid, otherwise a message naming the offending entry. `design` itself is
/// not checked: loopLayers keeps whatever it has, and the simulator's
/// validateDesign names it.
std::string validateLayerLoopSpec(const Design &design,
                                  const LayerLoopSpec &spec);

/// `design` run for spec.layers layers in one invocation (construction
/// above). When the spec is invalid, returns std::nullopt and, if `error` is
/// not null, stores validateLayerLoopSpec's message in it.
std::optional<Design> loopLayers(const Design &design,
                                 const LayerLoopSpec &spec,
                                 std::string *error = nullptr);

/// Cycles of `layers` layers from the simulated cycles of the layered design
/// with 1 and with 2 layers: the first layer, then the steady increment,
///   oneLayer + (layers - 1) * max(0, twoLayers - oneLayer).
/// Exact when every later layer adds what the second one did, which holds
/// once the run has settled into its per-layer pace after one layer;
/// prefetch that needs several layers to fill deep FIFOs can make the true
/// increments differ. 0 for layers < 1; saturates at INT64_MAX.
int64_t extrapolateLayers(int64_t oneLayer, int64_t twoLayers, int64_t layers);

} // namespace streamtensor::perf

#endif // STREAMTENSOR_ANALYSIS_LAYERLOOP_H
