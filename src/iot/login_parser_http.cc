// HTTP Basic logins: the Authorization header of each request, and the status of the response
// that answers that request. Requests may be pipelined, so the parser keeps which requests in
// flight carried credentials (and which were HEAD, whose responses have no body) as two small
// bit queues. Bodies are skipped by Content-Length; a body whose end cannot be known without
// more state (chunked, or read until close) ends the parsing of that side.
#include <string_view>

#include "iot/login_parser.h"
#include "iot/login_parser_internal.h"

namespace rampart::iot {

using namespace login_detail;  // this module's own helpers

namespace {

// client_state_ / server_state_ for HTTP.
constexpr uint8_t kStartLine = 0;  // request line / status line
constexpr uint8_t kHeaders = 1;
constexpr uint8_t kBody = kHttpBody;  // Feed() skips skip_client_ / skip_server_ bytes

//! Header name and trimmed value; false for a line without ':' (e.g. a folded continuation).
bool SplitHeader(std::string_view line, std::string_view* name, std::string_view* value) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    return false;
  }
  *name = Trim(line.substr(0, colon));
  *value = Trim(line.substr(colon + 1));
  return true;
}

//! The status code of a status line ("HTTP/1.1 401 Unauthorized"), or 0.
uint16_t StatusCode(std::string_view line) {
  if (line.substr(0, 5) != "HTTP/") {
    return 0;
  }
  std::string_view rest;
  SplitWord(line, &rest);
  rest = Trim(rest);
  if (rest.size() < 3 || (rest.size() > 3 && rest[3] != ' ')) {
    return 0;
  }
  uint16_t code = 0;
  for (size_t i = 0; i < 3; ++i) {
    if (rest[i] < '0' || rest[i] > '9') {
      return 0;
    }
    code = static_cast<uint16_t>(code * 10 + (rest[i] - '0'));
  }
  return code >= 100 ? code : 0;
}

LoginVerdict VerdictOfStatus(uint16_t code) {
  if (code >= 200 && code < 400) {
    return LoginVerdict::kSuccess;
  }
  if (code == 401 || code == 403) {
    return LoginVerdict::kFailure;
  }
  return LoginVerdict::kUnknown;
}

}  // namespace

void LoginParser::HttpClientLine(std::string_view line, LoginSink& sink) {
  if (client_state_ == kStartLine) {
    if (line.find(" HTTP/") == std::string_view::npos) {
      return;  // blank line between requests, or not HTTP/1.x
    }
    std::string_view rest;
    const std::string_view method = SplitWord(line, &rest);
    msg_flags_ &= static_cast<uint8_t>(~(kReqAuth | kReqChunked | kReqConnect));
    if (EqualsCi(method, "connect")) {
      msg_flags_ |= kReqConnect;
    }
    skip_client_ = 0;
    client_state_ = kHeaders;
    if ((flags_ & kVerdictsOff) != 0) {
      return;
    }
    if (queue_len_ >= kHttpQueueMax) {
      flags_ |= kVerdictsOff;  // too many in flight to pair responses with requests
      return;
    }
    const auto bit = static_cast<uint16_t>(1u << queue_len_);
    creds_queue_ &= static_cast<uint16_t>(~bit);
    head_queue_ &= static_cast<uint16_t>(~bit);
    if (EqualsCi(method, "head")) {
      head_queue_ |= bit;
    }
    ++queue_len_;
    return;
  }
  // kHeaders
  if (line.empty()) {
    if ((msg_flags_ & (kReqChunked | kReqConnect)) != 0) {
      flags_ |= kClientStopped;  // chunked body or tunnel: not followed
      return;
    }
    client_state_ = skip_client_ > 0 ? kBody : kStartLine;
    return;
  }
  std::string_view name;
  std::string_view value;
  if (!SplitHeader(line, &name, &value)) {
    return;
  }
  if (EqualsCi(name, "authorization")) {
    if ((msg_flags_ & kReqAuth) == 0) {
      msg_flags_ |= kReqAuth;
      HttpBasic(value, sink);
    }
    SecureWipe(client_line_, sizeof(client_line_));  // any scheme's token is a secret
  } else if (EqualsCi(name, "content-length")) {
    if (!ParseDecimal(value, &skip_client_)) {
      flags_ |= kClientStopped;  // the body's end is unknown
    }
  } else if (EqualsCi(name, "transfer-encoding")) {
    if (ContainsCi(value, "chunked")) {
      msg_flags_ |= kReqChunked;
    }
  }
}

void LoginParser::HttpBasic(std::string_view value, LoginSink& sink) {
  std::string_view rest;
  const std::string_view scheme = SplitWord(value, &rest);
  const std::string_view token = Trim(rest);
  if (!EqualsCi(scheme, "basic") || token.empty() || (line_flags_ & kClientCut) != 0) {
    return;
  }
  char* b64 = client_line_ + (token.data() - client_line_);
  size_t decoded = 0;
  if (!DecodeBase64InPlace(b64, token.size(), &decoded)) {
    return;
  }
  const std::string_view pair(b64, decoded);
  const size_t colon = pair.find(':');
  if (colon == std::string_view::npos) {
    return;
  }
  SetUser(pair.substr(0, colon));
  char* password = b64 + colon + 1;
  const size_t password_len = KeepPrintable(password, decoded - colon - 1);
  ReportCredentials(std::string_view(password, password_len), client_line_, sizeof(client_line_),
                    sink);
  if ((flags_ & kVerdictsOff) == 0 && queue_len_ > 0) {
    creds_queue_ |= static_cast<uint16_t>(1u << (queue_len_ - 1));
  }
}

void LoginParser::HttpServerLine(std::string_view line, LoginSink& sink) {
  if (server_state_ == kStartLine) {
    const uint16_t code = StatusCode(line);
    if (code == 0) {
      return;
    }
    reply_code_ = code;
    msg_flags_ &= static_cast<uint8_t>(~(kRespHead | kRespChunked | kRespLength | kRespInfo));
    skip_server_ = 0;
    server_state_ = kHeaders;
    if (code == 101) {
      flags_ |= kClientStopped | kServerStopped;  // switched to another protocol
      return;
    }
    if (code < 200) {
      msg_flags_ |= kRespInfo;  // "100 Continue": the final response is still to come
      return;
    }
    if ((flags_ & kVerdictsOff) != 0 || queue_len_ == 0) {
      return;
    }
    const bool creds = (creds_queue_ & 1u) != 0;
    if ((head_queue_ & 1u) != 0) {
      msg_flags_ |= kRespHead;
    }
    creds_queue_ = static_cast<uint16_t>(creds_queue_ >> 1);
    head_queue_ = static_cast<uint16_t>(head_queue_ >> 1);
    --queue_len_;
    if (creds) {
      Verdict(VerdictOfStatus(code), sink);
    }
    return;
  }
  // kHeaders
  if (line.empty()) {
    server_state_ = kStartLine;
    if ((msg_flags_ & kRespInfo) != 0 || (msg_flags_ & kRespHead) != 0 || reply_code_ == 204 ||
        reply_code_ == 304) {
      return;  // no body
    }
    if ((msg_flags_ & kRespChunked) != 0 || (msg_flags_ & kRespLength) == 0) {
      flags_ |= kServerStopped;  // chunked, or read until the connection closes
      return;
    }
    if (skip_server_ > 0) {
      server_state_ = kBody;
    }
    return;
  }
  std::string_view name;
  std::string_view value;
  if (!SplitHeader(line, &name, &value)) {
    return;
  }
  if (EqualsCi(name, "content-length")) {
    if (!ParseDecimal(value, &skip_server_)) {
      flags_ |= kServerStopped;
    }
    msg_flags_ |= kRespLength;
  } else if (EqualsCi(name, "transfer-encoding")) {
    if (ContainsCi(value, "chunked")) {
      msg_flags_ |= kRespChunked;
    }
  }
}

void LoginParser::ResyncServer() {
  while (queue_len_ > 0 && (creds_queue_ & 1u) == 0) {
    creds_queue_ = static_cast<uint16_t>(creds_queue_ >> 1);
    head_queue_ = static_cast<uint16_t>(head_queue_ >> 1);
    --queue_len_;
  }
  server_len_ = 0;
  server_state_ = kStartLine;
  skip_server_ = 0;
  line_flags_ &= static_cast<uint8_t>(~(kServerCr | kServerCut));
  msg_flags_ &= static_cast<uint8_t>(~(kRespHead | kRespChunked | kRespLength | kRespInfo));
  flags_ &= static_cast<uint8_t>(~kServerStopped);
}

}  // namespace rampart::iot
