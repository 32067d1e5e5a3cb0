#include "ca/simulate.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "ca/cuda/bitslice.h"
#include "ca/error.h"
#include "ca/simulate_kernel.h"

namespace carl::ca {
namespace {

using StepFn = void (*)(const kernel::StepArgs&);

struct KernelChoice {
  StepFn fn;
  const char* name;
};

// Fastest first.
std::vector<KernelChoice> usable_kernels() {
  std::vector<KernelChoice> k;
#if defined(CARL_X86_KERNELS)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw"))
    k.push_back({kernel::step_avx512, "avx512"});
  if (__builtin_cpu_supports("avx2")) k.push_back({kernel::step_avx2, "avx2"});
#endif
  k.push_back({kernel::step_generic, "generic"});
  return k;
}

// A torus grid packed 64 cells per word; rows padded to a multiple of 8 words (one AVX-512
// vector) with zero bits past the width.
struct PackedGrid {
  int height = 0, width = 0, words = 0, stride = 0;
  std::vector<std::uint64_t> bits;

  PackedGrid(int h, int w) : height(h), width(w) {
    words = (w + 63) / 64;
    stride = (words + 7) / 8 * 8;
    bits.assign(static_cast<std::size_t>(h) * stride, 0);
  }
  std::uint64_t* row(int r) { return bits.data() + static_cast<std::size_t>(r) * stride; }
  const std::uint64_t* row(int r) const {
    return bits.data() + static_cast<std::size_t>(r) * stride;
  }
  std::uint64_t tail_mask() const { return bitslice::tail_mask(width); }
};

PackedGrid pack(const Grid& g) {
  PackedGrid p(g.height(), g.width());
  for (int r = 0; r < g.height(); ++r) {
    std::uint64_t* row = p.row(r);
    for (int c = 0; c < g.width(); ++c)
      if (g.at(r, c)) row[c >> 6] |= 1ULL << (c & 63);
  }
  return p;
}

Grid unpack(const PackedGrid& p) {
  Grid g(p.height, p.width);
  for (int r = 0; r < p.height; ++r) {
    const std::uint64_t* row = p.row(r);
    for (int c = 0; c < p.width; ++c) g.set(r, c, (row[c >> 6] >> (c & 63)) & 1);
  }
  return g;
}

// west: bit c = cell c-1; east: bit c = cell c+1; both wrapping within the width.
void shift_rows(const PackedGrid& g, PackedGrid& west, PackedGrid& east) {
  const int n = g.words;
  for (int r = 0; r < g.height; ++r) {
    const std::uint64_t* x = g.row(r);
    std::uint64_t* w = west.row(r);
    std::uint64_t* e = east.row(r);
    for (int i = 0; i < n; ++i) {
      w[i] = bitslice::west_word(x, i, n, g.width);
      e[i] = bitslice::east_word(x, i, n, g.width);
    }
  }
}

}  // namespace

Stepper::Stepper(const RuleTable& rule, const std::string& kernel) {
  const std::vector<KernelChoice> usable = usable_kernels();
  for (const KernelChoice& k : usable)
    if (kernel == "auto" || kernel == k.name) {
      step_fn_ = k.fn;
      kernel_name_ = k.name;
      break;
    }
  if (!step_fn_)
    throw InputError(
        fmt::format("simulation kernel '{}' is not available on this processor", kernel));
  if (!rule.complete())
    throw InputError(fmt::format("cannot simulate a partial rule table ({} of 512 entries known)",
                                 rule.known_count()));
  bitslice::rule_nodes([&](int p) { return rule.output(Pattern(p)); }, lo_, hi_);
}

std::vector<std::string> Stepper::available_kernels() {
  std::vector<std::string> names;
  for (const KernelChoice& k : usable_kernels()) names.push_back(k.name);
  return names;
}

Grid Stepper::step(const Grid& grid) const {
  return evolve(grid, 1);
}

// Steps a packed copy of `grid` `steps` times, handing each packed generation to `each`.
template <class Each>
void Stepper::run(const Grid& grid, int steps, Each&& each) const {
  PackedGrid cur = pack(grid), next(grid.height(), grid.width());
  PackedGrid west(grid.height(), grid.width()), east(grid.height(), grid.width());
  const std::uint64_t tail = cur.tail_mask();
  for (int t = 0; t < steps; ++t) {
    shift_rows(cur, west, east);
    step_fn_({cur.bits.data(), west.bits.data(), east.bits.data(), next.bits.data(), cur.height,
              cur.stride, lo_, hi_});
    // The kernel fills padding bits too; clear them so the next shift sees a clean row.
    for (int r = 0; r < next.height; ++r) {
      std::uint64_t* row = next.row(r);
      row[next.words - 1] &= tail;
      for (int i = next.words; i < next.stride; ++i) row[i] = 0;
    }
    std::swap(cur, next);
    each(cur, t + 1 == steps);
  }
}

Grid Stepper::evolve(const Grid& grid, int steps) const {
  if (steps <= 0 || grid.size() == 0) return grid;
  Grid last;
  run(grid, steps, [&](const PackedGrid& g, bool final) {
    if (final) last = unpack(g);
  });
  return last;
}

Trajectory Stepper::trajectory(const Grid& x0, int steps) const {
  Trajectory t;
  t.frames.reserve(static_cast<std::size_t>(std::max(steps, 0)) + 1);
  t.frames.push_back(x0);
  if (x0.size() == 0) {
    for (int i = 0; i < steps; ++i) t.frames.push_back(x0);
    return t;
  }
  run(x0, steps, [&](const PackedGrid& g, bool) { t.frames.push_back(unpack(g)); });
  return t;
}

Grid step(const RuleTable& rule, const Grid& grid) {
  return Stepper(rule).step(grid);
}

Trajectory simulate(const RuleTable& rule, const Grid& x0, int steps) {
  return Stepper(rule).trajectory(x0, steps);
}

Grid step_reference(const RuleTable& rule, const Grid& grid, std::uint8_t unknown_value) {
  Grid out(grid.height(), grid.width());
  for (int r = 0; r < grid.height(); ++r)
    for (int c = 0; c < grid.width(); ++c) {
      const Pattern p = pattern_at(grid, r, c);
      out.set(r, c, rule.known(p) ? rule.output(p) : unknown_value);
    }
  return out;
}

Grid step_window(const RuleTable& rule, const Grid& window) {
  if (window.height() < 3 || window.width() < 3)
    throw InputError(fmt::format("a window step needs at least 3x3 cells, got {}x{}",
                                 window.height(), window.width()));
  Grid out(window.height() - 2, window.width() - 2);
  for (int r = 1; r + 1 < window.height(); ++r)
    for (int c = 1; c + 1 < window.width(); ++c)
      out.set(r - 1, c - 1, rule.output(pattern_at(window, r, c)));
  return out;
}

}  // namespace carl::ca
