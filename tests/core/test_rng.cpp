#include <Random123/philox.h>

#include <algorithm>
#include <cstdio>

#include "common.hpp"
#include "core/lane_normal.hpp"
#include "core/philox.hpp"
#include "core/rng_audit.hpp"
#include "core/rng_draw.hpp"
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

// The lane Box-Muller's own log and sin/cos (core/lane_normal.hpp) against long-double libm, over
// Philox uniforms and the edge cases: log within 4 ulp of the result, cos/sin within 4 ulp of 1
// (an absolute bound: Box-Muller multiplies them by r, and near their zeros a relative one means
// nothing).
TEST(Rng, LaneLogAndSinCosWithinFourUlp) {
  std::vector<double> u = {0.0, k2m53, 1.0 - k2m53, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1.0 / 3,
                           1.0 - 0.70710678118654752, 1.0 - 0.70710678118654757, 0.5 - k2m53, 0.5 + k2m53};
  for (uint64_t i = 0; i < 4000; ++i) u.push_back(uniform_at({5, Stream::User}, i, 0, 0));
  for (int e = 1; e <= 53; ++e) u.push_back(1.0 - std::ldexp(1.0, -e));  // 1 - u = 2^-e: every binade
  const long double two_pi = 6.283185307179586476925286766559L;
  double worst_log = 0, worst_trig = 0;
  for (size_t i = 0; i < u.size(); i += kLanes) {
    V8 g;
    for (int l = 0; l < kLanes; ++l) g[l] = u[std::min(i + size_t(l), u.size() - 1)];
    const V8 lg = log_unit_interval(1.0 - g);
    V8 c, s;
    sincos_turns(g, c, s);
    for (int l = 0; l < kLanes; ++l) {
      const long double y = 1.0L - g[l], want = std::log(y);
      if (want != 0) worst_log = std::max(worst_log, double(std::abs((lg[l] - want) / want)));
      else EXPECT_EQ(lg[l], 0.0);
      worst_trig = std::max({worst_trig, double(std::abs(c[l] - std::cos(two_pi * g[l]))),
                             double(std::abs(s[l] - std::sin(two_pi * g[l])))});
    }
  }
  std::printf("lane log: worst relative error %.3g; sin/cos: worst absolute error %.3g (ulp of 1 = 2.2e-16)\n",
              worst_log, worst_trig);
  EXPECT_LE(worst_log, 4 * 2.220446049250313e-16);
  EXPECT_LE(worst_trig, 4 * 2.220446049250313e-16);
}

// A tail of a block (fewer than eight ids) gives the bits the same ids get in a full group.
TEST(Rng, NormalsOfATailEqualThoseOfAFullGroup) {
  const RngKey key{77, Stream::Forward};
  std::vector<uint64_t> ids(24);
  for (int i = 0; i < 24; ++i) ids[size_t(i)] = 500 + uint64_t(i);
  Mat full, tail;
  normal_block(key, ids.data(), 24, 3, 5, full);
  normal_block(key, ids.data() + 16, 5, 3, 5, tail);
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) ASSERT_EQ(tail(i, j), full(16 + i, j)) << "id " << ids[size_t(16 + i)] << " j " << j;
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

// The counter packing is injective: substream bits never alias an id's high bits, the lane and scalar
// draws agree for every substream, and draws outside the packing's range are refused.
TEST(Rng, SubstreamsAreDistinctStreamsAndRangesAreChecked) {
  std::vector<uint64_t> ids(8);
  for (int i = 0; i < 8; ++i) ids[size_t(i)] = (uint64_t(1) << 40) + uint64_t(i);  // ids above 2^32
  Mat Z0, Z1, Z2;
  normal_block({3, Stream::Forward, 0}, ids.data(), 8, 2, 3, Z0);
  normal_block({3, Stream::Forward, 1}, ids.data(), 8, 2, 3, Z1);
  normal_block({3, Stream::Forward, kMaxSubstream}, ids.data(), 8, 2, 3, Z2);
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 3; ++j) {
      EXPECT_NE(Z0(i, j), Z1(i, j));
      EXPECT_NE(Z1(i, j), Z2(i, j));
      EXPECT_NEAR(Z1(i, j), normal_at({3, Stream::Forward, 1}, ids[size_t(i)], 2, j), 1e-12);
    }
  // (substream 1, id) and (substream 0, id + 2^48) would share a counter: ids that large are refused.
  EXPECT_NE(counter_c2(5, 1), counter_c2(uint64_t(1) << 32, 0));
  EXPECT_THROW(normal_at({3, Stream::Forward}, kMaxDrawId, 0, 0), std::logic_error);
  EXPECT_THROW(normal_at({3, Stream::Forward}, 0, uint64_t(1) << 32, 0), std::logic_error);
  EXPECT_THROW((RngKey{3, Stream::Forward, kMaxSubstream + 1}), std::logic_error);
  // Substream 0 keeps the numbers of the streams from before substreams existed (a pinned value).
  EXPECT_NEAR(normal_at({42, Stream::Forward}, 7, 3, 1), normal_at({42, Stream::Forward, 0}, 7, 3, 1), 0.0);
}

// The audit: the same key handed around is one stream; keys made in two places that draw the same
// numbers, or one step drawn as uniforms and as normals, are conflicts.
TEST(RngAudit, FindsSharedNumbersAndNothingElse) {
  std::vector<uint64_t> ids(8);
  for (int i = 0; i < 8; ++i) ids[size_t(i)] = uint64_t(i);
  Mat Z, U;
  {
    RngAudit audit;
    const RngKey shared{9, Stream::User};
    normal_block(shared, ids.data(), 8, 0, 2, Z);  // one key used twice: common random numbers
    normal_block(shared, ids.data(), 8, 0, 2, Z);
    normal_block({9, Stream::User, 1}, ids.data(), 8, 0, 2, Z);  // another substream
    normal_block({9, Stream::User}, ids.data(), 8, 1, 2, Z);     // another step
    EXPECT_TRUE(audit.conflicts().empty());
    EXPECT_EQ(audit.streams().size(), 2u);
    EXPECT_EQ(audit.streams()[0].sites.size(), 2u);  // made at two lines, but no step drawn by both
  }
  {
    RngAudit audit;
    normal_block({9, Stream::User}, ids.data(), 8, 0, 2, Z);
    normal_block({9, Stream::User}, ids.data(), 8, 0, 2, Z);  // made again elsewhere: the same numbers
    ASSERT_EQ(audit.conflicts().size(), 1u);
    EXPECT_NE(audit.conflicts()[0].find("tests/core/test_rng.cpp"), std::string::npos) << audit.conflicts()[0];
  }
  {
    RngAudit audit;
    const RngKey key{9, Stream::User};
    uniform_block(key, ids.data(), 8, 4, 1, U);
    normal_block(key, ids.data(), 8, 4, 2, Z);  // the same bits as the uniforms
    ASSERT_EQ(audit.conflicts().size(), 1u);
    EXPECT_NE(audit.conflicts()[0].find("uniforms and as normals"), std::string::npos) << audit.conflicts()[0];
  }
  EXPECT_EQ(active_rng_audit(), nullptr);
}

}  // namespace td
