// SPDX-License-Identifier: GPL-3.0-or-later
// A plain-HTTP server on 127.0.0.1 for unit tests of HttpClient: each connection reads one
// request and gets the next canned answer, byte for byte (the last one repeats).
#pragma once

#include "lib/fd.hpp"

#include <arpa/inet.h>
#include <atomic>
#include <cstdlib>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <vector>

namespace cps::test {

// An answer with a Content-Length, closing the connection after it.
inline std::string http_answer(const std::string &status_line, const std::string &headers,
                               const std::string &body) {
  return status_line + "\r\n" + headers + "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

class LoopbackHttp {
public:
  // An empty answer closes the connection without a byte.
  explicit LoopbackHttp(std::vector<std::string> answers) : answers_(std::move(answers)) {
    listener_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    auto *generic = reinterpret_cast<sockaddr *>(&address);
    if (!listener_.valid() || ::bind(listener_.get(), generic, size) != 0 ||
        ::listen(listener_.get(), 8) != 0 || ::getsockname(listener_.get(), generic, &size) != 0) {
      std::abort(); // the test cannot run at all
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  LoopbackHttp(const LoopbackHttp &) = delete;
  LoopbackHttp &operator=(const LoopbackHttp &) = delete;
  ~LoopbackHttp() {
    stop_ = true;
    thread_.join();
  }

  std::string url(const std::string &path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }

private:
  void serve() {
    while (!stop_) {
      pollfd waiting{listener_.get(), POLLIN, 0};
      if (::poll(&waiting, 1, 20) != 1) {
        continue;
      }
      Fd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (connection.valid() && read_request(connection.get())) {
        std::size_t next = static_cast<std::size_t>(requests_++);
        const std::string &answer = answers_[std::min(next, answers_.size() - 1)];
        write_fully(connection.get(), answer);
        ::shutdown(connection.get(), SHUT_WR);
        drain(connection.get());
      }
    }
  }

  // The head and a Content-Length body; false when the client went away first.
  static bool read_request(int fd) {
    std::string request;
    char buffer[4096];
    for (;;) {
      std::size_t end = request.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = request.find("Content-Length: ");
        std::size_t body = length == std::string::npos || length > end
                               ? 0
                               : std::strtoul(request.c_str() + length + 16, nullptr, 10);
        if (request.size() >= end + 4 + body) {
          return true;
        }
      }
      ssize_t got = read_within(fd, buffer, sizeof buffer);
      if (got <= 0) {
        return false;
      }
      request.append(buffer, static_cast<std::size_t>(got));
    }
  }

  // Waits for the client to close, so that closing here never resets an unread answer.
  static void drain(int fd) {
    char buffer[4096];
    while (read_within(fd, buffer, sizeof buffer) > 0) {
    }
  }

  static ssize_t read_within(int fd, char *buffer, std::size_t size) {
    pollfd readable{fd, POLLIN, 0};
    return ::poll(&readable, 1, 5000) == 1 ? ::read(fd, buffer, size) : -1;
  }

  Fd listener_;
  int port_ = 0;
  std::vector<std::string> answers_;
  std::atomic<int> requests_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

} // namespace cps::test
