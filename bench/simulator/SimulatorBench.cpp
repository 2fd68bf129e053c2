//===- SimulatorBench.cpp - Time the simulator on a GPT-2 Medium block ----===//
//
// Builds a synthetic dataflow design the size of one GPT-2 Medium transformer
// block (hidden 1024, 16 heads, MLP 4096, 32 tokens, all 12.6 M weights
// streamed from DMAs) and times simulate() on it.
//
//   streamtensor-bench-simulator [--width N] [--runs R]
//
// --width: elements per FIFO token (default 16); --runs: how many times to
// simulate (default 3; the best wall time is reported).
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Simulation/Simulator.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace streamtensor::perf;

namespace {

// GPT-2 Medium, one block, one sequence.
constexpr int64_t kSequence = 32;
constexpr int64_t kHidden = 1024;
constexpr int64_t kHeads = 16;
constexpr int64_t kHeadDim = kHidden / kHeads;
constexpr int64_t kMlp = 4096;

/// Weights moved by a DMA per burst request, in tokens, and the cycles
/// between two requests.
constexpr int64_t kBurstTokens = 64;
constexpr int64_t kBurstGap = 8;
/// Cycles before a DMA's first data arrives.
constexpr int64_t kMemoryLatency = 100;

LoopTree sequence(int64_t repeat, std::vector<LoopTree> children,
                  int64_t overhead = 0) {
  return LoopTree::makeSequence(repeat, std::move(children), overhead);
}

class BlockBuilder {
public:
  explicit BlockBuilder(int64_t width) : width(width) {}

  Design build();
  int64_t getWeightTokens() const { return weightTokens; }

private:
  /// Tokens of `elements` values.
  int64_t tokens(int64_t elements) const { return elements / width; }

  int fifo(const std::string &name, int64_t depth = 2) {
    design.fifos.push_back({name, depth, 32 * width});
    return int(design.fifos.size()) - 1;
  }
  void process(const std::string &name, LoopTree body) {
    design.processes.push_back({name, std::move(body)});
  }

  /// Streams `count` tokens from memory in bursts.
  void readDma(const std::string &name, int64_t count, int out) {
    process(
        name,
        sequence(1,
                 {sequence(count / kBurstTokens,
                           {LoopTree::makeLeaf(kBurstTokens, 1, 1, {}, {out})},
                           kBurstGap)},
                 kMemoryLatency));
  }
  void writeDma(const std::string &name, int64_t count, int in) {
    process(name, sequence(count / kBurstTokens,
                           {LoopTree::makeLeaf(kBurstTokens, 1, kMemoryLatency,
                                               {in})},
                           kBurstGap));
  }

  /// out[S x N] = in[S x K] * W[K x N], weights streamed from their own DMA:
  /// buffer the input, then for each block of `width` output columns reduce
  /// over K (one weight token per cycle) and emit the block, one token per
  /// row.
  void matmul(const std::string &name, int64_t k, int64_t n, int in, int out) {
    int weights = fifo(name + "_weights");
    readDma(name + "_dma", tokens(k * n), weights);
    weightTokens += tokens(k * n);
    process(
        name,
        sequence(1, {LoopTree::makeLeaf(tokens(kSequence * k), 1, 2, {in}),
                     sequence(tokens(n),
                              {LoopTree::makeLeaf(k, 1, 8, {weights}),
                               LoopTree::makeLeaf(kSequence, 1, 3, {}, {out})},
                              2)}));
  }

  /// A reduction over each row, a scalar computation, then the row again
  /// (buffered) scaled: layernorm-like.
  void layerNorm(const std::string &name, int in, int out) {
    process(name,
            sequence(kSequence,
                     {LoopTree::makeLeaf(tokens(kHidden), 1, 4, {in}),
                      LoopTree::makeLeaf(1, 1, 24), // mean, variance, rsqrt
                      LoopTree::makeLeaf(tokens(kHidden), 1, 6, {}, {out})},
                     1));
  }

  void fork(const std::string &name, int64_t count, int in,
            std::vector<int> outs) {
    process(name, LoopTree::makeLeaf(count, 1, 1, {in}, std::move(outs)));
  }

  void elementwise(const std::string &name, int64_t count, int64_t latency,
                   std::vector<int> ins, int out) {
    process(name, LoopTree::makeLeaf(count, 1, latency, std::move(ins), {out}));
  }

  int64_t width;
  Design design;
  int64_t weightTokens = 0;
};

Design BlockBuilder::build() {
  const int64_t activation = tokens(kSequence * kHidden);
  const int64_t scoreRow = std::max<int64_t>(1, tokens(kSequence));
  // The residual branches hold a whole activation while the main branch
  // works through it.
  const int64_t residualDepth = activation + 2;

  // Attention: x -> ln1 -> q, k, v projections -> scores -> softmax -> pv ->
  // output projection -> + x.
  int x = fifo("x");
  int xToLn = fifo("x_to_ln1");
  int xResidual = fifo("x_residual", residualDepth);
  readDma("dma_x", activation, x);
  fork("fork_x", activation, x, {xToLn, xResidual});

  int ln1 = fifo("ln1_out");
  layerNorm("ln1", xToLn, ln1);
  int qIn = fifo("q_in"), kIn = fifo("k_in"), vIn = fifo("v_in");
  fork("fork_ln1", activation, ln1, {qIn, kIn, vIn});

  int q = fifo("q"), k = fifo("k"), v = fifo("v");
  matmul("q_proj", kHidden, kHidden, qIn, q);
  matmul("k_proj", kHidden, kHidden, kIn, k);
  matmul("v_proj", kHidden, kHidden, vIn, v);

  // Scores, per head and query row: one dot product of kHeadDim per key.
  int scores = fifo("scores");
  process(
      "qk",
      sequence(1, {LoopTree::makeLeaf(activation, 1, 1, {q, k}),
                   sequence(kHeads * kSequence,
                            {LoopTree::makeLeaf(
                                 kSequence,
                                 std::max<int64_t>(1, tokens(kHeadDim)), 4),
                             LoopTree::makeLeaf(scoreRow, 1, 1, {}, {scores})},
                            1)}));

  // Softmax: the row maximum is computed while the fork holds the row for
  // exp, a reconvergent path whose FIFO must take a whole row.
  int scoresToMax = fifo("scores_to_max");
  int scoresToExp = fifo("scores_to_exp", 2 * scoreRow + 2);
  fork("fork_scores", kHeads * kSequence * scoreRow, scores,
       {scoresToMax, scoresToExp});
  int maxToExp = fifo("max_to_exp");
  process("row_max",
          sequence(kHeads * kSequence,
                   {LoopTree::makeLeaf(scoreRow, 1, 2, {scoresToMax}),
                    LoopTree::makeLeaf(1, 1, 2, {}, {maxToExp})}));
  int exps = fifo("exps");
  process("exp", sequence(kHeads * kSequence,
                          {LoopTree::makeLeaf(1, 1, 1, {maxToExp}),
                           LoopTree::makeLeaf(scoreRow, 1, 10, {scoresToExp},
                                              {exps})}));
  int probs = fifo("probs");
  process("normalize",
          sequence(kHeads * kSequence,
                   {LoopTree::makeLeaf(scoreRow, 1, 2, {exps}),
                    LoopTree::makeLeaf(1, 1, 16), // reciprocal of the sum
                    LoopTree::makeLeaf(scoreRow, 1, 4, {}, {probs})}));

  // Probabilities times values, per head and query row.
  int attention = fifo("attention");
  process("pv",
          sequence(1, {LoopTree::makeLeaf(activation, 1, 1, {v}),
                       sequence(kHeads * kSequence,
                                {LoopTree::makeLeaf(scoreRow, 1, 2, {probs}),
                                 LoopTree::makeLeaf(kSequence, 1, 6),
                                 LoopTree::makeLeaf(tokens(kHeadDim), 1, 1, {},
                                                    {attention})},
                                1)}));

  int projected = fifo("o_proj_out");
  matmul("o_proj", kHidden, kHidden, attention, projected);
  int h1 = fifo("h1");
  elementwise("residual1", activation, 2, {xResidual, projected}, h1);

  // MLP: h1 -> ln2 -> up -> gelu -> down -> + h1.
  int h1ToLn = fifo("h1_to_ln2");
  int h1Residual = fifo("h1_residual", residualDepth);
  fork("fork_h1", activation, h1, {h1ToLn, h1Residual});
  int ln2 = fifo("ln2_out");
  layerNorm("ln2", h1ToLn, ln2);
  int up = fifo("mlp_up_out");
  matmul("mlp_up", kHidden, kMlp, ln2, up);
  int gelu = fifo("gelu_out");
  elementwise("gelu", tokens(kSequence * kMlp), 12, {up}, gelu);
  int down = fifo("mlp_down_out");
  matmul("mlp_down", kMlp, kHidden, gelu, down);
  int out = fifo("out");
  elementwise("residual2", activation, 2, {h1Residual, down}, out);
  writeDma("dma_out", activation, out);
  return design;
}

const char *getStatusName(SimulationStatus status) {
  switch (status) {
  case SimulationStatus::Completed:
    return "completed";
  case SimulationStatus::Deadlocked:
    return "deadlocked";
  case SimulationStatus::LimitReached:
    return "limit reached";
  case SimulationStatus::InvalidDesign:
    return "invalid design";
  }
  return "?";
}

int usage(const char *program) {
  std::fprintf(stderr, "usage: %s [--width N] [--runs R]\n", program);
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  int64_t width = 16;
  int runs = 3;
  for (int i = 1; i < argc; ++i) {
    if (i + 1 < argc && !std::strcmp(argv[i], "--width"))
      width = std::atoll(argv[++i]);
    else if (i + 1 < argc && !std::strcmp(argv[i], "--runs"))
      runs = std::atoi(argv[++i]);
    else
      return usage(argv[0]);
  }
  // Every dimension of the block is a multiple of the sequence length (32)
  // and of the head size (64).
  if (width < 1 || kSequence % width != 0 || runs < 1) {
    std::fprintf(stderr, "--width must divide %lld; --runs must be >= 1\n",
                 (long long)kSequence);
    return 2;
  }

  BlockBuilder builder(width);
  Design design = builder.build();

  double bestSeconds = 0;
  SimulationResult result;
  for (int run = 0; run < runs; ++run) {
    auto begin = std::chrono::steady_clock::now();
    result = simulate(design);
    std::chrono::duration<double> elapsed =
        std::chrono::steady_clock::now() - begin;
    if (run == 0 || elapsed.count() < bestSeconds)
      bestSeconds = elapsed.count();
  }

  int64_t tokens = 0;
  for (const FifoStats &fifo : result.fifos)
    tokens += fifo.tokensRead;
  std::printf("GPT-2 Medium block, %lld elements per token: %zu processes, "
              "%zu FIFOs\n",
              (long long)width, design.processes.size(), design.fifos.size());
  std::printf("weight tokens:     %lld (%lld weights)\n",
              (long long)builder.getWeightTokens(),
              (long long)(builder.getWeightTokens() * width));
  std::printf("tokens moved:      %lld\n", (long long)tokens);
  std::printf("status:            %s\n", getStatusName(result.status));
  if (result.status == SimulationStatus::InvalidDesign)
    std::printf("error:             %s\n", result.error.c_str());
  if (result.isDeadlocked())
    std::printf("%s\n", formatDeadlockReport(design, result.deadlock).c_str());
  std::printf("simulated cycles:  %lld\n", (long long)result.totalCycles);
  std::printf("simulate() wall:   %.3f ms (best of %d), %.1f ns per token\n",
              bestSeconds * 1e3, runs,
              tokens ? bestSeconds * 1e9 / double(tokens) : 0.0);
  return result.status == SimulationStatus::Completed ? 0 : 1;
}
