// SPDX-License-Identifier: GPL-3.0-or-later
// The status line's parts, each with a short form, and fitting them into 100 characters.
#pragma once

#include "state.hpp"

#include <string>
#include <vector>

namespace cps {

// A part of the status line: its full text and the short form it falls back to when the line
// must be shortened (the detail lines keep the whole story).
struct Phrase {
  std::string text;
  std::string short_text;
};

// How much a part of the summary matters when the status line must be shortened.
enum class Weight {
  Problem, // why the state is not OK: kept, in its short form if need be
  Remark,  // what the check could not judge: kept, shortened first
  Age,     // a healthy age: left to the detail lines before a problem is shortened
  Note     // reassurance ("password hash sync enabled"): the first to go
};

struct SummaryItem {
  Phrase phrase;
  Weight weight;
};

// The parts joined with ", ". An OK or WARNING line fits in summary_budget(state) characters
// (Icinga Web's list view, an SMS): first the notes go, then remarks take their short form, then
// healthy ages go, then problems take their short form from the last one up. CRITICAL and UNKNOWN
// keep their whole explanation.
std::string fit_summary(std::vector<SummaryItem> items, State state);

} // namespace cps
