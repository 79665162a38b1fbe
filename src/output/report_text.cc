#include "output/report_text.h"
#include "output/report_dns.h"
#include "output/report_iot.h"

#include <fmt/format.h>

#include "capture/link_type.h"
#include "core/timestamp.h"

#include <algorithm>

namespace rampart {
namespace {

std::string Human(uint64_t value) {
  static constexpr const char* kUnits[] = {"", "K", "M", "G", "T"};
  auto v = static_cast<double>(value);
  size_t unit = 0;
  while (v >= 1000.0 && unit + 1 < std::size(kUnits)) {
    v /= 1000.0;
    ++unit;
  }
  return unit == 0 ? fmt::format("{}", value) : fmt::format("{:.1f}{}", v, kUnits[unit]);
}

std::string Percent(uint64_t part, uint64_t whole) {
  return whole == 0 ? "-"
                    : fmt::format("{:.1f}%",
                                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

void Line(std::string& out, const char* name, const PacketByteCount& count, uint64_t total) {
  if (count.packets == 0) {
    return;
  }
  out += fmt::format("  {:<14} {:>10} pkts {:>7}  {:>10}B\n", name, count.packets,
                     Percent(count.packets, total), Human(count.bytes));
}

}  // namespace

std::string ReportToText(const AnalysisReport& report) {
  const TrafficSummary& s = report.summary;
  std::string out;
  out += "== Capture ==\n";
  for (const CaptureFileFacts& file : report.files) {
    std::string links;
    for (const uint16_t type : file.link_types) {
      if (!links.empty()) {
        links.push_back(',');
      }
      links.append(LinkTypeName(type));
    }
    out += fmt::format("  {}  [{} {}-endian, link {}, snaplen {}]  {} pkts, {}B\n", file.path,
                       file.format, file.big_endian ? "big" : "little", links, file.snaplen,
                       file.packets, Human(file.wire_bytes));
    if (file.damage.status != CaptureStatus::kOk) {
      out += fmt::format("    ! {} at byte {} (packet #{}): {}\n",
                         CaptureStatusName(file.damage.status), file.damage.byte_offset,
                         file.damage.packet_index, file.damage.reason);
    }
  }
  out += fmt::format("  packets {}  bytes {} ({}B)\n", s.total.packets, s.total.bytes,
                     Human(s.total.bytes));
  if (s.total.packets > 0) {
    const double duration = static_cast<double>(s.last_ts - s.first_ts) / 1e9;
    out += fmt::format("  from {}  to {}  ({:.3f} s", FormatIso8601(s.first_ts),
                       FormatIso8601(s.last_ts), duration);
    if (duration > 0) {
      out += fmt::format(", {:.1f} pps avg", static_cast<double>(s.total.packets) / duration);
    }
    out += ")\n";
  }
  if (s.out_of_order > 0) {
    out += fmt::format("  {} packets out of timestamp order\n", s.out_of_order);
  }

  out += "\n== Protocols ==\n";
  const uint64_t t = s.total.packets;
  Line(out, "ipv4", s.ipv4, t);
  Line(out, "ipv6", s.ipv6, t);
  Line(out, "arp", s.arp, t);
  Line(out, "other l3", s.other_l3, t);
  Line(out, "undecoded", s.undecoded, t);
  Line(out, "tcp", s.tcp, t);
  Line(out, "udp", s.udp, t);
  Line(out, "icmp", s.icmp, t);
  Line(out, "icmpv6", s.icmpv6, t);
  Line(out, "gre", s.gre, t);
  Line(out, "other l4", s.other_l4, t);
  Line(out, "fragments", s.fragments, t);
  Line(out, "vlan", s.vlan, t);
  Line(out, "mpls", s.mpls, t);
  Line(out, "pppoe", s.pppoe, t);
  Line(out, "gre tunnel", s.gre_tunneled, t);
  Line(out, "gre ethernet", s.gre_ethernet, t);
  Line(out, "ip-in-ip", s.ip_in_ip, t);
  if (s.tcp.packets > 0) {
    out += fmt::format("  tcp flags: {} syn, {} syn-ack, {} rst, {} fin\n", s.tcp_syn,
                       s.tcp_syn_ack, s.tcp_rst, s.tcp_fin);
  }
  if (s.dns_queries + s.dns_responses + s.dns_malformed > 0) {
    out += fmt::format(
        "  dns: {} queries, {} responses ({} noerror, {} nxdomain, {} servfail, {} refused, {} "
        "other), {} malformed\n",
        s.dns_queries, s.dns_responses, s.dns_noerror, s.dns_nxdomain, s.dns_servfail,
        s.dns_refused, s.dns_other_rcode, s.dns_malformed);
  }

  out += fmt::format("\n== Top hosts ({} of {}) ==\n", report.hosts.size(), report.hosts_seen);
  out += fmt::format("  {:<39} {:>10} {:>9} {:>10} {:>9}\n", "address", "rx pkts", "rx bytes",
                     "tx pkts", "tx bytes");
  for (const HostEntry& host : report.hosts) {
    out += fmt::format("  {:<39} {:>10} {:>9} {:>10} {:>9}\n", host.address.ToString(),
                       host.counters.rx_packets, Human(host.counters.rx_bytes),
                       host.counters.tx_packets, Human(host.counters.tx_bytes));
  }
  if (report.hosts_evicted > 0) {
    out += fmt::format("  ({} addresses evicted at the memory cap: {} pkts not attributed)\n",
                       report.hosts_evicted, report.evicted_counters.Packets());
  }

  out += fmt::format("\n== Attacks ({}) ==\n", report.attacks.size());
  if (report.attacks.empty()) {
    out += "  none\n";
  }
  for (const AttackRecord& a : report.attacks) {
    std::string vectors;
    for (const AttackVector& v : a.vectors) {
      if (!vectors.empty()) {
        vectors.append(", ");
      }
      vectors.append(VectorName(v.vector));
      if (v.vector == Vector::kAmplification) {
        vectors.append("(").append(v.service).append(")");
      }
    }
    out += fmt::format("  #{} {} {} {}: {}\n", a.id,
                       a.direction == Direction::kIncoming ? "on" : "from", a.target_kind, a.target,
                       vectors);
    out += fmt::format("     {} .. {}{}  detected after {:.3f} s\n", FormatIso8601(a.start),
                       FormatIso8601(a.end), a.ongoing ? " (ongoing)" : "",
                       static_cast<double>(a.detected_at - a.start) / 1e9);
    out += fmt::format("     peak {} pps / {}bps, mean {} pps, {} pkts, ~{} sources\n",
                       Human(static_cast<uint64_t>(a.peak_pps)),
                       Human(static_cast<uint64_t>(a.peak_bps)),
                       Human(static_cast<uint64_t>(a.MeanPps())), a.packets,
                       Human(static_cast<uint64_t>(a.distinct_sources)));
    std::string sources;
    for (size_t i = 0; i < std::min<size_t>(a.top_sources.size(), 3); ++i) {
      sources += fmt::format("{}{} ({})", i == 0 ? "" : ", ", a.top_sources[i].key.ToString(),
                             a.top_sources[i].count);
    }
    if (!sources.empty()) {
      out += fmt::format("     top sources: {}\n", sources);
    }
    out += fmt::format("     reason: {}\n", a.reason);
  }

  out += "\n== Decode anomalies ==\n";
  bool any = false;
  for (size_t i = 0; i < kDecodeEventCount; ++i) {
    if (report.decode.events[i] != 0) {
      out += fmt::format("  {:<32} {}\n", DecodeEventName(static_cast<DecodeEvent>(i)),
                         report.decode.events[i]);
      any = true;
    }
  }
  if (!any) {
    out += "  none\n";
  }
  if (report.dns) {
    out += DnsText(*report.dns);
  }
  if (report.iot) {
    out += IotText(*report.iot, report.show_default_passwords);
  }
  if (report.flows) {
    out +=
        fmt::format("\n== Flows ==\n  {} datagrams, {} records, spread into {} chunks ({} late)\n",
                    report.flows->datagrams, report.flows->records, report.flows->spreader.chunks,
                    report.flows->spreader.late_chunks);
    report.flows->decode.ForEach([&](const char* name, uint64_t value) {
      if (value != 0) {
        out += fmt::format("  {:<40} {}\n", name, value);
      }
    });
  }
  return out;
}

}  // namespace rampart
