#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"

namespace rampart {
namespace {

const std::string kDataDir = std::string(RAMPART_SOURCE_DIR) + "/tests/data/config/";

struct Parsed {
  std::optional<Config> config;
  std::vector<ConfigError> errors;
};

Parsed Parse(const std::string& yaml) {
  Parsed parsed;
  parsed.config = ParseConfig(yaml, &parsed.errors);
  return parsed;
}

//! A config that must parse; fails the test (and returns the defaults) otherwise.
Config Valid(const std::string& yaml) {
  Parsed parsed = Parse(yaml);
  for (const ConfigError& e : parsed.errors) {
    ADD_FAILURE() << "unexpected error: " << e.ToString() << "\nin:\n" << yaml;
  }
  EXPECT_TRUE(parsed.config.has_value());
  return parsed.config.value_or(DefaultConfig());
}

//! The single error a config must produce.
ConfigError OneError(const std::string& yaml) {
  Parsed parsed = Parse(yaml);
  EXPECT_FALSE(parsed.config.has_value()) << yaml;
  std::string all;
  for (const ConfigError& e : parsed.errors) {
    all += "\n  " + e.ToString();
  }
  EXPECT_EQ(parsed.errors.size(), 1u) << yaml << all;
  return parsed.errors.empty() ? ConfigError{-1, -1, "no error"} : parsed.errors.front();
}

std::vector<int> Lines(const std::vector<ConfigError>& errors) {
  std::vector<int> lines;
  lines.reserve(errors.size());
  for (const ConfigError& e : errors) {
    lines.push_back(e.line);
  }
  return lines;
}

Prefix P(const char* text) {
  return Prefix::Parse(text).value();
}

double VectorPps(const Thresholds& t, Vector vector) {
  return t.vector_pps[static_cast<size_t>(vector)];
}

void ExpectSameThresholds(const Thresholds& a, const Thresholds& b) {
  EXPECT_EQ(a.pps, b.pps);
  EXPECT_EQ(a.bps, b.bps);
  EXPECT_EQ(a.flows_per_s, b.flows_per_s);
  EXPECT_EQ(a.tcp_pps, b.tcp_pps);
  EXPECT_EQ(a.udp_pps, b.udp_pps);
  EXPECT_EQ(a.icmp_pps, b.icmp_pps);
  EXPECT_EQ(a.gre_pps, b.gre_pps);
  EXPECT_EQ(a.syn_pps, b.syn_pps);
  EXPECT_EQ(a.fragment_pps, b.fragment_pps);
  EXPECT_EQ(a.vector_pps, b.vector_pps);
}

void ExpectDefaults(const Config& c) {
  const Config d = DefaultConfig();
  EXPECT_TRUE(c.networks.empty());
  EXPECT_TRUE(c.whitelist_local.empty());
  EXPECT_TRUE(c.whitelist_remote.empty());
  EXPECT_TRUE(c.hostgroups.empty());
  EXPECT_EQ(c.defaults.name, "default");
  EXPECT_EQ(c.defaults.hold_s, d.defaults.hold_s);
  EXPECT_EQ(c.defaults.quiet_s, d.defaults.quiet_s);
  EXPECT_EQ(c.defaults.baseline, d.defaults.baseline);
  ExpectSameThresholds(c.defaults.incoming, d.defaults.incoming);
  ExpectSameThresholds(c.defaults.outgoing, d.defaults.outgoing);
  ExpectSameThresholds(c.prefix_incoming, d.prefix_incoming);
  EXPECT_EQ(c.prefix_length_v4, d.prefix_length_v4);
  EXPECT_EQ(c.prefix_length_v6, d.prefix_length_v6);
  EXPECT_EQ(c.baseline_alpha, d.baseline_alpha);
  EXPECT_EQ(c.baseline_warmup_s, d.baseline_warmup_s);
  EXPECT_EQ(c.baseline_floor_pps, d.baseline_floor_pps);
  EXPECT_EQ(c.baseline_sigmas, d.baseline_sigmas);
}

//! The value `text` gives the incoming threshold `key`, parsed on its own.
double IncomingRate(const std::string& key, const std::string& text) {
  const Config c = Valid("thresholds:\n  incoming:\n    " + key + ": " + text + "\n");
  const Thresholds& t = c.defaults.incoming;
  if (key == "pps") {
    return t.pps;
  }
  if (key == "bps") {
    return t.bps;
  }
  if (key == "flows") {
    return t.flows_per_s;
  }
  ADD_FAILURE() << "no such key in this helper: " << key;
  return -1;
}

double Hold(const std::string& text) {
  return Valid("detection:\n  hold: " + text + "\n").defaults.hold_s;
}

// Every value differs from DefaultConfig(), so a key that is ignored fails.
constexpr const char* kFull = R"(networks: [198.51.100.0/24, "2001:db8::/32"]
whitelist:
  local: [198.51.100.53, "2001:db8::1"]
  remote: [192.0.2.0/24]
detection:
  hold: 3s
  quiet: 45s
  prefix_length: {ipv4: 26, ipv6: 56}
  prefix_thresholds: {pps: 250k pps, bps: 4 Gbps, syn: 40k pps}
  baseline: {enabled: false, alpha: 0.1, warmup: 2m, floor: 7k pps, sigmas: 4.5}
thresholds:
  incoming:
    pps: 110k pps
    bps: 1.5 Gbps
    flows: 30k flows/s
    tcp: 60k pps
    udp: 70k pps
    icmp: 6k pps
    gre: 7k pps
    syn: 11k pps
    fragments: 8k pps
    vectors: {syn_flood: 12k pps, amplification: 9k pps}
  outgoing: {pps: 21k pps, bps: 300 Mbps, flows: 3k fps, tcp: 4k pps, udp: 5k pps, icmp: 600 pps, gre: 700 pps, syn: 800 pps, fragments: 900 pps, vectors: {udp_flood: 1k pps}}
hostgroups:
  - name: dns-servers
    prefixes: [198.51.100.53/32, "2001:db8::53"]
    hold: 2s
    quiet: 30s
    baseline: true
    incoming: {pps: 300k pps, vectors: {amplification: 1k pps}}
    outgoing: {bps: 50 Mbps}
)";

TEST(ParseConfig, FullConfigSetsEveryField) {
  const Config c = Valid(kFull);
  EXPECT_EQ(c.networks, (std::vector<Prefix>{P("198.51.100.0/24"), P("2001:db8::/32")}));
  EXPECT_EQ(c.whitelist_local, (std::vector<Prefix>{P("198.51.100.53/32"), P("2001:db8::1/128")}));
  EXPECT_EQ(c.whitelist_remote, (std::vector<Prefix>{P("192.0.2.0/24")}));

  EXPECT_EQ(c.defaults.name, "default");
  EXPECT_EQ(c.defaults.hold_s, 3);
  EXPECT_EQ(c.defaults.quiet_s, 45);
  EXPECT_FALSE(c.defaults.baseline);
  EXPECT_EQ(c.prefix_length_v4, 26);
  EXPECT_EQ(c.prefix_length_v6, 56);
  EXPECT_EQ(c.prefix_incoming.pps, 250e3);
  EXPECT_EQ(c.prefix_incoming.bps, 4e9);
  EXPECT_EQ(c.prefix_incoming.syn_pps, 40e3);
  EXPECT_EQ(c.baseline_alpha, 0.1);
  EXPECT_EQ(c.baseline_warmup_s, 120);
  EXPECT_EQ(c.baseline_floor_pps, 7e3);
  EXPECT_EQ(c.baseline_sigmas, 4.5);

  const Thresholds& in = c.defaults.incoming;
  EXPECT_EQ(in.pps, 110e3);
  EXPECT_EQ(in.bps, 1.5e9);
  EXPECT_EQ(in.flows_per_s, 30e3);
  EXPECT_EQ(in.tcp_pps, 60e3);
  EXPECT_EQ(in.udp_pps, 70e3);
  EXPECT_EQ(in.icmp_pps, 6e3);
  EXPECT_EQ(in.gre_pps, 7e3);
  EXPECT_EQ(in.syn_pps, 11e3);
  EXPECT_EQ(in.fragment_pps, 8e3);
  EXPECT_EQ(VectorPps(in, Vector::kSynFlood), 12e3);
  EXPECT_EQ(VectorPps(in, Vector::kAmplification), 9e3);
  // A vector the file leaves out keeps its default.
  EXPECT_EQ(VectorPps(in, Vector::kAckFlood),
            VectorPps(DefaultConfig().defaults.incoming, Vector::kAckFlood));

  const Thresholds& out = c.defaults.outgoing;
  EXPECT_EQ(out.pps, 21e3);
  EXPECT_EQ(out.bps, 300e6);
  EXPECT_EQ(out.flows_per_s, 3e3);
  EXPECT_EQ(out.tcp_pps, 4e3);
  EXPECT_EQ(out.udp_pps, 5e3);
  EXPECT_EQ(out.icmp_pps, 600);
  EXPECT_EQ(out.gre_pps, 700);
  EXPECT_EQ(out.syn_pps, 800);
  EXPECT_EQ(out.fragment_pps, 900);
  EXPECT_EQ(VectorPps(out, Vector::kUdpFlood), 1e3);

  ASSERT_EQ(c.hostgroups.size(), 1u);
  const Hostgroup& dns = c.hostgroups[0];
  EXPECT_EQ(dns.policy.name, "dns-servers");
  EXPECT_EQ(dns.prefixes, (std::vector<Prefix>{P("198.51.100.53/32"), P("2001:db8::53/128")}));
  EXPECT_EQ(dns.policy.hold_s, 2);
  EXPECT_EQ(dns.policy.quiet_s, 30);
  EXPECT_TRUE(dns.policy.baseline);  // overrides the file's baseline.enabled: false
  EXPECT_EQ(dns.policy.incoming.pps, 300e3);
  EXPECT_EQ(VectorPps(dns.policy.incoming, Vector::kAmplification), 1e3);
  EXPECT_EQ(dns.policy.outgoing.bps, 50e6);
  // Everything else comes from the file's thresholds, not from DefaultConfig().
  EXPECT_EQ(dns.policy.incoming.bps, 1.5e9);
  EXPECT_EQ(dns.policy.incoming.fragment_pps, 8e3);
  EXPECT_EQ(VectorPps(dns.policy.incoming, Vector::kSynFlood), 12e3);
  EXPECT_EQ(dns.policy.outgoing.pps, 21e3);
  EXPECT_EQ(VectorPps(dns.policy.outgoing, Vector::kUdpFlood), 1e3);
}

TEST(ParseConfig, HostgroupInheritsTheFilesDefaultsWhenListedFirst) {
  const Config c = Valid(R"(hostgroups:
  - name: web
    prefixes: [198.51.100.16/28]
    incoming: {pps: 200k pps}
thresholds:
  incoming: {pps: 150k pps, bps: 3 Gbps, vectors: {http_flood: 2k pps}}
  outgoing: {syn: 1k pps}
detection:
  hold: 4s
  quiet: 20s
  baseline: {enabled: false}
)");
  ASSERT_EQ(c.hostgroups.size(), 1u);
  const Policy& web = c.hostgroups[0].policy;
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.incoming.pps, 200e3);
  EXPECT_EQ(web.incoming.bps, 3e9);
  EXPECT_EQ(VectorPps(web.incoming, Vector::kHttpFlood), 2e3);
  EXPECT_EQ(web.outgoing.syn_pps, 1e3);
  EXPECT_EQ(web.hold_s, 4);
  EXPECT_EQ(web.quiet_s, 20);
  EXPECT_FALSE(web.baseline);
  // The group's own value never leaks into the defaults.
  EXPECT_EQ(c.defaults.incoming.pps, 150e3);
}

TEST(ParseConfig, EmptyFileIsTheDefaults) {
  for (const char* text : {"", "\n", "# nothing configured yet\n", "---\n", "---\n...\n"}) {
    SCOPED_TRACE(text);
    ExpectDefaults(Valid(text));
  }
  // Sections present but empty are empty too.
  ExpectDefaults(Valid("networks:\nwhitelist:\ndetection:\nthresholds:\nhostgroups:\n"));
}

TEST(ParseConfig, RatesTakeMultipliersSpacesAndDecimals) {
  EXPECT_EQ(IncomingRate("pps", "100k pps"), 100e3);
  EXPECT_EQ(IncomingRate("pps", "100K pps"), 100e3);
  EXPECT_EQ(IncomingRate("pps", "100kpps"), 100e3);
  EXPECT_EQ(IncomingRate("pps", "1.5M pps"), 1.5e6);
  EXPECT_EQ(IncomingRate("pps", "2G pps"), 2e9);
  EXPECT_EQ(IncomingRate("pps", "10000 pps"), 10e3);
  EXPECT_EQ(IncomingRate("pps", "\"  250 pps  \""), 250);
  EXPECT_EQ(IncomingRate("pps", "0.5k pps"), 500);
  EXPECT_EQ(IncomingRate("pps", "0 pps"), 0);  // disables the threshold
  EXPECT_EQ(IncomingRate("bps", "1 Gbps"), 1e9);
  EXPECT_EQ(IncomingRate("bps", "1Gbps"), 1e9);
  EXPECT_EQ(IncomingRate("bps", "2.5 Gbps"), 2.5e9);
  EXPECT_EQ(IncomingRate("bps", "500 Mbps"), 500e6);
  EXPECT_EQ(IncomingRate("bps", "100 kbps"), 100e3);
  EXPECT_EQ(IncomingRate("bps", "100 Kbps"), 100e3);
  EXPECT_EQ(IncomingRate("bps", "64000 bps"), 64e3);
  EXPECT_EQ(IncomingRate("bps", "0 bps"), 0);
  EXPECT_EQ(IncomingRate("flows", "20k flows/s"), 20e3);
  EXPECT_EQ(IncomingRate("flows", "5k fps"), 5e3);
  EXPECT_EQ(IncomingRate("flows", "750 fps"), 750);
}

TEST(ParseConfig, DurationsTakeTheirUnit) {
  EXPECT_EQ(Hold("500ms"), 0.5);
  EXPECT_EQ(Hold("1s"), 1);
  EXPECT_EQ(Hold("1.5s"), 1.5);
  EXPECT_EQ(Hold("3 s"), 3);
  EXPECT_EQ(Hold("2m"), 120);
  EXPECT_EQ(Hold("1h"), 3600);
  EXPECT_EQ(Valid("detection: {baseline: {warmup: 90s}}").baseline_warmup_s, 90);
}

TEST(ParseConfig, BaselineTakesYamlBooleans) {
  EXPECT_FALSE(Valid("detection: {baseline: {enabled: no}}").defaults.baseline);
  EXPECT_FALSE(Valid("detection: {baseline: false}").defaults.baseline);
  EXPECT_TRUE(Valid("detection: {baseline: {enabled: True}}").defaults.baseline);
  const Config c = Valid("hostgroups: [{name: a, prefixes: [192.0.2.1], baseline: off}]");
  ASSERT_EQ(c.hostgroups.size(), 1u);
  EXPECT_FALSE(c.hostgroups[0].policy.baseline);
  EXPECT_TRUE(c.defaults.baseline);
}

TEST(ParseConfig, NestedHostgroupsInsideANetworkAreAccepted) {
  const Config c = Valid(R"(networks: [10.0.0.0/16]
hostgroups:
  - {name: racks, prefixes: [10.0.1.0/24]}
  - {name: resolver, prefixes: [10.0.1.53]}
  - {name: everything, prefixes: [10.0.0.0/8]}
)");
  ASSERT_EQ(c.hostgroups.size(), 3u);
  EXPECT_EQ(c.hostgroups[1].prefixes, (std::vector<Prefix>{P("10.0.1.53/32")}));
}

TEST(ParseConfigErrors, YamlSyntaxErrorHasYamlCppsMark) {
  const ConfigError e = OneError("networks: [198.51.100.0/24\ndetection:\n  hold: 1s\n");
  EXPECT_NE(e.message.find("YAML syntax error"), std::string::npos) << e.message;
  EXPECT_GE(e.line, 1);
  const ConfigError tab = OneError("detection:\n  hold: 1s\n quiet: 2s\n");
  EXPECT_EQ(tab.line, 3);
  EXPECT_NE(tab.message.find("YAML syntax error"), std::string::npos);
}

TEST(ParseConfigErrors, UnknownKeySuggestsTheClosest) {
  const ConfigError e = OneError("thresholds:\n  incoming:\n    pps: 1k pps\n    ppss: 2k pps\n");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "unknown key 'ppss' in thresholds.incoming (did you mean 'pps'?)");
  EXPECT_EQ(OneError("detection:\n  hlod: 1s\n").message,
            "unknown key 'hlod' in detection (did you mean 'hold'?)");
  EXPECT_EQ(OneError("Networks: []\n").message,
            "unknown key 'Networks' at the top level (did you mean 'networks'?)");
}

TEST(ParseConfigErrors, UnknownKeySaysWhereItBelongs) {
  const ConfigError misplaced = OneError("\nhold: 1s\n");
  EXPECT_EQ(misplaced.line, 2);
  EXPECT_EQ(misplaced.message,
            "unknown key 'hold' at the top level ('hold' goes in detection or a hostgroup)");
  const ConfigError vector = OneError("thresholds: {incoming: {syn_flood: 1k pps}}\n");
  EXPECT_NE(vector.message.find("goes in vectors"), std::string::npos) << vector.message;
  const ConfigError unknown = OneError("whitelist:\n  everyone: []\n");
  EXPECT_EQ(unknown.line, 2);
  EXPECT_EQ(unknown.message, "unknown key 'everyone' in whitelist (known keys: local, remote)");
}

TEST(ParseConfigErrors, BadPrefix) {
  const ConfigError e = OneError("networks:\n  - 198.51.100.0/24\n  - 10.0.0.0/33\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 5);
  EXPECT_EQ(e.message, "'10.0.0.0/33' is not a valid prefix");
  EXPECT_EQ(OneError("whitelist: {remote: [example.com]}").message,
            "'example.com' is not a valid prefix");
  EXPECT_EQ(OneError("whitelist:\n  local: [\"2001:db8::/129\"]\n").line, 2);
}

TEST(ParseConfigErrors, ThresholdWithoutUnit) {
  const ConfigError e = OneError("thresholds:\n  incoming:\n    pps: 100000\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 10);
  EXPECT_EQ(e.message, "threshold 'pps' needs a unit, e.g. '100k pps'");
  EXPECT_EQ(OneError("thresholds: {outgoing: {bps: 5G}}").message,
            "threshold 'bps' needs a unit, e.g. '1 Gbps'");
  // 0 needs a unit too: the unit says which kind of rate is switched off.
  EXPECT_EQ(OneError("thresholds: {incoming: {syn: 0}}").message,
            "threshold 'syn' needs a unit, e.g. '100k pps'");
}

TEST(ParseConfigErrors, WrongUnit) {
  const ConfigError e = OneError("thresholds:\n  incoming:\n    bps: 100k pps\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.message, "'bps' takes a bit rate (bps, kbps, Mbps, Gbps), not 'pps'");
  EXPECT_EQ(OneError("thresholds: {incoming: {pps: 1 Gbps}}").message,
            "'pps' takes a packet rate (pps), not 'bps'");
  EXPECT_EQ(OneError("thresholds: {incoming: {flows: 1k pps}}").message,
            "'flows' takes a flow rate (flows/s, fps), not 'pps'");
  EXPECT_EQ(OneError("thresholds: {incoming: {vectors: {syn_flood: 1 Mbps}}}").message,
            "'syn_flood' takes a packet rate (pps), not 'bps'");
  EXPECT_EQ(OneError("thresholds: {incoming: {bps: 1 Tbps}}").message,
            "'bps' takes a bit rate (bps, kbps, Mbps, Gbps), not 'Tbps'");
  EXPECT_EQ(OneError("detection:\n  quiet: 10 sec\n").message,
            "'quiet' takes a duration (ms, s, m, h), not 'sec'");
}

TEST(ParseConfigErrors, NegativeAndNonNumericValues) {
  const ConfigError negative = OneError("thresholds:\n  incoming:\n    udp: -5k pps\n");
  EXPECT_EQ(negative.line, 3);
  EXPECT_EQ(negative.message, "'udp' must not be negative ('-5k pps')");
  EXPECT_EQ(OneError("thresholds: {incoming: {pps: lots}}").message,
            "'lots' is not a rate; 'pps' takes a number and a unit, e.g. '100k pps'");
  EXPECT_EQ(OneError("thresholds: {incoming: {pps: 1.2.3 pps}}").line, 1);
  EXPECT_EQ(OneError("thresholds: {incoming: {pps: inf pps}}").line, 1);
  EXPECT_EQ(OneError("detection: {hold: -1s}").message, "'hold' must not be negative ('-1s')");
  EXPECT_EQ(OneError("detection: {baseline: {alpha: abc}}").message,
            "'alpha' takes a number, not 'abc'");
  EXPECT_EQ(OneError("detection: {baseline: {alpha: 1.5}}").message,
            "'alpha' must be greater than 0 and at most 1, not '1.5'");
  EXPECT_EQ(OneError("detection: {baseline: {sigmas: 0}}").message,
            "'sigmas' must be greater than 0, not '0'");
  EXPECT_EQ(OneError("detection: {baseline: {enabled: maybe}}").message,
            "'enabled' takes true or false, not 'maybe'");
  EXPECT_EQ(OneError("detection: {hold: 2d}").line, 1);
  EXPECT_EQ(OneError("detection: {quiet: 48h}").message, "'quiet' must be at most 24h, not '48h'");
}

TEST(ParseConfigErrors, DurationWithoutUnit) {
  const ConfigError e = OneError("detection:\n  hold: 1\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 9);
  EXPECT_EQ(e.message, "duration 'hold' needs a unit, e.g. '1s' or '500ms'");
}

TEST(ParseConfigErrors, MissingValueIsReportedAtItsKey) {
  const ConfigError e = OneError("detection:\n  hold:\n  quiet: 5s\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 3);
  EXPECT_EQ(e.message, "'hold' has no value; it takes a duration like '1s' or '500ms'");
}

TEST(ParseConfigErrors, UnknownVectorListsTheValidOnes) {
  const ConfigError e = OneError(
      "thresholds:\n  incoming:\n    vectors:\n      syn_flood: 1k pps\n      "
      "syn_flod: 1k pps\n");
  EXPECT_EQ(e.line, 5);
  EXPECT_EQ(e.column, 7);
  EXPECT_EQ(e.message.rfind("unknown vector 'syn_flod' in thresholds.incoming.vectors (did you "
                            "mean 'syn_flood'?); vectors: ",
                            0),
            0u)
      << e.message;
  for (size_t i = 0; i < kVectorCount; ++i) {
    const std::string name(VectorName(static_cast<Vector>(i)));
    EXPECT_NE(e.message.find(name), std::string::npos) << name;
  }
  EXPECT_NE(
      OneError("thresholds: {outgoing: {vectors: {carpet: 1 pps}}}").message.find("ack_flood"),
      std::string::npos);
}

TEST(ParseConfigErrors, HostgroupWithoutNameOrPrefixes) {
  const ConfigError no_name = OneError("hostgroups:\n  - prefixes: [192.0.2.0/24]\n");
  EXPECT_EQ(no_name.line, 2);
  EXPECT_EQ(no_name.message, "hostgroups[0] has no 'name'");
  const ConfigError no_prefixes = OneError(
      "hostgroups:\n  - name: a\n    prefixes: [192.0.2.0/24]\n  - name: b\n    hold: 1s\n");
  EXPECT_EQ(no_prefixes.line, 4);
  EXPECT_EQ(no_prefixes.message, "hostgroup 'b' has no prefixes");
  const ConfigError empty = OneError("hostgroups:\n  - name: c\n    prefixes: []\n");
  EXPECT_EQ(empty.line, 3);
  EXPECT_EQ(empty.message, "hostgroup 'c' has no prefixes");
  EXPECT_EQ(OneError("hostgroups: [{name: default, prefixes: [192.0.2.1]}]").message,
            "'default' names the defaults policy; choose another hostgroup name");
}

TEST(ParseConfigErrors, DuplicateHostgroupNames) {
  const ConfigError e = OneError(R"(hostgroups:
  - name: web
    prefixes: [192.0.2.0/28]
  - name: web
    prefixes: [192.0.2.16/28]
)");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.column, 11);
  EXPECT_EQ(e.message, "duplicate hostgroup name 'web' (first at line 2)");
}

TEST(ParseConfigErrors, OnePrefixInTwoHostgroups) {
  const ConfigError e = OneError(R"(hostgroups:
  - {name: a, prefixes: [192.0.2.0/24]}
  - {name: b, prefixes: [192.0.2.0/24]}
)");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.message, "192.0.2.0/24 is already in hostgroup 'a' (line 2)");
}

TEST(ParseConfigErrors, HostgroupOutsideTheNetworks) {
  const ConfigError e = OneError(R"(networks: [198.51.100.0/24]
hostgroups:
  - {name: lost, prefixes: [203.0.113.0/24]}
)");
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(e.message.find("outside every protected network"), std::string::npos) << e.message;
}

TEST(ParseConfigErrors, PrefixLengthOutOfRange) {
  const ConfigError v4 = OneError("detection:\n  prefix_length:\n    ipv4: 33\n");
  EXPECT_EQ(v4.line, 3);
  EXPECT_EQ(v4.message, "'ipv4' prefix length must be a whole number from 1 to 32, not '33'");
  EXPECT_EQ(OneError("detection: {prefix_length: {ipv6: 129}}").message,
            "'ipv6' prefix length must be a whole number from 1 to 128, not '129'");
  EXPECT_EQ(OneError("detection: {prefix_length: {ipv4: 0}}").line, 1);
  EXPECT_EQ(OneError("detection: {prefix_length: {ipv4: 24.5}}").line, 1);
  const Config ok = Valid("detection: {prefix_length: {ipv4: 32, ipv6: 128}}");
  EXPECT_EQ(ok.prefix_length_v4, 32);
  EXPECT_EQ(ok.prefix_length_v6, 128);
}

TEST(ParseConfigErrors, WrongNodeType) {
  const ConfigError map_for_list = OneError("networks:\n  inside: 198.51.100.0/24\n");
  EXPECT_EQ(map_for_list.line, 2);
  EXPECT_EQ(map_for_list.message,
            "'networks' takes a list of prefixes, e.g. [198.51.100.0/24], not a map");
  EXPECT_EQ(OneError("networks: 198.51.100.0/24").message,
            "'networks' takes a list of prefixes, e.g. [198.51.100.0/24], not '198.51.100.0/24'");
  EXPECT_EQ(OneError("thresholds:\n  incoming: [1k pps]\n").message,
            "'incoming' takes a map (pps, bps, flows, tcp, udp, icmp, gre, syn, fragments, "
            "vectors), not a list");
  EXPECT_EQ(OneError("thresholds: {incoming: {pps: [1k pps]}}").message,
            "'pps' takes a packet rate like '100k pps', not a list");
  EXPECT_EQ(OneError("hostgroups: {name: web}").message.rfind("'hostgroups' takes a list", 0), 0u);
  EXPECT_EQ(OneError("hostgroups: [web]").message.rfind("each entry of 'hostgroups' is a map", 0),
            0u);
  EXPECT_EQ(
      OneError("thresholds: {incoming: {vectors: [syn_flood]}}").message,
      "'vectors' takes a map of vector names to rates, e.g. {syn_flood: 10k pps}, not a list");
  EXPECT_EQ(OneError("networks: [{a: b}]").message,
            "each entry of 'networks' is a prefix like '198.51.100.0/24', not a map");
  EXPECT_EQ(OneError("- networks").message.rfind("a configuration is a map of sections", 0), 0u);
  EXPECT_EQ(OneError("just words").line, 1);
}

TEST(ParseConfigErrors, RepeatedKeyAndSecondDocument) {
  const ConfigError twice = OneError("detection:\n  hold: 1s\n  hold: 2s\n");
  EXPECT_EQ(twice.line, 3);
  EXPECT_EQ(twice.message, "'hold' appears twice in detection (first at line 2)");
  const ConfigError second = OneError("networks: []\n---\nnetworks: []\n");
  EXPECT_EQ(second.line, 2);  // the '---' that starts it
}

TEST(ParseConfigErrors, LeadingCommaIsAnErrorNotAHang) {
  // yaml-cpp 0.7's LoadAll loops forever, allocating, on these (found by fuzz/config_parser).
  for (const char* text : {",", ", x\nk: v\n", "# comment\n\n, [ ]\n"}) {
    const ConfigError error = OneError(text);
    EXPECT_EQ(error.message, "YAML syntax error: nothing can start with ','") << text;
  }
  EXPECT_EQ(OneError("# comment\n\n, [ ]\n").line, 3);
}

TEST(ParseConfigErrors, SeveralErrorsAreReportedTogetherInFileOrder) {
  // Hostgroups are checked last, thresholds before them; the report is still in line order.
  const Parsed parsed = Parse(R"(hostgroups:
  - name: a
    prefixes: [192.0.2.0/33]
networks: [198.51.100.0/24, nonsense]
thresholds:
  incoming: {pps: 5, bps: 1 pps}
detection:
  quiet: 5
)");
  EXPECT_FALSE(parsed.config.has_value());
  EXPECT_EQ(Lines(parsed.errors), (std::vector<int>{3, 4, 6, 6, 8}));
  ASSERT_EQ(parsed.errors.size(), 5u);
  EXPECT_LT(parsed.errors[2].column, parsed.errors[3].column);
}

TEST(ParseConfigErrors, ErrorsAreAppended) {
  std::vector<ConfigError> errors{{0, 0, "earlier"}};
  EXPECT_FALSE(ParseConfig("hold: 1s\nquiet: 1s\n", &errors).has_value());
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].message, "earlier");
  // And a valid text after earlier errors still parses.
  EXPECT_TRUE(ParseConfig("networks: []", &errors).has_value());
}

TEST(ParseConfigErrors, NeverThrows) {
  const std::string deep_list(100'000, '[');
  std::string deep_map;
  for (int i = 0; i < 100'000; ++i) {
    deep_map += "{a: ";
  }
  for (const std::string& text :
       {std::string("{{"), std::string("*undefined_alias"), std::string("a: &x [1]\nb: *x\n"),
        std::string("\t- tab"), std::string("\xff\xfe\x00garbage", 10), std::string("!!binary 42"),
        std::string("? [complex, key]\n: value\n"), deep_list, deep_map}) {
    std::vector<ConfigError> errors;
    std::optional<Config> config;
    EXPECT_NO_THROW(config = ParseConfig(text, &errors));
    EXPECT_FALSE(config.has_value()) << text.substr(0, 40);
    EXPECT_FALSE(errors.empty());
  }
}

TEST(LoadConfig, ExampleFileIsValid) {
  std::vector<ConfigError> errors;
  const auto c = LoadConfig(kDataDir + "example.yaml", &errors);
  for (const ConfigError& e : errors) {
    ADD_FAILURE() << e.ToString();
  }
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->networks, (std::vector<Prefix>{P("198.51.100.0/24"), P("2001:db8::/32")}));
  ASSERT_EQ(c->hostgroups.size(), 2u);
  EXPECT_EQ(c->hostgroups[0].policy.name, "dns-servers");
  EXPECT_EQ(c->hostgroups[0].prefixes.front(), P("198.51.100.53/32"));
  EXPECT_EQ(c->hostgroups[1].policy.name, "web-servers");
  EXPECT_EQ(c->hostgroups[1].prefixes.front().length, 28);
  // The /32 lies inside the /28: both kept, the detector picks the longer.
  EXPECT_TRUE(
      c->hostgroups[1].prefixes.front().Contains(c->hostgroups[0].prefixes.front().address));
  EXPECT_EQ(c->hostgroups[0].policy.incoming.pps, 300e3);
  EXPECT_EQ(c->hostgroups[0].policy.incoming.flows_per_s, c->defaults.incoming.flows_per_s);
}

TEST(LoadConfig, BadFileReportsEveryError) {
  std::vector<ConfigError> errors;
  EXPECT_FALSE(LoadConfig(kDataDir + "bad.yaml", &errors).has_value());
  EXPECT_EQ(Lines(errors), (std::vector<int>{2, 4, 5, 8, 9, 10, 11, 15, 17}));
  for (const ConfigError& e : errors) {
    EXPECT_GT(e.column, 0) << e.ToString();
  }
}

TEST(LoadConfig, MissingFileIsOneErrorWithoutALine) {
  std::vector<ConfigError> errors;
  EXPECT_FALSE(LoadConfig(kDataDir + "no-such-file.yaml", &errors).has_value());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 0);
  EXPECT_EQ(errors[0].message, std::strerror(ENOENT));
  errors.clear();
  EXPECT_FALSE(LoadConfig(kDataDir, &errors).has_value());  // a directory
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].line, 0);
}

}  // namespace
}  // namespace rampart
