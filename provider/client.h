#pragma once
// Where trajectories come from, as the learner side sees it: a provider process that it can only
// ask for one more trajectory (the experiment writes each to disk and syncs it before using it:
// experiment/loop.h's RunSource).
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ca/trajectory.h"
#include "provider/protocol.h"

namespace carl::provider {

class ChildProcess;

struct ClientOptions {
  double timeout_s = 120;  // for the greeting and for each reply
  // The shape the run's config states: a provider whose greeting (or, through the RLE adapter,
  // whose first trajectory) has another is refused.
  std::optional<Shape> expect;
};

class TrajectorySource {
 public:
  virtual ~TrajectorySource() = default;
  virtual Shape shape() const = 0;
  // Asks for one more trajectory. Throws ProviderError on any failure of the provider.
  ca::Trajectory next();
  int requests() const { return requests_; }                   // trajectories asked for so far
  int next_index() const { return first_index_ + requests_; }  // the number next() asks for
  // Numbers the next trajectory `index` (a resumed run continues where it stopped).
  void start_at(int index) { first_index_ = index; }
  // The hidden rule, only from a provider that allows it (benchmarks score after halting).
  virtual std::optional<std::string> reveal() { return std::nullopt; }
  // How many of the first trajectories are replayed from a store, not asked of the provider.
  virtual int replayed() const { return 0; }

 protected:
  virtual ca::Trajectory fetch(int index) = 0;

 private:
  int requests_ = 0;
  int first_index_ = 0;
};

// Speaks the carl provider protocol with a long-running provider process. When asked for a
// trajectory number the provider has not reached (a resumed run), it first sends
// `START <index>` (docs/provider-protocol.md).
class Client : public TrajectorySource {
 public:
  // Starts argv[0] (looked up on PATH, no shell) and reads its greeting; refuses a greeting
  // whose shape differs from options.expect or whose trajectories would not fit the memory
  // limit (provider/limits.h).
  Client(const std::vector<std::string>& argv, ClientOptions options = {});
  ~Client() override;  // sends QUIT, then kills and reaps the process if it lingers
  Shape shape() const override { return shape_; }
  std::optional<std::string> reveal() override;
  int pid() const;  // for tests: the id of the provider's process group (its supervisor)

 protected:
  ca::Trajectory fetch(int index) override;

 private:
  std::string who() const;
  // The provider's next line, awaited until `deadline`; when none comes, a ProviderError that
  // says how the provider ended and what it did `instead` ("before its greeting", …).
  std::string read_reply(std::chrono::steady_clock::time_point deadline, const std::string& awaited,
                         const std::string& instead);
  void start(int index);
  std::unique_ptr<ChildProcess> process_;
  std::vector<std::string> argv_;
  ClientOptions options_;
  Shape shape_;
  int next_seq_ = 0;  // the number the provider gives its next trajectory
};

// Adapter for any program that prints a trajectory as T+1 RLE frames: it is run once per request
// (with CARL_REQUEST=<index> in its environment) and must exit 0. All trajectories must have the
// shape of the first.
class RleCommandSource : public TrajectorySource {
 public:
  RleCommandSource(std::vector<std::string> argv, ca::Boundary mode = ca::Boundary::torus,
                   ClientOptions options = {});
  Shape shape() const override { return shape_; }  // height 0 until the first trajectory

 protected:
  ca::Trajectory fetch(int index) override;

 private:
  std::vector<std::string> argv_;
  ClientOptions options_;
  Shape shape_;
};

// Stored trajectories of a run: trajectory-000.rle, trajectory-001.rle, … in one directory.
// Every file is written with ca::write_durably (beside, fsync, rename, never through a
// symlink) and never overwritten; every file read back is checked: numbered without gaps, at
// least 2 frames of at least 1×1 cells, all of one shape, and of `expect`'s shape when given.
// Each file's first line is `#C carl trajectory <k> digest <fnv1a64 hex>` (a comment to Golly)
// over its number and the rest of the file, so that a file edited, copied over another or planted
// between a kill and a `--resume` is refused by name rather than taken for the run's data (an
// accident or a careless hand; the digest is no signature). Files without the line (written
// before it existed, or by hand) are read as they are while they precede every file with one.
class TrajectoryStore {
 public:
  // Creates the directory if missing; refuses a directory that is a symlink.
  explicit TrajectoryStore(std::string directory, std::optional<Shape> expect = std::nullopt);
  // Writes trajectory `index` durably and returns its path. An InputError when a trajectory of
  // that number is already stored (never an overwrite).
  std::string save(const ca::Trajectory& trajectory, int index) const;
  // In order. InputError (naming the file) for a gap in the numbering or a bad trajectory.
  std::vector<ca::Trajectory> load() const;
  int count() const;  // stored trajectories; InputError for a gap
  std::string path(int index) const;
  const std::string& directory() const { return dir_; }

 private:
  std::string dir_;
  std::optional<Shape> expect_;
};

}  // namespace carl::provider
