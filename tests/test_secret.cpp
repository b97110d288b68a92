// SPDX-License-Identifier: GPL-3.0-or-later
// Reading the client secret from a file or the environment, and the Secret holder.
#include "lib/errors.hpp"
#include "lib/secret.hpp"
#include "tests/fake_environment.hpp"
#include "tests/temp_dir.hpp"

#include <cerrno>
#include <chrono>
#include <doctest/doctest.h>
#include <fstream>
#include <map>
#include <signal.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <type_traits>
#include <unistd.h>

using namespace cps;

TEST_CASE("secret: read_secret_file strips trailing line ends only") {
  test::TempDir dir;
  struct Case {
    const char *content;
    const char *secret;
  };
  for (const Case &row : std::vector<Case>{{"abc", "abc"},
                                           {"abc\n", "abc"},
                                           {"abc\r\n", "abc"},
                                           {"abc\n\n", "abc"},
                                           {"abc\r\n\r\n", "abc"},
                                           {" abc \n", " abc "},
                                           {"a\nb\n", "a\nb"},
                                           {"x~Y8Q~a&b=c+d%e f\n", "x~Y8Q~a&b=c+d%e f"}}) {
    INFO("row.content := " << std::string(row.content));
    std::string path = dir.file("secret", row.content);
    CHECK(read_secret_file(path, "client secret").reveal() == row.secret);
  }
}

TEST_CASE("secret: read_secret_file refusals") {
  test::TempDir dir;
  CHECK_THROWS_WITH_AS(read_secret_file(dir.file("empty", ""), "client secret"),
                       doctest::Contains("empty"), ConfigError);
  CHECK_THROWS_AS(read_secret_file(dir.file("newline", "\n"), "client secret"), ConfigError);
  CHECK_THROWS_AS(read_secret_file(dir.file("crlf", "\r\n\r\n"), "client secret"), ConfigError);
  CHECK_THROWS_WITH_AS(read_secret_file(dir.path(), "client secret"),
                       doctest::Contains("not a regular file"), ConfigError);
  CHECK_THROWS_WITH_AS(read_secret_file(dir.path() + "/missing", "client secret"),
                       doctest::Contains("missing"), ConfigError);
  CHECK_THROWS_AS(read_secret_file("/dev/null", "client secret"), ConfigError);
  CHECK_THROWS_AS(read_secret_file("", "client secret"), ConfigError);
}

TEST_CASE("secret: read_secret_file size limit is 64 KiB") {
  test::TempDir dir;
  std::string limit(64 * 1024, 'x');
  CHECK(read_secret_file(dir.file("limit", limit), "client secret").reveal().size() == 64 * 1024);
  CHECK_THROWS_WITH_AS(read_secret_file(dir.file("large", limit + "y"), "client secret"),
                       doctest::Contains("64 KiB"), ConfigError);
  CHECK_THROWS_AS(read_secret_file(dir.file("huge", std::string(1 << 20, 'x')), "client secret"),
                  ConfigError);
}

TEST_CASE("secret: read_secret_file follows a symlink to a regular file") {
  test::TempDir dir;
  std::string target = dir.file("target", "abc\n");
  std::string link = dir.path() + "/link";
  REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
  CHECK(read_secret_file(link, "client secret").reveal() == "abc");
}

TEST_CASE("secret: a FIFO is refused without waiting for a writer") {
  test::TempDir dir;
  std::string fifo = dir.path() + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // A child does the read, so a regression that blocks fails the test instead of hanging it.
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 1;
    try {
      read_secret_file(fifo, "client secret");
    } catch (const ConfigError &) {
      code = 0;
    } catch (...) {
      code = 2;
    }
    ::_exit(code);
  }
  int status = 0;
  pid_t done = 0;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while ((done = ::waitpid(child, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (done == 0) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
    FAIL("read_secret_file blocked on a FIFO");
  }
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("secret: load_client_secret precedence") {
  test::TempDir dir;
  std::string path = dir.file("secret", "from-file\n");
  Config config;
  config.client_secret_file = path;
  CHECK(load_client_secret(config, environment({{"AZURE_CLIENT_SECRET", "from-env"}})).reveal() ==
        "from-file");
  CHECK(load_client_secret(config, environment()).reveal() == "from-file");

  // A named file that cannot be used is an error, never a silent fall back to the environment.
  config.client_secret_file = dir.file("empty", "");
  CHECK_THROWS_AS(load_client_secret(config, environment({{"AZURE_CLIENT_SECRET", "from-env"}})),
                  ConfigError);
  config.client_secret_file = dir.path() + "/missing";
  CHECK_THROWS_AS(load_client_secret(config, environment({{"AZURE_CLIENT_SECRET", "from-env"}})),
                  ConfigError);

  Config no_file;
  CHECK(load_client_secret(no_file, environment({{"AZURE_CLIENT_SECRET", "from-env"}})).reveal() ==
        "from-env");
  CHECK_THROWS_AS(load_client_secret(no_file, environment({{"AZURE_CLIENT_SECRET", ""}})),
                  ConfigError);
  CHECK_THROWS_WITH_AS(load_client_secret(no_file, environment()),
                       doctest::Contains("AZURE_CLIENT_SECRET"), ConfigError);
  CHECK_THROWS_WITH_AS(load_client_secret(no_file, environment()),
                       doctest::Contains("--client-secret-file"), ConfigError);
}

TEST_CASE("secret: error messages never contain the secret") {
  test::TempDir dir;
  std::string secret(64 * 1024 + 1, 's');
  try {
    read_secret_file(dir.file("large", secret), "client secret");
    FAIL("no error");
  } catch (const ConfigError &error) {
    CHECK(std::string(error.what()).find("ssss") == std::string::npos);
  }
}

TEST_CASE("secret: Secret is move-only and moving empties the source") {
  static_assert(!std::is_copy_constructible_v<Secret>);
  static_assert(!std::is_copy_assignable_v<Secret>);
  static_assert(std::is_nothrow_move_constructible_v<Secret>);
  static_assert(std::is_nothrow_move_assignable_v<Secret>);

  Secret empty;
  CHECK(empty.empty());

  Secret first("s3cr3t-value-longer-than-small-string-buffer");
  CHECK_FALSE(first.empty());
  Secret second(std::move(first));
  CHECK(second.reveal() == "s3cr3t-value-longer-than-small-string-buffer");
  CHECK(first.empty()); // NOLINT(bugprone-use-after-move): the moved-from state is specified
  CHECK(first.reveal().empty());

  Secret third("short");
  third = std::move(second);
  CHECK(third.reveal() == "s3cr3t-value-longer-than-small-string-buffer");
  CHECK(second.empty()); // NOLINT(bugprone-use-after-move)

  Secret &alias = third;
  third = std::move(alias); // self-move keeps the value
  CHECK(third.reveal() == "s3cr3t-value-longer-than-small-string-buffer");

  Secret small("abc"); // held in std::string's inline buffer, which a move copies
  Secret moved(std::move(small));
  CHECK(moved.reveal() == "abc");
  CHECK(small.empty()); // NOLINT(bugprone-use-after-move)
}
