#pragma once
// The webhook: each notification POSTed as JSON to one URL, with a timeout per attempt and
// retries with exponential backoff (docs/sensor.md).
#include <chrono>
#include <string>

#include "notify/notify_script.h"

struct curl_slist;

namespace rampart::notify {

//! Where and how patiently to POST.
struct WebhookSettings {
  std::string url;                              //!< http:// or https://.
  std::chrono::milliseconds timeout{5000};      //!< Per attempt, connecting included.
  int retries = 3;                              //!< Attempts after the first.
  std::chrono::milliseconds backoff{500};       //!< Before the first retry; then doubled,
  std::chrono::milliseconds max_backoff{8000};  //!< up to this.
};

//! How one Post ended.
struct WebhookResult {
  bool ok = false;       //!< A 2xx answer.
  int attempts = 0;      //!< Requests made (or tried: a refused connection counts).
  long http_status = 0;  //!< The last answer's status; 0 when none came.
  std::string error;     //!< Why the last attempt failed ("" when ok).
  std::chrono::milliseconds elapsed{0};
};

//! {"ip", "direction": "incoming"|"outgoing", "pps", "action", "record": <notification.json
//! parsed>}. A record that is not JSON goes in as a string, an empty one as null.
std::string WebhookBody(const Notification& notification);

//! True for the statuses worth asking again: 408, 429 and 5xx (and no answer at all, status 0).
bool IsRetryableStatus(long http_status);

//! One webhook URL and its curl handle, kept between posts so the connection is reused. Not
//! thread-safe: one thread posts at a time (the Notifier's).
class Webhook {
 public:
  explicit Webhook(WebhookSettings settings);
  ~Webhook();
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  const WebhookSettings& settings() const { return settings_; }

  //! POSTs WebhookBody(notification) until a 2xx, a final answer (3xx, 4xx other than 408 and
  //! 429) or retries+1 attempts. `cancelled` is asked during transfers (about once a second)
  //! and during backoff; true abandons the post.
  WebhookResult Post(const Notification& notification, const CancelCheck& cancelled = {});
  //! The same with a ready body.
  WebhookResult PostBody(const std::string& body, const CancelCheck& cancelled = {});

 private:
  WebhookSettings settings_;
  void* curl_ = nullptr;  // CURL (curl.h's typedef of void), kept out of the header.
  curl_slist* headers_ = nullptr;
};

}  // namespace rampart::notify
