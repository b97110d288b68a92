// SPDX-License-Identifier: GPL-3.0-or-later
// Renders a CheckResult as Nagios/Icinga plugin output.
#include "output.hpp"

#include "text.hpp"

namespace cps {
namespace {

constexpr std::size_t max_line1_text = 1024;
constexpr std::string_view truncated_note = "(output truncated)\n";

// Cuts text to at most max bytes without splitting a UTF-8 sequence.
std::string_view cut_utf8(std::string_view text, std::size_t max) {
  if (text.size() <= max) {
    return text;
  }
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end);
}

// Text fit to print: no secret in any form, valid UTF-8, no controls, no '|'.
std::string printable(std::string_view text, const Redactor &redactor) {
  std::string clean = sanitize_text(redactor.redact(text));
  // Sanitising can join a secret again (a tab in the text where the secret has a space).
  return redactor.reveals(clean) ? std::string(withheld_line) : clean;
}

} // namespace

std::size_t summary_budget(State state) {
  return max_status_line -
         (std::string_view("PASSWORD_SYNC  - ").size() + state_name(state).size());
}

std::string format_perfdata(const PerfValue &value) {
  return value.label + "=" + std::to_string(value.seconds) + "s;" + value.warning + ";" +
         value.critical + ";0";
}

std::string render(const CheckResult &result, const Redactor &redactor) {
  std::string text = printable(result.summary, redactor);
  std::string line1 = "PASSWORD_SYNC " + std::string(state_name(result.state));
  if (!text.empty()) {
    line1 += " - " + std::string(cut_utf8(text, max_line1_text));
  }
  std::string perfdata;
  for (const PerfValue &value : result.perfdata) {
    perfdata += (perfdata.empty() ? "" : " ") + format_perfdata(value);
  }
  if (!perfdata.empty()) {
    line1 += " | " + perfdata;
  }
  std::string output = line1 + "\n";
  for (const std::string &detail : result.details) {
    std::string line = printable(detail, redactor) + "\n";
    if (output.size() + line.size() + truncated_note.size() > max_output_bytes) {
      output += truncated_note;
      break;
    }
    output += line;
  }
  return output;
}

} // namespace cps
