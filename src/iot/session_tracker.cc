#include "iot/session_tracker.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "capture/link_type.h"
#include "core/hash.h"
#include "track/open_addressing.h"

namespace rampart::iot {
namespace {

constexpr TimestampNs kIdleNs = 300'000'000'000;         // a session silent this long is over
constexpr TimestampNs kSweepEveryNs = 10'000'000'000;    // idle sweep period, packet time
constexpr TimestampNs kShortSessionNs = 30'000'000'000;  // encrypted: a login-attempt-sized session
constexpr uint64_t kShortSessionBytes = uint64_t{64} * 1024;
constexpr size_t kEvictionSample = 8;

// Mirai's post-login script (mirai-facts.md §1.4), as bits.
constexpr uint8_t kEnable = 1;
constexpr uint8_t kSystem = 2;
constexpr uint8_t kShell = 4;
constexpr uint8_t kSh = 8;
constexpr uint8_t kBusybox = 16;
constexpr uint8_t kScriptReported = 32;

std::string_view ServiceName(PortClass kind, uint16_t port) {
  switch (kind) {
    case PortClass::kTelnet:
      return "telnet";
    case PortClass::kFtp:
      return "ftp";
    case PortClass::kHttp:
      return "http";
    case PortClass::kPop3:
      return "pop3";
    case PortClass::kImap:
      return "imap";
    case PortClass::kReportBack:
      return "mirai_report";
    case PortClass::kEncrypted:
      return port == 22 ? "ssh" : port == 3389 ? "rdp" : port == 992 ? "telnets" : "tcp";
    case PortClass::kNone:
      break;
  }
  return "tcp";
}

LoginService ParserService(PortClass kind) {
  switch (kind) {
    case PortClass::kFtp:
      return LoginService::kFtp;
    case PortClass::kHttp:
      return LoginService::kHttp;
    case PortClass::kPop3:
      return LoginService::kPop3;
    case PortClass::kImap:
      return LoginService::kImap;
    default:
      return LoginService::kTelnet;
  }
}

//! A busybox applet name Mirai and its forks use as a probe: 3-16 capitals ("MIRAI", "ECCHI").
bool IsProbeToken(std::string_view token) {
  if (token.size() < 3 || token.size() > 16) {
    return false;
  }
  return std::all_of(token.begin(), token.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace

struct SessionTracker::Session {
  IpAddress client;
  IpAddress server;
  uint16_t client_port = 0;
  uint16_t server_port = 0;
  PortClass kind = PortClass::kNone;
  bool live = false;
  bool client_inside = false;
  bool server_inside = false;
  bool started = false;         // the SYN was seen: the duration is known
  bool reported = false;        // report-back or busybox answer already turned into evidence
  uint8_t fins = 0;             // bit per direction
  uint8_t script = 0;           // kEnable… bits
  bool server_skipped = false;  // HTTP server data was skipped (WantsServerData)
  bool wants_server = false;    // HTTP: counted in http_wanting_server_
  uint64_t hash = 0;
  TimestampNs first_ns = 0;
  TimestampNs last_ns = 0;
  std::array<uint32_t, 2> next_seq{};
  std::array<bool, 2> seq_known{};
  std::array<uint32_t, 2> fed{};
  std::array<uint64_t, 2> bytes{};
  uint64_t server_mac = 0;
  bool has_mac = false;
  // The login being answered: the user name (never the password) and its default entry.
  bool pending = false;
  int32_t pending_entry = -1;
  int32_t login_entry = -1;  // the last login's default entry, for the busybox answer
  uint8_t pending_user_len = 0;
  char pending_user[64] = {};
  char probe_token[17] = {};
  LoginParser parser;
};

SessionTracker::SessionTracker(IotSettings settings, const CredentialList* credentials,
                               const PrefixTrie<bool>* inside, LoginLedger* ledger,
                               DeviceEvidence* evidence, IotStats* stats, uint64_t seed)
    : settings_(std::move(settings)),
      credentials_(credentials),
      inside_(inside),
      ledger_(ledger),
      evidence_(evidence),
      stats_(stats),
      seed_(seed) {
  const auto mark = [this](const std::vector<uint16_t>& ports, PortClass kind) {
    for (const uint16_t port : ports) {
      port_class_[port] = kind;
    }
  };
  mark(settings_.encrypted_login_ports, PortClass::kEncrypted);
  mark(settings_.imap_ports, PortClass::kImap);
  mark(settings_.pop3_ports, PortClass::kPop3);
  mark(settings_.http_ports, PortClass::kHttp);
  mark(settings_.ftp_ports, PortClass::kFtp);
  mark(settings_.telnet_ports, PortClass::kTelnet);
  port_class_[kReportBackPort] = PortClass::kReportBack;
  const uint32_t max = std::max<uint32_t>(16, settings_.max_sessions);
  max_sessions_ = max;
  sessions_.reserve(64);
  free_ids_.reserve(max);
  for (uint32_t id = max; id > 0; --id) {
    free_ids_.push_back(id - 1);
  }
  const size_t slots = std::bit_ceil(size_t{max} * 2);
  slots_.assign(slots, Slot{0, 0, 0});
  mask_ = slots - 1;
}

SessionTracker::~SessionTracker() = default;

void SessionTracker::Observe(const PacketMeta& meta, const RawPacket& packet) {
  if (meta.ts_ns >= next_sweep_ns_) {
    Sweep(meta.ts_ns);
    next_sweep_ns_ = meta.ts_ns + kSweepEveryNs;
  }
  const uint8_t flags = meta.tcp_flags;
  // A bare ACK moves no session forward: no lookup (most packets of a bulk transfer).
  if (meta.payload_len == 0 && (flags & (tcp_flag::kSyn | tcp_flag::kFin | tcp_flag::kRst)) == 0) {
    return;
  }
  const bool syn = (flags & tcp_flag::kSyn) != 0;
  const bool ack = (flags & tcp_flag::kAck) != 0;
  const PortClass dst_class = port_class_[meta.dst_port];
  const PortClass src_class = port_class_[meta.src_port];
  // Which end is the server: the SYN's destination, the SYN-ACK's source, otherwise the watched
  // port (the lower one when both are watched).
  bool client_to_server = false;
  if (syn) {
    client_to_server = !ack;
  } else if (dst_class != PortClass::kNone && src_class != PortClass::kNone) {
    client_to_server = meta.dst_port <= meta.src_port;
  } else {
    client_to_server = dst_class != PortClass::kNone;
  }
  const PortClass kind = client_to_server ? dst_class : src_class;
  if (kind == PortClass::kNone) {
    return;
  }
  // A web server's packets matter only to a session with credentials in flight; while no
  // session has any, they need no lookup (they are most of the web's packets). Its FIN is not
  // needed either: an HTTP session ends at the client's FIN (below).
  if (kind == PortClass::kHttp && !client_to_server && !syn && http_wanting_server_ == 0) {
    return;
  }
  Session* s = FindOrCreate(meta, client_to_server, kind, syn && !ack);
  if (s == nullptr) {
    return;
  }
  const int direction = client_to_server ? 0 : 1;
  s->last_ns = std::max(s->last_ns, meta.ts_ns);
  if (direction == 1 && !s->has_mac && meta.ip_layers == 1 && packet.cap_len >= 14 &&
      packet.link_type == static_cast<uint16_t>(LinkType::kEthernet)) {
    uint64_t mac = 0;
    for (int i = 6; i < 12; ++i) {
      mac = (mac << 8) | packet.data[i];
    }
    s->server_mac = mac;
    s->has_mac = true;
  }
  if (syn) {
    s->next_seq[direction] = meta.tcp_seq + 1;
    s->seq_known[direction] = true;
  }
  if (meta.payload_len > 0) {
    Feed(*s, direction, meta, packet);
  }
  if ((flags & tcp_flag::kRst) != 0) {
    End(*s);
    return;
  }
  if ((flags & tcp_flag::kFin) != 0) {
    s->fins |= static_cast<uint8_t>(1u << direction);
    // Both FINs; or, for HTTP, the client's once no answer is awaited (the client has no more
    // requests, and the server's packets may not have been looked at).
    if (s->fins == 3 || (s->kind == PortClass::kHttp && direction == 0 && !s->wants_server)) {
      End(*s);
    }
  }
}

SessionTracker::Session* SessionTracker::FindOrCreate(const PacketMeta& meta, bool client_to_server,
                                                      PortClass kind, bool is_syn) {
  const IpAddress& client = client_to_server ? meta.inner_src : meta.inner_dst;
  const IpAddress& server = client_to_server ? meta.inner_dst : meta.inner_src;
  const uint16_t client_port = client_to_server ? meta.src_port : meta.dst_port;
  const uint16_t server_port = client_to_server ? meta.dst_port : meta.src_port;
  uint64_t c_lo = 0;
  uint64_t c_hi = 0;
  uint64_t s_lo = 0;
  uint64_t s_hi = 0;
  std::memcpy(&c_lo, client.bytes.data(), 8);
  std::memcpy(&c_hi, client.bytes.data() + 8, 8);
  std::memcpy(&s_lo, server.bytes.data(), 8);
  std::memcpy(&s_hi, server.bytes.data() + 8, 8);
  const uint64_t ports = (uint64_t{client_port} << 16) | server_port;
  const uint64_t hash = HashKey128(c_lo ^ std::rotl(s_hi, 17), c_hi ^ s_lo, ports, seed_);
  size_t slot = hash & mask_;
  while (slots_[slot].family != 0) {
    if (slots_[slot].hash == hash) {
      Session& s = sessions_[slots_[slot].id];
      if (s.client_port == client_port && s.server_port == server_port && s.client == client &&
          s.server == server) {
        return &s;
      }
    }
    slot = (slot + 1) & mask_;
  }
  // New: only from a SYN or a segment with data (a late start); anything else is a stray.
  if (!is_syn && meta.payload_len == 0) {
    return nullptr;
  }
  if (free_ids_.empty()) {
    // Full: end the longest-idle of a few sessions near this hash.
    Session* victim = nullptr;
    for (size_t step = 0; step < kEvictionSample * 4 && victim == nullptr; ++step) {
      for (size_t k = 0; k < kEvictionSample; ++k) {
        const Slot& near = slots_[(hash + step * kEvictionSample + k) & mask_];
        if (near.family == 0) {
          continue;
        }
        Session& candidate = sessions_[near.id];
        if (victim == nullptr || candidate.last_ns < victim->last_ns) {
          victim = &candidate;
        }
      }
    }
    if (victim == nullptr) {
      return nullptr;
    }
    stats_->sessions_evicted++;
    End(*victim);
    return FindOrCreate(meta, client_to_server, kind, is_syn);
  }
  const uint32_t id = free_ids_.back();
  free_ids_.pop_back();
  if (id >= sessions_.size()) {
    // Grown as sessions arrive (ids come from 0 up); no Session is referenced across this.
    sessions_.resize(
        std::min<size_t>(max_sessions_, std::max<size_t>(id + 1, sessions_.size() * 2)));
  }
  slots_[slot] = Slot{hash, id, 1};
  Session& s = sessions_[id];
  s = Session{};
  s.live = true;
  s.client = client;
  s.server = server;
  s.client_port = client_port;
  s.server_port = server_port;
  s.kind = kind;
  s.hash = hash;
  s.first_ns = meta.ts_ns;
  s.last_ns = meta.ts_ns;
  s.started = is_syn;
  s.client_inside = inside_->Contains(client);
  s.server_inside = inside_->Contains(server);
  s.parser.Reset(ParserService(kind));
  stats_->sessions++;
  return &s;
}

void SessionTracker::Feed(Session& s, int direction, const PacketMeta& meta,
                          const RawPacket& packet) {
  s.bytes[direction] += meta.payload_len;
  if (static_cast<uint32_t>(meta.payload_offset) + meta.payload_len > packet.cap_len) {
    return;
  }
  const uint8_t* data = packet.data + meta.payload_offset;
  size_t len = meta.payload_len;
  if (direction == 1 && s.kind == PortClass::kHttp) {
    if (!s.parser.WantsServerData()) {
      s.server_skipped = true;  // no credentials in flight: nothing to learn from the server
      return;
    }
    if (s.server_skipped) {
      // Resume only where a response starts (a server writes each response after its
      // request), and from this segment's sequence number.
      if (len < 5 || std::memcmp(data, "HTTP/", 5) != 0) {
        return;
      }
      s.parser.ResyncServer();
      s.server_skipped = false;
      s.seq_known[1] = false;
    }
  }
  if (!s.seq_known[direction]) {
    s.next_seq[direction] = meta.tcp_seq;
    s.seq_known[direction] = true;
  }
  const auto offset = static_cast<int32_t>(meta.tcp_seq - s.next_seq[direction]);
  if (offset < 0) {
    // Retransmitted or overlapping: feed only what is new.
    const auto old = static_cast<size_t>(-static_cast<int64_t>(offset));
    if (old >= len) {
      stats_->segments_retransmitted++;
      return;
    }
    data += old;
    len -= old;
  } else if (offset > 0) {
    // A gap (lost or not captured): carry on from here; the parser may miss a line.
    stats_->segments_out_of_order++;
  }
  s.next_seq[direction] = meta.tcp_seq + meta.payload_len;
  if (s.kind == PortClass::kEncrypted) {
    return;
  }
  const uint32_t room =
      settings_.session_bytes > s.fed[direction] ? settings_.session_bytes - s.fed[direction] : 0;
  const size_t take = std::min<size_t>(len, room);
  if (take == 0) {
    return;
  }
  s.fed[direction] += static_cast<uint32_t>(take);
  stats_->bytes_parsed += take;
  if (s.kind == PortClass::kReportBack) {
    if (direction == 0) {
      ReportBack(s, data, take);
    }
    return;
  }
  current_ = &s;
  if (direction == 0) {
    s.parser.FeedClient(data, take, *this);
  } else {
    s.parser.FeedServer(data, take, *this);
  }
  current_ = nullptr;
  NoteWants(s);
}

void SessionTracker::NoteWants(Session& s) {
  const bool wants = s.live && s.kind == PortClass::kHttp && s.parser.WantsServerData();
  if (wants != s.wants_server) {
    s.wants_server = wants;
    http_wanting_server_ += wants ? 1 : -1;
    // Until now the server's packets may have been passed by without a lookup (Observe): its
    // data resumes at the next response.
    s.server_skipped = s.server_skipped || wants;
  }
}

LoginContext SessionTracker::Context(const Session& s) const {
  LoginContext c;
  c.client = s.client;
  c.server = s.server;
  c.server_port = s.server_port;
  c.service = ServiceName(s.kind, s.server_port);
  if (s.has_mac) {
    c.server_mac = s.server_mac;
  }
  c.ts = s.last_ns;
  c.client_inside = s.client_inside;
  c.server_inside = s.server_inside;
  return c;
}

void SessionTracker::ReportBack(Session& s, const uint8_t* data, size_t len) {
  if (s.reported) {
    return;
  }
  s.reported = true;
  // mirai-facts.md §1.6: [0x00] victim IPv4, port, user length, user, password length,
  // password. The older form has no leading zero and no port (23 is meant).
  std::string detail =
      fmt::format("connected to {}:{}, no record seen", s.server.ToString(), s.server_port);
  const bool modern = len >= 1 && data[0] == 0x00;
  size_t pos = modern ? 1 : 0;
  if (len >= pos + 4) {
    const IpAddress victim = IpAddress::V4(data + pos);
    pos += 4;
    uint16_t victim_port = 23;
    if (modern && len >= pos + 2) {
      victim_port = static_cast<uint16_t>((data[pos] << 8) | data[pos + 1]);
      pos += 2;
    }
    std::string user;
    int entry = -1;
    if (len > pos && len >= pos + 1 + data[pos]) {
      const size_t user_len = data[pos];
      user.assign(reinterpret_cast<const char*>(data + pos + 1), user_len);
      pos += 1 + user_len;
      if (len > pos && len >= pos + 1 + data[pos] && credentials_ != nullptr) {
        // Matched and forgotten: only the entry number is kept.
        const std::string_view password(reinterpret_cast<const char*>(data + pos + 1), data[pos]);
        entry = credentials_->Match(user, password);
      }
    }
    std::string printable;
    for (const char c : user) {
      printable += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    detail = fmt::format("reported victim {}:{} (user '{}', {}) to {}:{}", victim.ToString(),
                         victim_port, printable,
                         entry >= 0 ? fmt::format("default credential #{}", entry + 1)
                                    : std::string("password not on the default list"),
                         s.server.ToString(), s.server_port);
    if (inside_->Contains(victim) && evidence_ != nullptr) {
      evidence_->Add(victim, EvidenceKind::kReportedVictim, s.last_ns,
                     fmt::format("named in a Mirai report-back record sent by {} to {}:{}",
                                 s.client.ToString(), s.server.ToString(), s.server_port));
    }
  }
  if (s.client_inside && evidence_ != nullptr) {
    evidence_->Add(s.client, EvidenceKind::kMiraiReportBack, s.last_ns, detail);
  }
}

void SessionTracker::OnCredentials(std::string_view user, std::string_view password) {
  Session& s = *current_;
  if (s.pending) {
    FlushPending(LoginVerdict::kUnknown);
  }
  stats_->logins++;
  const int entry = credentials_ != nullptr ? credentials_->Match(user, password) : -1;
  stats_->default_logins += entry >= 0 ? 1 : 0;
  s.pending = true;
  s.pending_entry = entry;
  s.pending_user_len = static_cast<uint8_t>(std::min(user.size(), sizeof(s.pending_user)));
  std::memcpy(s.pending_user, user.data(), s.pending_user_len);
}

void SessionTracker::OnVerdict(LoginVerdict verdict) {
  if (current_ != nullptr && current_->pending) {
    FlushPending(verdict);
  }
}

void SessionTracker::FlushPending(LoginVerdict verdict) {
  Session& s = *current_;
  s.pending = false;
  s.login_entry = s.pending_entry;
  if (ledger_ != nullptr) {
    ledger_->Login(Context(s), std::string_view(s.pending_user, s.pending_user_len),
                   s.pending_entry, verdict);
  }
}

void SessionTracker::OnCommand(std::string_view line) {
  Session& s = *current_;
  if (line == "enable") {
    s.script |= kEnable;
  } else if (line == "system") {
    s.script |= kSystem;
  } else if (line == "shell") {
    s.script |= kShell;
  } else if (line == "sh") {
    s.script |= kSh;
  } else if (line.starts_with("/bin/busybox ")) {
    std::string_view token = line.substr(13);
    token = token.substr(0, token.find_first_of(" ;"));
    if (IsProbeToken(token) && (s.script & kBusybox) == 0) {
      s.script |= kBusybox;
      std::memcpy(s.probe_token, token.data(), token.size());
    }
  }
  if ((s.script & kBusybox) != 0 && (s.script & kScriptReported) == 0 && ledger_ != nullptr) {
    s.script |= kScriptReported;
    std::string detail;
    for (const auto& [bit, word] : {std::pair{kEnable, "enable"}, std::pair{kSystem, "system"},
                                    std::pair{kShell, "shell"}, std::pair{kSh, "sh"}}) {
      if ((s.script & bit) != 0) {
        detail += fmt::format("'{}', ", word);
      }
    }
    detail += fmt::format("'/bin/busybox {}'", s.probe_token);
    ledger_->PostLoginScript(Context(s), detail);
  }
}

void SessionTracker::OnAppletNotFound(std::string_view token) {
  Session& s = *current_;
  if (s.reported || ledger_ == nullptr) {
    return;
  }
  s.reported = true;
  ledger_->BusyboxAnswered(Context(s), s.pending ? s.pending_entry : s.login_entry, token);
}

void SessionTracker::End(Session& s) {
  if (!s.live) {
    return;
  }
  if (s.kind == PortClass::kEncrypted) {
    // A login attempt's size: started here, short, small, and the server spoke (a closed port
    // answering RST is a scan, not a login).
    if (s.started && s.bytes[1] > 0 && ledger_ != nullptr) {
      const bool is_short = s.last_ns - s.first_ns <= kShortSessionNs &&
                            s.bytes[0] + s.bytes[1] <= kShortSessionBytes;
      ledger_->EncryptedSession(Context(s), is_short);
    }
  } else if (s.kind == PortClass::kReportBack) {
    if (!s.reported && s.started) {
      ReportBack(s, nullptr, 0);
    }
  } else {
    current_ = &s;
    s.parser.End(*this);
    if (s.pending) {
      FlushPending(LoginVerdict::kUnknown);
    }
    current_ = nullptr;
  }
  Erase(s);
}

void SessionTracker::Erase(Session& s) {
  size_t slot = s.hash & mask_;
  const auto id = static_cast<uint32_t>(&s - sessions_.data());
  while (slots_[slot].family != 0 && slots_[slot].id != id) {
    slot = (slot + 1) & mask_;
  }
  if (slots_[slot].family != 0) {
    BackwardShiftErase(slots_.data(), mask_, slot);
  }
  std::memset(s.pending_user, 0, sizeof(s.pending_user));
  s.live = false;
  NoteWants(s);
  free_ids_.push_back(id);
}

void SessionTracker::Sweep(TimestampNs now) {
  for (Session& s : sessions_) {
    if (s.live && now - s.last_ns > kIdleNs) {
      End(s);
    }
  }
}

void SessionTracker::Finish() {
  for (Session& s : sessions_) {
    if (s.live) {
      End(s);
    }
  }
}

}  // namespace rampart::iot
