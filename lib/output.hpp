// SPDX-License-Identifier: GPL-3.0-or-later
// Renders a CheckResult as Nagios/Icinga plugin output: line 1 with perfdata, then detail lines.
#pragma once

#include "redact.hpp"
#include "result.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace cps {

constexpr std::size_t max_output_bytes = 4096;

// Icinga Web's list view and an SMS show about this much of line 1 (before the perfdata).
constexpr std::size_t max_status_line = 100;

// The characters left for the summary in a status line of max_status_line with this state.
std::size_t summary_budget(State state);

// "password_sync_age=1860s;259200;;0".
std::string format_perfdata(const PerfValue &value);

// The whole output, newline-terminated and at most max_output_bytes long. This is the one place
// output is made, and its last filter: the summary and every detail line (trace lines included)
// pass through the redactor, which knows every secret the check holds, then through
// sanitize_text (text.hpp); a line that would still show a secret is withheld.
std::string render(const CheckResult &result, const Redactor &redactor);

} // namespace cps
