#include "ca/text_file.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "ca/error.h"

namespace carl::ca {

std::string read_text_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(fmt::format("{}: cannot open", path));
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
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f << text;
    f.flush();
    if (!f) throw InputError(fmt::format("{}: cannot write", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw InputError(fmt::format("{}: cannot write", path));
}

}  // namespace carl::ca
