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

/// On-chip bytes of the converter between two layouts (0 if none is needed).
int64_t getConverterBytes(ITensorType from, ITensorType to) {
  std::optional<ConverterPlan> plan =
      planConverter(from.getLayout(), to.getLayout());
  if (!plan)
    return std::numeric_limits<int64_t>::max() / 4;
  int64_t elementBytes =
      (int64_t(from.getElementType().getIntOrFloatBitWidth()) + 7) / 8;
  return plan->getPingPongElements() * elementBytes;
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
        auto producer = value.getDefiningOp<KernelOp>();
        if (!producer || !indexOf.count(producer))
          continue;
        unsigned result = cast<OpResult>(value).getResultNumber();
        edges.push_back({indexOf[producer], unsigned(consumer),
                         getConverterBytes(getYieldType(producer, result),
                                           getInputType(kernel, input))});
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
  auto isInternal = [&](Value value) {
    Operation *producer = value.getDefiningOp();
    return producer && inGroup.contains(producer);
  };

  // External inputs, and results that leave the group.
  SmallVector<Value> inputs;
  SmallVector<Type> inputTypes;
  SmallVector<Value> inits;
  SmallVector<Type> initTypes;
  SmallVector<OpResult> keptResults;
  // The layouts in which consumers inside the group read each value.
  DenseMap<Value, SmallVector<Type>> internalReads;
  for (KernelOp member : members) {
    for (auto [index, value] : llvm::enumerate(member.getInputs())) {
      if (isInternal(value)) {
        internalReads[value].push_back(
            member.getBodyBlock().getArgument(index).getType());
        continue;
      }
      inputs.push_back(value);
      inputTypes.push_back(member.getBodyBlock().getArgument(index).getType());
    }
    for (OpResult result : member->getResults()) {
      bool usedOutside = llvm::any_of(result.getUsers(), [&](Operation *user) {
        return !inGroup.contains(user);
      });
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
  DenseMap<std::pair<Value, Type>, SmallVector<Value>> pendingStreams;
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
      if (!isInternal(value)) {
        mapping.map(arg, body->getArgument(nextInput++));
        continue;
      }
      mapping.map(arg, pendingStreams[{value, arg.getType()}].pop_back_val());
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
    // the group, to the store. Consumers that read it in the same layout
    // share one converter (when the layout differs from the producer's);
    // several takers of one stream need a fork.
    auto yield = cast<YieldOp>(memberBody.getTerminator());
    for (OpResult result : member->getResults()) {
      Value stream = mapping.lookup(yield.getOperand(result.getResultNumber()));
      bool kept = llvm::is_contained(keptResults, result);
      SmallVector<Type> layouts;  // distinct, in order of first use
      DenseMap<Type, unsigned> readers;
      if (kept) {
        layouts.push_back(stream.getType());
        readers[stream.getType()] = 1;
      }
      for (Type layout : internalReads.lookup(result))
        if (readers[layout]++ == 0)
          layouts.push_back(layout);
      SmallVector<Value> perLayout = copy(stream, layouts.size());
      for (auto [layout, layoutStream] : llvm::zip(layouts, perLayout)) {
        Value converted = layoutStream;
        auto target = cast<ITensorType>(layout);
        if (layout != stream.getType()) {
          bool sameStream =
              cast<ITensorType>(stream.getType())
                  .getLayout()
                  .streamsSameAs(target.getLayout());
          converted =
              sameStream
                  ? ITensorCastOp::create(builder, loc, target, layoutStream)
                        .getResult()
                  : ITensorConverterOp::create(builder, loc, layoutStream,
                                               target)
                        .getResult();
        }
        SmallVector<Value> copies = copy(converted, readers[layout]);
        if (kept && layout == stream.getType())
          keptStreams[result] = copies.pop_back_val();
        pendingStreams[{result, layout}] = std::move(copies);
      }
    }
  }
  SmallVector<Value> yielded;
  for (OpResult result : keptResults)
    yielded.push_back(keptStreams[result]);
  YieldOp::create(builder, loc, yielded);

  for (auto [index, result] : llvm::enumerate(keptResults))
    result.replaceAllUsesWith(fused.getResult(index));
  for (KernelOp member : llvm::reverse(members))
    member->erase();
}

} // namespace
