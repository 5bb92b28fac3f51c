#pragma once
#include <string_view>

namespace td {
// The Chart.js UMD bundle, embedded at build time.
std::string_view chart_library_js();
}  // namespace td
