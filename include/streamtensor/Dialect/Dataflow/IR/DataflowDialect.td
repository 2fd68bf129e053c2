#ifndef STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOWDIALECT_TD
#define STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOWDIALECT_TD

include "mlir/IR/OpBase.td"

def Dataflow_Dialect : Dialect {
  let name = "dataflow";
  let summary = "Stream-based dataflow: iterative tensors, FIFOs, kernels and tasks";
  let description = [{
    The `dataflow` dialect describes accelerators made of kernels that pass
    tiles to each other through on-chip FIFOs. Its central type, the iterative
    tensor (`!dataflow.itensor`), records how a tensor is streamed: the tile
    shape, the loop nest that visits the tiles and the map from loop indices
    to tile offsets. Two kernels can stream to each other directly when the
    producer's and the consumer's itensor types agree; otherwise a layout
    converter with a minimal ping-pong buffer sits between them.

    There are three levels of ops: itensor ops (value semantics, used from
    linalg down to kernel fusion), stream and buffer ops (the bufferized
    form), and the structure ops `kernel` and `task`.
  }];
  let cppNamespace = "::streamtensor::dataflow";
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 0;
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  // Type storage classes live in DataflowOpsTypes.cpp.inc, so they must be
  // registered from the file that includes it.
  let extraClassDeclaration = [{
    void registerTypes();
  }];
}

class Dataflow_Op<string mnemonic, list<Trait> traits = []>
    : Op<Dataflow_Dialect, mnemonic, traits>;

#endif // STREAMTENSOR_DIALECT_DATAFLOW_IR_DATAFLOWDIALECT_TD
