// learner/training_batch.cpp: runs in threads whose training is gathered into rounds, and the
// stacked model of several runs (the CUDA path, run here on LibTorch's CPU) against each run alone.
#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>
#include <thread>

#include "ca/rulestring.h"
#include "learner/committee.h"
#include "learner/torch_backend.h"
#include "learner/training_batch.h"

using namespace carl;
using learner::Net;

namespace {

ca::PatternCounts counts_of(const char* rule, std::uint64_t seed, int size = 24, int steps = 8) {
  return ca::count_patterns(
      ca::simulate(ca::parse_rule(rule), ca::random_soup(size, size, 0.4, seed), steps));
}

// One run's training: a committee of `size`, trained on each of its counts in turn (as the loop's
// rounds do, each round on more data).
struct Run {
  const char* group;
  int size;
  std::vector<ca::PatternCounts> rounds;
};

std::vector<std::vector<double>> train_run(const Run& run, std::uint64_t seed) {
  learner::NetConfig nc;
  nc.width = 8;
  learner::TrainConfig tc;
  tc.max_steps = 400;
  learner::Committee c(nc, groups::Subgroup::parse(run.group), run.size, seed);
  for (const auto& counts : run.rounds) c.train(counts, tc);
  std::vector<std::vector<double>> params;
  for (const Net& n : c.members()) params.push_back(n.state().params);
  return params;
}

}  // namespace

TEST_CASE("runs in a training batch train in gathered rounds, each as it would alone",
          "[committee]") {
  // Three runs of different lengths, groups and data; the short one leaves the batch early.
  const std::vector<Run> runs = {
      {"p1", 3, {counts_of("B3/S23", 1), counts_of("B3/S23", 2)}},
      {"p4m", 2, {counts_of("B36/S23", 3), counts_of("B36/S23", 4), counts_of("B36/S23", 5)}},
      {"p1", 2, {counts_of("B2/S", 6)}},
  };
  std::vector<std::vector<std::vector<double>>> alone, batched(runs.size());
  for (std::size_t r = 0; r < runs.size(); ++r) alone.push_back(train_run(runs[r], 10 + r));

  learner::TrainingBatch batch(int(runs.size()));
  std::vector<std::thread> threads;
  for (std::size_t r = 0; r < runs.size(); ++r)
    threads.emplace_back([&, r] {
      const learner::TrainingBatch::Seat seat(batch);
      batched[r] = train_run(runs[r], 10 + r);
    });
  for (auto& t : threads) t.join();

  // On the CPU every job trains as it would alone: bit for bit.
  for (std::size_t r = 0; r < runs.size(); ++r) REQUIRE(batched[r] == alone[r]);
  // The rounds gathered the runs: the first round holds every run's first training, and in all
  // there are as many jobs as trainings (restarts of stuck members add jobs of their own).
  const auto rounds = batch.rounds();
  REQUIRE(!rounds.empty());
  REQUIRE(rounds.front().jobs == 3);
  int jobs = 0;
  for (const auto& round : rounds) jobs += round.jobs;
  REQUIRE(jobs >= 6);
  REQUIRE(rounds.size() < std::size_t(jobs));             // gathered, not one job per round
  REQUIRE(learner::TrainingBatch::current() == nullptr);  // the seats were left
}

TEST_CASE("a training batch passes a job's error to its own run", "[committee]") {
  // Two runs in one round: one hands in nets that cannot train together (found when the round
  // trains it), the other trains as it would alone.
  learner::TrainingBatch batch(2);
  const auto counts = counts_of("B3/S23", 1);
  learner::TrainConfig tc;
  tc.max_steps = 50;
  std::string error;
  std::vector<double> trained;
  std::thread bad([&] {
    const learner::TrainingBatch::Seat seat(batch);
    Net a(learner::NetConfig{}, groups::Subgroup::parse("p1"), 1);
    learner::NetConfig wide;
    wide.width = 16;
    Net b(wide, groups::Subgroup::parse("p1"), 2);
    try {
      learner::train_together({&a, &b}, counts, tc);
    } catch (const std::logic_error& e) {
      error = e.what();
    }
  });
  std::thread good([&] {
    const learner::TrainingBatch::Seat seat(batch);
    {
      const learner::TrainingBatch::Seat again(batch);  // nested: the same seat
    }
    Net n(learner::NetConfig{}, groups::Subgroup::parse("p1"), 3);
    learner::train_together({&n}, counts, tc);
    trained = n.state().params;
  });
  bad.join();
  good.join();
  REQUIRE_THAT(error, Catch::Contains("nets differ"));
  Net alone(learner::NetConfig{}, groups::Subgroup::parse("p1"), 3);
  alone.train(counts, tc);
  REQUIRE(trained == alone.state().params);
  // Both jobs were in the round (the nested seat did not leave early), which failed one of them.
  REQUIRE(batch.rounds().size() == 1);
  REQUIRE(batch.rounds().front().jobs == 2);
}

namespace {

// The stacked model of a batch round on CUDA (TorchBackend::train_stacked), on CUDA or on
// LibTorch's CPU, against carl's own training of each job alone. Jobs of different sizes and data,
// one without any data; float64, so that the two differ only in summation order: the same steps
// and verdicts, every predicted probability within 1e-9.
void check_stacked_runs(bool on_cuda) {
  learner::NetConfig nc;
  nc.precision = learner::Precision::float64;
  nc.width = 12;
  const std::vector<ca::PatternCounts> counts = {counts_of("B3/S23", 1, 16, 4),
                                                 counts_of("B36/S23", 2, 32, 12),
                                                 ca::PatternCounts{}, counts_of("B2/S", 3, 12, 3)};
  const std::vector<int> sizes = {3, 2, 1, 2};
  // The optimiser settings each stacked row must follow as its job alone would: Adam; SGD with
  // momentum; weight decay with a step minimum; judged per orbit (min_agreement > 0) under SGD.
  std::vector<learner::TrainConfig> settings(4);
  settings[1].optimizer = learner::Optimizer::sgd;
  settings[1].learning_rate = 0.05;
  settings[2].weight_decay = 1e-3;
  settings[2].min_steps = 100;
  settings[3].optimizer = learner::Optimizer::sgd;
  settings[3].min_agreement = 0.8;
  settings[3].weight_decay = 1e-4;
  for (std::size_t setting = 0; setting < settings.size(); ++setting)
    for (const char* objective : {"balanced", "counts"})
      for (const char* group : {"p1", "p4m"}) {
        INFO(objective << " " << group << " settings " << setting);
        learner::TrainConfig tc = settings[setting];
        tc.objective = *parse_choice<learner::Objective>(objective);
        tc.max_steps = 300;
        std::vector<std::vector<Net>> alone(counts.size());
        std::vector<std::vector<learner::NetState>> states(counts.size());
        std::vector<std::vector<learner::NetState*>> nets(counts.size());
        std::vector<const ca::PatternCounts*> data;
        for (std::size_t j = 0; j < counts.size(); ++j) {
          for (int k = 0; k < sizes[j]; ++k) {
            alone[j].emplace_back(nc, groups::Subgroup::parse(group), 100 * j + std::size_t(k));
            states[j].push_back(alone[j].back().state());
          }
          for (auto& s : states[j]) nets[j].push_back(&s);
          data.push_back(&counts[j]);
        }
        const auto stacked = learner::torch_backend().train_stacked(nets, data, tc, on_cuda);
        REQUIRE(stacked.size() == counts.size());
        for (std::size_t j = 0; j < counts.size(); ++j) {
          std::vector<Net*> members;
          for (Net& n : alone[j]) members.push_back(&n);
          const auto reports = learner::train_together_here(members, counts[j], tc);
          REQUIRE(stacked[j].size() == reports.size());
          for (std::size_t k = 0; k < reports.size(); ++k) {
            INFO("job " << j << " net " << k);
            REQUIRE(stacked[j][k].steps == reports[k].steps);
            REQUIRE(stacked[j][k].converged == reports[k].converged);
            REQUIRE(stacked[j][k].misfitted == reports[k].misfitted);
            REQUIRE(stacked[j][k].final_loss == Approx(reports[k].final_loss).margin(1e-9));
            const auto p = alone[j][k].predict_patterns(), q = Net(states[j][k]).predict_patterns();
            double worst = 0;
            for (int i = 0; i < 512; ++i)
              worst = std::max(worst, std::abs(p[std::size_t(i)] - q[std::size_t(i)]));
            REQUIRE(worst < 1e-9);
          }
        }
        REQUIRE(stacked[2].front().steps == 0);  // no data: not trained
      }
}

}  // namespace

TEST_CASE("several runs' nets stacked in one model train as each run's would alone",
          "[committee]") {
  check_stacked_runs(false);
}

TEST_CASE("several runs' nets stacked on CUDA train as each run's would alone on the CPU",
          "[.gpu]") {
  if (learner::resolve_device(learner::Device::automatic) != learner::Device::cuda) {
    std::cout << "SKIPPED: no CUDA device for LibTorch (CPU-only LibTorch or no GPU)\n";
    return;
  }
  check_stacked_runs(true);
}
