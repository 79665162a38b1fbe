#include "sensor/live_events.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rampart::sensor {
namespace {

using Json = nlohmann::ordered_json;

Json AttackJson(uint64_t id, bool active, uint64_t packets,
                const std::string& target = "10.0.0.1") {
  return Json{{"id", id},
              {"target", target},
              {"direction", "incoming"},
              {"policy", "default"},
              {"vectors", Json::array({Json{{"name", "syn_flood"}, {"packets", packets}}})},
              {"start", "2026-01-01T00:00:00.000000000Z"},
              {"detected_at", "2026-01-01T00:00:00.500000000Z"},
              {"end", "2026-01-01T00:00:09.000000000Z"},
              {"end_ns", 1767225609000000000},
              {"peak_pps", 20000.0},
              {"packets", packets},
              {"active", active}};
}

Json Report(std::vector<Json> attacks, std::vector<Json> scans = {}) {
  return Json{{"attacks", attacks}, {"scans", scans}};
}

struct Collected {
  std::vector<Json> events;
  std::vector<AttackChange> changes;
};

constexpr TimestampNs kSecond = kNanosPerSecond;

TEST(LiveEvents, StartUpdateEndOnceEach) {
  LiveEvents live("100", 10);
  Collected run;
  live.Apply(0, Report({AttackJson(1, true, 1000)}), 1 * kSecond, false, &run.events, &run.changes);
  // Unchanged: nothing; changed within the interval: nothing; after it: one update.
  live.Apply(0, Report({AttackJson(1, true, 1000)}), 2 * kSecond, false, &run.events, &run.changes);
  live.Apply(0, Report({AttackJson(1, true, 5000)}), 5 * kSecond, false, &run.events, &run.changes);
  live.Apply(0, Report({AttackJson(1, true, 9000)}), 12 * kSecond, false, &run.events,
             &run.changes);
  live.Apply(0, Report({AttackJson(1, false, 9500)}), 13 * kSecond, false, &run.events,
             &run.changes);
  // The same end again (a late snapshot) is not a second end.
  live.Apply(0, Report({AttackJson(1, false, 9500)}), 14 * kSecond, false, &run.events,
             &run.changes);
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_EQ(run.events[0]["attack"]["state"], "start");
  EXPECT_EQ(run.events[0]["timestamp"], "2026-01-01T00:00:00.500000000Z");  // detected_at
  EXPECT_EQ(run.events[1]["attack"]["state"], "update");
  EXPECT_EQ(run.events[1]["attack"]["packets"], 9000);
  EXPECT_EQ(run.events[2]["attack"]["state"], "end");
  EXPECT_EQ(run.events[2]["timestamp"], "2026-01-01T00:00:09.000000000Z");
  EXPECT_FALSE(run.events[2]["attack"].contains("active"));
  EXPECT_EQ(run.events[0]["attack"]["uid"], "100-1");
  ASSERT_EQ(run.changes.size(), 3u);
  EXPECT_EQ(run.changes[0].action, "ban");
  EXPECT_EQ(run.changes[1].action, "attack_details");
  EXPECT_EQ(run.changes[2].action, "unban");
  EXPECT_EQ(live.active_attacks(), 0u);
  EXPECT_EQ(live.attacks_started(), 1u);
}

TEST(LiveEvents, ShardsNumberedIntoOneSequence) {
  LiveEvents live("7", 10);
  Collected run;
  live.Apply(0, Report({AttackJson(1, true, 10, "10.0.0.1")}), kSecond, false, &run.events,
             &run.changes);
  live.Apply(1, Report({AttackJson(1, true, 10, "10.0.0.2")}), kSecond, false, &run.events,
             &run.changes);
  live.Apply(0, Report({AttackJson(2, true, 10, "10.0.0.3")}), kSecond, false, &run.events,
             &run.changes);
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_EQ(run.events[0]["attack"]["id"], 1);
  EXPECT_EQ(run.events[1]["attack"]["id"], 2);
  EXPECT_EQ(run.events[2]["attack"]["id"], 3);
  EXPECT_EQ(live.active_attacks(), 3u);
}

TEST(LiveEvents, FinalSnapshotLetsIdsBeReused) {
  LiveEvents live("7", 10);
  Collected run;
  live.Apply(0, Report({AttackJson(1, false, 10, "10.0.0.1")}), kSecond, true, &run.events,
             &run.changes);
  // After a reload the shard's new analyzer numbers from 1 again: a new attack, not the old one.
  live.Apply(0, Report({AttackJson(1, true, 10, "10.0.0.9")}), 2 * kSecond, false, &run.events,
             &run.changes);
  ASSERT_EQ(run.events.size(), 3u);  // start+end of the first, start of the second
  EXPECT_EQ(run.events[2]["attack"]["target"], "10.0.0.9");
  EXPECT_EQ(run.events[2]["attack"]["id"], 2);
}

TEST(LiveEvents, FindingsNewThenUpdatedAtMostOncePerInterval) {
  LiveEvents live("7", 10);
  Collected run;
  Json scan = {{"scanner", "192.168.1.5"},
               {"kind", "horizontal"},
               {"probes", 30},
               {"first_seen", "2026-01-01T00:00:01.000000000Z"},
               {"last_seen", "2026-01-01T00:00:02.000000000Z"}};
  live.Apply(0, Report({}, {scan}), kSecond, false, &run.events, &run.changes);
  scan["last_seen"] = "2026-01-01T00:00:03.000000000Z";  // only the time moved: no event
  live.Apply(0, Report({}, {scan}), 2 * kSecond, false, &run.events, &run.changes);
  scan["probes"] = 60;  // grew, but within the interval
  live.Apply(0, Report({}, {scan}), 3 * kSecond, false, &run.events, &run.changes);
  live.Apply(0, Report({}, {scan}), 12 * kSecond, false, &run.events, &run.changes);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0]["scan"]["state"], "new");
  EXPECT_EQ(run.events[0]["timestamp"], "2026-01-01T00:00:01.000000000Z");
  EXPECT_EQ(run.events[1]["scan"]["state"], "update");
  EXPECT_EQ(run.events[1]["scan"]["probes"], 60);
  EXPECT_TRUE(run.changes.empty());
}

}  // namespace
}  // namespace rampart::sensor
