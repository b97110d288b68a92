// SPDX-License-Identifier: GPL-3.0-or-later
// The registry of AADSTS codes with a hint, and its agreement with doc/troubleshooting.md's table.
#include "lib/entra_errors.hpp"
#include "tests/source_tree.hpp"

#include <algorithm>
#include <doctest/doctest.h>
#include <sstream>
#include <string>
#include <vector>

using namespace cps;
using cps::test::read_source_text;
using cps::test::source_root;

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The codes of a Markdown table's rows that start "| AADSTS<digits> |", in order.
std::vector<std::string> codes_in_table(const std::string &markdown) {
  std::vector<std::string> codes;
  std::istringstream lines(markdown);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| AADSTS", 0) != 0) {
      continue;
    }
    std::size_t end = 8;
    while (end < line.size() && is_digit(line[end])) {
      ++end;
    }
    if (end > 8 && line.compare(end, 2, " |") == 0) {
      codes.push_back(line.substr(2, end - 2));
    }
  }
  return codes;
}

std::vector<std::string> registry_codes() {
  std::vector<std::string> codes;
  for (const EntraErrorCode &entry : entra_error_codes()) {
    codes.emplace_back(entry.code);
  }
  return codes;
}

} // namespace

TEST_SUITE_BEGIN("entra_errors");

TEST_CASE("entra errors: the registry lists these codes, each once") {
  CHECK(registry_codes() ==
        std::vector<std::string>{"AADSTS7000215", "AADSTS7000222", "AADSTS90002", "AADSTS500011",
                                 "AADSTS900023", "AADSTS700016", "AADSTS700027", "AADSTS1000502",
                                 "AADSTS7000112", "AADSTS53003", "AADSTS70011", "AADSTS700024", "AADSTS70021",
                                 "AADSTS700211", "AADSTS700212", "AADSTS700213"});
}

TEST_CASE("entra errors: each entry is found by its code and has a one-line hint") {
  for (const EntraErrorCode &entry : entra_error_codes()) {
    CAPTURE(entry.code);
    CHECK(find_entra_error(entry.code) == &entry);
    std::string hint = entry.hint();
    CHECK(hint.size() >= 20);
    CHECK(hint.size() <= 160);
    CHECK(hint.find_first_of("|\r\n") == std::string::npos);
    CHECK(hint.back() != '.'); // a clause of the status line, which goes on after it
  }
}

TEST_CASE("entra errors: only an expired client secret is an expired credential") {
  const EntraErrorCode *expired = find_entra_error("AADSTS7000222");
  REQUIRE(expired != nullptr);
  CHECK(expired->rejection == EntraRejection::CredentialExpired);
  // The same words as the credential-expiry warning before the end date.
  CHECK(expired->hint() == "renew it: Microsoft Entra admin center > App registrations > the app "
                           "> Certificates & secrets, then give the plugin the new one");
  int expired_kinds = 0;
  for (const EntraErrorCode &entry : entra_error_codes()) {
    expired_kinds += entry.rejection == EntraRejection::CredentialExpired ? 1 : 0;
  }
  CHECK(expired_kinds == 1);
  REQUIRE(find_entra_error("AADSTS7000215") != nullptr);
  CHECK(find_entra_error("AADSTS7000215")->rejection == EntraRejection::Refused);
}

TEST_CASE("entra errors: a code the registry does not list has no entry") {
  for (const char *code : {"AADSTS700025", "AADSTS7000218", "AADSTS50034", "AADSTS70002",
                           "AADSTS70002220", "7000222", "aadsts7000222", "AADSTS", ""}) {
    CAPTURE(code);
    CHECK(find_entra_error(code) == nullptr);
  }
}

TEST_CASE("entra errors: the scanner reads the codes of table rows only") {
  CHECK(codes_in_table("| Code | Meaning |\n|---|---|\n| AADSTS7000215 | Invalid |\n"
                       "| AADSTS90002 | Tenant not found |\nsee AADSTS1 here\n| AADSTSx | no |\n"
                       "| AADSTS12 x | no |\n") ==
        std::vector<std::string>{"AADSTS7000215", "AADSTS90002"});
}

TEST_CASE("entra errors: doc/troubleshooting.md's table lists exactly the registry's codes") {
  std::vector<std::string> documented =
      codes_in_table(read_source_text(source_root() / "doc/troubleshooting.md"));
  for (const std::string &code : registry_codes()) {
    CHECK_MESSAGE(std::count(documented.begin(), documented.end(), code) == 1,
                  "doc/troubleshooting.md's AADSTS table lacks " << code);
  }
  for (const std::string &code : documented) {
    CHECK_MESSAGE(find_entra_error(code) != nullptr,
                  "doc/troubleshooting.md lists " << code << ", which lib/entra_errors lacks");
  }
  CHECK(documented == registry_codes()); // and in the same order
}

TEST_SUITE_END();
