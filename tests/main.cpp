// The test runner: doctest's own main, plus one plain summary line at the very end,
//   tests: N passed, N failed
// built from doctest's counts, so CI (and a human) can tell that tests ran. Skipped test cases (GPU
// tests on a machine without a GPU) are listed with their reason.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "framework/cpu/blas_kernels.h"

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct RunCounts {
    unsigned run = 0, failed = 0, skipped = 0;
    std::vector<std::string> skipped_lines;
} g_counts;

// A listener sees the same events as doctest's console reporter; we only keep the final counts.
struct SummaryListener : doctest::IReporter {
    explicit SummaryListener(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats& s) override {
        g_counts.run = s.numTestCasesPassingFilters;
        g_counts.failed = s.numTestCasesFailed;
    }
    void test_case_start(const doctest::TestCaseData&) override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData& tc) override {
        // Tests decorated with doctest::skip(cond) * doctest::description("why") land here (and so do tests
        // left out by a -tc filter: those are not listed).
        if (!tc.m_skip) return;
        g_counts.skipped++;
        g_counts.skipped_lines.push_back(std::string(tc.m_name) + " (" +
                                         (tc.m_description ? tc.m_description : "no reason given") + ")");
    }
};
REGISTER_LISTENER("summary", 1, SummaryListener);

}  // namespace

int main(int argc, char** argv) {
    melgrad::use_preferred_blas_kernels(argv);  // the same OpenBLAS kernels as build/melgrad
    doctest::Context context;
    context.applyCommandLine(argc, argv);
    int rc = context.run();
    if (context.shouldExit()) return rc;
    for (const auto& line : g_counts.skipped_lines) std::printf("skipped: %s\n", line.c_str());
    std::printf("tests: %u passed, %u failed\n", g_counts.run - g_counts.failed, g_counts.failed);
    return rc;
}
