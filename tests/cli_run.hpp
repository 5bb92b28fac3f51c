#pragma once
// Runs a shell command (the CLI, as a user would) and returns its exit status and output: the
// status is -1 when it ended by a signal, so a crash can never pass for an exit code.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace td::test {

struct Result {
  int code;
  std::string output;
};

inline Result run_shell(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  std::string out;
  std::array<char, 4096> buf;
  for (size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) out.append(buf.data(), n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace td::test
