// SPDX-License-Identifier: GPL-3.0-or-later
// Whole reads and writes on file descriptors.
#include "fd.hpp"

#include <cerrno>

namespace cps {

bool read_exactly(int fd, char *data, std::size_t size) {
  std::size_t filled = 0;
  while (filled < size) {
    ssize_t got = ::read(fd, data + filled, size - filled);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return false;
    }
    filled += static_cast<std::size_t>(got);
  }
  return true;
}

bool write_fully(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written <= 0) {
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return true;
}

} // namespace cps
