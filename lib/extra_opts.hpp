// SPDX-License-Identifier: GPL-3.0-or-later
// --extra-opts [section][@file]: options from an ini file, the Monitoring Plugins convention.
#pragma once

#include "environment.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cps {

struct ExtraOptsSpec {
  std::string section; // empty: the plugin's name
  std::string file;    // empty: MP_CONFIG_FILE, else the first file found by the search
};

// "section", "@file", "section@file" or "". Throws UsageError.
ExtraOptsSpec parse_extra_opts_spec(std::string_view value);

// The files searched, in order, when no @file is given (as monitoring-plugins does), after
// MP_CONFIG_FILE and the folders of NAGIOS_CONFIG_PATH.
const std::vector<std::string> &default_ini_files();

// The options of one section as arguments ("--name=value" or "--name"), in file order. Throws
// UsageError for a syntax error in a section header or in that section, or a missing section.
std::vector<std::string> ini_section_arguments(std::string_view text, std::string_view section,
                                               const std::string &file_name);

// Tells whether a path exists; injected so tests need not touch /etc.
using FileExists = std::function<bool(const std::string &path)>;

FileExists real_file_exists();

// Reads the file that spec names (or finds the default one) and returns that section's options.
// Throws UsageError.
std::vector<std::string> read_extra_opts(std::string_view value, const Environment &env,
                                         const FileExists &exists);

} // namespace cps
