// SPDX-License-Identifier: GPL-3.0-or-later
// One check end to end: credential, token, one Graph $batch, verdict.
#pragma once

#include "clock.hpp"
#include "options.hpp"
#include "result.hpp"
#include "trace.hpp"

#include <cstdint>
#include <functional>

namespace cps {

// Runs the check. Throws the errors of errors.hpp; the trace keeps verbose lines even then.
CheckResult run_check(const Config &config, const Environment &env, Trace &trace,
                      const WallClock &now);

} // namespace cps
