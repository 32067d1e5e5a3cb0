#pragma once
// The built-in provider's command-line options, shared by `carl-provider` and `carl provide`.
#include <CLI/CLI.hpp>
#include <type_traits>

#include "ca/choice.h"
#include "provider/builtin.h"
#include "provider/error.h"

namespace carl::apps {

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
        } else {
          app.add_option(parameter.flag(), value, parameter.help)->capture_default_str();
        }
      });
  app.get_option("--rule")->required();
  app.add_option("--start-index", o.start_index, "number of the first trajectory served (resume)")
      ->capture_default_str();
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
