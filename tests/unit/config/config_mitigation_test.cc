#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace rampart {
namespace {

TEST(ConfigMitigation, OffWithoutSectionDryRunByDefault) {
  std::vector<ConfigError> errors;
  auto config = ParseConfig("networks: [10.0.0.0/8]\n", &errors);
  ASSERT_TRUE(config);
  EXPECT_FALSE(config->mitigation.enabled);
  config = ParseConfig("mitigation: {}\n", &errors);
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->mitigation.enabled);
  EXPECT_TRUE(config->mitigation.dry_run);
  EXPECT_EQ(config->mitigation.communities, (std::vector<std::string>{"65535:666"}));
}

TEST(ConfigMitigation, EveryKey) {
  std::vector<ConfigError> errors;
  const auto config = ParseConfig(R"(
hostgroups:
  - {name: customers, prefixes: [198.51.100.0/24]}
mitigation:
  dry_run: false
  ban_time: 30m
  unban_quiet: 5m
  max_bans: 20
  whitelist: [192.0.2.0/24]
  blackhole: {communities: ["65535:666", "65000:99"], next_hop: 203.0.113.1, next_hop_v6: "2001:db8::1"}
  flowspec: {action: rate-limit, rate: 10 Mbps, min_coverage: 0.7}
  rules:
    - {hostgroup: customers, vectors: [amplification], actions: [flowspec, nft_drop]}
    - {hostgroup: devices, actions: [nft_quarantine]}
  control_socket: /run/r.sock
  gobgp: {api: "127.0.0.1:50051", timeout: 3s}
  exabgp: {pipe: /run/exabgp.cmd}
  bird: {include_file: /etc/bird/r.conf, birdc: /usr/sbin/birdc, socket: /run/bird.ctl, protocol: rp}
  nftables: {enabled: true, table: rt, netns: test}
)",
                                  &errors);
  ASSERT_TRUE(config) << (errors.empty() ? "" : errors[0].ToString());
  const MitigationSettings& m = config->mitigation;
  EXPECT_FALSE(m.dry_run);
  EXPECT_EQ(m.ban_time_s, 1800);
  EXPECT_EQ(m.unban_quiet_s, 300);
  EXPECT_EQ(m.max_bans, 20u);
  ASSERT_EQ(m.whitelist.size(), 1u);
  EXPECT_EQ(m.communities.size(), 2u);
  EXPECT_EQ(m.next_hop, "203.0.113.1");
  EXPECT_EQ(m.next_hop_v6, "2001:db8::1");
  EXPECT_TRUE(m.flowspec_rate_limit);
  EXPECT_EQ(m.flowspec_rate_bps, 10e6);
  EXPECT_EQ(m.flowspec_min_coverage, 0.7);
  ASSERT_EQ(m.rules.size(), 2u);
  EXPECT_EQ(m.rules[0].hostgroup, "customers");
  EXPECT_EQ(m.rules[0].actions, (std::vector<std::string>{"flowspec", "nft_drop"}));
  EXPECT_EQ(m.gobgp.api, "127.0.0.1:50051");
  EXPECT_EQ(m.gobgp.timeout_s, 3);
  EXPECT_EQ(m.exabgp.pipe, "/run/exabgp.cmd");
  EXPECT_EQ(m.bird.protocol, "rp");
  EXPECT_TRUE(m.nftables.enabled);
  EXPECT_EQ(m.nftables.netns, "test");
}

TEST(ConfigMitigation, Errors) {
  std::vector<ConfigError> errors;
  EXPECT_FALSE(ParseConfig(R"(mitigation:
  blackhole: {communities: ["65535:666666", "x"], next_hop: "2001:db8::1"}
  flowspec: {action: rate-limit}
  rules:
    - {hostgroup: nosuch, vectors: [syn_flod], actions: [blackhole, nuke]}
    - {hostgroup: default}
)",
                           &errors));
  std::string all;
  for (const ConfigError& e : errors) {
    all += e.ToString() + "\n";
  }
  EXPECT_NE(all.find("'65535:666666' is not a community"), std::string::npos) << all;
  EXPECT_NE(all.find("'x' is not a community"), std::string::npos) << all;
  EXPECT_NE(all.find("not an IPv4 address"), std::string::npos) << all;
  EXPECT_NE(all.find("needs a 'rate'"), std::string::npos) << all;
  EXPECT_NE(all.find("'syn_flod' is not a vector"), std::string::npos) << all;
  EXPECT_NE(all.find("'nuke' is not an action"), std::string::npos) << all;
  EXPECT_NE(all.find("needs 'actions'"), std::string::npos) << all;
  EXPECT_NE(all.find("'nosuch': no such hostgroup"), std::string::npos) << all;
}

}  // namespace
}  // namespace rampart
