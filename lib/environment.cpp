// SPDX-License-Identifier: GPL-3.0-or-later
// The process's own environment, for the one place that reads it (main).
#include "environment.hpp"

#include <cstdlib>

namespace cps {

Environment process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char *value = std::getenv(std::string(name).c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
}

} // namespace cps
