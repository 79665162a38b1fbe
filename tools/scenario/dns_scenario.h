#pragma once
// DNS traffic for the tests and the demo of the water-torture (random-subdomain) detector
// (`rampart-gen dns`). It has benign lookups, Mirai's DNS water torture (mirai-facts.md §2.3),
// and look-alikes that a detector must not flag (§3.3, §4.1). Nothing is ever sent: the
// generator only writes files.
//
// Vantage points (--vantage):
//   authoritative (default)  The capture is taken at the authoritative server 198.51.100.53 of a
//       DNS hosting provider, which serves every zone below. Queries come from public recursive
//       resolvers: a pool of 40 in 203.0.113.10-203.0.113.49, plus 8.8.8.8, 8.8.4.4, 1.1.1.1 and
//       9.9.9.9. Where a behaviour does not say otherwise, a resolver is drawn with weights
//       15, 10, 12 and 5 % for the four well-known ones; the other 58 % are spread evenly over
//       the pool.
//       - A resolver's query: RD=0, EDNS (UDP size 1232, DO), a random ID and a random source
//         port 1024-65535.
//       - The server's answer: AA, the OPT echoed, 0.1-0.8 ms after the query unless a
//         behaviour says otherwise.
//   resolver  The capture is taken at the recursive resolver 10.0.0.53 of an ISP or a campus.
//       - Inside clients in 10.1.0.0/16 ask it (RD=1). Benign clients are 10.1.10.1-10.1.49.254,
//         use Linux ephemeral ports, and 30 % of them send EDNS (UDP size 1232).
//       - The resolver answers from its cache 0.03-0.15 ms later when it can. Otherwise it
//         forwards the question 0.05-0.3 ms later to the zone's authoritative server in
//         192.0.2.0/24 (RD=0, EDNS 1232 with DO, a new random ID and port 1024-65535). It relays
//         the answer (RA, the question's RD, OPT only if the client sent one) 0.02-0.1 ms after
//         that server's answer.
//       - Both legs are in the capture.
//       - The zones' servers: the 50 benign zones are 192.0.2.100-192.0.2.149 (in the order of
//         kZones in dns_scenario.cc), the water-torture victim is 192.0.2.53, busy-example.com is
//         192.0.2.80 and 192.0.2.81, cdn-example.net is 192.0.2.90, and tunnel-example.org is
//         192.0.2.70.
//
// Packets are Ethernet/IPv4/UDP with correct checksums. DF is off and the IP ID is random. The
// TTL is 64 for local hosts. Remote hosts have a TTL of 48-60, fixed per address. Random ports
// skip 33434-33534, which tshark takes for traceroute.
// Local hosts are 10.0.0.0/8 and 198.51.100.0/24. A local host has the MAC
// 02:00:<four octets of its address> (198.51.100.53 is 02:00:c6:33:64:35). A remote host's
// frames carry the border router's MAC 02:00:00:00:00:01.
//
// Answers:
//   - NOERROR answers carry records derived from a hash of the name: A in 203.0.113.100-254,
//     AAAA in 2001:db8::/32, MX "10 mail.<zone>", TXT "v=spf1 include:_spf.<zone> ~all", and
//     HTTPS "1 . alpn=h2,h3".
//   - NXDOMAIN answers carry the zone's SOA in the authority section: ns1.<zone>,
//     hostmaster.<zone>, serial 2016102101, minimum 300.
//   - Records with a TTL are relayed with that TTL less the seconds they spent in the cache.
//
// Timeline, in seconds after --start (default 1477040400, 2016-10-21 09:00 UTC), over
// --duration (default 60). The attack window is from 10 s to min(40 s, duration).
//
// Behaviours. Each one is written over `benign`, which is always present. --rate (default
// 2000) counts the behaviour's queries per second that reach the DNS server at the capture
// point: the authoritative server, or 10.0.0.53.
//   benign          200 queries/s over the whole duration, one per 1/200 s slot at a random
//                   point of the slot. The names are 350: the apex and 6 hosts (www, mail and 4
//                   of api, cdn, static, img, login, m, shop, blog, news, app, auth, docs,
//                   status, video) of each of 50 zones (example.com, example.net, example.org,
//                   example.co.uk, shop.example.com.au, ...). They are drawn Zipf-like (weight
//                   1/rank, ranks shuffled by the seed). An apex is asked A, MX, TXT or HTTPS
//                   (40/25/20/15 %), a host A, AAAA or HTTPS (60/28/12 %). 3 % of the queries are
//                   typos of a host label (wwww, mial, ...) and are answered NXDOMAIN. The rest are
//                   answered NOERROR: TTL 300, 3600 for MX and TXT. At the resolver vantage, a
//                   query for a name and type already being fetched waits for that fetch. The
//                   upstream RTT of benign zone i is 5 + (7 i mod 50) ms, plus 0-2 ms of jitter.
//   water_torture   Mirai-style names: one random 12-character label of [a-w0-8], then --zone
//                   (default victim-example.com). The zone may be a multi-label public suffix
//                   case (victim.co.uk) or a deeper name (www.victim-example.com); the SOA is the
//                   registrable domain's (victim-example.com). Queries are qtype A, --rate
//                   per second in the attack window, in slots as above.
//                   authoritative: the queries come from the resolver pool. The server answers
//                   NXDOMAIN 2-15 ms after each query but drops 30 % of them (overloaded: no
//                   response). A resolver whose query was dropped retries 1 s later, up to 2
//                   times, with the same port, ID and name. A retry takes the first slot after
//                   it is due, so retries are part of --rate: about 72 % of the slots are new
//                   names. No retry is sent after the window ends.
//                   resolver: the inside bots 10.1.5.10-10.1.5.29 send the queries as Mirai does:
//                   RD only, no EDNS, a random ID, a random source port 1024-65535, and IP TTL
//                   64. 10.0.0.53 forwards each one to 192.0.2.53, which answers NXDOMAIN 25-40
//                   ms later. 10.0.0.53 relays the NXDOMAIN, with the SOA, to the bot.
//   retry_storm     Not an attack. 200 legitimate names of busy-example.com (40 service words x
//                   {"", "2", "3", "-eu", "-us"}) are asked again and again: A 75 %, AAAA 25 %, at
//                   --rate per second in the attack window. The zone's TTL is 0, so nothing is
//                   cached.
//                   authoritative: each query comes from a resolver drawn evenly from the whole
//                   pool of 44, with a new ID and port. The server is slow: it leaves half of
//                   the queries unanswered and answers the rest NOERROR 50-400 ms later.
//                   resolver: benign clients ask. 10.0.0.53 forwards to 192.0.2.80, which answers
//                   half of the queries 50-400 ms later. For the other half, 10.0.0.53 retries
//                   800 ms later at 192.0.2.81, which answers in 20-60 ms. Every client gets
//                   NOERROR.
//   cdn_random      Not an attack. Names of cdn-example.net with a random 16-hex-digit label
//                   (3f9a0c1b7d2e4f60.cdn-example.net), each asked once. 300 queries/s over the
//                   whole duration, qtype A. The answers are NOERROR with two A records, TTL
//                   20. They come from the resolver pool, or from benign clients through
//                   10.0.0.53 and 192.0.2.90 (RTT 8-15 ms).
//   tunnel          A DNS tunnel: 5 TXT queries/s over the whole duration. Each name is 50-180
//                   base32 characters ([a-z2-7]), cut evenly into labels of at most 63, then
//                   .t.tunnel-example.org. The answers are NOERROR with one TXT record (TTL 0) of
//                   100-200 base32 characters. The sender is the resolver 203.0.113.33
//                   (authoritative vantage), or the inside client 10.1.7.7 through 10.0.0.53 and
//                   192.0.2.70 (RTT 30-50 ms, EDNS 1232).
//   amplification   DNS amplification against 198.51.100.77, the same at both vantages. --rate
//                   responses per second arrive in the attack window from 300 open resolvers:
//                   public unicast addresses drawn from the seed, outside private, reserved,
//                   documentation and multicast space. Each response goes from port 53 to a
//                   random port 1024-65535 of the victim. It is 3000-4000 bytes of DNS: an ANY
//                   answer (QR, RD, RA, EDNS 4096 with DO) for amp-example.org,
//                   dnssec-example.net or big-example.com, with DNSKEY, RRSIG and TXT records.
//                   It is sent as IPv4 fragments of at most 1480 payload bytes, 1.2 µs apart.
//                   The first fragment carries the UDP header; the others are non-first
//                   fragments. The victim's queries are not in the capture.
//
// `all` is benign + water_torture + retry_storm + cdn_random + tunnel (not amplification). Each
// has its own zone, so there is exactly one water torture.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/capture_options.h"

namespace rampart::scenario {

enum class DnsBehaviour : uint8_t {
  kBenign,
  kWaterTorture,
  kRetryStorm,
  kCdnRandom,
  kTunnel,
  kAmplification,
  kCount
};
//! "benign", "water_torture", "retry_storm", "cdn_random", "tunnel", "amplification".
std::string_view DnsBehaviourName(DnsBehaviour behaviour);
std::optional<DnsBehaviour> DnsBehaviourFromName(std::string_view name);

enum class DnsVantage : uint8_t { kAuthoritative, kResolver };
//! "authoritative" or "resolver".
std::optional<DnsVantage> DnsVantageFromName(std::string_view name);

struct DnsScenarioOptions : CaptureOptions {
  double duration_s = 60;                   // length of the background (benign, cdn, tunnel)
  double rate = 2000;                       // water_torture, retry_storm, amplification per second
  std::string zone = "victim-example.com";  // water_torture's target zone
  DnsVantage vantage = DnsVantage::kAuthoritative;
  std::vector<DnsBehaviour> behaviours;  // benign is always written
};

//! The registrable domain of `name`: its last two labels, or three when the last two are a
//! known two-label public suffix (co.uk, com.au, ...). For example, www.victim.co.uk gives
//! victim.co.uk.
std::string DnsRegistrableDomain(std::string_view name);

//! Checks the options; false with `error` when they cannot make a capture.
bool ValidateDnsScenario(const DnsScenarioOptions& options, std::string* error);

//! Writes the capture as a nanosecond pcap with Ethernet frames, packets in timestamp order.
//! False with `error` on invalid options or a write failure.
bool WriteDnsScenario(const DnsScenarioOptions& options, std::string* error);

}  // namespace rampart::scenario
