#pragma once
#include "ca/error.h"

namespace carl::provider {

// A provider failed or misbehaved: not found, exited, hung, or sent something malformed. The
// message names the provider command and what went wrong, on one line.
class ProviderError : public InputError {
 public:
  using InputError::InputError;
};

}  // namespace carl::provider
