// SPDX-License-Identifier: GPL-3.0-or-later
// check_password_sync: a Nagios/Icinga plugin for Entra directory sync and password hash sync.
#include "lib/check.hpp"
#include "lib/errors.hpp"
#include "lib/hardening.hpp"
#include "lib/http.hpp"
#include "lib/options.hpp"
#include "lib/output.hpp"
#include "lib/watchdog.hpp"

#include <string>
#include <vector>

int main(int argc, char **argv) {
  cps::harden_process();
  cps::State timeout_state = cps::State::Critical;
  cps::CheckResult result;
  cps::Trace trace(0);
  try {
    cps::Environment env = cps::process_environment();
    cps::Config config = cps::parse_options(std::vector<std::string>(argv + 1, argv + argc), env);
    if (config.action != cps::Action::Check) {
      cps::write_stdout(config.action == cps::Action::Help ? cps::help_text()
                                                           : cps::version_text());
      return cps::exit_code(cps::State::Unknown);
    }
    timeout_state = config.timeout_state;
    trace = cps::Trace(config.verbosity);
    cps::Watchdog watchdog(config.timeout + cps::watchdog_grace,
                           cps::watchdog_message(config.timeout, timeout_state), timeout_state);
    cps::CurlGlobal curl;
    result = cps::run_check(config, env, trace, cps::system_wall_clock());
  } catch (...) {
    result = cps::result_for_current_exception(timeout_state);
  }
  result.details.insert(result.details.end(), trace.lines().begin(), trace.lines().end());
  cps::write_stdout(cps::render(result, trace.redactor()));
  return cps::exit_code(result.state);
}
