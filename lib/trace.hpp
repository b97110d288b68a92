// SPDX-License-Identifier: GPL-3.0-or-later
// Verbose output (-v to -vvv) with every secret and token redacted before it is kept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cps {

class Trace {
public:
  explicit Trace(int verbosity) : verbosity_(verbosity) {}

  int verbosity() const { return verbosity_; }
  bool wants(int level) const { return verbosity_ >= level; }

  // Registers a value that must never be shown, such as the client secret or an access token.
  void protect(std::string_view value);

  // Keeps one line (redacted) when the verbosity is at least level.
  void note(int level, std::string_view line);

  // Removes secrets: registered values, Authorization headers, secret form fields and token fields
  // in JSON.
  std::string redact(std::string_view text) const;

  const std::vector<std::string> &lines() const { return lines_; }

private:
  int verbosity_;
  std::vector<std::string> protected_;
  std::vector<std::string> lines_;
};

} // namespace cps
