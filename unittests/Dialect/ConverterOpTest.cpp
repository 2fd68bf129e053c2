//===- ConverterOpTest.cpp - Building itensor_converter ops ---------------===//

#include "streamtensor/Dialect/Dataflow/IR/Dataflow.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace streamtensor::dataflow;

namespace {

// The builder without buffer arguments gives the smallest converter: the
// paper's Figure 5, (b) to (c), is 8x2 inside one shared loop.
TEST(ConverterOp, BuilderPicksTheMinimalBuffer) {
  MLIRContext context;
  context.loadDialect<DataflowDialect, func::FuncDialect>();
  auto from = cast<ITensorType>(parseType(
      "!dataflow.itensor<4x2xf32, iter_space [4, 2] * [2, 4], "
      "iter_map (d0, d1) -> (d1, d0)>",
      &context));
  auto to = cast<ITensorType>(parseType(
      "!dataflow.itensor<4x2xf32, iter_space [4, 2, 2] * [2, 1, 4], "
      "iter_map (d0, d1, d2) -> (d2, d0)>",
      &context));

  OpBuilder builder(&context);
  Location loc = builder.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  builder.setInsertionPointToEnd(module->getBody());
  auto function = func::FuncOp::create(builder, loc, "convert",
                                       builder.getFunctionType({from}, {to}));
  Block *entry = function.addEntryBlock();
  builder.setInsertionPointToEnd(entry);
  auto converter =
      ITensorConverterOp::create(builder, loc, entry->getArgument(0), to);
  func::ReturnOp::create(builder, loc, converter.getResult());

  EXPECT_EQ(converter.getBufferShape(), ArrayRef<int64_t>({8, 2}));
  EXPECT_EQ(converter.getSharedLoops(), 1);
  EXPECT_TRUE(succeeded(verify(*module)));
}

} // namespace
