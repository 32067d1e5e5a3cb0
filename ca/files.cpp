#include "ca/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ca/error.h"

namespace carl::ca {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int f = fd_;
    fd_ = -1;
    return f;
  }

 private:
  int fd_;
};

std::string why(int err) {
  if (err == ELOOP) return "it is a symbolic link (refused)";
  return std::strerror(err);
}

// A run directory that is a link is refused (follow_link false); a directory the user named for
// an output may be one.
int open_dir(const std::string& dir, bool follow_link = false) {
  const int fd =
      ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow_link ? 0 : O_NOFOLLOW));
  if (fd < 0) {
    const int err = errno;
    struct stat st {};
    if (!follow_link && ::lstat(dir.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
      throw InputError(
          fmt::format("{}: the directory is a symbolic link (refused)", printable(dir)));
    throw InputError(
        fmt::format("{}: cannot open the directory: {}", printable(dir), std::strerror(err)));
  }
  return fd;
}

// dir/name as an error shows it: as the user wrote it (no "./" before a bare name), escaped.
std::string shown(const std::string& dir, const std::string& name) {
  if (dir == ".") return printable(name);
  return printable(dir.back() == '/' ? dir + name : dir + "/" + name);
}

// The write itself, in the open directory `d` (shown as `dir` in errors).
void write_in(int d, const std::string& dir, const std::string& name, const std::string& bytes,
              bool replace) {
  const std::string path = shown(dir, name);
  const std::string tmp = name + ".tmp";
  if (::unlinkat(d, tmp.c_str(), 0) != 0 && errno != ENOENT)
    throw InputError(fmt::format("{}: cannot remove: {}", shown(dir, tmp), std::strerror(errno)));
  Fd f(::openat(d, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (f.get() < 0)
    throw InputError(fmt::format("{}: cannot create: {}", shown(dir, tmp), why(errno)));
  // A write that fails leaves no temporary file behind. On success the temporary is gone before
  // the directory's fsync (renamed, or linked and then removed), so that its removal is durable
  // too; the guard is then disarmed.
  struct RemoveTemporary {
    int dir;
    const std::string& name;
    bool armed = true;
    ~RemoveTemporary() {
      if (armed) ::unlinkat(dir, name.c_str(), 0);
    }
  } remove_temporary{d, tmp};
  if (!write_fully(f.get(), bytes))
    throw InputError(fmt::format("{}: write failed: {}", shown(dir, tmp), std::strerror(errno)));
  if (::fsync(f.get()) != 0 || ::close(f.release()) != 0)
    throw InputError(fmt::format("{}: fsync failed: {}", shown(dir, tmp), std::strerror(errno)));
  if (!replace) {
    // link() never replaces: an existing file (or link) of that name is kept and reported.
    if (::linkat(d, tmp.c_str(), d, name.c_str(), 0) != 0) {
      const int err = errno;
      throw InputError(fmt::format("{}: {}", path,
                                   err == EEXIST
                                       ? "already exists; carl never overwrites it"
                                       : std::string("cannot write: ") + std::strerror(err)));
    }
    ::unlinkat(d, tmp.c_str(), 0);
  } else if (::renameat(d, tmp.c_str(), d, name.c_str()) != 0) {
    throw InputError(fmt::format("{}: rename failed: {}", path, std::strerror(errno)));
  }
  remove_temporary.armed = false;
  if (::fsync(d) != 0)
    throw InputError(
        fmt::format("{}: fsync of the directory failed: {}", printable(dir), std::strerror(errno)));
}

}  // namespace

void require_real_directory(const std::string& dir) {
  Fd d(open_dir(dir));
}

void make_directories(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    throw InputError(fmt::format("{}: cannot create directory: {}", printable(dir), ec.message()));
}

bool entry_exists(const std::string& dir, const std::string& name) {
  struct stat st {};
  return ::lstat((dir + "/" + name).c_str(), &st) == 0;
}

std::string read_text_file(const std::string& path) {
  // A directory opens and reads as empty: "no frames", "no RLE header" said nothing of why.
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw InputError(fmt::format("{}: is a directory, not a file", printable(path)));
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(fmt::format("{}: cannot open", printable(path)));
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

void require_file_target(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) return;
  throw InputError(fmt::format("{}: is a {}, not a regular file; carl writes only files",
                               printable(path),
                               S_ISDIR(st.st_mode)    ? "directory"
                               : S_ISFIFO(st.st_mode) ? "FIFO"
                               : S_ISSOCK(st.st_mode) ? "socket"
                                                      : "device"));
}

bool write_fully(int fd, std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

void write_durably(const std::string& dir, const std::string& name, const std::string& bytes,
                   bool replace) {
  Fd d(open_dir(dir));
  if (replace) require_file_target(dir + "/" + name);
  write_in(d.get(), dir, name, bytes, replace);
}

void write_text_file(const std::string& path, const std::string& text) {
  require_file_target(path);
  const std::filesystem::path target(path);
  const std::string name = target.filename().string();
  if (name.empty() || name == "." || name == "..")
    throw InputError(fmt::format("{}: names no file; carl writes only files", printable(path)));
  const std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  // A missing folder is made (`-o rec/t1.rle`, `--golly rules/x.rule`); a dangling link is not
  // made into one, it is named as missing below.
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 && errno == ENOENT) make_directories(dir);
  Fd d(open_dir(dir, /*follow_link=*/true));
  write_in(d.get(), dir, name, text, /*replace=*/true);
}

std::string read_nofollow(const std::string& dir, const std::string& name) {
  Fd d(open_dir(dir));
  Fd f(::openat(d.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (f.get() < 0)
    throw InputError(fmt::format("{}: cannot open: {}", shown(dir, name), why(errno)));
  struct stat st {};
  if (::fstat(f.get(), &st) != 0 || !S_ISREG(st.st_mode))
    throw InputError(fmt::format("{}: not a regular file", shown(dir, name)));
  std::string out;
  char buf[65536];
  while (true) {
    const ssize_t n = ::read(f.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw InputError(fmt::format("{}: read failed: {}", shown(dir, name), std::strerror(errno)));
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace carl::ca
