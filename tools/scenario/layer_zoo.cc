#include "scenario/layer_zoo.h"

#include <functional>
#include <vector>

#include "capture/pcap_writer.h"
#include "scenario/packet_builder.h"

namespace rampart::scenario {
namespace {

using Frame = std::vector<uint8_t>;
constexpr int64_t kStart = 1477040400LL * 1000000000LL;

IpSpec V4(const char* src, const char* dst, uint16_t id = 1) {
  IpSpec spec;
  spec.src = *IpAddress::Parse(src);
  spec.dst = *IpAddress::Parse(dst);
  spec.id = id;
  return spec;
}

TcpSpec Syn(uint16_t sport, uint16_t dport) {
  TcpSpec tcp;
  tcp.src_port = sport;
  tcp.dst_port = dport;
  tcp.seq = 0xc0000201;
  tcp.flags = 0x02;
  tcp.window = 0;
  // MSS 1400, SACK permitted, timestamps, NOP, window scale 6: Mirai's SYN flood options.
  tcp.options = {2, 4, 0x05, 0x78, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 6};
  return tcp;
}

bool WriteFile(const std::string& path, uint16_t link_type, const std::vector<Frame>& frames,
               std::string* error, uint32_t snaplen = 65535) {
  PcapWriter writer;
  if (!writer.Open(path, link_type, snaplen, error)) {
    return false;
  }
  int64_t ts = kStart;
  for (const Frame& frame : frames) {
    const auto wire = static_cast<uint32_t>(frame.size());
    const uint32_t cap = wire < snaplen ? wire : snaplen;
    if (!writer.Write(ts, frame.data(), cap, wire)) {
      *error = path + ": write failed";
      return false;
    }
    ts += 1000000;
  }
  return writer.Close();
}

Frame Prefix(std::vector<uint8_t> header, const Frame& rest) {
  header.insert(header.end(), rest.begin(), rest.end());
  return header;
}

Frame IpUdp(const char* src, const char* dst, uint16_t sport, uint16_t dport, size_t payload) {
  return PacketBuilder().Ip(V4(src, dst), 17).Udp(sport, dport).Zeros(payload).Finish();
}

}  // namespace

bool WriteLayerZoo(const std::string& dir, std::string* error) {
  const auto file = [&dir](const char* name) { return dir + "/" + name; };
  std::vector<std::function<bool()>> writers;

  writers.emplace_back([&] {
    std::vector<Frame> frames;
    frames.push_back(PacketBuilder()
                         .Ethernet(0x88a8)
                         .Vlan(100, 0x8100)
                         .Vlan(200, 0x0800)
                         .Ip(V4("192.0.2.10", "198.51.100.5"), 6)
                         .Tcp(Syn(40000, 23))
                         .Finish());
    frames.push_back(PacketBuilder()
                         .Ethernet(0x8100)
                         .Vlan(7, 0x86dd)
                         .Ip(V4("2001:db8::1", "2001:db8::2"), 17)
                         .Udp(5000, 53)
                         .Payload(DnsQuery(7, "example.com", 1).data(), 29)
                         .Finish());
    return WriteFile(file("zoo_vlan_qinq.pcap"), 1, frames, error);
  });

  writers.emplace_back([&] {
    std::vector<Frame> frames;
    frames.push_back(PacketBuilder()
                         .Ethernet(0x8847)
                         .Mpls(16, false)
                         .Mpls(17, true)
                         .Ip(V4("10.1.0.1", "10.2.0.1"), 1)
                         .Icmp(8, 0)
                         .Zeros(32)
                         .Finish());
    frames.push_back(PacketBuilder()
                         .Ethernet(0x8847)
                         .Mpls(18, true)
                         .Ip(V4("2001:db8:1::1", "2001:db8:2::1"), 58)
                         .Icmp(128, 0)
                         .Finish());
    return WriteFile(file("zoo_mpls.pcap"), 1, frames, error);
  });

  writers.emplace_back([&] {
    // Mirai greeth: GRE transparent Ethernet bridging around Ethernet/IPv4/UDP.
    std::vector<Frame> frames;
    for (uint16_t i = 0; i < 3; ++i) {
      frames.push_back(PacketBuilder()
                           .Ethernet(0x0800)
                           .Ip(V4("203.0.113.7", "198.51.100.80", i), 47)
                           .Gre(0x6558)
                           .Ethernet(0x0800, 0x020000000010, 0x020000000020)
                           .Ip(V4("10.9.9.9", "198.51.100.80", i), 17)
                           .Udp(static_cast<uint16_t>(30000 + i), static_cast<uint16_t>(4000 + i))
                           .Zeros(512)
                           .Finish());
    }
    return WriteFile(file("zoo_gre_eth.pcap"), 1, frames, error);
  });

  writers.emplace_back([&] {
    // Mirai greip: GRE (with a key) around IPv4/UDP; and IP-in-IP, 6in4.
    std::vector<Frame> frames;
    frames.push_back(PacketBuilder()
                         .Ethernet(0x0800)
                         .Ip(V4("203.0.113.8", "198.51.100.81"), 47)
                         .Gre(0x0800, true)
                         .Ip(V4("10.8.8.8", "198.51.100.81"), 17)
                         .Udp(1234, 5678)
                         .Zeros(512)
                         .Finish());
    frames.push_back(PacketBuilder()
                         .Ethernet(0x0800)
                         .Ip(V4("203.0.113.9", "198.51.100.82"), 4)
                         .Ip(V4("10.7.7.7", "10.6.6.6"), 6)
                         .Tcp(Syn(1111, 80))
                         .Finish());
    frames.push_back(PacketBuilder()
                         .Ethernet(0x0800)
                         .Ip(V4("203.0.113.10", "198.51.100.83"), 41)
                         .Ip(V4("2001:db8:6::1", "2001:db8:6::2"), 17)
                         .Udp(53, 33000)
                         .Zeros(20)
                         .Finish());
    return WriteFile(file("zoo_tunnels.pcap"), 1, frames, error);
  });

  writers.emplace_back([&] {
    // IPv4 fragments (a fragment flood's shape) and IPv6 extension-header chains.
    std::vector<Frame> frames;
    IpSpec first = V4("192.0.2.50", "198.51.100.9", 77);
    first.more_fragments = true;
    frames.push_back(
        PacketBuilder().Ethernet(0x0800).Ip(first, 17).Udp(53, 4444).Zeros(1472).Finish());
    IpSpec second = first;
    second.more_fragments = false;
    second.fragment_offset = 1480;
    frames.push_back(PacketBuilder().Ethernet(0x0800).Ip(second, 17).Zeros(600).Finish());
    IpSpec df = V4("192.0.2.51", "198.51.100.9", 78);
    df.dont_fragment = true;
    frames.push_back(PacketBuilder().Ethernet(0x0800).Ip(df, 6).Tcp(Syn(5555, 443)).Finish());
    // IPv6: hop-by-hop (0) -> destination options (60) -> fragment (44) -> UDP.
    Frame v6 = PacketBuilder()
                   .Ethernet(0x86dd)
                   .Ip(V4("2001:db8:a::1", "2001:db8:b::1"), 0)
                   .Payload(std::string_view("\x3c\x00\x01\x04\x00\x00\x00\x00", 8))
                   .Payload(std::string_view("\x2c\x00\x01\x04\x00\x00\x00\x00", 8))
                   .Payload(std::string_view("\x11\x00\x00\x00\x00\x00\x00\x2a", 8))
                   .Payload(std::string_view("\x13\x88\x00\x35\x00\x10\x00\x00", 8))
                   .Zeros(8)
                   .Finish();
    frames.push_back(v6);
    // An IPv6 first fragment whose rest never arrives (tshark leaves it out of its endpoints).
    frames.push_back(PacketBuilder()
                         .Ethernet(0x86dd)
                         .Ip(V4("2001:db8:a::2", "2001:db8:b::2"), 44)
                         .Payload(std::string_view("\x11\x00\x00\x01\x00\x00\x00\x2b", 8))
                         .Payload(std::string_view("\x13\x88\x00\x35\x00\x10\x00\x00", 8))
                         .Zeros(16)
                         .Finish());
    return WriteFile(file("zoo_fragments_ext.pcap"), 1, frames, error);
  });

  writers.emplace_back([&] {
    // PPPoE session carrying IPv4.
    std::vector<Frame> frames;
    Frame inner = IpUdp("100.64.0.5", "198.51.100.7", 123, 123, 48);
    Frame header = PacketBuilder().Ethernet(0x8864).Finish();
    header.resize(14);
    const auto len = static_cast<uint16_t>(inner.size() + 2);
    std::vector<uint8_t> pppoe = {
        0x11, 0x00, 0x00, 0x01, static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len),
        0x00, 0x21};
    header.insert(header.end(), pppoe.begin(), pppoe.end());
    frames.push_back(Prefix(header, inner));
    return WriteFile(file("zoo_pppoe.pcap"), 1, frames, error);
  });

  writers.emplace_back([&] {
    std::vector<Frame> frames;
    const std::vector<uint8_t> sll = {0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00};
    frames.push_back(Prefix(sll, IpUdp("192.0.2.60", "198.51.100.60", 1000, 2000, 10)));
    std::vector<uint8_t> sll6 = sll;
    sll6[14] = 0x86;
    sll6[15] = 0xdd;
    frames.push_back(Prefix(
        sll6, PacketBuilder().Ip(V4("2001:db8::60", "2001:db8::61"), 58).Icmp(128, 0).Finish()));
    return WriteFile(file("zoo_linux_sll.pcap"), 113, frames, error);
  });

  writers.emplace_back([&] {
    std::vector<Frame> frames;
    const std::vector<uint8_t> sll2 = {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1,
                                       0,    6,    2, 0, 0, 0, 0, 2, 0, 0};
    frames.push_back(Prefix(sll2, IpUdp("192.0.2.70", "198.51.100.70", 1000, 2000, 10)));
    return WriteFile(file("zoo_linux_sll2.pcap"), 276, frames, error);
  });

  writers.emplace_back([&] {
    std::vector<Frame> frames;
    frames.push_back(IpUdp("192.0.2.80", "198.51.100.80", 1000, 2000, 10));
    frames.push_back(
        PacketBuilder().Ip(V4("2001:db8::80", "2001:db8::81"), 58).Icmp(129, 0).Finish());
    return WriteFile(file("zoo_raw.pcap"), 101, frames, error);
  });

  writers.emplace_back([&] {
    std::vector<Frame> frames;
    frames.push_back(Prefix({2, 0, 0, 0}, IpUdp("192.0.2.90", "198.51.100.90", 1, 2, 4)));
    frames.push_back(
        Prefix({0, 0, 0, 30},
               PacketBuilder().Ip(V4("2001:db8::90", "2001:db8::91"), 58).Icmp(128, 0).Finish()));
    return WriteFile(file("zoo_null.pcap"), 0, frames, error);
  });

  writers.emplace_back([&] {
    std::vector<Frame> frames;
    frames.push_back(Prefix({0, 0, 0, 2}, IpUdp("192.0.2.91", "198.51.100.91", 1, 2, 4)));
    frames.push_back(
        Prefix({0, 0, 0, 24},
               PacketBuilder().Ip(V4("2001:db8::92", "2001:db8::93"), 58).Icmp(128, 0).Finish()));
    return WriteFile(file("zoo_loop.pcap"), 108, frames, error);
  });

  writers.emplace_back([&] {
    // Frames cut at 54 bytes by the snap length: addresses and ports survive, payload does not.
    std::vector<Frame> frames;
    for (uint16_t i = 0; i < 4; ++i) {
      frames.push_back(PacketBuilder()
                           .Ethernet(0x0800)
                           .Ip(V4("192.0.2.100", "198.51.100.100", i), 17)
                           .Udp(static_cast<uint16_t>(2000 + i), 27015)
                           .Payload("\xff\xff\xff\xffTSource Engine Query")
                           .Zeros(400)
                           .Finish());
    }
    return WriteFile(file("zoo_snaplen.pcap"), 1, frames, error, 54);
  });

  writers.emplace_back([&] {
    // DNS that lies: a pointer loop, a pointer past the end, a cut header, and a good query.
    std::vector<Frame> frames;
    const auto dns = [](std::vector<uint8_t> payload) {
      return PacketBuilder()
          .Ethernet(0x0800)
          .Ip(V4("192.0.2.110", "198.51.100.53"), 17)
          .Udp(40000, 53)
          .Payload(payload.data(), payload.size())
          .Finish();
    };
    frames.push_back(dns({0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 14, 0xc0, 12, 0, 1, 0, 1}));
    frames.push_back(dns({0, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0, 1, 0, 1}));
    frames.push_back(dns({0, 3, 1, 0, 0}));
    frames.push_back(dns(DnsQuery(4, "xj3k9a0bc2dd.example.com", 1)));
    return WriteFile(file("zoo_dns_malformed.pcap"), 1, frames, error);
  });

  for (const auto& write : writers) {
    if (!write()) {
      return false;
    }
  }
  return true;
}

}  // namespace rampart::scenario
