#include "learner/training_batch.h"

namespace carl::learner {
namespace {

thread_local TrainingBatch* seated = nullptr;

}  // namespace

TrainingBatch::TrainingBatch(int runs) : live_(runs) {}

TrainingBatch::Seat::Seat(TrainingBatch& batch) : batch_(batch), previous_(seated) {
  seated = &batch;
}

TrainingBatch::Seat::~Seat() {
  seated = previous_;
  // A seat taken again in the same thread is the same place: only the outer one leaves.
  if (previous_ != &batch_) batch_.leave();
}

TrainingBatch* TrainingBatch::current() {
  return seated;
}

void TrainingBatch::leave(int seats) {
  std::lock_guard<std::mutex> lock(mutex_);
  live_ -= seats;
  changed_.notify_all();
}

std::vector<TrainingBatch::Round> TrainingBatch::rounds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return rounds_;
}

std::vector<TrainReport> TrainingBatch::train(const std::vector<Net*>& nets,
                                              const ca::PatternCounts& counts,
                                              const TrainConfig& config) {
  Job job{&nets, &counts, &config, {}, nullptr, false};
  std::unique_lock<std::mutex> lock(mutex_);
  waiting_.push_back(&job);
  changed_.notify_all();
  while (!job.done) {
    if (training_ || int(waiting_.size()) < live_) {
      changed_.wait(lock);
      continue;
    }
    // Every run is waiting: this thread trains the round, the lock released meanwhile (no run
    // can submit or leave before its job is done).
    training_ = true;
    const std::vector<Job*> round = std::move(waiting_);
    waiting_.clear();
    lock.unlock();
    Round done;
    try {
      done = train_round(round);
    } catch (...) {  // outside any one job (out of memory): every job of the round fails with it
      for (Job* j : round)
        if (!j->error) j->error = std::current_exception();
    }
    lock.lock();
    for (Job* j : round) j->done = true;
    rounds_.push_back(done);
    training_ = false;
    changed_.notify_all();
  }
  if (job.error) std::rethrow_exception(job.error);
  return std::move(job.reports);
}

TrainingBatch::Round TrainingBatch::train_round(const std::vector<Job*>& jobs) {
  Round round;
  round.jobs = int(jobs.size());
  std::vector<bool> taken(jobs.size(), false);
  // A job whose nets cannot train together fails alone, before any stacking.
  for (std::size_t i = 0; i < jobs.size(); ++i) try {
      check_together(*jobs[i]->nets);
    } catch (...) {
      jobs[i]->error = std::current_exception();
      taken[i] = true;
    }
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (taken[i]) continue;
    Job& lead = *jobs[i];
    ++round.stacks;
    if (lead.nets->empty() || lead.nets->front()->device() != Device::cuda) {
      try {
        lead.reports = train_together_here(*lead.nets, *lead.counts, *lead.config);
      } catch (...) {
        lead.error = std::current_exception();
      }
      continue;
    }
    // The CUDA jobs that can share lead's stacked model.
    std::vector<Job*> stack;
    for (std::size_t k = i; k < jobs.size(); ++k) {
      Job& j = *jobs[k];
      if (taken[k] || j.nets->empty() ||
          !trainable_together(*j.nets->front(), *lead.nets->front()) || *j.config != *lead.config)
        continue;
      taken[k] = true;
      stack.push_back(&j);
    }
    try {
      std::vector<const std::vector<Net*>*> nets;
      std::vector<const ca::PatternCounts*> counts;
      for (const Job* j : stack) {
        nets.push_back(j->nets);
        counts.push_back(j->counts);
      }
      auto reports = train_stacked_on_cuda(nets, counts, *lead.config);
      for (std::size_t j = 0; j < stack.size(); ++j) stack[j]->reports = std::move(reports[j]);
    } catch (...) {
      for (Job* j : stack) j->error = std::current_exception();
    }
  }
  return round;
}

}  // namespace carl::learner
