# SPDX-License-Identifier: GPL-3.0-or-later
# check_password_sync: build, test, demo and install.

CXX      ?= g++
CXXFLAGS ?= -O2 -g
CPPFLAGS ?=
LDFLAGS  ?=
PROJECT_CXXFLAGS = -std=c++17 -Wall -Wextra -Wshadow -Werror=return-type -Werror=switch -I.
LIBS     = -lcurl -lcrypto
# A check is one short process: libstdc++ linked in (only the parts used, relocated at link time)
# and no needless libraries (libm) keep its start-up time and memory at those of one curl request
# (see bench/RESULTS.md). Debian policy wants the shared C++ runtime, so debian/rules builds with
# STATIC_RUNTIME= (empty). Source builds keep it static because bench/bench.py (2026-11-30, both
# builds, same machine) measured the shared one at 1.07x curl's CPU and 1.11x its peak RSS per warm
# check (+1.5 MiB) against 0.92x and 0.98x static, and 1.17x against 1.02x CPU over 300 checks.
STATIC_RUNTIME ?= -static-libstdc++ -static-libgcc
LINK_FLAGS = $(STATIC_RUNTIME) -Wl,--as-needed

PREFIX     ?= /usr/local
PLUGINDIR  ?= $(PREFIX)/lib/nagios/plugins
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
ICINGA2_INCLUDEDIR ?= $(PREFIX)/share/icinga2/include/plugins-contrib.d
DESTDIR    ?=

PLUGIN    = check_password_sync
LIB_SRCS  = $(sort $(wildcard lib/*.cpp))
TEST_SRCS = $(sort $(wildcard tests/test_*.cpp)) tests/main.cpp
LIB_OBJS  = $(LIB_SRCS:%.cpp=build/%.o)
TEST_OBJS = $(TEST_SRCS:%.cpp=build/%.o)
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_OBJS  = $(LIB_SRCS:%.cpp=build/san/%.o) $(TEST_SRCS:%.cpp=build/san/%.o)

# Debian packages needed to build and test (squid: the proxy tests run through a real one);
# `make deps` installs the missing ones.
DEB_PACKAGES = g++ make libcurl4-openssl-dev libssl-dev rapidjson-dev doctest-dev python3 openssl curl ca-certificates squid

.PHONY: all deps check tools layers unit unit-san integration integration-credentials demo bench install uninstall e2e deb clean format

all: $(PLUGIN)

deps:
	@tests/tools/deps.sh $(DEB_PACKAGES)

$(PLUGIN): build/check_password_sync.o $(LIB_OBJS)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $(LINK_FLAGS) -o $@ $^ $(LIBS)

# -MMD -MP write build/....d next to each object: the headers it included, so touching a header
# rebuilds only the objects that include it (the .d files are read at the end of this file). An
# object whose .d is missing (built before, or the .d deleted) is rebuilt: the .d files are
# explicit targets without a recipe at the end of this file, so make treats a missing one as new.
DEP_FLAGS = -MMD -MP

build/%.o: %.cpp build/%.d
	@mkdir -p $(dir $@)
	$(CXX) $(PROJECT_CXXFLAGS) $(DEP_FLAGS) $(CPPFLAGS) $(CXXFLAGS) -c -o $@ $<

build/san/%.o: %.cpp build/san/%.d
	@mkdir -p $(dir $@)
	$(CXX) $(PROJECT_CXXFLAGS) $(DEP_FLAGS) $(CPPFLAGS) -O1 -g $(SAN_FLAGS) -c -o $@ $<

build/unit_tests: $(TEST_OBJS) $(LIB_OBJS)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

build/unit_tests_san: $(SAN_OBJS)
	$(CXX) -g $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

unit: build/unit_tests
	@tests/tools/run_stage.sh unit build/unit_tests

unit-san: build/unit_tests_san
	@tests/tools/run_stage.sh unit-asan-ubsan build/unit_tests_san

# The test tooling's own tests (stage counting and the closing line).
tools:
	@tests/tools/run_stage.sh tools python3 tests/tools/test_tools.py

# The include rule of lib/ written in ARCHITECTURE.md ("## Layers"): layers and no cycles.
layers:
	@tests/tools/run_stage.sh layers python3 tests/tools/check_layers.py

integration: $(PLUGIN)
	@tests/tools/run_stage.sh integration python3 tests/integration/test_plugin.py --binary ./$(PLUGIN)

integration-credentials: $(PLUGIN)
	@tests/tools/run_stage.sh integration-credentials python3 tests/integration/test_credentials.py --binary ./$(PLUGIN)

# All tests; the last line is "N passed, N failed, N skipped". The build runs in parallel under
# -j; the test stages run one after the other (they measure time, and share two cores with the
# build of whoever else is on the machine). Any failing stage fails check, and so does a stage of
# CHECK_STAGES that did not run, ran no test or skipped all of its tests.
CHECK_TARGETS = tools layers unit unit-san integration integration-credentials integration-san
CHECK_STAGES  = tools layers unit unit-asan-ubsan integration integration-credentials integration-asan-ubsan \
                integration-credentials-asan-ubsan
check: deps
	@$(MAKE) --no-print-directory all build/unit_tests build/unit_tests_san build/san/$(PLUGIN)
	@rm -rf build/results
	@status=0; \
	for target in $(CHECK_TARGETS); do $(MAKE) --no-print-directory $$target || status=1; done; \
	python3 tests/tools/summarize.py --expect "$(CHECK_STAGES)" build/results || status=1; \
	exit $$status

demo: deps
	@$(MAKE) --no-print-directory all
	@tests/demo.sh ./$(PLUGIN)

# The benchmark against the simulator (slow, not part of check): writes bench/RESULTS.md.
# deps first, then the build (a sub-make): under -j the build must not race the package install.
bench: deps
	@tests/tools/deps.sh time
	@$(MAKE) --no-print-directory $(PLUGIN)
	python3 bench/bench.py --binary ./$(PLUGIN)

e2e: $(PLUGIN)
	@PLUGIN=$(CURDIR)/$(PLUGIN) tests/tools/run_stage.sh e2e tests/e2e/run.sh

# Builds the Debian package, runs lintian, installs it and runs the installed plugin.
deb:
	@tests/tools/run_stage.sh deb tests/e2e/deb.sh

install: $(PLUGIN)
	install -d $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(PLUGIN) $(DESTDIR)$(PLUGINDIR)/$(PLUGIN)
	install -m 644 man/$(PLUGIN).1 $(DESTDIR)$(MANDIR)/man1/$(PLUGIN).1
	install -d $(DESTDIR)$(SYSCONFDIR)/nagios-plugins/config $(DESTDIR)$(ICINGA2_INCLUDEDIR)
	install -m 644 contrib/nagios/$(PLUGIN).cfg $(DESTDIR)$(SYSCONFDIR)/nagios-plugins/config/$(PLUGIN).cfg
	install -m 644 contrib/icinga2/$(PLUGIN).conf $(DESTDIR)$(ICINGA2_INCLUDEDIR)/$(PLUGIN).conf

uninstall:
	rm -f $(DESTDIR)$(PLUGINDIR)/$(PLUGIN) $(DESTDIR)$(MANDIR)/man1/$(PLUGIN).1
	rm -f $(DESTDIR)$(SYSCONFDIR)/nagios-plugins/config/$(PLUGIN).cfg
	rm -f $(DESTDIR)$(ICINGA2_INCLUDEDIR)/$(PLUGIN).conf

format:
	clang-format -i $(PLUGIN).cpp lib/*.cpp lib/*.hpp tests/*.cpp

clean:
	rm -rf build $(PLUGIN)

# --- Hostile input and hostile networks -----------------------------------------------------
# libFuzzer targets: tests/fuzz/fuzz_<name>.cpp with seeds in tests/fuzz/corpus/<name>/. Adding a
# target is adding its name here.
FUZZ_TARGETS = graph_json token_response timestamp duration range retry_after output redact \
               extra_opts www_authenticate token_cache
FUZZ_SECONDS ?= 60
FUZZ_CXX     ?= clang++-14
FUZZ_FLAGS    = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer -fsanitize-ignorelist=tests/fuzz/ubsan.ignorelist
FUZZ_LIB_OBJS = $(LIB_SRCS:%.cpp=build/fuzz/%.o)
DEB_PACKAGES_FUZZ = clang-14 libclang-rt-14-dev
DEB_PACKAGES_VALGRIND = valgrind
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:exitcode=86:abort_on_error=0 \
          UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect

# Extra targets that .ci/run runs after `make check` (each records its counts in build/results),
# and the names of the stages they record, which .ci/run expects to find there.
CI_STAGES = e2e deb valgrind fuzz-ci
CI_STAGE_NAMES = e2e deb integration-valgrind fuzz

# The stages .ci/run expects in build/results.
stage-names:
	@echo $(CHECK_STAGES) $(CI_STAGE_NAMES)

.PRECIOUS: build/fuzz/%.o
.PHONY: deps-fuzz deps-valgrind fuzz fuzz-ci fuzz-minimise integration-san valgrind stage-names

deps-fuzz:
	@tests/tools/deps.sh $(DEB_PACKAGES_FUZZ)

deps-valgrind:
	@tests/tools/deps.sh $(DEB_PACKAGES_VALGRIND)

# clang writes the .d after the .o, so the .d would be newer and every make fuzz would rebuild
# every object: the touch makes the .o the newer of the two.
build/fuzz/%.o: %.cpp build/fuzz/%.d tests/fuzz/ubsan.ignorelist
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(PROJECT_CXXFLAGS) $(DEP_FLAGS) -O1 -g $(FUZZ_FLAGS) -c -o $@ $<
	@touch $@

build/fuzz/fuzz_%: build/fuzz/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJS)
	$(FUZZ_CXX) -g -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)

# Each target for FUZZ_SECONDS; prints corpus size and executions per target, then
# "fuzz: N passed, N failed".
fuzz: deps-fuzz
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	@tests/tools/run_stage.sh fuzz python3 tests/fuzz/run.py --seconds $(FUZZ_SECONDS) \
	  $(FUZZ_TARGETS)

fuzz-ci:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30

# Minimises the generated inputs (found-<16 hex>) of the committed corpora with libFuzzer's
# -merge=1, keeping every named seed and all coverage, and prints cov/ft before and after
# (tests/fuzz/minimise.py). FUZZ_MERGE_FROM=build/fuzz/corpus also merges what make fuzz found.
FUZZ_MERGE_FROM ?=
fuzz-minimise: deps-fuzz
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
	nice python3 tests/fuzz/minimise.py $(FUZZ_MERGE_FROM:%=--from %) $(FUZZ_TARGETS)

build/san/$(PLUGIN): build/san/check_password_sync.o $(LIB_SRCS:%.cpp=build/san/%.o)
	$(CXX) -g $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# The integration suites against the plugin built with ASan+UBSan (leak checking on).
# Both stages run even when the first fails; the target fails when either did.
integration-san: build/san/$(PLUGIN)
	@status=0; \
	$(SAN_ENV) tests/tools/run_stage.sh integration-asan-ubsan python3 \
	  tests/integration/test_plugin.py --binary build/san/$(PLUGIN) || status=1; \
	$(SAN_ENV) tests/tools/run_stage.sh integration-credentials-asan-ubsan python3 \
	  tests/integration/test_credentials.py --binary build/san/$(PLUGIN) || status=1; \
	exit $$status

# The integration suite with every plugin run under valgrind memcheck.
valgrind: deps-valgrind $(PLUGIN)
	@tests/tools/run_stage.sh integration-valgrind python3 tests/integration/test_plugin.py \
	  --binary ./$(PLUGIN) --wrapper "$(VALGRIND)"

# Mutation testing (slow, not part of check or CI): breaks lib/ on purpose, one fixed mutant at a
# time (tests/mutate/mutants.py), and prints the score and the survivors.
.PHONY: mutate
mutate: deps
	python3 tests/mutate/run.py

# The header dependencies recorded by -MMD (only those that exist: none before the first build).
ALL_OBJS = build/check_password_sync.o build/san/check_password_sync.o $(LIB_OBJS) $(TEST_OBJS) \
           $(SAN_OBJS) $(FUZZ_LIB_OBJS) $(FUZZ_TARGETS:%=build/fuzz/tests/fuzz/fuzz_%.o)
$(ALL_OBJS:.o=.d):
-include $(wildcard $(ALL_OBJS:.o=.d))
