#pragma once
// Writing result files: a failed write (disk full, no permission) is a RunError naming the file and
// the system's reason, never a silently short file.
#include <string>

namespace td {

void write_file(const std::string& path, const std::string& content);
// Removes `path` and everything under it (not following links); a missing path is no error.
// Returns false if something could not be removed. (Not std::filesystem::remove_all: PyTorch's
// libtorch.so exports its own copy of that libstdc++ symbol, and a build against that LibTorch
// resolved the call to it and crashed; ../shared/gpu/README.md.)
bool remove_tree(const std::string& path);

// Throws InputError unless `path` names an existing regular file (not a directory, device or pipe,
// which a reader could block on): "<what> '<path>' does not exist" / "... is not a regular file".
void check_regular_file(const std::string& path, const std::string& what);
// Through `path`.part and a rename: a reader (or a resumed run) sees the old file or the new one.
// Both writers write on rank 0 only (under mpirun the other ranks compute and write nothing).
void write_file_atomically(const std::string& path, const std::string& content);

}  // namespace td
