#pragma once
// DNS messages for `rampart-gen dns` (scenario/dns_scenario.h): queries, responses of an
// authoritative server or a recursive resolver with the zone data of dns_scenario.h, and the
// large ANY answers of open resolvers. Names in the records are compressed against the
// question's name.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/capture_common.h"

namespace rampart::scenario::dns {

constexpr uint16_t kA = 1;
constexpr uint16_t kSoa = 6;
constexpr uint16_t kMx = 15;
constexpr uint16_t kTxt = 16;
constexpr uint16_t kAaaa = 28;
constexpr uint16_t kRrsig = 46;
constexpr uint16_t kDnskey = 48;
constexpr uint16_t kHttps = 65;
constexpr uint16_t kAny = 255;
constexpr uint8_t kNoError = 0;
constexpr uint8_t kNxDomain = 3;

struct Question {
  uint16_t id = 0;
  std::string name;
  uint16_t qtype = kA;
  bool rd = false;
  uint16_t edns = 0;  // the OPT record's UDP payload size; 0 for no OPT
  bool dnssec_ok = false;
};

//! One answer record for the question's name: RDATA is `head`, then `name` if `has_name`
//! (compressed), then `tail`.
struct Record {
  uint16_t type = kA;
  uint32_t ttl = 0;
  Bytes head;
  bool has_name = false;
  std::string name;
  Bytes tail;
};

struct Answer {
  uint8_t rcode = kNoError;
  std::vector<Record> records;
  std::string soa;  // the zone whose SOA goes in the authority section; empty for none
};

//! A query: RD as asked, an OPT record when `edns` is not 0.
Bytes EncodeQuery(const Question& q);

//! The response to `q` with `a`: AA from an authoritative server, else RA; RD copied; record
//! TTLs less `age_s` (the seconds an answer spent in a cache); OPT (UDP size 1232, DO echoed)
//! when the query had one.
Bytes EncodeResponse(const Question& q, const Answer& a, bool authoritative, uint32_t age_s);

//! FNV-1a of `text`.
uint64_t Fnv(std::string_view text);

//! TXT RDATA: `text` as character-strings of at most 255 bytes.
Bytes TextRdata(std::string_view text);

//! The zone data of `name` (see dns_scenario.h): `count` A records, or one record of AAAA, MX,
//! TXT or HTTPS; NODATA with the zone's SOA for other types.
Answer ZoneData(std::string_view name, uint16_t qtype, std::string_view zone, uint32_t ttl,
                int count = 1);

//! NXDOMAIN with the zone's SOA.
Answer NxDomain(std::string_view zone);

//! An open resolver's ANY answer of `total` bytes (QR, RD, RA): two DNSKEYs, RRSIGs over the
//! DNSKEY and TXT sets, TXT records (SPF, DKIM-like keys) to fill, and EDNS0 (4096, DO).
//! `now_s` sets the signatures' validity.
Bytes AnyResponse(Rng& rng, std::string_view zone, size_t total, int64_t now_s);

}  // namespace rampart::scenario::dns
