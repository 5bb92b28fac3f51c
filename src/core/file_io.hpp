#pragma once
// Writing result files: a failed write (disk full, no permission) is a RunError naming the file and
// the system's reason, never a silently short file.
#include <string>

namespace td {

void write_file(const std::string& path, const std::string& content);
// Throws InputError unless `path` names an existing regular file (not a directory, device or pipe,
// which a reader could block on): "<what> '<path>' does not exist" / "... is not a regular file".
void check_regular_file(const std::string& path, const std::string& what);
// Through `path`.part and a rename: a reader (or a resumed run) sees the old file or the new one.
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace td
