#include "sweep/scratch.h"

#include <fcntl.h>
#include <linux/limits.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "ca/error.h"

namespace carl::sweep {
namespace {

// The directories in use, for the signal handler: fixed storage, so that it reads them without
// a lock or an allocation. A slot is claimed, then filled, then published (`ready`); the handler
// reads only published ones. Runs of more than kSlots jobs at once (threads of --batch) leave
// the rest to their destructors.
constexpr int kSlots = 64;
struct Slot {
  std::atomic<bool> claimed{false}, ready{false};
  char path[PATH_MAX];
};
Slot slots[kSlots];

// Removes a run directory (flat: files only) with async-signal-safe calls: open, getdents64,
// unlinkat, rmdir. Repeated while entries remain, since unlinking during a scan may skip some.
void remove_flat_directory(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  alignas(8) char buffer[4096];
  for (int pass = 0; pass < 8; ++pass) {
    bool removed = false;
    ::lseek(fd, 0, SEEK_SET);
    for (;;) {
      const long n = ::syscall(SYS_getdents64, fd, buffer, sizeof buffer);
      if (n <= 0) break;
      for (long at = 0; at < n;) {
        // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
        unsigned short reclen;
        std::memcpy(&reclen, buffer + at + 16, sizeof reclen);
        const char* name = buffer + at + 19;
        if (std::strcmp(name, ".") != 0 && std::strcmp(name, "..") != 0)
          removed |= ::unlinkat(fd, name, 0) == 0;
        at += reclen;
      }
    }
    if (!removed) break;
  }
  ::close(fd);
  ::rmdir(path);
}

struct sigaction previous[3];
constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};

void remove_and_end(int signal) {
  const int saved = errno;
  for (Slot& s : slots)
    if (s.ready.load(std::memory_order_acquire)) remove_flat_directory(s.path);
  // Then the signal's own ending (exit status 128 + signal, as without the handler): the action
  // before ours, normally the default.
  for (int k = 0; k < 3; ++k)
    if (kSignals[k] == signal) ::sigaction(signal, &previous[k], nullptr);
  ::raise(signal);
  errno = saved;
}

// Installed for the signals that end carl, again whenever something has replaced it since (a
// test framework's own handlers do, between test cases); one that is ignored (a background
// job's SIGINT) stays ignored.
void install_handler() {
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  for (int k = 0; k < 3; ++k) {
    struct sigaction now {};
    ::sigaction(kSignals[k], nullptr, &now);
    if (now.sa_handler == SIG_IGN || now.sa_handler == remove_and_end) continue;
    previous[k] = now;
    struct sigaction action {};
    action.sa_handler = remove_and_end;
    sigemptyset(&action.sa_mask);
    for (int s : kSignals) sigaddset(&action.sa_mask, s);
    action.sa_flags = SA_RESETHAND;
    ::sigaction(kSignals[k], &action, nullptr);
  }
}

}  // namespace

ScratchDirectory::ScratchDirectory() {
  const char* tmpdir = std::getenv("TMPDIR");
  const std::string parent = tmpdir && *tmpdir ? tmpdir : "/tmp";
  std::string name = parent + "/carl-zoo-XXXXXX";
  if (!::mkdtemp(name.data()))
    throw InputError(fmt::format("cannot create a temporary run directory in '{}' ($TMPDIR): {}",
                                 printable(parent, 200), std::strerror(errno)));
  path_ = name;
  install_handler();
  if (path_.size() >= PATH_MAX) return;
  for (int k = 0; k < kSlots; ++k) {
    bool free = false;
    if (slots[k].claimed.compare_exchange_strong(free, true)) {
      std::memcpy(slots[k].path, path_.c_str(), path_.size() + 1);
      slots[k].ready.store(true, std::memory_order_release);
      slot_ = k;
      break;
    }
  }
}

ScratchDirectory::~ScratchDirectory() {
  // Removed first, the slot freed after: a signal during the removal finishes it.
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
  if (slot_ >= 0) {
    slots[slot_].ready.store(false, std::memory_order_release);
    slots[slot_].claimed.store(false, std::memory_order_release);
  }
}

void default_end_signals_in_child() {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  sigemptyset(&action.sa_mask);
  sigset_t unblock;
  sigemptyset(&unblock);
  for (int s : kSignals) {
    struct sigaction now {};
    ::sigaction(s, nullptr, &now);
    // SIGTERM always (carl ends its workers with it); the others unless ignored.
    if (s == SIGTERM || now.sa_handler != SIG_IGN) ::sigaction(s, &action, nullptr);
    if (s == SIGTERM) sigaddset(&unblock, s);
  }
  ::sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
}

}  // namespace carl::sweep
