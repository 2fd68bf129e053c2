//===- Reassociation.h - A stream seen through a reshape of its tensor ----===//
//
// tensor.expand_shape and tensor.collapse_shape only relabel a row-major
// tensor. A stream of it stays the same sequence of scalars when each tile is
// still a tile of the reshaped tensor (contiguous along every collapsed
// group) and the loops that walk a group can be split or merged in order.
// Then the reshape is an itensor_reassociate and costs nothing on chip.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_ANALYSIS_REASSOCIATION_H
#define STREAMTENSOR_ANALYSIS_REASSOCIATION_H

#include "streamtensor/Analysis/StreamLayout.h"

#include <optional>
#include <vector>

namespace streamtensor {

/// `groups[i]` lists the dimensions of the higher-rank (expanded) shape that
/// make up dimension i of the lower-rank (collapsed) one, as in the tensor
/// ops.
using ReassociationGroups = std::vector<std::vector<unsigned>>;

/// The layout of the same stream over the expanded tensor, given a layout
/// over the collapsed one; nothing when a tile or a loop does not fit.
std::optional<StreamLayout>
expandLayout(const StreamLayout &collapsed, const ReassociationGroups &groups,
             const std::vector<int64_t> &expandedShape);

/// The layout of the same stream over the collapsed tensor, given a layout
/// over the expanded one; nothing when a tile or a loop does not fit.
std::optional<StreamLayout>
collapseLayout(const StreamLayout &expanded, const ReassociationGroups &groups);

} // namespace streamtensor

#endif // STREAMTENSOR_ANALYSIS_REASSOCIATION_H
