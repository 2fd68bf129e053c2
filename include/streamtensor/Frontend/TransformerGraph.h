//===- TransformerGraph.h - A decoder block as linalg ----------*- C++ -*-===//
//
// Builds, from a model config, the functions the accelerator runs: the
// transformer block for prefill (N tokens, causal attention among them) and
// for decode (one token attending to the KV cache), and the final norm with
// the LM head. Each is one func.func of linalg.generic ops, fed to the
// ordinary pipeline. Weights are arguments, so one block kernel serves every
// layer; the signature says what each argument is, for the packing of
// parameters and for the host program.
//
// The position reaches the block as data: the rotary tables of the tokens'
// positions and an additive mask row per query (0 where attention is
// allowed, a large negative number elsewhere), both built by the host from
// the position. Causality, the valid part of the cache and Gemma's sliding
// window are all the mask, so local and global layers share one kernel.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_FRONTEND_TRANSFORMERGRAPH_H
#define STREAMTENSOR_FRONTEND_TRANSFORMERGRAPH_H

#include "streamtensor/Model/ModelConfig.h"
#include "streamtensor/Model/ModelTensors.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace streamtensor::frontend {

/// The graphs of a decoder-only LLM: the block (run once per layer) for
/// prefill and for decode, the LM head, and the token embedding of prefill's
/// tokens and of decode's one token.
enum class GraphKind { Prefill, Decode, LMHead, EmbedPrefill, EmbedDecode };

/// Number formats of the linear layers. Quantised layers multiply int8
/// activations (symmetric, one static scale per tensor) by int8 or int4
/// weights (symmetric, one scale per output channel) and accumulate in
/// int32; everything else (norms, softmax, activations, RoPE, attention's
/// products) stays float32.
enum class Precision { FP32, W8A8, W4A8 };

/// The largest magnitude of a quantised weight: 127 or 7.
int getWeightQuantMax(Precision precision);

llvm::StringRef getGraphName(GraphKind kind);

enum class ArgumentKind {
  /// The block's input hidden states, [tokens, hidden] (or the LM head's
  /// input, one token).
  Hidden,
  /// A weight of the layer, packed from a model tensor.
  Weight,
  /// Decode: the position of the new token, an int32 scalar (its row in
  /// the KV cache). Prefill's tokens are at positions 0 to tokens - 1.
  Position,
  /// Models with sliding-window layers: how many positions back a query
  /// sees (int32 scalar; at least the cache length for global layers).
  Window,
  /// The rotary inverse frequencies of the layer, [head_dim / 2]: the
  /// kernel computes the angles from the positions.
  RopeInverseFrequencies,
  /// The layer's KV cache (decode), [max_len, kv_heads, ...]; keys come in
  /// `parts` (two halves of head_dim with RoPE, one without).
  KeyCache,
  ValueCache,
  /// The embedding graphs' token ids, [tokens] int32: the rows of the
  /// embedding table the kernel gathers from device memory.
  Tokens,
};

enum class ResultKind { Hidden, NewKey, NewValue, Logits };

/// What a weight argument holds of its linear layer.
enum class WeightForm {
  /// The float32 values (selected rows).
  Values,
  /// The quantised integer values: one int8 each, or for int4 two per byte
  /// (element 2k in the low nibble, 2k + 1 in the high one) along the
  /// last dimension the layer reduces.
  Quantized,
  /// The activation scale of the layer's input, repeated over the input's
  /// dimensions (float32; the quantised input is x / scale).
  InputScale,
  /// Per output channel (and group, for group-wise int4), input scale times
  /// weight scale (float32; the output is the int32 sum times it, summed
  /// over the groups).
  OutputScale,
};

/// One stripe of a weight split over HBM pseudo-channels (the compiler's
/// StripeWeights pass): chunks index, index + count, index + 2 count, ...
/// of `chunkBytes` bytes each of the weight `of` as packed.
struct WeightStripe {
  std::string of;
  /// The whole weight's shape.
  std::vector<int64_t> shape;
  int64_t index = 0;
  int64_t count = 1;
  int64_t chunkBytes = 0;
};

struct GraphArgument {
  ArgumentKind kind;
  /// Names the argument in files and messages, e.g. "q_proj.a".
  std::string name;
  /// Shape of the argument (dimensions of size 1 dropped).
  std::vector<int64_t> shape;
  /// Weight: the tensor it comes from, and which of its rows (in the
  /// [out, in] orientation, after undoing gpt2's [in, out] storage) in which
  /// order; empty rows means all of them in order. 1-D tensors (biases,
  /// norms) select elements the same way.
  model::WeightRole role = model::WeightRole::TokenEmbedding;
  std::vector<int64_t> rows;
  /// KeyCache: which part of head_dim.
  int part = 0;
  /// Weight: which form of it.
  WeightForm form = WeightForm::Values;
  /// Weight: the stripe of a weight it is, if it is one.
  std::optional<WeightStripe> stripe;
  /// Weight: rows of zeros after the selected ones (the LM head's rows past
  /// the vocabulary, see getHeadRows).
  int64_t paddingRows = 0;

  /// Whether it is a scalar (passed by value) rather than a buffer.
  bool isScalar() const {
    return kind == ArgumentKind::Position || kind == ArgumentKind::Window;
  }

  /// Weight: the weight it holds, the striped one for a stripe.
  const std::string &getWeightName() const {
    return stripe ? stripe->of : name;
  }

  /// Bytes of one element in memory.
  int getElementBytes() const {
    return form == WeightForm::Quantized ? 1 : 4;
  }
};

/// Prefill's new keys and values are rows [0, tokens) of the cache; decode's
/// are the whole cache, updated in place (the kernel writes the row at the
/// position), so the caller passes the cache as the result's memory.
struct GraphResult {
  ResultKind kind;
  std::string name;
  std::vector<int64_t> shape;
  int part = 0;
};

struct GraphSignature {
  GraphKind kind;
  std::string function;
  int64_t tokens = 1;
  /// Keys attended to: tokens (prefill) or the cache length (decode).
  int64_t keys = 1;
  /// Key parts: 2 with RoPE (the rotated halves of head_dim), 1 without.
  int parts = 1;
  std::vector<GraphArgument> arguments;
  std::vector<GraphResult> results;
};

/// Appends the function of `kind` to `module`. `tokens` is the prefill
/// length, `maxLen` the cache length of decode. `groupSize` (w4a8 only, 0
/// for none) gives int4 weights one scale per group of that many inputs;
/// it must be even and divide hidden_size, head_dim and intermediate_size.
mlir::func::FuncOp buildTransformerGraph(mlir::ModuleOp module,
                                         const model::ModelConfig &config,
                                         GraphKind kind, int64_t tokens,
                                         int64_t maxLen, Precision precision,
                                         int64_t groupSize,
                                         GraphSignature &signature);

/// The LM head's output rows: the vocabulary rounded up to a multiple of
/// 128, the rows past it zero weights (so their logits are 0; the host
/// reads the first `vocabulary` only). A vocabulary such as GPT-2's 50257 =
/// 29 x 1733 tiles by 29 rows at any tile size from 29 to 1732, which
/// leaves the head's pipelined loops 29 iterations long and its unrolling
/// nowhere to go; 50304 = 128 x 393 tiles evenly.
int64_t getHeadRows(int64_t vocabulary);

/// The name quantisation scales are kept under for the linear layer that
/// reads `argument`: the HuggingFace name of its weight ("lm_head.weight"
/// for the LM head, tied or not).
std::string getLinearName(const model::TensorSpec &spec);

} // namespace streamtensor::frontend

#endif // STREAMTENSOR_FRONTEND_TRANSFORMERGRAPH_H
