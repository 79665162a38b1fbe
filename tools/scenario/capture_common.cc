// What the capture generators share: bytes, addresses, frames, small payloads and the output.
#include "scenario/capture_common.h"

#include <algorithm>

#include "capture/link_type.h"

namespace rampart::scenario {

void Rng::Fill(uint8_t* out, size_t len) {
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    const uint64_t v = engine_();
    for (size_t b = 0; b < 8; ++b) {
      out[i + b] = static_cast<uint8_t>(v >> (8 * b));
    }
  }
  if (i < len) {
    uint64_t v = engine_();
    for (; i < len; ++i, v >>= 8) {
      out[i] = static_cast<uint8_t>(v);
    }
  }
}

bool Fail(std::string* error, std::string message) {
  *error = std::move(message);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Bytes and text.

void Put16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void Put32(Bytes& out, uint32_t v) {
  Put16(out, static_cast<uint16_t>(v >> 16));
  Put16(out, static_cast<uint16_t>(v));
}
void Put64(Bytes& out, uint64_t v) {
  Put32(out, static_cast<uint32_t>(v >> 32));
  Put32(out, static_cast<uint32_t>(v));
}
void Set16(Bytes& out, size_t at, uint16_t v) {
  out[at] = static_cast<uint8_t>(v >> 8);
  out[at + 1] = static_cast<uint8_t>(v);
}
void Append(Bytes& out, std::string_view text) {
  out.insert(out.end(), text.begin(), text.end());
}
void Append(Bytes& out, const Bytes& more) {
  out.insert(out.end(), more.begin(), more.end());
}
Bytes FromText(std::string_view text) {
  return Bytes(text.begin(), text.end());
}
void PutLabels(Bytes& out, std::string_view name) {
  size_t start = 0;
  while (start < name.size()) {
    const size_t dot = std::min(name.find('.', start), name.size());
    out.push_back(static_cast<uint8_t>(dot - start));
    Append(out, name.substr(start, dot - start));
    start = dot + 1;
  }
}
std::string RandomText(Rng& rng, size_t len, std::string_view alphabet) {
  std::string out(len, ' ');
  for (char& c : out) {
    c = alphabet[rng.Below(alphabet.size())];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Addresses.

IpAddress ParseAddress(const char* text) {
  return *IpAddress::Parse(text);
}

uint32_t V4Value(const IpAddress& a) {
  return static_cast<uint32_t>(a.bytes[0]) << 24 | static_cast<uint32_t>(a.bytes[1]) << 16 |
         static_cast<uint32_t>(a.bytes[2]) << 8 | a.bytes[3];
}

bool IsPublicV4(uint32_t a) {
  const uint32_t o1 = a >> 24;
  const uint32_t o2 = (a >> 16) & 0xff;
  const uint32_t p24 = a >> 8;
  if (o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224) {
    return false;
  }
  if ((o1 == 100 && (o2 & 0xc0) == 64) || (o1 == 169 && o2 == 254) ||
      (o1 == 172 && (o2 & 0xf0) == 16) || (o1 == 192 && o2 == 168) ||
      (o1 == 198 && (o2 & 0xfe) == 18)) {
    return false;
  }
  return p24 != 0xc00000 && p24 != 0xc00002 && p24 != 0xc63364 && p24 != 0xcb0071;
}

namespace {

bool Decoded(uint16_t port) {
  for (uint16_t taken : {34980, 44321, 44322, 44818, 48049, 48898, 57000}) {
    if (port == taken) {
      return true;
    }
  }
  return false;
}

}  // namespace

uint16_t EphemeralPort(Rng& rng) {
  uint16_t port = rng.Port(32768, 60999);
  while (Decoded(port)) {
    port = rng.Port(32768, 60999);
  }
  return port;
}

uint16_t NextPort(uint16_t port, Rng& rng) {
  do {
    port = static_cast<uint16_t>(port + rng.Range(1, 4));
    if (port > 60999) {
      port = static_cast<uint16_t>(port - 60999 + 32767);
    }
  } while (Decoded(port));
  return port;
}

// ---------------------------------------------------------------------------------------------
// Frames.

IpSpec Spec(const IpAddress& src, const IpAddress& dst, uint8_t ttl, uint16_t id, bool df) {
  return {.src = src, .dst = dst, .ttl = ttl, .id = id, .dont_fragment = df};
}

void PutTimestamps(Bytes& o, uint32_t value, uint32_t echo) {
  o.push_back(8);
  o.push_back(10);
  Put32(o, value);
  Put32(o, echo);
}

Bytes LinuxSynOptions(uint16_t mss, uint32_t tsval, uint32_t tsecr, uint8_t wscale) {
  Bytes o = {2, 4, static_cast<uint8_t>(mss >> 8), static_cast<uint8_t>(mss), 4, 2};
  PutTimestamps(o, tsval, tsecr);
  const Bytes rest = {1, 3, 3, wscale};
  Append(o, rest);
  return o;
}

PacketBuilder EthernetIp(const Macs& macs, bool v6) {
  PacketBuilder b;
  b.Ethernet(v6 ? 0x86dd : 0x0800, macs.src, macs.dst);
  return b;
}

Frame EthernetUdp(const Macs& macs, const IpSpec& spec, uint16_t sport, uint16_t dport,
                  const Bytes& payload) {
  return EthernetIp(macs, spec.src.IsV6())
      .Ip(spec, 17)
      .Udp(sport, dport)
      .Payload(payload.data(), payload.size())
      .Finish();
}

std::vector<Frame> EthernetUdpDatagram(const Macs& macs, const IpSpec& spec, uint16_t sport,
                                       uint16_t dport, const Bytes& payload, uint32_t fragment_id) {
  const bool v6 = spec.src.IsV6();
  const size_t max_l4 = v6 ? 1452 : 1480;
  if (payload.size() + 8 <= max_l4) {
    return {EthernetUdp(macs, spec, sport, dport, payload)};
  }
  const Frame whole = PacketBuilder()
                          .Ip(spec, 17)
                          .Udp(sport, dport)
                          .Payload(payload.data(), payload.size())
                          .Finish();
  const size_t header = v6 ? 40 : 20;
  const size_t l4_len = whole.size() - header;
  const size_t chunk = v6 ? 1448 : 1480;
  std::vector<Frame> frames;
  for (size_t offset = 0; offset < l4_len; offset += chunk) {
    const size_t n = std::min(chunk, l4_len - offset);
    const bool more = offset + n < l4_len;
    const uint8_t* data = whole.data() + header + offset;
    if (v6) {
      Bytes fragment = {17, 0};
      Put16(fragment, static_cast<uint16_t>((offset / 8) << 3 | (more ? 1 : 0)));
      Put32(fragment, fragment_id);
      frames.push_back(EthernetIp(macs, true)
                           .Ip(spec, 44)
                           .Payload(fragment.data(), fragment.size())
                           .Payload(data, n)
                           .Finish());
    } else {
      IpSpec part = spec;
      part.dont_fragment = false;
      part.more_fragments = more;
      part.fragment_offset = static_cast<uint16_t>(offset);
      frames.push_back(EthernetIp(macs, false).Ip(part, 17).Payload(data, n).Finish());
    }
  }
  return frames;
}

// ---------------------------------------------------------------------------------------------
// Application payloads.

Bytes DnsAnswer(const Bytes& query, uint32_t address, uint32_t ttl) {
  Bytes out = query;
  Set16(out, 2, 0x8180);
  Set16(out, 6, 1);
  const Bytes answer = {0xc0, 0x0c, 0, 1, 0, 1};
  Append(out, answer);
  Put32(out, ttl);
  Put16(out, 4);
  Put32(out, address);
  return out;
}

std::vector<std::string> FillerTexts(Rng& rng, std::string_view zone, size_t room,
                                     std::string_view alphabet) {
  constexpr size_t kOverhead = 13;
  std::vector<std::string> texts;
  while (room >= kOverhead) {
    size_t len = std::min<size_t>(255, room - kOverhead);
    const size_t rest = room - kOverhead - len;
    if (rest > 0 && rest < kOverhead) {
      len -= kOverhead - rest;  // leave room for a whole last record
    }
    std::string text = texts.size() % 4 == 0 ? "v=spf1 include:_spf." + std::string(zone) + " ~all "
                                             : "v=DKIM1; k=rsa; p=";
    text += RandomText(rng, 255, alphabet);
    text.resize(len);
    room -= kOverhead + len;
    texts.push_back(std::move(text));
  }
  return texts;
}

namespace {

uint64_t NtpTime(int64_t ts_ns) {
  const auto seconds = static_cast<uint64_t>(ts_ns / kNsPerS) + 2208988800ULL;
  // Below 2^30 nanoseconds times 2^32: fits 64 bits.
  const uint64_t fraction =
      (static_cast<uint64_t>(ts_ns % kNsPerS) << 32) / static_cast<uint64_t>(kNsPerS);
  return seconds << 32 | fraction;
}

constexpr std::string_view kLorem =
    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
    "incididunt ut labore et dolore magna aliqua.</p>\n";

}  // namespace

Bytes NtpRequest(int64_t ts) {
  // Built at its full size first: growing a 4-byte vector here trips GCC 12's -Warray-bounds.
  Bytes out(40, 0);
  out[0] = 0x23;  // version 4, mode 3
  out[2] = 6;     // poll
  out[3] = 0xe9;  // precision
  Put64(out, NtpTime(ts));
  return out;
}

Bytes NtpReply(int64_t request_ts, int64_t ts) {
  Bytes out = {0x24, 2, 6, 0xe9};
  Put32(out, 0x00000210);  // root delay
  Put32(out, 0x00000350);  // root dispersion
  Put32(out, 0xc0000201);  // reference id: upstream 192.0.2.1
  Put64(out, NtpTime(ts - 30 * kNsPerS));
  Put64(out, NtpTime(request_ts));
  Put64(out, NtpTime(ts - 20000));
  Put64(out, NtpTime(ts - 10000));
  return out;
}

Bytes TlsRecord(size_t total, Rng& rng) {
  Bytes out = {0x17, 0x03, 0x03};
  Put16(out, static_cast<uint16_t>(total - 5));
  Append(out, rng.RandomBytes(total - 5));
  return out;
}

std::string HtmlBody(size_t size) {
  std::string body = "<!DOCTYPE html>\n<html><head><title>Example</title></head><body>\n";
  while (body.size() < size) {
    body += kLorem;
  }
  body.resize(size);
  if (size >= 15) {
    body.replace(size - 15, 15, "</body></html>\n");
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// Output.

void FrameLog::Add(int64_t ts, const Bytes& frame) {
  records_.push_back({ts, arena_.size(), static_cast<uint32_t>(frame.size())});
  arena_.insert(arena_.end(), frame.begin(), frame.end());
}

bool FrameLog::Write(const std::string& path, std::string* error) {
  // Records are added in a fixed order, so a stable sort by time gives the same file each run.
  std::stable_sort(records_.begin(), records_.end(),
                   [](const Record& a, const Record& b) { return a.ts < b.ts; });
  CaptureFile file;
  if (!file.Open(path, error)) {
    return false;
  }
  for (const Record& r : records_) {
    if (!file.Write(r.ts, arena_.data() + r.offset, r.len, error)) {
      return false;
    }
  }
  return file.Close(error);
}

bool CaptureFile::Open(const std::string& path, std::string* error) {
  path_ = path;
  return writer_.Open(path, static_cast<uint16_t>(LinkType::kEthernet), 65535, error);
}

bool CaptureFile::Write(int64_t ts, const uint8_t* data, size_t len, std::string* error) {
  if (!writer_.Write(ts, data, static_cast<uint32_t>(len))) {
    *error = path_ + ": write failed";
    return false;
  }
  return true;
}

bool CaptureFile::Close(std::string* error) {
  if (!writer_.Close()) {
    *error = path_ + ": write failed";
    return false;
  }
  return true;
}

}  // namespace rampart::scenario
