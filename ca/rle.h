#pragma once
// Golly's pattern formats.
//
// RLE: '#' comment lines, a header "x = W, y = H, rule = R", then runs of b (dead), o (alive)
// and $ (end of row), an optional run count before each, ending in '!'.
//
// Golly's conventions, both ways:
// - Topology: a rule may end in ":TW,H" (a W×H torus, Golly's width-then-height order). carl
//   writes that suffix in every RLE it writes with a rule, so Golly evolves the file on the same
//   torus carl does. On input ":TW,H" gives the grid its size; other topologies (":P" plane,
//   ":K" Klein bottle, ":C", ":S", shifted or twisted tori) are refused with a clear error.
// - Position: Golly puts cell (0,0) of a bounded grid at its centre: the W×H torus spans
//   columns [-(W/2), W-W/2) and rows [-(H/2), H-H/2). A pattern's top-left cell is at
//   "#CXRLE Pos=X,Y" when given, otherwise at (-(w/2), -(h/2)) for the header's w×h.
// - What Golly writes is accepted: no closing '!', data wider or taller than the header (the
//   pattern grows to hold it), Golly's plain-text ".cells" format (read_pattern).
// - The rule in a header must be one carl reads (B/S, Hensel or MAP): anything else is an error
//   naming the file and the line.
// - Size limit: a header, torus or pattern of more than kMaxPatternCells cells (or a side over
//   kMaxPatternSide) is refused before anything is allocated.
#include <string>
#include <string_view>

#include "ca/grid.h"

namespace carl::ca {

inline constexpr long kMaxPatternSide = 65536;
inline constexpr long kMaxPatternCells = 1L << 26;  // 64 Mi cells: 64 MiB at a byte per cell

struct RlePattern {
  // With a ":TW,H" suffix: the whole H×W torus, the pattern placed where Golly places it.
  // Without: the pattern itself (the header's size, grown to hold wider or taller data).
  Grid grid;
  std::string rule;       // as written in the header, "" if none
  std::string rule_base;  // the rule without its topology suffix
  int torus_width = 0;    // from ":TW,H"; 0 when there is no suffix
  int torus_height = 0;
  bool has_pos = false;       // "#CXRLE Pos=X,Y" was given
  long pos_x = 0, pos_y = 0;  // Golly coordinates of the pattern's top-left cell
  int width = 0, height = 0;  // the pattern's own size (header, or grown)

  bool torus() const { return torus_width > 0; }
};

// Reads one RLE pattern. `source` (a file name) and the line number head every error message.
// `consumed`, if given, receives how many characters were read (through the '!', or all).
RlePattern read_rle(std::string_view text, const std::string& source,
                    std::size_t* consumed = nullptr, int first_line = 1);

// Reads Golly's plain-text format (".cells": '!' comment lines, '.' dead, 'O' or '*' alive).
RlePattern read_cells(const std::string& text, const std::string& source);

// RLE or .cells, told apart by the content (a .cells file starts with '!' or a row of cells).
RlePattern read_pattern(const std::string& text, const std::string& source);

// `pattern` (the grid read_rle returned without a torus) placed on an H×W torus as Golly places
// it: at its Pos when given, else centred. An InputError naming `source` when a live cell falls
// outside.
Grid place_on_torus(const RlePattern& pattern, int height, int width, const std::string& source);

// The rule with the torus suffix for a W×H grid: "B3/S23" -> "B3/S23:TW,H". A rule that already
// has a suffix is returned unchanged; "" stays "".
std::string rule_with_torus(const std::string& rule, int width, int height);

// Writes the whole grid (its size in the header), lines wrapped at 70 characters, with
// optional '#C' comment lines before the header. A non-empty rule gets the ":TW,H" suffix of
// the grid's size unless it has a suffix already.
std::string write_rle(const Grid& grid, const std::string& rule = "",
                      const std::string& comment = "");

}  // namespace carl::ca
