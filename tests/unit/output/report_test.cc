#include <gtest/gtest.h>

#include "output/report_json.h"
#include "output/report_text.h"
#include "track/host_table.h"

namespace rampart {
namespace {

HostEntry Host(const char* address, uint64_t rx, uint64_t tx) {
  HostEntry entry;
  entry.address = *IpAddress::Parse(address);
  entry.counters.rx_packets = rx;
  entry.counters.tx_packets = tx;
  entry.counters.rx_bytes = rx * 100;
  entry.counters.tx_bytes = tx * 100;
  return entry;
}

TEST(TopHosts, OrdersByPacketsThenBytesThenAddress) {
  std::vector<HostEntry> entries = {Host("10.0.0.3", 1, 1), Host("10.0.0.1", 5, 0),
                                    Host("2001:db8::1", 1, 1), Host("10.0.0.2", 1, 1)};
  const auto all = TopHosts(entries, SIZE_MAX);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].address.ToString(), "10.0.0.1");
  EXPECT_EQ(all[1].address.ToString(), "10.0.0.2");
  EXPECT_EQ(all[2].address.ToString(), "10.0.0.3");
  EXPECT_EQ(all[3].address.ToString(), "2001:db8::1");
  const auto top = TopHosts(entries, 2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[1].address.ToString(), "10.0.0.2");
}

TEST(ReportJson, HasTheContractSectionsAndDamage) {
  AnalysisReport report;
  CaptureFileFacts file;
  file.path = "x.pcap";
  file.format = "pcap";
  file.link_types = {1, 113};
  file.damage.status = CaptureStatus::kTruncated;
  file.damage.byte_offset = 1234;
  file.damage.packet_index = 7;
  file.damage.reason = "packet data cut short";
  report.files.push_back(file);
  report.decode.Count(DecodeEvent::kDnsPointerLoop);
  report.hosts.push_back(Host("192.0.2.1", 3, 4));
  const auto json = ReportToJson(report);
  for (const char* key : {"capture", "hosts", "attacks", "scans", "brute_force", "infected_devices",
                          "default_credentials", "dns_attacks"}) {
    EXPECT_TRUE(json.contains(key)) << key;
  }
  EXPECT_EQ(json["capture"]["status"], "damaged");
  EXPECT_EQ(json["capture"]["files"][0]["status"], "truncated");
  EXPECT_EQ(json["capture"]["files"][0]["damage"]["byte_offset"], 1234);
  EXPECT_EQ(json["capture"]["files"][0]["damage"]["packet_index"], 7);
  EXPECT_EQ(json["capture"]["files"][0]["link_types"][1], "linux_sll");
  EXPECT_EQ(json["capture"]["decode_anomalies"]["dns.pointer_loop"], 1);
  EXPECT_EQ(json["capture"]["decode_anomalies"].size(), 1u);
  EXPECT_EQ(json["capture"]["first_timestamp"], nullptr);
  EXPECT_EQ(json["hosts"][0]["tx_packets"], 4);
  EXPECT_EQ(json["hosts"][0]["rx_bytes"], 300);
}

TEST(ReportText, ShowsDamageHostsAndAnomalies) {
  AnalysisReport report;
  CaptureFileFacts file;
  file.path = "cut.pcap";
  file.damage.status = CaptureStatus::kCorrupt;
  file.damage.byte_offset = 99;
  file.damage.reason = "record length 9 exceeds the maximum 1";
  report.files.push_back(file);
  report.hosts.push_back(Host("198.51.100.9", 10, 0));
  report.hosts_seen = 1;
  report.decode.Count(DecodeEvent::kTcpBadOption);
  const std::string text = ReportToText(report);
  EXPECT_NE(text.find("corrupt at byte 99"), std::string::npos);
  EXPECT_NE(text.find("198.51.100.9"), std::string::npos);
  EXPECT_NE(text.find("tcp.bad_option"), std::string::npos);
  EXPECT_EQ(text.find("== Decode anomalies ==\n  none"), std::string::npos);
  EXPECT_NE(text.find("== Attacks (0) ==\n  none"), std::string::npos);
}

}  // namespace
}  // namespace rampart

namespace rampart {
namespace {

TEST(TopHosts, FromTableMatchesFullSortForEveryLimit) {
  HostTable table(HostTable::kMinMemcap, 42);
  for (uint32_t i = 0; i < 300; ++i) {
    table.AddTx(IpAddress::V4(0x0a000000u + i), i % 17, (i % 17) * 60);
    table.AddRx(IpAddress::V4(0x0a000000u + i), i % 5, 60);
  }
  const std::vector<HostEntry> full = TopHosts(table.Entries(), SIZE_MAX);
  ASSERT_EQ(full.size(), 300u);
  for (const size_t limit : {size_t{0}, size_t{1}, size_t{20}, size_t{299}, size_t{300}}) {
    const std::vector<HostEntry> top = TopHosts(table, limit);
    ASSERT_EQ(top.size(), limit);
    for (size_t i = 0; i < limit; ++i) {
      EXPECT_EQ(top[i].address, full[i].address) << "limit " << limit << " rank " << i;
    }
  }
}

}  // namespace
}  // namespace rampart
