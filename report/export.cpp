#include "report/export.h"

#include <gif_lib.h>

#include <cctype>
#include <filesystem>
#include <sstream>

#include "ca/error.h"
#include "ca/files.h"
#include "ca/pattern.h"
#include "ca/rle.h"
#include "groups/orbits.h"

namespace carl::report {
namespace {

// Golly's Moore order in a rule table: C, N, NE, E, SE, S, SW, W, NW, then the new state.
constexpr int kGollyOrder[9] = {ca::C, ca::N, ca::NE, ca::E, ca::SE, ca::S, ca::SW, ca::W, ca::NW};

bool invariant(const ca::RuleTable& table, groups::Subgroup group) {
  const groups::Orbits orbits(group);
  for (int o = 0; o < orbits.count(); ++o) {
    const auto& m = orbits.members(o);
    for (ca::Pattern p : m)
      if (table.known(p) != table.known(m[0]) || table.output(p) != table.output(m[0]))
        return false;
  }
  return true;
}

std::string transition(ca::Pattern p, bool out) {
  std::string line;
  for (int bit : kGollyOrder) {
    line += ((p >> bit) & 1) ? '1' : '0';
    line += ',';
  }
  line += out ? '1' : '0';
  return line;
}

}  // namespace

std::string golly_rule_name(const std::string& stem) {
  std::string name;
  for (char c : stem)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
  if (name.empty()) name = "carl";
  return name;
}

GollyRule golly_rule_file(const ca::RuleTable& table, groups::Subgroup group,
                          const std::string& name, UnknownEntries unknown,
                          const std::string& comment) {
  GollyRule out;
  out.unknown = static_cast<int>(ca::kPatternCount - table.known_count());
  // Golly's Moore symmetries that are subgroups of D4 acting as carl's do.
  groups::Subgroup used;  // p1
  out.symmetries = "none";
  if (group == groups::Subgroup::parse("p4m") && invariant(table, group)) {
    used = group;
    out.symmetries = "rotate4reflect";
  } else if (group.contains(groups::Subgroup::parse("p4")) &&
             invariant(table, groups::Subgroup::parse("p4"))) {
    used = groups::Subgroup::parse("p4");
    out.symmetries = "rotate4";
  }
  const groups::Orbits orbits(used);
  std::string lines;
  for (int o = 0; o < orbits.count(); ++o) {
    const ca::Pattern p = orbits.representative(o);
    bool next = false;
    if (table.known(p))
      next = table.output(p);
    else if (unknown == UnknownEntries::omit)
      continue;
    if (next == ca::pattern_centre(p)) continue;  // Golly keeps the state by default
    lines += transition(p, next) + "\n";
    ++out.transitions;
  }
  std::string text = "@RULE " + name + "\n\n";
  if (!comment.empty()) text += comment + (comment.back() == '\n' ? "" : "\n");
  text += fmt::format(
      "Written by carl. Unknown entries: {} ({}).\n\n@TABLE\nn_states:2\nneighborhood:Moore\n"
      "symmetries:{}\n# C,N,NE,E,SE,S,SW,W,NW,C'\n",
      out.unknown,
      out.unknown == 0                  ? "none"
      : unknown == UnknownEntries::zero ? "written as 0"
                                        : "left out: such a cell keeps its state",
      out.symmetries);
  out.text = text + lines;
  return out;
}

std::vector<std::string> write_frame_rles(const ca::Trajectory& trajectory, const std::string& rule,
                                          const std::string& dir, const std::string& prefix,
                                          bool window) {
  ca::make_directories(dir);
  std::vector<std::string> paths;
  const int last = trajectory.steps();
  for (int t = 0; t <= last; ++t) {
    const std::string path = fmt::format("{}/{}-{:03}.rle", dir, prefix, t);
    ca::write_text_file(path,
                        ca::write_rle(trajectory.frames[static_cast<std::size_t>(t)], rule,
                                      fmt::format("{}: frame {} of {}{}", prefix, t, last,
                                                  window ? "; a window of a larger torus: only its "
                                                           "interior evolves into the next frame"
                                                         : "")));
    paths.push_back(path);
  }
  return paths;
}

namespace {
// giflib's output function: appends to the std::string given to EGifOpen.
int append_gif_bytes(GifFileType* gif, const GifByteType* data, int n) {
  static_cast<std::string*>(gif->UserData)
      ->append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
  return n;
}
}  // namespace

void write_gif(const std::string& path, const ca::Trajectory& trajectory, int scale, int delay_cs) {
  if (trajectory.frames.empty()) throw InputError(fmt::format("{}: no frames to draw", path));
  const int h = trajectory.frames[0].height() * scale, w = trajectory.frames[0].width() * scale;
  if (w > 65535 || h > 65535)
    throw InputError(fmt::format("{}: {}x{} pixels is beyond a GIF's size", path, w, h));
  // Encoded into memory, then written like every other file (beside, synced, renamed).
  std::string bytes;
  int err = 0;
  GifFileType* gif = EGifOpen(&bytes, append_gif_bytes, &err);
  if (!gif) throw InputError(fmt::format("{}: cannot write ({})", path, GifErrorString(err)));
  auto fail = [&](const char* what) {
    int e = 0;
    const int code = gif->Error;
    EGifCloseFile(gif, &e);
    throw InputError(fmt::format("{}: {} failed ({})", path, what, GifErrorString(code)));
  };
  GifColorType colours[2] = {{250, 250, 245}, {20, 20, 40}};
  ColorMapObject* map = GifMakeMapObject(2, colours);
  EGifSetGifVersion(gif, true);
  if (EGifPutScreenDesc(gif, w, h, 1, 0, map) == GIF_ERROR) {
    GifFreeMapObject(map);
    fail("screen descriptor");
  }
  GifFreeMapObject(map);
  // Loop forever (the NETSCAPE2.0 application extension).
  const unsigned char loop[3] = {1, 0, 0};
  if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
      EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0") == GIF_ERROR ||
      EGifPutExtensionBlock(gif, 3, loop) == GIF_ERROR || EGifPutExtensionTrailer(gif) == GIF_ERROR)
    fail("loop extension");
  std::vector<GifPixelType> line(static_cast<std::size_t>(w));
  for (const ca::Grid& frame : trajectory.frames) {
    GraphicsControlBlock gcb{};
    gcb.DisposalMode = DISPOSE_DO_NOT;
    gcb.DelayTime = delay_cs;
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    GifByteType ext[4];
    EGifGCBToExtension(&gcb, ext);
    if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, ext) == GIF_ERROR) fail("frame delay");
    if (EGifPutImageDesc(gif, 0, 0, w, h, false, nullptr) == GIF_ERROR) fail("image descriptor");
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x)
        line[static_cast<std::size_t>(x)] = frame.at(y / scale, x / scale) ? 1 : 0;
      if (EGifPutLine(gif, line.data(), w) == GIF_ERROR) fail("image data");
    }
  }
  if (EGifCloseFile(gif, &err) == GIF_ERROR)
    throw InputError(fmt::format("{}: closing failed ({})", path, GifErrorString(err)));
  ca::write_text_file(path, bytes);
}

ca::Trajectory read_gif(const std::string& path, int scale) {
  int err = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &err);
  if (!gif) throw InputError(fmt::format("{}: cannot read ({})", path, GifErrorString(err)));
  if (DGifSlurp(gif) == GIF_ERROR) {
    const int code = gif->Error;
    DGifCloseFile(gif, &err);
    throw InputError(fmt::format("{}: not a GIF ({})", path, GifErrorString(code)));
  }
  ca::Trajectory t;
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& img = gif->SavedImages[i];
    const int w = img.ImageDesc.Width, h = img.ImageDesc.Height;
    ca::Grid g(h / scale, w / scale);
    for (int r = 0; r < g.height(); ++r)
      for (int c = 0; c < g.width(); ++c)
        g.set(r, c,
              img.RasterBits[static_cast<std::size_t>(r * scale + scale / 2) *
                                 static_cast<std::size_t>(w) +
                             static_cast<std::size_t>(c * scale + scale / 2)] != 0);
    t.frames.push_back(std::move(g));
  }
  DGifCloseFile(gif, &err);
  return t;
}

}  // namespace carl::report
