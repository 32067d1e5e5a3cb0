#pragma once
// K nets that differ only in their initialisation seed, trained on the same data. Nets trained on
// partial data agree on what the data force and may disagree, confidently, elsewhere; the
// extractor trusts an entry only where every member is confident and agrees. The K nets are
// trained together (train_together): member k follows the trajectory it would follow alone.
#include <array>
#include <vector>

#include "learner/net.h"

namespace carl::learner {

class Committee {
 public:
  Committee(const NetConfig& config, groups::Subgroup group, int size, std::uint64_t seed,
            Device device = Device::cpu);

  // A member that does not converge is restarted from a fresh seeded initialisation (at most
  // twice), keeping whichever fits better; the restarts of several members train together, on
  // the committee's device.
  std::vector<TrainReport> train(const ca::PatternCounts& counts, const TrainConfig& config);
  // Every member becomes the G-net that is its orbit-average (parameter transfer).
  void transfer_to(groups::Subgroup group);

  groups::Subgroup group() const;
  Device device() const { return device_; }  // cpu or cuda, every member's
  int size() const { return static_cast<int>(members_.size()); }
  const std::vector<Net>& members() const { return members_; }
  std::vector<Net>& members() { return members_; }
  std::vector<std::array<double, ca::kPatternCount>> predictions() const;

 private:
  std::vector<Net> members_;
  Device device_;
};

// The seed of member k of a committee seeded with `seed`.
std::uint64_t member_seed(std::uint64_t seed, int k);

}  // namespace carl::learner
