#pragma once
// The ranks of an MPI run (`mpirun -np N thermodiff run ...`, built with -DTHERMODIFF_MPI=ON): each
// rank computes a contiguous part of every distributed ensemble, in rank order, and the parts are
// gathered so that every rank holds the whole ensemble's per-item values; the reductions then run
// on the whole arrays in their fixed order, so the numbers are the same for any number of ranks (and
// without MPI). Without MPI, or outside mpirun, there is one rank and every call here is trivial.
// MPI's header is included by core/distributed.cpp alone.
#include <cstdint>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace td {

struct Ranks {
  int rank = 0, size = 1;
  int local_rank = 0;  // among the ranks on this machine (which GPU a rank takes)
  bool root() const { return rank == 0; }
};
// What this rank's collectives moved and how long they took (results.json's `mpi` section).
struct CommStats {
  double bytes_received = 0, bytes_sent = 0, seconds = 0;
  int64_t collectives = 0;
};
const CommStats& comm_stats();
// This process's rank and the number of ranks (MPI initialized by DistributedSession).
const Ranks& ranks();
// Whether this build has MPI.
bool mpi_built();

// MPI_Init / MPI_Finalize around the program's run (the CLI's main). Without MPI it does nothing.
class DistributedSession {
 public:
  DistributedSession(int* argc, char*** argv);
  ~DistributedSession();
  DistributedSession(const DistributedSession&) = delete;
  DistributedSession& operator=(const DistributedSession&) = delete;
};

// The ids [lo, hi) of items [first, last) that rank r computes: contiguous, in rank order, cut at
// multiples of `granule` (ensemble blocks) counted from `first`.
std::pair<int64_t, int64_t> rank_part(int64_t first, int64_t last, int64_t granule, int rank, int size);

// An output of a distributed loop: items [first, last) of `width` values each, item i's at
// at[(i - first) * width .. + width). It may cover part of the loop's items (the first `keep`
// trajectories' paths, say): each rank's part of it is its part of the loop clipped to [first, last).
struct ItemArray {
  void* at;  // item `first`
  int64_t first, last;
  int width;     // values per item
  size_t bytes;  // bytes per value
};
// Items [first, last) of an array indexed by item id from 0 (per-trajectory values), `width` each.
template <class T>
ItemArray items(std::vector<T>& v, int64_t first, int64_t last, int width = 1) {
  return {v.data() + first * width, first, last, width, sizeof(T)};
}
template <class T>
ItemArray items(T* indexed_from_0, int64_t first, int64_t last, int width = 1) {
  return {indexed_from_0 + first * width, first, last, width, sizeof(T)};
}

// After every rank computed its part (rank_part(first, last, granule)) of the loop over items
// [first, last) into each output, every rank gets every part (in place). Collective: every rank calls
// it with the same outputs.
void gather_parts(const std::vector<ItemArray>& outputs, int64_t first, int64_t last, int64_t granule);
// The ranks agree on failure at the same point: if any rank's `error` is set, every rank throws —
// the lowest failing rank its own exception, the others RunError with its message (rank 0 prints
// it) — so no rank waits forever in a collective and no output is written.
void agree_on_failure(const std::exception_ptr& error);

// Fault injection for the tests of failure handling: THERMODIFF_TEST_FAIL_RANK=k makes rank k's part of
// every distributed loop throw RunError (only under mpirun with more than one rank).
void fail_if_injected();

// A distributed loop over items [first, last): run_part(lo, hi) computes this rank's part (contiguous,
// cut at multiples of `granule`), then the ranks agree on failure and gather `outputs`. With one rank
// it is run_part(first, last), exceptions untouched.
template <class F>
void distributed_loop(int64_t first, int64_t last, int64_t granule, F&& run_part, const std::vector<ItemArray>& outputs) {
  const Ranks& r = ranks();
  if (r.size == 1) return run_part(first, last);
  const auto [lo, hi] = rank_part(first, last, granule, r.rank, r.size);
  std::exception_ptr error;
  try {
    fail_if_injected();
    run_part(lo, hi);
  } catch (...) {
    error = std::current_exception();
  }
  agree_on_failure(error);
  gather_parts(outputs, first, last, granule);
}
// Rank 0's bytes on every rank.
void broadcast_bytes(std::string& bytes);

}  // namespace td
