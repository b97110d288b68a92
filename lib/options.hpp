// SPDX-License-Identifier: GPL-3.0-or-later
// The command line: the option table, --help text, and the Config it builds.
#pragma once

#include "config.hpp"
#include "environment.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace cps {

// Parses argv (without the program name). Throws UsageError.
Config parse_options(const std::vector<std::string> &args, const Environment &env);

std::string help_text();
// The long names of the option table, in its order (without "--"); tests hold the docs to it.
std::vector<std::string_view> long_option_names();
std::string version_text();

} // namespace cps
