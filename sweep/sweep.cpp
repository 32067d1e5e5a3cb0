#include "sweep/sweep.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "ca/error.h"
#include "ca/files.h"
#include "provider/error.h"
#include "report/zoo_page.h"
#include "sweep/behaviour.h"
#include "sweep/coordinator.h"
#include "sweep/workers.h"

namespace carl::sweep {

using nlohmann::json;

namespace {

const char* kRecords = "records.jsonl";
const char* kStoredSweep = "sweep.yaml";

std::string describe(const Job& j) {
  return fmt::format("job {} ({}, {}, {}, seed {})", j.id, j.rule.name, j.regime.name,
                     j.setting.name, j.seed);
}

}  // namespace

json without_timings(json record) {
  for (const std::string& k : timing_fields()) record.erase(k);
  return record;
}

std::vector<json> read_records(const std::string& path, const SweepPlan& plan,
                               std::uint64_t* valid_bytes) {
  const std::filesystem::path p(path);
  const std::string text = ca::read_nofollow(p.parent_path().string(), p.filename().string());
  // A line without its newline was torn by a kill while being appended: left out (and cut off
  // by the next writer), its job run again.
  const std::size_t end = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  if (valid_bytes) *valid_bytes = end;
  std::vector<json> records;
  std::vector<bool> seen(std::size_t(plan.size()), false);
  std::size_t at = 0;
  for (int line = 1; at < end; ++line) {
    const std::size_t nl = text.find('\n', at);
    const std::string_view body(text.data() + at, nl - at);
    at = nl + 1;
    auto bad = [&](const std::string& what) {
      return InputError(fmt::format("{}:{}: {}", path, line, what));
    };
    json r;
    try {
      r = json::parse(body);
    } catch (const json::exception&) {
      throw bad("not a JSON record (a damaged file: move it away to start the sweep afresh)");
    }
    if (!r.is_object() || !r.contains("job") || !r["job"].is_number_unsigned())
      throw bad("a record needs a job id (\"job\": a non-negative integer)");
    const std::uint64_t id = r["job"].get<std::uint64_t>();
    if (id >= plan.size())
      throw bad(fmt::format("job {} is not in the sweep, which has {} jobs", id, plan.size()));
    if (seen[std::size_t(id)]) throw bad(fmt::format("job {} is recorded twice", id));
    seen[std::size_t(id)] = true;
    const Job j = plan.job(id);
    for (const auto& [key, want] : record_identity(j))
      if (!r.contains(key) || r[key] != want)
        throw bad(fmt::format("job {}: {} is {}, but the sweep's job {} has {}", id, key,
                              r.contains(key) ? printable(r[key].dump()) : "missing", id,
                              printable(want.dump())));
    for (const char* key : {"exact", "halted", "false_halt"})
      if (!r.contains(key) || !r[key].is_boolean())
        throw bad(fmt::format("job {}: {} must be true or false", id, key));
    for (const char* key : {"trajectories", "wrong_entries", "unknown_entries"})
      if (!r.contains(key) || !r[key].is_number_integer())
        throw bad(fmt::format("job {}: {} must be an integer", id, key));
    records.push_back(std::move(r));
  }
  return records;
}

json run_plan_job(const SweepPlan& plan, std::uint64_t id, const std::string& provider_exe) {
  const Job j = plan.job(id);
  try {
    json r = run_job(j.rule, j.regime, j.setting, j.seed, provider_exe);
    r["job"] = id;
    return r;
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", describe(j), e.what()));
  } catch (const std::exception& e) {
    throw InternalError(fmt::format("{}: {}", describe(j), e.what()));
  }
}

Coordinator::Coordinator(const SweepOptions& options)
    : options_(options),
      text_(ca::read_text_file(options.sweep_file)),
      plan_(SweepPlan::parse(text_, options.sweep_file)) {
  if (options_.out_dir.empty()) options_.out_dir = "sweeps/" + plan_.name();
  const std::string& dir = options_.out_dir;
  ca::make_directories(dir);
  ca::require_real_directory(dir);
  const std::string records = dir + "/" + kRecords;
  fd_ = ::open(records.c_str(), O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw InputError(fmt::format("{}: cannot open: {}", records,
                                 errno == ELOOP ? "a symbolic link (refused)" : strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
    throw InputError(fmt::format("{}: another carl sweep is writing this directory", dir));
  // The directory holds one sweep: the file it was started with, byte for byte.
  if (ca::entry_exists(dir, kStoredSweep)) {
    if (ca::read_nofollow(dir, kStoredSweep) != text_)
      throw InputError(
          fmt::format("{}: {}/{} holds a different sweep file; give the same one, or another --out",
                      options_.sweep_file, dir, kStoredSweep));
  } else {
    // carl writes sweep.yaml before any record: records without it are another sweep's.
    struct stat held {};
    if (::fstat(fd_, &held) == 0 && held.st_size > 0)
      throw InputError(
          fmt::format("{}: {} holds records but no {}: not this sweep's; give another --out",
                      printable(dir), kRecords, kStoredSweep));
    ca::write_durably(dir, kStoredSweep, text_);
  }
  std::uint64_t valid = 0;
  const std::vector<json> done = read_records(records, plan_, &valid);
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && std::uint64_t(st.st_size) != valid) {
    if (::ftruncate(fd_, off_t(valid)) != 0 || ::fsync(fd_) != 0)
      throw InputError(
          fmt::format("{}: cannot cut off the torn last line: {}", records, strerror(errno)));
    std::fprintf(stderr, "carl sweep: %s: dropped a torn last line (its job runs again)\n",
                 records.c_str());
  }
  done_.assign(std::size_t(plan_.size()), false);
  for (const json& r : done) done_[r["job"].get<std::size_t>()] = true;
  finished_ = done.size();
}

std::string Coordinator::describe(std::uint64_t id) const {
  return sweep::describe(plan_.job(id));
}

Coordinator::~Coordinator() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::uint64_t> Coordinator::next() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (failure_) return std::nullopt;
  while (cursor_ < plan_.size() && done_[std::size_t(cursor_)]) ++cursor_;
  if (cursor_ >= plan_.size()) return std::nullopt;
  return cursor_++;
}

void Coordinator::finish(const json& record, const std::string& where) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::uint64_t id = record.at("job").get<std::uint64_t>();
  const Job j = plan_.job(id);
  CARL_CHECK(is_record_of(record, j) && !done_[std::size_t(id)],
             "a record that is not job {}'s, or job {} twice", id, id);
  const std::string line = record.dump() + "\n";
  // One write of the whole line (O_APPEND), then fsync: a kill leaves at most a torn last line.
  if (!ca::write_fully(fd_, line))
    throw InputError(
        fmt::format("{}/{}: write failed: {}", options_.out_dir, kRecords, strerror(errno)));
  if (::fsync(fd_) != 0)
    throw InputError(
        fmt::format("{}/{}: fsync failed: {}", options_.out_dir, kRecords, strerror(errno)));
  done_[std::size_t(id)] = true;
  ++finished_;
  ++ran_;
  std::fprintf(stderr, "carl sweep: %llu/%llu  %s%s%s: %s, %d trajectories, %.1f s\n",
               static_cast<unsigned long long>(finished_),
               static_cast<unsigned long long>(plan_.size()), sweep::describe(j).c_str(),
               where.empty() ? "" : " on ", where.c_str(),
               record.value("exact", false)    ? "exact"
               : record.value("halted", false) ? "halted, not exact"
                                               : "budget spent",
               record.value("trajectories", 0), record.value("seconds", 0.0));
}

void Coordinator::finish(std::uint64_t id, const json& record, const std::string& where) {
  CARL_CHECK(record.contains("job") && record["job"] == id, "the record for job {} names job {}",
             id, record.contains("job") ? record["job"].dump() : "none");
  finish(record, where);
}

void Coordinator::fail(const std::string& message, bool input) {
  std::lock_guard<std::mutex> lock(mutex_);
  failure_.note(message, input);
}

SweepResult Coordinator::conclude() {
  failure_.throw_if_any();
  SweepResult result{options_.out_dir, plan_.size(), ran_, ""};
  if (finished_ < plan_.size()) return result;  // CARL_CHECK-worthy; kept benign
  std::vector<json> records = read_records(options_.out_dir + "/" + kRecords, plan_);
  std::sort(records.begin(), records.end(),
            [](const json& a, const json& b) { return a["job"] < b["job"]; });
  json runs = json::array();
  double seconds = 0;
  for (json& r : records) {
    seconds += r.value("seconds", 0.0);
    const Job job = plan_.job(r["job"].get<std::uint64_t>());
    r["behaviour"] = rule_behaviour(job.rule.table, job.regime);
    runs.push_back(std::move(r));
  }
  const ZooSummary summary = summarize(runs, "Sweep — " + plan_.name(), seconds);
  ca::write_durably(options_.out_dir, "summary.md", summary.markdown);
  const json page{{"runs", runs}, {"summary", summary.rows}};
  ca::write_durably(options_.out_dir, "summary.html", report::zoo_html(page));
  for (const auto& [id, picture] : report::zoo_figures(page))
    ca::write_durably(options_.out_dir, "summary-" + id + ".png", picture.png);
  result.summary_md = options_.out_dir + "/summary.md";
  return result;
}

int serve_jobs(const std::string& sweep_file, const std::string& provider_exe) {
  const SweepPlan plan = SweepPlan::load(sweep_file);
  return serve_jobs([&](std::uint64_t id) {
    if (id >= plan.size()) throw InternalError(fmt::format("no job {}", id));
    return run_plan_job(plan, id, provider_exe);
  });
}

void run_local_jobs(Coordinator& c, const SweepOptions& options, const std::string& where) {
  run_jobs(
      c, options.jobs, options.worker_command,
      [&](std::uint64_t id) { return run_plan_job(c.plan(), id, options.provider_exe); }, where);
}

int launcher_world_size() {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* v = std::getenv(var)) return std::max(1, std::atoi(v));
  return 1;
}

SweepResult run_sweep(const SweepOptions& options) {
  if (options.jobs < 0 || options.jobs > 1024)
    throw InputError(fmt::format("--jobs {}: expected 0..1024", options.jobs));
  if (launcher_world_size() > 1) return run_sweep_mpi(options);
  // Without ranks to hand jobs to, 0 would run nothing; it is not quietly taken as 1.
  if (options.jobs == 0)
    throw InputError(
        "--jobs 0 (rank 0 only hands out jobs) needs mpirun with several ranks; here give "
        "--jobs 1 or more");
  Coordinator c(options);
  run_local_jobs(c, options);
  return c.conclude();
}

#ifndef CARL_HAVE_MPI
SweepResult run_sweep_mpi(const SweepOptions&) {
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  if (rank && std::atoi(rank) != 0) std::_Exit(2);  // rank 0 says why
  throw InputError(
      "carl sweep: started by mpirun with several ranks, but this carl was built without MPI "
      "(configure with -DCARL_MPI=ON and Open MPI installed, or run it without mpirun, with "
      "--jobs N)");
}
#endif

}  // namespace carl::sweep
