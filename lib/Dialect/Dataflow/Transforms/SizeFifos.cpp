//===- SizeFifos.cpp - Choose the depth of every FIFO ---------------------===//
//
// A FIFO as deep as the number of entries that cross it never fills up, so
// no process ever waits on a full FIFO: a safe upper bound, until the
// resource-allocation stage sizes FIFOs with the paper's LP.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

namespace streamtensor::dataflow {
#define GEN_PASS_DEF_SIZEFIFOS
#include "streamtensor/Dialect/Dataflow/Transforms/Passes.h.inc"
} // namespace streamtensor::dataflow

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// Gives `stream` a new type, and the parameters of the functions it is
/// passed to as well.
void retypeStream(StreamOp stream, StreamType type) {
  stream.getResult().setType(type);
  for (OpOperand &use : stream.getResult().getUses()) {
    auto call = dyn_cast<func::CallOp>(use.getOwner());
    if (!call)
      continue;
    auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!callee)
      continue;
    unsigned index = use.getOperandNumber();
    callee.getBody().front().getArgument(index).setType(type);
    SmallVector<Type> inputs(callee.getArgumentTypes());
    inputs[index] = type;
    callee.setFunctionType(
        FunctionType::get(callee.getContext(), inputs, callee.getResultTypes()));
  }
}

class SizeFifosPass : public dataflow::impl::SizeFifosBase<SizeFifosPass> {
public:
  using Base::Base;

  void runOnOperation() override {
    llvm::StringMap<int64_t> forced;
    for (const std::string &entry : overrides) {
      StringRef name, depthText;
      std::tie(name, depthText) = StringRef(entry).split('=');
      int64_t depth;
      if (name.empty() || depthText.getAsInteger(10, depth) || depth < 1) {
        getOperation().emitError("override '")
            << entry << "' is not name=depth with a depth of at least 1";
        return signalPassFailure();
      }
      forced[name] = depth;
    }

    llvm::StringSet<> seen;
    getOperation().walk([&](StreamOp stream) {
      int64_t depth = stream.getEntries().value_or(stream.getType().getDepth());
      if (stream.getName()) {
        // A FIFO is named within its kernel: `fifo` forces it in every
        // kernel, `kernel/fifo` in one.
        std::string qualified;
        if (auto kernel = stream->getParentOfType<func::FuncOp>())
          qualified = (kernel.getName() + "/" + *stream.getName()).str();
        for (StringRef name : {StringRef(*stream.getName()),
                               StringRef(qualified)}) {
          auto it = forced.find(name);
          if (it == forced.end())
            continue;
          depth = it->second;
          seen.insert(name);
        }
      }
      depth = std::max<int64_t>(depth, 1);
      if (depth != stream.getType().getDepth())
        retypeStream(stream, StreamType::get(stream.getType().getElementType(),
                                             depth));
    });
    for (const auto &entry : forced) {
      if (seen.contains(entry.getKey()))
        continue;
      getOperation().emitError("override names no FIFO: '")
          << entry.getKey() << "'";
      return signalPassFailure();
    }
  }
};

} // namespace
