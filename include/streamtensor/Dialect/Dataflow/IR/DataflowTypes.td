#ifndef STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOWTYPES_TD
#define STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOWTYPES_TD

include "mlir/IR/AttrTypeBase.td"
include "streamtensor/Dialect/Dataflow/IR/DataflowDialect.td"

class Dataflow_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Dataflow_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

def Dataflow_ITensorType : Dataflow_Type<"ITensor", "itensor"> {
  let summary = "a tensor streamed tile by tile over an iteration space";
  let description = [{
    An iterative tensor is a tensor cut into tiles of `elementShape` that are
    streamed in the order of a loop nest. The loop nest is the iteration
    space: `tripCounts[k]` iterations of step `steps[k]` for loop `k`,
    outermost first, so loop `k` takes the values `0, steps[k], ...,
    (tripCounts[k] - 1) * steps[k]`. The iteration map sends the loop
    indices to the offset of the tile, one result per data dimension; a
    result is a loop dimension or a constant offset. A loop that no result
    uses streams the same tiles again.

    The full tensor shape is derived: on each data dimension, the largest
    offset plus the tile size.

    ```mlir
    // An 8x8 tensor in 4x2 tiles, streamed column of tiles by column.
    !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4],
                      iter_map (d0, d1) -> (d1, d0)>
    ```

    Two kernels connect directly only if their itensor types are equal.
  }];
  let parameters = (ins
    "::mlir::Type":$elementType,
    ArrayRefParameter<"int64_t", "tile shape">:$elementShape,
    ArrayRefParameter<"int64_t", "iterations of each loop">:$tripCounts,
    ArrayRefParameter<"int64_t", "step of each loop">:$steps,
    "::mlir::AffineMap":$iterMap
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The layout as plain data, for the analyses in streamtensor/Analysis.
    ::streamtensor::StreamLayout getLayout() const;
    /// The itensor of `elementType` with a layout from the analyses.
    static ITensorType get(::mlir::Type elementType,
                           const ::streamtensor::StreamLayout &layout);

    /// Number of data dimensions (the rank of a tile and of the tensor).
    unsigned getRank() const { return getElementShape().size(); }
    /// Number of loops of the iteration space.
    unsigned getNumLoops() const { return getTripCounts().size(); }

    /// The shape of the whole tensor the stream carries.
    ::llvm::SmallVector<int64_t> getFullShape() const;
    /// `tensor<fullShape x elementType>`.
    ::mlir::RankedTensorType getFullTensorType() const;
    /// `tensor<elementShape x elementType>`: the type of one token.
    ::mlir::RankedTensorType getTileTensorType() const;

    /// Tokens streamed: the product of the trip counts.
    int64_t getNumTokens() const;
    /// Scalars in one token: the product of the tile shape.
    int64_t getTokenElements() const;
    /// Bytes of one token (sub-byte scalars are rounded up per token).
    int64_t getTokenBytes() const;

    /// Every loop appears at most once in the map, and constants are zero.
    bool isProjectedPermutation() const;
    /// A projected permutation whose loops step by exactly one tile: every
    /// element of the tensor is in exactly one tile.
    bool isRegularTiling() const;
  }];
}

def Dataflow_StreamType : Dataflow_Type<"Stream", "stream"> {
  let summary = "a FIFO of a given depth";
  let description = [{
    The bufferized form of an itensor: a FIFO carrying scalars or vectors,
    `depth` of them at most. The layout is no longer recorded, so everything
    that depends on it happens at the itensor level.

    ```mlir
    !dataflow.stream<f32, 32>
    !dataflow.stream<vector<2x4xf32>, 8>
    ```
  }];
  let parameters = (ins "::mlir::Type":$elementType, "int64_t":$depth);
  let builders = [
    TypeBuilderWithInferredContext<(ins "::mlir::Type":$elementType,
                                        "int64_t":$depth), [{
      return $_get(elementType.getContext(), elementType, depth);
    }]>
  ];
  let skipDefaultBuilders = 0;
  let assemblyFormat = "`<` $elementType `,` $depth `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Scalars carried by one FIFO entry.
    int64_t getNumScalars() const;
    /// The scalar type of an entry.
    ::mlir::Type getScalarType() const;
  }];
}

#endif // STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOWTYPES_TD
