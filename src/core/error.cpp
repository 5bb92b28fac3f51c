#include "core/error.hpp"

namespace td {

bool& verbose_errors() {
  static bool verbose = false;
  return verbose;
}

std::string library_error_text(const std::string& full) {
  if (verbose_errors()) return full;
  std::string last, line;
  for (size_t i = 0; i <= full.size(); ++i) {
    if (i < full.size() && full[i] != '\n') {
      line += full[i];
      continue;
    }
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
    line.clear();
  }
  const size_t start = last.find_first_not_of(" \t");
  last = start == std::string::npos ? full : last.substr(start);
  return last + (last.size() < full.size() ? " (--verbose: the library's full message)" : "");
}

}  // namespace td
