// The DNS water-torture detector on synthetic messages (the frames themselves are covered by the
// decoder's tests and the end-to-end test).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

#include "dnsmon/dns_monitor.h"
#include "dnsmon/zone_name.h"

namespace rampart::dnsmon {
namespace {

constexpr TimestampNs kSecond = 1'000'000'000;

IpAddress Ip(const std::string& text) {
  return *IpAddress::Parse(text);
}

class Feeder {
 public:
  explicit Feeder(Config config = DefaultConfig()) : monitor_(config, 99) {}

  void Query(TimestampNs ts, const std::string& src, const std::string& dst,
             const std::string& name) {
    Send(ts, src, dst, name, false, 0);
  }
  void Answer(TimestampNs ts, const std::string& src, const std::string& dst,
              const std::string& name, uint8_t rcode) {
    Send(ts, src, dst, name, true, rcode);
  }
  const std::vector<DnsFinding>& Finish(TimestampNs end) {
    monitor_.Finish(end);
    return monitor_.Findings();
  }
  DnsMonitor& monitor() { return monitor_; }

 private:
  void Send(TimestampNs ts, const std::string& src, const std::string& dst, const std::string& name,
            bool response, uint8_t rcode) {
    PacketMeta meta;
    meta.ts_ns = ts;
    meta.inner_src = Ip(src);
    meta.inner_dst = Ip(dst);
    meta.wire_len = 80;
    DnsMessage message;
    message.is_response = response;
    message.rcode = rcode;
    message.has_question = true;
    message.qtype = 1;
    message.name_len = static_cast<uint16_t>(name.size());
    std::memcpy(message.name, name.data(), name.size());
    monitor_.Observe(meta, message);
  }
  DnsMonitor monitor_;
};

std::string MiraiLabel(std::mt19937_64& rng) {
  static const char kChars[] = "abcdefghijklmnopqrstuvw012345678";
  std::string label;
  for (int i = 0; i < 12; ++i) {
    label += kChars[rng() % 32];
  }
  return label;
}

std::string Resolver(uint64_t i) {
  return fmt::format("203.0.113.{}", 1 + i % 40);
}

TEST(ZoneName, RegistrableDomainByThePublicSuffixList) {
  EXPECT_EQ(ZoneOf("www.example.com"), "example.com");
  EXPECT_EQ(ZoneOf("abc.victim.co.uk"), "victim.co.uk");
  EXPECT_EQ(ZoneOf("a.b.shop.example.com.au"), "example.com.au");
  EXPECT_EQ(ZoneOf("example.com"), "example.com");
  EXPECT_EQ(ZoneOf("com"), "com");
  EXPECT_EQ(ZoneOf("co.uk"), "co.uk");
  EXPECT_EQ(ZoneOf("."), ".");
}

TEST(ZoneName, LabelShapes) {
  EXPECT_TRUE(ShapeOf("ab3def6hij0k.victim.com", "victim.com").mirai);
  EXPECT_FALSE(ShapeOf("ab3def6hij9k.victim.com", "victim.com").mirai);  // 9 is not Mirai's
  EXPECT_FALSE(ShapeOf("www.victim.com", "victim.com").random);
  EXPECT_TRUE(ShapeOf("3f9a0c1b7d2e4f60.cdn.net", "cdn.net").random);
  EXPECT_FALSE(ShapeOf("mailserver.victim.com", "victim.com").random);
  const std::string tunnel = "mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpjqwe3dmnfxgc5ltoq.t.x.org";
  EXPECT_TRUE(ShapeOf(tunnel, "x.org").tunnel);
  EXPECT_EQ(ShapeOf("victim.com", "victim.com").child_len, 0);
  EXPECT_NEAR(EntropyBits("abcd"), 2.0, 1e-9);
}

TEST(DnsMonitor, WaterTortureAtTheAuthoritativeServer) {
  Feeder f;
  std::mt19937_64 rng(1);
  TimestampNs ts = 1000 * kSecond;
  // 10 s of benign traffic, 20 s of 2,000 qps of random names answered NXDOMAIN, 20 s calm.
  for (int i = 0; i < 2000; ++i) {
    f.Query(ts += kSecond / 200, Resolver(i), "198.51.100.53", "www.victim-example.com");
    f.Answer(ts, "198.51.100.53", Resolver(i), "www.victim-example.com", 0);
  }
  const TimestampNs attack_start = ts;
  for (int i = 0; i < 40000; ++i) {
    const std::string name = MiraiLabel(rng) + ".victim-example.com";
    f.Query(ts += kSecond / 2000, Resolver(i), "198.51.100.53", name);
    f.Answer(ts, "198.51.100.53", Resolver(i), name, 3);
  }
  const TimestampNs attack_end = ts;
  for (int i = 0; i < 4000; ++i) {
    f.Query(ts += kSecond / 200, Resolver(i), "198.51.100.53", "www.victim-example.com");
  }
  const auto& findings = f.Finish(ts);
  ASSERT_EQ(findings.size(), 1u);
  const DnsFinding& d = findings[0];
  EXPECT_EQ(d.kind, "water_torture");
  EXPECT_EQ(d.zone, "victim-example.com");
  EXPECT_FALSE(d.ongoing);
  EXPECT_LE(d.detected_at - attack_start, 2 * kSecond);  // an early check, not a window's end
  EXPECT_NEAR(static_cast<double>(d.end - attack_end) / kSecond, 0, 5.1);
  EXPECT_NEAR(d.peak_qps, 2000, 200);
  EXPECT_NEAR(d.distinct_names, 40000, 4000);
  ASSERT_TRUE(d.nx_ratio.has_value());
  EXPECT_GT(*d.nx_ratio, 0.95);
  EXPECT_GT(d.mirai_label_share, 0.95);
  EXPECT_EQ(d.sample_names.size(), 5u);
  ASSERT_FALSE(d.servers.empty());
  EXPECT_EQ(d.servers[0].key, Ip("198.51.100.53"));
  EXPECT_TRUE(d.inside_clients.empty());
  const auto attacks = f.monitor().Attacks();
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_EQ(attacks[0].target, "198.51.100.53");
  EXPECT_EQ(attacks[0].vectors[0].vector, Vector::kDnsWaterTorture);
}

TEST(DnsMonitor, RetryStormIsNoAttack) {
  Feeder f;
  TimestampNs ts = 1000 * kSecond;
  for (int i = 0; i < 60000; ++i) {
    const std::string name = fmt::format("host{}.busy-example.com", i % 200);
    f.Query(ts += kSecond / 2000, Resolver(i), "198.51.100.53", name);
    if (i % 2 == 0) {
      f.Answer(ts, "198.51.100.53", Resolver(i), name, 0);
    }
  }
  EXPECT_TRUE(f.Finish(ts).empty());
  EXPECT_GT(f.monitor().stats().retry_storm_windows, 0u);
}

TEST(DnsMonitor, RandomLabelsThatResolveAreNoAttack) {
  Feeder f;
  std::mt19937_64 rng(2);
  TimestampNs ts = 1000 * kSecond;
  for (int i = 0; i < 30000; ++i) {
    const std::string name = fmt::format("{:016x}.cdn-example.net", rng());
    f.Query(ts += kSecond / 1000, Resolver(i), "192.0.2.53", name);
    f.Answer(ts, "192.0.2.53", Resolver(i), name, 0);
  }
  EXPECT_TRUE(f.Finish(ts).empty());
  EXPECT_GT(f.monitor().stats().resolving_random_windows, 0u);
}

TEST(DnsMonitor, OneDirectionNeedsShapeAndRate) {
  std::mt19937_64 rng(3);
  for (const double qps : {200.0, 2000.0}) {
    Feeder f;
    TimestampNs ts = 1000 * kSecond;
    for (int i = 0; i < qps * 20; ++i) {
      f.Query(ts += static_cast<TimestampNs>(kSecond / qps), Resolver(i), "198.51.100.53",
              MiraiLabel(rng) + ".victim-example.com");
    }
    // Without responses, 200 qps (2x the threshold) is not enough; 2,000 (20x) is.
    EXPECT_EQ(f.Finish(ts).size(), qps > 1000 ? 1u : 0u) << qps;
  }
}

TEST(DnsMonitor, InfectedClientsBehindTheLocalResolver) {
  Feeder f;
  std::mt19937_64 rng(4);
  TimestampNs ts = 1000 * kSecond;
  for (int i = 0; i < 30000; ++i) {
    const std::string name = MiraiLabel(rng) + ".victim-example.com";
    const std::string client = fmt::format("10.1.5.{}", 10 + i % 4);
    f.Query(ts += kSecond / 1000, client, "10.0.0.53", name);
    f.Query(ts, "10.0.0.53", "192.0.2.53", name);  // forwarded
    f.Answer(ts, "192.0.2.53", "10.0.0.53", name, 3);
    f.Answer(ts, "10.0.0.53", client, name, 3);
  }
  const auto& findings = f.Finish(ts);
  ASSERT_EQ(findings.size(), 1u);
  std::vector<std::string> clients;
  for (const IpAddress& a : findings[0].inside_clients) {
    clients.push_back(a.ToString());
  }
  std::sort(clients.begin(), clients.end());
  EXPECT_EQ(clients,
            (std::vector<std::string>{"10.1.5.10", "10.1.5.11", "10.1.5.12", "10.1.5.13"}));
}

TEST(DnsMonitor, TunnelIsSuspectedNotAnAttack) {
  Feeder f;
  std::mt19937_64 rng(5);
  TimestampNs ts = 1000 * kSecond;
  static const char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  for (int i = 0; i < 300; ++i) {
    std::string label;
    for (int k = 0; k < 56; ++k) {
      label += kBase32[rng() % 32];
    }
    f.Query(ts += kSecond / 5, "10.1.7.7", "10.0.0.53", label + ".t.tunnel-example.org");
  }
  const auto& findings = f.Finish(ts);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind, "dns_tunnel_suspected");
  EXPECT_EQ(findings[0].zone, "tunnel-example.org");
  ASSERT_EQ(findings[0].inside_clients.size(), 1u);
  EXPECT_EQ(findings[0].inside_clients[0], Ip("10.1.7.7"));
  EXPECT_TRUE(f.monitor().Attacks().empty());
}

TEST(DnsMonitor, ExcludedAndIgnoredZonesAreNeverJudged) {
  Config config = DefaultConfig();
  config.dns.exclude_suffixes = {"victim-example.com"};
  config.dns.zones.push_back({"other-example.com", 0, true});
  Feeder f(config);
  std::mt19937_64 rng(6);
  TimestampNs ts = 1000 * kSecond;
  for (int i = 0; i < 40000; ++i) {
    const std::string zone = i % 2 == 0 ? ".victim-example.com" : ".other-example.com";
    const std::string name = MiraiLabel(rng) + zone;
    f.Query(ts += kSecond / 2000, Resolver(i), "198.51.100.53", name);
    f.Answer(ts, "198.51.100.53", Resolver(i), name, 3);
  }
  EXPECT_TRUE(f.Finish(ts).empty());
}

TEST(DnsMonitor, MemoryStaysBoundedWithAMillionZones) {
  Config config = DefaultConfig();
  config.dns.max_zones = 4096;
  Feeder f(config);
  TimestampNs ts = 1000 * kSecond;
  for (int i = 0; i < 1'000'000; ++i) {
    f.Query(ts += kSecond / 100000, Resolver(i), "198.51.100.53", fmt::format("www.zone{}.com", i));
  }
  f.Finish(ts);
  EXPECT_EQ(f.monitor().stats().zones, 1'000'000u);
  EXPECT_GE(f.monitor().stats().zones_evicted, 1'000'000u - 4096);
}

}  // namespace
}  // namespace rampart::dnsmon

namespace rampart::dnsmon {
namespace {

TEST(ZoneCache, AgreesWithLibpsl) {
  ZoneCache cache(5);
  const char* names[] = {
      "www.example.com",      "mail.example.com",     "a.b.example.com",
      "x.victim.co.uk",       "y.victim.co.uk",       "victim.co.uk",
      "foo.blogspot.co.uk",   "bar.blogspot.co.uk",   "a.b.shop.example.com.au",
      "dnscat.0011aabb.ccdd", "dnscat.2233eeff.ccdd", "k3jd8a0b2mfe.victim-example.com",
      "www.kawasaki.jp",      "x.y.kawasaki.jp",      "z.y.kawasaki.jp",
      "s3.amazonaws.com",     "b.s3.amazonaws.com",   "co.uk",
  };
  for (int round = 0; round < 2; ++round) {
    for (const char* name : names) {
      EXPECT_EQ(cache.ZoneOf(name), ZoneOf(name)) << name;
    }
  }
  EXPECT_GT(cache.hits(), 0u);
}

}  // namespace
}  // namespace rampart::dnsmon
