//===- Registration.h - Dialects, interfaces and passes we use -*- C++ -*-===//
//
// One place that says what a StreamTensor tool understands: our dialect and
// every upstream dialect a torch-mlir export (or our lowering) uses, with the
// external interface models that tiling and bufferization need.
//
//===----------------------------------------------------------------------===//

#ifndef STREAMTENSOR_REGISTRATION_H
#define STREAMTENSOR_REGISTRATION_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace streamtensor {

/// Adds the dialects and their external models to `registry`.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers our passes and the upstream passes of those dialects with the
/// global pass registry (for streamtensor-opt and --pass-pipeline).
void registerAllPasses();

} // namespace streamtensor

#endif // STREAMTENSOR_REGISTRATION_H
