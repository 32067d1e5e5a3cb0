#include "report/draw.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "ca/error.h"
#include "ca/hensel.h"
#include "ca/rulestring.h"
#include "ca/simulate.h"
#include "groups/kernels.h"
#include "groups/orbits.h"
#include "report/canvas.h"

namespace carl::report {
namespace {

using namespace canvas;

const Rgb kProvenance[4] = {rgb(0xcfe8c8), rgb(0xc9dcf2), rgb(0xf7ddb4), rgb(0xdddddd)};
const Rgb kAlive = rgb(0x202020), kDead = {1, 1, 1}, kInk = {0.1, 0.1, 0.1};

}  // namespace

Picture rule_sheet(const RunData& run) {
  const groups::Orbits orbits(run.group);
  const bool hensel = run.group == groups::Subgroup::parse("p4m");
  std::optional<ca::RuleTable> hidden;
  if (run.hidden_rule) {
    try {
      hidden = ca::parse_rule(*run.hidden_rule);
    } catch (const InputError&) {
    }
  }
  // Rows: (centre, neighbour count) → orbits.
  std::map<std::pair<int, int>, std::vector<int>> rows;
  for (int o = 0; o < orbits.count(); ++o) {
    const ca::Pattern p = orbits.representative(o);
    rows[{ca::pattern_centre(p), ca::pattern_neighbours(p)}].push_back(o);
  }
  const int cell = 6, glyph = 3 * cell, box = 9, pad = 3;
  const int panel_w = pad + glyph + pad + box + pad,
            panel_h = pad + glyph + pad + (hensel ? 11 : 0);
  const int label_w = 34, gap = 3, top = 44;
  std::size_t widest = 0;
  for (const auto& [k, v] : rows) widest = std::max(widest, v.size());
  const int per_row = static_cast<int>(std::min<std::size_t>(widest, 40));
  int lines = 0;
  for (const auto& [k, v] : rows) lines += static_cast<int>((v.size() + 39) / 40);
  const int w = std::max(label_w + per_row * (panel_w + gap) + 10, 820);
  const int h = top + lines * (panel_h + gap) + 2 * 8 + 10;
  const auto counts = extractor::count_by_provenance(run.provenance);
  return render(w, h, [&](cairo_t* cr) {
    text(cr, 8, 16,
         fmt::format("rule sheet: {} orbits of {} (B: centre dead, S: centre alive)",
                     orbits.count(), run.group.name()),
         12, kInk, true);
    double x = 8;
    for (int s = 0; s < 4; ++s) {
      rect(cr, x, 24, 12, 12, kProvenance[s]);
      const std::string label =
          fmt::format("{} ({})", choice_name(extractor::Provenance(s)), counts[std::size_t(s)]);
      text(cr, x + 16, 34, label, 10);
      x += std::round(16 + 7.0 * static_cast<double>(label.size()) + 12);
    }
    rect(cr, x, 24, box, box, rgb(kOutputOneRgb));
    text(cr, x + box + 4, 34, "output 1", 10);
    x += box + 60;
    if (hidden) {
      frame(cr, x, 23, 12, 12, 2, rgb(kWrongRgb));
      text(cr, x + 16, 34, "differs from " + *run.hidden_rule, 10);
    }
    int y = top;
    int previous_centre = 0;
    for (const auto& [key, members] : rows) {
      if (key.first != previous_centre) y += 8;
      previous_centre = key.first;
      for (std::size_t start = 0; start < members.size(); start += 40) {
        text(cr, 6, y + panel_h / 2.0 + 4, fmt::format("{}{}", key.first ? 'S' : 'B', key.second),
             11, kInk, true);
        for (std::size_t i = start; i < std::min(members.size(), start + 40); ++i) {
          const int o = members[i];
          const ca::Pattern p = orbits.representative(o);
          const int px = label_w + static_cast<int>(i - start) * (panel_w + gap);
          const extractor::Provenance src = run.provenance[p];
          rect(cr, px, y, panel_w, panel_h, kProvenance[static_cast<int>(src)]);
          for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c)
              rect(cr, px + pad + c * cell, y + pad + r * cell, cell - 1, cell - 1,
                   ca::pattern_cell(p, r, c) ? kAlive : kDead);
          const int bx = px + pad + glyph + pad, by = y + pad + (glyph - box) / 2;
          if (!run.table.known(p)) {
            rect(cr, bx, by, box, box, rgb(0x9a9a9a));
          } else if (run.table.output(p)) {
            rect(cr, bx, by, box, box, rgb(kOutputOneRgb));
          } else {
            rect(cr, bx, by, box, box, kInk);
            rect(cr, bx + 1, by + 1, box - 2, box - 2, kDead);
          }
          if (hensel) {
            const ca::HenselClass hc = ca::hensel_class_info(ca::hensel_class(p));
            text(cr, px + pad, y + pad + glyph + 10,
                 hc.letter ? fmt::format("{}{}", hc.count, hc.letter) : std::to_string(hc.count),
                 9);
          }
          if (hidden && run.table.known(p)) {
            bool wrong = false;
            for (ca::Pattern m : orbits.members(o))
              wrong = wrong || (run.table.known(m) && run.table.output(m) != hidden->output(m));
            if (wrong) frame(cr, px, y, panel_w, panel_h, 2, rgb(kWrongRgb));
          }
        }
        y += panel_h + gap;
      }
    }
  });
}

Picture kernel_maps(const RunData& run) {
  struct Set {
    std::string title;
    const std::vector<Kernel3>* kernels;
    groups::Subgroup group;  // the net applies every kernel in its transforms under this group
  };
  std::vector<Set> sets;
  if (!run.kernels_plain.empty())
    sets.push_back({"plain net (p1)", &run.kernels_plain, groups::Subgroup()});
  if (!run.kernels_g.empty())
    sets.push_back(
        {run.group.order() == 1
             ? fmt::format("final net (G = {})", run.group.name())
             : fmt::format("final net (G = {}): each kernel is applied in its {} transforms under "
                           "G; the distances are those of that lifted set",
                           run.group.name(), run.group.order()),
         &run.kernels_g, run.group});
  const int cell = 10, tile = 3 * cell, gap = 5, per_row = 16, bars_w = 260;
  int height = 40;
  for (const Set& s : sets)
    height += 24 +
              std::max(8 * 15, ((static_cast<int>(s.kernels->size()) + per_row - 1) / per_row) *
                                   (tile + gap)) +
              16;
  if (sets.empty()) height += 30;
  const int width = 16 + per_row * (tile + gap) + 20 + bars_w;
  return render(width, height, [&](cairo_t* cr) {
    text(cr, 8, 16, "first-layer kernels (blue < 0 < red) and closure distance per symmetry", 12,
         kInk, true);
    text(cr, 8, 32,
         "distance 0: the kernels are closed under that symmetry (the seed's inspection step)", 10);
    int y = 44;
    if (sets.empty()) text(cr, 8, y + 14, "no kernels recorded in this run", 11);
    for (const Set& s : sets) {
      text(cr, 8, y + 12, s.title, 11, kInk, true);
      y += 20;
      double max_abs = 1e-12;
      for (const Kernel3& k : *s.kernels)
        for (double v : k) max_abs = std::max(max_abs, std::abs(v));
      for (std::size_t i = 0; i < s.kernels->size(); ++i) {
        const int px = 8 + static_cast<int>(i % per_row) * (tile + gap);
        const int py = y + static_cast<int>(i / per_row) * (tile + gap);
        for (int r = 0; r < 3; ++r)
          for (int c = 0; c < 3; ++c) {
            const double v = (*s.kernels)[i][std::size_t(r * 3 + c)] / max_abs;
            const Rgb end = v < 0 ? Rgb{0.13, 0.40, 0.67} : Rgb{0.70, 0.09, 0.17};
            const double a = std::min(1.0, std::abs(v));
            rect(cr, px + c * cell, py + r * cell, cell, cell,
                 {1 + (end.r - 1) * a, 1 + (end.g - 1) * a, 1 + (end.b - 1) * a});
          }
      }
      // The detector's scores.
      std::vector<groups::Kernel> ks;
      for (const Kernel3& k : *s.kernels) {
        groups::Kernel m(3, 3);
        for (int r = 0; r < 3; ++r)
          for (int c = 0; c < 3; ++c) m(r, c) = k[std::size_t(r * 3 + c)];
        ks.push_back(m);
      }
      // A G-net's first layer is its kernels lifted over G (closed under G by construction);
      // the scores of the kernels alone would call a p4m net's layer asymmetric.
      const auto scores = groups::closure_scores(groups::lift(ks, s.group));
      const int bx = 16 + per_row * (tile + gap) + 10;
      for (int g = 0; g < groups::kD4Order; ++g) {
        const double d = scores[std::size_t(g)].distance;
        const int by = y + g * 15;
        text(cr, bx, by + 10, groups::name(scores[std::size_t(g)].g), 10);
        rect(cr, bx + 70, by + 2, std::max(1.0, std::min(1.0, d) * 120), 10,
             d < 0.05 ? rgb(kClosedRgb) : Rgb{0.6, 0.6, 0.6});
        text(cr, bx + 196, by + 10, fmt::format("{:.3f}", d), 10);
      }
      y += std::max(8 * 15, ((static_cast<int>(s.kernels->size()) + per_row - 1) / per_row) *
                                (tile + gap)) +
           16;
    }
  });
}

std::vector<int> strip_times(int steps, int count) {
  std::vector<int> t;
  for (int k = 0; k <= std::min(steps, 1); ++k) t.push_back(k);
  for (int i = 1; i <= count && steps >= 2; ++i) {
    const int v = 1 + static_cast<int>(std::lround(static_cast<double>(i) * (steps - 1) / count));
    if (v > t.back()) t.push_back(v);
  }
  return t;
}

Picture trajectory_strips(const RunData& run) {
  const ca::Trajectory& x = run.last;
  if (x.frames.empty())
    return render(420, 40,
                  [](cairo_t* cr) { text(cr, 8, 24, "no trajectory stored in this run", 11); });
  const int H = x.frames[0].height(), W = x.frames[0].width();
  const std::vector<int> times = strip_times(x.steps());
  // The rule's rollout from x_0 (unknown entries as 0), on the torus.
  std::optional<ca::Trajectory> z;
  if (run.torus) {
    ca::Trajectory t;
    t.frames.push_back(x.frames[0]);
    for (int k = 1; k <= x.steps(); ++k)
      t.frames.push_back(ca::step_reference(run.table, t.frames.back(), 0));
    z = std::move(t);
  }
  const std::optional<ca::Trajectory>& y = run.net_rollout;
  const bool have_y = y && y->frames.size() == x.frames.size() && y->frames[0].height() == H &&
                      y->frames[0].width() == W;
  struct Row {
    std::string label;
    const ca::Trajectory* t;
    bool diff;
  };
  std::vector<Row> rows = {{"x_t (data)", &x, false}};
  if (have_y) rows.push_back({"net y_t", &*y, false});
  if (z) rows.push_back({"rule z_t", &*z, false});
  if (have_y) rows.push_back({"x_t vs net", &*y, true});
  if (z) rows.push_back({"x_t vs rule", &*z, true});
  // A frame is at most kMaxStripFrameSide pixels a side: a larger grid is drawn in blocks of
  // `block`×`block` cells, one pixel each, coloured as the first of its cells' colours in
  // kCellColours' order (alive; orange before purple). Cells of one colour are filled as
  // horizontal runs in one path per colour and frame, so that the SVG holds a few elements per
  // frame, not one per cell.
  const int side = std::max(H, W);
  const int block = (side + kMaxStripFrameSide - 1) / kMaxStripFrameSide;
  const int scale = block > 1 ? 1 : std::max(1, std::min(5, 150 / side));
  const int bh = (H + block - 1) / block, bw = (W + block - 1) / block;
  const int fw = bw * scale, fh = bh * scale, gap = 8, label_w = 86, top = block > 1 ? 62 : 48;
  // The colour code of each block of each drawn frame: 0 dead, then kCellColours' index + 1.
  const Rgb kCellColours[3] = {kAlive, rgb(0xf28e2b), rgb(0x9c4fd0)};
  std::vector<std::vector<std::uint8_t>> codes;  // [row * times + column], bh × bw
  for (const Row& row : rows)
    for (const int t : times) {
      const ca::Grid& truth = x.frames[std::size_t(t)];
      const ca::Grid& g = row.t->frames[std::size_t(t)];
      std::vector<std::uint8_t> code(std::size_t(bh) * std::size_t(bw), 0);
      for (int i = 0; i < H; ++i)
        for (int j = 0; j < W; ++j) {
          std::uint8_t c = 0;
          if (!row.diff)
            c = g.at(i, j) ? 1 : 0;
          else if (truth.at(i, j) != g.at(i, j))
            c = truth.at(i, j) ? 2 : 3;
          std::uint8_t& b = code[std::size_t(i / block) * std::size_t(bw) + std::size_t(j / block)];
          if (c != 0 && (b == 0 || c < b)) b = c;
        }
      codes.push_back(std::move(code));
    }
  const int width = label_w + static_cast<int>(times.size()) * (fw + gap) + 10;
  const int height = top + static_cast<int>(rows.size()) * (fh + gap + 4) + 10;
  return render(std::max(width, 480), height, [&](cairo_t* cr) {
    text(cr, 8, 16, "last trajectory: data, the net's rollout, the rule's rollout, differences", 12,
         kInk, true);
    text(cr, 8, 32,
         "differences: orange = alive in the data only, purple = alive in the rollout only", 10);
    if (block > 1)
      text(cr, 8, 46,
           fmt::format("{}x{} grid: a pixel is a block of {}x{} cells, alive (orange, purple) "
                       "when any of its cells is",
                       H, W, block, block),
           10);
    for (std::size_t c = 0; c < times.size(); ++c)
      text(cr, label_w + static_cast<double>(c) * (fw + gap), top - 4,
           fmt::format("t = {}", times[c]), 10);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const int py = top + static_cast<int>(r) * (fh + gap + 4);
      text(cr, 8, py + fh / 2.0 + 4, rows[r].label, 10);
      for (std::size_t c = 0; c < times.size(); ++c) {
        const int px = label_w + static_cast<int>(c) * (fw + gap);
        frame(cr, px - 1, py - 1, fw + 2, fh + 2, 1, rgb(0x888888));
        const std::vector<std::uint8_t>& code = codes[r * times.size() + c];
        for (std::uint8_t colour = 1; colour <= 3; ++colour) {
          bool any = false;
          for (int i = 0; i < bh; ++i) {
            const std::uint8_t* line = code.data() + std::size_t(i) * std::size_t(bw);
            for (int j = 0; j < bw;) {
              if (line[j] != colour) {
                ++j;
                continue;
              }
              int end = j + 1;
              while (end < bw && line[end] == colour) ++end;
              cairo_rectangle(cr, px + j * scale, py + i * scale, (end - j) * scale, scale);
              any = true;
              j = end;
            }
          }
          if (any) {
            set(cr, kCellColours[colour - 1]);
            cairo_fill(cr);
          }
        }
      }
    }
  });
}

std::vector<double> axis_ticks(double top, int most, bool whole) {
  most = std::max(1, most);
  if (!(top > 0)) top = whole ? double(most) : 0.25 * most;  // an empty axis still has a scale
  double step = 0;
  for (double scale = std::pow(10.0, std::floor(std::log10(top / most))); step == 0; scale *= 10)
    for (double m : {1.0, 2.0, 2.5, 5.0}) {
      const double s = m * scale;
      if ((whole && (s < 1 || m == 2.5)) || s * most < top * (1 - 1e-12)) continue;
      step = s;
      break;
    }
  std::vector<double> ticks;
  for (int k = 0;; ++k) {
    ticks.push_back(k * step);
    if (k * step >= top * (1 - 1e-12)) break;
  }
  return ticks;
}

Picture curves(const RunData& run) {
  const auto& pts = run.round_points;
  const int pw = 300, ph = 200, ml = 44, mt = 40, gap = 40;
  const int width = ml + 3 * (pw + gap), height = mt + ph + 60;
  struct Series {
    std::string label;
    Rgb colour;
    std::vector<std::pair<double, double>> xy;
    bool dashed;
  };
  // Rounds and trajectories are counted, so their axes tick at whole numbers; every axis at
  // 1-2-2.5-5 steps (labels at their values, not at fractions of the largest value).
  auto panel = [&](cairo_t* cr, int x0, const std::string& title, std::vector<Series> series,
                   double top, bool whole, const std::string& xlabel, double budget) {
    const int y0 = mt;
    text(cr, x0, y0 - 8, title, 11, kInk, true);
    line(cr, x0, y0 + ph, x0 + pw, y0 + ph, kInk);
    line(cr, x0, y0, x0, y0 + ph, kInk);
    double last_round = 1;
    for (const auto& s : series)
      for (const auto& [a, b] : s.xy) last_round = std::max(last_round, a);
    const std::vector<double> yticks = axis_ticks(top, 4, whole);
    const std::vector<double> xticks = axis_ticks(last_round, 8, true);
    const double ymax = yticks.back(), xmax = xticks.back();
    for (double v : yticks) {
      const double yy = y0 + ph - ph * v / ymax;
      line(cr, x0 - 3, yy, x0, yy, kInk);
      text(cr, x0 - 40, yy + 4, fmt::format("{:.4g}", v), 9);
    }
    for (double v : xticks) {
      const double xx = x0 + pw * v / xmax;
      line(cr, xx, y0 + ph, xx, y0 + ph + 3, kInk);
      text(cr, xx - 4, y0 + ph + 14, fmt::format("{:.0f}", v), 9);
    }
    text(cr, x0 + pw / 2.0 - 20, y0 + ph + 28, xlabel, 10);
    auto X = [&](double a) { return x0 + pw * a / xmax; };
    auto Y = [&](double b) { return y0 + ph - ph * std::min(b, ymax) / ymax; };
    if (budget > 0) {
      line(cr, x0, Y(budget), x0 + pw, Y(budget), rgb(0xd62728), 1, true);
      text(cr, x0 + pw - 60, Y(budget) - 4, "budget", 9, rgb(0xd62728));
    }
    int legend = 0;
    for (const auto& s : series) {
      for (std::size_t i = 0; i + 1 < s.xy.size(); ++i)
        line(cr, X(s.xy[i].first), Y(s.xy[i].second), X(s.xy[i + 1].first), Y(s.xy[i + 1].second),
             s.colour, 1.5, s.dashed);
      for (const auto& [a, b] : s.xy) rect(cr, X(a) - 2, Y(b) - 2, 4, 4, s.colour);
      rect(cr, x0 + 8, y0 + 6 + legend * 13, 10, 3, s.colour);
      text(cr, x0 + 22, y0 + 11 + legend * 13, s.label, 9);
      ++legend;
    }
    if (series.empty() || series[0].xy.empty())
      text(cr, x0 + 20, y0 + ph / 2.0, "no rounds recorded", 10);
  };
  return render(width, height, [&](cairo_t* cr) {
    text(cr, 8, 16, "per round", 12, kInk, true);
    Series l1{"L1 (net rollout)", rgb(0x1f77b4), {}, false},
        l2{"L2 (rule rollout)", rgb(0xff7f0e), {}, false},
        one{"one-step error", rgb(0x2ca02c), {}, true},
        pl1{"plain-net L1", rgb(0x8c564b), {}, true}, gl1{"G-net L1", rgb(0x9467bd), {}, true};
    Series sig{"significant orbits (share)", rgb(0x1f77b4), {}, false};
    Series traj{"trajectories used", rgb(0x2ca02c), {}, false};
    double ymax = 0, tmax = 1;
    for (const RoundPoint& r : pts) {
      if (r.l1 >= 0) l1.xy.push_back({r.round, r.l1});  // -1: no nets trained that round
      l2.xy.push_back({r.round, r.l2});
      one.xy.push_back({r.round, r.one_step});
      if (r.plain_l1) pl1.xy.push_back({r.round, *r.plain_l1});
      if (r.g_l1) gl1.xy.push_back({r.round, *r.g_l1});
      ymax = std::max({ymax, r.l1, r.l2, r.one_step, r.plain_l1.value_or(0), r.g_l1.value_or(0)});
      sig.xy.push_back(
          {r.round, r.total_orbits > 0 ? double(r.significant_orbits) / r.total_orbits : 0.0});
      traj.xy.push_back({r.round, double(r.trajectories)});
      tmax = std::max(tmax, double(r.trajectories));
    }
    std::vector<Series> losses = {l2, one};
    if (!l1.xy.empty()) losses.insert(losses.begin(), l1);
    if (!pl1.xy.empty()) losses.push_back(pl1);
    if (!gl1.xy.empty()) losses.push_back(gl1);
    // Losses of 0 all run long still get a scale (0 … 0.01).
    panel(cr, ml, "losses", losses, ymax > 0 ? ymax : 0.01, false, "round", 0);
    panel(cr, ml + pw + gap, "significant orbits", {sig}, 1.0, false, "round", 0);
    const double budget = run.max_trajectories;
    panel(cr, ml + 2 * (pw + gap), "trajectories requested", {traj}, std::max(tmax, budget), true,
          "round", budget);
  });
}

}  // namespace carl::report
