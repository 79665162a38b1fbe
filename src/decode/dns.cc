#include "decode/dns.h"

#include "core/byte_order.h"

namespace rampart {
namespace {
constexpr uint32_t kHeaderLen = 12;
constexpr uint32_t kMaxWireName = 255;

void Append(DnsMessage& message, char c) {
  if (message.name_len < sizeof message.name) {
    message.name[message.name_len++] = c;
  }
}

void AppendLabelByte(DnsMessage& message, uint8_t byte) {
  if (byte >= 'A' && byte <= 'Z') {
    Append(message, static_cast<char>(byte - 'A' + 'a'));
  } else if (byte > 0x20 && byte < 0x7f && byte != '.' && byte != '\\') {
    Append(message, static_cast<char>(byte));
  } else {
    Append(message, '\\');
    Append(message, static_cast<char>('0' + byte / 100));
    Append(message, static_cast<char>('0' + (byte / 10) % 10));
    Append(message, static_cast<char>('0' + byte % 10));
  }
}
}  // namespace

uint32_t ReadDnsName(const uint8_t* p, uint32_t len, uint32_t offset, DnsMessage& message,
                     DecodeStats& stats) {
  message.name_len = 0;
  message.label_count = 0;
  uint32_t pos = offset;
  uint32_t consumed = 0;  // bytes at the original position, fixed at the first pointer
  uint32_t wire_len = 1;  // the terminating root label
  int hops = 0;
  for (;;) {
    if (pos >= len) {
      stats.Count(DecodeEvent::kDnsTruncated);
      return 0;
    }
    const uint8_t label = p[pos];
    const uint8_t kind = label & 0xc0;
    if (kind == 0xc0) {
      if (pos + 2 > len) {
        stats.Count(DecodeEvent::kDnsTruncated);
        return 0;
      }
      if (++hops > kDnsMaxPointerHops) {
        stats.Count(DecodeEvent::kDnsPointerLoop);
        return 0;
      }
      const uint32_t target = LoadBe16(p + pos) & 0x3fff;
      if (target >= len) {
        stats.Count(DecodeEvent::kDnsPointerOutOfRange);
        return 0;
      }
      if (consumed == 0) {
        consumed = pos + 2 - offset;
      }
      pos = target;
      continue;
    }
    if (kind != 0) {
      stats.Count(DecodeEvent::kDnsBadLabelType);  // 0x40 extended and 0x80 reserved types
      return 0;
    }
    if (label == 0) {
      if (consumed == 0) {
        consumed = pos + 1 - offset;
      }
      break;
    }
    if (pos + 1 + label > len) {
      stats.Count(DecodeEvent::kDnsTruncated);
      return 0;
    }
    wire_len += 1u + label;
    if (wire_len > kMaxWireName) {
      stats.Count(DecodeEvent::kDnsNameTooLong);
      return 0;
    }
    if (message.label_count > 0) {
      Append(message, '.');
    }
    for (uint32_t i = 0; i < label; ++i) {
      AppendLabelByte(message, p[pos + 1 + i]);
    }
    message.label_count++;
    pos += 1u + label;
  }
  if (message.label_count == 0) {
    Append(message, '.');
  }
  return consumed;
}

bool ParseDns(const uint8_t* p, uint32_t len, DnsMessage& message, DecodeStats& stats) {
  message = DnsMessage{};
  if (len < kHeaderLen) {
    stats.Count(DecodeEvent::kDnsTruncated);
    return false;
  }
  message.id = LoadBe16(p);
  const uint16_t flags = LoadBe16(p + 2);
  message.is_response = (flags & 0x8000) != 0;
  message.opcode = static_cast<uint8_t>((flags >> 11) & 0x0f);
  message.truncated = (flags & 0x0200) != 0;
  message.rcode = static_cast<uint8_t>(flags & 0x0f);
  message.question_count = LoadBe16(p + 4);
  message.answer_count = LoadBe16(p + 6);
  message.authority_count = LoadBe16(p + 8);
  message.additional_count = LoadBe16(p + 10);
  if (message.question_count == 0) {
    return true;
  }
  const uint32_t name_bytes = ReadDnsName(p, len, kHeaderLen, message, stats);
  if (name_bytes == 0) {
    message.name_len = 0;
    return false;
  }
  const uint32_t after = kHeaderLen + name_bytes;
  if (after + 4 > len) {
    stats.Count(DecodeEvent::kDnsTruncated);
    return false;
  }
  message.qtype = LoadBe16(p + after);
  message.qclass = LoadBe16(p + after + 2);
  message.has_question = true;
  return true;
}

}  // namespace rampart
