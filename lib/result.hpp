// SPDX-License-Identifier: GPL-3.0-or-later
// The outcome of a check as a value: state, summary, detail lines and performance data.
#pragma once

#include "state.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cps {

struct PerfValue {
  std::string label;
  std::int64_t seconds = 0;
  std::string warning; // range text in seconds, empty when unset
  std::string critical;
};

struct CheckResult {
  State state = State::Unknown;
  std::string summary;
  std::vector<std::string> details;
  std::vector<PerfValue> perfdata;
};

} // namespace cps
