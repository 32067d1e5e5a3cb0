// carl-provider: a black box holding a hidden rule; it hands out trajectories on request over
// stdin/stdout (docs/provider-protocol.md) and never tells the rule unless --allow-reveal.
#include "apps/provider_cli.h"

int main(int argc, char** argv) {
  CLI::App app{"carl-provider: serve trajectories of a hidden rule (docs/provider-protocol.md)"};
  carl::provider::ProviderOptions options;
  carl::apps::add_provider_options(app, options);
  if (const auto rc = carl::apps::parse_provider_command_line(app, argc, argv)) return *rc;
  return carl::apps::run_provider(options);
}
