// The amplification vector's reflector payloads, and the public service names and ports.
#include <algorithm>
#include <array>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scenario/scenario_internal.h"

namespace rampart::scenario {
namespace {

constexpr std::array<std::string_view, static_cast<size_t>(AmplificationService::kCount)>
    kServiceNames = {"dns",  "ntp",     "ssdp",   "memcached",    "cldap",
                     "snmp", "chargen", "bacnet", "ws_discovery", "isakmp"};
constexpr std::array<uint16_t, static_cast<size_t>(AmplificationService::kCount)> kServicePorts = {
    53, 123, 1900, 11211, 389, 161, 19, 47808, 3702, 500};

}  // namespace

std::string_view AmplificationServiceName(AmplificationService service) {
  return NameOf(kServiceNames, service);
}

std::optional<AmplificationService> AmplificationServiceFromName(std::string_view name) {
  return FromName<AmplificationService>(kServiceNames, name);
}

uint16_t AmplificationServicePort(AmplificationService service) {
  const auto i = static_cast<size_t>(service);
  return i < kServicePorts.size() ? kServicePorts[i] : 0;
}

}  // namespace rampart::scenario

namespace rampart::scenario::internal {
namespace {

constexpr std::string_view kAlnum =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kHex = "0123456789abcdef";

std::string Uuid(Rng& rng) {
  std::string s = RandomText(rng, 32, kHex);
  return s.substr(0, 8) + "-" + s.substr(8, 4) + "-" + s.substr(12, 4) + "-" + s.substr(16, 4) +
         "-" + s.substr(20);
}

// Minimal BER for LDAP and SNMP.
Bytes Tlv(uint8_t tag, const Bytes& content) {
  Bytes out = {tag};
  const size_t n = content.size();
  if (n < 128) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n < 256) {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(n));
  } else {
    out.push_back(0x82);
    Put16(out, static_cast<uint16_t>(n));
  }
  Append(out, content);
  return out;
}
Bytes BerInt(uint64_t v, uint8_t tag = 0x02) {
  Bytes digits;
  do {
    digits.insert(digits.begin(), static_cast<uint8_t>(v));
    v >>= 8;
  } while (v != 0);
  if ((digits.front() & 0x80) != 0) {
    digits.insert(digits.begin(), 0);
  }
  return Tlv(tag, digits);
}
Bytes BerText(std::string_view text) {
  return Tlv(0x04, FromText(text));
}
Bytes BerOid(const std::vector<uint32_t>& arcs) {
  Bytes out = {static_cast<uint8_t>(arcs[0] * 40 + arcs[1])};
  for (size_t i = 2; i < arcs.size(); ++i) {
    Bytes group;
    uint32_t v = arcs[i];
    group.insert(group.begin(), static_cast<uint8_t>(v & 0x7f));
    while ((v >>= 7) != 0) {
      group.insert(group.begin(), static_cast<uint8_t>(0x80 | (v & 0x7f)));
    }
    Append(out, group);
  }
  return Tlv(0x06, out);
}
Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) {
    Append(out, part);
  }
  return out;
}

//! Calls `build(pad)` until it returns exactly `target` bytes (or as near as BER's length
//! encodings allow).
Bytes FitTo(size_t target, const std::function<Bytes(size_t)>& build) {
  size_t pad = 0;
  Bytes out = build(pad);
  for (int i = 0; i < 8 && out.size() != target; ++i) {
    const auto next =
        static_cast<int64_t>(pad) + static_cast<int64_t>(target) - static_cast<int64_t>(out.size());
    pad = static_cast<size_t>(std::max<int64_t>(next, 0));
    out = build(pad);
  }
  return out;
}

//! An ANY answer of `total` bytes: the question, TXT records (DKIM keys, SPF) and EDNS0.
Bytes DnsAnyResponse(Rng& rng, std::string_view zone, size_t total) {
  Bytes out = DnsQuery(rng.U16(), zone, 255);
  Set16(out, 2, 0x8180);
  constexpr size_t kOpt = 11;
  uint16_t answers = 0;
  for (const std::string& text : FillerTexts(rng, zone, total - out.size() - kOpt, kAlnum)) {
    const Bytes head = {0xc0, 0x0c, 0, 16, 0, 1};
    Append(out, head);
    Put32(out, 3600);
    Put16(out, static_cast<uint16_t>(text.size() + 1));
    out.push_back(static_cast<uint8_t>(text.size()));
    Append(out, text);
    ++answers;
  }
  Set16(out, 6, answers);
  Set16(out, 10, 1);
  const Bytes opt = {0, 0, 41, 0x10, 0x00, 0, 0, 0x80, 0, 0, 0};
  Append(out, opt);
  return out;
}

//! ntpd's mode-7 MON_GETLIST_1 (monlist) response: 6 items of 72 bytes, 440 bytes (a 468-byte
//! IPv4 packet).
Bytes NtpMonlist(Rng& rng) {
  const auto seq = static_cast<uint8_t>(rng.Below(100));
  Bytes out = {static_cast<uint8_t>(seq == 99 ? 0x97 : 0xd7), seq, 3, 42};
  Put16(out, 6);
  Put16(out, 72);
  for (int i = 0; i < 6; ++i) {
    Put32(out, static_cast<uint32_t>(rng.Range(1, 5000)));    // avg_int
    Put32(out, static_cast<uint32_t>(rng.Range(0, 86400)));   // last_int
    Put32(out, 0);                                            // restr
    Put32(out, static_cast<uint32_t>(rng.Range(1, 100000)));  // count
    Put32(out, V4Value(RandomPublicV4(rng)));
    Put32(out, 0xc0a80102);  // daddr
    Put32(out, 0);           // flags
    Put16(out, static_cast<uint16_t>(rng.Range(1024, 65535)));
    out.push_back(static_cast<uint8_t>(rng.Chance(0.7) ? 7 : 3));  // mode
    out.push_back(2);                                              // version
    Put32(out, 0);                                                 // v6 flag
    Put32(out, 0);                                                 // unused
    out.resize(out.size() + 32, 0);                                // addr6, daddr6
  }
  return out;
}

Bytes SsdpResponse(Rng& rng) {
  const std::string uuid = Uuid(rng);
  const std::string head =
      "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: upnp:rootdevice\r\nUSN: uuid:" + uuid +
      "::upnp:rootdevice\r\nEXT:\r\nSERVER: Linux/2.6.36 UPnP/1.0 miniupnpd/1.9\r\nLOCATION: "
      "http://192.168.1.1:" +
      std::to_string(rng.Range(1024, 65000)) + "/rootDesc.xml\r\n";
  const std::string tail = "\r\nBOOTID.UPNP.ORG: 1\r\nCONFIGID.UPNP.ORG: 1337\r\n\r\n";
  const std::string nls = "01-NLS: ";
  const size_t used = head.size() + nls.size() + tail.size();
  const size_t pad = used < 300 ? 300 - used : 0;
  return FromText(head + nls + RandomText(rng, pad, kHex) + tail);
}

//! A memcached "stats" reply of 1400 bytes (8-byte UDP frame header included).
Bytes MemcachedStats(Rng& rng) {
  Bytes out;
  // Request id (kept below 0x8000: tshark takes a leading 0x80/0x81 for the binary protocol).
  Put16(out, static_cast<uint16_t>(rng.U16() & 0x7fff));
  Put16(out, 0);  // sequence
  Put16(out, 1);  // datagrams
  Put16(out, 0);
  const std::vector<std::pair<std::string, std::string>> stats = {
      {"pid", std::to_string(rng.Range(300, 30000))},
      {"uptime", std::to_string(rng.Range(1000, 9000000))},
      {"time", "1477040400"},
      {"version", "1.4.25"},
      {"libevent", "2.0.21-stable"},
      {"pointer_size", "64"},
      {"rusage_user", "1216.341000"},
      {"rusage_system", "2741.812000"},
      {"curr_connections", "10"},
      {"total_connections", std::to_string(rng.Range(100, 90000))},
      {"connection_structures", "12"},
      {"reserved_fds", "20"},
      {"cmd_get", std::to_string(rng.Range(1000, 90000000))},
      {"cmd_set", std::to_string(rng.Range(1000, 9000000))},
      {"cmd_flush", "0"},
      {"cmd_touch", "0"},
      {"get_hits", std::to_string(rng.Range(1000, 90000000))},
      {"get_misses", std::to_string(rng.Range(1000, 9000000))},
      {"delete_misses", "0"},
      {"delete_hits", "0"},
      {"incr_misses", "0"},
      {"incr_hits", "0"},
      {"decr_misses", "0"},
      {"decr_hits", "0"},
      {"cas_misses", "0"},
      {"cas_hits", "0"},
      {"cas_badval", "0"},
      {"touch_hits", "0"},
      {"touch_misses", "0"},
      {"auth_cmds", "0"},
      {"auth_errors", "0"},
      {"bytes_read", std::to_string(rng.Range(1000000, 9000000000))},
      {"bytes_written", std::to_string(rng.Range(1000000, 9000000000))},
      {"limit_maxbytes", "67108864"},
      {"accepting_conns", "1"},
      {"listen_disabled_num", "0"},
      {"threads", "4"},
      {"conn_yields", "0"},
      {"hash_power_level", "16"},
      {"hash_bytes", "524288"},
      {"hash_is_expanding", "0"},
      {"malloc_fails", "0"},
      {"bytes", std::to_string(rng.Range(100000, 60000000))},
      {"curr_items", std::to_string(rng.Range(100, 900000))},
      {"total_items", std::to_string(rng.Range(1000, 9000000))},
      {"expired_unfetched", "0"},
      {"evicted_unfetched", "0"},
      {"evictions", "0"},
      {"reclaimed", "0"},
      {"crawler_reclaimed", "0"},
      {"crawler_items_checked", "0"},
      {"lrutail_reflocked", "0"},
  };
  constexpr size_t kTotal = 1400;
  const std::string end = "END\r\n";
  for (size_t i = 0; true; ++i) {
    std::string line;
    if (i < stats.size()) {
      line = "STAT " + stats[i].first + " " + stats[i].second + "\r\n";
    } else {
      line = "STAT items:" + std::to_string(i - stats.size() + 1) + ":number " +
             std::to_string(rng.Range(1, 99999)) + "\r\n";
    }
    const size_t left = kTotal - out.size() - end.size();
    // Stop while the last line can still absorb what is left (as a longer number).
    const std::string last_head = "STAT malloc_fails_total ";
    if (left < line.size() + last_head.size() + 3) {
      const size_t digits = left - last_head.size() - 2;
      // Appended rather than "1" + std::string(...): that form trips GCC 12's -Wrestrict.
      std::string value = "1";
      value.append(digits > 1 ? digits - 1 : 0, '0');
      Append(out, last_head + value + "\r\n");
      break;
    }
    Append(out, line);
  }
  Append(out, end);
  return out;
}

//! A connectionless LDAP rootDSE answer of an Active Directory domain controller: a
//! searchResEntry and a searchResDone, about 3000 bytes.
Bytes CldapRootDse(Rng& rng) {
  const std::string dc = "DC=corp,DC=example,DC=com";
  const std::string config = "CN=Configuration," + dc;
  const std::string server = "CN=DC" + std::to_string(rng.Range(1, 9)) +
                             ",CN=Servers,CN=Default-First-Site-Name,CN=Sites," + config;
  const auto attr = [](std::string_view type, const std::vector<std::string>& values) {
    Bytes set;
    for (const std::string& v : values) {
      Append(set, BerText(v));
    }
    return Tlv(0x30, Cat({BerText(type), Tlv(0x31, set)}));
  };
  std::vector<std::string> controls;
  for (uint32_t arc : {319u,  801u,  473u,  528u,  417u,  619u,  841u,  529u,  805u,  521u,
                       970u,  1338u, 474u,  1339u, 1340u, 1413u, 2064u, 2065u, 2066u, 2090u,
                       2205u, 2204u, 2206u, 2211u, 2239u, 2255u, 2256u, 2309u, 2330u, 2354u,
                       1504u, 1852u, 802u,  1907u, 1948u, 1974u, 1341u, 2026u, 2341u, 2197u}) {
    controls.push_back("1.2.840.113556.1.4." + std::to_string(arc));
  }
  controls.push_back("2.16.840.1.113730.3.4.9");
  controls.push_back("2.16.840.1.113730.3.4.10");
  controls.push_back("2.16.840.1.113730.3.4.18");
  const std::vector<std::string> policies = {"MaxPoolThreads",
                                             "MaxPercentDirSyncRequests",
                                             "MaxDatagramRecv",
                                             "MaxReceiveBuffer",
                                             "InitRecvTimeout",
                                             "MaxConnections",
                                             "MaxConnIdleTime",
                                             "MaxPageSize",
                                             "MaxBatchReturnMessages",
                                             "MaxQueryDuration",
                                             "MaxDirSyncDuration",
                                             "MaxTempTableSize",
                                             "MaxResultSetSize",
                                             "MinResultSets",
                                             "MaxResultSetsPerConn",
                                             "MaxNotificationPerConn",
                                             "MaxValRange",
                                             "MaxValRangeTransitive",
                                             "ThreadMemoryLimit",
                                             "SystemMemoryLimitPercent"};
  Bytes attrs = Cat({
      attr("currentTime", {"20161021090000.0Z"}),
      attr("subschemaSubentry", {"CN=Aggregate,CN=Schema," + config}),
      attr("dsServiceName", {"CN=NTDS Settings," + server}),
      attr("namingContexts", {dc, config, "CN=Schema," + config, "DC=DomainDnsZones," + dc,
                              "DC=ForestDnsZones," + dc}),
      attr("defaultNamingContext", {dc}),
      attr("schemaNamingContext", {"CN=Schema," + config}),
      attr("configurationNamingContext", {config}),
      attr("rootDomainNamingContext", {dc}),
      attr("supportedControl", controls),
      attr("supportedLDAPVersion", {"3", "2"}),
      attr("supportedLDAPPolicies", policies),
      attr("highestCommittedUSN", {std::to_string(rng.Range(10000, 9999999))}),
      attr("supportedSASLMechanisms", {"GSSAPI", "GSS-SPNEGO", "EXTERNAL", "DIGEST-MD5"}),
      attr("dnsHostName", {"dc1.corp.example.com"}),
      attr("ldapServiceName", {"corp.example.com:dc1$@CORP.EXAMPLE.COM"}),
      attr("serverName", {server}),
      attr("supportedCapabilities",
           {"1.2.840.113556.1.4.800", "1.2.840.113556.1.4.1670", "1.2.840.113556.1.4.1791",
            "1.2.840.113556.1.4.1935", "1.2.840.113556.1.4.2080", "1.2.840.113556.1.4.2237"}),
      attr("isSynchronized", {"TRUE"}),
      attr("isGlobalCatalogReady", {"TRUE"}),
      attr("domainFunctionality", {"7"}),
      attr("forestFunctionality", {"7"}),
      attr("domainControllerFunctionality", {"7"}),
  });
  const uint64_t id = rng.Range(1, 0x7fff);
  const Bytes entry = Tlv(0x30, Cat({BerInt(id), Tlv(0x64, Cat({BerText(""), Tlv(0x30, attrs)}))}));
  const Bytes done =
      Tlv(0x30, Cat({BerInt(id), Tlv(0x65, Cat({Tlv(0x0a, {0}), BerText(""), BerText("")}))}));
  return Cat({entry, done});
}

//! An SNMPv2c GetResponse to a GetBulk walk of the interface table, exactly 1400 bytes.
Bytes SnmpBulkResponse(Rng& rng) {
  const uint64_t request_id = rng.Range(1, 0x7fffffff);
  Bytes rows;
  uint32_t index = 1;
  while (rows.size() < 1250) {
    const auto column = [&](uint32_t col, const Bytes& value) {
      Append(rows, Tlv(0x30, Cat({BerOid({1, 3, 6, 1, 2, 1, 2, 2, 1, col, index}), value})));
    };
    column(2, BerText("GigabitEthernet0/" + std::to_string(index)));
    column(3, BerInt(6));
    column(4, BerInt(1500));
    column(5, BerInt(1000000000, 0x42));
    column(6, Tlv(0x04, rng.RandomBytes(6)));
    column(7, BerInt(1));
    column(8, BerInt(rng.Chance(0.8) ? 1 : 2));
    column(10, BerInt(rng.U32(), 0x41));
    column(16, BerInt(rng.U32(), 0x41));
    ++index;
  }
  return FitTo(1400, [&](size_t pad) {
    Bytes varbinds = rows;
    Append(varbinds, Tlv(0x30, Cat({BerOid({1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 18, index}),
                                    BerText("uplink " + std::string(pad, '-'))})));
    return Tlv(
        0x30,
        Cat({BerInt(1), BerText("public"),
             Tlv(0xa2, Cat({BerInt(request_id), BerInt(0), BerInt(0), Tlv(0x30, varbinds)}))}));
  });
}

//! 1000 bytes of the RFC 864 rotating character pattern.
Bytes ChargenData(Rng& rng) {
  Bytes out;
  size_t line = rng.Below(95);
  while (out.size() < 1000) {
    for (size_t i = 0; i < 72; ++i) {
      out.push_back(static_cast<uint8_t>(' ' + (line + i) % 95));
    }
    out.push_back('\r');
    out.push_back('\n');
    ++line;
  }
  out.resize(1000);
  return out;
}

//! A BACnet/IP ReadProperty ACK of a device's object-list.
Bytes BacnetObjectList(Rng& rng) {
  Bytes apdu = {0x30, rng.U8(), 0x0c, 0x0c};
  const auto device = static_cast<uint32_t>(8u << 22 | rng.Below(4194303));
  Put32(apdu, device);
  const Bytes property = {0x19, 76, 0x3e};  // object-list, opening tag 3
  Append(apdu, property);
  const uint64_t objects = rng.Range(60, 120);
  constexpr std::array<uint32_t, 8> kTypes = {0, 1, 2, 3, 4, 5, 13, 19};
  for (uint64_t i = 0; i < objects; ++i) {
    apdu.push_back(0xc4);
    const uint32_t type = i == 0 ? 8 : kTypes[rng.Below(kTypes.size())];
    Put32(apdu, i == 0 ? device : (type << 22 | static_cast<uint32_t>(i)));
  }
  apdu.push_back(0x3f);
  Bytes out = {0x81, 0x0a};
  Put16(out, static_cast<uint16_t>(apdu.size() + 6));
  out.push_back(0x01);  // NPDU version
  out.push_back(0x00);
  Append(out, apdu);
  return out;
}

//! An ONVIF camera's WS-Discovery ProbeMatches.
Bytes WsDiscoveryProbeMatches(Rng& rng) {
  const std::string text =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://www.w3.org/2003/05/soap-envelope\" "
      "xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
      "xmlns:wsd=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "
      "xmlns:tds=\"http://www.onvif.org/ver10/device/wsdl\" "
      "xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\">"
      "<SOAP-ENV:Header><wsa:MessageID>uuid:" +
      Uuid(rng) + "</wsa:MessageID><wsa:RelatesTo>uuid:" + Uuid(rng) +
      "</wsa:RelatesTo><wsa:To SOAP-ENV:mustUnderstand=\"true\">"
      "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>"
      "<wsa:Action SOAP-ENV:mustUnderstand=\"true\">"
      "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>"
      "</SOAP-ENV:Header><SOAP-ENV:Body><wsd:ProbeMatches><wsd:ProbeMatch>"
      "<wsa:EndpointReference><wsa:Address>urn:uuid:" +
      Uuid(rng) +
      "</wsa:Address></wsa:EndpointReference>"
      "<wsd:Types>dn:NetworkVideoTransmitter tds:Device</wsd:Types>"
      "<wsd:Scopes>onvif://www.onvif.org/type/video_encoder "
      "onvif://www.onvif.org/type/audio_encoder onvif://www.onvif.org/hardware/IPC-HDW" +
      std::to_string(rng.Range(1000, 9999)) +
      " onvif://www.onvif.org/location/country/china onvif://www.onvif.org/name/NVT "
      "onvif://www.onvif.org/Profile/Streaming</wsd:Scopes>"
      "<wsd:XAddrs>http://192.168.1.108/onvif/device_service</wsd:XAddrs>"
      "<wsd:MetadataVersion>1</wsd:MetadataVersion></wsd:ProbeMatch></wsd:ProbeMatches>"
      "</SOAP-ENV:Body></SOAP-ENV:Envelope>";
  return FromText(text);
}

//! An IKEv1 main-mode responder packet: SA (AES-256, SHA-256, group 14, PSK) and vendor IDs.
Bytes IsakmpResponse(Rng& rng) {
  Bytes attrs = {0x80, 0x01, 0x00, 0x07, 0x80, 0x0e, 0x01, 0x00, 0x80, 0x02, 0x00,
                 0x04, 0x80, 0x04, 0x00, 0x0e, 0x80, 0x03, 0x00, 0x01, 0x80, 0x0b,
                 0x00, 0x01, 0x00, 0x0c, 0x00, 0x04, 0x00, 0x00, 0x70, 0x80};
  Bytes transform = {0, 0};
  Put16(transform, static_cast<uint16_t>(8 + attrs.size()));
  const Bytes transform_head = {1, 1, 0, 0};
  Append(transform, transform_head);
  Append(transform, attrs);
  Bytes proposal = {0, 0};
  Put16(proposal, static_cast<uint16_t>(8 + transform.size()));
  const Bytes proposal_head = {1, 1, 0, 1};
  Append(proposal, proposal_head);
  Append(proposal, transform);
  const std::vector<std::string> vendor_ids = {
      "4a131c81070358455c5728f20e95452f",  // RFC 3947 NAT-T
      "90cb80913ebb696e086381b5ec427b1f",  // draft-ietf-ipsec-nat-t-ike-02
      "afcad71368a1f1c96b8696fc77570100",  // Dead Peer Detection
      "09002689dfd6b712",                  // XAUTH
      "12f5f28c457168a9702d9fe274cc0100",  // Cisco Unity
  };
  Bytes body = {13, 0};
  Put16(body, static_cast<uint16_t>(12 + proposal.size()));
  Put32(body, 1);  // DOI IPsec
  Put32(body, 1);  // situation identity only
  Append(body, proposal);
  for (size_t i = 0; i < vendor_ids.size(); ++i) {
    Bytes id;
    for (size_t c = 0; c + 1 < vendor_ids[i].size(); c += 2) {
      id.push_back(static_cast<uint8_t>(std::stoi(vendor_ids[i].substr(c, 2), nullptr, 16)));
    }
    body.push_back(i + 1 < vendor_ids.size() ? 13 : 0);
    body.push_back(0);
    Put16(body, static_cast<uint16_t>(4 + id.size()));
    Append(body, id);
  }
  Bytes out = rng.RandomBytes(16);  // initiator and responder cookies
  const Bytes head = {1, 0x10, 2, 0};
  Append(out, head);
  Put32(out, 0);
  Put32(out, static_cast<uint32_t>(28 + body.size()));
  Append(out, body);
  return out;
}

}  // namespace

Bytes AmplificationPayload(AmplificationService service, Rng& rng, std::string_view zone) {
  if (service == AmplificationService::kDns) {
    return DnsAnyResponse(rng, zone, rng.Range(3000, 4000));
  }
  // The other services' answers, in the order of AmplificationService.
  using Builder = Bytes (*)(Rng&);
  constexpr std::array<Builder, static_cast<size_t>(AmplificationService::kCount)> kBuilders = {
      nullptr,          NtpMonlist,  SsdpResponse,     MemcachedStats,          CldapRootDse,
      SnmpBulkResponse, ChargenData, BacnetObjectList, WsDiscoveryProbeMatches, IsakmpResponse};
  const auto i = static_cast<size_t>(service);
  return (i < kBuilders.size() ? kBuilders[i] : IsakmpResponse)(rng);
}

}  // namespace rampart::scenario::internal
