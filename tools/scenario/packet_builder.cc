#include "scenario/packet_builder.h"

#include <cstring>

#include "scenario/capture_common.h"

namespace rampart::scenario {
namespace {

void PutMac(std::vector<uint8_t>& out, uint64_t mac) {
  for (int shift = 40; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(mac >> shift));
  }
}

uint32_t SumWords(const uint8_t* p, size_t len, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < len; i += 2) {
    sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  }
  if (len % 2 == 1) {
    sum += static_cast<uint32_t>(p[len - 1] << 8);
  }
  return sum;
}
uint16_t Fold(uint32_t sum) {
  while ((sum >> 16) != 0) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum);
}

}  // namespace

PacketBuilder& PacketBuilder::Ethernet(uint16_t ethertype, uint64_t src_mac, uint64_t dst_mac) {
  if (bytes_.empty()) {
    ethernet_ = true;
  }
  PutMac(bytes_, dst_mac);
  PutMac(bytes_, src_mac);
  Put16(bytes_, ethertype);
  return *this;
}

PacketBuilder& PacketBuilder::Vlan(uint16_t vlan_id, uint16_t inner_ethertype) {
  Put16(bytes_, vlan_id & 0x0fff);
  Put16(bytes_, inner_ethertype);
  return *this;
}

PacketBuilder& PacketBuilder::Mpls(uint32_t label, bool bottom) {
  Put32(bytes_, (label << 12) | (bottom ? 0x100u : 0u) | 64u);
  return *this;
}

PacketBuilder& PacketBuilder::Ip(const IpSpec& spec, uint8_t protocol) {
  const bool v6 = spec.src.IsV6();
  ips_.push_back({bytes_.size(), v6, protocol});
  if (v6) {
    Put32(bytes_, 0x60000000);
    Put16(bytes_, 0);  // payload length, fixed in Finish()
    bytes_.push_back(protocol);
    bytes_.push_back(spec.ttl);
    bytes_.insert(bytes_.end(), spec.src.bytes.begin(), spec.src.bytes.end());
    bytes_.insert(bytes_.end(), spec.dst.bytes.begin(), spec.dst.bytes.end());
    return *this;
  }
  bytes_.push_back(0x45);
  bytes_.push_back(0);
  Put16(bytes_, 0);  // total length, fixed in Finish()
  Put16(bytes_, spec.id);
  uint16_t fragment = static_cast<uint16_t>(spec.fragment_offset / 8);
  fragment |= spec.dont_fragment ? 0x4000 : 0;
  fragment |= spec.more_fragments ? 0x2000 : 0;
  Put16(bytes_, fragment);
  bytes_.push_back(spec.ttl);
  bytes_.push_back(protocol);
  Put16(bytes_, 0);  // checksum, fixed in Finish()
  bytes_.insert(bytes_.end(), spec.src.bytes.begin(), spec.src.bytes.begin() + 4);
  bytes_.insert(bytes_.end(), spec.dst.bytes.begin(), spec.dst.bytes.begin() + 4);
  return *this;
}

PacketBuilder& PacketBuilder::Tcp(const TcpSpec& spec) {
  l4s_.push_back({bytes_.size(), 6, ips_.size() - 1});
  std::vector<uint8_t> options = spec.options;
  while (options.size() % 4 != 0) {
    options.push_back(0);
  }
  Put16(bytes_, spec.src_port);
  Put16(bytes_, spec.dst_port);
  Put32(bytes_, spec.seq);
  Put32(bytes_, spec.ack);
  bytes_.push_back(static_cast<uint8_t>((20 + options.size()) / 4) << 4);
  bytes_.push_back(spec.flags);
  Put16(bytes_, spec.window);
  Put16(bytes_, 0);  // checksum
  Put16(bytes_, 0);  // urgent pointer
  bytes_.insert(bytes_.end(), options.begin(), options.end());
  return *this;
}

PacketBuilder& PacketBuilder::Udp(uint16_t src_port, uint16_t dst_port) {
  l4s_.push_back({bytes_.size(), 17, ips_.size() - 1});
  Put16(bytes_, src_port);
  Put16(bytes_, dst_port);
  Put16(bytes_, 0);
  Put16(bytes_, 0);
  return *this;
}

PacketBuilder& PacketBuilder::Icmp(uint8_t type, uint8_t code, uint16_t id, uint16_t seq) {
  const bool v6 = !ips_.empty() && ips_.back().v6;
  l4s_.push_back({bytes_.size(), static_cast<uint8_t>(v6 ? 58 : 1), ips_.size() - 1});
  bytes_.push_back(type);
  bytes_.push_back(code);
  Put16(bytes_, 0);
  Put16(bytes_, id);  // identifier and sequence for echo
  Put16(bytes_, seq);
  return *this;
}

PacketBuilder& PacketBuilder::Gre(uint16_t protocol, bool with_key) {
  Put16(bytes_, with_key ? 0x2000 : 0);
  Put16(bytes_, protocol);
  if (with_key) {
    Put32(bytes_, 0x12345678);
  }
  return *this;
}

PacketBuilder& PacketBuilder::Payload(const uint8_t* data, size_t len) {
  bytes_.insert(bytes_.end(), data, data + len);
  return *this;
}

PacketBuilder& PacketBuilder::Payload(std::string_view text) {
  return Payload(reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

PacketBuilder& PacketBuilder::Zeros(size_t len) {
  bytes_.insert(bytes_.end(), len, 0);
  return *this;
}

std::vector<uint8_t> PacketBuilder::Finish() {
  const size_t end = bytes_.size();
  // Each IP header covers everything after it (tunnels nest), innermost first.
  for (auto it = ips_.rbegin(); it != ips_.rend(); ++it) {
    const size_t len = end - it->offset;
    if (it->v6) {
      Set16(bytes_, it->offset + 4, static_cast<uint16_t>(len - 40));
    } else {
      Set16(bytes_, it->offset + 2, static_cast<uint16_t>(len));
      Set16(bytes_, it->offset + 10, 0);
      Set16(bytes_, it->offset + 10, Fold(SumWords(&bytes_[it->offset], 20)));
    }
  }
  for (auto it = l4s_.rbegin(); it != l4s_.rend(); ++it) {
    const size_t len = end - it->offset;
    const IpLayer& ip = ips_[it->ip_index];
    size_t checksum_at = 0;
    switch (it->protocol) {
      case 6:
        checksum_at = it->offset + 16;
        break;
      case 17:
        Set16(bytes_, it->offset + 4, static_cast<uint16_t>(len));
        checksum_at = it->offset + 6;
        break;
      default:
        checksum_at = it->offset + 2;
        break;
    }
    Set16(bytes_, checksum_at, 0);
    uint32_t sum = 0;
    if (it->protocol != 1) {  // ICMPv4 has no pseudo-header
      const size_t addr_at = ip.offset + (ip.v6 ? 8 : 12);
      sum = SumWords(&bytes_[addr_at], ip.v6 ? 32 : 8);
      sum += it->protocol;
      sum += static_cast<uint32_t>(len & 0xffff) + static_cast<uint32_t>(len >> 16);
    }
    sum = SumWords(&bytes_[it->offset], len, sum);
    uint16_t checksum = Fold(sum);
    if (checksum == 0 && it->protocol == 17) {
      checksum = 0xffff;
    }
    Set16(bytes_, checksum_at, checksum);
  }
  if (ethernet_ && bytes_.size() < 60) {
    bytes_.resize(60, 0);
  }
  return bytes_;
}

std::vector<uint8_t> DnsQuery(uint16_t id, std::string_view name, uint16_t qtype) {
  std::vector<uint8_t> out;
  Put16(out, id);
  Put16(out, 0x0100);  // recursion desired
  Put16(out, 1);
  Put16(out, 0);
  Put16(out, 0);
  Put16(out, 0);
  PutLabels(out, name);
  out.push_back(0);
  Put16(out, qtype);
  Put16(out, 1);
  return out;
}

}  // namespace rampart::scenario
