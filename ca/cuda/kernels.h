#pragma once
// The device side of the CUDA simulator (kernels.cu, compiled by nvcc) behind plain C++ types, so
// that simulate.cpp (g++) does the packing, checking and error messages.
#include <cstdint>
#include <string>

namespace carl::ca::cuda::detail {

// Each returns "" on success, else CUDA's message.
std::string device_query(bool& present, std::string& name);
std::string device_alloc(void** p, std::size_t bytes);
void device_free(void* p);
std::string copy_to_device(void* dst, const void* src, std::size_t bytes);
std::string copy_to_host(void* dst, const void* src, std::size_t bytes);

// One generation of `grids` grids of height × width cells packed `words` words per row, from
// `in` to `out`; `nodes` holds 128 bytes (lo, hi) per rule, rule b for grid b when
// per_grid_rule, else rule 0 for all. Waits for the device when `sync`.
std::string step(const std::uint64_t* in, std::uint64_t* out, int grids, int height, int width,
                 int words, const std::uint8_t* nodes, bool per_grid_rule, bool sync);

}  // namespace carl::ca::cuda::detail
