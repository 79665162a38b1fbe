#include "notify/webhook.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <utility>

namespace rampart::notify {
namespace {

using Clock = std::chrono::steady_clock;

//! How much of an error answer's body is kept for the log.
constexpr size_t kMaxResponse = 512;
//! How often the backoff sleep asks its CancelCheck.
constexpr std::chrono::milliseconds kBackoffSlice{20};

//! curl_global_init is not thread-safe before libcurl 7.84; do it once, before any handle.
void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t CollectResponse(char* data, size_t size, size_t count, void* user) {
  auto* text = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  const size_t room = kMaxResponse - std::min(kMaxResponse, text->size());
  text->append(data, std::min(bytes, room));
  return bytes;
}

int CheckCancel(void* user, curl_off_t /*dltotal*/, curl_off_t /*dlnow*/, curl_off_t /*ultotal*/,
                curl_off_t /*ulnow*/) {
  const auto* cancelled = static_cast<const CancelCheck*>(user);
  return (*cancelled && (*cancelled)()) ? 1 : 0;
}

//! False when cancelled before the time was up.
bool SleepUnlessCancelled(std::chrono::milliseconds duration, const CancelCheck& cancelled) {
  const auto until = Clock::now() + duration;
  for (;;) {
    if (cancelled && cancelled()) {
      return false;
    }
    const auto now = Clock::now();
    if (now >= until) {
      return true;
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(kBackoffSlice, until - now));
  }
}

//! An answer's body on one line, for the log.
std::string OneLine(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

}  // namespace

std::string WebhookBody(const Notification& notification) {
  nlohmann::ordered_json body;
  body["ip"] = notification.ip;
  body["direction"] = DirectionName(notification.incoming);
  body["pps"] = notification.pps;
  body["action"] = notification.action;
  if (notification.json.empty()) {
    body["record"] = nullptr;
  } else {
    auto record = nlohmann::ordered_json::parse(notification.json, nullptr, false);
    if (record.is_discarded()) {
      body["record"] = notification.json;
    } else {
      body["record"] = std::move(record);
    }
  }
  // A record that is not JSON may not be UTF-8 either; replace rather than throw.
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

bool IsRetryableStatus(long http_status) {
  return http_status == 0 || http_status == 408 || http_status == 429 || http_status >= 500;
}

Webhook::Webhook(WebhookSettings settings) : settings_(std::move(settings)) {
  GlobalInit();
  curl_ = curl_easy_init();
  if (curl_ == nullptr) {
    return;
  }
  headers_ = curl_slist_append(headers_, "Content-Type: application/json");
  // Without this curl waits for "100 Continue" before sending a large body.
  headers_ = curl_slist_append(headers_, "Expect:");
  const long timeout_ms = static_cast<long>(settings_.timeout.count());
  curl_easy_setopt(curl_, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
  curl_easy_setopt(curl_, CURLOPT_USERAGENT, "rampart");
  curl_easy_setopt(curl_, CURLOPT_POST, 1L);
  curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  // No SIGALRM for timeouts: the sensor is multi-threaded.
  curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &CollectResponse);
  curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, &CheckCancel);
  curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
}

Webhook::~Webhook() {
  if (curl_ != nullptr) {
    curl_easy_cleanup(curl_);
  }
  curl_slist_free_all(headers_);
}

WebhookResult Webhook::Post(const Notification& notification, const CancelCheck& cancelled) {
  return PostBody(WebhookBody(notification), cancelled);
}

WebhookResult Webhook::PostBody(const std::string& body, const CancelCheck& cancelled) {
  const auto start = Clock::now();
  WebhookResult result;
  const auto finish = [&]() {
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return std::move(result);
  };
  if (curl_ == nullptr) {
    result.error = "curl_easy_init failed";
    return finish();
  }
  std::string response;
  char curl_error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &cancelled);

  const int max_attempts = std::max(0, settings_.retries) + 1;
  auto backoff = settings_.backoff;
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    if (attempt > 0) {
      if (!SleepUnlessCancelled(backoff, cancelled)) {
        result.error += " (then cancelled)";
        break;
      }
      backoff = std::min(backoff * 2, std::max(settings_.max_backoff, settings_.backoff));
    } else if (cancelled && cancelled()) {
      result.error = "cancelled";
      break;
    }
    response.clear();
    curl_error[0] = '\0';
    ++result.attempts;
    const CURLcode code = curl_easy_perform(curl_);
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    result.http_status = status;
    if (code != CURLE_OK) {
      result.error = curl_error[0] != '\0' ? std::string(curl_error) : curl_easy_strerror(code);
      // Asking again cannot fix the URL, and a cancel means give up now.
      if (code == CURLE_ABORTED_BY_CALLBACK || code == CURLE_URL_MALFORMAT ||
          code == CURLE_UNSUPPORTED_PROTOCOL) {
        break;
      }
      continue;
    }
    if (status >= 200 && status < 300) {
      result.ok = true;
      result.error.clear();
      break;
    }
    result.error = response.empty() ? fmt::format("HTTP {}", status)
                                    : fmt::format("HTTP {}: {}", status, OneLine(response));
    if (!IsRetryableStatus(status)) {
      break;
    }
  }
  // The handle outlives these locals; leave it pointing at none of them.
  curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, nullptr);
  curl_easy_setopt(curl_, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, nullptr);
  return finish();
}

}  // namespace rampart::notify
