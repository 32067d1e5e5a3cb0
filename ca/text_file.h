#pragma once
// Whole-file text I/O with errors that name the file.
#include <string>

namespace carl::ca {

std::string read_text_file(const std::string& path);  // InputError "<path>: cannot open"
// Writes via a temporary file and a rename, so a reader never sees half a file.
void write_text_file(const std::string& path, const std::string& text);
// Refuses (an InputError naming it) a path that exists as anything but a regular file or a
// symbolic link: a device, a FIFO, a socket, a directory. A write beside it and a rename would
// replace it — /dev/null itself, when run as root. A link is replaced, never followed.
void require_file_target(const std::string& path);

}  // namespace carl::ca
