#include "detect/ddos_detector.h"

#include <gtest/gtest.h>

#include <random>

#include "detect/sketches.h"

namespace rampart {
namespace {

constexpr TimestampNs kT0 = 1477040400LL * kNanosPerSecond;

//! Builds packet records for the detector directly (no bytes): what the decoder would produce.
struct Stream {
  std::mt19937_64 rng{1};

  PacketMeta Udp(const char* dst, uint32_t src, uint16_t sport, uint16_t dport, TimestampNs ts,
                 uint16_t size = 540) {
    PacketMeta m;
    m.ts_ns = ts;
    m.l3 = Layer3::kIpv4;
    m.outer_src = m.inner_src = IpAddress::V4(src);
    m.outer_dst = m.inner_dst = *IpAddress::Parse(dst);
    m.ip_proto = ip_proto::kUdp;
    m.flags = meta_flag::kHasPorts;
    m.src_port = sport;
    m.dst_port = dport;
    m.ip_total_len = size;
    m.wire_len = size + 14u;
    m.ttl = 64;
    return m;
  }
  PacketMeta Tcp(const char* dst, uint32_t src, uint8_t flags, TimestampNs ts) {
    PacketMeta m = Udp(dst, src, static_cast<uint16_t>(rng()), 80, ts, 60);
    m.ip_proto = ip_proto::kTcp;
    m.tcp_flags = flags;
    return m;
  }
  uint32_t RandomSource() { return 0x01000000u + static_cast<uint32_t>(rng() % 0xd0000000u); }
};

PacketClass ClassOf(const PacketMeta& m) {
  return ClassifyPacket(m, nullptr, 0);
}

//! `pps` packets a second for `seconds`, evenly spaced, from `make(ts, i)`.
template <typename Make>
void Feed(DdosDetector& d, TimestampNs from, double seconds, double pps, Make make) {
  const auto count = static_cast<uint64_t>(seconds * pps);
  const double gap = 1e9 / pps;
  for (uint64_t i = 0; i < count; ++i) {
    const PacketMeta m = make(from + static_cast<TimestampNs>(static_cast<double>(i) * gap), i);
    d.Observe(m, ClassOf(m));
  }
}

DdosDetector::Options Small() {
  DdosDetector::Options o;
  o.max_targets = 1 << 12;
  o.max_evidence = 64;
  o.hash_seed = 7;
  return o;
}

TEST(DdosDetector, SynFloodAtTwiceItsThresholdIsFoundWithinASecond) {
  Config config = DefaultConfig();
  DdosDetector d(config, Small());
  Stream s;
  // Onset half-way through a second, 2x the 10k pps syn_flood threshold, spoofed.
  const TimestampNs onset = kT0 + kNanosPerSecond / 2;
  Feed(d, onset, 5, 20000, [&](TimestampNs ts, uint64_t) {
    return s.Tcp("198.51.100.10", s.RandomSource(), tcp_flag::kSyn, ts);
  });
  d.Finish();
  const auto attacks = d.Attacks();
  ASSERT_EQ(attacks.size(), 1u);
  const AttackRecord& a = attacks[0];
  EXPECT_EQ(a.target, "198.51.100.10");
  EXPECT_EQ(a.direction, Direction::kIncoming);
  ASSERT_FALSE(a.vectors.empty());
  EXPECT_EQ(a.vectors[0].vector, Vector::kSynFlood);
  EXPECT_EQ(a.start, onset);
  EXPECT_LE(a.detected_at - a.start, kNanosPerSecond);
  EXPECT_EQ(a.packets, 100000u);
  EXPECT_NEAR(a.peak_pps, 20000, 1);
  EXPECT_NEAR(a.distinct_sources, 100000, 8000);
  EXPECT_TRUE(a.ongoing);
  EXPECT_NE(a.reason.find("syn_flood"), std::string::npos);
}

TEST(DdosDetector, BelowThresholdFromFewSourcesIsSilent) {
  DdosDetector d(DefaultConfig(), Small());
  Stream s;
  Feed(d, kT0, 10, 9000, [&](TimestampNs ts, uint64_t i) {
    return s.Tcp("198.51.100.10", 0x0a000001u + static_cast<uint32_t>(i % 20), tcp_flag::kSyn, ts);
  });
  d.Finish();
  EXPECT_TRUE(d.Attacks().empty());
}

TEST(DdosDetector, SpoofedShapeIsCaughtFarBelowTheVolumeThresholds) {
  DdosDetector d(DefaultConfig(), Small());
  Stream s;
  Feed(d, kT0, 5, 3000, [&](TimestampNs ts, uint64_t) {
    return s.Tcp("198.51.100.11", s.RandomSource(), tcp_flag::kSyn, ts);
  });
  d.Finish();
  const auto attacks = d.Attacks();
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_NE(attacks[0].reason.find("shape"), std::string::npos);
  EXPECT_EQ(attacks[0].vectors[0].vector, Vector::kSynFlood);
}

TEST(DdosDetector, AttackEndsAfterTheQuietPeriod) {
  Config config = DefaultConfig();
  config.defaults.quiet_s = 3;
  DdosDetector d(config, Small());
  Stream s;
  Feed(d, kT0, 4, 30000, [&](TimestampNs ts, uint64_t) {
    return s.Udp("198.51.100.12", s.RandomSource(), 1234, static_cast<uint16_t>(s.rng()), ts);
  });
  // Then a trickle for 10 s: the attack must end 3 quiet seconds after the flood stopped.
  Feed(d, kT0 + 4 * kNanosPerSecond, 10, 10,
       [&](TimestampNs ts, uint64_t) { return s.Udp("198.51.100.12", 0x0a000001u, 1234, 80, ts); });
  d.Finish();
  const auto attacks = d.Attacks();
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_FALSE(attacks[0].ongoing);
  EXPECT_EQ(attacks[0].end, kT0 + 4 * kNanosPerSecond);
  EXPECT_EQ(attacks[0].vectors[0].vector, Vector::kUdpFlood);
  // The trickle after the end is not the attack's: exactly the flood's packets.
  EXPECT_EQ(attacks[0].packets, 120000u);
  EXPECT_NEAR(attacks[0].MeanPps(), 30000, 1);
}

TEST(DdosDetector, CarpetBombingIsAPrefixAttackAndAHostFloodIsNot) {
  DdosDetector d(DefaultConfig(), Small());
  Stream s;
  // 256 hosts x 1,000 pps: each far below its threshold, the /24 at 256k pps.
  Feed(d, kT0, 3, 256000, [&](TimestampNs ts, uint64_t i) {
    const std::string dst = "198.51.100." + std::to_string(i % 256);
    PacketMeta m =
        s.Udp("198.51.100.0", s.RandomSource(), 53, static_cast<uint16_t>(s.rng() | 1024), ts,
              1400);  // a large answer (ANY): DNS amplification
    m.outer_dst = *IpAddress::Parse(dst);
    return m;
  });
  // And a single-host flood in another /24: one host attack, no prefix attack.
  Feed(d, kT0 + 10 * kNanosPerSecond, 3, 300000, [&](TimestampNs ts, uint64_t) {
    return s.Udp("203.0.113.9", s.RandomSource(), 7, static_cast<uint16_t>(s.rng()), ts);
  });
  d.Finish();
  const auto attacks = d.Attacks();
  ASSERT_EQ(attacks.size(), 2u);
  EXPECT_EQ(attacks[0].target, "198.51.100.0/24");
  EXPECT_EQ(attacks[0].target_kind, "prefix");
  EXPECT_EQ(attacks[0].vectors[0].vector, Vector::kAmplification);
  EXPECT_EQ(attacks[0].vectors[0].service, "dns");
  EXPECT_EQ(attacks[1].target, "203.0.113.9");
  EXPECT_EQ(attacks[1].target_kind, "host");
}

TEST(DdosDetector, Ipv6Target) {
  DdosDetector d(DefaultConfig(), Small());
  Stream s;
  Feed(d, kT0, 3, 12000, [&](TimestampNs ts, uint64_t i) {
    PacketMeta m = s.Udp("198.51.100.1", 0, 0, 0, ts, 84);
    m.l3 = Layer3::kIpv6;
    m.ip_proto = ip_proto::kIcmpv6;
    m.flags = 0;
    uint8_t src[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x99};
    src[15] = static_cast<uint8_t>(i);
    src[14] = static_cast<uint8_t>(i >> 8);
    m.outer_src = IpAddress::V6(src);
    m.outer_dst = *IpAddress::Parse("2001:db8::80");
    return m;
  });
  d.Finish();
  const auto attacks = d.Attacks();
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_EQ(attacks[0].target, "2001:db8::80");
  EXPECT_EQ(attacks[0].vectors[0].vector, Vector::kIcmpFlood);
}

TEST(DdosDetector, NestedHostgroupsMatchTheLongestPrefix) {
  Config config = DefaultConfig();
  config.networks = {*Prefix::Parse("198.51.0.0/16")};
  Hostgroup web;
  web.policy = config.defaults;
  web.policy.name = "web";
  web.policy.incoming.vector_pps.fill(0);
  web.policy.incoming.pps = 1e9;  // the /24 tolerates anything
  web.policy.incoming.syn_pps = 0;
  web.prefixes = {*Prefix::Parse("198.51.100.0/24")};
  Hostgroup dns = web;
  dns.policy.name = "dns";
  dns.policy.incoming.pps = 2000;  // the /32 inside it is fragile
  dns.prefixes = {*Prefix::Parse("198.51.100.53/32")};
  config.hostgroups = {web, dns};
  DdosDetector d(config, Small());
  Stream s;
  Feed(d, kT0, 3, 6000, [&](TimestampNs ts, uint64_t i) {
    return s.Udp(i % 2 == 0 ? "198.51.100.53" : "198.51.100.54", 0x0a000001u, 1, 53, ts, 80);
  });
  d.Finish();
  const auto attacks = d.Attacks();
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_EQ(attacks[0].target, "198.51.100.53");
  EXPECT_EQ(attacks[0].policy, "dns");
  EXPECT_TRUE(d.IsProtected(*IpAddress::Parse("198.51.7.7")));
  EXPECT_FALSE(d.IsProtected(*IpAddress::Parse("192.0.2.1")));
}

TEST(DdosDetector, WhitelistsAreRespected) {
  Config config = DefaultConfig();
  config.whitelist_local = {*Prefix::Parse("198.51.100.20")};
  config.whitelist_remote = {*Prefix::Parse("192.0.2.0/24")};
  DdosDetector d(config, Small());
  Stream s;
  Feed(d, kT0, 3, 50000, [&](TimestampNs ts, uint64_t) {
    return s.Udp("198.51.100.20", s.RandomSource(), 1, static_cast<uint16_t>(s.rng()), ts);
  });
  Feed(d, kT0 + 5 * kNanosPerSecond, 3, 50000, [&](TimestampNs ts, uint64_t i) {
    return s.Udp("198.51.100.21", 0xc0000200u + static_cast<uint32_t>(i % 200), 1,
                 static_cast<uint16_t>(s.rng()), ts);
  });
  d.Finish();
  EXPECT_TRUE(d.Attacks().empty());
}

TEST(DdosDetector, InsideHostFloodingOutIsAnOutgoingAttack) {
  DdosDetector d(DefaultConfig(), Small());  // no networks: RFC 1918 is inside
  Stream s;
  Feed(d, kT0, 3, 8000, [&](TimestampNs ts, uint64_t) {
    PacketMeta m = s.Tcp("203.0.113.50", 0xc0a8010au, tcp_flag::kSyn, ts);  // 192.168.1.10
    m.outer_dst = IpAddress::V4(static_cast<uint32_t>(0xcb007100u + (s.rng() % 256)));
    return m;
  });
  d.Finish();
  const auto attacks = d.Attacks();
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_EQ(attacks[0].direction, Direction::kOutgoing);
  EXPECT_EQ(attacks[0].target, "192.168.1.10");
  EXPECT_EQ(attacks[0].vectors[0].vector, Vector::kSynFlood);
}

TEST(DdosDetector, FlashCrowdOfCompletedHandshakesIsSilent) {
  DdosDetector d(DefaultConfig(), Small());
  Stream s;
  // 20k clients, each SYN, ACK, request, 3 ACKs: 6 packets, completed handshakes, 30k pps.
  Feed(d, kT0, 4, 30000, [&](TimestampNs ts, uint64_t i) {
    const uint32_t client = 0x0b000000u + static_cast<uint32_t>((i / 6) % 20000);
    const uint8_t flags = i % 6 == 0   ? tcp_flag::kSyn
                          : i % 6 == 2 ? static_cast<uint8_t>(tcp_flag::kAck | tcp_flag::kPsh)
                                       : tcp_flag::kAck;
    PacketMeta m = s.Tcp("198.51.100.80", client, flags, ts);
    m.ttl = static_cast<uint8_t>(40 + client % 80);
    return m;
  });
  d.Finish();
  EXPECT_TRUE(d.Attacks().empty());
}

TEST(DdosDetector, MemoryIsFixedWhateverTheSpoofedSources) {
  DdosDetector::Options options = Small();
  options.max_targets = 256;
  DdosDetector d(DefaultConfig(), options);
  Stream s;
  // A million packets to a million different destinations: the tables stay at their size.
  Feed(d, kT0, 2, 500000, [&](TimestampNs ts, uint64_t i) {
    PacketMeta m = s.Udp("198.51.100.1", s.RandomSource(), 1, 2, ts, 60);
    m.outer_dst = IpAddress::V4(0x0b000000u + static_cast<uint32_t>(i));
    return m;
  });
  d.Finish();
  EXPECT_GT(d.stats().evicted_targets + d.stats().table_full, 0u);
}

TEST(DdosDetector, BaselineCatchesWhatNoFixedRuleDoes) {
  Stream s;
  const auto run = [&s](bool baseline) {
    Config config = DefaultConfig();
    config.defaults.baseline = baseline;
    DdosDetector d(config, Small());
    // 90 s of normal life: 1,000 pps of established-session ACKs from 50 clients.
    Feed(d, kT0, 90, 1000, [&](TimestampNs ts, uint64_t i) {
      return s.Tcp("198.51.100.30", 0x0a000000u + static_cast<uint32_t>(i % 50), tcp_flag::kAck,
                   ts);
    });
    // Then 8,000 SYN/s from 100 sources: under the 10k syn threshold, too few sources for the
    // spoofed shape, but far above this host's own normal and attack-shaped.
    Feed(d, kT0 + 90 * kNanosPerSecond, 5, 8000, [&](TimestampNs ts, uint64_t i) {
      return s.Tcp("198.51.100.30", 0x0b000000u + static_cast<uint32_t>(i % 100), tcp_flag::kSyn,
                   ts);
    });
    d.Finish();
    return d.Attacks();
  };
  const auto with = run(true);
  ASSERT_EQ(with.size(), 1u);
  EXPECT_NE(with[0].reason.find("baseline_pps"), std::string::npos);
  EXPECT_EQ(with[0].vectors[0].vector, Vector::kSynFlood);
  EXPECT_TRUE(run(false).empty());
}

TEST(DdosDetector, BaselineIgnoresAGrowingButHealthyHost) {
  DdosDetector d(DefaultConfig(), Small());
  Stream s;
  Feed(d, kT0, 90, 1000, [&](TimestampNs ts, uint64_t i) {
    return s.Tcp("198.51.100.31", 0x0a000000u + static_cast<uint32_t>(i % 50), tcp_flag::kAck, ts);
  });
  // 8x the usual rate, but established traffic (a flash crowd): not attack-shaped.
  Feed(d, kT0 + 90 * kNanosPerSecond, 5, 8000, [&](TimestampNs ts, uint64_t i) {
    return s.Tcp("198.51.100.31", 0x0c000000u + static_cast<uint32_t>(i % 3000),
                 i % 8 == 0 ? tcp_flag::kSyn : tcp_flag::kAck, ts);
  });
  d.Finish();
  EXPECT_TRUE(d.Attacks().empty());
}

TEST(DdosDetector, GroupBaselineSeesWhatNoHostDoes) {
  Config config = DefaultConfig();
  config.defaults.baseline = false;
  Hostgroup web;
  web.policy = config.defaults;
  web.policy.name = "web";
  web.policy.baseline = true;
  web.prefixes = {*Prefix::Parse("198.51.100.0/28")};
  config.hostgroups = {web};
  DdosDetector d(config, Small());
  Stream s;
  const auto host = [](uint64_t i) { return "198.51.100." + std::to_string(i % 10); };
  // 90 s: ten web hosts, 300 pps each of established traffic (the group: 3,000 pps).
  Feed(d, kT0, 90, 3000, [&](TimestampNs ts, uint64_t i) {
    PacketMeta m =
        s.Tcp("198.51.100.0", 0x0a000000u + static_cast<uint32_t>(i % 40), tcp_flag::kAck, ts);
    m.outer_dst = *IpAddress::Parse(host(i));
    return m;
  });
  // Then 800 SYN/s on each from 30 sources: every host far below any rule of its own (and
  // under the baseline floor), the group at 11,000 pps, attack-shaped.
  Feed(d, kT0 + 90 * kNanosPerSecond, 5, 11000, [&](TimestampNs ts, uint64_t i) {
    PacketMeta m = s.Tcp("198.51.100.0", 0x0b000000u + static_cast<uint32_t>(i % 30),
                         i % 11 < 8 ? tcp_flag::kSyn : tcp_flag::kAck, ts);
    m.outer_dst = *IpAddress::Parse(host(i));
    m.ttl = static_cast<uint8_t>(40 + i % 60);
    return m;
  });
  d.Finish();
  const auto attacks = d.Attacks();
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_EQ(attacks[0].target, "group:web");
  EXPECT_EQ(attacks[0].target_kind, "group");
  EXPECT_NE(attacks[0].reason.find("group_baseline_pps"), std::string::npos);
  EXPECT_EQ(attacks[0].vectors[0].vector, Vector::kSynFlood);
}

TEST(DdosDetector, UniformTtlAndSizeFromManySources) {
  DdosDetector d(DefaultConfig(), Small());
  Stream s;
  // 800 SYN/s from 300 bots: below every volume rule and too few sources for the spoofed
  // shape, but one tool's packets: TTL 64 and 60 bytes, every one.
  Feed(d, kT0, 4, 800, [&](TimestampNs ts, uint64_t i) {
    return s.Tcp("198.51.100.40", 0x0b000000u + static_cast<uint32_t>(i % 300), tcp_flag::kSyn, ts);
  });
  // The same rate from real clients (varied TTLs and sizes) stays silent.
  Feed(d, kT0 + 10 * kNanosPerSecond, 4, 800, [&](TimestampNs ts, uint64_t i) {
    PacketMeta m =
        s.Tcp("198.51.100.41", 0x0c000000u + static_cast<uint32_t>(i % 300), tcp_flag::kSyn, ts);
    m.ttl = static_cast<uint8_t>(40 + i % 70);
    m.ip_total_len = static_cast<uint16_t>(52 + (i % 3) * 4);
    return m;
  });
  d.Finish();
  const auto attacks = d.Attacks();
  ASSERT_EQ(attacks.size(), 1u);
  EXPECT_EQ(attacks[0].target, "198.51.100.40");
  EXPECT_NE(attacks[0].reason.find("uniform TTL and size"), std::string::npos);
}

TEST(Sketches, EstimatesAreClose) {
  HyperLogLog hll;
  LinearCounter linear;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 100000; ++i) {
    hll.Add(rng());
  }
  EXPECT_NEAR(hll.Estimate(), 100000, 6000);
  for (int i = 0; i < 1000; ++i) {
    linear.Add(rng());
  }
  EXPECT_NEAR(linear.Estimate(), 1000, 100);
  SpaceSaving<uint16_t, 4> top;
  for (int i = 0; i < 1000; ++i) {
    top.Add(static_cast<uint16_t>(i % 10 < 4 ? 7 : rng() % 5000));  // 40% > 1/K
  }
  size_t n = 0;
  const auto sorted = top.Sorted(&n);
  ASSERT_EQ(n, 4u);
  EXPECT_EQ(sorted[0].key, 7);
  EXPECT_GE(sorted[0].count - sorted[0].error, 1u);
  EXPECT_EQ(top.Total(), 1000u);
}

}  // namespace
}  // namespace rampart
