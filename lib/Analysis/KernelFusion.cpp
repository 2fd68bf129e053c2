//===- KernelFusion.cpp - Which kernels to fuse (paper Algorithm 2) -------===//

#include "streamtensor/Analysis/KernelFusion.h"

#include <algorithm>

namespace streamtensor {

FusionPlan planKernelFusion(unsigned numKernels,
                            const std::vector<FusionEdge> &edges,
                            int64_t maxCostBytes) {
  std::vector<std::vector<const FusionEdge *>> incoming(numKernels);
  for (const FusionEdge &edge : edges)
    incoming[edge.consumer].push_back(&edge);

  FusionPlan plan;
  plan.groupOf.assign(numKernels, 0);
  for (unsigned kernel = 0; kernel < numKernels; ++kernel) {
    // The nearest candidate is the most recently formed producer group;
    // joining it costs its edges, if they can all be streamed.
    bool hasProducer = false, streamable = true;
    unsigned latest = 0;
    int64_t cost = 0;
    for (const FusionEdge *edge : incoming[kernel]) {
      unsigned producerGroup = plan.groupOf[edge->producer];
      if (hasProducer && producerGroup < latest)
        continue;
      if (!hasProducer || producerGroup > latest) {
        hasProducer = true;
        latest = producerGroup;
        streamable = true;
        cost = 0;
      }
      streamable &= edge->streamable;
      // Saturate: a cost over the cap is enough to refuse.
      cost = std::min(cost + std::max<int64_t>(edge->costBytes, 0),
                      maxCostBytes + 1);
    }

    bool joins = false;
    unsigned group = 0;
    if (hasProducer && streamable &&
        plan.costs[latest] + cost <= maxCostBytes) {
      joins = true;
      group = latest;
      plan.costs[latest] += cost;
    }
    // A kernel that reads only external memory (the RoPE angles, computed
    // from the position) depends on no group: it joins the latest one at no
    // cost rather than cutting the chain of groups in two.
    if (!hasProducer && !plan.groups.empty()) {
      joins = true;
      group = plan.groups.size() - 1;
    }
    if (!joins) {
      group = plan.groups.size();
      plan.groups.emplace_back();
      plan.costs.push_back(0);
    }
    plan.groups[group].push_back(kernel);
    plan.groupOf[kernel] = group;
  }
  return plan;
}

} // namespace streamtensor
