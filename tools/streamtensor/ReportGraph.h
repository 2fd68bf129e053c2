//===- ReportGraph.h - The dataflow graph of a compiled design --*- C++ -*-===//
//
// report.html draws each kernel of the lowered IR (out/ir/*.mlir) as a
// graph: processes are nodes, FIFOs are edges. These are the plain data the
// page and its Graphviz drawing are made from.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_TOOLS_STREAMTENSOR_REPORTGRAPH_H
#define STREAMTENSOR_TOOLS_STREAMTENSOR_REPORTGRAPH_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace streamtensor::driver::report {

enum class NodeKind { Task, Dma, Converter, Fork };

llvm::StringRef getKindName(NodeKind kind);

/// Where an LLM graph comes in a request (prefill's embedding and block,
/// decode's, the LM head); other names after them.
int getRequestOrder(llvm::StringRef graph);

struct GraphNode {
  std::string id;
  std::string label;
  NodeKind kind = NodeKind::Task;
  /// The die the process was placed on, or -1.
  int64_t slr = -1;
  /// For a DMA: its ports, HBM pseudo-channels and directions, one line
  /// each; for a converter: its ping-pong buffer.
  std::vector<std::string> details;
};

struct GraphEdge {
  std::string from, to;
  std::string fifo;
  /// The token: its element type and how many elements one token holds.
  std::string elementType;
  int64_t vectorWidth = 1;
  int64_t tokenBits = 0;
  int64_t depth = 0;
};

/// A converter's ping-pong buffer (dataflow.buffer) as the IR has it.
struct GraphBuffer {
  std::string name;
  std::string converter;
  std::string type;
  std::string storage;
  int64_t stages = 2;
  int64_t bytes = 0;
};

struct KernelGraph {
  std::string name;
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  std::vector<GraphBuffer> buffers;
  /// Bytes of every tensor a task produces for another on-chip process,
  /// were it held whole: the intermediate results of the unfused design.
  int64_t unfusedIntermediateBytes = 0;
};

/// The kernels of one IR file (ir/<stem>.mlir).
struct DesignGraph {
  std::string stem;
  std::vector<KernelGraph> kernels;
};

/// Reads every ir/*.mlir of a compile folder: an LLM's block_prefill,
/// block_decode and lm_head first, then the others by name. An empty list
/// when the folder has no ir/ folder; an error naming the file when one
/// cannot be parsed.
llvm::Expected<std::vector<DesignGraph>>
readDesignGraphs(llvm::StringRef folder);

/// The Graphviz text of `design`: one cluster per kernel.
std::string toDot(const DesignGraph &design);

/// Runs Graphviz's `dot` on `dotPath`; the SVG text, ready to inline, or an
/// error saying why there is none (dot missing, dot failing).
llvm::Expected<std::string> renderSvg(llvm::StringRef dotPath);

} // namespace streamtensor::driver::report

#endif // STREAMTENSOR_TOOLS_STREAMTENSOR_REPORTGRAPH_H
