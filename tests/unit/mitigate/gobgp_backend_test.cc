// The GoBGP backend against a real gobgpd (and a BIRD peered with it) on 127.0.0.1, each on
// ports picked for this run. The routes are read back with the gobgp CLI, not with our own
// gRPC code, so an encoding mistake cannot hide behind a matching decoder.
#include "mitigate/gobgp/gobgp_backend.h"
#include "mitigate/community.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace rampart::mitigate {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr uint32_t kBlackholeCommunity = 0xFFFF029A;  // 65535:666

//! The executable's path from PATH, /usr/sbin or /sbin (BIRD lives in sbin); empty if none.
std::string FindExecutable(const std::string& name) {
  std::string dirs = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  dirs += ":/usr/sbin:/sbin";
  std::stringstream in(dirs);
  for (std::string dir; std::getline(in, dir, ':');) {
    const std::string path = dir + "/" + name;
    if (!dir.empty() && access(path.c_str(), X_OK) == 0) {
      return path;
    }
  }
  return "";
}

//! A TCP port free on 127.0.0.1 right now (the kernel's pick for port 0).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

//! Runs a shell command; its standard output and error.
std::string Run(const std::string& command) {
  std::string out;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return out;
  }
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    out.append(buffer.data(), n);
  }
  pclose(pipe);
  return out;
}

//! A daemon we started, killed (and reaped) when this goes away, whatever the test did.
class Daemon {
 public:
  Daemon(const std::vector<std::string>& argv, const std::string& log) {
    std::vector<char*> args;
    for (const std::string& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      // Dies with the test process even if that one crashes.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      // Only async-signal-safe calls between fork and exec.
      const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (out >= 0) {
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
      }
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Daemon() {
    if (pid_ <= 0) {
      return;
    }
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  bool Running() {
    if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) != 0) {
      pid_ = -1;  // reaped: never signal a pid that may have been reused
    }
    return pid_ > 0;
  }

 private:
  pid_t pid_ = -1;
};

//! gobgpd (AS 65000) with a passive neighbor 127.0.0.3 (AS 65002), and BIRD as that neighbor
//! importing only routes with the BLACKHOLE community, as blackholes.
struct Speakers {
  fs::path dir;
  int api_port = 0;
  int bgp_port = 0;
  std::string gobgp;  // the CLI
  std::string birdc;
  std::string bird_socket;
  std::unique_ptr<Daemon> gobgpd;
  std::unique_ptr<Daemon> bird;

  std::string Gobgp(const std::string& args) const {
    return Run(gobgp + " -u 127.0.0.1 -p " + std::to_string(api_port) + " " + args);
  }
  std::string Birdc(const std::string& args) const {
    return Run(birdc + " -s " + bird_socket + " " + args);
  }
  GobgpSettings Settings() const { return {"127.0.0.1:" + std::to_string(api_port), 2}; }
};

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

//! Starts both daemons and waits for the API and the BGP session; empty error when all is up.
std::string StartSpeakers(Speakers* s) {
  const std::string gobgpd = FindExecutable("gobgpd");
  s->gobgp = FindExecutable("gobgp");
  const std::string bird = FindExecutable("bird");
  s->birdc = FindExecutable("birdc");
  if (gobgpd.empty() || s->gobgp.empty()) {
    return "gobgpd/gobgp not found: install the gobgpd package (make deps)";
  }
  if (bird.empty() || s->birdc.empty()) {
    return "bird/birdc not found: install the bird2 package (make deps)";
  }
  char dir_template[] = "/tmp/rampart-gobgp-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) {
    return "mkdtemp failed";
  }
  s->dir = dir_template;
  s->api_port = FreePort();
  s->bgp_port = FreePort();
  const int bird_port = FreePort();  // BIRD's own listening port, so 179 stays untouched
  s->bird_socket = (s->dir / "bird.ctl").string();

  WriteFile(s->dir / "gobgpd.toml", fmt::format(R"([global.config]
  as = 65000
  router-id = "127.0.0.1"
  port = {}
  local-address-list = ["127.0.0.1"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.3"
    peer-as = 65002
  [neighbors.transport.config]
    passive-mode = true
)",
                                                s->bgp_port));
  WriteFile(s->dir / "bird.conf", fmt::format(R"(router id 127.0.0.3;
protocol device {{ }}
protocol bgp gobgp {{
  local 127.0.0.3 port {} as 65002;
  neighbor 127.0.0.1 port {} as 65000;
  multihop;
  connect delay time 1;
  ipv4 {{
    import filter {{
      if (65535,666) ~ bgp_community then {{ dest = RTD_BLACKHOLE; accept; }}
      reject;
    }};
    export none;
  }};
}}
)",
                                              bird_port, s->bgp_port));

  s->gobgpd = std::make_unique<Daemon>(
      std::vector<std::string>{gobgpd, "-f", (s->dir / "gobgpd.toml").string(), "--api-hosts",
                               "127.0.0.1:" + std::to_string(s->api_port), "--pprof-disable"},
      (s->dir / "gobgpd.log").string());
  s->bird = std::make_unique<Daemon>(
      std::vector<std::string>{bird, "-f", "-c", (s->dir / "bird.conf").string(), "-s",
                               s->bird_socket, "-P", (s->dir / "bird.pid").string()},
      (s->dir / "bird.log").string());

  const auto deadline = Clock::now() + std::chrono::seconds(20);
  bool api = false;
  bool session = false;
  while (Clock::now() < deadline && !(api && session)) {
    if (!s->gobgpd->Running() || !s->bird->Running()) {
      return "gobgpd or bird exited; logs in " + s->dir.string();
    }
    std::string error;
    api = api || GobgpBackend::Connect(s->Settings(), &error) != nullptr;
    session = session || s->Birdc("show protocols gobgp").find("Established") != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!api || !session) {
    return fmt::format("{} did not come up in 20 s; logs in {}",
                       api ? "the BIRD session" : "the gobgpd API", s->dir.string());
  }
  return "";
}

class GobgpBackendTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    speakers_ = new Speakers();
    start_error_ = new std::string(StartSpeakers(speakers_));
  }
  static void TearDownTestSuite() {
    const bool keep = ::testing::UnitTest::GetInstance()->failed_test_count() > 0;
    speakers_->bird.reset();
    speakers_->gobgpd.reset();
    if (!speakers_->dir.empty()) {
      if (keep) {
        std::printf("gobgpd and BIRD logs kept in %s\n", speakers_->dir.c_str());
      } else {
        fs::remove_all(speakers_->dir);
      }
    }
    delete speakers_;
    delete start_error_;
  }
  void SetUp() override {
    ASSERT_TRUE(start_error_->empty()) << *start_error_;
    std::string error;
    backend_ = GobgpBackend::Connect(speakers_->Settings(), &error);
    ASSERT_NE(backend_, nullptr) << error;
  }

  //! The global RIB of one family as the gobgp CLI prints it in JSON (prefix → paths).
  static Json Rib(const std::string& family) {
    const std::string out = speakers_->Gobgp("global rib -a " + family + " -j");
    return Json::parse(out, nullptr, /*allow_exceptions=*/false);
  }
  static std::string RibText(const std::string& family) {
    return speakers_->Gobgp("global rib -a " + family);
  }

  static Announcement Blackhole(const std::string& prefix) {
    Announcement a;
    a.key = "ban-1-blackhole";
    a.kind = ActionKind::kBlackhole;
    a.prefix = *Prefix::Parse(prefix);
    a.communities = {"65535:666"};
    a.next_hop = "192.0.2.1";
    return a;
  }
  static Announcement Flowspec(const FlowspecRule& rule) {
    Announcement a;
    a.key = "ban-2-flowspec";
    a.kind = ActionKind::kFlowspec;
    a.prefix = rule.destination;
    a.flowspec = rule;
    return a;
  }

  static Speakers* speakers_;
  static std::string* start_error_;
  std::unique_ptr<GobgpBackend> backend_;
};

Speakers* GobgpBackendTest::speakers_ = nullptr;
std::string* GobgpBackendTest::start_error_ = nullptr;

//! The attribute of `type` in a CLI JSON path, or null.
Json Attribute(const Json& path, int type) {
  for (const Json& attribute : path["attrs"]) {
    if (attribute["type"] == type) {
      return attribute;
    }
  }
  return nullptr;
}

TEST(CommunityTest, ParsesStandardLargeAndNames) {
  EXPECT_EQ(ParseCommunity("65535:666")->Packed(), kBlackholeCommunity);
  EXPECT_EQ(ParseCommunity("blackhole")->Packed(), kBlackholeCommunity);
  EXPECT_EQ(ParseCommunity("0:0")->Packed(), 0u);
  EXPECT_EQ(ParseCommunity("65000:100")->Packed(), (65000u << 16) | 100u);
  const auto large = ParseCommunity("4200000000:1:2");
  ASSERT_TRUE(large);
  EXPECT_TRUE(large->large);
  EXPECT_EQ(large->parts[0], 4200000000u);
  for (const char* bad :
       {"", "65535", "65536:1", "1:65536", ":1", "1:", "a:1", "1:2:3:4", "-1:2"}) {
    EXPECT_FALSE(ParseCommunity(bad)) << bad;
  }
}

TEST_F(GobgpBackendTest, ConnectFailsWithTheGrpcStatus) {
  std::string error;
  const GobgpSettings nobody{"127.0.0.1:" + std::to_string(FreePort()), 1};
  EXPECT_EQ(GobgpBackend::Connect(nobody, &error), nullptr);
  EXPECT_NE(error.find("UNAVAILABLE"), std::string::npos) << error;
}

// A listener that never speaks HTTP/2: the call must end at the deadline, not hang.
TEST_F(GobgpBackendTest, ConnectGivesUpAtTheDeadline) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const GobgpSettings silent{"127.0.0.1:" + std::to_string(ntohs(address.sin_port)), 0.3};
  std::string error;
  const auto start = Clock::now();
  EXPECT_EQ(GobgpBackend::Connect(silent, &error), nullptr);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  close(fd);
  EXPECT_NE(error.find("DEADLINE_EXCEEDED"), std::string::npos) << error;
  EXPECT_LT(seconds, 1.5);
}

TEST_F(GobgpBackendTest, SupportsBlackholeAndFlowspecOnly) {
  EXPECT_EQ(backend_->name(), "gobgp");
  EXPECT_TRUE(backend_->Supports(ActionKind::kBlackhole));
  EXPECT_TRUE(backend_->Supports(ActionKind::kFlowspec));
  EXPECT_FALSE(backend_->Supports(ActionKind::kNftDrop));
  Announcement nft;
  nft.kind = ActionKind::kNftDrop;
  std::string error;
  EXPECT_FALSE(backend_->Announce(nft, &error));
  EXPECT_NE(error.find("nft_drop"), std::string::npos) << error;
}

TEST_F(GobgpBackendTest, RejectsBadInputBeforeSending) {
  std::string error;
  Announcement bad = Blackhole("198.51.100.20/32");
  bad.communities = {"65535-666"};
  EXPECT_FALSE(backend_->Announce(bad, &error));
  EXPECT_NE(error.find("65535-666"), std::string::npos) << error;
  bad = Blackhole("198.51.100.20/32");
  bad.next_hop = "2001:db8::1";
  EXPECT_FALSE(backend_->Announce(bad, &error));
  EXPECT_TRUE(Rib("ipv4").empty());
}

TEST_F(GobgpBackendTest, BlackholeIpv4AnnounceWithdraw) {
  const Announcement a = Blackhole("198.51.100.10/32");
  std::string error;
  ASSERT_TRUE(backend_->Announce(a, &error)) << error;
  ASSERT_TRUE(backend_->Announce(a, &error)) << error;  // again: replaces, no second path
  Json rib = Rib("ipv4");
  ASSERT_TRUE(rib.contains("198.51.100.10/32")) << rib.dump();
  ASSERT_EQ(rib["198.51.100.10/32"].size(), 1u) << rib.dump();
  const Json& path = rib["198.51.100.10/32"][0];
  EXPECT_EQ(Attribute(path, 1)["value"], 0) << "origin IGP: " << path.dump();
  EXPECT_EQ(Attribute(path, 3)["nexthop"], "192.0.2.1") << path.dump();
  EXPECT_EQ(Attribute(path, 8)["communities"], Json::array({kBlackholeCommunity})) << path.dump();
  EXPECT_NE(RibText("ipv4").find("{Communities: blackhole}"), std::string::npos);

  ASSERT_TRUE(backend_->Withdraw(a, &error)) << error;
  EXPECT_TRUE(Rib("ipv4").empty());
  EXPECT_TRUE(backend_->Withdraw(a, &error)) << "withdrawing an absent path: " << error;
}

TEST_F(GobgpBackendTest, BlackholeIpv6AnnounceWithdraw) {
  Announcement a = Blackhole("2001:db8::10/128");
  a.next_hop = "100::1";  // RFC 6666 discard-only prefix
  std::string error;
  ASSERT_TRUE(backend_->Announce(a, &error)) << error;
  Json rib = Rib("ipv6");
  ASSERT_TRUE(rib.contains("2001:db8::10/128")) << rib.dump();
  const Json& path = rib["2001:db8::10/128"][0];
  EXPECT_EQ(Attribute(path, 14)["nexthop"], "100::1") << path.dump();
  EXPECT_EQ(Attribute(path, 8)["communities"], Json::array({kBlackholeCommunity})) << path.dump();
  ASSERT_TRUE(backend_->Withdraw(a, &error)) << error;
  EXPECT_TRUE(Rib("ipv6").empty());
  EXPECT_TRUE(backend_->Withdraw(a, &error)) << error;

  // An IPv4 discard next hop for an IPv6 victim travels IPv4-mapped (::ffff:192.0.2.1 in
  // MP_REACH_NLRI, which the CLI prints in its IPv4 form).
  a.next_hop = "192.0.2.1";
  ASSERT_TRUE(backend_->Announce(a, &error)) << error;
  rib = Rib("ipv6");
  EXPECT_EQ(Attribute(rib["2001:db8::10/128"][0], 14)["nexthop"], "192.0.2.1") << rib.dump();
  ASSERT_TRUE(backend_->Withdraw(a, &error)) << error;
  EXPECT_TRUE(Rib("ipv6").empty());
}

TEST_F(GobgpBackendTest, FlowspecDiscard) {
  FlowspecRule rule;
  rule.destination = *Prefix::Parse("198.51.100.10/32");
  rule.protocols = {6};
  rule.destination_ports = {80};
  rule.tcp_flags_value = 0x02;  // SYN
  rule.tcp_flags_mask = 0x12;   // of SYN, ACK
  rule.packet_length_min = 40;
  rule.packet_length_max = 60;
  const Announcement a = Flowspec(rule);
  std::string error;
  ASSERT_TRUE(backend_->Announce(a, &error)) << error;
  const std::string text = RibText("ipv4-flowspec");
  EXPECT_NE(text.find("[destination: 198.51.100.10/32][protocol: ==tcp][destination-port: ==80]"
                      "[tcp-flags: =S&!A][packet-length: >=40&<=60]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("{Extcomms: [discard]}"), std::string::npos) << text;
  EXPECT_NE(text.find("{Origin: i}"), std::string::npos) << text;

  ASSERT_TRUE(backend_->Withdraw(a, &error)) << error;
  EXPECT_TRUE(Rib("ipv4-flowspec").empty()) << RibText("ipv4-flowspec");
  EXPECT_TRUE(backend_->Withdraw(a, &error)) << error;
}

TEST_F(GobgpBackendTest, FlowspecRateLimitAndEveryComponent) {
  FlowspecRule rule;
  rule.destination = *Prefix::Parse("198.51.100.0/24");
  rule.source = *Prefix::Parse("203.0.113.0/24");
  rule.protocols = {17, 6, 17};  // sorted and deduplicated
  rule.destination_ports = {443, 80};
  rule.source_ports = {123};
  rule.fragments_only = true;
  rule.action = FlowspecRule::Action::kRateLimit;
  rule.rate_limit_bps = 8000;  // 1000 bytes/s in the community
  const Announcement a = Flowspec(rule);
  std::string error;
  ASSERT_TRUE(backend_->Announce(a, &error)) << error;
  const std::string text = RibText("ipv4-flowspec");
  EXPECT_NE(text.find("[destination: 198.51.100.0/24][source: 203.0.113.0/24]"
                      "[protocol: ==tcp ==udp][destination-port: ==80 ==443]"
                      "[source-port: ==123][fragment: is-fragment]"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("{Extcomms: [rate: 1000.000000]}"), std::string::npos) << text;
  ASSERT_TRUE(backend_->Withdraw(a, &error)) << error;
  EXPECT_TRUE(Rib("ipv4-flowspec").empty()) << RibText("ipv4-flowspec");
}

TEST_F(GobgpBackendTest, FlowspecIpv6) {
  FlowspecRule rule;
  rule.destination = *Prefix::Parse("2001:db8::10/128");
  rule.protocols = {17};
  rule.source_ports = {53};
  rule.packet_length_max = 1500;
  const Announcement a = Flowspec(rule);
  std::string error;
  ASSERT_TRUE(backend_->Announce(a, &error)) << error;
  const std::string text = RibText("ipv6-flowspec");
  EXPECT_NE(text.find("[destination: 2001:db8::10/128/0][protocol: ==udp][source-port: ==53]"
                      "[packet-length: <=1500]"),
            std::string::npos)
      << text;
  ASSERT_TRUE(backend_->Withdraw(a, &error)) << error;
  EXPECT_TRUE(Rib("ipv6-flowspec").empty()) << RibText("ipv6-flowspec");
}

// The path an operator's router sees: gobgpd advertises the blackhole to BIRD, whose import
// filter accepts it only with the BLACKHOLE community. Prints Announce()/Withdraw() → BIRD.
TEST_F(GobgpBackendTest, BirdReceivesTheBlackhole) {
  const std::string prefix = "198.51.100.10/32";
  const auto wait_for = [&](bool present, std::string* routes) -> std::optional<double> {
    const auto start = Clock::now();
    while (Clock::now() - start < std::chrono::seconds(10)) {
      *routes = speakers_->Birdc("show route " + prefix + " all");
      if ((routes->find(prefix) != std::string::npos) == present) {
        return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      }
    }
    return std::nullopt;
  };
  std::string routes;
  ASSERT_TRUE(wait_for(false, &routes)) << "left over: " << routes;

  std::string error;
  ASSERT_TRUE(backend_->Announce(Blackhole(prefix), &error)) << error;
  const std::optional<double> announce_ms = wait_for(true, &routes);
  ASSERT_TRUE(announce_ms) << "BIRD never got " << prefix << ":\n" << routes;
  EXPECT_NE(routes.find(prefix + "     blackhole"), std::string::npos) << routes;
  EXPECT_NE(routes.find("BGP.community: (65535,666)"), std::string::npos) << routes;
  EXPECT_NE(routes.find("BGP.next_hop: 192.0.2.1"), std::string::npos) << routes;

  // Another community: gobgpd sends it, BIRD's filter rejects it (the filter really filters).
  Announcement other = Blackhole("198.51.100.11/32");
  other.communities = {"65000:1"};
  ASSERT_TRUE(backend_->Announce(other, &error)) << error;

  ASSERT_TRUE(backend_->Withdraw(Blackhole(prefix), &error)) << error;
  const std::optional<double> withdraw_ms = wait_for(false, &routes);
  ASSERT_TRUE(withdraw_ms) << "BIRD kept " << prefix << ":\n" << routes;
  // Updates go out in order, so the .11 announce reached BIRD before the .10 withdraw did.
  EXPECT_NE(speakers_->Gobgp("neighbor 127.0.0.3 adj-out").find("198.51.100.11/32"),
            std::string::npos);
  EXPECT_EQ(speakers_->Birdc("show route 198.51.100.11/32").find("198.51.100.11"),
            std::string::npos);
  ASSERT_TRUE(backend_->Withdraw(other, &error)) << error;
  std::printf("Announce() -> BIRD: %.1f ms, Withdraw() -> BIRD: %.1f ms\n", *announce_ms,
              *withdraw_ms);
}

}  // namespace
}  // namespace rampart::mitigate
