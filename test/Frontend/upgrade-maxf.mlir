// A torch-mlir export of 2023 (hardtanh, then amax over the last dimension):
// arith.maxf and arith.minf, which MLIR 22 names arith.maximumf and
// arith.minimumf. Identifiers, comments and strings that contain the old names
// are left alone.

// RUN: streamtensor-import %s 2>/dev/null | FileCheck %s --implicit-check-not="arith.maxf " --implicit-check-not="arith.minf "
// RUN: streamtensor-import %s 2>&1 >/dev/null | FileCheck %s --check-prefix=NOTES

// NOTES: note: {{.*}}upgrade-maxf.mlir: upgraded 3 uses of arith.maxf to arith.maximumf (lines 34, 43, 48)
// NOTES-NEXT: note: {{.*}}upgrade-maxf.mlir: upgraded 1 use of arith.minf to arith.minimumf (line 35)
// NOTES-NOT: note:

// CHECK-LABEL: func.func @forward(%arg0: tensor<4x8xf32>) -> tensor<4xf32>
// CHECK: linalg.generic
// CHECK: %[[MAX:.*]] = arith.maximumf %in, %cst : f32
// CHECK-NEXT: %[[MIN:.*]] = arith.minimumf %[[MAX]], %cst_0 : f32
// CHECK-NEXT: linalg.yield %[[MIN]] : f32
// CHECK: linalg.generic
// CHECK: arith.maximumf %in, %out : f32
// CHECK: arith.maximumf %{{.*}}, %{{.*}} {note = "was arith.maxf"} : f32

#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d0)>
#map2 = affine_map<(d0) -> (d0)>
module attributes {torch.debug_module_name = "HardtanhAmax"} {
  ml_program.global private mutable @global_seed(dense<0> : tensor<i64>) : tensor<i64>
  func.func @forward(%arg0: tensor<4x8xf32>) -> tensor<4xf32> {
    %cst = arith.constant 0.000000e+00 : f32
    %cst_0 = arith.constant 6.000000e+00 : f32
    %cst_1 = arith.constant 0xFF800000 : f32
    %0 = tensor.empty() : tensor<4x8xf32>
    %1 = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%arg0 : tensor<4x8xf32>) outs(%0 : tensor<4x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %maxf_1 = arith.maxf %in, %cst : f32
      %arith.minf = arith.minf %maxf_1, %cst_0 : f32
      linalg.yield %arith.minf : f32
    } -> tensor<4x8xf32>
    %2 = tensor.empty() : tensor<4xf32>
    %3 = linalg.fill ins(%cst_1 : f32) outs(%2 : tensor<4xf32>) -> tensor<4xf32>
    // arith.maxf here is a comment.
    %4 = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "reduction"]} ins(%1 : tensor<4x8xf32>) outs(%3 : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %6 = arith.maxf %in, %out : f32
      linalg.yield %6 : f32
    } -> tensor<4xf32>
    %5 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel"]} ins(%4 : tensor<4xf32>) outs(%2 : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %6 = "arith.maxf"(%in, %out) {note = "was arith.maxf"} : (f32, f32) -> f32
      linalg.yield %6 : f32
    } -> tensor<4xf32>
    return %5 : tensor<4xf32>
  }
}
