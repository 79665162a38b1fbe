#include "output/report_json.h"

#include "capture/link_type.h"
#include "core/timestamp.h"
#include "output/report_dns.h"
#include "output/report_iot.h"

#include <cmath>

namespace rampart {
namespace {
using Json = nlohmann::ordered_json;

Json Count(const PacketByteCount& count) {
  return Json{{"packets", count.packets}, {"bytes", count.bytes}};
}

Json FileJson(const CaptureFileFacts& file) {
  Json link_types = Json::array();
  for (const uint16_t type : file.link_types) {
    link_types.push_back(LinkTypeName(type));
  }
  Json out{{"path", file.path},
           {"format", file.format},
           {"byte_order", file.big_endian ? "big" : "little"},
           {"snaplen", file.snaplen},
           {"link_types", link_types},
           {"interfaces", file.interfaces},
           {"sections", file.sections},
           {"packets", file.packets},
           {"bytes", file.wire_bytes},
           {"captured_bytes", file.captured_bytes},
           {"cut_by_snaplen", file.cut_by_snaplen},
           {"skipped_blocks", file.skipped_blocks},
           {"status", CaptureStatusName(file.damage.status)}};
  if (file.damage.status != CaptureStatus::kOk) {
    out["damage"] = Json{{"byte_offset", file.damage.byte_offset},
                         {"packet_index", file.damage.packet_index},
                         {"reason", file.damage.reason}};
  } else {
    out["damage"] = nullptr;
  }
  return out;
}
template <typename Key, typename Render>
Json CountedList(const std::vector<Counted<Key>>& items, const char* key_name, Render render) {
  Json out = Json::array();
  for (const auto& item : items) {
    out.push_back(Json{{key_name, render(item.key)}, {"packets", item.count}});
  }
  return out;
}

Json AttackJson(const AttackRecord& a) {
  Json vectors = Json::array();
  for (const AttackVector& v : a.vectors) {
    Json entry{{"name", std::string(VectorName(v.vector))}};
    if (v.vector == Vector::kAmplification) {
      entry["service"] = v.service;
    }
    entry["packets"] = v.packets;
    vectors.push_back(entry);
  }
  const auto port = [](uint16_t p) { return p; };
  return Json{{"id", a.id},
              {"target", a.target},
              {"target_kind", a.target_kind},
              {"direction", a.direction == Direction::kIncoming ? "incoming" : "outgoing"},
              {"policy", a.policy},
              {"vectors", vectors},
              {"start", FormatIso8601(a.start)},
              {"detected_at", FormatIso8601(a.detected_at)},
              {"end", FormatIso8601(a.end)},
              {"start_ns", a.start},
              {"detected_at_ns", a.detected_at},
              {"end_ns", a.end},
              {"ongoing", a.ongoing},
              {"detection_latency_s", static_cast<double>(a.detected_at - a.start) / 1e9},
              {"peak_pps", a.peak_pps},
              {"peak_bps", a.peak_bps},
              {"mean_pps", a.MeanPps()},
              {"mean_bps", a.MeanBps()},
              {"packets", a.packets},
              {"bytes", a.bytes},
              {"distinct_sources", std::llround(a.distinct_sources)},
              {"top_sources", CountedList(a.top_sources, "address",
                                          [](const IpAddress& ip) { return ip.ToString(); })},
              {"top_source_ports", CountedList(a.top_source_ports, "port", port)},
              {"top_destination_ports", CountedList(a.top_destination_ports, "port", port)},
              {"ttl", Json{{"min", a.ttl_min},
                           {"max", a.ttl_max},
                           {"top", CountedList(a.top_ttls, "ttl", [](uint8_t t) { return t; })}}},
              {"size", Json{{"min", a.size_min},
                            {"max", a.size_max},
                            {"mean", a.size_mean},
                            {"top", CountedList(a.top_sizes, "bytes", port)}}},
              {"reason", a.reason}};
}

}  // namespace

nlohmann::ordered_json ReportToJson(const AnalysisReport& report) {
  const TrafficSummary& s = report.summary;
  Json files = Json::array();
  for (const CaptureFileFacts& file : report.files) {
    files.push_back(FileJson(file));
  }
  Json anomalies = Json::object();
  for (size_t i = 0; i < kDecodeEventCount; ++i) {
    if (report.decode.events[i] != 0) {
      anomalies[std::string(DecodeEventName(static_cast<DecodeEvent>(i)))] =
          report.decode.events[i];
    }
  }
  const bool any = s.total.packets > 0;
  Json capture{
      {"files", files},
      {"status", report.Damaged() ? "damaged" : "ok"},
      {"packets", s.total.packets},
      {"bytes", s.total.bytes},
      {"first_timestamp", any ? Json(FormatIso8601(s.first_ts)) : Json(nullptr)},
      {"last_timestamp", any ? Json(FormatIso8601(s.last_ts)) : Json(nullptr)},
      {"first_timestamp_ns", any ? Json(s.first_ts) : Json(nullptr)},
      {"last_timestamp_ns", any ? Json(s.last_ts) : Json(nullptr)},
      {"duration_s", any ? static_cast<double>(s.last_ts - s.first_ts) / 1e9 : 0.0},
      {"out_of_order_packets", s.out_of_order},
      {"decode_anomalies", anomalies},
      {"protocols", Json{{"ipv4", Count(s.ipv4)},
                         {"ipv6", Count(s.ipv6)},
                         {"arp", Count(s.arp)},
                         {"other_l3", Count(s.other_l3)},
                         {"undecoded", Count(s.undecoded)},
                         {"tcp", Count(s.tcp)},
                         {"udp", Count(s.udp)},
                         {"icmp", Count(s.icmp)},
                         {"icmpv6", Count(s.icmpv6)},
                         {"gre", Count(s.gre)},
                         {"other_l4", Count(s.other_l4)},
                         {"fragments", Count(s.fragments)},
                         {"vlan", Count(s.vlan)},
                         {"mpls", Count(s.mpls)},
                         {"pppoe", Count(s.pppoe)},
                         {"gre_tunneled", Count(s.gre_tunneled)},
                         {"gre_ethernet", Count(s.gre_ethernet)},
                         {"ip_in_ip", Count(s.ip_in_ip)}}},
      {"tcp_flags",
       Json{
           {"syn", s.tcp_syn}, {"syn_ack", s.tcp_syn_ack}, {"rst", s.tcp_rst}, {"fin", s.tcp_fin}}},
      {"dns", Json{{"queries", s.dns_queries},
                   {"responses", s.dns_responses},
                   {"malformed", s.dns_malformed},
                   {"rcodes", Json{{"noerror", s.dns_noerror},
                                   {"nxdomain", s.dns_nxdomain},
                                   {"servfail", s.dns_servfail},
                                   {"refused", s.dns_refused},
                                   {"other", s.dns_other_rcode}}}}},
      {"hosts_seen", report.hosts_seen},
      {"hosts_evicted", report.hosts_evicted},
      {"host_table_bytes", report.host_table_bytes}};
  Json hosts = Json::array();
  for (const HostEntry& host : report.hosts) {
    hosts.push_back(Json{{"address", host.address.ToString()},
                         {"rx_packets", host.counters.rx_packets},
                         {"rx_bytes", host.counters.rx_bytes},
                         {"tx_packets", host.counters.tx_packets},
                         {"tx_bytes", host.counters.tx_bytes}});
  }
  Json attacks = Json::array();
  for (const AttackRecord& attack : report.attacks) {
    attacks.push_back(AttackJson(attack));
  }
  capture["detector"] = Json{{"table_full_packets", report.detector.table_full},
                             {"evidence_exhausted", report.detector.evidence_exhausted},
                             {"evicted_targets", report.detector.evicted_targets}};
  Json out{{"capture", capture},
           {"hosts", hosts},
           {"attacks", attacks},
           {"scans", Json::array()},
           {"brute_force", Json::array()},
           {"infected_devices", Json::array()},
           {"default_credentials", Json::array()},
           {"dns_attacks", Json::array()}};
  if (report.iot) {
    AddIotJson(*report.iot, report.show_default_passwords, out);
  }
  if (report.dns) {
    AddDnsJson(*report.dns, report.dns_stats, out);
  }
  if (report.flows) {
    Json counters = Json::object();
    report.flows->decode.ForEach([&](const char* name, uint64_t value) { counters[name] = value; });
    const flow::SpreaderStats& sp = report.flows->spreader;
    out["capture"]["flows"] = Json{{"datagrams", report.flows->datagrams},
                                   {"records", report.flows->records},
                                   {"spread", Json{{"flows", sp.flows},
                                                   {"chunks", sp.chunks},
                                                   {"late_chunks", sp.late_chunks},
                                                   {"unspread_flows", sp.unspread_flows},
                                                   {"early_chunks", sp.early_chunks}}},
                                   {"decoder", counters}};
  }
  return out;
}

}  // namespace rampart
