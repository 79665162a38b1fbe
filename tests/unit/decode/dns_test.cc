// ParseDns and ReadDnsName on hand-built messages, well-formed and hostile.
#include "decode/dns.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/packet_builder.h"

namespace rampart {
namespace {

//! A DNS message written byte by byte.
class Message {
 public:
  Message& U8(uint8_t v) {
    bytes_.push_back(v);
    return *this;
  }
  Message& U16(uint16_t v) {
    bytes_.push_back(static_cast<uint8_t>(v >> 8));
    bytes_.push_back(static_cast<uint8_t>(v));
    return *this;
  }
  Message& Header(uint16_t id, uint16_t flags, uint16_t qd, uint16_t an = 0, uint16_t ns = 0,
                  uint16_t ar = 0) {
    return U16(id).U16(flags).U16(qd).U16(an).U16(ns).U16(ar);
  }
  Message& Label(std::string_view text) {
    U8(static_cast<uint8_t>(text.size()));
    bytes_.insert(bytes_.end(), text.begin(), text.end());
    return *this;
  }
  Message& Bytes(std::initializer_list<uint8_t> bytes) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    return *this;
  }
  //! Labels of `name` ("www.example.com") and the root label.
  Message& Name(std::string_view name) {
    size_t start = 0;
    while (start < name.size()) {
      size_t dot = name.find('.', start);
      if (dot == std::string_view::npos) {
        dot = name.size();
      }
      Label(name.substr(start, dot - start));
      start = dot + 1;
    }
    return U8(0);
  }
  Message& Pointer(uint16_t offset) { return U16(static_cast<uint16_t>(0xc000 | offset)); }
  size_t size() const { return bytes_.size(); }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

//! The counted events as "name" (or "name*N"), space separated; "" for none.
std::string Events(const DecodeStats& stats) {
  std::string out;
  for (size_t i = 0; i < kDecodeEventCount; ++i) {
    if (stats.events[i] == 0) {
      continue;
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += DecodeEventName(static_cast<DecodeEvent>(i));
    if (stats.events[i] > 1) {
      out += '*' + std::to_string(stats.events[i]);
    }
  }
  return out;
}

struct Parsed {
  bool ok = false;
  std::unique_ptr<DnsMessage> message = std::make_unique<DnsMessage>();
  DecodeStats stats;
};

//! Parses a copy held in an allocation of exactly the message's size, so that AddressSanitizer
//! reports any read past its end.
Parsed Parse(const std::vector<uint8_t>& bytes) {
  std::unique_ptr<uint8_t[]> copy(new uint8_t[bytes.size()]);
  std::copy(bytes.begin(), bytes.end(), copy.get());
  Parsed parsed;
  parsed.ok =
      ParseDns(copy.get(), static_cast<uint32_t>(bytes.size()), *parsed.message, parsed.stats);
  return parsed;
}

TEST(ParseDns, Query) {
  Message m;
  m.Header(0xabcd, 0x0100, 1).Name("WWW.Example.COM").U16(28).U16(1);
  const Parsed p = Parse(m.bytes());
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(Events(p.stats), "");
  const DnsMessage& msg = *p.message;
  EXPECT_EQ(msg.id, 0xabcd);
  EXPECT_FALSE(msg.is_response);
  EXPECT_FALSE(msg.truncated);
  EXPECT_EQ(msg.opcode, 0);
  EXPECT_EQ(msg.rcode, 0);
  EXPECT_EQ(msg.question_count, 1);
  EXPECT_EQ(msg.answer_count, 0);
  EXPECT_EQ(msg.authority_count, 0);
  EXPECT_EQ(msg.additional_count, 0);
  EXPECT_TRUE(msg.has_question);
  EXPECT_EQ(msg.qtype, 28);
  EXPECT_EQ(msg.qclass, 1);
  EXPECT_EQ(msg.Name(), "www.example.com");
  EXPECT_EQ(msg.label_count, 3);
}

TEST(ParseDns, QueryFromScenarioBuilder) {
  const Parsed p = Parse(scenario::DnsQuery(0x0102, "Mail.Example.ORG", 15));
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(p.message->id, 0x0102);
  EXPECT_EQ(p.message->qtype, 15);
  EXPECT_EQ(p.message->Name(), "mail.example.org");
}

TEST(ParseDns, ResponseHeaderFields) {
  Message m;
  // QR, opcode 0, AA, TC, RD, RA, rcode 3 (NXDOMAIN).
  m.Header(0x1234, 0x8783, 1, 2, 3, 4).Name("nx.example").U16(1).U16(1);
  m.Pointer(12).U16(1).U16(1);  // an answer record's owner name (not parsed by ParseDns)
  const Parsed p = Parse(m.bytes());
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(Events(p.stats), "");
  const DnsMessage& msg = *p.message;
  EXPECT_EQ(msg.id, 0x1234);
  EXPECT_TRUE(msg.is_response);
  EXPECT_TRUE(msg.truncated);
  EXPECT_EQ(msg.opcode, 0);
  EXPECT_EQ(msg.rcode, 3);
  EXPECT_EQ(msg.question_count, 1);
  EXPECT_EQ(msg.answer_count, 2);
  EXPECT_EQ(msg.authority_count, 3);
  EXPECT_EQ(msg.additional_count, 4);
  EXPECT_EQ(msg.qtype, 1);
  EXPECT_EQ(msg.Name(), "nx.example");

  Message notify;
  notify.Header(7, 0xa005, 1).Name("zone.test").U16(6).U16(1);  // QR, opcode 4, rcode 5
  const Parsed n = Parse(notify.bytes());
  ASSERT_TRUE(n.ok);
  EXPECT_TRUE(n.message->is_response);
  EXPECT_FALSE(n.message->truncated);
  EXPECT_EQ(n.message->opcode, 4);
  EXPECT_EQ(n.message->rcode, 5);
  EXPECT_EQ(n.message->qtype, 6);
}

TEST(ParseDns, RootName) {
  Message m;
  m.Header(1, 0, 1).U8(0).U16(2).U16(1);
  const Parsed p = Parse(m.bytes());
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(Events(p.stats), "");
  EXPECT_EQ(p.message->Name(), ".");
  EXPECT_EQ(p.message->label_count, 0);
  EXPECT_EQ(p.message->qtype, 2);
  EXPECT_TRUE(p.message->has_question);
}

TEST(ParseDns, CompressionPointerInQuestion) {
  Message m;
  m.Header(9, 0, 1).Pointer(18).U16(16).U16(3);  // qtype TXT, class CH at 14..17
  ASSERT_EQ(m.size(), 18u);
  m.Name("Example.Org");
  const Parsed p = Parse(m.bytes());
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(Events(p.stats), "");
  EXPECT_EQ(p.message->Name(), "example.org");
  EXPECT_EQ(p.message->label_count, 2);
  EXPECT_EQ(p.message->qtype, 16);
  EXPECT_EQ(p.message->qclass, 3);

  DnsMessage msg;
  DecodeStats stats;
  EXPECT_EQ(ReadDnsName(m.bytes().data(), static_cast<uint32_t>(m.size()), 12, msg, stats), 2u);
}

TEST(ReadDnsName, LabelsThenPointerAndAnswerOwner) {
  Message m;
  m.Header(1, 0x8180, 1, 1).Name("example.net").U16(1).U16(1);
  const uint32_t www_at = static_cast<uint32_t>(m.size());
  m.Label("www").Pointer(12);
  const uint32_t owner_at = static_cast<uint32_t>(m.size());
  m.Pointer(static_cast<uint16_t>(www_at));
  const uint8_t* p = m.bytes().data();
  const auto len = static_cast<uint32_t>(m.size());

  DnsMessage msg;
  DecodeStats stats;
  EXPECT_EQ(ReadDnsName(p, len, www_at, msg, stats), 4u + 2u);
  EXPECT_EQ(msg.Name(), "www.example.net");
  EXPECT_EQ(msg.label_count, 3);

  EXPECT_EQ(ReadDnsName(p, len, owner_at, msg, stats), 2u);  // a pointer to a pointer
  EXPECT_EQ(msg.Name(), "www.example.net");

  EXPECT_EQ(ReadDnsName(p, len, 12, msg, stats), 13u);  // the question name, read again
  EXPECT_EQ(msg.Name(), "example.net");
  EXPECT_EQ(msg.label_count, 2);
  EXPECT_EQ(Events(stats), "");
}

TEST(ParseDns, PointerLoop) {
  Message m;
  m.Header(1, 0, 1).Pointer(14).Pointer(12).U16(1).U16(1);
  const Parsed p = Parse(m.bytes());
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(Events(p.stats), "dns.pointer_loop");
  EXPECT_FALSE(p.message->has_question);
  EXPECT_EQ(p.message->name_len, 0);

  Message self;
  self.Header(1, 0, 1).Pointer(12).U16(1).U16(1);
  const Parsed s = Parse(self.bytes());
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(Events(s.stats), "dns.pointer_loop");
}

TEST(ParseDns, PointerOutOfRange) {
  Message m;
  m.Header(1, 0, 1).Label("a").Pointer(200).U16(1).U16(1);
  const Parsed p = Parse(m.bytes());
  EXPECT_FALSE(p.ok);
  EXPECT_EQ(Events(p.stats), "dns.pointer_out_of_range");
  EXPECT_EQ(p.message->name_len, 0);

  // A pointer to exactly one past the end.
  Message edge;
  edge.Header(1, 0, 1).Pointer(18).U16(1).U16(1);
  ASSERT_EQ(edge.size(), 18u);
  const Parsed e = Parse(edge.bytes());
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(Events(e.stats), "dns.pointer_out_of_range");
}

TEST(ParseDns, ReservedLabelTypes) {
  for (const uint8_t type : {0x40, 0x80}) {
    SCOPED_TRACE(type);
    Message m;
    m.Header(1, 0, 1).Label("ok").U8(static_cast<uint8_t>(type | 3)).Bytes({'a', 'b', 'c', 0});
    m.U16(1).U16(1);
    const Parsed p = Parse(m.bytes());
    EXPECT_FALSE(p.ok);
    EXPECT_EQ(Events(p.stats), "dns.bad_label_type");
    EXPECT_FALSE(p.message->has_question);
  }
}

TEST(ParseDns, NameLengthLimit) {
  // 64 + 64 + 64 + 62 + the root label: 255 bytes on the wire, the most allowed.
  Message longest;
  longest.Header(1, 0, 1)
      .Label(std::string(63, 'a'))
      .Label(std::string(63, 'b'))
      .Label(std::string(63, 'c'))
      .Label(std::string(61, 'd'))
      .U8(0)
      .U16(1)
      .U16(1);
  const Parsed ok = Parse(longest.bytes());
  ASSERT_TRUE(ok.ok);
  EXPECT_EQ(Events(ok.stats), "");
  EXPECT_EQ(ok.message->label_count, 4);
  EXPECT_EQ(ok.message->name_len, 63 * 3 + 61 + 3);

  Message too_long;
  too_long.Header(1, 0, 1)
      .Label(std::string(63, 'a'))
      .Label(std::string(63, 'b'))
      .Label(std::string(63, 'c'))
      .Label(std::string(62, 'd'))
      .U8(0)
      .U16(1)
      .U16(1);
  const Parsed bad = Parse(too_long.bytes());
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(Events(bad.stats), "dns.name_too_long");
  EXPECT_EQ(bad.message->name_len, 0);

  // Too long once a pointer is followed.
  Message via_pointer;
  via_pointer.Header(1, 0, 1).Label(std::string(63, 'x')).Label(std::string(63, 'y'));
  via_pointer.Pointer(12).U16(1).U16(1);
  const Parsed looped = Parse(via_pointer.bytes());
  EXPECT_FALSE(looped.ok);
  EXPECT_EQ(Events(looped.stats), "dns.name_too_long");
}

TEST(ParseDns, Truncated) {
  Message full;
  full.Header(0x5555, 0x0100, 1).Name("www.example.com").U16(1).U16(1);
  const std::vector<uint8_t>& bytes = full.bytes();

  const Parsed header = Parse(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 11));
  EXPECT_FALSE(header.ok);
  EXPECT_EQ(Events(header.stats), "dns.truncated");
  EXPECT_EQ(header.message->id, 0);

  const Parsed in_label = Parse(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 12 + 3));
  EXPECT_FALSE(in_label.ok);
  EXPECT_EQ(Events(in_label.stats), "dns.truncated");
  EXPECT_EQ(in_label.message->id, 0x5555);  // the header was read
  EXPECT_EQ(in_label.message->name_len, 0);

  const Parsed before_root = Parse(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 12 + 16));
  EXPECT_FALSE(before_root.ok);
  EXPECT_EQ(Events(before_root.stats), "dns.truncated");

  const Parsed qtype_cut = Parse(std::vector<uint8_t>(bytes.begin(), bytes.end() - 1));
  EXPECT_FALSE(qtype_cut.ok);
  EXPECT_EQ(Events(qtype_cut.stats), "dns.truncated");
  EXPECT_FALSE(qtype_cut.message->has_question);

  Message pointer_cut;
  pointer_cut.Header(1, 0, 1).U8(0xc0);
  const Parsed pc = Parse(pointer_cut.bytes());
  EXPECT_FALSE(pc.ok);
  EXPECT_EQ(Events(pc.stats), "dns.truncated");
}

TEST(ParseDns, UnprintableAndDotInsideLabelAreEscaped) {
  Message m;
  m.Header(1, 0, 1);
  m.U8(8).Bytes({'A', 0x00, '.', '\\', ' ', 0xff, 0x7f, 'z'});
  m.Label("Tld").U8(0).U16(1).U16(1);
  const Parsed p = Parse(m.bytes());
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(Events(p.stats), "");
  EXPECT_EQ(p.message->Name(), "a\\000\\046\\092\\032\\255\\127z.tld");
  EXPECT_EQ(p.message->label_count, 2);
}

TEST(ParseDns, NoQuestion) {
  Message m;
  m.Header(0x4444, 0x8000, 0, 1);
  const Parsed p = Parse(m.bytes());
  ASSERT_TRUE(p.ok);
  EXPECT_EQ(Events(p.stats), "");
  EXPECT_TRUE(p.message->is_response);
  EXPECT_EQ(p.message->question_count, 0);
  EXPECT_EQ(p.message->answer_count, 1);
  EXPECT_FALSE(p.message->has_question);
  EXPECT_EQ(p.message->Name(), "");

  // With qdcount 0, whatever follows the header is not read as a question.
  m.U8(0xc0);
  const Parsed q = Parse(m.bytes());
  ASSERT_TRUE(q.ok);
  EXPECT_EQ(Events(q.stats), "");
  EXPECT_FALSE(q.message->has_question);
}

TEST(ParseDns, ResetsThePreviousMessage) {
  Message first;
  first.Header(1, 0x8003, 1).Name("old.example").U16(1).U16(1);
  Message second;
  second.Header(2, 0, 0);
  auto msg = std::make_unique<DnsMessage>();
  DecodeStats stats;
  ASSERT_TRUE(ParseDns(first.bytes().data(), static_cast<uint32_t>(first.size()), *msg, stats));
  ASSERT_TRUE(ParseDns(second.bytes().data(), static_cast<uint32_t>(second.size()), *msg, stats));
  EXPECT_EQ(msg->id, 2);
  EXPECT_FALSE(msg->is_response);
  EXPECT_EQ(msg->rcode, 0);
  EXPECT_FALSE(msg->has_question);
  EXPECT_EQ(msg->Name(), "");
}

}  // namespace
}  // namespace rampart
