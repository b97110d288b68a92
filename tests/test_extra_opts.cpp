// SPDX-License-Identifier: GPL-3.0-or-later
// --extra-opts: the [section][@file] value, ini syntax, and the default file search.
#include "lib/errors.hpp"
#include "lib/extra_opts.hpp"
#include "tests/fake_environment.hpp"
#include "tests/temp_dir.hpp"

#include <cstdio>
#include <doctest/doctest.h>
#include <map>
#include <set>
#include <string>
#include <unistd.h>

using namespace cps;

namespace {

using Args = std::vector<std::string>;

FileExists existing(std::set<std::string> files) {
  return [files](const std::string &path) { return files.count(path) > 0; };
}

const char *const sample = "# comment\n"
                           "; another comment\n"
                           "[check_password_sync]\n"
                           "tenant = contoso.onmicrosoft.com\n"
                           "  client-id=1111  \n"
                           "certificate = \"/etc/nagios/cps.pem\"\n"
                           "verbose\n"
                           "\n"
                           "[other]\n"
                           "tenant=fabrikam\n"
                           "[ check_password_sync ]\r\n"
                           "timeout = 20:UNKNOWN\r\n";

} // namespace

TEST_CASE("the --extra-opts value") {
  CHECK(parse_extra_opts_spec("").section.empty());
  CHECK(parse_extra_opts_spec("").file.empty());
  CHECK(parse_extra_opts_spec("tenant_a").section == "tenant_a");
  ExtraOptsSpec both = parse_extra_opts_spec("tenant_a@/etc/x.ini");
  CHECK(both.section == "tenant_a");
  CHECK(both.file == "/etc/x.ini");
  ExtraOptsSpec file_only = parse_extra_opts_spec("@/etc/x.ini");
  CHECK(file_only.section.empty());
  CHECK(file_only.file == "/etc/x.ini");
  CHECK_THROWS_AS(parse_extra_opts_spec("a@"), UsageError);
  CHECK_THROWS_AS(parse_extra_opts_spec("a]b"), UsageError);
}

TEST_CASE("a section's options, in file order, from every header naming it") {
  CHECK(ini_section_arguments(sample, "check_password_sync", "f.ini") ==
        Args{"--tenant=contoso.onmicrosoft.com", "--client-id=1111",
             "--certificate=/etc/nagios/cps.pem", "--verbose", "--timeout=20:UNKNOWN"});
  CHECK(ini_section_arguments(sample, "other", "f.ini") == Args{"--tenant=fabrikam"});
  CHECK(ini_section_arguments("[empty]\n", "empty", "f.ini").empty());
}

TEST_CASE("syntax errors and missing sections name the file and line") {
  CHECK_THROWS_WITH_AS(ini_section_arguments(sample, "absent", "f.ini"),
                       "--extra-opts: no section [absent] in f.ini", UsageError);
  CHECK_THROWS_WITH_AS(ini_section_arguments("[a\nx=1\n", "a", "f.ini"),
                       doctest::Contains("f.ini line 1"), UsageError);
  CHECK_THROWS_WITH_AS(ini_section_arguments("[a]\n\n= 1\n", "a", "f.ini"),
                       doctest::Contains("f.ini line 3"), UsageError);
  CHECK_THROWS_WITH_AS(ini_section_arguments("[a]\n--tenant=x\n", "a", "f.ini"),
                       doctest::Contains("line 2"), UsageError);
  CHECK_THROWS_WITH_AS(ini_section_arguments("[a]\nextra-opts=b\n", "a", "f.ini"),
                       doctest::Contains("cannot be nested"), UsageError);
  // Lines of other plugins' sections are not this plugin's business.
  CHECK(ini_section_arguments("[b]\nH = host name\n[a]\nx=1\n", "a", "f.ini") == Args{"--x=1"});
}

TEST_CASE("the default file: MP_CONFIG_FILE, else the first Monitoring Plugins location") {
  CHECK(default_ini_files().front() == "/usr/local/etc/monitoring-plugins/monitoring-plugins.ini");
  CHECK(default_ini_files().size() == 11);
  test::TempDir folder;
  std::string path =
      folder.file("plugins.ini", "[check_password_sync]\ntenant=t1\n[s]\ntenant=t2\n");
  CHECK(read_extra_opts("", environment({{"MP_CONFIG_FILE", path}}), existing({})) ==
        Args{"--tenant=t1"});
  CHECK(read_extra_opts(std::string("s@") + path, environment(), existing({})) ==
        Args{"--tenant=t2"});
  // Without MP_CONFIG_FILE the first existing default location is read.
  CHECK_THROWS_WITH_AS(read_extra_opts("", environment(), existing({"/etc/nagios-plugins.ini"})),
                       doctest::Contains("'/etc/nagios-plugins.ini'"), UsageError);
  CHECK_THROWS_WITH_AS(read_extra_opts("", environment(), existing({})),
                       doctest::Contains("no ini file found"), UsageError);
  // The current Monitoring Plugins locations come before the deprecated ones.
  CHECK_THROWS_WITH_AS(
      read_extra_opts(
          "", environment(),
          existing({"/etc/nagios/plugins.ini", "/etc/monitoring-plugins/monitoring-plugins.ini"})),
      doctest::Contains("'/etc/monitoring-plugins/monitoring-plugins.ini'"), UsageError);
  CHECK_THROWS_WITH_AS(
      read_extra_opts("", environment(), existing({"/etc/monitoring-plugins.ini"})),
      doctest::Contains("'/etc/monitoring-plugins.ini'"), UsageError);
  std::remove(path.c_str());
  CHECK_THROWS_WITH_AS(read_extra_opts(std::string("@") + path, environment(), existing({})),
                       doctest::Contains("cannot open"), UsageError);
}

TEST_CASE("the default file: NAGIOS_CONFIG_PATH folders come before the fixed locations") {
  // Each folder in turn, its three names in monitoring-plugins' order; empty entries skipped.
  auto env = environment({{"NAGIOS_CONFIG_PATH", "::/srv/a:/srv/b"}});
  CHECK_THROWS_WITH_AS(
      read_extra_opts("", env,
                      existing({"/srv/b/monitoring-plugins.ini", "/srv/a/nagios-plugins.ini",
                                "/etc/monitoring-plugins.ini"})),
      doctest::Contains("'/srv/a/nagios-plugins.ini'"), UsageError);
  CHECK_THROWS_WITH_AS(
      read_extra_opts("", env, existing({"/srv/a/plugins.ini", "/srv/a/nagios-plugins.ini"})),
      doctest::Contains("'/srv/a/plugins.ini'"), UsageError);
  CHECK_THROWS_WITH_AS(read_extra_opts("", env, existing({})),
                       doctest::Contains("none of 17 Monitoring Plugins locations"), UsageError);
}

TEST_CASE("an ini file may start with a UTF-8 BOM; a NUL byte is refused") {
  CHECK(ini_section_arguments("\xEF\xBB\xBF[a]\ntenant = t\n", "a", "f.ini") ==
        Args{"--tenant=t"});
  CHECK_THROWS_WITH_AS(ini_section_arguments(std::string("[a]\ntenant = t\0x\n", 17), "a", "f.ini"),
                       "--extra-opts: f.ini holds a NUL byte: not a text ini file", UsageError);
  // A BOM anywhere else is not skipped.
  CHECK_THROWS_AS(ini_section_arguments("[a]\n\xEF\xBB\xBFtenant = t\n", "a", "f.ini"),
                  UsageError);
}
