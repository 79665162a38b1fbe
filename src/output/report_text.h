#pragma once
#include <string>

#include "output/analysis_report.h"

namespace rampart {

//! The human-readable summary `rampart analyze` prints without --json.
std::string ReportToText(const AnalysisReport& report);

}  // namespace rampart
