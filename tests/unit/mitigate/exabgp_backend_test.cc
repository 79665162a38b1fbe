// The ExaBGP backend: the commands it builds, the FIFO's failure modes, and the real path
// rampart → FIFO → ExaBGP 4.2 → BGP → gobgpd on 127.0.0.1, ExaBGP's `process` being exactly the
// snippet of exabgp_backend.h. The daemons are this test's own, on free loopback ports; they
// are skipped when not installed (CI installs them) and always stopped at the end.
#include "mitigate/exabgp_backend.h"
#include "backend_test_support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace rampart::mitigate {
namespace {

using backend_test::Blackhole;
using backend_test::Shell;
using backend_test::SynFlowspec;
using backend_test::WaitFor;

using std::chrono::milliseconds;

//! Two distinct free TCP ports on 127.0.0.1 (the kernel's picks, both held until both are
//! known, so they differ; they stay free for the moment we need).
std::pair<int, int> FreePorts() {
  int ports[2] = {-1, -1};
  int fds[2] = {-1, -1};
  for (int i = 0; i < 2; ++i) {
    fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof(address);
    if (bind(fds[i], reinterpret_cast<sockaddr*>(&address), size) == 0 &&
        getsockname(fds[i], reinterpret_cast<sockaddr*>(&address), &size) == 0) {
      ports[i] = ntohs(address.sin_port);
    }
  }
  close(fds[0]);
  close(fds[1]);
  return {ports[0], ports[1]};
}

//! A daemon of this test: its own process group (so its helpers go with it), killed when the
//! test process dies, output into `log`.
class Daemon {
 public:
  Daemon() = default;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;
  ~Daemon() { Stop(); }

  bool Start(const std::vector<std::string>& args, const std::vector<std::string>& env,
             const std::string& log) {
    std::vector<std::string> text = args;
    std::vector<char*> argv;
    for (std::string& arg : text) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    std::vector<std::string> env_text = env;
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      for (std::string& variable : env_text) {
        putenv(variable.data());
      }
      FILE* out = fopen(log.c_str(), "w");
      if (out != nullptr) {
        dup2(fileno(out), 1);
        dup2(fileno(out), 2);
      }
      execvp(argv[0], argv.data());
      _exit(127);
    }
    return pid_ > 0;
  }

  //! SIGTERM, up to 5 s to exit, then SIGKILL for the whole group (helpers left behind too).
  void Stop() {
    if (pid_ <= 0) {
      return;
    }
    kill(pid_, SIGTERM);
    int status = 0;
    const bool exited =
        WaitFor([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, milliseconds(5000));
    kill(-pid_, SIGKILL);
    if (!exited) {
      waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }

  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

std::string Exe(const char* name) {
  std::string path;
  return Shell(fmt::format("command -v {}", name), &path) == 0 ? path : "";
}

TEST(ExabgpCommandText, Blackhole) {
  std::string error;
  Announcement a = Blackhole("198.51.100.10/32");
  EXPECT_EQ(ExabgpCommand(a, true, &error),
            "announce route 198.51.100.10/32 next-hop 192.0.2.1 community [65535:666]");
  a.communities = {"65535:666", "no-export", "64496:1:2"};
  a.next_hop = "";
  EXPECT_EQ(ExabgpCommand(a, false, &error),
            "withdraw route 198.51.100.10/32 next-hop self community [65535:666 65535:65281] "
            "large-community [64496:1:2]");
  a.communities = {"65535:666]; neighbor"};
  EXPECT_EQ(ExabgpCommand(a, true, &error), "");
  EXPECT_NE(error.find("malformed community"), std::string::npos) << error;
  a.communities = {};
  a.next_hop = "192.0.2.1 self";
  EXPECT_EQ(ExabgpCommand(a, true, &error), "");
}

TEST(ExabgpCommandText, Flowspec) {
  std::string error;
  Announcement a = SynFlowspec("198.51.100.10/32", {80});
  EXPECT_EQ(ExabgpCommand(a, true, &error),
            "announce flow route { match { destination 198.51.100.10/32; protocol [ =6 ]; "
            "destination-port [ =80 ]; tcp-flags [ =syn&!ack ]; packet-length [ >=40&<=60 ]; } "
            "then { discard; } }");
  FlowspecRule& rule = *a.flowspec;
  rule.destination = *Prefix::Parse("2001:db8::10/128");
  rule.source = *Prefix::Parse("2001:db8:1::/48");
  rule.protocols = {6, 17};
  rule.destination_ports = {};
  rule.source_ports = {53, 123};
  rule.tcp_flags_mask = 0;
  rule.packet_length_max = 0;
  rule.fragments_only = true;
  rule.action = FlowspecRule::Action::kRateLimit;
  rule.rate_limit_bps = 800000;
  EXPECT_EQ(ExabgpCommand(a, false, &error),
            "withdraw flow route { match { destination 2001:db8::10/128; source 2001:db8:1::/48; "
            "next-header [ =6 =17 ]; source-port [ =53 =123 ]; fragment [ is-fragment ]; } "
            "then { rate-limit 100000; } }");
  rule.source = *Prefix::Parse("10.0.0.0/8");
  EXPECT_EQ(ExabgpCommand(a, true, &error), "");
  EXPECT_NE(error.find("mixes"), std::string::npos) << error;
  a.flowspec.reset();
  EXPECT_EQ(ExabgpCommand(a, true, &error), "");
  a.kind = ActionKind::kNftDrop;
  EXPECT_EQ(ExabgpCommand(a, true, &error), "");
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/rampart-exabgp-XXXXXX";
    path_ = mkdtemp(pattern) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ExabgpFifo, NoReaderIsACleanErrorAndNeverBlocks) {
  TempDir dir;
  ExabgpSettings settings;
  settings.pipe = dir.path() + "/exabgp.fifo";
  const std::unique_ptr<Backend> backend = MakeExabgpBackend(settings);
  EXPECT_EQ(backend->name(), "exabgp");
  EXPECT_TRUE(backend->Supports(ActionKind::kBlackhole));
  EXPECT_TRUE(backend->Supports(ActionKind::kFlowspec));
  EXPECT_FALSE(backend->Supports(ActionKind::kNftDrop));
  std::string error;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(backend->Announce(Blackhole("198.51.100.10/32"), &error));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  EXPECT_EQ(error, "ExaBGP is not reading " + settings.pipe);
  struct stat st {};
  ASSERT_EQ(stat(settings.pipe.c_str(), &st), 0);  // created for ExaBGP to find
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A reader that reads nothing: the FIFO fills up, and the call gives up after its timeout.
  const int reader = open(settings.pipe.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  ASSERT_GE(reader, 0);
  bool failed = false;
  for (int i = 0; i < 2000 && !failed; ++i) {
    failed = !backend->Announce(Blackhole("198.51.100.10/32"), &error);
  }
  close(reader);
  EXPECT_TRUE(failed);
  EXPECT_NE(error.find("full for 2000 ms"), std::string::npos) << error;

  ExabgpSettings file_settings;
  file_settings.pipe = dir.path() + "/plain";
  std::ofstream(file_settings.pipe) << "x";
  EXPECT_FALSE(MakeExabgpBackend(file_settings)->Announce(Blackhole("198.51.100.10/32"), &error));
  EXPECT_NE(error.find("is not a FIFO"), std::string::npos) << error;
}

//! gobgpd (AS 65000, 127.0.0.1) with a passive neighbor 127.0.0.2, and ExaBGP (AS 65001) as
//! that neighbor, its `process` reading the FIFO.
class ExabgpGobgpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) {
      GTEST_SKIP() << "needs root (exabgp.daemon.user=root)";
    }
    if (Exe("exabgp").empty() || Exe("gobgpd").empty() || Exe("gobgp").empty()) {
      GTEST_SKIP() << "needs exabgp, gobgpd and gobgp";
    }
    ASSERT_FALSE(dir_.path().empty());
    std::tie(bgp_port_, api_port_) = FreePorts();
    ASSERT_GT(bgp_port_, 0);
    ASSERT_GT(api_port_, 0);
    pipe_ = dir_.path() + "/exabgp.fifo";

    std::string families;
    for (const char* family : {"ipv4-unicast", "ipv6-unicast", "ipv4-flowspec", "ipv6-flowspec"}) {
      families += fmt::format(
          "  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n"
          "      afi-safi-name = \"{}\"\n",
          family);
    }
    std::ofstream(dir_.path() + "/gobgpd.toml") << fmt::format(
        "[global.config]\n  as = 65000\n  router-id = \"127.0.0.1\"\n  port = {}\n"
        "  local-address-list = [\"127.0.0.1\"]\n"
        "[[neighbors]]\n  [neighbors.config]\n    neighbor-address = \"127.0.0.2\"\n"
        "    peer-as = 65001\n  [neighbors.transport.config]\n    passive-mode = true\n{}",
        bgp_port_, families);
    // The process exactly as exabgp_backend.h recommends it, with this test's FIFO.
    std::ofstream(dir_.path() + "/exabgp.conf") << fmt::format(
        "process rampart {{\n"
        "  run /bin/sh -c \"[ -p {0} ] || mkfifo -m 600 {0}; exec 4<&0; "
        "cat <&4 >/dev/null & exec cat {0} 3<>{0} 4<&-\";\n"
        "  encoder text;\n"
        "}}\n"
        "neighbor 127.0.0.1 {{\n"
        "  router-id 127.0.0.2;\n  local-address 127.0.0.2;\n  local-as 65001;\n"
        "  peer-as 65000;\n  connect {1};\n"
        "  api {{ processes [ rampart ]; }}\n"
        "  family {{ ipv4 unicast; ipv6 unicast; ipv4 flow; ipv6 flow; }}\n"
        "}}\n",
        pipe_, bgp_port_);

    ASSERT_TRUE(
        gobgpd_.Start({"gobgpd", "-f", dir_.path() + "/gobgpd.toml", "--api-hosts",
                       fmt::format("127.0.0.1:{}", api_port_), "--pprof-disable", "-l", "info"},
                      {}, dir_.path() + "/gobgpd.log"));
    ASSERT_TRUE(WaitFor([&] { return Gobgp("global") == 0; }, milliseconds(10000)))
        << "gobgpd's API did not come up";
    ASSERT_TRUE(exabgp_.Start({"exabgp", dir_.path() + "/exabgp.conf"},
                              {"exabgp.daemon.user=root", "exabgp.log.destination=stdout",
                               "exabgp.tcp.bind=", "exabgp.api.cli=false"},
                              dir_.path() + "/exabgp.log"));
    ASSERT_TRUE(WaitFor(
        [&] {
          std::string neighbors;
          return Gobgp("neighbor", &neighbors) == 0 &&
                 neighbors.find("Establ") != std::string::npos;
        },
        milliseconds(20000)))
        << "no BGP session between ExaBGP and gobgpd";
  }

  void TearDown() override {
    exabgp_.Stop();
    gobgpd_.Stop();
    if (HasFailure()) {
      std::string log;
      Shell(fmt::format("tail -n 30 {0}/exabgp.log {0}/gobgpd.log", dir_.path()), &log);
      std::printf("%s\n", log.c_str());
    }
  }

  int Gobgp(const std::string& args, std::string* output = nullptr) {
    return Shell(fmt::format("timeout 5 gobgp -p {} {}", api_port_, args), output);
  }

  //! The global RIB's paths for `prefix` (family `-a ipv4`/`-a ipv6`), as gobgp's JSON.
  nlohmann::json Paths(const std::string& family, const std::string& prefix) {
    std::string output;
    if (Gobgp("global rib " + family + " -j", &output) != 0) {
      return nullptr;
    }
    const nlohmann::json rib = nlohmann::json::parse(output, nullptr, false);
    return rib.is_object() && rib.contains(prefix) ? rib[prefix] : nlohmann::json(nullptr);
  }

  //! Whether one path's attributes carry the community and the next hop.
  static bool Has(const nlohmann::json& paths, uint32_t community, const std::string& next_hop) {
    if (!paths.is_array() || paths.empty()) {
      return false;
    }
    bool community_seen = false;
    bool next_hop_seen = false;
    for (const nlohmann::json& attribute : paths[0]["attrs"]) {
      if (attribute.contains("communities")) {
        for (const nlohmann::json& c : attribute["communities"]) {
          community_seen |= c.get<uint32_t>() == community;
        }
      }
      if (attribute.contains("nexthop")) {
        next_hop_seen |= attribute["nexthop"] == next_hop;
      }
      if (attribute.contains("nlri") && attribute["nlri"].contains("next_hop")) {
        next_hop_seen |= attribute["nlri"]["next_hop"] == next_hop;
      }
    }
    return community_seen && next_hop_seen;
  }

  //! The reader cat ExaBGP runs for the `rampart` process (its child, reading our FIFO), or 0.
  //! Zombies do not count: a killed reader stays one until ExaBGP reaps it.
  pid_t ReaderPid() {
    std::string output;
    Shell(fmt::format("pgrep -P {} -x cat", exabgp_.pid()), &output);
    std::istringstream lines(output);
    pid_t pid = 0;
    while (lines >> pid) {
      std::string state;
      std::ifstream stat(fmt::format("/proc/{}/stat", pid));
      std::string ignored;
      stat >> ignored >> ignored >> state;  // pid (comm) state: comm is "(cat)", no spaces
      if (state != "Z") {
        return pid;
      }
    }
    return 0;
  }

  TempDir dir_;
  std::string pipe_;
  int bgp_port_ = 0;
  int api_port_ = 0;
  Daemon gobgpd_;
  Daemon exabgp_;
};

constexpr uint32_t kBlackholeCommunity = 0xFFFF029A;  // 65535:666

TEST_F(ExabgpGobgpTest, BlackholeAndFlowspecReachGobgp) {
  ExabgpSettings settings;
  settings.pipe = pipe_;
  const std::unique_ptr<Backend> backend = MakeExabgpBackend(settings);
  std::string error;

  const Announcement v4 = Blackhole("198.51.100.10/32");
  ASSERT_TRUE(backend->Announce(v4, &error)) << error;
  EXPECT_TRUE(WaitFor(
      [&] { return Has(Paths("-a ipv4", "198.51.100.10/32"), kBlackholeCommunity, "192.0.2.1"); },
      milliseconds(5000)));
  Announcement v6 = Blackhole("2001:db8::10/128");
  v6.next_hop = "100::1";  // RFC 6666 discard prefix
  ASSERT_TRUE(backend->Announce(v6, &error)) << error;
  EXPECT_TRUE(WaitFor(
      [&] { return Has(Paths("-a ipv6", "2001:db8::10/128"), kBlackholeCommunity, "100::1"); },
      milliseconds(5000)));

  const Announcement flow = SynFlowspec("198.51.100.10/32", {80});
  ASSERT_TRUE(backend->Announce(flow, &error)) << error;
  std::string rib;
  EXPECT_TRUE(WaitFor(
      [&] {
        return Gobgp("global rib -a ipv4-flowspec", &rib) == 0 &&
               rib.find(
                   "[destination: 198.51.100.10/32][protocol: ==tcp]"
                   "[destination-port: ==80][tcp-flags: =S&!A]"
                   "[packet-length: >=40&<=60]") != std::string::npos &&
               rib.find("discard") != std::string::npos;
      },
      milliseconds(5000)))
      << rib;

  ASSERT_TRUE(backend->Withdraw(v4, &error)) << error;
  ASSERT_TRUE(backend->Withdraw(v6, &error)) << error;
  ASSERT_TRUE(backend->Withdraw(flow, &error)) << error;
  EXPECT_TRUE(
      WaitFor([&] { return Paths("-a ipv4", "198.51.100.10/32").is_null(); }, milliseconds(5000)));
  EXPECT_TRUE(
      WaitFor([&] { return Paths("-a ipv6", "2001:db8::10/128").is_null(); }, milliseconds(5000)));
  EXPECT_TRUE(WaitFor(
      [&] {
        return Gobgp("global rib -a ipv4-flowspec", &rib) == 0 &&
               rib.find("198.51.100.10/32") == std::string::npos;
      },
      milliseconds(5000)))
      << rib;
  EXPECT_TRUE(backend->Withdraw(v4, &error)) << error;  // ExaBGP does not mind

  // ExaBGP gone: its reader went with it, and the kept fd's EPIPE ends in a clean error.
  exabgp_.Stop();
  EXPECT_FALSE(backend->Announce(v4, &error));
  EXPECT_EQ(error, "ExaBGP is not reading " + pipe_);
}

TEST_F(ExabgpGobgpTest, SurvivesTheReaderBeingRespawned) {
  ExabgpSettings settings;
  settings.pipe = pipe_;
  std::unique_ptr<Backend> backend = MakeExabgpBackend(settings);
  std::string error;
  ASSERT_TRUE(backend->Announce(Blackhole("198.51.100.20/32"), &error)) << error;

  // ExaBGP restarts a process that died (api.respawn): the backend reaches the new reader.
  const pid_t reader = ReaderPid();
  ASSERT_GT(reader, 0);
  ASSERT_EQ(kill(reader, SIGTERM), 0);
  ASSERT_TRUE(
      WaitFor([&] { return ReaderPid() > 0 && ReaderPid() != reader; }, milliseconds(10000)))
      << "ExaBGP did not respawn its process";
  ASSERT_TRUE(backend->Announce(Blackhole("198.51.100.21/32"), &error)) << error;
  EXPECT_TRUE(WaitFor(
      [&] { return Has(Paths("-a ipv4", "198.51.100.21/32"), kBlackholeCommunity, "192.0.2.1"); },
      milliseconds(5000)));

  // A new backend (rampart restarted) finds the same reader: the old one closing its end did
  // not stop it.
  backend.reset();
  const std::unique_ptr<Backend> restarted = MakeExabgpBackend(settings);
  ASSERT_TRUE(restarted->Announce(Blackhole("198.51.100.22/32"), &error)) << error;
  EXPECT_TRUE(WaitFor(
      [&] { return Has(Paths("-a ipv4", "198.51.100.22/32"), kBlackholeCommunity, "192.0.2.1"); },
      milliseconds(5000)));
}

}  // namespace
}  // namespace rampart::mitigate
