//===- ReportHtml.cpp - report.html, the design for people ----------------===//
//
// Everything on the page comes from report.json, the lowered IR and the
// platform file; a figure none of them holds is shown as "n/a". Performance
// figures are the simulator's and the performance model's and are labelled
// as estimates wherever they appear.
//
//===----------------------------------------------------------------------===//

#include "ReportHtml.h"
#include "TextFormat.h"
#include "Commands.h"
#include "ReportGraph.h"
#include "ReportRoofline.h"

#include "streamtensor/Platform/Platform.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <map>
#include <optional>

using namespace streamtensor;
using namespace streamtensor::driver;
using namespace streamtensor::driver::report;
using llvm::json::Array;
using llvm::json::Object;

namespace {

constexpr llvm::StringLiteral estimateLabel =
    "estimate (cycle-level simulator / performance model)";
constexpr llvm::StringLiteral notAvailable = "n/a";


std::optional<double> getNumber(const Object *object, llvm::StringRef key) {
  return object ? object->getNumber(key) : std::nullopt;
}

std::string getText(const Object *object, llvm::StringRef key) {
  std::optional<llvm::StringRef> text =
      object ? object->getString(key) : std::nullopt;
  return text ? escapeHtml(*text) : notAvailable.str();
}


std::string count(std::optional<double> value) {
  return value ? groupDigits(int64_t(std::llround(*value))) : notAvailable.str();
}

std::string real(std::optional<double> value, int digits = 2) {
  if (!value)
    return notAvailable.str();
  std::string format = "{0:F" + std::to_string(digits) + "}";
  return llvm::formatv(format.c_str(), *value).str();
}

std::string bytes(std::optional<double> value) {
  if (!value || *value < 0)
    return notAvailable.str();
  double b = *value;
  std::string human;
  if (b >= 1 << 20)
    human = llvm::formatv(" ({0:F2} MiB)", b / double(1 << 20)).str();
  else if (b >= 1 << 10)
    human = llvm::formatv(" ({0:F1} KiB)", b / 1024.0).str();
  return groupDigits(int64_t(b)) + " B" + human;
}

/// "used / available (x%)".
std::string usage(double used, std::optional<double> available) {
  std::string text = count(used) + " / " + count(available);
  if (available && *available > 0)
    text += llvm::formatv(" ({0:F1}%)", 100.0 * used / *available).str();
  return text;
}

/// An HTML table; cells are HTML already.
struct Table {
  std::string id;
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;

  void print(llvm::raw_ostream &os) const {
    os << "<table" << (id.empty() ? "" : " id=\"" + id + "\"") << ">\n<tr>";
    for (const std::string &header : headers)
      os << "<th>" << header << "</th>";
    os << "</tr>\n";
    for (const std::vector<std::string> &row : rows) {
      os << "<tr>";
      for (const std::string &cell : row)
        os << "<td>" << cell << "</td>";
      os << "</tr>\n";
    }
    if (rows.empty())
      os << "<tr><td colspan=\"" << headers.size() << "\">none</td></tr>\n";
    os << "</table>\n";
  }
};

/// A kernel of report.json, and the graph (LLM designs) it belongs to.
struct KernelEntry {
  std::string graph;
  const Object *report = nullptr;
  const KernelGraph *ir = nullptr;
  std::string name() const { return getText(report, "name"); }
};

std::vector<KernelEntry> collectKernels(const Object &root) {
  std::vector<KernelEntry> kernels;
  auto add = [&](const Array *list, llvm::StringRef graph) {
    if (!list)
      return;
    for (const llvm::json::Value &kernel : *list)
      if (const Object *object = kernel.getAsObject())
        kernels.push_back({graph.str(), object});
  };
  add(root.getArray("kernels"), "");
  if (const Object *graphs = root.getObject("graphs")) {
    // The order a request runs them in; others after, by name.
    std::vector<std::string> names;
    for (const auto &entry : *graphs)
      names.push_back(entry.first.str());
    llvm::sort(names, [&](const std::string &a, const std::string &b) {
      return std::make_pair(report::getRequestOrder(a), a) <
             std::make_pair(report::getRequestOrder(b), b);
    });
    for (const std::string &name : names)
      if (const Object *graph = graphs->getObject(name))
        add(graph->getArray("kernels"), name);
  }
  return kernels;
}

/// The kind of a process of report.json, from the drawn graph when there is
/// one.
std::string getProcessKind(const Object &process, const KernelGraph *graph) {
  llvm::StringRef name = process.getString("process").value_or("");
  if (graph) {
    std::string label = name.str();
    // A converter's fill and drain are one node, named without the suffix.
    llvm::StringRef stem = name;
    if (stem.consume_back("_fill") || stem.consume_back("_drain"))
      label = stem.str();
    for (const GraphNode &node : graph->nodes)
      if (node.label == label)
        return getKindName(node.kind).str();
  }
  if (process.getArray("dmas"))
    return "DMA";
  if (name.starts_with("fork_"))
    return "fork";
  if (name.starts_with("convert_"))
    return "converter";
  return "task";
}

class ReportPage {
public:
  ReportPage(const Object &root, std::optional<Platform> platform,
             std::string platformError, std::vector<DesignGraph> designs,
             std::string graphError, std::vector<std::string> svgs)
      : root(root), platform(std::move(platform)),
        platformError(std::move(platformError)), designs(std::move(designs)),
        graphError(std::move(graphError)), svgs(std::move(svgs)) {
    kernels = collectKernels(root);
    for (const DesignGraph &design : this->designs)
      for (const KernelGraph &kernel : design.kernels)
        irKernels[kernel.name] = &kernel;
    for (KernelEntry &kernel : kernels)
      kernel.ir =
          irKernels.lookup(kernel.report->getString("name").value_or(""));
    clockMHz = getNumber(root.getObject("platform"), "clock_mhz");
  }

  std::string render();

private:
  void printHeader(llvm::raw_ostream &os);
  void printPerformance(llvm::raw_ostream &os);
  void printGraphs(llvm::raw_ostream &os);
  void printResources(llvm::raw_ostream &os);
  void printMemory(llvm::raw_ostream &os);
  void printRoofline(llvm::raw_ostream &os);
  void printTasks(llvm::raw_ostream &os);
  void printFifos(llvm::raw_ostream &os);
  void printBuffers(llvm::raw_ostream &os);
  std::string kernelTitle(const KernelEntry &kernel) const {
    return "kernel " + kernel.name() +
           (kernel.graph.empty() ? "" : " (graph " + kernel.graph + ")");
  }

  const Object &root;
  std::optional<Platform> platform;
  std::string platformError;
  std::vector<DesignGraph> designs;
  std::string graphError;
  std::vector<std::string> svgs;
  std::vector<KernelEntry> kernels;
  llvm::StringMap<const KernelGraph *> irKernels;
  std::optional<double> clockMHz;
};

void ReportPage::printHeader(llvm::raw_ostream &os) {
  const Object *platformReport = root.getObject("platform");
  const Object *model = root.getObject("model");
  os << "<h1>StreamTensor design report</h1>\n<table class=\"meta\">\n"
     << "<tr><th>input</th><td>" << getText(&root, "input") << "</td></tr>\n"
     << "<tr><th>generator</th><td>" << getText(&root, "generator")
     << "</td></tr>\n"
     << "<tr><th>platform</th><td>" << getText(platformReport, "name") << " ("
     << getText(platformReport, "card") << ", part "
     << getText(platformReport, "part") << ", kernel clock "
     << real(clockMHz, 0) << " MHz)</td></tr>\n";
  if (model)
    os << "<tr><th>model</th><td>" << getText(model, "family") << ", "
       << count(getNumber(model, "layers")) << " layers, hidden "
       << count(getNumber(model, "hidden")) << ", "
       << count(getNumber(model, "parameters")) << " parameters, precision "
       << getText(model, "precision") << ", weights "
       << getText(model, "weights") << "</td></tr>\n";
  if (const Object *options = root.getObject("options")) {
    os << "<tr><th>options</th><td>";
    std::vector<std::string> items;
    for (const auto &[key, value] : *options) {
      std::string text;
      llvm::raw_string_ostream(text) << value;
      items.push_back(escapeHtml(key.str()) + " = " + escapeHtml(text));
    }
    llvm::sort(items);
    os << llvm::join(items, ", ") << "</td></tr>\n";
  }
  os << "</table>\n<p class=\"note\">Every performance figure on this page "
        "is an <b>"
     << estimateLabel
     << "</b>, not a measurement on a board. Resources are the task "
        "profiler's estimates, not Vivado's. A figure the compile did not "
        "record is shown as n/a.</p>\n";
}

void ReportPage::printPerformance(llvm::raw_ostream &os) {
  const Object *performance = root.getObject("performance");
  os << "<section id=\"performance\">\n<h2>Performance: " << estimateLabel
     << "</h2>\n<p class=\"note\">Method: " << getText(performance, "method")
     << ".</p>\n";
  Table summary{"performance-summary", {"figure", "value (estimate)"}, {}};
  if (root.getObject("graphs")) {
    std::string request = "[" + count(getNumber(performance, "in_tokens")) +
                          ":" + count(getNumber(performance, "out_tokens")) +
                          "]";
    summary.rows = {
        {"estimated time to first token (TTFT), " +
             count(getNumber(performance, "in_tokens")) + " prompt tokens",
         real(getNumber(performance, "estimated_ttft_ms"), 3) + " ms"},
        {"estimated decode speed",
         real(getNumber(performance, "estimated_decode_tokens_per_s"), 1) +
             " tokens/s"},
        {"estimated decode time per token",
         real(getNumber(performance, "estimated_decode_ms_per_token"), 3) +
             " ms"},
        {"estimated total latency for " + request + " (in:out tokens)",
         real(getNumber(performance, "estimated_total_ms"), 3) + " ms"},
        {"host invocation overhead per kernel call (platform figure)",
         real(getNumber(performance, "host_invocation_us_per_kernel"), 1) +
             " us"}};
  } else {
    std::optional<double> kernelUs =
        getNumber(performance, "estimated_kernel_us");
    std::optional<double> hostUs =
        getNumber(performance, "host_invocation_us_per_kernel");
    // A kernel the simulator could not finish leaves the sum incomplete.
    bool complete = llvm::all_of(kernels, [](const KernelEntry &kernel) {
      return getNumber(kernel.report->getObject("performance"),
                       "estimated_cycles")
          .has_value();
    });
    std::optional<double> totalUs;
    if (kernelUs && hostUs && complete)
      totalUs = *kernelUs + double(kernels.size()) * *hostUs;
    summary.rows = {
        {"estimated kernel latency, all kernels one after the other",
         count(getNumber(performance, "estimated_kernel_cycles")) +
             " cycles = " + real(kernelUs, 3) + " us"},
        {"host invocation overhead per kernel call (platform figure)",
         real(hostUs, 1) + " us"},
        {"estimated total latency (kernels + " +
             std::to_string(kernels.size()) + " host invocations)",
         real(totalUs, 3) + " us"}};
  }
  summary.print(os);

  Table perKernel{"performance-kernels",
                  {"kernel", "estimated cycles", "estimated us",
                   "compute bound (cycles)", "memory bound (cycles)", "MACs",
                   "HBM bytes", "status"},
                  {}};
  for (const KernelEntry &kernel : kernels) {
    const Object *estimate = kernel.report->getObject("performance");
    std::optional<llvm::StringRef> deadlock =
        estimate ? estimate->getString("deadlock") : std::nullopt;
    perKernel.rows.push_back(
        {escapeHtml(kernelTitle(kernel)),
         count(getNumber(estimate, "estimated_cycles")),
         real(getNumber(estimate, "estimated_us"), 3),
         real(getNumber(estimate, "bound_compute_cycles"), 1),
         real(getNumber(estimate, "bound_memory_cycles"), 1),
         count(getNumber(estimate, "macs")),
         count(getNumber(estimate, "hbm_bytes")),
         deadlock ? "deadlock: " + escapeHtml(*deadlock) : "completed"});
  }
  os << "<h3>Per kernel (one call; " << estimateLabel << ")</h3>\n";
  perKernel.print(os);
  os << "</section>\n";
}

void ReportPage::printGraphs(llvm::raw_ostream &os) {
  os << "<section id=\"graphs\">\n<h2>Dataflow graph</h2>\n<p "
        "class=\"note\">From the lowered IR (ir/*.mlir), drawn by Graphviz. "
        "Boxes are tasks, hexagons layout converters (ping-pong buffers), "
        "arrow shapes DMAs to or from HBM pseudo-channels (PC), ellipses "
        "forks; edges are FIFOs labelled with their depth and token (element "
        "type x vector width). The Graphviz source of each drawing is "
        "ir/&lt;name&gt;.dot.</p>\n";
  if (!graphError.empty())
    os << "<p class=\"warning\">No graph: " << escapeHtml(graphError) << "</p>\n";
  else if (designs.empty())
    os << "<p class=\"warning\">No graph: the folder has no ir/*.mlir.</p>\n";
  for (auto [design, svg] : llvm::zip(designs, svgs)) {
    os << "<h3>ir/" << escapeHtml(design.stem) << ".mlir</h3>\n";
    if (llvm::StringRef(svg).starts_with("<svg"))
      os << "<div class=\"graph\">\n" << svg << "</div>\n";
    else
      os << "<p class=\"warning\">Graph not drawn: " << escapeHtml(svg)
         << ". Its Graphviz source is ir/" << escapeHtml(design.stem)
         << ".dot.</p>\n";
  }
  os << "</section>\n";
}

void ReportPage::printResources(llvm::raw_ostream &os) {
  const Object *resources = root.getObject("resources");
  static const char *const keys[] = {"dsp", "lut", "ff", "bram18k", "uram"};
  os << "<section id=\"resources\">\n<h2>Resources against the platform, per "
        "SLR (estimates)</h2>\n<p class=\"note\">"
     << getText(resources, "note")
     << ". Per SLR: the processes placed on each die (dataflow.slr) against "
        "what the platform file leaves for kernels there (the die minus the "
        "shell's reserve).</p>\n";
  if (!platformError.empty())
    os << "<p class=\"warning\">Platform file not read: "
       << escapeHtml(platformError) << "; per-SLR capacities are n/a.</p>\n";
  std::map<int64_t, double> used[5];
  for (const KernelEntry &kernel : kernels)
    if (const Array *processes = kernel.report->getArray("processes"))
      for (const llvm::json::Value &value : *processes) {
        const Object *process = value.getAsObject();
        int64_t slr = getNumber(process, "slr").value_or(-1);
        for (int kind = 0; kind < 5; ++kind)
          used[kind][slr] += getNumber(process, keys[kind]).value_or(0);
      }
  Table table{
      "resources-slr", {"SLR", "DSP", "LUT", "FF", "BRAM18K", "URAM"}, {}};
  std::vector<int64_t> slrs;
  for (const auto &entry : used[0])
    slrs.push_back(entry.first);
  if (platform)
    for (size_t index = 0; index < platform->slrs.size(); ++index)
      if (!llvm::is_contained(slrs, int64_t(index)))
        slrs.push_back(index);
  llvm::sort(slrs);
  for (int64_t slr : slrs) {
    std::optional<FabricResources> available;
    std::string name = slr < 0 ? "not placed" : "SLR" + std::to_string(slr);
    if (platform && slr >= 0 && size_t(slr) < platform->slrs.size()) {
      available = platform->slrs[slr].getAvailable();
      name = escapeHtml(platform->slrs[slr].name);
    }
    auto avail = [&](int64_t FabricResources::*field) -> std::optional<double> {
      if (!available)
        return std::nullopt;
      return double((*available).*field);
    };
    table.rows.push_back({name,
                          usage(used[0][slr], avail(&FabricResources::dsp)),
                          usage(used[1][slr], avail(&FabricResources::lut)),
                          usage(used[2][slr], avail(&FabricResources::ff)),
                          usage(used[3][slr], avail(&FabricResources::bram18k)),
                          usage(used[4][slr], avail(&FabricResources::uram))});
  }
  std::vector<std::string> total{"total (report.json)"};
  for (const char *key : keys) {
    const Object *entry = resources ? resources->getObject(key) : nullptr;
    std::optional<double> usedTotal = getNumber(entry, "used");
    total.push_back(usedTotal ? usage(*usedTotal, getNumber(entry, "available"))
                              : notAvailable.str());
  }
  table.rows.push_back(std::move(total));
  table.print(os);
  if (std::optional<double> crossing =
          getNumber(resources, "slr_crossing_bits"))
    os << "<p>Bits crossing SLR boundaries (FIFO tokens): " << count(crossing)
       << ".</p>\n";
  os << "</section>\n";
}

void ReportPage::printMemory(llvm::raw_ostream &os) {
  os << "<section id=\"memory\">\n<h2>On-chip memory before and after "
        "fusion</h2>\n<p class=\"note\">Intermediate results, weights "
        "excluded. Before fusion: every tensor a task produces for another "
        "on-chip process held whole (FIFO entries x token bytes, from the "
        "IR). After fusion: what the design holds, the FIFOs (depth x token "
        "bytes) and the converters' ping-pong buffers.</p>\n";
  Table table{"memory-fusion",
              {"kernel", "before fusion", "after: FIFOs", "after: converters",
               "after: total", "after / before"},
              {}};
  for (const KernelEntry &kernel : kernels) {
    if (!kernel.ir) {
      table.rows.push_back(
          {escapeHtml(kernelTitle(kernel)), "n/a", "n/a", "n/a", "n/a", "n/a"});
      continue;
    }
    int64_t fifoBytes = 0, bufferBytes = 0;
    for (const GraphEdge &edge : kernel.ir->edges)
      fifoBytes += edge.depth * ((edge.tokenBits + 7) / 8);
    for (const GraphBuffer &buffer : kernel.ir->buffers)
      bufferBytes += buffer.bytes;
    int64_t before = kernel.ir->unfusedIntermediateBytes;
    int64_t after = fifoBytes + bufferBytes;
    table.rows.push_back(
        {escapeHtml(kernelTitle(kernel)), bytes(double(before)),
         bytes(double(fifoBytes)), bytes(double(bufferBytes)),
         bytes(double(after)),
         before > 0 ? llvm::formatv("{0:F1}%", 100.0 * after / before).str()
                    : notAvailable.str()});
  }
  table.print(os);
  os << "</section>\n";
}

void ReportPage::printRoofline(llvm::raw_ostream &os) {
  os << "<section id=\"roofline\">\n<h2>Roofline (" << estimateLabel
     << ")</h2>\n";
  if (!platform || platform->hbm.peakGBps <= 0 || !clockMHz) {
    os << "<p class=\"warning\">n/a: the platform file's HBM bandwidth or the "
          "kernel clock is not available"
       << (platformError.empty() ? "" : " (" + escapeHtml(platformError) + ")")
       << ".</p>\n</section>\n";
    return;
  }
  double hz = *clockMHz * 1e6;
  double dsps = double(platform->getAvailableDsps());
  std::vector<Roof> roofs;
  std::vector<std::string> roofNotes;
  // The DSP peak for the MACs of each precision the platform prices.
  auto addRoof = [&](llvm::StringRef op, llvm::StringRef what) {
    const OperatorSpec *spec = platform->lookupOperator(op);
    if (!spec || spec->dsp <= 0 || dsps <= 0)
      return;
    double macsPerCycle =
        dsps * double(platform->getMacsPerDsp(op)) / double(spec->dsp);
    roofs.push_back(
        {llvm::formatv("{0}: {1:F0} GOP/s", what, 2 * macsPerCycle * hz / 1e9)
             .str(),
         2 * macsPerCycle * hz});
    roofNotes.push_back(llvm::formatv("{0}: {1} DSPs / {2} DSP per {3} x {4} "
                                      "per DSP x 2 ops x {5} MHz",
                                      what, groupDigits(int64_t(dsps)), spec->dsp,
                                      op, platform->getMacsPerDsp(op),
                                      *clockMHz)
                            .str());
  };
  addRoof("fmac", "DSP peak, float32 MAC");
  addRoof("mac_i8i8", "DSP peak, int8 MAC");
  std::vector<RooflinePoint> points;
  std::vector<std::string> missing;
  for (const KernelEntry &kernel : kernels) {
    const Object *estimate = kernel.report->getObject("performance");
    std::optional<double> macs = getNumber(estimate, "macs");
    std::optional<double> hbm = getNumber(estimate, "hbm_bytes");
    std::optional<double> cycles = getNumber(estimate, "estimated_cycles");
    if (!macs || !hbm || !cycles || *macs <= 0 || *hbm <= 0 || *cycles <= 0) {
      missing.push_back(kernel.name());
      continue;
    }
    points.push_back({kernel.report->getString("name").value_or("").str(),
                      2 * *macs / *hbm, 2 * *macs / (*cycles / hz)});
  }
  if (roofs.empty()) {
    os << "<p class=\"warning\">n/a: the platform file prices no MAC "
          "operator.</p>\n</section>\n";
    return;
  }
  os << "<p class=\"note\">Roofs from platforms/" << escapeHtml(platform->name)
     << ".json: HBM peak " << real(platform->hbm.peakGBps, 0) << " GB/s; "
     << escapeHtml(llvm::join(roofNotes, "; "))
     << ". Each point is a kernel: its MACs x 2 over its HBM bytes, and over "
        "its simulated cycles.</p>\n<div class=\"chart\">\n"
     << drawRoofline(platform->hbm.peakGBps * 1e9, roofs, points) << "</div>\n";
  if (!missing.empty())
    os << "<p>No point (no MACs, no HBM traffic or no simulated cycles): "
       << llvm::join(missing, ", ") << ".</p>\n";
  os << "</section>\n";
}

void ReportPage::printTasks(llvm::raw_ostream &os) {
  os << "<section id=\"tasks\">\n<h2>Tasks</h2>\n<p class=\"note\">Per "
        "process, the task profiler's "
     << estimateLabel
     << ": L is the latency and D the initial delay (cycles before its "
        "first output), II the initiation interval; memory is BRAM18K and "
        "URAM blocks.</p>\n";
  for (const KernelEntry &kernel : kernels) {
    Table table{"",
                {"process", "kind", "SLR", "L (cycles)", "D (cycles)", "II",
                 "DSP", "LUT", "FF", "BRAM18K", "URAM", "profile"},
                {}};
    if (const Array *processes = kernel.report->getArray("processes"))
      for (const llvm::json::Value &value : *processes) {
        const Object *process = value.getAsObject();
        if (!process)
          continue;
        table.rows.push_back(
            {getText(process, "process"), getProcessKind(*process, kernel.ir),
             count(getNumber(process, "slr")),
             count(getNumber(process, "latency_cycles")),
             count(getNumber(process, "initial_delay_cycles")),
             real(getNumber(process, "ii")), count(getNumber(process, "dsp")),
             count(getNumber(process, "lut")), count(getNumber(process, "ff")),
             count(getNumber(process, "bram18k")),
             count(getNumber(process, "uram")),
             getText(process, "profile_source")});
      }
    os << "<details open><summary>" << escapeHtml(kernelTitle(kernel)) << ": "
       << table.rows.size() << " processes</summary>\n";
    table.print(os);
    os << "</details>\n";
  }
  os << "</section>\n";
}

void ReportPage::printFifos(llvm::raw_ostream &os) {
  os << "<section id=\"fifos\">\n<h2>FIFOs</h2>\n";
  for (const KernelEntry &kernel : kernels) {
    Table table{"",
                {"FIFO", "writer", "reader", "token", "width (bits)", "depth",
                 "entries per run", "bytes", "storage", "depth from"},
                {}};
    llvm::StringMap<const GraphEdge *> edges;
    llvm::StringMap<std::string> labels;
    if (kernel.ir) {
      for (const GraphEdge &edge : kernel.ir->edges)
        edges[edge.fifo] = &edge;
      for (const GraphNode &node : kernel.ir->nodes)
        labels[node.id] = node.label;
    }
    auto end = [&](const GraphEdge *edge, bool writer) {
      if (!edge)
        return notAvailable.str();
      std::string id = writer ? edge->from : edge->to;
      return id.empty() ? std::string("none") : escapeHtml(labels.lookup(id));
    };
    if (const Array *fifos = kernel.report->getArray("fifos"))
      for (const llvm::json::Value &value : *fifos) {
        const Object *fifo = value.getAsObject();
        if (!fifo)
          continue;
        const GraphEdge *edge =
            edges.lookup(fifo->getString("name").value_or(""));
        std::optional<double> depth = getNumber(fifo, "depth");
        std::optional<double> entries = getNumber(fifo, "entries");
        if (entries && *entries < 0)
          entries.reset();
        std::optional<double> width;
        std::optional<double> size;
        if (edge) {
          width = double(edge->tokenBits);
          if (depth)
            size = *depth * double((edge->tokenBits + 7) / 8);
        }
        table.rows.push_back({getText(fifo, "name"), end(edge, true),
                              end(edge, false), getText(fifo, "element_type"),
                              count(width), count(depth), count(entries),
                              bytes(size), getText(fifo, "storage"),
                              getText(fifo, "depth_source")});
      }
    os << "<details open><summary>" << escapeHtml(kernelTitle(kernel)) << ": "
       << table.rows.size() << " FIFOs</summary>\n";
    table.print(os);
    os << "</details>\n";
  }
  os << "</section>\n";
}

void ReportPage::printBuffers(llvm::raw_ostream &os) {
  os << "<section id=\"buffers\">\n<h2>Layout converters and buffers</h2>\n"
        "<p class=\"note\">Converters as kernel fusion chose them "
        "(report.json), and the ping-pong buffers of the lowered design "
        "(IR).</p>\n";
  Table converters{"converters",
                   {"kernel", "from", "to", "buffer shape", "shared loops",
                    "block bytes", "ping-pong bytes"},
                   {}};
  Table buffers{"buffers",
                {"kernel", "converter", "buffer", "block type", "stages",
                 "storage", "bytes"},
                {}};
  for (const KernelEntry &kernel : kernels) {
    if (const Array *list = kernel.report->getArray("converters"))
      for (const llvm::json::Value &value : *list) {
        const Object *converter = value.getAsObject();
        if (!converter)
          continue;
        std::string shape = notAvailable.str();
        if (const Array *sizes = converter->getArray("buffer_shape")) {
          std::vector<std::string> parts;
          for (const llvm::json::Value &size : *sizes)
            parts.push_back(count(size.getAsNumber()));
          shape = llvm::join(parts, " x ");
        }
        converters.rows.push_back(
            {escapeHtml(kernel.name()), getText(converter, "from"),
             getText(converter, "to"), shape,
             count(getNumber(converter, "shared_loops")),
             bytes(getNumber(converter, "block_bytes")),
             bytes(getNumber(converter, "ping_pong_bytes"))});
      }
    if (kernel.ir)
      for (const GraphBuffer &buffer : kernel.ir->buffers)
        buffers.rows.push_back({escapeHtml(kernel.name()), escapeHtml(buffer.converter),
                                escapeHtml(buffer.name), escapeHtml(buffer.type),
                                std::to_string(buffer.stages),
                                buffer.storage.empty() ? notAvailable.str()
                                                       : escapeHtml(buffer.storage),
                                bytes(double(buffer.bytes))});
  }
  os << "<h3>Converters (kernel fusion)</h3>\n";
  converters.print(os);
  os << "<h3>Buffers (lowered IR)</h3>\n";
  buffers.print(os);
  os << "</section>\n";
}

constexpr llvm::StringLiteral style = R"css(
body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #222;
       max-width: 1600px; }
h1 { font-size: 24px; } h2 { font-size: 19px; margin-top: 32px;
     border-bottom: 1px solid #ccc; } h3 { font-size: 15px; }
table { border-collapse: collapse; margin: 8px 0 16px 0; font-size: 12px; }
th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left;
         vertical-align: top; }
th { background: #eef3f7; }
td { font-variant-numeric: tabular-nums; }
table.meta th { width: 110px; }
.note { color: #444; font-size: 13px; max-width: 1100px; }
.warning { color: #8a4b00; background: #fff4e0; padding: 6px 10px;
           border-left: 4px solid #e69500; }
.graph, .chart { overflow: auto; border: 1px solid #ddd; padding: 6px;
                 background: #fff; }
.graph svg { max-width: 100%; height: auto; }
details { margin: 6px 0; } summary { cursor: pointer; font-weight: bold; }
)css";

std::string ReportPage::render() {
  std::string html;
  llvm::raw_string_ostream os(html);
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n<title>StreamTensor report: "
     << getText(&root, "input") << "</title>\n<style>" << style
     << "</style>\n</head>\n<body>\n";
  printHeader(os);
  printPerformance(os);
  printGraphs(os);
  printResources(os);
  printMemory(os);
  printRoofline(os);
  printTasks(os);
  printFifos(os);
  printBuffers(os);
  os << "</body>\n</html>\n";
  return html;
}

/// Writes `text` to `path` through a temporary file beside it: a write
/// that fails (a full disk) leaves the previous file, not half a new one.
bool writeText(const std::string &path, llvm::StringRef text,
               llvm::StringRef command) {
  std::string temporary = path + ".tmp";
  std::error_code error;
  {
    llvm::raw_fd_ostream os(temporary, error);
    if (!error) {
      os << text;
      os.close();
      error = os.error();
      // Reported below; uncleared, ~raw_fd_ostream would also abort on it.
      os.clear_error();
    }
  }
  if (!error)
    error = llvm::sys::fs::rename(temporary, path);
  if (error) {
    llvm::sys::fs::remove(temporary);
    reportError(command, "cannot write " + path + ": " + error.message());
  }
  return !error;
}

} // namespace

bool streamtensor::driver::writeReportHtml(llvm::StringRef folder,
                                           llvm::StringRef command) {
  std::string reportPath = (folder + "/report.json").str();
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(reportPath);
  if (!file) {
    reportError(command, folder +
                             " is not a design written by streamtensor "
                             "compile (cannot read " +
                             reportPath + ")");
    return false;
  }
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*file)->getBuffer());
  if (!parsed) {
    reportError(command,
                reportPath + ": " + llvm::toString(parsed.takeError()));
    return false;
  }
  const Object *root = parsed->getAsObject();
  if (!root) {
    reportError(command, reportPath + ": expected a JSON object");
    return false;
  }

  std::optional<Platform> platform;
  std::string platformError;
  const Object *platformReport = root->getObject("platform");
  std::optional<llvm::StringRef> spec =
      platformReport ? platformReport->getString("spec") : std::nullopt;
  if (!spec && platformReport)
    spec = platformReport->getString("name");
  if (spec) {
    llvm::Expected<Platform> loaded = loadPlatform(*spec);
    if (loaded)
      platform = std::move(*loaded);
    else
      platformError = llvm::toString(loaded.takeError());
  } else {
    platformError = "report.json names no platform";
  }

  std::vector<DesignGraph> designs;
  std::string graphError;
  llvm::Expected<std::vector<DesignGraph>> read = readDesignGraphs(folder);
  if (read) {
    designs = std::move(*read);
  } else {
    graphError = llvm::toString(read.takeError());
    noteOut() << "streamtensor " << command << ": warning: " << graphError
              << "; report.html has no graph\n";
  }
  std::vector<std::string> svgs;
  static bool warnedAboutDot = false;
  for (const DesignGraph &design : designs) {
    std::string dotPath = (folder + "/ir/" + design.stem + ".dot").str();
    if (!writeText(dotPath, toDot(design), command))
      return false;
    llvm::Expected<std::string> svg = renderSvg(dotPath);
    if (svg) {
      svgs.push_back(std::move(*svg));
      continue;
    }
    svgs.push_back(llvm::toString(svg.takeError()));
    if (!warnedAboutDot)
      noteOut() << "streamtensor " << command << ": warning: " << svgs.back()
                << "; report.html shows no graph\n";
    warnedAboutDot = true;
  }

  ReportPage page(*root, std::move(platform), std::move(platformError),
                  std::move(designs), std::move(graphError), std::move(svgs));
  return writeText((folder + "/report.html").str(), page.render(), command);
}

int streamtensor::driver::runReport(llvm::ArrayRef<const char *> args) {
  static const llvm::StringLiteral examples[] = {
      "streamtensor report out/gpt2", "streamtensor report out/gpt2 --json"};
  static const CommandSpec spec{
      "report",
      "report <out-dir> [options]",
      "Writes <out-dir>/report.html again from the folder's report.json and\n"
      "lowered IR (ir/*.mlir): the dataflow graph drawn by Graphviz (dot),\n"
      "tables of tasks, FIFOs, buffers and resources per SLR, on-chip memory\n"
      "before and after fusion, the estimated latency (TTFT and decode speed\n"
      "for LLMs) and a roofline chart. `streamtensor compile` writes the\n"
      "same page; every performance figure in it is an estimate.",
      {},
      examples,
      "{\"report_html\": PATH}"};
  Arguments arguments;
  if (std::optional<int> done = arguments.parse(spec, args))
    return *done;
  if (arguments.positionals.size() != 1) {
    reportError(spec.name, "expects one design folder (written by "
                           "streamtensor compile), got " +
                               llvm::Twine(arguments.positionals.size()));
    return Usage;
  }
  std::string folder = arguments.positionals.front();
  if (!llvm::sys::fs::is_directory(folder) ||
      !llvm::sys::fs::exists(folder + "/report.json")) {
    reportError(spec.name, folder + " is not a design written by "
                                    "streamtensor compile (no report.json)");
    return Failure;
  }
  if (!writeReportHtml(folder, spec.name))
    return Failure;
  std::string page = folder + "/report.html";
  textOut() << "streamtensor report: wrote " << page << "\n";
  printJson(Object{{"report_html", page}});
  return Success;
}
