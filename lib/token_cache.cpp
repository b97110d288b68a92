// SPDX-License-Identifier: GPL-3.0-or-later
// The shared access-token cache, its lock, and the retry when Graph rejects a cached token.
#include "token_cache.hpp"

#include "cache_folder.hpp"
#include "duration.hpp"
#include "text.hpp"
#include "token_file.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <openssl/evp.h>
#include <random>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace cps {
namespace {

constexpr off_t max_cache_file = 16 * 1024;

void append_field(std::string &out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

std::string error_text(const std::string &what, int error) {
  return what + ": " + std::strerror(error);
}

// Why a directory may not hold tokens, or empty when it may.
std::string unsafe_directory(int fd, const std::string &dir) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return error_text("cannot inspect " + dir, errno);
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

std::string open_failure(int parent, const std::string &leaf, const std::string &dir, int error) {
  struct stat info {};
  if (error == ELOOP ||
      (::fstatat(parent, leaf.c_str(), &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(info.st_mode))) {
    return dir + " is a symbolic link";
  }
  if (error == ENOTDIR) {
    return dir + " is not a directory";
  }
  return error_text("cannot open " + dir, error);
}

// dir without trailing `/` and `/.` components: `DIR/./` names DIR itself, and DIR is what must
// not be a symbolic link (a trailing slash would make open(2) follow it).
std::string without_trailing_dots(std::string dir) {
  for (;;) {
    if (dir.size() > 1 && dir.back() == '/') {
      dir.pop_back();
    } else if (dir.size() > 2 && dir.compare(dir.size() - 2, 2, "/.") == 0) {
      dir.resize(dir.size() - 2);
    } else {
      return dir;
    }
  }
}

// The folder that holds `leaf` ("." for a relative name without a slash).
std::pair<std::string, std::string> split_leaf(const std::string &dir) {
  std::size_t slash = dir.find_last_of('/');
  if (slash == std::string::npos) {
    return {".", dir};
  }
  return {slash == 0 ? "/" : dir.substr(0, slash), dir.substr(slash + 1)};
}

// The whole content of a small file, or nullopt when it is absent, unsafe or unreadable. Only the
// user may read a token file: a group- or world-readable one may have been read by others.
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
// renaming (the watchdog, or the scheduler's SIGKILL). It holds a token: it goes. A check writes
// and renames within milliseconds, so a younger one may be another check's, still being written.
constexpr time_t stale_temp_seconds = 60;

bool is_lower_hex(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool is_digits(std::string_view text) {
  return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
}

// Exactly the names temp_name() makes: `.<64 hex>.tmp.<pid>.<random>`. Nothing else in the folder
// is the plugin's to delete (`--token-cache ~` holds the user's own files).
bool is_temp_name(std::string_view name) {
  constexpr std::string_view marker = ".tmp.";
  if (name.size() < 1 + 64 + marker.size() || name.front() != '.' ||
      !is_lower_hex(name.substr(1, 64)) || name.substr(65, marker.size()) != marker) {
    return false;
  }
  std::string_view numbers = name.substr(65 + marker.size());
  std::size_t dot = numbers.find('.');
  return dot != std::string_view::npos && is_digits(numbers.substr(0, dot)) &&
         is_digits(numbers.substr(dot + 1));
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
        ::fstatat(dir, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(info.st_mode) &&
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

std::chrono::milliseconds graph_reserve(std::chrono::milliseconds budget) {
  return std::min(budget * 2 / 5, std::chrono::milliseconds(3000));
}

std::optional<TokenCache> TokenCache::open(const std::string &dir, bool create_parent,
                                           std::string &why_not) {
  std::string path = without_trailing_dots(dir);
  auto [parent, leaf] = split_leaf(path);
  if (create_parent && parent != "/") {
    ::mkdir(parent.c_str(), 0700); // ~/.cache; an error shows when opening dir
  }
  Fd parent_fd(::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent_fd.valid()) {
    why_not = error_text(errno == ENOENT ? "cannot create " + dir : "cannot open " + parent, errno);
    return std::nullopt;
  }
  if (leaf.empty()) { // the root folder itself
    leaf = ".";
  }
  if (::mkdirat(parent_fd.get(), leaf.c_str(), 0700) != 0 && errno != EEXIST) {
    why_not = error_text("cannot create " + dir, errno);
    return std::nullopt;
  }
  Fd fd(::openat(parent_fd.get(), leaf.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    why_not = open_failure(parent_fd.get(), leaf, dir, errno);
    return std::nullopt;
  }
  why_not = unsafe_directory(fd.get(), dir);
  if (!why_not.empty()) {
    return std::nullopt;
  }
  return TokenCache(std::move(fd), dir);
}

std::optional<AccessToken> TokenCache::load(const std::string &key, std::int64_t now) const {
  std::optional<Secret> content = read_private_file(dir_.get(), key + ".token");
  if (!content || content->empty()) {
    return std::nullopt;
  }
  std::optional<TokenRecord> record = parse_token_record(content->reveal());
  if (!record || record->token.expires_at - token_reuse_margin <= now) {
    return std::nullopt;
  }
  return std::move(record->token);
}

bool TokenCache::store(const std::string &key, const AccessToken &token, std::int64_t now,
                       std::string &why_not) const {
  why_not.clear();
  if (token.expires_at - token_reuse_margin <= now || !is_b64token(token.value.reveal())) {
    return false; // nobody could reuse it
  }
  std::string temp = temp_name(key);
  Fd fd(::openat(dir_.get(), temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                 0600));
  if (!fd.valid()) {
    why_not = error_text("cannot create a file in " + path_, errno);
    return false;
  }
  struct stat created {};
  if (::fstat(fd.get(), &created) == 0) {
    remove_stale_temp_files(dir_.get(), created.st_mtime);
  }
  Secret content = serialise_token_record(
      TokenRecord{AccessToken{Secret(token.value.reveal()), token.expires_at}});
  // With SIGXFSZ ignored (harden_process), a file-size limit is EFBIG here, not a killed check.
  if (::fchmod(fd.get(), 0600) != 0 || !write_fully(fd.get(), content.reveal())) {
    why_not = error_text("cannot write a token file in " + path_, errno);
  } else if (::close(fd.release()) != 0) {
    why_not = error_text("cannot write a token file in " + path_, errno); // NFS, quota
  } else if (::renameat(dir_.get(), temp.c_str(), dir_.get(), (key + ".token").c_str()) != 0) {
    why_not = error_text("cannot rename a token file in " + path_, errno);
  }
  if (!why_not.empty()) {
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

CacheLock TokenCache::lock(const std::string &key, std::chrono::milliseconds wait) const {
  CacheLock lock;
  Fd fd(::openat(dir_.get(), (key + ".lock").c_str(),
                 O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600));
  if (!fd.valid()) {
    lock.error = error_text("cannot open a lock file in " + path_, errno);
    return lock;
  }
  Deadline give_up(wait);
  std::chrono::milliseconds pause(2);
  while (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      lock.error = error_text("cannot lock a file in " + path_, errno);
      return lock;
    }
    if (give_up.expired()) {
      return lock;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(25));
  }
  lock.fd = std::move(fd);
  return lock;
}

std::optional<TokenCache> open_token_cache(const Config &config, const Environment &env,
                                           Trace &trace) {
  if (!config.token_cache) {
    trace.note(2, "token cache disabled (--no-token-cache)");
    return std::nullopt;
  }
  CacheFolder folder{config.token_cache_dir, "from --token-cache", false};
  if (folder.path.empty()) {
    folder = default_cache_folder(env);
  }
  std::string why_not;
  std::optional<TokenCache> cache = TokenCache::open(folder.path, folder.create_parent, why_not);
  if (!cache) {
    trace.note(0, "token cache not used: " + why_not);
    return std::nullopt;
  }
  trace.note(1, "token cache folder " + folder.path + " (" + folder.origin + ")");
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
  trace_.note(1,
              "access token from the cache, expires in " + minutes_text(cached->expires_at - now));
  hold(std::move(*cached), true);
  return true;
}

// The one place an access token is registered with the trace, wherever it came from: the
// output's last filter then removes it from everything the plugin prints.
void TokenSource::hold(AccessToken token, bool from_cache) {
  trace_.protect(token.value.reveal());
  token_ = std::move(token);
  from_cache_ = from_cache;
}

// One detail line names the error; the check goes on without the cache.
void TokenSource::give_up_cache(const std::string &why) {
  trace_.note(0, "token cache not used: " + why);
  cache_.reset();
}

void TokenSource::fetch_and_store() {
  hold(fetch_(), false);
  std::string why_not;
  if (cache_ && !cache_->store(key_, *token_, now_(), why_not)) {
    if (why_not.empty()) {
      trace_.note(1, "access token not cached: it expires within 5 minutes");
    } else {
      give_up_cache(why_not);
    }
  }
}

const AccessToken &TokenSource::get() {
  if (token_ || (cache_ && take_cached())) {
    return *token_;
  }
  CacheLock lock; // held until the new token is stored, so that waiting checks then find it
  if (cache_) {
    // Cold or expired: one check fetches, the others wait for its token while their -t allows.
    auto before = deadline_.remaining();
    auto reserve = graph_reserve(deadline_.budget());
    lock = cache_->lock(key_, before > reserve ? before - reserve : std::chrono::milliseconds(0));
    if (!lock.error.empty()) {
      give_up_cache(lock.error);
    } else if (!lock.held()) {
      throw WaitError("cannot tell: another check's access token request was still running "
                      "after waiting " +
                      format_seconds(before - deadline_.remaining()) +
                      " for it (slow token endpoint); the " +
                      format_seconds(deadline_.remaining()) + " left of -t " +
                      format_seconds(deadline_.budget()) + " are kept for Graph");
    } else if (take_cached()) {
      return *token_;
    }
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
