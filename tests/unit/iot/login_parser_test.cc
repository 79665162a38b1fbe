// LoginParser on hand-written sessions of every service (whole segments, one byte at a time and
// split at awkward places) and on the login sessions of real captures.
#include "iot/login_parser.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "capture/capture_reader.h"
#include "decode/packet_decoder.h"

namespace rampart::iot {
namespace {

using namespace std::string_literals;

//! Every event as one line of text; also remembers where each password was handed over, so a
//! test can check the bytes were wiped after the call.
class Recorder : public LoginSink {
 public:
  void OnCredentials(std::string_view user, std::string_view password) override {
    events.push_back("cred " + std::string(user) + "/" + std::string(password));
    passwords.push_back(password);
  }
  void OnVerdict(LoginVerdict verdict) override {
    events.push_back("verdict " + std::string(LoginVerdictName(verdict)));
  }
  void OnCommand(std::string_view line) override { events.push_back("cmd " + std::string(line)); }
  void OnAppletNotFound(std::string_view token) override {
    events.push_back("applet " + std::string(token));
  }

  std::vector<std::string> events;
  std::vector<std::string_view> passwords;  // views into the parser: read only while it lives
};

struct Segment {
  bool client;
  std::string bytes;
};
using Session = std::vector<Segment>;

Segment C(std::string bytes) {
  return {true, std::move(bytes)};
}
Segment S(std::string bytes) {
  return {false, std::move(bytes)};
}
std::string Bytes(std::initializer_list<int> values) {
  std::string out;
  for (const int v : values) {
    out.push_back(static_cast<char>(v));
  }
  return out;
}

enum class Split { kWhole, kBytes };

void Feed(LoginParser& parser, const Segment& segment, Recorder& recorder, Split split) {
  const auto* data = reinterpret_cast<const uint8_t*>(segment.bytes.data());
  const size_t step = split == Split::kBytes ? 1 : segment.bytes.size();
  for (size_t i = 0; i < segment.bytes.size(); i += step) {
    const size_t n = std::min(step, segment.bytes.size() - i);
    if (segment.client) {
      parser.FeedClient(data + i, n, recorder);
    } else {
      parser.FeedServer(data + i, n, recorder);
    }
  }
}

std::vector<std::string> Parse(LoginService service, const Session& session,
                               Split split = Split::kWhole) {
  LoginParser parser;
  parser.Reset(service);
  Recorder recorder;
  for (const Segment& segment : session) {
    Feed(parser, segment, recorder, split);
  }
  parser.End(recorder);
  return recorder.events;
}

using Events = std::vector<std::string>;

// ---------------------------------------------------------------------------------------------
// Telnet

Session MiraiSession() {
  return {
      S(Bytes({0xff, 0xfd, 0x1f, 0xff, 0xfb, 0x01, 0xff, 0xfb, 0x03})),  // DO NAWS, WILL ECHO/SGA
      C(Bytes({0xff, 0xfb, 0x1f, 0xff, 0xfa, 0x1f, 0x00, 0x50, 0x00, 0x18, 0xff, 0xf0, 0xff, 0xfd,
               0x01, 0xff, 0xfd, 0x03})),
      S("\r\n(none) login: "),
      C("root\r\n"),
      S("root\r\nPassword: "),
      C("xc3511\r\n"),
      S("\r\n\r\nBusyBox v1.19.4 (2014-03-26 18:21:22 CST) built-in shell (ash)\r\n"
        "Enter 'help' for a list of built-in commands.\r\n\r\n# "),
      C("enable\r\n"),
      S("enable\r\n-sh: enable: not found\r\n# "),
      C("system\r\n"),
      S("system\r\n-sh: system: not found\r\n# "),
      C("shell\r\n"),
      S("shell\r\n-sh: shell: not found\r\n# "),
      C("sh\r\n"),
      S("sh\r\n\r\n\r\nBusyBox v1.19.4 (2014-03-26 18:21:22 CST) built-in shell (ash)\r\n# "),
      C("/bin/busybox MIRAI\r\n"),
      S("/bin/busybox MIRAI\r\nMIRAI: applet not found\r\n# "),
  };
}

const Events kMiraiEvents = {
    "cred root/xc3511", "verdict success",        "cmd enable",  "cmd system", "cmd shell",
    "cmd sh",           "cmd /bin/busybox MIRAI", "applet MIRAI"};

TEST(LoginParserTelnet, MiraiSession) {
  EXPECT_EQ(Parse(LoginService::kTelnet, MiraiSession()), kMiraiEvents);
}

TEST(LoginParserTelnet, OneByteAtATimeGivesTheSameEvents) {
  EXPECT_EQ(Parse(LoginService::kTelnet, MiraiSession(), Split::kBytes), kMiraiEvents);
}

TEST(LoginParserTelnet, IacSplitAcrossSegments) {
  const Session session = {
      S(Bytes({0xff})),
      S(Bytes({0xfd})),
      S(Bytes({0x1f, 0xff, 0xfa, 0x18})),
      S(Bytes({0x01, 'l', 'o', 'g', 0xff})),  // "log" inside the subnegotiation is skipped
      S(Bytes({0xf0, 0xff, 0xff, 'l', 'o', 'g', 'i', 'n', ':', ' ', 0xff})),
      C(Bytes({0xff, 0xfa, 0x1f, 0x00})),
      C(Bytes({0x50, 0xff})),
      C(Bytes({0xf0, 'r', 'o', 0xff, 0xff, 'o', 't', '\r'})),
      C(Bytes({0x00})),
      S(Bytes({0xfb, 0x01, 'P', 'a', 's', 's', 'w', 'o', 'r', 'd', ':', ' '})),
      C("12345\r\n"),
      S("\r\n$ "),
  };
  const Events expected = {"cred root/12345", "verdict success"};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
  EXPECT_EQ(Parse(LoginService::kTelnet, session, Split::kBytes), expected);
}

TEST(LoginParserTelnet, CharacterModeClientWithEchoAndBackspace) {
  Session session = {S("Welcome to the router\r\nUsername: ")};
  for (const char c : "rooxt"s) {
    session.push_back(C(std::string(1, c)));
    session.push_back(S(std::string(1, c)));
    if (c == 'x') {  // typo, rubbed out with BS; the server echoes BS SP BS
      session.push_back(C("\x08"));
      session.push_back(S("\x08 \x08"));
    }
  }
  session.push_back(C("\r"s + '\0'));
  session.push_back(S("\r\nPassword: "));
  for (const char c : "vizxvv"s) {
    session.push_back(C(std::string(1, c)));
  }
  session.push_back(C("\x7f"));  // DEL
  session.push_back(C("\r\n"));
  session.push_back(S("\r\n\r\nroot@cam:~# "));
  for (const char c : "ps\r"s) {
    session.push_back(C(std::string(1, c)));
    session.push_back(S(c == '\r' ? "\r\n"s : std::string(1, c)));
  }
  const Events expected = {"cred root/vizxv", "verdict success", "cmd ps"};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
  EXPECT_EQ(Parse(LoginService::kTelnet, session, Split::kBytes), expected);
}

TEST(LoginParserTelnet, FailedLoginThenSecondAttempt) {
  const Session session = {
      S("login: "),
      C("root\r\n"),
      S("Password: "),
      C("bad\r\n"),
      S("\r\nLogin incorrect\r\n\r\nlogin: "),
      C("admin\r\n"),
      S("Password: "),
      C("admin\r\n"),
      S("\r\n# "),
      C("id\r\n"),
  };
  const Events expected = {"cred root/bad", "verdict failure", "cred admin/admin",
                           "verdict success", "cmd id"};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
  EXPECT_EQ(Parse(LoginService::kTelnet, session, Split::kBytes), expected);
}

TEST(LoginParserTelnet, NewLoginPromptIsAFailure) {
  const Session session = {S("login: "),  C("root\r\n"),    S("Password: "),
                           C("root\r\n"), S("\r\nlogin: "), C("guest\r\n")};
  const Events expected = {"cred root/root", "verdict failure"};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
}

TEST(LoginParserTelnet, NoAnswerIsUnknownAtEnd) {
  const Session session = {S("login: "), C("root\r\n"), S("Password: "), C("\r\n")};
  const Events expected = {"cred root/", "verdict unknown"};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
}

TEST(LoginParserTelnet, ClientOnlySessionFallsBackToLineOrder) {
  const Session session = {C("root\r\n"), C("xc3511\r\n"), C("enable\r\n"), C("sh\r\n")};
  const Events expected = {"cred root/xc3511", "cmd enable", "cmd sh", "verdict unknown"};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
}

TEST(LoginParserTelnet, ServerTextDisablesTheFallback) {
  const Session session = {S("Connection refused by policy\r\n"), C("root\r\n"), C("xc3511\r\n")};
  EXPECT_TRUE(Parse(LoginService::kTelnet, session).empty());
}

TEST(LoginParserTelnet, OverlongLinesAreCut) {
  const std::string long_user(300, 'u');
  const std::string long_password(300, 'p');
  const Session session = {S(std::string(400, 'A') + "\r\nlogin: "), C(long_user + "\r\n"),
                           S("Password: "), C(long_password + "\r\n"), S("\r\n# ")};
  const Events expected = {
      "cred " + std::string(63, 'u') + "/" + std::string(LoginParser::kLineMax - 1, 'p'),
      "verdict success"};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
  EXPECT_EQ(Parse(LoginService::kTelnet, session, Split::kBytes), expected);
}

TEST(LoginParserTelnet, NonPrintableBytesAreDropped) {
  const Session session = {S("login: "), C("ro\x01o\x1bt\r\n"), S("Password: "),
                           C("p\xc3\xa4ss\r\n"), S("\r\nWelcome!\r\n")};
  const Events expected = {"cred root/pss", "verdict success"};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
}

TEST(LoginParserTelnet, AppletTokens) {
  const Session session = {
      S("login: "),
      C("admin\r\n"),
      S("Password: "),
      C("admin\r\n"),
      S("\r\n$ "),
      C("/bin/busybox ECCHI\r\n"),
      S("sh: ECCHI: applet not found\r\n$ "),
      S("applet not found\r\n"),
      S(std::string(40, 'T') + ": applet not found\r\n"),
  };
  const Events expected = {"cred admin/admin", "verdict success", "cmd /bin/busybox ECCHI",
                           "applet ECCHI",     "applet ",         "applet " + std::string(32, 'T')};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
}

TEST(LoginParserTelnet, CommandsAreCapped) {
  Session session = {S("login: "), C("root\r\n"), S("Password: "), C("root\r\n"), S("# ")};
  for (int i = 0; i < 40; ++i) {
    session.push_back(C("echo " + std::to_string(i) + "\r\n"));
  }
  const Events events = Parse(LoginService::kTelnet, session);
  ASSERT_EQ(events.size(), 2 + LoginParser::kMaxCommands);
  EXPECT_EQ(events.back(), "cmd echo " + std::to_string(LoginParser::kMaxCommands - 1));
}

TEST(LoginParserTelnet, LastFailedLoginNoticeIsNotAFailure) {
  const Session session = {S("login: "), C("pi\r\n"), S("Password: "), C("raspberry\r\n"),
                           S("\r\nLast failed login: Mon Jan 1 on pts/0\r\n"
                             "There were 3 failed login attempts since the last successful "
                             "login.\r\nLast login: Sun Dec 31\r\n")};
  const Events expected = {"cred pi/raspberry", "verdict success"};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
}

TEST(LoginParserTelnet, PasswordIsWipedAfterTheCall) {
  LoginParser parser;
  parser.Reset(LoginService::kTelnet);
  Recorder recorder;
  for (const Segment& segment : {S("login: "), C("root\r\n"), S("Password: "), C("s3cret\r\n")}) {
    Feed(parser, segment, recorder, Split::kWhole);
  }
  ASSERT_EQ(recorder.passwords.size(), 1u);
  for (const char c : recorder.passwords[0]) {
    EXPECT_EQ(c, '\0');
  }
}

// ---------------------------------------------------------------------------------------------
// FTP, POP3, IMAP

TEST(LoginParserFtp, SuccessAndFailure) {
  const Session session = {
      S("220 ProFTPD Server ready.\r\n"), C("USER bob\r\n"),
      S("331 Password required\r\n"),     C("PASS wrong\r\n"),
      S("530 Login incorrect.\r\n"),      C("user bob\r\n"),
      S("331 Password required\r\n"),     C("pass  two  spaces \r\n"),
      S("230 User bob logged in\r\n"),    C("RETR x\r\n"),
      S("550 x: No such file\r\n"),
  };
  const Events expected = {"cred bob/wrong", "verdict failure", "cred bob/ two  spaces ",
                           "verdict success"};
  EXPECT_EQ(Parse(LoginService::kFtp, session), expected);
  EXPECT_EQ(Parse(LoginService::kFtp, session, Split::kBytes), expected);
}

TEST(LoginParserFtp, MultiLineRepliesCountOnce) {
  const Session session = {
      S("220-Welcome\r\n230 this line is text\r\n220 ready\r\n"),
      C("USER ann\r\nPASS pw\r\n"),
      S("331 Need password\r\n530-Sorry\r\n230 still text\r\n 530 indented\r\n530 Bye\r\n"),
      C("USER ann\r\n"),
      S("331 Need password\r\n"),
      C("PASS pw2\r\n"),
      S("230-Welcome\r\n230-Read the rules\r\n"),
      S("230 OK\r\n"),
      S("230 stray\r\n"),
  };
  const Events expected = {"cred ann/pw", "verdict failure", "cred ann/pw2", "verdict success"};
  EXPECT_EQ(Parse(LoginService::kFtp, session), expected);
}

TEST(LoginParserFtp, AnonymousWithoutPassword) {
  const Session session = {S("220 ready\r\n"), C("USER anonymous\r\n"), S("230 logged in\r\n")};
  const Events expected = {"cred anonymous/", "verdict success"};
  EXPECT_EQ(Parse(LoginService::kFtp, session), expected);
}

TEST(LoginParserFtp, PassWithoutUserAndNoAnswer) {
  const Session session = {C("PASS lonely\r\n"), S("421 Timeout\r\n")};
  const Events expected = {"cred /lonely", "verdict unknown"};
  EXPECT_EQ(Parse(LoginService::kFtp, session), expected);
}

TEST(LoginParserPop3, UserPass) {
  const Session session = {
      S("+OK POP3 ready\r\n"), C("USER alice\r\n"), S("+OK\r\n"),       C("PASS one\r\n"),
      S("-ERR invalid\r\n"),   C("USER alice\r\n"), S("+OK\r\n"),       C("PASS two\r\n"),
      S("+OK maildrop\r\n"),   C("STAT\r\n"),       S("+OK 2 320\r\n"),
  };
  const Events expected = {"cred alice/one", "verdict failure", "cred alice/two",
                           "verdict success"};
  EXPECT_EQ(Parse(LoginService::kPop3, session), expected);
}

TEST(LoginParserPop3, AuthPlain) {
  const Session session = {
      S("+OK ready\r\n"),
      C("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"),
      S("+OK\r\n"),
      C("auth plain\r\n"),
      S("+ \r\n"),
      C("AGJvYgBodW50ZXIy\r\n"),
      S("-ERR no\r\n"),
      C("AUTH PLAIN\r\n"),
      S("+ \r\n"),
      C("*\r\n"),
      S("-ERR cancelled\r\n"),
      C("AUTH PLAIN YWRtaW4=\r\n"),  // no NUL separators
  };
  const Events expected = {"cred alice/secret", "verdict success", "cred bob/hunter2",
                           "verdict failure"};
  EXPECT_EQ(Parse(LoginService::kPop3, session), expected);
}

TEST(LoginParserImap, QuotedStringsAndTags) {
  const Session session = {
      S("* OK IMAP4rev1 ready\r\n"),
      C("a001 LOGIN \"bob smith\" \"p\\\"w\\\\d\"\r\n"),
      S("* CAPABILITY IMAP4rev1\r\n"),
      S("a000 OK something else\r\n"),
      S("a001 OK LOGIN completed\r\n"),
      C("A2 login carol pw\r\n"),
      S("A2 NO [AUTHENTICATIONFAILED] Invalid credentials\r\n"),
      C("A3 LOGIN dave \"unterminated\r\n"),
      C("A4 LOGIN erin pw\r\n"),
      S("A4 BAD syntax\r\n"),
  };
  const Events expected = {"cred bob smith/p\"w\\d", "verdict success", "cred carol/pw",
                           "verdict failure",        "cred erin/pw",    "verdict failure"};
  EXPECT_EQ(Parse(LoginService::kImap, session), expected);
  EXPECT_EQ(Parse(LoginService::kImap, session, Split::kBytes), expected);
}

TEST(LoginParserImap, AuthenticatePlainAndUnansweredLogin) {
  const Session session = {
      C("t1 AUTHENTICATE PLAIN\r\n"),
      S("+ \r\n"),
      C("AGFsaWNlAHNlY3JldA==\r\n"),
      S("t1 OK done\r\n"),
      C("t2 AUTHENTICATE PLAIN AGJvYgBodW50ZXIy\r\n"),
      C("t3 LOGIN x y\r\n"),
      S("t3 NO\r\n"),
  };
  const Events expected = {"cred alice/secret", "verdict success", "cred bob/hunter2",
                           "verdict unknown",   "cred x/y",        "verdict failure"};
  EXPECT_EQ(Parse(LoginService::kImap, session), expected);
}

// ---------------------------------------------------------------------------------------------
// HTTP Basic

TEST(LoginParserHttp, UnauthorizedThenOkOnKeepAlive) {
  const Session session = {
      C("GET / HTTP/1.1\r\nHost: cam\r\n\r\n"),
      S("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n"
        "Content-Length: 5\r\n\r\nnope!"),
      C("GET / HTTP/1.1\r\nHost: cam\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\n\r\n"),
      S("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"),
      C("GET / HTTP/1.1\r\nauthorization:\tbasic   cm9vdDp4YzM1MTE=  \r\n\r\n"),
      S("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world"),
  };
  const Events expected = {"cred admin/admin", "verdict failure", "cred root/xc3511",
                           "verdict success"};
  EXPECT_EQ(Parse(LoginService::kHttp, session), expected);
  EXPECT_EQ(Parse(LoginService::kHttp, session, Split::kBytes), expected);
}

TEST(LoginParserHttp, PipelinedRequestsKeepTheirOrder) {
  const Session session = {
      C("GET /a HTTP/1.1\r\n\r\n"
        "GET /b HTTP/1.1\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\n\r\n"
        "HEAD /c HTTP/1.1\r\nAuthorization: Basic cm9vdDoxMjM0NQ==\r\n\r\n"
        "GET /d HTTP/1.1\r\nAuthorization: Basic dXNlcjpwYTpzcw==\r\n\r\n"),
      S("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
        "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"
        "HTTP/1.1 100 Continue\r\n\r\n"
        "HTTP/1.1 302 Found\r\nContent-Length: 1000\r\n\r\n"  // HEAD: no body follows
        "HTTP/1.1 500 Oops\r\nContent-Length: 2\r\n\r\n!!"),
  };
  const Events expected = {"cred admin/admin", "cred root/12345", "cred user/pa:ss",
                           "verdict failure",  "verdict success", "verdict unknown"};
  EXPECT_EQ(Parse(LoginService::kHttp, session), expected);
  EXPECT_EQ(Parse(LoginService::kHttp, session, Split::kBytes), expected);
}

TEST(LoginParserHttp, BodiesAreSkipped) {
  const std::string fake_request =
      "GET / HTTP/1.1\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\n\r\n";
  const std::string fake_response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  const Session session = {
      C("POST /login HTTP/1.1\r\nContent-Length: " + std::to_string(fake_request.size()) +
        "\r\nAuthorization: Basic cm9vdDp4YzM1MTE=\r\n\r\n" + fake_request),
      S("HTTP/1.1 403 Forbidden\r\nContent-Length: " + std::to_string(fake_response.size()) +
        "\r\n\r\n" + fake_response),
  };
  const Events expected = {"cred root/xc3511", "verdict failure"};
  EXPECT_EQ(Parse(LoginService::kHttp, session), expected);
  EXPECT_EQ(Parse(LoginService::kHttp, session, Split::kBytes), expected);
}

TEST(LoginParserHttp, BadBase64AndOtherSchemesCountNothing) {
  std::string long_pair;  // base64 of 100 'x', ':' and 'y': valid, but the line is cut
  for (int i = 0; i < 33; ++i) {
    long_pair += "eHh4";
  }
  long_pair += "eDp5";
  const Session session = {
      C("GET / HTTP/1.1\r\nAuthorization: Basic !!!!\r\n\r\n"),
      C("GET / HTTP/1.1\r\nAuthorization: Basic YWRtaW4=\r\n\r\n"),   // "admin": no colon
      C("GET / HTTP/1.1\r\nAuthorization: Basic YWRtaW46Y\r\n\r\n"),  // bad length
      C("GET / HTTP/1.1\r\nAuthorization: Bearer abc.def\r\n\r\n"),
      C("GET / HTTP/1.1\r\nAuthorization: Basic " + long_pair + "\r\n\r\n"),
      S("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"),
  };
  EXPECT_TRUE(Parse(LoginService::kHttp, session).empty());
}

TEST(LoginParserHttp, ChunkedBodiesStopThatSide) {
  const Session chunked_request = {
      C("POST / HTTP/1.1\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\n"
        "Transfer-Encoding: chunked\r\n\r\n5\r\nGET /\r\n0\r\n\r\n"
        "GET / HTTP/1.1\r\nAuthorization: Basic cm9vdDp4YzM1MTE=\r\n\r\n"),
      S("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "2f\r\nHTTP/1.1 401 Unauthorized\r\n\r\n"),
  };
  const Events expected = {"cred admin/admin", "verdict success"};
  EXPECT_EQ(Parse(LoginService::kHttp, chunked_request), expected);

  const Session no_length = {
      C("GET / HTTP/1.1\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\n\r\n"),
      S("HTTP/1.0 200 OK\r\n\r\nHTTP/1.1 401 x\r\n"),
      C("GET / HTTP/1.1\r\nAuthorization: Basic cm9vdDp4YzM1MTE=\r\n\r\n"),
      S("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
  };
  const Events expected_no_length = {"cred admin/admin", "verdict success", "cred root/xc3511",
                                     "verdict unknown"};
  EXPECT_EQ(Parse(LoginService::kHttp, no_length), expected_no_length);
}

TEST(LoginParserHttp, TooManyInFlightGivesUpOnVerdicts) {
  std::string requests;
  std::string responses;
  for (int i = 0; i < 17; ++i) {
    requests += "GET / HTTP/1.1\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\n\r\n";
    responses += "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  }
  const Events events = Parse(LoginService::kHttp, {C(requests), S(responses)});
  ASSERT_EQ(events.size(), 34u);
  EXPECT_EQ(events[16], "cred admin/admin");
  EXPECT_EQ(events[17], "verdict unknown");
  EXPECT_EQ(events[33], "verdict unknown");
}

TEST(LoginParserHttp, DecodedPasswordIsWiped) {
  LoginParser parser;
  parser.Reset(LoginService::kHttp);
  Recorder recorder;
  Feed(parser, C("GET / HTTP/1.1\r\nAuthorization: Basic cm9vdDp4YzM1MTE=\r\n"), recorder,
       Split::kWhole);
  ASSERT_EQ(recorder.passwords.size(), 1u);
  EXPECT_EQ(recorder.passwords[0].size(), 6u);
  for (const char c : recorder.passwords[0]) {
    EXPECT_EQ(c, '\0');
  }
}

TEST(LoginParser, Names) {
  EXPECT_EQ(LoginServiceName(LoginService::kTelnet), "telnet");
  EXPECT_EQ(LoginServiceName(LoginService::kFtp), "ftp");
  EXPECT_EQ(LoginServiceName(LoginService::kHttp), "http");
  EXPECT_EQ(LoginServiceName(LoginService::kPop3), "pop3");
  EXPECT_EQ(LoginServiceName(LoginService::kImap), "imap");
  EXPECT_EQ(LoginVerdictName(LoginVerdict::kUnknown), "unknown");
  EXPECT_EQ(LoginVerdictName(LoginVerdict::kSuccess), "success");
  EXPECT_EQ(LoginVerdictName(LoginVerdict::kFailure), "failure");
}

// ---------------------------------------------------------------------------------------------
// Real captures: the in-order payload of the first TCP session to `server_port`.

Session CaptureSession(const std::string& name, uint16_t server_port) {
  const std::string path = std::string(RAMPART_SOURCE_DIR) + "/tests/data/captures/benign/" + name;
  CaptureReader reader;
  std::string error;
  EXPECT_TRUE(reader.Open(path, &error)) << error;
  Session session;
  RawPacket raw;
  PacketMeta meta;
  DecodeStats stats;
  uint16_t client_port = 0;
  uint32_t next_seq[2] = {0, 0};  // client, server
  bool synced[2] = {false, false};
  while (reader.Next(raw)) {
    DecodePacket(raw, meta, stats);
    if (meta.ip_proto != ip_proto::kTcp || !meta.Has(meta_flag::kHasPorts)) {
      continue;
    }
    const bool client = meta.dst_port == server_port;
    const uint16_t peer = client ? meta.src_port : meta.dst_port;
    if ((client ? meta.dst_port : meta.src_port) != server_port) {
      continue;
    }
    if (client_port == 0) {
      client_port = peer;
    }
    if (peer != client_port) {
      continue;
    }
    const int d = client ? 0 : 1;
    const bool syn = (meta.tcp_flags & tcp_flag::kSyn) != 0;
    if (syn) {
      next_seq[d] = meta.tcp_seq + 1;
      synced[d] = true;
      continue;
    }
    if (meta.payload_len == 0) {
      continue;
    }
    if (!synced[d]) {
      next_seq[d] = meta.tcp_seq;
      synced[d] = true;
    }
    // Retransmissions (and anything out of order) are skipped; an overlap feeds its new part.
    const auto offset = static_cast<int32_t>(next_seq[d] - meta.tcp_seq);
    if (offset < 0 || offset >= meta.payload_len) {
      continue;
    }
    const auto* payload = raw.data + meta.payload_offset + offset;
    const size_t len = meta.payload_len - static_cast<size_t>(offset);
    session.push_back({client, std::string(reinterpret_cast<const char*>(payload), len)});
    next_seq[d] += static_cast<uint32_t>(len);
  }
  EXPECT_FALSE(session.empty()) << name;
  return session;
}

TEST(LoginParserCapture, TelnetLogin) {
  // OpenBSD telnetd, line mode; the client interrupts ping with IAC IP (no line).
  const Session session = CaptureSession("sv_telnet_login.pcap", 23);
  const Events expected = {"cred fake/user", "verdict success", "cmd /sbin/ping www.yahoo.com",
                           "cmd ls",         "cmd ls -a",       "cmd exit"};
  EXPECT_EQ(Parse(LoginService::kTelnet, session), expected);
  EXPECT_EQ(Parse(LoginService::kTelnet, session, Split::kBytes), expected);
}

TEST(LoginParserCapture, FtpLogins) {
  const struct {
    const char* file;
    const char* credentials;
  } cases[] = {
      {"zeek_ftp_ipv4.pcap", "cred anonymous/test"},
      {"ndpi_ftp.pcap", "cred anonymous/NcFTP@"},
      {"sv_ftp_download_passive.pcap", "cred bob/password"},
  };
  for (const auto& c : cases) {
    const Events expected = {c.credentials, "verdict success"};
    EXPECT_EQ(Parse(LoginService::kFtp, CaptureSession(c.file, 21)), expected) << c.file;
    EXPECT_EQ(Parse(LoginService::kFtp, CaptureSession(c.file, 21), Split::kBytes), expected)
        << c.file;
  }
}

}  // namespace
}  // namespace rampart::iot
