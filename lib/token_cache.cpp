// SPDX-License-Identifier: GPL-3.0-or-later
// The shared access-token cache, its lock, and the retry when Graph rejects a cached token.
#include "token_cache.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <openssl/evp.h>
#include <pwd.h>
#include <random>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace cps {
namespace {

constexpr std::string_view file_magic = "check_password_sync token v1\n";
constexpr off_t max_cache_file = 16 * 1024;

void append_field(std::string &out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

std::string home_directory(const Environment &env) {
  if (auto home = env("HOME"); home && !home->empty() && home->front() == '/') {
    return *home;
  }
  std::array<char, 4096> buffer{};
  struct passwd entry {};
  struct passwd *found = nullptr;
  if (::getpwuid_r(::geteuid(), &entry, buffer.data(), buffer.size(), &found) == 0 &&
      found != nullptr && found->pw_dir != nullptr && found->pw_dir[0] == '/') {
    return found->pw_dir;
  }
  return {};
}

std::string parent_of(const std::string &path) {
  std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos || slash == 0 ? std::string() : path.substr(0, slash);
}

// Why a directory may not hold tokens, or empty when it may.
std::string unsafe_directory(int fd, const std::string &dir) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return "cannot inspect " + dir + ": " + std::strerror(errno);
  }
  if (info.st_uid != ::geteuid()) {
    return dir + " belongs to uid " + std::to_string(info.st_uid) + ", not to uid " +
           std::to_string(::geteuid()) + " running the check";
  }
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return dir + " is writable by group or others";
  }
  return {};
}

std::string open_failure(const std::string &dir, int error) {
  struct stat info {};
  if (error == ELOOP || (::lstat(dir.c_str(), &info) == 0 && S_ISLNK(info.st_mode))) {
    return dir + " is a symbolic link";
  }
  if (error == ENOTDIR) {
    return dir + " is not a directory";
  }
  return "cannot open " + dir + ": " + std::strerror(error);
}

std::string serialise(const AccessToken &token) {
  std::string text(file_magic);
  text += std::to_string(token.expires_at);
  text += '\n';
  text += token.value.reveal();
  text += '\n';
  return text;
}

std::optional<AccessToken> parse_cache_file(const std::string &text) {
  if (text.rfind(file_magic, 0) != 0) {
    return std::nullopt;
  }
  std::size_t start = file_magic.size();
  std::size_t newline = text.find('\n', start);
  if (newline == std::string::npos || text.empty() || text.back() != '\n') {
    return std::nullopt;
  }
  std::string expiry = text.substr(start, newline - start);
  char *end = nullptr;
  long long expires_at = std::strtoll(expiry.c_str(), &end, 10);
  std::string_view token(text);
  token = token.substr(newline + 1, text.size() - newline - 2);
  if (expiry.empty() || *end != '\0' || expires_at <= 0 || !is_bearer_token(token)) {
    return std::nullopt;
  }
  return AccessToken{Secret(std::string(token)), expires_at};
}

// The whole content of a small file, or nullopt when it is absent, unsafe or unreadable.
std::optional<Secret> read_private_file(int dir, const std::string &name) {
  Fd fd(::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  struct stat info {};
  if (!fd.valid() || ::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode) ||
      info.st_uid != ::geteuid() || (info.st_mode & 077) != 0 || info.st_size > max_cache_file) {
    return std::nullopt;
  }
  std::string content(static_cast<std::size_t>(info.st_size), '\0');
  if (!read_exactly(fd.get(), content.data(), content.size())) {
    Secret discard(std::move(content));
    return Secret(std::string()); // shorter than it was: treated as malformed
  }
  return Secret(std::move(content));
}

// A temporary file this much older than a new one was left by a check killed between writing and
// renaming (the watchdog, or the scheduler's SIGKILL). It holds a token: it goes.
constexpr time_t stale_temp_seconds = 60;

bool is_temp_name(std::string_view name) {
  return !name.empty() && name.front() == '.' && name.find(".tmp.") != std::string_view::npos;
}

// Removes stale temporary files, measured by the file system's clock against reference, the
// modification time of a file just created.
void remove_stale_temp_files(int dir, time_t reference) {
  Fd listing(::openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  DIR *entries = listing.valid() ? ::fdopendir(listing.get()) : nullptr;
  if (entries == nullptr) {
    return;
  }
  listing.release(); // closedir closes it
  std::unique_ptr<DIR, int (*)(DIR *)> owner(entries, ::closedir);
  while (const dirent *entry = ::readdir(entries)) {
    struct stat info {};
    if (is_temp_name(entry->d_name) &&
        ::fstatat(dir, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 &&
        info.st_mtime + stale_temp_seconds < reference) {
      ::unlinkat(dir, entry->d_name, 0);
    }
  }
}

// Unique per process and call: O_EXCL refuses a name that exists anyway.
std::string temp_name(const std::string &key) {
  std::random_device random;
  return "." + key + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(random());
}

std::string minutes_text(std::int64_t seconds) {
  return std::to_string(seconds / 60) + "m";
}

} // namespace

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    text += hex[digest[i] >> 4];
    text += hex[digest[i] & 15];
  }
  return text;
}

std::string client_secret_identity(const Secret &secret) {
  Secret labelled("check_password_sync client secret\n" + secret.reveal());
  return "client-secret-sha256:" + sha256_hex(labelled.reveal());
}

std::string token_cache_key(const TokenCacheKey &key) {
  std::string text = "check_password_sync token cache v1";
  for (const std::string *field :
       {&key.authority, &key.tenant, &key.client_id, &key.credential_identity, &key.scope}) {
    append_field(text, *field);
  }
  return sha256_hex(text);
}

std::string default_token_cache_dir(const Environment &env) {
  if (auto xdg = env("XDG_CACHE_HOME"); xdg && !xdg->empty() && xdg->front() == '/') {
    return *xdg + "/check_password_sync";
  }
  std::string home = home_directory(env);
  return home.empty() ? std::string() : home + "/.cache/check_password_sync";
}

std::optional<TokenCache> TokenCache::open(const std::string &dir, bool create_parent,
                                           std::string &why_not) {
  if (create_parent && !parent_of(dir).empty()) {
    ::mkdir(parent_of(dir).c_str(), 0700); // ~/.cache; an error shows when opening dir
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    why_not = "cannot create " + dir + ": " + std::strerror(errno);
    return std::nullopt;
  }
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    why_not = open_failure(dir, errno);
    return std::nullopt;
  }
  why_not = unsafe_directory(fd.get(), dir);
  if (!why_not.empty()) {
    return std::nullopt;
  }
  return TokenCache(std::move(fd));
}

std::optional<AccessToken> TokenCache::load(const std::string &key, std::int64_t now) const {
  std::optional<Secret> content = read_private_file(dir_.get(), key + ".token");
  if (!content) {
    return std::nullopt;
  }
  std::optional<AccessToken> token = parse_cache_file(content->reveal());
  if (!token || token->expires_at - token_reuse_margin <= now) {
    return std::nullopt;
  }
  return token;
}

bool TokenCache::store(const std::string &key, const AccessToken &token, std::int64_t now) const {
  if (token.expires_at - token_reuse_margin <= now || !is_bearer_token(token.value.reveal())) {
    return false; // nobody could reuse it
  }
  std::string temp = temp_name(key);
  Fd fd(::openat(dir_.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 0600));
  if (!fd.valid()) {
    return false;
  }
  struct stat created {};
  if (::fstat(fd.get(), &created) == 0) {
    remove_stale_temp_files(dir_.get(), created.st_mtime);
  }
  Secret content(serialise(token));
  bool written = ::fchmod(fd.get(), 0600) == 0 && write_fully(fd.get(), content.reveal());
  fd.reset();
  if (!written || ::renameat(dir_.get(), temp.c_str(), dir_.get(), (key + ".token").c_str()) != 0) {
    ::unlinkat(dir_.get(), temp.c_str(), 0);
    return false;
  }
  return true;
}

std::optional<std::string> TokenCache::load_graph_notes(const std::string &key) const {
  std::optional<Secret> content = read_private_file(dir_.get(), key + ".graph");
  if (!content || content->reveal().size() > 4096) {
    return std::nullopt;
  }
  return content->reveal();
}

bool TokenCache::store_graph_notes(const std::string &key, const std::string &text) const {
  std::string temp = temp_name(key);
  Fd fd(::openat(dir_.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 0600));
  if (!fd.valid()) {
    return false;
  }
  bool written = ::fchmod(fd.get(), 0600) == 0 && write_fully(fd.get(), text);
  fd.reset();
  if (!written || ::renameat(dir_.get(), temp.c_str(), dir_.get(), (key + ".graph").c_str()) != 0) {
    ::unlinkat(dir_.get(), temp.c_str(), 0);
    return false;
  }
  return true;
}

void TokenCache::drop(const std::string &key) const {
  ::unlinkat(dir_.get(), (key + ".token").c_str(), 0);
}

Fd TokenCache::lock(const std::string &key, std::chrono::milliseconds wait) const {
  Fd fd(::openat(dir_.get(), (key + ".lock").c_str(),
                 O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600));
  if (!fd.valid()) {
    return Fd();
  }
  auto give_up = std::chrono::steady_clock::now() + wait;
  std::chrono::milliseconds pause(2);
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if ((errno != EWOULDBLOCK && errno != EINTR) || std::chrono::steady_clock::now() >= give_up) {
      return Fd();
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(25));
  }
  return fd;
}

std::optional<TokenCache> open_token_cache(const Config &config, const Environment &env,
                                           Trace &trace) {
  if (!config.token_cache) {
    trace.note(2, "token cache disabled (--no-token-cache)");
    return std::nullopt;
  }
  bool chosen = !config.token_cache_dir.empty();
  std::string dir = chosen ? config.token_cache_dir : default_token_cache_dir(env);
  std::string why_not = dir.empty() ? "no home directory for the default cache directory" : "";
  std::optional<TokenCache> cache;
  if (!dir.empty()) {
    cache = TokenCache::open(dir, !chosen, why_not);
  }
  if (!cache) {
    trace.note(0, "token cache not used: " + why_not);
    return std::nullopt;
  }
  trace.note(2, "token cache " + dir);
  return cache;
}

TokenSource::TokenSource(std::optional<TokenCache> cache, std::string key, Fetch fetch,
                         const Deadline &deadline, Trace &trace, Now now)
    : cache_(std::move(cache)), key_(std::move(key)), fetch_(std::move(fetch)), deadline_(deadline),
      trace_(trace), now_(std::move(now)) {}

bool TokenSource::take_cached() {
  std::int64_t now = now_();
  std::optional<AccessToken> cached = cache_->load(key_, now);
  if (!cached) {
    return false;
  }
  trace_.protect(cached->value.reveal());
  trace_.note(1,
              "access token from the cache, expires in " + minutes_text(cached->expires_at - now));
  token_ = std::move(cached);
  from_cache_ = true;
  return true;
}

void TokenSource::fetch_and_store() {
  token_ = fetch_();
  from_cache_ = false;
  if (cache_ && !cache_->store(key_, *token_, now_())) {
    trace_.note(1, "access token not cached (cannot write it, or it expires within 5 minutes)");
  }
}

const AccessToken &TokenSource::get() {
  if (token_) {
    return *token_;
  }
  if (!cache_) {
    fetch_and_store();
    return *token_;
  }
  if (take_cached()) {
    return *token_;
  }
  // Cold or expired: one process fetches, the others wait for its token (half the time left).
  Fd lock = cache_->lock(key_, deadline_.remaining() / 2);
  if (!lock.valid()) {
    trace_.note(1, "token cache lock not acquired in time; fetching a token anyway");
  } else if (take_cached()) {
    return *token_;
  }
  fetch_and_store();
  return *token_;
}

void TokenSource::reject() {
  trace_.note(1, std::string("Graph rejected the ") + (from_cache_ ? "cached" : "new") +
                     " access token; it is dropped");
  if (cache_) {
    std::optional<AccessToken> cached = cache_->load(key_, now_());
    if (cached && token_ && cached->value.reveal() == token_->value.reveal()) {
      cache_->drop(key_);
    }
  }
  token_.reset();
  from_cache_ = false;
}

std::optional<std::string> TokenSource::graph_notes() const {
  return cache_ ? cache_->load_graph_notes(key_) : std::nullopt;
}

void TokenSource::keep_graph_notes(const std::string &text) {
  if (cache_ && !cache_->store_graph_notes(key_, text)) {
    trace_.note(1, "what Graph in this cloud lacks was not kept in the token cache");
  }
}

bool is_rejected_token(const GraphError &error) {
  return (error.status == 401 && error.code == "InvalidAuthenticationToken") || error.status == 403;
}

} // namespace cps
