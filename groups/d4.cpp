#include "groups/d4.h"

#include "ca/error.h"

namespace carl::groups {
namespace {

struct Matrix {
  int a, b, c, d;  // (i, j) → (a·i + b·j, c·i + d·j)
};

constexpr Matrix kMatrix[kD4Order] = {
    {1, 0, 0, 1},    // identity
    {0, 1, -1, 0},   // rot90: (i, j) → (j, -i); top (-1, 0) → right (0, 1)
    {-1, 0, 0, -1},  // rot180
    {0, -1, 1, 0},   // rot270: (i, j) → (-j, i)
    {1, 0, 0, -1},   // mirror_v: (i, j) → (i, -j)
    {-1, 0, 0, 1},   // mirror_h: (i, j) → (-i, j)
    {0, 1, 1, 0},    // mirror_d: (i, j) → (j, i)
    {0, -1, -1, 0},  // mirror_a: (i, j) → (-j, -i)
};

const Matrix& matrix(Symmetry g) {
  return kMatrix[static_cast<int>(g)];
}

Symmetry from_matrix(const Matrix& m) {
  for (Symmetry g : kD4) {
    const Matrix& k = matrix(g);
    if (k.a == m.a && k.b == m.b && k.c == m.c && k.d == m.d) return g;
  }
  throw InternalError("matrix is not in D4");
}

std::array<std::array<ca::Pattern, ca::kPatternCount>, kD4Order> build_permutations() {
  std::array<std::array<ca::Pattern, ca::kPatternCount>, kD4Order> perms{};
  for (Symmetry g : kD4)
    for (int p = 0; p < ca::kPatternCount; ++p) {
      ca::Pattern q = 0;
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
          if (ca::pattern_cell(ca::Pattern(p), r, c)) {
            const Offset to = apply(g, Offset{r - 1, c - 1});
            q |= ca::Pattern(1u << ca::pattern_bit(to.i + 1, to.j + 1));
          }
      perms[static_cast<std::size_t>(g)][static_cast<std::size_t>(p)] = q;
    }
  return perms;
}

}  // namespace

const char* name(Symmetry g) {
  static const char* names[] = {"identity", "rot90",    "rot180",   "rot270",
                                "mirror_v", "mirror_h", "mirror_d", "mirror_a"};
  return names[static_cast<int>(g)];
}

Offset apply(Symmetry g, Offset v) {
  const Matrix& m = matrix(g);
  return {m.a * v.i + m.b * v.j, m.c * v.i + m.d * v.j};
}

Symmetry compose(Symmetry g, Symmetry h) {
  const Matrix& x = matrix(g);
  const Matrix& y = matrix(h);
  return from_matrix(
      {x.a * y.a + x.b * y.c, x.a * y.b + x.b * y.d, x.c * y.a + x.d * y.c, x.c * y.b + x.d * y.d});
}

Symmetry inverse(Symmetry g) {
  const Matrix& m = matrix(g);  // orthogonal: the inverse is the transpose
  return from_matrix({m.a, m.c, m.b, m.d});
}

bool swaps_axes(Symmetry g) {
  return matrix(g).a == 0;
}

const std::array<ca::Pattern, ca::kPatternCount>& pattern_permutation(Symmetry g) {
  static const auto perms = build_permutations();
  return perms[static_cast<std::size_t>(g)];
}

Eigen::MatrixXd apply(Symmetry g, const Eigen::MatrixXd& kernel) {
  const long k = kernel.rows();
  if (k != kernel.cols() || k % 2 == 0)
    throw InputError(
        fmt::format("a kernel must be k×k with k odd, got {}×{}", kernel.rows(), kernel.cols()));
  const int h = static_cast<int>(k / 2);
  Eigen::MatrixXd out(k, k);
  for (int r = 0; r < k; ++r)
    for (int c = 0; c < k; ++c) {
      const Offset to = apply(g, Offset{r - h, c - h});
      out(to.i + h, to.j + h) = kernel(r, c);
    }
  return out;
}

ca::Grid apply(Symmetry g, const ca::Grid& grid) {
  const int h = grid.height(), w = grid.width();
  const int oh = swaps_axes(g) ? w : h, ow = swaps_axes(g) ? h : w;
  ca::Grid out(oh, ow);
  // Doubled centred coordinates keep even sizes exact.
  for (int r = 0; r < h; ++r)
    for (int c = 0; c < w; ++c) {
      const Offset to = apply(g, Offset{2 * r - (h - 1), 2 * c - (w - 1)});
      out.set((to.i + oh - 1) / 2, (to.j + ow - 1) / 2, grid.at(r, c));
    }
  return out;
}

}  // namespace carl::groups
