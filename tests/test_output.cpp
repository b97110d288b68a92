// SPDX-License-Identifier: GPL-3.0-or-later
// Rendering a CheckResult: line 1, perfdata, sanitising and the 4 KB cap.
#include "lib/output.hpp"
#include "tests/text_oracle.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cps;

namespace {

bool valid_utf8(const std::string &text) {
  return oracle::is_valid_utf8(text);
}

std::string first_line(const std::string &output) {
  return output.substr(0, output.find('\n'));
}

CheckResult ok_result() {
  CheckResult result;
  result.state = State::Ok;
  result.summary =
      "password hash sync enabled, last password sync 31m ago, last directory sync 12m ago";
  result.details = {"tenant: contoso.onmicrosoft.com",
                    "last password sync: 2023-11-14 21:42:20 UTC (31m ago)"};
  result.perfdata = {{"password_sync_age", 1860, "259200", ""}, {"dirsync_age", 720, "259200", ""}};
  return result;
}

} // namespace

TEST_CASE("output: line 1 and detail lines, exactly") {
  CHECK(render(ok_result(), Redactor{}) ==
        "PASSWORD_SYNC OK - password hash sync enabled, last password sync 31m ago, last "
        "directory sync 12m ago | password_sync_age=1860s;259200;;0 dirsync_age=720s;259200;;0\n"
        "tenant: contoso.onmicrosoft.com\n"
        "last password sync: 2023-11-14 21:42:20 UTC (31m ago)\n");
}

TEST_CASE("output: every state name") {
  for (auto [state, name] : std::vector<std::pair<State, const char *>>{
           {State::Ok, "PASSWORD_SYNC OK - x\n"},
           {State::Warning, "PASSWORD_SYNC WARNING - x\n"},
           {State::Critical, "PASSWORD_SYNC CRITICAL - x\n"},
           {State::Unknown, "PASSWORD_SYNC UNKNOWN - x\n"}}) {
    CheckResult result;
    result.state = state;
    result.summary = "x";
    CHECK(render(result, Redactor{}) == name);
  }
}

TEST_CASE("output: no perfdata, no separator") {
  CheckResult result;
  result.state = State::Unknown;
  result.summary = "token request rejected: AADSTS7000215 (invalid_client): Invalid secret.";
  result.details = {"detail"};
  std::string output = render(result, Redactor{});
  CHECK(output == "PASSWORD_SYNC UNKNOWN - token request rejected: AADSTS7000215 "
                  "(invalid_client): Invalid secret.\ndetail\n");
  CHECK(output.find('|') == std::string::npos);

  CheckResult empty;
  CHECK(render(empty, Redactor{}) == "PASSWORD_SYNC UNKNOWN\n");
}

TEST_CASE("output: format_perfdata") {
  CHECK(format_perfdata({"password_sync_age", 1860, "259200", ""}) ==
        "password_sync_age=1860s;259200;;0");
  CHECK(format_perfdata({"dirsync_age", 0, "3600:7200", "432000"}) ==
        "dirsync_age=0s;3600:7200;432000;0");
  CHECK(format_perfdata({"dirsync_age", 5, "", ""}) == "dirsync_age=5s;;;0");
}

TEST_CASE("output: a server's '|' and newlines stay on line 1 and never split perfdata") {
  CheckResult result;
  result.state = State::Unknown;
  result.summary = "token request rejected: AADSTS1 (x): a | b\r\nTrace ID: 1\nfake | perf=1";
  result.details = {"evil|detail\nsecond"};
  result.perfdata = {{"dirsync_age", 1, "259200", ""}};
  std::string output = render(result, Redactor{});
  CHECK(first_line(output) == "PASSWORD_SYNC UNKNOWN - token request rejected: AADSTS1 (x): "
                              "a / b  Trace ID: 1 fake / perf=1 | dirsync_age=1s;259200;;0");
  CHECK(output.substr(first_line(output).size() + 1) == "evil/detail second\n");
  std::size_t bars = 0;
  for (char c : output) {
    bars += c == '|';
  }
  CHECK(bars == 1);
}

TEST_CASE("output: details are sanitised") {
  CheckResult result = ok_result();
  result.details = {"a|b\x01"
                    "c\x7f\xff"};
  std::string output = render(result, Redactor{});
  CHECK(output.substr(first_line(output).size() + 1) == "a/b c ?\n");
}

TEST_CASE("output: capped at 4096 bytes with a truncation note") {
  CheckResult result = ok_result();
  result.details.clear();
  for (int i = 0; i < 200; ++i) {
    result.details.push_back("detail " + std::to_string(i) + " " + std::string(80, 'x'));
  }
  std::string output = render(result, Redactor{});
  CHECK(output.size() <= 4096); // the documented cap, written out: not read from the code
  CHECK(output.size() > 4096 - 200);
  const std::string note = "(output truncated)\n";
  REQUIRE(output.size() >= note.size());
  CHECK(output.substr(output.size() - note.size()) == note);
  CHECK(first_line(output).find(" | password_sync_age=1860s") != std::string::npos);

  // Exactly fitting output has no note.
  CHECK(render(ok_result(), Redactor{}).find("truncated") == std::string::npos);
}

TEST_CASE("output: a huge summary is cut on a character boundary and keeps the perfdata") {
  CheckResult result = ok_result();
  result.summary = "x"; // shifts the two-byte characters so byte 1024 is a continuation byte
  for (int i = 0; i < 5000; ++i) {
    result.summary += "\xc3\xa9"; // é
  }
  result.details.assign(100, std::string(200, 'd'));
  std::string output = render(result, Redactor{});
  CHECK(output.size() <= 4096);
  CHECK(valid_utf8(output));
  std::string line = first_line(output);
  CHECK(line.size() < 1200);
  CHECK(line.find(" | password_sync_age=1860s;259200;;0 dirsync_age=720s;259200;;0") !=
        std::string::npos);
  const std::string last = "dirsync_age=720s;259200;;0";
  CHECK(line.substr(line.size() - last.size()) == last);
}

TEST_CASE("output: the worst-case render stays within 4096 bytes") {
  CheckResult result;
  result.state = State::Critical;
  result.summary = std::string(100000, '\xff');
  result.details.assign(1000, std::string(5000, '|'));
  result.perfdata = {{"password_sync_age", 9223372036854775807LL, "~:9223372036854775807",
                      "@-9223372036854775807:9223372036854775807"},
                     {"dirsync_age", 9223372036854775807LL, "~:9223372036854775807",
                      "@-9223372036854775807:9223372036854775807"}};
  std::string output = render(result, Redactor{});
  CHECK(output.size() <= 4096);
  CHECK(output.back() == '\n');
  CHECK(valid_utf8(output));
}

TEST_CASE("output: the cap is 4096 bytes, and a line that ends exactly there is kept") {
  const std::string note = "(output truncated)\n";
  CheckResult result;
  result.state = State::Ok;
  result.summary = "s";
  // Line 1, "PASSWORD_SYNC OK - s\n", is 21 bytes.
  // Details of 99 bytes plus a newline: 40 of them make 4021 bytes, then one line sized so the
  // output plus the note is exactly 4096, then one more line that cannot fit.
  result.details.assign(40, std::string(99, 'd'));
  std::size_t last = 4096 - 21 - 40 * 100 - note.size() - 1; // 55 bytes and its newline
  result.details.push_back(std::string(last, 'e'));
  result.details.push_back("f");
  std::string output = render(result, Redactor{});
  CHECK(output.size() == 4096);
  CHECK(output.find(std::string(last, 'e') + "\n" + note) != std::string::npos);

  // Much more than 8 KB of details still ends at 4096 bytes.
  result.details.assign(200, std::string(99, 'd'));
  std::string big = render(result, Redactor{});
  CHECK(big.size() <= 4096);
  CHECK(big.size() > 4096 - 100);
}

TEST_CASE("output: line 1 keeps the first 1024 bytes of the summary") {
  CheckResult result;
  result.state = State::Critical;
  result.summary = std::string(1023, 'a') + "bc" + std::string(500, 'z');
  std::string line = first_line(render(result, Redactor{}));
  CHECK(line == "PASSWORD_SYNC CRITICAL - " + std::string(1023, 'a') + "b");
}

TEST_CASE("output: the summary budget keeps line 1 within 100 characters") {
  CHECK(summary_budget(State::Ok) == 81);      // "PASSWORD_SYNC OK - " is 19
  CHECK(summary_budget(State::Warning) == 76); // "PASSWORD_SYNC WARNING - " is 24
  CHECK(summary_budget(State::Critical) == 75);
  CHECK(summary_budget(State::Unknown) == 76);
  CheckResult result;
  result.state = State::Warning;
  result.summary = std::string(76, 's');
  CHECK(first_line(render(result, Redactor{})).size() == 100);
}

TEST_CASE("output: the redactor is the last filter of the status line and every detail line") {
  Redactor redactor;
  redactor.protect("s3cr3t_v4lue");
  redactor.protect("a b");
  CheckResult result = ok_result();
  result.state = State::Unknown;
  result.summary = "token request rejected: x: secret s3cr3t\\u005fv4lue is wrong";
  result.details = {"password hash sync feature flag not readable (HTTP 400 x: "
                    "Authorization: Bearer eyJ0.abc)",
                    "echo s3cr3t%5Fv4lue", "joined by sanitising: a\tb"};
  std::string output = render(result, redactor);
  CHECK(output == "PASSWORD_SYNC UNKNOWN - token request rejected: x: secret [redacted] is wrong"
                  " | password_sync_age=1860s;259200;;0 dirsync_age=720s;259200;;0\n"
                  "password hash sync feature flag not readable (HTTP 400 x: Authorization: "
                  "[redacted])\n"
                  "echo [redacted]\n"
                  "[line withheld: it would show a secret]\n");
}
