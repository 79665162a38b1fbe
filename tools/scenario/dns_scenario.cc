#include "scenario/dns_scenario.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <map>
#include <set>
#include <utility>

#include "scenario/capture_common.h"
#include "scenario/dns_message.h"
#include "scenario/packet_builder.h"

// The DNS messages, the two vantage points' exchanges and the behaviours (dns_scenario.h has
// the addresses and the timeline); then the options and the writing of the capture.
namespace rampart::scenario::dns {
namespace {

// Roles (host byte order).
constexpr uint32_t kServer = 0xc6336435;               // 198.51.100.53, authoritative vantage
constexpr uint32_t kAmplificationVictim = 0xc633644d;  // 198.51.100.77
constexpr uint32_t kResolver = 0x0a000035;             // 10.0.0.53, resolver vantage
constexpr uint32_t kVictimServer = 0xc0000235;         // 192.0.2.53
constexpr uint32_t kTunnelServer = 0xc0000246;         // 192.0.2.70
constexpr uint32_t kBusyServer = 0xc0000250;           // 192.0.2.80
constexpr uint32_t kBusyServer2 = 0xc0000251;          // 192.0.2.81
constexpr uint32_t kCdnServer = 0xc000025a;            // 192.0.2.90
constexpr uint32_t kZoneServers = 0xc0000264;          // 192.0.2.100 + benign zone index
constexpr uint32_t kFirstBot = 0x0a01050a;             // 10.1.5.10-10.1.5.29
constexpr uint32_t kTunnelClient = 0x0a010707;         // 10.1.7.7
constexpr uint32_t kTunnelResolver = 0xcb007121;       // 203.0.113.33
constexpr uint32_t kPool = 0xcb00710a;                 // 203.0.113.10-203.0.113.49
constexpr std::array<uint32_t, 4> kWellKnown = {0x08080808, 0x08080404, 0x01010101, 0x09090909};
constexpr uint64_t kRouterMac = 0x020000000001;

constexpr std::string_view kBusyZone = "busy-example.com";
constexpr std::string_view kCdnZone = "cdn-example.net";
constexpr std::string_view kTunnelZone = "tunnel-example.org";

constexpr std::array<std::string_view, 50> kZones = {
    "example.com",    "example.net",    "example.org",    "example.co.uk",  "shop.example.com.au",
    "example.edu",    "example.io",     "example.de",     "example.fr",     "example.jp",
    "example.co.jp",  "example.com.br", "example.in",     "example.it",     "example.nl",
    "example.es",     "example.ca",     "example.ch",     "example.se",     "example.no",
    "example.pl",     "example.be",     "example.at",     "example.dk",     "example.fi",
    "example.ie",     "example.pt",     "example.gr",     "example.cz",     "example.hu",
    "example.org.uk", "example.ac.uk",  "example.net.au", "example.co.nz",  "example.co.za",
    "example.com.mx", "example.com.ar", "example.tv",     "example.me",     "example.app",
    "example.dev",    "example.info",   "example.biz",    "example.us",     "example.eu",
    "example.cloud",  "example.shop",   "example.news",   "example.travel", "example.ai"};

// Hosts 2-15 are spread over the zones; every zone has www and mail.
constexpr std::array<std::string_view, 16> kHosts = {
    "www",  "mail", "api",  "cdn", "static", "img",  "login",  "m",
    "shop", "blog", "news", "app", "auth",   "docs", "status", "video"};

constexpr std::array<std::string_view, 40> kServiceWords = {
    "www",  "api",    "app",   "m",     "img",   "static", "cdn",    "login", "auth", "mail",
    "smtp", "imap",   "pop",   "ftp",   "shop",  "cart",   "pay",    "news",  "blog", "docs",
    "help", "status", "video", "media", "files", "assets", "search", "maps",  "chat", "push",
    "ws",   "ads",    "track", "stats", "edge",  "gw",     "vpn",    "sso",   "id",   "portal"};

constexpr std::array<std::string_view, 16> kTwoLabelSuffixes = {
    "co.uk", "org.uk", "ac.uk",  "gov.uk", "com.au", "net.au", "org.au", "co.jp",
    "co.nz", "co.za",  "com.br", "com.mx", "com.ar", "com.cn", "co.in",  "co.kr"};

// ---------------------------------------------------------------------------------------------
// Link and network layers.

bool Local(uint32_t a) {
  return (a >> 24) == 10 || (a >> 8) == 0xc63364;
}

uint8_t TtlOf(uint32_t a) {
  if (Local(a)) {
    return 64;
  }
  return static_cast<uint8_t>(48 + ((a * 2654435761u) >> 16) % 13);
}

uint64_t MacOf(uint32_t a) {
  return Local(a) ? (0x020000000000 | a) : kRouterMac;
}

//! A UDP datagram, as one frame or as IPv4 fragments of at most 1480 payload bytes, 1.2 µs
//! apart (the first one carries the UDP header, whose checksum covers the whole datagram).
void AddDatagram(FrameLog& log, int64_t at, uint32_t src, uint32_t dst, uint16_t ip_id,
                 uint16_t sport, uint16_t dport, const Bytes& payload) {
  const IpSpec spec = Spec(Addr(src), Addr(dst), TtlOf(src), ip_id, false);
  int64_t t = at;
  for (const Frame& frame :
       EthernetUdpDatagram({MacOf(src), MacOf(dst)}, spec, sport, dport, payload, 0)) {
    log.Add(t, frame);
    t += 1200;
  }
}

//! Mirai's label (§2.3): 12 characters, each a 5-bit slice of one random draw, from a-w and 0-8.
std::string MiraiLabel(Rng& rng) {
  constexpr std::string_view kCharset = "abcdefghijklmnopqrstuvw012345678";
  uint64_t v = rng.Next();
  std::string out(12, ' ');
  for (char& c : out) {
    c = kCharset[v & 31];
    v >>= 5;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Exchanges.

struct Context {
  FrameLog& log;
  DnsVantage vantage = DnsVantage::kAuthoritative;
  int64_t begin = 0;         // ns since the epoch
  int64_t end = 0;           // begin + duration
  int64_t window_begin = 0;  // the attack window
  int64_t window_end = 0;
  double rate = 2000;
  std::string zone{};  // water_torture's zone
  std::string apex{};  // its registrable domain
};

//! Calls `f(t)` `rate` times a second in [from, to): one call per slot of 1/rate s, at a random
//! point of its slot, so that times increase.
template <typename F>
void Every(Rng& rng, int64_t from, int64_t to, double rate, F&& f) {
  const double slot = static_cast<double>(kNsPerS) / rate;
  for (uint64_t i = 0;; ++i) {
    const int64_t base = from + std::llround(static_cast<double>(i) * slot);
    if (base >= to) {
      return;
    }
    f(std::min(to - 1, base + static_cast<int64_t>(rng.Unit() * slot)));
  }
}

//! A public resolver, by the default weights.
uint32_t WeightedResolver(Rng& rng) {
  const double u = rng.Unit();
  if (u < 0.42) {
    return kWellKnown[u < 0.15 ? 0 : u < 0.25 ? 1 : u < 0.37 ? 2 : 3];
  }
  return kPool + static_cast<uint32_t>(rng.Below(40));
}

//! Any of the 44 public resolvers, evenly.
uint32_t AnyResolver(Rng& rng) {
  const uint64_t i = rng.Below(44);
  return i < 40 ? kPool + static_cast<uint32_t>(i) : kWellKnown[i - 40];
}

uint32_t BenignClient(Rng& rng) {
  const auto subnet = static_cast<uint32_t>(rng.Range(10, 49));
  return 0x0a010000 | subnet << 8 | static_cast<uint32_t>(rng.Range(1, 254));
}

// Random ports skip 33434-33534, which tshark takes for traceroute probes.
bool Traceroute(uint16_t port) {
  return port >= 33434 && port <= 33534;
}

//! A random port 1024-65535: resolvers, Mirai's bots, a reflection victim.
uint16_t ResolverPort(Rng& rng) {
  uint16_t port = rng.Port(1024, 65535);
  while (Traceroute(port)) {
    port = rng.Port(1024, 65535);
  }
  return port;
}

//! A Linux client's ephemeral port.
uint16_t ClientPort(Rng& rng) {
  uint16_t port = EphemeralPort(rng);
  while (Traceroute(port)) {
    port = EphemeralPort(rng);
  }
  return port;
}

//! A public resolver's question to an authoritative server.
Question ResolverQuestion(Rng& rng, std::string name, uint16_t qtype) {
  return {
      .id = rng.U16(), .name = std::move(name), .qtype = qtype, .edns = 1232, .dnssec_ok = true};
}

//! An inside client's question to the local resolver; EDNS when `edns` is not 0.
Question ClientQuestion(Rng& rng, std::string name, uint16_t qtype, uint16_t edns) {
  return {.id = rng.U16(), .name = std::move(name), .qtype = qtype, .rd = true, .edns = edns};
}

//! A benign inside client's question, from an ephemeral port, with EDNS 30 % of the time.
struct ClientAsk {
  uint32_t client = 0;
  uint16_t port = 0;
  Question q;
};
ClientAsk BenignAsk(Rng& rng, std::string name, uint16_t qtype) {
  // A braced list is evaluated in order: the client, the port, then the question.
  return {BenignClient(rng), ClientPort(rng),
          ClientQuestion(rng, std::move(name), qtype, rng.Chance(0.3) ? 1232 : 0)};
}

void SendQuery(const Context& ctx, Rng& rng, int64_t at, uint32_t client, uint16_t port,
               uint32_t server, const Question& q) {
  AddDatagram(ctx.log, at, client, server, rng.U16(), port, 53, EncodeQuery(q));
}

void SendResponse(const Context& ctx, Rng& rng, int64_t at, uint32_t server, uint32_t client,
                  uint16_t port, const Question& q, const Answer& a, bool authoritative,
                  uint32_t age_s = 0) {
  AddDatagram(ctx.log, at, server, client, rng.U16(), 53, port,
              EncodeResponse(q, a, authoritative, age_s));
}

//! Authoritative vantage: `resolver` asks the server at `at`, which answers `delay` later
//! unless `answer` is null.
void AskServer(const Context& ctx, Rng& rng, int64_t at, uint32_t resolver, uint16_t port,
               const Question& q, const Answer* answer, int64_t delay) {
  SendQuery(ctx, rng, at, resolver, port, kServer, q);
  if (answer != nullptr) {
    SendResponse(ctx, rng, at + delay, kServer, resolver, port, q, *answer, true);
  }
}

//! Authoritative vantage: a public resolver's query for `name` at `at` from a random port, and
//! the server's answer `lo_ms`-`hi_ms` later unless `answer` is null. (Each random draw is its
//! own statement, so that the file does not depend on the order of argument evaluation.)
void AskPublic(const Context& ctx, Rng& rng, int64_t at, uint32_t resolver, std::string name,
               uint16_t qtype, const Answer* answer, double lo_ms, double hi_ms) {
  const uint16_t port = ResolverPort(rng);
  const Question q = ResolverQuestion(rng, std::move(name), qtype);
  const int64_t delay = rng.Millis(lo_ms, hi_ms);
  AskServer(ctx, rng, at, resolver, port, q, answer, delay);
}

//! Resolver vantage: 10.0.0.53 asks `server` at `at` and gets `answer` `rtt` later; returns
//! the time of that answer.
int64_t Fetch(const Context& ctx, Rng& rng, int64_t at, uint32_t server, const Question& q,
              const Answer& answer, int64_t rtt) {
  const Question up = ResolverQuestion(rng, q.name, q.qtype);
  const uint16_t port = ResolverPort(rng);
  SendQuery(ctx, rng, at, kResolver, port, server, up);
  SendResponse(ctx, rng, at + rtt, server, kResolver, port, up, answer, true);
  return at + rtt;
}

//! Resolver vantage: `client` asks at `at`; 10.0.0.53 fetches the answer from `server` and
//! relays it.
void Lookup(const Context& ctx, Rng& rng, int64_t at, uint32_t client, uint16_t port,
            const Question& q, const Answer& answer, uint32_t server, int64_t rtt) {
  SendQuery(ctx, rng, at, client, port, kResolver, q);
  const int64_t got = Fetch(ctx, rng, at + rng.Millis(0.05, 0.3), server, q, answer, rtt);
  SendResponse(ctx, rng, got + rng.Millis(0.02, 0.1), kResolver, client, port, q, answer, false);
}

// ---------------------------------------------------------------------------------------------
// Behaviours. Each writer has its own random source, so a behaviour is the same whatever else
// is in the capture.

struct PopularName {
  std::string name;
  size_t zone;
  bool apex;
};

//! A misspelling of a host label that no host of the zone has.
std::string Typo(Rng& rng, const std::string& label, const std::set<std::string>& taken) {
  for (int tries = 0; tries < 8; ++tries) {
    std::string t = label;
    const size_t at = rng.Below(t.size());
    const uint64_t op = rng.Below(3);
    if (op == 0 || t.size() < 3) {
      t.insert(at, 1, t[at]);  // wwww, maill
    } else if (op == 1) {
      t.erase(at, 1);  // ww, mal
    } else {
      const size_t i = std::min(at, t.size() - 2);
      std::swap(t[i], t[i + 1]);  // mial, ww w
    }
    if (t != label && taken.count(t) == 0) {
      return t;
    }
  }
  return label + "x";
}

void WriteBenign(const Context& ctx, Rng& rng) {
  std::vector<PopularName> names;
  std::vector<std::set<std::string>> hosts(kZones.size());
  for (size_t z = 0; z < kZones.size(); ++z) {
    names.push_back({std::string(kZones[z]), z, true});
    for (size_t k = 0; k < 6; ++k) {
      const std::string_view host = k < 2 ? kHosts[k] : kHosts[2 + (z * 3 + (k - 2) * 5) % 14];
      hosts[z].insert(std::string(host));
      names.push_back({std::string(host) + "." + std::string(kZones[z]), z, false});
    }
  }
  Shuffle(names, rng);
  std::vector<double> cumulative;
  double total = 0;
  for (size_t i = 0; i < names.size(); ++i) {
    total += 1.0 / static_cast<double>(i + 1);
    cumulative.push_back(total);
  }
  struct Cached {
    int64_t ready;
    int64_t expires;
  };
  std::map<std::pair<std::string, uint16_t>, Cached> cache;
  Every(rng, ctx.begin, ctx.end, 200, [&](int64_t t) {
    const auto pick = std::lower_bound(cumulative.begin(), cumulative.end(), rng.Unit() * total);
    const PopularName& n =
        names[std::min<size_t>(static_cast<size_t>(pick - cumulative.begin()), names.size() - 1)];
    const std::string_view zone = kZones[n.zone];
    const double u = rng.Unit();
    uint16_t qtype = kA;
    if (n.apex) {
      qtype = u < 0.4 ? kA : u < 0.65 ? kMx : u < 0.85 ? kTxt : kHttps;
    } else {
      qtype = u < 0.6 ? kA : u < 0.88 ? kAaaa : kHttps;
    }
    std::string name = n.name;
    Answer answer;
    if (rng.Chance(0.03)) {
      const std::string label = n.apex ? "www" : name.substr(0, name.find('.'));
      name = Typo(rng, label, hosts[n.zone]) + "." + std::string(zone);
      answer = NxDomain(zone);
    } else {
      answer = ZoneData(name, qtype, zone, qtype == kMx || qtype == kTxt ? 3600 : 300);
    }
    if (ctx.vantage == DnsVantage::kAuthoritative) {
      AskPublic(ctx, rng, t, WeightedResolver(rng), name, qtype, &answer, 0.1, 0.8);
      return;
    }
    const auto [client, port, q] = BenignAsk(rng, name, qtype);
    Cached& entry = cache[{name, qtype}];
    if (entry.expires > t) {
      // From the cache, or with a fetch already under way.
      SendQuery(ctx, rng, t, client, port, kResolver, q);
      const int64_t at = std::max(t, entry.ready) + rng.Millis(0.03, 0.15);
      const auto age = static_cast<uint32_t>(std::max<int64_t>(0, t - entry.ready) / kNsPerS);
      SendResponse(ctx, rng, at, kResolver, client, port, q, answer, false, age);
      return;
    }
    const int64_t rtt = Ms(5 + static_cast<double>((7 * n.zone) % 50)) + rng.Millis(0, 2);
    const int64_t fetched = t + rng.Millis(0.05, 0.3) + rtt;
    const uint32_t ttl = answer.records.empty() ? 300 : answer.records.front().ttl;
    entry = {fetched, fetched + Sec(ttl)};
    Lookup(ctx, rng, t, client, port, q, answer, kZoneServers + static_cast<uint32_t>(n.zone), rtt);
  });
}

void WriteWaterTorture(const Context& ctx, Rng& rng) {
  const Answer nx = NxDomain(ctx.apex);
  if (ctx.vantage == DnsVantage::kResolver) {
    Every(rng, ctx.window_begin, ctx.window_end, ctx.rate, [&](int64_t t) {
      const uint32_t bot = kFirstBot + static_cast<uint32_t>(rng.Below(20));
      const uint16_t port = ResolverPort(rng);
      const Question q = ClientQuestion(rng, MiraiLabel(rng) + "." + ctx.zone, kA, 0);
      const int64_t rtt = rng.Millis(25, 40);
      Lookup(ctx, rng, t, bot, port, q, nx, kVictimServer, rtt);
    });
    return;
  }
  struct Attempt {
    int64_t due = 0;
    uint32_t resolver = 0;
    uint16_t port = 0;
    Question q;
    int tries = 0;
  };
  std::deque<Attempt> retries;
  Every(rng, ctx.window_begin, ctx.window_end, ctx.rate, [&](int64_t t) {
    Attempt a;
    if (!retries.empty() && retries.front().due <= t) {
      a = std::move(retries.front());
      retries.pop_front();
    } else {
      a.resolver = WeightedResolver(rng);
      a.port = ResolverPort(rng);
      a.q = ResolverQuestion(rng, MiraiLabel(rng) + "." + ctx.zone, kA);
    }
    ++a.tries;
    const bool dropped = rng.Chance(0.3);
    const int64_t delay = rng.Millis(2, 15);
    AskServer(ctx, rng, t, a.resolver, a.port, a.q, dropped ? nullptr : &nx, delay);
    if (dropped && a.tries < 3) {
      a.due = t + Sec(1);
      retries.push_back(std::move(a));
    }
  });
}

void WriteRetryStorm(const Context& ctx, Rng& rng) {
  std::vector<std::string> names;
  for (const std::string_view word : kServiceWords) {
    for (const std::string_view suffix : {"", "2", "3", "-eu", "-us"}) {
      names.push_back(std::string(word) + std::string(suffix) + "." + std::string(kBusyZone));
    }
  }
  Every(rng, ctx.window_begin, ctx.window_end, ctx.rate, [&](int64_t t) {
    const std::string& name = names[rng.Below(names.size())];
    const uint16_t qtype = rng.Chance(0.75) ? kA : kAaaa;
    const Answer answer = ZoneData(name, qtype, kBusyZone, 0);
    const bool answered = rng.Chance(0.5);
    if (ctx.vantage == DnsVantage::kAuthoritative) {
      AskPublic(ctx, rng, t, AnyResolver(rng), name, qtype, answered ? &answer : nullptr, 50, 400);
      return;
    }
    const auto [client, port, q] = BenignAsk(rng, name, qtype);
    SendQuery(ctx, rng, t, client, port, kResolver, q);
    const int64_t asked = t + rng.Millis(0.05, 0.3);
    int64_t got = 0;
    if (answered) {
      got = Fetch(ctx, rng, asked, kBusyServer, q, answer, rng.Millis(50, 400));
    } else {
      const uint16_t lost_port = ResolverPort(rng);
      SendQuery(ctx, rng, asked, kResolver, lost_port, kBusyServer,
                ResolverQuestion(rng, name, qtype));
      got = Fetch(ctx, rng, asked + Ms(800), kBusyServer2, q, answer, rng.Millis(20, 60));
    }
    SendResponse(ctx, rng, got + rng.Millis(0.02, 0.1), kResolver, client, port, q, answer, false);
  });
}

void WriteCdnRandom(const Context& ctx, Rng& rng) {
  constexpr std::string_view kHex = "0123456789abcdef";
  Every(rng, ctx.begin, ctx.end, 300, [&](int64_t t) {
    uint64_t v = rng.Next();
    std::string label(16, '0');
    for (size_t i = 16; i-- > 0; v >>= 4) {
      label[i] = kHex[v & 15];
    }
    const std::string name = label + "." + std::string(kCdnZone);
    const Answer answer = ZoneData(name, kA, kCdnZone, 20, 2);
    if (ctx.vantage == DnsVantage::kAuthoritative) {
      AskPublic(ctx, rng, t, WeightedResolver(rng), name, kA, &answer, 0.1, 0.8);
      return;
    }
    const auto [client, port, q] = BenignAsk(rng, name, kA);
    Lookup(ctx, rng, t, client, port, q, answer, kCdnServer, rng.Millis(8, 15));
  });
}

void WriteTunnel(const Context& ctx, Rng& rng) {
  constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";
  Every(rng, ctx.begin, ctx.end, 5, [&](int64_t t) {
    const std::string data = RandomText(rng, rng.Range(50, 180), kBase32);
    const size_t labels = (data.size() + 62) / 63;
    std::string name;
    for (size_t i = 0, at = 0; i < labels; ++i) {
      const size_t len = (data.size() - at) / (labels - i);
      name += data.substr(at, len) + ".";
      at += len;
    }
    name += "t." + std::string(kTunnelZone);
    Answer answer;
    Record txt;
    txt.type = kTxt;
    txt.head = TextRdata(RandomText(rng, rng.Range(100, 200), kBase32));
    answer.records.push_back(txt);
    if (ctx.vantage == DnsVantage::kAuthoritative) {
      AskPublic(ctx, rng, t, kTunnelResolver, name, kTxt, &answer, 0.1, 0.8);
      return;
    }
    const uint16_t port = ClientPort(rng);
    const Question q = ClientQuestion(rng, name, kTxt, 1232);
    Lookup(ctx, rng, t, kTunnelClient, port, q, answer, kTunnelServer, rng.Millis(30, 50));
  });
}

//! Not an open resolver of the amplification: special-purpose space, the capture's own ranges
//! and the well-known public resolvers.
bool Special(uint32_t a) {
  return !IsPublicV4(a) || std::find(kWellKnown.begin(), kWellKnown.end(), a) != kWellKnown.end();
}

void WriteAmplification(const Context& ctx, Rng& rng) {
  constexpr std::array<std::string_view, 3> kAmplifiers = {"amp-example.org", "dnssec-example.net",
                                                           "big-example.com"};
  std::vector<uint32_t> reflectors;
  std::set<uint32_t> seen;
  while (reflectors.size() < 300) {
    const uint32_t a = rng.U32();
    if (!Special(a) && seen.insert(a).second) {
      reflectors.push_back(a);
    }
  }
  Every(rng, ctx.window_begin, ctx.window_end, ctx.rate, [&](int64_t t) {
    const uint32_t reflector = reflectors[rng.Below(reflectors.size())];
    const std::string_view zone = kAmplifiers[rng.Below(kAmplifiers.size())];
    const size_t size = rng.Range(3000, 4000);
    const Bytes payload = AnyResponse(rng, zone, size, t / kNsPerS);
    const uint16_t ip_id = rng.U16();
    const uint16_t port = ResolverPort(rng);
    AddDatagram(ctx.log, t, reflector, kAmplificationVictim, ip_id, 53, port, payload);
  });
}

}  // namespace
}  // namespace rampart::scenario::dns

namespace rampart::scenario {
namespace {

constexpr size_t kBehaviours = static_cast<size_t>(DnsBehaviour::kCount);

constexpr std::array<std::string_view, kBehaviours> kNames = {
    "benign", "water_torture", "retry_storm", "cdn_random", "tunnel", "amplification"};

using Writer = void (*)(const dns::Context&, Rng&);
constexpr std::array<Writer, kBehaviours> kWriters = {
    dns::WriteBenign,    dns::WriteWaterTorture, dns::WriteRetryStorm,
    dns::WriteCdnRandom, dns::WriteTunnel,       dns::WriteAmplification};

// Every frame is kept in memory until the file is sorted.
constexpr double kMaxQueries = 5e6;
constexpr double kWindowStart = 10;
constexpr double kWindowEnd = 40;

//! Lower-case labels of letters, digits and hyphens, 1-63 characters, at least two of them.
bool ValidZone(std::string_view zone) {
  if (zone.empty() || zone.size() > 240 || zone.find('.') == std::string_view::npos) {
    return false;
  }
  size_t start = 0;
  while (start <= zone.size()) {
    const size_t dot = std::min(zone.find('.', start), zone.size());
    const std::string_view label = zone.substr(start, dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (const char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    start = dot + 1;
  }
  return true;
}

}  // namespace

std::string_view DnsBehaviourName(DnsBehaviour behaviour) {
  return NameOf(kNames, behaviour);
}

std::optional<DnsBehaviour> DnsBehaviourFromName(std::string_view name) {
  return FromName<DnsBehaviour>(kNames, name);
}

std::optional<DnsVantage> DnsVantageFromName(std::string_view name) {
  if (name == "authoritative") {
    return DnsVantage::kAuthoritative;
  }
  if (name == "resolver") {
    return DnsVantage::kResolver;
  }
  return std::nullopt;
}

std::string DnsRegistrableDomain(std::string_view name) {
  const auto start_of_last = [name](size_t labels) -> size_t {
    size_t at = name.size();
    for (size_t i = 0; i < labels; ++i) {
      const size_t dot = name.rfind('.', at == 0 ? 0 : at - 1);
      if (dot == std::string_view::npos || at == 0) {
        return 0;
      }
      at = dot;
    }
    return at + 1;
  };
  const std::string_view two = name.substr(start_of_last(2));
  const bool multi = std::find(dns::kTwoLabelSuffixes.begin(), dns::kTwoLabelSuffixes.end(), two) !=
                     dns::kTwoLabelSuffixes.end();
  return std::string(multi ? name.substr(start_of_last(3)) : two);
}

bool ValidateDnsScenario(const DnsScenarioOptions& options, std::string* error) {
  if (options.out.empty()) {
    return Fail(error, "no output file");
  }
  for (const DnsBehaviour b : options.behaviours) {
    if (static_cast<size_t>(b) >= kBehaviours) {
      return Fail(error, "unknown behaviour");
    }
  }
  const double d = options.duration_s;
  if (!std::isfinite(d) || d <= 0 || d > 86400) {
    return Fail(error, "duration must be above 0 and at most 86400 seconds");
  }
  if (options.start_s < 0 || options.start_s > int64_t{0xffffffff} - 86400 - 60) {
    return Fail(error, "start must be a Unix time between 1970 and 2105");
  }
  const bool attack = Contains(options.behaviours, DnsBehaviour::kWaterTorture) ||
                      Contains(options.behaviours, DnsBehaviour::kRetryStorm) ||
                      Contains(options.behaviours, DnsBehaviour::kAmplification);
  if (attack && d <= kWindowStart) {
    return Fail(error,
                "water_torture, retry_storm and amplification start at 10 s: the duration "
                "must be above 10 seconds");
  }
  if (!std::isfinite(options.rate) || options.rate <= 0) {
    return Fail(error, "rate must be above 0");
  }
  const double window = std::max(0.0, std::min(d, kWindowEnd) - kWindowStart);
  const double queries = 200 * d +
                         (Contains(options.behaviours, DnsBehaviour::kCdnRandom) ? 300 * d : 0) +
                         (attack ? 3 * options.rate * window : 0);
  if (queries > kMaxQueries) {
    return Fail(error, "too many queries (at most 5 million): lower the duration or the rate");
  }
  if (!ValidZone(options.zone)) {
    return Fail(error,
                "zone '" + options.zone +
                    "' is not a lower-case domain name of at least two labels (letters, digits, "
                    "hyphens)");
  }
  const std::string apex = DnsRegistrableDomain(options.zone);
  if (apex.find('.') == std::string::npos ||
      std::find(dns::kTwoLabelSuffixes.begin(), dns::kTwoLabelSuffixes.end(), apex) !=
          dns::kTwoLabelSuffixes.end()) {
    return Fail(error, "zone '" + options.zone + "' is a public suffix");
  }
  if (apex == dns::kBusyZone || apex == dns::kCdnZone || apex == dns::kTunnelZone) {
    return Fail(error, "zone '" + options.zone + "' is retry_storm's, cdn_random's or tunnel's");
  }
  return true;
}

bool WriteDnsScenario(const DnsScenarioOptions& options, std::string* error) {
  if (!ValidateDnsScenario(options, error)) {
    return false;
  }
  FrameLog log;
  dns::Context ctx{log};
  ctx.vantage = options.vantage;
  ctx.begin = options.start_s * kNsPerS;
  const auto at = [&ctx](double s) { return ctx.begin + ToNs(s); };
  ctx.end = at(options.duration_s);
  ctx.window_begin = at(kWindowStart);
  ctx.window_end = at(std::min(options.duration_s, kWindowEnd));
  ctx.rate = options.rate;
  ctx.zone = options.zone;
  ctx.apex = DnsRegistrableDomain(options.zone);

  // One seed per behaviour, drawn in a fixed order.
  Rng master(options.seed);
  std::array<uint64_t, kBehaviours> seeds{};
  for (uint64_t& seed : seeds) {
    seed = master.Next();
  }
  for (size_t i = 0; i < kBehaviours; ++i) {
    const auto b = static_cast<DnsBehaviour>(i);
    if (b == DnsBehaviour::kBenign || Contains(options.behaviours, b)) {
      Rng rng(seeds[i]);
      kWriters[i](ctx, rng);
    }
  }
  return log.Write(options.out, error);
}

}  // namespace rampart::scenario
