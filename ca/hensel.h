#pragma once
// Hensel's isotropic non-totalistic neighbourhood classes: the 256 configurations of the 8
// neighbours fall into 51 classes under the symmetries of the square, named by the number of
// live neighbours and a letter (1c, 1e, 2a, 2c, …, 4z; 0 and 8 have no letter). Together with the
// centre state they are the 102 orbits of the 512 patterns under p4m.
#include <string>

#include "ca/pattern.h"

namespace carl::ca {

inline constexpr int kHenselClassCount = 51;

struct HenselClass {
  int count;    // live neighbours, 0..8
  char letter;  // '\0' for counts 0 and 8
};

// The letters Golly accepts for a neighbour count, in Golly's internal order ("ceaikn…").
const std::string& hensel_letters(int count);
// Class id (0..50) of a pattern's neighbour configuration; the centre cell is ignored.
int hensel_class(Pattern p);
HenselClass hensel_class_info(int id);
// The id for a count and letter ('\0' for 0 and 8), or -1 when the letter is not valid there.
int hensel_class_id(int count, char letter);
// A neighbour configuration (centre dead) belonging to the class.
Pattern hensel_representative(int id);

}  // namespace carl::ca
