#pragma once
// Functions that are compiled for the CPU and, by nvcc, for the GPU too: the math of one draw, one
// mixture evaluation, one trajectory step is written once (DESIGN: platforms differ only in how they
// launch it), so every CPU test of it tests the GPU's arithmetic as well. These headers use no Eigen,
// no lanes and no standard library beyond <cmath> and <cstdint>.
#if defined(__CUDACC__)
#define TD_HD __host__ __device__ inline
#define TD_OMP_DECLARE_SIMD
#else
#define TD_HD inline
#define TD_OMP_DECLARE_SIMD _Pragma("omp declare simd")
#endif
