#pragma once
// The divergence of any score at one time: exact (Score::score_divergence) when no probes are
// given, else Hutchinson's estimate mean_p v_p^T (ds/dx) v_p over the given probes (n x d each) —
// by forward-mode products for networks (NetworkScore), by the Jacobian for scores that have one.
#include <vector>

#include "score/score.hpp"

namespace td {

// Throws InputError naming the score if it cannot provide what is asked (checked up front).
void require_divergence(const Score& s, int probes, const char* who);
void score_and_divergence(const Score& s, const Mat& X, double t, const std::vector<Mat>& probes, Mat& S, Vec& div);
// The same with a time per row: networks evaluate the whole batch in one call
// (NetworkScore::score_divergence_rows); other scores run by runs of equal consecutive times.
void score_and_divergence(const Score& s, const Mat& X, const Vec& t, const std::vector<Mat>& probes, Mat& S, Vec& div);

}  // namespace td
