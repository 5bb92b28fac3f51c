#include "core/distributed.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/error.hpp"

#ifdef THERMODIFF_MPI
#include <mpi.h>
#endif

namespace td {
namespace {
Ranks& current() {
  static Ranks r;
  return r;
}
CommStats& stats() {
  static CommStats s;
  return s;
}
}  // namespace

const Ranks& ranks() { return current(); }
const CommStats& comm_stats() { return stats(); }

std::pair<int64_t, int64_t> rank_part(int64_t first, int64_t last, int64_t granule, int rank, int size) {
  const int64_t n = std::max<int64_t>(last - first, 0), g = std::max<int64_t>(granule, 1);
  const int64_t granules = (n + g - 1) / g;
  // Rank r takes granules [r G / size, (r + 1) G / size): contiguous, balanced within one granule.
  auto edge = [&](int r) { return std::min(n, (granules * r / size) * g); };
  return {first + edge(rank), first + edge(rank + 1)};
}

#ifdef THERMODIFF_MPI

bool mpi_built() { return true; }

namespace {

// Whether a launcher started this process as a rank: Open MPI's mpirun, MPICH's hydra, PMIx or
// Slurm set one of these. Without one the command is one rank and MPI is not started at all: Open
// MPI's singleton start-up (an orted daemon) costs about half a second per command, and every
// collective here returns at once for one rank.
bool launched_as_rank() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MPI_LOCALNRANKS", "SLURM_PROCID"})
    if (std::getenv(v)) return true;
  return false;
}

bool& started_here() {
  static bool s = false;
  return s;
}

}  // namespace

DistributedSession::DistributedSession(int* argc, char*** argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized && !launched_as_rank()) return;  // one rank: ranks() stays {0, 1}
  if (!initialized) MPI_Init(argc, argv), started_here() = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &current().rank);
  MPI_Comm_size(MPI_COMM_WORLD, &current().size);
  MPI_Comm node;  // the ranks sharing this machine: a rank's GPU is its local rank modulo the GPUs
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &current().local_rank);
  MPI_Comm_free(&node);
}

DistributedSession::~DistributedSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (started_here() && !finalized) MPI_Finalize();
}

void fail_if_injected() {
  static const char* v = std::getenv("THERMODIFF_TEST_FAIL_RANK");
  if (v && *v && std::atoi(v) == ranks().rank && ranks().size > 1)
    throw RunError("injected failure (THERMODIFF_TEST_FAIL_RANK=" + std::string(v) + ")");
}

void agree_on_failure(const std::exception_ptr& error) {
  const Ranks& r = ranks();
  if (r.size == 1) {
    if (error) std::rethrow_exception(error);
    return;
  }
  // The lowest failing rank (size if none), then its message.
  int mine = error ? r.rank : r.size, lowest = r.size;
  MPI_Allreduce(&mine, &lowest, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (lowest == r.size) return;
  std::string msg;
  if (r.rank == lowest) try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      msg = e.what();
    } catch (...) {
      msg = "unknown error";
    }
  uint64_t len = msg.size();
  MPI_Bcast(&len, 1, MPI_UINT64_T, lowest, MPI_COMM_WORLD);
  msg.resize(len);
  MPI_Bcast(msg.data(), int(len), MPI_CHAR, lowest, MPI_COMM_WORLD);
  if (r.rank == lowest) std::rethrow_exception(error);
  throw RunError(msg + (lowest == 0 ? "" : " (on rank " + std::to_string(lowest) + ")"));
}

void gather_parts(const std::vector<ItemArray>& outputs, int64_t first, int64_t last, int64_t granule) {
  const Ranks& r = ranks();
  if (r.size == 1) return;
  const double t0 = MPI_Wtime();
  for (const ItemArray& a : outputs) {
    // Each part is already in place on its owner; counts in items of a.width values (an MPI type of
    // that many bytes), so arrays beyond 2^31 bytes gather too.
    MPI_Datatype item;
    MPI_Type_contiguous(int(int64_t(a.width) * int64_t(a.bytes)), MPI_BYTE, &item);
    MPI_Type_commit(&item);
    std::vector<int> counts(size_t(r.size)), displs(size_t(r.size));
    for (int k = 0; k < r.size; ++k) {
      const auto [p0, p1] = rank_part(first, last, granule, k, r.size);
      const int64_t lo = std::clamp(p0, a.first, a.last), hi = std::clamp(p1, a.first, a.last);
      counts[size_t(k)] = int(hi - lo);
      displs[size_t(k)] = int(lo - a.first);
    }
    MPI_Allgatherv(MPI_IN_PLACE, 0, item, a.at, counts.data(), displs.data(), item, MPI_COMM_WORLD);
    MPI_Type_free(&item);
    int64_t all = 0;
    for (int c : counts) all += c;
    const double per_item = double(a.width) * double(a.bytes);
    stats().bytes_sent += per_item * counts[size_t(r.rank)];
    stats().bytes_received += per_item * double(all - counts[size_t(r.rank)]);
    ++stats().collectives;
  }
  stats().seconds += MPI_Wtime() - t0;
}

void broadcast_bytes(std::string& bytes) {
  if (ranks().size == 1) return;
  uint64_t len = bytes.size();
  MPI_Bcast(&len, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  bytes.resize(len);
  MPI_Bcast(bytes.data(), int(len), MPI_CHAR, 0, MPI_COMM_WORLD);
}

#else

bool mpi_built() { return false; }
DistributedSession::DistributedSession(int*, char***) {}
DistributedSession::~DistributedSession() = default;
void fail_if_injected() {}
void agree_on_failure(const std::exception_ptr& error) {
  if (error) std::rethrow_exception(error);
}
void gather_parts(const std::vector<ItemArray>&, int64_t, int64_t, int64_t) {}
void broadcast_bytes(std::string&) {}

#endif

}  // namespace td
