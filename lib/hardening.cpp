// SPDX-License-Identifier: GPL-3.0-or-later
// Process set-up that keeps secrets out of core dumps, and the single write of the output.
#include "hardening.hpp"

#include "fd.hpp"

#include <cerrno>
#include <csignal>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace cps {

void harden_process() {
  struct rlimit no_core {};
  ::setrlimit(RLIMIT_CORE, &no_core);
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  std::signal(SIGPIPE, SIG_IGN);
  // A file-size limit (ulimit -f) makes a write fail with EFBIG instead of killing the check
  // without output: the token cache then reports the error and the check still answers.
  std::signal(SIGXFSZ, SIG_IGN);
}

void write_stdout(std::string_view text) {
  write_fully(STDOUT_FILENO, text);
}

} // namespace cps
