//===- EmitTestbench.cpp - The C-simulation testbench ---------------------===//
//
// The host program is the model's function after bufferization: it calls the
// kernels in order on buffers in external memory. The testbench replays it in
// C++: model inputs and constants come from raw float32 files, kernels are
// the generated C++, and the results are written and checked against
// goldens.
//
//===----------------------------------------------------------------------===//

#include "streamtensor/Performance/DesignAnalysis.h"
#include "streamtensor/Target/HLSCpp.h"
#include "streamtensor/Target/LayerLoop.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Support/IndentedOstream.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace streamtensor;

static int64_t getNumElements(Value value) {
  return cast<MemRefType>(value.getType()).getNumElements();
}

static const char *const testbenchSupport = R"cpp(
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

namespace {

std::vector<float> readTensor(const std::string &path, size_t count) {
  std::FILE *file = std::fopen(path.c_str(), "rb");
  if (!file) {
    std::fprintf(stderr, "testbench: cannot open %s\n", path.c_str());
    std::exit(1);
  }
  std::vector<float> data(count);
  size_t read = std::fread(data.data(), sizeof(float), count, file);
  bool extra = std::fgetc(file) != EOF;
  std::fclose(file);
  if (read != count || extra) {
    std::fprintf(stderr, "testbench: %s does not hold %zu float32 values\n",
                 path.c_str(), count);
    std::exit(1);
  }
  return data;
}

void writeTensor(const std::string &path, const float *data, size_t count) {
  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file || std::fwrite(data, sizeof(float), count, file) != count) {
    std::fprintf(stderr, "testbench: cannot write %s\n", path.c_str());
    std::exit(1);
  }
  std::fclose(file);
}

// Relative L2 error and largest absolute error against a golden.
bool compareTensor(const std::string &name, const float *got,
                   const std::vector<float> &want, double tolerance) {
  double error = 0, norm = 0, maxAbs = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    double difference = double(got[i]) - double(want[i]);
    error += difference * difference;
    norm += double(want[i]) * double(want[i]);
    maxAbs = std::fmax(maxAbs, std::fabs(difference));
  }
  double relative = norm > 0 ? std::sqrt(error / norm) : std::sqrt(error);
  bool ok = relative <= tolerance;  // false for NaN too
  std::printf("%s: relative L2 error %.3e, max abs error %.3e: %s\n",
              name.c_str(), relative, maxAbs, ok ? "match" : "MISMATCH");
  return ok;
}

} // namespace
)cpp";

std::optional<unsigned>
streamtensor::getReturnedResult(memref::AllocOp alloc, func::ReturnOp ret) {
  std::optional<unsigned> found;
  if (!ret)
    return found;
  for (OpOperand &use : alloc.getResult().getUses()) {
    if (use.getOwner() == ret.getOperation()) {
      if (found)
        return std::nullopt;
      found = use.getOperandNumber();
    } else if (!isa<func::CallOp>(use.getOwner())) {
      return std::nullopt;
    }
  }
  return found;
}

std::optional<std::string>
streamtensor::getTestbenchLimitation(func::FuncOp entry) {
  std::optional<std::string> limitation;
  auto check = [&](Type type) {
    auto memref = dyn_cast<MemRefType>(type);
    if (limitation ||
        (memref && memref.getElementType().isF32() && memref.hasStaticShape()))
      return;
    llvm::raw_string_ostream os(limitation.emplace());
    os << "the C simulation supports static float32 tensors only, the model "
          "has "
       << type;
  };
  for (Type type : entry.getArgumentTypes())
    check(type);
  for (Type type : entry.getResultTypes())
    check(type);
  entry.walk([&](Operation *op) {
    if (isa<memref::AllocOp, memref::GetGlobalOp>(op))
      check(op->getResult(0).getType());
  });
  return limitation;
}

namespace {

/// The C++ type of a buffer's elements, or "" when the host function
/// cannot hold it.
std::string getElementTypeName(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape())
    return "";
  Type element = memref.getElementType();
  if (element.isF32())
    return "float";
  for (unsigned width : {8u, 16u, 32u})
    if (element.isSignlessInteger(width))
      return "int" + std::to_string(width) + "_t";
  return "";
}

/// The C++ type of a scalar argument, or "".
std::string getScalarTypeName(Type type) {
  if (type.isF32())
    return "float";
  for (unsigned width : {8u, 16u, 32u})
    if (type.isSignlessInteger(width))
      return "int" + std::to_string(width) + "_t";
  return "";
}

/// Static float32 and int8/16/32 buffers only (or such scalars), located at
/// `loc`.
LogicalResult checkFloat(Location loc, Type type) {
  if (getElementTypeName(type).empty() && getScalarTypeName(type).empty())
    return emitError(loc, "the C simulation supports static float32 and "
                          "integer tensors only, got ")
           << type;
  return success();
}

} // namespace

LogicalResult streamtensor::emitHostFunction(
    ModuleOp module, func::FuncOp entry, StringRef name, raw_ostream &output,
    std::vector<std::pair<std::string, DenseElementsAttr>> &constants) {
  raw_indented_ostream os(output);
  DenseMap<Value, std::string> names;
  unsigned numBuffers = 0;
  for (Type type : entry.getArgumentTypes())
    if (failed(checkFloat(entry.getLoc(), type)))
      return failure();
  for (Type type : entry.getResultTypes())
    if (failed(checkFloat(entry.getLoc(), type)))
      return failure();

  auto ret = dyn_cast<func::ReturnOp>(entry.getBody().front().back());
  auto returnedAs = [&](memref::AllocOp alloc) {
    return getReturnedResult(alloc, ret);
  };

  os << "// The host function '" << entry.getName()
     << "': its kernels, called in order on buffers in external memory.\n";
  // A kernel that walks the layers itself takes their count and table.
  bool layered = false;
  entry.walk([&](func::CallOp call) {
    auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    layered |= callee && hasLayerLoop(callee);
  });
  os << "void " << name << "(const void *const *args, void *const *results"
     << (layered ? ", int32_t layers, const int64_t *table" : "") << ") {\n";
  os.indent();
  // A scalar argument comes as a pointer to its value.
  for (auto [index, arg] : llvm::enumerate(entry.getArguments())) {
    std::string scalar = getScalarTypeName(arg.getType());
    names[arg] = scalar.empty()
                     ? "static_cast<" + getElementTypeName(arg.getType()) +
                           " *>(const_cast<void *>(args[" +
                           std::to_string(index) + "]))"
                     : "*static_cast<const " + scalar + " *>(args[" +
                           std::to_string(index) + "])";
  }
  for (Operation &op : entry.getBody().front()) {
    LogicalResult result =
        TypeSwitch<Operation *, LogicalResult>(&op)
            .Case([&](memref::GetGlobalOp get) -> LogicalResult {
              auto global =
                  SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
                      get, get.getNameAttr());
              auto value = global ? dyn_cast_or_null<DenseElementsAttr>(
                                        global.getInitialValueAttr())
                                  : nullptr;
              if (!value)
                return get.emitOpError("refers to a global without a value");
              if (failed(checkFloat(get.getLoc(), get.getType())))
                return failure();
              std::string constant =
                  "constant_" + std::to_string(constants.size());
              constants.push_back({constant, value});
              os << "static std::vector<float> " << constant
                 << " = readTensor(std::string(STREAMTENSOR_PARAMS_DIR) + \"/"
                 << constant << ".bin\", " << getNumElements(get.getResult())
                 << ");\n";
              names[get.getResult()] = constant + ".data()";
              return success();
            })
            .Case([&](memref::AllocOp alloc) -> LogicalResult {
              if (failed(checkFloat(alloc.getLoc(), alloc.getType())))
                return failure();
              // A buffer the function returns is the caller's memory: the
              // kernel's store DMA writes the result where the caller wants
              // it (a KV cache row, say), with no copy.
              if (std::optional<unsigned> index = returnedAs(alloc)) {
                names[alloc.getResult()] =
                    "static_cast<" + getElementTypeName(alloc.getType()) +
                    " *>(results[" + std::to_string(*index) + "])";
                return success();
              }
              std::string buffer = "buffer_" + std::to_string(numBuffers++);
              os << "static std::vector<" << getElementTypeName(alloc.getType())
                 << "> " << buffer << "(" << getNumElements(alloc.getResult())
                 << ");\n";
              names[alloc.getResult()] = buffer + ".data()";
              return success();
            })
            .Case<memref::CollapseShapeOp, memref::ExpandShapeOp,
                  memref::CastOp>([&](Operation *view) -> LogicalResult {
              // Row-major views of the same buffer.
              names[view->getResult(0)] = names.lookup(view->getOperand(0));
              return success();
            })
            .Case([&](memref::CopyOp copy) -> LogicalResult {
              os << "std::copy(" << names.lookup(copy.getSource()) << ", "
                 << names.lookup(copy.getSource()) << " + "
                 << getNumElements(copy.getSource()) << ", "
                 << names.lookup(copy.getTarget()) << ");\n";
              return success();
            })
            .Case([&](func::CallOp call) -> LogicalResult {
              os << call.getCallee() << "(";
              llvm::interleaveComma(call.getOperands(), os, [&](Value value) {
                os << names.lookup(value);
              });
              auto callee =
                  SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
                      call, call.getCalleeAttr());
              if (callee && hasLayerLoop(callee))
                os << ", layers, const_cast<int64_t *>(table)";
              os << ");\n";
              return success();
            })
            .Case([&](memref::DeallocOp) { return success(); })
            .Case([&](func::ReturnOp ret) -> LogicalResult {
              for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
                if (!names.count(value))
                  return ret.emitOpError("returns a value the testbench "
                                         "cannot follow");
                auto alloc = value.getDefiningOp<memref::AllocOp>();
                if (alloc && returnedAs(alloc) == index)
                  continue;
                // An argument updated in place (the KV cache at decode):
                // nothing to copy when the caller passes it as the result.
                if (isa<BlockArgument>(value))
                  os << "if (results[" << index << "] != " << names[value]
                     << ")\n  ";
                os << "std::copy(" << names[value] << ", " << names[value]
                   << " + " << getNumElements(value) << ", static_cast<"
                   << getElementTypeName(value.getType()) << " *>(results["
                   << index << "]));\n";
              }
              return success();
            })
            .Default([&](Operation *other) {
              return other->emitOpError(
                  "cannot be run by the C-simulation testbench yet");
            });
    if (failed(result))
      return failure();
  }
  os.unindent();
  os << "}\n";
  return success();
}

LogicalResult streamtensor::emitTestbench(
    ModuleOp module, func::FuncOp entry, raw_ostream &output,
    std::vector<std::pair<std::string, DenseElementsAttr>> &constants) {
  raw_indented_ostream os(output);
  os << "// Generated by StreamTensor: C-simulation testbench of '"
     << entry.getName() << "'.\n";
  os << "// Usage: testbench <inputs-dir> <outputs-dir> [<golden-dir> "
        "[tolerance]]\n";
  os << "#include \"hls_stream.h\"\n#include \"streamtensor_dataflow.h\"\n";
  os << testbenchSupport << "\n";
  for (func::FuncOp kernel : perf::getKernelFunctions(module))
    if (failed(emitKernelDeclaration(kernel, os)))
      return failure();
  os << "\n";
  if (failed(emitHostFunction(module, entry, "run_host", os, constants)))
    return failure();

  os << "\nint main(int argc, char **argv) {\n";
  os.indent();
  os << "if (argc < 3) {\n"
        "  std::fprintf(stderr, \"usage: %s <inputs-dir> <outputs-dir> "
        "[<golden-dir> [tolerance]]\\n\", argv[0]);\n"
        "  return 1;\n}\n"
        "std::string inputs = argv[1], outputs = argv[2];\n";
  unsigned numArgs = entry.getNumArguments();
  unsigned numResults = entry.getNumResults();
  for (auto [index, arg] : llvm::enumerate(entry.getArguments()))
    os << "std::vector<float> input_" << index << " = readTensor(inputs + \"/"
       << "input_" << index << ".bin\", " << getNumElements(arg) << ");\n";
  for (auto [index, type] : llvm::enumerate(entry.getResultTypes()))
    os << "std::vector<float> output_" << index << "("
       << cast<MemRefType>(type).getNumElements() << ");\n";
  os << "const void *args[] = {";
  for (unsigned index = 0; index < numArgs; ++index)
    os << (index ? ", " : "") << "input_" << index << ".data()";
  os << (numArgs ? "" : "nullptr") << "};\n";
  os << "void *results[] = {";
  for (unsigned index = 0; index < numResults; ++index)
    os << (index ? ", " : "") << "output_" << index << ".data()";
  os << (numResults ? "" : "nullptr") << "};\n";
  os << "try {\n";
  os.indent();
  os << "run_host(args, results);\n";
  for (unsigned index = 0; index < numResults; ++index)
    os << "writeTensor(outputs + \"/output_" << index << ".bin\", output_"
       << index << ".data(), output_" << index << ".size());\n";
  os << "bool matched = true;\n"
        "if (argc > 3) {\n"
        "  std::string golden = argv[3];\n"
        "  double tolerance = argc > 4 ? std::atof(argv[4]) : 1e-4;\n";
  for (unsigned index = 0; index < numResults; ++index)
    os << "  matched &= compareTensor(\"output_" << index << "\", output_"
       << index << ".data(), readTensor(golden + \"/output_" << index
       << ".bin\", output_" << index << ".size()), tolerance);\n";
  os << "}\nreturn matched ? 0 : 3;\n";
  os.unindent();
  os << "} catch (const std::exception &error) {\n"
        "  std::fprintf(stderr, \"csim failed: %s\\n\", error.what());\n"
        "  return 2;\n}\n";
  os.unindent();
  os << "}\n";
  return success();
}
