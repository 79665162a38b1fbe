// Line assembly shared by every service, the session bookkeeping (credentials, verdicts, End)
// and the telnet login state machine. FTP, POP3 and IMAP are in login_parser_text.cc, HTTP in
// login_parser_http.cc.
#include "iot/login_parser.h"

#include <algorithm>
#include <initializer_list>

#include "iot/login_parser_internal.h"

namespace rampart::iot {

using namespace login_detail;  // this module's own helpers

namespace {

// Telnet commands (RFC 854).
constexpr uint8_t kIac = 255;
constexpr uint8_t kSb = 250;
constexpr uint8_t kSe = 240;
constexpr uint8_t kWill = 251;
constexpr uint8_t kDont = 254;

// IAC parser states (telnet_iac_client_ / telnet_iac_server_).
constexpr uint8_t kIacData = 0;
constexpr uint8_t kIacSeen = 1;    // after IAC
constexpr uint8_t kIacOption = 2;  // after IAC WILL/WONT/DO/DONT: the option byte follows
constexpr uint8_t kIacSub = 3;     // inside IAC SB ... (content skipped)
constexpr uint8_t kIacSubIac = 4;  // IAC inside a subnegotiation

// Telnet client states (client_state_).
constexpr uint8_t kTelnetIdle = 0;        // no prompt to answer (yet, or after a failure)
constexpr uint8_t kTelnetExpectUser = 1;  // a login prompt is showing
constexpr uint8_t kTelnetUserSent = 2;    // the user was sent; waiting for the password prompt
constexpr uint8_t kTelnetExpectPass = 3;  // a password prompt is showing
constexpr uint8_t kTelnetLoggedIn = 4;    // credentials sent (success or no verdict yet)

//! Advances the IAC parser by one byte; true when `c` is data for the line.
bool TelnetData(uint8_t& state, uint8_t c) {
  switch (state) {
    case kIacData:
      if (c == kIac) {
        state = kIacSeen;
        return false;
      }
      return true;
    case kIacSeen:
      if (c == kIac) {
        state = kIacData;
        return true;  // a literal 0xFF, which the line then drops as non-printable
      }
      if (c >= kWill && c <= kDont) {
        state = kIacOption;
      } else if (c == kSb) {
        state = kIacSub;
      } else {
        state = kIacData;  // a two-byte command (NOP, GA, a stray SE, ...)
      }
      return false;
    case kIacOption:
      state = kIacData;
      return false;
    case kIacSub:
      if (c == kIac) {
        state = kIacSubIac;
      }
      return false;
    default:  // kIacSubIac
      state = (c == kSe) ? kIacData : kIacSub;
      return false;
  }
}

bool IsFailureText(std::string_view text) {
  // "Last failed login: ..." and "There were 3 failed login attempts ..." follow a success.
  if (ContainsCi(text, "last failed login") || ContainsCi(text, "failed login attempt")) {
    return false;
  }
  for (const std::string_view word :
       {"incorrect", "failed", "invalid", "denied", "bad password", "wrong"}) {
    if (ContainsCi(text, word)) {
      return true;
    }
  }
  return false;
}

bool IsSuccessText(std::string_view text) {
  for (const std::string_view word : {"applet not found", "busybox", "last login", "welcome"}) {
    if (ContainsCi(text, word)) {
      return true;
    }
  }
  return false;
}

bool EndsPrompt(std::string_view trimmed) {
  return !trimmed.empty() && (trimmed.back() == ':' || trimmed.back() == '>');
}

bool IsLoginPrompt(std::string_view trimmed) {
  if (!EndsPrompt(trimmed) || ContainsCi(trimmed, "last login")) {
    return false;
  }
  return ContainsCi(trimmed, "login") || ContainsCi(trimmed, "username") ||
         ContainsCi(trimmed, "user name");
}

// Unlike a bare mention ("Your password expires in 3 days"), a password prompt ends like one.
bool IsPasswordPrompt(std::string_view trimmed) {
  if (!EndsPrompt(trimmed)) {
    return false;
  }
  return ContainsCi(trimmed, "password") || ContainsCi(trimmed, "passcode") ||
         ContainsCi(trimmed, "passwd");
}

bool IsShellPrompt(std::string_view trimmed) {
  if (trimmed.empty()) {
    return false;
  }
  const char last = trimmed.back();
  return last == '#' || last == '$' || last == '>' || last == '%';
}

//! The word just before ": applet not found" at `at` (the position of "applet not found").
std::string_view AppletToken(std::string_view line, size_t at) {
  std::string_view before = line.substr(0, at);
  while (!before.empty() && before.back() == ' ') {
    before.remove_suffix(1);
  }
  if (before.empty() || before.back() != ':') {
    return {};
  }
  before.remove_suffix(1);
  before = Trim(before);
  size_t start = before.size();
  while (start > 0 && before[start - 1] != ' ' && before[start - 1] != ':') {
    --start;
  }
  return before.substr(start, std::min(kTokenMax, before.size() - start));
}

}  // namespace

std::string_view LoginServiceName(LoginService service) {
  switch (service) {
    case LoginService::kTelnet:
      return "telnet";
    case LoginService::kFtp:
      return "ftp";
    case LoginService::kHttp:
      return "http";
    case LoginService::kPop3:
      return "pop3";
    case LoginService::kImap:
      return "imap";
    case LoginService::kCount:
      break;
  }
  return "unknown";
}

std::string_view LoginVerdictName(LoginVerdict verdict) {
  switch (verdict) {
    case LoginVerdict::kUnknown:
      return "unknown";
    case LoginVerdict::kSuccess:
      return "success";
    case LoginVerdict::kFailure:
      return "failure";
  }
  return "unknown";
}

void LoginParser::Reset(LoginService service) {
  *this = LoginParser{};
  service_ = service < LoginService::kCount ? service : LoginService::kTelnet;
}

void LoginParser::FeedClient(const uint8_t* data, size_t len, LoginSink& sink) {
  Feed(true, data, len, sink);
}

void LoginParser::FeedServer(const uint8_t* data, size_t len, LoginSink& sink) {
  Feed(false, data, len, sink);
  // A prompt does not end in a newline: what the server shows when it stops talking counts.
  if (service_ == LoginService::kTelnet && server_len_ > 0) {
    TelnetServerText(false, sink);
  }
}

void LoginParser::End(LoginSink& sink) {
  while (pending_verdicts_ > 0) {
    Verdict(LoginVerdict::kUnknown, sink);
  }
  // A half-typed line may be a password.
  SecureWipe(client_line_, sizeof(client_line_));
  client_len_ = 0;
}

void LoginParser::Feed(bool client, const uint8_t* data, size_t len, LoginSink& sink) {
  if (data == nullptr) {
    return;
  }
  const uint8_t stopped = client ? kClientStopped : kServerStopped;
  const uint8_t cr_flag = client ? kClientCr : kServerCr;
  uint8_t& state = client ? client_state_ : server_state_;
  uint32_t& skip = client ? skip_client_ : skip_server_;
  uint8_t& iac = client ? telnet_iac_client_ : telnet_iac_server_;
  const bool telnet = service_ == LoginService::kTelnet;
  const bool http = service_ == LoginService::kHttp;
  size_t i = 0;
  while (i < len) {
    if ((flags_ & stopped) != 0) {
      return;
    }
    if (http && state == kHttpBody) {
      // The LF of the CR LF that ended the header block is not part of the body.
      if ((line_flags_ & cr_flag) != 0) {
        line_flags_ &= static_cast<uint8_t>(~cr_flag);
        if (data[i] == '\n') {
          ++i;
          continue;
        }
      }
      const size_t n = std::min<size_t>(skip, len - i);
      skip -= static_cast<uint32_t>(n);
      i += n;
      if (skip == 0) {
        state = 0;
      }
      continue;
    }
    if (!telnet && (line_flags_ & cr_flag) == 0) {
      // Fast path for the line protocols: the run up to the next CR or LF in one go (HTTP
      // headers are most of what passes through here).
      size_t end = i;
      while (end < len && data[end] != '\r' && data[end] != '\n') {
        ++end;
      }
      if (end > i) {
        AppendRun(client, data + i, end - i);
        i = end;
        continue;
      }
    }
    const uint8_t c = data[i++];
    if (telnet && !TelnetData(iac, c)) {
      continue;
    }
    if ((line_flags_ & cr_flag) != 0) {
      line_flags_ &= static_cast<uint8_t>(~cr_flag);
      if (c == '\n' || c == 0) {
        continue;  // the second half of CR LF or CR NUL
      }
    }
    if (c == '\r' || c == '\n') {
      if (c == '\r') {
        line_flags_ |= cr_flag;
      }
      EndLine(client, sink);
      continue;
    }
    if (telnet && client && (c == 0x08 || c == 0x7f)) {
      if (client_len_ > 0 && (line_flags_ & kClientCut) == 0) {
        --client_len_;
      }
      continue;
    }
    AppendByte(client, c);
  }
}

void LoginParser::AppendRun(bool client, const uint8_t* run, size_t n) {
  uint16_t& len = client ? client_len_ : server_len_;
  char* line = client ? client_line_ : server_line_;
  const uint8_t cut = client ? kClientCut : kServerCut;
  for (size_t k = 0; k < n && (line_flags_ & cut) == 0; ++k) {
    uint8_t c = run[k];
    if (c == '\t') {
      c = ' ';
    }
    if (!IsPrintable(c)) {
      continue;
    }
    if (len >= kLineMax - 1) {
      line_flags_ |= cut;
      break;
    }
    line[len++] = static_cast<char>(c);
  }
}

void LoginParser::AppendByte(bool client, uint8_t c) {
  if (c == '\t') {
    c = ' ';  // header folding and "Authorization:<TAB>Basic" use tabs as spaces
  }
  if (!IsPrintable(c)) {
    return;
  }
  if (!client && service_ == LoginService::kTelnet) {
    flags_ |= kServerText;
  }
  uint16_t& len = client ? client_len_ : server_len_;
  char* line = client ? client_line_ : server_line_;
  const uint8_t cut = client ? kClientCut : kServerCut;
  if ((line_flags_ & cut) != 0) {
    return;
  }
  if (len >= kLineMax - 1) {
    line_flags_ |= cut;
    return;
  }
  line[len++] = static_cast<char>(c);
}

void LoginParser::EndLine(bool client, LoginSink& sink) {
  uint16_t& len = client ? client_len_ : server_len_;
  const std::string_view line(client ? client_line_ : server_line_, len);
  switch (service_) {
    case LoginService::kTelnet:
      if (client) {
        TelnetClientLine(line, sink);
      } else {
        TelnetServerText(true, sink);
      }
      break;
    case LoginService::kFtp:
      client ? FtpClientLine(line, sink) : FtpServerLine(line, sink);
      break;
    case LoginService::kPop3:
      client ? Pop3ClientLine(line, sink) : Pop3ServerLine(line, sink);
      break;
    case LoginService::kImap:
      client ? ImapClientLine(line, sink) : ImapServerLine(line, sink);
      break;
    case LoginService::kHttp:
      client ? HttpClientLine(line, sink) : HttpServerLine(line, sink);
      break;
    case LoginService::kCount:
      break;
  }
  len = 0;
  if (client) {
    line_flags_ &= static_cast<uint8_t>(~kClientCut);
  } else {
    line_flags_ &= static_cast<uint8_t>(~(kServerCut | kPromptDone | kAppletDone));
  }
}

void LoginParser::SetUser(std::string_view user) {
  user_len_ = 0;
  for (const char c : user) {
    if (user_len_ >= kUserMax) {
      break;
    }
    if (IsPrintable(static_cast<uint8_t>(c))) {
      user_[user_len_++] = c;
    }
  }
}

void LoginParser::ReportCredentials(std::string_view password, char* wipe, size_t wipe_len,
                                    LoginSink& sink) {
  if (pending_verdicts_ == 0xff) {
    Verdict(LoginVerdict::kUnknown, sink);  // every credentials still gets exactly one verdict
  }
  sink.OnCredentials(std::string_view(user_, user_len_), password);
  SecureWipe(wipe, wipe_len);
  ++pending_verdicts_;
}

void LoginParser::Verdict(LoginVerdict verdict, LoginSink& sink) {
  if (pending_verdicts_ == 0) {
    return;
  }
  --pending_verdicts_;
  sink.OnVerdict(verdict);
}

void LoginParser::TelnetClientLine(std::string_view line, LoginSink& sink) {
  // The client answered what the server showed: the server's next text starts afresh (a
  // password prompt printed without a newline after "login: " is still seen as one).
  server_len_ = 0;
  line_flags_ &= static_cast<uint8_t>(~(kServerCut | kPromptDone | kAppletDone));
  switch (client_state_) {
    case kTelnetIdle:
      // Only the client's side is visible: its first line is the user, the second the password.
      if ((flags_ & kServerText) == 0) {
        SetUser(line);
        client_state_ = kTelnetExpectPass;
      }
      break;
    case kTelnetExpectUser:
      SetUser(line);
      client_state_ = kTelnetUserSent;
      break;
    case kTelnetUserSent:
      break;
    case kTelnetExpectPass:
      // Once per login; an earlier answerless login gets its "unknown" first.
      while (pending_verdicts_ > 0) {
        Verdict(LoginVerdict::kUnknown, sink);
      }
      ReportCredentials(line, client_line_, sizeof(client_line_), sink);
      client_state_ = kTelnetLoggedIn;
      break;
    default:  // kTelnetLoggedIn
      if (!line.empty() && commands_ < kMaxCommands) {
        ++commands_;
        sink.OnCommand(line);
      }
      break;
  }
}

void LoginParser::TelnetPrompt(bool login_prompt, LoginSink& sink) {
  // Asked again with no other answer: the last attempt failed.
  Verdict(LoginVerdict::kFailure, sink);
  if (login_prompt) {
    user_len_ = 0;
    client_state_ = kTelnetExpectUser;
  } else {
    client_state_ = kTelnetExpectPass;
  }
}

void LoginParser::TelnetServerText(bool complete, LoginSink& sink) {
  const std::string_view line(server_line_, server_len_);
  const std::string_view trimmed = Trim(line);
  if (trimmed.empty()) {
    return;
  }
  if ((line_flags_ & kAppletDone) == 0) {
    const size_t at = FindCi(line, "applet not found");
    if (at != std::string_view::npos) {
      line_flags_ |= kAppletDone;
      sink.OnAppletNotFound(AppletToken(line, at));
    }
  }
  // Only text printed after the client's last line is looked at (TelnetClientLine), so the
  // password prompt's own line never answers the login.
  if (pending_verdicts_ > 0) {
    if (IsFailureText(line)) {
      Verdict(LoginVerdict::kFailure, sink);
      client_state_ = kTelnetIdle;
    } else if (IsSuccessText(line)) {
      Verdict(LoginVerdict::kSuccess, sink);
    }
  }
  if ((line_flags_ & kPromptDone) == 0) {
    if (IsLoginPrompt(trimmed)) {
      line_flags_ |= kPromptDone;
      TelnetPrompt(true, sink);
      return;
    }
    if (IsPasswordPrompt(trimmed)) {
      line_flags_ |= kPromptDone;
      TelnetPrompt(false, sink);
      return;
    }
  }
  if (!complete && pending_verdicts_ > 0 && IsShellPrompt(trimmed)) {
    Verdict(LoginVerdict::kSuccess, sink);
  }
}

}  // namespace rampart::iot
