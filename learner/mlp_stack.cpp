#include "learner/mlp_stack.h"

#include <cblas.h>

#include <cmath>
#include <mutex>
#include <stdexcept>

#include "groups/d4.h"

namespace carl::learner {
namespace {

constexpr double kSqrtHalf = 0.70710678118654752440;    // 1/√2
constexpr double kInvSqrt2Pi = 0.39894228040143267794;  // 1/√(2π), the normal density at 0

// One matrix product at a time in the process: Debian's single-threaded OpenBLAS
// (libopenblas0-serial) shares its work buffers between callers without a lock, and two threads
// multiplying at once get wrong products now and then (seen here: 46 of 80,000 products of 512×64
// by 64×64 in four threads). Nets of several runs are evaluated in threads of one process (MPI
// rank 0, `carl bench zoo --batch`).
std::mutex blas;

// Row-major C (m×n) = op(A) op(B) + beta·C, op(A) m×k; lda, ldb: the stored rows' lengths.
void gemm(bool ta, bool tb, long m, long n, long k, const float* a, long lda, const float* b,
          long ldb, float beta, float* c) {
  std::lock_guard<std::mutex> lock(blas);
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(m),
              int(n), int(k), 1.0f, a, int(lda), b, int(ldb), beta, c, int(n));
}
void gemm(bool ta, bool tb, long m, long n, long k, const double* a, long lda, const double* b,
          long ldb, double beta, double* c) {
  std::lock_guard<std::mutex> lock(blas);
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(m),
              int(n), int(k), 1.0, a, int(lda), b, int(ldb), beta, c, int(n));
}

template <class T>
T sigmoid(T z) {
  return T(1) / (T(1) + std::exp(-z));
}
template <class T>
T softplus(T z) {  // log(1 + e^z), without overflow
  return std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)));
}

// act[i] = activation(pre[i]), one loop per activation so that each vectorizes.
template <class T>
void activate_all(Activation a, const T* pre, T* act, std::size_t n) {
  switch (a) {
    case Activation::tanh:
      for (std::size_t i = 0; i < n; ++i) act[i] = std::tanh(pre[i]);
      return;
    case Activation::gelu:  // the exact GELU (LibTorch's default): x·Φ(x)
      for (std::size_t i = 0; i < n; ++i)
        act[i] = T(0.5) * pre[i] * (T(1) + std::erf(pre[i] * T(kSqrtHalf)));
      return;
    case Activation::relu:
      break;
  }
  for (std::size_t i = 0; i < n; ++i) act[i] = pre[i] > T(0) ? pre[i] : T(0);
}

// da[i] = dh[i] · activation'(pre[i]), act[i] being activation(pre[i]).
template <class T>
void through_activation(Activation a, const T* pre, const T* act, const T* dh, T* da,
                        std::size_t n) {
  switch (a) {
    case Activation::tanh:
      for (std::size_t i = 0; i < n; ++i) da[i] = dh[i] * (T(1) - act[i] * act[i]);
      return;
    case Activation::gelu:
      for (std::size_t i = 0; i < n; ++i) {
        const T x = pre[i], cdf = T(0.5) * (T(1) + std::erf(x * T(kSqrtHalf)));
        const T pdf = std::exp(T(-0.5) * x * x) * T(kInvSqrt2Pi);
        da[i] = dh[i] * (cdf + x * pdf);
      }
      return;
    case Activation::relu:
      break;
  }
  for (std::size_t i = 0; i < n; ++i) da[i] = pre[i] > T(0) ? dh[i] : T(0);
}

}  // namespace

std::vector<std::array<int, 9>> kernel_permutations(groups::Subgroup group) {
  // u = g⁻¹(v), read off by transforming an index map.
  Eigen::MatrixXd index(3, 3);
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) index(r, c) = 3 * r + c;
  std::vector<std::array<int, 9>> perms;
  for (const groups::Symmetry s : group.elements()) {
    const Eigen::MatrixXd moved = groups::apply(s, index);
    std::array<int, 9> row{};
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) row[std::size_t(3 * r + c)] = static_cast<int>(moved(r, c));
    perms.push_back(row);
  }
  return perms;
}

template <class T>
long MlpStack<T>::parameter_count(const NetConfig& c) {
  return learner::parameter_count(c);
}

template <class T>
std::vector<T> MlpStack<T>::logits(int k, const PatternSet<T>& data) {
  std::vector<T> z;
  if (data.size() > 0) forward(k, data, z);
  return z;
}

template <class T>
MlpStack<T>::MlpStack(const NetConfig& config, const std::vector<std::array<int, 9>>& perms,
                      std::vector<std::vector<T>> params)
    : width_(config.width),
      depth_(config.depth),
      g_(static_cast<long>(perms.size())),
      activation_(config.activation),
      perms_(perms),
      params_(std::move(params)) {
  const long p = parameter_count(config);
  for (const auto& f : params_)
    if (static_cast<long>(f.size()) != p)
      throw std::logic_error("MlpStack: a member's parameters do not fit its configuration");
  m_.assign(params_.size(), std::vector<T>(std::size_t(p), T(0)));
  v_ = m_;
  pre_.resize(std::size_t(depth_ + 1));
  act_.resize(std::size_t(depth_ + 1));
}

template <class T>
void MlpStack<T>::forward(int k, const PatternSet<T>& data, std::vector<T>& z) {
  const std::vector<T>& f = params_[std::size_t(k)];
  const long n = data.size(), c = width_, g = g_, rows = n * g;
  // Lifting: kernel c seen through element j is channel j·C + c (as CellNet does it).
  lifted_w_.resize(std::size_t(g * c * 9));
  lifted_b_.resize(std::size_t(g * c));
  for (long j = 0; j < g; ++j)
    for (long ch = 0; ch < c; ++ch) {
      for (int v = 0; v < 9; ++v)
        lifted_w_[std::size_t((j * c + ch) * 9 + v)] =
            f[std::size_t(ch * 9 + perms_[std::size_t(j)][std::size_t(v)])];
      lifted_b_[std::size_t(j * c + ch)] = f[std::size_t(c * 9 + ch)];
    }
  // First layer: [N × gC], read as [N·g × C] (row n·g + j) by the 1×1 stack.
  auto layer = [&](std::size_t l, const T* in, long in_rows, long in_cols, const T* w, const T* b,
                   long out_cols) {
    std::vector<T>& pre = pre_[l];
    std::vector<T>& act = act_[l];
    pre.resize(std::size_t(in_rows * out_cols));
    act.resize(pre.size());
    gemm(false, true, in_rows, out_cols, in_cols, in, in_cols, w, in_cols, T(0), pre.data());
    for (long r = 0; r < in_rows; ++r) {
      T* row = pre.data() + r * out_cols;
      for (long o = 0; o < out_cols; ++o) row[o] += b[o];
    }
    activate_all(activation_, pre.data(), act.data(), pre.size());
  };
  layer(0, data.x.data(), n, 9, lifted_w_.data(), lifted_b_.data(), g * c);
  long offset = c * 9 + c;
  for (long l = 1; l <= depth_; ++l, offset += c * c + c)
    layer(std::size_t(l), act_[std::size_t(l - 1)].data(), rows, c, f.data() + offset,
          f.data() + offset + c * c, c);
  // Output: one logit per orientation, averaged over G.
  const T* wo = f.data() + offset;
  const T bo = f[std::size_t(offset + c)];
  const std::vector<T>& h = act_[std::size_t(depth_)];
  z.assign(std::size_t(n), T(0));
  for (long r = 0; r < rows; ++r) {
    T zr = bo;
    for (long ch = 0; ch < c; ++ch) zr += h[std::size_t(r * c + ch)] * wo[ch];
    z[std::size_t(r / g)] += zr;
  }
  for (T& zi : z) zi /= T(g);
}

template <class T>
T MlpStack<T>::loss_and_gradient(int k, const PatternSet<T>& data, Objective objective,
                                 std::vector<T>& grad) {
  const std::vector<T>& f = params_[std::size_t(k)];
  const long n = data.size(), c = width_, g = g_, rows = n * g;
  std::vector<T>& z = z_;
  forward(k, data, z);
  // The loss and its derivative by each pattern's logit.
  std::vector<T>& dz = dz_;
  dz.resize(std::size_t(n));
  T loss = 0;
  if (objective == Objective::counts) {
    T total = 0;
    for (long i = 0; i < n; ++i) total += data.n0[std::size_t(i)] + data.n1[std::size_t(i)];
    for (long i = 0; i < n; ++i) {
      const T zi = z[std::size_t(i)], n0 = data.n0[std::size_t(i)], n1 = data.n1[std::size_t(i)];
      loss += n1 * softplus(-zi) + n0 * softplus(zi);
      dz[std::size_t(i)] = ((n0 + n1) * sigmoid(zi) - n1) / total;
    }
    loss /= total;
  } else {
    for (long i = 0; i < n; ++i) {
      const T zi = z[std::size_t(i)], y = data.y[std::size_t(i)];
      loss += softplus(zi) - y * zi;
      dz[std::size_t(i)] = (sigmoid(zi) - y) / T(n);
    }
    loss /= T(n);
  }
  grad.assign(f.size(), T(0));
  // Output layer; dh: the derivative by the last activations, [N·g × C].
  const long out = c * 9 + c + depth_ * (c * c + c);
  const std::vector<T>& h = act_[std::size_t(depth_)];
  std::vector<T>&dh = dh_, &da = da_;
  dh.resize(std::size_t(rows * c));
  da.resize(dh.size());
  T* gw_out = grad.data() + out;
  const T* w_out = f.data() + out;
  for (long r = 0; r < rows; ++r) {
    const T d = dz[std::size_t(r / g)] / T(g);
    gw_out[c] += d;
    const T* hr = h.data() + r * c;
    T* dhr = dh.data() + r * c;
    for (long ch = 0; ch < c; ++ch) {
      gw_out[ch] += d * hr[ch];
      dhr[ch] = d * w_out[ch];
    }
  }
  // Hidden layers, last to first.
  auto back_through = [&](std::size_t l) {
    through_activation(activation_, pre_[l].data(), act_[l].data(), dh.data(), da.data(),
                       da.size());
  };
  for (long l = depth_; l >= 1; --l) {
    const long w = c * 9 + c + (l - 1) * (c * c + c);
    back_through(std::size_t(l));
    // dW (C×C) = daᵀ · previous activations; db = the column sums of da; dh = da · W.
    gemm(true, false, c, c, rows, da.data(), c, act_[std::size_t(l - 1)].data(), c, T(0),
         grad.data() + w);
    for (long r = 0; r < rows; ++r)
      for (long ch = 0; ch < c; ++ch)
        grad[std::size_t(w + c * c + ch)] += da[std::size_t(r * c + ch)];
    gemm(false, false, rows, c, c, da.data(), c, f.data() + w, c, T(0), dh.data());
  }
  // First layer, as [N × gC]: the lifted kernels' gradient, folded back onto the kernels.
  back_through(0);
  std::vector<T>& lifted = lifted_grad_;
  lifted.resize(std::size_t(g * c * 9));
  gemm(true, false, g * c, 9, n, da.data(), g * c, data.x.data(), 9, T(0), lifted.data());
  for (long j = 0; j < g; ++j)
    for (long ch = 0; ch < c; ++ch)
      for (int v = 0; v < 9; ++v)
        grad[std::size_t(ch * 9 + perms_[std::size_t(j)][std::size_t(v)])] +=
            lifted[std::size_t((j * c + ch) * 9 + v)];
  T* gb = grad.data() + c * 9;
  for (long r = 0; r < rows; ++r) {  // row n·g + j of [N·g × C] is pattern n, element j
    const T* dar = da.data() + r * c;
    for (long ch = 0; ch < c; ++ch) gb[ch] += dar[ch];
  }
  return loss;
}

template <class T>
T MlpStack<T>::train_step(int k, const PatternSet<T>& data, const TrainConfig& config, int step) {
  const T loss = loss_and_gradient(k, data, config.objective, grad_);
  std::vector<T>& f = params_[std::size_t(k)];
  std::vector<T>& m = m_[std::size_t(k)];
  std::vector<T>& v = v_[std::size_t(k)];
  const T wd = T(config.weight_decay), lr = T(config.learning_rate);
  if (config.optimizer == Optimizer::adam) {
    const double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    const T b1 = T(beta1), b2 = T(beta2);
    const T bc1 = T(1 - std::pow(beta1, step)), sqrt_bc2 = T(std::sqrt(1 - std::pow(beta2, step)));
    for (std::size_t i = 0; i < f.size(); ++i) {
      const T gi = grad_[i] + wd * f[i];
      m[i] = b1 * m[i] + (T(1) - b1) * gi;
      v[i] = b2 * v[i] + (T(1) - b2) * gi * gi;
      f[i] -= lr / bc1 * m[i] / (std::sqrt(v[i]) / sqrt_bc2 + T(eps));
    }
  } else {
    for (std::size_t i = 0; i < f.size(); ++i) {
      const T gi = grad_[i] + wd * f[i];
      m[i] = step == 1 ? gi : T(0.9) * m[i] + gi;
      f[i] -= lr * m[i];
    }
  }
  return loss;
}

template <class T>
int MlpStack<T>::misfitted(int k, const PatternSet<T>& data, double fit_confidence) {
  if (data.size() == 0) return 0;
  std::vector<T>& z = z_;
  forward(k, data, z);
  const T tolerance = T(1.0 - fit_confidence);
  int misfit = 0;
  for (long i = 0; i < data.size(); ++i)
    misfit += std::abs(sigmoid(z[std::size_t(i)]) - data.y[std::size_t(i)]) > tolerance;
  return misfit;
}

template class MlpStack<float>;
template class MlpStack<double>;

}  // namespace carl::learner
