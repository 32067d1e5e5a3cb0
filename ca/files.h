#pragma once
// Files: whole-file reads and writes with errors that name the file. Every whole file carl
// writes — into a run directory (trajectories, rounds, rule, config, checkpoints, the report), an
// export, `carl simulate -o` — goes through one durable write, so that a reader never sees half a
// file, a crash never leaves a torn one, and a planted link or FIFO is never written through.
// (A sweep's records.jsonl is appended a line at a time.)
#include <string>
#include <string_view>

namespace carl::ca {

// Reads the file at `path` (links followed: the user named it); InputError "<path>: cannot open".
std::string read_text_file(const std::string& path);

// write_durably(dir, name, bytes): writes `name.tmp` beside the target (an old .tmp is removed
// first; the new one is created with O_CREAT|O_EXCL|O_NOFOLLOW, so a planted link is never
// followed), fsyncs it, renames it over `name` (rename replaces a planted link, it does not
// follow it) and fsyncs the directory. The directory itself is opened with O_NOFOLLOW: a
// symlinked directory is refused. With `replace` false an existing `name` is an error, never
// overwritten; with `replace` true a `name` that is not a file or a link is refused
// (require_file_target).
void write_durably(const std::string& dir, const std::string& name, const std::string& bytes,
                   bool replace = true);
// The same for a file the user named (`carl simulate -o PATH`): its directory may be a link,
// and is made when missing.
void write_text_file(const std::string& path, const std::string& text);
// Refuses (an InputError naming it) a path that exists as anything but a regular file or a
// symbolic link: a device, a FIFO, a socket, a directory. A write beside it and a rename would
// replace it — /dev/null itself, when run as root. A link is replaced, never followed.
void require_file_target(const std::string& path);

// Reads dir/name; a symlink (the directory or the file) or a non-regular file is an InputError.
std::string read_nofollow(const std::string& dir, const std::string& name);
// Writes all of `bytes` to the descriptor, again after EINTR; false with errno set (EIO for a
// write that wrote nothing) when a write fails.
bool write_fully(int fd, std::string_view bytes);
// True when dir/name exists (as anything, a dangling link included).
bool entry_exists(const std::string& dir, const std::string& name);
// InputError unless `dir` is a real directory (not a symlink to one).
void require_real_directory(const std::string& dir);
// Creates `dir` and its missing parents; InputError "<dir>: cannot create directory: <why>" when
// it cannot (a file in the way, a read-only or virtual file system).
void make_directories(const std::string& dir);

}  // namespace carl::ca
