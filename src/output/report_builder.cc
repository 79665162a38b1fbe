#include "output/report_builder.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "dnsmon/dns_monitor.h"

namespace rampart {

AnalysisReport BuildAnalysisReport(const Analyzer& analyzer, size_t host_limit,
                                   std::vector<AttackRecord> attacks,
                                   std::vector<dnsmon::DnsFinding> dns_findings,
                                   const std::vector<AttackRecord>& earlier_attacks,
                                   bool iot_findings) {
  AnalysisReport report;
  report.summary = analyzer.summary();
  report.decode = analyzer.decode_stats();
  const HostTable& hosts = analyzer.hosts();
  report.hosts_seen = hosts.Size();
  report.hosts_evicted = hosts.EvictedHosts();
  report.evicted_counters = hosts.EvictedCounters();
  report.host_table_bytes = hosts.MemoryBytes();
  if (host_limit > 0) {
    report.hosts = TopHosts(hosts, host_limit);
  }
  report.attacks = std::move(attacks);
  if (const DdosDetector* detector = analyzer.detector()) {
    report.detector = detector->stats();
  }

  std::vector<iot::IotMonitor::ExtraEvidence> dns_evidence;
  if (const dnsmon::DnsMonitor* dns = analyzer.dns()) {
    // Water tortures join the attacks, numbered after the detector's.
    uint32_t next_id = 1;
    for (const AttackRecord& a : report.attacks) {
      next_id = std::max(next_id, a.id + 1);
    }
    for (dnsmon::DnsFinding& f : dns_findings) {
      const bool torture = f.kind == "water_torture";
      for (const IpAddress& client : f.inside_clients) {
        dns_evidence.push_back(
            {client, torture ? iot::EvidenceKind::kDnsWaterTorture : iot::EvidenceKind::kDnsTunnel,
             f.start,
             fmt::format("{} under {}",
                         torture ? "sent random-name queries of a water torture"
                                 : "sent long high-entropy names",
                         f.zone)});
      }
      if (torture) {
        AttackRecord record = dnsmon::DnsMonitor::AttackOf(f);
        f.attack_id = next_id;
        record.id = next_id++;
        report.attacks.push_back(std::move(record));
      }
    }
    report.dns = std::move(dns_findings);
    report.dns_stats = dns->stats();
  }
  if (const flow::FlowCollector* flows = analyzer.flows()) {
    FlowReport& f = report.flows.emplace();
    f.datagrams = flows->datagrams();
    f.records = flows->records();
    f.decode = flows->stats();
    f.spreader = flows->spreader_stats();
  }
  if (const iot::IotMonitor* iot = analyzer.iot(); iot != nullptr && iot_findings) {
    if (earlier_attacks.empty()) {
      report.iot = iot->Findings(report.attacks, dns_evidence);
    } else {
      std::vector<AttackRecord> context = earlier_attacks;
      context.insert(context.end(), report.attacks.begin(), report.attacks.end());
      report.iot = iot->Findings(context, dns_evidence);
    }
  }
  return report;
}

}  // namespace rampart
