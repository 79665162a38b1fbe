// The `iot` section of the configuration.
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

TEST(ConfigIot, DefaultsWithoutSection) {
  const Config config = DefaultConfig();
  EXPECT_TRUE(config.iot.enabled);
  EXPECT_EQ(config.iot.scan_min_targets, 25u);
  EXPECT_EQ(config.iot.scan_min_ports, 15u);
  EXPECT_EQ(config.iot.telnet_ports, (std::vector<uint16_t>{23, 2323}));
  EXPECT_TRUE(config.iot.local_resolvers.empty());
}

TEST(ConfigIot, EveryKey) {
  std::vector<ConfigError> errors;
  const auto config = ParseConfig(R"(
iot:
  enabled: false
  scans: {min_targets: 30, min_ports: 20, window: 2m, mirai_min_probes: 1,
          ping_sweep_min_targets: 50}
  brute_force: {min_failures: 3, min_sessions: 10, window: 10m}
  ports: {telnet: [23, 2323, 9000], ftp: [21, 2121], http: [80], pop3: [], imap: [143],
          encrypted: [22]}
  sessions: {max: 1000, bytes: 2048}
  default_credentials:
    - {user: admin, password: "with space "}
    - {user: root, password: ""}
  default_credentials_file: /etc/rampart/defaults.yaml
  local_resolvers: [192.168.1.2, 2001:db8::53]
)",
                                  &errors);
  ASSERT_TRUE(config.has_value()) << (errors.empty() ? "" : errors[0].ToString());
  const IotSettings& iot = config->iot;
  EXPECT_FALSE(iot.enabled);
  EXPECT_EQ(iot.scan_min_targets, 30u);
  EXPECT_EQ(iot.scan_min_ports, 20u);
  EXPECT_DOUBLE_EQ(iot.scan_window_s, 120);
  EXPECT_EQ(iot.mirai_min_probes, 1u);
  EXPECT_EQ(iot.ping_sweep_min_targets, 50u);
  EXPECT_EQ(iot.brute_force_min_failures, 3u);
  EXPECT_EQ(iot.brute_force_min_sessions, 10u);
  EXPECT_DOUBLE_EQ(iot.brute_force_window_s, 600);
  EXPECT_EQ(iot.telnet_ports, (std::vector<uint16_t>{23, 2323, 9000}));
  EXPECT_EQ(iot.ftp_ports, (std::vector<uint16_t>{21, 2121}));
  EXPECT_TRUE(iot.pop3_ports.empty());
  EXPECT_EQ(iot.encrypted_login_ports, (std::vector<uint16_t>{22}));
  EXPECT_EQ(iot.max_sessions, 1000u);
  EXPECT_EQ(iot.session_bytes, 2048u);
  ASSERT_EQ(iot.default_credentials.size(), 2u);
  EXPECT_EQ(iot.default_credentials[0].password, "with space ");
  EXPECT_EQ(iot.default_credentials[1].password, "");
  EXPECT_EQ(iot.default_credentials_file, "/etc/rampart/defaults.yaml");
  EXPECT_EQ(iot.local_resolvers.size(), 2u);
}

TEST(ConfigIot, ErrorsHaveLinesAndSuggestions) {
  const auto errors = Errors(R"(iot:
  scans: {min_targets: 2.5}
  ports: {telnet: [23, 70000], smtp: [25]}
  sessions: {max: 1}
  default_credentials:
    - {user: admin}
    - {usr: x, password: y}
  sesions: {}
)");
  ASSERT_EQ(errors.size(), 8u);
  EXPECT_EQ(errors[0].line, 2);
  EXPECT_NE(errors[0].message.find("whole number"), std::string::npos);
  EXPECT_NE(errors[1].message.find("'telnet[1]'"), std::string::npos) << errors[1].message;
  EXPECT_NE(errors[2].message.find("unknown key 'smtp'"), std::string::npos);
  EXPECT_EQ(errors[3].line, 4);
  EXPECT_NE(errors[4].message.find("needs a non-empty 'user' and a 'password'"), std::string::npos);
  EXPECT_NE(errors[5].message.find("default_credentials[1] needs"), std::string::npos);
  EXPECT_NE(errors[6].message.find("did you mean 'user'"), std::string::npos);
  EXPECT_NE(errors[7].message.find("did you mean 'sessions'"), std::string::npos);
}

TEST(ConfigIot, MisplacedKeyPointsToItsSection) {
  const auto errors = Errors("iot:\n  min_failures: 3\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].message.find("iot.brute_force"), std::string::npos) << errors[0].message;
}

}  // namespace
}  // namespace rampart
