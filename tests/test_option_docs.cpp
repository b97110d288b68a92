// SPDX-License-Identifier: GPL-3.0-or-later
// One source of truth for options: --help, the man page, the guides and the shipped configuration
// agree with the option table about which long options exist.
#include "lib/options.hpp"
#include "tests/source_tree.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

using namespace cps;
using cps::test::read_source_text;
using cps::test::source_root;

namespace {

namespace fs = std::filesystem;

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

// Every "--name" in TEXT (name: lower-case letters, digits and '-', starting with a letter).
std::set<std::string> long_options_in(const std::string &text) {
  std::set<std::string> found;
  for (std::size_t at = text.find("--"); at != std::string::npos; at = text.find("--", at + 2)) {
    if (at > 0 && is_name_char(text[at - 1])) {
      continue; // inside a longer token such as "a--b"
    }
    std::size_t end = at + 2;
    while (end < text.size() && is_name_char(text[end])) {
      ++end;
    }
    if (end > at + 2 && text[at + 2] >= 'a' && text[at + 2] <= 'z') {
      std::string name = text.substr(at + 2, end - at - 2);
      while (!name.empty() && name.back() == '-') {
        name.pop_back();
      }
      found.insert(name);
    }
    at = end - 2;
  }
  return found;
}

// roff writes a hyphen as "\-"; the option names in the man page come back with plain ones.
std::string unescape_roff_hyphens(std::string text) {
  std::string plain;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '-') {
      continue;
    }
    plain += text[i];
  }
  return plain;
}

std::set<std::string> table_names() {
  std::set<std::string> names;
  for (std::string_view name : long_option_names()) {
    names.insert(std::string(name));
  }
  return names;
}

// Options of other programs that the guides quote, and the "--option=value" placeholder.
const std::set<std::string> foreign_options = {
    "as-needed",             // the linker, in the performance notes
    "keep-installed",        // tests/e2e/deb.sh
    "no-install-recommends", // apt-get
    "pedantic",              // lintian
    "option",                // "Long options also accept --option=value"
};

std::vector<fs::path> guides() {
  std::vector<fs::path> files = {source_root() / "README.md"};
  for (const fs::directory_entry &entry : fs::directory_iterator(source_root() / "doc")) {
    if (entry.path().extension() == ".md") {
      files.push_back(entry.path());
    }
  }
  return files;
}

void require_all_known(const std::set<std::string> &mentioned, const std::string &where) {
  std::set<std::string> table = table_names();
  for (const std::string &name : mentioned) {
    CHECK_MESSAGE((table.count(name) == 1 || foreign_options.count(name) == 1),
                  where << " mentions --" << name << ", which is not in the option table");
  }
}

void require_all_present(const std::set<std::string> &mentioned, const std::string &where) {
  for (const std::string &name : table_names()) {
    CHECK_MESSAGE(mentioned.count(name) == 1, where << " does not mention --" << name);
  }
}

} // namespace

TEST_CASE("option docs: the scanner finds long options and nothing else") {
  std::set<std::string> found =
      long_options_in("use --token-cache=DIR or --no-token-cache, not -t; a--b and -- alone; "
                      "\\fB--Proxy\\fR `--ca-file` --cloud-");
  CHECK(found == std::set<std::string>{"token-cache", "no-token-cache", "ca-file", "cloud"});
  CHECK(unescape_roff_hyphens("\\-\\-client\\-id") == "--client-id");
}

TEST_CASE("option docs: the table is not empty and has no duplicate") {
  std::vector<std::string_view> names = long_option_names();
  CHECK(names.size() >= 20);
  CHECK(table_names().size() == names.size());
  CHECK(table_names().count("client-secret-file") == 1);
}

TEST_CASE("option docs: --help lists exactly the table's options") {
  std::set<std::string> in_help = long_options_in(help_text());
  require_all_present(in_help, "--help");
  require_all_known(in_help, "--help");
}

TEST_CASE("option docs: the man page describes exactly the table's options") {
  std::set<std::string> in_man =
      long_options_in(unescape_roff_hyphens(read_source_text(source_root() / "man/check_password_sync.1")));
  require_all_present(in_man, "man/check_password_sync.1");
  require_all_known(in_man, "man/check_password_sync.1");
}

TEST_CASE("option docs: the guides mention only options that exist, and usage.md lists them all") {
  for (const fs::path &guide : guides()) {
    require_all_known(long_options_in(read_source_text(guide)), guide.string());
  }
  require_all_present(long_options_in(read_source_text(source_root() / "doc/usage.md")), "doc/usage.md");
}

TEST_CASE("option docs: the shipped Nagios and Icinga 2 configuration uses only existing options") {
  for (const char *file : {"contrib/nagios/check_password_sync.cfg",
                           "contrib/icinga2/check_password_sync.conf",
                           "contrib/icinga2/example-msp.conf"}) {
    require_all_known(long_options_in(read_source_text(source_root() / file)), file);
  }
}
