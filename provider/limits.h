#pragma once
// What carl refuses before allocating: sizes parsed with overflow checks, and a memory limit
// that every request is checked against up front (the provider's world and frames, the
// client's payload, frames and stored copy), with a one-line error instead of std::bad_alloc.
//
// The limit is CARL_MEMORY_LIMIT from the environment (bytes, or a number with a K, M, G or T
// suffix: binary units), 4G when unset. A provider started by carl inherits it.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "provider/protocol.h"

namespace carl::provider {

inline constexpr std::uint64_t kDefaultMemoryLimit = 4ULL << 30;

// "123", "64K", "512M", "4G", "1T" → bytes; nullopt for anything else or on overflow.
std::optional<std::uint64_t> parse_byte_size(std::string_view text);
// A decimal integer of type T with nothing else around it: digits, a '-' first only for a signed
// T; nullopt otherwise, and for a value T cannot hold (no wrap-around: "-1" is no uint64_t).
// carl's one reader of whole numbers (sizes, the protocol's fields, carl-provider's options,
// `carl simulate --seed`); options that CLI11 reads with a range check take its reading.
template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const char* end = text.data() + text.size();
  const auto [at, err] = std::from_chars(text.data(), end, value);
  if (text.empty() || err != std::errc() || at != end) return std::nullopt;
  return value;
}

// parse_number<long long> in [lo, hi], a leading '+' also taken (carl reads a provider's lines a
// little more loosely than it writes them): "4294967301" is out of range, not 5.
std::optional<long long> parse_integer(std::string_view text, long long lo, long long hi);

// "HxW" (e.g. "64x64"): two integers in [1, max_side] around one 'x', nothing else; nullopt
// otherwise ("5x5x5", "4294967301x5" and "99999999999x5" included).
std::optional<std::pair<int, int>> parse_dimensions(std::string_view text, int max_side);

// The limit in force: CARL_MEMORY_LIMIT, or the default. InputError for a malformed value.
std::uint64_t memory_limit();

// a·b·c…, saturating at UINT64_MAX instead of wrapping.
std::uint64_t saturating_product(std::initializer_list<std::uint64_t> factors);

// Estimated peak bytes for one trajectory of `shape`: on carl's side (payload, unpacked frames,
// the RLE text stored), and on the built-in provider's (the whole world's frames, the window
// shown, the payload).
std::uint64_t client_bytes(const Shape& shape);
std::uint64_t provider_bytes(const Shape& shape, int world_scale);

// The most cells one trajectory read from RLE text (a stored trajectory, a recording, an RLE
// provider's output) may hold: a third of the limit, at a byte a cell, so that no shape
// client_bytes lets through (it counts over 3 bytes a cell) is refused.
std::uint64_t rle_trajectory_cells();

// InputError "<what> needs about N MiB, over the memory limit of M MiB (CARL_MEMORY_LIMIT)"
// when `bytes` exceeds the limit.
void require_fits(std::uint64_t bytes, const std::string& what);
std::string describe_bytes(std::uint64_t bytes);

}  // namespace carl::provider
