#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace rampart {
namespace {

std::vector<ConfigError> Errors(const std::string& yaml) {
  std::vector<ConfigError> errors;
  EXPECT_FALSE(ParseConfig(yaml, &errors).has_value()) << yaml;
  return errors;
}

TEST(ConfigSensor, DefaultsWithoutSections) {
  std::vector<ConfigError> errors;
  const auto config = ParseConfig("networks: [10.0.0.0/8]\n", &errors);
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->sensor.interfaces.empty());
  EXPECT_EQ(config->sensor.method, CaptureMethod::kAfPacket);
  EXPECT_EQ(config->sensor.workers, 1u);
  EXPECT_EQ(config->outputs.stats_interval_s, 60);
  EXPECT_EQ(config->outputs.webhook_retries, 3u);
}

TEST(ConfigSensor, EveryKey) {
  std::vector<ConfigError> errors;
  const auto config = ParseConfig(R"(
sensor:
  interfaces: [eth0, ens1f0]
  capture: pcap
  workers: 4
  ring_mib: 256
  snaplen: 512
  promiscuous: false
  flow_listen: ["0.0.0.0:2055", "[::]:6343", "127.0.0.1:4739"]
  flow_socket_buffer_mib: 64
  pid_file: /run/rampart/rampart.pid
  user: rampart
  log_file: /var/log/rampart/rampart.log
  log_level: debug
outputs:
  eve: /var/log/rampart/eve.json
  stats_interval: 30s
  attack_update_interval: 5s
  history: /var/lib/rampart/history.db
  notify_script: /usr/local/bin/notify.sh
  notify_timeout: 20s
  webhook: {url: "https://hooks.example.net/rampart", timeout: 2s, retries: 5}
)",
                                  &errors);
  ASSERT_TRUE(config) << (errors.empty() ? "" : errors[0].ToString());
  const SensorSettings& s = config->sensor;
  EXPECT_EQ(s.interfaces, (std::vector<std::string>{"eth0", "ens1f0"}));
  EXPECT_EQ(s.method, CaptureMethod::kPcap);
  EXPECT_EQ(s.workers, 4u);
  EXPECT_EQ(s.ring_mib, 256u);
  EXPECT_EQ(s.snaplen, 512u);
  EXPECT_FALSE(s.promiscuous);
  ASSERT_EQ(s.flow_listen.size(), 3u);
  EXPECT_EQ(s.flow_listen[1].address, "::");
  EXPECT_EQ(s.flow_listen[1].port, 6343);
  EXPECT_EQ(s.flow_listen[2].address, "127.0.0.1");
  EXPECT_EQ(s.flow_socket_buffer_mib, 64u);
  EXPECT_EQ(s.pid_file, "/run/rampart/rampart.pid");
  EXPECT_EQ(s.user, "rampart");
  EXPECT_EQ(s.log_level, "debug");
  const OutputSettings& o = config->outputs;
  EXPECT_EQ(o.eve, "/var/log/rampart/eve.json");
  EXPECT_EQ(o.stats_interval_s, 30);
  EXPECT_EQ(o.attack_update_interval_s, 5);
  EXPECT_EQ(o.history, "/var/lib/rampart/history.db");
  EXPECT_EQ(o.notify_timeout_s, 20);
  EXPECT_EQ(o.webhook_url, "https://hooks.example.net/rampart");
  EXPECT_EQ(o.webhook_timeout_s, 2);
  EXPECT_EQ(o.webhook_retries, 5u);
}

TEST(ConfigSensor, BadValuesAreErrorsWithLines) {
  const auto errors = Errors(R"(sensor:
  workers: 0
  capture: dpdk
  flow_listen: ["2055", "[::]:0", "host:99999"]
  interfaces: ["a/b"]
  log_level: chatty
outputs:
  stats_interval: 10ms
  webhook: {url: "ftp://x"}
)");
  ASSERT_EQ(errors.size(), 9u);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_NE(errors[0].message.find("whole number from 1 to 64"), std::string::npos);
  EXPECT_NE(errors[1].message.find("af_packet or pcap"), std::string::npos);
  EXPECT_NE(errors[2].message.find("'2055'"), std::string::npos);
  EXPECT_NE(errors[5].message.find("not an interface name"), std::string::npos);
  EXPECT_NE(errors[6].message.find("log_level"), std::string::npos);
  EXPECT_NE(errors[7].message.find("at least 1s"), std::string::npos);
  EXPECT_EQ(errors[8].line, 9);
  EXPECT_NE(errors[8].message.find("http:// or https://"), std::string::npos);
}

TEST(ConfigSensor, MisplacedKeyPointsToItsSection) {
  const auto errors = Errors("outputs:\n  interfaces: [eth0]\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("sensor"), std::string::npos) << errors[0].message;
}

}  // namespace
}  // namespace rampart
