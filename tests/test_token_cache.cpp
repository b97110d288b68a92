// SPDX-License-Identifier: GPL-3.0-or-later
// The token cache: key, default folder, folder safety, file format and modes, expiry, lock, and
// the retry of a rejected cached token.
#include "lib/errors.hpp"
#include "lib/token_cache.hpp"
#include "tests/fake_environment.hpp"
#include "tests/temp_dir.hpp"

#include <algorithm>
#include <chrono>
#include <dirent.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <csignal>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <thread>
#include <vector>

using namespace cps;

namespace {

constexpr std::int64_t now = 1'800'000'000;

TokenCache open_cache(const std::string &dir) {
  std::string why_not;
  std::optional<TokenCache> cache = TokenCache::open(dir, false, why_not);
  REQUIRE_MESSAGE(cache.has_value(), why_not);
  return std::move(*cache);
}

std::string refusal(const std::string &dir) {
  std::string why_not;
  CHECK_FALSE(TokenCache::open(dir, false, why_not).has_value());
  return why_not;
}

std::string read_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> list_dir(const std::string &path) {
  std::vector<std::string> names;
  DIR *dir = ::opendir(path.c_str());
  REQUIRE(dir != nullptr);
  while (const dirent *entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") {
      names.push_back(name);
    }
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> token_files_in(const std::string &path) {
  std::vector<std::string> names = list_dir(path);
  names.erase(std::remove_if(names.begin(), names.end(),
                             [](const std::string &name) {
                               return name.size() < 6 || name.substr(name.size() - 6) != ".token";
                             }),
              names.end());
  return names;
}

mode_t mode_of(const std::string &path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

AccessToken token(std::string value, std::int64_t expires_at) {
  return AccessToken{Secret(std::move(value)), expires_at};
}

const std::string key = std::string(64, 'a');

bool stored(const TokenCache &cache, const std::string &name, const AccessToken &value) {
  std::string why_not;
  bool done = cache.store(name, value, now, why_not);
  CHECK_MESSAGE(why_not.empty(), why_not);
  return done;
}

// A file written as another program would (the test's own content, mode 0600).
void write_file(const std::string &path, const std::string &content) {
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  ::close(fd);
}

} // namespace

TEST_CASE("token_cache: sha256_hex") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("token_cache: the key is a hash of every field and never shows the secret") {
  Secret secret("s3cr3t~value");
  std::string identity = client_secret_identity(secret);
  CHECK(identity.find("s3cr3t") == std::string::npos);
  CHECK(identity == client_secret_identity(Secret("s3cr3t~value")));
  CHECK(identity != client_secret_identity(Secret("s3cr3t~valuf")));

  TokenCacheKey base{"https://login.microsoftonline.com", "contoso.onmicrosoft.com", "client",
                     identity, "https://graph.microsoft.com/.default"};
  std::string hashed = token_cache_key(base);
  CHECK(hashed.size() == 64);
  CHECK(hashed.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(hashed == token_cache_key(base));
  for (std::string TokenCacheKey::*field :
       {&TokenCacheKey::authority, &TokenCacheKey::tenant, &TokenCacheKey::client_id,
        &TokenCacheKey::credential_identity, &TokenCacheKey::scope}) {
    TokenCacheKey changed = base;
    changed.*field += "x";
    CHECK(token_cache_key(changed) != hashed);
  }
  // Field boundaries count: moving a character from one field to the next is another key.
  TokenCacheKey shifted = base;
  shifted.tenant = "contoso.onmicrosoft.co";
  shifted.client_id = "mclient";
  CHECK(token_cache_key(shifted) != hashed);
}

TEST_CASE("token_cache: a missing folder is created 0700, its parent too when asked") {
  test::TempDir temp;
  std::string dir = temp.path() + "/home/.cache/check_password_sync";
  std::string why_not;
  CHECK_FALSE(TokenCache::open(dir, true, why_not).has_value()); // home itself does not exist
  CHECK(why_not.find("cannot create") != std::string::npos);
  REQUIRE(::mkdir((temp.path() + "/home").c_str(), 0700) == 0);
  CHECK(TokenCache::open(dir, true, why_not).has_value());
  CHECK(mode_of(dir) == 0700);
  CHECK(mode_of(temp.path() + "/home/.cache") == 0700);
}

TEST_CASE("token_cache: unsafe folders are refused with a reason") {
  test::TempDir temp;
  std::string good = temp.path() + "/good";
  REQUIRE(::mkdir(good.c_str(), 0700) == 0);
  open_cache(good);

  std::string link = temp.path() + "/link";
  REQUIRE(::symlink(good.c_str(), link.c_str()) == 0);
  CHECK(refusal(link).find("is a symbolic link") != std::string::npos);

  for (mode_t mode : {0777, 0770, 0702, 0720}) {
    std::string open_dir = temp.path() + "/open" + std::to_string(mode);
    REQUIRE(::mkdir(open_dir.c_str(), 0700) == 0);
    REQUIRE(::chmod(open_dir.c_str(), mode) == 0);
    CHECK(refusal(open_dir).find("is writable by group or others") != std::string::npos);
  }

  std::string file = temp.path() + "/file";
  std::ofstream(file) << "x";
  CHECK(refusal(file).find("is not a directory") != std::string::npos);

  if (::geteuid() == 0) {
    std::string foreign = temp.path() + "/foreign";
    REQUIRE(::mkdir(foreign.c_str(), 0700) == 0);
    REQUIRE(::chown(foreign.c_str(), 65534, 65534) == 0);
    CHECK(refusal(foreign).find("belongs to uid 65534") != std::string::npos);
  }
}

TEST_CASE("token_cache: store and load, 0600, expiry with a 5-minute margin") {
  test::TempDir temp;
  TokenCache cache = open_cache(temp.path());
  CHECK_FALSE(cache.load(key, now).has_value());
  CHECK(stored(cache, key, token("eyJ0.payload.sig-_~+/=", now + 3599)));
  std::string path = temp.path() + "/" + key + ".token";
  CHECK(mode_of(path) == 0600);
  CHECK(read_file(path).find("eyJ0.payload.sig-_~+/=") != std::string::npos);

  auto loaded = cache.load(key, now);
  REQUIRE(loaded.has_value());
  CHECK(loaded->value.reveal() == "eyJ0.payload.sig-_~+/=");
  CHECK(loaded->expires_at == now + 3599);
  CHECK(cache.load(key, now + 3599 - 301).has_value());
  CHECK_FALSE(cache.load(key, now + 3599 - 300).has_value());
  CHECK_FALSE(cache.load(key, now + 4000).has_value());
  CHECK_FALSE(cache.load(std::string(64, 'b'), now).has_value());

  cache.drop(key);
  CHECK_FALSE(cache.load(key, now).has_value());
  CHECK(::access(path.c_str(), F_OK) != 0);
}

TEST_CASE("token_cache: notes on the tenant's Graph sit next to the token, 0600") {
  test::TempDir temp;
  TokenCache cache = open_cache(temp.path());
  CHECK_FALSE(cache.load_graph_notes(key).has_value());
  CHECK(cache.store_graph_notes(key, "check_password_sync graph notes v1\nx 1\n"));
  std::string path = temp.path() + "/" + key + ".graph";
  CHECK(mode_of(path) == 0600);
  CHECK(cache.load_graph_notes(key) == "check_password_sync graph notes v1\nx 1\n");
  CHECK_FALSE(cache.load_graph_notes(std::string(64, 'b')).has_value());
  CHECK(list_dir(temp.path()) == std::vector<std::string>{key + ".graph"}); // no temp file left
  ::chmod(path.c_str(), 0644); // readable by others: not trusted
  CHECK_FALSE(cache.load_graph_notes(key).has_value());
}

TEST_CASE("token_cache: nothing is stored that nobody could reuse or send") {
  test::TempDir temp;
  TokenCache cache = open_cache(temp.path());
  CHECK_FALSE(stored(cache, key, token("short-lived", now + 300)));
  CHECK_FALSE(stored(cache, key, token("with\r\nInjected: header", now + 3599)));
  CHECK_FALSE(stored(cache, key, token("", now + 3599)));
  CHECK_FALSE(cache.load(key, now).has_value());
}

TEST_CASE("token_cache: a replaced file is read whole; no temp files are left") {
  test::TempDir temp;
  TokenCache cache = open_cache(temp.path());
  CHECK(stored(cache, key, token("first", now + 3599)));
  CHECK(stored(cache, key, token("second", now + 3599)));
  CHECK(cache.load(key, now)->value.reveal() == "second");
  CHECK(list_dir(temp.path()) == std::vector<std::string>{key + ".token"});
}

TEST_CASE("token_cache: unsafe or malformed files are ignored") {
  test::TempDir temp;
  TokenCache cache = open_cache(temp.path());
  std::string path = temp.path() + "/" + key + ".token";
  CHECK(stored(cache, key, token("tok", now + 3599)));
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  CHECK_FALSE(cache.load(key, now).has_value()); // readable by others: not trusted

  REQUIRE(::chmod(path.c_str(), 0640) == 0);
  CHECK_FALSE(cache.load(key, now).has_value()); // readable by the group: not trusted either
  REQUIRE(::chmod(path.c_str(), 0600) == 0);
  CHECK(cache.load(key, now).has_value());

  const std::string v2 = "check_password_sync token v2\n";
  for (const std::string &content :
       {std::string("garbage"), v2, v2 + "expires_at soon\naccess_token tok\n",
        v2 + "expires_at 1900000000\naccess_token tok", v2 + "expires_at 1900000000\naccess_token to k\n",
        v2 + "expires_at 1900000000\naccess_token \n", v2 + "access_token tok\n",
        v2 + "expires_at 1900000000\nexpires_at 1900000000\naccess_token tok\n",
        std::string("check_password_sync token v1\n1900000000\ntok\n")}) {
    write_file(path, content);
    CHECK_MESSAGE(!cache.load(key, now).has_value(), content);
  }
  // A field a newer plugin writes is skipped, not a reason to fetch a new token.
  write_file(path, v2 + "expires_at 1900000000\nsome_new_field yes\naccess_token tok\n");
  CHECK(cache.load(key, now)->value.reveal() == "tok");

  ::unlink(path.c_str());
  std::string elsewhere = temp.path() + "/elsewhere";
  CHECK(stored(cache, std::string(64, 'c'), token("tok", now + 3599)));
  REQUIRE(::rename((temp.path() + "/" + std::string(64, 'c') + ".token").c_str(),
                   elsewhere.c_str()) == 0);
  REQUIRE(::symlink(elsewhere.c_str(), path.c_str()) == 0);
  CHECK_FALSE(cache.load(key, now).has_value()); // a symlink is not followed
}

TEST_CASE("token_cache: the lock is exclusive and gives up after its wait") {
  test::TempDir temp;
  TokenCache cache = open_cache(temp.path());
  CacheLock held = cache.lock(key, std::chrono::milliseconds(100));
  REQUIRE(held.held());
  CHECK(mode_of(temp.path() + "/" + key + ".lock") == 0600);
  // flock locks belong to the open file description: another open of the file is another owner.
  auto started = std::chrono::steady_clock::now();
  CacheLock second = cache.lock(key, std::chrono::milliseconds(150));
  auto waited = std::chrono::steady_clock::now() - started;
  CHECK_FALSE(second.held());
  CHECK(second.error.empty()); // held by another check: not an error
  CHECK(waited >= std::chrono::milliseconds(150));
  CHECK(waited < std::chrono::milliseconds(1000));
  CHECK(cache.lock(std::string(64, 'd'), std::chrono::milliseconds(0)).held()); // other key
  held.fd.reset();
  CHECK(cache.lock(key, std::chrono::milliseconds(0)).held());
}

TEST_CASE("token_cache: a lock that cannot be taken names the error, not a timeout") {
  test::TempDir temp;
  TokenCache cache = open_cache(temp.path());
  REQUIRE(::mkdir((temp.path() + "/" + key + ".lock").c_str(), 0700) == 0);
  CacheLock lock = cache.lock(key, std::chrono::milliseconds(2000));
  CHECK_FALSE(lock.held());
  CHECK(lock.error == "cannot open a lock file in " + temp.path() + ": Is a directory");
}

TEST_CASE("token_cache: a waiting check keeps 40% of -t, at most 3 s, for Graph") {
  using std::chrono::milliseconds;
  CHECK(graph_reserve(milliseconds(10000)) == milliseconds(3000));
  CHECK(graph_reserve(milliseconds(60000)) == milliseconds(3000));
  CHECK(graph_reserve(milliseconds(5000)) == milliseconds(2000));
  CHECK(graph_reserve(milliseconds(1000)) == milliseconds(400));
}

namespace {

struct Harness {
  test::TempDir temp;
  Trace trace{2};
  Deadline deadline{std::chrono::milliseconds(5000)};
  int fetches = 0;
  std::int64_t clock = now;

  TokenSource source(bool with_cache = true) {
    std::optional<TokenCache> cache;
    if (with_cache) {
      cache = open_cache(temp.path());
    }
    return TokenSource(
        std::move(cache), key,
        [this] {
          ++fetches;
          return token("fetched" + std::to_string(fetches), clock + 3599);
        },
        deadline, trace, [this] { return clock; });
  }
};

GraphError rejected() {
  return GraphError(401, "InvalidAuthenticationToken", "Graph rejected the access token");
}

} // namespace

TEST_CASE("token_cache: TokenSource fetches once, then the next check reuses the token") {
  Harness h;
  TokenSource first = h.source();
  CHECK(first.get().value.reveal() == "fetched1");
  CHECK_FALSE(first.from_cache());
  CHECK(first.get().value.reveal() == "fetched1");
  TokenSource second = h.source();
  CHECK(second.get().value.reveal() == "fetched1");
  CHECK(second.from_cache());
  CHECK(h.fetches == 1);
  h.clock += 3599 - 300; // within 5 minutes of the expiry
  TokenSource third = h.source();
  CHECK(third.get().value.reveal() == "fetched2");
  CHECK(h.fetches == 2);
  TokenSource uncached = h.source(false);
  CHECK(uncached.get().value.reveal() == "fetched3");
}

// A server may echo the token anywhere (an error message, a -vvv body): whichever way a check got
// it, the output's last filter knows it.
TEST_CASE("token_cache: every token TokenSource hands out is redacted from the output") {
  Harness h;
  CHECK(h.source().get().value.reveal() == "fetched1"); // fetched, then cached
  CHECK(h.trace.redact("Graph said: fetched1.") == "Graph said: [redacted].");
  Harness cold;
  CHECK(cold.source(false).get().value.reveal() == "fetched1"); // fetched, no cache
  CHECK(cold.trace.redact("fetched1") == "[redacted]");

  Harness warm; // a later check that reads it from the cache, with a trace of its own
  std::string why_not;
  REQUIRE(open_cache(warm.temp.path()).store(key, token("cachedtoken", now + 3599), now, why_not));
  TokenSource tokens = warm.source();
  CHECK(tokens.get().value.reveal() == "cachedtoken");
  CHECK(tokens.from_cache());
  CHECK(warm.trace.redact("token cachedtoken") == "token [redacted]");
  CHECK(warm.fetches == 0);
}

TEST_CASE("token_cache: a cached token that Graph rejects is replaced once") {
  Harness h;
  h.source().get(); // fetched1 is cached
  TokenSource tokens = h.source();
  std::vector<std::string> used;
  std::string result = with_access_token(tokens, [&](const std::string &access_token) {
    used.push_back(access_token);
    if (used.size() == 1) {
      throw rejected();
    }
    return std::string("ok");
  });
  CHECK(result == "ok");
  CHECK(used == std::vector<std::string>{"fetched1", "fetched2"});
  CHECK(h.source().get().value.reveal() == "fetched2"); // the new token was cached
}

TEST_CASE("token_cache: rejected twice, or a new token rejected, is not retried again") {
  Harness h;
  h.source().get();
  TokenSource tokens = h.source();
  int calls = 0;
  auto always_rejected = [&](const std::string &) -> int {
    ++calls;
    throw rejected();
  };
  CHECK_THROWS_AS(with_access_token(tokens, always_rejected), GraphError);
  CHECK(calls == 2);
  CHECK(h.fetches == 2);
  // Neither rejected token stays in the cache; a new token that is rejected is not retried.
  TokenSource next = h.source();
  calls = 0;
  CHECK_THROWS_AS(with_access_token(next, always_rejected), GraphError);
  CHECK(calls == 1);
  CHECK(h.fetches == 3);
}

TEST_CASE("token_cache: a 403 to a cached token gets one new token (roles granted since)") {
  Harness h;
  h.source().get();
  TokenSource tokens = h.source();
  int calls = 0;
  auto forbidden_then_ok = [&](const std::string &token) -> int {
    ++calls;
    if (token == "fetched1") { // issued before the admin granted the permission
      throw GraphError(403, "Authorization_RequestDenied", "denied");
    }
    return 7;
  };
  CHECK(with_access_token(tokens, forbidden_then_ok) == 7);
  CHECK(calls == 2);
  CHECK(h.fetches == 2);
  CHECK(h.source().get().value.reveal() == "fetched2"); // the new token is the cached one
  CHECK(is_rejected_token(GraphError(403, "Authorization_RequestDenied", "x")));
}

TEST_CASE("token_cache: other Graph errors pass through without a new token") {
  Harness h;
  h.source().get();
  TokenSource tokens = h.source();
  int calls = 0;
  auto not_found = [&](const std::string &) -> int {
    ++calls;
    throw GraphError(404, "Request_ResourceNotFound", "missing");
  };
  CHECK_THROWS_AS(with_access_token(tokens, not_found), GraphError);
  CHECK(calls == 1);
  CHECK(h.fetches == 1);
  CHECK(h.source().get().value.reveal() == "fetched1"); // still cached
  CHECK(is_rejected_token(rejected()));
  CHECK_FALSE(is_rejected_token(GraphError(401, "Unauthorized", "x")));
  CHECK_FALSE(is_rejected_token(GraphError(400, "BadRequest", "x")));
}

TEST_CASE("token_cache: concurrent cold start fetches one token (processes)") {
  Harness h;
  std::string marker = h.temp.path() + "/fetches";
  std::vector<pid_t> children;
  for (int i = 0; i < 8; ++i) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      std::string why_not;
      auto cache = TokenCache::open(h.temp.path(), false, why_not);
      Trace trace(0);
      TokenSource tokens(
          std::move(cache), key,
          [&] {
            int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
            (void)!::write(fd, "x", 1);
            ::close(fd);
            ::usleep(50'000); // a token request takes a while
            return token("shared", now + 3599);
          },
          h.deadline, trace, [] { return now; });
      _exit(tokens.get().value.reveal() == "shared" ? 0 : 1);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  CHECK(read_file(marker) == "x");
}

TEST_CASE("token_cache: a stale temporary file (a killed check's) is removed by the next store") {
  test::TempDir temp;
  TokenCache cache = open_cache(temp.path());
  std::string stale = temp.path() + "/." + std::string(64, 'c') + ".tmp.123.456";
  std::string fresh = temp.path() + "/." + std::string(64, 'd') + ".tmp.789.1";
  for (const std::string &path : {stale, fresh}) {
    std::FILE *file = std::fopen(path.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs("1800003599\neyJ0.left.behind\n", file);
    std::fclose(file);
  }
  struct timespec times[2] = {{::time(nullptr) - 120, 0}, {::time(nullptr) - 120, 0}};
  REQUIRE(::utimensat(AT_FDCWD, stale.c_str(), times, 0) == 0);
  CHECK(stored(cache, key, token("new", now + 3599)));
  CHECK(::access(stale.c_str(), F_OK) != 0); // two minutes old: removed
  CHECK(::access(fresh.c_str(), F_OK) == 0); // maybe another check's, still writing: kept
  CHECK(cache.load(key, now)->value.reveal() == "new");
}

TEST_CASE("token_cache: only the plugin's own stale temporary files are removed") {
  test::TempDir temp;
  TokenCache cache = open_cache(temp.path());
  const std::string hex = std::string(64, 'e');
  // The user's own files in a folder shared with the cache (--token-cache ~): never touched.
  std::vector<std::string> foreign = {".notes.tmp.bak",
                                      "." + hex + ".tmp.1.x",
                                      "." + hex + ".tmp.x.1",
                                      "." + hex + ".tmp.12",
                                      "." + std::string(63, 'e') + ".tmp.1.2",
                                      "." + std::string(64, 'E') + ".tmp.1.2",
                                      hex + ".tmp.1.2",
                                      "." + hex + ".tmp.1.2.bak"};
  const std::string stale = "." + hex + ".tmp.123.456";
  const std::string writing = "." + std::string(64, 'f') + ".tmp.789.1"; // another check's
  const time_t made = ::time(nullptr);
  for (const std::string &name : foreign) {
    write_file(temp.path() + "/" + name, "user data\n");
  }
  write_file(temp.path() + "/" + stale, "left behind\n");
  write_file(temp.path() + "/" + writing, "being written\n");
  auto age = [&](const std::string &name, time_t seconds) {
    struct timespec times[2] = {{made - seconds, 0}, {made - seconds, 0}};
    REQUIRE(::utimensat(AT_FDCWD, (temp.path() + "/" + name).c_str(), times, 0) == 0);
  };
  for (const std::string &name : foreign) {
    age(name, 3600);
  }
  age(stale, 120);
  age(writing, 30); // a check that has been running for 30 s may still be writing it
  CHECK(stored(cache, key, token("new", now + 3599)));
  CHECK(::access((temp.path() + "/" + stale).c_str(), F_OK) != 0);
  CHECK(::access((temp.path() + "/" + writing).c_str(), F_OK) == 0);
  for (const std::string &name : foreign) {
    CHECK_MESSAGE(::access((temp.path() + "/" + name).c_str(), F_OK) == 0, name);
  }
}

TEST_CASE("token_cache: a symbolic link is refused however the folder is spelt") {
  test::TempDir temp;
  std::string good = temp.path() + "/good";
  REQUIRE(::mkdir(good.c_str(), 0700) == 0);
  std::string link = temp.path() + "/link";
  REQUIRE(::symlink(good.c_str(), link.c_str()) == 0);
  for (const std::string &spelling : {link, link + "/", link + "/.", link + "//", link + "/./"}) {
    CHECK_MESSAGE(refusal(spelling).find("is a symbolic link") != std::string::npos, spelling);
  }
  for (const std::string &spelling : {good + "/", good + "/.", good + "/./"}) {
    std::string why_not;
    CHECK_MESSAGE(TokenCache::open(spelling, false, why_not).has_value(), spelling, why_not);
  }
  // A relative name is relative to the working folder.
  REQUIRE(::chdir(temp.path().c_str()) == 0);
  CHECK(refusal("link/.").find("is a symbolic link") != std::string::npos);
  std::string why_not;
  CHECK(TokenCache::open("good/", false, why_not).has_value());
  REQUIRE(::chdir("/") == 0);
}

TEST_CASE("token_cache: a file-size limit fails the write with EFBIG, named") {
  test::TempDir temp;
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    struct rlimit none {};
    ::setrlimit(RLIMIT_FSIZE, &none);
    ::signal(SIGXFSZ, SIG_IGN); // as harden_process() does
    std::string why_not;
    auto cache = TokenCache::open(temp.path(), false, why_not);
    bool ok = cache && !cache->store(key, token("tok", now + 3599), now, why_not) &&
              why_not == "cannot write a token file in " + temp.path() + ": File too large" &&
              list_dir(temp.path()).empty(); // the temporary file is gone too
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

namespace {

// A TokenSource whose fetches are counted, with its own -t.
struct Waiter {
  explicit Waiter(const std::string &dir, std::chrono::milliseconds budget)
      : deadline(budget),
        source(open_cache(dir), key,
               [this] {
                 ++fetches;
                 return token("own", now + 3599);
               },
               deadline, trace, [] { return now; }) {}
  Trace trace{2};
  Deadline deadline;
  int fetches = 0;
  TokenSource source;
};

} // namespace

TEST_CASE("token_cache: a waiting check uses the token of the check that held the lock") {
  test::TempDir temp;
  TokenCache holder = open_cache(temp.path());
  CacheLock lock = holder.lock(key, std::chrono::milliseconds(0));
  REQUIRE(lock.held());
  std::thread other([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(600)); // a slow token endpoint
    std::string why_not;
    holder.store(key, token("holders", now + 3599), now, why_not);
    lock.fd.reset();
  });
  Waiter waiter(temp.path(), std::chrono::milliseconds(2000));
  CHECK(waiter.source.get().value.reveal() == "holders");
  other.join();
  CHECK(waiter.fetches == 0);
  CHECK(waiter.source.from_cache());
}

TEST_CASE("token_cache: waiting keeps time for Graph and ends in 'cannot tell', not a fetch") {
  test::TempDir temp;
  TokenCache holder = open_cache(temp.path());
  CacheLock lock = holder.lock(key, std::chrono::milliseconds(0));
  REQUIRE(lock.held());
  Waiter waiter(temp.path(), std::chrono::milliseconds(1000));
  std::string message;
  try {
    waiter.source.get();
  } catch (const WaitError &error) {
    message = error.what();
  }
  // 40% of the 1 s deadline is left: the wait took 0.6 s, not the whole deadline.
  CHECK(waiter.deadline.remaining() >= std::chrono::milliseconds(300));
  CHECK(waiter.deadline.remaining() <= std::chrono::milliseconds(400));
  CHECK(waiter.fetches == 0);
  CHECK(message.rfind("cannot tell: another check's access token request was still running", 0) ==
        0);
  CHECK(message.find("-t 1s") != std::string::npos);
}

TEST_CASE("token_cache: a cache that cannot be written is given up with one line, the check goes on") {
  test::TempDir temp;
  Waiter waiter(temp.path(), std::chrono::milliseconds(2000));
  REQUIRE(::mkdir((temp.path() + "/" + key + ".lock").c_str(), 0700) == 0);
  CHECK(waiter.source.get().value.reveal() == "own");
  CHECK(waiter.fetches == 1);
  CHECK(waiter.trace.lines() ==
        std::vector<std::string>{"token cache not used: cannot open a lock file in " + temp.path() +
                                 ": Is a directory"});
  CHECK(token_files_in(temp.path()).empty());
}
