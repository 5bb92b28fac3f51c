#include <Random123/philox.h>

#include "common.hpp"
#include "core/philox.hpp"
#include "core/stats.hpp"

namespace td {

TEST(Philox, MatchesRandom123BitForBit) {
  r123::Philox4x32 ref;
  for (uint32_t i = 0; i < 200; ++i) {
    const uint32_t c[4] = {i * 2654435761u, ~i, i ^ 0xDEADBEEFu, i * 7u}, k[2] = {i * 40503u + 1, 0x12345678u ^ i};
    r123::Philox4x32::ctr_type rc = {{c[0], c[1], c[2], c[3]}};
    r123::Philox4x32::key_type rk = {{k[0], k[1]}};
    const auto want = ref(rc, rk);
    uint32_t got[4];
    philox4x32_10(c[0], c[1], c[2], c[3], k[0], k[1], got);
    for (int j = 0; j < 4; ++j) ASSERT_EQ(got[j], want.v[j]) << "counter " << i << " word " << j;
  }
}

TEST(Rng, BlockNormalsMatchScalarAndDependOnlyOnIdentity) {
  const RngKey key{42, Stream::Forward};
  std::vector<uint64_t> ids(64), shuffled(64);
  for (int i = 0; i < 64; ++i) ids[i] = 1000 + uint64_t(i), shuffled[i] = 1000 + uint64_t((i * 37) % 64);
  Mat Z, Zs;
  normal_block(key, ids.data(), 64, 7, 5, Z);
  normal_block(key, shuffled.data(), 64, 7, 5, Zs);
  for (int i = 0; i < 64; ++i)
    for (int j = 0; j < 5; ++j) {
      const double s = normal_at(key, ids[i], 7, j);
      EXPECT_NEAR(Z(i, j), s, 1e-13 * std::max(1.0, std::abs(s)));  // vector libm vs scalar libm
    }
  for (int i = 0; i < 64; ++i) EXPECT_EQ(Zs(i, 0), Z((i * 37) % 64, 0));  // same id -> same numbers
}

// The lane generator (used for full groups of 8) and the scalar one (tails) give the same bits:
// ids above 2^32 exercise the high counter word, n = 21 a tail.
TEST(Rng, LaneUniformsEqualScalarBitForBit) {
  const RngKey key{0x123456789ULL, Stream::Reverse};
  std::vector<uint64_t> ids(21);
  for (int i = 0; i < 21; ++i) ids[i] = (uint64_t(i % 3) << 32) + 977 * uint64_t(i);
  Mat U;
  uniform_block(key, ids.data(), 21, 5, 3, U);
  for (int i = 0; i < 21; ++i)
    for (int j = 0; j < 3; ++j) ASSERT_EQ(U(i, j), uniform_at(key, ids[i], 5, j)) << "id " << ids[i] << " j " << j;
  for (uint32_t i = 0; i < 50; ++i) {
    V8u c[4];
    uint32_t want[8][4];
    for (int l = 0; l < 8; ++l) {
      const uint32_t w[4] = {i * 2654435761u + l, ~i ^ (l << 7), i ^ 0xDEADBEEFu, i * 7u + l * 13u};
      for (int q = 0; q < 4; ++q) c[q][l] = w[q];
      philox4x32_10(w[0], w[1], w[2], w[3], i * 40503u + 1, 0x12345678u ^ i, want[l]);
    }
    V8u got[4];
    philox4x32_10_lanes(c[0], c[1], c[2], c[3], i * 40503u + 1, 0x12345678u ^ i, got);
    for (int l = 0; l < 8; ++l)
      for (int q = 0; q < 4; ++q) ASSERT_EQ(got[q][l], want[l][q]) << "lane " << l << " word " << q;
  }
}

TEST(Rng, NormalMomentsWithinStandardError) {
  const uint64_t seed = 7;
  test::print_seed(seed);
  const int n = 1 << 16;
  std::vector<uint64_t> ids(n);
  for (int i = 0; i < n; ++i) ids[i] = uint64_t(i);
  Mat Z;
  normal_block({seed, Stream::User}, ids.data(), n, 3, 2, Z);
  for (int j = 0; j < 2; ++j) {
    Moments m;
    for (int i = 0; i < n; ++i) m.add(Z(i, j));
    EXPECT_NEAR(m.mean(), 0.0, 4 * m.mean_se());
    EXPECT_NEAR(m.variance(), 1.0, 4 * m.variance_se());
    EXPECT_NEAR(m.k4(), 0.0, 4 * std::sqrt(24.0 / n));
  }
  Moments corr;
  for (int i = 0; i < n; ++i) corr.add(Z(i, 0) * Z(i, 1));
  EXPECT_NEAR(corr.mean(), 0.0, 4 * corr.mean_se());
}

}  // namespace td
