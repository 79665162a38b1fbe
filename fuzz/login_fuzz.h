#pragma once
// Shared by the login parser fuzz targets (telnet_login, ftp_login, http_login): the input
// format and a sink that traps on any broken invariant.
//
// Input: a sequence of chunks, each one header byte and up to 127 payload bytes. Header bit 7
// is the direction (0 = client to server, 1 = server to client), bits 0-6 the payload length
// (the last chunk may be shorter). Every chunk is one FeedClient/FeedServer call, then End().
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "iot/login_parser.h"

namespace rampart::iot::fuzz {

inline void Require(bool condition) {
  if (!condition) {
    __builtin_trap();
  }
}

inline bool Printable(std::string_view text) {
  for (const char c : text) {
    if (c < 0x20 || c > 0x7e) {
      return false;
    }
  }
  return true;
}

class CheckingSink : public LoginSink {
 public:
  CheckingSink(const LoginParser& parser, LoginService service)
      : begin_(reinterpret_cast<uintptr_t>(&parser)),
        end_(begin_ + sizeof(LoginParser)),
        service_(service) {}

  void OnCredentials(std::string_view user, std::string_view password) override {
    Require(user.size() <= 63 && Printable(user) && Inside(user));
    Require(password.size() < LoginParser::kLineMax && Printable(password) && Inside(password));
    ++credentials_;
  }
  void OnVerdict(LoginVerdict verdict) override {
    Require(verdict == LoginVerdict::kUnknown || verdict == LoginVerdict::kSuccess ||
            verdict == LoginVerdict::kFailure);
    Require(verdicts_ < credentials_);  // never more verdicts than credentials
    ++verdicts_;
  }
  void OnCommand(std::string_view line) override {
    Require(service_ == LoginService::kTelnet && credentials_ > 0);
    Require(!line.empty() && line.size() < LoginParser::kLineMax && Printable(line));
    Require(++commands_ <= LoginParser::kMaxCommands);
  }
  void OnAppletNotFound(std::string_view token) override {
    Require(service_ == LoginService::kTelnet);
    Require(token.size() <= 32 && Printable(token));
  }
  //! After End(): every credentials got exactly one verdict.
  void Finish() const { Require(verdicts_ == credentials_); }

 private:
  // Views point into the parser itself (no copies, no heap).
  bool Inside(std::string_view text) const {
    if (text.empty()) {
      return true;
    }
    const auto p = reinterpret_cast<uintptr_t>(text.data());
    return p >= begin_ && p + text.size() <= end_;
  }

  uintptr_t begin_;
  uintptr_t end_;
  LoginService service_;
  size_t credentials_ = 0;
  size_t verdicts_ = 0;
  size_t commands_ = 0;
};

inline void RunSession(LoginService service, const uint8_t* data, size_t size) {
  LoginParser parser;
  parser.Reset(service);
  CheckingSink sink(parser, service);
  size_t i = 0;
  while (i < size) {
    const uint8_t header = data[i++];
    size_t len = header & 0x7fu;
    if (len > size - i) {
      len = size - i;
    }
    if ((header & 0x80u) != 0) {
      parser.FeedServer(data + i, len, sink);
    } else {
      parser.FeedClient(data + i, len, sink);
    }
    i += len;
  }
  parser.End(sink);
  sink.Finish();
  Require(parser.service() == service);
}

}  // namespace rampart::iot::fuzz
