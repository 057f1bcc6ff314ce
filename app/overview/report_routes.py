"""Reports for reporting upward (情况报告): chosen date range, print view, Excel, Word."""
