#pragma once
// Whole-file text I/O with errors that name the file.
#include <string>

namespace carl::ca {

std::string read_text_file(const std::string& path);  // InputError "<path>: cannot open"
// Writes via a temporary file and a rename, so a reader never sees half a file.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace carl::ca
