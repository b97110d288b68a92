// SPDX-License-Identifier: GPL-3.0-or-later
// Unit tests for lib/fd.cpp and the Fd owner.
#include "lib/fd.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <string>

using namespace cps;

namespace {

struct Pipe {
  Fd read_end;
  Fd write_end;
  Pipe() {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
  }
};

} // namespace

TEST_CASE("fd: write_fully and read_exactly move every byte") {
  Pipe pipe;
  std::string data(10000, 'x');
  data[9999] = 'y';
  REQUIRE(write_fully(pipe.write_end.get(), data));
  std::string back(data.size(), '\0');
  CHECK(read_exactly(pipe.read_end.get(), back.data(), back.size()));
  CHECK(back == data);
}

TEST_CASE("fd: read_exactly fails on an early end of file") {
  Pipe pipe;
  REQUIRE(write_fully(pipe.write_end.get(), "abc"));
  pipe.write_end.reset();
  char buffer[8];
  CHECK_FALSE(read_exactly(pipe.read_end.get(), buffer, sizeof buffer));
}

TEST_CASE("fd: write_fully fails on a closed descriptor") {
  Pipe pipe;
  int fd = pipe.write_end.get();
  pipe.write_end.reset();
  CHECK_FALSE(write_fully(fd, "abc"));
}

TEST_CASE("fd: Fd closes once and moves ownership") {
  Pipe pipe;
  int raw = pipe.read_end.get();
  Fd moved(std::move(pipe.read_end));
  CHECK_FALSE(pipe.read_end.valid());
  CHECK(moved.get() == raw);
  moved.reset();
  CHECK(::fcntl(raw, F_GETFD) == -1); // closed
}
