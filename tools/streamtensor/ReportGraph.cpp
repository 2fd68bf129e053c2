//===- ReportGraph.cpp - The dataflow graph of a compiled design ----------===//
//
// Reads the lowered kernels back from out/ir/*.mlir: every call in a kernel
// is a process, every dataflow.stream between two calls a FIFO. Which end
// writes is read from the callee's body (its stream_write ops), not guessed
// from names. The two halves of a layout converter (fill and drain around a
// ping-pong dataflow.buffer) are drawn as one node.
//
//===----------------------------------------------------------------------===//

#include "ReportGraph.h"

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"
#include "streamtensor/Registration.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"

#include <algorithm>

using namespace mlir;
using namespace streamtensor;
using namespace streamtensor::driver;
using namespace streamtensor::driver::report;

llvm::StringRef report::getKindName(NodeKind kind) {
  switch (kind) {
  case NodeKind::Task:
    return "task";
  case NodeKind::Dma:
    return "DMA";
  case NodeKind::Converter:
    return "converter";
  case NodeKind::Fork:
    return "fork";
  }
  return "task";
}

int report::getRequestOrder(llvm::StringRef graph) {
  return llvm::StringSwitch<int>(graph)
      .Case("embed_prefill", 0)
      .Case("block_prefill", 1)
      .Case("embed_decode", 2)
      .Case("block_decode", 3)
      .Case("lm_head", 4)
      .Default(5);
}

namespace {

int64_t getScalarBits(Type type) {
  if (type.isIntOrFloat())
    return type.getIntOrFloatBitWidth();
  // An index travels as 64 bits in the generated C++.
  return 64;
}

std::string printType(Type type) {
  std::string text;
  llvm::raw_string_ostream(text) << type;
  return text;
}

/// Whether the callee writes its `index`-th argument (a stream).
bool writesArgument(func::FuncOp callee, unsigned index) {
  if (!callee || callee.isExternal() || index >= callee.getNumArguments())
    return false;
  return llvm::any_of(callee.getArgument(index).getUsers(), [](Operation *op) {
    return isa<dataflow::StreamWriteOp>(op);
  });
}

bool readsArgument(func::FuncOp callee, unsigned index) {
  if (!callee || callee.isExternal() || index >= callee.getNumArguments())
    return false;
  return llvm::any_of(callee.getArgument(index).getUsers(), [](Operation *op) {
    return isa<dataflow::StreamReadOp>(op);
  });
}

std::string getConverterName(dataflow::BufferOp buffer, unsigned index) {
  auto name = buffer->getAttrOfType<StringAttr>("name");
  if (!name)
    return llvm::formatv("buffer_{0}", index).str();
  llvm::StringRef text = name.getValue();
  text.consume_back("_blocks");
  return text.str();
}

KernelGraph readKernel(func::FuncOp kernel, unsigned kernelIndex) {
  KernelGraph graph;
  graph.name = kernel.getName().str();
  std::string prefix = llvm::formatv("k{0}_", kernelIndex).str();

  // Converter nodes, one per ping-pong buffer.
  llvm::DenseMap<Operation *, unsigned> converterOfBuffer;
  unsigned bufferIndex = 0;
  for (auto buffer : kernel.getOps<dataflow::BufferOp>()) {
    // A tile prefetch's blocks join two processes, drawn as an edge below.
    if (buffer.getPrefetch())
      continue;
    GraphBuffer info;
    info.converter = getConverterName(buffer, bufferIndex++);
    auto name = buffer->getAttrOfType<StringAttr>("name");
    info.name = name ? name.getValue().str() : info.converter;
    MemRefType type = buffer.getType();
    info.type = printType(type);
    auto storage = buffer->getAttrOfType<StringAttr>("dataflow.storage");
    info.storage = storage ? storage.getValue().str() : "";
    info.stages = buffer.getDepth();
    info.bytes = info.stages * type.getNumElements() *
                 ((getScalarBits(type.getElementType()) + 7) / 8);
    GraphNode node;
    node.id = prefix + info.converter;
    node.label = info.converter;
    node.kind = NodeKind::Converter;
    node.details.push_back(llvm::formatv("{0} x{1}{2}", info.type, info.stages,
                                         info.storage.empty()
                                             ? std::string()
                                             : " (" + info.storage + ")")
                               .str());
    converterOfBuffer[buffer] = graph.nodes.size();
    graph.nodes.push_back(std::move(node));
    graph.buffers.push_back(std::move(info));
  }

  // Processes, and the ends of each stream.
  llvm::MapVector<Operation *, std::pair<int, int>> ends;
  for (auto stream : kernel.getOps<dataflow::StreamOp>())
    ends[stream] = {-1, -1};
  llvm::MapVector<Operation *, std::pair<int, int>> prefetchEnds;
  for (auto call : kernel.getOps<func::CallOp>()) {
    auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
        call, call.getCalleeAttr());
    int nodeIndex = -1;
    for (Value operand : call.getOperands())
      if (auto buffer = operand.getDefiningOp<dataflow::BufferOp>();
          buffer && converterOfBuffer.count(buffer))
        nodeIndex = converterOfBuffer.lookup(buffer);
    if (nodeIndex < 0) {
      auto role = callee ? callee->getAttrOfType<StringAttr>("dataflow.process")
                         : nullptr;
      GraphNode node;
      node.label = role ? role.getValue().str() : call.getCallee().str();
      node.id = prefix + node.label;
      auto dmas =
          callee ? callee->getAttrOfType<ArrayAttr>("dataflow.dma") : nullptr;
      if (dmas) {
        node.kind = NodeKind::Dma;
        for (auto dma : dmas.getAsRange<DictionaryAttr>()) {
          auto port = dma.getAs<StringAttr>("port");
          auto channel = dma.getAs<IntegerAttr>("hbm_channel");
          auto read = dma.getAs<BoolAttr>("read");
          node.details.push_back(
              llvm::formatv("{0} {1} HBM PC {2}", port ? port.getValue() : "?",
                            read && !read.getValue() ? "to" : "from",
                            channel ? std::to_string(channel.getInt()) : "?")
                  .str());
        }
      } else if (llvm::StringRef(node.label).starts_with("fork_")) {
        node.kind = NodeKind::Fork;
      }
      if (auto slr = call->getAttrOfType<IntegerAttr>("dataflow.slr"))
        node.slr = slr.getInt();
      nodeIndex = graph.nodes.size();
      graph.nodes.push_back(std::move(node));
    } else if (auto slr = call->getAttrOfType<IntegerAttr>("dataflow.slr")) {
      graph.nodes[nodeIndex].slr = slr.getInt();
    }
    for (auto [index, operand] : llvm::enumerate(call.getOperands())) {
      auto buffer = operand.getDefiningOp<dataflow::BufferOp>();
      if (buffer && buffer.getPrefetch() && callee &&
          !callee.isExternal()) {
        auto [it, inserted] =
            prefetchEnds.insert({buffer, std::make_pair(-1, -1)});
        bool fills = llvm::any_of(
            callee.getArgument(index).getUsers(), [](Operation *user) {
              auto acquire = dyn_cast<dataflow::BlockAcquireOp>(user);
              return acquire && acquire.getWrite();
            });
        (fills ? it->second.first : it->second.second) = nodeIndex;
        continue;
      }
      Operation *stream = operand.getDefiningOp<dataflow::StreamOp>();
      if (!stream)
        continue;
      if (writesArgument(callee, index))
        ends[stream].first = nodeIndex;
      else if (readsArgument(callee, index))
        ends[stream].second = nodeIndex;
    }
  }

  bool entriesKnown = true;
  for (auto &[op, end] : ends) {
    auto stream = cast<dataflow::StreamOp>(op);
    auto type = stream.getType();
    GraphEdge edge;
    edge.fifo = stream.getName() ? stream.getName()->str() : "";
    Type element = type.getElementType();
    if (auto vector = dyn_cast<VectorType>(element)) {
      edge.vectorWidth = vector.getNumElements();
      element = vector.getElementType();
    }
    edge.elementType = printType(element);
    edge.tokenBits = edge.vectorWidth * getScalarBits(element);
    edge.depth = type.getDepth();
    // A FIFO with a missing end is still drawn, from or to a point.
    edge.from = end.first >= 0 ? graph.nodes[end.first].id : "";
    edge.to = end.second >= 0 ? graph.nodes[end.second].id : "";
    if (end.first >= 0 && end.second >= 0 &&
        graph.nodes[end.first].kind == NodeKind::Task &&
        graph.nodes[end.second].kind != NodeKind::Dma) {
      if (stream.getEntries())
        graph.unfusedIntermediateBytes +=
            int64_t(*stream.getEntries()) * ((edge.tokenBits + 7) / 8);
      else
        entriesKnown = false;
    }
    graph.edges.push_back(std::move(edge));
  }
  for (auto &[op, end] : prefetchEnds) {
    auto buffer = cast<dataflow::BufferOp>(op);
    GraphEdge edge;
    auto name = buffer->getAttrOfType<StringAttr>("name");
    edge.fifo = name ? name.getValue().str() : "";
    edge.elementType = printType(buffer.getType());
    edge.depth = buffer.getDepth();
    edge.from = end.first >= 0 ? graph.nodes[end.first].id : "";
    edge.to = end.second >= 0 ? graph.nodes[end.second].id : "";
    graph.edges.push_back(std::move(edge));
  }
  if (!entriesKnown)
    graph.unfusedIntermediateBytes = -1;
  return graph;
}

/// Text for a double-quoted Graphviz string.
std::string quote(llvm::StringRef text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

} // namespace

llvm::Expected<std::vector<DesignGraph>>
report::readDesignGraphs(llvm::StringRef folder) {
  std::vector<DesignGraph> designs;
  std::string irFolder = (folder + "/ir").str();
  if (!llvm::sys::fs::is_directory(irFolder))
    return designs;
  std::vector<std::string> paths;
  std::error_code error;
  for (llvm::sys::fs::directory_iterator it(irFolder, error), end;
       it != end && !error; it.increment(error))
    if (llvm::sys::path::extension(it->path()) == ".mlir")
      paths.push_back(it->path());
  if (error)
    return llvm::createStringError(error, "cannot list " + irFolder + ": " +
                                              error.message());
  // An LLM's graphs in the order a request runs them; others by name.
  auto rank = [](llvm::StringRef path) {
    return getRequestOrder(llvm::sys::path::stem(path));
  };
  llvm::sort(paths, [&](const std::string &a, const std::string &b) {
    return std::make_pair(rank(a), a) < std::make_pair(rank(b), b);
  });

  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  for (const std::string &path : paths) {
    // The parser's own diagnostics would be several lines; one is enough.
    std::string firstError;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
      if (firstError.empty() &&
          diagnostic.getSeverity() == DiagnosticSeverity::Error)
        firstError = diagnostic.str();
      return success();
    });
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(path, &context);
    if (!module)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          path + ": cannot be read as the lowered design" +
              (firstError.empty() ? std::string() : " (" + firstError + ")"));
    DesignGraph design;
    design.stem = llvm::sys::path::stem(path).str();
    unsigned index = 0;
    for (auto function : module->getOps<func::FuncOp>())
      if (function->hasAttr("dataflow.kernel"))
        design.kernels.push_back(readKernel(function, index++));
    designs.push_back(std::move(design));
  }
  return designs;
}

std::string report::toDot(const DesignGraph &design) {
  std::string dot;
  llvm::raw_string_ostream os(dot);
  os << "// The dataflow graph of ir/" << design.stem
     << ".mlir, drawn by streamtensor for report.html.\n"
     << "digraph " << quote(design.stem) << " {\n"
     << "  rankdir=TB; newrank=true; nodesep=0.3; ranksep=0.4;\n"
     << "  node [fontname=\"Helvetica\", fontsize=10, style=filled, "
        "penwidth=1];\n"
     << "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#555555\"];\n";
  unsigned open = 0;
  for (const KernelGraph &kernel : design.kernels) {
    os << "  subgraph " << quote("cluster_" + kernel.name) << " {\n"
       << "    label=" << quote("kernel " + kernel.name)
       << "; fontname=\"Helvetica\"; fontsize=12; style=rounded; "
          "color=\"#2a6f97\";\n";
    for (const GraphNode &node : kernel.nodes) {
      std::string label = node.label;
      for (const std::string &detail : node.details)
        label += "\n" + detail;
      if (node.slr >= 0)
        label += "\nSLR " + std::to_string(node.slr);
      const char *style = "shape=box, style=\"rounded,filled\", "
                          "fillcolor=\"#dceefb\"";
      switch (node.kind) {
      case NodeKind::Dma:
        style = "shape=cds, fillcolor=\"#fde2c8\"";
        break;
      case NodeKind::Converter:
        style = "shape=hexagon, fillcolor=\"#e3f4d7\"";
        break;
      case NodeKind::Fork:
        style = "shape=ellipse, fillcolor=\"#eeeeee\"";
        break;
      case NodeKind::Task:
        break;
      }
      os << "    " << quote(node.id) << " [label=" << quote(label) << ", "
         << style << ", tooltip="
         << quote(getKindName(node.kind).str() + " " + node.label) << "];\n";
    }
    for (const GraphEdge &edge : kernel.edges) {
      std::string from = edge.from, to = edge.to;
      for (std::string *end : {&from, &to})
        if (end->empty()) {
          *end = llvm::formatv("open_{0}", open++).str();
          os << "    " << quote(*end) << " [shape=point, label=\"\"];\n";
        }
      std::string width = edge.elementType;
      if (edge.vectorWidth > 1)
        width += " x " + std::to_string(edge.vectorWidth);
      os << "    " << quote(from) << " -> " << quote(to) << " [label="
         << quote("depth " + std::to_string(edge.depth) + "\n" + width)
         << ", tooltip=" << quote("FIFO " + edge.fifo) << "];\n";
    }
    os << "  }\n";
  }
  os << "}\n";
  return dot;
}

llvm::Expected<std::string> report::renderSvg(llvm::StringRef dotPath) {
  llvm::ErrorOr<std::string> dot = llvm::sys::findProgramByName("dot");
  if (!dot)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "Graphviz's 'dot' is not on PATH (install Debian's graphviz)");
  llvm::SmallString<128> svgPath;
  if (std::error_code error = llvm::sys::fs::createTemporaryFile(
          "streamtensor-graph", "svg", svgPath))
    return llvm::createStringError(error, "cannot create a temporary file: " +
                                              error.message());
  std::string svgFile = svgPath.str().str();
  llvm::StringRef args[] = {*dot, "-Tsvg", dotPath, "-o", svgFile};
  std::string message;
  // Graphviz lays out a few hundred nodes in well under a second; a minute
  // means something is wrong with it, not with the design.
  int status = llvm::sys::ExecuteAndWait(*dot, args, std::nullopt, {},
                                         /*SecondsToWait=*/60, 0, &message);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(svgFile);
  llvm::sys::fs::remove(svgFile);
  if (status != 0 || !file)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "Graphviz's dot failed on " + dotPath +
            (message.empty() ? "" : ": " + message) +
            (status > 0 ? " (exit code " + std::to_string(status) + ")" : ""));
  // Inline SVG starts at the element; the XML prolog and doctype go.
  llvm::StringRef text = (*file)->getBuffer();
  size_t start = text.find("<svg");
  if (start == llvm::StringRef::npos)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "Graphviz's dot wrote no SVG for " +
                                       dotPath);
  return text.drop_front(start).str();
}
