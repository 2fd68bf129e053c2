//===- streamtensor-opt.cpp - mlir-opt with the StreamTensor dialects -----===//

#include "streamtensor/Pipeline/Pipeline.h"
#include "streamtensor/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  streamtensor::registerAllPasses();
  streamtensor::registerCompilePipeline();
  mlir::DialectRegistry registry;
  streamtensor::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "StreamTensor optimizer driver\n", registry));
}
