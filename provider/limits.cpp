#include "provider/limits.h"

#include <cstdlib>
#include <limits>

#include "ca/error.h"

namespace carl::provider {

std::optional<long long> parse_integer(std::string_view t, long long lo, long long hi) {
  if (t.size() > 1 && t[0] == '+' && t[1] != '-') t.remove_prefix(1);
  const auto x = parse_number<long long>(t);
  if (!x || *x < lo || *x > hi) return std::nullopt;
  return x;
}

std::optional<std::pair<int, int>> parse_dimensions(std::string_view t, int max_side) {
  const std::size_t x = t.find('x');
  if (x == std::string_view::npos) return std::nullopt;
  const auto h = parse_integer(t.substr(0, x), 1, max_side);
  const auto w = parse_integer(t.substr(x + 1), 1, max_side);
  if (!h || !w || t[0] == '+' || t[x + 1] == '+') return std::nullopt;
  return std::pair<int, int>{static_cast<int>(*h), static_cast<int>(*w)};
}

std::optional<std::uint64_t> parse_byte_size(std::string_view t) {
  int shift = 0;
  if (!t.empty()) {
    switch (t.back()) {
      case 'K':
      case 'k':
        shift = 10;
        break;
      case 'M':
      case 'm':
        shift = 20;
        break;
      case 'G':
      case 'g':
        shift = 30;
        break;
      case 'T':
      case 't':
        shift = 40;
        break;
      default:
        break;
    }
    if (shift) t.remove_suffix(1);
  }
  if (t.empty() || t[0] == '-' || t[0] == '+') return std::nullopt;
  const auto v = parse_integer(t, 0, std::numeric_limits<long long>::max());
  if (!v) return std::nullopt;
  const auto u = static_cast<std::uint64_t>(*v);
  if (shift && u > (std::numeric_limits<std::uint64_t>::max() >> shift)) return std::nullopt;
  return u << shift;
}

std::uint64_t memory_limit() {
  const char* env = std::getenv("CARL_MEMORY_LIMIT");
  if (!env || !*env) return kDefaultMemoryLimit;
  const auto v = parse_byte_size(env);
  if (!v || *v == 0)
    throw InputError(
        fmt::format("CARL_MEMORY_LIMIT: '{}' is not a size (bytes, or a number with K, M, G or T)",
                    printable(env, 40)));
  return *v;
}

std::uint64_t saturating_product(std::initializer_list<std::uint64_t> factors) {
  std::uint64_t p = 1;
  for (std::uint64_t f : factors)
    if (__builtin_mul_overflow(p, f, &p)) return std::numeric_limits<std::uint64_t>::max();
  return p;
}

namespace {
std::uint64_t saturating_sum(std::initializer_list<std::uint64_t> terms) {
  std::uint64_t s = 0;
  for (std::uint64_t t : terms)
    if (__builtin_add_overflow(s, t, &s)) return std::numeric_limits<std::uint64_t>::max();
  return s;
}
std::uint64_t u(int v) {
  return v < 0 ? 0 : static_cast<std::uint64_t>(v);
}
}  // namespace

std::uint64_t client_bytes(const Shape& s) {
  const std::uint64_t frames = u(s.steps) + 1;
  const std::uint64_t cells = saturating_product({u(s.height), u(s.width), frames});
  const std::uint64_t payload = saturating_product({(u(s.height) * u(s.width) + 7) / 8, frames});
  // payload + one byte per cell unpacked + up to two bytes per cell of RLE text stored
  return saturating_sum({payload, cells, saturating_product({cells, 2})});
}

std::uint64_t provider_bytes(const Shape& s, int world_scale) {
  const std::uint64_t frames = u(s.steps) + 1;
  const std::uint64_t k = s.mode == ca::Boundary::window ? u(world_scale) : 1;
  const std::uint64_t world = saturating_product({u(s.height), k, u(s.width), k, frames});
  const std::uint64_t shown = saturating_product({u(s.height), u(s.width), frames});
  const std::uint64_t payload = saturating_product({(u(s.height) * u(s.width) + 7) / 8, frames});
  return saturating_sum({world, s.mode == ca::Boundary::window ? shown : 0, payload});
}

std::uint64_t rle_trajectory_cells() {
  return memory_limit() / 3;
}

std::string describe_bytes(std::uint64_t b) {
  if (b == std::numeric_limits<std::uint64_t>::max()) return "more than 16 EiB";
  if (b >= (1ULL << 30)) return fmt::format("{:.1f} GiB", double(b) / double(1ULL << 30));
  if (b >= (1ULL << 20)) return fmt::format("{:.1f} MiB", double(b) / double(1ULL << 20));
  if (b >= (1ULL << 10)) return fmt::format("{:.1f} KiB", double(b) / double(1ULL << 10));
  return fmt::format("{} byte{}", b, b == 1 ? "" : "s");
}

void require_fits(std::uint64_t bytes, const std::string& what) {
  const std::uint64_t limit = memory_limit();
  if (bytes > limit)
    throw InputError(
        fmt::format("{} needs about {}, over the memory limit of {} (set "
                    "CARL_MEMORY_LIMIT to change it)",
                    what, describe_bytes(bytes), describe_bytes(limit)));
}

}  // namespace carl::provider
