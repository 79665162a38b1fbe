#include "scenario/iot_scenario.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string>

#include "scenario/iot_session.h"

// Scans, the C2 channel, public DNS, the outgoing flood and the background traffic; then the
// options and the writing of the capture.
namespace rampart::scenario::iot {
namespace {

//! Mirai's get_random_ip (§1.2), also skipping the capture's own documentation /24s and
//! 8.8.8.8 so that no probe lands on a host with a role.
uint32_t MiraiTarget(Rng& rng) {
  while (true) {
    const uint32_t a = rng.U32();
    const uint32_t o1 = a >> 24;
    const uint32_t o2 = (a >> 16) & 0xff;
    const uint32_t p24 = a >> 8;
    switch (o1) {
      case 0:
      case 3:
      case 10:
      case 15:
      case 16:
      case 56:
      case 127:  // reserved and private
      case 6:
      case 7:
      case 11:
      case 21:
      case 22:
      case 26:
      case 28:
      case 29:
      case 30:
      case 33:
      case 55:
      case 214:
      case 215:  // the "Department of Defense" list
        continue;
      default:
        break;
    }
    if (o1 >= 224 || (o1 == 192 && o2 == 168) || (o1 == 172 && o2 >= 16 && o2 < 32) ||
        (o1 == 100 && o2 >= 64 && o2 < 127) || (o1 == 169 && o2 == 255) ||
        (o1 == 198 && o2 >= 18 && o2 < 20)) {
      continue;
    }
    if (p24 == 0xc00002 || p24 == 0xc63364 || p24 == 0xcb0071 || a == kGoogleDns) {
      continue;
    }
    return a;
  }
}

//! A SYN from a raw socket: no options unless `mss` is set, DF clear.
Bytes RawSyn(const IpAddress& src, const IpAddress& dst, uint8_t ttl, uint16_t id, uint16_t sport,
             uint16_t dport, uint32_t seq, uint16_t window, uint16_t mss) {
  TcpSpec tcp{.src_port = sport, .dst_port = dport, .seq = seq, .flags = kSyn, .window = window};
  if (mss != 0) {
    tcp.options = {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss)};
  }
  return EthernetFor(src, dst).Ip(Spec(src, dst, ttl, id, false), 6).Tcp(tcp).Finish();
}

//! A kernel's answer outside any connection (SYN-ACK with MSS only, RST, RST/ACK): DF, IP ID 0.
Bytes KernelSegment(const IpAddress& src, const IpAddress& dst, uint8_t ttl, uint16_t sport,
                    uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t window) {
  TcpSpec tcp{.src_port = sport,
              .dst_port = dport,
              .seq = seq,
              .ack = ack,
              .flags = flags,
              .window = window};
  if ((flags & kSyn) != 0) {
    tcp.options = {2, 4, 0x05, 0xb4};
  }
  return EthernetFor(src, dst).Ip(Spec(src, dst, ttl, 0, true), 6).Tcp(tcp).Finish();
}

constexpr std::array<uint8_t, 12> kLiveHosts = {5, 10, 20, 25, 30, 40, 66, 80, 100, 150, 200, 250};

bool Live(uint8_t host) {
  return std::find(kLiveHosts.begin(), kLiveHosts.end(), host) != kLiveHosts.end();
}

//! One nmap-style probe and the target's answer, if any.
void Probe(FrameLog& log, Rng& rng, int64_t t, uint16_t sport, uint8_t host, uint16_t port,
           bool open) {
  const IpAddress scanner = Addr(kScanner);
  const IpAddress target = Addr(0xc6336400 | host);
  uint32_t seq = rng.U32();
  if (seq == V4Value(target)) {
    ++seq;
  }
  const auto ttl = static_cast<uint8_t>(rng.Range(37, 59) - 12);  // nmap's TTL, 12 hops away
  const std::array<uint16_t, 4> windows = {1024, 2048, 3072, 4096};
  log.Add(t,
          RawSyn(scanner, target, ttl, rng.U16(), sport, port, seq, windows[rng.Below(4)], 1460));
  if (!Live(host)) {
    return;
  }
  const int64_t rtt = Ms(30 + host % 7);
  if (!open) {
    log.Add(t + rtt + rng.Millis(0, 0.2),
            KernelSegment(target, scanner, 57, port, sport, 0, seq + 1, kRst | kAck, 0));
    return;
  }
  const uint32_t isn = rng.U32();
  const int64_t at = t + rtt + rng.Millis(0, 0.2);
  log.Add(at, KernelSegment(target, scanner, 57, port, sport, isn, seq + 1, kSyn | kAck, 29200));
  log.Add(at + Ms(0.05) + rtt,
          KernelSegment(scanner, target, 52, sport, port, seq + 1, 0, kRst, 0));
}

//! 1..N in a random order.
template <typename T, size_t N>
std::array<T, N> Shuffled(Rng& rng) {
  std::array<T, N> items{};
  std::iota(items.begin(), items.end(), T{1});
  Shuffle(items, rng);
  return items;
}

}  // namespace

void WriteMiraiScan(const Context& ctx, Rng& rng) {
  const IpAddress bot = Addr(kBot);
  const uint16_t sport = rng.Port(1024, 65535);
  const auto window = static_cast<uint16_t>(rng.Port(1, 65535));
  Rng sessions(rng.Next());
  const int64_t first = ctx.begin + Ms(500);
  for (uint64_t i = 0;; ++i) {
    const int64_t t = Tick(first, ctx.scan_pps, i);
    if (t >= ctx.scan_end) {
      break;
    }
    const uint32_t dst = MiraiTarget(rng);
    const uint16_t dport = i % 10 == 9 ? 2323 : 23;
    const IpAddress target = Addr(dst);
    ctx.log.Add(t, RawSyn(bot, target, 64, rng.U16(), sport, dport, dst, window, 0));
    if (dport != 23 || !rng.Chance(0.01)) {
      continue;
    }
    // A telnet server answers; the bot's kernel resets the raw socket's half-open connection,
    // and the scanner logs in through a normal socket.
    const auto ttl = static_cast<uint8_t>(sessions.Range(40, 60));
    const int64_t rtt = sessions.Millis(30, 300);
    const int64_t synack = t + rtt;
    ctx.log.Add(synack, KernelSegment(target, bot, ttl, 23, sport, sessions.U32(), dst + 1,
                                      kSyn | kAck, 5840));
    ctx.log.Add(synack + Ms(0.05), KernelSegment(bot, target, 64, sport, 23, dst + 1, 0, kRst, 0));
    int64_t at = synack + sessions.Millis(1, 30);
    const uint64_t attempts = sessions.Range(1, 3);
    uint16_t port = EphemeralPort(sessions);
    for (uint64_t a = 0; a < attempts; ++a) {
      std::string_view user;
      std::string_view pass;
      MiraiCredential(sessions, &user, &pass);
      at = MiraiTelnetLogin(ctx.log, sessions, EmbeddedPeer(bot, 64), port,
                            EmbeddedPeer(target, ttl), at, user, pass, false);
      at += sessions.Millis(5, 500);
      port = NextPort(port, sessions);
    }
  }
}

void WriteGenericScan(const Context& ctx, Rng& rng) {
  // Two scans, each from its own source port (as two nmap runs).
  const uint16_t sport = rng.Port(33000, 65000);
  const auto vertical_sport = static_cast<uint16_t>(sport == 65000 ? 33000 : sport + 1);
  int64_t t = ctx.begin + Sec(5);
  // Horizontal: port 22 across the /24, hosts in a random order.
  const auto hosts = Shuffled<uint8_t, 254>(rng);
  for (size_t i = 0; i < hosts.size(); ++i) {
    const uint8_t host = hosts[i];
    Probe(ctx.log, rng, Tick(t, 200, i), sport, host, 22, host == 10 || host == 80 || host == 150);
  }
  // Vertical: ports 1-1024 of 198.51.100.10 in a random order.
  t = Tick(t, 200, hosts.size()) + Sec(1);
  const auto ports = Shuffled<uint16_t, 1024>(rng);
  for (size_t i = 0; i < ports.size(); ++i) {
    const uint16_t port = ports[i];
    Probe(ctx.log, rng, Tick(t, 300, i), vertical_sport, 10, port,
          port == 22 || port == 80 || port == 443);
  }
}

void WriteC2Beacon(const Context& ctx, Rng& rng) {
  const Peer bot = EmbeddedPeer(Addr(kBot), 64);
  const Peer c2 = LinuxPeer(Addr(kC2), 48);
  TcpFlow flow(ctx.log, rng, bot, EphemeralPort(rng), c2, 23, Ms(80));
  int64_t t = flow.Connect(ctx.begin + Sec(2));
  t = flow.Send(true, t + rng.Millis(0.2, 2), Bytes{0, 0, 0, 1, 0});
  int64_t beat = t;
  while (true) {
    beat += Sec(60) + rng.Millis(-1000, 1000);
    if (beat >= ctx.end) {
      break;
    }
    t = flow.Send(true, beat, Bytes{0, 0});
    flow.Send(false, t + flow.rtt() / 2 + rng.Millis(0.1, 1), Bytes{0, 0});
  }
  flow.Flush();

  // The second bot's C2 is gone: connect() retries with the kernel's backoff, then again.
  const Peer other = EmbeddedPeer(Addr(kDeadC2Bot), 64);
  const Peer dead = LinuxPeer(Addr(kDeadC2), 48);
  int64_t attempt = ctx.begin + Sec(4);
  uint16_t port = EphemeralPort(rng);
  while (attempt < ctx.end) {
    TcpFlow connect(ctx.log, rng, other, port, dead, 23, Ms(80));
    port = NextPort(port, rng);
    int64_t last = attempt;
    for (int offset : {0, 1, 3, 7, 15, 31, 63}) {
      last = attempt + Sec(offset);
      if (last >= ctx.end) {
        break;
      }
      connect.SynOnly(last);
    }
    attempt = last + Sec(60);
  }
}

void WritePublicDns(const Context& ctx, Rng& rng) {
  const IpAddress bot = Addr(kBot);
  const IpAddress google = Addr(kGoogleDns);
  for (int64_t t = ctx.begin + Sec(1); t < ctx.end; t += Sec(30) + rng.Millis(0, 500)) {
    const auto id = static_cast<uint16_t>(rng.Below(0xffff));
    const uint16_t port = rng.Port(1024, 65535);
    const Bytes query = DnsQuery(id, "cnc.changeme.com", 1);
    ctx.log.Add(t, UdpFrame(bot, google, 64, rng.U16(), port, 53, query));
    ctx.log.Add(t + rng.Millis(8, 30),
                UdpFrame(google, bot, 118, rng.U16(), 53, port, DnsAnswer(query, kC2, 300)));
  }
}

void WriteOutgoingFlood(const Context& ctx, Rng& rng) {
  const IpAddress bot = Addr(kBot);
  const IpAddress target = Addr(kVictimServer);
  const uint16_t sport = rng.Port(1024, 65535);
  const uint16_t dport = rng.Port(1024, 65535);
  auto id = rng.U16();
  const int64_t first = ctx.begin + Sec(20);
  for (uint64_t i = 0;; ++i) {
    const int64_t t = Tick(first, 5000, i);
    if (t >= first + ctx.flood_ns) {
      break;
    }
    ctx.log.Add(t, UdpFrame(bot, target, 64, id++, sport, dport, rng.RandomBytes(512)));
  }
}

// ---------------------------------------------------------------------------------------------
// Background.

namespace {

constexpr std::array<std::string_view, 20> kSites = {
    "www.example.com",   "news.example.net",   "shop.example.org",  "mail.example.com",
    "cdn.example.net",   "video.example.org",  "api.example.com",   "static.example.net",
    "blog.example.org",  "maps.example.com",   "docs.example.net",  "img.example.org",
    "login.example.com", "update.example.net", "wiki.example.org",  "music.example.com",
    "forum.example.net", "games.example.org",  "cloud.example.com", "status.example.net"};

std::string HttpPage(size_t body_size) {
  const std::string body = HtmlBody(body_size);
  return "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Type: text/html; charset=utf-8\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

//! The next source port of each background client (192.168.1.100-149).
using ClientPorts = std::array<uint16_t, 50>;

void WebSession(const Context& ctx, Rng& rng, int64_t at, ClientPorts& ports) {
  const uint64_t client_index = rng.Below(ports.size());
  const uint64_t site = rng.Below(kSites.size());
  const Peer client = LinuxPeer(Addr(0xc0a80164 + static_cast<uint32_t>(client_index)), 64);
  const Peer server = LinuxPeer(Addr(0xc0000250 + static_cast<uint32_t>(site)),
                                static_cast<uint8_t>(50 + site % 9));
  const bool https = rng.Chance(0.6);
  uint16_t& port = ports[client_index];
  port = NextPort(port, rng);
  TcpFlow flow(ctx.log, rng, client, port, server, https ? 443 : 80, rng.Millis(15, 80));
  int64_t t = flow.Connect(at);
  const size_t answer = rng.Range(200, 600);
  if (https) {
    t = flow.Send(true, t + rng.Millis(0.1, 1), TlsRecord(rng.Range(100, 300), rng));
    t = flow.Send(false, t + flow.rtt() / 2 + rng.Millis(5, 60), TlsRecord(answer, rng));
  } else {
    t = flow.Send(true, t + rng.Millis(0.1, 1),
                  "GET /" + std::to_string(rng.Below(1000)) +
                      ".html HTTP/1.1\r\nHost: " + std::string(kSites[site]) +
                      "\r\nUser-Agent: " + std::string(kFirefoxUserAgent) +
                      "\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    t = flow.Send(false, t + flow.rtt() / 2 + rng.Millis(5, 60), HttpPage(answer));
  }
  flow.Close(true, t + flow.rtt() / 2 + rng.Millis(1, 50));
}

void DnsLookup(const Context& ctx, Rng& rng, int64_t at, ClientPorts& /*ports*/) {
  const IpAddress client = Addr(0xc0a80100 | static_cast<uint32_t>(rng.Range(100, 149)));
  const IpAddress resolver = Addr(kResolver);
  const uint64_t site = rng.Below(kSites.size());
  const uint16_t port = EphemeralPort(rng);
  const Bytes query = DnsQuery(rng.U16(), kSites[site], 1);
  ctx.log.Add(at, UdpFrame(client, resolver, 64, rng.U16(), port, 53, query));
  ctx.log.Add(at + rng.Millis(0.3, 3),
              UdpFrame(resolver, client, 64, rng.U16(), 53, port,
                       DnsAnswer(query, 0xc0000250 + static_cast<uint32_t>(site), 300)));
}

void NtpPoll(const Context& ctx, Rng& rng, int64_t at, ClientPorts& /*ports*/) {
  const IpAddress client = Addr(0xc0a80100 | static_cast<uint32_t>(rng.Range(100, 149)));
  const IpAddress server = Addr(0xc000027b);  // 192.0.2.123
  const uint16_t port = EphemeralPort(rng);
  const int64_t answered = at + rng.Millis(10, 40);
  ctx.log.Add(at, UdpFrame(client, server, 64, rng.U16(), port, 123, NtpRequest(at)));
  ctx.log.Add(answered, UdpFrame(server, client, 54, rng.U16(), 123, port, NtpReply(at, answered)));
}

}  // namespace

void WriteBackground(const Context& ctx, Rng& rng) {
  if (!(ctx.background_pps > 0)) {
    return;
  }
  // Packets per item: a web session is 10 (handshake, request, the server's ACK, answer, the
  // client's ACK, FIN/ACK exchange), a DNS lookup or NTP poll 2. Items are spread evenly with a
  // random offset within their slot.
  struct Kind {
    double rate;
    void (*write)(const Context&, Rng&, int64_t, ClientPorts&);
  };
  const std::array<Kind, 3> kinds = {{{ctx.background_pps * 0.7 / 10, WebSession},
                                      {ctx.background_pps * 0.2 / 2, DnsLookup},
                                      {ctx.background_pps * 0.1 / 2, NtpPoll}}};
  ClientPorts ports{};
  for (uint16_t& port : ports) {
    port = EphemeralPort(rng);
  }
  for (const Kind& kind : kinds) {
    const int64_t slot = std::llround(static_cast<double>(kNsPerS) / kind.rate);
    for (uint64_t i = 0;; ++i) {
      const int64_t at = Tick(ctx.begin, kind.rate, i) +
                         static_cast<int64_t>(rng.Below(static_cast<uint64_t>(slot)));
      if (at >= ctx.end) {
        break;
      }
      kind.write(ctx, rng, at, ports);
    }
  }
}

}  // namespace rampart::scenario::iot

namespace rampart::scenario {
namespace {

constexpr size_t kBehaviours = static_cast<size_t>(IotBehaviour::kCount);

constexpr std::array<std::string_view, kBehaviours> kNames = {
    "mirai_scan",    "generic_scan",      "telnet_bruteforce",  "infected_reportback",
    "ftp_default",   "telnet_nondefault", "http_basic_default", "pop3_login",
    "imap_login",    "ssh_bruteforce",    "c2_beacon",          "public_dns",
    "outgoing_flood"};

using Writer = void (*)(const iot::Context&, Rng&);
constexpr std::array<Writer, kBehaviours> kWriters = {
    iot::WriteMiraiScan,          iot::WriteGenericScan, iot::WriteTelnetBruteforce,
    iot::WriteInfectedReportback, iot::WriteFtpDefault,  iot::WriteTelnetNondefault,
    iot::WriteHttpBasicDefault,   iot::WritePop3Login,   iot::WriteImapLogin,
    iot::WriteSshBruteforce,      iot::WriteC2Beacon,    iot::WritePublicDns,
    iot::WriteOutgoingFlood};

// Upper bounds that keep a capture in memory (every frame is kept until the file is sorted).
constexpr double kMaxDuration = 86400;
constexpr double kMaxGeneratedPackets = 5e6;

}  // namespace

std::string_view IotBehaviourName(IotBehaviour behaviour) {
  return NameOf(kNames, behaviour);
}

std::optional<IotBehaviour> IotBehaviourFromName(std::string_view name) {
  return FromName<IotBehaviour>(kNames, name);
}

double IotDefaultDuration(const std::vector<IotBehaviour>& behaviours) {
  if (Contains(behaviours, IotBehaviour::kC2Beacon)) {
    return 420;
  }
  return Contains(behaviours, IotBehaviour::kSshBruteforce) ? 100 : 60;
}

bool ValidateIotScenario(const IotScenarioOptions& options, std::string* error) {
  if (options.out.empty()) {
    return Fail(error, "no output file");
  }
  if (options.behaviours.empty()) {
    return Fail(error, "no behaviour");
  }
  for (IotBehaviour b : options.behaviours) {
    if (static_cast<size_t>(b) >= kBehaviours) {
      return Fail(error, "unknown behaviour");
    }
  }
  const double duration = options.duration_s.value_or(IotDefaultDuration(options.behaviours));
  if (!std::isfinite(duration) || duration <= 0 || duration > kMaxDuration) {
    return Fail(error, "duration must be above 0 and at most 86400 seconds");
  }
  // Classic pcap keeps 32-bit seconds; leave room for sessions that end after the duration.
  if (options.start_s < 0 || options.start_s > int64_t{0xffffffff} - 2 * 86400) {
    return Fail(error, "start must be a Unix time between 1970 and 2105");
  }
  if (!std::isfinite(options.background_pps) || options.background_pps < 0 ||
      options.background_pps * duration > kMaxGeneratedPackets) {
    return Fail(error, "background rate times duration must be at most 5 million packets");
  }
  const double scan_s = std::min(duration, options.scan_duration_s.value_or(duration));
  if (!std::isfinite(options.scan_pps) || options.scan_pps <= 0 || !std::isfinite(scan_s) ||
      scan_s < 0 || options.scan_pps * scan_s > kMaxGeneratedPackets) {
    return Fail(error,
                "scan rate must be above 0 and scan rate times scan duration at most 5 million");
  }
  if (!std::isfinite(options.flood_duration_s) || options.flood_duration_s < 0 ||
      options.flood_duration_s > 600) {
    return Fail(error, "flood duration must be between 0 and 600 seconds");
  }
  return true;
}

bool WriteIotScenario(const IotScenarioOptions& options, std::string* error) {
  if (!ValidateIotScenario(options, error)) {
    return false;
  }
  const double duration = options.duration_s.value_or(IotDefaultDuration(options.behaviours));
  const double scan_s = std::min(duration, options.scan_duration_s.value_or(duration));
  FrameLog log;
  iot::Context ctx{log};
  ctx.begin = options.start_s * kNsPerS;
  ctx.end = ctx.begin + ToNs(duration);
  ctx.scan_pps = options.scan_pps;
  ctx.scan_end = ctx.begin + ToNs(scan_s);
  ctx.flood_ns = ToNs(options.flood_duration_s);
  ctx.background_pps = options.background_pps;

  // One seed per part, drawn in a fixed order: each behaviour is the same whatever else is in
  // the capture.
  Rng master(options.seed);
  const uint64_t background_seed = master.Next();
  std::array<uint64_t, kBehaviours> seeds{};
  for (uint64_t& seed : seeds) {
    seed = master.Next();
  }
  Rng background(background_seed);
  iot::WriteBackground(ctx, background);
  for (size_t i = 0; i < kBehaviours; ++i) {
    if (Contains(options.behaviours, static_cast<IotBehaviour>(i))) {
      Rng rng(seeds[i]);
      kWriters[i](ctx, rng);
    }
  }
  return log.Write(options.out, error);
}

}  // namespace rampart::scenario
