// The BIRD backend: the include file it writes, and the real thing against a BIRD 2 of this
// test's own (control socket in a temporary directory, no BGP, no kernel protocol: the static
// routes stay in BIRD's tables). Skipped when bird is not installed; always stopped at the end.
#include "mitigate/bird_backend.h"
#include "backend_test_support.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
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
#include <vector>

#include <fmt/format.h>

namespace rampart::mitigate {
namespace {

using backend_test::Blackhole;
using backend_test::Shell;
using backend_test::SynFlowspec;
using backend_test::WaitFor;

using std::chrono::milliseconds;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(BirdRouteText, BlackholeAndFlowspec) {
  std::string error;
  Announcement a = Blackhole("198.51.100.10/32");
  a.communities = {"65535:666", "64496:1:2"};
  std::optional<BirdRoute> route = MakeBirdRoute(a, &error);
  ASSERT_TRUE(route) << error;
  EXPECT_EQ(route->channel, BirdRoute::Channel::kIpv4);
  EXPECT_EQ(route->statement,
            "route 198.51.100.10/32 blackhole { bgp_community.add((65535,666)); "
            "bgp_large_community.add((64496,1,2)); };");
  a.communities = {"65535:666)); }; protocol"};
  EXPECT_FALSE(MakeBirdRoute(a, &error));
  EXPECT_NE(error.find("malformed community"), std::string::npos) << error;

  Announcement flow = SynFlowspec("198.51.100.10/32", {80, 443});
  route = MakeBirdRoute(flow, &error);
  ASSERT_TRUE(route) << error;
  EXPECT_EQ(route->channel, BirdRoute::Channel::kFlow4);
  EXPECT_EQ(route->statement,
            "route flow4 { dst 198.51.100.10/32; proto = 6; dport = 80 || = 443; "
            "tcp flags 0x02/0x12; length >= 40 && <= 60; } "
            "{ bgp_ext_community.add((generic, 0x80060000, 0x0)); };");
  flow.flowspec->destination = *Prefix::Parse("2001:db8::10/128");
  flow.flowspec->action = FlowspecRule::Action::kRateLimit;
  flow.flowspec->rate_limit_bps = 100000;  // 12500 bytes/s = 0x46435000 as a float
  route = MakeBirdRoute(flow, &error);
  ASSERT_TRUE(route) << error;
  EXPECT_EQ(route->channel, BirdRoute::Channel::kFlow6);
  EXPECT_NE(route->statement.find("route flow6 { dst 2001:db8::10/128; next header = 6;"),
            std::string::npos)
      << route->statement;
  EXPECT_NE(route->statement.find("0x80060000, 0x46435000"), std::string::npos);

  Announcement nft;
  nft.kind = ActionKind::kNftDrop;
  EXPECT_FALSE(MakeBirdRoute(nft, &error));
}

TEST(BirdRouteText, EmptyFileStillHasTheStaticProtocols) {
  EXPECT_EQ(BirdIncludeText("rampart", {}),
            "# Written by rampart (BIRD backend) on every change; do not edit.\n"
            "protocol static rampart4 {\n  ipv4;\n}\n"
            "protocol static rampart6 {\n  ipv6;\n}\n");
}

//! A BIRD with the include file, flow tables for FlowSpec, and nothing else.
class BirdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Shell("command -v bird && command -v birdc") != 0) {
      GTEST_SKIP() << "needs bird and birdc (bird2)";
    }
    char pattern[] = "/tmp/rampart-bird-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    socket_ = dir_ + "/bird.ctl";
    include_ = dir_ + "/rampart.conf";
    config_ = dir_ + "/bird.conf";
    std::ofstream(include_) << "";  // BIRD refuses to start without the included file
    std::ofstream(config_) << fmt::format(
        "router id 192.0.2.254;\nlog \"{0}/bird.log\" all;\n"
        "flow4 table flowtab4;\nflow6 table flowtab6;\nprotocol device {{ }}\n"
        "include \"{1}\";\n",
        dir_, include_);
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      execlp("bird", "bird", "-f", "-c", config_.c_str(), "-s", socket_.c_str(), "-P",
             (dir_ + "/bird.pid").c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    ASSERT_GT(pid_, 0);
    int status = 0;
    ASSERT_TRUE(WaitFor(
        [&] {
          if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return true;  // exited: fail now, not after the timeout
          }
          return Birdc("show status") == 0;
        },
        milliseconds(10000)));
    ASSERT_GT(pid_, 0) << "BIRD exited at start";
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      if (!WaitFor([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, milliseconds(5000))) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
    }
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

  int Birdc(const std::string& command, std::string* output = nullptr) {
    return Shell(fmt::format("timeout 5 birdc -s {} {}", socket_, command), output);
  }

  BirdSettings Settings() const {
    BirdSettings settings;
    settings.include_file = include_;
    settings.socket = socket_;
    return settings;
  }

  //! `show route all <where>` lists every one of `needles`.
  bool Shows(const std::string& where, const std::vector<std::string>& needles) {
    std::string output;
    if (Birdc("show route all " + where, &output) != 0) {
      return false;
    }
    for (const std::string& needle : needles) {
      if (output.find(needle) == std::string::npos) {
        return false;
      }
    }
    return true;
  }

  //! `show route <where>` lists no route (the prefixes here all end in /1x).
  bool Empty(const std::string& where) {
    std::string output;
    return Birdc("show route " + where, &output) == 0 && output.find("/1") == std::string::npos &&
           output.find("flow4 {") == std::string::npos &&
           output.find("flow6 {") == std::string::npos;
  }

  std::string dir_;
  std::string socket_;
  std::string include_;
  std::string config_;
  pid_t pid_ = -1;
};

TEST_F(BirdTest, BlackholesAppearAndGo) {
  const std::unique_ptr<Backend> backend = MakeBirdBackend(Settings());
  EXPECT_EQ(backend->name(), "bird");
  EXPECT_TRUE(backend->Supports(ActionKind::kBlackhole));
  EXPECT_TRUE(backend->Supports(ActionKind::kFlowspec));
  EXPECT_FALSE(backend->Supports(ActionKind::kNftDrop));
  std::string error;

  const Announcement v4 = Blackhole("198.51.100.10/32");
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(backend->Announce(v4, &error)) << error;
  const auto returned = std::chrono::steady_clock::now();
  const std::vector<std::string> expected = {"198.51.100.10/32", "blackhole",
                                             "BGP.community: (65535,666)"};
  ASSERT_TRUE(WaitFor([&] { return Shows("protocol rampart4", expected); }, milliseconds(5000),
                      milliseconds(1)));
  const auto visible = std::chrono::steady_clock::now();
  const auto ms = [&](auto d) {
    return std::chrono::duration<double, std::milli>(d - start).count();
  };
  std::printf("BIRD: Announce() returned after %.1f ms, route visible after %.1f ms\n",
              ms(returned), ms(visible));
  EXPECT_LT(ms(visible), 2000.0);

  const Announcement v6 = Blackhole("2001:db8::10/128");
  ASSERT_TRUE(backend->Announce(v6, &error)) << error;
  EXPECT_TRUE(Shows("protocol rampart6", {"2001:db8::10/128", "blackhole", "(65535,666)"}));
  ASSERT_TRUE(backend->Announce(v4, &error)) << error;  // already there: fine
  ASSERT_TRUE(backend->Announce(Blackhole("198.51.100.11/32"), &error)) << error;

  ASSERT_TRUE(backend->Withdraw(v4, &error)) << error;
  EXPECT_FALSE(Shows("protocol rampart4", {"198.51.100.10/32"}));
  EXPECT_TRUE(Shows("protocol rampart4", {"198.51.100.11/32"}));
  ASSERT_TRUE(backend->Withdraw(v6, &error)) << error;
  ASSERT_TRUE(backend->Withdraw(Blackhole("198.51.100.11/32"), &error)) << error;
  EXPECT_TRUE(Empty("protocol rampart4"));
  EXPECT_TRUE(Empty("protocol rampart6"));
  EXPECT_TRUE(backend->Withdraw(v4, &error)) << error;  // already gone: fine
  EXPECT_EQ(ReadFile(include_), BirdIncludeText("rampart", {}));
  EXPECT_EQ(Shell(fmt::format("bird -p -c {}", config_)), 0);
}

TEST_F(BirdTest, FlowspecRulesAppearAndGo) {
  const std::unique_ptr<Backend> backend = MakeBirdBackend(Settings());
  std::string error;
  const Announcement flow = SynFlowspec("198.51.100.10/32", {80, 443});
  ASSERT_TRUE(backend->Announce(flow, &error)) << error;
  EXPECT_TRUE(
      Shows("table flowtab4", {"flow4 { dst 198.51.100.10/32; proto 6; dport 80,443; "
                               "tcp flags 0x2/0x2 && 0x0/0x10; length 40..60; }",
                               "[rampartflow4", "BGP.ext_community: (generic, 0x80060000, 0x0)"}));
  Announcement flow6 = SynFlowspec("2001:db8::10/128", {80, 443});
  flow6.flowspec->fragments_only = true;
  ASSERT_TRUE(backend->Announce(flow6, &error)) << error;
  EXPECT_TRUE(Shows("table flowtab6", {"flow6 { dst 2001:db8::10/128; next header 6;",
                                       "fragment is_fragment", "[rampartflow6"}));

  // The same rule with a rate limit replaces the discard.
  Announcement limited = flow;
  limited.flowspec->action = FlowspecRule::Action::kRateLimit;
  limited.flowspec->rate_limit_bps = 100000;
  ASSERT_TRUE(backend->Announce(limited, &error)) << error;
  EXPECT_TRUE(Shows("table flowtab4", {"(generic, 0x80060000, 0x46435000)"}));
  EXPECT_FALSE(Shows("table flowtab4", {"(generic, 0x80060000, 0x0)"}));

  ASSERT_TRUE(backend->Withdraw(flow, &error)) << error;
  ASSERT_TRUE(backend->Withdraw(flow6, &error)) << error;
  EXPECT_TRUE(WaitFor([&] { return Empty("table flowtab4") && Empty("table flowtab6"); },
                      milliseconds(2000)));
  EXPECT_EQ(ReadFile(include_).find("flow4"), std::string::npos);
}

TEST_F(BirdTest, FailuresAreCleanAndLeaveTheFileAsBirdHasIt) {
  std::string error;
  const std::unique_ptr<Backend> backend = MakeBirdBackend(Settings());
  ASSERT_TRUE(backend->Announce(Blackhole("198.51.100.10/32"), &error)) << error;

  BirdSettings missing = Settings();
  missing.birdc = "/nonexistent/birdc";
  EXPECT_FALSE(MakeBirdBackend(missing)->Announce(Blackhole("198.51.100.12/32"), &error));
  EXPECT_NE(error.find("cannot run /nonexistent/birdc"), std::string::npos) << error;

  BirdSettings no_socket = Settings();
  no_socket.socket = dir_ + "/nobody.ctl";
  const std::unique_ptr<Backend> lost = MakeBirdBackend(no_socket);
  EXPECT_FALSE(lost->Announce(Blackhole("198.51.100.12/32"), &error));
  EXPECT_NE(error.find("Unable to connect"), std::string::npos) << error;
  EXPECT_EQ(ReadFile(include_).find("198.51.100.12"), std::string::npos);

  BirdSettings bad_name = Settings();
  bad_name.protocol = "x { }";
  EXPECT_FALSE(MakeBirdBackend(bad_name)->Announce(Blackhole("198.51.100.12/32"), &error));
  EXPECT_NE(error.find("invalid protocol name"), std::string::npos) << error;

  // A birdc (of another file) that first takes a change, then refuses one: the refused route
  // leaves the file again, the accepted one stays.
  const std::string fake = dir_ + "/fake-birdc";
  BirdSettings faked = Settings();
  faked.birdc = fake;
  faked.include_file = dir_ + "/other.conf";
  const std::unique_ptr<Backend> refused = MakeBirdBackend(faked);
  std::ofstream(fake) << "#!/bin/sh\necho 'BIRD 2.0.12 ready.'\necho 'Reconfigured'\n";
  ASSERT_EQ(chmod(fake.c_str(), 0755), 0);
  ASSERT_TRUE(refused->Announce(Blackhole("198.51.100.30/32"), &error)) << error;
  std::ofstream(fake) << "#!/bin/sh\necho 'BIRD 2.0.12 ready.'\necho 'a.conf:3:1 syntax error'\n";
  EXPECT_FALSE(refused->Announce(Blackhole("198.51.100.31/32"), &error));
  EXPECT_EQ(error, "bird: birdc configure: a.conf:3:1 syntax error") << error;
  EXPECT_NE(ReadFile(faked.include_file).find("198.51.100.30/32"), std::string::npos);
  EXPECT_EQ(ReadFile(faked.include_file).find("198.51.100.31/32"), std::string::npos);

  // A birdc that hangs is killed after its timeout.
  std::ofstream(fake) << "#!/bin/sh\nexec sleep 60\n";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(refused->Announce(Blackhole("198.51.100.32/32"), &error));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(7000));
  EXPECT_NE(error.find("did not answer within 5000 ms"), std::string::npos) << error;

  // The working backend still holds its route, and BIRD still has it.
  EXPECT_TRUE(Shows("protocol rampart4", {"198.51.100.10/32"}));
  ASSERT_TRUE(backend->Withdraw(Blackhole("198.51.100.10/32"), &error)) << error;
  EXPECT_TRUE(Empty("protocol rampart4"));
}

}  // namespace
}  // namespace rampart::mitigate
