// The IoT taps end to end on hand-built packets: decoded like real ones, fed to IotMonitor.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "capture/link_type.h"
#include "decode/packet_decoder.h"
#include "iot/iot_monitor.h"
#include "scenario/packet_builder.h"

namespace rampart::iot {
namespace {

using scenario::IpSpec;
using scenario::PacketBuilder;
using scenario::TcpSpec;

constexpr TimestampNs kSecond = 1'000'000'000;

IpAddress Ip(const char* text) {
  return *IpAddress::Parse(text);
}

class Feeder {
 public:
  explicit Feeder(const Config& config = DefaultConfig())
      : monitor_(config, CredentialList::Builtin(), 42) {}

  void Tcp(TimestampNs ts, const char* src, const char* dst, uint16_t sport, uint16_t dport,
           uint8_t flags, uint32_t seq, uint32_t ack, std::string_view payload = {},
           uint64_t src_mac = 0x020000000001) {
    TcpSpec tcp;
    tcp.src_port = sport;
    tcp.dst_port = dport;
    tcp.seq = seq;
    tcp.ack = ack;
    tcp.flags = flags;
    tcp.window = 1024;
    PacketBuilder b;
    b.Ethernet(0x0800, src_mac).Ip(IpSpec{Ip(src), Ip(dst)}, 6).Tcp(tcp);
    if (!payload.empty()) {
      b.Payload(payload);
    }
    Feed(ts, b.Finish());
  }
  void Icmp(TimestampNs ts, const char* src, const char* dst, uint8_t type) {
    PacketBuilder b;
    b.Ethernet(0x0800).Ip(IpSpec{Ip(src), Ip(dst)}, 1).Icmp(type, 0);
    Feed(ts, b.Finish());
  }
  void Udp(TimestampNs ts, const char* src, const char* dst, uint16_t sport, uint16_t dport,
           std::string_view payload) {
    PacketBuilder b;
    b.Ethernet(0x0800).Ip(IpSpec{Ip(src), Ip(dst)}, 17).Udp(sport, dport).Payload(payload);
    Feed(ts, b.Finish());
  }
  IotFindings Findings() {
    monitor_.Finish();
    return monitor_.Findings({});
  }

 private:
  void Feed(TimestampNs ts, const std::vector<uint8_t>& frame) {
    RawPacket raw;
    raw.ts_ns = ts;
    raw.data = frame.data();
    raw.cap_len = static_cast<uint32_t>(frame.size());
    raw.wire_len = raw.cap_len;
    raw.link_type = static_cast<uint16_t>(LinkType::kEthernet);
    DecodePacket(raw, meta_, stats_);
    monitor_.Observe(meta_, raw);
  }
  IotMonitor monitor_;
  PacketMeta meta_;
  DecodeStats stats_;
};

//! One TCP session: handshake, alternating payloads (client first), FIN both ways.
class Session {
 public:
  Session(Feeder& f, const char* client, const char* server, uint16_t cport, uint16_t sport,
          TimestampNs ts)
      : f_(f), client_(client), server_(server), cport_(cport), sport_(sport), ts_(ts) {
    f_.Tcp(Tick(), client_, server_, cport_, sport_, tcp_flag::kSyn, cseq_ - 1, 0);
    f_.Tcp(Tick(), server_, client_, sport_, cport_, tcp_flag::kSyn | tcp_flag::kAck, sseq_ - 1,
           cseq_, {}, 0x020000000099);
    f_.Tcp(Tick(), client_, server_, cport_, sport_, tcp_flag::kAck, cseq_, sseq_);
  }
  Session& Client(std::string_view data) {
    f_.Tcp(Tick(), client_, server_, cport_, sport_, tcp_flag::kAck | tcp_flag::kPsh, cseq_, sseq_,
           data);
    cseq_ += static_cast<uint32_t>(data.size());
    return *this;
  }
  Session& Server(std::string_view data) {
    f_.Tcp(Tick(), server_, client_, sport_, cport_, tcp_flag::kAck | tcp_flag::kPsh, sseq_, cseq_,
           data, 0x020000000099);
    sseq_ += static_cast<uint32_t>(data.size());
    return *this;
  }
  void Close() {
    f_.Tcp(Tick(), client_, server_, cport_, sport_, tcp_flag::kAck | tcp_flag::kFin, cseq_, sseq_);
    f_.Tcp(Tick(), server_, client_, sport_, cport_, tcp_flag::kAck | tcp_flag::kFin, sseq_,
           cseq_ + 1, {}, 0x020000000099);
  }
  TimestampNs now() const { return ts_; }

 private:
  TimestampNs Tick() { return ts_ += kSecond / 100; }
  Feeder& f_;
  const char* client_;
  const char* server_;
  uint16_t cport_;
  uint16_t sport_;
  TimestampNs ts_;
  uint32_t cseq_ = 1000;
  uint32_t sseq_ = 5000;
};

uint32_t V4(const char* text) {
  const IpAddress a = Ip(text);
  return (uint32_t{a.bytes[0]} << 24) | (uint32_t{a.bytes[1]} << 16) | (uint32_t{a.bytes[2]} << 8) |
         a.bytes[3];
}

const InfectedDevice* Device(const IotFindings& f, const char* address) {
  for (const InfectedDevice& d : f.infected_devices) {
    if (d.address == Ip(address)) {
      return &d;
    }
  }
  return nullptr;
}

bool HasEvidence(const InfectedDevice* d, std::string_view kind) {
  if (d == nullptr) {
    return false;
  }
  for (const Evidence& e : d->evidence) {
    if (e.kind == kind) {
      return true;
    }
  }
  return false;
}

TEST(IotMonitor, MiraiFingerprintScannerInsideIsInfected) {
  Feeder f;
  TimestampNs ts = 100 * kSecond;
  for (int i = 0; i < 200; ++i) {
    const std::string dst = fmt::format("45.{}.{}.{}", i % 7, i % 200, 1 + i % 250);
    const uint16_t port = i % 10 == 9 ? 2323 : 23;
    f.Tcp(ts += kSecond / 160, "192.168.1.23", dst.c_str(), 40000, port, tcp_flag::kSyn,
          V4(dst.c_str()), 0);
  }
  const IotFindings out = f.Findings();
  ASSERT_EQ(out.scans.size(), 1u);
  const ScanFinding& s = out.scans[0];
  EXPECT_EQ(s.scanner, Ip("192.168.1.23"));
  EXPECT_TRUE(s.mirai_fingerprint);
  EXPECT_EQ(s.mirai_probes, 200u);
  EXPECT_NEAR(s.mirai_2323_share, 0.10, 0.001);
  EXPECT_TRUE(s.inside);
  EXPECT_EQ(s.kind, "horizontal");
  EXPECT_GT(s.distinct_targets, 150);
  ASSERT_FALSE(s.ports.empty());
  EXPECT_EQ(s.ports[0].port, 23);
  EXPECT_TRUE(HasEvidence(Device(out, "192.168.1.23"), "mirai_scan_fingerprint"));
  EXPECT_GE(Device(out, "192.168.1.23")->score, 50);
}

TEST(IotMonitor, AnsweredClientIsNoScanner) {
  Feeder f;
  TimestampNs ts = 100 * kSecond;
  for (int i = 0; i < 100; ++i) {
    const std::string dst = fmt::format("198.51.100.{}", i + 1);
    f.Tcp(ts += kSecond / 10, "192.168.1.10", dst.c_str(), static_cast<uint16_t>(50000 + i), 443,
          tcp_flag::kSyn, 7, 0);
    f.Tcp(ts += kSecond / 100, dst.c_str(), "192.168.1.10", 443, static_cast<uint16_t>(50000 + i),
          tcp_flag::kSyn | tcp_flag::kAck, 9, 8);
  }
  EXPECT_TRUE(f.Findings().scans.empty());
}

TEST(IotMonitor, VerticalScanWithoutFingerprint) {
  Feeder f;
  TimestampNs ts = 100 * kSecond;
  for (uint16_t port = 1; port <= 1024; ++port) {
    f.Tcp(ts += kSecond / 1000, "203.0.113.66", "198.51.100.10", 33333, port, tcp_flag::kSyn, 12345,
          0);
    f.Tcp(ts += kSecond / 1000, "198.51.100.10", "203.0.113.66", port, 33333,
          tcp_flag::kRst | tcp_flag::kAck, 0, 12346);
  }
  const IotFindings out = f.Findings();
  ASSERT_EQ(out.scans.size(), 1u);
  EXPECT_EQ(out.scans[0].kind, "vertical");
  EXPECT_FALSE(out.scans[0].mirai_fingerprint);
  EXPECT_FALSE(out.scans[0].inside);
  EXPECT_NEAR(out.scans[0].distinct_ports, 1024, 60);
  EXPECT_TRUE(out.infected_devices.empty());  // an outside scanner is no inside device
}

TEST(IotMonitor, PingSweep) {
  Feeder f;
  TimestampNs ts = 100 * kSecond;
  for (int i = 1; i <= 40; ++i) {
    const std::string dst = fmt::format("192.168.5.{}", i);
    f.Icmp(ts += kSecond / 50, "192.168.5.200", dst.c_str(), 8);
  }
  const IotFindings out = f.Findings();
  ASSERT_EQ(out.scans.size(), 1u);
  EXPECT_EQ(out.scans[0].kind, "ping_sweep");
  EXPECT_EQ(out.scans[0].protocol, "icmp");
}

void TelnetAttempt(Feeder& f, TimestampNs& ts, const char* client, const char* server,
                   uint16_t port, std::string_view user, std::string_view password, bool ok) {
  Session s(f, client, server, port, 23, ts);
  s.Server("\xff\xfd\x1f\xff\xfd\x18login: ").Client("\xff\xfc\x1f\xff\xfc\x18");
  s.Client(std::string(user) + "\r\n").Server("Password: ").Client(std::string(password) + "\r\n");
  if (ok) {
    s.Server("\r\nBusyBox v1.19.4 built-in shell (ash)\r\n# ");
    for (const char* line : {"enable", "system", "shell", "sh"}) {
      s.Client(std::string(line) + "\r\n").Server("# ");
    }
    s.Client("/bin/busybox MIRAI\r\n").Server("MIRAI: applet not found\r\n# ");
  } else {
    s.Server("\r\nLogin incorrect\r\n");
  }
  s.Close();
  ts = s.now() + kSecond;
}

TEST(IotMonitor, TelnetBruteForceEndingInDefaultLogin) {
  Feeder f;
  TimestampNs ts = 100 * kSecond;
  const char* passwords[] = {"vizxv", "888888", "xmhdipc", "default", "juantech", "123456"};
  uint16_t port = 41000;
  for (const char* password : passwords) {
    TelnetAttempt(f, ts, "192.168.1.23", "192.168.1.50", port++, "root", password, false);
  }
  TelnetAttempt(f, ts, "192.168.1.23", "192.168.1.50", port++, "root", "xc3511", true);
  const IotFindings out = f.Findings();

  ASSERT_EQ(out.brute_force.size(), 1u);
  const BruteForceFinding& b = out.brute_force[0];
  EXPECT_EQ(b.source, Ip("192.168.1.23"));
  EXPECT_EQ(b.service, "telnet");
  EXPECT_EQ(b.attempts, 7u);
  EXPECT_EQ(b.failures, 6u);
  EXPECT_EQ(b.successes, 1u);
  EXPECT_EQ(b.default_pairs_tried, 7u);

  ASSERT_EQ(out.default_credentials.size(), 1u);
  const DefaultCredentialFinding& d = out.default_credentials[0];
  EXPECT_EQ(d.device, Ip("192.168.1.50"));
  EXPECT_EQ(d.user, "root");
  EXPECT_EQ(d.password, "xc3511");
  EXPECT_EQ(d.entry_source, "mirai");
  EXPECT_EQ(d.successes, 1u);
  EXPECT_TRUE(d.busybox_shell);
  ASSERT_TRUE(d.mac.has_value());
  EXPECT_EQ(*d.mac, 0x020000000099u);

  EXPECT_TRUE(HasEvidence(Device(out, "192.168.1.23"), "brute_force"));
  EXPECT_TRUE(HasEvidence(Device(out, "192.168.1.23"), "mirai_post_login"));
  EXPECT_TRUE(HasEvidence(Device(out, "192.168.1.50"), "compromised_login"));
  EXPECT_TRUE(HasEvidence(Device(out, "192.168.1.50"), "default_credentials"));
}

TEST(IotMonitor, NonDefaultLoginIsNotReported) {
  Feeder f;
  TimestampNs ts = 100 * kSecond;
  TelnetAttempt(f, ts, "192.168.1.10", "192.168.1.1", 40000, "operator", "Tr0ub4dor&3", true);
  const IotFindings out = f.Findings();
  EXPECT_EQ(out.stats.logins, 1u);
  EXPECT_EQ(out.stats.default_logins, 0u);
  EXPECT_TRUE(out.default_credentials.empty());
  EXPECT_TRUE(out.brute_force.empty());
}

TEST(IotMonitor, FtpDefaultLogin) {
  Feeder f;
  Session s(f, "203.0.113.80", "192.168.1.60", 40001, 21, 100 * kSecond);
  s.Server("220 NAS FTP ready\r\n").Client("USER admin\r\n").Server("331 Password required\r\n");
  s.Client("PASS admin\r\n").Server("230 Logged in\r\n").Client("QUIT\r\n").Server("221 Bye\r\n");
  s.Close();
  const IotFindings out = f.Findings();
  ASSERT_EQ(out.default_credentials.size(), 1u);
  EXPECT_EQ(out.default_credentials[0].service, "ftp");
  EXPECT_EQ(out.default_credentials[0].user, "admin");
  EXPECT_EQ(out.default_credentials[0].successes, 1u);
  EXPECT_TRUE(out.default_credentials[0].inside);
}

TEST(IotMonitor, RefusedDefaultPairIsNotAFactoryPassword) {
  Feeder f;
  Session s(f, "203.0.113.80", "192.168.1.60", 40001, 21, 100 * kSecond);
  s.Server("220 ready\r\n").Client("USER admin\r\n").Server("331 Password\r\n");
  s.Client("PASS admin\r\n").Server("530 Login incorrect\r\n");
  s.Close();
  EXPECT_TRUE(f.Findings().default_credentials.empty());
}

TEST(IotMonitor, SshShortSessionsAreBruteForce) {
  Feeder f;
  TimestampNs ts = 100 * kSecond;
  for (int i = 0; i < 25; ++i) {
    Session s(f, "203.0.113.51", "192.168.1.70", static_cast<uint16_t>(42000 + i), 22, ts);
    s.Server("SSH-2.0-dropbear\r\n").Client("SSH-2.0-libssh\r\n").Server(std::string(300, 'x'));
    s.Close();
    ts = s.now() + 2 * kSecond;
  }
  const IotFindings out = f.Findings();
  ASSERT_EQ(out.brute_force.size(), 1u);
  EXPECT_EQ(out.brute_force[0].service, "ssh");
  EXPECT_EQ(out.brute_force[0].method, "sessions");
  EXPECT_EQ(out.brute_force[0].attempts, 25u);
}

TEST(IotMonitor, ReportBackRecord) {
  Feeder f;
  std::string record("\x00\xc0\xa8\x01\x32\x00\x17\x04root\x06xc3511", 19);
  Session s(f, "192.168.1.23", "198.51.100.200", 40002, 48101, 100 * kSecond);
  s.Client(record).Close();
  const IotFindings out = f.Findings();
  const InfectedDevice* bot = Device(out, "192.168.1.23");
  ASSERT_TRUE(HasEvidence(bot, "mirai_report_back"));
  EXPECT_NE(bot->evidence[0].detail.find("192.168.1.50:23"), std::string::npos);
  EXPECT_NE(bot->evidence[0].detail.find("default credential #1"), std::string::npos)
      << bot->evidence[0].detail;
  EXPECT_EQ(bot->evidence[0].detail.find("xc3511"), std::string::npos);
  EXPECT_TRUE(HasEvidence(Device(out, "192.168.1.50"), "reported_victim"));
}

TEST(IotMonitor, HeartbeatIsAC2Beacon) {
  Feeder f;
  Session s(f, "192.168.1.23", "198.51.100.66", 40003, 23, 100 * kSecond);
  TimestampNs ts = s.now();
  uint32_t seq = 1000;
  for (int i = 0; i < 7; ++i) {
    f.Tcp(ts += 60 * kSecond, "192.168.1.23", "198.51.100.66", 40003, 23,
          tcp_flag::kAck | tcp_flag::kPsh, seq, 5000, std::string_view("\0\0", 2));
    seq += 2;
  }
  const IotFindings out = f.Findings();
  EXPECT_TRUE(HasEvidence(Device(out, "192.168.1.23"), "c2_beacon"));
}

TEST(IotMonitor, UnansweredCallsToOneAddress) {
  Feeder f;
  TimestampNs ts = 100 * kSecond;
  for (int i = 0; i < 12; ++i) {
    f.Tcp(ts += 30 * kSecond, "192.168.1.24", "198.51.100.67", static_cast<uint16_t>(43000 + i), 23,
          tcp_flag::kSyn, 99, 0);
  }
  const IotFindings out = f.Findings();
  EXPECT_TRUE(HasEvidence(Device(out, "192.168.1.24"), "c2_unanswered"));
}

TEST(IotMonitor, DnsPolicyNeedsLocalResolvers) {
  Config config = DefaultConfig();
  {
    Feeder f(config);
    f.Udp(100 * kSecond, "192.168.1.23", "8.8.8.8", 5353, 53, "query");
    EXPECT_TRUE(f.Findings().infected_devices.empty());
  }
  config.iot.local_resolvers.push_back(*Prefix::Parse("192.168.1.2/32"));
  Feeder f(config);
  f.Udp(100 * kSecond, "192.168.1.23", "8.8.8.8", 5353, 53, "query");
  f.Udp(100 * kSecond, "192.168.1.10", "192.168.1.2", 5353, 53, "query");
  const IotFindings out = f.Findings();
  EXPECT_TRUE(HasEvidence(Device(out, "192.168.1.23"), "dns_policy"));
  EXPECT_EQ(Device(out, "192.168.1.10"), nullptr);
}

TEST(IotMonitor, SessionTableStaysBounded) {
  Config config = DefaultConfig();
  config.iot.max_sessions = 16;
  Feeder f(config);
  TimestampNs ts = 100 * kSecond;
  for (int i = 0; i < 100; ++i) {
    f.Tcp(ts += kSecond / 100, "203.0.113.9", "192.168.1.60", static_cast<uint16_t>(30000 + i), 21,
          tcp_flag::kSyn, 1, 0);
  }
  const IotFindings out = f.Findings();
  EXPECT_EQ(out.stats.sessions, 100u);
  EXPECT_EQ(out.stats.sessions_evicted, 84u);
}

}  // namespace
}  // namespace rampart::iot

namespace rampart::iot {
namespace {

TEST(IotMonitor, HttpBasicAfter401OnKeepAlive) {
  Feeder f;
  Session s(f, "203.0.113.90", "192.168.1.51", 40010, 80, 100 * kSecond);
  s.Client("GET / HTTP/1.1\r\nHost: cam\r\n\r\n");
  s.Server(
      "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n"
      "Content-Length: 0\r\n\r\n");
  s.Client("GET / HTTP/1.1\r\nHost: cam\r\nAuthorization: Basic YWRtaW46MTIzNDU=\r\n\r\n");
  s.Server("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
  s.Close();
  const IotFindings out = f.Findings();
  ASSERT_EQ(out.default_credentials.size(), 1u);
  EXPECT_EQ(out.default_credentials[0].user, "admin");
  EXPECT_EQ(out.default_credentials[0].successes, 1u);
  EXPECT_EQ(out.stats.segments_out_of_order, 0u);
}

}  // namespace
}  // namespace rampart::iot
