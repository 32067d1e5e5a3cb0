#pragma once
// A learned rule and its trajectories taken to Golly and to pictures that move:
// - a Golly rule file (@RULE + @TABLE) that `bgolly -a RuleLoader -s DIR -r NAME` runs,
// - one Golly-openable RLE file per frame (each with the rule and its torus),
// - an animated GIF of a trajectory (giflib).
#include <array>
#include <string>
#include <vector>

#include "ca/rule_table.h"
#include "ca/trajectory.h"
#include "groups/subgroup.h"

namespace carl::report {

// What to do with unknown entries in a Golly rule file: `zero` writes them as output 0; `omit`
// leaves them out of the table, so Golly keeps such a cell's state unchanged.
enum class UnknownEntries { zero, omit };

struct GollyRule {
  std::string text;        // the .rule file
  std::string symmetries;  // the @TABLE's symmetries: rotate4reflect, rotate4 or none
  int transitions = 0;     // lines in the table
  int unknown = 0;         // unknown entries (set to 0 or left out)
};

// `name` is the rule's name (the file must be NAME.rule); `comment` lines go into the @RULE
// section (provenance counts, the run). The group's symmetries are used when the table is
// invariant under them and Golly has them (p4m: rotate4reflect, p4: rotate4); otherwise every
// transition is listed. Only transitions that change the cell are written (Golly's default
// keeps the state).
GollyRule golly_rule_file(const ca::RuleTable& table, groups::Subgroup group,
                          const std::string& name, UnknownEntries unknown,
                          const std::string& comment = "");

// A name Golly accepts for a rule file (letters, digits, '-', '_'), from a file name's stem.
std::string golly_rule_name(const std::string& stem);

// One RLE file per frame: `dir`/`prefix`-TTT.rle, each "x = W, y = H, rule = RULE:TW,H" with a
// comment naming the frame. Frames of a window onto a larger torus (`window`) say so in that
// comment: on the frame's own torus only the cells away from its border evolve into the next
// frame (one cell less each step), the rest depend on cells the window does not show. Returns
// the paths written.
std::vector<std::string> write_frame_rles(const ca::Trajectory& trajectory, const std::string& rule,
                                          const std::string& dir, const std::string& prefix,
                                          bool window = false);

// An animated GIF (looping) of the frames, encoded in memory and written with ca::write_text_file:
// each cell a `scale`×`scale` block, live cells dark on a light background, `delay_cs` hundredths
// of a second per frame. InputError naming the file when it cannot be written.
void write_gif(const std::string& path, const ca::Trajectory& trajectory, int scale = 4,
               int delay_cs = 20);

// The GIF's frames read back, each pixel block's colour index giving the cell (for tests and
// for checking a written file).
ca::Trajectory read_gif(const std::string& path, int scale);

}  // namespace carl::report
