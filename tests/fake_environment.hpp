// SPDX-License-Identifier: GPL-3.0-or-later
// A fake process environment for unit tests: lib/ reads variables only through Environment.
#pragma once

#include "lib/options.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace cps {

inline Environment environment(std::map<std::string, std::string> values = {}) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto found = values.find(std::string(name));
    return found == values.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
}

} // namespace cps
