// SPDX-License-Identifier: GPL-3.0-or-later
// Renders a CheckResult as Nagios/Icinga plugin output.
#include "output.hpp"

namespace cps {
namespace {

constexpr std::size_t max_line1_text = 1024;
constexpr std::string_view truncated_note = "(output truncated)\n";

// Length of the valid UTF-8 sequence at text[pos], or 0 if invalid.
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  std::size_t length = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xE  ? 3
                       : (lead >> 3) == 0x1E ? 4
                                             : 0;
  if (length == 0 || pos + length > text.size()) {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      return 0;
    }
  }
  unsigned int code = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    code = (code << 6) | (byte(pos + i) & 0x3F);
  }
  static constexpr unsigned int minimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < minimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0; // overlong, out of range or a surrogate
  }
  return length;
}

bool is_c1_control(std::string_view sequence) {
  return sequence.size() == 2 && static_cast<unsigned char>(sequence[0]) == 0xC2 &&
         static_cast<unsigned char>(sequence[1]) < 0xA0;
}

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

std::string sanitize_text(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) {
      clean += '?';
      ++pos;
      continue;
    }
    std::string_view sequence = text.substr(pos, length);
    unsigned char c = static_cast<unsigned char>(sequence[0]);
    if (length == 1 && (c < 0x20 || c == 0x7F)) {
      clean += ' ';
    } else if (length == 1 && c == '|') {
      clean += '/';
    } else if (is_c1_control(sequence)) {
      clean += ' ';
    } else {
      clean += sequence;
    }
    pos += length;
  }
  return clean;
}

std::size_t summary_budget(State state) {
  return max_status_line - (std::string_view("PASSWORD_SYNC  - ").size() + state_name(state).size());
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
