//===- EmitHostSteps.cpp - What the host function binds to each port ------===//
//
// The C-simulation host function passes host pointers to the kernels, which
// hides which buffer reaches which kernel port. A host program on XRT binds
// device buffers to ports itself, so it needs that as data: per kernel call,
// the graph argument, graph result or internal buffer of every port.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Target/HLSCpp.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace streamtensor;

int64_t streamtensor::getBufferBytes(MemRefType type) {
  return type.getNumElements() *
         ((type.getElementType().getIntOrFloatBitWidth() + 7) / 8);
}

namespace {

int64_t getBytes(Type type) { return getBufferBytes(cast<MemRefType>(type)); }

bool isBuffer(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.hasStaticShape() &&
         memref.getElementType().isIntOrFloat();
}

} // namespace

FailureOr<HostSteps> streamtensor::getHostSteps(func::FuncOp entry) {
  HostSteps steps;
  DenseMap<Value, HostBinding> bindings;
  for (auto [index, arg] : llvm::enumerate(entry.getArguments())) {
    bool scalar = arg.getType().isIntOrFloat();
    if (!scalar && !isBuffer(arg.getType()))
      return entry.emitError("the host program cannot bind an argument of "
                             "type ")
             << arg.getType();
    bindings[arg] = {scalar ? HostBinding::Scalar : HostBinding::Argument,
                     unsigned(index), "", false};
  }
  auto ret = dyn_cast<func::ReturnOp>(entry.getBody().front().back());
  if (!ret)
    return entry.emitError("the host program needs a function that returns");
  // Same rule as the C-simulation host function.
  auto returnedAs = [&](memref::AllocOp alloc) {
    return getReturnedResult(alloc, ret);
  };
  auto lookup = [&](Operation *op, Value value) -> FailureOr<HostBinding> {
    auto it = bindings.find(value);
    if (it == bindings.end())
      return op->emitOpError("uses a buffer the host program cannot follow");
    return it->second;
  };
  for (Operation &op : entry.getBody().front()) {
    LogicalResult result =
        TypeSwitch<Operation *, LogicalResult>(&op)
            .Case([&](memref::AllocOp alloc) -> LogicalResult {
              if (!isBuffer(alloc.getType()))
                return alloc.emitOpError("allocates a buffer the host "
                                         "program cannot hold");
              if (std::optional<unsigned> index = returnedAs(alloc)) {
                bindings[alloc] = {HostBinding::Result, *index, "", false};
                return success();
              }
              bindings[alloc] = {HostBinding::Buffer,
                                 unsigned(steps.bufferBytes.size()), "", false};
              steps.bufferBytes.push_back(getBytes(alloc.getType()));
              return success();
            })
            .Case([&](memref::GetGlobalOp get) -> LogicalResult {
              if (!isBuffer(get.getType()))
                return get.emitOpError("reads a constant the host program "
                                       "cannot hold");
              auto known = llvm::find(steps.constants, get.getName());
              bindings[get] = {HostBinding::Constant,
                               unsigned(known - steps.constants.begin()), "",
                               false};
              if (known == steps.constants.end())
                steps.constants.push_back(get.getName().str());
              return success();
            })
            .Case<memref::CollapseShapeOp, memref::ExpandShapeOp,
                  memref::CastOp>([&](Operation *view) -> LogicalResult {
              FailureOr<HostBinding> source = lookup(view, view->getOperand(0));
              if (failed(source))
                return failure();
              bindings[view->getResult(0)] = *source;
              return success();
            })
            .Case([&](memref::CopyOp copy) -> LogicalResult {
              FailureOr<HostBinding> from = lookup(copy, copy.getSource());
              FailureOr<HostBinding> to = lookup(copy, copy.getTarget());
              if (failed(from) || failed(to))
                return failure();
              to->written = true;
              steps.steps.push_back(
                  {"", {*from, *to}, getBytes(copy.getSource().getType())});
              return success();
            })
            .Case([&](func::CallOp call) -> LogicalResult {
              auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
                  call, call.getCalleeAttr());
              auto names =
                  callee
                      ? callee->getAttrOfType<ArrayAttr>("dataflow.arg_names")
                      : nullptr;
              HostStep step{call.getCallee().str(), {}, 0};
              for (auto [index, operand] :
                   llvm::enumerate(call.getOperands())) {
                FailureOr<HostBinding> binding = lookup(call, operand);
                if (failed(binding))
                  return failure();
                binding->port = names && index < names.size()
                                    ? cast<StringAttr>(names[index]).str()
                                    : "arg" + std::to_string(index);
                // The kernel emitter names the ports a kernel stores to
                // out<i>; the others it only reads.
                binding->written = StringRef(binding->port).starts_with("out");
                step.bindings.push_back(*binding);
              }
              steps.steps.push_back(std::move(step));
              return success();
            })
            .Case([&](memref::DeallocOp) { return success(); })
            .Case([&](func::ReturnOp) -> LogicalResult {
              for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
                FailureOr<HostBinding> from = lookup(ret, value);
                if (failed(from))
                  return failure();
                if (from->kind == HostBinding::Result && from->index == index)
                  continue;
                // An argument updated in place (a KV cache) or an internal
                // buffer: a copy, which the host skips when the result and
                // the source are the same memory.
                steps.steps.push_back(
                    {"",
                     {*from, {HostBinding::Result, unsigned(index), "", true}},
                     getBytes(value.getType())});
              }
              return success();
            })
            .Default([&](Operation *other) {
              return other->emitOpError(
                  "cannot be run by the host program yet");
            });
    if (failed(result))
      return failure();
  }
  return steps;
}
