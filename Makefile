# Thin front for Meson.  The two commands of README.md:
#   make run    install what is missing, build, start on SQLite with the demo
#   make test   install, build, run every suite; last line "N passed, N failed"

BUILD      ?= build
RUN_DIR    ?= run
SIP_LISTEN ?= udp:127.0.0.1:5060,tcp:127.0.0.1:5060

.PHONY: all setup build run test unit fuzz bench bench-calls bench-media sample-config clean

all: build

setup:
	@tools/setup.sh build

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized

build: setup $(BUILD)/build.ninja
	ninja -C $(BUILD) centrexd

run: build
	@mkdir -p $(RUN_DIR)
	@tools/run-demo.sh $(BUILD)/centrexd $(RUN_DIR) "$(SIP_LISTEN)"

test:
	@tools/setup.sh test
	@tools/test.sh

bench:
	@tools/setup.sh bench
	@bench/register.sh
	@bench/api.sh

# calls: set-up rate against Kamailio, RTP relay against rtpengine (bench/README.md)
bench-calls:
	@tools/setup.sh bench
	@bench/calls.sh

# media: transcoding, players, mixer, recording on one media thread (bench/README.md)
bench-media:
	@bench/media.sh

# regenerate etc/centrex.conf from the daemon's settings table
sample-config: build
	$(BUILD)/centrexd --sample-config > etc/centrex.conf

clean:
	rm -rf build build-asan build-fuzz $(RUN_DIR)
