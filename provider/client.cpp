#include "provider/client.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ca/choice.h"
#include "ca/files.h"
#include "ca/rulestring.h"
#include "provider/error.h"
#include "provider/limits.h"
#include "provider/process.h"
#include "provider/protocol.h"

namespace carl::provider {
namespace {

Clock::time_point deadline_after(double seconds) {
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

ca::Trajectory TrajectorySource::next() {
  ca::Trajectory t = fetch(next_index());
  ++requests_;
  return t;
}

// ---------------------------------------------------------------------------------------------
Client::Client(const std::vector<std::string>& argv, ClientOptions options)
    : argv_(argv), options_(options) {
  process_ = std::make_unique<ChildProcess>(argv);
  const std::string line =
      read_reply(deadline_after(options_.timeout_s), "its greeting", "before its greeting");
  if (line.rfind("ERROR ", 0) == 0) {
    process_->finish(deadline_after(1));
    throw ProviderError(
        fmt::format("{} refused to start: {}", who(), printable(line.substr(6, 300))));
  }
  shape_ = parse_greeting(line, "'" + printable(process_->command()) + "'");
  if (options_.expect && !(shape_ == *options_.expect)) {
    const Shape& e = *options_.expect;
    throw ProviderError(
        fmt::format("{} serves {}x{} frames (HxW), T = {}, {}; the config says {}x{}, T = {}, {}",
                    who(), shape_.height, shape_.width, shape_.steps, choice_name(shape_.mode),
                    e.height, e.width, e.steps, choice_name(e.mode)));
  }
  try {
    require_fits(client_bytes(shape_),
                 fmt::format("{}: a trajectory of {} frames of {}x{} (HxW)", who(),
                             shape_.steps + 1, shape_.height, shape_.width));
  } catch (const ProviderError&) {
    throw;
  } catch (const InputError& e) {
    throw ProviderError(e.what());
  }
}

Client::~Client() {
  if (!process_) return;
  try {
    if (process_->running()) {
      process_->write_all("QUIT\n");
      process_->close_stdin();
      process_->finish(deadline_after(1.0));
    }
  } catch (const std::exception&) {
    // The process is killed and reaped by ~ChildProcess.
  }
}

std::string Client::who() const {
  return fmt::format("provider '{}'", printable(argv_.at(0)));
}

std::string Client::read_reply(Clock::time_point deadline, const std::string& awaited,
                               const std::string& instead) {
  std::string line;
  if (process_->read_line(line, deadline, awaited)) return line;
  const std::string how = process_->finish(deadline_after(1)).describe("closed its output");
  throw ProviderError(fmt::format("{} {} {}{}", who(), how, instead, process_->stderr_tail()));
}

void Client::start(int index) {
  const auto deadline = deadline_after(options_.timeout_s);
  process_->write_all(fmt::format("START {}\n", index));
  const std::string line = read_reply(deadline, fmt::format("its answer to START {}", index),
                                      fmt::format("instead of answering START {}", index));
  if (line != fmt::format("STARTED {}", index))
    throw ProviderError(fmt::format(
        "{} cannot start at trajectory {} (it answered '{}'); resuming a run needs a provider "
        "that supports START (docs/provider-protocol.md)",
        who(), index, printable(line.substr(0, 80))));
  next_seq_ = index;
}

int Client::pid() const {
  return process_->pid();
}

ca::Trajectory Client::fetch(int index) {
  if (index != next_seq_) start(index);
  const auto deadline = deadline_after(options_.timeout_s);
  process_->write_all("NEXT\n");
  const std::string line = read_reply(deadline, fmt::format("trajectory {}'s header", index),
                                      fmt::format("instead of sending trajectory {}", index));
  if (line.rfind("ERROR ", 0) == 0)
    throw ProviderError(
        fmt::format("{} refused trajectory {}: {}", who(), index, printable(line.substr(6, 200))));
  const TrajectoryHeader h = parse_trajectory_header(line, who());
  const long long seq = h.seq, bytes = h.bytes;
  const std::string& hex = h.checksum;
  const std::size_t want = payload_bytes(shape_);
  if (bytes != static_cast<long long>(want))
    throw ProviderError(
        fmt::format("{} announced {} bytes for a {}x{}x{} trajectory, which takes "
                    "{}",
                    who(), bytes, shape_.steps + 1, shape_.height, shape_.width, want));
  if (seq != index)
    throw ProviderError(fmt::format("{} numbered trajectory {} as {}", who(), index, seq));
  std::string payload;
  const std::size_t got = process_->read_exact(payload, want, deadline);
  if (got < want) {
    const std::string how = process_->finish(deadline_after(1)).describe("closed its output");
    throw ProviderError(fmt::format("{} sent a truncated reply: {} of {} bytes, then {}{}", who(),
                                    got, want, how, process_->stderr_tail()));
  }
  if (fmt::format("{:016x}", fnv1a64(payload)) != hex)
    throw ProviderError(
        fmt::format("{} sent trajectory {} with a wrong checksum (corrupted)", who(), index));
  next_seq_ = index + 1;
  return unpack_frames(payload, shape_);
}

std::optional<std::string> Client::reveal() {
  process_->write_all("REVEAL\n");
  const std::string line = read_reply(deadline_after(options_.timeout_s), "its answer to REVEAL",
                                      "instead of answering REVEAL");
  if (line.rfind("RULE ", 0) == 0) {
    // Checked here, so that a provider revealing garbage is named as the culprit.
    const std::string rule = printable(line.substr(5, 200));
    try {
      ca::parse_rule(rule);
    } catch (const InputError&) {
      throw ProviderError(fmt::format("{} answered REVEAL with '{}', which is not a rulestring",
                                      who(), printable(line.substr(5, 60))));
    }
    return rule;
  }
  if (line.rfind("ERROR ", 0) == 0) return std::nullopt;
  throw ProviderError(fmt::format("{} sent a malformed reply to REVEAL: '{}'", who(),
                                  printable(line.substr(0, 60))));
}

// ---------------------------------------------------------------------------------------------
RleCommandSource::RleCommandSource(std::vector<std::string> argv, ca::Boundary mode,
                                   ClientOptions options)
    : argv_(std::move(argv)), options_(options) {
  if (argv_.empty()) throw ProviderError("external provider command is empty");
  shape_.mode = mode;
}

ca::Trajectory RleCommandSource::fetch(int index) {
  ChildProcess child(argv_, {fmt::format("CARL_REQUEST={}", index)});
  child.close_stdin();
  const auto deadline = deadline_after(options_.timeout_s);
  const std::string text =
      child.read_to_eof(deadline, static_cast<std::size_t>(std::min<std::uint64_t>(
                                      memory_limit() / 4, std::uint64_t(1) << 30)));
  const ProcessEnd end = child.finish(deadline);
  const std::string who = fmt::format("external provider '{}'", printable(argv_[0]));
  if (!end.succeeded())
    throw ProviderError(fmt::format("{} {} on request {}{}", who, end.describe("closed its output"),
                                    index, child.stderr_tail()));
  ca::Trajectory t;
  try {
    t = ca::trajectory_from_rle(text, fmt::format("{} (request {})", who, index),
                                rle_trajectory_cells());
  } catch (const InputError& e) {
    throw ProviderError(e.what());
  }
  if (t.frames.size() < 2)
    throw ProviderError(
        fmt::format("{} printed {} frame(s) on request {}; a trajectory needs at "
                    "least 2",
                    who, t.frames.size(), index));
  const Shape s{t.frames[0].height(), t.frames[0].width(), t.steps(), shape_.mode};
  if (shape_.height == 0) {
    if (options_.expect && !(s == *options_.expect)) {
      const Shape& e = *options_.expect;
      throw ProviderError(fmt::format(
          "{} printed {}x{} frames (HxW), T = {} on request {}; the config says {}x{}, T = {}", who,
          s.height, s.width, s.steps, index, e.height, e.width, e.steps));
    }
    shape_ = s;
  } else if (!(s == shape_)) {
    throw ProviderError(fmt::format(
        "{} changed shape on request {}: {} frames of {}x{} (HxW), before {} of {}x{}", who, index,
        s.steps + 1, s.height, s.width, shape_.steps + 1, shape_.height, shape_.width));
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
TrajectoryStore::TrajectoryStore(std::string directory, std::optional<Shape> expect)
    : dir_(std::move(directory)), expect_(std::move(expect)) {
  std::error_code ec;
  if (!std::filesystem::is_symlink(dir_, ec)) ca::make_directories(dir_);  // a link: refused below
  ca::require_real_directory(dir_);
}

namespace {
std::string trajectory_name(int index) {
  return fmt::format("trajectory-{:03d}.rle", index);
}
// The numbers of the trajectory-NNN.rle files in `dir` (any count of digits), sorted.
std::vector<int> stored_numbers(const std::string& dir) {
  std::vector<int> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.size() < 16 || n.rfind("trajectory-", 0) != 0 || n.substr(n.size() - 4) != ".rle")
      continue;
    const std::string digits = n.substr(11, n.size() - 15);
    if (digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    const int k = std::stoi(digits);
    if (trajectory_name(k) == n) out.push_back(k);
  }
  if (ec) throw InputError(fmt::format("{}: cannot list: {}", dir, ec.message()));
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

std::string TrajectoryStore::path(int index) const {
  return dir_ + "/" + trajectory_name(index);
}

namespace {
constexpr std::string_view kDigestLine = "#C carl trajectory ";
std::string digest_line(int index, const std::string& rle) {
  return fmt::format("{}{} digest {:016x}\n", kDigestLine, index,
                     fnv1a64(fmt::format("{}\n{}", index, rle)));
}
bool has_digest_line(const std::string& text) {
  return text.rfind(kDigestLine, 0) == 0;
}
// A stored file's text against its digest line (a comment, left in for the RLE reader).
void check_digest(const std::string& text, int index, const std::string& path) {
  const std::size_t eol = text.find('\n');
  const std::string rest = eol == std::string::npos ? "" : text.substr(eol + 1);
  if (text.substr(0, eol + 1) == digest_line(index, rest)) return;
  long long stored_as = -1;
  const std::string line = text.substr(0, eol);
  if (std::sscanf(line.c_str() + kDigestLine.size(), "%lld", &stored_as) == 1 &&
      stored_as != index && text.substr(0, eol + 1) == digest_line(int(stored_as), rest))
    throw InputError(fmt::format(
        "{}: holds trajectory {}, not {} (copied over another file since carl stored it)", path,
        stored_as, index));
  throw InputError(fmt::format(
      "{}: changed since carl stored it (its digest line does not match the file)", path));
}
}  // namespace

std::string TrajectoryStore::save(const ca::Trajectory& t, int index) const {
  const std::string rle = ca::trajectory_to_rle(t);
  ca::write_durably(dir_, trajectory_name(index), digest_line(index, rle) + rle,
                    /*replace=*/false);
  return path(index);
}

int TrajectoryStore::count() const {
  const std::vector<int> k = stored_numbers(dir_);
  for (std::size_t i = 0; i < k.size(); ++i)
    if (k[i] != static_cast<int>(i))
      throw InputError(fmt::format(
          "{}: trajectory {} is stored but {} is missing (a gap in the numbering; carl will "
          "not ask for it again and overwrite the later ones)",
          path(k[i]), k[i], path(static_cast<int>(i))));
  return static_cast<int>(k.size());
}

std::vector<ca::Trajectory> TrajectoryStore::load() const {
  std::vector<ca::Trajectory> out;
  const int n = count();
  // Files without a digest line come before every file with one (a run written before the line
  // existed, continued since); one after them was not stored by carl.
  // (Refused after the loop: a file's own faults, its shape, say more.)
  bool digested = false;
  std::string planted;  // the first file without the line after one with it
  for (int k = 0; k < n; ++k) {
    const std::string p = path(k);
    const std::string text = ca::read_nofollow(dir_, trajectory_name(k));
    if (has_digest_line(text)) {
      check_digest(text, k, p);
      digested = true;
    } else if (digested && planted.empty()) {
      planted = p;
    }
    ca::Trajectory t = ca::trajectory_from_rle(text, p, rle_trajectory_cells());
    if (t.frames.size() < 2)
      throw InputError(
          fmt::format("{}: {} frame(s); a trajectory needs at least 2", p, t.frames.size()));
    const Shape s{t.frames[0].height(), t.frames[0].width(), t.steps(),
                  expect_ ? expect_->mode : ca::Boundary::torus};
    if (s.height < 1 || s.width < 1)
      throw InputError(fmt::format("{}: frames of {}x{} cells are empty", p, s.width, s.height));
    const Shape& want = expect_ ? *expect_ : s;
    const Shape first = out.empty() ? want
                                    : Shape{out[0].frames[0].height(), out[0].frames[0].width(),
                                            out[0].steps(), want.mode};
    if (!(s == want) || !(s == first)) {
      const Shape& w = !(s == want) ? want : first;
      throw InputError(
          fmt::format("{}: {} frames of {}x{} (WxH), but the run's trajectories have "
                      "{} frames of {}x{}",
                      p, s.steps + 1, s.width, s.height, w.steps + 1, w.width, w.height));
    }
    out.push_back(std::move(t));
  }
  if (!planted.empty())
    throw InputError(fmt::format(
        "{}: not stored by carl (no digest line, where the run's earlier trajectories have one)",
        planted));
  return out;
}

}  // namespace carl::provider
