#pragma once
// IoT-botnet behaviours among normal traffic, written to a capture file for the detector tests
// and the demo (`rampart-gen iot`). Nothing is ever sent: the generator only writes files.
//
// The site: an inside LAN 192.168.1.0/24 behind its gateway 192.168.1.1, and public hosts in
// the documentation ranges (198.51.100.0/24, 203.0.113.0/24, 192.0.2.0/24), except the Mirai
// scanner's targets (any address its target selection allows, mirai-facts.md §1.2) and Google's
// resolver 8.8.8.8. Frames are Ethernet: a LAN host has the MAC 02:00:00:00:01:<last octet>
// (192.168.1.50 is 02:00:00:00:01:32), whatever is behind the gateway has the gateway's MAC
// 02:00:00:00:01:01, and frames between two public hosts (the upstream link) have per-host MACs
// 02:00:<four octets of the address>. Every TCP connection is complete: a handshake with Linux
// SYN options (MSS, SACK-permitted, timestamps, window scale), consistent sequence and
// acknowledgement numbers, ACKs and a FIN/ACK teardown (except the scans' raw probes, the dead C2
// and the C2 channel, which stays open). Client ports are Linux's ephemeral ones (32768-60999).
//
// Background (--background-pps, default 200 packets/s, 0 for none), over the whole duration:
//   - web: LAN clients 192.168.1.100-149 browse 192.0.2.80-99 (HTTP/80 and TLS/443);
//   - DNS: the same clients ask the local resolver 192.168.1.2 (UDP/53);
//   - NTP: the same clients poll 192.0.2.123 (UDP/123).
//
// Behaviours (offsets are seconds after --start; a behaviour is written whole even when it
// ends after --duration):
//   mirai_scan          inside bot 192.168.1.23 sends Mirai scanner SYNs (§1.1: seq == the
//                       destination address, no options, one source port >= 1024 and one window
//                       for the whole scan, TTL 64, no DF, IP length 40) at --scan-pps (160)
//                       from 0.5 s to the end of the scan (the duration, or --scan-duration),
//                       every 10th probe to port 2323 and the others to 23, targets drawn as in
//                       §1.2. 1% of the port-23 probes are answered by a SYN-ACK (ack = seq + 1)
//                       from port 23; the bot's kernel answers it with an RST, then the bot
//                       opens a normal telnet connection to the responder and fails 1-3 logins
//                       (a new connection each, credentials drawn from §1.5, "Login incorrect").
//   generic_scan        outside scanner 203.0.113.66 (nmap-like SYNs: random seq, MSS 1460 only,
//                       window 1024-4096, one source port per scan) scans 198.51.100.1-254 on
//                       port 22 from 5 s (200/s), then 198.51.100.10 ports 1-1024 (300/s), both
//                       in random order. Live hosts 198.51.100.5, .10, .20, .25, .30, .40, .66,
//                       .80, .100, .150, .200, .250 answer: port 22 open on .10, .80 and .150,
//                       and ports 22, 80 and 443 open on .10 (SYN-ACK, then the scanner's RST);
//                       closed ports answer RST/ACK; other addresses stay silent.
//   telnet_bruteforce   outside attacker 203.0.113.50 logs in to the inside camera 192.168.1.50
//                       telnet from 10 s: 8 failed attempts as root with the passwords vizxv,
//                       admin, 888888, xmhdipc, default, juantech, 123456, 54321 (a new
//                       connection each), then root/xc3511 succeeds: BusyBox banner, "# ",
//                       enable, system, shell, sh, "/bin/busybox MIRAI" answered "MIRAI: applet
//                       not found". Then it reports the victim (§1.6) to 198.51.100.200:48101:
//                       00 c0a80132 0017 04 "root" 06 "xc3511"; no data comes back.
//   infected_reportback inside bot 192.168.1.23 reports at 40 s the victim 203.0.113.77:23
//                       root/vizxv to 198.51.100.200:48101 (§1.6).
//   ftp_default         outside client 203.0.113.80 logs in to the inside NAS 192.168.1.60:21 at
//                       12 s: 220, USER admin, 331, PASS admin, 230, SYST, PWD, QUIT.
//   telnet_nondefault   inside client 192.168.1.10 logs in to the router 192.168.1.1 telnet at
//                       15 s as operator / Tr0ub4dor&3 ("$ " prompt), runs ls, then exit.
//   http_basic_default  outside client 203.0.113.90 to the camera web UI 192.168.1.51:80 at
//                       18 s, one keep-alive connection: GET / (401 with WWW-Authenticate Basic),
//                       then GET / with Basic admin:12345 (200 with a small HTML page).
//   pop3_login          inside client 192.168.1.10 to the mail server 198.51.100.25:110 at 22 s:
//                       USER alice, PASS "s3cret pass" (+OK), STAT, QUIT.
//   imap_login          the same client to 198.51.100.25:143 at 25 s:
//                       a1 LOGIN "alice" "s3cret pass" -> a1 OK, a2 SELECT INBOX, a3 LOGOUT.
//   ssh_bruteforce      outside 203.0.113.51 opens 30 SSH sessions to the inside server
//                       192.168.1.70:22 from 2 s, one every 3 s (90 s in all), each 1-3 s long:
//                       version banners, key exchange, then a few encrypted password tries and
//                       the server's FIN.
//   c2_beacon           inside bot 192.168.1.23 connects at 2 s to the C2 198.51.100.66:23, sends
//                       the hello 00 00 00 01 00, then every 60 s +-1 s two zero bytes that the
//                       C2 echoes (6 beats need a duration of at least 400 s). Inside device
//                       192.168.1.24 tries the dead C2 198.51.100.67:23 from 4 s: SYNs at
//                       +0, 1, 3, 7, 15, 31 and 63 s (kernel backoff), and 60 s after an
//                       attempt's last SYN a new attempt from a new port; nothing answers.
//   public_dns          inside bot 192.168.1.23 asks 8.8.8.8:53 for the A record of
//                       cnc.changeme.com (RD only, no EDNS) at 1 s and every 30 s, answered
//                       198.51.100.66; the other LAN clients use 192.168.1.2.
//   outgoing_flood      inside bot 192.168.1.23 floods 198.51.100.10 with Mirai udpplain
//                       packets (512 random bytes, one source and one destination port) at
//                       5000 packets/s from 20 s for --flood-duration (10) seconds.
//
// `all` is every behaviour; its defaults keep the file under 20 MB: a 60 s scan and a 2 s
// flood. The default duration is 420 s with c2_beacon, 100 s with ssh_bruteforce, else 60 s.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/capture_options.h"

namespace rampart::scenario {

enum class IotBehaviour : uint8_t {
  kMiraiScan,
  kGenericScan,
  kTelnetBruteforce,
  kInfectedReportback,
  kFtpDefault,
  kTelnetNondefault,
  kHttpBasicDefault,
  kPop3Login,
  kImapLogin,
  kSshBruteforce,
  kC2Beacon,
  kPublicDns,
  kOutgoingFlood,
  kCount
};
//! "mirai_scan", "generic_scan", ... as listed above.
std::string_view IotBehaviourName(IotBehaviour behaviour);
std::optional<IotBehaviour> IotBehaviourFromName(std::string_view name);

struct IotScenarioOptions : CaptureOptions {
  std::optional<double> duration_s;       // background length; default IotDefaultDuration()
  double background_pps = 200;            // 0 = no background
  double scan_pps = 160;                  // mirai_scan SYNs per second
  std::optional<double> scan_duration_s;  // mirai_scan length; default: the whole duration
  double flood_duration_s = 10;           // outgoing_flood length
  std::vector<IotBehaviour> behaviours;   // each at most once
};

//! 420 s with c2_beacon, 100 s with ssh_bruteforce, else 60 s.
double IotDefaultDuration(const std::vector<IotBehaviour>& behaviours);

//! Checks the options; false with `error` when they cannot make a capture.
bool ValidateIotScenario(const IotScenarioOptions& options, std::string* error);

//! Writes the capture as a nanosecond pcap with Ethernet frames, packets in timestamp order.
//! False with `error` on invalid options or a write failure.
bool WriteIotScenario(const IotScenarioOptions& options, std::string* error);

}  // namespace rampart::scenario
