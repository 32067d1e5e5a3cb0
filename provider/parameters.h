#pragma once
// The built-in provider's parameters — the recipe of the hidden world's trajectories — declared
// once: name, help, range or allowed values; the default is the member's initialiser below.
// The config reader (provider.<name>), carl-provider's command line (--<name>, '_' written '-'),
// the argv carl starts it with and the provider's own validation are all derived from this list,
// so they cannot disagree.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "ca/simulate.h"

namespace carl::provider {

struct WorldParameters {
  std::string rule;  // any rulestring ca::parse_rule accepts
  int height = 24;
  int width = 24;
  int steps = 12;  // T: frames x_0 … x_T
  double density = 0.3;
  double noise = 0.0;                       // each shown cell flipped with this probability
  ca::Boundary mode = ca::Boundary::torus;  // torus, or window: the H×W window of a larger torus
  int world_scale = 4;                      // window mode: world side = world_scale × window side
  std::uint64_t seed = 1;
  bool allow_reveal = false;  // answer REVEAL (lets carl score the learned rule)
};

// One declared parameter of type T. A number has an inclusive range; the rule must parse as a
// rulestring; a closed choice (an enum, ca/choice.h) has its words, checked where it is read.
template <class T>
struct Parameter {
  const char* name = "";  // config key; the command-line flag is --name with '-' for '_'
  const char* help = "";
  T min{};
  T max{};

  std::string flag() const;
  // What is wrong with a value ("5000 is outside [3, 4096]"), or "" when it is allowed.
  std::string problem(const T& value) const;
};

template <class T>
Parameter<T> declare(const char* name, const char* help, T min = T{}, T max = T{}) {
  Parameter<T> p;
  p.name = name;
  p.help = help;
  p.min = min;
  p.max = max;
  return p;
}

// Calls visit(parameter, member) for each parameter, in a fixed order. P is WorldParameters or
// a const one (or a type derived from it).
template <class P, class Visit>
void visit_parameters(P& p, Visit&& visit) {
  visit(declare<std::string>("rule", "hidden rule (B/S, Hensel or MAP rulestring)"), p.rule);
  visit(declare("height", "grid height H", 3, 4096), p.height);
  visit(declare("width", "grid width W", 3, 4096), p.width);
  visit(declare("steps", "trajectory length T (T+1 frames)", 1, 100000), p.steps);
  visit(declare("density", "density of the random initial soup", 0.0, 1.0), p.density);
  visit(declare("noise", "probability of flipping each shown cell", 0.0, 0.5), p.noise);
  visit(declare<ca::Boundary>("mode", "torus, or window (the H×W window of a larger torus)"),
        p.mode);
  visit(declare("world_scale", "window mode: world side / window side", 1, 64), p.world_scale);
  visit(declare<std::uint64_t>("seed", "seed of the soups and the noise", 0,
                               std::numeric_limits<std::uint64_t>::max()),
        p.seed);
  visit(declare<bool>("allow_reveal", "answer REVEAL (for benchmarks that score)"), p.allow_reveal);
}

// The first problem with any parameter, as "--height 5000 is outside [3, 4096]", or "".
std::string first_problem(const WorldParameters& p);

// The command-line arguments that give these parameters to carl-provider: every parameter (a
// flag only when true), numbers written so that they read back exactly.
std::vector<std::string> parameter_arguments(const WorldParameters& p);

}  // namespace carl::provider
