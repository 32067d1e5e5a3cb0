#include "ca/trajectory.h"

#include <algorithm>
#include <string_view>

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

namespace {

// Every line blank or a '#' comment.
bool only_comments(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(pos, eol - pos);
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string_view::npos && line[first] != '#') return false;
    pos = eol + 1;
  }
  return true;
}

}  // namespace

Trajectory trajectory_from_rle(const std::string& text, const std::string& source,
                               std::uint64_t max_cells) {
  Trajectory t;
  std::size_t pos = 0;
  int line = 1;
  std::uint64_t cells = 0;
  while (true) {
    // Skip whitespace between frames, counting lines so errors point at the right one.
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) {
      if (text[pos] == '\n') ++line;
      ++pos;
    }
    if (pos >= text.size()) break;
    // Comments after the last frame's '!' open no frame (Golly ignores what follows a '!').
    if (only_comments(std::string_view(text).substr(pos))) break;
    std::size_t used = 0;
    // A view, not a copy: copying the rest for every frame made reading quadratic in the length.
    const std::string_view rest = std::string_view(text).substr(pos);
    RlePattern frame = read_rle(rest, source, &used, line);
    if (!t.frames.empty() &&
        (frame.grid.height() != t.frames[0].height() || frame.grid.width() != t.frames[0].width()))
      throw InputError(fmt::format("{}:{}: frame {} is {}x{} but frame 0 is {}x{}", source, line,
                                   t.frames.size(), frame.grid.width(), frame.grid.height(),
                                   t.frames[0].width(), t.frames[0].height()));
    cells += frame.grid.size();
    if (cells > max_cells)
      throw InputError(fmt::format(
          "{}:{}: frame {} of {}x{} takes the trajectory over the {} cells carl reads in one "
          "(the memory limit, CARL_MEMORY_LIMIT)",
          source, line, t.frames.size(), frame.grid.width(), frame.grid.height(), max_cells));
    line +=
        static_cast<int>(std::count(rest.begin(), rest.begin() + static_cast<long>(used), '\n'));
    t.frames.push_back(std::move(frame.grid));
    pos += used;
  }
  if (t.frames.empty()) throw InputError(fmt::format("{}: no frames", source));
  return t;
}

void RolloutScore::add(const Grid& got, const Grid& want, const Grid* undetermined) {
  const int dr = (want.height() - got.height()) / 2, dc = (want.width() - got.width()) / 2;
  CARL_CHECK(dr >= 0 && dc >= 0 && want.height() - got.height() == 2 * dr &&
                 want.width() - got.width() == 2 * dc,
             "a {}x{} prediction is not the centre of a {}x{} frame", got.height(), got.width(),
             want.height(), want.width());
  long wrong = 0;
  for (int r = 0; r < got.height(); ++r)
    for (int c = 0; c < got.width(); ++c)
      wrong += (undetermined && undetermined->at(r, c)) || got.at(r, c) != want.at(r + dr, c + dc);
  per_step.push_back(got.size() ? double(wrong) / double(got.size()) : 0.0);
  wrong_cells += wrong;
  cells += static_cast<long>(got.size());
  loss = cells ? double(wrong_cells) / double(cells) : 0.0;
}

}  // namespace carl::ca
