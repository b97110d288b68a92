// SPDX-License-Identifier: GPL-3.0-or-later
// Environment variables, behind a function so that tests inject their own.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace cps {

// Looks up an environment variable; injected so tests need not touch the real environment.
using Environment = std::function<std::optional<std::string>(std::string_view name)>;

Environment process_environment();

} // namespace cps
