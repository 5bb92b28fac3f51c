// Embeds the chart library (npm chart.js UMD build) into the binary with .incbin, so a report is
// one self-contained HTML file written by a binary that needs no files at run time.
#include "report/chart_asset.hpp"

__asm__(".section .rodata\n"
        ".global thermodiff_chartjs_begin\n"
        ".global thermodiff_chartjs_end\n"
        ".balign 16\n"
        "thermodiff_chartjs_begin:\n"
        ".incbin \"" THERMODIFF_CHARTJS_PATH "\"\n"
        "thermodiff_chartjs_end:\n"
        ".byte 0\n"
        ".previous\n");

extern "C" const char thermodiff_chartjs_begin[];
extern "C" const char thermodiff_chartjs_end[];

namespace td {

std::string_view chart_library_js() {
  return std::string_view(thermodiff_chartjs_begin, size_t(thermodiff_chartjs_end - thermodiff_chartjs_begin));
}

}  // namespace td
