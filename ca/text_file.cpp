#include "ca/text_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "ca/error.h"

namespace carl::ca {

std::string read_text_file(const std::string& path) {
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

void write_text_file(const std::string& path, const std::string& text) {
  require_file_target(path);
  // Beside the target, created afresh (an old one removed first) and never through a link: a
  // planted `path.tmp` link or FIFO would otherwise be written through, or block.
  const std::string tmp = path + ".tmp";
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT)
    throw InputError(fmt::format("{}: cannot remove: {}", printable(tmp), std::strerror(errno)));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    throw InputError(fmt::format("{}: cannot write: {}", printable(path), std::strerror(errno)));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw InputError(fmt::format("{}: cannot write: {}", printable(path), std::strerror(err)));
    }
    done += std::size_t(n);
  }
  if (::close(fd) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw InputError(fmt::format("{}: cannot write: {}", printable(path), std::strerror(err)));
  }
}

}  // namespace carl::ca
