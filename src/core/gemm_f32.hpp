#pragma once
// Single-precision matrix product for the MLP's layers, C = W A, all column-major:
// W is M x K (leading dimension M), A is K x N (leading dimension K), C is M x N (leading
// dimension M); M must be a multiple of 16 and N a multiple of 8.
//
// Register tiles of 32 x 8 (16 x 8 for a last 16 rows) held in 16 sixteen-lane accumulators;
// every C entry is one sequential FMA chain over k, so its value does not depend on M, N or its
// position (block size and thread count cannot change results). ~1.5x Eigen's GEMM on the MLP's
// 128 x 128 layers (BENCHMARKS.md). Checked against a double reference in tests/nn/test_network.cpp.
namespace td {

void gemm_f32(const float* W, const float* A, float* C, long M, long K, long N);

}  // namespace td
