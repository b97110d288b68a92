# SPDX-License-Identifier: GPL-3.0-or-later
"""The fixed list of mutants that `make mutate` applies (see run.py).

Each mutant replaces one exact snippet, found exactly once in its file, by a plausible mistake: a
flipped comparison, an off-by-one, a dropped condition, a raised limit. `stage` is the cheapest
test stage that should notice it ("unit", or "integration" with `filters` naming the tests to
run). `why` says what behaviour breaks, for the survivors' list.
"""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    find: str
    replace: str
    why: str
    stage: str = "unit"
    filters: tuple = field(default_factory=tuple)


def m(name, file, find, replace, why, stage="unit", filters=()):
    return Mutant(name, file, find, replace, why, stage, tuple(filters))


MUTANTS = [
    # --- range: Monitoring Plugins threshold ranges -------------------------------------------
    m("range-start-inclusive", "lib/range.cpp", "value >= range.start", "value > range.start",
      "the start of a range is inside it"),
    m("range-end-inclusive", "lib/range.cpp", "value <= range.end", "value < range.end",
      "the end of a range is inside it"),
    m("range-inside-flip", "lib/range.cpp", "return range.alert_inside ? inside : !inside;",
      "return range.alert_inside ? !inside : inside;", "@ alerts inside, plain ranges outside"),
    m("range-start-gt-end", "lib/range.cpp", "range.start > range.end", "range.start > range.end + 1",
      "a start above the end is refused"),
    m("range-empty-ok", "lib/range.cpp", "throw UsageError(\"empty threshold range\");",
      "return Range{};", "an empty range is refused"),
    m("range-negative-start", "lib/range.cpp", "!plain_upper_bound || range.end_is_infinity",
      "(!plain_upper_bound && range.start > 0) || range.end_is_infinity",
      "a negative start is kept in the perfdata range"),
    m("range-tilde", "lib/range.cpp", "text += \"~:\";", "text += \"\";",
      "~: is written in the perfdata range"),
    m("range-describe-above", "lib/range.cpp", "return \"above \" + end;", "return \"over \" + end;",
      "the threshold is described as 'above'"),
    m("range-no-start-colon", "lib/range.cpp", "colon > 0 && !range.start_is_minus_infinity",
      "colon >= 0 && !range.start_is_minus_infinity", "':' alone is refused"),
    # --- duration ---------------------------------------------------------------------------
    m("duration-unit-day", "lib/duration.cpp", "{'d', 86400}", "{'d', 86401}",
      "a day is 86400 s"),
    m("duration-order", "lib/duration.cpp", "for (std::size_t i = unit_index; i < units.size(); ++i)",
      "for (std::size_t i = 0; i < units.size(); ++i)", "units must come from the largest down"),
    m("duration-overflow", "lib/duration.cpp", "if (number > (limit - total) / multiplier) {",
      "if (false) {", "a duration too large for int64 is refused"),
    m("duration-negative", "lib/duration.cpp", "return negative ? -total : total;",
      "return total;", "a leading minus makes a negative duration"),
    m("duration-empty", "lib/duration.cpp", "if (digits == 0) {", "if (digits == 0 && pos == 0) {",
      "a unit without a number is refused"),
    m("duration-format-skip-zero", "lib/duration.cpp", "    if (count > 0) {\n      text +=",
      "    if (count >= 0) {\n      text +=", "zero units are left out of a formatted duration"),
    m("duration-format-weeks", "lib/duration.cpp",
      "for (std::size_t i = 1; i < units.size(); ++i) { // days read better than weeks",
      "for (std::size_t i = 0; i < units.size(); ++i) { // days read better than weeks",
      "durations are shown in days, not weeks"),
    # --- timestamp --------------------------------------------------------------------------
    m("timestamp-leap-100", "lib/timestamp.cpp", "year % 100 != 0", "year % 100 != 1",
      "1900 and 2100 are not leap years"),
    m("timestamp-leap-400", "lib/timestamp.cpp", "|| year % 400 == 0", "|| year % 400 == 1",
      "2000 is a leap year"),
    m("timestamp-fraction-9", "lib/timestamp.cpp", "digits >= 1 && digits <= 9",
      "digits >= 1 && digits <= 7", "8- and 9-digit fractions are accepted"),
    m("timestamp-fraction-empty", "lib/timestamp.cpp", "digits >= 1 && digits <= 9",
      "digits <= 9", "an empty fraction is refused"),
    m("timestamp-offset-sign", "lib/timestamp.cpp", "+ second - *offset;", "+ second + *offset;",
      "an offset is subtracted to get UTC"),
    m("timestamp-hour-range", "lib/timestamp.cpp", "hours > 23 || minutes > 59",
      "hours > 24 || minutes > 59", "an offset hour above 23 is refused"),
    m("timestamp-second-60", "lib/timestamp.cpp", "minute > 59 || second > 59",
      "minute > 59 || second > 60", "second 60 is refused"),
    m("timestamp-trailing", "lib/timestamp.cpp", "if (!offset || cursor.pos != text.size()) {",
      "if (!offset) {", "trailing text after the offset is refused"),
    m("timestamp-latest", "lib/timestamp.cpp", "days_since_epoch(10000, 1, 1) * 86400 - 1;",
      "days_since_epoch(10000, 1, 1) * 86400;", "the latest instant is 9999-12-31T23:59:59Z"),
    m("timestamp-earliest", "lib/timestamp.cpp", "if (instant < earliest || instant > latest) {",
      "if (instant > latest) {", "instants before year 1 are refused"),
    m("timestamp-february", "lib/timestamp.cpp", "month == 2 && is_leap(year) ? 29",
      "month == 2 ? 29", "29 February only in leap years"),
    m("timestamp-format-negative", "lib/timestamp.cpp", "    rest += 86400;\n    --days;",
      "    rest += 86400;", "instants before 1970 are formatted on the right day"),
    # --- output -----------------------------------------------------------------------------
    m("output-pipe", "lib/output.cpp", "clean += '/';", "clean += '|';",
      "a | in text would corrupt perfdata"),
    m("output-control", "lib/output.cpp", "(c < 0x20 || c == 0x7F)", "(c < 0x1F || c == 0x7F)",
      "control characters are replaced"),
    m("output-del", "lib/output.cpp", "(c < 0x20 || c == 0x7F)", "(c < 0x20)",
      "DEL is replaced"),
    m("output-c1", "lib/output.cpp", "< 0xA0;", "< 0x90;", "all C1 controls are replaced"),
    m("output-overlong-3", "lib/output.cpp", "{0, 0, 0x80, 0x800, 0x10000}",
      "{0, 0, 0x80, 0x80, 0x10000}", "a 3-byte overlong encoding is refused"),
    m("output-surrogate", "lib/output.cpp", "(code >= 0xD800 && code <= 0xDFFF)",
      "(code >= 0xD800 && code <= 0xDBFF)", "encoded low surrogates are refused"),
    m("output-max-codepoint", "lib/output.cpp", "code > 0x10FFFF", "code > 0x1FFFFF",
      "code points above U+10FFFF are refused"),
    m("output-continuation", "lib/output.cpp", "if ((byte(pos + i) & 0xC0) != 0x80) {",
      "if ((byte(pos + i) & 0x80) != 0x80) {", "a continuation byte is 10xxxxxx"),
    m("output-cut-split", "lib/output.cpp",
      "while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {",
      "while (false) {", "a cut never splits a UTF-8 sequence"),
    m("output-truncation-early", "lib/output.cpp",
      "output.size() + line.size() + truncated_note.size() > max_output_bytes",
      "output.size() + line.size() + truncated_note.size() >= max_output_bytes",
      "output is truncated only past the cap"),
    m("output-perf-min", "lib/output.cpp", "value.critical + \";0\";", "value.critical + \";\";",
      "perfdata carries min 0"),
    # --- retry ------------------------------------------------------------------------------
    m("retry-503", "lib/retry.cpp", "status == 429 || status == 503 || status == 504",
      "status == 429 || status == 504", "503 is retried"),
    m("retry-negative", "lib/retry.cpp", "seconds < 0 ||", "", "a negative Retry-After is refused"),
    m("retry-day-cap", "lib/retry.cpp", "return wait > 86400 ? std::nullopt",
      "return wait > 864000 ? std::nullopt", "a Retry-After date over a day away is refused"),
    m("retry-round-up", "lib/retry.cpp", "whole < milliseconds ? whole + 1 : whole",
      "whole", "a fractional Retry-After is rounded up"),
    m("retry-backoff-cap", "lib/retry.cpp", "constexpr long long cap_ms = 2000;",
      "constexpr long long cap_ms = 20000;", "backoff is capped at 2 s"),
    m("retry-backoff-jitter", "lib/retry.cpp",
      "delay / 2 + static_cast<long long>(delay / 2 * jitter)", "delay",
      "the backoff has jitter in [delay/2, delay]"),
    m("retry-max-wait", "lib/retry.hpp", "max_wait{5000}", "max_wait{60000}",
      "the longest honoured Retry-After is 5 s"),
    # --- auth -------------------------------------------------------------------------------
    m("auth-expires-cap", "lib/auth.cpp", "*expires_in > 86400 * 30", "*expires_in > 86400 * 300",
      "an expires_in over 30 days is refused"),
    m("auth-expires-zero", "lib/auth.cpp", "*expires_in <= 0", "*expires_in < 0",
      "an expires_in of 0 is refused"),
    m("auth-5xx", "lib/auth.cpp", "if (response.status >= 500) {", "if (response.status > 500) {",
      "a token endpoint 500 is a service error"),
    m("auth-aadsts-prefix", "lib/auth.cpp", "colon < 16", "colon < 2",
      "the AADSTS prefix is cut from the description"),
    m("auth-assertion-type", "lib/auth.cpp", "if (name == \"client_assertion\") {",
      "if (name == \"client_secret\") {", "a client assertion carries its type"),
    m("auth-form-encode", "lib/auth.cpp", "form += \"&\" + name + \"=\" + form_encode(value.reveal());",
      "form += \"&\" + name + \"=\" + value.reveal();", "secrets are form-encoded"),
    m("auth-protect-encoded", "lib/auth.cpp", "    trace.protect(form_encode(field.second.reveal()));\n",
      "", "the percent-encoded secret is redacted at -vvv", "integration", ["vvv"]),
    m("auth-protect-token", "lib/auth.cpp", "  trace.protect(token.value.reveal());\n", "",
      "the issued access token is redacted at -vvv", "integration", ["vvv"]),
    # --- evaluate ---------------------------------------------------------------------------
    m("evaluate-enabled-while-off", "lib/evaluate.cpp",
      "if (status.sync_enabled == SyncEnabled::True) { // \"enabled\" reads as healthy",
      "if (true) { // \"enabled\" reads as healthy",
      "'password hash sync enabled' is not printed while directory sync is off"),
    m("evaluate-dirsync-age-when-off", "lib/evaluate.cpp", "  if (synced || status.last_dirsync) {",
      "  if (status.last_dirsync) {", "the directory sync age is judged when sync is on"),
    m("evaluate-critical-first", "lib/evaluate.cpp",
      "check.thresholds.critical && alerts(*check.thresholds.critical, age)",
      "check.thresholds.critical && !alerts(*check.thresholds.critical, age)",
      "a critical threshold raises CRITICAL"),
    m("evaluate-null-warning", "lib/evaluate.cpp",
      "    verdict.raise(State::Warning);\n    verdict.summary.push_back(std::string(\"no \")",
      "    verdict.summary.push_back(std::string(\"no \")", "a null timestamp is a WARNING"),
    m("evaluate-feature-disabled", "lib/evaluate.cpp",
      "  case PasswordSyncFeature::Disabled:\n    verdict.raise(State::Critical);",
      "  case PasswordSyncFeature::Disabled:", "password hash sync disabled is CRITICAL"),
    m("evaluate-sync-off", "lib/evaluate.cpp", "  verdict.raise(State::Critical);\n  verdict.summary.push_back(enabled",
      "  verdict.summary.push_back(enabled", "directory sync off is CRITICAL"),
]
