#include "core/rng_audit.hpp"

#include <atomic>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

namespace td {
namespace {
std::atomic<RngAudit*> g_audit{nullptr};
}

RngAudit* active_rng_audit() { return g_audit.load(std::memory_order_relaxed); }

RngAudit::RngAudit() {
  RngAudit* none = nullptr;
  if (!g_audit.compare_exchange_strong(none, this)) throw std::logic_error("RngAudit: one audit at a time");
}
RngAudit::~RngAudit() { g_audit.store(nullptr); }

void RngAudit::record(const RngKey& key, uint64_t step, DrawKind kind) {
  // Paths from the source tree's top (src/..., tests/...), whatever the build's absolute path.
  std::string_view file(key.site);
  for (const char* top : {"/src/", "/tests/", "/bench/"})
    if (const size_t at = file.rfind(top); at != std::string_view::npos) {
      file.remove_prefix(at + 1);
      break;
    }
  std::string site = fmt::format("{}:{}", file, key.line);
  std::lock_guard<std::mutex> lock(mu_);
  Use& u = uses_[{key.seed, uint32_t(key.stream), key.substream}][step];
  u.sites.insert(std::move(site));
  u.kinds |= uint8_t(kind);
}

std::vector<RngAudit::Stream> RngAudit::streams() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Stream> out;
  for (const auto& [id, steps] : uses_) {
    Stream s{std::get<0>(id), std::get<1>(id), std::get<2>(id), steps.begin()->first, steps.rbegin()->first,
             steps.size(), {}};
    std::set<std::string> sites;
    for (const auto& [step, use] : steps) sites.insert(use.sites.begin(), use.sites.end());
    s.sites.assign(sites.begin(), sites.end());
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<std::string> RngAudit::conflicts() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [id, steps] : uses_) {
    // Runs of consecutive steps with the same conflicting use become one line.
    auto bad = [](const Use& u) { return u.sites.size() > 1 || u.kinds == 3; };
    auto it = steps.begin();
    while (it != steps.end()) {
      if (!bad(it->second)) {
        ++it;
        continue;
      }
      auto end = std::next(it);
      while (end != steps.end() && end->second == it->second) ++end;
      std::string sites;
      for (const std::string& s : it->second.sites) {
        if (!sites.empty()) sites += ", ";
        sites += s;
      }
      out.push_back(fmt::format("seed {} stream {} substream {} steps {}..{}: {} from keys made at {}", std::get<0>(id),
                                std::get<1>(id), std::get<2>(id), it->first, std::prev(end)->first,
                                it->second.kinds == 3 ? "drawn as uniforms and as normals" : "drawn", sites));
      it = end;
    }
  }
  return out;
}

}  // namespace td
