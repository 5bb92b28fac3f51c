#pragma once
// Runs a Python baseline (a command line) and parses the last JSON object it prints.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

// The Python that has PyTorch: `python3` where it has (the GPU machine's), else Debian's /usr/bin/python3.
inline std::string python_with_torch() {
  return std::system("python3 -c 'import torch' > /dev/null 2>&1") == 0 ? "python3" : "/usr/bin/python3";
}

inline nlohmann::json run_python(const std::string& cmd) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) throw std::runtime_error("cannot run " + cmd);
  char buf[4096];
  size_t k;
  while ((k = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, k);
  if (pclose(f) != 0) throw std::runtime_error("Python baseline failed: " + cmd + "\n" + out);
  return nlohmann::json::parse(out.substr(out.rfind('{')));
}
