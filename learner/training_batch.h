#pragma once
// Several runs' training gathered into rounds. Runs going on side by side in threads of one
// process (`carl bench zoo --batch N`) each take a Seat in one TrainingBatch; while a thread is
// seated, train_together in that thread hands its nets to the batch and waits. Once every seated
// thread is waiting (or has left), the waiting jobs are trained as one round:
//   - on CUDA, the jobs of one net configuration, group and training settings as one stacked model
//     (TorchBackend::train_stacked): one sequence of kernels for all of them, where a GPU's time
//     per step hardly depends on how many nets it steps;
//   - on the CPU, one job after the other by carl's own code, exactly as each would train alone:
//     a core gains nothing from stacking nets that do not share their data.
// Each job's nets end as train_together alone would leave them: on the CPU bit for bit, on CUDA
// up to the stacked step's summation order. Runs whose rounds do not line up (one is providing a
// trajectory or extracting while another trains) simply wait for each other.
#include <condition_variable>
#include <exception>
#include <mutex>
#include <vector>

#include "learner/net.h"

namespace carl::learner {

class TrainingBatch {
 public:
  // `runs`: the threads that will take a seat. A round starts only when all of them are waiting
  // or have left, so every seat must be taken and left (Seat does both), or given back unused
  // (leave).
  explicit TrainingBatch(int runs);
  // Gives back `seats` that no thread will take (a thread that could not be started).
  void leave(int seats = 1);

  // This thread's place in the batch, for the whole of its runs; leaving it (also by an
  // exception) lets the others go on without it. A seat taken again in the same thread (nested)
  // is the same seat.
  class Seat {
   public:
    explicit Seat(TrainingBatch& batch);
    ~Seat();
    Seat(const Seat&) = delete;
    Seat& operator=(const Seat&) = delete;

   private:
    TrainingBatch& batch_;
    TrainingBatch* previous_;
  };

  // The batch this thread is seated in, or none.
  static TrainingBatch* current();

  // train_together's work for a seated thread: waits for the round and returns this job's
  // reports (or rethrows what its training threw).
  std::vector<TrainReport> train(const std::vector<Net*>& nets, const ca::PatternCounts& counts,
                                 const TrainConfig& config);

  // What the batch has done, for tests and figures: per round, the jobs trained and the stacked
  // models (or, on the CPU, one-job trainings) they took.
  struct Round {
    int jobs = 0;
    int stacks = 0;
  };
  std::vector<Round> rounds() const;

 private:
  struct Job {
    const std::vector<Net*>* nets;
    const ca::PatternCounts* counts;
    const TrainConfig* config;
    std::vector<TrainReport> reports;
    std::exception_ptr error;
    bool done = false;
  };
  static Round train_round(const std::vector<Job*>& jobs);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  int live_;
  bool training_ = false;
  std::vector<Job*> waiting_;
  std::vector<Round> rounds_;
};

}  // namespace carl::learner
