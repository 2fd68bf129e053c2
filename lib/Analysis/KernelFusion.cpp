//===- KernelFusion.cpp - Which kernels to fuse (paper Algorithm 2) -------===//

#include "streamtensor/Analysis/KernelFusion.h"

#include <map>

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
    // Cost of joining each producer group: the sum over its edges.
    std::map<unsigned, int64_t> candidates;
    for (const FusionEdge *edge : incoming[kernel])
      candidates[plan.groupOf[edge->producer]] += edge->costBytes;

    bool joins = false;
    unsigned group = 0;
    if (!candidates.empty()) {
      // The nearest candidate: the most recently formed group.
      auto [latest, cost] = *candidates.rbegin();
      if (plan.costs[latest] + cost <= maxCostBytes) {
        joins = true;
        group = latest;
        plan.costs[latest] += cost;
      }
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
