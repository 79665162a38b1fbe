#include "scenario/dns_message.h"

#include <algorithm>
#include <array>
#include <utility>

namespace rampart::scenario::dns {
namespace {

bool IsLabelSuffix(std::string_view whole, std::string_view tail) {
  return whole == tail || (whole.size() > tail.size() && whole.ends_with(tail) &&
                           whole[whole.size() - tail.size() - 1] == '.');
}

//! Writes a message: the header and the question, then records section by section. Names are
//! compressed against the question's name.
class Message {
 public:
  Message(const Question& q, uint16_t flags) : qname_(q.name) {
    Put16(out_, q.id);
    Put16(out_, flags);
    Put16(out_, 1);
    Put16(out_, 0);
    Put16(out_, 0);
    Put16(out_, 0);
    PutLabels(out_, q.name);
    out_.push_back(0);
    Put16(out_, q.qtype);
    Put16(out_, 1);
  }

  void Name(std::string_view name) {
    size_t start = 0;
    while (start < name.size()) {
      const std::string_view rest = name.substr(start);
      if (IsLabelSuffix(qname_, rest)) {
        Put16(out_, static_cast<uint16_t>(0xc000 | (12 + qname_.size() - rest.size())));
        return;
      }
      const size_t dot = std::min(name.find('.', start), name.size());
      out_.push_back(static_cast<uint8_t>(dot - start));
      Append(out_, name.substr(start, dot - start));
      start = dot + 1;
    }
    out_.push_back(0);
  }

  //! Starts a record of `section` (0 answer, 1 authority, 2 additional); End() closes it.
  size_t Begin(int section, std::string_view owner, uint16_t type, uint32_t ttl,
               uint16_t klass = 1) {
    ++counts_[static_cast<size_t>(section)];
    Name(owner);
    Put16(out_, type);
    Put16(out_, klass);
    Put32(out_, ttl);
    Put16(out_, 0);
    return out_.size();
  }
  void End(size_t rdata) {
    const size_t len = out_.size() - rdata;
    out_[rdata - 2] = static_cast<uint8_t>(len >> 8);
    out_[rdata - 1] = static_cast<uint8_t>(len);
  }

  void Opt(uint16_t udp_size, bool dnssec_ok) {
    End(Begin(2, "", 41, dnssec_ok ? 0x8000 : 0, udp_size));
  }

  Bytes& out() { return out_; }

  Bytes Finish() {
    for (size_t i = 0; i < 3; ++i) {
      out_[6 + 2 * i] = static_cast<uint8_t>(counts_[i] >> 8);
      out_[7 + 2 * i] = static_cast<uint8_t>(counts_[i]);
    }
    return std::move(out_);
  }

 private:
  std::string qname_;
  Bytes out_;
  std::array<uint16_t, 3> counts_{};
};

}  // namespace

Bytes EncodeQuery(const Question& q) {
  Message m(q, q.rd ? 0x0100 : 0);
  if (q.edns != 0) {
    m.Opt(q.edns, q.dnssec_ok);
  }
  return m.Finish();
}

Bytes EncodeResponse(const Question& q, const Answer& a, bool authoritative, uint32_t age_s) {
  const auto aged = [age_s](uint32_t ttl) { return ttl > age_s ? ttl - age_s : 0; };
  const auto flags = static_cast<uint16_t>(0x8000 | (q.rd ? 0x0100 : 0) |
                                           (authoritative ? 0x0400 : 0x0080) | a.rcode);
  Message m(q, flags);
  for (const Record& r : a.records) {
    const size_t at = m.Begin(0, q.name, r.type, aged(r.ttl));
    Append(m.out(), r.head);
    if (r.has_name) {
      m.Name(r.name);
    }
    Append(m.out(), r.tail);
    m.End(at);
  }
  if (!a.soa.empty()) {
    const size_t at = m.Begin(1, a.soa, kSoa, aged(300));
    m.Name("ns1." + a.soa);
    m.Name("hostmaster." + a.soa);
    for (uint32_t v : {2016102101u, 7200u, 3600u, 1209600u, 300u}) {
      Put32(m.out(), v);
    }
    m.End(at);
  }
  if (q.edns != 0) {
    m.Opt(1232, q.dnssec_ok);
  }
  return m.Finish();
}

uint64_t Fnv(std::string_view text) {
  uint64_t h = 14695981039346656037ull;
  for (const char c : text) {
    h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
  }
  return h;
}

Bytes TextRdata(std::string_view text) {
  Bytes out;
  for (size_t i = 0; i < text.size() || i == 0; i += 255) {
    const std::string_view part = text.substr(i, 255);
    out.push_back(static_cast<uint8_t>(part.size()));
    Append(out, part);
  }
  return out;
}

Answer ZoneData(std::string_view name, uint16_t qtype, std::string_view zone, uint32_t ttl,
                int count) {
  Answer a;
  const uint64_t h = Fnv(name);
  Record r;
  r.type = qtype;
  r.ttl = ttl;
  switch (qtype) {
    case kA:
      for (int i = 0; i < count; ++i) {
        r.head.clear();
        Put32(r.head, 0xcb007164 + static_cast<uint32_t>((h >> (8 * i)) % 155));
        a.records.push_back(r);
      }
      return a;
    case kAaaa:
      Put32(r.head, 0x20010db8);
      Put32(r.head, static_cast<uint32_t>(h >> 32));
      Put32(r.head, 0);
      Put32(r.head, static_cast<uint32_t>(h) | 1);
      break;
    case kMx:
      Put16(r.head, 10);
      r.has_name = true;
      r.name = "mail." + std::string(zone);
      break;
    case kTxt:
      r.head = TextRdata("v=spf1 include:_spf." + std::string(zone) + " ~all");
      break;
    case kHttps:
      Put16(r.head, 1);
      r.has_name = true;  // the target "." (the owner)
      r.tail = {0, 1, 0, 6, 2, 'h', '2', 2, 'h', '3'};
      break;
    default:
      a.soa = zone;
      return a;
  }
  a.records.push_back(r);
  return a;
}

Answer NxDomain(std::string_view zone) {
  Answer a;
  a.rcode = kNxDomain;
  a.soa = zone;
  return a;
}

Bytes AnyResponse(Rng& rng, std::string_view zone, size_t total, int64_t now_s) {
  const Question q{.id = rng.U16(),
                   .name = std::string(zone),
                   .qtype = kAny,
                   .rd = true,
                   .edns = 4096,
                   .dnssec_ok = true};
  Message m(q, 0x8180);
  const auto inception = static_cast<uint32_t>(now_s - int64_t{7} * 86400);
  const auto labels = static_cast<uint8_t>(std::count(zone.begin(), zone.end(), '.') + 1);
  for (const uint16_t flags : {257, 256}) {
    const size_t at = m.Begin(0, zone, kDnskey, 3600);
    Put16(m.out(), flags);
    m.out().push_back(3);
    m.out().push_back(8);  // RSA/SHA-256
    Append(m.out(), rng.RandomBytes(flags == 257 ? 260 : 132));
    m.End(at);
  }
  for (const uint16_t covered : {kDnskey, kTxt}) {
    const size_t at = m.Begin(0, zone, kRrsig, 3600);
    Put16(m.out(), covered);
    m.out().push_back(8);
    m.out().push_back(labels);
    Put32(m.out(), 3600);
    Put32(m.out(), inception + 30 * 86400);
    Put32(m.out(), inception);
    Put16(m.out(), static_cast<uint16_t>(Fnv(zone)));
    PutLabels(m.out(), zone);  // the signer's name is never compressed
    m.out().push_back(0);
    Append(m.out(), rng.RandomBytes(256));
    m.End(at);
  }
  constexpr size_t kOpt = 11;
  const size_t room = total - m.out().size() - kOpt;
  for (const std::string& text : FillerTexts(
           rng, zone, room, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")) {
    const size_t at = m.Begin(0, zone, kTxt, 3600);
    m.out().push_back(static_cast<uint8_t>(text.size()));
    Append(m.out(), text);
    m.End(at);
  }
  m.Opt(4096, true);
  return m.Finish();
}

}  // namespace rampart::scenario::dns
