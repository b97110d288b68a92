/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fault injection for the watchdog test: a curl_easy_perform that never returns, as a libcurl
 * stuck where its own timeouts cannot reach (a hung resolver, a blocked library call).
 * Loaded with LD_PRELOAD; only the integration tests build and use it. */
#include <unistd.h>

typedef void CURL;

int curl_easy_perform(CURL *handle) {
  (void)handle;
  for (;;) {
    pause();
  }
  return 0;
}
