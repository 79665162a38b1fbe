#include "mitigate/ban_manager.h"

#include <gtest/gtest.h>

#include "mitigate/flowspec_builder.h"

namespace rampart::mitigate {
namespace {

using Json = nlohmann::ordered_json;

//! Records what it is asked; fails on demand.
class FakeBackend : public Backend {
 public:
  explicit FakeBackend(std::vector<std::string>* log) : log_(log) {}
  std::string_view name() const override { return "fake"; }
  bool Supports(ActionKind kind) const override { return kind != ActionKind::kNftQuarantine; }
  bool Announce(const Announcement& a, std::string*) override {
    log_->push_back("+" + a.ToText());
    return true;
  }
  bool Withdraw(const Announcement& a, std::string*) override {
    log_->push_back("-" + a.ToText());
    return true;
  }

 private:
  std::vector<std::string>* log_;
};

constexpr TimestampNs kS = kNanosPerSecond;

Json Attack(const std::string& state, const std::string& target, const std::string& vector,
            const std::string& uid = "1-1") {
  return Json{{"uid", uid},
              {"state", state},
              {"target", target},
              {"direction", "incoming"},
              {"policy", "default"},
              {"packets", 1000},
              {"vectors", Json::array({Json{{"name", vector}, {"packets", 950}}})},
              {"top_source_ports", Json::array({Json{{"port", 123}, {"packets", 940}}})},
              {"top_destination_ports", Json::array()},
              {"size", Json{{"min", 468}, {"max", 490}}}};
}

struct Fixture {
  std::vector<std::string> log;
  std::unique_ptr<BanManager> manager;
  Fixture(MitigationSettings settings, Config config = DefaultConfig()) {
    std::vector<std::unique_ptr<Backend>> backends;
    backends.push_back(std::make_unique<FakeBackend>(&log));
    manager = std::make_unique<BanManager>(settings, config, std::move(backends));
  }
};

MitigationSettings Live() {
  MitigationSettings s;
  s.enabled = true;
  s.dry_run = false;
  s.ban_time_s = 60;
  s.unban_quiet_s = 30;
  return s;
}

TEST(BanManager, BansOnStartAndLiftsAfterBanTimeAndQuiet) {
  Fixture f(Live());
  f.manager->OnAttack(Attack("start", "198.51.100.10", "syn_flood"), 100 * kS);
  ASSERT_EQ(f.log.size(), 1u);
  EXPECT_EQ(f.log[0], "+blackhole 198.51.100.10/32 next-hop 192.0.2.1 community [65535:666]");
  auto events = f.manager->TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["ban"]["state"], "active");
  EXPECT_EQ(f.manager->TakeNotices()[0].action, "ban");
  // Ban time over but the attack goes on: kept.
  f.manager->Tick(200 * kS);
  EXPECT_EQ(f.manager->active(), 1u);
  f.manager->OnAttack(Attack("end", "198.51.100.10", "syn_flood"), 210 * kS);
  f.manager->Tick(230 * kS);  // quiet for 20 s < 30 s
  EXPECT_EQ(f.manager->active(), 1u);
  f.manager->Tick(241 * kS);
  EXPECT_EQ(f.manager->active(), 0u);
  ASSERT_EQ(f.log.size(), 2u);
  EXPECT_EQ(f.log[1][0], '-');
  events = f.manager->TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["ban"]["state"], "withdrawn");
  EXPECT_EQ(f.manager->TakeNotices()[0].action, "unban");
}

TEST(BanManager, DryRunAnnouncesNothingButSaysWhat) {
  MitigationSettings s = Live();
  s.dry_run = true;
  Fixture f(s);
  f.manager->OnAttack(Attack("start", "198.51.100.10", "syn_flood"), 100 * kS);
  EXPECT_TRUE(f.log.empty());
  auto events = f.manager->TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0]["ban"]["dry_run"].get<bool>());
  EXPECT_EQ(events[0]["ban"]["announcements"][0]["text"],
            "blackhole 198.51.100.10/32 next-hop 192.0.2.1 community [65535:666]");
}

TEST(BanManager, WhitelistAndCapRefuse) {
  MitigationSettings s = Live();
  s.whitelist = {*Prefix::Parse("198.51.100.0/28")};
  s.max_bans = 1;
  Config config = DefaultConfig();
  config.whitelist_local = {*Prefix::Parse("203.0.113.5/32")};
  Fixture f(s, config);
  f.manager->OnAttack(Attack("start", "198.51.100.10", "syn_flood", "a"), kS);
  f.manager->OnAttack(Attack("start", "203.0.113.5", "syn_flood", "b"), kS);
  const Json manual = f.manager->Add("198.51.100.0/24", {}, 0, "", kS);  // covers the whitelist
  EXPECT_TRUE(manual.contains("error"));
  EXPECT_TRUE(f.log.empty());
  f.manager->OnAttack(Attack("start", "192.0.2.77", "syn_flood", "c"), kS);
  f.manager->OnAttack(Attack("start", "192.0.2.78", "syn_flood", "d"), kS);  // over the cap
  EXPECT_EQ(f.log.size(), 1u);
  int refused = 0;
  for (const Json& e : f.manager->TakeEvents()) {
    refused += e["ban"]["state"] == "refused" ? 1 : 0;
  }
  EXPECT_EQ(refused, 4);
}

TEST(BanManager, RulesPickActionsPerVector) {
  MitigationSettings s = Live();
  s.rules = {{"default", {"amplification"}, {"flowspec"}}, {"default", {}, {"blackhole"}}};
  Fixture f(s);
  f.manager->OnAttack(Attack("start", "198.51.100.20", "amplification", "x"), kS);
  f.manager->OnAttack(Attack("start", "198.51.100.21", "syn_flood", "y"), kS);
  ASSERT_EQ(f.log.size(), 2u);
  EXPECT_EQ(f.log[0], "+flowspec dst 198.51.100.20/32 proto 17 sport 123 len 468-490 -> discard");
  EXPECT_EQ(f.log[1].rfind("+blackhole 198.51.100.21/32", 0), 0u);
}

TEST(BanManager, RestoreReannouncesActiveAndWithdrawsExpired) {
  Fixture first(Live());
  first.manager->OnAttack(Attack("start", "198.51.100.10", "syn_flood", "a"), 100 * kS);
  first.manager->Add("198.51.100.99", {}, 10, "short", 100 * kS);
  std::vector<Json> active;
  for (const Json& e : first.manager->TakeEvents()) {
    active.push_back(e["ban"]);
  }
  Fixture second(Live());
  second.manager->Restore(active, 130 * kS);  // the 10 s ban expired meanwhile
  ASSERT_EQ(second.log.size(), 2u);
  EXPECT_EQ(second.log[0].rfind("+blackhole 198.51.100.10/32", 0), 0u);
  EXPECT_EQ(second.log[1].rfind("-blackhole 198.51.100.99/32", 0), 0u);
  EXPECT_EQ(second.manager->active(), 1u);
  // New bans continue the ids.
  const Json next = second.manager->Add("198.51.100.50", {}, 0, "", 131 * kS);
  EXPECT_EQ(next["id"], 3);
}

TEST(BanManager, ManualAddRemoveList) {
  Fixture f(Live());
  const Json added = f.manager->Add("2001:db8::10", {"blackhole"}, 0, "test", kS);
  ASSERT_FALSE(added.contains("error")) << added.dump();
  EXPECT_EQ(f.manager->List().size(), 1u);
  EXPECT_TRUE(f.manager->Add("2001:db8::10", {}, 0, "", kS).contains("error"));  // banned already
  EXPECT_TRUE(f.manager->Add("not-an-address", {}, 0, "", kS).contains("error"));
  EXPECT_TRUE(f.manager->Remove(99, kS).contains("error"));
  f.manager->Remove(added["id"], 2 * kS);
  EXPECT_EQ(f.manager->List().size(), 0u);
  ASSERT_EQ(f.log.size(), 2u);
  EXPECT_EQ(f.log[1], "-blackhole 2001:db8::10/128 next-hop 100::1 community [65535:666]");
}

TEST(Flowspec, NarrowestRuleWithCoverage) {
  AttackRecord syn;
  syn.target = "198.51.100.10";
  syn.packets = 1000;
  syn.vectors = {{Vector::kSynFlood, "", 990}};
  syn.top_destination_ports = {{80, 600}, {443, 300}, {22, 10}};
  syn.size_min = 40;
  syn.size_max = 60;
  const auto rule = BuildFlowspec(syn, FlowspecOptions{});
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->ToText(),
            "dst 198.51.100.10/32 proto 6 dport 80 tcp-flags SYN/SYN,ACK len 40-60 -> discard");
  EXPECT_NEAR(rule->coverage, 0.99 * 0.6, 1e-9);
  // Asking for more coverage keeps both ports.
  FlowspecOptions wide;
  wide.min_coverage = 0.85;
  EXPECT_EQ(BuildFlowspec(syn, wide)->destination_ports, (std::vector<uint16_t>{80, 443}));
  // Fragments: no protocol, the fragment match.
  AttackRecord frag = syn;
  frag.vectors = {{Vector::kIpFragmentFlood, "", 1000}};
  EXPECT_EQ(BuildFlowspec(frag, FlowspecOptions{})->ToText(),
            "dst 198.51.100.10/32 fragment -> discard");
  // A hostgroup total or an outgoing attack has no FlowSpec rule.
  AttackRecord group = syn;
  group.target = "group:web";
  EXPECT_FALSE(BuildFlowspec(group, FlowspecOptions{}));
}

}  // namespace
}  // namespace rampart::mitigate
