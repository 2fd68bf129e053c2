//===- StripeWeights.cpp - One weight over several HBM pseudo-channels ----===//
//
// A kernel port is bound to one pseudo-channel, which gives it about 53
// bytes per cycle on the U55C, while a weight DMA feeding 64-byte tokens
// wants 64 every cycle; decode reads every weight once per token, so its
// speed is the weights' bandwidth. A weight whose DMA streams it front to
// back (LowerKernelToFunc marks such a DMA `dataflow.in_order_repeats`) is
// therefore split into S stripes by chunks of C bytes, C = token bytes / S:
// stripe s holds chunks s, s + S, s + 2S, ... of the packed weight, so that
// every token takes one chunk from each stripe. Each stripe is a buffer of
// its own behind a port of its own, which the HBM plan places on its own
// channel, and the DMA reads the S ports side by side.
//
// The graph function's argument becomes S arguments with the attributes of
// the original plus `dataflow.stripe` {index, count, chunk_bytes}: the
// driver writes each stripe's file from the packed weight, and the host
// binds them like any weight.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"
#include "streamtensor/Dialect/Dataflow/Transforms/StreamUtils.h"
#include "streamtensor/Dialect/Dataflow/Transforms/TokenRuns.h"
#include "streamtensor/Performance/DesignAnalysis.h"

#include "mlir/IR/SymbolTable.h"

#include <cmath>

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_STRIPEWEIGHTS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// A DMA that can read its weight from stripes, and how it is bound.
struct StripeCandidate {
  func::FuncOp entry;
  func::CallOp kernelCall;
  func::FuncOp kernel;
  func::CallOp processCall;
  func::FuncOp process;
  /// The weight's position among the entry's and the kernel's arguments
  /// (the process's is 0: a DMA takes its memory, then its FIFO).
  unsigned entryArg, kernelArg;
  /// The reshapes between the entry's argument and the kernel call.
  SmallVector<Operation *> views;
  int64_t repeats;
  MemRefType memory;
  /// The FIFO's token: `join` tokens of the DMA's FIFO as it was, when its
  /// reader takes that many at a time (`runs`).
  VectorType token;
  int64_t stripes;
  StreamOp fifo;
  int64_t join = 1;
  SmallVector<TokenRun> runs;
  /// When the reader's run is in a loop unrolled in part (the join takes
  /// the tokens of several copies of its body): that loop, whose copies'
  /// runs are made one before the join (expandUnrolledRead).
  std::optional<UnrolledRead> unrolled;
};

/// The only call of `callee` in `module`, if it has exactly one.
func::CallOp getOnlyCall(func::FuncOp callee, ModuleOp module) {
  std::optional<SymbolTable::UseRange> uses =
      SymbolTable::getSymbolUses(callee, module);
  if (!uses || !llvm::hasSingleElement(*uses))
    return {};
  return dyn_cast<func::CallOp>(uses->begin()->getUser());
}

/// The argument of `function` that `value` is, if it is one used once.
std::optional<unsigned> getOnlyUseArgument(Value value,
                                           func::FuncOp function) {
  auto argument = dyn_cast<BlockArgument>(value);
  if (!argument || argument.getOwner() != &function.getBody().front() ||
      !argument.hasOneUse())
    return std::nullopt;
  return argument.getArgNumber();
}

/// The argument of `function` whose memory `value` views through reshapes
/// (the packed shape of a weight is a view of the host's buffer), if that
/// is its only use; `views` gets the reshapes, last first.
std::optional<unsigned>
getViewedArgument(Value value, func::FuncOp function,
                  SmallVectorImpl<Operation *> &views) {
  while (Operation *view = value.getDefiningOp()) {
    if (!isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(view) ||
        !value.hasOneUse())
      return std::nullopt;
    views.push_back(view);
    value = view->getOperand(0);
  }
  return getOnlyUseArgument(value, function);
}

/// The reader's end of `fifo`, which `writer` writes: the argument of the
/// process that the kernel's other call passes it to.
Value getReaderArgument(StreamOp fifo, func::CallOp writer) {
  for (OpOperand &use : fifo.getResult().getUses()) {
    auto call = dyn_cast<func::CallOp>(use.getOwner());
    if (!call || call == writer)
      continue;
    auto reader = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!reader || reader.isExternal())
      return {};
    return reader.getArgument(use.getOperandNumber());
  }
  return {};
}

/// Bytes of one element of a memory or token (0 when not whole bytes).
int64_t getElementBytes(Type element) {
  int64_t bits = perf::getBitWidth(element);
  return bits % 8 ? 0 : bits / 8;
}

class StripeWeightsPass
    : public dataflow::impl::StripeWeightsBase<StripeWeightsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<Platform> target = perf::loadPlatformFor(module, platform);
    if (failed(target))
      return signalPassFailure();
    channelBytesPerCycle = target->getHbmBytesPerCyclePerChannel();
    maxStripes = std::max<int64_t>(1, target->hbm.pseudoChannels);
    // A kernel runs alone on the device (an LLM's kernels one after
    // another), so one weight may take every channel: GPT-2 Medium's LM
    // head reads 16 rows a cycle, 1 KiB from 32 stripes.
    joinStripeLimit = maxJoinStripes > 0 ? int64_t(maxJoinStripes) : maxStripes;
    // One at a time: striping renumbers the arguments and rebuilds the
    // calls that the next candidate would hold on to.
    while (std::optional<StripeCandidate> candidate = findCandidate(module))
      stripe(*candidate);
  }

private:
  double channelBytesPerCycle = 0;
  int64_t maxStripes = 1;
  int64_t joinStripeLimit = 1;

  /// How many stripes keep up with one token of `tokenBytes` in `lanes`
  /// lanes per cycle: each port's chunk within its channel's bandwidth, S
  /// dividing the lanes. 1 when one port does, or none can.
  int64_t chooseStripes(int64_t tokenBytes, int64_t lanes) const {
    if (stripes > 0)
      return lanes % stripes == 0 ? stripes : 1;
    if (channelBytesPerCycle <= 0)
      return 1;
    auto needed = static_cast<int64_t>(
        std::ceil(double(tokenBytes) / channelBytesPerCycle));
    for (int64_t count = std::max<int64_t>(needed, 1);
         count <= std::min(lanes, maxStripes); ++count)
      if (lanes % count == 0)
        return count;
    return 1;
  }

  /// When the reader takes k tokens at a time, the FIFO may carry tokens
  /// j times as wide, j a divisor of k, from j times the stripes: the
  /// largest j whose stripes keep up and number at most max-join-stripes
  /// (the HBM has a few dozen channels for all of a kernel's ports).
  void chooseJoin(StripeCandidate &candidate, int64_t lanes,
                  int64_t elementBytes, int64_t elements) const {
    Value reader = getReaderArgument(candidate.fifo, candidate.processCall);
    std::optional<SmallVector<TokenRun>> runs =
        reader ? findTokenRuns(reader) : std::nullopt;
    std::optional<UnrolledRead> unrolled;
    int64_t length = 1;
    if (runs && !runs->empty())
      length = static_cast<int64_t>(runs->front().reads.size());
    // A run in a loop unrolled in part: a run per copy of the body in each
    // pipelined iteration.
    if (reader && (unrolled = findUnrolledRead(reader)))
      length *= unrolled->factor;
    if (length < 2)
      return;
    for (int64_t join = length; join > 1; --join) {
      int64_t joinedLanes = join * lanes;
      if (length % join || elements % joinedLanes)
        continue;
      int64_t count = chooseStripes(joinedLanes * elementBytes, joinedLanes);
      if (count < 2 || count > joinStripeLimit)
        continue;
      candidate.join = join;
      candidate.stripes = count;
      candidate.unrolled = unrolled;
      if (!unrolled)
        candidate.runs = std::move(*runs);
      candidate.token = VectorType::get(
          {joinedLanes}, candidate.token.getElementType());
      return;
    }
  }

  std::optional<StripeCandidate> findCandidate(ModuleOp module) {
    for (func::FuncOp kernel : perf::getKernelFunctions(module))
      for (auto call : kernel.getBody().getOps<func::CallOp>())
        if (std::optional<StripeCandidate> candidate =
                getCandidate(module, kernel, call))
          return candidate;
    return std::nullopt;
  }

  std::optional<StripeCandidate> getCandidate(ModuleOp module,
                                              func::FuncOp kernel,
                                              func::CallOp call) {
    auto process = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!process || process.isExternal() ||
        !process->hasAttr("dataflow.in_order_repeats") ||
        call.getNumOperands() != 2 || !getOnlyCall(process, module))
      return std::nullopt;
    StripeCandidate candidate;
    candidate.kernel = kernel;
    candidate.process = process;
    candidate.processCall = call;
    candidate.repeats =
        process->getAttrOfType<IntegerAttr>("dataflow.in_order_repeats")
            .getInt();
    // (memory, FIFO): the DMA reads the weight and writes one FIFO.
    std::optional<unsigned> kernelArg =
        getOnlyUseArgument(call.getOperand(0), kernel);
    auto fifo = dyn_cast<StreamType>(call.getOperand(1).getType());
    if (!kernelArg || !fifo)
      return std::nullopt;
    candidate.kernelArg = *kernelArg;
    candidate.memory = dyn_cast<MemRefType>(call.getOperand(0).getType());
    candidate.token = dyn_cast<VectorType>(fifo.getElementType());
    if (!candidate.memory || !candidate.memory.hasStaticShape() ||
        !candidate.token || candidate.token.getRank() != 1 ||
        candidate.token.getElementType() !=
            candidate.memory.getElementType())
      return std::nullopt;
    int64_t elementBytes = getElementBytes(candidate.memory.getElementType());
    int64_t lanes = candidate.token.getNumElements();
    int64_t elements = candidate.memory.getNumElements();
    // A count asked for applies to every weight, however small.
    if (!elementBytes || elements % lanes ||
        (stripes == 0 && elements * elementBytes < minBytes))
      return std::nullopt;
    candidate.stripes = chooseStripes(lanes * elementBytes, lanes);
    if (candidate.stripes < 2)
      return std::nullopt;
    candidate.fifo = call.getOperand(1).getDefiningOp<StreamOp>();
    if (candidate.fifo)
      chooseJoin(candidate, lanes, elementBytes, elements);
    // The weight comes from the host: an argument of the one function
    // that calls the kernel, read by nothing else.
    candidate.kernelCall = getOnlyCall(kernel, module);
    if (!candidate.kernelCall)
      return std::nullopt;
    candidate.entry = candidate.kernelCall->getParentOfType<func::FuncOp>();
    if (!candidate.entry ||
        !SymbolTable::symbolKnownUseEmpty(candidate.entry, module))
      return std::nullopt;
    std::optional<unsigned> entryArg =
        getViewedArgument(candidate.kernelCall.getOperand(candidate.kernelArg),
                          candidate.entry, candidate.views);
    if (!entryArg || !candidate.entry.getArgAttr(*entryArg, "dataflow.tiles"))
      return std::nullopt;
    candidate.entryArg = *entryArg;
    return candidate;
  }

  /// Replaces argument `index` of `function` by `count` arguments of
  /// `type`, each with the original's attributes plus `extra(i)`.
  static SmallVector<Value>
  splitArgument(func::FuncOp function, unsigned index, int64_t count,
                Type type,
                llvm::function_ref<void(NamedAttrList &, int64_t)> extra) {
    BlockArgument original = function.getArgument(index);
    SmallVector<unsigned> positions(count, index);
    SmallVector<Type> types(count, type);
    SmallVector<DictionaryAttr> attrs;
    SmallVector<Location> locs(count, original.getLoc());
    for (int64_t stripe = 0; stripe < count; ++stripe) {
      NamedAttrList list(function.getArgAttrDict(index));
      extra(list, stripe);
      attrs.push_back(list.getDictionary(function.getContext()));
    }
    (void)function.insertArguments(positions, types, attrs, locs);
    // The original moved behind the new ones.
    (void)function.eraseArgument(index + count);
    return llvm::to_vector(llvm::map_range(
        llvm::seq<unsigned>(index, index + count),
        [&](unsigned position) -> Value {
          return function.getArgument(position);
        }));
  }

  /// `call` again, with `removed` operands from `index` on replaced by
  /// `values`.
  static func::CallOp replaceOperands(func::CallOp call, unsigned index,
                                      unsigned removed, ValueRange values) {
    SmallVector<Value> operands(call.getOperands());
    operands.erase(operands.begin() + index,
                   operands.begin() + index + removed);
    operands.insert(operands.begin() + index, values.begin(), values.end());
    OpBuilder b(call);
    auto replacement = func::CallOp::create(b, call.getLoc(), call.getCallee(),
                                            call.getResultTypes(), operands);
    replacement->setDiscardableAttrs(call->getDiscardableAttrDictionary());
    call.erase();
    return replacement;
  }

  void stripe(StripeCandidate &candidate) {
    MLIRContext *context = &getContext();
    if (candidate.join > 1) {
      if (candidate.unrolled) {
        Value reader = candidate.unrolled->run.reads.front().getStream();
        int64_t length = candidate.unrolled->factor *
                         int64_t(candidate.unrolled->run.reads.size());
        expandUnrolledRead(*candidate.unrolled);
        std::optional<SmallVector<TokenRun>> runs = findTokenRuns(reader);
        if (!runs || runs->empty() ||
            int64_t(runs->front().reads.size()) != length) {
          candidate.process.emitError(
              "dataflow-stripe-weights: the unrolled read did not become "
              "a run of reads");
          return signalPassFailure();
        }
        candidate.runs = std::move(*runs);
      }
      StreamOp fifo = candidate.fifo;
      retypeStream(fifo, StreamType::get(candidate.token,
                                         fifo.getType().getDepth()));
      if (std::optional<uint64_t> entries = fifo.getEntries())
        fifo.setEntries(*entries / uint64_t(candidate.join));
      joinTokenRuns(candidate.runs, candidate.join);
    }
    int64_t count = candidate.stripes;
    int64_t lanes = candidate.token.getNumElements();
    int64_t chunk = lanes / count;
    Type element = candidate.memory.getElementType();
    int64_t elementBytes = getElementBytes(element);
    auto stripeType = MemRefType::get(
        {candidate.memory.getNumElements() / count}, element);
    Builder builder(context);

    // The host's buffers: S arguments of the graph function, passed as
    // they are.
    func::CallOp kernelCall = replaceOperands(
        candidate.kernelCall, candidate.kernelArg, 1, ValueRange{});
    for (Operation *view : candidate.views)
      view->erase();
    SmallVector<Value> entryStripes = splitArgument(
        candidate.entry, candidate.entryArg, count, stripeType,
        [&](NamedAttrList &attrs, int64_t index) {
          attrs.set("dataflow.stripe",
                    builder.getDictionaryAttr(
                        {builder.getNamedAttr("index",
                                              builder.getI64IntegerAttr(index)),
                         builder.getNamedAttr("count",
                                              builder.getI64IntegerAttr(count)),
                         builder.getNamedAttr(
                             "chunk_bytes",
                             builder.getI64IntegerAttr(chunk * elementBytes))}));
        });
    replaceOperands(kernelCall, candidate.kernelArg, 0, entryStripes);

    // The kernel's ports: "<port>_s<i>".
    SmallVector<Attribute> names;
    if (auto old =
            candidate.kernel->getAttrOfType<ArrayAttr>("dataflow.arg_names"))
      names.assign(old.begin(), old.end());
    func::CallOp processCall = replaceOperands(
        candidate.processCall, /*memory=*/0, 1, ValueRange{});
    SmallVector<Value> kernelStripes = splitArgument(
        candidate.kernel, candidate.kernelArg, count, stripeType,
        [](NamedAttrList &, int64_t) {});
    if (candidate.kernelArg < names.size()) {
      std::string port =
          cast<StringAttr>(names[candidate.kernelArg]).getValue().str();
      names.erase(names.begin() + candidate.kernelArg);
      for (int64_t index = count - 1; index >= 0; --index)
        names.insert(names.begin() + candidate.kernelArg,
                     builder.getStringAttr(port + "_s" +
                                           std::to_string(index)));
      candidate.kernel->setAttr("dataflow.arg_names",
                                builder.getArrayAttr(names));
    }
    replaceOperands(processCall, /*memory=*/0, 0, kernelStripes);

    rebuildProcess(candidate.process, count, chunk, stripeType,
                   candidate.repeats, candidate.token);
    // Its memory is striped now: not again.
    candidate.process->removeAttr("dataflow.in_order_repeats");
  }

  /// The DMA again, reading stripe after stripe inside each token:
  /// `for repeats { for tokens { lanes from each stripe; write } }`.
  void rebuildProcess(func::FuncOp process, int64_t count, int64_t chunk,
                      MemRefType stripeType, int64_t repeats,
                      VectorType token) {
    Block &body = process.getBody().front();
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
      op.erase();
    SmallVector<Value> stripes = splitArgument(
        process, 0, count, stripeType, [](NamedAttrList &, int64_t) {});
    Value fifo = process.getArgument(count);
    Location loc = process.getLoc();
    OpBuilder b = OpBuilder::atBlockBegin(&body);
    int64_t lanes = token.getNumElements();
    auto pack = memref::AllocaOp::create(
        b, loc, MemRefType::get({lanes}, token.getElementType()));
    pack->setAttr("dataflow.lanes", b.getI64IntegerAttr(lanes));
    auto constant = [&](int64_t value) -> Value {
      return arith::ConstantIndexOp::create(b, loc, value);
    };
    Value zero = constant(0), one = constant(1);
    int64_t tokens = stripeType.getNumElements() / chunk;
    auto loop = [&](int64_t trips) {
      auto created = scf::ForOp::create(b, loc, zero, constant(trips), one);
      b.setInsertionPoint(created.getBody()->getTerminator());
      return created;
    };
    if (repeats > 1)
      loop(repeats);
    scf::ForOp tokenLoop = loop(tokens);
    Value first = arith::MulIOp::create(b, loc, tokenLoop.getInductionVar(),
                                        constant(chunk));
    for (auto [index, stripe] : llvm::enumerate(stripes)) {
      OpBuilder::InsertionGuard guard(b);
      scf::ForOp laneLoop = loop(chunk);
      laneLoop->setAttr("dataflow.unroll", b.getI64IntegerAttr(chunk));
      Value lane = laneLoop.getInductionVar();
      Value value = memref::LoadOp::create(
          b, loc, stripe, ValueRange{arith::AddIOp::create(b, loc, first, lane)});
      memref::StoreOp::create(
          b, loc, value, pack,
          ValueRange{arith::AddIOp::create(
              b, loc, constant(int64_t(index) * chunk), lane)});
    }
    Value tokenValue =
        vector::LoadOp::create(b, loc, token, pack, ValueRange{zero});
    StreamWriteOp::create(b, loc, tokenValue, fifo);
    b.setInsertionPointToEnd(&body);
    func::ReturnOp::create(b, loc);
  }
};

} // namespace
