#pragma once
// A job's run directory in a sweep or the zoo: its trajectories are needed only while the job
// runs. Made under $TMPDIR (else /tmp) as carl-zoo-XXXXXX; removed when the job ends, by an
// error too, and when carl is ended by SIGINT, SIGTERM or SIGHUP (Ctrl-C of `carl sweep --jobs 1`
// left one per interrupt, trajectories inside). SIGKILL leaves it.
#include <string>

namespace carl::sweep {

class ScratchDirectory {
 public:
  // InputError, naming $TMPDIR, when the directory cannot be made.
  ScratchDirectory();
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int slot_ = -1;  // its place among the directories the signal handler removes; -1: none free
};

// In a child between fork and exec (async-signal-safe): SIGINT, SIGTERM and SIGHUP back to their
// default actions, SIGTERM also unblocked. A child must not run the parent's handler (it would
// remove the parent's scratch directories), and a worker must end on the SIGTERM it gets when
// carl ends, even where carl was started with SIGTERM ignored.
void default_end_signals_in_child();

}  // namespace carl::sweep
