#pragma once
// The built-in provider's command-line options, shared by `carl-provider` and `carl provide`.
#include <CLI/CLI.hpp>
#include <climits>
#include <cstdio>
#include <limits>
#include <optional>
#include <type_traits>

#include "ca/choice.h"
#include "provider/builtin.h"
#include "provider/error.h"
#include "provider/limits.h"

namespace carl::apps {

// An integral option read by provider::parse_number: decimal digits, no '+' (CLI11 wrapped
// --seed -1 to 2^64-1 and read --start-index 010 as 8), a value below `least` refused too, in one
// line that names the option and `range`.
template <class T>
CLI::Option* add_integer_option(CLI::App& app, const std::string& flag, T& value, T least,
                                const std::string& range, const std::string& help) {
  return app
      .add_option_function<std::string>(
          flag,
          [&value, flag, least, range](const std::string& word) {
            const auto parsed = provider::parse_number<T>(word);
            if (!parsed || *parsed < least)
              throw CLI::ValidationError(
                  fmt::format("{} '{}': not an integer in {}", flag, printable(word, 40), range));
            value = *parsed;
          },
          help)
      ->type_name(std::is_signed_v<T> ? "INT" : "UINT")
      ->default_str(std::to_string(value));
}

// One option per declared parameter (provider/parameters.h), with its default shown; the
// provider checks the values itself (HiddenRuleWorld), with the same messages as the config.
inline void add_provider_options(CLI::App& app, provider::ProviderOptions& o) {
  provider::visit_parameters(
      static_cast<provider::WorldParameters&>(o), [&](const auto& parameter, auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, bool>) {
          app.add_flag(parameter.flag(), value, parameter.help);
        } else if constexpr (std::is_enum_v<T>) {
          // A closed choice (ca/choice.h): its words, a wrong one refused in the config's words.
          const std::string flag = parameter.flag();
          app.add_option_function<std::string>(
                 flag,
                 [&value, flag](const std::string& word) {
                   const auto v = parse_choice<T>(word);
                   if (!v) throw CLI::ValidationError(flag + " " + not_one_of<T>(printable(word)));
                   value = *v;
                 },
                 parameter.help)
              ->default_str(choice_name(value));
        } else if constexpr (std::is_integral_v<T>) {
          // The range itself is checked by the provider, with the config's messages.
          add_integer_option(app, parameter.flag(), value, std::numeric_limits<T>::lowest(),
                             fmt::format("[{}, {}]", parameter.min, parameter.max), parameter.help);
        } else {
          app.add_option(parameter.flag(), value, parameter.help)->capture_default_str();
        }
      });
  app.get_option("--rule")->required();
  add_integer_option(app, "--start-index", o.start_index, 0, fmt::format("[0, {}]", INT_MAX),
                     "number of the first trajectory served (resume)");
}

// Parses carl-provider's command line. A command-line error is one line on stderr and exit 2,
// as in carl (README.md), not CLI11's two lines and its own codes; --help exits 0, or 2 when its
// text cannot be written. Returns the exit status, or nothing when the provider should run.
inline std::optional<int> parse_provider_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) {
      std::fprintf(stderr, "carl-provider: %s (see --help)\n", printable(e.what()).c_str());
      return 2;
    }
    app.exit(e);
    return std::fflush(stdout) == 0 && !std::ferror(stdout) ? 0 : 2;
  }
}

// Runs the protocol on stdin/stdout; errors go to stderr as one line.
inline int run_provider(const provider::ProviderOptions& o) {
  try {
    return provider::serve(o, stdin, stdout);
  } catch (const std::exception& e) {
    const std::string what = terminal_safe(e.what());
    std::fprintf(stdout, "ERROR %s\n", what.c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "carl-provider: %s\n", what.c_str());
    return 2;
  }
}

}  // namespace carl::apps
