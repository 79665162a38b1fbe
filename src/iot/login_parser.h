#pragma once
// Passive cleartext-login parsers: telnet, FTP, HTTP Basic, POP3 and IMAP. One LoginParser lives
// in each tracked TCP session and is fed the session's in-order payload bytes, client and server
// separately. It reports what it understands to a LoginSink: the credentials the client sent, the
// server's verdict on them, the client's command lines after a login, and busybox's
// "<TOKEN>: applet not found" answer.
//
// Why hand-written: this runs per payload segment of every tracked session, must never allocate
// and must keep a fixed, small footprint per session (the table holds tens of thousands).
//
// Secrets: the password is only handed to the sink inside OnCredentials, as a view into the
// parser's own buffer, and the buffer is wiped right after the call. The sink decides (by the
// default-credential list) whether it may keep it.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace rampart::iot {

enum class LoginService : uint8_t { kTelnet, kFtp, kHttp, kPop3, kImap, kCount };
//! "telnet", "ftp", "http", "pop3", "imap".
std::string_view LoginServiceName(LoginService service);

enum class LoginVerdict : uint8_t { kUnknown, kSuccess, kFailure };
//! "unknown", "success", "failure".
std::string_view LoginVerdictName(LoginVerdict verdict);

//! Receives what a parser finds. Calls are rare (per login, not per packet), so a virtual
//! interface is fine here.
class LoginSink {
 public:
  virtual ~LoginSink() = default;
  //! The client sent a user name and a password (either may be empty). Views are valid only
  //! during the call.
  virtual void OnCredentials(std::string_view user, std::string_view password) = 0;
  //! The server's answer to the oldest credentials that have no verdict yet (answers come in
  //! order).
  virtual void OnVerdict(LoginVerdict verdict) = 0;
  //! A client line after a successful (or unknown-verdict) telnet login, e.g. "enable",
  //! "/bin/busybox MIRAI". Telnet only; at most kMaxCommands per session.
  virtual void OnCommand(std::string_view line) = 0;
  //! The server printed "<token>: applet not found" (busybox). `token` may be empty.
  virtual void OnAppletNotFound(std::string_view token) = 0;
};

//! Fixed-size state of one session's parser; no heap.
class LoginParser {
 public:
  static constexpr size_t kLineMax = 128;  // longer lines are cut to this (and flagged)
  static constexpr size_t kMaxCommands = 16;

  void Reset(LoginService service);
  LoginService service() const { return service_; }

  //! Client-to-server payload, in order.
  void FeedClient(const uint8_t* data, size_t len, LoginSink& sink);
  //! Server-to-client payload, in order.
  void FeedServer(const uint8_t* data, size_t len, LoginSink& sink);
  //! False while the server's bytes cannot change anything: HTTP with no request carrying
  //! credentials in flight. The caller may then skip the server's data (most of a web
  //! session) and call ResyncServer() at the next segment that starts a response.
  bool WantsServerData() const { return service_ != LoginService::kHttp || creds_queue_ != 0; }
  //! HTTP: the server's data resumes at a response's first byte after a skip. Requests in
  //! flight before the oldest one with credentials were answered in the skipped part.
  void ResyncServer();
  //! The session ended (FIN, RST or eviction): a pending login with no verdict is reported as
  //! unknown only if credentials were sent; nothing else happens.
  void End(LoginSink& sink);

 private:
  // Line assembly and the per-protocol handlers (login_parser.cc: common and telnet;
  // login_parser_text.cc: FTP, POP3, IMAP; login_parser_http.cc: HTTP).
  void Feed(bool client, const uint8_t* data, size_t len, LoginSink& sink);
  //! AppendByte for a run without CR or LF (not telnet: no IAC or server-text flag).
  void AppendRun(bool client, const uint8_t* run, size_t n);
  void AppendByte(bool client, uint8_t c);
  void EndLine(bool client, LoginSink& sink);
  void SetUser(std::string_view user);
  //! Reports user_ and `password` (a view into `wipe`), counts a pending verdict, then wipes
  //! `wipe_len` bytes at `wipe`.
  void ReportCredentials(std::string_view password, char* wipe, size_t wipe_len, LoginSink& sink);
  void Verdict(LoginVerdict verdict, LoginSink& sink);
  void TelnetClientLine(std::string_view line, LoginSink& sink);
  void TelnetServerText(bool complete, LoginSink& sink);
  void TelnetPrompt(bool login_prompt, LoginSink& sink);
  void FtpClientLine(std::string_view line, LoginSink& sink);
  void FtpServerLine(std::string_view line, LoginSink& sink);
  void Pop3ClientLine(std::string_view line, LoginSink& sink);
  void Pop3ServerLine(std::string_view line, LoginSink& sink);
  void ImapClientLine(std::string_view line, LoginSink& sink);
  void ImapServerLine(std::string_view line, LoginSink& sink);
  void ImapNewTag(std::string_view tag, LoginSink& sink);
  //! SASL PLAIN ("authzid NUL user NUL password", base64) at `b64` inside client_line_.
  void SaslPlain(char* b64, size_t len, LoginSink& sink);
  void HttpClientLine(std::string_view line, LoginSink& sink);
  void HttpServerLine(std::string_view line, LoginSink& sink);
  void HttpBasic(std::string_view value, LoginSink& sink);

  LoginService service_ = LoginService::kTelnet;
  uint8_t client_state_ = 0;  // per-protocol client state (telnet: login step; HTTP: message part)
  uint8_t server_state_ = 0;
  uint8_t telnet_iac_client_ = 0;  // IAC parsing state across segment boundaries
  uint8_t telnet_iac_server_ = 0;
  uint8_t flags_ = 0;       // session facts (login_parser_internal.h)
  uint8_t line_flags_ = 0;  // facts about the current lines (CR seen, cut, prompt handled, ...)
  uint8_t msg_flags_ = 0;   // HTTP: facts about the current request and response headers
  uint8_t commands_ = 0;
  uint8_t pending_verdicts_ = 0;  // credentials sent and not yet answered
  uint8_t queue_len_ = 0;         // HTTP: requests in flight (at most 16)
  uint8_t user_len_ = 0;
  uint8_t tag_len_ = 0;  // IMAP: tag of the last LOGIN / AUTHENTICATE
  uint16_t client_len_ = 0;
  uint16_t server_len_ = 0;
  uint16_t reply_code_ = 0;   // FTP: multi-line reply code; HTTP: current status code
  uint16_t creds_queue_ = 0;  // HTTP: bit i = request i in flight carried credentials
  uint16_t head_queue_ = 0;   // HTTP: bit i = request i in flight is a HEAD
  uint32_t skip_client_ = 0;  // HTTP: request Content-Length, then body bytes still to skip
  uint32_t skip_server_ = 0;  // HTTP: response Content-Length, then body bytes still to skip
  char client_line_[kLineMax] = {};
  char server_line_[kLineMax] = {};
  char user_[64] = {};
  char tag_[16] = {};
};

static_assert(std::is_trivially_copyable_v<LoginParser>, "one parser lives in each session slot");
static_assert(sizeof(LoginParser) <= 384, "per-session parser footprint");

}  // namespace rampart::iot
