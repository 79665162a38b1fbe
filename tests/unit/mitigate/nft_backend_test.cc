// The nftables backend: the scripts it builds, and the real thing in two network namespaces
// joined by a veth pair (needs root, as CI has; skipped otherwise). Nothing touches the host's
// own ruleset: every backend here runs inside a namespace this test created.
#include "mitigate/nft_backend.h"
#include "backend_test_support.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace rampart::mitigate {
namespace {

using backend_test::Shell;
using backend_test::WaitFor;

//! Runs a shell command; its exit status, with stdout and stderr in `*output` when given.

Announcement Addresses(ActionKind kind, const std::vector<std::string>& texts) {
  Announcement a;
  a.key = "ban-1-" + std::string(ActionName(kind));
  a.kind = kind;
  for (const std::string& text : texts) {
    a.addresses.push_back(*IpAddress::Parse(text));
  }
  return a;
}

TEST(NftBackendText, SetupCreatesTableSetsAndChain) {
  const std::string setup = NftSetupCommands("rampart");
  EXPECT_NE(setup.find("table inet rampart {"), std::string::npos);
  for (const char* set : {"drop4", "quarantine4"}) {
    EXPECT_NE(setup.find(fmt::format("set {} {{ type ipv4_addr; flags timeout; }}", set)),
              std::string::npos);
  }
  for (const char* set : {"drop6", "quarantine6"}) {
    EXPECT_NE(setup.find(fmt::format("set {} {{ type ipv6_addr; flags timeout; }}", set)),
              std::string::npos);
  }
  EXPECT_NE(setup.find("type filter hook prerouting priority -300"), std::string::npos);
  EXPECT_NE(setup.find("flush chain inet rampart prerouting"), std::string::npos);
  EXPECT_NE(setup.find("ip6 saddr @quarantine6 counter drop"), std::string::npos);
}

TEST(NftBackendText, ElementsSplitByFamily) {
  std::string error;
  const Announcement a = Addresses(ActionKind::kNftDrop, {"192.0.2.7", "2001:db8::7", "192.0.2.8"});
  EXPECT_EQ(NftElementCommands("rampart", a, true, &error),
            "add element inet rampart drop4 { 192.0.2.7, 192.0.2.8 }\n"
            "add element inet rampart drop6 { 2001:db8::7 }\n");
  const Announcement q = Addresses(ActionKind::kNftQuarantine, {"10.0.0.5"});
  // Withdraw adds first, so that the delete never meets an absent element.
  EXPECT_EQ(NftElementCommands("rampart", q, false, &error),
            "add element inet rampart quarantine4 { 10.0.0.5 }\n"
            "delete element inet rampart quarantine4 { 10.0.0.5 }\n");
}

TEST(NftBackendText, RejectsWhatItCannotDo) {
  std::string error;
  Announcement blackhole = Addresses(ActionKind::kBlackhole, {"192.0.2.7"});
  EXPECT_EQ(NftElementCommands("rampart", blackhole, true, &error), "");
  EXPECT_NE(error.find("cannot do blackhole"), std::string::npos) << error;
  const Announcement drop = Addresses(ActionKind::kNftDrop, {"192.0.2.7"});
  EXPECT_EQ(NftElementCommands("ram part; flush ruleset", drop, true, &error), "");
  EXPECT_NE(error.find("invalid table name"), std::string::npos) << error;

  const std::unique_ptr<Backend> backend = MakeNftBackend(NftSettings{});
  EXPECT_EQ(backend->name(), "nftables");
  EXPECT_TRUE(backend->Supports(ActionKind::kNftDrop));
  EXPECT_TRUE(backend->Supports(ActionKind::kNftQuarantine));
  EXPECT_FALSE(backend->Supports(ActionKind::kBlackhole));
  EXPECT_FALSE(backend->Announce(blackhole, &error));
  Announcement empty = Addresses(ActionKind::kNftDrop, {});
  EXPECT_FALSE(backend->Announce(empty, &error));
  EXPECT_TRUE(backend->Withdraw(empty, &error)) << error;  // nothing to withdraw: done
}

//! Namespaces A and B joined by a veth pair: A has .1 and .3, B has .2 and .4 of 10.231.X.0/24.
class NftNamespaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) {
      GTEST_SKIP() << "needs root (network namespaces, nftables)";
    }
    if (Shell("command -v ip && command -v ping && command -v nft") != 0) {
      GTEST_SKIP() << "needs ip, ping and nft";
    }
    const int pid = getpid();
    ns_a_ = fmt::format("rnft{}a", pid);
    ns_b_ = fmt::format("rnft{}b", pid);
    net_ = fmt::format("10.231.{}", pid % 250);
    const std::string veth_a = fmt::format("vnft{}a", pid);
    const std::string veth_b = fmt::format("vnft{}b", pid);
    created_ = true;
    const std::vector<std::string> commands = {
        fmt::format("ip netns add {}", ns_a_),
        fmt::format("ip netns add {}", ns_b_),
        fmt::format("ip link add {} type veth peer name {}", veth_a, veth_b),
        fmt::format("ip link set {} netns {}", veth_a, ns_a_),
        fmt::format("ip link set {} netns {}", veth_b, ns_b_),
        fmt::format("ip -n {} addr add {}.1/24 dev {}", ns_a_, net_, veth_a),
        fmt::format("ip -n {} addr add {}.3/24 dev {}", ns_a_, net_, veth_a),
        fmt::format("ip -n {} addr add {}.2/24 dev {}", ns_b_, net_, veth_b),
        fmt::format("ip -n {} addr add {}.4/24 dev {}", ns_b_, net_, veth_b),
        fmt::format("ip -n {} link set {} up", ns_a_, veth_a),
        fmt::format("ip -n {} link set {} up", ns_b_, veth_b),
        fmt::format("ip -n {} link set lo up", ns_a_),
        fmt::format("ip -n {} link set lo up", ns_b_),
    };
    for (const std::string& command : commands) {
      std::string output;
      ASSERT_EQ(Shell(command, &output), 0) << command << ": " << output;
    }
  }

  void TearDown() override {
    // Always, whatever failed: deleting a namespace takes its veth end (and the pair) along.
    if (created_) {
      Shell(fmt::format("ip netns del {}", ns_a_));
      Shell(fmt::format("ip netns del {}", ns_b_));
    }
  }

  //! Pings `to` from namespace `ns` with source address `from`: true when any reply came back.
  bool Ping(const std::string& ns, const std::string& from, const std::string& to) {
    return Shell(fmt::format("ip netns exec {} ping -n -q -c 2 -i 0.2 -W 1 -I {} {}", ns, from,
                             to)) == 0;
  }

  //! Whether `nft -j list set inet rampart <set>` in `ns` lists `address`.
  bool Listed(const std::string& ns, const std::string& set, const std::string& address) {
    std::string output;
    const int rc =
        Shell(fmt::format("ip netns exec {} nft -j list set inet rampart {}", ns, set), &output);
    EXPECT_EQ(rc, 0) << output;
    return output.find('"' + address + '"') != std::string::npos;
  }

  NftSettings Settings(const std::string& ns) const {
    NftSettings settings;
    settings.enabled = true;
    settings.netns = ns;
    return settings;
  }

  std::string ns_a_;
  std::string ns_b_;
  std::string net_;  // "10.231.X"
  bool created_ = false;
};

TEST_F(NftNamespaceTest, DropStopsOnlyTheListedSource) {
  const std::string a1 = net_ + ".1";
  const std::string a3 = net_ + ".3";
  const std::string b2 = net_ + ".2";
  ASSERT_TRUE(Ping(ns_a_, a1, b2));
  ASSERT_TRUE(Ping(ns_a_, a3, b2));

  const std::unique_ptr<Backend> backend = MakeNftBackend(Settings(ns_b_));
  const Announcement drop = Addresses(ActionKind::kNftDrop, {a1});
  std::string error;
  ASSERT_TRUE(backend->Announce(drop, &error)) << error;
  EXPECT_TRUE(Listed(ns_b_, "drop4", a1));
  EXPECT_FALSE(Ping(ns_a_, a1, b2));
  EXPECT_TRUE(Ping(ns_a_, a3, b2));
  EXPECT_TRUE(backend->Announce(drop, &error)) << error;  // already there: fine

  ASSERT_TRUE(backend->Withdraw(drop, &error)) << error;
  EXPECT_FALSE(Listed(ns_b_, "drop4", a1));
  EXPECT_TRUE(Ping(ns_a_, a1, b2));
  EXPECT_TRUE(backend->Withdraw(drop, &error)) << error;  // already gone: fine

  // Our own namespace never got a table: the backend worked in B only.
  std::string output;
  EXPECT_NE(Shell(fmt::format("ip netns exec {} nft list table inet rampart", ns_a_), &output), 0);
}

TEST_F(NftNamespaceTest, QuarantineStopsTheDevicesTraffic) {
  const std::string a1 = net_ + ".1";
  const std::string b2 = net_ + ".2";
  const std::string b4 = net_ + ".4";
  // The device is B's .2; rampart runs in A and stops what the device sends.
  const std::unique_ptr<Backend> backend = MakeNftBackend(Settings(ns_a_));
  const Announcement quarantine = Addresses(ActionKind::kNftQuarantine, {b2});
  std::string error;
  ASSERT_TRUE(backend->Announce(quarantine, &error)) << error;
  EXPECT_TRUE(Listed(ns_a_, "quarantine4", b2));
  EXPECT_FALSE(Listed(ns_a_, "drop4", b2));
  EXPECT_FALSE(Ping(ns_b_, b2, a1));
  EXPECT_TRUE(Ping(ns_b_, b4, a1));

  ASSERT_TRUE(backend->Withdraw(quarantine, &error)) << error;
  EXPECT_FALSE(Listed(ns_a_, "quarantine4", b2));
  EXPECT_TRUE(Ping(ns_b_, b2, a1));
}

TEST_F(NftNamespaceTest, Ipv6ElementsGoToTheIpv6Sets) {
  const std::unique_ptr<Backend> backend = MakeNftBackend(Settings(ns_b_));
  const std::string v4 = net_ + ".9";
  const Announcement drop = Addresses(ActionKind::kNftDrop, {"2001:db8::5", v4, "2001:db8::6"});
  const Announcement quarantine = Addresses(ActionKind::kNftQuarantine, {"2001:db8:1::9"});
  std::string error;
  ASSERT_TRUE(backend->Announce(drop, &error)) << error;
  ASSERT_TRUE(backend->Announce(quarantine, &error)) << error;
  EXPECT_TRUE(Listed(ns_b_, "drop6", "2001:db8::5"));
  EXPECT_TRUE(Listed(ns_b_, "drop6", "2001:db8::6"));
  EXPECT_TRUE(Listed(ns_b_, "drop4", v4));
  EXPECT_FALSE(Listed(ns_b_, "drop4", "2001:db8::5"));
  EXPECT_TRUE(Listed(ns_b_, "quarantine6", "2001:db8:1::9"));

  // One of the three withdrawn on its own, then all three (one of them already gone).
  ASSERT_TRUE(backend->Withdraw(Addresses(ActionKind::kNftDrop, {"2001:db8::6"}), &error)) << error;
  EXPECT_FALSE(Listed(ns_b_, "drop6", "2001:db8::6"));
  EXPECT_TRUE(Listed(ns_b_, "drop6", "2001:db8::5"));
  ASSERT_TRUE(backend->Withdraw(drop, &error)) << error;
  ASSERT_TRUE(backend->Withdraw(quarantine, &error)) << error;
  EXPECT_FALSE(Listed(ns_b_, "drop6", "2001:db8::5"));
  EXPECT_FALSE(Listed(ns_b_, "drop4", v4));
  EXPECT_FALSE(Listed(ns_b_, "quarantine6", "2001:db8:1::9"));
}

TEST_F(NftNamespaceTest, SetsUpAgainWhenTheTableWasRemoved) {
  const std::unique_ptr<Backend> backend = MakeNftBackend(Settings(ns_b_));
  const Announcement drop = Addresses(ActionKind::kNftDrop, {net_ + ".1"});
  std::string error;
  ASSERT_TRUE(backend->Announce(drop, &error)) << error;
  ASSERT_EQ(Shell(fmt::format("ip netns exec {} nft delete table inet rampart", ns_b_)), 0);
  ASSERT_TRUE(backend->Announce(drop, &error)) << error;
  EXPECT_TRUE(Listed(ns_b_, "drop4", net_ + ".1"));
  EXPECT_FALSE(Ping(ns_a_, net_ + ".1", net_ + ".2"));

  // A restarted rampart sets the table up again without duplicating the rules or losing the
  // elements.
  const std::unique_ptr<Backend> restarted = MakeNftBackend(Settings(ns_b_));
  ASSERT_TRUE(restarted->Announce(Addresses(ActionKind::kNftDrop, {net_ + ".7"}), &error)) << error;
  EXPECT_TRUE(Listed(ns_b_, "drop4", net_ + ".1"));
  std::string rules;
  ASSERT_EQ(
      Shell(fmt::format("ip netns exec {} nft list chain inet rampart prerouting", ns_b_), &rules),
      0);
  size_t count = 0;
  for (size_t at = rules.find("@drop4"); at != std::string::npos;
       at = rules.find("@drop4", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u) << rules;
}

TEST_F(NftNamespaceTest, MissingNamespaceIsACleanError) {
  NftSettings settings = Settings(ns_b_ + "-missing");
  const std::unique_ptr<Backend> backend = MakeNftBackend(settings);
  std::string error;
  EXPECT_FALSE(backend->Announce(Addresses(ActionKind::kNftDrop, {net_ + ".1"}), &error));
  EXPECT_NE(error.find("cannot open /var/run/netns/"), std::string::npos) << error;

  settings.netns = "../../etc";
  EXPECT_FALSE(
      MakeNftBackend(settings)->Announce(Addresses(ActionKind::kNftDrop, {net_ + ".1"}), &error));
  EXPECT_NE(error.find("invalid network namespace"), std::string::npos) << error;
}

}  // namespace
}  // namespace rampart::mitigate
