// RUN: streamtensor-opt %s --split-input-file --linalg-generalize-named-ops --dataflow-convert-linalg-to-kernel --dataflow-fuse-kernels | FileCheck %s
// RUN: streamtensor-opt %s --split-input-file --linalg-generalize-named-ops --dataflow-convert-linalg-to-kernel --dataflow-fuse-kernels=max-on-chip-bytes=8191 | FileCheck %s --check-prefix=CAP
// RUN: streamtensor-opt %s --split-input-file --linalg-generalize-named-ops --dataflow-convert-linalg-to-kernel --dataflow-fuse-kernels=max-on-chip-bytes=8192 | FileCheck %s --check-prefix=FIT

// The kernels come from ConvertLinalgToKernel with tile-size 16. A producer
// feeds its consumer directly when their itensor types are equal, and
// through a minimal converter otherwise; the converter must fit the on-chip
// budget (max-on-chip-bytes, ping-pong: twice the buffer).

// add then mul on 32x40, both streaming 16x10 tiles in [2, 4]: one kernel
// named after the first and last member; the add's stream goes straight to
// the mul, and its init is a fresh itensor since it leaves no result.

// CHECK-LABEL: func.func @equal_types
// CHECK-SAME: (%[[A:.*]]: tensor<32x40xf32>, %[[B:.*]]: tensor<32x40xf32>)
// CHECK: %[[R:.*]] = dataflow.kernel "add_0_to_mul_1" ins(%[[A]], %[[B]], %[[B]] : tensor<32x40xf32>, tensor<32x40xf32>, tensor<32x40xf32>) outs(%{{.*}} : tensor<32x40xf32>) {
// CHECK-NEXT: ^bb0(%{{.*}}, %{{.*}}, %{{.*}}, %[[OUT:[^:]*]]: !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>):
// CHECK: %[[TMP:.*]] = dataflow.itensor_empty : !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>
// CHECK: %[[SUM:.*]] = dataflow.task "add_0" inits(%[[TMP]] :
// CHECK-NOT: itensor_converter
// CHECK: %[[PROD:.*]] = dataflow.task "mul_1" inits(%[[OUT]] :
// CHECK: dataflow.itensor_read %[[SUM]] init
// CHECK: dataflow.yield %[[PROD]] :
// CHECK-NEXT: } -> tensor<32x40xf32>
// CHECK-NOT: dataflow.kernel
// CHECK: return %[[R]]

// Free edges fuse under any budget.
// CAP-LABEL: func.func @equal_types
// CAP: dataflow.kernel "add_0_to_mul_1"
// FIT-LABEL: func.func @equal_types
// FIT: dataflow.kernel "add_0_to_mul_1"
func.func @equal_types(%a: tensor<32x40xf32>, %b: tensor<32x40xf32>) -> tensor<32x40xf32> {
  %empty = tensor.empty() : tensor<32x40xf32>
  %0 = linalg.add ins(%a, %b : tensor<32x40xf32>, tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  %1 = linalg.mul ins(%0, %b : tensor<32x40xf32>, tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  return %1 : tensor<32x40xf32>
}

// -----

// The paper's Figure 7: exp streams its 64x64 result row-major in 16x16
// tiles; the matmul reads it as its left operand, a row of tiles once per
// column block of the output. They share the outer loop, inside which the
// converter buffers one row of tiles: 16x64 (2 x 16 x 64 x 4 = 8192 bytes).

// CHECK-LABEL: func.func @figure7
// CHECK: dataflow.kernel "exp_0_to_matmul_1" ins(%{{.*}}, %{{.*}} : tensor<64x64xf32>, tensor<64x32xf32>) outs(%{{.*}} : tensor<64x32xf32>)
// CHECK: %[[EXP:.*]] = dataflow.task "exp_0"
// CHECK: %[[CONV:.*]] = dataflow.itensor_converter %[[EXP]] buffer [16, 64] shared_loops 1 : !dataflow.itensor<16x16xf32, iter_space [4, 4] * [16, 16], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<16x16xf32, iter_space [4, 2, 4] * [16, 16, 16], iter_map (d0, d1, d2) -> (d0, d2)>
// CHECK: dataflow.task "matmul_1"
// CHECK: dataflow.itensor_read %[[CONV]] init
// CHECK-NOT: dataflow.kernel

// One byte short of the converter: the kernels stay apart and the matmul
// reads exp's result from memory. Exactly enough: they fuse.
// CAP-LABEL: func.func @figure7
// CAP: %[[E:.*]] = dataflow.kernel "exp_0" ins(%{{.*}} : tensor<64x64xf32>)
// CAP-NOT: itensor_converter
// CAP: dataflow.kernel "matmul_1" ins(%[[E]], %{{.*}} : tensor<64x64xf32>, tensor<64x32xf32>)
// CAP-NOT: itensor_converter
// FIT-LABEL: func.func @figure7
// FIT: dataflow.kernel "exp_0_to_matmul_1"
// FIT: dataflow.itensor_converter %{{.*}} buffer [16, 64] shared_loops 1
func.func @figure7(%a: tensor<64x64xf32>, %b: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<64x64xf32>
  %0 = linalg.exp ins(%a : tensor<64x64xf32>) outs(%e0 : tensor<64x64xf32>) -> tensor<64x64xf32>
  %e1 = tensor.empty() : tensor<64x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e1 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %1 = linalg.matmul ins(%0, %b : tensor<64x64xf32>, tensor<64x32xf32>) outs(%fill : tensor<64x32xf32>) -> tensor<64x32xf32>
  return %1 : tensor<64x32xf32>
}

// -----

// The add's result feeds the fused mul and is also returned: it is forked,
// one copy to the mul, one to the kernel's output, and it stays a result.

// CHECK-LABEL: func.func @fork
// CHECK: %[[R:.*]]:2 = dataflow.kernel "add_0_to_mul_1" {{.*}} outs(%{{.*}}, %{{.*}} : tensor<32x40xf32>, tensor<32x40xf32>) {
// CHECK-NEXT: ^bb0(%{{.*}}, %{{.*}}, %{{.*}}, %[[OUT0:[^:]*]]: !dataflow.itensor<{{.*}}>, %[[OUT1:[^:]*]]: !dataflow.itensor<{{.*}}>):
// CHECK: %[[SUM:.*]] = dataflow.task "add_0" inits(%[[OUT0]] :
// CHECK: %[[COPY:.*]]:2 = dataflow.itensor_fork %[[SUM]] : !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>, !dataflow.itensor<16x10xf32, iter_space [2, 4] * [16, 10], iter_map (d0, d1) -> (d0, d1)>
// CHECK: %[[PROD:.*]] = dataflow.task "mul_1" inits(%[[OUT1]] :
// CHECK: dataflow.itensor_read %[[COPY]]#0 init
// CHECK: dataflow.yield %[[COPY]]#1, %[[PROD]] :
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @fork(%a: tensor<32x40xf32>, %b: tensor<32x40xf32>) -> (tensor<32x40xf32>, tensor<32x40xf32>) {
  %empty = tensor.empty() : tensor<32x40xf32>
  %0 = linalg.add ins(%a, %b : tensor<32x40xf32>, tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  %1 = linalg.mul ins(%0, %b : tensor<32x40xf32>, tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  return %0, %1 : tensor<32x40xf32>, tensor<32x40xf32>
}

// -----

// exp feeds two kernels of the group, whose results meet in a third: one
// fork with a copy for each consumer, and only the last result leaves.

// CHECK-LABEL: func.func @diamond
// CHECK: dataflow.kernel "exp_0_to_sub_3" {{.*}} outs(%{{.*}} : tensor<32x40xf32>)
// CHECK: %[[EXP:.*]] = dataflow.task "exp_0"
// CHECK: %[[COPY:.*]]:2 = dataflow.itensor_fork %[[EXP]]
// CHECK: %[[ADD:.*]] = dataflow.task "add_1"
// CHECK: dataflow.itensor_read %[[COPY]]#1 init
// CHECK: %[[MUL:.*]] = dataflow.task "mul_2"
// CHECK: dataflow.itensor_read %[[COPY]]#0 init
// CHECK: %[[SUB:.*]] = dataflow.task "sub_3"
// CHECK: dataflow.itensor_read %[[ADD]] init
// CHECK: dataflow.itensor_read %[[MUL]] init
// CHECK: dataflow.yield %[[SUB]] :
// CHECK-NEXT: } -> tensor<32x40xf32>
func.func @diamond(%a: tensor<32x40xf32>, %b: tensor<32x40xf32>) -> tensor<32x40xf32> {
  %empty = tensor.empty() : tensor<32x40xf32>
  %0 = linalg.exp ins(%a : tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  %1 = linalg.add ins(%0, %b : tensor<32x40xf32>, tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  %2 = linalg.mul ins(%0, %b : tensor<32x40xf32>, tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  %3 = linalg.sub ins(%1, %2 : tensor<32x40xf32>, tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  return %3 : tensor<32x40xf32>
}

// -----

// Kernels that share no tensor run side by side in one kernel: the second
// reads only external memory, so it depends on nothing and joins the first.

// CHECK-LABEL: func.func @independent
// CHECK: %[[R:.*]]:2 = dataflow.kernel "exp_0_to_exp_1" ins(%arg0, %arg1 : tensor<32x40xf32>, tensor<32x40xf32>)
// CHECK: dataflow.task "exp_0"
// CHECK: dataflow.task "exp_1"
// CHECK: return %[[R]]#0, %[[R]]#1
func.func @independent(%a: tensor<32x40xf32>, %b: tensor<32x40xf32>) -> (tensor<32x40xf32>, tensor<32x40xf32>) {
  %empty = tensor.empty() : tensor<32x40xf32>
  %0 = linalg.exp ins(%a : tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  %1 = linalg.exp ins(%b : tensor<32x40xf32>) outs(%empty : tensor<32x40xf32>) -> tensor<32x40xf32>
  return %0, %1 : tensor<32x40xf32>, tensor<32x40xf32>
}

// -----

// exp -> neg -> matmul: the free exp -> neg edge fuses under any budget;
// the matmul joins only if its 8192-byte converter fits.

// CHECK-LABEL: func.func @chain
// CHECK: dataflow.kernel "exp_0_to_matmul_2"
// CHECK: dataflow.task "exp_0"
// CHECK-NOT: itensor_converter
// CHECK: %[[NEG:.*]] = dataflow.task "neg_1"
// CHECK: dataflow.itensor_converter %[[NEG]] buffer [16, 64] shared_loops 1
// CHECK: dataflow.task "matmul_2"

// CAP-LABEL: func.func @chain
// CAP: %[[R:.*]] = dataflow.kernel "exp_0_to_neg_1" ins(%{{.*}} : tensor<64x64xf32>) outs(%{{.*}} : tensor<64x64xf32>)
// CAP-NOT: itensor_converter
// CAP: dataflow.kernel "matmul_2" ins(%[[R]], %{{.*}} : tensor<64x64xf32>, tensor<64x32xf32>)

// FIT-LABEL: func.func @chain
// FIT: dataflow.kernel "exp_0_to_matmul_2"
func.func @chain(%a: tensor<64x64xf32>, %b: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<64x64xf32>
  %0 = linalg.exp ins(%a : tensor<64x64xf32>) outs(%e0 : tensor<64x64xf32>) -> tensor<64x64xf32>
  %1 = linalg.negf ins(%0 : tensor<64x64xf32>) outs(%e0 : tensor<64x64xf32>) -> tensor<64x64xf32>
  %e1 = tensor.empty() : tensor<64x32xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e1 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %2 = linalg.matmul ins(%1, %b : tensor<64x64xf32>, tensor<64x32xf32>) outs(%fill : tensor<64x32xf32>) -> tensor<64x32xf32>
  return %2 : tensor<64x32xf32>
}

// -----

// exp on 16x40 then a transpose to 40x16: in 16x10 tiles both stream the same
// tiles in the same order, so they connect through an itensor_cast, which
// costs no on-chip memory: they fuse even under the smallest cap.
// CHECK-LABEL: func.func @cast_not_converter
// CHECK: dataflow.kernel "exp_0_to_transpose_1"
// CHECK: dataflow.itensor_cast
// CHECK-NOT: dataflow.itensor_converter
// CAP-LABEL: func.func @cast_not_converter
// CAP: dataflow.kernel "exp_0_to_transpose_1"
// CAP-NOT: dataflow.kernel
// CAP: return
func.func @cast_not_converter(%x: tensor<16x40xf32>) -> tensor<40x16xf32> {
  %e = tensor.empty() : tensor<16x40xf32>
  %0 = linalg.exp ins(%x : tensor<16x40xf32>) outs(%e : tensor<16x40xf32>) -> tensor<16x40xf32>
  %e2 = tensor.empty() : tensor<40x16xf32>
  %1 = linalg.transpose ins(%0 : tensor<16x40xf32>) outs(%e2 : tensor<40x16xf32>) permutation = [1, 0]
  return %1 : tensor<40x16xf32>
}

// -----

// A reshape between two kernels only relabels the tensor: the producer's
// 16x16 tiles of 16x32 are 16x1x16 tiles of 16x2x16, so the kernels fuse
// through an itensor_reassociate (no memory) and, since the consumer tiles
// 16x2x16 whole, a converter (which shares no loop: the one loop both
// sides start with has one iteration); the reshape itself disappears.
// CHECK-LABEL: func.func @reshape_between
// CHECK: dataflow.kernel "exp_0_to_exp_1" ins(%{{.*}} : tensor<16x32xf32>)
// CHECK: %[[R:.*]] = dataflow.itensor_reassociate %{{.*}} {{\[\[}}0], [1, 2]] : !dataflow.itensor<16x16xf32, iter_space [1, 2] * [16, 16], iter_map (d0, d1) -> (d0, d1)> -> !dataflow.itensor<16x1x16xf32, iter_space [1, 2] * [16, 1], iter_map (d0, d1) -> (d0, d1, 0)>
// CHECK: dataflow.itensor_converter %[[R]] buffer [16, 2, 16] shared_loops 0
// CHECK-NOT: tensor.expand_shape
// CHECK: return
func.func @reshape_between(%x: tensor<16x32xf32>) -> tensor<16x2x16xf32> {
  %e = tensor.empty() : tensor<16x32xf32>
  %0 = linalg.exp ins(%x : tensor<16x32xf32>) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %1 = tensor.expand_shape %0 [[0], [1, 2]] output_shape [16, 2, 16] : tensor<16x32xf32> into tensor<16x2x16xf32>
  %e2 = tensor.empty() : tensor<16x2x16xf32>
  %2 = linalg.exp ins(%1 : tensor<16x2x16xf32>) outs(%e2 : tensor<16x2x16xf32>) -> tensor<16x2x16xf32>
  return %2 : tensor<16x2x16xf32>
}

// -----

// A runtime scalar that several members read (a decode position) is one
// input of the fused kernel.

// CHECK-LABEL: func.func @shared_scalar
// CHECK: dataflow.kernel "select_0_to_select_1" ins(%arg0, %arg1 : tensor<32xf32>, i32)
// CHECK-NEXT: ^bb0(%{{.*}}: !dataflow.itensor<{{.*}}>, %[[P:.*]]: i32, %{{.*}}: !dataflow.itensor<{{.*}}>):
// CHECK-COUNT-2: arith.cmpi slt, %{{.*}}, %[[P]] : i32
func.func @shared_scalar(%x: tensor<32xf32>, %position: i32) -> tensor<32xf32> {
  %empty = tensor.empty() : tensor<32xf32>
  %low = arith.constant -1.0e30 : f32
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<32xf32>) outs(%empty : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %j = linalg.index 0 : index
    %key = arith.index_cast %j : index to i32
    %visible = arith.cmpi slt, %key, %position : i32
    %v = arith.select %visible, %in, %low : f32
    linalg.yield %v : f32
  } -> tensor<32xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%0 : tensor<32xf32>) outs(%empty : tensor<32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %j = linalg.index 0 : index
    %key = arith.index_cast %j : index to i32
    %visible = arith.cmpi slt, %key, %position : i32
    %v = arith.select %visible, %low, %in : f32
    linalg.yield %v : f32
  } -> tensor<32xf32>
  return %1 : tensor<32xf32>
}
