#pragma once
// Text helpers and constants shared by the login parser's .cc files (not part of the API).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace rampart::iot::login_detail {

// flags_: facts about the whole session.
constexpr uint8_t kServerText = 1u << 0;     // telnet: the server printed text (not only IAC)
constexpr uint8_t kClientStopped = 1u << 1;  // the client side can no longer be followed
constexpr uint8_t kServerStopped = 1u << 2;  // the server side can no longer be followed
constexpr uint8_t kVerdictsOff = 1u << 3;    // HTTP: too many requests in flight
constexpr uint8_t kUserNoPass = 1u << 4;     // FTP: USER sent, no PASS since

// line_flags_: facts about the lines being assembled.
constexpr uint8_t kClientCr = 1u << 0;  // the last client byte was a CR (a LF or NUL may follow)
constexpr uint8_t kServerCr = 1u << 1;
constexpr uint8_t kClientCut = 1u << 2;  // the client line was longer than kLineMax - 1
constexpr uint8_t kServerCut = 1u << 3;
constexpr uint8_t kPromptDone = 1u << 4;  // telnet: the server line was taken as a prompt
constexpr uint8_t kAppletDone = 1u << 5;  // telnet: the server line's applet was reported
constexpr uint8_t kFtpMulti = 1u << 6;    // FTP: inside a multi-line reply (code reply_code_)

// msg_flags_ (HTTP): facts about the current request and response.
constexpr uint8_t kReqAuth = 1u << 0;      // this request's Authorization was seen
constexpr uint8_t kReqChunked = 1u << 1;   // chunked request body
constexpr uint8_t kReqConnect = 1u << 2;   // CONNECT: a tunnel follows
constexpr uint8_t kRespHead = 1u << 3;     // the response answers a HEAD request
constexpr uint8_t kRespChunked = 1u << 4;  // chunked response body
constexpr uint8_t kRespLength = 1u << 5;   // the response has a Content-Length
constexpr uint8_t kRespInfo = 1u << 6;     // 1xx: another status line follows

// HTTP: client_state_ / server_state_ while Feed() skips a body.
constexpr uint8_t kHttpBody = 2;

constexpr size_t kUserMax = 63;
constexpr size_t kTagMax = 16;
constexpr size_t kTokenMax = 32;
constexpr size_t kHttpQueueMax = 16;

inline char LowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool IsPrintable(uint8_t c) {
  return c >= 0x20 && c <= 0x7e;
}

//! `s` equals `lower` ignoring ASCII case (`lower` is lower case).
inline bool EqualsCi(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    if (LowerAscii(s[i]) != lower[i]) {
      return false;
    }
  }
  return true;
}

inline bool StartsWithCi(std::string_view s, std::string_view lower) {
  return s.size() >= lower.size() && EqualsCi(s.substr(0, lower.size()), lower);
}

//! Position of `lower` in `s` ignoring ASCII case, or npos.
inline size_t FindCi(std::string_view s, std::string_view lower) {
  if (lower.empty() || s.size() < lower.size()) {
    return lower.empty() ? 0 : std::string_view::npos;
  }
  for (size_t i = 0; i + lower.size() <= s.size(); ++i) {
    if (EqualsCi(s.substr(i, lower.size()), lower)) {
      return i;
    }
  }
  return std::string_view::npos;
}

inline bool ContainsCi(std::string_view s, std::string_view lower) {
  return FindCi(s, lower) != std::string_view::npos;
}

inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ') {
    s.remove_suffix(1);
  }
  return s;
}

//! The text of `s` up to its first space; `rest` is what follows that one space (verbatim).
inline std::string_view SplitWord(std::string_view s, std::string_view* rest) {
  const size_t space = s.find(' ');
  if (space == std::string_view::npos) {
    *rest = std::string_view();
    return s;
  }
  *rest = s.substr(space + 1);
  return s.substr(0, space);
}

//! Overwrites `n` bytes in a way the compiler may not drop as a dead store.
inline void SecureWipe(void* p, size_t n) {
  std::memset(p, 0, n);
  __asm__ __volatile__("" : : "r"(p) : "memory");
}

//! Moves the printable bytes of `data` to its front; returns how many there are.
inline size_t KeepPrintable(char* data, size_t len) {
  size_t out = 0;
  for (size_t i = 0; i < len; ++i) {
    if (IsPrintable(static_cast<uint8_t>(data[i]))) {
      data[out++] = data[i];
    }
  }
  return out;
}

inline int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

//! Decodes standard base64 (padding optional) in place: the output never overtakes the input.
//! False on any character outside the alphabet, misplaced padding or an impossible length.
inline bool DecodeBase64InPlace(char* data, size_t len, size_t* out_len) {
  size_t pad = 0;
  while (len > 0 && data[len - 1] == '=' && pad < 2) {
    --len;
    ++pad;
  }
  if (len % 4 == 1 || (pad > 0 && (len + pad) % 4 != 0)) {
    return false;
  }
  size_t out = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < len; ++i) {
    const int v = Base64Value(data[i]);
    if (v < 0) {
      return false;
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      data[out++] = static_cast<char>((acc >> bits) & 0xff);  // out < i here: in place is safe
    }
  }
  *out_len = out;
  return true;
}

//! A decimal number of at most 4,294,967,295; false on anything else (sign, space, overflow).
inline bool ParseDecimal(std::string_view s, uint32_t* value) {
  if (s.empty() || s.size() > 10) {
    return false;
  }
  uint64_t v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > 0xffffffffu) {
    return false;
  }
  *value = static_cast<uint32_t>(v);
  return true;
}

}  // namespace rampart::iot::login_detail
