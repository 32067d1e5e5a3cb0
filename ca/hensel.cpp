#include "ca/hensel.h"

#include <array>

#include "ca/error.h"

namespace carl::ca {
namespace {

// One configuration per letter (as Golly defines them, in Golly's letter order) for counts 1..4;
// counts 5..7 are the complements of counts 3..1.
const int kCount1[] = {1, 2};
const int kCount2[] = {5, 10, 3, 40, 33, 68};
const int kCount3[] = {69, 42, 11, 7, 98, 13, 14, 70, 41, 97};
const int kCount4[] = {325, 170, 15, 45, 99, 71, 106, 102, 43, 101, 105, 78, 108};

Pattern rotate_clockwise(Pattern p) {
  Pattern q = 0;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      if (pattern_cell(p, r, c)) q |= Pattern(1u << pattern_bit(c, 2 - r));
  return q;
}

Pattern flip_vertical(Pattern p) {
  Pattern q = 0;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c)
      if (pattern_cell(p, r, c)) q |= Pattern(1u << pattern_bit(2 - r, c));
  return q;
}

struct Tables {
  std::array<int, 512> class_of{};
  std::array<HenselClass, kHenselClassCount> info{};
  std::array<Pattern, kHenselClassCount> representative{};
};

Tables build() {
  Tables t;
  t.class_of.fill(-1);
  int id = 0;
  auto add = [&](Pattern rep, int count, char letter) {
    t.info[id] = {count, letter};
    t.representative[id] = rep;
    Pattern q = rep;
    for (int flip = 0; flip < 2; ++flip) {
      for (int k = 0; k < 4; ++k) {
        t.class_of[q] = id;
        t.class_of[q | (1u << C)] = id;
        q = rotate_clockwise(q);
      }
      q = flip_vertical(q);
    }
    ++id;
  };
  for (int count = 0; count <= 8; ++count) {
    const std::string& letters = hensel_letters(count);
    if (letters.empty()) {
      add(count == 0 ? Pattern(0) : Pattern(0x1EF), count, '\0');
      continue;
    }
    const int base = count <= 4 ? count : 8 - count;
    const int* reps = base == 1 ? kCount1 : base == 2 ? kCount2 : base == 3 ? kCount3 : kCount4;
    for (std::size_t i = 0; i < letters.size(); ++i) {
      const Pattern rep = count <= 4 ? Pattern(reps[i]) : Pattern(reps[i] ^ 0x1EF);
      add(rep, count, letters[i]);
    }
  }
  CARL_CHECK(id == kHenselClassCount, "built {} Hensel classes", id);
  for (int p = 0; p < 512; ++p) CARL_CHECK(t.class_of[p] >= 0, "pattern {} has no class", p);
  return t;
}

const Tables& tables() {
  static const Tables t = build();
  return t;
}

}  // namespace

const std::string& hensel_letters(int count) {
  static const std::array<std::string, 9> letters = {
      "", "ce", "ceaikn", "ceaiknjqry", "ceaiknjqrytwz", "ceaiknjqry", "ceaikn", "ce", ""};
  CARL_CHECK(count >= 0 && count <= 8, "neighbour count {}", count);
  return letters[static_cast<std::size_t>(count)];
}

int hensel_class(Pattern p) {
  return tables().class_of[p & 511];
}

HenselClass hensel_class_info(int id) {
  return tables().info.at(static_cast<std::size_t>(id));
}

Pattern hensel_representative(int id) {
  return tables().representative.at(static_cast<std::size_t>(id));
}

int hensel_class_id(int count, char letter) {
  for (int id = 0; id < kHenselClassCount; ++id) {
    const HenselClass& h = tables().info[static_cast<std::size_t>(id)];
    if (h.count == count && h.letter == letter) return id;
  }
  return -1;
}

}  // namespace carl::ca
