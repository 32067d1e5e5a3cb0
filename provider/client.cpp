#include "provider/client.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "provider/error.h"
#include "provider/process.h"

namespace carl::provider {
namespace {

Clock::time_point deadline_after(double seconds) {
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

ca::Trajectory TrajectorySource::next() {
  const int index = first_index_ + requests_;
  ca::Trajectory t = fetch(index);
  ++requests_;
  if (callback_) callback_(t, index);
  return t;
}

// ---------------------------------------------------------------------------------------------
Client::Client(const std::vector<std::string>& argv, ClientOptions options)
    : argv_(argv), options_(options) {
  process_ = std::make_unique<ChildProcess>(argv);
  std::string line;
  if (!process_->read_line(line, deadline_after(options_.timeout_s))) {
    const std::string how = process_->finish(deadline_after(1));
    throw ProviderError(
        fmt::format("{} {} before its greeting{}", who(), how, process_->stderr_tail()));
  }
  shape_ = parse_greeting(line, "'" + process_->command() + "'");
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
  return fmt::format("provider '{}'", argv_.at(0));
}

int Client::pid() const {
  return process_->pid();
}

ca::Trajectory Client::fetch(int index) {
  const auto deadline = deadline_after(options_.timeout_s);
  process_->write_all("NEXT\n");
  std::string line;
  if (!process_->read_line(line, deadline)) {
    const std::string how = process_->finish(deadline_after(1));
    throw ProviderError(fmt::format("{} {} instead of sending trajectory {}{}", who(), how, index,
                                    process_->stderr_tail()));
  }
  if (line.rfind("ERROR ", 0) == 0)
    throw ProviderError(fmt::format("{} refused trajectory {}: {}", who(), index, line.substr(6)));
  std::istringstream in(line);
  std::string word, hex, extra;
  long seq = -1;
  long long bytes = -1;
  if (!(in >> word >> seq >> bytes >> hex) || word != "TRAJECTORY" || (in >> extra))
    throw ProviderError(
        fmt::format("{} sent a malformed reply '{}' (expected 'TRAJECTORY <seq> "
                    "<bytes> <checksum>')",
                    who(), line.substr(0, 60)));
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
    const std::string how = process_->finish(deadline_after(1));
    throw ProviderError(fmt::format("{} sent a truncated reply: {} of {} bytes, then {}{}", who(),
                                    got, want, how, process_->stderr_tail()));
  }
  if (fmt::format("{:016x}", fnv1a64(payload)) != hex)
    throw ProviderError(
        fmt::format("{} sent trajectory {} with a wrong checksum (corrupted)", who(), index));
  return unpack_frames(payload, shape_);
}

std::optional<std::string> Client::reveal() {
  process_->write_all("REVEAL\n");
  std::string line;
  if (!process_->read_line(line, deadline_after(options_.timeout_s)))
    throw ProviderError(fmt::format("{} closed its output instead of answering REVEAL", who()));
  if (line.rfind("RULE ", 0) == 0) return line.substr(5);
  if (line.rfind("ERROR ", 0) == 0) return std::nullopt;
  throw ProviderError(
      fmt::format("{} sent a malformed reply to REVEAL: '{}'", who(), line.substr(0, 60)));
}

// ---------------------------------------------------------------------------------------------
RleCommandSource::RleCommandSource(std::vector<std::string> argv, std::string mode,
                                   ClientOptions options)
    : argv_(std::move(argv)), options_(options) {
  if (argv_.empty()) throw ProviderError("external provider command is empty");
  shape_.mode = std::move(mode);
}

ca::Trajectory RleCommandSource::fetch(int index) {
  ChildProcess child(argv_, {fmt::format("CARL_REQUEST={}", index)});
  child.close_stdin();
  const auto deadline = deadline_after(options_.timeout_s);
  const std::string text = child.read_to_eof(deadline);
  const std::string how = child.finish(deadline);
  const std::string who = fmt::format("external provider '{}'", argv_[0]);
  if (how != "exited with status 0")
    throw ProviderError(fmt::format("{} {} on request {}{}", who, how, index, child.stderr_tail()));
  ca::Trajectory t;
  try {
    t = ca::trajectory_from_rle(text, fmt::format("{} (request {})", who, index));
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
    shape_ = s;
  } else if (!(s == shape_)) {
    throw ProviderError(fmt::format(
        "{} changed shape on request {}: {} frames of {}x{}, before {} "
        "of {}x{}",
        who, index, s.steps + 1, s.width, s.height, shape_.steps + 1, shape_.width, shape_.height));
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
TrajectoryStore::TrajectoryStore(std::string directory) : dir_(std::move(directory)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw InputError(fmt::format("{}: cannot create directory: {}", dir_, ec.message()));
}

std::string TrajectoryStore::path(int index) const {
  return fmt::format("{}/trajectory-{:03d}.rle", dir_, index);
}

std::string TrajectoryStore::save(const ca::Trajectory& t, int index) const {
  const std::string final_path = path(index);
  const std::string tmp = final_path + ".tmp";
  const std::string text = ca::trajectory_to_rle(t);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw InputError(fmt::format("{}: cannot write: {}", tmp, std::strerror(errno)));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw InputError(fmt::format("{}: write failed: {}", tmp, std::strerror(errno)));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    throw InputError(fmt::format("{}: fsync failed: {}", tmp, std::strerror(errno)));
  if (::rename(tmp.c_str(), final_path.c_str()) != 0)
    throw InputError(fmt::format("{}: rename failed: {}", final_path, std::strerror(errno)));
  const int dfd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return final_path;
}

int TrajectoryStore::count() const {
  int k = 0;
  while (std::filesystem::exists(path(k))) ++k;
  return k;
}

std::vector<ca::Trajectory> TrajectoryStore::load() const {
  std::vector<ca::Trajectory> out;
  for (int k = 0; k < count(); ++k) {
    std::ifstream f(path(k), std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    out.push_back(ca::trajectory_from_rle(s.str(), path(k)));
  }
  return out;
}

}  // namespace carl::provider
