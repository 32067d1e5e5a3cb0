#include "learner/committee.h"

#include "ca/error.h"

namespace carl::learner {

std::uint64_t member_seed(std::uint64_t seed, int k) {
  return seed * 1000003ULL + static_cast<std::uint64_t>(k) * 7919ULL + 1;
}

Committee::Committee(const NetConfig& config, groups::Subgroup group, int size, std::uint64_t seed,
                     const std::string& device) {
  if (size < 1 || size > 64)
    throw InputError(fmt::format("committee size {} is outside [1, 64]", size));
  for (int k = 0; k < size; ++k) members_.emplace_back(config, group, member_seed(seed, k), device);
}

std::vector<TrainReport> Committee::train(const ca::PatternCounts& counts,
                                          const TrainConfig& config) {
  std::vector<TrainReport> reports;
  for (std::size_t k = 0; k < members_.size(); ++k) {
    Net& net = members_[k];
    TrainReport r = net.train(counts, config);
    // A member stuck in a bad start (dead units, loss not falling) would veto every entry it is
    // unsure of; it is restarted from a fresh, still seeded, initialisation, at most twice.
    for (int retry = 1; retry <= 2 && !r.converged; ++retry) {
      Net fresh(net.config(), net.group(), member_seed(net.seed(), 1000 + retry));
      TrainReport again = fresh.train(counts, config);
      again.steps += r.steps;
      again.seconds += r.seconds;
      if (again.misfitted < r.misfitted) {
        net = std::move(fresh);
        r = again;
      } else {
        r.steps = again.steps;
        r.seconds = again.seconds;
      }
    }
    reports.push_back(r);
  }
  return reports;
}

void Committee::transfer_to(groups::Subgroup group) {
  for (Net& net : members_) net = net.transferred(group);
}

groups::Subgroup Committee::group() const {
  return members_.front().group();
}

std::vector<std::array<double, ca::kPatternCount>> Committee::predictions() const {
  std::vector<std::array<double, ca::kPatternCount>> out;
  for (const Net& net : members_) out.push_back(net.predict_patterns());
  return out;
}

}  // namespace carl::learner
