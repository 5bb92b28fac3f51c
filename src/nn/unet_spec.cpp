// The U-Net's shape check: plain config, no LibTorch (the learning config parser uses it).
#include <fmt/format.h>

#include "core/error.hpp"
#include "nn/unet.hpp"

namespace td {

void UNetSpec::validate(const std::string& where) const {
  auto bad = [&](const std::string& m) { throw InputError(fmt::format("{}: {}", where, m)); };
  if (channels < 1 || channels > 16) bad(fmt::format("channels = {} must be in [1, 16]", channels));
  if (base < 1 || base > 1024) bad(fmt::format("base = {} must be in [1, 1024]", base));
  if (mult.empty()) bad("mult needs at least one level");
  for (int m : mult)
    if (m < 1 || m > 16) bad(fmt::format("channel multipliers must be in [1, 16] (got {})", m));
  if (res_blocks < 1 || res_blocks > 8) bad(fmt::format("res_blocks = {} must be in [1, 8]", res_blocks));
  const int down = 1 << (mult.size() - 1);
  if (side < 1 || side % down != 0) bad(fmt::format("side = {} must be divisible by 2^(levels - 1) = {}", side, down));
  if (groups < 1) bad("groups must be >= 1");
  if (base % 2 != 0) bad("base must be even (the sinusoidal time embedding has base entries)");
}

}  // namespace td
