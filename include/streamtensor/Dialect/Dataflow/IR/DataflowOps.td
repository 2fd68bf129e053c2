#ifndef STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOWOPS_TD
#define STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOWOPS_TD

include "streamtensor/Dialect/Dataflow/IR/DataflowDialect.td"
include "streamtensor/Dialect/Dataflow/IR/DataflowTypes.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpAsmInterface.td"

//===----------------------------------------------------------------------===//
// itensor ops (paper Table 1)
//===----------------------------------------------------------------------===//

def Dataflow_ITensorEmptyOp : Dataflow_Op<"itensor_empty"> {
  let summary = "an itensor with nothing written into it yet";
  let description = [{
    The destination that a producer writes its tiles into, like
    `tensor.empty` for tensors. Every `itensor_empty` is a distinct stream,
    so two of them are never merged.

    ```mlir
    %0 = dataflow.itensor_empty : !dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], iter_map (d0, d1) -> (d1, d0)>
    ```
  }];
  let results = (outs Res<Dataflow_ITensorType, "", [MemAlloc]>:$result);
  let assemblyFormat = "attr-dict `:` qualified(type($result))";
}

def Dataflow_ITensorInstanceOp : Dataflow_Op<"itensor_instance"> {
  let summary = "an itensor that will become a FIFO";
  let description = [{
    Like `itensor_empty`, but marks the stream as a FIFO instance: it is
    lowered to a `dataflow.stream`.
  }];
  let results = (outs Res<Dataflow_ITensorType, "", [MemAlloc]>:$result);
  let assemblyFormat = "attr-dict `:` qualified(type($result))";
}

def Dataflow_ITensorReadOp : Dataflow_Op<"itensor_read", [
    OptionalTypesMatchWith<"init has the type of the result", "result", "init",
                           "$_self">]> {
  let summary = "pull the next tile of an itensor";
  let description = [{
    Reads one token. The loops around the op (those that do not also enclose
    the stream's origin) must be the iteration space of the itensor: the
    same trip counts and steps, outermost first; loops of one iteration are
    ignored on both sides.

    The result is the tile as a tensor (then `init` is its destination, as
    in destination-passing style), as a vector of the tile shape, or, for a
    tile of one element, the scalar itself.

    ```mlir
    %tile = dataflow.itensor_read %src init %empty : !dataflow.itensor<...> -> tensor<4x2xf32>
    ```
  }];
  let arguments = (ins Arg<Dataflow_ITensorType, "", [MemRead, MemWrite]>:$source,
                       Optional<AnyRankedTensor>:$init);
  let results = (outs AnyType:$result);
  let assemblyFormat = [{
    $source (`init` $init^)? attr-dict `:` qualified(type($source)) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Dataflow_ITensorWriteOp : Dataflow_Op<"itensor_write", [
    AllTypesMatch<["dest", "result"]>]> {
  let summary = "push one tile into an itensor";
  let description = [{
    Writes one token into `dest`; the result is the updated itensor
    (destination-carried, like `tensor.insert_slice`). The loops around it
    must match the iteration space, as for `itensor_read`. The value is a
    tensor or vector of the tile shape, or a scalar for a one-element tile.

    ```mlir
    %1 = dataflow.itensor_write %tile into %0 : tensor<4x2xf32> -> !dataflow.itensor<...>
    ```
  }];
  let arguments = (ins AnyType:$value,
                       Arg<Dataflow_ITensorType, "", [MemWrite]>:$dest);
  let results = (outs Dataflow_ITensorType:$result);
  let assemblyFormat = [{
    $value `into` $dest attr-dict `:` type($value) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Dataflow_ITensorCastOp : Dataflow_Op<"itensor_cast", [Pure]> {
  let summary = "change the itensor type without changing the stream";
  let description = [{
    Source and result stream the same tiles in the same order; they may
    differ in loops of one iteration and in the steps of loops that the map
    does not use.
  }];
  let arguments = (ins Dataflow_ITensorType:$source);
  let results = (outs Dataflow_ITensorType:$result);
  let assemblyFormat = [{
    $source attr-dict `:` qualified(type($source)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dataflow_ITensorReassociateOp : Dataflow_Op<"itensor_reassociate", [Pure]> {
  let summary = "expand or collapse the dimensions of a streamed tensor";
  let description = [{
    The itensor form of `tensor.expand_shape` and `tensor.collapse_shape`.
    `reassociation` groups the dimensions of the higher-rank side, one group
    for each dimension of the lower-rank side, as in the tensor ops. Within
    a group, both the tensor sizes and the tile sizes multiply to the size
    of the collapsed dimension, and both sides stream the same number of
    tokens.
  }];
  let arguments = (ins Dataflow_ITensorType:$source,
                       IndexListArrayAttr:$reassociation);
  let results = (outs Dataflow_ITensorType:$result);
  let assemblyFormat = [{
    $source $reassociation attr-dict `:` qualified(type($source)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Dataflow_ITensorConverterOp : Dataflow_Op<"itensor_converter", [Pure]> {
  let summary = "convert the stream layout through a ping-pong buffer";
  let description = [{
    Reorders the tiles of a stream into another layout of the same tensor.
    The converter keeps `buffer_shape` elements on chip twice over (ping and
    pong) and sits inside the first `shared_loops` loops of both iteration
    spaces, which it shares with producer and consumer; loops of one
    iteration are not counted (they stream nothing of their own, so either
    side may have them anywhere). The buffer must be at
    least the minimum that the converter sizing analysis (the paper's
    Algorithm 1, per dimension) gives for that loop level.

    ```mlir
    %1 = dataflow.itensor_converter %0 buffer [8, 2] shared_loops 1
        : !dataflow.itensor<...> -> !dataflow.itensor<...>
    ```
  }];
  let arguments = (ins Dataflow_ITensorType:$source,
                       DenseI64ArrayAttr:$buffer_shape,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$shared_loops);
  let results = (outs Dataflow_ITensorType:$result);
  let assemblyFormat = [{
    $source `buffer` $buffer_shape `shared_loops` $shared_loops attr-dict
    `:` qualified(type($source)) `->` qualified(type($result))
  }];
  let builders = [
    // The smallest converter: as many shared loops as possible.
    OpBuilder<(ins "::mlir::Value":$source, "ITensorType":$resultType)>
  ];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Dataflow_ITensorChunkOp : Dataflow_Op<"itensor_chunk", [Pure]> {
  let summary = "split a streamed tensor into pieces along one dimension";
  let description = [{
    Each result is a consecutive piece of the source along `dim`, with the
    same tile shape; piece boundaries fall on tile boundaries.
  }];
  let arguments = (ins Dataflow_ITensorType:$source,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$dim);
  let results = (outs Variadic<Dataflow_ITensorType>:$results);
  let assemblyFormat = [{
    $source `dim` $dim attr-dict `:` qualified(type($source)) `->` qualified(type($results))
  }];
  let hasVerifier = 1;
}

def Dataflow_ITensorConcatOp : Dataflow_Op<"itensor_concat", [Pure]> {
  let summary = "concatenate streamed tensors along one dimension";
  let description = [{
    The inverse of `itensor_chunk`: the inputs, in order, are consecutive
    pieces of the result along `dim`, with the result's tile shape.
  }];
  let arguments = (ins Variadic<Dataflow_ITensorType>:$inputs,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$dim);
  let results = (outs Dataflow_ITensorType:$result);
  let assemblyFormat = [{
    $inputs `dim` $dim attr-dict `:` qualified(type($inputs)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Dataflow_ITensorForkOp : Dataflow_Op<"itensor_fork", [Pure]> {
  let summary = "duplicate a stream for several consumers";
  let arguments = (ins Dataflow_ITensorType:$source);
  let results = (outs Variadic<Dataflow_ITensorType>:$results);
  let assemblyFormat = [{
    $source attr-dict `:` qualified(type($source)) `->` qualified(type($results))
  }];
  let hasVerifier = 1;
}

def Dataflow_ITensorJoinOp : Dataflow_Op<"itensor_join", [Pure]> {
  let summary = "merge streams round-robin into one";
  let description = [{
    Takes one token from each input in turn. All inputs carry tiles of the
    result's tile shape and element type, and the result streams as many
    tokens as the inputs together.
  }];
  let arguments = (ins Variadic<Dataflow_ITensorType>:$inputs);
  let results = (outs Dataflow_ITensorType:$result);
  let assemblyFormat = [{
    $inputs attr-dict `:` qualified(type($inputs)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Stream and buffer ops (paper Table 2)
//===----------------------------------------------------------------------===//

def Dataflow_ITensorToStreamOp : Dataflow_Op<"itensor_to_stream", [Pure]> {
  let summary = "view an itensor as a FIFO (removed by bufferization)";
  let arguments = (ins Dataflow_ITensorType:$source);
  let results = (outs Dataflow_StreamType:$result);
  let assemblyFormat = [{
    $source attr-dict `:` qualified(type($source)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Dataflow_StreamToITensorOp : Dataflow_Op<"stream_to_itensor", [Pure]> {
  let summary = "view a FIFO as an itensor (removed by bufferization)";
  let arguments = (ins Dataflow_StreamType:$source);
  let results = (outs Dataflow_ITensorType:$result);
  let assemblyFormat = [{
    $source attr-dict `:` qualified(type($source)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def Dataflow_StreamOp : Dataflow_Op<"stream"> {
  let summary = "a FIFO";
  let description = [{
    A FIFO of the depth its type gives. Once tasks hold the stream ops, all
    writes of a stream are in one task and all reads in another one: one
    producer and one consumer, as Vitis's dataflow checker demands. A stream
    that is also passed to other ops (calls, casts) is not checked here.

    `name` names the FIFO in generated code and reports; `entries`, when
    known, is how many entries cross the FIFO in one run of its kernel.

    ```mlir
    %s = dataflow.stream {name = "matmul_0_to_add_1", entries = 4096} : !dataflow.stream<f32, 32>
    ```
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$name,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntNonNegative]>>:$entries);
  let results = (outs Res<Dataflow_StreamType, "", [MemAlloc]>:$result);
  let assemblyFormat = "attr-dict `:` qualified(type($result))";
  let hasVerifier = 1;
}

def Dataflow_StreamReadOp : Dataflow_Op<"stream_read", [
    TypesMatchWith<"result is an entry of the stream", "stream", "result",
                   "::llvm::cast<StreamType>($_self).getElementType()">]> {
  let summary = "pop one entry of a FIFO (blocks while it is empty)";
  let arguments = (ins Arg<Dataflow_StreamType, "", [MemRead, MemWrite]>:$stream);
  let results = (outs AnyType:$result);
  let assemblyFormat = "$stream attr-dict `:` qualified(type($stream))";
}

def Dataflow_StreamWriteOp : Dataflow_Op<"stream_write", [
    TypesMatchWith<"value is an entry of the stream", "stream", "value",
                   "::llvm::cast<StreamType>($_self).getElementType()">]> {
  let summary = "push one entry into a FIFO (blocks while it is full)";
  let arguments = (ins AnyType:$value,
                       Arg<Dataflow_StreamType, "", [MemWrite]>:$stream);
  let assemblyFormat = "$value `into` $stream attr-dict `:` qualified(type($stream))";
}

def Dataflow_BufferOp : Dataflow_Op<"buffer"> {
  let summary = "an on-chip buffer with several stages (ping-pong by default)";
  let description = [{
    A statically shaped on-chip buffer. With `depth` stages (2: ping-pong),
    a writer can fill one stage while a reader drains another.

    `prefetch` marks the blocks of a tile prefetch (dataflow-prefetch-tiles):
    a process of its own fills them from a FIFO for a reader that computes
    on each block it holds, rather than a layout converter between two
    orders. The task model and the report tell the two apart by it.

    ```mlir
    %b = dataflow.buffer : memref<8x2xf32>
    ```
  }];
  let arguments = (ins DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>, "2">:$depth,
                       UnitAttr:$prefetch);
  let results = (outs Res<AnyStaticShapeMemRef, "", [MemAlloc]>:$memref);
  let assemblyFormat = "attr-dict `:` type($memref)";
}

def Dataflow_BlockAcquireOp : Dataflow_Op<"block_acquire", [
    AllTypesMatch<["buffer", "block"]>]> {
  let summary = "take one block of a multi-stage buffer";
  let description = [{
    Between two processes, a `dataflow.buffer` of `depth` stages is a stream
    of blocks: the writer acquires an empty block (`write`), fills it, and
    hands it over at the end of the block of ops the acquire is in (for
    example one iteration of a loop); the reader acquires the oldest full
    block and gives it back empty the same way. With two stages this is the
    ping-pong buffer of a layout converter: one block is filled while the
    other is drained.

    ```mlir
    %block = dataflow.block_acquire write %buffer : memref<16x64xf32>
    ```
  }];
  let arguments = (ins Arg<AnyStaticShapeMemRef, "", [MemRead, MemWrite]>:$buffer,
                       UnitAttr:$write);
  let results = (outs AnyStaticShapeMemRef:$block);
  let assemblyFormat = "(`write` $write^)? $buffer attr-dict `:` type($buffer)";
}

//===----------------------------------------------------------------------===//
// Structure ops (paper Table 3)
//===----------------------------------------------------------------------===//

def Dataflow_KernelOp : Dataflow_Op<"kernel", [
    IsolatedFromAbove, SingleBlock, RecursiveMemoryEffects,
    AttrSizedOperandSegments]> {
  let summary = "a dataflow kernel: tasks streaming to each other on chip";
  let description = [{
    Inputs and inits are tensors in external memory (or scalars); inside,
    each tensor is an itensor, the entry block argument of the same
    position, which streams the whole tensor, except an input that tasks
    read at computed positions (an embedding table, gathered by token id):
    its block argument is the tensor itself, read in place. These boundary conversions
    become DMA tasks. The kernel yields one itensor per init, of the type of
    that init's block argument, and its results have the types of the inits.
    Between kernels, data goes through external memory.

    ```mlir
    %r = dataflow.kernel "mm" ins(%a : tensor<8x8xf32>) outs(%c : tensor<8x8xf32>) {
    ^bb0(%in: !dataflow.itensor<...>, %out: !dataflow.itensor<...>):
      ...
      dataflow.yield %done : !dataflow.itensor<...>
    } -> tensor<8x8xf32>
    ```
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$name,
                       Variadic<AnyType>:$inputs,
                       Variadic<AnyRankedTensor>:$inits);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    ($name^)? (`ins` `(` $inputs^ `:` type($inputs) `)`)?
    (`outs` `(` $inits^ `:` type($inits) `)`)? attr-dict-with-keyword $body
    (`->` type($results)^)?
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

def Dataflow_TaskOp : Dataflow_Op<"task", [
    SingleBlock, RecursiveMemoryEffects]> {
  let summary = "a process of the dataflow graph";
  let description = [{
    One process: it runs concurrently with the other tasks of its kernel and
    talks to them through itensors (later FIFOs). Values from above are
    visible inside. Outputs are destination-carried: the entry block has one
    argument per init, of its type, the region yields the updated values,
    and the results have the types of the inits. Tasks nest to form a
    hierarchy; after bufferization a task has no inits and holds stream ops.

    ```mlir
    %r = dataflow.task "producer" inits(%e : !dataflow.itensor<...>) {
    ^bb0(%out: !dataflow.itensor<...>):
      ...
      dataflow.yield %w : !dataflow.itensor<...>
    } -> !dataflow.itensor<...>
    ```
  }];
  let arguments = (ins OptionalAttr<StrAttr>:$name, Variadic<AnyType>:$inits);
  let results = (outs Variadic<AnyType>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    ($name^)? (`inits` `(` $inits^ `:` type($inits) `)`)? attr-dict-with-keyword
    $body (`->` type($results)^)?
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
  }];
}

def Dataflow_YieldOp : Dataflow_Op<"yield", [
    Pure, Terminator, ReturnLike, ParentOneOf<["KernelOp", "TaskOp"]>]> {
  let summary = "the outputs of a kernel or task";
  let arguments = (ins Variadic<AnyType>:$operands);
  let builders = [OpBuilder<(ins), [{ /* nothing to yield */ }]>];
  let assemblyFormat = "attr-dict ($operands^ `:` qualified(type($operands)))?";
}

#endif // STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOWOPS_TD
