//===- EmitKernel.cpp - Vitis HLS C++ of one dataflow kernel --------------===//
//
// The kernel's processes become static functions, its FIFOs hls::stream
// objects with their depths, and its top function calls every process in a
// `#pragma HLS dataflow` region. The code keeps to what Vitis's dataflow
// checker accepts: each FIFO and each external buffer has one producer and
// one consumer process, loops have constant bounds and a single exit, and no
// process reads back what it wrote to a FIFO.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Target/HLSCpp.h"
#include "streamtensor/Target/LayerLoop.h"

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"
#include "streamtensor/Performance/DesignAnalysis.h"
#include "streamtensor/Performance/KernelModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Support/IndentedOstream.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <functional>
#include <map>
#include <numeric>
#include <set>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::dataflow;

namespace {

/// The C++ spelling of a scalar type (or of a vector of scalars, a wide
/// FIFO token: `hls::vector<float, 8>`), or an empty string.
std::string getScalarTypeName(Type type) {
  if (auto vector = dyn_cast<VectorType>(type)) {
    std::string element = getScalarTypeName(vector.getElementType());
    if (vector.getRank() != 1 || vector.isScalable() || element.empty())
      return "";
    return "hls::vector<" + element + ", " +
           std::to_string(vector.getDimSize(0)) + ">";
  }
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  if (type.isIndex())
    return "int";
  if (type.isInteger(1))
    return "bool";
  for (unsigned width : {8u, 16u, 32u, 64u})
    if (type.isInteger(width))
      return "int" + std::to_string(width) + "_t";
  return "";
}

/// The C++ array type of a memref: `float[16][64]`.
std::string getArrayTypeName(MemRefType type) {
  std::string name = getScalarTypeName(type.getElementType());
  for (int64_t size : type.getShape())
    name += "[" + std::to_string(size) + "]";
  return name;
}

class KernelEmitter {
public:
  explicit KernelEmitter(raw_ostream &os) : os(os) {}

  LogicalResult emitKernel(func::FuncOp kernel);
  /// `extraParams` follow the function's own parameters.
  LogicalResult emitSignature(func::FuncOp function, bool isTop,
                              ArrayRef<std::string> extraParams = {});

private:
  /// The FIFOs a process of a layer-looping kernel has on top of its own:
  /// its table entries (one per operand with a table column) and its
  /// end-of-layer tokens.
  struct LayerLoopFifos {
    std::vector<std::pair<unsigned, std::string>> tableEntries;
    std::vector<std::string> doneWrites, doneReads;

    /// The process's extra parameters, (C++ type, name) in the order its
    /// signature declares and its call passes them.
    std::vector<std::pair<std::string, std::string>> getParams() const {
      std::vector<std::pair<std::string, std::string>> params = {
          {"int32_t", "layers"}};
      for (const auto &[operand, fifo] : tableEntries)
        params.push_back({"hls::stream<int64_t, 2> &", fifo});
      for (const std::string &fifo : doneWrites)
        params.push_back({"hls::stream<bool, 2> &", fifo});
      for (const std::string &fifo : doneReads)
        params.push_back({"hls::stream<bool, 2> &", fifo});
      return params;
    }
  };

  LogicalResult emitProcess(func::FuncOp process,
                            ArrayRef<std::string> argNames,
                            ArrayRef<int64_t> blockDepths,
                            const LayerLoopFifos *layerFifos);
  void emitLayerTable(func::FuncOp kernel, const LayerLoopPlan &plan);
  LogicalResult emitTop(func::FuncOp kernel);
  LogicalResult emitLayerLoopBody(func::FuncOp process,
                                  const LayerLoopFifos &fifos);
  LogicalResult emitBlock(Block &block);
  LogicalResult emitOp(Operation &op);
  LogicalResult emitFor(scf::ForOp loop);
  void emitPartialSumDependences(scf::ForOp loop);
  void emitFifoStorage(Operation *op, StringRef name);
  void emitPartitions(StringRef name, ArrayRef<int64_t> shape,
                      const std::set<std::pair<unsigned, int64_t>> &factors);
  /// A fully unrolled loop over the lanes of a wide token.
  void emitLaneLoop(int64_t lanes, function_ref<void(StringRef)> body);
  void emitArrayStorage(Operation *op, StringRef name);
  LogicalResult emitArith(Operation &op);

  /// A fresh name in the current function, from `base`.
  std::string freshName(StringRef base) {
    std::string name = base.str();
    for (unsigned suffix = 1; !usedNames.insert(name).second; ++suffix)
      name = (base + "_" + Twine(suffix)).str();
    return name;
  }
  /// The C++ expression of a value: a name, or a literal for constants.
  std::string get(Value value);
  std::string getTypeName(Value value, Operation *op, bool &failed);
  /// `name[i][j]` for local arrays, `name[i * 240 + j]` for pointers.
  std::string getAccess(Value memref, ValueRange indices);
  void declare(Value value, StringRef base, StringRef expression);

  raw_indented_ostream os;
  DenseMap<Value, std::string> names;
  llvm::StringSet<> usedNames;
  DenseSet<Value> pointers; // memrefs passed as flat pointers
  // Buffers passed as streams of blocks, and their blocks.
  DenseMap<Value, int64_t> blockChannels;
  /// Local buffers read or written by unrolled loops: the dimension the loop
  /// walks and the unroll factor, so that the buffer gives that many
  /// elements per cycle.
  DenseMap<Value, std::set<std::pair<unsigned, int64_t>>> partitions;
  /// The same for the ping-pong blocks of the kernel being emitted, by the
  /// name of their stream of blocks in the top function.
  std::map<std::string, std::set<std::pair<unsigned, int64_t>>>
      blockPartitions;
  unsigned loopDepth = 0;
  /// A value emitted without a name, if any.
  Value unnamedValue;
  /// The kernel's layer loop, when it has one, and each process call's
  /// extra FIFOs (by call order) and the table process's, by column.
  std::optional<LayerLoopPlan> layerLoop;
  std::vector<LayerLoopFifos> layerFifos;
  std::vector<std::vector<std::string>> tableFifosByColumn;
};

std::string KernelEmitter::get(Value value) {
  auto it = names.find(value);
  if (it != names.end())
    return it->second;
  if (auto constant = value.getDefiningOp<arith::ConstantOp>()) {
    Attribute attr = constant.getValue();
    if (auto integer = dyn_cast<IntegerAttr>(attr)) {
      if (integer.getType().isInteger(1))
        return integer.getValue().isZero() ? "false" : "true";
      return std::to_string(integer.getValue().getSExtValue());
    }
    if (auto floating = dyn_cast<FloatAttr>(attr)) {
      double number = floating.getValueAsDouble();
      std::string text;
      if (std::isinf(number))
        text = number > 0 ? "INFINITY" : "-INFINITY";
      else if (std::isnan(number))
        text = "NAN";
      else {
        char buffer[64];
        std::snprintf(buffer, sizeof(buffer), "%.17g", number);
        text = buffer;
        if (text.find_first_of(".eE") == std::string::npos)
          text += ".0";
        if (floating.getType().isF32())
          text += "f";
      }
      if (!floating.getType().isF32() || std::isinf(number) ||
          std::isnan(number))
        text = "(" + getScalarTypeName(floating.getType()) + ")" + text;
      return text;
    }
  }
  // Every value is named or a constant by construction; anything else is a
  // bug in an earlier stage, reported when the kernel is done.
  unnamedValue = value;
  return "<unnamed>";
}

void KernelEmitter::declare(Value value, StringRef base,
                            StringRef expression) {
  std::string name = freshName(base);
  names[value] = name;
  os << getScalarTypeName(value.getType()) << " " << name << " = "
     << expression << ";\n";
}

std::string KernelEmitter::getAccess(Value memref, ValueRange indices) {
  std::string text = get(memref) + "[";
  auto type = cast<MemRefType>(memref.getType());
  if (!pointers.contains(memref) && indices.empty())
    return get(memref); // a local scalar
  if (!pointers.contains(memref)) {
    for (auto [index, value] : llvm::enumerate(indices))
      text += (index ? "][" : "") + get(value);
    return text + "]";
  }
  // Row-major linearisation of a flat pointer.
  if (indices.empty())
    return text + "0]";
  ArrayRef<int64_t> shape = type.getShape();
  for (auto [dim, value] : llvm::enumerate(indices)) {
    int64_t stride = 1;
    for (int64_t size : shape.drop_front(dim + 1))
      stride *= size;
    if (dim)
      text += " + ";
    text += get(value);
    if (stride != 1)
      text += " * " + std::to_string(stride);
  }
  return text + "]";
}

LogicalResult KernelEmitter::emitSignature(func::FuncOp function, bool isTop,
                                           ArrayRef<std::string> extraParams) {
  os << (isTop ? "extern \"C\" void " : "static void ") << function.getName()
     << "(";
  for (auto [index, arg] : llvm::enumerate(function.getArguments())) {
    if (index)
      os << ", ";
    Type type = arg.getType();
    std::string name = "arg" + std::to_string(index);
    if (names.count(arg))
      name = names[arg];
    else if (auto given =
                 function->getAttrOfType<ArrayAttr>("dataflow.arg_names"))
      name = cast<StringAttr>(given[index]).str();
    if (auto memref = dyn_cast<MemRefType>(type)) {
      std::string element = getScalarTypeName(memref.getElementType());
      if (element.empty())
        return function.emitError("has an argument of unsupported type ")
               << type;
      if (int64_t depth = blockChannels.lookup(arg))
        os << "hls::stream_of_blocks<" << getArrayTypeName(memref)
           << (depth != 2 ? ", " + std::to_string(depth) : "") << "> &" << name;
      else
        os << element << " *" << name;
    } else if (auto stream = dyn_cast<StreamType>(type)) {
      std::string element = getScalarTypeName(stream.getElementType());
      if (element.empty())
        return function.emitError("has a FIFO of unsupported type ") << type;
      os << "hls::stream<" << element << ", " << stream.getDepth() << "> &"
         << name;
    } else {
      std::string scalar = getScalarTypeName(type);
      if (scalar.empty())
        return function.emitError("has an argument of unsupported type ")
               << type;
      os << scalar << " " << name;
    }
  }
  if (isTop && hasLayerLoop(function))
    os << ", int32_t layers, int64_t *layer_table";
  for (const std::string &param : extraParams)
    os << ", " << param;
  os << ")";
  return success();
}

LogicalResult KernelEmitter::emitKernel(func::FuncOp kernel) {
  // Each process is called once, from the kernel's top function; it names
  // its parameters after what the top function passes it.
  DenseMap<Value, std::string> topNames;
  blockPartitions.clear();
  for (auto [index, arg] : llvm::enumerate(kernel.getArguments()))
    topNames[arg] = "arg" + std::to_string(index);
  if (auto names = kernel->getAttrOfType<ArrayAttr>("dataflow.arg_names"))
    for (auto [arg, name] : llvm::zip(kernel.getArguments(), names))
      topNames[arg] = cast<StringAttr>(name).str();
  for (auto stream : kernel.getOps<StreamOp>())
    if (stream.getName())
      topNames[stream.getResult()] = stream.getName()->str();
  for (auto buffer : kernel.getOps<BufferOp>())
    if (auto name = buffer->getAttrOfType<StringAttr>("name"))
      topNames[buffer.getResult()] = name.str();

  layerLoop.reset();
  layerFifos.clear();
  tableFifosByColumn.clear();
  if (hasLayerLoop(kernel)) {
    FailureOr<LayerLoopPlan> plan = getLayerLoopPlan(kernel);
    if (failed(plan))
      return failure();
    layerLoop = std::move(*plan);
    layerFifos.resize(layerLoop->processes.size());
    tableFifosByColumn.resize(layerLoop->tablePorts.size());
    auto roleOf = [&](func::CallOp call) {
      auto process = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      auto role = process ? process->getAttrOfType<StringAttr>(
                                "dataflow.process")
                          : StringAttr();
      return role ? role.str() : call.getCallee().str();
    };
    for (auto [index, use] : llvm::enumerate(layerLoop->processes))
      for (auto [operand, column] : use.tableOperands) {
        std::string fifo = "layer_table_to_" + roleOf(use.call) + "_" +
                           topNames.lookup(use.call.getOperand(operand));
        layerFifos[index].tableEntries.push_back({operand, fifo});
        tableFifosByColumn[column].push_back(fifo);
      }
    for (auto [writer, reader] : layerLoop->syncs) {
      std::string fifo =
          roleOf(layerLoop->processes[writer].call) + "_layer_done_to_" +
          roleOf(layerLoop->processes[reader].call);
      layerFifos[writer].doneWrites.push_back(fifo);
      layerFifos[reader].doneReads.push_back(fifo);
    }
  }

  for (auto [callIndex, call] :
       llvm::enumerate(kernel.getOps<func::CallOp>())) {
    auto process = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    if (!process)
      return call.emitOpError("calls an unknown process");
    SmallVector<std::string> argNames;
    SmallVector<int64_t> blockDepths;
    for (Value operand : call.getOperands()) {
      argNames.push_back(topNames.lookup(operand));
      auto buffer = operand.getDefiningOp<BufferOp>();
      blockDepths.push_back(buffer ? buffer.getDepth() : 0);
    }
    if (failed(emitProcess(process, argNames, blockDepths,
                           layerLoop ? &layerFifos[callIndex] : nullptr)))
      return failure();
  }
  if (layerLoop)
    emitLayerTable(kernel, *layerLoop);
  names.clear();
  usedNames.clear();
  pointers.clear();
  blockChannels.clear();
  if (layerLoop)
    for (StringRef reserved : {"layers", "layer_table"})
      usedNames.insert(reserved);
  for (BlockArgument arg : kernel.getArguments()) {
    names[arg] = freshName(topNames[arg]);
    if (isa<MemRefType>(arg.getType()))
      pointers.insert(arg);
  }
  if (failed(emitTop(kernel)))
    return failure();
  if (unnamedValue)
    return emitError(unnamedValue.getLoc(),
                     "the HLS emitter has no name for this value");
  return success();
}

LogicalResult KernelEmitter::emitProcess(func::FuncOp process,
                                         ArrayRef<std::string> argNames,
                                         ArrayRef<int64_t> blockDepths,
                                         const LayerLoopFifos *layerFifos) {
  names.clear();
  usedNames.clear();
  pointers.clear();
  blockChannels.clear();
  // In a layer loop, a parameter with a table entry is the base of all
  // layers' buffers (or, for a scalar, unused): the body sees the layer's.
  DenseSet<unsigned> perLayer;
  if (layerFifos)
    for (auto [operand, fifo] : layerFifos->tableEntries)
      perLayer.insert(operand);
  for (auto [index, arg, name, blockDepth] :
       llvm::enumerate(process.getArguments(), argNames, blockDepths)) {
    std::string base = name.empty() ? "arg" : name;
    names[arg] = freshName(perLayer.contains(index) ? base + "_all" : base);
    if (blockDepth > 0)
      blockChannels[arg] = blockDepth;
    else if (isa<MemRefType>(arg.getType()))
      pointers.insert(arg);
  }
  partitions.clear();
  // A widened loop's pack buffer: every lane in the same cycle.
  process.walk([&](memref::AllocaOp pack) {
    if (auto lanes = pack->getAttrOfType<IntegerAttr>("dataflow.lanes"))
      partitions[pack.getResult()].insert({0u, lanes.getInt()});
  });
  // A ping-pong block is partitioned where the top declares its stream of
  // blocks, for the lanes of both processes that use it.
  perf::forEachUnrolledAccess(
      process, [&](Value memref, unsigned dim, int64_t factor) {
        if (memref.getDefiningOp<memref::AllocaOp>()) {
          partitions[memref].insert({dim, factor});
        } else if (auto acquire = memref.getDefiningOp<BlockAcquireOp>()) {
          auto channel = dyn_cast<BlockArgument>(acquire.getBuffer());
          if (channel && channel.getArgNumber() < argNames.size())
            blockPartitions[argNames[channel.getArgNumber()]].insert(
                {dim, factor});
        }
      });
  if (auto role = process->getAttrOfType<StringAttr>("dataflow.process"))
    os << "// Process '" << role.getValue() << "'.\n";
  std::vector<std::string> layerParams;
  if (layerFifos)
    for (const auto &[type, name] : layerFifos->getParams()) {
      layerParams.push_back(type + (type.back() == '&' ? "" : " ") + name);
      // The loop's names are the process's, not the body's.
      usedNames.insert(name);
    }
  if (failed(emitSignature(process, /*isTop=*/false, layerParams)))
    return failure();
  os << " {\n";
  os.indent();
  if (layerFifos) {
    if (failed(emitLayerLoopBody(process, *layerFifos)))
      return failure();
  } else if (failed(emitBlock(process.getBody().front()))) {
    return failure();
  }
  os.unindent();
  os << "}\n\n";
  return success();
}

LogicalResult KernelEmitter::emitLayerLoopBody(func::FuncOp process,
                                               const LayerLoopFifos &fifos) {
  // A scalar's value is the table's; the parameter only keeps the
  // process's signature that of the kernel.
  for (auto [operand, fifo] : fifos.tableEntries)
    if (!isa<MemRefType>(process.getArgument(operand).getType()))
      os << "(void)" << names[process.getArgument(operand)] << ";\n";
  std::string layer = freshName("layer");
  os << "for (int " << layer << " = 0; " << layer << " < layers; ++" << layer
     << ") {\n";
  os.indent();
  os << "ST_PRAGMA(HLS loop_tripcount min=" << layerLoop->layers
     << " max=" << layerLoop->layers << ")\n";
  for (auto [operand, fifo] : fifos.tableEntries) {
    BlockArgument arg = process.getArgument(operand);
    std::string all = names[arg];
    std::string name = freshName(StringRef(all).drop_back(4));
    names[arg] = name;
    if (auto memref = dyn_cast<MemRefType>(arg.getType()))
      os << getScalarTypeName(memref.getElementType()) << " *" << name
         << " = " << all << " + " << fifo << ".read();\n";
    else
      os << getScalarTypeName(arg.getType()) << " " << name << " = "
         << getScalarTypeName(arg.getType()) << "(" << fifo << ".read());\n";
  }
  if (failed(emitBlock(process.getBody().front())))
    return failure();
  // The writer's end of layer: everything it stored is in memory. The
  // reader's: the next layer may load what the writer stored.
  for (const std::string &fifo : fifos.doneWrites)
    os << fifo << ".write(true);\n";
  for (const std::string &fifo : fifos.doneReads)
    os << fifo << ".read();\n";
  os.unindent();
  os << "}\n";
  return success();
}

void KernelEmitter::emitLayerTable(func::FuncOp kernel,
                                   const LayerLoopPlan &plan) {
  os << "// Process 'layer_table': per layer, every table entry to the "
        "process that uses it.\n";
  os << "static void " << kernel.getName()
     << "_layer_table(int64_t *layer_table, int32_t layers";
  for (const std::vector<std::string> &fifos : tableFifosByColumn)
    for (const std::string &fifo : fifos)
      os << ", hls::stream<int64_t, 2> &" << fifo;
  os << ") {\n";
  os.indent();
  os << "for (int layer = 0; layer < layers; ++layer) {\n";
  os.indent();
  os << "ST_PRAGMA(HLS loop_tripcount min=" << plan.layers
     << " max=" << plan.layers << ")\n";
  for (auto [column, fifos] : llvm::enumerate(tableFifosByColumn)) {
    os << "int64_t entry_" << column << " = layer_table[layer * "
       << plan.tablePorts.size() << " + " << column << "];\n";
    for (const std::string &fifo : fifos)
      os << fifo << ".write(entry_" << column << ");\n";
  }
  os.unindent();
  os << "}\n";
  os.unindent();
  os << "}\n\n";
}

LogicalResult KernelEmitter::emitTop(func::FuncOp kernel) {
  os << "// Dataflow kernel '" << kernel.getName() << "'.\n";
  if (failed(emitSignature(kernel, /*isTop=*/true)))
    return failure();
  os << " {\n";
  os.indent();
  unsigned bundle = 0;
  for (BlockArgument arg : kernel.getArguments()) {
    if (isa<MemRefType>(arg.getType()))
      os << "ST_PRAGMA(HLS interface m_axi port=" << names[arg]
         << " offset=slave bundle=gmem" << bundle++ << ")\n";
    os << "ST_PRAGMA(HLS interface s_axilite port=" << names[arg]
       << " bundle=control)\n";
  }
  if (layerLoop) {
    os << "ST_PRAGMA(HLS interface s_axilite port=layers bundle=control)\n";
    os << "ST_PRAGMA(HLS interface m_axi port=layer_table offset=slave "
          "bundle=gmem"
       << bundle++ << ")\n";
    os << "ST_PRAGMA(HLS interface s_axilite port=layer_table "
          "bundle=control)\n";
  }
  os << "ST_PRAGMA(HLS interface s_axilite port=return bundle=control)\n";
  os << "ST_PRAGMA(HLS dataflow)\n";
  // The layer loop's FIFOs: an entry per layer, a token per layer.
  if (layerLoop) {
    for (const std::vector<std::string> &fifos : tableFifosByColumn)
      for (const std::string &fifo : fifos)
        os << "hls::stream<int64_t, 2> " << fifo << "(\"" << fifo << "\");\n";
    for (const LayerLoopFifos &fifos : layerFifos)
      for (const std::string &fifo : fifos.doneWrites)
        os << "hls::stream<bool, 2> " << fifo << "(\"" << fifo << "\");\n";
  }
  for (auto stream : kernel.getOps<StreamOp>()) {
    StreamType type = stream.getType();
    std::string name = freshName(stream.getName() ? *stream.getName() : "fifo");
    names[stream.getResult()] = name;
    os << "hls::stream<" << getScalarTypeName(type.getElementType()) << ", "
       << type.getDepth() << "> " << name << "(\"" << name << "\");\n";
    os << "ST_PRAGMA(HLS stream variable=" << name
       << " depth=" << type.getDepth() << ")\n";
    emitFifoStorage(stream, name);
  }
  for (auto buffer : kernel.getOps<BufferOp>()) {
    auto name = buffer->getAttrOfType<StringAttr>("name");
    std::string cname = freshName(name ? name.getValue() : "blocks");
    names[buffer.getResult()] = cname;
    os << "hls::stream_of_blocks<" << getArrayTypeName(buffer.getType());
    if (buffer.getDepth() != 2)
      os << ", " << buffer.getDepth();
    os << "> " << cname << " ST_NAMED(\"" << cname << "\");\n";
    emitPartitions(cname, buffer.getType().getShape(),
                   blockPartitions[name ? name.str() : ""]);
  }
  os << "ST_DATAFLOW_BEGIN(\"" << kernel.getName() << "\")\n";
  unsigned callIndex = 0;
  for (Operation &op : kernel.getBody().front()) {
    if (isa<StreamOp, BufferOp, func::ReturnOp>(op))
      continue;
    auto call = dyn_cast<func::CallOp>(op);
    if (!call)
      return op.emitOpError("cannot be emitted in a dataflow region");
    auto process = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    StringRef role = process->getAttrOfType<StringAttr>("dataflow.process")
                         ? process->getAttrOfType<StringAttr>("dataflow.process")
                               .getValue()
                         : call.getCallee();
    os << "ST_PROCESS(\"" << role << "\", " << call.getCallee() << "(";
    llvm::interleaveComma(call.getOperands(), os,
                          [&](Value operand) { os << get(operand); });
    if (layerLoop)
      for (const auto &[type, name] : layerFifos[callIndex].getParams())
        os << ", " << name;
    os << "));\n";
    ++callIndex;
  }
  if (layerLoop) {
    os << "ST_PROCESS(\"layer_table\", " << kernel.getName()
       << "_layer_table(layer_table, layers";
    for (const std::vector<std::string> &fifos : tableFifosByColumn)
      for (const std::string &fifo : fifos)
        os << ", " << fifo;
    os << "));\n";
  }
  os << "ST_DATAFLOW_END\n";
  os.unindent();
  os << "}\n";
  return success();
}

LogicalResult KernelEmitter::emitBlock(Block &block) {
  for (Operation &op : block)
    if (failed(emitOp(op)))
      return failure();
  return success();
}

void KernelEmitter::emitLaneLoop(int64_t lanes,
                                 function_ref<void(StringRef)> body) {
  std::string lane = freshName("lane");
  os << "for (int " << lane << " = 0; " << lane << " < " << lanes << "; ++"
     << lane << ") {\n";
  os.indent();
  os << "ST_PRAGMA(HLS unroll)\n";
  body(lane);
  os.unindent();
  os << "}\n";
}

/// The memory resource-allocation chose for a FIFO (dataflow.storage):
/// Vitis builds shallow FIFOs from registers by itself.
/// One pragma per dimension: loops unrolled by different factors along it
/// need banks for each, so the least common multiple (at most the
/// dimension's size: a complete partition).
void KernelEmitter::emitPartitions(
    StringRef name, ArrayRef<int64_t> shape,
    const std::set<std::pair<unsigned, int64_t>> &factors) {
  std::map<unsigned, int64_t> factorOf;
  for (auto [dim, factor] : factors) {
    int64_t &merged = factorOf[dim];
    merged = merged ? std::lcm(merged, factor) : factor;
  }
  for (auto [dim, factor] : factorOf)
    os << "ST_PRAGMA(HLS array_partition variable=" << name
       << " type=cyclic factor=" << std::min(factor, shape[dim])
       << " dim=" << dim + 1 << ")\n";
}

void KernelEmitter::emitFifoStorage(Operation *op, StringRef name) {
  auto storage = op->getAttrOfType<StringAttr>("dataflow.storage");
  if (!storage || storage.getValue() == "registers")
    return;
  os << "ST_PRAGMA(HLS bind_storage variable=" << name << " type=fifo impl="
     << storage.getValue() << ")\n";
}

/// The memory resource-allocation chose for a local array.
void KernelEmitter::emitArrayStorage(Operation *op, StringRef name) {
  auto storage = op->getAttrOfType<StringAttr>("dataflow.storage");
  if (!storage || storage.getValue() == "registers" ||
      storage.getValue() == "srl")
    return;
  os << "ST_PRAGMA(HLS bind_storage variable=" << name << " type=ram_2p impl="
     << storage.getValue() << ")\n";
}

/// Partial sums (dataflow-split-float-sums) the pipelined `loop` adds
/// into: of `dataflow.partial_sums` = P, each comes back after P updates,
/// which HLS cannot see through the index arithmetic. An iteration of an
/// unrolled sum makes several updates (the loop's unroll factor times the
/// trips of the loops unrolled completely around the store), and P over
/// those is the distance in iterations, whether HLS counts them before or
/// after the unrolling (a smaller distance than the true one is safe).
void KernelEmitter::emitPartialSumDependences(scf::ForOp loop) {
  llvm::MapVector<Operation *, int64_t> distances;
  loop.getBody()->walk([&](memref::StoreOp store) {
    auto alloca = store.getMemRef().getDefiningOp<memref::AllocaOp>();
    if (!alloca || !alloca->hasAttr("dataflow.partial_sums"))
      return;
    int64_t updates = perf::getUnrollFactor(loop);
    for (Operation *parent = store->getParentOp(); parent != loop;
         parent = parent->getParentOp())
      if (auto unrolled = dyn_cast<scf::ForOp>(parent))
        updates *= perf::getConstantTripCount(unrolled).value_or(1);
    int64_t distance = std::max<int64_t>(
        1,
        alloca->getAttrOfType<IntegerAttr>("dataflow.partial_sums").getInt() /
            updates);
    auto [it, inserted] = distances.insert({alloca, distance});
    if (!inserted)
      it->second = std::min(it->second, distance);
  });
  for (auto [buffer, distance] : distances)
    os << "ST_PRAGMA(HLS dependence variable="
       << names.lookup(buffer->getResult(0))
       << " type=inter direction=RAW distance=" << distance << " true)\n";
}

LogicalResult KernelEmitter::emitFor(scf::ForOp loop) {
  if (loop.getNumResults() != 0)
    return loop.emitOpError("with loop-carried values cannot be emitted yet");
  static const char *const indexNames[] = {"i", "j", "k", "l", "m", "n",
                                           "p", "q", "r", "s", "t", "u"};
  std::string name = freshName(
      loopDepth < std::size(indexNames) ? indexNames[loopDepth] : "iv");
  names[loop.getInductionVar()] = name;
  os << "for (int " << name << " = " << get(loop.getLowerBound()) << "; "
     << name << " < " << get(loop.getUpperBound()) << "; " << name
     << " += " << get(loop.getStep()) << ") {\n";
  os.indent();
  // The pipeline goes on the innermost loop that really loops; loops inside
  // it that are unrolled completely are part of its body.
  if (perf::isFullyUnrolled(loop))
    os << "ST_PRAGMA(HLS unroll)\n";
  else if (perf::isInnermostLoop(loop)) {
    os << "ST_PRAGMA(HLS pipeline II=1)\n";
    emitPartialSumDependences(loop);
  }
  // A loop that reads or writes a FIFO passes one token per cycle however
  // many copies of its body there are: copies would only add operators that
  // wait (the task model counts one).
  bool streams = loop.getBody()
                     ->walk([](Operation *op) {
                       return isa<dataflow::StreamReadOp,
                                  dataflow::StreamWriteOp>(op)
                                  ? WalkResult::interrupt()
                                  : WalkResult::advance();
                     })
                     .wasInterrupted();
  if (!perf::isFullyUnrolled(loop) && !streams)
    if (auto unroll = loop->getAttrOfType<IntegerAttr>("dataflow.unroll"))
      os << "ST_PRAGMA(HLS unroll factor=" << unroll.getInt() << ")\n";
  ++loopDepth;
  LogicalResult result = emitBlock(*loop.getBody());
  --loopDepth;
  os.unindent();
  os << "}\n";
  return result;
}

LogicalResult KernelEmitter::emitOp(Operation &op) {
  return TypeSwitch<Operation *, LogicalResult>(&op)
      .Case([&](scf::ForOp loop) { return emitFor(loop); })
      .Case<scf::YieldOp, func::ReturnOp, arith::ConstantOp>(
          [&](Operation *) { return success(); })
      .Case([&](memref::AllocaOp alloca) -> LogicalResult {
        MemRefType type = alloca.getType();
        std::string element = getScalarTypeName(type.getElementType());
        if (element.empty() || !type.hasStaticShape())
          return alloca.emitOpError("of this type cannot be emitted");
        std::string name = freshName(type.getRank() == 0 ? "scalar" : "buffer");
        names[alloca.getResult()] = name;
        os << element << " " << name;
        for (int64_t size : type.getShape())
          os << "[" << size << "]";
        os << ";\n";
        emitArrayStorage(alloca, name);
        emitPartitions(name, type.getShape(),
                       partitions.lookup(alloca.getResult()));
        return success();
      })
      .Case([&](BlockAcquireOp acquire) -> LogicalResult {
        std::string name = freshName("block");
        names[acquire.getBlock()] = name;
        // The lock holds the block until the end of the enclosing scope.
        os << "hls::" << (acquire.getWrite() ? "write_lock" : "read_lock")
           << "<" << getArrayTypeName(acquire.getBlock().getType()) << "> "
           << name << "(" << get(acquire.getBuffer()) << ");\n";
        return success();
      })
      .Case([&](memref::LoadOp load) -> LogicalResult {
        declare(load.getResult(), "value",
                getAccess(load.getMemRef(), load.getIndices()));
        return success();
      })
      .Case([&](memref::StoreOp store) -> LogicalResult {
        os << getAccess(store.getMemRef(), store.getIndices()) << " = "
           << get(store.getValue()) << ";\n";
        return success();
      })
      .Case([&](vector::LoadOp load) -> LogicalResult {
        // A token built from a pack buffer, element by element.
        std::string type = getScalarTypeName(load.getType());
        if (type.empty() || load.getIndices().size() != 1)
          return load.emitOpError("cannot be emitted as HLS C++");
        std::string name = freshName("token");
        names[load.getResult()] = name;
        os << type << " " << name << ";\n";
        emitLaneLoop(load.getType().getDimSize(0), [&](StringRef lane) {
          os << name << "[" << lane << "] = " << get(load.getBase()) << "["
             << get(load.getIndices()[0]) << " + " << lane << "];\n";
        });
        return success();
      })
      .Case([&](vector::StoreOp store) -> LogicalResult {
        auto type = dyn_cast<VectorType>(store.getValueToStore().getType());
        if (!type || store.getIndices().size() != 1)
          return store.emitOpError("cannot be emitted as HLS C++");
        emitLaneLoop(type.getDimSize(0), [&](StringRef lane) {
          os << get(store.getBase()) << "[" << get(store.getIndices()[0])
             << " + " << lane << "] = " << get(store.getValueToStore()) << "["
             << lane << "];\n";
        });
        return success();
      })
      .Case([&](StreamReadOp read) -> LogicalResult {
        declare(read.getResult(), "token", get(read.getStream()) + ".read()");
        return success();
      })
      .Case([&](StreamWriteOp write) -> LogicalResult {
        os << get(write.getStream()) << ".write(" << get(write.getValue())
           << ");\n";
        return success();
      })
      .Default([&](Operation *op) { return emitArith(*op); });
}

LogicalResult KernelEmitter::emitArith(Operation &op) {
  if (op.getNumResults() != 1 || getScalarTypeName(op.getResult(0).getType()).empty())
    return op.emitOpError("cannot be emitted as HLS C++");
  Value result = op.getResult(0);
  auto operand = [&](unsigned index) { return get(op.getOperand(index)); };
  auto binary = [&](StringRef base, StringRef symbol) {
    declare(result, base, operand(0) + " " + symbol.str() + " " + operand(1));
    return success();
  };
  auto call = [&](StringRef base, StringRef function) {
    std::string args;
    for (unsigned index = 0; index < op.getNumOperands(); ++index)
      args += (index ? ", " : "") + operand(index);
    declare(result, base, function.str() + "(" + args + ")");
    return success();
  };
  auto cast = [&](StringRef base) {
    declare(result, base,
            "(" + getScalarTypeName(result.getType()) + ")" + operand(0));
    return success();
  };
  // A float add or subtract in LUTs, as the design was priced
  // (dataflow-bind-float-adders).
  auto floatAdder = [&](StringRef base, StringRef symbol, StringRef hlsOp) {
    (void)binary(base, symbol);
    if (perf::getFloatAdders(&op) == "fabric")
      os << "ST_PRAGMA(HLS bind_op variable=" << names[result]
         << " op=" << hlsOp << " impl=fabric)\n";
    return success();
  };
  return TypeSwitch<Operation *, LogicalResult>(&op)
      .Case([&](arith::AddFOp) { return floatAdder("sum", "+", "fadd"); })
      .Case(
          [&](arith::SubFOp) { return floatAdder("difference", "-", "fsub"); })
      .Case([&](arith::AddIOp) { return binary("sum", "+"); })
      .Case([&](arith::SubIOp) { return binary("difference", "-"); })
      .Case<arith::MulFOp, arith::MulIOp>(
          [&](auto) { return binary("product", "*"); })
      .Case<arith::DivFOp, arith::DivSIOp>(
          [&](auto) { return binary("quotient", "/"); })
      .Case<arith::RemSIOp>([&](auto) { return binary("remainder", "%"); })
      .Case<arith::AndIOp>([&](auto) { return binary("both", "&"); })
      .Case<arith::OrIOp>([&](auto) { return binary("either", "|"); })
      .Case<arith::XOrIOp>([&](auto) { return binary("different", "^"); })
      // Declared with the result's type: an int8 shift wraps to 8 bits.
      .Case<arith::ShLIOp>([&](auto) { return binary("shifted", "<<"); })
      .Case<arith::ShRSIOp>([&](auto) { return binary("shifted", ">>"); })
      .Case<arith::MaximumFOp>(
          [&](auto) { return call("maximum", "st_maximumf"); })
      .Case<arith::MinimumFOp>(
          [&](auto) { return call("minimum", "st_minimumf"); })
      .Case<arith::MaxNumFOp>(
          [&](auto) { return call("maximum", "std::fmax"); })
      .Case<arith::MinNumFOp>(
          [&](auto) { return call("minimum", "std::fmin"); })
      .Case<arith::MaxSIOp>([&](auto) {
        return call("maximum",
                    "std::max<" + getScalarTypeName(result.getType()) + ">");
      })
      .Case<arith::MinSIOp>([&](auto) {
        return call("minimum",
                    "std::min<" + getScalarTypeName(result.getType()) + ">");
      })
      .Case<arith::NegFOp>([&](auto) {
        declare(result, "negated", "-" + operand(0));
        return success();
      })
      .Case<arith::SelectOp>([&](auto) {
        declare(result, "selected",
                operand(0) + " ? " + operand(1) + " : " + operand(2));
        return success();
      })
      .Case([&](arith::CmpFOp compare) -> LogicalResult {
        std::string a = operand(0), b = operand(1), text;
        using P = arith::CmpFPredicate;
        switch (compare.getPredicate()) {
        case P::OEQ:
          text = a + " == " + b;
          break;
        case P::OGT:
          text = a + " > " + b;
          break;
        case P::OGE:
          text = a + " >= " + b;
          break;
        case P::OLT:
          text = a + " < " + b;
          break;
        case P::OLE:
          text = a + " <= " + b;
          break;
        case P::ONE:
          text = "(" + a + " < " + b + " || " + a + " > " + b + ")";
          break;
        case P::ORD:
          text = "(" + a + " == " + a + " && " + b + " == " + b + ")";
          break;
        case P::UEQ:
          text = "!(" + a + " < " + b + " || " + a + " > " + b + ")";
          break;
        case P::UGT:
          text = "!(" + a + " <= " + b + ")";
          break;
        case P::UGE:
          text = "!(" + a + " < " + b + ")";
          break;
        case P::ULT:
          text = "!(" + a + " >= " + b + ")";
          break;
        case P::ULE:
          text = "!(" + a + " > " + b + ")";
          break;
        case P::UNE:
          text = a + " != " + b;
          break;
        case P::UNO:
          text = "(" + a + " != " + a + " || " + b + " != " + b + ")";
          break;
        case P::AlwaysTrue:
          text = "true";
          break;
        case P::AlwaysFalse:
          text = "false";
          break;
        }
        declare(result, "condition", text);
        return success();
      })
      .Case([&](arith::CmpIOp compare) -> LogicalResult {
        static const char *const symbols[] = {"==", "!=", "<", "<=", ">", ">=",
                                              "<", "<=", ">", ">="};
        unsigned predicate = unsigned(compare.getPredicate());
        if (predicate >= std::size(symbols) || predicate >= 6)
          return compare.emitOpError("unsigned comparisons cannot be emitted yet");
        return binary("condition", symbols[predicate]);
      })
      .Case<arith::ExtFOp, arith::TruncFOp, arith::SIToFPOp, arith::FPToSIOp,
            arith::IndexCastOp, arith::ExtSIOp, arith::TruncIOp>(
          [&](auto) { return cast("converted"); })
      .Case<math::ExpOp>([&](auto) { return call("exponential", "std::exp"); })
      .Case<math::LogOp>([&](auto) { return call("logarithm", "std::log"); })
      .Case<math::SqrtOp>([&](auto) { return call("root", "std::sqrt"); })
      .Case<math::RsqrtOp>([&](auto) {
        declare(result, "inverse_root", "1.0f / std::sqrt(" + operand(0) + ")");
        return success();
      })
      .Case<math::TanhOp>([&](auto) { return call("tanh", "std::tanh"); })
      .Case<math::CosOp>([&](auto) { return call("cosine", "std::cos"); })
      .Case<math::SinOp>([&](auto) { return call("sine", "std::sin"); })
      // Round half to even: the default rounding mode of nearbyint.
      .Case<math::RoundEvenOp>(
          [&](auto) { return call("rounded", "std::nearbyint"); })
      .Case<math::ErfOp>([&](auto) { return call("erf", "std::erf"); })
      .Case<math::PowFOp>([&](auto) { return call("power", "std::pow"); })
      .Case<math::AbsFOp>([&](auto) { return call("magnitude", "std::fabs"); })
      .Default([&](Operation *op) {
        return op->emitOpError("cannot be emitted as HLS C++ yet");
      });
}

} // namespace

/// Helpers every kernel file needs, written once at its top.
static void emitPreamble(raw_ostream &os) {
  os << "// Generated by StreamTensor: Vitis HLS C++. It also builds for C\n"
        "// simulation against StreamTensor's runtime headers (g++\n"
        "// -DSTREAMTENSOR_CSIM), where every process runs on its own thread.\n"
        "// ST_PRAGMA(HLS ...) is #pragma HLS ... (see streamtensor_dataflow.h).\n"
        "#include <algorithm>\n#include <cmath>\n#include <cstdint>\n\n"
        "#include \"hls_stream.h\"\n#include \"hls_streamofblocks.h\"\n#include \"hls_vector.h\"\n"
        "#include \"streamtensor_dataflow.h\"\n\n"
        "// IEEE maximum/minimum: NaN if either operand is NaN, and +0 above "
        "-0.\n"
        "template <typename T> static inline T st_maximumf(T a, T b) {\n"
        "  if (a != a || b != b)\n    return a != a ? a : b;\n"
        "  if (a == b)\n    return std::signbit(a) ? b : a;\n"
        "  return a > b ? a : b;\n}\n"
        "template <typename T> static inline T st_minimumf(T a, T b) {\n"
        "  if (a != a || b != b)\n    return a != a ? a : b;\n"
        "  if (a == b)\n    return std::signbit(a) ? a : b;\n"
        "  return a < b ? a : b;\n}\n\n";
}

LogicalResult streamtensor::emitKernel(func::FuncOp kernel, raw_ostream &os) {
  emitPreamble(os);
  return KernelEmitter(os).emitKernel(kernel);
}

LogicalResult streamtensor::emitKernelDeclaration(func::FuncOp kernel,
                                                  raw_ostream &os) {
  KernelEmitter emitter(os);
  if (failed(emitter.emitSignature(kernel, /*isTop=*/true)))
    return failure();
  os << ";\n";
  return success();
}
