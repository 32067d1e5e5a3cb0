#include "learner/committee.h"

#include "ca/error.h"

namespace carl::learner {

std::uint64_t member_seed(std::uint64_t seed, int k) {
  return seed * 1000003ULL + static_cast<std::uint64_t>(k) * 7919ULL + 1;
}

Committee::Committee(const NetConfig& config, groups::Subgroup group, int size, std::uint64_t seed,
                     Device device)
    : device_(resolve_device(device)) {
  if (size < 1 || size > 64)
    throw InputError(fmt::format("committee size {} is outside [1, 64]", size));
  for (int k = 0; k < size; ++k)
    members_.emplace_back(config, group, member_seed(seed, k), device_);
}

std::vector<TrainReport> Committee::train(const ca::PatternCounts& counts,
                                          const TrainConfig& config) {
  std::vector<Net*> all;
  for (Net& net : members_) all.push_back(&net);
  std::vector<TrainReport> reports = train_together(all, counts, config);
  // A member stuck in a bad start (dead units, loss not falling) would veto every entry it is
  // unsure of; it is restarted from a fresh, still seeded, initialisation, at most twice.
  for (int retry = 1; retry <= 2; ++retry) {
    std::vector<std::size_t> stuck;
    std::vector<Net> fresh;
    for (std::size_t k = 0; k < members_.size(); ++k)
      if (!reports[k].converged) {
        const Net& net = members_[k];
        stuck.push_back(k);
        // On the committee's device, like the member it replaces.
        fresh.emplace_back(net.config(), net.group(), member_seed(net.seed(), 1000 + retry),
                           device_);
      }
    if (stuck.empty()) break;
    std::vector<Net*> again_nets;
    for (Net& net : fresh) again_nets.push_back(&net);
    std::vector<TrainReport> again = train_together(again_nets, counts, config);
    for (std::size_t i = 0; i < stuck.size(); ++i) {
      TrainReport& r = reports[stuck[i]];
      again[i].steps += r.steps;
      again[i].seconds += r.seconds;
      if (again[i].misfitted < r.misfitted) {
        members_[stuck[i]] = std::move(fresh[i]);
        r = again[i];
      } else {
        r.steps = again[i].steps;
        r.seconds = again[i].seconds;
      }
    }
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
