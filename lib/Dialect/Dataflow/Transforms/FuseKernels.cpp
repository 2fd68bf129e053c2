//===- FuseKernels.cpp - Fuse kernels that stream to each other -----------===//
//
// Paper sections 4.2 and 5.2: Algorithm 2 chooses the groups (Analysis/
// KernelFusion), the converter sizing of Algorithm 1 prices each edge
// (Analysis/ConverterSizing), and this pass rewrites each group as one
// kernel.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "streamtensor/Analysis/ConverterSizing.h"
#include "streamtensor/Analysis/KernelFusion.h"
#include "streamtensor/Analysis/Reassociation.h"

#include "mlir/Analysis/TopologicalSortUtils.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseSet.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_FUSEKERNELS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// The itensor a kernel yields for result `index`.
ITensorType getYieldType(KernelOp kernel, unsigned index) {
  return cast<ITensorType>(
      kernel.getBodyBlock().getTerminator()->getOperand(index).getType());
}

/// The itensor through which a kernel reads input `index`.
ITensorType getInputType(KernelOp kernel, unsigned index) {
  return cast<ITensorType>(kernel.getBodyBlock().getArgument(index).getType());
}

/// On-chip bytes of the converter between two layouts (0 if none is
/// needed), or nothing when no converter can join them.
std::optional<int64_t> getConverterBytes(ITensorType from, ITensorType to) {
  std::optional<ConverterPlan> plan =
      planConverter(from.getLayout(), to.getLayout());
  if (!plan)
    return std::nullopt;
  int64_t elementBytes =
      (int64_t(from.getElementType().getIntOrFloatBitWidth()) + 7) / 8;
  return plan->getPingPongElements() * elementBytes;
}

/// The kernel result a kernel input reads: directly, or through reshapes
/// (which only relabel the tensor in memory). Only a direct read or one
/// reshape can be streamed.
struct Source {
  OpResult result;
  Operation *reshape = nullptr;
  bool throughSeveralReshapes = false;
};

std::optional<Source> getSource(Value input) {
  Source source;
  unsigned reshapes = 0;
  while (Operation *definition = input.getDefiningOp()) {
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(definition))
      break;
    source.reshape = definition;
    input = definition->getOperand(0);
    ++reshapes;
  }
  auto result = dyn_cast<OpResult>(input);
  if (!result || !isa<KernelOp>(result.getOwner()))
    return std::nullopt;
  source.result = result;
  source.throughSeveralReshapes = reshapes > 1;
  return source;
}

/// The producer's stream seen through `reshape` (or as it is): nothing when
/// its tiles are not tiles of the reshaped tensor.
std::optional<ITensorType> getReadType(ITensorType produced,
                                       Operation *reshape) {
  if (!reshape)
    return produced;
  ReassociationGroups groups;
  SmallVector<ReassociationIndices> indices;
  std::optional<StreamLayout> layout;
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(reshape)) {
    for (const ReassociationIndices &group :
         expand.getReassociationIndices())
      groups.push_back(std::vector<unsigned>(group.begin(), group.end()));
    ArrayRef<int64_t> shape = expand.getResultType().getShape();
    layout = expandLayout(produced.getLayout(), groups,
                          std::vector<int64_t>(shape.begin(), shape.end()));
  } else {
    auto collapse = cast<tensor::CollapseShapeOp>(reshape);
    for (const ReassociationIndices &group :
         collapse.getReassociationIndices())
      groups.push_back(std::vector<unsigned>(group.begin(), group.end()));
    layout = collapseLayout(produced.getLayout(), groups);
  }
  if (!layout)
    return std::nullopt;
  return ITensorType::get(produced.getElementType(), *layout);
}

class FuseKernelsPass
    : public dataflow::impl::FuseKernelsBase<FuseKernelsPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp function = getOperation();
    SmallVector<KernelOp> kernels;
    for (Operation &op : function.getBody().getOps())
      if (auto kernel = dyn_cast<KernelOp>(op))
        kernels.push_back(kernel);
    DenseMap<Operation *, unsigned> indexOf;
    for (auto [index, kernel] : llvm::enumerate(kernels))
      indexOf[kernel] = index;

    std::vector<FusionEdge> edges;
    for (auto [consumer, kernel] : llvm::enumerate(kernels)) {
      for (auto [input, value] : llvm::enumerate(kernel.getInputs())) {
        std::optional<Source> source = getSource(value);
        if (!source || !indexOf.count(source->result.getOwner()))
          continue;
        auto producer = cast<KernelOp>(source->result.getOwner());
        // Every dependency orders the groups; only some can be streamed.
        FusionEdge edge{indexOf[producer], unsigned(consumer), 0, false};
        std::optional<ITensorType> read =
            source->throughSeveralReshapes
                ? std::nullopt
                : getReadType(
                      getYieldType(producer, source->result.getResultNumber()),
                      source->reshape);
        // A table the consumer gathers from is read in external memory.
        bool gathered = !isa<ITensorType>(
            kernel.getBodyBlock().getArgument(input).getType());
        if (read && !gathered)
          if (std::optional<int64_t> bytes =
                  getConverterBytes(*read, getInputType(kernel, input))) {
            edge.costBytes = *bytes;
            edge.streamable = true;
          }
        edges.push_back(edge);
      }
    }
    FusionPlan plan = planKernelFusion(kernels.size(), edges, maxOnChipBytes);

    for (const std::vector<unsigned> &group : plan.groups) {
      if (group.size() < 2)
        continue;
      SmallVector<KernelOp> members;
      for (unsigned index : group)
        members.push_back(kernels[index]);
      fuse(members);
    }
    if (!sortTopologically(&function.getBody().front())) {
      function.emitError("fused kernels form a cycle");
      return signalPassFailure();
    }
  }

private:
  void fuse(ArrayRef<KernelOp> members);
};

void FuseKernelsPass::fuse(ArrayRef<KernelOp> members) {
  llvm::SmallPtrSet<Operation *, 8> inGroup;
  for (KernelOp member : members)
    inGroup.insert(member);
  // An input is internal when a member produces it and its stream can be
  // read in the tensor's shape (through a reshape, if there is one).
  auto getInternalSource = [&](Value value) -> std::optional<Source> {
    std::optional<Source> source = getSource(value);
    if (!source || source->throughSeveralReshapes ||
        !inGroup.contains(source->result.getOwner()))
      return std::nullopt;
    auto producer = cast<KernelOp>(source->result.getOwner());
    if (!getReadType(getYieldType(producer, source->result.getResultNumber()),
                     source->reshape))
      return std::nullopt;
    return source;
  };
  auto isInternal = [&](Value value) {
    return getInternalSource(value).has_value();
  };
  // Whether a use of a member's result stays inside the group: a member reads
  // it, or a reshape that only members read, and read on chip.
  auto staysInside = [&](OpOperand &use) {
    Operation *user = use.getOwner();
    if (inGroup.contains(user))
      return true;
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(user))
      return false;
    return llvm::all_of(user->getUses(), [&](OpOperand &reshapeUse) {
      return inGroup.contains(reshapeUse.getOwner()) &&
             isInternal(reshapeUse.get());
    });
  };

  // External inputs, and results that leave the group.
  SmallVector<Value> inputs;
  SmallVector<Type> inputTypes;
  SmallVector<Value> inits;
  SmallVector<Type> initTypes;
  SmallVector<OpResult> keptResults;
  // How consumers inside the group read each member's result: through which
  // reshape, if any, and in which layout.
  using Read = std::pair<Operation *, Type>;
  DenseMap<Value, SmallVector<Read>> internalReads;
  for (KernelOp member : members) {
    for (auto [index, value] : llvm::enumerate(member.getInputs())) {
      if (std::optional<Source> source = getInternalSource(value)) {
        internalReads[source->result].push_back(
            {source->reshape,
             member.getBodyBlock().getArgument(index).getType()});
        continue;
      }
      // A scalar (the decode position) that several members read is passed
      // once.
      if (!isa<ShapedType>(value.getType()) && llvm::is_contained(inputs, value))
        continue;
      inputs.push_back(value);
      inputTypes.push_back(member.getBodyBlock().getArgument(index).getType());
    }
    for (OpResult result : member->getResults()) {
      bool usedOutside = llvm::any_of(
          result.getUses(), [&](OpOperand &use) { return !staysInside(use); });
      if (!usedOutside)
        continue;
      keptResults.push_back(result);
      inits.push_back(member.getInits()[result.getResultNumber()]);
      initTypes.push_back(getYieldType(member, result.getResultNumber()));
    }
  }

  std::string name;
  for (KernelOp member : {members.front(), members.back()}) {
    if (!name.empty())
      name += "_to_";
    name += member.getName() ? member.getName()->str() : "kernel";
  }

  Location loc = FusedLoc::get(
      &getContext(), llvm::map_to_vector(members, [](KernelOp member) {
        return member.getLoc();
      }));
  OpBuilder builder(members.back());
  SmallVector<Type> resultTypes;
  for (Value init : inits)
    resultTypes.push_back(init.getType());
  auto fused = KernelOp::create(builder, loc, resultTypes,
                                builder.getStringAttr(name), inputs, inits);
  Block *body = builder.createBlock(&fused.getBody());
  for (Type type : inputTypes)
    body->addArgument(type, loc);
  for (Type type : initTypes)
    body->addArgument(type, loc);

  // The streams of internal values in each layout consumers read them in,
  // handed out to those consumers one by one.
  DenseMap<std::pair<Value, Read>, SmallVector<Value>> pendingStreams;
  DenseMap<Value, Value> keptStreams;
  // `count` copies of `stream`: the stream itself, or the results of a fork.
  auto copy = [&](Value stream, unsigned count) -> SmallVector<Value> {
    if (count == 1)
      return {stream};
    auto fork = ITensorForkOp::create(
        builder, loc, SmallVector<Type>(count, stream.getType()), stream);
    return SmallVector<Value>(fork.getResults());
  };
  unsigned nextInput = 0;
  for (KernelOp member : members) {
    Block &memberBody = member.getBodyBlock();
    unsigned numInputs = member.getInputs().size();
    IRMapping mapping;
    for (auto [index, value] : llvm::enumerate(member.getInputs())) {
      BlockArgument arg = memberBody.getArgument(index);
      std::optional<Source> source = getInternalSource(value);
      if (!source) {
        auto scalar = llvm::find(inputs, value);
        if (!isa<ShapedType>(value.getType()) &&
            unsigned(scalar - inputs.begin()) < nextInput) {
          mapping.map(arg, body->getArgument(scalar - inputs.begin()));
          continue;
        }
        mapping.map(arg, body->getArgument(nextInput++));
        continue;
      }
      mapping.map(arg, pendingStreams[{source->result,
                                       Read{source->reshape, arg.getType()}}]
                           .pop_back_val());
    }
    for (OpResult result : member->getResults()) {
      BlockArgument arg =
          memberBody.getArgument(numInputs + result.getResultNumber());
      auto kept = llvm::find(keptResults, result);
      if (kept != keptResults.end()) {
        mapping.map(arg, body->getArgument(inputTypes.size() +
                                           (kept - keptResults.begin())));
        continue;
      }
      mapping.map(arg, ITensorEmptyOp::create(builder, loc, arg.getType()));
    }
    for (Operation &op : memberBody.without_terminator())
      builder.clone(op, mapping);

    // Hand each result's stream to its internal consumers and, if it leaves
    // the group, to the store. Consumers that read it through the same
    // reshape in the same layout share one reassociation and one converter
    // (a cast when only the loops differ); several takers need a fork.
    auto yield = cast<YieldOp>(memberBody.getTerminator());
    for (OpResult result : member->getResults()) {
      Value stream = mapping.lookup(yield.getOperand(result.getResultNumber()));
      auto produced = cast<ITensorType>(stream.getType());
      bool kept = llvm::is_contained(keptResults, result);
      SmallVector<Read> reads; // distinct, in order of first use
      DenseMap<Read, unsigned> readers;
      Read store{nullptr, produced};
      if (kept) {
        reads.push_back(store);
        readers[store] = 1;
      }
      for (Read read : internalReads.lookup(result))
        if (readers[read]++ == 0)
          reads.push_back(read);
      SmallVector<Value> perRead = copy(stream, reads.size());
      for (auto [read, readStream] : llvm::zip(reads, perRead)) {
        auto [reshape, layout] = read;
        Value converted = readStream;
        if (reshape) {
          ITensorType reshaped = *getReadType(produced, reshape);
          converted = ITensorReassociateOp::create(
              builder, loc, reshaped, converted,
              reshape->getAttrOfType<ArrayAttr>("reassociation"));
        }
        auto from = cast<ITensorType>(converted.getType());
        auto target = cast<ITensorType>(layout);
        if (from != target)
          converted =
              from.getLayout().streamsSameAs(target.getLayout())
                  ? ITensorCastOp::create(builder, loc, target, converted)
                        .getResult()
                  : ITensorConverterOp::create(builder, loc, converted, target)
                        .getResult();
        SmallVector<Value> copies = copy(converted, readers[read]);
        if (kept && read == store)
          keptStreams[result] = copies.pop_back_val();
        pendingStreams[{result, read}] = std::move(copies);
      }
    }
  }
  SmallVector<Value> yielded;
  for (OpResult result : keptResults)
    yielded.push_back(keptStreams[result]);
  YieldOp::create(builder, loc, yielded);

  for (auto [index, result] : llvm::enumerate(keptResults))
    result.replaceAllUsesWith(fused.getResult(index));
  // What is left reads the members' results on chip now: the members
  // themselves and reshapes only they read.
  SetVector<Operation *> deadReshapes;
  for (KernelOp member : members)
    for (OpResult result : member->getResults())
      for (Operation *user : result.getUsers())
        if (!inGroup.contains(user))
          deadReshapes.insert(user);
  for (KernelOp member : members)
    member->dropAllReferences();
  for (Operation *reshape : deadReshapes)
    reshape->erase();
  for (KernelOp member : llvm::reverse(members))
    member->erase();
}

} // namespace
