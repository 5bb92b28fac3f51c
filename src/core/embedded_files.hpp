#pragma once
// Files of the source tree compiled into the binary (report scripts *.js, built-in configs
// experiments/*/builtins/*.toml), so that the program needs no files at run time. The build
// generates their table (CMakeLists.txt, "Embedded files"); paths are relative to src/.
#include <string_view>
#include <utility>
#include <vector>

namespace td {

// The content of an embedded file; throws std::logic_error if there is none (a build error).
std::string_view embedded_file(std::string_view path);
// Every embedded file whose path starts with `prefix`, as (path, content), in path order.
std::vector<std::pair<std::string_view, std::string_view>> embedded_files(std::string_view prefix);

}  // namespace td
