// SPDX-License-Identifier: GPL-3.0-or-later
// A move-only owner of a POSIX file descriptor, and whole reads and writes that survive EINTR.
#pragma once

#include <cstddef>
#include <string_view>
#include <unistd.h>

namespace cps {

class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd &) = delete;
  Fd &operator=(const Fd &) = delete;
  Fd(Fd &&other) noexcept : fd_(other.release()) {}
  Fd &operator=(Fd &&other) noexcept {
    if (this != &other) {
      reset(other.release());
    }
    return *this;
  }
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset(int fd = -1) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = fd;
  }

private:
  int fd_ = -1;
};

// Reads exactly size bytes into data; false on an error or an early end of file.
bool read_exactly(int fd, char *data, std::size_t size);

// Writes all of data; false on an error.
bool write_fully(int fd, std::string_view data);

} // namespace cps
