#include "ca/trajectory.h"

#include <algorithm>

#include "ca/error.h"
#include "ca/rle.h"

namespace carl::ca {

std::string trajectory_to_rle(const Trajectory& trajectory, const std::string& rule) {
  std::string out;
  for (std::size_t t = 0; t < trajectory.frames.size(); ++t)
    out += write_rle(trajectory.frames[t], rule,
                     fmt::format("frame {} of {}", t, trajectory.frames.size() - 1));
  return out;
}

Trajectory trajectory_from_rle(const std::string& text, const std::string& source) {
  Trajectory t;
  std::size_t pos = 0;
  int line = 1;
  while (true) {
    // Skip whitespace between frames, counting lines so errors point at the right one.
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) {
      if (text[pos] == '\n') ++line;
      ++pos;
    }
    if (pos >= text.size()) break;
    std::size_t used = 0;
    const std::string rest = text.substr(pos);
    RlePattern frame = read_rle(rest, source, &used, line);
    if (!t.frames.empty() &&
        (frame.grid.height() != t.frames[0].height() || frame.grid.width() != t.frames[0].width()))
      throw InputError(fmt::format("{}:{}: frame {} is {}x{} but frame 0 is {}x{}", source, line,
                                   t.frames.size(), frame.grid.width(), frame.grid.height(),
                                   t.frames[0].width(), t.frames[0].height()));
    line +=
        static_cast<int>(std::count(rest.begin(), rest.begin() + static_cast<long>(used), '\n'));
    t.frames.push_back(std::move(frame.grid));
    pos += used;
  }
  if (t.frames.empty()) throw InputError(fmt::format("{}: no frames", source));
  return t;
}

}  // namespace carl::ca
