// SPDX-License-Identifier: GPL-3.0-or-later
// Verbose output (-v to -vvv) with every secret and token redacted before it is kept.
#pragma once

#include "redact.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace cps {

class Trace {
public:
  explicit Trace(int verbosity) : verbosity_(verbosity) {}

  int verbosity() const { return verbosity_; }
  bool wants(int level) const { return verbosity_ >= level; }

  // Registers a value that must never be shown, such as the client secret or an access token. It
  // is removed from the trace lines and, through redactor(), from everything the plugin prints.
  void protect(std::string_view value) { redactor_.protect(value); }

  // Keeps one line (redacted) when the verbosity is at least level.
  void note(int level, std::string_view line);

  // Removes the registered secrets and what is secret by its place (see Redactor).
  std::string redact(std::string_view text) const { return redactor_.redact(text); }

  // Every secret registered so far: the output's last filter.
  const Redactor &redactor() const { return redactor_; }

  const std::vector<std::string> &lines() const { return lines_; }

private:
  int verbosity_;
  Redactor redactor_;
  std::vector<std::string> lines_;
};

} // namespace cps
