//===- KernelFusion.h - Which kernels to fuse (paper Algorithm 2) ---------===//
//
// Kernels are fused into groups that run as one accelerator kernel and
// stream to each other on chip. The cost of fusing along an edge is the
// on-chip memory of the layout converter it needs (0 when the producer's and
// the consumer's layouts agree); a group's converters must fit under a cap.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_KERNELFUSION_H
#define STREAMTENSOR_ANALYSIS_KERNELFUSION_H

#include <cstdint>
#include <vector>

namespace streamtensor {

/// A tensor from kernel `producer` to kernel `consumer`, and the on-chip
/// bytes streaming it directly would cost. An edge that cannot be streamed
/// at all (its layout cannot be seen in the consumer's shape) still orders
/// the two kernels.
struct FusionEdge {
  unsigned producer;
  unsigned consumer;
  int64_t costBytes;
  bool streamable = true;
};

struct FusionPlan {
  /// The kernels of each group, in topological order.
  std::vector<std::vector<unsigned>> groups;
  /// On-chip bytes of each group's converters.
  std::vector<int64_t> costs;
  /// The group of each kernel.
  std::vector<unsigned> groupOf;
};

/// The paper's greedy fusion: kernels 0..numKernels-1, given in topological
/// order, are visited in that order; each joins the most recent group among
/// its producers' groups when all its edges from that group can be streamed
/// and their cost keeps the group within `maxCostBytes`, and starts a new
/// group otherwise; a kernel with no producer joins the latest group (the
/// first one starts it). Edges from other groups go through external memory.
/// Along every edge the consumer's group index is at least the producer's,
/// so running the groups in order respects all dependencies.
FusionPlan planKernelFusion(unsigned numKernels,
                            const std::vector<FusionEdge> &edges,
                            int64_t maxCostBytes);

} // namespace streamtensor

#endif // STREAMTENSOR_ANALYSIS_KERNELFUSION_H
