#pragma once
#include <cstdint>
#include <string_view>

#include "decode/decode_events.h"

namespace rampart {

//! What rampart reads of a DNS message: the header and the first question.
struct DnsMessage {
  uint16_t id = 0;
  bool is_response = false;
  bool truncated = false;  // the TC bit
  uint8_t opcode = 0;
  uint8_t rcode = 0;
  uint16_t question_count = 0;
  uint16_t answer_count = 0;
  uint16_t authority_count = 0;
  uint16_t additional_count = 0;
  bool has_question = false;
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  uint8_t label_count = 0;
  uint16_t name_len = 0;
  //! Lower-cased presentation form ("www.example.com", "." for the root). Bytes that are not
  //! printable ASCII, and '.' or '\' inside a label, are written as \DDD (as dig does), so the
  //! name is always valid UTF-8 however hostile the packet.
  char name[1024] = {};

  std::string_view Name() const { return {name, name_len}; }
};

constexpr int kDnsMaxPointerHops = 16;

//! Parses a DNS message held in `p`. False when the header is cut short or the first question is
//! malformed; the reason is counted in `stats`. Compression pointers are followed with a hop limit
//! and must point inside the message.
bool ParseDns(const uint8_t* p, uint32_t len, DnsMessage& message, DecodeStats& stats);

//! Reads the name at `offset`. Returns the bytes the name occupies at `offset` (pointers count
//! 2), or 0 when it is malformed (counted).
uint32_t ReadDnsName(const uint8_t* p, uint32_t len, uint32_t offset, DnsMessage& message,
                     DecodeStats& stats);

}  // namespace rampart
