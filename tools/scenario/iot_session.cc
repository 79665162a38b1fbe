#include "scenario/iot_session.h"

#include <algorithm>
#include <array>
#include <string>

namespace rampart::scenario::iot {

bool OnLan(const IpAddress& a) {
  return a.IsV4() && (V4Value(a) >> 8) == 0xc0a801;
}

uint64_t MacOf(const IpAddress& a) {
  if (OnLan(a)) {
    return 0x020000000100 | a.bytes[3];
  }
  return 0x020000000000 | V4Value(a);
}

Macs LanMacs(const IpAddress& src, const IpAddress& dst) {
  const uint64_t gateway = 0x020000000101;  // 192.168.1.1
  Macs macs{MacOf(src), MacOf(dst)};
  if (OnLan(src) != OnLan(dst)) {
    (OnLan(src) ? macs.dst : macs.src) = gateway;
  }
  return macs;
}

Peer EmbeddedPeer(const IpAddress& addr, uint8_t ttl) {
  return {.addr = addr,
          .ttl = ttl,
          .syn_window = 5840,
          .synack_window = 5792,
          .wscale = 2,
          .window = 1460};
}

Peer LinuxPeer(const IpAddress& addr, uint8_t ttl) {
  return {.addr = addr, .ttl = ttl};
}

// ---------------------------------------------------------------------------------------------

TcpFlow::TcpFlow(FrameLog& log, Rng& rng, const Peer& client, uint16_t client_port,
                 const Peer& server, uint16_t server_port, int64_t rtt_ns)
    : log_(log), rng_(rng), rtt_(std::max<int64_t>(rtt_ns, Ms(0.2))) {
  client_.peer = client;
  client_.port = client_port;
  client_.seq = rng.U32();
  client_.ip_id = rng.U16();
  client_.ts_base = rng.U32();
  server_.peer = server;
  server_.port = server_port;
  server_.seq = rng.U32();
  server_.ip_id = rng.U16();
  server_.ts_base = rng.U32();
}

void TcpFlow::Emit(Side& from, Side& to, int64_t at, uint8_t flags, const uint8_t* data,
                   size_t len) {
  at = std::max(at, last_);
  last_ = at;
  TcpSpec tcp{.src_port = from.port,
              .dst_port = to.port,
              .seq = from.seq,
              .ack = (flags & kAck) != 0 ? to.seq : 0,
              .flags = flags};
  const uint32_t tsval = from.ts_base + static_cast<uint32_t>(at / kNsPerMs);
  if ((flags & kSyn) != 0) {
    tcp.window = (flags & kAck) != 0 ? from.peer.synack_window : from.peer.syn_window;
    // The echo is 0 in a SYN, the SYN's TSval in a SYN-ACK.
    tcp.options = LinuxSynOptions(from.peer.mss, tsval, from.ts_seen, from.peer.wscale);
  } else {
    tcp.window = from.peer.window;
    tcp.options = {1, 1};
    PutTimestamps(tcp.options, tsval, from.ts_seen);
  }
  PacketBuilder b = EthernetFor(from.peer.addr, to.peer.addr);
  b.Ip(Spec(from.peer.addr, to.peer.addr, from.peer.ttl, from.ip_id++, true), 6).Tcp(tcp);
  if (len > 0) {
    b.Payload(data, len);
  }
  log_.Add(at, b.Finish());
  to.ts_seen = tsval;
  from.seq += static_cast<uint32_t>(len) + ((flags & (kSyn | kFin)) != 0 ? 1 : 0);
  if ((flags & kAck) != 0) {
    from.ack_due = -1;  // this segment acknowledges everything so far
  }
  if (len > 0 || (flags & kFin) != 0) {
    to.ack_due = at + rtt_ / 2 + rng_.Millis(0, 2);
  }
}

void TcpFlow::FlushBefore(int64_t at) {
  while (true) {
    Side* first = nullptr;
    for (Side* side : {&client_, &server_}) {
      if (side->ack_due >= 0 && side->ack_due < at &&
          (first == nullptr || side->ack_due < first->ack_due)) {
        first = side;
      }
    }
    if (first == nullptr) {
      return;
    }
    Side& other = first == &client_ ? server_ : client_;
    Emit(*first, other, first->ack_due, kAck, nullptr, 0);
  }
}

void TcpFlow::Flush() {
  FlushBefore(INT64_MAX);
}

int64_t TcpFlow::Connect(int64_t at) {
  if (!client_.syn_sent) {
    Emit(client_, server_, at, kSyn, nullptr, 0);
  } else {
    client_.seq += 1;  // the SYN sent by SynOnly()
  }
  client_.syn_sent = true;
  Emit(server_, client_, at + rtt_ / 2, kSyn | kAck, nullptr, 0);
  Emit(client_, server_, at + rtt_, kAck, nullptr, 0);
  return last_;
}

void TcpFlow::SynOnly(int64_t at) {
  const uint32_t isn = client_.seq;
  Emit(client_, server_, at, kSyn, nullptr, 0);
  client_.seq = isn;
  client_.syn_sent = true;
}

int64_t TcpFlow::Send(bool from_client, int64_t at, const Bytes& data) {
  FlushBefore(at);
  Side& from = from_client ? client_ : server_;
  Side& to = from_client ? server_ : client_;
  const size_t mss = std::min(client_.peer.mss, server_.peer.mss) - 12u;
  for (size_t offset = 0; offset < data.size(); offset += mss) {
    const size_t n = std::min(mss, data.size() - offset);
    const bool last = offset + n == data.size();
    Emit(from, to, at, static_cast<uint8_t>(kAck | (last ? kPsh : 0)), data.data() + offset, n);
    at += 1000 + static_cast<int64_t>(n) * 80;  // back to back at about 100 Mbit/s
  }
  return last_;
}

int64_t TcpFlow::Close(bool client_first, int64_t at) {
  FlushBefore(at);
  Side& first = client_first ? client_ : server_;
  Side& second = client_first ? server_ : client_;
  Emit(first, second, at, kFin | kAck, nullptr, 0);
  Emit(second, first, at + rtt_ / 2 + rng_.Millis(0, 1), kFin | kAck, nullptr, 0);
  Emit(first, second, last_ + rtt_ / 2, kAck, nullptr, 0);
  return last_;
}

// ---------------------------------------------------------------------------------------------
// Logins: telnet (Mirai's state machine, a brute force, a normal user), the Mirai report-back,
// FTP, HTTP Basic, POP3, IMAP and SSH.
namespace {

constexpr uint8_t kIac = 255;
constexpr uint8_t kDo = 253;
constexpr uint8_t kWont = 252;
constexpr uint8_t kWill = 251;
constexpr uint8_t kSb = 250;
constexpr uint8_t kSe = 240;
constexpr uint8_t kEcho = 1;
constexpr uint8_t kSga = 3;
constexpr uint8_t kTtype = 24;
constexpr uint8_t kNaws = 31;

struct Credential {
  std::string_view user;
  std::string_view pass;
  uint8_t weight;
};

// Mirai's scanner dictionary (mirai-facts.md §1.5), in table order; the weights sum to 152.
constexpr std::array<Credential, 62> kMiraiCredentials = {{
    {"root", "xc3511", 10},
    {"root", "vizxv", 9},
    {"root", "admin", 8},
    {"admin", "admin", 7},
    {"root", "888888", 6},
    {"root", "xmhdipc", 5},
    {"root", "default", 5},
    {"root", "juantech", 5},
    {"root", "123456", 5},
    {"root", "54321", 5},
    {"support", "support", 5},
    {"root", "", 4},
    {"admin", "password", 4},
    {"root", "root", 4},
    {"root", "12345", 4},
    {"user", "user", 3},
    {"admin", "", 3},
    {"root", "pass", 3},
    {"admin", "admin1234", 3},
    {"root", "1111", 3},
    {"admin", "smcadmin", 3},
    {"admin", "1111", 2},
    {"root", "666666", 2},
    {"root", "password", 2},
    {"root", "1234", 2},
    {"root", "klv123", 1},
    {"Administrator", "meinsm", 1},
    {"service", "service", 1},
    {"supervisor", "supervisor", 1},
    {"guest", "guest", 1},
    {"guest", "12345", 1},
    {"guest", "12345", 1},
    {"admin1", "password", 1},
    {"administrator", "1234", 1},
    {"666666", "666666", 1},
    {"888888", "888888", 1},
    {"ubnt", "ubnt", 1},
    {"root", "klv1234", 1},
    {"root", "Zte521", 1},
    {"root", "hi3518", 1},
    {"root", "jvbzd", 1},
    {"root", "anko", 4},
    {"root", "zlxx.", 1},
    {"root", "7ujMko0vizxv", 1},
    {"root", "7ujMko0admin", 1},
    {"root", "system", 1},
    {"root", "ikwb", 1},
    {"root", "dreambox", 1},
    {"root", "user", 1},
    {"root", "realtek", 1},
    {"root", "00000000", 1},
    {"admin", "1111111", 1},
    {"admin", "1234", 1},
    {"admin", "12345", 1},
    {"admin", "54321", 1},
    {"admin", "123456", 1},
    {"admin", "7ujMko0admin", 1},
    {"admin", "4321", 1},
    {"admin", "pass", 1},
    {"admin", "meinsm", 1},
    {"tech", "tech", 1},
    {"mother", "fucker", 1},
}};

constexpr std::string_view kBusyboxBanner =
    "\r\n\r\nBusyBox v1.19.3 (2015-08-12 11:03:52 CST) built-in shell (ash)\r\n"
    "Enter 'help' for a list of built-in commands.\r\n\r\n";

//! Round-trip time of a connection: a LAN's or the Internet's.
int64_t Rtt(Rng& rng, const Peer& a, const Peer& b) {
  return OnLan(a.addr) && OnLan(b.addr) ? rng.Millis(0.3, 2) : rng.Millis(20, 180);
}

//! When the other side's answer to a packet sent at `t` shows up: half an RTT and some work.
int64_t Reply(const TcpFlow& flow, int64_t t, Rng& rng, double lo_ms, double hi_ms) {
  return t + flow.rtt() / 2 + rng.Millis(lo_ms, hi_ms);
}

//! A new connection from `client`, from a fresh ephemeral port, to `server`:`port`.
TcpFlow Connection(FrameLog& log, Rng& rng, const Peer& client, const Peer& server, uint16_t port) {
  return TcpFlow(log, rng, client, EphemeralPort(rng), server, port, Rtt(rng, client, server));
}

//! A cleartext login session of one command per line (FTP, POP3, IMAP): a new connection at
//! `start`, the server's greeting `greet_ms` after the handshake, then each command `think_ms`
//! after the last answer and its answer (CRLF included) `work_ms` after it; the server closes.
struct Dialogue {
  Peer client;
  Peer server;
  uint16_t port = 0;
  int64_t start = 0;
  std::array<double, 2> greet_ms{};
  std::string greeting;
  std::vector<std::pair<std::string_view, std::string>> exchange;
  std::array<double, 2> think_ms{};
  std::array<double, 2> work_ms{};
};

std::string Line(std::string_view text) {
  return std::string(text) + "\r\n";
}

void WriteDialogue(FrameLog& log, Rng& rng, const Dialogue& d) {
  TcpFlow flow = Connection(log, rng, d.client, d.server, d.port);
  int64_t t = flow.Connect(d.start);
  t = flow.Send(false, t + rng.Millis(d.greet_ms[0], d.greet_ms[1]), d.greeting);
  for (const auto& [command, answer] : d.exchange) {
    t = flow.Send(true, Reply(flow, t, rng, d.think_ms[0], d.think_ms[1]), Line(command));
    t = flow.Send(false, Reply(flow, t, rng, d.work_ms[0], d.work_ms[1]), answer);
  }
  flow.Close(false, t + rng.Millis(0.1, 1));
}

//! BusyBox telnetd's opening: DO ECHO, DO NAWS, WILL ECHO, WILL SGA.
Bytes BusyboxNegotiation() {
  return {kIac, kDo, kEcho, kIac, kDo, kNaws, kIac, kWill, kEcho, kIac, kWill, kSga};
}

//! Mirai's answers (§1.4): WILL NAWS and an 80x24 window for DO NAWS, WONT for any other DO,
//! DO for any WILL.
Bytes MiraiIacReply(const Bytes& in) {
  Bytes out;
  for (size_t i = 0; i + 2 < in.size() && in[i] == kIac; i += 3) {
    const uint8_t verb = in[i + 1];
    const uint8_t option = in[i + 2];
    if (verb == kDo && option == kNaws) {
      const Bytes naws = {kIac, kWill, kNaws, kIac, kSb, kNaws, 0, 80, 0, 24, kIac, kSe};
      Append(out, naws);
    } else if (verb == kDo) {
      const Bytes wont = {kIac, kWont, option};
      Append(out, wont);
    } else if (verb == kWill) {
      const Bytes do_it = {kIac, kDo, option};
      Append(out, do_it);
    }
  }
  return out;
}

//! A list of `count` SSH name-list strings.
void PutNameLists(Bytes& out, std::initializer_list<std::string_view> lists) {
  for (std::string_view list : lists) {
    Put32(out, static_cast<uint32_t>(list.size()));
    Append(out, list);
  }
}

void PutString(Bytes& out, const Bytes& data) {
  Put32(out, static_cast<uint32_t>(data.size()));
  Append(out, data);
}

//! A cleartext SSH binary packet (block size 8, no MAC) around `payload`.
Bytes SshPacket(const Bytes& payload, Rng& rng) {
  size_t padding = 8 - (5 + payload.size()) % 8;
  if (padding < 4) {
    padding += 8;
  }
  Bytes out;
  Put32(out, static_cast<uint32_t>(1 + payload.size() + padding));
  out.push_back(static_cast<uint8_t>(padding));
  Append(out, payload);
  Append(out, rng.RandomBytes(padding));
  return out;
}

Bytes SshKexInit(Rng& rng, bool server) {
  Bytes p = {20};
  Append(p, rng.RandomBytes(16));
  const std::string_view ciphers =
      server ? "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
               "aes128-gcm@openssh.com,aes256-gcm@openssh.com"
             : "aes128-ctr,aes192-ctr,aes256-ctr,aes128-cbc,3des-cbc";
  const std::string_view macs =
      server ? "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
               "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
               "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"
             : "hmac-sha2-256,hmac-sha1,hmac-sha1-96,hmac-md5";
  PutNameLists(p, {server ? "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
                            "ecdh-sha2-nistp384,ecdh-sha2-nistp521,"
                            "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
                            "diffie-hellman-group14-sha256"
                          : "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,"
                            "diffie-hellman-group14-sha1,diffie-hellman-group1-sha1",
                   server ? "ssh-rsa,rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519"
                          : "ssh-rsa,ssh-dss",
                   ciphers, ciphers, macs, macs, server ? "none,zlib@openssh.com" : "none",
                   server ? "none,zlib@openssh.com" : "none", "", ""});
  p.push_back(0);  // first_kex_packet_follows
  Put32(p, 0);
  return SshPacket(p, rng);
}

//! Encrypted SSH packets (aes128-ctr + hmac-sha2-256): 16-byte blocks and a 32-byte MAC.
Bytes SshEncrypted(Rng& rng, size_t blocks) {
  return rng.RandomBytes(16 * blocks + 32);
}

}  // namespace

void MiraiCredential(Rng& rng, std::string_view* user, std::string_view* pass) {
  uint64_t r = rng.Below(152);
  for (const Credential& c : kMiraiCredentials) {
    if (r < c.weight) {
      *user = c.user;
      *pass = c.pass;
      return;
    }
    r -= c.weight;
  }
  *user = kMiraiCredentials[0].user;
  *pass = kMiraiCredentials[0].pass;
}

int64_t MiraiTelnetLogin(FrameLog& log, Rng& rng, const Peer& bot, uint16_t bot_port,
                         const Peer& device, int64_t at, std::string_view user,
                         std::string_view pass, bool success) {
  TcpFlow flow(log, rng, bot, bot_port, device, 23, Rtt(rng, bot, device));
  int64_t t = flow.Connect(at);
  const Bytes iacs = BusyboxNegotiation();
  t = flow.Send(false, t + rng.Millis(1, 15), iacs);
  t = flow.Send(true, Reply(flow, t, rng, 0.2, 3), MiraiIacReply(iacs));
  t = flow.Send(false, Reply(flow, t, rng, 20, 150), "\r\nlogin: ");
  t = flow.Send(true, Reply(flow, t, rng, 0.5, 5), Line(user));
  t = flow.Send(false, Reply(flow, t, rng, 5, 40), "Password: ");
  t = flow.Send(true, Reply(flow, t, rng, 0.5, 5), Line(pass));
  if (!success) {
    t = flow.Send(false, Reply(flow, t, rng, 1500, 3000), "\r\nLogin incorrect\r\n");
    return flow.Close(true, Reply(flow, t, rng, 0.5, 5));
  }
  t = flow.Send(false, Reply(flow, t, rng, 100, 400), std::string(kBusyboxBanner) + "# ");
  for (std::string_view command : {"enable", "system", "shell", "sh"}) {
    t = flow.Send(true, Reply(flow, t, rng, 0.5, 5), Line(command));
    const std::string answer =
        command == "sh" ? "# " : "-sh: " + std::string(command) + ": not found\r\n# ";
    t = flow.Send(false, Reply(flow, t, rng, 5, 30), answer);
  }
  t = flow.Send(true, Reply(flow, t, rng, 0.5, 5), "/bin/busybox MIRAI\r\n");
  t = flow.Send(false, Reply(flow, t, rng, 5, 30), "MIRAI: applet not found\r\n# ");
  return flow.Close(true, Reply(flow, t, rng, 0.5, 5));
}

int64_t MiraiReport(FrameLog& log, Rng& rng, const Peer& reporter, int64_t at, uint32_t victim,
                    uint16_t port, std::string_view user, std::string_view pass) {
  const Peer listener = LinuxPeer(Addr(kReportServer), 51);
  TcpFlow flow = Connection(log, rng, reporter, listener, 48101);
  int64_t t = flow.Connect(at);
  Bytes record = {0};
  Put32(record, victim);
  Put16(record, port);
  record.push_back(static_cast<uint8_t>(user.size()));
  Append(record, user);
  record.push_back(static_cast<uint8_t>(pass.size()));
  Append(record, pass);
  t = flow.Send(true, t + rng.Millis(0.1, 1), record);
  return flow.Close(true, t + flow.rtt());
}

void WriteTelnetBruteforce(const Context& ctx, Rng& rng) {
  const Peer attacker = LinuxPeer(Addr(kTelnetAttacker), 47);
  const Peer camera = EmbeddedPeer(Addr(kCamera), 64);
  int64_t t = ctx.begin + Sec(10);
  uint16_t port = EphemeralPort(rng);
  for (std::string_view pass :
       {"vizxv", "admin", "888888", "xmhdipc", "default", "juantech", "123456", "54321"}) {
    t = MiraiTelnetLogin(ctx.log, rng, attacker, port, camera, t, "root", pass, false);
    t += rng.Millis(200, 900);
    port = NextPort(port, rng);
  }
  t = MiraiTelnetLogin(ctx.log, rng, attacker, port, camera, t, "root", "xc3511", true);
  MiraiReport(ctx.log, rng, attacker, t + rng.Millis(300, 1500), kCamera, 23, "root", "xc3511");
}

void WriteInfectedReportback(const Context& ctx, Rng& rng) {
  MiraiReport(ctx.log, rng, EmbeddedPeer(Addr(kBot), 64), ctx.begin + Sec(40), kReportedVictim, 23,
              "root", "vizxv");
}

void WriteFtpDefault(const Context& ctx, Rng& rng) {
  WriteDialogue(ctx.log, rng,
                {.client = LinuxPeer(Addr(kFtpClient), 49),
                 .server = EmbeddedPeer(Addr(kNas), 64),
                 .port = 21,
                 .start = ctx.begin + Sec(12),
                 .greet_ms = {2, 20},
                 .greeting = "220 NAS FTP server ready.\r\n",
                 .exchange = {{"USER admin", "331 Password required for admin\r\n"},
                              {"PASS admin", "230 User admin logged in\r\n"},
                              {"SYST", "215 UNIX Type: L8\r\n"},
                              {"PWD", "257 \"/\" is the current directory\r\n"},
                              {"QUIT", "221 Goodbye.\r\n"}},
                 .think_ms = {100, 900},
                 .work_ms = {1, 20}});
}

void WriteTelnetNondefault(const Context& ctx, Rng& rng) {
  const Peer client = LinuxPeer(Addr(kLanClient), 64);
  const Peer router = EmbeddedPeer(Addr(kGateway), 64);
  TcpFlow flow = Connection(ctx.log, rng, client, router, 23);
  int64_t t = flow.Connect(ctx.begin + Sec(15));
  t = flow.Send(false, t + rng.Millis(1, 10),
                Bytes{kIac, kWill, kEcho, kIac, kWill, kSga, kIac, kDo, kNaws, kIac, kDo, kTtype});
  // A netkit telnet client: its own window size (120x40) and terminal type.
  t = flow.Send(true, Reply(flow, t, rng, 0.1, 1),
                Bytes{kIac,  kDo, kEcho, kIac, kDo, kSga, kIac, kWill, kNaws, kIac,  kSb,
                      kNaws, 0,   120,   0,    40,  kIac, kSe,  kIac,  kWill, kTtype});
  t = flow.Send(false, Reply(flow, t, rng, 0.5, 3), Bytes{kIac, kSb, kTtype, 1, kIac, kSe});
  Bytes ttype = {kIac, kSb, kTtype, 0};
  Append(ttype, std::string_view("XTERM-256COLOR"));
  Append(ttype, Bytes{kIac, kSe});
  t = flow.Send(true, Reply(flow, t, rng, 0.1, 1), ttype);
  t = flow.Send(false, Reply(flow, t, rng, 10, 60), "\r\nrouter login: ");
  t = flow.Send(true, Reply(flow, t, rng, 1500, 3000), "operator\r\n");
  t = flow.Send(false, Reply(flow, t, rng, 5, 30), "Password: ");
  t = flow.Send(true, Reply(flow, t, rng, 2000, 4000), "Tr0ub4dor&3\r\n");
  t = flow.Send(false, Reply(flow, t, rng, 200, 600),
                "\r\n\r\nBusyBox v1.24.1 () built-in shell (ash)\r\n\r\n$ ");
  t = flow.Send(true, Reply(flow, t, rng, 1500, 3000), "ls\r\n");
  t = flow.Send(false, Reply(flow, t, rng, 5, 30),
                "bin   dev   etc   lib   proc  sbin  sys   tmp   usr   var   www\r\n$ ");
  t = flow.Send(true, Reply(flow, t, rng, 2000, 4000), "exit\r\n");
  flow.Close(false, Reply(flow, t, rng, 1, 10));
}

void WriteHttpBasicDefault(const Context& ctx, Rng& rng) {
  const Peer client = LinuxPeer(Addr(kHttpClient), 52);
  const Peer camera = EmbeddedPeer(Addr(kCameraWeb), 64);
  TcpFlow flow = Connection(ctx.log, rng, client, camera, 80);
  int64_t t = flow.Connect(ctx.begin + Sec(18));
  const std::string request =
      "GET / HTTP/1.1\r\nHost: 192.168.1.51\r\nUser-Agent: " + std::string(kFirefoxUserAgent) +
      "\r\nAccept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"
      "Connection: keep-alive\r\n";
  const auto response = [](std::string_view status, std::string_view extra, std::string_view body) {
    return "HTTP/1.1 " + std::string(status) + "\r\nServer: uc-httpd 1.0.0\r\n" +
           std::string(extra) +
           "Content-Type: text/html\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: keep-alive\r\n\r\n" + std::string(body);
  };
  t = flow.Send(true, t + rng.Millis(0.1, 1), request + "\r\n");
  t = flow.Send(false, Reply(flow, t, rng, 2, 20),
                response("401 Unauthorized", "WWW-Authenticate: Basic realm=\"IPCamera Login\"\r\n",
                         "<html><head><title>401 Unauthorized</title></head><body><h1>401 "
                         "Unauthorized</h1></body></html>\n"));
  t = flow.Send(true, Reply(flow, t, rng, 800, 2000),
                request + "Authorization: Basic YWRtaW46MTIzNDU=\r\n\r\n");
  t = flow.Send(
      false, Reply(flow, t, rng, 5, 40),
      response("200 OK", "",
               "<html><head><title>IP Camera</title></head><body><h1>Live view</h1>"
               "<img src=\"/snapshot.jpg\" width=\"640\" height=\"480\"></body></html>\n"));
  flow.Close(true, Reply(flow, t, rng, 2000, 5000));
}

void WritePop3Login(const Context& ctx, Rng& rng) {
  WriteDialogue(ctx.log, rng,
                {.client = LinuxPeer(Addr(kLanClient), 64),
                 .server = LinuxPeer(Addr(kMailServer), 54),
                 .port = 110,
                 .start = ctx.begin + Sec(22),
                 .greet_ms = {1, 10},
                 .greeting = "+OK Dovecot ready.\r\n",
                 .exchange = {{"USER alice", "+OK\r\n"},
                              {"PASS s3cret pass", "+OK Logged in.\r\n"},
                              {"STAT", "+OK 2 3320\r\n"},
                              {"QUIT", "+OK Logging out.\r\n"}},
                 .think_ms = {1, 10},
                 .work_ms = {1, 30}});
}

void WriteImapLogin(const Context& ctx, Rng& rng) {
  const std::string capabilities =
      "[CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ AUTH=PLAIN]";
  WriteDialogue(
      ctx.log, rng,
      {.client = LinuxPeer(Addr(kLanClient), 64),
       .server = LinuxPeer(Addr(kMailServer), 54),
       .port = 143,
       .start = ctx.begin + Sec(25),
       .greet_ms = {1, 10},
       .greeting = "* OK " + capabilities + " Dovecot ready.\r\n",
       .exchange = {{"a1 LOGIN \"alice\" \"s3cret pass\"",
                     "a1 OK " + capabilities + " Logged in\r\n"},
                    {"a2 SELECT INBOX",
                     "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 2 EXISTS\r\n"
                     "* 0 RECENT\r\n* OK [UIDVALIDITY 1477000000] UIDs valid\r\n"
                     "a2 OK [READ-WRITE] Select completed.\r\n"},
                    {"a3 LOGOUT", "* BYE Logging out\r\na3 OK Logout completed.\r\n"}},
       .think_ms = {1, 20},
       .work_ms = {2, 40}});
}

void WriteSshBruteforce(const Context& ctx, Rng& rng) {
  const Peer attacker = LinuxPeer(Addr(kSshAttacker), 46);
  const Peer server = LinuxPeer(Addr(kSshServer), 64);
  uint16_t port = EphemeralPort(rng);
  for (int session = 0; session < 30; ++session) {
    port = NextPort(port, rng);
    TcpFlow flow(ctx.log, rng, attacker, port, server, 22, Rtt(rng, attacker, server));
    const int64_t start = ctx.begin + Sec(2 + 3 * session) + rng.Millis(0, 500);
    const int64_t stop = start + rng.Millis(1300, 2600);
    int64_t t = flow.Connect(start);
    t = flow.Send(false, t + rng.Millis(2, 8), "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7\r\n");
    t = flow.Send(true, Reply(flow, t, rng, 0.2, 2), "SSH-2.0-libssh2_1.8.0\r\n");
    t = flow.Send(true, t + rng.Millis(0.1, 1), SshKexInit(rng, false));
    t = flow.Send(false, Reply(flow, t, rng, 0.2, 2), SshKexInit(rng, true));
    Bytes init = {30};
    PutString(init, rng.RandomBytes(32));
    t = flow.Send(true, Reply(flow, t, rng, 0.5, 3), SshPacket(init, rng));
    Bytes modulus = rng.RandomBytes(257);  // a 2048-bit RSA modulus, as an mpint
    modulus[0] = 0;
    modulus[1] |= 0x80;
    Bytes host_key;
    PutString(host_key, FromText("ssh-rsa"));
    PutString(host_key, Bytes{1, 0, 1});
    PutString(host_key, modulus);
    Bytes signature;
    PutString(signature, FromText("ssh-rsa"));
    PutString(signature, rng.RandomBytes(256));
    Bytes reply = {31};
    PutString(reply, host_key);
    PutString(reply, rng.RandomBytes(32));
    PutString(reply, signature);
    Bytes answer = SshPacket(reply, rng);
    Append(answer, SshPacket({21}, rng));
    t = flow.Send(false, Reply(flow, t, rng, 2, 8), answer);
    t = flow.Send(true, Reply(flow, t, rng, 0.5, 2), SshPacket({21}, rng));
    // Service request and accept, then password tries until the session's end.
    t = flow.Send(true, t + rng.Millis(0.1, 1), SshEncrypted(rng, 2));
    t = flow.Send(false, Reply(flow, t, rng, 0.5, 2), SshEncrypted(rng, 2));
    do {
      t = flow.Send(true, Reply(flow, t, rng, 0.5, 5), SshEncrypted(rng, rng.Range(4, 6)));
      t = flow.Send(false, Reply(flow, t, rng, 250, 700), SshEncrypted(rng, rng.Range(2, 3)));
    } while (t + Ms(450) < stop);
    flow.Close(false, t + rng.Millis(0.5, 5));
  }
}

}  // namespace rampart::scenario::iot
