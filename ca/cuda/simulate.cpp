#include "ca/cuda/simulate.h"

#include <stdexcept>
#include <utility>

#include "ca/cuda/bitslice.h"
#include "ca/cuda/kernels.h"
#include "ca/cuda/packed.h"
#include "ca/error.h"

namespace carl::ca::cuda {
namespace {

void check(const std::string& error, const char* what) {
  if (!error.empty()) throw std::runtime_error(fmt::format("CUDA simulator: {}: {}", what, error));
}

}  // namespace

bool available(std::string* why) {
  bool present = false;
  std::string name;
  const std::string error = detail::device_query(present, name);
  if (why) *why = present ? name : error;
  return present;
}

struct Batch::Impl {
  int grids = 0, height = 0, width = 0, words = 0;
  bool per_grid_rule = false;
  std::uint64_t* cur = nullptr;
  std::uint64_t* next = nullptr;
  std::uint8_t* nodes = nullptr;

  std::size_t bytes() const {
    return static_cast<std::size_t>(grids) * static_cast<std::size_t>(height) *
           static_cast<std::size_t>(words) * sizeof(std::uint64_t);
  }
  ~Impl() {
    detail::device_free(cur);
    detail::device_free(next);
    detail::device_free(nodes);
  }
};

Batch::Batch(const std::vector<RuleTable>& rules, const std::vector<Grid>& grids)
    : impl_(std::make_unique<Impl>()) {
  if (rules.size() != 1 && rules.size() != grids.size())
    throw InputError(fmt::format("CUDA simulator: {} rules for {} grids (one, or one per grid)",
                                 rules.size(), grids.size()));
  std::vector<std::uint8_t> nodes(128 * rules.size());
  for (std::size_t k = 0; k < rules.size(); ++k) {
    if (!rules[k].complete())
      throw InputError(fmt::format("cannot simulate a partial rule table ({} of 512 entries known)",
                                   rules[k].known_count()));
    bitslice::rule_nodes([&](int p) { return rules[k].output(Pattern(p)); }, &nodes[128 * k],
                         &nodes[128 * k + 64]);
  }
  Impl& b = *impl_;
  b.grids = static_cast<int>(grids.size());
  b.height = grids.empty() ? 0 : grids.front().height();
  b.width = grids.empty() ? 0 : grids.front().width();
  b.words = bitslice::row_words(b.width);
  b.per_grid_rule = rules.size() > 1;
  std::vector<std::uint64_t> bits;
  bits.reserve(b.bytes() / sizeof(std::uint64_t));
  for (const Grid& g : grids) {
    if (g.height() != b.height || g.width() != b.width)
      throw InputError(fmt::format("CUDA simulator: grids of {}x{} and {}x{} in one batch",
                                   b.height, b.width, g.height(), g.width()));
    bitslice::pack_grid(g, bits);
  }
  if (b.bytes() == 0) return;
  check(detail::device_alloc(reinterpret_cast<void**>(&b.cur), b.bytes()), "allocating grids");
  check(detail::device_alloc(reinterpret_cast<void**>(&b.next), b.bytes()), "allocating grids");
  check(detail::device_alloc(reinterpret_cast<void**>(&b.nodes), nodes.size()), "allocating rules");
  check(detail::copy_to_device(b.cur, bits.data(), b.bytes()), "copying grids");
  check(detail::copy_to_device(b.nodes, nodes.data(), nodes.size()), "copying rules");
}

Batch::~Batch() = default;
Batch::Batch(Batch&&) noexcept = default;
Batch& Batch::operator=(Batch&&) noexcept = default;

void Batch::advance(int steps) {
  Impl& b = *impl_;
  if (b.bytes() == 0) return;
  for (int t = 0; t < steps; ++t) {
    check(detail::step(b.cur, b.next, b.grids, b.height, b.width, b.words, b.nodes, b.per_grid_rule,
                       t + 1 == steps),
          "step");
    std::swap(b.cur, b.next);
  }
}

std::vector<Grid> Batch::grids() const {
  const Impl& b = *impl_;
  std::vector<Grid> out;
  if (b.bytes() == 0) {
    for (int k = 0; k < b.grids; ++k) out.emplace_back(b.height, b.width);
    return out;
  }
  std::vector<std::uint64_t> bits(b.bytes() / sizeof(std::uint64_t));
  check(detail::copy_to_host(bits.data(), b.cur, b.bytes()), "copying grids back");
  const std::size_t per_grid = static_cast<std::size_t>(b.height) * b.words;
  for (int k = 0; k < b.grids; ++k)
    out.push_back(bitslice::unpack_grid(bits.data() + per_grid * k, b.height, b.width));
  return out;
}

int Batch::size() const {
  return impl_->grids;
}

long Batch::cells() const {
  return static_cast<long>(impl_->grids) * impl_->height * impl_->width;
}

std::vector<Grid> evolve(const std::vector<RuleTable>& rules, const std::vector<Grid>& grids,
                         int steps) {
  Batch batch(rules, grids);
  batch.advance(steps);
  return batch.grids();
}

std::vector<Trajectory> simulate(const std::vector<RuleTable>& rules, const std::vector<Grid>& x0,
                                 int steps) {
  Batch batch(rules, x0);
  std::vector<Trajectory> out(x0.size());
  for (std::size_t k = 0; k < x0.size(); ++k) out[k].frames.push_back(x0[k]);
  for (int t = 0; t < steps; ++t) {
    batch.advance(1);
    std::vector<Grid> now = batch.grids();
    for (std::size_t k = 0; k < x0.size(); ++k) out[k].frames.push_back(std::move(now[k]));
  }
  return out;
}

Grid step(const RuleTable& rule, const Grid& grid) {
  return evolve(rule, grid, 1);
}

Grid evolve(const RuleTable& rule, const Grid& grid, int steps) {
  return evolve(std::vector<RuleTable>{rule}, std::vector<Grid>{grid}, steps).front();
}

Trajectory simulate(const RuleTable& rule, const Grid& x0, int steps) {
  return simulate(std::vector<RuleTable>{rule}, std::vector<Grid>{x0}, steps).front();
}

}  // namespace carl::ca::cuda
