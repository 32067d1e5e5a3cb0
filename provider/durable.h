#pragma once
// Durable, symlink-refusing file I/O inside one directory: the only way carl writes into a run
// directory (trajectories, rounds, rule, config) and reads them back.
//
// write_durably(dir, name, bytes): writes `name.tmp` beside the target (an old .tmp is removed
// first; the new one is created with O_CREAT|O_EXCL|O_NOFOLLOW, so a planted link is never
// followed), fsyncs it, renames it over `name` (rename replaces a planted link, it does not
// follow it) and fsyncs the directory. The directory itself is opened with O_NOFOLLOW: a
// symlinked directory is refused. With `replace` false an existing `name` is an error, never
// overwritten.
#include <string>

namespace carl::provider {

void write_durably(const std::string& dir, const std::string& name, const std::string& bytes,
                   bool replace = true);
// Reads dir/name; a symlink (the directory or the file) or a non-regular file is an InputError.
std::string read_nofollow(const std::string& dir, const std::string& name);
// True when dir/name exists (as anything, a dangling link included).
bool entry_exists(const std::string& dir, const std::string& name);
// InputError unless `dir` is a real directory (not a symlink to one).
void require_real_directory(const std::string& dir);
// Creates `dir` and its missing parents; InputError "<dir>: cannot create directory: <why>" when
// it cannot (a file in the way, a read-only or virtual file system).
void make_directories(const std::string& dir);

}  // namespace carl::provider
