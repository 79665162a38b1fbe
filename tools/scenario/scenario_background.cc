// The scenario's benign background: web sessions, DNS lookups and NTP polls.
#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "scenario/scenario_internal.h"

namespace rampart::scenario::internal {
namespace {

std::string HttpDate(int64_t ts_ns) {
  const std::time_t seconds = static_cast<std::time_t>(ts_ns / kNsPerS);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  const size_t n = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return std::string(buffer, n);
}

}  // namespace

//! An HTTP/1.1 200 response of exactly `total` bytes (headers and HTML body).
Bytes HttpResponse(size_t total, int64_t ts, bool keep_alive) {
  std::string body_length = "0";
  std::string head;
  for (int pass = 0; pass < 3; ++pass) {
    head = "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: " + HttpDate(ts) +
           "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " + body_length +
           "\r\nConnection: " + (keep_alive ? "keep-alive" : "close") + "\r\n\r\n";
    body_length = std::to_string(total > head.size() ? total - head.size() : 0);
  }
  Bytes out = FromText(head);
  Append(out, HtmlBody(total > head.size() ? total - head.size() : 0));
  return out;
}

namespace {

Host MakeClient(const IpAddress& addr, Rng& rng) {
  Host h;
  h.addr = addr;
  h.windows = rng.Chance(0.45);
  h.ttl = static_cast<uint8_t>(h.windows ? rng.Range(110, 128) : rng.Range(48, 64));
  return h;
}

}  // namespace

//! Background clients: 203.0.113.1-254 (then random public addresses) or random interface IDs
//! in 2001:db8:c::/64.
std::vector<Host> MakeClients(size_t count, bool v6, Rng& rng) {
  std::vector<Host> clients;
  std::set<IpAddress> seen;
  const IpAddress v6_base = ParseAddress("2001:db8:c::");
  for (size_t i = 0; clients.size() < count; ++i) {
    IpAddress addr;
    if (v6) {
      std::array<uint8_t, 16> random{};
      rng.Fill(random.data(), random.size());
      addr = MixHost(v6_base, 64, random.data());
    } else if (i < 254) {
      addr = IpAddress::V4(0xcb007100u + static_cast<uint32_t>(i + 1));
    } else {
      addr = RandomPublicV4(rng);
    }
    if (seen.insert(addr).second) {
      clients.push_back(MakeClient(addr, rng));
    }
  }
  return clients;
}

namespace {

//! Web sessions: handshake, one request (HTTP GET on 80, a TLS record on 443), a 1000-1400
//! byte answer, and the FIN/ACK exchange.
class WebStream : public SessionStream {
 public:
  WebStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed, const Scene& scene,
            std::vector<Host> clients)
      : SessionStream(begin_ns, end_ns, pps, seed,
                      static_cast<size_t>(std::max(1.0, std::round(pps / 50)))),
        scene_(scene),
        clients_(std::move(clients)),
        picker_(clients_.size()) {}

 protected:
  std::unique_ptr<Session> NewSession(size_t /*slot*/, int64_t ts) override {
    const Host& client = clients_[picker_.Next(rng_)];
    const bool https = rng_.Chance(0.6);
    const uint16_t port = client.windows ? rng_.Port(49152, 65535) : rng_.Port(32768, 60999);
    TcpConversation conn(client, port, scene_.server, https ? 443 : 80, rng_);
    const size_t answer = rng_.Range(1000, 1400);
    const Bytes request =
        https ? TlsRecord(200, rng_) : FromText("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
    const Bytes response = https ? TlsRecord(answer, rng_) : HttpResponse(answer, ts, false);
    std::vector<Frame> frames;
    frames.push_back(conn.Syn());
    frames.push_back(conn.SynAck());
    frames.push_back(conn.Segment(true, kAck));
    frames.push_back(conn.Segment(true, kPsh | kAck, request));
    frames.push_back(conn.Segment(false, kPsh | kAck, response));
    frames.push_back(conn.Segment(true, kAck));
    frames.push_back(conn.Segment(true, kFin | kAck));
    frames.push_back(conn.Segment(false, kFin | kAck));
    frames.push_back(conn.Segment(true, kAck));
    return std::make_unique<ScriptedSession>(std::move(frames));
  }

 private:
  Scene scene_;
  std::vector<Host> clients_;
  Shuffler picker_;
};

//! The target's DNS lookup through its resolver, answered with one A record.
std::vector<Frame> DnsLookup(Rng& rng, const Scene& scene, int64_t /*ts*/) {
  static const std::vector<std::string> kNames = {
      "www.example.com",     "api.example.net",    "cdn.example.org",   "mail.example.com",
      "updates.example.net", "time.example.org",   "login.example.com", "static.example.net",
      "www.example.org",     "images.example.com", "db1.example.net",   "ocsp.example.org"};
  const Bytes query = DnsQuery(rng.U16(), rng.Pick(kNames), 1);
  const uint16_t port = rng.Port(32768, 60999);
  const Bytes answer =
      DnsAnswer(query, V4Value(RandomPublicV4(rng)), static_cast<uint32_t>(rng.Range(30, 3600)));
  std::vector<Frame> frames;
  frames.push_back(UdpFrame(false, Spec(scene.server.addr, scene.resolver, 64, rng.U16(), false),
                            port, 53, query));
  frames.push_back(UdpFrame(true, Spec(scene.resolver, scene.server.addr, 61, rng.U16(), false), 53,
                            port, answer));
  return frames;
}

//! The target's NTP client polling its server.
std::vector<Frame> NtpPoll(Rng& rng, const Scene& scene, int64_t ts) {
  const uint16_t port = rng.Port(32768, 60999);
  std::vector<Frame> frames;
  frames.push_back(UdpFrame(false, Spec(scene.server.addr, scene.ntp_server, 64, rng.U16(), true),
                            port, 123, NtpRequest(ts)));
  frames.push_back(UdpFrame(true, Spec(scene.ntp_server, scene.server.addr, 57, rng.U16(), true),
                            123, port, NtpReply(ts, ts + 4 * kNsPerS / 1000)));
  return frames;
}

//! Exchanges of the target with one of its servers, one slot per 100 packets/s.
class ExchangeStream : public SessionStream {
 public:
  using Exchange = std::vector<Frame> (*)(Rng& rng, const Scene& scene, int64_t ts);

  ExchangeStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed, const Scene& scene,
                 Exchange exchange)
      : SessionStream(begin_ns, end_ns, pps, seed,
                      static_cast<size_t>(std::max(1.0, std::round(pps / 100)))),
        scene_(scene),
        exchange_(exchange) {}

 protected:
  std::unique_ptr<Session> NewSession(size_t /*slot*/, int64_t ts) override {
    return std::make_unique<ScriptedSession>(exchange_(rng_, scene_, ts));
  }

 private:
  Scene scene_;
  Exchange exchange_;
};

}  // namespace

std::unique_ptr<Stream> MakeWebStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed,
                                      const Scene& scene, std::vector<Host> clients) {
  return std::make_unique<WebStream>(begin_ns, end_ns, pps, seed, scene, std::move(clients));
}

std::unique_ptr<Stream> MakeDnsStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed,
                                      const Scene& scene) {
  return std::make_unique<ExchangeStream>(begin_ns, end_ns, pps, seed, scene, DnsLookup);
}

std::unique_ptr<Stream> MakeNtpStream(int64_t begin_ns, int64_t end_ns, double pps, uint64_t seed,
                                      const Scene& scene) {
  return std::make_unique<ExchangeStream>(begin_ns, end_ns, pps, seed, scene, NtpPoll);
}

}  // namespace rampart::scenario::internal
