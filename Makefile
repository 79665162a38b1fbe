# Rampart's front door, in DuckDB's manner: every target does its own set-up.
#   make demo   build and analyze a shipped capture
#   make test   deps, release + ASan/UBSan builds, the whole ctest suite
.DEFAULT_GOAL := release
SHELL := /bin/bash

GENERATOR := -G Ninja
CCACHE := $(shell command -v ccache 2>/dev/null)
CMAKE_COMMON := $(GENERATOR) -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
	$(if $(CCACHE),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
JOBS ?= $(shell nproc)

# Debian 12 packages the build, the tests, the benchmarks and the fuzzers need.
DEBIAN_PACKAGES := build-essential cmake ninja-build ccache pkg-config python3 \
	libpcap-dev nlohmann-json3-dev libcli11-dev libfmt-dev libyaml-cpp-dev \
	libgtest-dev libgmock-dev libbenchmark-dev \
	clang-14 libclang-rt-14-dev llvm-14 clang-format clang-tidy \
	tshark tcpdump libpsl-dev publicsuffix \
	libspdlog-dev libsqlite3-dev sqlite3 libcurl4-openssl-dev \
	iproute2 tcpreplay softflowd fastnetmon nftables libnftables-dev exabgp bird2 \
	libgrpc++-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev gobgpd

.PHONY: deps release debug test demo bench fuzz format tidy clean

deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get -o DPkg::Lock::Timeout=600 update -q && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -q $$missing; \
	else echo "make deps: all Debian packages present"; fi

build/release/build.ninja:
	cmake -S . -B build/release $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release

build/debug/build.ninja:
	cmake -S . -B build/debug $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DRAMPART_SANITIZE=ON

release: deps build/release/build.ninja
	cmake --build build/release -j $(JOBS)

debug: deps build/debug/build.ninja
	cmake --build build/debug -j $(JOBS)

test: release debug
	cd build/release && ctest --output-on-failure -j $(JOBS)
	cd build/debug && ctest --output-on-failure -j $(JOBS) -LE slow

DEMO_GENERATED := zoo_gre_eth zoo_tunnels zoo_fragments_ext zoo_vlan_qinq zoo_dns_malformed
demo: release
	@echo "### A real home-LAN capture (2,000 packets: DHCP, DNS, mDNS, NTP, SSH), with an inside host"
	@echo "### scanning telnet ports (23, 2323, 8080, 9527) the way Mirai-family bots do"
	./build/release/rampart analyze --hosts 10 tests/data/captures/benign/slips_test7_home_lan_mixed.pcap
	@echo
	@echo "### Mirai's GRE vectors, IP-in-IP, fragments, QinQ and lying DNS, as one timeline"
	./build/release/rampart analyze --hosts 10 $(foreach f,$(DEMO_GENERATED),tests/data/generated/$(f).pcap)
	@echo
	@echo "### DDoS detection on generated captures (rampart-gen only writes files)"
	@mkdir -p build/demo
	./build/release/rampart-gen scenario --out build/demo/greeth.pcap --duration 20 \
		--vector gre_eth_flood --attack-pps 12000 --attack-start 5 --attack-duration 8 --sources 3000
	./build/release/rampart-gen scenario --out build/demo/carpet.pcap --duration 20 \
		--target 198.51.100.0/24 --vector amplification --service ntp --attack-pps 30000 \
		--attack-start 5 --attack-duration 8 --sources 800
	./build/release/rampart-gen scenario --out build/demo/crowd.pcap --duration 20 \
		--flash-crowd 10 --background-pps 3000 --clients 200
	./build/release/rampart analyze --hosts 5 --samples build/demo/samples build/demo/greeth.pcap
	./build/release/rampart analyze --hosts 5 --config tests/data/config/example.yaml build/demo/carpet.pcap
	@echo "### A 10x flash crowd of real clients: no attack"
	./build/release/rampart analyze --hosts 3 build/demo/crowd.pcap | sed -n '/== Attacks/,/^$$/p'
	@echo
	@echo "### IoT botnet on a LAN: Mirai scanning, telnet brute force ending in a factory-default"
	@echo "### login, FTP/HTTP default logins, report-back, C2 beacons, DNS to 8.8.8.8, a flood"
	./build/release/rampart-gen iot --behaviour all --out build/demo/iot.pcap
	./build/release/rampart analyze --hosts 3 --config tests/data/config/iot_lan.yaml build/demo/iot.pcap \
		| sed -n '/== Attacks/,$$p'
	@echo "### DNS water torture seen at an ISP's resolver: the zone, the infected clients; a retry"
	@echo "### storm, random-label CDN names and a DNS tunnel in the same capture are told apart"
	./build/release/rampart-gen dns --behaviour all --vantage resolver --out build/demo/dns.pcap
	./build/release/rampart analyze --hosts 3 build/demo/dns.pcap | sed -n '/== Attacks/,/== Infected/p'
	@echo "### A real DNS tunnel (nDPI test capture)"
	./build/release/rampart analyze --hosts 3 tests/data/captures/attacks/ndpi_dns_tunnel_skullseclabs.pcap \
		| sed -n '/== DNS/,$$p'
	@echo "### A real ping sweep (slips test 12)"
	./build/release/rampart analyze --hosts 3 tests/data/captures/scans/slips_test12_icmp_portscan.pcap \
		| sed -n '/== Infected/,$$p'
	@echo "### The live sensor: rampart run collects IPFIX on 127.0.0.1 while softflowd exports a"
	@echo "### SYN flood capture to it; its EVE events, dry-run bans (blackhole + FlowSpec rule)"
	@echo "### and SQLite history (docs/sensor.md, docs/mitigation.md)"
	sh tools/demo_live.sh

bench: release
	python3 bench/run_bench.py --build build/release --out build/bench

fuzz: deps
	cmake -S . -B build/fuzz $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DRAMPART_FUZZ=ON
	cmake --build build/fuzz -j $(JOBS) --target fuzzers
	bash fuzz/run_all.sh build/fuzz $${FUZZ_SECONDS:-30}

format:
	find src tests fuzz bench tools -name '*.cc' -o -name '*.h' | xargs clang-format -i

tidy: release
	run-clang-tidy -p build/release -quiet 'src/.*' || clang-tidy -p build/release $$(find src -name '*.cc')

clean:
	rm -rf build
