#pragma once
#include <nlohmann/json.hpp>

#include "output/analysis_report.h"

namespace rampart {

//! The `--json` contract of `rampart analyze` (docs/report.md). Field order is fixed.
nlohmann::ordered_json ReportToJson(const AnalysisReport& report);

}  // namespace rampart
