// The CUDA simulator's kernel: one thread per 64-cell word, running ca/cuda/bitslice.h's
// step_word (the per-word code the CPU tests check against ca::simulate).
#include <cuda_runtime.h>

#include "ca/cuda/bitslice.h"
#include "ca/cuda/kernels.h"

namespace carl::ca::cuda::detail {
namespace {

std::string message(cudaError_t e) {
  return e == cudaSuccess ? std::string() : std::string(cudaGetErrorString(e));
}

__global__ void step_kernel(const std::uint64_t* __restrict__ in, std::uint64_t* __restrict__ out,
                            long total, int height, int width, int words,
                            const std::uint8_t* __restrict__ nodes, bool per_grid_rule) {
  const long t = static_cast<long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= total) return;
  const long per_grid = static_cast<long>(height) * words;
  const long b = t / per_grid;
  const long rest = t - b * per_grid;
  const int r = static_cast<int>(rest / words), i = static_cast<int>(rest % words);
  const std::uint8_t* lo = nodes + (per_grid_rule ? b * 128 : 0);
  out[t] = bitslice::step_word(in + b * per_grid, height, width, words, r, i, lo, lo + 64);
}

}  // namespace

std::string device_query(bool& present, std::string& name) {
  int count = 0;
  present = false;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) return message(e);
  if (count == 0) return "no CUDA device";
  cudaDeviceProp prop;
  const cudaError_t p = cudaGetDeviceProperties(&prop, 0);
  if (p != cudaSuccess) return message(p);
  present = true;
  name = prop.name;
  return "";
}

std::string device_alloc(void** p, std::size_t bytes) {
  return message(cudaMalloc(p, bytes));
}

void device_free(void* p) {
  if (p) cudaFree(p);
}

std::string copy_to_device(void* dst, const void* src, std::size_t bytes) {
  return message(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice));
}

std::string copy_to_host(void* dst, const void* src, std::size_t bytes) {
  return message(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost));
}

std::string step(const std::uint64_t* in, std::uint64_t* out, int grids, int height, int width,
                 int words, const std::uint8_t* nodes, bool per_grid_rule, bool sync) {
  const long total = static_cast<long>(grids) * height * words;
  if (total == 0) return "";
  const int threads = 256;
  const long blocks = (total + threads - 1) / threads;
  step_kernel<<<static_cast<unsigned>(blocks), threads>>>(in, out, total, height, width, words,
                                                          nodes, per_grid_rule);
  const cudaError_t launch = cudaGetLastError();
  if (launch != cudaSuccess) return message(launch);
  return sync ? message(cudaDeviceSynchronize()) : std::string();
}

}  // namespace carl::ca::cuda::detail
