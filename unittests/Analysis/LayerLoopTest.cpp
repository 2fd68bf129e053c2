//===- LayerLoopTest.cpp - All layers of a block in one invocation --------===//
//
// loopLayers (LayerLoop.h) on a small block: an activation load and a
// weight load feed a compute process whose results a store writes back.
// Every expected cycle below is worked out by hand from the simulator's
// timing rules (Simulator.h): iteration k of a leaf starts at
//   s_k = max(s_{k-1} + ii, write of the token read + 1,
//             read of the token d writes back + 1 - latency),
// writes at s_k + latency, and the leaf ends at s_last + latency.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Analysis/LayerLoop.h"

#include "streamtensor/Simulation/Simulator.h"

#include <gtest/gtest.h>

#include <limits>

using namespace streamtensor;
using namespace streamtensor::perf;

namespace {

enum BlockProcess { kActLoad = 0, kWeightLoad, kCompute, kStore };
enum BlockFifo { kActFifo = 0, kWeightFifo, kResultFifo };

constexpr int64_t kTableLatency = 10;

Fifo makeFifo(const std::string &name, int64_t depth) {
  Fifo fifo;
  fifo.name = name;
  fifo.depth = depth;
  return fifo;
}

/// One layer of the block, four tokens per FIFO:
///   act_load    4 trips, II 1, latency 2, writes act
///   weight_load 4 trips, II 2, latency 2, writes weights (the slow one)
///   compute     4 trips, II 1, latency 3, reads act and weights,
///               writes result
///   store       4 trips, II 1, latency 2, reads result
/// act and result hold one layer (depth 4); weights is `weightDepth` deep.
///
/// Alone (no layer loop): act is written at 2..5, weights at 2, 4, 6, 8, so
/// compute starts at 3, 5, 7, 9 (paced by the weights) and writes at 6, 8,
/// 10, 12; store reads at 7, 9, 11, 13 and ends at 15.
Design makeBlock(int64_t weightDepth = 8) {
  Design design;
  design.fifos = {makeFifo("act", 4), makeFifo("weights", weightDepth),
                  makeFifo("result", 4)};
  design.processes = {
      {"act_load", LoopTree::makeLeaf(4, 1, 2, {}, {kActFifo})},
      {"weight_load", LoopTree::makeLeaf(4, 2, 2, {}, {kWeightFifo})},
      {"compute",
       LoopTree::makeLeaf(4, 1, 3, {kActFifo, kWeightFifo}, {kResultFifo})},
      {"store", LoopTree::makeLeaf(4, 1, 2, {kResultFifo}, {})},
  };
  return design;
}

/// The DMAs read the table; the activation load waits for the store.
LayerLoopSpec makeSpec(int64_t layers) {
  LayerLoopSpec spec;
  spec.layers = layers;
  spec.tableReaders = {kActLoad, kWeightLoad, kStore};
  spec.layerSyncs = {{kStore, kActLoad}};
  spec.tableReadLatency = kTableLatency;
  return spec;
}

Design layer(const Design &design, const LayerLoopSpec &spec) {
  std::string error;
  std::optional<Design> layered = loopLayers(design, spec, &error);
  EXPECT_TRUE(layered.has_value()) << error;
  EXPECT_EQ(error, "");
  return layered ? *layered : Design();
}

/// The finish cycle of every process, after checking that the run completed.
std::vector<int64_t> finishCycles(const Design &design,
                                  int64_t *total = nullptr) {
  SimulationResult result = simulate(design);
  EXPECT_EQ(result.status, SimulationStatus::Completed)
      << result.error << formatDeadlockReport(design, result.deadlock);
  std::vector<int64_t> cycles;
  for (const ProcessStats &stats : result.processes)
    cycles.push_back(stats.cycle);
  if (total)
    *total = result.totalCycles;
  return cycles;
}

void expectHandshake(const LoopTree &tree, std::vector<int> reads,
                     std::vector<int> writes) {
  ASSERT_TRUE(tree.isLeaf);
  EXPECT_EQ(tree.leaf.tripCount, 1);
  EXPECT_EQ(tree.leaf.ii, 1);
  EXPECT_EQ(tree.leaf.latency, 1);
  EXPECT_EQ(tree.leaf.reads, reads);
  EXPECT_EQ(tree.leaf.writes, writes);
}

TEST(LayerLoop, BuildsTheDocumentedStructure) {
  Design block = makeBlock();
  Design layered = layer(block, makeSpec(3));
  EXPECT_EQ(validateDesign(layered), "");

  // The input's processes and FIFOs keep their indices; the table FIFOs
  // (in tableReaders order), then the sync FIFO, then the table process
  // follow.
  ASSERT_EQ(layered.processes.size(), 5u);
  ASSERT_EQ(layered.fifos.size(), 7u);
  for (int p = 0; p < 4; ++p)
    EXPECT_EQ(layered.processes[p].name, block.processes[p].name);
  for (int f = 0; f < 3; ++f)
    EXPECT_EQ(layered.fifos[f].name, block.fifos[f].name);
  const char *names[] = {"layer_table_to_act_load",
                         "layer_table_to_weight_load", "layer_table_to_store",
                         "store_to_act_load_layer_done"};
  for (int f = 3; f < 7; ++f) {
    EXPECT_EQ(layered.fifos[f].name, names[f - 3]);
    EXPECT_EQ(layered.fifos[f].depth, 2);
    EXPECT_EQ(layered.fifos[f].tokenBits, f < 6 ? 64 : 1);
  }

  const LoopTree &table = layered.processes[4].body;
  EXPECT_EQ(layered.processes[4].name, "layer_table");
  EXPECT_FALSE(table.isLeaf);
  EXPECT_EQ(table.repeat, 3);
  ASSERT_EQ(table.children.size(), 1u);
  ASSERT_TRUE(table.children[0].isLeaf);
  EXPECT_EQ(table.children[0].leaf.tripCount, 1);
  EXPECT_EQ(table.children[0].leaf.latency, kTableLatency);
  EXPECT_EQ(table.children[0].leaf.reads, std::vector<int>{});
  EXPECT_EQ(table.children[0].leaf.writes, (std::vector<int>{3, 4, 5}));

  for (const Process &process : layered.processes)
    EXPECT_EQ(process.body.repeat, 3) << process.name;

  // Table read, body, sync read.
  const LoopTree &act = layered.processes[kActLoad].body;
  ASSERT_EQ(act.children.size(), 3u);
  expectHandshake(act.children[0], {3}, {});
  EXPECT_EQ(act.children[1].leaf.writes, std::vector<int>{kActFifo});
  expectHandshake(act.children[2], {6}, {});
  // Table read, body.
  const LoopTree &weights = layered.processes[kWeightLoad].body;
  ASSERT_EQ(weights.children.size(), 2u);
  expectHandshake(weights.children[0], {4}, {});
  EXPECT_EQ(weights.children[1].leaf.writes, std::vector<int>{kWeightFifo});
  // The body alone.
  const LoopTree &compute = layered.processes[kCompute].body;
  ASSERT_EQ(compute.children.size(), 1u);
  EXPECT_EQ(compute.children[0].leaf.writes, std::vector<int>{kResultFifo});
  // Table read, body, sync write.
  const LoopTree &store = layered.processes[kStore].body;
  ASSERT_EQ(store.children.size(), 3u);
  expectHandshake(store.children[0], {5}, {});
  EXPECT_EQ(store.children[1].leaf.reads, std::vector<int>{kResultFifo});
  expectHandshake(store.children[2], {}, {6});
}

TEST(LayerLoop, NoTableReadersMeansNoTableProcess) {
  LayerLoopSpec spec = makeSpec(2);
  spec.tableReaders.clear();
  Design layered = layer(makeBlock(), spec);
  EXPECT_EQ(validateDesign(layered), "");
  ASSERT_EQ(layered.processes.size(), 4u);
  ASSERT_EQ(layered.fifos.size(), 4u);
  EXPECT_EQ(layered.fifos[3].name, "store_to_act_load_layer_done");
}

TEST(LayerLoop, OneLayerIsTheBlockAfterTheTableRead) {
  Design block = makeBlock();
  int64_t original = 0;
  EXPECT_EQ(finishCycles(block, &original),
            (std::vector<int64_t>{5, 8, 12, 15}));
  EXPECT_EQ(original, 15);

  // Table only: the table writes every offset at 10, readable at 11; each
  // DMA's read leaf runs 11..12, so its body starts at 12 instead of 0.
  // Compute only waits for data, so the whole block moves by
  // kTableLatency + 2 = 12; the table process itself ends at 10.
  LayerLoopSpec tableOnly = makeSpec(1);
  tableOnly.layerSyncs.clear();
  int64_t total = 0;
  EXPECT_EQ(finishCycles(layer(block, tableOnly), &total),
            (std::vector<int64_t>{17, 20, 24, 27, 10}));
  EXPECT_EQ(total, original + kTableLatency + 2);

  // With the sync: the store writes its token at 27 + 1 = 28, the
  // activation load reads it at 29 and ends at 30.
  EXPECT_EQ(finishCycles(layer(block, makeSpec(1)), &total),
            (std::vector<int64_t>{30, 20, 24, 28, 10}));
  EXPECT_EQ(total, original + kTableLatency + 2 + 3);
}

// Two layers, weights FIFO 8 deep (two layers' worth).
//
// Layer 0 is the one-layer run: act written 14..17, weights 14, 16, 18, 20,
// compute starts 15, 17, 19, 21 (writes 18..24 every 2), store reads 19, 21,
// 23, 25, its body ends at 27, its sync token is written at 28.
// The table writes layer 1's offsets at 20 (readable at 21).
//
// act_load: its layer-0 sync read waits for that token: 29..30. Layer 1:
// table read 30..31, body 31..34 (writes 33..36, ends 36), sync read of the
// store's layer-1 token (below) at 45, ends 46.
// weight_load: nothing holds it back but the table: layer-1 read 21..22,
// body 22, 24, 26, 28 (writes 24..30, room to spare in 8 slots), ends 30.
// compute: layer 1 waits for act (readable 34..37), the weights are long
// there: starts 34..37, writes 37..40, ends 40.
// store: layer-1 table read 28..29, reads result at 38..41, body ends 43,
// sync token written at 44, ends 44.
TEST(LayerLoop, TwoLayersWaitForTheStoreButPrefetchWeights) {
  Design block = makeBlock();
  int64_t total = 0;
  std::vector<int64_t> prefetch =
      finishCycles(layer(block, makeSpec(2)), &total);
  EXPECT_EQ(prefetch, (std::vector<int64_t>{46, 30, 40, 44, 20}));
  EXPECT_EQ(total, 46);

  // The activation load's waits: 11 for the first offset, 29 - 17 = 12 for
  // the store's layer 0, 45 - 36 = 9 for its layer 1. Without them it would
  // take its two layers' busy cycles (2 x (1 + 5 + 1)).
  SimulationResult result = simulate(layer(block, makeSpec(2)));
  EXPECT_EQ(result.processes[kActLoad].busyCycles, 14);
  EXPECT_EQ(result.processes[kActLoad].dataStallCycles, 11 + 12 + 9);
  EXPECT_EQ(result.processes[kActLoad].roomStallCycles, 0);

  // What the sync prevents: without it, the activation load's layer 1
  // (table read 21..22, writes 24..27) would load layer 1's input while the
  // store is still writing layer 0's output (its body ends at 27).
  LayerLoopSpec unsynced = makeSpec(2);
  unsynced.layerSyncs.clear();
  EXPECT_EQ(finishCycles(layer(block, unsynced))[kActLoad], 27);

  // The weight load also waiting for the store: its layer 0 ends with the
  // sync read 29..30, layer 1 is table read 30..31 and body 31..37 (writes
  // 33, 35, 37, 39), so compute's layer 1 is paced by the weights again:
  // starts 34, 36, 38, 40, writes 37..43. The store reads 38..44, ends its
  // body at 46, writes its token at 47, both loads read it 48..49.
  LayerLoopSpec noPrefetch = makeSpec(2);
  noPrefetch.layerSyncs.push_back({kStore, kWeightLoad});
  std::vector<int64_t> waiting = finishCycles(layer(block, noPrefetch), &total);
  EXPECT_EQ(waiting, (std::vector<int64_t>{49, 49, 43, 47, 20}));
  EXPECT_EQ(total, 49);
  // The prefetch: the weights are loaded 19 cycles sooner and the block
  // ends 3 cycles sooner.
  EXPECT_LT(prefetch[kWeightLoad], waiting[kWeightLoad]);
  EXPECT_LT(prefetch[kStore], waiting[kStore]);
}

// The prefetch goes as far as the weights FIFO allows. One slot: layer 0 is
// unchanged (the weight load writes at 14, 16, 18, 20, one cycle after
// compute takes the previous token), and in layer 1 it writes one token at
// 24 and then waits for compute, whose layer 1 starts at 34 (when act
// arrives): token 5 starts at 34 + 1 - 2 = 33, and so on every other
// cycle: writes 35, 37, 39, ends 39. Compute is paced by the weights as
// without prefetch: same total, 49.
TEST(LayerLoop, ShallowWeightFifoLimitsThePrefetch) {
  int64_t total = 0;
  EXPECT_EQ(
      finishCycles(layer(makeBlock(/*weightDepth=*/1), makeSpec(2)), &total),
      (std::vector<int64_t>{49, 39, 43, 47, 20}));
  EXPECT_EQ(total, 49);
}

// Layers 2 and 3 follow the pattern of layer 1: the store's layer-l token
// at 28 + 16 l, the activation load's layer l + 1 from 30 + 16 l, the
// weights two layers ahead (layer 2 written 34..40, layer 3 44..50; the 8
// slots hold compute's next two layers). Each layer adds 16 cycles, so the
// extrapolation from one and two layers is exact here.
TEST(LayerLoop, ExtrapolationMatchesMoreLayers) {
  Design block = makeBlock();
  int64_t one = 0, two = 0, three = 0, four = 0;
  finishCycles(layer(block, makeSpec(1)), &one);
  finishCycles(layer(block, makeSpec(2)), &two);
  finishCycles(layer(block, makeSpec(3)), &three);
  std::vector<int64_t> fourFinish =
      finishCycles(layer(block, makeSpec(4)), &four);
  EXPECT_EQ(one, 30);
  EXPECT_EQ(two, 46);
  EXPECT_EQ(three, 62);
  EXPECT_EQ(four, 78);
  EXPECT_EQ(fourFinish, (std::vector<int64_t>{78, 50, 72, 76, 40}));
  EXPECT_EQ(extrapolateLayers(one, two, 3), three);
  EXPECT_EQ(extrapolateLayers(one, two, 4), four);
}

TEST(LayerLoop, BadSpecsAreReportedNotBuilt) {
  Design block = makeBlock();
  auto expectError = [&](const LayerLoopSpec &spec, const std::string &part) {
    std::string error;
    std::optional<Design> layered = loopLayers(block, spec, &error);
    EXPECT_FALSE(layered.has_value());
    EXPECT_NE(error.find(part), std::string::npos) << error;
    EXPECT_EQ(validateLayerLoopSpec(block, spec), error);
    // No error string requested: still no design, no crash.
    EXPECT_FALSE(loopLayers(block, spec).has_value());
  };

  LayerLoopSpec spec = makeSpec(0);
  expectError(spec, "layers must be at least 1");
  spec = makeSpec(-3);
  expectError(spec, "layers must be at least 1");

  spec = makeSpec(2);
  spec.tableReadLatency = -1;
  expectError(spec, "tableReadLatency");

  spec = makeSpec(2);
  spec.tableReaders.push_back(4); // the table's own index, not an input's
  expectError(spec, "tableReaders[3] 4 is not a process");
  spec = makeSpec(2);
  spec.tableReaders.push_back(-1);
  expectError(spec, "tableReaders[3] -1 is not a process");
  spec = makeSpec(2);
  spec.tableReaders.push_back(kStore);
  expectError(spec, "'store' is listed twice");

  spec = makeSpec(2);
  spec.layerSyncs.push_back({kStore, 7});
  expectError(spec, "layerSyncs[1] reader 7 is not a process");
  spec = makeSpec(2);
  spec.layerSyncs.push_back({std::numeric_limits<int>::min(), kActLoad});
  expectError(spec, "layerSyncs[1] writer");
  spec = makeSpec(2);
  spec.layerSyncs.push_back({kCompute, kCompute});
  expectError(spec, "'compute' cannot sync with itself");
  spec = makeSpec(2);
  spec.layerSyncs.push_back({kStore, kActLoad});
  expectError(spec, "pair ('store', 'act_load') is listed twice");

  // An empty design has no process to name, but loops fine with no roles.
  EXPECT_NE(validateLayerLoopSpec(Design(), makeSpec(1))
                .find("tableReaders[0] 0 is not a process"),
            std::string::npos);
  EXPECT_EQ(validateLayerLoopSpec(Design(), LayerLoopSpec()), "");
  ASSERT_TRUE(loopLayers(Design(), LayerLoopSpec()).has_value());
}

TEST(LayerLoop, ExtrapolateLayers) {
  EXPECT_EQ(extrapolateLayers(30, 46, 1), 30);
  EXPECT_EQ(extrapolateLayers(30, 46, 2), 46);
  EXPECT_EQ(extrapolateLayers(30, 46, 24), 30 + 23 * 16);
  EXPECT_EQ(extrapolateLayers(1000, 1000, 12), 1000);
  // A second layer that seems to take less than nothing adds nothing.
  EXPECT_EQ(extrapolateLayers(100, 90, 5), 100);
  EXPECT_EQ(extrapolateLayers(100, 200, 0), 0);
  EXPECT_EQ(extrapolateLayers(100, 200, -1), 0);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(extrapolateLayers(100, int64_t(1) << 62, 8), kMax);
  EXPECT_EQ(extrapolateLayers(kMax - 1, kMax, 3), kMax);
}

} // namespace
