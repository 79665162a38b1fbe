#pragma once
#include <cstddef>
#include <string>

namespace rampart {

//! `rampart history`: what a sensor's history database holds (docs/history.md).
struct HistoryOptions {
  enum class View { kAttacks, kFindings, kEvents };

  std::string db_path;
  View view = View::kAttacks;
  std::string findings_kind;  // kFindings: an event type (`scan`, …) or "all"
  std::string since;          // kEvents: only events at or after this ISO 8601 time
  size_t limit = 50;
  bool json = false;  // one JSON object a line instead of the table
};

//! Prints the chosen view of the history to stdout, opened read-only. Returns 0, or 2 with one
//! line on stderr when the database cannot be read or the options are wrong.
int RunHistory(const HistoryOptions& options);

}  // namespace rampart
