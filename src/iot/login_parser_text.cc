// FTP, POP3 and IMAP logins: USER/PASS, AUTH PLAIN, LOGIN and AUTHENTICATE PLAIN, and the
// server's answers to them.
#include <algorithm>

#include "iot/login_parser.h"
#include "iot/login_parser_internal.h"

namespace rampart::iot {

using namespace login_detail;  // this module's own helpers

namespace {

// POP3 / IMAP client states (client_state_).
constexpr uint8_t kSaslIdle = 0;
constexpr uint8_t kSaslAwaitPlain = 1;  // AUTH(ENTICATE) PLAIN without an initial response

//! The three digits and the separator of an FTP reply line; 0 when `line` is not one.
uint16_t FtpCode(std::string_view line, char* separator) {
  if (line.size() < 3) {
    return 0;
  }
  uint16_t code = 0;
  for (size_t i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') {
      return 0;
    }
    code = static_cast<uint16_t>(code * 10 + (line[i] - '0'));
  }
  *separator = line.size() > 3 ? line[3] : ' ';
  return code;
}

//! One IMAP astring (atom or quoted string with \" and \\ escapes), unescaped in place at its
//! start. Returns false when there is none (or it is a literal, which is not followed).
bool ImapString(char* line, size_t len, size_t* pos, size_t* start, size_t* out_len) {
  size_t i = *pos;
  while (i < len && line[i] == ' ') {
    ++i;
  }
  if (i >= len || line[i] == '{') {
    return false;
  }
  *start = i;
  size_t out = i;
  if (line[i] == '"') {
    ++i;
    bool closed = false;
    while (i < len) {
      char c = line[i++];
      if (c == '"') {
        closed = true;
        break;
      }
      if (c == '\\' && i < len) {
        c = line[i++];
      }
      line[out++] = c;  // out < i: the unescaped text never overtakes what is still to read
    }
    if (!closed) {
      return false;
    }
  } else {
    while (i < len && line[i] != ' ') {
      ++i;
    }
    out = i;
  }
  *out_len = out - *start;
  *pos = i;
  return true;
}

}  // namespace

void LoginParser::FtpClientLine(std::string_view line, LoginSink& sink) {
  std::string_view arg;
  const std::string_view command = SplitWord(line, &arg);
  if (EqualsCi(command, "user")) {
    SetUser(arg);
    flags_ |= kUserNoPass;
  } else if (EqualsCi(command, "pass")) {
    flags_ &= static_cast<uint8_t>(~kUserNoPass);
    ReportCredentials(arg, client_line_, sizeof(client_line_), sink);
  }
}

void LoginParser::FtpServerLine(std::string_view line, LoginSink& sink) {
  char separator = ' ';
  const uint16_t code = FtpCode(line, &separator);
  if ((line_flags_ & kFtpMulti) != 0) {
    // A multi-line reply ends at the line that starts with its code and a space.
    if (code != reply_code_ || separator != ' ') {
      return;
    }
    line_flags_ &= static_cast<uint8_t>(~kFtpMulti);
  } else if (code == 0) {
    return;
  } else if (separator == '-') {
    line_flags_ |= kFtpMulti;
    reply_code_ = code;
    return;
  }
  switch (code) {
    case 230:
      if (pending_verdicts_ > 0) {
        Verdict(LoginVerdict::kSuccess, sink);
      } else if ((flags_ & kUserNoPass) != 0) {
        // Logged in on USER alone (no password asked, or authenticated otherwise).
        flags_ &= static_cast<uint8_t>(~kUserNoPass);
        char none = 0;
        ReportCredentials(std::string_view(), &none, 0, sink);
        Verdict(LoginVerdict::kSuccess, sink);
      }
      break;
    case 530:
      flags_ &= static_cast<uint8_t>(~kUserNoPass);
      Verdict(LoginVerdict::kFailure, sink);
      break;
    case 331:
    case 332:
      flags_ &= static_cast<uint8_t>(~kUserNoPass);
      break;
    case 234:
      // AUTH TLS accepted: what follows is encrypted.
      flags_ |= kClientStopped | kServerStopped;
      break;
    default:
      break;
  }
}

void LoginParser::Pop3ClientLine(std::string_view line, LoginSink& sink) {
  if (client_state_ == kSaslAwaitPlain) {
    client_state_ = kSaslIdle;
    if (line != "*") {  // "*" cancels the exchange
      SaslPlain(client_line_, line.size(), sink);
    }
    return;
  }
  std::string_view arg;
  const std::string_view command = SplitWord(line, &arg);
  if (EqualsCi(command, "user")) {
    SetUser(arg);
  } else if (EqualsCi(command, "pass")) {
    ReportCredentials(arg, client_line_, sizeof(client_line_), sink);
  } else if (EqualsCi(command, "auth")) {
    std::string_view initial;
    const std::string_view mechanism = SplitWord(arg, &initial);
    if (!EqualsCi(mechanism, "plain")) {
      return;
    }
    initial = Trim(initial);
    if (initial.empty() || initial == "=") {
      client_state_ = kSaslAwaitPlain;
      return;
    }
    SaslPlain(client_line_ + (initial.data() - client_line_), initial.size(), sink);
  }
}

void LoginParser::Pop3ServerLine(std::string_view line, LoginSink& sink) {
  if (StartsWithCi(line, "+ok")) {
    Verdict(LoginVerdict::kSuccess, sink);
  } else if (StartsWithCi(line, "-err")) {
    Verdict(LoginVerdict::kFailure, sink);
  }
}

void LoginParser::ImapNewTag(std::string_view tag, LoginSink& sink) {
  // Only the last tag is kept, so an earlier login's answer can no longer be matched.
  while (pending_verdicts_ > 0) {
    Verdict(LoginVerdict::kUnknown, sink);
  }
  tag_len_ = static_cast<uint8_t>(std::min(tag.size(), kTagMax));
  std::copy_n(tag.data(), tag_len_, tag_);
}

void LoginParser::ImapClientLine(std::string_view line, LoginSink& sink) {
  if (client_state_ == kSaslAwaitPlain) {
    client_state_ = kSaslIdle;
    if (line != "*") {
      SaslPlain(client_line_, line.size(), sink);
    }
    return;
  }
  std::string_view rest;
  const std::string_view tag = SplitWord(line, &rest);
  if (tag.empty() || tag.size() > kTagMax || tag == "*" || tag == "+") {
    return;
  }
  std::string_view args;
  const std::string_view command = SplitWord(rest, &args);
  if (EqualsCi(command, "login")) {
    if (args.empty()) {
      return;
    }
    auto pos = static_cast<size_t>(args.data() - client_line_);
    size_t user_start = 0;
    size_t user_len = 0;
    size_t pass_start = 0;
    size_t pass_len = 0;
    if (!ImapString(client_line_, line.size(), &pos, &user_start, &user_len) ||
        !ImapString(client_line_, line.size(), &pos, &pass_start, &pass_len)) {
      SecureWipe(client_line_, sizeof(client_line_));  // may hold half a password
      return;
    }
    ImapNewTag(tag, sink);
    SetUser(std::string_view(client_line_ + user_start, user_len));
    ReportCredentials(std::string_view(client_line_ + pass_start, pass_len), client_line_,
                      sizeof(client_line_), sink);
  } else if (EqualsCi(command, "authenticate")) {
    std::string_view initial;
    const std::string_view mechanism = SplitWord(args, &initial);
    if (!EqualsCi(mechanism, "plain")) {
      return;
    }
    ImapNewTag(tag, sink);
    initial = Trim(initial);
    if (initial.empty() || initial == "=") {
      client_state_ = kSaslAwaitPlain;
      return;
    }
    SaslPlain(client_line_ + (initial.data() - client_line_), initial.size(), sink);
  }
}

void LoginParser::ImapServerLine(std::string_view line, LoginSink& sink) {
  if (pending_verdicts_ == 0 || tag_len_ == 0) {
    return;
  }
  const std::string_view tag(tag_, tag_len_);
  if (line.size() <= tag.size() || line.substr(0, tag.size()) != tag || line[tag.size()] != ' ') {
    return;  // untagged ("*"), continuation ("+") or another command's answer
  }
  const std::string_view status = Trim(line.substr(tag.size() + 1));
  if (StartsWithCi(status, "ok")) {
    Verdict(LoginVerdict::kSuccess, sink);
  } else if (StartsWithCi(status, "no") || StartsWithCi(status, "bad")) {
    Verdict(LoginVerdict::kFailure, sink);
  }
}

void LoginParser::SaslPlain(char* b64, size_t len, LoginSink& sink) {
  size_t decoded = 0;
  if ((line_flags_ & kClientCut) != 0 || !DecodeBase64InPlace(b64, len, &decoded)) {
    SecureWipe(client_line_, sizeof(client_line_));
    return;
  }
  // authzid NUL user NUL password
  const std::string_view message(b64, decoded);
  const size_t first = message.find('\0');
  const size_t second = first == std::string_view::npos ? first : message.find('\0', first + 1);
  if (second == std::string_view::npos || message.find('\0', second + 1) != message.npos) {
    SecureWipe(client_line_, sizeof(client_line_));
    return;
  }
  SetUser(message.substr(first + 1, second - first - 1));
  char* password = b64 + second + 1;
  const size_t password_len = KeepPrintable(password, decoded - second - 1);
  ReportCredentials(std::string_view(password, password_len), client_line_, sizeof(client_line_),
                    sink);
}

}  // namespace rampart::iot
